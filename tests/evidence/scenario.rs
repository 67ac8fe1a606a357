//! The half-year every auditor's-view test reads: 180 days of nightly runs of two
//! sources, with planted missed days, a service dropped, a rule disabled, an
//! exception that expired, findings opened and resolved, a collection gap and a
//! clock that went backwards.

use super::fixture::{day, Run, AWS, TF};
use chrono::Duration;
use soc2scan::evidence::record::LedgerRun;
use soc2scan::finding::Status;

pub const FROM: &str = "2026-01-01";
pub const TO: &str = "2026-06-29";

/// Nobody ran anything on these days.
pub const MISSED: &[&str] = &["2026-03-04", "2026-03-05"];

pub fn half_year() -> Vec<Run> {
    let mut runs = Vec::new();
    let start = day(FROM);
    for i in 0..180 {
        let date = (start + Duration::days(i)).to_string();
        if MISSED.contains(&date.as_str()) {
            continue;
        }
        let d = date.as_str();
        let mut tf = Run::new(TF, d).result("ENC001", "aws_s3_bucket.data", Status::Pass);
        let mut aws = Run::new(AWS, d).at(&format!("{d}T03:00:00Z"));
        // TLS001 disabled from May on, in both pipelines.
        if d >= "2026-05-01" {
            tf = tf.disable("TLS001");
            aws = aws.disable("TLS001");
        }
        // The live sweep stops collecting RDS from April on.
        if d >= "2026-04-01" {
            aws = aws.without_service("rds");
        }
        // An exception that held until the end of February; the finding it
        // covered was failing from 2026-01-20 and is fixed on 2026-03-20.
        tf = match d {
            d if d < "2026-01-20" => tf.result("ENC001", "aws_s3_bucket.logs", Status::Pass),
            d if d < "2026-02-01" => tf.result("ENC001", "aws_s3_bucket.logs", Status::Fail),
            d if d < "2026-03-10" => tf.suppressed(
                "ENC001",
                "aws_s3_bucket.logs",
                "logs hold no customer data",
                "2026-02-28",
            ),
            d if d < "2026-03-20" => tf.result("ENC001", "aws_s3_bucket.logs", Status::Fail),
            _ => tf.result("ENC001", "aws_s3_bucket.logs", Status::Pass),
        };
        // An admin role fixed in three days.
        if ("2026-02-10".."2026-02-13").contains(&d) {
            aws = aws.result(
                "IAM001",
                "arn:aws:iam::111111111111:role/admin",
                Status::Fail,
            );
        }
        // An open security group, still open at the end.
        if d >= "2026-06-20" {
            tf = tf.result("NET001", "aws_security_group.ssh", Status::Fail);
        }
        // One night the S3 policy could not be read.
        if d == "2026-04-15" {
            aws = aws.gap("collection-gap", "s3", &["ENC001"]);
        }
        runs.push(tf);
        runs.push(aws);
        // A re-run whose clock is an hour behind the run logged before it.
        if d == "2026-06-10" {
            runs.push(
                Run::new(AWS, d)
                    .at("2026-06-10T02:30:00Z")
                    .disable("TLS001")
                    .without_service("rds"),
            );
        }
    }
    runs
}

pub fn ledger() -> Vec<LedgerRun> {
    super::fixture::ledger(half_year())
}
