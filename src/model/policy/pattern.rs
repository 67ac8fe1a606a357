//! IAM wildcard patterns and three-valued logic, the building blocks of the analyzer.
//!
//! IAM patterns use `*` (any run of characters, including none) and `?` (exactly one
//! character). Actions compare case-insensitively, resources case-sensitively. Every
//! function here is iterative and bounded by `pattern × text`, so no input can make it
//! recurse deeply or panic.
//!
//! A [`PStr::Unknown`] is turned into an *over-approximation*: its template shape with
//! every hole read as `*`. Whatever a hole later turns out to be (even text containing
//! wildcards), the final pattern matches a subset of what the over-approximation
//! matches. So "the over-approximation does not match" is a certain `false`, and
//! "it matches" is only "maybe".

use super::PStr;
use crate::model::value::HOLE;

/// Three-valued OR: `Some(true)` if any is true, else `None` if any is unknown.
pub(crate) fn any3(items: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for item in items {
        match item {
            Some(true) => return Some(true),
            Some(false) => {}
            None => unknown = true,
        }
    }
    if unknown {
        None
    } else {
        Some(false)
    }
}

/// Three-valued AND: `Some(false)` if any is false, else `None` if any is unknown.
pub(crate) fn all3(items: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for item in items {
        match item {
            Some(false) => return Some(false),
            Some(true) => {}
            None => unknown = true,
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

/// Does `pattern` (with `*` and `?`) match all of `text`?
///
/// The classic greedy matcher with one backtrack point: `O(pattern × text)` worst case.
pub(crate) fn glob(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    let fold = |c: char| {
        if case_insensitive {
            c.to_ascii_lowercase()
        } else {
            c
        }
    };
    let p: Vec<char> = pattern.chars().map(fold).collect();
    let t: Vec<char> = text.chars().map(fold).collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<usize> = None;
    let mut mark = 0usize;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some(pi);
                pi += 1;
                mark = ti;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some(s) => {
                    pi = s + 1;
                    mark += 1;
                    ti = mark;
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|&c| c == '*')
}

/// The pattern positions reachable after reading `prefix` (an NFA simulation; `*`
/// stays in place while consuming, and lets the next position be reached for free).
/// Sets are bitmaps over positions `0..=len`: `O(pattern × prefix)` on any input.
fn states_after(pattern: &[char], prefix: &[char]) -> Vec<usize> {
    let len = pattern.len();
    // Positions are visited in increasing order, so one forward pass closes the set
    // (`*` at `s` adds `s + 1`, which is visited next).
    let close = |set: &mut Vec<bool>| {
        for s in 0..len {
            if set[s] && pattern[s] == '*' {
                set[s + 1] = true;
            }
        }
    };
    let mut states = vec![false; len + 1];
    states[0] = true;
    close(&mut states);
    for &c in prefix {
        let mut next = vec![false; len + 1];
        for s in (0..len).filter(|&s| states[s]) {
            match pattern[s] {
                '*' => next[s] = true,
                pc if pc == '?' || pc == c => next[s + 1] = true,
                _ => {}
            }
        }
        close(&mut next);
        states = next;
    }
    (0..=len).filter(|&s| states[s]).collect()
}

fn lower_chars(s: &str) -> Vec<char> {
    s.chars().map(|c| c.to_ascii_lowercase()).collect()
}

/// Can `pattern` match some text that starts with `prefix` (case-insensitive)?
/// `ec2:*Delete*` can start with `ec2:delete`; `s3:Get*` cannot start with `s3:put`.
pub(crate) fn can_start_with(pattern: &str, prefix: &str) -> bool {
    !states_after(&lower_chars(pattern), &lower_chars(prefix)).is_empty()
}

/// Does `pattern` match *every* text that starts with `prefix` (case-insensitive)?
/// True when, after reading the prefix, the rest of the pattern is only `*`:
/// `s3:*` and `*` cover `s3:`; `s3:Put*` does not.
pub(crate) fn covers_prefix(pattern: &str, prefix: &str) -> bool {
    let p = lower_chars(pattern);
    states_after(&p, &lower_chars(prefix))
        .into_iter()
        .any(|s| s < p.len() && p[s..].iter().all(|&c| c == '*'))
}

/// Is this action pattern one that matches every action: `*` (or `**`), and the
/// invalid-but-seen `*:*` (every action has the form `service:Name`).
pub(crate) fn is_all_actions(pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split(':').collect();
    parts.len() <= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c == '*'))
}

/// The over-approximating pattern of a policy string: the literal, or the template
/// shape with holes read as `*`. `None` when nothing is known about the text.
pub(crate) fn over_pattern(s: &PStr) -> Option<String> {
    match s {
        PStr::Lit(l) => Some(l.clone()),
        PStr::Unknown {
            shape: Some(shape), ..
        } => Some(
            shape
                .chars()
                .map(|c| if c == HOLE { '*' } else { c })
                .collect(),
        ),
        PStr::Unknown { shape: None, .. } => None,
    }
}

/// Whether the policy string is exactly known (a literal).
pub(crate) fn is_lit(s: &PStr) -> bool {
    matches!(s, PStr::Lit(_))
}

/// Match one policy string, used as a pattern, against a concrete text. Unknown
/// strings give a certain `false` when even their over-approximation cannot match,
/// else `None`.
pub(crate) fn pstr_matches(s: &PStr, text: &str, case_insensitive: bool) -> Option<bool> {
    let over = over_pattern(s)?;
    let hit = glob(&over, text, case_insensitive);
    if is_lit(s) || !hit {
        Some(hit)
    } else {
        None
    }
}

/// How much of the resource space one resource pattern covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum ResourceScope {
    /// Named resources, or wildcards inside a name (`arn:aws:s3:::logs-*`,
    /// `arn:aws:iam::123456789012:user/${aws:username}`).
    Specific,
    /// Every resource of one type (`arn:aws:iam::*:role/*`,
    /// `arn:aws:iam::123456789012:user/*`, `arn:aws:lambda:*:*:function:*`,
    /// `arn:aws:s3:::*`).
    AllOfType,
    /// Every resource: `*`, or an ARN pattern whose segments after the partition are
    /// all `*` (`arn:aws:*:*:*:*`, `arn:*`): authors use these as `*` in disguise.
    Any,
}

/// The scope of one literal resource pattern (see [`ResourceScope`]).
pub(crate) fn resource_scope_of(pattern: &str) -> ResourceScope {
    let stars = |s: &str| !s.is_empty() && s.chars().all(|c| c == '*');
    if stars(pattern) {
        return ResourceScope::Any;
    }
    let Some(rest) = pattern.strip_prefix("arn:") else {
        return ResourceScope::Specific;
    };
    let segments: Vec<&str> = rest.split(':').collect();
    // `arn:*` reads the partition segment as `*` too.
    let after_partition = if segments.len() == 1 {
        &segments[..]
    } else {
        &segments[1..]
    };
    if after_partition.iter().all(|s| stars(s)) {
        return ResourceScope::Any;
    }
    // arn:partition:service:region:account:resource (the resource part may itself
    // contain ':'). A trailing `*` in the service segment would span segments.
    if segments.len() >= 5 {
        let resource = segments[4..].join(":");
        let service = segments[1];
        if !service.is_empty() && !service.contains(['*', '?']) && !resource.contains("${") {
            let all_of_type = if service == "s3" {
                // S3 ARNs have no type prefix: `bucket/*` is one bucket's objects.
                resource == "*" || resource == "*/*"
            } else {
                stars(&resource)
                    || resource
                        .split_once('/')
                        .or_else(|| resource.split_once(':'))
                        .is_some_and(|(_, name)| stars(name))
            };
            if all_of_type {
                return ResourceScope::AllOfType;
            }
        }
    }
    ResourceScope::Specific
}

/// The scope of a resource pattern *for actions of one service*: a pattern covering
/// every resource of a type of another service (`arn:aws:s3:::*` for `iam:PassRole`)
/// grants that action nothing, so it is [`ResourceScope::Specific`] there.
pub(crate) fn resource_scope_for(pattern: &str, service: &str) -> ResourceScope {
    match resource_scope_of(pattern) {
        ResourceScope::AllOfType => {
            let same = pattern
                .split(':')
                .nth(2)
                .is_some_and(|s| s.eq_ignore_ascii_case(service));
            if same {
                ResourceScope::AllOfType
            } else {
                ResourceScope::Specific
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_wildcards() {
        assert!(glob("iam:Pass*", "iam:PassRole", false));
        assert!(glob("iam:pass*", "IAM:PASSROLE", true));
        assert!(!glob("iam:pass*", "IAM:PASSROLE", false));
        assert!(glob("s3:?etObject", "s3:GetObject", true));
        assert!(!glob("s3:?etObject", "s3:GGetObject", true));
        assert!(glob("*", "", true));
        assert!(glob("", "", true));
        assert!(!glob("", "x", true));
        assert!(glob("ec2:*Delete*", "ec2:DeleteVolume", true));
        assert!(glob("a*b*c", "axxbyyc", true));
        assert!(!glob("a*b*c", "axxbyy", true));
        assert!(glob("**", "anything", true));
    }

    #[test]
    fn glob_is_fast_on_pathological_patterns() {
        let p = "*a".repeat(200) + "b";
        let t = "a".repeat(2000);
        assert!(!glob(&p, &t, false));
    }

    #[test]
    fn prefix_checks_are_fast_on_long_patterns() {
        let p = "*".repeat(20_000);
        assert!(covers_prefix(&p, "s3:"));
        let q = "?*".repeat(10_000);
        assert!(can_start_with(&q, "batchwrite"));
    }

    #[test]
    fn prefixes() {
        assert!(can_start_with("ec2:*Delete*", "ec2:delete"));
        assert!(can_start_with("s3:*Object", "s3:put"));
        assert!(!can_start_with("s3:Get*", "s3:put"));
        assert!(can_start_with("*", "anything"));
        assert!(!can_start_with("s3:Put", "s3:PutObject"));
        assert!(covers_prefix("s3:*", "s3:"));
        assert!(covers_prefix("S3:**", "s3:"));
        assert!(covers_prefix("*", "s3:"));
        assert!(covers_prefix("s*", "s3:"));
        assert!(!covers_prefix("s3:Put*", "s3:"));
        assert!(!covers_prefix("s3:", "s3:"));
        assert!(!covers_prefix("s3:?*", "s3:"));
    }

    #[test]
    fn all_actions_patterns() {
        assert!(is_all_actions("*"));
        assert!(is_all_actions("**"));
        assert!(is_all_actions("*:*"));
        assert!(!is_all_actions("s3:*"));
        assert!(!is_all_actions("*:"));
        assert!(!is_all_actions(":"));
        assert!(!is_all_actions("*:*:*"));
    }

    #[test]
    fn three_valued_logic() {
        assert_eq!(any3([Some(false), None, Some(true)]), Some(true));
        assert_eq!(any3([Some(false), None]), None);
        assert_eq!(any3([]), Some(false));
        assert_eq!(all3([Some(true), None, Some(false)]), Some(false));
        assert_eq!(all3([Some(true), None]), None);
        assert_eq!(all3([]), Some(true));
    }

    #[test]
    fn unknown_strings_over_approximate() {
        let shaped = PStr::Unknown {
            refs: vec![],
            shape: Some("s3:\u{FFFC}".into()),
            unresolved: true,
        };
        assert_eq!(pstr_matches(&shaped, "s3:GetObject", true), None);
        assert_eq!(pstr_matches(&shaped, "iam:PassRole", true), Some(false));
        let opaque = PStr::Unknown {
            refs: vec![],
            shape: None,
            unresolved: true,
        };
        assert_eq!(pstr_matches(&opaque, "iam:PassRole", true), None);
    }

    #[test]
    fn resource_scopes() {
        use ResourceScope::*;
        assert_eq!(resource_scope_of("*"), Any);
        assert_eq!(resource_scope_of("arn:aws:*:*:*:*"), Any);
        assert_eq!(resource_scope_of("arn:aws:*"), Any);
        assert_eq!(resource_scope_of("arn:*"), Any);
        assert_eq!(resource_scope_of("arn:*:*"), Any);
        assert_eq!(resource_scope_of("arn:aws:iam::*:role/*"), AllOfType);
        assert_eq!(
            resource_scope_of("arn:aws:iam::123456789012:user/*"),
            AllOfType
        );
        assert_eq!(
            resource_scope_of("arn:aws:lambda:*:*:function:*"),
            AllOfType
        );
        assert_eq!(resource_scope_of("arn:aws:s3:::*"), AllOfType);
        assert_eq!(resource_scope_of("arn:aws:s3:::*/*"), AllOfType);
        assert_eq!(resource_scope_of("arn:aws:iam::1:user/path/*"), Specific);
        assert_eq!(resource_scope_of("arn:aws:iam::123456789012:*"), AllOfType);
        assert_eq!(resource_scope_of("arn:aws:s3:::logs-*"), Specific);
        assert_eq!(resource_scope_of("arn:aws:s3:::bucket/*"), Specific);
        assert_eq!(resource_scope_of("arn:aws:iam::1:role/app-*"), Specific);
        assert_eq!(
            resource_scope_of("arn:aws:iam::1:user/${aws:username}"),
            Specific
        );
        assert_eq!(resource_scope_of("arn:aws:iam::1:role/x"), Specific);
        assert_eq!(resource_scope_of("arn:aws:::*"), Specific);
        assert_eq!(resource_scope_of("arn:aws"), Specific);
        assert_eq!(resource_scope_of("bucket"), Specific);
    }

    #[test]
    fn resource_scopes_per_service() {
        use ResourceScope::*;
        assert_eq!(
            resource_scope_for("arn:aws:iam::*:role/*", "iam"),
            AllOfType
        );
        assert_eq!(
            resource_scope_for("arn:aws:iam::*:role/*", "IAM"),
            AllOfType
        );
        assert_eq!(resource_scope_for("arn:aws:s3:::*", "iam"), Specific);
        assert_eq!(resource_scope_for("*", "iam"), Any);
        assert_eq!(resource_scope_for("arn:aws:iam::1:role/x", "iam"), Specific);
    }
}
