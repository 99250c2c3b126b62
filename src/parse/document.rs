//! Document-level metadata: the header block (issuing body, number-symbol, national or Party
//! motto, place-date line, urgency and secrecy marks), the type heading and its title (trích
//! yếu), the section outline, the recipients ("Nơi nhận") and the signature block.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::codes::{System, CODES};
use super::dates::{DateKind, FoundDate};
use super::CharIndex;
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

/// One line of the text: char range, and its content without Markdown emphasis and spaces.
#[derive(Debug, Clone)]
struct Line<'a> {
    start: usize,
    end: usize,
    /// Char offset of `clean` within the text.
    clean_start: usize,
    clean: &'a str,
}

/// The header's number line. Without "Số" (OCR may turn it into debris: seed 002
/// "$643- KH/BTGTU") the line must hold nothing but the symbol.
static NUMBER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:Số|SỐ|So|Sô|S6|Sé|Sb)\s*(?P<colon>:)?\s*(?P<symbol>\d{1,5}\s*[-/]\s*\S+)|[^\w\s]{0,2}\s*(?P<bare>\d{1,5}\s*-\s*[A-ZĐ][A-Za-zĐđ]{0,5}/[A-ZĐ][A-Za-zĐđ0-9-]*))")
        .expect("number line pattern compiles")
});
static HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<label>(?P<roman>[IVX]{1,5})[.\-]|(?P<deep>\d{1,2}\.\d{1,2}\.?)|(?P<arabic>\d{1,2})\.|(?P<letter>[a-zđ])\))\s+(?P<title>\S.*)$")
        .expect("heading pattern compiles")
});
static AUTHORITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:T/M|K/T|T/L|TM\.|KT\.|TL\.|TUQ\.|Q\.)\s*\S")
        .expect("authority pattern compiles")
});
static INFERRED_ISSUER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<issuer>(?:Ban|Ủy ban|UBND|Bộ|Sở|Tỉnh ủy|Huyện ủy|Thành ủy|Đảng ủy|Hội đồng)[^,;:.()“”]*?)\s+(?:xây dựng|ban hành)\s+(?i:kế hoạch)")
        .expect("inferred issuer pattern compiles")
});

const PARTY_MOTTO: &str = "ĐẢNG CỘNG SẢN VIỆT NAM";
const STATE_MOTTO: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
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

fn is_caps(line: &str) -> bool {
    let mut letters = line.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(|c| !c.is_lowercase())
}

fn field(
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

pub fn parse(
    text: &str,
    index: &CharIndex,
    dates: &[FoundDate],
    span: &dyn Fn(usize, usize) -> Span,
) -> DocumentMeta {
    let lines = lines(text, index);
    let mut meta = DocumentMeta::default();
    // The type heading ("KẾ HOẠCH") ends the header block; without one, the first 15 lines.
    let heading_at = lines
        .iter()
        .take(40)
        .position(|l| is_caps(l.clean) && CODES.type_by_word(l.clean).is_some());
    let header_end = heading_at.unwrap_or(15.min(lines.len()));
    let mut header_caps: Vec<&Line> = Vec::new();
    let mut motto = None;
    for line in &lines[..header_end] {
        let clean = line.clean;
        if clean.is_empty() {
            continue;
        }
        let number_line = NUMBER_LINE.captures(clean).filter(|m| {
            m.name("symbol").is_some() || m.get(0).is_some_and(|all| all.end() == clean.len())
        });
        if let Some(m) = number_line {
            let symbol = m
                .name("symbol")
                .or(m.name("bare"))
                .expect("one of the alternatives")
                .as_str()
                .split_whitespace()
                .collect::<String>();
            let symbol = symbol.trim_end_matches([',', '.', ';']).to_owned();
            let system = if symbol.contains('/') && symbol.find('-') < symbol.find('/') {
                System::Party
            } else {
                System::State
            };
            meta.number = Some(NumberMeta {
                value: symbol,
                surface: clean.to_owned(),
                system,
                span: span(line.clean_start, line.clean_start + clean.chars().count()),
            });
            continue;
        }
        if clean == PARTY_MOTTO || clean.starts_with(STATE_MOTTO) {
            motto = Some((clean == PARTY_MOTTO, line));
            continue;
        }
        if let Some(&(_, value)) = URGENCY.iter().find(|(surface, _)| clean == *surface) {
            meta.urgency = Some(field(value, line, "header:urgency", span));
            continue;
        }
        if let Some(&value) = SECRECY.iter().find(|s| clean == **s) {
            meta.secrecy = Some(field(value, line, "header:secrecy", span));
            continue;
        }
        if is_caps(clean)
            && clean.chars().filter(|c| c.is_alphabetic()).count() >= 4
            && meta.number.is_none()
        {
            header_caps.push(line);
        }
    }
    // The issuing body is the last capitals line before the number, its parent the one above.
    if let Some(issuer) = header_caps.last() {
        meta.issuer = Some(field(issuer.clean, issuer, "header:issuer", span));
        if let Some(parent) = header_caps.len().checked_sub(2).map(|i| header_caps[i]) {
            meta.issuer_parent = Some(field(parent.clean, parent, "header:issuer_parent", span));
        }
    }
    if let Some(date) = dates.iter().find(|d| d.kind == DateKind::Issue) {
        let line = lines
            .iter()
            .find(|l| l.start <= date.start && date.start <= l.end);
        if let (Some(line), Some(value)) = (line, &date.value) {
            meta.issue_date = Some(Field {
                value: value.clone(),
                surface: index.slice(text, date.start, date.end).to_owned(),
                span: Some(span(date.start, date.end)),
                rule: "header:place_date",
                confidence: 0.95,
                inferred: false,
            });
            let place_end = line.clean_start
                + index
                    .slice(text, line.clean_start, date.start)
                    .trim_end()
                    .trim_end_matches(',')
                    .chars()
                    .count();
            let place = index.slice(text, line.clean_start, place_end);
            meta.place = Some(Field {
                value: place.to_owned(),
                surface: place.to_owned(),
                span: Some(span(line.clean_start, place_end)),
                rule: "header:place_date",
                confidence: 0.9,
                inferred: false,
            });
        }
    }
    if let Some(at) = heading_at {
        let heading = &lines[at];
        let doc_type = CODES.type_by_word(heading.clean).expect("checked above");
        meta.doc_type = Some(field(doc_type.word.clone(), heading, "heading:type", span));
        if let Some(title) = lines[at + 1..].iter().find(|l| !l.clean.is_empty()) {
            meta.title = Some(field(title.clean, title, "heading:title", span));
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
    if let Some(at) = recipients_at {
        meta.recipients = recipients(&lines[at + 1..], span);
    }
    let (signature, signature_end) = signature(&lines, recipients_at, span);
    meta.signature = signature;
    meta.annexes = lines[signature_end.min(lines.len())..]
        .iter()
        .filter(|l| is_caps(l.clean) && !HEADING.is_match(l.clean) && l.clean.chars().count() >= 8)
        .map(|l| field(l.clean, l, "annex:heading", span))
        .collect();
    meta
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

/// The signature block: an authority line (`T/M ...`), the signer's title in capitals, and
/// the signer's name, a short title-case line after the recipients or the title. Returns the
/// line index where the annexes may start.
fn signature(
    lines: &[Line],
    recipients_at: Option<usize>,
    span: &dyn Fn(usize, usize) -> Span,
) -> (Option<Signature>, usize) {
    let search_from = recipients_at.unwrap_or(lines.len().saturating_sub(40));
    let mut signature = Signature {
        authority: None,
        title: None,
        signer: None,
    };
    let mut at = search_from;
    let authority = lines[search_from..]
        .iter()
        .position(|l| AUTHORITY.is_match(l.clean))
        .map(|i| search_from + i);
    if let Some(a) = authority {
        signature.authority = Some(field(
            lines[a].clean,
            &lines[a],
            "signature:authority",
            span,
        ));
        at = a + 1;
        if let Some(t) = lines[at..].iter().position(|l| !l.clean.is_empty()) {
            let title_line = &lines[at + t];
            if is_caps(title_line.clean) {
                signature.title =
                    Some(field(title_line.clean, title_line, "signature:title", span));
                at += t + 1;
            }
        }
    } else if recipients_at.is_some() {
        // Skip the recipient items to reach the name.
        at = lines[search_from + 1..]
            .iter()
            .position(|l| {
                !l.clean.is_empty()
                    && !l.clean.starts_with(['-', '+'])
                    && !l.clean.ends_with(':')
                    && !l.clean.ends_with(',')
            })
            .map_or(lines.len(), |i| search_from + 1 + i);
    }
    if let Some(n) = lines[at.min(lines.len())..]
        .iter()
        .position(|l| !l.clean.is_empty())
    {
        let line = &lines[at + n];
        if is_person_name(line.clean) {
            signature.signer = Some(field(line.clean, line, "signature:signer", span));
            at += n + 1;
        }
    }
    let empty = signature.authority.is_none() && signature.signer.is_none();
    ((!empty).then_some(signature), at)
}

/// Two to five capitalised words of letters only: "Nguyễn Văn Thành", "Phuong Thi Thanh".
fn is_person_name(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    (2..=5).contains(&words.len())
        && words.iter().all(|w| {
            let mut chars = w.chars();
            chars.next().is_some_and(char::is_uppercase)
                && chars.all(|c| c.is_alphabetic() && c.is_lowercase())
        })
}
