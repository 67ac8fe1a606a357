//! Principals: who a resource policy or trust policy lets in.
//!
//! Public access (IAM006, IAM012, IAM014, KMS002) starts with "does the statement name
//! everyone"; third-party trust (IAM007) and environment separation (ENV001, ENV004)
//! need the accounts a statement names.

use super::pattern::any3;
use super::{PList, PStr, Principals, Statement, HOLE};

/// One principal named by a statement's `Principal` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalRef {
    /// Every principal, anonymous callers included: `"*"`, `{"AWS": "*"}`, or an AWS
    /// principal with a wildcard (`arn:aws:iam::*:root`).
    Everyone,
    /// An AWS account, named by its bare 12-digit id or by an ARN inside it
    /// (`arn:aws:iam::123456789012:root`, `...:role/x`, `...:user/x`,
    /// `arn:aws:sts::123456789012:assumed-role/x/s`). `principal` is the value as
    /// written (a template shape with U+FFFC holes when partly unknown, e.g.
    /// `arn:${partition}:iam::123456789012:root`).
    Account { id: String, principal: String },
    /// The account Terraform deploys into:
    /// `data.aws_caller_identity.<name>.account_id`, alone or inside an ARN template.
    /// It is the account of the provider that reads it, usually the one that creates
    /// the policy.
    CurrentAccount { principal: String },
    /// A principal that is a managed resource (`aws_iam_role.app.arn`): one specific
    /// principal whose account is only known after apply.
    Managed { refs: Vec<String> },
    /// An AWS service principal (`lambda.amazonaws.com`).
    Service { name: String },
    /// A federated identity provider (`cognito-identity.amazonaws.com`, an OIDC or
    /// SAML provider ARN).
    Federated { provider: String },
    /// An S3 canonical user id.
    CanonicalUser { id: String },
    /// A literal principal that names no account: an IAM unique id (`AROA...`, which
    /// AWS shows when a trusted role was deleted), or a malformed value.
    Other { kind: String, value: String },
    /// A principal that cannot be read: an unknown value or list, or the whole
    /// `Principal` element unknown (`kind` is `None` then).
    Unknown {
        kind: Option<String>,
        shape: Option<String>,
        refs: Vec<String>,
    },
}

impl PrincipalRef {
    /// The 12-digit account id, when one is named.
    pub fn account_id(&self) -> Option<&str> {
        match self {
            PrincipalRef::Account { id, .. } => Some(id),
            _ => None,
        }
    }

    /// Whether this is the account itself (`123456789012` or
    /// `arn:aws:iam::123456789012:root`), which delegates to the account's own IAM
    /// policies, rather than one role or user of it.
    pub fn is_account_root(&self) -> bool {
        match self {
            PrincipalRef::Account { id, principal } => {
                principal == id || principal.ends_with(":root")
            }
            PrincipalRef::CurrentAccount { principal } => {
                !principal.contains(':') || principal.ends_with(":root")
            }
            _ => false,
        }
    }
}

/// The 12-digit account of a bare id or an ARN (`arn:partition:service:region:account:...`).
fn account_in(text: &str) -> Option<&str> {
    let candidate = if text.starts_with("arn:") {
        text.split(':').nth(4)?
    } else {
        text
    };
    (candidate.len() == 12 && candidate.bytes().all(|b| b.is_ascii_digit())).then_some(candidate)
}

/// A reference to the deploying account's id.
fn is_caller_account_ref(r: &str) -> bool {
    r.starts_with("data.aws_caller_identity.") || r.contains(".data.aws_caller_identity.")
}

/// The references of a principal template are the deploying account's id, plus
/// possibly the partition or region (`arn:${partition}:iam::${account_id}:root`).
fn refers_to_caller_account(refs: &[String]) -> bool {
    let account = |r: &String| is_caller_account_ref(r) && r.ends_with(".account_id");
    let context = |r: &String| {
        r.starts_with("data.aws_partition.")
            || r.contains(".data.aws_partition.")
            || r.starts_with("data.aws_region.")
            || r.contains(".data.aws_region.")
    };
    refs.iter().any(account) && refs.iter().all(|r| account(r) || context(r))
}

/// An AWS principal value: everyone, an account, the deploying account, a managed
/// principal, or unknown.
fn aws_principal(item: &PStr) -> PrincipalRef {
    match item {
        PStr::Lit(v) => {
            if v.contains(['*', '?']) {
                PrincipalRef::Everyone
            } else if let Some(id) = account_in(v) {
                PrincipalRef::Account {
                    id: id.to_string(),
                    principal: v.clone(),
                }
            } else {
                PrincipalRef::Other {
                    kind: "AWS".into(),
                    value: v.clone(),
                }
            }
        }
        PStr::Unknown { refs, shape, .. } => {
            let text = shape.clone().unwrap_or_else(|| HOLE.to_string());
            if let Some(id) = account_in(&text) {
                return PrincipalRef::Account {
                    id: id.to_string(),
                    principal: text,
                };
            }
            let account_part = if text.starts_with("arn:") {
                text.split(':').nth(4)
            } else {
                Some(text.as_str())
            };
            let single_hole = account_part.is_some_and(|a| a.chars().eq([HOLE]));
            if single_hole && item.holes_are_names() && refers_to_caller_account(refs) {
                return PrincipalRef::CurrentAccount { principal: text };
            }
            if item.holes_are_names() {
                return PrincipalRef::Managed { refs: refs.clone() };
            }
            PrincipalRef::Unknown {
                kind: Some("AWS".into()),
                shape: shape.clone(),
                refs: refs.clone(),
            }
        }
    }
}

fn other_principal(kind: &str, item: &PStr) -> PrincipalRef {
    match item {
        PStr::Lit(v) => match kind.to_ascii_lowercase().as_str() {
            "service" => PrincipalRef::Service { name: v.clone() },
            "federated" => PrincipalRef::Federated {
                provider: v.clone(),
            },
            "canonicaluser" => PrincipalRef::CanonicalUser { id: v.clone() },
            _ => PrincipalRef::Other {
                kind: kind.to_string(),
                value: v.clone(),
            },
        },
        PStr::Unknown { refs, shape, .. } => PrincipalRef::Unknown {
            kind: Some(kind.to_string()),
            shape: shape.clone(),
            refs: refs.clone(),
        },
    }
}

fn unknown_list_entry(kind: &str, list: &PList) -> Option<PrincipalRef> {
    list.unknown_list.then(|| PrincipalRef::Unknown {
        kind: Some(kind.to_string()),
        shape: None,
        refs: Vec::new(),
    })
}

impl Statement {
    /// Does the statement apply to every principal? `"Principal": "*"`,
    /// `{"AWS": "*"}`, `{"AWS": ["*"]}`, and AWS principals with a wildcard such as
    /// `arn:aws:iam::*:root` (AWS rejects partial wildcards in principals, so writing
    /// one shows intent to open up). `NotPrincipal` is public too: it applies to
    /// everyone except the listed principals, anonymous callers included.
    ///
    /// An unknown AWS principal is public only if it could be exactly `*`: a template
    /// with literal text (`arn:aws:iam::${var.account}:root`) or a reference to a
    /// managed role is not, since AWS would reject a partial wildcard. Statements
    /// without a principal (identity policies) are `Some(false)`. Only the `AWS` kind
    /// (and the bare `*`) can be public; a wildcard for `Service`/`Federated` is not a
    /// valid principal.
    pub fn principal_is_public(&self) -> Option<bool> {
        if self.not_principal.is_some() {
            return Some(true);
        }
        self.principal_is_everyone()
    }

    /// Like [`Statement::principal_is_public`] but `NotPrincipal` is `false`: the
    /// statement names every principal, exactly. A deny for "everyone except X" does
    /// not bind X, so it cannot enforce a control for all callers.
    pub fn principal_is_everyone(&self) -> Option<bool> {
        match &self.principal {
            None => Some(false),
            Some(Principals::Everyone) => Some(true),
            Some(Principals::Unknown) => None,
            Some(Principals::Map(kinds)) => any3(
                kinds
                    .iter()
                    .filter(|(kind, _)| kind.eq_ignore_ascii_case("AWS"))
                    .flat_map(|(_, list)| {
                        let unknown = list.unknown_list.then_some(None);
                        list.items
                            .iter()
                            .map(|item| match item {
                                PStr::Lit(v) => Some(v.contains(['*', '?'])),
                                unknown => unknown.is_star(),
                            })
                            .chain(unknown)
                    }),
            ),
        }
    }

    /// Every principal the `Principal` element names, in order: accounts (from bare
    /// ids and ARNs), the deploying account, managed principals, services, federated
    /// providers, canonical users, everyone, and what cannot be read. `NotPrincipal`
    /// is not listed (it names who is *excluded*; [`Statement::principal_is_public`]
    /// covers it). Empty for statements without a principal.
    pub fn principal_accounts(&self) -> Vec<PrincipalRef> {
        match &self.principal {
            None => Vec::new(),
            Some(Principals::Everyone) => vec![PrincipalRef::Everyone],
            Some(Principals::Unknown) => vec![PrincipalRef::Unknown {
                kind: None,
                shape: None,
                refs: Vec::new(),
            }],
            Some(Principals::Map(kinds)) => {
                let mut out = Vec::new();
                for (kind, list) in kinds {
                    let aws = kind.eq_ignore_ascii_case("AWS");
                    for item in &list.items {
                        out.push(if aws {
                            aws_principal(item)
                        } else {
                            other_principal(kind, item)
                        });
                    }
                    out.extend(unknown_list_entry(kind, list));
                }
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::analyze::tests::{list, st, unknown};
    use super::*;
    use serde_json::json;

    fn trust(principal: serde_json::Value) -> Statement {
        st(json!({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal}))
    }

    #[test]
    fn public_principal_forms() {
        assert_eq!(trust(json!("*")).principal_is_public(), Some(true));
        assert_eq!(trust(json!({"AWS": "*"})).principal_is_public(), Some(true));
        assert_eq!(
            trust(json!({"AWS": ["*"]})).principal_is_public(),
            Some(true)
        );
        assert_eq!(
            trust(json!({"AWS": ["arn:aws:iam::111122223333:root", "*"]})).principal_is_public(),
            Some(true)
        );
        assert_eq!(
            trust(json!({"AWS": "arn:aws:iam::*:root"})).principal_is_public(),
            Some(true)
        );
        assert_eq!(
            trust(json!({"AWS": "arn:aws:iam::111122223333:root"})).principal_is_public(),
            Some(false)
        );
        assert_eq!(
            trust(json!({"Service": "lambda.amazonaws.com"})).principal_is_public(),
            Some(false)
        );
        assert_eq!(
            trust(json!({"Service": "*"})).principal_is_public(),
            Some(false)
        );
        let identity = st(json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}));
        assert_eq!(identity.principal_is_public(), Some(false));
        let not_principal = st(
            json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}}),
        );
        assert_eq!(not_principal.principal_is_public(), Some(true));
        assert_eq!(not_principal.principal_is_everyone(), Some(false));
    }

    #[test]
    fn public_principal_with_unknowns() {
        let mut s = trust(json!({"AWS": "x"}));
        s.principal = Some(Principals::Unknown);
        assert_eq!(s.principal_is_public(), None);
        let with = |item: PStr| {
            let mut s = trust(json!({"AWS": "x"}));
            s.principal = Some(Principals::Map(vec![("AWS".into(), list(vec![item]))]));
            s.principal_is_public()
        };
        assert_eq!(with(unknown(None, &[], true)), None);
        assert_eq!(
            with(unknown(None, &["aws_iam_role.a.arn"], false)),
            Some(false)
        );
        assert_eq!(
            with(unknown(Some("arn:aws:iam::\u{FFFC}:root"), &[], true)),
            Some(false)
        );
        let mut s = trust(json!({"AWS": "x"}));
        s.principal = Some(Principals::Map(vec![(
            "AWS".into(),
            PList {
                items: vec![],
                unknown_list: true,
            },
        )]));
        assert_eq!(s.principal_is_public(), None);
    }

    #[test]
    fn principal_accounts_from_ids_and_arns() {
        let s = trust(json!({
            "AWS": [
                "111122223333",
                "arn:aws:iam::222233334444:root",
                "arn:aws:iam::333344445555:role/deploy",
                "arn:aws:iam::444455556666:user/alice",
                "arn:aws:sts::555566667777:assumed-role/r/s",
                "AROAEXAMPLEID",
                "*"
            ],
            "Service": ["ec2.amazonaws.com"],
            "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
            "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
        }));
        let p = s.principal_accounts();
        let ids: Vec<&str> = p.iter().filter_map(PrincipalRef::account_id).collect();
        assert_eq!(
            ids,
            vec![
                "111122223333",
                "222233334444",
                "333344445555",
                "444455556666",
                "555566667777"
            ]
        );
        assert!(p[0].is_account_root());
        assert!(p[1].is_account_root());
        assert!(!p[2].is_account_root());
        assert!(p.contains(&PrincipalRef::Other {
            kind: "AWS".into(),
            value: "AROAEXAMPLEID".into()
        }));
        assert!(p.contains(&PrincipalRef::Everyone));
        assert!(p.contains(&PrincipalRef::Service {
            name: "ec2.amazonaws.com".into()
        }));
        assert!(p
            .iter()
            .any(|x| matches!(x, PrincipalRef::Federated { .. })));
        assert!(p
            .iter()
            .any(|x| matches!(x, PrincipalRef::CanonicalUser { .. })));
        assert_eq!(
            trust(json!("*")).principal_accounts(),
            vec![PrincipalRef::Everyone]
        );
        let identity = st(json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}));
        assert!(identity.principal_accounts().is_empty());
    }

    #[test]
    fn principal_accounts_with_unknowns() {
        let with = |items: Vec<PStr>| {
            let mut s = trust(json!({"AWS": "x"}));
            s.principal = Some(Principals::Map(vec![("AWS".into(), list(items))]));
            s.principal_accounts()
        };
        // arn:${data.aws_partition.current.partition}:iam::123456789012:root
        let partition = unknown(
            Some("arn:\u{FFFC}:iam::123456789012:root"),
            &["data.aws_partition.current.partition"],
            false,
        );
        assert_eq!(
            with(vec![partition]),
            vec![PrincipalRef::Account {
                id: "123456789012".into(),
                principal: "arn:\u{FFFC}:iam::123456789012:root".into()
            }]
        );
        let caller = unknown(
            Some("arn:aws:iam::\u{FFFC}:root"),
            &["data.aws_caller_identity.current.account_id"],
            false,
        );
        let got = with(vec![caller]);
        assert!(matches!(&got[0], PrincipalRef::CurrentAccount { .. }));
        assert!(got[0].is_account_root());
        let bare_caller = unknown(
            None,
            &["module.a.data.aws_caller_identity.this.account_id"],
            false,
        );
        assert!(matches!(
            &with(vec![bare_caller])[0],
            PrincipalRef::CurrentAccount { .. }
        ));
        let both = unknown(
            Some("arn:\u{FFFC}:iam::\u{FFFC}:root"),
            &[
                "data.aws_caller_identity.current.account_id",
                "data.aws_partition.current.partition",
            ],
            false,
        );
        assert!(matches!(
            &with(vec![both])[0],
            PrincipalRef::CurrentAccount { .. }
        ));
        let role = unknown(None, &["aws_iam_role.app.arn"], false);
        assert_eq!(
            with(vec![role]),
            vec![PrincipalRef::Managed {
                refs: vec!["aws_iam_role.app.arn".into()]
            }]
        );
        let var = unknown(Some("arn:aws:iam::\u{FFFC}:root"), &[], true);
        assert!(matches!(&with(vec![var])[0], PrincipalRef::Unknown { .. }));
        let mut s = trust(json!({"AWS": "x"}));
        s.principal = Some(Principals::Unknown);
        assert!(matches!(
            &s.principal_accounts()[0],
            PrincipalRef::Unknown { kind: None, .. }
        ));
        s.principal = Some(Principals::Map(vec![(
            "AWS".into(),
            PList {
                items: vec![],
                unknown_list: true,
            },
        )]));
        assert!(matches!(
            &s.principal_accounts()[0],
            PrincipalRef::Unknown { .. }
        ));
    }
}
