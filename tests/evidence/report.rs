//! What the auditor's view states, on the half-year scenario and on small cases.

use super::fixture::*;
use super::scenario;
use soc2scan::evidence::audit::model::{AuditReport, CellState};
use soc2scan::evidence::audit::render::{render, ReportFormat};
use soc2scan::evidence::audit::window::Cadence;
use soc2scan::evidence::audit::{analyse, AuditParams, Expectation};
use soc2scan::finding::Status;

fn half_year() -> AuditReport {
    let runs = scenario::ledger();
    analyse(
        &runs,
        &params(window(scenario::FROM, scenario::TO, Cadence::Daily)),
        intact(),
    )
}

fn summary<'a>(r: &'a AuditReport, control: &str) -> &'a str {
    &r.controls
        .iter()
        .find(|c| c.control == control)
        .expect("control")
        .summary
}

fn statements<T>(items: &[T], f: impl Fn(&T) -> &str) -> Vec<&str> {
    items.iter().map(f).collect()
}

fn state(r: &AuditReport, control: &str, source: Option<&str>, date: &str) -> CellState {
    let c = r
        .controls
        .iter()
        .find(|c| c.control == control)
        .expect("control");
    let days = match source {
        None => &c.days,
        Some(s) => {
            &c.sources
                .iter()
                .find(|x| x.source == s)
                .expect("source row")
                .days
        }
    };
    days.iter()
        .find(|d| d.date.to_string() == date)
        .expect("day")
        .state
}

#[test]
fn half_year_summaries_state_each_planted_gap() {
    let r = half_year();
    assert_eq!(r.window.days, 180);
    assert_eq!(r.window.runs, 357);
    assert_eq!(
        summary(&r, "CC6.7"),
        "CC6.7: evaluated on 118 of 180 days (not collected 2026-03-04, 2026-03-05 and 2026-05-01 to 2026-06-29); \
         rule TLS001 disabled from 2026-05-01; no findings opened; no accepted exceptions."
    );
    assert_eq!(
        summary(&r, "CC6.1"),
        "CC6.1: evaluated on 178 of 180 days (not collected 2026-03-04 and 2026-03-05); incomplete on 1 day (2026-04-15); \
         1 finding opened, resolved within 59 days; \
         1 accepted exception (ENC001 on aws_s3_bucket.logs: reason \"logs hold no customer data\", until 2026-02-28, expired)."
    );
    assert_eq!(
        summary(&r, "CC6.3"),
        "CC6.3: evaluated on 178 of 180 days (not collected 2026-03-04 and 2026-03-05); \
         1 finding opened, resolved within 3 days; no accepted exceptions."
    );
    assert_eq!(
        summary(&r, "CC6.6"),
        "CC6.6: evaluated on 178 of 180 days (not collected 2026-03-04 and 2026-03-05); \
         1 finding opened, none resolved; 1 open at the window's end (oldest first seen 2026-06-20, 9 days old); \
         no accepted exceptions."
    );
    assert_eq!(
        summary(&r, "CC9.1"),
        "CC9.1: evaluated on 178 of 180 days (not collected 2026-03-04 and 2026-03-05); \
         not collected from aws:111111111111/eu-west-1 on 2026-04-01 to 2026-06-29; no findings opened; no accepted exceptions."
    );
    assert_eq!(
        summary(&r, "C1.2"),
        "C1.2: not evaluated on any of the 180 days; no findings opened; no accepted exceptions."
    );
}

#[test]
fn half_year_gaps_are_stated_exactly() {
    let r = half_year();
    let g = &r.gaps;
    assert_eq!(
        statements(&g.missed, |m| &m.statement),
        [
            "aws:111111111111/eu-west-1: no run in 2 days: 2026-03-04 and 2026-03-05",
            "terraform:github.com/acme/infra//.: no run in 2 days: 2026-03-04 and 2026-03-05",
        ]
    );
    assert_eq!(
        statements(&g.dropped_services, |m| &m.statement),
        [
            "aws:111111111111/eu-west-1: service rds last collected on 2026-03-31; \
          not collected by its runs from 2026-04-01 to the window's end (until 2026-06-29)"
        ]
    );
    assert_eq!(
        statements(&g.rule_changes, |m| &m.statement),
        [
            "TLS001 disabled from 2026-05-01 (run 237) on terraform:github.com/acme/infra//.",
            "TLS001 disabled from 2026-05-01 (run 238) on aws:111111111111/eu-west-1",
        ]
    );
    assert_eq!(
        statements(&g.uncovered, |m| &m.statement),
        [
            "aws:111111111111/eu-west-1: CC6.7 not covered in 60 days on which the source ran \
             (no enabled rule mapped to it was evaluated): 2026-05-01 to 2026-06-29",
            "aws:111111111111/eu-west-1: CC9.1 not covered in 90 days on which the source ran \
             (no enabled rule mapped to it was evaluated): 2026-04-01 to 2026-06-29",
            "terraform:github.com/acme/infra//.: CC6.7 not covered in 60 days on which the source ran \
             (no enabled rule mapped to it was evaluated): 2026-05-01 to 2026-06-29",
        ]
    );
    assert_eq!(
        statements(&g.suppressions_added, |m| &m.statement),
        ["2026-02-01 (run 63): exception added for ENC001 on aws_s3_bucket.logs (terraform:github.com/acme/infra//.): \
          inline, reason \"logs hold no customer data\", until 2026-02-28"]
    );
    assert_eq!(
        statements(&g.suppressions_expired, |m| &m.statement),
        ["exception for ENC001 on aws_s3_bucket.logs (terraform:github.com/acme/infra//.), \
          reason \"logs hold no customer data\", held until 2026-02-28; the finding counts as failing from 2026-03-01"]
    );
    assert_eq!(
        statements(&g.collection, |m| &m.statement),
        ["aws:111111111111/eu-west-1: collection-gap in s3 GetBucketPolicy (AccessDenied) in 1 run on 2026-04-15; \
          CC6.1, C1.1 incomplete"]
    );
    assert_eq!(
        statements(&g.clock, |m| &m.statement),
        ["run 319 started at 2026-06-10T02:30:00Z, earlier than run 318 before it (2026-06-10T03:00:00Z): \
          its clock went backwards; the report orders runs by the log"]
    );
    assert!(g.dropped_sources.is_empty());
    assert!(g.unmatched_expectations.is_empty());
}

#[test]
fn half_year_cells_findings_and_exceptions() {
    let r = half_year();
    // The exception held through 2026-02-28; from the next day the finding fails.
    assert_eq!(state(&r, "CC6.1", Some(TF), "2026-02-28"), CellState::Pass);
    assert_eq!(state(&r, "CC6.1", Some(TF), "2026-03-01"), CellState::Fail);
    assert_eq!(state(&r, "CC6.1", Some(TF), "2026-03-20"), CellState::Pass);
    // The gap makes the live cell incomplete, and so the overall row.
    assert_eq!(
        state(&r, "CC6.1", Some(AWS), "2026-04-15"),
        CellState::Incomplete
    );
    assert_eq!(
        state(&r, "CC6.1", None, "2026-04-15"),
        CellState::Incomplete
    );
    assert_eq!(
        state(&r, "CC6.1", None, "2026-03-04"),
        CellState::NotCollected
    );
    // RDS no longer swept: the live row is not collected, Terraform still covers.
    assert_eq!(
        state(&r, "CC9.1", Some(AWS), "2026-04-01"),
        CellState::NotCollected
    );
    assert_eq!(state(&r, "CC9.1", None, "2026-04-01"), CellState::Pass);
    let cc63 = &r.controls[1].days;
    let feb11 = cc63
        .iter()
        .find(|d| d.date.to_string() == "2026-02-11")
        .expect("day");
    // Both sources' runs cover CC6.3; one of them failed.
    assert_eq!(
        (feb11.state, feb11.runs, feb11.failures),
        (CellState::Fail, 2, 1)
    );
    let jun10 = &r.controls[0]
        .days
        .iter()
        .find(|d| d.date.to_string() == "2026-06-10")
        .expect("day");
    assert_eq!(jun10.runs, 3, "the re-run counts");

    let occ: Vec<String> = r
        .findings
        .occurrences
        .iter()
        .map(|o| {
            let resolved = o.resolved.map_or("-".to_string(), |d| d.to_string());
            let days = o
                .days_to_remediate
                .map_or("-".to_string(), |d| d.to_string());
            format!("{} {} {resolved} {days} {}", o.rule, o.first_seen, o.state)
        })
        .collect();
    assert_eq!(
        occ,
        [
            "ENC001 2026-01-20 2026-03-20 59 resolved",
            "IAM001 2026-02-10 2026-02-13 3 resolved",
            "NET001 2026-06-20 - - open",
        ]
    );
    let high = &r.findings.time_to_remediate[1];
    assert_eq!(
        (
            high.resolved,
            high.median_days,
            high.p90_days,
            high.open_at_end
        ),
        (1, Some(3), Some(3), 1)
    );
    // Accepted from 2026-02-01 to 2026-02-28: not counted as open on those days.
    let open = &r.findings.open_per_day;
    assert_eq!((open[30], open[31], open[58], open[59]), (1, 0, 0, 1));
    assert_eq!(r.exceptions.len(), 1);
    assert_eq!(
        (
            r.exceptions[0].first_seq,
            r.exceptions[0].first_seen.to_string(),
            r.exceptions[0].state
        ),
        (63, "2026-02-01".to_string(), "expired")
    );
}

/// Weekly cadence: a week with one run is collected; a week without is one gap, not
/// seven.
#[test]
fn weekly_cadence_counts_weeks() {
    // Mondays 2026-03-02, 09 (skipped), 16, 23; the window is four ISO weeks.
    let runs = ledger(vec![
        Run::new(TF, "2026-03-02"),
        Run::new(TF, "2026-03-18"),
        Run::new(TF, "2026-03-23"),
    ]);
    let r = analyse(
        &runs,
        &params(window("2026-03-02", "2026-03-29", Cadence::Weekly)),
        intact(),
    );
    assert_eq!(
        statements(&r.gaps.missed, |m| &m.statement),
        ["terraform:github.com/acme/infra//.: no run in 1 week: 2026-03-09 to 2026-03-15"]
    );
    assert_eq!(
        summary(&r, "CC8.1"),
        "CC8.1: evaluated in 3 of 4 weeks (not collected 2026-03-09 to 2026-03-15); no findings opened; no accepted exceptions."
    );
    // The grid still shows days as they happened.
    assert_eq!(
        state(&r, "CC8.1", None, "2026-03-03"),
        CellState::NotCollected
    );
    assert_eq!(r.controls[4].evaluated, 3);
}

/// No expectation configured: each source is expected from its first run, so a
/// source added mid-window has no gap before it; the overall row still shows days on
/// which nothing ran.
#[test]
fn implicit_expectations_start_at_each_source_first_run() {
    let runs = ledger(vec![
        Run::new(TF, "2026-03-01"),
        Run::new(TF, "2026-03-02"),
        Run::new(TF, "2026-03-03"),
        Run::new(AWS, "2026-03-03"),
        Run::new(TF, "2026-03-05"),
        Run::new(AWS, "2026-03-05"),
    ]);
    let r = analyse(
        &runs,
        &params(window("2026-03-01", "2026-03-05", Cadence::Daily)),
        intact(),
    );
    assert_eq!(r.window.expectations, "implicit");
    assert_eq!(
        statements(&r.gaps.missed, |m| &m.statement),
        [
            "aws:111111111111/eu-west-1: no run in 1 day: 2026-03-04",
            "terraform:github.com/acme/infra//.: no run in 1 day: 2026-03-04",
        ]
    );
    assert_eq!(
        summary(&r, "CC6.1"),
        "CC6.1: evaluated on 4 of 5 days (not collected 2026-03-04); no findings opened; no accepted exceptions."
    );
    let aws = r.sources.iter().find(|s| s.key == AWS).expect("aws");
    assert_eq!(
        aws.expected.as_ref().map(|e| e.from.to_string()),
        Some("2026-03-03".into())
    );

    // Configured: the same source is expected from the window's start, and a
    // pattern nobody matches is named.
    let expect = vec![
        Expectation::new("aws:111111111111/*", None, &[]).expect("expectation"),
        Expectation::new(
            "aws:222222222222/*",
            Some(Cadence::Weekly),
            &["CC6.1".into()],
        )
        .expect("expectation"),
    ];
    let p = AuditParams::new(
        window("2026-03-01", "2026-03-05", Cadence::Daily),
        expect,
        None,
    )
    .expect("params");
    let r = analyse(&runs, &p, intact());
    assert_eq!(r.window.expectations, "configured");
    assert_eq!(
        statements(&r.gaps.missed, |m| &m.statement),
        ["aws:111111111111/eu-west-1: no run in 3 days: 2026-03-01, 2026-03-02 and 2026-03-04"]
    );
    assert_eq!(r.gaps.unmatched_expectations, ["aws:222222222222/*"]);
    assert!(r
        .sources
        .iter()
        .find(|s| s.key == TF)
        .expect("tf")
        .expected
        .is_none());
    assert_eq!(
        summary(&r, "CC6.1"),
        "CC6.1: evaluated on 4 of 5 days (not collected 2026-03-04); \
         not collected from aws:111111111111/eu-west-1 on 2026-03-01 and 2026-03-02; no findings opened; no accepted exceptions."
    );
}

#[test]
fn a_source_that_stops_is_dropped_with_its_last_run() {
    let runs = ledger(vec![
        Run::new(TF, "2026-03-01"),
        Run::new(AWS, "2026-03-01"),
        Run::new(TF, "2026-03-02"),
        Run::new(TF, "2026-03-03"),
        Run::new(TF, "2026-03-04"),
    ]);
    let r = analyse(
        &runs,
        &params(window("2026-03-01", "2026-03-04", Cadence::Daily)),
        intact(),
    );
    assert_eq!(
        statements(&r.gaps.dropped_sources, |m| &m.statement),
        ["aws:111111111111/eu-west-1: last run on 2026-03-01; not collected from 2026-03-02 to the window's end (3 days)"]
    );
    assert!(
        r.gaps.missed.is_empty(),
        "the dropped days are not repeated as missed days"
    );
}

#[test]
fn cell_states_fail_before_incomplete_before_pass() {
    let runs = ledger(vec![
        // A failure and a gap on the same control: fail.
        Run::new(AWS, "2026-03-01")
            .gap("collection-gap", "s3", &["ENC001"])
            .result("ENC001", "b", Status::Fail),
        // A parse error naming no rule: every covered control is incomplete.
        Run::new(TF, "2026-03-02").gap("parse-error", "terraform", &[]),
        // Unknowns: not incomplete by default.
        Run::new(TF, "2026-03-03").result("ENC001", "a", Status::Unknown),
    ]);
    let w = window("2026-03-01", "2026-03-03", Cadence::Daily);
    let r = analyse(&runs, &params(w), intact());
    assert_eq!(state(&r, "CC6.1", Some(AWS), "2026-03-01"), CellState::Fail);
    assert_eq!(state(&r, "CC6.3", Some(AWS), "2026-03-01"), CellState::Pass);
    assert_eq!(
        state(&r, "CC6.3", Some(TF), "2026-03-02"),
        CellState::Incomplete
    );
    assert_eq!(
        state(&r, "CC8.1", Some(TF), "2026-03-02"),
        CellState::Incomplete
    );
    assert_eq!(state(&r, "CC6.1", Some(TF), "2026-03-03"), CellState::Pass);
    assert_eq!(state(&r, "CC6.1", None, "2026-03-01"), CellState::Fail);

    // With a share configured, one unknown out of one result is above it.
    let p = AuditParams::new(w, Vec::new(), Some(0.5)).expect("params");
    let r = analyse(&runs, &p, intact());
    assert_eq!(
        state(&r, "CC6.1", Some(TF), "2026-03-03"),
        CellState::Incomplete
    );
    assert_eq!(state(&r, "CC6.3", Some(TF), "2026-03-03"), CellState::Pass);
    assert!(AuditParams::new(w, Vec::new(), Some(1.5)).is_err());
}

#[test]
fn absence_without_coverage_resolves_nothing() {
    let runs = ledger(vec![
        Run::new(TF, "2026-03-01").result("TLS001", "lb", Status::Fail),
        // TLS001 disabled: the finding's absence is not remediation.
        Run::new(TF, "2026-03-02").disable("TLS001"),
        // A gap naming TLS001: neither.
        Run::new(TF, "2026-03-03").gap("collection-gap", "elbv2", &["TLS001"]),
        // Evaluated, and gone: resolved.
        Run::new(TF, "2026-03-05"),
    ]);
    let r = analyse(
        &runs,
        &params(window("2026-03-01", "2026-03-06", Cadence::Daily)),
        intact(),
    );
    let o = &r.findings.occurrences[0];
    assert_eq!(o.resolved.map(|d| d.to_string()), Some("2026-03-05".into()));
    assert_eq!(o.days_to_remediate, Some(4));
}

#[test]
fn the_offset_moves_day_boundaries() {
    let runs = ledger(vec![Run::new(TF, "2026-03-01").at("2026-03-01T23:30:00Z")]);
    let mut w = window("2026-03-01", "2026-03-02", Cadence::Daily);
    w.tz = soc2scan::evidence::audit::window::parse_tz("+02:00").expect("tz");
    let r = analyse(&runs, &params(w), intact());
    assert_eq!(r.window.tz, "+02:00");
    assert_eq!(
        state(&r, "CC6.1", None, "2026-03-01"),
        CellState::NotCollected
    );
    assert_eq!(state(&r, "CC6.1", None, "2026-03-02"), CellState::Pass);
}

#[test]
fn forms_are_deterministic_and_complete() {
    let r = half_year();
    let again = half_year();
    for f in ReportFormat::ALL {
        let text = render(&r, f).expect("render");
        assert_eq!(text, render(&again, f).expect("render"), "{f}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&render(&r, ReportFormat::Json).expect("json")).expect("parse");
    assert_eq!(json["schema"], "soc2scan/evidence-report/v1");
    assert_eq!(
        json["controls"][3]["days"][124],
        serde_json::json!({"date": "2026-05-05", "state": "not-collected", "runs": 0, "failures": 0})
    );
    assert_eq!(
        json["controls"][0]["sources"][1]["days"][59]["state"],
        "fail"
    );

    let csv = render(&r, ReportFormat::Csv).expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "control,date,source,state,runs,failures");
    // 9 controls x 180 days x (overall + the sources with a row for the control).
    let rows: usize = r.controls.iter().map(|c| 180 * (1 + c.sources.len())).sum();
    assert_eq!(lines.len(), 1 + rows);
    assert!(lines.contains(&"CC6.1,2026-03-01,terraform:github.com/acme/infra//.,fail,1,1"));
    assert!(lines.contains(&"CC6.7,2026-05-01,all,not-collected,0,0"));

    let html = render(&r, ReportFormat::Html).expect("html");
    for needle in [
        "Ledger verified intact",
        "UTC offset +00:00, daily cadence",
        "CC6.7: evaluated on 118 of 180 days",
        "TLS001 disabled from 2026-05-01 (run 237)",
        "held until 2026-02-28; the finding counts as failing from 2026-03-01",
        "data-control=\"CC6.1\" data-source=\"all\" data-date=\"2026-04-15\" data-state=\"incomplete\"",
        "logs hold no customer data",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    assert!(
        !html.contains("http://") || !html.contains("src=\"http"),
        "no remote resource"
    );
    assert!(!html.contains("<script"), "no script");
}

#[test]
fn html_escapes_what_users_wrote() {
    let runs = ledger(vec![Run::new(TF, "2026-03-01").suppressed(
        "ENC001",
        "a",
        "<script>alert(1)</script>",
        "2026-04-01",
    )]);
    let r = analyse(
        &runs,
        &params(window("2026-03-01", "2026-03-01", Cadence::Daily)),
        intact(),
    );
    let html = render(&r, ReportFormat::Html).expect("html");
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
}

#[test]
fn markdown_report() {
    let runs = ledger(vec![
        Run::new(TF, "2026-03-01").result("NET001", "aws_security_group.ssh", Status::Fail),
        Run::new(AWS, "2026-03-01").suppressed(
            "ENC001",
            "arn:aws:s3:::logs",
            "no customer | data",
            "2026-03-02",
        ),
        Run::new(TF, "2026-03-02"),
        Run::new(AWS, "2026-03-03").gap("collection-gap", "s3", &["ENC001"]),
    ]);
    let r = analyse(
        &runs,
        &params(window("2026-02-27", "2026-03-03", Cadence::Daily)),
        intact(),
    );
    insta::assert_snapshot!(render(&r, ReportFormat::Markdown).expect("markdown"));
}
