//! Inline suppressions applied: after the rules, each finding located in a file is
//! matched against the suppression comments the parser extracted from that file
//! (`source::terraform::directives`, where the accepted forms are listed).
//!
//! A suppression covers a resource when it sits on the comment lines directly above
//! the block, or anywhere inside it (the resource line, an attribute line). A
//! suppressed failure is still reported, with status `suppressed`; an expired one no
//! longer applies and the finding says so; a malformed one never hides anything.

use crate::catalogue::RuleMeta;
use crate::diagnostic::Diagnostic;
use crate::finding::{Finding, Status, Suppression};
use crate::source::terraform::directives::{Directive, FileDirectives, Tool};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Whether `directive` names `rule` (by id, name, or an equivalent id).
fn covers(directive: &Directive, rule: &RuleMeta) -> bool {
    if directive.ids.is_empty() {
        return directive.tool == Tool::Kics;
    }
    let eq = &rule.equivalents;
    directive.ids.iter().any(|id| {
        let same = |list: &[String]| list.iter().any(|x| x.eq_ignore_ascii_case(id));
        match directive.tool {
            Tool::Soc2scan => {
                rule.id.eq_ignore_ascii_case(id) || rule.name.eq_ignore_ascii_case(id)
            }
            Tool::Checkov => same(&eq.checkov),
            Tool::Trivy | Tool::Tfsec => same(&eq.trivy) || same(&eq.tfsec),
            Tool::Kics => same(&eq.kics),
            Tool::Terrascan => same(&eq.terrascan),
        }
    })
}

/// Apply the directives of each file to the findings located in it. Returns
/// diagnostics for malformed, unknown, reason-less (with `require_reason`) directives.
pub fn apply(
    findings: &mut [Finding],
    files: &BTreeMap<String, FileDirectives>,
    catalogue: &[RuleMeta],
    today: NaiveDate,
    require_reason: bool,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut usable: BTreeMap<&str, Vec<&Directive>> = BTreeMap::new();
    for (file, fd) in files {
        for m in &fd.malformed {
            diags.push(
                Diagnostic::warning(
                    "invalid-suppression",
                    format!("{}; this comment suppresses nothing", m.message),
                )
                .at(file.clone(), Some(m.line), None),
            );
        }
        for d in &fd.directives {
            if d.tool == Tool::Soc2scan {
                if let Some(unknown) = d.ids.iter().find(|id| {
                    !catalogue
                        .iter()
                        .any(|r| r.id.eq_ignore_ascii_case(id) || r.name.eq_ignore_ascii_case(id))
                }) {
                    diags.push(
                        Diagnostic::warning(
                            "invalid-suppression",
                            format!("unknown rule \"{unknown}\" in suppression; this comment suppresses nothing"),
                        )
                        .at(file.clone(), Some(d.line), None),
                    );
                    continue;
                }
            }
            if require_reason && d.reason.is_none() {
                diags.push(
                    Diagnostic::warning(
                        "invalid-suppression",
                        "suppression without a reason is not applied (--require-reason)",
                    )
                    .at(file.clone(), Some(d.line), None),
                );
                continue;
            }
            usable.entry(file.as_str()).or_default().push(d);
        }
    }
    for f in findings.iter_mut().filter(|f| f.status == Status::Fail) {
        let Some(loc) = f.location().cloned() else {
            continue;
        };
        let Some(list) = usable.get(loc.file.as_str()) else {
            continue;
        };
        let Some(rule) = catalogue.iter().find(|r| r.id == f.rule_id) else {
            continue;
        };
        let comments = files.get(&loc.file).map(|fd| &fd.comment_lines);
        let covering = list.iter().find(|d| {
            covers(d, rule)
                && (d.file_wide || applies_to_block(d.line, loc.start_line, loc.end_line, comments))
        });
        let Some(d) = covering else {
            continue;
        };
        if let Some(until) = d.until.filter(|u| *u < today) {
            f.message = format!(
                "{} (suppression at {}:{} expired on {until})",
                f.message, loc.file, d.line
            );
            continue;
        }
        f.status = Status::Suppressed;
        f.suppression = Some(Suppression {
            kind: "inline".into(),
            source: d.text.clone(),
            reason: d.reason.clone(),
            until: d.until.map(|u| u.to_string()),
            location: Some(crate::model::Location {
                file: loc.file.clone(),
                start_line: d.line,
                start_column: 1,
                end_line: d.line,
                end_column: 1,
            }),
        });
    }
    diags
}

/// Inside the block, or in the run of comment lines ending right above it.
fn applies_to_block(
    line: usize,
    start: usize,
    end: usize,
    comments: Option<&std::collections::BTreeSet<usize>>,
) -> bool {
    if (start..=end).contains(&line) {
        return true;
    }
    if line >= start {
        return false;
    }
    let Some(comments) = comments else {
        return line + 1 == start;
    };
    (line + 1..start).all(|l| comments.contains(&l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_block_above_applies_but_not_across_code() {
        let comments: std::collections::BTreeSet<usize> = [1, 2].into_iter().collect();
        assert!(applies_to_block(1, 3, 5, Some(&comments)));
        let gap: std::collections::BTreeSet<usize> = [1].into_iter().collect();
        assert!(!applies_to_block(1, 3, 5, Some(&gap)));
        assert!(applies_to_block(4, 3, 5, Some(&gap)));
    }
}
