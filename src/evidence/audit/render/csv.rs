//! The CSV form, one row per control, day and source, for spreadsheets and
//! compliance platforms; `evidence export --format csv` writes the same rows. The
//! overall row of a control has the source `all` (source keys always carry a
//! `terraform:` or `aws:` prefix, so it cannot clash).

use crate::evidence::audit::model::DayCell;
use crate::evidence::audit::AuditReport;
use std::fmt::Write;

pub const HEADER: &str = "control,date,source,state,runs,failures";

pub fn render(report: &AuditReport) -> String {
    let mut out = String::with_capacity(64 * report.window.days * (report.sources.len() + 1) * 9);
    out.push_str(HEADER);
    out.push('\n');
    for c in &report.controls {
        for (d, overall) in c.days.iter().enumerate() {
            row(&mut out, c.control, "all", overall);
            for s in &c.sources {
                if let Some(cell) = s.days.get(d) {
                    row(&mut out, c.control, &s.source, cell);
                }
            }
        }
    }
    out
}

fn row(out: &mut String, control: &str, source: &str, cell: &DayCell) {
    let _ = writeln!(
        out,
        "{control},{},{},{},{},{}",
        cell.date,
        field(source),
        cell.state.as_str(),
        cell.runs,
        cell.failures
    );
}

/// RFC 4180: quote a field holding a comma, quote or line break.
fn field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_when_needed() {
        assert_eq!(field("aws:1/eu-west-1"), "aws:1/eu-west-1");
        assert_eq!(field("terraform:/a,b//."), "\"terraform:/a,b//.\"");
        assert_eq!(field("a\"b"), "\"a\"\"b\"");
    }
}
