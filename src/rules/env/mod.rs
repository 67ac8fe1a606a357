//! Environment separation (CC6.1, CC6.3, CC6.6, CC8.1): production kept apart from
//! everything else. Shared helpers map accounts and resources to environments.

// The `pub mod` of each rule file, generated from `rules/*.toml` (build.rs).
include!(concat!(env!("OUT_DIR"), "/rules/env.rs"));

use crate::model::policy::{Effect, PolicyDocument, Principals};
use crate::model::{Environment, Gap, Meta, Scope};
use crate::rules::RuleSettings;
use std::collections::BTreeMap;

/// A resource's environment when it is known and unambiguous.
pub fn env_of(meta: &Meta) -> Option<&Environment> {
    meta.environment.as_ref().filter(|e| e.conflicts.is_empty())
}

/// The environment a configured account belongs to.
pub fn env_of_account(settings: &RuleSettings, account: &str) -> Option<(String, bool)> {
    settings
        .environments
        .iter()
        .find(|e| e.accounts.iter().any(|a| a == account))
        .map(|e| (crate::environment::normalized(&e.name), e.production))
}

/// Whether the configuration maps any account at all (without it, accounts in ARNs
/// cannot be placed and account-based checks can only say unknown).
pub fn accounts_configured(settings: &RuleSettings) -> bool {
    settings.environments.iter().any(|e| !e.accounts.is_empty())
}

/// The account of an ARN or a bare 12-digit account id.
pub fn account_of(s: &str) -> Option<&str> {
    if s.starts_with("arn:") {
        crate::model::arn_account(s)
    } else {
        (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
    }
}

/// AWS principals of the Allow statements of a policy: literal strings, plus whether
/// some principal could not be read.
pub fn allowed_aws_principals(doc: &PolicyDocument) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    let mut unknown = doc.statements_unknown;
    for st in &doc.statements {
        match st.effect {
            Some(Effect::Allow) => {}
            Some(Effect::Deny) => continue,
            None => {
                unknown = true;
                continue;
            }
        }
        match &st.principal {
            Some(Principals::Map(kinds)) => {
                for (kind, list) in kinds {
                    if kind != "AWS" {
                        continue;
                    }
                    unknown |= list.unknown_list;
                    for item in &list.items {
                        match item.lit() {
                            Some(s) => out.push(s.to_string()),
                            None => unknown = true,
                        }
                    }
                }
            }
            Some(Principals::Unknown) => unknown = true,
            Some(Principals::Everyone) | None => {}
        }
    }
    (out, unknown)
}

/// Result of placing the accounts a resource grants to or names.
pub enum Crossing {
    /// Names an account of another environment.
    Other {
        account: String,
        env: String,
        production: bool,
    },
    /// Everything placed is in the same environment (or outside all environments).
    Same,
    /// Some account could not be placed.
    Unknown(String),
}

/// Place accounts relative to environment `own`; `unknown` is why some principals
/// are not known, when some are not.
pub fn cross_env(
    settings: &RuleSettings,
    own: &Environment,
    accounts: &[&str],
    unknown: Option<Gap>,
) -> Crossing {
    for a in accounts {
        if let Some((name, production)) = env_of_account(settings, a) {
            if !name.eq_ignore_ascii_case(&own.name) {
                return Crossing::Other {
                    account: a.to_string(),
                    env: name,
                    production,
                };
            }
        } else if !accounts_configured(settings) {
            return Crossing::Unknown(format!(
                "account {a} is not mapped to an environment (declare accounts under [environments.<name>] in .soc2scan.toml)"
            ));
        }
    }
    if let Some(gap) = unknown {
        return Crossing::Unknown(format!("some principals are {gap}"));
    }
    Crossing::Same
}

fn root_key(m: &Meta) -> String {
    match m.origin.scope() {
        Scope::Root(root) => root.to_string(),
        Scope::Account { account, region } => format!("{account:?}/{region}"),
    }
}

/// One synthesized result target per Terraform root module (or live account): the
/// first resource's location stands for the root, so findings have a line to point at.
pub fn roots<'a>(metas: impl Iterator<Item = &'a Meta>) -> BTreeMap<String, (Meta, Vec<&'a Meta>)> {
    let mut out: BTreeMap<String, (Meta, Vec<&'a Meta>)> = BTreeMap::new();
    // Several model entries can share one resource (an inline policy and its role, a
    // resource and its external references): count each address once; providers are
    // configuration, not resources.
    let mut seen = std::collections::BTreeSet::new();
    let mut sorted: Vec<&Meta> = metas
        .filter(|m| m.kind != "provider")
        .filter(|m| seen.insert((root_key(m), m.address.clone())))
        .collect();
    sorted.sort_by(|a, b| {
        // Borrowed: a clone per comparison cost more than the rest of the rule.
        let key = |m: &'a Meta| m.location().map(|l| (l.file.as_str(), l.start_line));
        key(a)
            .unwrap_or_default()
            .cmp(&key(b).unwrap_or_default())
            .then(a.address.cmp(&b.address))
    });
    for m in sorted {
        let scope = match m.origin.scope() {
            Scope::Root(root) => format!("root module {root}"),
            Scope::Account { account, .. } => {
                format!("account {}", account.unwrap_or("unknown"))
            }
        };
        let entry = out
            .entry(scope.clone())
            .or_insert_with(|| (m.scope_stand_in(scope.clone()), Vec::new()));
        entry.1.push(m);
    }
    out
}
