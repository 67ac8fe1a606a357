//! Module version constraints (`version = "~> 4.1"`), as Terraform reads them, on top
//! of the `semver` crate.
//!
//! Terraform's syntax differs from Cargo's in three places, translated here: a bare
//! version means exactly that version (Cargo: `^`), `~>` allows only the rightmost
//! given component to grow (`~> 1.2` is `>= 1.2.0, < 2.0.0`; Cargo's `~1.2` stops at
//! 1.3), and `!=` exists. Pre-releases match only a constraint that names them, as in
//! both.

use semver::{Comparator, Op, Prerelease, Version, VersionReq};

/// A parsed constraint: every clause must hold.
#[derive(Clone, Debug, Default)]
pub struct Constraint {
    req: VersionReq,
    excluded: Vec<Version>,
}

impl Constraint {
    pub fn parse(text: &str) -> Result<Constraint, String> {
        let mut out = Constraint::default();
        for clause in text.split(',').map(str::trim) {
            if clause.is_empty() {
                continue;
            }
            let op_end = clause
                .find(|c: char| c.is_ascii_alphanumeric())
                .unwrap_or(clause.len());
            let (op, ver) = (clause[..op_end].trim(), clause[op_end..].trim());
            let (version, given) =
                partial(ver).ok_or_else(|| format!("\"{clause}\" is not a version constraint"))?;
            let cmp = |op: Op, v: &Version| Comparator {
                op,
                major: v.major,
                minor: Some(v.minor),
                patch: Some(v.patch),
                pre: v.pre.clone(),
            };
            match op {
                "" | "=" => out.req.comparators.push(cmp(Op::Exact, &version)),
                "!=" => out.excluded.push(version),
                ">" => out.req.comparators.push(cmp(Op::Greater, &version)),
                ">=" => out.req.comparators.push(cmp(Op::GreaterEq, &version)),
                "<" => out.req.comparators.push(cmp(Op::Less, &version)),
                "<=" => out.req.comparators.push(cmp(Op::LessEq, &version)),
                "~>" => {
                    out.req.comparators.push(cmp(Op::GreaterEq, &version));
                    let upper = match given {
                        1 | 2 => Version::new(version.major + 1, 0, 0),
                        _ => Version::new(version.major, version.minor + 1, 0),
                    };
                    out.req.comparators.push(cmp(Op::Less, &upper));
                }
                other => return Err(format!("unknown version operator \"{other}\"")),
            }
        }
        Ok(out)
    }

    pub fn matches(&self, v: &Version) -> bool {
        self.req.matches(v) && !self.excluded.contains(v)
    }

    /// The newest of `versions` that matches (unparseable versions are skipped).
    pub fn newest<'v>(&self, versions: impl IntoIterator<Item = &'v str>) -> Option<String> {
        versions
            .into_iter()
            .filter_map(|s| Some((Version::parse(s.trim_start_matches('v')).ok()?, s)))
            .filter(|(v, _)| self.matches(v))
            .max_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, s)| s.to_string())
    }
}

/// `1`, `1.2`, `1.2.3` or `1.2.3-beta.1`: the version padded with zeros, and how many
/// numeric components were written.
fn partial(text: &str) -> Option<(Version, usize)> {
    let text = text.trim_start_matches('v');
    let (core, pre) = match text.split_once('-') {
        Some((c, p)) => (c, Prerelease::new(p).ok()?),
        None => (text, Prerelease::EMPTY),
    };
    let core = core.split('+').next().unwrap_or(core);
    let nums: Vec<u64> = core
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if nums.is_empty() || nums.len() > 3 {
        return None;
    }
    let mut v = Version::new(
        nums[0],
        nums.get(1).copied().unwrap_or(0),
        nums.get(2).copied().unwrap_or(0),
    );
    v.pre = pre;
    Some((v, nums.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERSIONS: &[&str] = &["1.0.0", "1.2.0", "1.2.7", "1.3.0", "2.0.0", "2.1.0-beta1"];

    fn pick(c: &str) -> Option<String> {
        Constraint::parse(c)
            .expect("valid")
            .newest(VERSIONS.iter().copied())
    }

    #[test]
    fn terraform_operators() {
        assert_eq!(pick("").as_deref(), Some("2.0.0"));
        assert_eq!(pick("1.2.0").as_deref(), Some("1.2.0"));
        assert_eq!(pick("~> 1.2").as_deref(), Some("1.3.0"));
        assert_eq!(pick("~> 1.2.0").as_deref(), Some("1.2.7"));
        assert_eq!(pick("~> 1").as_deref(), Some("1.3.0"));
        assert_eq!(pick(">= 1.0, < 2.0, != 1.3.0").as_deref(), Some("1.2.7"));
        assert_eq!(pick("> 2.0.0"), None);
        assert_eq!(pick("2.1.0-beta1").as_deref(), Some("2.1.0-beta1"));
        assert!(Constraint::parse("=> 1").is_err());
        assert!(Constraint::parse("~> x").is_err());
    }
}
