//! The AWS-managed policies the IAM rules can judge by ARN alone: a small embedded
//! catalogue (`aws_managed.json`, with its source and the date it was read) of the
//! administrator, power-user and IAM-write policies, and the ones Terraform modules
//! commonly copy through `data "aws_iam_policy"`. Any other AWS-managed policy stays
//! unknown: a guess at its content would be evidence of nothing.

use crate::model::value::HOLE;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Deserialize)]
struct Catalogue {
    policies: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    /// The ARN after `arn:aws:iam::aws:policy/`: `AdministratorAccess`,
    /// `service-role/AWSLambdaENIManagementAccess`.
    path: String,
    document: serde_json::Value,
}

/// Policy documents (as compact JSON) by path.
fn catalogue() -> &'static BTreeMap<String, String> {
    static DOCS: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    DOCS.get_or_init(|| {
        serde_json::from_str::<Catalogue>(include_str!("aws_managed.json"))
            .map(|c| {
                c.policies
                    .into_iter()
                    .map(|e| (e.path, e.document.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// The path of an AWS-managed policy ARN in any partition
/// (`arn:aws-us-gov:iam::aws:policy/PowerUserAccess` → `PowerUserAccess`). A
/// template whose only unknown part comes before the path
/// (`arn:${partition}:iam::aws:policy/...`, unknowns marked by [`HOLE`]) names its
/// policy as well.
pub fn aws_managed_path(arn: &str) -> Option<&str> {
    let (head, path) = arn.split_once(":iam::aws:policy/")?;
    let partition = head.strip_prefix("arn:")?;
    let partition_ok = partition.starts_with("aws") || partition.chars().all(|c| c == HOLE);
    (partition_ok && !path.is_empty() && !path.contains(HOLE)).then_some(path)
}

/// The document of the AWS-managed policy at `path`, when the catalogue has it.
pub fn aws_managed_document(path: &str) -> Option<&'static str> {
    catalogue().get(path).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogued_policy_parses_and_is_found_by_arn() {
        let raw: serde_json::Value =
            serde_json::from_str(include_str!("aws_managed.json")).expect("catalogue is JSON");
        let listed = raw["policies"].as_array().map_or(0, Vec::len);
        assert_eq!(catalogue().len(), listed, "an entry failed to load");
        assert!(raw["source"].is_string() && raw["retrieved"].is_string());
        let admin = aws_managed_path("arn:aws:iam::aws:policy/AdministratorAccess")
            .and_then(aws_managed_document);
        assert_eq!(
            admin,
            Some(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
            )
        );
    }

    #[test]
    fn paths_from_arns_and_templates() {
        let eni = "service-role/AWSLambdaENIManagementAccess";
        assert_eq!(
            aws_managed_path(&format!("arn:{HOLE}:iam::aws:policy/{eni}")),
            Some(eni)
        );
        assert_eq!(
            aws_managed_path("arn:aws-cn:iam::aws:policy/IAMFullAccess"),
            Some("IAMFullAccess")
        );
        // A customer policy, a hole in the path, or not an ARN at all.
        assert_eq!(
            aws_managed_path("arn:aws:iam::123456789012:policy/IAMFullAccess"),
            None
        );
        assert_eq!(
            aws_managed_path(&format!("arn:aws:iam::aws:policy/{HOLE}")),
            None
        );
        assert_eq!(aws_managed_path("IAMFullAccess"), None);
        assert_eq!(aws_managed_document("ReadOnlyAccess"), None);
    }
}
