//! Actions, resources, effects, and picking statements out of a document.
//!
//! Matching follows IAM: action patterns are case-insensitive, resource patterns are
//! case-sensitive, both with `*` and `?`. Unknown parts are never guessed: a
//! predicate that depends on them answers `None`.

use super::pattern::{
    all3, any3, can_start_with, covers_prefix, is_all_actions, over_pattern, pstr_matches,
    resource_scope_of, ResourceScope,
};
use super::{Effect, PList, PStr, PolicyDocument, Statement};
use serde::Serialize;
use std::fmt;

/// Verbs that begin the names of actions which change state. A wildcard that can
/// match an action starting with one of them (`s3:Put*`, `ec2:*Delete*`,
/// `s3:*Object`) is a write wildcard for IAM002. Read-side wildcards that are common
/// and reviewed practice (`s3:Get*`, `ec2:Describe*`, `kms:GenerateDataKey*`,
/// `kms:ReEncrypt*`) are deliberately not listed.
const WRITE_VERBS: &[&str] = &[
    "add",
    "associate",
    "attach",
    "authorize",
    "batchdelete",
    "batchput",
    "batchupdate",
    "batchwrite",
    "cancel",
    "change",
    "copy",
    "create",
    "delete",
    "deregister",
    "detach",
    "disable",
    "disassociate",
    "enable",
    "execute",
    "import",
    "invoke",
    "modify",
    "pass",
    "publish",
    "purge",
    "put",
    "reboot",
    "register",
    "remove",
    "replace",
    "reset",
    "restore",
    "revoke",
    "rotate",
    "run",
    "send",
    "set",
    "share",
    "start",
    "stop",
    "tag",
    "terminate",
    "untag",
    "update",
    "upload",
    "write",
];

/// The pattern to judge how *broad* a string is: the literal; for an unknown whose
/// holes are resource names, its shape with the holes left as literal placeholder
/// characters (a name is never a wildcard); otherwise `None`.
pub(crate) fn breadth_pattern(s: &PStr) -> Option<String> {
    match s {
        PStr::Lit(l) => Some(l.clone()),
        PStr::Unknown { shape, .. } if s.holes_are_names() => {
            Some(shape.clone().unwrap_or_else(|| super::HOLE.to_string()))
        }
        PStr::Unknown { .. } => None,
    }
}

/// Is `s` broad by a breadth test `f` that grows with the set of texts a pattern
/// matches? Exact when breadth is known; a certain `false` when even the
/// over-approximation is not broad; else `None`.
pub(crate) fn broad(s: &PStr, f: impl Fn(&str) -> bool) -> Option<bool> {
    if let Some(p) = breadth_pattern(s) {
        return Some(f(&p));
    }
    match over_pattern(s) {
        Some(over) if !f(&over) => Some(false),
        _ => None,
    }
}

/// Three-valued OR of `f` over the items, `None` when the list itself is unknown and
/// no item answers `true`.
fn any_item(list: &PList, f: impl Fn(&PStr) -> Option<bool>) -> Option<bool> {
    let unknown = list.unknown_list.then_some(None);
    any3(list.items.iter().map(f).chain(unknown))
}

/// Three-valued AND of `f` over the items, `None` when the list itself is unknown and
/// no item answers `false`.
fn all_items(list: &PList, f: impl Fn(&PStr) -> Option<bool>) -> Option<bool> {
    let unknown = list.unknown_list.then_some(None);
    all3(list.items.iter().map(f).chain(unknown))
}

/// The resource scope of one item (see [`ResourceScope`]), `None` when an unknown
/// part could make it broader than what is known.
fn item_scope(s: &PStr, scope: impl Fn(&str) -> ResourceScope) -> Option<ResourceScope> {
    if let Some(p) = breadth_pattern(s) {
        return Some(scope(&p));
    }
    match over_pattern(s) {
        Some(over) if scope(&over) == ResourceScope::Specific => Some(ResourceScope::Specific),
        _ => None,
    }
}

/// Does some item reach at least scope `at_least`? Three-valued: an unknown item
/// that could be that broad leaves the answer open only if no item certainly is.
pub(crate) fn reaches(
    list: &PList,
    scope: impl Fn(&str) -> ResourceScope,
    at_least: ResourceScope,
) -> Option<bool> {
    any_item(list, |item| item_scope(item, &scope).map(|s| s >= at_least))
}

/// The broadest of the items' scopes; `None` when an unknown item could be broader.
fn broadest(list: &PList, scope: impl Fn(&str) -> ResourceScope) -> Option<ResourceScope> {
    let mut best = ResourceScope::Specific;
    let mut unknown = list.unknown_list;
    for item in &list.items {
        match item_scope(item, &scope) {
            Some(ResourceScope::Any) => return Some(ResourceScope::Any),
            Some(s) => best = best.max(s),
            None => unknown = true,
        }
    }
    if unknown {
        None
    } else {
        Some(best)
    }
}

impl PList {
    /// Does some pattern in the list match this concrete action (`iam:PassRole`)?
    /// Case-insensitive, with `*` and `?`. `None` when no known pattern matches but an
    /// unknown one might.
    pub fn matches_action(&self, action: &str) -> Option<bool> {
        any_item(self, |p| pstr_matches(p, action, true))
    }

    /// Does some pattern in the list match this concrete ARN? Case-sensitive, with `*`
    /// and `?`. A reference to a managed resource is one specific resource, so it
    /// answers `None` (it may or may not be this ARN), never `true` for everything.
    pub fn matches_resource(&self, arn: &str) -> Option<bool> {
        any_item(self, |p| pstr_matches(p, arn, false))
    }

    /// The broadest [`ResourceScope`] among the patterns; `None` when an unknown item
    /// could be broader than the known ones. References to managed resources are
    /// [`ResourceScope::Specific`].
    pub fn resource_scope(&self) -> Option<ResourceScope> {
        broadest(self, resource_scope_of)
    }
}

/// Where a statement sits in its document, for messages ("statement \"AllowAll\"",
/// "statement #2").
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct StatementRef {
    /// Zero-based position in `PolicyDocument::statements`.
    pub index: usize,
    pub sid: Option<String>,
}

impl StatementRef {
    pub fn new(index: usize, statement: &Statement) -> StatementRef {
        StatementRef {
            index,
            sid: statement.sid.clone().filter(|s| !s.is_empty()),
        }
    }
}

impl fmt::Display for StatementRef {
    /// The Sid when there is one (authors search for it), else the 1-based position.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sid {
            Some(sid) => write!(f, "statement {sid:?}"),
            None => write!(f, "statement #{}", self.index + 1),
        }
    }
}

/// The statements of a document for which a predicate holds, split by certainty.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StatementMatch {
    /// The predicate is `Some(true)`.
    pub certain: Vec<StatementRef>,
    /// The predicate is `None` (depends on unknown parts).
    pub possible: Vec<StatementRef>,
    /// Some statements could not be read at all, so any of them might match.
    pub unread_statements: bool,
}

impl StatementMatch {
    /// `Some(true)` if a statement certainly matches; `None` if one might (or unread
    /// statements might); `Some(false)` otherwise.
    pub fn verdict(&self) -> Option<bool> {
        if !self.certain.is_empty() {
            Some(true)
        } else if !self.possible.is_empty() || self.unread_statements {
            None
        } else {
            Some(false)
        }
    }
}

/// What [`Statement::service_wildcards`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ServiceWildcards {
    /// The patterns as written (`s3:*`, `s3:Put*`, `ec2:*Delete*`), in order, once each.
    pub patterns: Vec<String>,
    /// Some action is unknown and might be such a wildcard.
    pub unknown: bool,
}

impl ServiceWildcards {
    /// `Some(true)` when a wildcard was found, `None` when one might hide in an
    /// unknown action, else `Some(false)`.
    pub fn verdict(&self) -> Option<bool> {
        if !self.patterns.is_empty() {
            Some(true)
        } else if self.unknown {
            None
        } else {
            Some(false)
        }
    }
}

/// Is this literal action pattern a service wildcard in the IAM002 sense: not an
/// all-actions pattern (IAM001's business), of the form `service:pattern` where the
/// action part has a wildcard and either matches every action of the service
/// (`s3:*`) or can match an action whose name starts with a [`WRITE_VERBS`] verb.
fn is_service_wildcard(pattern: &str) -> bool {
    if is_all_actions(pattern) {
        return false;
    }
    let Some((_, action)) = pattern.split_once(':') else {
        return false;
    };
    if !action.contains(['*', '?']) {
        return false;
    }
    action.chars().all(|c| c == '*') || WRITE_VERBS.iter().any(|v| can_start_with(action, v))
}

impl Statement {
    /// `Some(true)` for `Allow`, `Some(false)` for `Deny`, `None` when the effect is
    /// unknown.
    pub fn is_allow(&self) -> Option<bool> {
        self.effect.map(|e| e == Effect::Allow)
    }

    /// `Some(true)` for `Deny`, `Some(false)` for `Allow`, `None` when unknown.
    pub fn is_deny(&self) -> Option<bool> {
        self.effect.map(|e| e == Effect::Deny)
    }

    /// Does the statement's action part cover this concrete action, whatever the
    /// effect? `Action` covers what it lists; `NotAction` covers *every action it does
    /// not list*, which is why an `Allow` with `NotAction` is dangerous: it grants all
    /// present and future actions of every service except a few. A statement with
    /// neither covers nothing; one with both is invalid (AWS rejects it): `None`.
    pub fn covers_action(&self, action: &str) -> Option<bool> {
        match (&self.action, &self.not_action) {
            (Some(list), None) => list.matches_action(action),
            (None, Some(list)) => list.matches_action(action).map(|m| !m),
            (None, None) => Some(false),
            (Some(_), Some(_)) => None,
        }
    }

    /// Does this statement allow this concrete action (effect `Allow` and the action
    /// covered)? Resources and conditions are separate questions.
    pub fn grants_action(&self, action: &str) -> Option<bool> {
        all3([self.is_allow(), self.covers_action(action)])
    }

    /// Does the action part cover *every* action of `service` (`s3`), whatever the
    /// effect? `Action` needs a pattern such as `s3:*` or `*`; `NotAction` needs no
    /// listed pattern that could match any action of the service.
    pub fn covers_service(&self, service: &str) -> Option<bool> {
        let prefix = format!("{service}:");
        match (&self.action, &self.not_action) {
            (Some(list), None) => any_item(list, |p| broad(p, |x| covers_prefix(x, &prefix))),
            (None, Some(list)) => all_items(list, |p| {
                broad(p, |x| can_start_with(x, &prefix)).map(|m| !m)
            }),
            (None, None) => Some(false),
            (Some(_), Some(_)) => None,
        }
    }

    /// Does this `Allow` statement grant every action (`"Action": "*"`, also the
    /// invalid-but-seen `*:*`)? An `Allow` with `NotAction` grants everything except
    /// what it lists, so it answers `false` here unless its list is empty; IAM003
    /// judges `NotAction` itself.
    pub fn grants_all_actions(&self) -> Option<bool> {
        let covers_all = match (&self.action, &self.not_action) {
            (Some(list), None) => any_item(list, |p| broad(p, is_all_actions)),
            (None, Some(list)) => {
                if list.unknown_list {
                    None
                } else {
                    Some(list.items.is_empty())
                }
            }
            (None, None) => Some(false),
            (Some(_), Some(_)) => None,
        };
        all3([self.is_allow(), covers_all])
    }

    /// The service-wide and write wildcards of the `Action` list, for IAM002:
    /// a pattern `service:action` whose action part has a wildcard and either is only
    /// `*` (`s3:*`) or can match an action whose name starts with a state-changing
    /// verb (`s3:Put*`, `ec2:*Delete*`, `s3:*Object`, `iam:Pass*`; see `WRITE_VERBS`).
    /// Read-only wildcards (`s3:Get*`, `ec2:Describe*`) and `*` itself (IAM001) are
    /// not reported. Only `Action` is read (`NotAction` is IAM003's); the caller checks
    /// [`Statement::is_allow`] and [`Statement::applies_to_any_resource`].
    pub fn service_wildcards(&self) -> ServiceWildcards {
        let mut out = ServiceWildcards::default();
        let Some(list) = &self.action else {
            return out;
        };
        out.unknown = list.unknown_list;
        for item in &list.items {
            match broad(item, is_service_wildcard) {
                Some(true) => {
                    if let Some(p) = item.lit() {
                        if !out.patterns.iter().any(|x| x == p) {
                            out.patterns.push(p.to_string());
                        }
                    } else {
                        out.unknown = true;
                    }
                }
                Some(false) => {}
                None => out.unknown = true,
            }
        }
        out
    }

    /// How much of the resource space the statement applies to: the broadest
    /// `Resource` pattern; everything for `NotResource` (it applies to every resource
    /// it does not list) unless a listed pattern is itself `*`. A statement with
    /// neither (a trust policy; the policy's own resource) is
    /// [`ResourceScope::Specific`]. `None` when an unknown part decides, or when both
    /// elements are present (invalid, AWS rejects it).
    pub fn resource_scope(&self) -> Option<ResourceScope> {
        match (&self.resource, &self.not_resource) {
            (Some(list), None) => list.resource_scope(),
            (None, Some(list)) => match any_item(list, |p| broad(p, only_stars)) {
                Some(false) => Some(ResourceScope::Any),
                Some(true) => Some(ResourceScope::Specific),
                None => None,
            },
            (None, None) => Some(ResourceScope::Specific),
            (Some(_), Some(_)) => None,
        }
    }

    /// Does the statement apply to every resource: `Resource "*"` (or a disguised
    /// `arn:aws:*:*:*:*`), or `NotResource`? See [`Statement::resource_scope`].
    pub fn applies_to_any_resource(&self) -> Option<bool> {
        self.resource_scope().map(|s| s == ResourceScope::Any)
    }

    /// Does the statement apply to this concrete ARN? `NotResource` applies to every
    /// ARN it does not list. Without either element (trust policies) the statement
    /// applies to the resource the policy is attached to: `true`.
    pub fn applies_to_resource(&self, arn: &str) -> Option<bool> {
        match (&self.resource, &self.not_resource) {
            (Some(list), None) => list.matches_resource(arn),
            (None, Some(list)) => list.matches_resource(arn).map(|m| !m),
            (None, None) => Some(true),
            (Some(_), Some(_)) => None,
        }
    }
}

/// A pattern that matches every string (only `*`s).
fn only_stars(pattern: &str) -> bool {
    !pattern.is_empty() && pattern.chars().all(|c| c == '*')
}

impl PolicyDocument {
    /// The `Allow` statements with their position. Statements whose effect is unknown
    /// are in neither this nor [`PolicyDocument::deny_statements`]: use
    /// [`PolicyDocument::statements_where`] to keep them in the verdict.
    pub fn allow_statements(&self) -> impl Iterator<Item = (StatementRef, &Statement)> {
        self.with_effect(Effect::Allow)
    }

    /// The `Deny` statements with their position.
    pub fn deny_statements(&self) -> impl Iterator<Item = (StatementRef, &Statement)> {
        self.with_effect(Effect::Deny)
    }

    fn with_effect(&self, effect: Effect) -> impl Iterator<Item = (StatementRef, &Statement)> {
        self.statements
            .iter()
            .enumerate()
            .filter(move |(_, s)| s.effect == Some(effect))
            .map(|(i, s)| (StatementRef::new(i, s), s))
    }

    /// The statements for which `predicate` holds (certain) or might hold (possible),
    /// plus whether unread statements could. The usual way for a rule to judge a
    /// document: `doc.statements_where(|s| all3(...)).verdict()` gives pass/fail/unknown
    /// and the refs name the statements in the message.
    pub fn statements_where(
        &self,
        predicate: impl Fn(&Statement) -> Option<bool>,
    ) -> StatementMatch {
        let mut out = StatementMatch {
            unread_statements: self.statements_unknown,
            ..StatementMatch::default()
        };
        for (i, st) in self.statements.iter().enumerate() {
            match predicate(st) {
                Some(true) => out.certain.push(StatementRef::new(i, st)),
                None => out.possible.push(StatementRef::new(i, st)),
                Some(false) => {}
            }
        }
        out
    }

    /// Some `Allow` statement grants every action on every resource (IAM001).
    pub fn grants_full_admin(&self) -> StatementMatch {
        self.statements_where(|s| all3([s.grants_all_actions(), s.applies_to_any_resource()]))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::Value;
    use serde_json::json;

    /// Parse a JSON policy (the same path as `jsonencode`d documents).
    pub(crate) fn doc(j: serde_json::Value) -> PolicyDocument {
        PolicyDocument::from_value(&Value::from_json(&j))
            .expect("valid policy")
            .expect("known policy")
    }

    /// The single statement of a one-statement policy.
    pub(crate) fn st(j: serde_json::Value) -> Statement {
        doc(json!({"Version": "2012-10-17", "Statement": [j]}))
            .statements
            .remove(0)
    }

    /// An unknown string value: a template shape with holes and its references.
    pub(crate) fn unknown(shape: Option<&str>, refs: &[&str], unresolved: bool) -> PStr {
        PStr::Unknown {
            refs: refs.iter().map(|r| r.to_string()).collect(),
            shape: shape.map(str::to_string),
            unresolved,
        }
    }

    pub(crate) fn list(items: Vec<PStr>) -> PList {
        PList {
            items,
            unknown_list: false,
        }
    }

    fn lits(items: &[&str]) -> PList {
        list(items.iter().map(|s| PStr::Lit(s.to_string())).collect())
    }

    #[test]
    fn action_matching_is_case_insensitive_with_wildcards() {
        let l = lits(&["IAM:pass*", "s3:?etObject"]);
        assert_eq!(l.matches_action("iam:PassRole"), Some(true));
        assert_eq!(l.matches_action("s3:GetObject"), Some(true));
        assert_eq!(l.matches_action("s3:PutObject"), Some(false));
        assert_eq!(lits(&["*"]).matches_action("kms:Decrypt"), Some(true));
        assert_eq!(lits(&["*:*"]).matches_action("kms:Decrypt"), Some(true));
        assert_eq!(lits(&[]).matches_action("kms:Decrypt"), Some(false));
    }

    #[test]
    fn action_matching_with_unknowns() {
        let shaped = list(vec![unknown(Some("s3:\u{FFFC}"), &[], true)]);
        assert_eq!(shaped.matches_action("s3:GetObject"), None);
        assert_eq!(shaped.matches_action("iam:PassRole"), Some(false));
        let opaque = list(vec![
            PStr::Lit("s3:GetObject".into()),
            unknown(None, &[], true),
        ]);
        assert_eq!(opaque.matches_action("s3:GetObject"), Some(true));
        assert_eq!(opaque.matches_action("iam:PassRole"), None);
        let unknown_list = PList {
            items: vec![PStr::Lit("s3:GetObject".into())],
            unknown_list: true,
        };
        assert_eq!(unknown_list.matches_action("s3:GetObject"), Some(true));
        assert_eq!(unknown_list.matches_action("iam:PassRole"), None);
    }

    #[test]
    fn resource_matching_is_case_sensitive_and_refs_are_specific() {
        let l = lits(&["arn:aws:s3:::logs-*", "arn:aws:s3:::data/?"]);
        assert_eq!(l.matches_resource("arn:aws:s3:::logs-prod"), Some(true));
        assert_eq!(l.matches_resource("arn:aws:s3:::LOGS-prod"), Some(false));
        assert_eq!(l.matches_resource("arn:aws:s3:::data/a"), Some(true));
        assert_eq!(l.matches_resource("arn:aws:s3:::data/ab"), Some(false));
        let r = list(vec![unknown(None, &["aws_s3_bucket.a.arn"], false)]);
        assert_eq!(r.matches_resource("arn:aws:s3:::x"), None);
        assert_eq!(r.resource_scope(), Some(ResourceScope::Specific));
        let objects = list(vec![unknown(
            Some("\u{FFFC}/*"),
            &["aws_s3_bucket.a.arn"],
            false,
        )]);
        assert_eq!(objects.resource_scope(), Some(ResourceScope::Specific));
        assert_eq!(objects.matches_resource("arn:aws:s3:::x"), Some(false));
        let by_var = list(vec![unknown(Some("arn:aws:s3:::\u{FFFC}"), &[], true)]);
        assert_eq!(by_var.resource_scope(), None);
        let account_var = list(vec![unknown(
            Some("arn:aws:iam::\u{FFFC}:role/app"),
            &[],
            true,
        )]);
        assert_eq!(account_var.resource_scope(), Some(ResourceScope::Specific));
        let account_ref = list(vec![unknown(
            Some("arn:aws:iam::\u{FFFC}:role/*"),
            &["data.aws_caller_identity.current.account_id"],
            false,
        )]);
        assert_eq!(account_ref.resource_scope(), Some(ResourceScope::AllOfType));
    }

    #[test]
    fn effects() {
        let allow = st(json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}));
        let deny = st(json!({"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}));
        let odd = st(json!({"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}));
        assert_eq!(allow.is_allow(), Some(true));
        assert_eq!(deny.is_allow(), Some(false));
        assert_eq!(deny.is_deny(), Some(true));
        assert_eq!(odd.is_allow(), None);
        assert_eq!(deny.grants_action("s3:GetObject"), Some(false));
        assert_eq!(deny.covers_action("s3:GetObject"), Some(true));
        assert_eq!(allow.grants_action("s3:getobject"), Some(true));
        assert_eq!(odd.grants_action("s3:GetObject"), None);
        assert_eq!(odd.grants_action("s3:PutObject"), Some(false));
    }

    #[test]
    fn not_action_grants_everything_not_listed() {
        let s = st(
            json!({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}),
        );
        assert_eq!(s.grants_action("s3:DeleteBucket"), Some(true));
        assert_eq!(s.grants_action("iam:PassRole"), Some(false));
        assert_eq!(
            s.grants_action("Organizations:LeaveOrganization"),
            Some(false)
        );
        assert_eq!(s.grants_all_actions(), Some(false));
        assert_eq!(s.covers_service("s3"), Some(true));
        assert_eq!(s.covers_service("iam"), Some(false));
        let empty = st(json!({"Effect": "Allow", "NotAction": [], "Resource": "*"}));
        assert_eq!(empty.grants_all_actions(), Some(true));
        let both =
            st(json!({"Effect": "Allow", "Action": "s3:*", "NotAction": "iam:*", "Resource": "*"}));
        assert_eq!(both.grants_action("s3:GetObject"), None);
        let neither = st(json!({"Effect": "Allow", "Resource": "*"}));
        assert_eq!(neither.grants_action("s3:GetObject"), Some(false));
    }

    #[test]
    fn all_actions() {
        let star = st(json!({"Effect": "Allow", "Action": "*", "Resource": "*"}));
        assert_eq!(star.grants_all_actions(), Some(true));
        let starstar =
            st(json!({"Effect": "Allow", "Action": ["s3:GetObject", "*:*"], "Resource": "*"}));
        assert_eq!(starstar.grants_all_actions(), Some(true));
        assert_eq!(starstar.grants_action("ec2:RunInstances"), Some(true));
        let s3 = st(json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}));
        assert_eq!(s3.grants_all_actions(), Some(false));
        let deny = st(json!({"Effect": "Deny", "Action": "*", "Resource": "*"}));
        assert_eq!(deny.grants_all_actions(), Some(false));
        let mut by_var = star.clone();
        by_var.action = Some(list(vec![unknown(None, &[], true)]));
        assert_eq!(by_var.grants_all_actions(), None);
        by_var.action = Some(list(vec![unknown(Some("s3:\u{FFFC}"), &[], true)]));
        assert_eq!(by_var.grants_all_actions(), Some(false));
        by_var.action = Some(list(vec![unknown(Some("\u{FFFC}"), &[], true)]));
        assert_eq!(by_var.grants_all_actions(), None);
    }

    #[test]
    fn covers_service() {
        let s = |a: serde_json::Value| st(json!({"Effect": "Deny", "Action": a, "Resource": "*"}));
        assert_eq!(s(json!("s3:*")).covers_service("s3"), Some(true));
        assert_eq!(s(json!("S3:*")).covers_service("s3"), Some(true));
        assert_eq!(s(json!("*")).covers_service("s3"), Some(true));
        assert_eq!(s(json!(["s3:GetObject"])).covers_service("s3"), Some(false));
        assert_eq!(
            s(json!(["s3:Get*", "s3:Put*"])).covers_service("s3"),
            Some(false)
        );
        assert_eq!(s(json!("kms:*")).covers_service("s3"), Some(false));
        let na = st(json!({"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"}));
        assert_eq!(na.covers_service("s3"), Some(false));
        assert_eq!(na.covers_service("kms"), Some(true));
    }

    #[test]
    fn service_wildcards_for_iam002() {
        let s = st(json!({"Effect": "Allow", "Action": [
            "s3:*", "s3:Put*", "ec2:*Delete*", "s3:*Object", "iam:Pass*", "s3:Get*",
            "ec2:Describe*", "kms:GenerateDataKey*", "kms:ReEncrypt*", "*", "s3:GetObject",
            "s3:*", "dynamodb:BatchWrite*", "s3:?utObject"
        ], "Resource": "*"}));
        let w = s.service_wildcards();
        assert_eq!(
            w.patterns,
            vec![
                "s3:*",
                "s3:Put*",
                "ec2:*Delete*",
                "s3:*Object",
                "iam:Pass*",
                "dynamodb:BatchWrite*",
                "s3:?utObject"
            ]
        );
        assert!(!w.unknown);
        assert_eq!(w.verdict(), Some(true));
        let read =
            st(json!({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}));
        assert_eq!(read.service_wildcards().verdict(), Some(false));
        let mut unknown_action = read.clone();
        unknown_action.action = Some(list(vec![unknown(Some("s3:\u{FFFC}"), &[], true)]));
        assert_eq!(unknown_action.service_wildcards().verdict(), None);
        unknown_action.action = Some(list(vec![unknown(Some("s3:Get\u{FFFC}"), &[], true)]));
        assert_eq!(unknown_action.service_wildcards().verdict(), Some(false));
        let not_action = st(json!({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}));
        assert_eq!(not_action.service_wildcards().verdict(), Some(false));
    }

    #[test]
    fn resources() {
        let s =
            |r: serde_json::Value| st(json!({"Effect": "Allow", "Action": "s3:*", "Resource": r}));
        assert_eq!(s(json!("*")).applies_to_any_resource(), Some(true));
        assert_eq!(
            s(json!(["arn:aws:s3:::a", "*"])).applies_to_any_resource(),
            Some(true)
        );
        assert_eq!(
            s(json!("arn:aws:*:*:*:*")).applies_to_any_resource(),
            Some(true)
        );
        assert_eq!(
            s(json!("arn:aws:s3:::*")).applies_to_any_resource(),
            Some(false)
        );
        assert_eq!(
            s(json!("arn:aws:s3:::*")).resource_scope(),
            Some(ResourceScope::AllOfType)
        );
        assert_eq!(
            s(json!("arn:aws:s3:::a/*")).applies_to_any_resource(),
            Some(false)
        );
        assert_eq!(
            s(json!("arn:aws:s3:::a/*")).applies_to_resource("arn:aws:s3:::a/k"),
            Some(true)
        );
        let nr = st(
            json!({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}),
        );
        assert_eq!(nr.applies_to_any_resource(), Some(true));
        assert_eq!(nr.applies_to_resource("arn:aws:s3:::secret/k"), Some(false));
        assert_eq!(nr.applies_to_resource("arn:aws:s3:::other/k"), Some(true));
        let nr_all = st(json!({"Effect": "Allow", "Action": "s3:*", "NotResource": "*"}));
        assert_eq!(nr_all.applies_to_any_resource(), Some(false));
        let trust =
            st(json!({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}}));
        assert_eq!(trust.applies_to_any_resource(), Some(false));
        assert_eq!(
            trust.applies_to_resource("arn:aws:iam::1:role/x"),
            Some(true)
        );
        let mut r = s(json!("*"));
        r.resource = Some(list(vec![unknown(None, &["aws_s3_bucket.a.arn"], false)]));
        assert_eq!(r.applies_to_any_resource(), Some(false));
        r.resource = Some(list(vec![unknown(None, &["aws_s3_bucket.a.arn"], true)]));
        assert_eq!(r.applies_to_any_resource(), None);
        r.resource = Some(PList {
            items: vec![],
            unknown_list: true,
        });
        assert_eq!(r.applies_to_any_resource(), None);
    }

    /// Odd but parseable input: every predicate answers without panicking.
    #[test]
    fn odd_input_never_panics() {
        let odd = [
            json!(""),
            json!(":"),
            json!("::::::"),
            json!("arn:"),
            json!("arn:aws:iam::::::::"),
            json!("*?*?"),
            json!("\u{FFFC}"),
            json!("é:ß*"),
            json!(["", "*", 1, true, null, {"a": 1}, [1]]),
            json!(12),
            json!({"x": "y"}),
        ];
        for v in &odd {
            let statement = json!({
                "Sid": v, "Effect": "Deny", "Action": v, "NotAction": v, "Resource": v,
                "NotResource": v, "Principal": {"AWS": v, "Service": v},
                "Condition": {"StringLike": {"aws:SourceArn": v, "iam:PassedToService": v},
                    "Bool": {"aws:SecureTransport": v}, "NumericLessThan": {"s3:TlsVersion": v}}
            });
            for effect in ["Allow", "Deny"] {
                let mut one = statement.clone();
                one["Effect"] = json!(effect);
                for drop in ["NotAction", "Action", "NotResource", "Resource"] {
                    let mut s = one.clone();
                    if let Some(m) = s.as_object_mut() {
                        m.remove(drop);
                    }
                    let d = doc(json!({"Statement": [s]}));
                    let st = &d.statements[0];
                    let _ = (
                        st.grants_action("iam:PassRole"),
                        st.grants_all_actions(),
                        st.covers_service("s3"),
                        st.service_wildcards(),
                        st.resource_scope(),
                        st.applies_to_resource("arn:aws:s3:::b"),
                        st.principal_is_public(),
                        st.principal_accounts(),
                        st.has_restricting_condition(),
                        st.requires_external_id(),
                        st.allows_public_access(),
                        d.denies_insecure_transport(),
                        d.grants_full_admin(),
                        d.escalation_paths(),
                    );
                }
            }
        }
    }

    #[test]
    fn statement_selection_and_labels() {
        let d = doc(json!({"Statement": [
            {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"},
        ]}));
        assert_eq!(d.allow_statements().count(), 2);
        assert_eq!(d.deny_statements().count(), 1);
        let m = d.grants_full_admin();
        assert_eq!(m.verdict(), Some(true));
        assert_eq!(m.certain[0].to_string(), "statement \"Admin\"");
        let refs: Vec<String> = d.allow_statements().map(|(r, _)| r.to_string()).collect();
        assert_eq!(refs, vec!["statement \"Admin\"", "statement #3"]);
        let mut partial = d.clone();
        partial.statements.remove(0);
        assert_eq!(partial.grants_full_admin().verdict(), Some(false));
        partial.statements_unknown = true;
        assert_eq!(partial.grants_full_admin().verdict(), None);
    }
}
