//! What the HTML and Markdown templates draw: the grids laid out by month (one line
//! per source and month, one cell per day), and the open-findings chart. Layout
//! is computed here so the templates only place what they are given.

use crate::evidence::audit::model::{AuditReport, CellState, DayCell, Occurrence};
use chrono::Datelike;
use serde::Serialize;

/// Cell pitch and size in the SVG grid, in CSS pixels.
const PITCH: u32 = 13;
const CELL: u32 = 11;
const LABEL_WIDTH: u32 = 290;
const CHART_WIDTH: f64 = 720.0;
const CHART_HEIGHT: f64 = 90.0;
/// The overall row's label and `data-source` value, as in the CSV form.
pub(super) const ALL: &str = "all";

#[derive(Serialize)]
pub(super) struct View<'a> {
    pub report: &'a AuditReport,
    pub grids: Vec<Grid<'a>>,
    pub chart: Chart,
    pub open_at_end: Vec<&'a Occurrence>,
    pub legend: Vec<Legend>,
}

#[derive(Serialize)]
pub(super) struct Legend {
    pub state: &'static str,
    pub glyph: &'static str,
    pub meaning: &'static str,
}

#[derive(Serialize)]
pub(super) struct Grid<'a> {
    pub control: &'static str,
    pub summary: &'a str,
    pub width: u32,
    pub height: u32,
    pub label_width: u32,
    /// x of each day-of-month column header, 1 to 31.
    pub columns: Vec<(u32, u32)>,
    pub months: Vec<Month<'a>>,
}

#[derive(Serialize)]
pub(super) struct Month<'a> {
    pub label: String,
    pub y: u32,
    pub rows: Vec<Row<'a>>,
}

#[derive(Serialize)]
pub(super) struct Row<'a> {
    pub label: &'a str,
    /// The label cut to fit the grid's label column; the full one is its tooltip.
    pub short: String,
    pub y: u32,
    pub text_y: u32,
    pub cells: Vec<Cell>,
    /// Markdown: one glyph per day of the month, blank outside the window.
    pub strip: String,
}

#[derive(Serialize)]
pub(super) struct Cell {
    pub x: u32,
    pub date: String,
    pub state: &'static str,
    pub runs: u32,
    pub failures: u32,
}

#[derive(Serialize)]
pub(super) struct Chart {
    pub width: f64,
    pub height: f64,
    pub max: u32,
    pub bars: Vec<Bar>,
    pub first: String,
    pub last: String,
}

#[derive(Serialize)]
pub(super) struct Bar {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub date: String,
    pub open: u32,
}

pub(super) fn glyph(s: CellState) -> &'static str {
    match s {
        CellState::Pass => "✓",
        CellState::Fail => "✗",
        CellState::Incomplete => "!",
        CellState::NotCollected => "·",
    }
}

pub(super) fn build(report: &AuditReport) -> View<'_> {
    let legend = [
        (CellState::Pass, "operated, no failure"),
        (
            CellState::Fail,
            "operated, with failures not covered by an accepted exception",
        ),
        (
            CellState::Incomplete,
            "operated, but with collection gaps or parse errors",
        ),
        (CellState::NotCollected, "no run covered it"),
    ]
    .into_iter()
    .map(|(s, meaning)| Legend {
        state: s.as_str(),
        glyph: glyph(s),
        meaning,
    })
    .collect();
    View {
        report,
        grids: report.controls.iter().map(grid).collect(),
        chart: chart(report),
        open_at_end: report
            .findings
            .occurrences
            .iter()
            .filter(|o| o.state != "resolved")
            .collect(),
        legend,
    }
}

fn grid(c: &crate::evidence::audit::model::ControlView) -> Grid<'_> {
    let rows: Vec<(&str, &[DayCell])> = std::iter::once((ALL, c.days.as_slice()))
        .chain(
            c.sources
                .iter()
                .map(|s| (s.source.as_str(), s.days.as_slice())),
        )
        .collect();
    // Window days grouped by calendar month: (label, first index, end index).
    let mut spans: Vec<(String, usize, usize)> = Vec::new();
    for (i, d) in c.days.iter().enumerate() {
        let label = format!("{:04}-{:02}", d.date.year(), d.date.month());
        match spans.last_mut() {
            Some((l, _, end)) if *l == label => *end = i + 1,
            _ => spans.push((label, i, i + 1)),
        }
    }
    let mut y = PITCH + 4;
    let mut months = Vec::new();
    for (label, start, end) in spans {
        let month_y = y + 10;
        y += PITCH + 4;
        let rows = rows
            .iter()
            .map(|(source, days)| {
                let row_y = y;
                y += PITCH;
                let mut strip = vec![" "; 31];
                let cells = days[start..end]
                    .iter()
                    .map(|cell| {
                        let dom = cell.date.day();
                        if let Some(g) = strip.get_mut(dom as usize - 1) {
                            *g = glyph(cell.state);
                        }
                        Cell {
                            x: LABEL_WIDTH + (dom - 1) * PITCH,
                            date: cell.date.to_string(),
                            state: cell.state.as_str(),
                            runs: cell.runs,
                            failures: cell.failures,
                        }
                    })
                    .collect();
                Row {
                    label: source,
                    short: shorten(source),
                    y: row_y,
                    text_y: row_y + CELL - 1,
                    cells,
                    strip: strip.concat(),
                }
            })
            .collect();
        months.push(Month {
            label,
            y: month_y,
            rows,
        });
        y += 4;
    }
    Grid {
        control: c.control,
        summary: &c.summary,
        width: LABEL_WIDTH + 31 * PITCH,
        height: y,
        label_width: LABEL_WIDTH,
        columns: (1..=31)
            .map(|d| (d, LABEL_WIDTH + (d - 1) * PITCH + CELL / 2))
            .collect(),
        months,
    }
}

fn chart(report: &AuditReport) -> Chart {
    let open = &report.findings.open_per_day;
    let max = open.iter().copied().max().unwrap_or(0);
    let w = CHART_WIDTH / open.len().max(1) as f64;
    let bars = open
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(i, n)| {
            let h = CHART_HEIGHT * f64::from(*n) / f64::from(max.max(1));
            Bar {
                x: round(i as f64 * w),
                y: round(CHART_HEIGHT - h),
                w: round(w),
                h: round(h),
                date: (report.window.from + chrono::Duration::days(i as i64)).to_string(),
                open: *n,
            }
        })
        .collect();
    Chart {
        width: CHART_WIDTH,
        height: CHART_HEIGHT,
        max,
        bars,
        first: report.window.from.to_string(),
        last: report.window.to.to_string(),
    }
}

/// Keep the end of a long source key: the root or region is what tells rows apart.
fn shorten(label: &str) -> String {
    const MAX: usize = 46;
    let n = label.chars().count();
    if n <= MAX {
        return label.to_string();
    }
    let tail: String = label.chars().skip(n - (MAX - 1)).collect();
    format!("…{tail}")
}

/// Two decimals: enough for a pixel, and the same bytes on every platform.
fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}
