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
/// [`any3`] through De Morgan, so the two cannot drift apart.
pub(crate) fn all3(items: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    any3(items.into_iter().map(|i| i.map(|b| !b))).map(|b| !b)
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

/// A set of pattern positions `0..=len` as a bitmap; position `len` is the end.
type States = Vec<bool>;

/// Close a set under `*`: a star at `s` may match nothing, so `s + 1` is reachable
/// too. Positions are visited in increasing order, so one forward pass closes it.
fn close(pattern: &[char], set: &mut States) {
    for s in 0..pattern.len() {
        if set[s] && pattern[s] == '*' {
            set[s + 1] = true;
        }
    }
}

/// The positions reachable from `states` by reading one character; `None` stands for
/// a character the pattern never names literally.
fn step(pattern: &[char], states: &States, c: Option<char>) -> States {
    let mut next = vec![false; pattern.len() + 1];
    for s in (0..pattern.len()).filter(|&s| states[s]) {
        match pattern[s] {
            '*' => next[s] = true,
            pc if pc == '?' || Some(pc) == c => next[s + 1] = true,
            _ => {}
        }
    }
    close(pattern, &mut next);
    next
}

/// The pattern positions reachable after reading `prefix` (an NFA simulation):
/// `O(pattern × prefix)` on any input.
fn states_after(pattern: &[char], prefix: &[char]) -> States {
    let mut states = vec![false; pattern.len() + 1];
    states[0] = true;
    close(pattern, &mut states);
    for &c in prefix {
        states = step(pattern, &states, Some(c));
    }
    states
}

/// Reachable sets explored by [`accepts_every_continuation`] before it settles for
/// the certain case only. Real action patterns stay far below it; the bound exists
/// because a pattern such as `*a??????????` has exponentially many.
const MAX_STATE_SETS: usize = 4096;

/// From `start`, does the pattern accept every continuation, including none? The
/// sets reachable over the pattern's own characters and one character it never names
/// (every other character behaves like that one) must all contain the end. A tail
/// of only `*` settles it at once; past [`MAX_STATE_SETS`] the answer is `false`,
/// since "every action" must never be claimed without proof.
fn accepts_every_continuation(pattern: &[char], start: States) -> bool {
    let len = pattern.len();
    if (0..len).any(|s| start[s] && pattern[s..].iter().all(|&c| c == '*')) {
        return true;
    }
    let mut alphabet: Vec<Option<char>> = pattern
        .iter()
        .filter(|c| !matches!(c, '*' | '?'))
        .map(|&c| Some(c))
        .collect();
    alphabet.sort_unstable();
    alphabet.dedup();
    alphabet.push(None);
    let mut seen = std::collections::HashSet::from([start.clone()]);
    let mut pending = vec![start];
    while let Some(states) = pending.pop() {
        if !states[len] {
            return false;
        }
        for &c in &alphabet {
            let next = step(pattern, &states, c);
            if seen.len() >= MAX_STATE_SETS {
                return false;
            }
            if seen.insert(next.clone()) {
                pending.push(next);
            }
        }
    }
    true
}

fn lower_chars(s: &str) -> Vec<char> {
    s.chars().map(|c| c.to_ascii_lowercase()).collect()
}

/// Can `pattern` match some text that starts with `prefix` (case-insensitive)?
/// `ec2:*Delete*` can start with `ec2:delete`; `s3:Get*` cannot start with `s3:put`.
pub(crate) fn can_start_with(pattern: &str, prefix: &str) -> bool {
    states_after(&lower_chars(pattern), &lower_chars(prefix))
        .iter()
        .any(|&s| s)
}

/// Does `pattern` match *every* text that starts with `prefix` (case-insensitive)?
/// `s3:*` and `*` cover `s3:`, and so does `*?` (the prefix itself fills the `?`);
/// `s3:Put*` does not.
pub(crate) fn covers_prefix(pattern: &str, prefix: &str) -> bool {
    let p = lower_chars(pattern);
    let start = states_after(&p, &lower_chars(prefix));
    accepts_every_continuation(&p, start)
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

    /// An independent oracle for IAM wildcards: the pattern as an anchored regex.
    fn oracle(pattern: &str, text: &str, case_insensitive: bool) -> bool {
        let body: String = pattern
            .chars()
            .map(|c| match c {
                '*' => ".*".to_string(),
                '?' => ".".to_string(),
                c => regex::escape(&c.to_string()),
            })
            .collect();
        let flags = if case_insensitive { "(?si)" } else { "(?s)" };
        regex::Regex::new(&format!("{flags}^{body}$"))
            .map(|re| re.is_match(text))
            .unwrap_or(false)
    }

    /// Every text over {a, b, c} of at most `max` characters. Patterns are drawn from
    /// {a, b, *, ?}, so `c` is a character no literal of theirs names.
    fn extensions(max: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..max {
            last = last
                .iter()
                .flat_map(|s| ['a', 'b', 'c'].map(|c| format!("{s}{c}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Matching agrees with the regex oracle, on ARNs and actions alike, in both
        /// case modes.
        #[test]
        fn glob_agrees_with_a_regex_oracle(
            pattern in "[aAb:/*?]{0,8}",
            text in "[aAb:/]{0,10}",
            case_insensitive: bool,
        ) {
            proptest::prop_assert_eq!(
                glob(&pattern, &text, case_insensitive),
                oracle(&pattern, &text, case_insensitive)
            );
        }

        /// `can_start_with` says whether some text beginning with the prefix matches;
        /// `covers_prefix` whether every one does. Both agree with brute force over
        /// every short extension (long enough for the pattern's fixed characters).
        #[test]
        fn prefix_checks_agree_with_brute_force(
            pattern in "[ab*?]{0,5}",
            prefix in "[ab]{0,3}",
        ) {
            let matched: Vec<bool> = extensions(pattern.len() + 1)
                .iter()
                .map(|rest| glob(&pattern, &format!("{prefix}{rest}"), true))
                .collect();
            proptest::prop_assert_eq!(can_start_with(&pattern, &prefix), matched.iter().any(|&m| m));
            proptest::prop_assert_eq!(covers_prefix(&pattern, &prefix), matched.iter().all(|&m| m));
        }
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
        // Found by the property test: the prefix itself can fill a `?`.
        assert!(covers_prefix("*?", "s3:"));
        assert!(covers_prefix("s3*?", "s3:"));
        assert!(!covers_prefix("s3*??", "s3:"));
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
