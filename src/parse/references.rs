//! References to other documents (and to the document itself): "Kế hoạch số 156-KH/BTGTW ngày
//! 14 tháng 6 năm 2022 của Ban Tuyên giáo Trung ương về ...", then "Kế hoạch 156-KH/BTGTW",
//! "(gọi tắt là Kết luận số 23-KL/TW)", "Kế hoạch này".
//!
//! A mention starts at a type word; the type comes from that word, not from the symbol's code
//! (a Party Quy định is `QĐi` or, before 2018, `QĐ`). After the symbol come, in this order and
//! each optional, the date (`ngày ...`), the issuer (`của ...`) and the subject (`về ...`,
//! `ban hành ...` or a quoted title), which may itself cite documents (nesting).

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::codes::{System, CODES};
use super::dates::{DateKind, FoundDate};
use super::document::DocumentMeta;
use super::issuer_names;
pub use super::relations::Relation;
use super::relations::{relation, Previous};
use super::CharIndex;
use crate::document::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    /// The first mention of a document, or any mention that gives its date.
    Full,
    /// A later mention of a document already cited.
    Short,
    /// "(gọi tắt là Kết luận số 23-KL/TW)": a short name defined for the preceding citation.
    AliasDefinition,
    /// "Kế hoạch này", or the bare type word of the document itself.
    #[serde(rename = "self")]
    SelfReference,
    /// The document's own number ("kèm theo Kế hoạch số 302-KH/HU").
    SelfNumbered,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocTypeField {
    pub value: String,
    pub surface: String,
    /// The symbol's type code, when there is a symbol.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NumberParts {
    pub seq: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<u32>,
    /// Empty for an act of the National Assembly or its Standing Committee (`64/2025/QH15`).
    pub type_code: String,
    pub issuer_codes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NumberField {
    /// Canonical form, spaces and line breaks removed: `20-KH/TU`.
    pub value: String,
    pub surface: String,
    pub system: System,
    pub parts: NumberParts,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct DateField {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub surface: String,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct IssuerField {
    pub surface: String,
    /// Capitalised as in running text (`BAN THƯỜNG VỤ THÀNH ỦY` → `Ban Thường vụ Thành ủy`).
    pub normalized: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// True when no "của ..." names the issuer and it comes from the symbol's issuer code.
    pub inferred: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubjectField {
    pub text: String,
    /// `về`, `về việc`, `ban hành`, or absent for a bare quoted title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub introducer: Option<String>,
    pub quoted: bool,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    pub id: String,
    pub kind: ReferenceKind,
    pub doc_type: DocTypeField,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<NumberField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<DateField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<IssuerField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<SubjectField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<Relation>,
    /// The reference whose subject contains this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// For short mentions and alias definitions: the full mention of the same document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub antecedent: Option<String>,
    /// The entity (cited document) this mention resolves to; `self` for the document itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolves_to: Option<String>,
    /// From the type word to the end of the symbol, date or issuer, whichever is last.
    pub span: Span,
    pub rule: &'static str,
    pub confidence: f32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    #[serde(skip)]
    pub(crate) start: usize,
    #[serde(skip)]
    pub(crate) end: usize,
    #[serde(skip)]
    subject_range: Option<(usize, usize)>,
}

const TYPE_CODE: &str = r"[A-ZĐ][A-Za-zĐđ]{0,5}";
const ISSUER_CODE: &str = r"[A-ZĐ][A-Za-zĐđ0-9]{0,11}";

static TYPE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b(?:{})\b", CODES.type_word_pattern()))
        .expect("type word pattern compiles")
});

/// What may follow a type word before its symbol: "số" (and its OCR garbles), colon, spaces and
/// line breaks.
static NUMBER_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:(?:số|SỐ|Số|s6|sé|sb|so|s&|sỐ)\s*:?\s*)?").expect("lead pattern compiles")
});

/// Party `156-KH/BTGTW` (OCR: `20- KH/TU`, `23-\n\nKL/TW`), State `115/QĐ-TTg`,
/// `42/2017/QĐ-UBND`, and the acts of the National Assembly and its Standing Committee, whose
/// symbol has no type code (`64/2025/QH15`, `222/2025/UBTVQH15`).
static SYMBOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:(?P<pnum>\d{{1,5}})[ \t]*-\s*(?P<ptype>{TYPE_CODE})[ \t]*/[ \t]*(?P<pissuer>{ISSUER_CODE}(?:-{ISSUER_CODE})*)|(?P<snum>\d{{1,5}})/(?:(?P<syear>\d{{4}})/)?(?P<stype>{TYPE_CODE})-(?P<sissuer>{ISSUER_CODE}(?:-{ISSUER_CODE})*)|{ASSEMBLY_SYMBOL})\b"
    ))
    .expect("symbol pattern compiles")
});

/// An act of the National Assembly or its Standing Committee: number, year and the body with its
/// term (`QH15`, `UBTVQH15`).
const ASSEMBLY_SYMBOL: &str = r"(?P<anum>\d{1,5})/(?P<ayear>\d{4})/(?P<aissuer>(?:UBTV)?QH\d{1,2})";

/// A law cited by its name before its number: `Luật Tổ chức Chính phủ số 63/2025/QH15`,
/// `Luật Tần số vô tuyến điện số 42/2009/QH12`. Only an Assembly symbol may follow, so a name
/// is never taken for the words before some other document's number. A name opens with a
/// capital: in "Luật sửa đổi, bổ sung một số điều của Luật Giáo dục số 43/2019/QH14" the number
/// may be either law's, and the words name the one amended.
static NAMED_ACT_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^[ \t]+\p{{Lu}}[\p{{L}}, ]*?[ \t]+(?:số|Số|SỐ)[ \t]*:?[ \t]*(?P<symbol>{ASSEMBLY_SYMBOL})\b"
    ))
    .expect("named act pattern compiles")
});

/// The system and type code of the document symbol `symbol` starts with (`24-TT/TU`: Party, `TT`;
/// `42/2017/QĐ-UBND`: State, `QĐ`).
pub fn symbol_type(symbol: &str) -> Option<(System, &str)> {
    let captures = SYMBOL.captures(symbol)?;
    match captures.name("ptype") {
        Some(code) => Some((System::Party, code.as_str())),
        None => captures
            .name("stype")
            .map(|code| (System::State, code.as_str())),
    }
}

static DATE_LEAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[ \t]*,?[ \t]*$").expect("date lead pattern compiles"));

/// "của", also as English-model OCR reads it (seed 002: `ciia`, `ctia`, `cta`, `cia`).
static ISSUER_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^[ \t]*,?[ \t]*(?:{}|ciia|ctia|cta|cia)[ \t]+",
        super::codes::tolerant_pattern("của")
    ))
    .expect("issuer lead pattern compiles")
});

static SUBJECT_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[ \t]*,?[ \t]*(?:(?P<intro>(?i:về việc|về|ban hành))[ \t]+)?(?P<quote>[“\u0022])?",
    )
    .expect("subject lead pattern compiles")
});

static ALIAS_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)gọi\s+tắt\s+là\s*$").expect("alias pattern compiles"));
static THIS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[ \t]+(?:này|NÀY)\b").expect("this pattern compiles"));
/// Finds every reference in `text`. Dates that turn out to be a cited document's date are
/// retyped [`DateKind::Reference`].
pub fn find(
    text: &str,
    index: &CharIndex,
    dates: &mut [FoundDate],
    host: &DocumentMeta,
    span: &dyn Fn(usize, usize) -> Span,
) -> Vec<Reference> {
    let mut found: Vec<Reference> = Vec::new();
    for word in TYPE_WORD.find_iter(text) {
        let (start, word_end) = index.span(word.start(), word.end());
        let surface = word.as_str();
        let Some(doc_type) = CODES.type_by_word(surface) else {
            continue;
        };
        // The word inside a cited law's name ("Luật Ban hành văn bản quy phạm pháp luật số
        // 64/2025/QH15") is part of that citation.
        if found.last().is_some_and(|r| start < r.end) {
            continue;
        }
        let before = index.slice(text, start.saturating_sub(60), start);
        let capitalized = surface.chars().next().is_some_and(char::is_uppercase);
        let rest = &text[word.end()..];
        if let Some(reference) = numbered(
            text,
            index,
            dates,
            start,
            word.end(),
            &doc_type.word,
            surface,
            span,
        ) {
            let mut reference = reference;
            let previous = found
                .iter()
                .rev()
                .find(|r| r.number.is_some())
                .map(|r| Previous {
                    start: r.start,
                    end: r.end,
                    relation: r.relation,
                });
            reference.relation = relation(text, index, start, previous);
            if ALIAS_BEFORE.is_match(before) {
                reference.kind = ReferenceKind::AliasDefinition;
            }
            found.push(reference);
            continue;
        }
        let host_type = host.doc_type.as_ref().map(|t| t.value.as_str());
        if !capitalized || host_type != Some(doc_type.word.as_str()) {
            continue;
        }
        if let Some(m) = THIS.find(rest) {
            let end = word_end + rest[..m.end()].chars().count();
            found.push(self_reference(
                &doc_type.word,
                surface,
                start,
                end,
                "ref:this",
                0.95,
                span,
            ));
        } else if is_bare_self_mention(text, index, start, word_end, rest) {
            found.push(self_reference(
                &doc_type.word,
                surface,
                start,
                word_end,
                "ref:bare_host_type",
                0.6,
                span,
            ));
        }
    }
    resolve(&mut found, host);
    nest(&mut found);
    for (i, reference) in found.iter_mut().enumerate() {
        reference.id = format!("r{}", i + 1);
    }
    link_ids(&mut found);
    found
}

#[allow(clippy::too_many_arguments)]
fn numbered(
    text: &str,
    index: &CharIndex,
    dates: &mut [FoundDate],
    start: usize,
    word_end_byte: usize,
    type_word: &str,
    surface: &str,
    span: &dyn Fn(usize, usize) -> Span,
) -> Option<Reference> {
    let rest = &text[word_end_byte..];
    let lead = NUMBER_LEAD.find(rest).map_or(0, |m| m.end());
    let (lead, symbol) = match SYMBOL.captures(&rest[lead..]) {
        Some(symbol) => (lead, symbol),
        // Only a capitalised type word opens a name ("Luật ...", not "pháp luật ...").
        None if surface.starts_with(char::is_uppercase) => {
            let named = NAMED_ACT_LEAD.captures(rest)?;
            let lead = named.name("symbol").expect("in the pattern").start();
            (lead, SYMBOL.captures(&rest[lead..])?)
        }
        None => return None,
    };
    let symbol_match = symbol.get(0).expect("match");
    let (system, seq, year, type_code, issuer_codes) = if let Some(n) = symbol.name("pnum") {
        (
            System::Party,
            n.as_str(),
            None,
            &symbol["ptype"],
            &symbol["pissuer"],
        )
    } else if let Some(n) = symbol.name("anum") {
        (
            System::State,
            n.as_str(),
            Some(&symbol["ayear"]),
            "",
            &symbol["aissuer"],
        )
    } else {
        (
            System::State,
            &symbol["snum"],
            symbol.name("syear").map(|y| y.as_str()),
            &symbol["stype"],
            &symbol["sissuer"],
        )
    };
    let mut warnings = Vec::new();
    // An Assembly symbol has no type code: the type is the word's.
    let type_code = if type_code.is_empty() || CODES.is_type_code(type_code) {
        type_code.to_owned()
    } else {
        let repaired = repair_type_code(type_code, type_word, system)?;
        warnings.push(format!("ocr_confusion:{type_code}→{repaired}"));
        repaired
    };
    let type_code = type_code.as_str();
    let symbol_start_byte = word_end_byte + lead;
    let symbol_end_byte = symbol_start_byte + symbol_match.end();
    let (symbol_start, symbol_end) = index.span(symbol_start_byte, symbol_end_byte);
    let issuer_list: Vec<String> = issuer_codes.split('-').map(str::to_owned).collect();
    let value = match system {
        System::Party => format!("{seq}-{type_code}/{issuer_codes}"),
        System::State => match (year, type_code) {
            (Some(year), "") => format!("{seq}/{year}/{issuer_codes}"),
            (Some(year), _) => format!("{seq}/{year}/{type_code}-{issuer_codes}"),
            (None, _) => format!("{seq}/{type_code}-{issuer_codes}"),
        },
    };
    let surface_symbol = symbol_match.as_str();
    if surface_symbol.contains(char::is_whitespace) {
        warnings.push("number_internal_whitespace_removed".to_owned());
    }
    let number = NumberField {
        value,
        surface: surface_symbol.to_owned(),
        system,
        parts: NumberParts {
            seq: seq.parse().unwrap_or(0),
            year: year.and_then(|y| y.parse().ok()),
            type_code: type_code.to_owned(),
            issuer_codes: issuer_list.clone(),
        },
        span: span(symbol_start, symbol_end),
    };
    let mut end = symbol_end;
    let mut end_byte = symbol_end_byte;

    // Only spaces and a comma may stand between the symbol and its date, so the first date
    // after the symbol is the only one that can be its date.
    let first_after = dates.partition_point(|d| d.start < end);
    let date = dates[first_after..].first_mut().filter(|d| {
        d.precision == super::dates::Precision::Day
            && DATE_LEAD.is_match(index.slice(text, end, d.start))
            && index
                .slice(text, d.start, d.end)
                .split_whitespace()
                .next()
                .is_some_and(|w| super::codes::skeleton(w).starts_with("ngay"))
    });
    let date = date.map(|d| {
        d.kind = DateKind::Reference;
        end = d.end;
        end_byte = index.byte_at(d.end);
        DateField {
            value: d.value.clone(),
            surface: index.slice(text, d.start, d.end).to_owned(),
            span: span(d.start, d.end),
        }
    });

    let issuer = match ISSUER_LEAD.find(&text[end_byte..]) {
        Some(lead) => {
            let name_start_byte = end_byte + lead.end();
            let after = &text[name_start_byte..];
            let name = after[..issuer_names::name_len(after)].trim_end();
            // "của cơ quan, đơn vị" is a possessive, not an issuer: names are capitalised.
            let is_name = name.chars().next().is_some_and(char::is_uppercase);
            is_name.then(|| {
                let (name_start, name_end) =
                    index.span(name_start_byte, name_start_byte + name.len());
                end = name_end;
                end_byte = name_start_byte + name.len();
                IssuerField {
                    surface: name.to_owned(),
                    normalized: issuer_names::sentence_case(name),
                    code: issuer_list.last().cloned(),
                    inferred: false,
                    span: Some(span(name_start, name_end)),
                }
            })
        }
        None => None,
    }
    .or_else(|| {
        let code = issuer_list.last()?;
        let known = CODES.issuer(code)?;
        // Central Party codes name several bodies: only say what the code alone tells.
        (known.system == system && code != "TW").then(|| IssuerField {
            surface: code.clone(),
            normalized: known.name.clone(),
            code: Some(code.clone()),
            inferred: true,
            span: None,
        })
    });

    let subject_range = subject(text, index, end_byte);
    let subject = subject_range.map(|(s, e, intro, quoted)| SubjectField {
        text: index.slice(text, s, e).to_owned(),
        introducer: intro,
        quoted,
        span: span(s, e),
    });
    let confidence = if warnings.is_empty() {
        0.95
    } else if warnings.iter().any(|w| w.starts_with("ocr_confusion")) {
        0.6
    } else {
        0.85
    };
    Some(Reference {
        id: String::new(),
        kind: ReferenceKind::Full,
        doc_type: DocTypeField {
            value: type_word.to_owned(),
            surface: surface.to_owned(),
            code: (!type_code.is_empty()).then(|| type_code.to_owned()),
        },
        number: Some(number),
        date,
        issuer,
        subject_range: subject.as_ref().map(|s| (s.span.start, s.span.end)),
        subject,
        relation: None,
        parent: None,
        antecedent: None,
        resolves_to: None,
        span: span(start, end),
        rule: match system {
            System::Party => "ref:party_symbol",
            System::State => "ref:state_symbol",
        },
        confidence,
        warnings,
        start,
        end,
    })
}

/// English-model OCR reads Đ as b, B, D, P or Ð, and ĐĐ-like pairs as `BD`: a garbled type code
/// is repaired only to a code its type word uses in `system` (`Quyết định` … `Qb/TW` → `QĐ`).
fn repair_type_code(code: &str, type_word: &str, system: System) -> Option<String> {
    let doc_type = CODES.type_by_word(type_word)?;
    let codes = match system {
        System::Party => &doc_type.party_codes,
        System::State => &doc_type.state_codes,
    };
    let chars: Vec<char> = code.chars().collect();
    let mut candidates = Vec::new();
    for i in 0..chars.len() {
        if matches!(chars[i], 'b' | 'B' | 'D' | 'P' | 'Ð') {
            let mut one: Vec<char> = chars.clone();
            one[i] = 'Đ';
            candidates.push(one.iter().collect::<String>());
            if i + 1 < chars.len() && matches!(chars[i + 1], 'b' | 'B' | 'D' | 'Ð') {
                let mut two = chars.clone();
                two.splice(i..i + 2, ['Đ']);
                candidates.push(two.iter().collect::<String>());
            }
        }
    }
    candidates.into_iter().find(|c| codes.contains(c))
}

/// The subject after a citation: a quoted title (nested quotes allowed) or a "về ..." /
/// "ban hành ..." clause running to the end of the clause.
fn subject(
    text: &str,
    index: &CharIndex,
    from_byte: usize,
) -> Option<(usize, usize, Option<String>, bool)> {
    let rest = &text[from_byte..];
    let lead = SUBJECT_LEAD.captures(rest)?;
    let intro = lead.name("intro").map(|m| m.as_str().to_owned());
    let quote = lead.name("quote");
    if intro.is_none() && quote.is_none() {
        return None;
    }
    let body_start = intro
        .as_ref()
        .and(lead.name("intro"))
        .map_or_else(|| quote.expect("checked").start(), |m| m.start());
    let scan_from = lead.get(0).expect("match").end();
    let body_len = match quote {
        Some(q) => closing_quote(&rest[scan_from..], q.as_str()).map(|e| scan_from + e)?,
        None => {
            let tail = &rest[scan_from..];
            scan_from + clause_end(tail)
        }
    };
    if body_len <= body_start {
        return None;
    }
    let (start, end) = index.span(from_byte + body_start, from_byte + body_len);
    Some((start, end, intro, quote.is_some()))
}

/// Byte offset just past the quote closing an opened one, counting nested “ ” pairs.
fn closing_quote(after_open: &str, open: &str) -> Option<usize> {
    if open == "\"" {
        return after_open.find('"').map(|e| e + 1);
    }
    let mut depth = 1;
    for (i, c) in after_open.char_indices() {
        match c {
            '“' => depth += 1,
            '”' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + c.len_utf8());
                }
            }
            '\n' => return None,
            _ => {}
        }
    }
    None
}

/// Where an unquoted subject clause ends: a semicolon, a sentence end, a line end or an
/// unopened parenthesis, whichever comes first.
fn clause_end(tail: &str) -> usize {
    let mut depth = 0i32;
    let mut quotes = 0i32;
    let chars: Vec<(usize, char)> = tail.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        match c {
            '“' => quotes += 1,
            '”' => quotes -= 1,
            '(' => depth += 1,
            ')' if depth == 0 => return i,
            ')' => depth -= 1,
            ';' | '\n' if quotes <= 0 => return i,
            '.' if quotes <= 0 && chars.get(k + 1).is_none_or(|&(_, n)| n.is_whitespace()) => {
                return i
            }
            _ => {}
        }
    }
    tail.len()
}

/// A capitalised host type word with no number ("theo Kế hoạch.", "ban hành Kế hoạch thực
/// hiện ...") names the document itself; headings and titles ("KẾ HOẠCH", a line starting with
/// it) do not.
fn is_bare_self_mention(
    text: &str,
    index: &CharIndex,
    start: usize,
    word_end: usize,
    rest: &str,
) -> bool {
    let surface = index.slice(text, start, word_end);
    let title_case = surface.chars().skip(1).any(char::is_lowercase);
    let line_start = index.line_start(start);
    let at_line_start = index
        .slice(text, line_start, start)
        .trim_matches(|c: char| c.is_whitespace() || c == '*' || c == '-')
        .is_empty();
    let next = rest.trim_start_matches([' ', '\t']);
    let continues_as_name = next.starts_with(|c: char| c.is_uppercase() || c == '“' || c == '"');
    title_case && !at_line_start && !continues_as_name
}

fn self_reference(
    type_word: &str,
    surface: &str,
    start: usize,
    end: usize,
    rule: &'static str,
    confidence: f32,
    span: &dyn Fn(usize, usize) -> Span,
) -> Reference {
    Reference {
        id: String::new(),
        kind: ReferenceKind::SelfReference,
        doc_type: DocTypeField {
            value: type_word.to_owned(),
            surface: surface.to_owned(),
            code: None,
        },
        number: None,
        date: None,
        issuer: None,
        subject: None,
        relation: None,
        parent: None,
        antecedent: None,
        resolves_to: Some("self".to_owned()),
        span: span(start, end),
        rule,
        confidence,
        warnings: Vec::new(),
        start,
        end,
        subject_range: None,
    }
}

/// Marks later mentions of a document as short, the host's own number as self, and points each
/// at the document's key.
fn resolve(found: &mut [Reference], host: &DocumentMeta) {
    let host_number = host.number.as_ref().map(|n| n.value.as_str());
    let mut seen: Vec<String> = Vec::new();
    for reference in found.iter_mut() {
        let Some(number) = reference.number.as_ref().map(|n| n.value.clone()) else {
            continue;
        };
        reference.resolves_to = Some(entity_key(reference));
        if Some(number.as_str()) == host_number {
            reference.kind = ReferenceKind::SelfNumbered;
            reference.resolves_to = Some("self".to_owned());
            continue;
        }
        let first = !seen.contains(&number);
        if reference.kind == ReferenceKind::AliasDefinition {
            continue;
        }
        seen.push(number);
        if !first && reference.date.is_none() {
            reference.kind = ReferenceKind::Short;
        }
    }
}

/// The key an entity is merged on across mentions and documents: system, number and, for
/// Party numbers (which restart every term), the year when the mention gives it.
pub fn entity_key(reference: &Reference) -> String {
    let number = reference.number.as_ref().expect("numbered reference");
    let prefix = match number.system {
        System::Party => "vn-party",
        System::State => "vn-state",
    };
    format!("{prefix}:{}", number.value)
}

/// A reference inside another's subject is its child.
fn nest(found: &mut [Reference]) {
    for i in 0..found.len() {
        let (start, end) = (found[i].start, found[i].end);
        let parent = (0..found.len()).rev().find(|&j| {
            j != i
                && found[j]
                    .subject_range
                    .is_some_and(|(s, e)| s <= start && end <= e)
        });
        found[i].parent = parent.map(|j| format!("r{}", j + 1));
    }
}

/// Points short mentions and alias definitions at the first full mention of their document.
fn link_ids(found: &mut [Reference]) {
    for i in 0..found.len() {
        if !matches!(
            found[i].kind,
            ReferenceKind::Short | ReferenceKind::AliasDefinition
        ) {
            continue;
        }
        let number = found[i].number.as_ref().map(|n| n.value.clone());
        found[i].antecedent = found
            .iter()
            .find(|r| {
                r.kind == ReferenceKind::Full
                    && r.number.as_ref().map(|n| &n.value) == number.as_ref()
            })
            .map(|r| r.id.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_type_reads_the_type_code_of_both_systems() {
        assert_eq!(symbol_type("24-TT/TU"), Some((System::Party, "TT")));
        assert_eq!(symbol_type("42/2017/QĐ-UBND"), Some((System::State, "QĐ")));
        assert_eq!(symbol_type("115/QD-TTg"), Some((System::State, "QD")));
        assert_eq!(symbol_type("14/6/2022"), None);
    }
}
