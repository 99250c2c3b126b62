//! Document-level metadata: the header block (issuing body, number-symbol, national or Party
//! motto, place-date line, urgency and secrecy marks), the type heading and its title (trích
//! yếu), the section outline and the recipients ("Nơi nhận"); the signature block is read by
//! [`super::signature`].

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::codes::{tolerant_pattern, System, CODES};
use super::dates::{DateKind, FoundDate};
use super::header::{self, is_page_furniture, is_stamp, Line, PARTY_MOTTO, STATE_MOTTO};
use super::{signature, CharIndex};
use crate::document::Span;

/// A value read from the text, with where it was read and how.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub value: String,
    pub surface: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    pub rule: &'static str,
    pub confidence: f32,
    /// True when the value is not written as such but follows from other text.
    pub inferred: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NumberMeta {
    pub value: String,
    pub surface: String,
    pub system: System,
    pub span: Span,
    /// Where the number was read: `header:number_line`, or `consolidation:authentication_block`
    /// for a consolidated text's own number at its end.
    pub rule: &'static str,
    pub confidence: f32,
    /// The number's digits are blank or unreadable (`Số:   /2025/QĐ-UBND`): `value` holds only
    /// what is written, never invented digits.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    /// 1 for `I.`, 2 for `1.`, 3 for `1.1.`, 4 for `a)`.
    pub level: u8,
    pub label: String,
    pub title: String,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecipientGroup {
    /// `Gửi bản giấy`, `Gửi bản điện tử`; absent when the list has no sub-headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    pub items: Vec<Recipient>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Recipient {
    pub text: String,
    /// `báo cáo`, `để biết`... from a parenthesised suffix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct Signature {
    /// `T/M BAN THƯỜNG VỤ`, `KT. CHỦ TỊCH`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<Field>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct DocumentMeta {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer_parent: Option<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<NumberMeta>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrecy: Option<Field>,
    pub outline: Vec<Heading>,
    pub recipients: Vec<RecipientGroup>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
    /// Headings of annexes after the signature (`ĐỀ CƯƠNG BÁO CÁO`, `PHỤ LỤC ...`).
    pub annexes: Vec<Field>,
}

static HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<label>(?P<roman>[IVX]{1,5})[.\-]|(?P<deep>\d{1,2}\.\d{1,2}\.?)|(?P<arabic>\d{1,2})\.|(?P<letter>[a-zđ])\))\s+(?P<title>\S.*)$")
        .expect("heading pattern compiles")
});
static INFERRED_ISSUER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<issuer>(?:Ban|Ủy ban|UBND|Bộ|Sở|Tỉnh ủy|Huyện ủy|Thành ủy|Đảng ủy|Hội đồng)[^,;:.()“”]*?)\s+(?:xây dựng|ban hành)\s+(?i:kế hoạch)")
        .expect("inferred issuer pattern compiles")
});

const URGENCY: [(&str, &str); 5] = [
    ("HỎA TỐC", "HỎA TỐC"),
    ("HÓA TỐC", "HỎA TỐC"),
    ("HOẢ TỐC", "HỎA TỐC"),
    ("THƯỢNG KHẨN", "THƯỢNG KHẨN"),
    ("KHẨN", "KHẨN"),
];
const SECRECY: [&str; 3] = ["TUYỆT MẬT", "TỐI MẬT", "MẬT"];

fn lines<'a>(text: &'a str, index: &CharIndex) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    let mut byte = 0;
    for raw in text.split('\n') {
        let clean = raw.trim_matches(|c: char| c.is_whitespace() || c == '*');
        let clean_byte = byte + raw.find(clean).unwrap_or(0);
        out.push(Line {
            start: index.char_at(byte),
            end: index.char_at(byte + raw.len()),
            clean_start: index.char_at(clean_byte),
            clean,
        });
        byte += raw.len() + 1;
    }
    out
}

pub(super) fn is_caps(line: &str) -> bool {
    let mut letters = line.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(|c| !c.is_lowercase())
}

pub(super) fn field(
    value: impl Into<String>,
    line: &Line,
    rule: &'static str,
    span: &dyn Fn(usize, usize) -> Span,
) -> Field {
    let surface = line.clean.to_owned();
    Field {
        value: value.into(),
        span: Some(span(
            line.clean_start,
            line.clean_start + surface.chars().count(),
        )),
        surface,
        rule,
        confidence: 0.9,
        inferred: false,
    }
}

/// The field of a name wrapped over the `cells` of consecutive lines: their words joined by a
/// space, the surface and span running from the first cell to the last.
fn name_field(
    text: &str,
    cells: &[Line],
    rule: &'static str,
    span: &dyn Fn(usize, usize) -> Span,
) -> Field {
    let (first, last) = (&cells[0], &cells[cells.len() - 1]);
    // Cells are slices of `text`: their byte offsets there are their distances from its start.
    let byte = |cell: &str| cell.as_ptr() as usize - text.as_ptr() as usize;
    let words: Vec<&str> = cells.iter().map(|cell| cell.clean).collect();
    Field {
        value: words.join(" "),
        surface: text[byte(first.clean)..byte(last.clean) + last.clean.len()].to_owned(),
        span: Some(span(
            first.clean_start,
            last.clean_start + last.clean.chars().count(),
        )),
        rule,
        confidence: 0.9,
        inferred: false,
    }
}

pub fn parse(
    text: &str,
    index: &CharIndex,
    dates: &[FoundDate],
    span: &dyn Fn(usize, usize) -> Span,
) -> DocumentMeta {
    let lines = lines(text, index);
    let mut meta = DocumentMeta::default();
    // The type heading ("KẾ HOẠCH") ends the header block; without one, the first 15 lines.
    // Gazette pages start with a running head, a section label and the publisher's stamp.
    let heading_at = lines.iter().take(60).position(|l| {
        is_caps(l.clean) && !is_page_furniture(l.clean) && CODES.type_by_word(l.clean).is_some()
    });
    let header_end = heading_at.unwrap_or(15.min(lines.len()));
    let mut header_caps: Vec<Line> = Vec::new();
    let mut motto = None;
    let mut subject = None;
    // The number line's end: a blank number's cells after its label are part of it.
    let mut skip_to = 0;
    for (at, line) in lines[..header_end].iter().enumerate() {
        if line.clean.is_empty() || is_page_furniture(line.clean) {
            continue;
        }
        for cell in header::cells(line) {
            let clean = cell.clean;
            if is_stamp(clean) || is_page_furniture(clean) {
                continue;
            }
            if let Some(rest) = header::subject_line(clean) {
                subject.get_or_insert((cell.clone(), rest.to_owned()));
                continue;
            }
            if meta.number.is_none() {
                // The continuation of a wrapped number is on one of the next two lines.
                let below: Vec<&str> = lines[at + 1..header_end]
                    .iter()
                    .filter(|l| !l.clean.is_empty())
                    .take(2)
                    .filter_map(|l| header::cells(l).into_iter().next().map(|c| c.clean))
                    .collect();
                // A cell is a slice of its line's text: its byte offset there is their distance.
                let in_line = cell.clean.as_ptr() as usize - line.clean.as_ptr() as usize;
                let rest_of_line = &line.clean[in_line..];
                if let Some(found) = header::number_in(rest_of_line, &below) {
                    skip_to = cell.clean_start + found.surface_len;
                    let number = number_meta(
                        found,
                        rest_of_line,
                        cell.clean_start,
                        "header:number_line",
                        span,
                    );
                    meta.number = Some(number);
                    continue;
                }
            }
            if cell.clean_start < skip_to {
                continue;
            }
            if clean == PARTY_MOTTO || clean.starts_with(STATE_MOTTO) {
                motto = Some((clean == PARTY_MOTTO, line));
                continue;
            }
            if let Some(&(_, value)) = URGENCY.iter().find(|(surface, _)| clean == *surface) {
                meta.urgency = Some(field(value, &cell, "header:urgency", span));
                continue;
            }
            if let Some(&value) = SECRECY.iter().find(|s| clean == **s) {
                meta.secrecy = Some(field(value, &cell, "header:secrecy", span));
                continue;
            }
            // A gazette page repeats the issuer above the header: one body, not a parent.
            if is_caps(clean)
                && clean.chars().filter(|c| c.is_alphabetic()).count() >= 4
                && meta.number.is_none()
                && header_caps.last().is_none_or(|last| last.clean != clean)
            {
                header_caps.push(cell);
            }
        }
    }
    // The issuing body is the last name in capitals before the number, its parent the one above.
    let mut names: Vec<Field> = header::names(&header_caps)
        .into_iter()
        .map(|name| name_field(text, &header_caps[name], "header:issuer", span))
        .collect();
    // A gazette page repeats the issuer above the header, wrapped or not: one body, not a parent.
    names.dedup_by(|later, earlier| later.value == earlier.value);
    meta.issuer = names.pop();
    meta.issuer_parent = names.pop().map(|parent| Field {
        rule: "header:issuer_parent",
        ..parent
    });
    let mut issue_date = dates.iter().find(|d| d.kind == DateKind::Issue);
    if meta.number.is_none() {
        if let Some((number, date)) = consolidation_block(&lines, dates, span) {
            meta.number = Some(number);
            issue_date = date.or(issue_date);
        }
    }
    if let Some(date) = issue_date {
        set_issue_date(
            &mut meta,
            text,
            index,
            &lines,
            date,
            "header:place_date",
            span,
        );
    } else if let Some(date) = adoption_date(text, index, dates) {
        set_issue_date(&mut meta, text, index, &lines, date, "body:adopted", span);
    }
    if let Some(at) = heading_at {
        let heading = &lines[at];
        let doc_type = CODES.type_by_word(heading.clean).expect("checked above");
        meta.doc_type = Some(field(doc_type.word.clone(), heading, "heading:type", span));
        if let Some(title) = lines[at + 1..].iter().find(|l| !l.clean.is_empty()) {
            meta.title = Some(field(title.clean, title, "heading:title", span));
        }
    }
    // An official letter (công văn) has no type heading: its "V/v ..." line is the subject.
    if let (None, Some((cell, value))) = (&meta.title, subject) {
        meta.title = Some(field(value, &cell, "header:vv_subject", span));
    }
    // A consolidated text opens with the heading of the act it consolidates.
    if let Some(number) = meta
        .number
        .as_ref()
        .filter(|n| n.rule == CONSOLIDATION_RULE)
    {
        if let Some(doc_type) = CODES.type_by_code("VBHN", System::State) {
            meta.doc_type = Some(Field {
                value: doc_type.word.clone(),
                surface: number.value.clone(),
                span: Some(number.span),
                rule: "number:type_code",
                confidence: 0.9,
                inferred: true,
            });
        }
    }
    if meta.issuer.is_none() {
        meta.issuer = infer_issuer(text, index, &lines, header_end, span);
    }
    meta.system = system(&meta, motto, span);
    meta.outline = outline(&lines, span);
    let recipients_at = lines.iter().position(|l| {
        let lower = l.clean.to_lowercase();
        lower.starts_with("nơi nhận")
    });
    if let Some(group) = addressees(&lines[..lines.len().min(header_end + 20)], span) {
        meta.recipients.push(group);
    }
    if let Some(at) = recipients_at {
        meta.recipients.extend(recipients(&lines[at + 1..], span));
    }
    let (signature, signature_end) = signature::signature(&lines, recipients_at, span);
    meta.signature = signature;
    meta.annexes = lines[signature_end.min(lines.len())..]
        .iter()
        .filter(|l| is_caps(l.clean) && !HEADING.is_match(l.clean) && l.clean.chars().count() >= 8)
        .map(|l| field(l.clean, l, "annex:heading", span))
        .collect();
    meta
}

const CONSOLIDATION_RULE: &str = "consolidation:authentication_block";

/// The number `found` at the start of `from`, which starts at char `start` of the text.
fn number_meta(
    found: header::FoundNumber,
    from: &str,
    start: usize,
    rule: &'static str,
    span: &dyn Fn(usize, usize) -> Span,
) -> NumberMeta {
    NumberMeta {
        value: found.value,
        system: found.system,
        span: span(start, start + found.surface_len),
        surface: from.chars().take(found.surface_len).collect(),
        rule,
        // What is missing from a partial number may be anything: the rest is still read right.
        confidence: if found.partial { 0.5 } else { 0.95 },
        partial: found.partial,
    }
}

/// A consolidated text's own number and date: the `Số: 06/VBHN-BTC` cell of the authentication
/// block after its last article, and the place-date cell beside or under it.
fn consolidation_block<'d>(
    lines: &[Line],
    dates: &'d [FoundDate],
    span: &dyn Fn(usize, usize) -> Span,
) -> Option<(NumberMeta, Option<&'d FoundDate>)> {
    let (at, cell, found) = lines.iter().enumerate().find_map(|(at, line)| {
        if is_page_furniture(line.clean) {
            return None;
        }
        header::cells(line).into_iter().find_map(|cell| {
            header::number_in(cell.clean, &[])
                .filter(header::is_consolidation_number)
                .map(|found| (at, cell, found))
        })
    })?;
    let block_end = lines.get(at + 4).map_or(usize::MAX, |l| l.end);
    let date = dates
        .iter()
        .find(|d| d.kind == DateKind::Issue && d.start >= lines[at].start && d.start <= block_end);
    let number = number_meta(
        found,
        cell.clean,
        cell.clean_start,
        CONSOLIDATION_RULE,
        span,
    );
    Some((number, date))
}

/// Acts of the National Assembly and its Standing Committee have no date at the top: the
/// adoption date of their last paragraph (`... thông qua ngày 10 tháng 7 năm 2025`) is theirs.
fn adoption_date<'d>(
    text: &str,
    index: &CharIndex,
    dates: &'d [FoundDate],
) -> Option<&'d FoundDate> {
    static ADOPTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r"(?i:{})\s*$", tolerant_pattern("thông qua")))
            .expect("adoption pattern compiles")
    });
    dates.iter().rev().find(|d| {
        d.value.is_some()
            && ADOPTED.is_match(index.slice(text, d.start.saturating_sub(16), d.start))
    })
}

fn set_issue_date(
    meta: &mut DocumentMeta,
    text: &str,
    index: &CharIndex,
    lines: &[Line],
    date: &FoundDate,
    rule: &'static str,
    span: &dyn Fn(usize, usize) -> Span,
) {
    let Some(value) = &date.value else {
        return;
    };
    meta.issue_date = Some(Field {
        value: value.clone(),
        surface: index.slice(text, date.start, date.end).to_owned(),
        span: Some(span(date.start, date.end)),
        rule,
        confidence: 0.95,
        inferred: false,
    });
    if date.kind != DateKind::Issue {
        return;
    }
    // The place opens the cell holding the date (the right column of a layout line).
    let Some(line) = lines
        .iter()
        .find(|l| l.start <= date.start && date.start <= l.end)
    else {
        return;
    };
    let cell_start = header::cells(line)
        .iter()
        .rev()
        .find(|c| c.clean_start <= date.start)
        .map_or(line.clean_start, |c| c.clean_start);
    let place_end = cell_start
        + index
            .slice(text, cell_start, date.start)
            .trim_end()
            .trim_end_matches(',')
            .chars()
            .count();
    let place = index.slice(text, cell_start, place_end);
    meta.place = Some(Field {
        value: place.to_owned(),
        surface: place.to_owned(),
        span: Some(span(cell_start, place_end)),
        rule,
        confidence: 0.9,
        inferred: false,
    });
}

/// Without a header block, the body's "Ban Thường vụ Tỉnh ủy xây dựng kế hoạch ..." names the
/// issuer.
fn infer_issuer(
    text: &str,
    index: &CharIndex,
    lines: &[Line],
    from_line: usize,
    span: &dyn Fn(usize, usize) -> Span,
) -> Option<Field> {
    let start = lines.get(from_line)?.start;
    let end = lines.get(from_line + 12).map_or(index.len(), |l| l.end);
    let window_start = index.byte_at(start);
    let window = &text[window_start..index.byte_at(end)];
    let m = INFERRED_ISSUER.captures(window)?;
    let issuer = m.name("issuer")?;
    let (s, e) = index.span(window_start + issuer.start(), window_start + issuer.end());
    Some(Field {
        value: issuer.as_str().to_owned(),
        surface: issuer.as_str().to_owned(),
        span: Some(span(s, e)),
        rule: "body:issuer_builds_plan",
        confidence: 0.7,
        inferred: true,
    })
}

fn system(
    meta: &DocumentMeta,
    motto: Option<(bool, &Line)>,
    span: &dyn Fn(usize, usize) -> Span,
) -> Option<Field> {
    if let Some((party, line)) = motto {
        let value = if party { "party" } else { "state" };
        return Some(field(value, line, "header:motto", span));
    }
    let (value, rule) = if let Some(number) = &meta.number {
        (number.system, "header:number_style")
    } else {
        let issuer = meta.issuer.as_ref()?.value.to_lowercase();
        let state_bodies = [
            "ủy ban nhân dân",
            "ubnd",
            "bộ ",
            "sở ",
            "chính phủ",
            "thủ tướng",
            "hội đồng nhân dân",
        ];
        if state_bodies.iter().any(|b| issuer.starts_with(b)) {
            (System::State, "issuer:state_body")
        } else {
            (System::Party, "issuer:party_body")
        }
    };
    Some(Field {
        value: match value {
            System::Party => "party",
            System::State => "state",
        }
        .to_owned(),
        surface: String::new(),
        span: None,
        rule,
        confidence: 0.8,
        inferred: true,
    })
}

fn outline(lines: &[Line], span: &dyn Fn(usize, usize) -> Span) -> Vec<Heading> {
    lines
        .iter()
        .filter_map(|line| {
            let m = HEADING.captures(line.clean)?;
            let level = if m.name("roman").is_some() {
                1
            } else if m.name("arabic").is_some() {
                2
            } else if m.name("deep").is_some() {
                3
            } else {
                4
            };
            let title = m["title"].to_owned();
            // Long numbered lines are paragraphs, not headings.
            if title.chars().count() > 120 && level > 1 {
                return None;
            }
            Some(Heading {
                level,
                label: m["label"].to_owned(),
                title,
                span: span(
                    line.clean_start,
                    line.clean_start + line.clean.chars().count(),
                ),
            })
        })
        .collect()
}

fn recipients(after: &[Line], span: &dyn Fn(usize, usize) -> Span) -> Vec<RecipientGroup> {
    let mut groups: Vec<RecipientGroup> = Vec::new();
    let mut after_mode = false;
    for line in after {
        let clean = line.clean;
        if clean.is_empty() {
            continue;
        }
        let is_mode = clean.ends_with(':') && clean.to_lowercase().starts_with("gửi");
        if is_mode {
            groups.push(RecipientGroup {
                mode: Some(clean.trim_end_matches(':').trim().to_owned()),
                items: Vec::new(),
            });
            after_mode = true;
            continue;
        }
        let bullet = clean.starts_with(['-', '+', '•']);
        if !bullet && !after_mode {
            break;
        }
        after_mode = false;
        let item = clean.trim_start_matches(['-', '+', '•']).trim();
        let item_text: String = item
            .trim_end_matches([',', ';', '.'])
            .replace('*', "")
            .trim()
            .to_owned();
        let role = item_text
            .rfind('(')
            .filter(|_| item_text.ends_with(')'))
            .map(|open| item_text[open + 1..item_text.len() - 1].to_owned());
        let offset = line.clean_start + (clean.chars().count() - item.chars().count());
        if groups.is_empty() {
            groups.push(RecipientGroup {
                mode: None,
                items: Vec::new(),
            });
        }
        groups.last_mut().expect("pushed").items.push(Recipient {
            text: item_text,
            role,
            span: span(offset, offset + item.chars().count()),
        });
    }
    groups
}

/// The addressees of a letter: `Kính gửi: Ủy ban nhân dân tỉnh.` on one line, or `Kính gửi:`
/// and a list of `- ...;` lines.
fn addressees(lines: &[Line], span: &dyn Fn(usize, usize) -> Span) -> Option<RecipientGroup> {
    static ADDRESSED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r"^(?i:{})\s*:\s*", tolerant_pattern("kính gửi")))
            .expect("addressee pattern compiles")
    });
    let at = lines.iter().position(|l| ADDRESSED.is_match(l.clean))?;
    let line = &lines[at];
    let label = ADDRESSED.find(line.clean).expect("matched above");
    let inline = line.clean[label.end()..].trim();
    let mode = Some(
        line.clean[..label.end()]
            .trim()
            .trim_end_matches(':')
            .trim()
            .to_owned(),
    );
    if inline.is_empty() {
        let items = recipients(&lines[at + 1..], span)
            .into_iter()
            .flat_map(|g| g.items)
            .collect();
        return Some(RecipientGroup { mode, items });
    }
    let text = inline.trim_end_matches([',', ';', '.']).trim();
    let offset = line.clean_start + line.clean[..label.end()].chars().count();
    Some(RecipientGroup {
        mode,
        items: vec![Recipient {
            text: text.to_owned(),
            role: None,
            span: span(offset, offset + text.chars().count()),
        }],
    })
}
