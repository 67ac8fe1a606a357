//! The HTML report in headless Chromium (Debian's `chromium`, installed by
//! scripts/chromium.sh): it renders without a console error or a network request,
//! and every cell of the seeded half-year is drawn with its state. With
//! SOC2SCAN_SCREENSHOT=FILE it also writes the screenshot docs/ shows
//! (scripts/evidence-screenshot.sh).

use super::fixture::{intact, params, window};
use super::scenario;
use soc2scan::evidence::audit::render::{render, ReportFormat};
use soc2scan::evidence::audit::window::Cadence;
use soc2scan::evidence::audit::{analyse, AuditReport};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Records script errors, failed loads and every network request on the page's root
/// element, where `--dump-dom` shows them.
const PROBE: &str = r#"<script>(function(){var errs=[];function rec(m){errs.push(String(m));}
window.addEventListener('error',function(e){rec(e.message||(e.target&&(e.target.src||e.target.href))||'error');},true);
var ce=console.error;console.error=function(){rec([].join.call(arguments,' '));ce.apply(console,arguments);};
window.addEventListener('load',function(){var h=document.documentElement;
h.setAttribute('data-probe-errors',errs.join(' | '));
h.setAttribute('data-probe-requests',String(performance.getEntriesByType('resource').length));
h.setAttribute('data-probe-done','1');});})();</script>"#;

/// The browser, or `None` outside CI when it is not installed (with a note why the
/// test did nothing). In CI a missing browser fails the test.
fn chromium() -> Option<PathBuf> {
    if Path::new(CHROMIUM).exists() {
        return Some(PathBuf::from(CHROMIUM));
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{CHROMIUM} is missing: scripts/chromium.sh installs it (apt-get install -y chromium); CI must run the HTML report test");
    }
    eprintln!("SKIPPED: {CHROMIUM} is not installed; run scripts/chromium.sh (apt-get install -y chromium) to test the HTML report");
    None
}

fn headless(browser: &Path, profile: &Path, args: &[&str]) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("run chromium")
}

/// The page's DOM after load, with the probe's findings.
fn dump(browser: &Path, dir: &Path, html: &str) -> String {
    let page = dir.join("page.html");
    let probed = html.replacen("<head>", &format!("<head>{PROBE}"), 1);
    assert_ne!(probed, html, "the page has a <head> to put the probe in");
    std::fs::write(&page, probed).expect("write page");
    let out = headless(
        browser,
        &dir.join("profile"),
        &["--dump-dom", &format!("file://{}", page.display())],
    );
    let dom = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        dom.contains("data-probe-done=\"1\""),
        "chromium did not finish loading the page: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    dom
}

fn attr<'a>(dom: &'a str, name: &str) -> &'a str {
    let key = format!("{name}=\"");
    dom.find(&key)
        .map(|i| &dom[i + key.len()..])
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
}

/// (control, source, date) -> state, for every drawn cell.
fn cells(dom: &str) -> BTreeMap<(String, String, String), String> {
    let re = regex::Regex::new(
        r#"data-control="([^"]+)" data-source="([^"]+)" data-date="([^"]+)" data-state="([^"]+)""#,
    )
    .expect("regex");
    re.captures_iter(dom)
        .map(|c| {
            (
                (c[1].to_string(), c[2].to_string(), c[3].to_string()),
                c[4].to_string(),
            )
        })
        .collect()
}

fn expected_cells(r: &AuditReport) -> BTreeMap<(String, String, String), String> {
    let mut out = BTreeMap::new();
    for c in &r.controls {
        let rows = std::iter::once(("all", &c.days))
            .chain(c.sources.iter().map(|s| (s.source.as_str(), &s.days)));
        for (source, days) in rows {
            for d in days {
                out.insert(
                    (
                        c.control.to_string(),
                        source.to_string(),
                        d.date.to_string(),
                    ),
                    d.state.as_str().to_string(),
                );
            }
        }
    }
    out
}

fn half_year_report() -> AuditReport {
    let runs = scenario::ledger();
    analyse(
        &runs,
        &params(window(scenario::FROM, scenario::TO, Cadence::Daily)),
        intact(),
    )
}

#[test]
fn html_report_renders_in_chromium_with_every_cell() {
    let Some(browser) = chromium() else { return };
    let report = half_year_report();
    let html = render(&report, ReportFormat::Html).expect("html");
    let dir = tempfile::tempdir().expect("tmp");
    let dom = dump(&browser, dir.path(), &html);
    assert_eq!(
        attr(&dom, "data-probe-errors"),
        "",
        "console or load errors"
    );
    assert_eq!(attr(&dom, "data-probe-requests"), "0", "network requests");

    let drawn = cells(&dom);
    let expected = expected_cells(&report);
    assert_eq!(drawn.len(), expected.len());
    assert_eq!(drawn, expected);
    // The planted days, as an auditor would look them up.
    let state =
        |c: &str, s: &str, d: &str| drawn[&(c.to_string(), s.to_string(), d.to_string())].as_str();
    assert_eq!(state("CC6.7", "all", "2026-03-04"), "not-collected");
    assert_eq!(state("CC6.7", "all", "2026-04-30"), "pass");
    assert_eq!(state("CC6.7", "all", "2026-05-01"), "not-collected");
    assert_eq!(state("CC6.1", super::fixture::TF, "2026-03-01"), "fail");
    assert_eq!(state("CC6.1", "all", "2026-04-15"), "incomplete");
    assert_eq!(
        state("CC9.1", super::fixture::AWS, "2026-04-01"),
        "not-collected"
    );
    assert_eq!(state("CC9.1", "all", "2026-04-01"), "pass");

    if let Some(shot) = std::env::var_os("SOC2SCAN_SCREENSHOT") {
        let page = dir.path().join("report.html");
        std::fs::write(&page, &html).expect("write report");
        let out = headless(
            &browser,
            &dir.path().join("profile-shot"),
            &[
                "--hide-scrollbars",
                "--window-size=1100,1500",
                &format!("--screenshot={}", PathBuf::from(shot).display()),
                &format!("file://{}", page.display()),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The probe is what makes the test above able to fail: a page with a script error
/// and a network request is caught.
#[test]
fn chromium_probe_catches_errors_and_requests() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let bad = "<!DOCTYPE html><html><head><title>x</title></head><body>\
               <img src=\"http://127.0.0.1:9/pixel.png\"><script>undefinedFunction();</script></body></html>";
    let dom = dump(&browser, dir.path(), bad);
    let errors = attr(&dom, "data-probe-errors");
    assert!(errors.contains("undefinedFunction"), "{errors}");
    assert!(errors.contains("127.0.0.1:9"), "{errors}");
    assert_ne!(attr(&dom, "data-probe-requests"), "0");
}
