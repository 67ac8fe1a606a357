//! KMS003 kms-policy-broad-admin: a key policy that grants `kms:*` (every KMS action:
//! decrypt, re-encrypt, disable, schedule deletion, rewrite the policy) to a principal
//! other than the account root. The root statement is how the default key policy
//! delegates to IAM, where access is reviewed; `kms:*` on a role, user or service in
//! the key policy itself bypasses that review and merges key administration with key
//! use, against least privilege and segregation of duties.
//!
//! Counted: `Allow` statements whose action part covers every KMS action (`kms:*`,
//! `*`, or a `NotAction` that lists no KMS action), whatever their conditions (a
//! condition narrows when, not what). Every principal of such a statement other than
//! an account root is reported: roles, users, assumed-role sessions, services,
//! federated providers, `"*"` and `NotPrincipal`. An account root is
//! `arn:aws:iam::<id>:root` or the bare id, including a template whose account is
//! known only after apply (`arn:aws:iam::${data.aws_caller_identity.c.account_id}:root`,
//! `arn:aws:iam::${var.account}:root`). Which account a root belongs to is not judged in
//! Terraform (the deploying account is not known there; ENV004 judges cross-environment
//! grants); live, a root of another account than the key's fails.
//!
//! A key without an explicit policy gets the default key policy (`kms:*` for the
//! account root only): it passes. AWS-managed keys (live) get no result.

use crate::model::arn_account;
use crate::model::kms::KmsKey;
use crate::model::policy::{PrincipalRef, Statement, StatementRef};
use crate::model::Inventory;
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for k in super::customer_keys(inv) {
        ctx.set_note(&k.meta, k.elsewhere_note());
        judge(k, ctx);
    }
}

/// The principals of one statement that must not hold `kms:*`, and whether some
/// principal could not be read.
struct Grantees {
    broad: Vec<String>,
    unreadable: bool,
}

fn judge(k: &KmsKey, ctx: &mut Ctx) {
    let Some(doc) = super::key_policy(
        k,
        ctx,
        "no key policy is set, so KMS applies the default key policy, which grants kms:* to the account root only",
        "whom the key policy grants kms:*",
    ) else {
        return;
    };
    let key_account = k.meta.arn.as_deref().and_then(arn_account);
    let mut certain = Vec::new();
    let mut possible = Vec::new();
    for (i, s) in doc.statements.iter().enumerate() {
        let at = StatementRef::new(i, s);
        let grants = match (s.is_allow(), s.covers_service("kms")) {
            (Some(false), _) | (_, Some(false)) => continue,
            (Some(true), Some(true)) => Some(true),
            _ => None,
        };
        let g = grantees(s, key_account);
        if !g.broad.is_empty() && grants == Some(true) {
            certain.push(format!(
                "{at} grants {} to {}",
                super::actions(s),
                g.broad.join(", ")
            ));
        } else if !g.broad.is_empty() || g.unreadable {
            possible.push(at.to_string());
        }
    }
    let gap = k.meta.wording.gap;
    if !certain.is_empty() {
        ctx.fail(
            &k.meta,
            format!(
                "the key policy grants every KMS action (decrypt, disable, schedule deletion, change the policy) to principals other than the account root: {}; grant the account root kms:* and give administrators and users only the actions they need",
                certain.join("; ")
            ),
        );
    } else if !possible.is_empty() || doc.statements_unknown {
        let mut why = Vec::new();
        if !possible.is_empty() {
            why.push(format!(
                "{} may grant kms:* to a principal other than the account root (effect, actions or principals {gap})",
                possible.join(", ")
            ));
        }
        if doc.statements_unknown {
            why.push(format!("some statements are {gap}"));
        }
        ctx.unknown(
            &k.meta,
            format!(
                "whom the key policy grants kms:* cannot be judged: {}",
                why.join("; ")
            ),
        );
    } else {
        ctx.pass(
            &k.meta,
            "the key policy grants kms:* to no principal other than the account root",
        );
    }
}

fn grantees(s: &Statement, key_account: Option<&str>) -> Grantees {
    let mut out = Grantees {
        broad: Vec::new(),
        unreadable: false,
    };
    if s.not_principal.is_some() {
        out.broad
            .push("everyone except the NotPrincipal list".to_string());
    }
    for p in s.principal_accounts() {
        match &p {
            PrincipalRef::Account { id, principal } if p.is_account_root() => {
                if let Some(own) = key_account.filter(|own| own != id) {
                    out.broad.push(format!(
                        "{principal} (the root of account {id}, not the key's account {own})"
                    ));
                }
            }
            PrincipalRef::CurrentAccount { .. } if p.is_account_root() => {}
            PrincipalRef::Account { principal, .. }
            | PrincipalRef::CurrentAccount { principal } => out
                .broad
                .push(principal.replace(crate::model::value::HOLE, "${...}")),
            PrincipalRef::Unknown {
                shape: Some(shape), ..
            } if shape.ends_with(":root") => {}
            PrincipalRef::Unknown { .. } => out.unreadable = true,
            PrincipalRef::Everyone => out.broad.push("\"*\" (every AWS principal)".to_string()),
            PrincipalRef::Managed { refs } => out.broad.push(refs.join(", ")),
            PrincipalRef::Service { name } => out.broad.push(format!("service {name}")),
            PrincipalRef::Federated { provider } => out.broad.push(format!("federated {provider}")),
            PrincipalRef::CanonicalUser { id } => out.broad.push(format!("canonical user {id}")),
            PrincipalRef::Other { value, .. } => out.broad.push(value.clone()),
        }
    }
    out
}
