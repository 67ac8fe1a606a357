//! Encryption in transit for S3 (TLS001): does the bucket policy refuse plain HTTP?
//!
//! The control is a `Deny` that binds every caller. Decisions:
//! - Only a `Deny` counts. An `Allow` conditioned on `aws:SecureTransport = true` is
//!   not enough: permissions are the union of all allows (other statements, identity
//!   policies of the caller's account, ACLs), and any of them grants over HTTP too.
//!   Only an explicit deny overrides every allow.
//! - The deny must name every principal (`"*"` or `{"AWS": "*"}`); `NotPrincipal`
//!   leaves the excepted callers free to use HTTP.
//! - It must cover every S3 action (`s3:*`, `*`, or a `NotAction` that lists no S3
//!   action), as AWS Config's `s3-bucket-ssl-requests-only` and the CIS AWS Foundations
//!   Benchmark require.
//!   A deny on `s3:GetObject` alone still lets `PutObject` upload data and
//!   `ListBucket` reveal keys in cleartext: it does not count.
//! - Any non-empty `Resource` list counts, ARN references included (which ARNs the
//!   bucket policy names is the bucket resource's business); `NotResource` does not.
//! - The condition is `Bool`/`BoolIfExists` `aws:SecureTransport` with value `false`
//!   (string or bool), or the stronger `NumericLessThan[IfExists] s3:TlsVersion` with
//!   a value of at least `1.2` (`NumericLessThanEquals` at least `1.1`), which AWS
//!   documents as enforcing HTTPS. Any other condition in the same statement narrows
//!   the deny (conditions are ANDed: `aws:SecureTransport = true` together with
//!   `s3:TlsVersion < 1.2` denies old TLS but *allows* HTTP), so the statement does
//!   not count.

use super::condition::Operator;
use super::pattern::{all3, any3};
use super::{Condition, PolicyDocument, Statement};

/// Is this condition, alone, a trigger for "the request is not over TLS (1.2+)"?
fn insecure_trigger(c: &Condition) -> Option<bool> {
    let key = c.key.to_ascii_lowercase();
    let op = Operator::parse(&c.operator);
    if op.set.is_some() {
        return Some(false);
    }
    let unknown = c.values.unknown_list.then_some(None);
    match (key.as_str(), op.base.as_str()) {
        ("aws:securetransport", "bool") => any3(
            c.values
                .items
                .iter()
                .map(|v| v.lit().map(|s| s.eq_ignore_ascii_case("false")))
                .chain(unknown),
        ),
        ("s3:tlsversion", "numericlessthan" | "numericlessthanequals") => {
            let minimum = if op.base == "numericlessthan" {
                1.2
            } else {
                1.1
            };
            any3(
                c.values
                    .items
                    .iter()
                    .map(|v| {
                        v.lit()
                            .map(|s| s.trim().parse::<f64>().is_ok_and(|n| n >= minimum))
                    })
                    .chain(unknown),
            )
        }
        _ => Some(false),
    }
}

/// One statement that denies S3 over plain HTTP to everyone (see the module docs).
fn denies_http(st: &Statement) -> Option<bool> {
    let resources = match (&st.resource, &st.not_resource) {
        (Some(list), None) => Some(!list.items.is_empty() || list.unknown_list),
        _ => Some(false),
    };
    let condition = if st.conditions.is_empty() {
        if st.conditions_unknown {
            None
        } else {
            Some(false)
        }
    } else {
        let unknown = st.conditions_unknown.then_some(None);
        all3(st.conditions.iter().map(insecure_trigger).chain(unknown))
    };
    all3([
        st.is_deny(),
        st.principal_is_everyone(),
        st.covers_service("s3"),
        resources,
        condition,
    ])
}

impl PolicyDocument {
    /// Does some statement deny every S3 action to every principal when the request
    /// does not use TLS (TLS001)? See the module docs for what counts and why.
    /// `None` when a statement that might qualify has unknown parts, or statements
    /// could not be read.
    pub fn denies_insecure_transport(&self) -> Option<bool> {
        self.statements_where(denies_http).verdict()
    }
}

#[cfg(test)]
mod tests {
    use super::super::analyze::tests::{doc, list, unknown};
    use crate::model::policy::{PList, Principals};
    use serde_json::json;

    fn deny(overrides: serde_json::Value) -> serde_json::Value {
        let mut base = json!({
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        });
        if let (Some(b), Some(o)) = (base.as_object_mut(), overrides.as_object()) {
            for (k, v) in o {
                if v.is_null() {
                    b.remove(k);
                } else {
                    b.insert(k.clone(), v.clone());
                }
            }
        }
        base
    }

    fn judge(statement: serde_json::Value) -> Option<bool> {
        doc(json!({"Version": "2012-10-17", "Statement": [statement]})).denies_insecure_transport()
    }

    #[test]
    fn the_standard_statement() {
        assert_eq!(judge(deny(json!({}))), Some(true));
        assert_eq!(judge(deny(json!({"Principal": {"AWS": "*"}}))), Some(true));
        assert_eq!(
            judge(deny(json!({"Principal": {"AWS": ["*"]}}))),
            Some(true)
        );
        assert_eq!(judge(deny(json!({"Action": "*"}))), Some(true));
        assert_eq!(judge(deny(json!({"Action": ["S3:*"]}))), Some(true));
        assert_eq!(
            judge(deny(
                json!({"Condition": {"Bool": {"aws:SecureTransport": false}}})
            )),
            Some(true)
        );
        assert_eq!(
            judge(deny(
                json!({"Condition": {"BoolIfExists": {"aws:securetransport": "FALSE"}}})
            )),
            Some(true)
        );
        assert_eq!(
            judge(deny(json!({"Resource": "arn:aws:s3:::b/*"}))),
            Some(true)
        );
        assert_eq!(
            judge(deny(json!({"NotAction": "iam:*", "Action": null}))),
            Some(true)
        );
    }

    #[test]
    fn tls_version_deny_counts() {
        let tls = |c: serde_json::Value| judge(deny(json!({"Condition": c})));
        assert_eq!(
            tls(json!({"NumericLessThan": {"s3:TlsVersion": 1.2}})),
            Some(true)
        );
        assert_eq!(
            tls(json!({"NumericLessThan": {"s3:TlsVersion": "1.3"}})),
            Some(true)
        );
        assert_eq!(
            tls(json!({"NumericLessThanEquals": {"s3:TlsVersion": "1.1"}})),
            Some(true)
        );
        assert_eq!(
            tls(json!({"NumericLessThan": {"s3:TlsVersion": "1.0"}})),
            Some(false)
        );
        // Denies old TLS but only over HTTPS: plain HTTP is allowed.
        assert_eq!(
            tls(
                json!({"Bool": {"aws:SecureTransport": "true"}, "NumericLessThan": {"s3:TlsVersion": "1.2"}})
            ),
            Some(false)
        );
    }

    #[test]
    fn weaker_statements_do_not_count() {
        assert_eq!(judge(deny(json!({"Effect": "Allow"}))), Some(false));
        assert_eq!(judge(deny(json!({"Action": "s3:GetObject"}))), Some(false));
        assert_eq!(
            judge(deny(json!({"Action": ["s3:GetObject", "s3:PutObject"]}))),
            Some(false)
        );
        assert_eq!(
            judge(deny(json!({"NotAction": "s3:GetObject", "Action": null}))),
            Some(false)
        );
        assert_eq!(
            judge(deny(
                json!({"Principal": {"AWS": "arn:aws:iam::111122223333:root"}})
            )),
            Some(false)
        );
        assert_eq!(
            judge(deny(
                json!({"Principal": null, "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}})
            )),
            Some(false)
        );
        assert_eq!(
            judge(deny(
                json!({"Condition": {"Bool": {"aws:SecureTransport": "true"}}})
            )),
            Some(false)
        );
        assert_eq!(judge(deny(json!({"Condition": null}))), Some(false));
        assert_eq!(
            judge(deny(json!({"Condition": {
                "Bool": {"aws:SecureTransport": "false"},
                "StringNotEquals": {"aws:PrincipalAccount": "111122223333"}
            }}))),
            Some(false)
        );
        assert_eq!(judge(deny(json!({"Resource": []}))), Some(false));
        assert_eq!(
            judge(deny(
                json!({"Resource": null, "NotResource": "arn:aws:s3:::x"})
            )),
            Some(false)
        );
    }

    #[test]
    fn allow_with_secure_transport_is_not_enough() {
        let d = doc(json!({"Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "s3:*", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}}
        }]}));
        assert_eq!(d.denies_insecure_transport(), Some(false));
    }

    #[test]
    fn one_qualifying_statement_among_others() {
        let d = doc(json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
            deny(json!({}))
        ]}));
        assert_eq!(d.denies_insecure_transport(), Some(true));
        let mut partial = doc(json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
        ]}));
        assert_eq!(partial.denies_insecure_transport(), Some(false));
        partial.statements_unknown = true;
        assert_eq!(partial.denies_insecure_transport(), None);
        let empty = doc(json!({"Statement": []}));
        assert_eq!(empty.denies_insecure_transport(), Some(false));
    }

    #[test]
    fn unknown_parts() {
        let base = doc(json!({"Statement": [deny(json!({}))]}));
        // Resources from references to the bucket (the usual Terraform form).
        let mut d = base.clone();
        d.statements[0].resource = Some(list(vec![
            unknown(None, &["aws_s3_bucket.b.arn"], false),
            unknown(Some("\u{FFFC}/*"), &["aws_s3_bucket.b.arn"], false),
        ]));
        assert_eq!(d.denies_insecure_transport(), Some(true));
        d.statements[0].resource = Some(PList {
            items: vec![],
            unknown_list: true,
        });
        assert_eq!(d.denies_insecure_transport(), Some(true));
        let mut d = base.clone();
        d.statements[0].conditions[0].values = list(vec![unknown(None, &[], true)]);
        assert_eq!(d.denies_insecure_transport(), None);
        let mut d = base.clone();
        d.statements[0].conditions.clear();
        d.statements[0].conditions_unknown = true;
        assert_eq!(d.denies_insecure_transport(), None);
        let mut d = base.clone();
        d.statements[0].principal = Some(Principals::Unknown);
        assert_eq!(d.denies_insecure_transport(), None);
        let mut d = base.clone();
        d.statements[0].effect = None;
        assert_eq!(d.denies_insecure_transport(), None);
        let mut d = base;
        d.statements[0].action = Some(list(vec![unknown(Some("s3:\u{FFFC}"), &[], true)]));
        assert_eq!(d.denies_insecure_transport(), None);
    }
}
