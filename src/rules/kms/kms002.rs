//! KMS002 kms-policy-public: a key policy that lets any AWS principal use or manage
//! the key. A key policy is the primary access control of a KMS key: IAM policies
//! only count when the key policy delegates to the account. An `Allow` to `"*"`
//! without a condition that pins callers to an organisation, account or source
//! therefore opens the key, and every piece of data encrypted under it, to every AWS
//! account.
//!
//! Which conditions restrict is the policy analyzer's decision
//! ([`Statement::has_restricting_condition`](crate::model::policy::Statement::has_restricting_condition)):
//! `aws:PrincipalOrgID`, `kms:CallerAccount`, `aws:PrincipalAccount`,
//! `aws:SourceAccount`/`aws:SourceArn` and similar, with exact values. `kms:ViaService`
//! alone does not (any account can call through the service); AWS's own pattern of
//! `kms:ViaService` together with `kms:CallerAccount` does. `NotPrincipal` in an
//! `Allow` is public too (everyone except the listed principals).
//!
//! A key without an explicit policy gets the default key policy, which trusts only
//! the key's own account: it passes. AWS-managed keys (live) get no result: AWS writes
//! their policies and customers cannot change them. One result per key.

use crate::model::kms::KmsKey;
use crate::model::policy::{Principals, Statement, StatementRef};
use crate::model::Inventory;
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for k in super::customer_keys(inv) {
        ctx.set_note(&k.meta, k.elsewhere_note());
        judge(k, ctx);
    }
}

fn judge(k: &KmsKey, ctx: &mut Ctx) {
    let Some(doc) = super::key_policy(
        k,
        ctx,
        "no key policy is set, so KMS applies the default key policy, which trusts only the key's own account",
        "whether the key policy allows public access",
    ) else {
        return;
    };
    let found = doc.statements_where(Statement::allows_public_access);
    if !found.certain.is_empty() {
        let what: Vec<String> = found
            .certain
            .iter()
            .filter_map(|r| doc.statements.get(r.index).map(|s| describe(r, s)))
            .collect();
        ctx.fail(
            &k.meta,
            format!(
                "the key policy lets any AWS account use the key: {}; restrict it with a condition such as aws:PrincipalOrgID or kms:CallerAccount, or name the principals",
                what.join("; ")
            ),
        );
        return;
    }
    if found.verdict().is_none() {
        let gap = k.meta.wording.gap;
        let why = if found.possible.is_empty() {
            format!("some statements are {gap}")
        } else {
            let open: Vec<String> = found.possible.iter().map(|r| r.to_string()).collect();
            format!(
                "{} may allow a public principal: its effect, principal or conditions are {gap}",
                open.join(", ")
            )
        };
        ctx.unknown(
            &k.meta,
            format!("whether the key policy allows public access cannot be judged: {why}"),
        );
        return;
    }
    // Name the public statements that a condition restricts: they are the evidence.
    let restricted: Vec<String> = doc
        .statements
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_allow() == Some(true) && s.principal_is_public() == Some(true))
        .map(|(i, s)| {
            let keys: Vec<&str> = s.conditions.iter().map(|c| c.key.as_str()).collect();
            format!(
                "{} is restricted by {}",
                StatementRef::new(i, s),
                keys.join(" and ")
            )
        })
        .collect();
    if restricted.is_empty() {
        ctx.pass(
            &k.meta,
            "no statement of the key policy allows a public principal",
        );
    } else {
        ctx.pass(
            &k.meta,
            format!(
                "every public statement of the key policy is restricted by a condition: {}",
                restricted.join("; ")
            ),
        );
    }
}

/// `statement "Sid" allows Principal "*" kms:Decrypt, kms:Encrypt without a restricting
/// condition`.
fn describe(at: &StatementRef, s: &Statement) -> String {
    let who = if s.not_principal.is_some() {
        "everyone except its NotPrincipal".to_string()
    } else {
        match &s.principal {
            Some(Principals::Everyone) => "Principal \"*\"".to_string(),
            Some(Principals::Map(kinds)) => {
                let wild: Vec<String> = kinds
                    .iter()
                    .filter(|(kind, _)| kind.eq_ignore_ascii_case("AWS"))
                    .flat_map(|(_, list)| list.items.iter())
                    .filter_map(|p| p.lit().filter(|v| v.contains(['*', '?'])))
                    .map(|v| format!("{{\"AWS\": {v:?}}}"))
                    .collect();
                if wild.is_empty() {
                    "a principal that may be \"*\"".to_string()
                } else {
                    wild.join(", ")
                }
            }
            _ => "a public principal".to_string(),
        }
    };
    let actions = super::actions(s);
    let conditions = if s.conditions.is_empty() {
        "without any condition".to_string()
    } else {
        let keys: Vec<String> = s
            .conditions
            .iter()
            .map(|c| format!("{} {}", c.operator, c.key))
            .collect();
        format!("with only non-restricting conditions ({})", keys.join(", "))
    };
    format!("{at} allows {who} {actions} {conditions}")
}
