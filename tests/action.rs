//! The GitHub Action's scan step (`scripts/action.sh`) as the runner runs it: a
//! faked GITHUB_* environment, the action's inputs as INPUT_* variables, and the
//! binary under test first on PATH in place of the install step. The pull request's
//! repository has a local bare repository as `origin`, so the base branch fetch
//! needs no network.

use super::cli::{git, INSECURE, NEW_INSECURE};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A pull request on `infra/` that adds one insecure bucket to a base that had one,
/// checked out shallowly: `origin/main` is not there until the script fetches it.
struct PullRequest {
    _dir: tempfile::TempDir,
    work: PathBuf,
    runner_temp: PathBuf,
    output: PathBuf,
    step_summary: PathBuf,
}

fn pull_request() -> PullRequest {
    let dir = tempfile::tempdir().expect("tmp");
    let origin = dir.path().join("origin.git");
    let work = dir.path().join("work");
    fs::create_dir_all(work.join("infra")).expect("mkdir");
    git(
        dir.path(),
        &["init", "-q", "--bare", "-b", "main", "origin.git"],
    );
    fs::write(work.join("infra/main.tf"), INSECURE).expect("write");
    git(&work, &["init", "-q", "-b", "main"]);
    git(&work, &["add", "."]);
    git(&work, &["commit", "-q", "-m", "base"]);
    git(
        &work,
        &["remote", "add", "origin", &origin.display().to_string()],
    );
    git(&work, &["push", "-q", "origin", "main"]);
    git(&work, &["checkout", "-q", "-b", "feature"]);
    fs::write(work.join("infra/new.tf"), NEW_INSECURE).expect("write");
    fs::write(work.join("my vars.tfvars"), "region = \"eu-west-1\"\n").expect("write");
    git(&work, &["add", "."]);
    git(&work, &["commit", "-q", "-m", "adds one insecure bucket"]);
    git(&work, &["update-ref", "-d", "refs/remotes/origin/main"]);
    let runner_temp = dir.path().join("runner-temp");
    fs::create_dir(&runner_temp).expect("mkdir");
    PullRequest {
        output: dir.path().join("github-output"),
        step_summary: dir.path().join("step-summary.md"),
        runner_temp,
        work,
        _dir: dir,
    }
}

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
    /// `$GITHUB_OUTPUT` as name -> value.
    outputs: BTreeMap<String, String>,
}

/// Run the script with `env` on top of a GitHub-hosted runner's variables; nothing
/// GitHub-specific leaks in from the environment the tests run in.
fn run_action(pr: &PullRequest, env: &[(&str, &str)]) -> Run {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action.sh");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_soc2scan"))
        .parent()
        .expect("binary directory")
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let mut cmd = Command::new("bash");
    cmd.arg(script).current_dir(&pr.work);
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if ["GITHUB_", "INPUT_", "RUNNER_"]
            .iter()
            .any(|p| key.starts_with(p))
        {
            cmd.env_remove(key);
        }
    }
    cmd.env("PATH", path)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_WORKSPACE", &pr.work)
        .env("GITHUB_OUTPUT", &pr.output)
        .env("GITHUB_STEP_SUMMARY", &pr.step_summary)
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "acme/infra")
        .env("GITHUB_SHA", "0123abc")
        .env("RUNNER_TEMP", &pr.runner_temp)
        .envs(env.iter().copied());
    let o = cmd.output().expect("run bash");
    let outputs = fs::read_to_string(&pr.output)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Run {
        status: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        outputs,
    }
}

fn commands(stdout: &str) -> Vec<&str> {
    stdout.lines().filter(|l| l.starts_with("::")).collect()
}

/// On a pull request the script fetches the base branch, gates only on what the
/// pull request adds, annotates it at its repository path, writes SARIF and the
/// job summary, and leaves failing the job to the action's last step.
#[test]
fn pull_request_run_annotates_what_it_adds() {
    let pr = pull_request();
    let run = run_action(
        &pr,
        &[
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_BASE_REF", "main"),
            ("INPUT_PATHS", "infra\n"),
            ("INPUT_FAIL_ON", "low"),
            ("INPUT_DIFF_BASE", ""),
            ("INPUT_SARIF_CATEGORY", "soc2scan/infra"),
            ("INPUT_UPLOAD_SARIF", "true"),
            ("INPUT_ANNOTATIONS", "true"),
            ("INPUT_CONFIG", ""),
            ("INPUT_EXTRA_ARGS", "--rule ENC001"),
        ],
    );
    let context = format!("stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert_eq!(
        run.status,
        Some(0),
        "the script records, the gate fails\n{context}"
    );
    assert_eq!(
        run.outputs.get("exit-code").map(String::as_str),
        Some("1"),
        "{context}"
    );

    let annotations = commands(&run.stdout);
    assert_eq!(annotations.len(), 1, "{context}");
    assert!(
        annotations[0].contains("file=infra/new.tf,line=1,"),
        "{context}"
    );
    assert!(annotations[0].contains("title=ENC001 "), "{context}");

    let sarif_file = run.outputs.get("sarif-file").expect("sarif-file output");
    assert!(sarif_file.starts_with(&pr.runner_temp.display().to_string()));
    let sarif: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(sarif_file).expect("SARIF written"))
            .expect("SARIF is JSON");
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["automationDetails"]["id"], "soc2scan/infra/");
    assert_eq!(run0["results"].as_array().map(Vec::len), Some(1));

    let summary = fs::read_to_string(&pr.step_summary).expect("job summary");
    assert!(
        summary.contains("https://github.com/acme/infra/blob/0123abc/infra/new.tf"),
        "{summary}"
    );
    // The base branch was fetched from origin for --diff-base.
    git(&pr.work, &["rev-parse", "--verify", "-q", "origin/main"]);
}

/// Off a pull request there is no base; switched-off outputs are not written, and
/// extra-args keep quoted words together.
#[test]
fn push_run_with_outputs_switched_off() {
    let pr = pull_request();
    let run = run_action(
        &pr,
        &[
            ("GITHUB_EVENT_NAME", "push"),
            ("INPUT_PATHS", "infra"),
            ("INPUT_FAIL_ON", "none"),
            ("INPUT_UPLOAD_SARIF", "false"),
            ("INPUT_ANNOTATIONS", "false"),
            (
                "INPUT_EXTRA_ARGS",
                "--var-file 'my vars.tfvars' --rule ENC001",
            ),
        ],
    );
    let context = format!("stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert_eq!(run.status, Some(0), "{context}");
    assert_eq!(
        run.outputs.get("exit-code").map(String::as_str),
        Some("0"),
        "{context}"
    );
    assert!(!run.outputs.contains_key("sarif-file"), "{context}");
    assert!(commands(&run.stdout).is_empty(), "{context}");
    assert!(!run.stdout.contains("--diff-base"), "{context}");
    // Both buckets fail without a base; the table in the log shows them.
    assert!(run.stdout.contains("aws_s3_bucket.old"), "{context}");
    assert!(run.stdout.contains("aws_s3_bucket.new"), "{context}");
}

/// A usage error is recorded as exit code 2 for the gate, with no SARIF to upload.
#[test]
fn usage_error_is_recorded_for_the_gate() {
    let pr = pull_request();
    let run = run_action(
        &pr,
        &[
            ("INPUT_PATHS", "infra"),
            ("INPUT_FAIL_ON", "sometimes"),
            ("INPUT_UPLOAD_SARIF", "true"),
        ],
    );
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert_eq!(run.outputs.get("exit-code").map(String::as_str), Some("2"));
    assert!(!run.outputs.contains_key("sarif-file"));
    assert!(run.stderr.contains("--fail-on"), "{}", run.stderr);
}

/// Every input of action.yml reaches the script as an INPUT_* variable, and the
/// script reads no other.
#[test]
fn action_inputs_match_the_script() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let action = fs::read_to_string(root.join("action.yml")).expect("action.yml");
    let script = fs::read_to_string(root.join("scripts/action.sh")).expect("script");
    let inputs_block = action
        .split("\ninputs:\n")
        .nth(1)
        .and_then(|rest| rest.split("\noutputs:\n").next())
        .expect("inputs block");
    let inputs: Vec<String> = inputs_block
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
        .map(|l| l.trim().trim_end_matches(':').to_string())
        .collect();
    assert_eq!(inputs.len(), 8, "{inputs:?}");
    let variable = |input: &str| format!("INPUT_{}", input.to_uppercase().replace('-', "_"));
    for input in &inputs {
        let var = variable(input);
        assert!(
            action.contains(&format!("{var}: ${{{{ inputs.{input} }}}}")),
            "action.yml does not pass {input} as {var}"
        );
        assert!(
            script.contains(&var),
            "scripts/action.sh does not read {var}"
        );
    }
    let re = regex::Regex::new(r"INPUT_[A-Z_]+").expect("regex");
    for m in re.find_iter(&script) {
        assert!(
            inputs.iter().any(|i| variable(i) == m.as_str()),
            "scripts/action.sh reads {} that action.yml does not pass",
            m.as_str()
        );
    }
}
