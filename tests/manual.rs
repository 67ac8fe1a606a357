//! `soc2scan completions` and `soc2scan man`, run as packagers run them.

use std::process::{Command, Output};

fn soc2scan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args(args)
        .output()
        .expect("run soc2scan")
}

fn stdout(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn completions_cover_commands_and_flags() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout(&soc2scan(&["completions", shell]));
        for word in ["scan", "baseline", "explain", "fail-on", "sarif-category"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    // The bash script at least parses.
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("soc2scan.bash");
    std::fs::write(&path, stdout(&soc2scan(&["completions", "bash"]))).expect("write");
    let check = Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
        .expect("bash");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(soc2scan(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn man_pages_for_the_tool_and_each_command() {
    let page = stdout(&soc2scan(&["man"]));
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq"),
        "roff preamble: {page}"
    );
    assert!(page.contains(".TH soc2scan 1"), "{page}");
    assert!(
        page.contains("soc2scan\\-scan(1)"),
        "subcommands listed: {page}"
    );
    let scan = stdout(&soc2scan(&["man", "scan"]));
    assert!(scan.contains(".TH soc2scan-scan 1"), "{scan}");
    assert!(
        scan.contains(&format!("\"soc2scan {}\"", env!("CARGO_PKG_VERSION"))),
        "{scan}"
    );
    assert!(scan.contains("\\-\\-fail\\-on"), "{scan}");
    let o = soc2scan(&["man", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no command \"nope\""));
}
