//! Conditions: which ones limit who can use a grant.
//!
//! A statement open to everyone (`Principal "*"`) is still private when a condition
//! pins the caller to an organisation, account, principal, network or source
//! resource. Keys compare case-insensitively (as IAM does); operators are read as
//! `[ForAnyValue:|ForAllValues:]Operator[IfExists]`.
//!
//! Decisions, each for a reason:
//! - `IfExists` never restricts: when the key is absent from the request (anonymous
//!   callers have no `aws:PrincipalOrgID`, not every call carries `aws:SourceVpce`)
//!   the condition is true, so the grant is open to exactly the callers it should stop.
//! - `ForAllValues:` never restricts: it is true when the key is absent.
//! - Negated operators (`StringNotEquals`, ...) never restrict an `Allow`: they admit
//!   everyone except a few.
//! - `StringEquals`/`StringEqualsIgnoreCase` restrict whatever the value, even an
//!   unknown one: the value is compared literally, so `*` only matches the text `*`.
//! - `StringLike`, `ArnLike` and `ArnEquals` (IAM gives `ArnEquals` wildcards too)
//!   restrict only when every value pins the identity: no wildcard in an account or
//!   organisation id, an ARN with a literal account (or, for S3 ARNs that have no
//!   account, a literal bucket name). One loose value opens the grant, since values
//!   are alternatives.
//! - `IpAddress` restricts unless a value is `0.0.0.0/0` or `::/0`.
//! - `kms:ViaService` is not restricting: it only says the request comes through an
//!   AWS service (S3, EBS...) on behalf of *any* caller of that service in any account;
//!   AWS's own key policies pair it with `kms:CallerAccount` for that reason.
//! - `sts:ExternalId` is not restricting for a public trust: the id is not a secret
//!   and anyone who learns it can assume the role. It protects vendor trust to a
//!   named account (see [`Statement::requires_external_id`]).
//! - `aws:PrincipalServiceName`, `aws:PrincipalIsAWSService`, `aws:ResourceAccount`,
//!   `lambda:FunctionArn`, `aws:username` and `aws:VpcSourceIp` are not in the list:
//!   they describe the service, the resource, or a name that exists in every account,
//!   not which account's principals may call.

use super::analyze::breadth_pattern;
use super::pattern::{all3, any3, over_pattern};
use super::{Condition, PList, PStr, Statement, HOLE};

/// Condition keys (lowercase) that can pin the caller to an organisation, account,
/// principal, network or source resource.
const RESTRICTING_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:userid",
    "kms:calleraccount",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

/// A condition operator split into its parts.
pub(crate) struct Operator {
    /// Lowercase base operator: `stringequals`, `bool`, `numericlessthan`...
    pub base: String,
    /// `ForAnyValue:` or `ForAllValues:` (lowercase, without the colon).
    pub set: Option<String>,
    pub if_exists: bool,
}

impl Operator {
    pub(crate) fn parse(op: &str) -> Operator {
        let lower = op.to_ascii_lowercase();
        let (set, rest) = match lower.split_once(':') {
            Some((set, rest)) => (Some(set.to_string()), rest.to_string()),
            None => (None, lower),
        };
        let (base, if_exists) = match rest.strip_suffix("ifexists") {
            Some(base) => (base.to_string(), true),
            None => (rest, false),
        };
        Operator {
            base,
            set,
            if_exists,
        }
    }

    /// Evaluated as a plain test on a single-valued key: no `ForAllValues:`
    /// (`ForAnyValue:` behaves like the plain operator there).
    pub(crate) fn plain(&self) -> bool {
        self.set.as_deref().is_none_or(|s| s == "foranyvalue")
    }
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Does one `*Like`/`Arn*` value pin the caller, for this (lowercase) key?
fn pattern_value_restricts(key: &str, value: &str) -> bool {
    match key {
        "aws:principalarn" | "aws:sourcearn" | "s3:dataaccesspointarn" => arn_restricts(value),
        "aws:principalorgpaths" | "aws:sourceorgpaths" => {
            let org = value.split('/').next().unwrap_or_default();
            !org.is_empty() && !has_wildcard(org)
        }
        "aws:userid" => {
            let id = value.split(':').next().unwrap_or_default();
            !id.is_empty() && !has_wildcard(id)
        }
        _ => !value.is_empty() && !has_wildcard(value),
    }
}

/// An ARN pattern pins an account when its account segment is literal; S3 ARNs have
/// no account, so there the bucket name must be literal (bucket names are global).
fn arn_restricts(value: &str) -> bool {
    let segments: Vec<&str> = value.split(':').collect();
    if let Some(after) = value.strip_prefix(HOLE) {
        // `${aws_s3_bucket.b.arn}/*`: a managed resource's ARN, then a path or
        // qualifier. Pinned unless a wildcard extends the ARN itself (`${arn}*`).
        let extension = after.split(['/', ':']).next().unwrap_or_default();
        return !has_wildcard(extension);
    }
    if segments.len() < 6 {
        return !value.is_empty() && !has_wildcard(value);
    }
    let account = segments[4];
    if !account.is_empty() {
        return !has_wildcard(account);
    }
    let resource = segments[5..].join(":");
    let name = resource.split('/').next().unwrap_or_default();
    !name.is_empty() && !has_wildcard(name)
}

/// Is `0.0.0.0/0`-style: a CIDR that admits every address.
fn open_cidr(value: &str) -> bool {
    matches!(value.trim(), "0.0.0.0/0" | "::/0" | "0::/0")
}

/// Does every value restrict, by test `f` on literal text? Values that are
/// references to managed resources (an organisation's id, a bucket's ARN) are
/// specific and pass `f` with their holes as placeholders; other unknowns restrict
/// only if even their over-approximation does.
fn every_value(values: &PList, f: impl Fn(&str) -> bool) -> Option<bool> {
    if values.items.is_empty() && !values.unknown_list {
        return Some(false);
    }
    let unknown = values.unknown_list.then_some(None);
    all3(
        values
            .items
            .iter()
            .map(|v| value_restricts(v, &f))
            .chain(unknown),
    )
}

fn value_restricts(v: &PStr, f: &impl Fn(&str) -> bool) -> Option<bool> {
    if let Some(p) = breadth_pattern(v) {
        return Some(f(&p));
    }
    match over_pattern(v) {
        Some(over) if f(&over) => Some(true),
        _ => None,
    }
}

/// Does this one condition restrict who can use an `Allow`? See the module docs.
fn restricts(c: &Condition) -> Option<bool> {
    let key = c.key.to_ascii_lowercase();
    if !RESTRICTING_KEYS.contains(&key.as_str()) {
        return Some(false);
    }
    let op = Operator::parse(&c.operator);
    if op.if_exists || !op.plain() {
        return Some(false);
    }
    match op.base.as_str() {
        "stringequals" | "stringequalsignorecase" => {
            if c.values.items.is_empty() && !c.values.unknown_list {
                Some(false)
            } else {
                Some(true)
            }
        }
        "stringlike" | "arnlike" | "arnequals" => {
            every_value(&c.values, |v| pattern_value_restricts(&key, v))
        }
        "ipaddress" if key == "aws:sourceip" => every_value(&c.values, |v| !open_cidr(v)),
        _ => Some(false),
    }
}

impl Statement {
    /// Does some condition limit who can use this statement to an organisation,
    /// account, principal, network or source resource (see the module docs for the
    /// keys and operators)? Conditions are ANDed, so one restricting condition is
    /// enough even when others are unknown; with none found and the condition block
    /// unknown the answer is `None`. Meant for `Allow` statements with a public
    /// principal.
    pub fn has_restricting_condition(&self) -> Option<bool> {
        let unknown = self.conditions_unknown.then_some(None);
        any3(self.conditions.iter().map(restricts).chain(unknown))
    }

    /// An `Allow` that everyone can use: public principal and no restricting
    /// condition (IAM006, IAM012, IAM014, KMS002).
    pub fn allows_public_access(&self) -> Option<bool> {
        all3([
            self.is_allow(),
            self.principal_is_public(),
            self.has_restricting_condition().map(|r| !r),
        ])
    }

    /// The conditions on `key` (case-insensitive), as `(operator, values)`. When
    /// `conditions_unknown` is set, more may exist.
    pub fn condition_values(&self, key: &str) -> Vec<(&str, &PList)> {
        self.conditions
            .iter()
            .filter(|c| c.key.eq_ignore_ascii_case(key))
            .map(|c| (c.operator.as_str(), &c.values))
            .collect()
    }

    /// Does assuming the role require a specific `sts:ExternalId` (vendor trust,
    /// IAM007)? Yes for `StringEquals` (or `StringLike` without wildcards) with a
    /// value, known or not. `IfExists` does not count: a caller that sends no
    /// external id passes it.
    pub fn requires_external_id(&self) -> Option<bool> {
        let found = self.conditions.iter().any(|c| {
            let op = Operator::parse(&c.operator);
            c.key.eq_ignore_ascii_case("sts:ExternalId")
                && !op.if_exists
                && op.plain()
                && match op.base.as_str() {
                    "stringequals" => !c.values.items.is_empty() || c.values.unknown_list,
                    "stringlike" => {
                        every_value(&c.values, |v| !v.is_empty() && !has_wildcard(v)) == Some(true)
                    }
                    _ => false,
                }
        });
        if found {
            Some(true)
        } else if self.conditions_unknown {
            None
        } else {
            Some(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::analyze::tests::{list, st, unknown};
    use super::*;
    use serde_json::json;

    fn public(condition: serde_json::Value) -> Statement {
        st(
            json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*", "Condition": condition}),
        )
    }

    fn restricted(condition: serde_json::Value) -> Option<bool> {
        public(condition).has_restricting_condition()
    }

    #[test]
    fn restricting_keys_with_exact_values() {
        for key in [
            "aws:PrincipalOrgID",
            "aws:principalorgid",
            "aws:PrincipalAccount",
            "aws:SourceAccount",
            "aws:SourceOwner",
            "aws:SourceVpc",
            "aws:SourceVpce",
            "aws:SourceOrgID",
            "kms:CallerAccount",
            "s3:DataAccessPointAccount",
        ] {
            assert_eq!(
                restricted(json!({"StringEquals": {key: "o-abc123"}})),
                Some(true),
                "{key}"
            );
        }
        assert_eq!(
            restricted(json!({"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": ["o-abc"]}})),
            Some(true)
        );
        assert_eq!(
            restricted(json!({"StringEqualsIgnoreCase": {"aws:PrincipalArn": "x"}})),
            Some(true)
        );
        // StringEquals compares literally: "*" is the text "*".
        assert_eq!(
            restricted(json!({"StringEquals": {"aws:PrincipalOrgID": "*"}})),
            Some(true)
        );
    }

    #[test]
    fn non_restricting_keys() {
        for key in [
            "kms:ViaService",
            "sts:ExternalId",
            "aws:PrincipalServiceName",
            "aws:ResourceAccount",
            "lambda:FunctionArn",
            "aws:username",
            "aws:SecureTransport",
        ] {
            assert_eq!(
                restricted(json!({"StringEquals": {key: "value"}})),
                Some(false),
                "{key}"
            );
        }
        assert_eq!(public(json!({})).has_restricting_condition(), Some(false));
        let none = st(
            json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}),
        );
        assert_eq!(none.has_restricting_condition(), Some(false));
    }

    #[test]
    fn operators_that_do_not_restrict() {
        assert_eq!(
            restricted(json!({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}})),
            Some(false)
        );
        assert_eq!(
            restricted(json!({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abc"}})),
            Some(false)
        );
        assert_eq!(
            restricted(json!({"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}})),
            Some(false)
        );
        assert_eq!(
            restricted(json!({"Null": {"aws:PrincipalOrgID": "false"}})),
            Some(false)
        );
        assert_eq!(
            restricted(json!({"StringEquals": {"aws:PrincipalOrgID": []}})),
            Some(false)
        );
    }

    #[test]
    fn like_operators_need_pinned_values() {
        assert_eq!(
            restricted(json!({"StringLike": {"aws:PrincipalOrgID": "*"}})),
            Some(false)
        );
        assert_eq!(
            restricted(json!({"StringLike": {"aws:PrincipalOrgID": "o-*"}})),
            Some(false)
        );
        assert_eq!(
            restricted(json!({"StringLike": {"aws:PrincipalOrgID": "o-abc"}})),
            Some(true)
        );
        assert_eq!(
            restricted(json!({"StringLike": {"aws:PrincipalOrgID": ["o-abc", "*"]}})),
            Some(false)
        );
        assert_eq!(
            restricted(
                json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}})
            ),
            Some(true)
        );
        assert_eq!(
            restricted(json!({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}})),
            Some(false)
        );
        assert_eq!(
            restricted(json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::my-bucket"}})),
            Some(true)
        );
        assert_eq!(
            restricted(json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}})),
            Some(false)
        );
        assert_eq!(
            restricted(json!({"StringLike": {"aws:PrincipalOrgPaths": "o-abc/r-1/ou-2/*"}})),
            Some(true)
        );
        assert_eq!(
            restricted(json!({"StringLike": {"aws:PrincipalOrgPaths": "o-*/*"}})),
            Some(false)
        );
        assert_eq!(
            restricted(json!({"StringLike": {"aws:userid": "AROAEXAMPLE:*"}})),
            Some(true)
        );
        assert_eq!(
            restricted(json!({"StringLike": {"aws:userid": "*:alice"}})),
            Some(false)
        );
    }

    #[test]
    fn source_ip() {
        assert_eq!(
            restricted(json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
            Some(true)
        );
        assert_eq!(
            restricted(json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}})),
            Some(false)
        );
        assert_eq!(
            restricted(json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "::/0"]}})),
            Some(false)
        );
        assert_eq!(
            restricted(json!({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
            Some(false)
        );
    }

    #[test]
    fn one_restricting_condition_is_enough() {
        assert_eq!(
            restricted(json!({
                "StringEquals": {"aws:PrincipalOrgID": "o-abc", "kms:ViaService": "s3.us-east-1.amazonaws.com"},
                "Bool": {"aws:SecureTransport": "true"}
            })),
            Some(true)
        );
    }

    #[test]
    fn unknown_conditions() {
        let mut s = public(json!({}));
        s.conditions_unknown = true;
        assert_eq!(s.has_restricting_condition(), None);
        let mut s = public(json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}));
        s.conditions_unknown = true;
        assert_eq!(s.has_restricting_condition(), Some(true));
        let with_value = |op: &str, key: &str, v: PStr| {
            let mut s = public(json!({}));
            s.conditions = vec![Condition {
                operator: op.into(),
                key: key.into(),
                values: list(vec![v]),
            }];
            s.has_restricting_condition()
        };
        // Exact comparison restricts whatever the value is.
        assert_eq!(
            with_value(
                "StringEquals",
                "aws:PrincipalOrgID",
                unknown(None, &[], true)
            ),
            Some(true)
        );
        // A pattern from a variable could be "*".
        assert_eq!(
            with_value("StringLike", "aws:PrincipalOrgID", unknown(None, &[], true)),
            None
        );
        // An organisation managed in the same configuration is specific.
        assert_eq!(
            with_value(
                "StringLike",
                "aws:PrincipalOrgID",
                unknown(None, &["aws_organizations_organization.o.id"], false)
            ),
            Some(true)
        );
        assert_eq!(
            with_value(
                "ArnLike",
                "aws:SourceArn",
                unknown(Some("\u{FFFC}/*"), &["aws_s3_bucket.b.arn"], false)
            ),
            Some(true)
        );
        assert_eq!(
            with_value(
                "ArnLike",
                "aws:SourceArn",
                unknown(Some("\u{FFFC}*"), &["aws_s3_bucket.b.arn"], false)
            ),
            Some(false)
        );
        assert_eq!(
            with_value(
                "ArnLike",
                "aws:SourceArn",
                unknown(Some("arn:aws:s3:::\u{FFFC}"), &[], true)
            ),
            None
        );
        assert_eq!(
            with_value(
                "ArnLike",
                "aws:PrincipalArn",
                unknown(Some("arn:aws:iam::123456789012:role/\u{FFFC}"), &[], true)
            ),
            Some(true)
        );
        let mut s = public(json!({}));
        s.conditions = vec![Condition {
            operator: "StringLike".into(),
            key: "aws:SourceAccount".into(),
            values: PList {
                items: vec![],
                unknown_list: true,
            },
        }];
        assert_eq!(s.has_restricting_condition(), None);
    }

    #[test]
    fn public_access() {
        assert_eq!(public(json!({})).allows_public_access(), Some(true));
        assert_eq!(
            public(json!({"StringEquals": {"aws:SourceVpce": "vpce-1"}})).allows_public_access(),
            Some(false)
        );
        let deny =
            st(json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}));
        assert_eq!(deny.allows_public_access(), Some(false));
        let account = st(
            json!({"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "*"}),
        );
        assert_eq!(account.allows_public_access(), Some(false));
        let mut s = public(json!({}));
        s.conditions_unknown = true;
        assert_eq!(s.allows_public_access(), None);
    }

    #[test]
    fn condition_values_by_key() {
        let s = public(json!({
            "StringEquals": {"AWS:SourceAccount": "111122223333"},
            "ArnLike": {"aws:SourceArn": "arn:aws:s3:::b"}
        }));
        let v = s.condition_values("aws:sourceaccount");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].0, "StringEquals");
        assert_eq!(v[0].1.items[0].lit(), Some("111122223333"));
        assert!(s.condition_values("aws:PrincipalOrgID").is_empty());
    }

    #[test]
    fn external_id() {
        let trust = |c: serde_json::Value| {
            st(json!({"Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Condition": c}))
        };
        assert_eq!(
            trust(json!({"StringEquals": {"sts:ExternalId": "vendor-123"}})).requires_external_id(),
            Some(true)
        );
        assert_eq!(
            trust(json!({"StringEquals": {"STS:externalid": ["a", "b"]}})).requires_external_id(),
            Some(true)
        );
        assert_eq!(
            trust(json!({"StringLike": {"sts:ExternalId": "vendor-123"}})).requires_external_id(),
            Some(true)
        );
        assert_eq!(
            trust(json!({"StringLike": {"sts:ExternalId": "*"}})).requires_external_id(),
            Some(false)
        );
        assert_eq!(
            trust(json!({"StringEqualsIfExists": {"sts:ExternalId": "x"}})).requires_external_id(),
            Some(false)
        );
        assert_eq!(
            trust(json!({"StringEquals": {"aws:PrincipalOrgID": "o-1"}})).requires_external_id(),
            Some(false)
        );
        assert_eq!(trust(json!({})).requires_external_id(), Some(false));
        let mut s = trust(json!({}));
        s.conditions_unknown = true;
        assert_eq!(s.requires_external_id(), None);
        s.conditions = vec![Condition {
            operator: "StringEquals".into(),
            key: "sts:ExternalId".into(),
            values: list(vec![unknown(None, &[], true)]),
        }];
        assert_eq!(s.requires_external_id(), Some(true));
    }

    #[test]
    fn operator_parsing() {
        let op = Operator::parse("ForAnyValue:StringLikeIfExists");
        assert_eq!(op.base, "stringlike");
        assert_eq!(op.set.as_deref(), Some("foranyvalue"));
        assert!(op.if_exists);
        assert!(op.plain());
        assert!(!Operator::parse("ForAllValues:StringEquals").plain());
        let op = Operator::parse("Bool");
        assert_eq!(op.base, "bool");
        assert!(op.set.is_none() && !op.if_exists);
    }
}
