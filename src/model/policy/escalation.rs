//! Privilege escalation (IAM005): does an identity policy grant a known path by which
//! a principal can give itself more permissions than the policy grants?
//!
//! The paths are data, in `rules/data/privilege-escalation.toml` (reviewed, cited;
//! see its header for the format). A path is *granted* when every one of its actions
//! is:
//! - allowed by some `Allow` statement (`Action` or `NotAction`) on a broad resource:
//!   `*`, `NotResource`, or every resource of the action's service type
//!   (`arn:aws:iam::*:role/*`, `arn:aws:iam::123456789012:user/*`). A grant on named
//!   resources (`role/app`, `user/${aws:username}`) is not counted: whether that one
//!   role or user is more privileged is beyond one policy. An unknown resource that
//!   could be broad makes the grant uncertain.
//! - for `iam:PassRole`, not restricted by an `iam:PassedToService` condition to
//!   services the path does not use. Other conditions are not evaluated: a path behind
//!   a condition (MFA, source IP) is still open to whoever meets it.
//! - not removed by a `Deny` on every resource (`*`) without conditions. A narrower or
//!   conditional deny leaves the path open elsewhere, so it removes nothing.
//!
//! Certain versus uncertain: a path is certain when every action is certainly granted
//! and certainly not denied; uncertain when some part (effect, action, resource,
//! condition, a deny) is unknown. Paths that only statements the parser could not read
//! (`statements_unknown`) might complete are not listed; a rule that finds nothing
//! certain in such a document should say unknown.

use super::analyze::{reaches, StatementRef};
use super::condition::Operator;
use super::pattern::{all3, any3, pstr_matches, resource_scope_for, ResourceScope};
use super::{PolicyDocument, Statement};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::OnceLock;

const DATA: &str = include_str!("../../../rules/data/privilege-escalation.toml");

/// One escalation path of the catalogue.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationPath {
    /// Stable kebab-case id.
    pub id: String,
    /// Short name, as the research names it.
    pub name: String,
    /// Exact IAM actions, all required.
    pub actions: Vec<String>,
    /// One line: how the actions escalate.
    pub explanation: String,
    /// Where the path is documented.
    pub source: String,
    /// For paths with `iam:PassRole`: the service principals that receive the role.
    #[serde(default)]
    pub pass_role_to: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalogue {
    path: Vec<EscalationPath>,
}

/// Parse and check a catalogue: unique kebab-case ids, exact `service:Action`
/// actions, one-line explanations, `pass_role_to` exactly on `iam:PassRole` paths.
fn load(text: &str) -> Result<Vec<EscalationPath>, String> {
    let file = "rules/data/privilege-escalation.toml";
    let catalogue: Catalogue = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
    let mut ids = BTreeSet::new();
    for p in &catalogue.path {
        let bad = |why: &str| Err(format!("{file}: path {:?}: {why}", p.id));
        if p.id.is_empty()
            || !p
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return bad("id must be kebab-case");
        }
        if !ids.insert(p.id.as_str()) {
            return bad("duplicate id");
        }
        if p.actions.is_empty() {
            return bad("no actions");
        }
        for a in &p.actions {
            let exact = a
                .split_once(':')
                .is_some_and(|(s, n)| !s.is_empty() && !n.is_empty() && !n.contains(':'));
            if !exact || a.contains(['*', '?']) {
                return bad(&format!("action {a:?} is not an exact service:Action"));
            }
        }
        if p.name.is_empty() || p.source.is_empty() {
            return bad("name and source are required");
        }
        if p.explanation.is_empty() || p.explanation.contains('\n') {
            return bad("explanation must be one line");
        }
        let passes = p
            .actions
            .iter()
            .any(|a| a.eq_ignore_ascii_case("iam:PassRole"));
        if passes == p.pass_role_to.is_empty() {
            return bad("pass_role_to is required exactly on paths with iam:PassRole");
        }
    }
    Ok(catalogue.path)
}

/// The embedded catalogue. An error names the defect; the unit tests load it, so a
/// defect cannot ship, but a rule still reports unknown rather than panicking.
pub fn escalation_catalogue() -> Result<&'static [EscalationPath], &'static str> {
    static CATALOGUE: OnceLock<Result<Vec<EscalationPath>, String>> = OnceLock::new();
    CATALOGUE
        .get_or_init(|| load(DATA))
        .as_ref()
        .map(Vec::as_slice)
        .map_err(String::as_str)
}

/// How one action of a path is granted.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActionGrant {
    pub action: String,
    /// Certainly granted and certainly not denied.
    pub certain: bool,
    /// The statements that grant it: certain grants when `certain`, else also those
    /// that might.
    pub statements: Vec<StatementRef>,
}

/// A path the document grants.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Escalation<'a> {
    pub path: &'a EscalationPath,
    /// Every action is certainly granted and not denied.
    pub certain: bool,
    /// One entry per action of the path, in the path's order.
    pub grants: Vec<ActionGrant>,
}

impl Escalation<'_> {
    /// The statements that grant the path, once each, in document order (to name in
    /// a message).
    pub fn statements(&self) -> Vec<&StatementRef> {
        let mut out: Vec<&StatementRef> = self.grants.iter().flat_map(|g| &g.statements).collect();
        out.sort();
        out.dedup();
        out
    }
}

/// The service prefix of an action (`iam` for `iam:PassRole`).
fn service_of(action: &str) -> &str {
    action.split_once(':').map_or(action, |(s, _)| s)
}

/// Does the statement reach every resource of the action's service (or all)?
/// `Any` only when `any_only` (deny removal must not over-reach: a deny on every
/// role of one type, or on all but some resources, leaves others open).
fn broad_for(st: &Statement, service: &str, any_only: bool) -> Option<bool> {
    let at_least = if any_only {
        ResourceScope::Any
    } else {
        ResourceScope::AllOfType
    };
    match (&st.resource, &st.not_resource) {
        (Some(list), None) => reaches(list, |p| resource_scope_for(p, service), at_least),
        // A deny with `NotResource` leaves the listed resources open.
        (None, Some(_)) if any_only => Some(false),
        _ => st.resource_scope().map(|s| s >= at_least),
    }
}

/// Can this statement's `iam:PassRole` serve a path whose role goes to one of
/// `services`, given its `iam:PassedToService` conditions?
fn passes_to(st: &Statement, services: &[String]) -> Option<bool> {
    let mut results: Vec<Option<bool>> = Vec::new();
    for c in &st.conditions {
        if !c.key.eq_ignore_ascii_case("iam:PassedToService") {
            continue;
        }
        let op = Operator::parse(&c.operator);
        let hit = |exact: bool| {
            let unknown = c.values.unknown_list.then_some(None);
            any3(
                c.values
                    .items
                    .iter()
                    .flat_map(|v| {
                        services.iter().map(move |s| match (exact, v.lit()) {
                            (true, Some(l)) => Some(l.eq_ignore_ascii_case(s)),
                            (true, None) => pstr_matches(v, s, true).filter(|m| !m),
                            (false, _) => pstr_matches(v, s, true),
                        })
                    })
                    .chain(unknown),
            )
        };
        results.push(match op.base.as_str() {
            "stringequals" | "stringequalsignorecase" => hit(true),
            "stringlike" => hit(false),
            "stringnotequals" | "stringnotequalsignorecase" => hit(true).map(|h| !h),
            "stringnotlike" => hit(false).map(|h| !h),
            _ => None,
        });
    }
    if st.conditions_unknown {
        results.push(None);
    }
    all3(results)
}

/// Does the statement allow `action` broadly enough to serve `path`?
fn grants(st: &Statement, action: &str, path: &EscalationPath) -> Option<bool> {
    // Cheapest first, and lazily: `all3` stops at the first certain "no", and most
    // statements neither allow nor cover most of the catalogue's actions.
    let checks: [&dyn Fn() -> Option<bool>; 4] = [
        &|| st.is_allow(),
        &|| st.covers_action(action),
        &|| broad_for(st, service_of(action), false),
        &|| {
            if action.eq_ignore_ascii_case("iam:PassRole") {
                passes_to(st, &path.pass_role_to)
            } else {
                Some(true)
            }
        },
    ];
    all3(checks.iter().map(|check| check()))
}

/// Does the statement deny `action` everywhere, unconditionally?
fn removes(st: &Statement, action: &str) -> Option<bool> {
    let unconditional = if !st.conditions.is_empty() {
        Some(false)
    } else if st.conditions_unknown {
        None
    } else {
        Some(true)
    };
    // Lazily, as in `grants`: most statements are not denies.
    let checks: [&dyn Fn() -> Option<bool>; 3] = [
        &|| all3([st.is_deny(), unconditional]),
        &|| st.covers_action(action),
        &|| broad_for(st, service_of(action), true),
    ];
    all3(checks.iter().map(|check| check()))
}

impl PolicyDocument {
    /// The escalation paths of the embedded catalogue that this identity policy
    /// grants, certain and uncertain (see the module docs). `Err` only if the
    /// embedded catalogue is defective (the unit tests rule that out).
    pub fn escalation_paths(&self) -> Result<Vec<Escalation<'static>>, &'static str> {
        Ok(self.escalation_paths_in(escalation_catalogue()?))
    }

    /// [`PolicyDocument::escalation_paths`] against a given catalogue, in its order.
    pub fn escalation_paths_in<'a>(&self, catalogue: &'a [EscalationPath]) -> Vec<Escalation<'a>> {
        let mut out = Vec::new();
        'paths: for path in catalogue {
            let mut grants_out = Vec::new();
            let mut certain = true;
            for action in &path.actions {
                let mut statements_certain = Vec::new();
                let mut statements_possible = Vec::new();
                let mut granted = Vec::new();
                for (i, st) in self.statements.iter().enumerate() {
                    let g = grants(st, action, path);
                    match g {
                        Some(true) => statements_certain.push(StatementRef::new(i, st)),
                        None => statements_possible.push(StatementRef::new(i, st)),
                        Some(false) => {}
                    }
                    granted.push(g);
                }
                // Denies matter only for an action some statement may grant.
                let removed = || any3(self.statements.iter().map(|st| removes(st, action)));
                let status = all3(
                    std::iter::once(any3(granted))
                        .chain(std::iter::once_with(|| removed().map(|r| !r))),
                );
                let action_certain = match status {
                    Some(false) => continue 'paths,
                    Some(true) => true,
                    None => false,
                };
                certain &= action_certain;
                let statements = if action_certain {
                    statements_certain
                } else {
                    let mut all = statements_certain;
                    all.extend(statements_possible);
                    all.sort();
                    all
                };
                grants_out.push(ActionGrant {
                    action: action.clone(),
                    certain: action_certain,
                    statements,
                });
            }
            out.push(Escalation {
                path,
                certain,
                grants: grants_out,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::analyze::tests::{doc, list, unknown};
    use super::*;
    use serde_json::json;

    fn allow(actions: serde_json::Value) -> serde_json::Value {
        json!({"Effect": "Allow", "Action": actions, "Resource": "*"})
    }

    fn ids(d: &PolicyDocument) -> Vec<(&'static str, bool)> {
        d.escalation_paths()
            .expect("catalogue loads")
            .into_iter()
            .map(|e| (e.path.id.as_str(), e.certain))
            .collect()
    }

    fn certain_ids(statements: Vec<serde_json::Value>) -> Vec<&'static str> {
        ids(&doc(
            json!({"Version": "2012-10-17", "Statement": statements}),
        ))
        .into_iter()
        .filter(|(_, c)| *c)
        .map(|(id, _)| id)
        .collect()
    }

    #[test]
    fn catalogue_loads_and_is_well_formed() {
        let c = escalation_catalogue().expect("catalogue loads");
        assert!(c.len() >= 21, "the 21 Rhino Security Labs methods at least");
        assert_eq!(
            c.iter()
                .filter(|p| p.source.starts_with("Rhino Security Labs #"))
                .count(),
            21
        );
    }

    #[test]
    fn catalogue_defects_are_reported() {
        let path = r#"
[[path]]
id = "a"
name = "A"
actions = ["iam:CreateAccessKey"]
explanation = "x"
source = "s"
"#;
        assert!(load(&path.repeat(2)).is_err_and(|e| e.contains("duplicate")));
        let wildcard = r#"
[[path]]
id = "a"
name = "A"
actions = ["iam:Create*"]
explanation = "x"
source = "s"
"#;
        assert!(load(wildcard).is_err_and(|e| e.contains("exact")));
        let no_pass_to = r#"
[[path]]
id = "a"
name = "A"
actions = ["iam:PassRole", "ec2:RunInstances"]
explanation = "x"
source = "s"
"#;
        assert!(load(no_pass_to).is_err_and(|e| e.contains("pass_role_to")));
        assert!(load("[[path]]\nid = 1").is_err());
        assert!(load("unknown = 1").is_err());
    }

    /// Every path of the catalogue is found when exactly its actions are granted on
    /// `*`, and not found when any one of them is missing.
    #[test]
    fn each_path_is_detected_exactly() {
        for path in escalation_catalogue().expect("catalogue loads") {
            let all = certain_ids(vec![allow(json!(path.actions))]);
            assert!(all.contains(&path.id.as_str()), "{} not found", path.id);
            for missing in &path.actions {
                let rest: Vec<&String> = path.actions.iter().filter(|a| *a != missing).collect();
                let found = if rest.is_empty() {
                    Vec::new()
                } else {
                    certain_ids(vec![allow(json!(rest))])
                };
                assert!(
                    !found.contains(&path.id.as_str()),
                    "{} found without {missing}",
                    path.id
                );
            }
        }
    }

    #[test]
    fn named_paths() {
        let found = certain_ids(vec![allow(json!(["iam:CreatePolicyVersion"]))]);
        assert_eq!(found, vec!["iam-create-policy-version"]);
        let found = certain_ids(vec![allow(json!([
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction"
        ]))]);
        assert_eq!(found, vec!["passrole-lambda-create-invoke"]);
        let found = certain_ids(vec![allow(json!(["iam:PassRole", "ec2:RunInstances"]))]);
        assert_eq!(found, vec!["passrole-ec2-run-instances"]);
        let found = certain_ids(vec![allow(json!([
            "iam:PassRole",
            "cloudformation:CreateStack"
        ]))]);
        assert_eq!(found, vec!["passrole-cloudformation-create-stack"]);
        let found = certain_ids(vec![allow(json!([
            "iam:PassRole",
            "glue:CreateDevEndpoint"
        ]))]);
        assert_eq!(found, vec!["passrole-glue-dev-endpoint"]);
        for a in [
            "iam:AttachUserPolicy",
            "iam:AttachGroupPolicy",
            "iam:AttachRolePolicy",
            "iam:PutUserPolicy",
            "iam:PutGroupPolicy",
            "iam:PutRolePolicy",
            "iam:SetDefaultPolicyVersion",
            "iam:CreateAccessKey",
            "iam:CreateLoginProfile",
            "iam:UpdateLoginProfile",
            "iam:UpdateAssumeRolePolicy",
            "iam:AddUserToGroup",
            "ssm:SendCommand",
        ] {
            assert_eq!(certain_ids(vec![allow(json!([a]))]).len(), 1, "{a}");
        }
        assert!(certain_ids(vec![allow(json!(["s3:GetObject", "ec2:RunInstances"]))]).is_empty());
    }

    #[test]
    fn actions_may_come_from_several_statements_and_wildcards() {
        let d = doc(json!({"Statement": [
            {"Sid": "Pass", "Effect": "Allow", "Action": "iam:Pass*", "Resource": "*"},
            {"Sid": "Lambda", "Effect": "Allow", "Action": "lambda:*", "Resource": "*"}
        ]}));
        let found = d.escalation_paths().expect("catalogue loads");
        let e = found
            .iter()
            .find(|e| e.path.id == "passrole-lambda-create-invoke")
            .expect("found");
        assert!(e.certain);
        let names: Vec<String> = e.statements().iter().map(|s| s.to_string()).collect();
        assert_eq!(names, vec!["statement \"Pass\"", "statement \"Lambda\""]);
        assert_eq!(e.grants[0].action, "iam:PassRole");
        assert_eq!(e.grants[0].statements[0].sid.as_deref(), Some("Pass"));
        assert!(found
            .iter()
            .any(|e| e.path.id == "lambda-update-function-code"));
        // Action names are case-insensitive.
        assert_eq!(
            certain_ids(vec![allow(json!(["IAM:createaccesskey"]))]),
            vec!["iam-create-access-key"]
        );
    }

    #[test]
    fn not_action_and_admin() {
        let found = certain_ids(vec![
            json!({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}),
        ]);
        assert!(found.contains(&"iam-create-policy-version"));
        let no_iam = certain_ids(vec![
            json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
        ]);
        assert!(no_iam.contains(&"ssm-send-command"));
        assert!(!no_iam
            .iter()
            .any(|id| id.starts_with("iam-") || id.starts_with("passrole-")));
        let admin = certain_ids(vec![allow(json!("*"))]);
        assert_eq!(admin.len(), escalation_catalogue().expect("loads").len());
    }

    #[test]
    fn resources_decide() {
        let on = |r: serde_json::Value| {
            certain_ids(vec![
                json!({"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": r}),
            ])
        };
        assert_eq!(
            on(json!("arn:aws:iam::123456789012:user/*")),
            vec!["iam-create-access-key"]
        );
        assert_eq!(on(json!("arn:aws:*:*:*:*")), vec!["iam-create-access-key"]);
        assert!(on(json!("arn:aws:iam::123456789012:user/${aws:username}")).is_empty());
        assert!(on(json!("arn:aws:iam::123456789012:user/alice")).is_empty());
        assert!(on(json!("arn:aws:s3:::*")).is_empty());
        // Every user for sure, plus one unknown resource: still certain.
        let mut d = doc(
            json!({"Statement": [{"Effect": "Allow", "Action": "iam:CreateAccessKey",
            "Resource": "arn:aws:iam::123456789012:user/*"}]}),
        );
        if let Some(r) = d.statements[0].resource.as_mut() {
            r.items.push(unknown(None, &[], true));
        }
        assert_eq!(ids(&d), vec![("iam-create-access-key", true)]);
        let nr = certain_ids(vec![
            json!({"Effect": "Allow", "Action": "iam:CreateAccessKey",
            "NotResource": "arn:aws:iam::123456789012:user/admin"}),
        ]);
        assert_eq!(nr, vec!["iam-create-access-key"]);
        let role_ref =
            doc(json!({"Statement": [allow(json!(["iam:PassRole", "ec2:RunInstances"]))]}));
        let mut specific = role_ref.clone();
        specific.statements[0].resource =
            Some(list(vec![unknown(None, &["aws_iam_role.app.arn"], false)]));
        assert!(ids(&specific).is_empty());
        let mut by_var = role_ref;
        by_var.statements[0].resource = Some(list(vec![unknown(None, &[], true)]));
        assert_eq!(ids(&by_var), vec![("passrole-ec2-run-instances", false)]);
    }

    #[test]
    fn denies_subtract() {
        let d = |deny: serde_json::Value| {
            certain_ids(vec![
                allow(json!(["iam:CreateAccessKey", "iam:CreateLoginProfile"])),
                deny,
            ])
        };
        assert_eq!(
            d(json!({"Effect": "Deny", "Action": "iam:CreateAccessKey", "Resource": "*"})),
            vec!["iam-create-login-profile"]
        );
        assert!(d(json!({"Effect": "Deny", "Action": "iam:Create*", "Resource": "*"})).is_empty());
        // A deny on part of the resources, or under a condition, removes nothing.
        assert_eq!(
            d(json!({"Effect": "Deny", "Action": "iam:CreateAccessKey",
                "Resource": "arn:aws:iam::123456789012:user/admin"}))
            .len(),
            2
        );
        assert_eq!(
            d(
                json!({"Effect": "Deny", "Action": "iam:CreateAccessKey", "Resource": "*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}})
            )
            .len(),
            2
        );
        assert_eq!(
            d(json!({"Effect": "Deny", "Action": "iam:CreateAccessKey",
                "NotResource": "arn:aws:iam::123456789012:user/ci"}))
            .len(),
            2
        );
        // A deny whose effect is unknown makes the path uncertain.
        let mut doc_unknown = doc(json!({"Statement": [
            allow(json!(["iam:CreateAccessKey"])),
            {"Effect": "Deny", "Action": "iam:CreateAccessKey", "Resource": "*"}
        ]}));
        doc_unknown.statements[1].effect = None;
        assert_eq!(ids(&doc_unknown), vec![("iam-create-access-key", false)]);
    }

    #[test]
    fn passed_to_service_conditions() {
        let with = |cond: serde_json::Value| {
            certain_ids(vec![
                json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": cond}),
                allow(json!([
                    "ec2:RunInstances",
                    "lambda:CreateFunction",
                    "lambda:InvokeFunction"
                ])),
            ])
        };
        assert_eq!(
            with(json!({"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}})),
            vec!["passrole-lambda-create-invoke"]
        );
        assert_eq!(
            with(json!({"StringLike": {"iam:PassedToService": "ec2.*"}})),
            vec!["passrole-ec2-run-instances"]
        );
        assert_eq!(
            with(json!({"StringNotEquals": {"iam:PassedToService": "lambda.amazonaws.com"}})),
            vec!["passrole-ec2-run-instances"]
        );
        assert_eq!(
            with(json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})).len(),
            2
        );
    }

    #[test]
    fn unknown_parts_make_paths_uncertain() {
        let base = doc(json!({"Statement": [allow(json!(["iam:CreateAccessKey"]))]}));
        let mut d = base.clone();
        d.statements[0].effect = None;
        assert_eq!(ids(&d), vec![("iam-create-access-key", false)]);
        let mut d = base.clone();
        d.statements[0].action = Some(list(vec![unknown(Some("iam:\u{FFFC}"), &[], true)]));
        let found = ids(&d);
        assert!(found
            .iter()
            .all(|(id, certain)| !certain && id.starts_with("iam-")));
        assert!(found.contains(&("iam-create-access-key", false)));
        let e = &d.escalation_paths().expect("loads")[0];
        assert!(!e.grants[0].certain);
        assert_eq!(e.grants[0].statements.len(), 1);
        // Unread statements do not invent paths.
        let mut d = doc(json!({"Statement": [allow(json!(["s3:GetObject"]))]}));
        d.statements_unknown = true;
        assert!(ids(&d).is_empty());
        // PassRole with an unknown condition block.
        let mut d = doc(json!({"Statement": [allow(json!(["iam:PassRole", "ec2:RunInstances"]))]}));
        d.statements[0].conditions_unknown = true;
        assert_eq!(ids(&d), vec![("passrole-ec2-run-instances", false)]);
    }
}
