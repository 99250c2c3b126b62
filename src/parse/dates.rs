//! Every date expression in a directive, typed: issue date, the date of a cited document,
//! deadlines, periods, ranges, recurring schedules, and plain mentions, each with an ISO value
//! and its precision. Impossible dates (`31/2/2023`) are reported as invalid, never corrected.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::codes::tolerant_pattern;
use super::CharIndex;
use crate::document::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateKind {
    /// The document's own date (place-date line).
    Issue,
    /// The date of a cited document.
    Reference,
    /// `trước ngày 25/5/2023`, `chậm nhất ngày ...`.
    Deadline,
    /// `từ 2018 đến 01/2023`.
    Period,
    /// `21/6/1925 - 21/6/2025`, `năm 2022 - 2023`.
    Range,
    /// `6 tháng/lần`, `hằng năm`, `ngày 25 tháng 6 ... hằng năm`.
    Recurring,
    Mention,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Day,
    Month,
    Year,
    /// A quarter of a year (`2023-Q3`).
    Quarter,
    /// A day and month without a year (`--06-25`): recurring when "hằng năm" follows.
    DayOfYear,
    /// A schedule without a calendar position (`6 tháng/lần`).
    Undated,
}

/// One date expression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoundDate {
    pub kind: DateKind,
    pub surface: String,
    pub span: Span,
    /// Char offsets in the parsed text, while parsing.
    #[serde(skip)]
    pub start: usize,
    #[serde(skip)]
    pub end: usize,
    /// ISO 8601: `2023-05-19`, `2022-08`, `2022`, `--06-25`; absent for invalid dates and
    /// schedules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// End of a range or period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_value: Option<String>,
    pub precision: Precision,
    /// False when the text names a day that does not exist.
    pub valid: bool,
    pub rule: &'static str,
}

static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:{ngay}\s+)?(\d{{1,2}})\s+{thang}\s+(\d{{1,2}})\s+{nam}\s+(\d{{4}})\b|\b(?:{ngay}\s*)?(\d{{1,2}})\s*([/.-])\s*(\d{{1,2}})\s*([/.-])\s*(\d{{4}})\b",
        ngay = tolerant_pattern("ngày"),
        thang = tolerant_pattern("tháng"),
        nam = tolerant_pattern("năm"),
    ))
    .expect("date pattern compiles")
});
static MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\btháng\s+(\d{1,2})\s*(?:/|-|\s+năm\s+)\s*(\d{4})\b|\b(\d{1,2})/(\d{4})\b")
        .expect("month pattern compiles")
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bnăm\s+(\d{4})(?:\s*[-–]\s*(\d{4}))?\b|\btừ\s+(\d{4})\b")
        .expect("year pattern compiles")
});
// "ngày 25 tháng 6" or "ngày 15/12" with no year; a symbol or a year must not follow.
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\b|\bngày\s+(\d{1,2})/(\d{1,2})\b")
        .expect("day-month pattern compiles")
});
/// `quý III/2023`, `quý 3 năm 2023`, `quý I năm 2024`.
static QUARTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bquý\s+(I{1,3}|IV|[1-4])\s*(?:/|\s+năm\s+)\s*(\d{4})\b")
        .expect("quarter pattern compiles")
});
static EVERY_YEAR_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[^.;\n]*?\b(?:hằng|hàng)\s+năm\b").expect("every-year pattern compiles")
});
static SCHEDULE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b\d+\s+(?:tháng|năm|tuần|ngày)\s*/\s*lần\b|\b(?:hằng|hàng)\s+(?:năm|tháng|quý|tuần)\b")
        .expect("schedule pattern compiles")
});
static DEADLINE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:trước|chậm nhất|hạn chót|hạn|không quá)\s*(?:ngày|vào ngày)?\s*$")
        .expect("deadline pattern compiles")
});

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

fn number(text: &str) -> u32 {
    text.parse().unwrap_or(0)
}

/// ISO value of a calendar day, `None` when it does not exist.
pub fn iso_day(day: u32, month: u32, year: u32) -> Option<String> {
    (day >= 1 && day <= days_in_month(year, month))
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

fn plausible_year(year: u32) -> bool {
    (1800..=2200).contains(&year)
}

/// Finds every date expression in `text`.
pub fn find(text: &str, index: &CharIndex) -> Vec<FoundDate> {
    let mut found: Vec<FoundDate> = Vec::new();
    // Spans already claimed (start → end, never overlapping), looked up by position: a long
    // text holds hundreds of thousands of dates.
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    let free = |taken: &BTreeMap<usize, usize>, s: usize, e: usize| {
        taken.range(..e).next_back().is_none_or(|(_, &b)| b <= s)
    };

    for m in DAY_MONTH_YEAR.captures_iter(text) {
        let whole = m.get(0).expect("match");
        let (day, month, year) = if let Some(d) = m.get(1) {
            (number(d.as_str()), number(&m[2]), number(&m[3]))
        } else {
            if m[5] != m[7] {
                continue;
            }
            (number(&m[4]), number(&m[6]), number(&m[8]))
        };
        if !plausible_year(year) {
            continue;
        }
        let value = (1..=12)
            .contains(&month)
            .then(|| iso_day(day, month, year))
            .flatten();
        let (start, end) = index.span(whole.start(), whole.end());
        taken.insert(start, end);
        found.push(FoundDate {
            surface: String::new(),
            span: Span::default(),
            kind: DateKind::Mention,
            start,
            end,
            valid: value.is_some(),
            value,
            end_value: None,
            precision: Precision::Day,
            rule: if m.get(1).is_some() {
                "date:ngay_thang_nam"
            } else {
                "date:numeric"
            },
        });
    }
    for m in MONTH_YEAR.captures_iter(text) {
        let whole = m.get(0).expect("match");
        let (start, end) = index.span(whole.start(), whole.end());
        if !free(&taken, start, end) {
            continue;
        }
        let (month, year) = match m.get(1) {
            Some(month) => (number(month.as_str()), number(&m[2])),
            None => (number(&m[3]), number(&m[4])),
        };
        // A bare "01/2023" is a month only when no symbol continues it ("42/2017/QĐ-UBND").
        let bare = m.get(1).is_none();
        let continues = text[whole.end()..].starts_with(['/', '-']);
        if !plausible_year(year) || (bare && (continues || !(1..=12).contains(&month))) {
            continue;
        }
        let valid = (1..=12).contains(&month);
        taken.insert(start, end);
        found.push(FoundDate {
            surface: String::new(),
            span: Span::default(),
            kind: DateKind::Mention,
            start,
            end,
            value: valid.then(|| format!("{year:04}-{month:02}")),
            end_value: None,
            precision: Precision::Month,
            valid,
            rule: "date:month",
        });
    }
    for m in QUARTER.captures_iter(text) {
        let whole = m.get(0).expect("match");
        let (start, end) = index.span(whole.start(), whole.end());
        let year = number(&m[2]);
        if !free(&taken, start, end) || !plausible_year(year) {
            continue;
        }
        let quarter = match m[1].to_ascii_uppercase().as_str() {
            "I" | "1" => 1,
            "II" | "2" => 2,
            "III" | "3" => 3,
            _ => 4,
        };
        taken.insert(start, end);
        found.push(FoundDate {
            surface: String::new(),
            span: Span::default(),
            kind: DateKind::Mention,
            start,
            end,
            value: Some(format!("{year:04}-Q{quarter}")),
            end_value: None,
            precision: Precision::Quarter,
            valid: true,
            rule: "date:quarter",
        });
    }
    for m in YEAR.captures_iter(text) {
        // "từ 2018" is a year only as the start of a period: the date is the number alone.
        let whole = m.get(3).unwrap_or_else(|| m.get(0).expect("match"));
        let (start, end) = index.span(whole.start(), whole.end());
        let year = number(m.get(1).or(m.get(3)).expect("a year group").as_str());
        if !free(&taken, start, end) || !plausible_year(year) {
            continue;
        }
        let end_year = m.get(2).map(|y| number(y.as_str()));
        taken.insert(start, end);
        found.push(FoundDate {
            surface: String::new(),
            span: Span::default(),
            kind: if end_year.is_some() {
                DateKind::Range
            } else {
                DateKind::Mention
            },
            start,
            end,
            value: Some(format!("{year:04}")),
            end_value: end_year.map(|y| format!("{y:04}")),
            precision: Precision::Year,
            valid: end_year.is_none_or(|y| y >= year),
            rule: "date:year",
        });
    }
    for m in DAY_MONTH.captures_iter(text) {
        let whole = m.get(0).expect("match");
        let (start, end) = index.span(whole.start(), whole.end());
        if !free(&taken, start, end) || text[whole.end()..].starts_with(['/', '-', '.']) {
            continue;
        }
        let (day, month) = match m.get(1) {
            Some(day) => (number(day.as_str()), number(&m[2])),
            None => (number(&m[3]), number(&m[4])),
        };
        // Any leap year admits 29 February.
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(2000, month);
        taken.insert(start, end);
        found.push(FoundDate {
            surface: String::new(),
            span: Span::default(),
            kind: if EVERY_YEAR_AFTER.is_match(&text[whole.end()..]) {
                DateKind::Recurring
            } else {
                DateKind::Mention
            },
            start,
            end,
            value: valid.then(|| format!("--{month:02}-{day:02}")),
            end_value: None,
            precision: Precision::DayOfYear,
            valid,
            rule: "date:day_month",
        });
    }
    for m in SCHEDULE.find_iter(text) {
        let (start, end) = index.span(m.start(), m.end());
        if !free(&taken, start, end) {
            continue;
        }
        taken.insert(start, end);
        found.push(FoundDate {
            surface: String::new(),
            span: Span::default(),
            kind: DateKind::Recurring,
            start,
            end,
            value: None,
            end_value: None,
            precision: Precision::Undated,
            valid: true,
            rule: "date:schedule",
        });
    }
    found.sort_by_key(|d| d.start);
    classify(text, index, &mut found);
    found
}

/// Types each date from its neighbours: deadlines after "trước", ranges joined by a dash,
/// periods "từ ... đến ...", issue dates on a place-date line.
fn classify(text: &str, index: &CharIndex, found: &mut Vec<FoundDate>) {
    let mut merged: Vec<FoundDate> = Vec::with_capacity(found.len());
    for date in found.drain(..) {
        if let Some(previous) = merged.last_mut() {
            let between = index.slice(text, previous.end, date.start);
            let dash = between.trim() == "-" || between.trim() == "–";
            let opened_by_from = index
                .slice(text, previous.start.saturating_sub(4), previous.start)
                .to_lowercase()
                .trim_end()
                .ends_with("từ");
            let period = between.trim().eq_ignore_ascii_case("đến") && opened_by_from;
            let same_kind = previous.precision == date.precision
                || (previous.precision != Precision::Undated
                    && date.precision != Precision::Undated);
            if (dash || period) && same_kind && previous.kind != DateKind::Recurring {
                previous.kind = if period {
                    DateKind::Period
                } else {
                    DateKind::Range
                };
                previous.end = date.end;
                previous.end_value = date.value;
                previous.valid &= date.valid;
                continue;
            }
        }
        merged.push(date);
    }
    for date in &mut merged {
        let before = index.slice(text, date.start.saturating_sub(24), date.start);
        let line_start = index.line_start(date.start);
        let line_prefix = index.slice(text, line_start, date.start);
        if date.precision == Precision::Day && is_place_prefix(line_prefix) {
            date.kind = DateKind::Issue;
        } else if DEADLINE_BEFORE.is_match(before) && date.kind == DateKind::Mention {
            date.kind = DateKind::Deadline;
        }
    }
    *found = merged;
}

/// `Phong Thổ, ` — a short capitalised place name and a comma opening the line, or the right
/// column of a layout line (`Số: 19/2024/TT-BKHĐT      Hà Nội, `).
fn is_place_prefix(prefix: &str) -> bool {
    // The comma first: it rules out almost every date in one step, before any scan back
    // through a line that may be megabytes long.
    let Some(before_comma) = prefix.trim_end().strip_suffix(',') else {
        return false;
    };
    let place = before_comma
        .rsplit(super::header::COLUMN_GAP)
        .next()
        .unwrap_or_default();
    let words: Vec<&str> = place.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 6
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str) -> Vec<FoundDate> {
        find(text, &CharIndex::new(text))
    }

    type Summary = (DateKind, Option<String>, Option<String>, Precision, bool);

    fn summary(text: &str) -> Vec<Summary> {
        dates(text)
            .into_iter()
            .map(|d| (d.kind, d.value, d.end_value, d.precision, d.valid))
            .collect()
    }

    #[test]
    fn place_date_line_is_the_issue_date() {
        let found = dates("Phong Thổ, ngày 19 tháng 5 năm 2023\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, DateKind::Issue);
        assert_eq!(found[0].value.as_deref(), Some("2023-05-19"));
        assert_eq!((found[0].start, found[0].end), (11, 35));
    }

    #[test]
    fn deadlines_months_years_and_ranges() {
        use DateKind::*;
        use Precision::*;
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(
            summary("hoàn thành trước ngày 25/5/2023; tháng 8/2022; năm 2022 - 2023"),
            [
                (Deadline, s("2023-05-25"), None, Day, true),
                (Mention, s("2022-08"), None, Month, true),
                (Range, s("2022"), s("2023"), Year, true),
            ]
        );
        assert_eq!(
            summary("kỷ niệm (21/6/1925 - 21/6/2025)"),
            [(Range, s("1925-06-21"), s("2025-06-21"), Day, true)]
        );
    }

    #[test]
    fn period_from_year_to_month() {
        let found = summary("từ 2018 đến 01/2023");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, DateKind::Period);
        assert_eq!(found[0].1.as_deref(), Some("2018"));
        assert_eq!(found[0].2.as_deref(), Some("2023-01"));
    }

    #[test]
    fn recurring_schedules() {
        let found = summary("6 tháng/lần, trước ngày 25 tháng 6 và ngày 10 tháng 12 hằng năm");
        let kinds: Vec<_> = found.iter().map(|d| (d.0, d.1.clone())).collect();
        assert_eq!(
            kinds,
            [
                (DateKind::Recurring, None),
                (DateKind::Recurring, Some("--06-25".to_owned())),
                (DateKind::Recurring, Some("--12-10".to_owned())),
                (DateKind::Recurring, None),
            ]
        );
    }

    #[test]
    fn day_and_month_without_a_year_is_a_deadline_unless_it_recurs() {
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(
            summary("gửi báo cáo trước ngày 15/12; họp vào ngày 20 tháng 11"),
            [
                (
                    DateKind::Deadline,
                    s("--12-15"),
                    None,
                    Precision::DayOfYear,
                    true
                ),
                (
                    DateKind::Mention,
                    s("--11-20"),
                    None,
                    Precision::DayOfYear,
                    true
                ),
            ]
        );
        assert_eq!(
            summary("trước ngày 15/12 hằng năm")[0].0,
            DateKind::Recurring
        );
    }

    #[test]
    fn quarters() {
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(
            summary("trong quý III/2023 và quý 1 năm 2024"),
            [
                (
                    DateKind::Mention,
                    s("2023-Q3"),
                    None,
                    Precision::Quarter,
                    true
                ),
                (
                    DateKind::Mention,
                    s("2024-Q1"),
                    None,
                    Precision::Quarter,
                    true
                ),
            ]
        );
    }

    #[test]
    fn impossible_days_are_flagged_not_invented() {
        let found = dates("ngày 31/02/2023 và ngày 29 tháng 2 năm 2024");
        assert_eq!((found[0].valid, found[0].value.clone()), (false, None));
        assert_eq!(found[1].value.as_deref(), Some("2024-02-29"));
    }

    #[test]
    fn document_symbols_are_not_dates() {
        assert!(dates("Quyết định số 42/2017/QĐ-UBND và 115/QĐ-TTg").is_empty());
    }
}
