//! Suppression comments, as the parser extracts them from each file: data, judged
//! nowhere here. Applying them to findings is a pipeline step after the rules
//! (`crate::suppress`).
//!
//! soc2scan's own form carries a reason and an optional expiry:
//! `# soc2scan:ignore:ENC010 reason="logs hold no customer data" until=2027-03-31`
//! (`# soc2scan:ignore-file:ENC010 ...` at the top of a file covers the whole file).
//! The forms teams already have keep working, mapped through the equivalent ids in
//! `rules/*.toml`: `#checkov:skip=CKV_AWS_19:reason`, `#trivy:ignore:AVD-AWS-0088`
//! (with `:exp:YYYY-MM-DD`), `#tfsec:ignore:aws-s3-enable-bucket-encryption`,
//! `# kics-scan ignore-block` / `ignore-line`, and `#ts:skip=AC_AWS_0207 reason`.

use chrono::NaiveDate;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Soc2scan,
    Checkov,
    Trivy,
    Tfsec,
    Kics,
    Terrascan,
}

/// One suppression comment.
#[derive(Clone, Debug, PartialEq)]
pub struct Directive {
    /// One-based line of the comment.
    pub line: usize,
    /// Covers the whole file rather than the next block.
    pub file_wide: bool,
    pub tool: Tool,
    /// Ids as written; empty means every rule (KICS `ignore-block`).
    pub ids: Vec<String>,
    pub reason: Option<String>,
    pub until: Option<NaiveDate>,
    /// The comment as written, for reports.
    pub text: String,
}

/// A comment that looks like a suppression but cannot be read.
#[derive(Clone, Debug, PartialEq)]
pub struct Malformed {
    pub line: usize,
    pub message: String,
}

/// Suppression directives of a file, and the comment lines (to find the comment
/// block directly above a resource).
#[derive(Clone, Debug, Default)]
pub struct FileDirectives {
    pub directives: Vec<Directive>,
    pub malformed: Vec<Malformed>,
    /// Lines that hold only a comment (one-based).
    pub comment_lines: std::collections::BTreeSet<usize>,
}

impl FileDirectives {
    /// Nothing to apply or report: no directive and no malformed one.
    pub fn is_empty(&self) -> bool {
        self.directives.is_empty() && self.malformed.is_empty()
    }
}

/// Find suppression comments in a file's text.
pub fn extract(text: &str) -> FileDirectives {
    let mut out = FileDirectives::default();
    let mut seen_code = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim_start();
        let comment_start = comment_start(raw);
        if trimmed.starts_with('#') || trimmed.starts_with("//") {
            out.comment_lines.insert(line);
        } else if !trimmed.is_empty() {
            seen_code = true;
        }
        let Some(start) = comment_start else {
            continue;
        };
        let body = raw[start..].trim_start_matches(['#', '/']).trim();
        match parse_comment(body, !seen_code) {
            Some(Ok(mut d)) => {
                d.line = line;
                out.directives.push(d);
            }
            Some(Err(message)) => out.malformed.push(Malformed { line, message }),
            None => {}
        }
    }
    out
}

/// Byte offset of a `#` or `//` comment on a line, outside string literals.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'#' if !in_string => return Some(i),
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn directive(tool: Tool, ids: Vec<String>, text: &str) -> Directive {
    Directive {
        line: 0,
        file_wide: false,
        tool,
        ids,
        reason: None,
        until: None,
        text: text.to_string(),
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("invalid date \"{}\" (expected YYYY-MM-DD)", s.trim()))
}

/// `None` when the comment is not a suppression at all.
fn parse_comment(body: &str, at_top: bool) -> Option<Result<Directive, String>> {
    let text = body;
    if let Some(rest) = body.strip_prefix("soc2scan:ignore-file:") {
        return Some(parse_soc2scan(rest, text).map(|mut d| {
            d.file_wide = true;
            d
        }));
    }
    if let Some(rest) = body.strip_prefix("soc2scan:ignore:") {
        return Some(parse_soc2scan(rest, text));
    }
    if body.starts_with("soc2scan:") {
        return Some(Err(format!(
            "unrecognised soc2scan directive \"{body}\"; use soc2scan:ignore:<ID> reason=\"...\" [until=YYYY-MM-DD]"
        )));
    }
    if let Some(rest) = body.strip_prefix("checkov:skip=") {
        let (id, reason) = match rest.split_once(':') {
            Some((id, r)) => (
                id.trim(),
                Some(r.trim().to_string()).filter(|r| !r.is_empty()),
            ),
            None => (rest.trim(), None),
        };
        let mut d = directive(Tool::Checkov, vec![id.to_string()], text);
        d.reason = reason;
        return Some(Ok(d));
    }
    for (prefix, tool) in [
        ("trivy:ignore:", Tool::Trivy),
        ("tfsec:ignore:", Tool::Tfsec),
    ] {
        if let Some(rest) = body.strip_prefix(prefix) {
            let rest = rest.split_whitespace().next().unwrap_or("");
            let (id, until) = match rest.split_once(":exp:") {
                Some((id, date)) => match parse_date(date) {
                    Ok(d) => (id, Some(d)),
                    Err(e) => return Some(Err(e)),
                },
                None => (rest, None),
            };
            if id.is_empty() {
                return Some(Err(format!("{prefix} needs a check id")));
            }
            let mut d = directive(tool, vec![id.to_string()], text);
            d.until = until;
            return Some(Ok(d));
        }
    }
    if let Some(rest) = body.strip_prefix("kics-scan") {
        let rest = rest.trim();
        let mut d = directive(Tool::Kics, Vec::new(), text);
        if rest == "ignore-block" || rest == "ignore-line" {
            return Some(Ok(d));
        }
        if rest == "ignore" && at_top {
            d.file_wide = true;
            return Some(Ok(d));
        }
        if let Some(ids) = rest.strip_prefix("disable=") {
            d.file_wide = true;
            d.ids = ids
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            return Some(Ok(d));
        }
        return None;
    }
    if let Some(rest) = body.strip_prefix("ts:skip=") {
        let mut parts = rest.splitn(2, char::is_whitespace);
        let id = parts.next().unwrap_or("").trim();
        if id.is_empty() {
            return Some(Err("ts:skip= needs a rule id".into()));
        }
        let mut d = directive(Tool::Terrascan, vec![id.to_string()], text);
        d.reason = parts
            .next()
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        return Some(Ok(d));
    }
    None
}

fn parse_soc2scan(rest: &str, text: &str) -> Result<Directive, String> {
    let (id, mut tail) = match rest.find(char::is_whitespace) {
        Some(i) => (&rest[..i], rest[i..].trim()),
        None => (rest, ""),
    };
    if id.is_empty() {
        return Err("soc2scan:ignore: needs a rule id or name".into());
    }
    let mut d = directive(
        Tool::Soc2scan,
        id.split(',').map(|s| s.trim().to_string()).collect(),
        text,
    );
    while !tail.is_empty() {
        if let Some(r) = tail.strip_prefix("reason=") {
            let (value, after) = quoted(r)?;
            d.reason = Some(value).filter(|v| !v.trim().is_empty());
            tail = after.trim_start();
        } else if let Some(r) = tail.strip_prefix("until=") {
            let end = r.find(char::is_whitespace).unwrap_or(r.len());
            d.until = Some(parse_date(&r[..end])?);
            tail = r[end..].trim_start();
        } else {
            return Err(format!(
                "unexpected \"{tail}\" in suppression; expected reason=\"...\" or until=YYYY-MM-DD"
            ));
        }
    }
    Ok(d)
}

/// A double-quoted value and what follows it.
fn quoted(s: &str) -> Result<(String, &str), String> {
    let Some(inner) = s.strip_prefix('"') else {
        let end = s.find(char::is_whitespace).unwrap_or(s.len());
        return Ok((s[..end].to_string(), &s[end..]));
    };
    match inner.find('"') {
        Some(end) => Ok((inner[..end].to_string(), &inner[end + 1..])),
        None => Err("reason=\" is not closed".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Directive {
        let fd = extract(text);
        assert!(fd.malformed.is_empty(), "{:?}", fd.malformed);
        fd.directives.into_iter().next().expect("a directive")
    }

    #[test]
    fn soc2scan_form_with_reason_and_expiry() {
        let d = one("# soc2scan:ignore:ENC010 reason=\"no customer data\" until=2027-03-31\n");
        assert_eq!(d.ids, vec!["ENC010"]);
        assert_eq!(d.reason.as_deref(), Some("no customer data"));
        assert_eq!(d.until, NaiveDate::from_ymd_opt(2027, 3, 31));
        assert_eq!(d.line, 1);
    }

    #[test]
    fn foreign_forms() {
        let d = one("#checkov:skip=CKV_AWS_19:legacy bucket\n");
        assert_eq!(
            (d.tool, d.ids[0].as_str(), d.reason.as_deref()),
            (Tool::Checkov, "CKV_AWS_19", Some("legacy bucket"))
        );
        let d = one("  #trivy:ignore:AVD-AWS-0088:exp:2026-01-02\n");
        assert_eq!(
            (d.tool, d.until),
            (Tool::Trivy, NaiveDate::from_ymd_opt(2026, 1, 2))
        );
        let d = one("#tfsec:ignore:aws-s3-enable-bucket-encryption\n");
        assert_eq!(d.tool, Tool::Tfsec);
        let d = one("# kics-scan ignore-block\n");
        assert!(d.ids.is_empty() && !d.file_wide);
        let d = one("#ts:skip=AC_AWS_0207 not needed\n");
        assert_eq!(d.reason.as_deref(), Some("not needed"));
    }

    #[test]
    fn trailing_comment_after_code_counts_but_hash_in_string_does_not() {
        let fd = extract("resource \"a\" \"b\" { # soc2scan:ignore:ENC001 reason=\"x\"\n  name = \"#soc2scan:ignore:ENC002\"\n}\n");
        assert_eq!(fd.directives.len(), 1);
        assert_eq!(fd.directives[0].line, 1);
    }

    #[test]
    fn malformed_dates_and_directives_are_reported() {
        let fd = extract("# soc2scan:ignore:ENC001 until=31-03-2027\n#trivy:ignore:AVD-AWS-0088:exp:tomorrow\n# soc2scan:ignroe:ENC001\n");
        assert_eq!(fd.directives.len(), 0);
        assert_eq!(fd.malformed.len(), 3);
        assert!(fd.malformed[0].message.contains("31-03-2027"));
    }
}
