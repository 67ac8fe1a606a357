//! The report's days: a window of calendar days read in one UTC offset, and the
//! cadence at which sources are expected to run.
//!
//! A run belongs to the day its scanner's clock (`started_at`) falls on in the
//! report's offset: the ledger's own append time can be days later for an imported
//! report, and would date the evidence by its paperwork.

use super::AuditError;
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate};
use serde::Serialize;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// The longest window accepted: ten years of days is far beyond any audit period,
/// and bounds the grid a mistyped date would allocate.
const MAX_DAYS: i64 = 3660;

/// How often each expected source must run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Cadence {
    /// Every calendar day.
    Daily,
    /// Once per ISO week (Monday to Sunday): days inside a covered week are not gaps.
    Weekly,
}

impl Cadence {
    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Daily => "daily",
            Cadence::Weekly => "weekly",
        }
    }

    /// The word for one period, in sentences ("7 of 26 weeks").
    pub fn unit(self, n: usize) -> &'static str {
        match (self, n) {
            (Cadence::Daily, 1) => "day",
            (Cadence::Daily, _) => "days",
            (Cadence::Weekly, 1) => "week",
            (Cadence::Weekly, _) => "weeks",
        }
    }
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Cadence {
    type Err = AuditError;

    fn from_str(s: &str) -> Result<Cadence, AuditError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "daily" => Ok(Cadence::Daily),
            "weekly" => Ok(Cadence::Weekly),
            _ => Err(AuditError::Cadence(s.to_string())),
        }
    }
}

/// Parse a UTC offset as `--tz` takes it: `UTC`, `Z`, `+02:00`, `-0530`.
pub fn parse_tz(s: &str) -> Result<FixedOffset, AuditError> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("utc") || t == "Z" {
        return FixedOffset::east_opt(0).ok_or_else(|| AuditError::Tz(s.to_string()));
    }
    let bad = || AuditError::Tz(s.to_string());
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) || rest.len() > 5 {
        return Err(bad());
    }
    let hours: i32 = digits[..2].parse().map_err(|_| bad())?;
    let minutes: i32 = digits[2..].parse().map_err(|_| bad())?;
    if hours > 14 || minutes > 59 {
        return Err(bad());
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)).ok_or_else(bad)
}

/// `+00:00` style, as the report states the offset it used.
pub fn format_tz(tz: FixedOffset) -> String {
    let secs = tz.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let m = secs.abs() / 60;
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

/// Parse a `YYYY-MM-DD` day.
pub fn parse_day(s: &str) -> Result<NaiveDate, AuditError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| AuditError::Date(s.to_string()))
}

/// The days a report covers, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub tz: FixedOffset,
    pub cadence: Cadence,
}

impl Window {
    pub fn new(
        from: NaiveDate,
        to: NaiveDate,
        tz: FixedOffset,
        cadence: Cadence,
    ) -> Result<Window, AuditError> {
        if to < from {
            return Err(AuditError::Window(format!(
                "the window ends ({to}) before it starts ({from})"
            )));
        }
        if (to - from).num_days() >= MAX_DAYS {
            return Err(AuditError::Window(format!(
                "the window {from} to {to} is longer than {MAX_DAYS} days"
            )));
        }
        Ok(Window {
            from,
            to,
            tz,
            cadence,
        })
    }

    /// Number of days, at least 1.
    pub fn day_count(&self) -> usize {
        // Bounded by MAX_DAYS in `new`.
        (self.to - self.from).num_days() as usize + 1
    }

    pub fn day(&self, index: usize) -> NaiveDate {
        self.from + Duration::days(index as i64)
    }

    pub fn index(&self, day: NaiveDate) -> Option<usize> {
        (self.from <= day && day <= self.to).then(|| (day - self.from).num_days() as usize)
    }

    /// The day an RFC 3339 instant falls on in the report's offset.
    pub fn day_of(&self, instant: &str) -> Option<NaiveDate> {
        parse_instant(instant).map(|t| t.with_timezone(&self.tz).date_naive())
    }

    /// The window cut into periods of `cadence`, as day-index ranges: one per day,
    /// or one per ISO week (the first and last clipped to the window).
    pub fn periods(&self, cadence: Cadence) -> Vec<Range<usize>> {
        match cadence {
            Cadence::Daily => (0..self.day_count()).map(|i| i..i + 1).collect(),
            Cadence::Weekly => {
                let mut out = Vec::new();
                let mut start = 0;
                for i in 1..=self.day_count() {
                    if i == self.day_count() || self.day(i).weekday().num_days_from_monday() == 0 {
                        out.push(start..i);
                        start = i;
                    }
                }
                out
            }
        }
    }
}

pub fn parse_instant(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s.trim()).ok()
}

/// A span of days, both ends included, as reports state them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DayRange {
    #[serde(serialize_with = "super::model::ser_day")]
    pub from: NaiveDate,
    #[serde(serialize_with = "super::model::ser_day")]
    pub to: NaiveDate,
}

impl DayRange {
    pub fn days(&self) -> usize {
        (self.to - self.from).num_days() as usize + 1
    }
}

impl fmt::Display for DayRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{} to {}", self.from, self.to)
        }
    }
}

/// Merge day indexes (sorted, distinct) into ranges of consecutive days.
pub fn ranges(window: &Window, days: impl IntoIterator<Item = usize>) -> Vec<DayRange> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for d in days {
        match out.last_mut() {
            Some((_, end)) if *end + 1 == d => *end = d,
            _ => out.push((d, d)),
        }
    }
    out.into_iter()
        .map(|(a, b)| DayRange {
            from: window.day(a),
            to: window.day(b),
        })
        .collect()
}

/// "2026-03-04 and 2026-03-05", "2026-03-01 to 2026-03-09, 2026-04-02 and 2026-05-01":
/// two consecutive days are named, three or more become a span.
pub fn list_ranges(ranges: &[DayRange]) -> String {
    let mut items: Vec<String> = Vec::new();
    for r in ranges {
        if r.days() == 2 {
            items.push(r.from.to_string());
            items.push(r.to.to_string());
        } else {
            items.push(r.to_string());
        }
    }
    match items.len() {
        0 => String::new(),
        1 => items.remove(0),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_day(s).expect("day")
    }

    #[test]
    fn offsets() {
        assert_eq!(format_tz(parse_tz("UTC").expect("utc")), "+00:00");
        assert_eq!(format_tz(parse_tz("+02:00").expect("+2")), "+02:00");
        assert_eq!(format_tz(parse_tz("-0530").expect("-5:30")), "-05:30");
        for bad in ["2", "+2", "+25:00", "+02:60", "Europe/Paris", "+02:000"] {
            assert!(parse_tz(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_run_is_dated_in_the_report_offset() {
        let utc = Window::new(
            d("2026-03-01"),
            d("2026-03-31"),
            parse_tz("UTC").expect("tz"),
            Cadence::Daily,
        )
        .expect("window");
        let east = Window {
            tz: parse_tz("+03:00").expect("tz"),
            ..utc
        };
        assert_eq!(utc.day_of("2026-03-04T22:30:00Z"), Some(d("2026-03-04")));
        assert_eq!(east.day_of("2026-03-04T22:30:00Z"), Some(d("2026-03-05")));
        assert_eq!(utc.day_of("yesterday"), None);
    }

    #[test]
    fn weeks_are_iso_weeks_clipped_to_the_window() {
        // 2026-03-04 is a Wednesday.
        let w = Window::new(
            d("2026-03-04"),
            d("2026-03-20"),
            parse_tz("Z").expect("tz"),
            Cadence::Weekly,
        )
        .expect("window");
        assert_eq!(w.periods(Cadence::Weekly), vec![0..5, 5..12, 12..17]);
        assert_eq!(w.periods(Cadence::Daily).len(), 17);
    }

    #[test]
    fn windows_are_bounded() {
        let z = parse_tz("Z").expect("tz");
        assert!(Window::new(d("2026-03-02"), d("2026-03-01"), z, Cadence::Daily).is_err());
        assert!(Window::new(d("2000-01-01"), d("2026-03-01"), z, Cadence::Daily).is_err());
    }

    #[test]
    fn ranges_read_as_sentences() {
        let w = Window::new(
            d("2026-03-01"),
            d("2026-03-31"),
            parse_tz("Z").expect("tz"),
            Cadence::Daily,
        )
        .expect("window");
        let r = ranges(&w, [3, 4, 10, 11, 12, 20]);
        assert_eq!(
            list_ranges(&r),
            "2026-03-04, 2026-03-05, 2026-03-11 to 2026-03-13 and 2026-03-21"
        );
        assert_eq!(
            list_ranges(&ranges(&w, [3, 4])),
            "2026-03-04 and 2026-03-05"
        );
    }
}
