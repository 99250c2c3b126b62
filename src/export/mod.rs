//! Archival outputs of a processed document: ALTO 4.4, hOCR 1.2, a searchable PDF and plain text.
//!
//! They all start from [`Layout`]: the pages, blocks, lines and words as the page showed them,
//! each word carrying the *restored* text found for it through the pipeline's offset maps, the
//! OCR's own reading, the restorer's n-best alternatives and the parser's tags (cited documents,
//! dates, the document's own number). A word keeps its box when the source had geometry; text
//! files give words without boxes, and every format handles that.

pub mod alto;
pub mod hocr;
pub mod pdf;
pub mod txt;

use std::collections::BTreeSet;

use crate::document::{BBox, Line, PageMethod};
use crate::pipeline::Processed;
use crate::schema::DocumentRecord;

/// The archival formats `vanban process --format` can write, besides JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Alto,
    Hocr,
    Pdf,
    Txt,
}

impl Format {
    /// The extension each document's output gets (`name.alto.xml`, ...).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Alto => "alto.xml",
            Format::Hocr => "hocr",
            Format::Pdf => "pdf",
            Format::Txt => "txt",
        }
    }
}

/// Software name and version written into the exports' metadata.
pub const SOFTWARE: &str = "vanban";
pub const SOFTWARE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A processed document laid out for export.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub pages: Vec<PageLayout>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PageLayout {
    pub number: u32,
    pub method: PageMethod,
    /// Page size in the unit of the word boxes (pixels for scans), when known.
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub blocks: Vec<BlockLayout>,
}

/// A run of lines between blank lines: a paragraph, as OCR and text files mark them.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockLayout {
    pub lines: Vec<LineLayout>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LineLayout {
    pub bbox: Option<BBox>,
    /// The y of the line's baseline, estimated from the bottoms of its words without descenders.
    pub baseline: Option<u32>,
    pub words: Vec<WordLayout>,
    /// The line ends in a hyphen that breaks a word across lines.
    pub hyphenated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WordLayout {
    /// The restored word.
    pub content: String,
    /// What the source said (the OCR reading or the text layer's word).
    pub source: String,
    pub bbox: Option<BBox>,
    /// Recognition confidence (OCR) or, failing that, the restorer's, in 0..=1.
    pub confidence: Option<f32>,
    /// Other readings, best first: the source's own when it differs, then the restorer's n-best.
    pub alternatives: Vec<String>,
    /// Indexes into [`Layout::tags`].
    pub tags: Vec<usize>,
}

impl BlockLayout {
    pub fn bbox(&self) -> Option<BBox> {
        union(self.lines.iter().filter_map(|l| l.bbox))
    }
}

/// What a tagged span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    DocumentNumber,
    CitedDocument,
    Date,
}

impl TagKind {
    pub fn name(self) -> &'static str {
        match self {
            TagKind::DocumentNumber => "document_number",
            TagKind::CitedDocument => "cited_document",
            TagKind::Date => "date",
        }
    }
}

/// A named entity of the parse, over a character range of the restored text.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub kind: TagKind,
    /// The normalized value: `23-KL/TW`, an entity key, an ISO date.
    pub label: String,
    /// The text as written.
    pub surface: String,
    pub start: usize,
    pub end: usize,
}

/// The smallest box holding all `boxes`.
pub fn union(boxes: impl IntoIterator<Item = BBox>) -> Option<BBox> {
    boxes.into_iter().reduce(|a, b| {
        let x = a.x.min(b.x);
        let y = a.y.min(b.y);
        let right = (a.x + a.width).max(b.x + b.width);
        let bottom = (a.y + a.height).max(b.y + b.height);
        BBox {
            x,
            y,
            width: right - x,
            height: bottom - y,
        }
    })
}

/// A word of a source line with its raw character range, before restoration is mapped onto it.
struct SourceWord {
    text: String,
    bbox: Option<BBox>,
    confidence: Option<f32>,
    raw_start: usize,
    raw_end: usize,
}

impl Layout {
    pub fn new(processed: &Processed) -> Layout {
        let record = &processed.record;
        let tags = tags(record);
        let restored: Vec<char> = record.text.content.chars().collect();
        // Every source word of the document in raw order, with where its line starts.
        let mut words: Vec<SourceWord> = Vec::new();
        let mut line_refs = processed.raw.lines.iter();
        // (page index, line index) → range in `words`.
        let mut line_words = Vec::new();
        for (page_index, page) in processed.pages.iter().enumerate() {
            for (line_index, line) in page.lines.iter().enumerate() {
                let raw_start = line_refs.next().map_or(0, |l| l.start);
                let first = words.len();
                words.extend(source_words(line, raw_start));
                line_words.push((page_index, line_index, first..words.len()));
            }
        }
        let ranges = restored_ranges(&words, &processed.text_to_raw, restored.len());

        let mut pages: Vec<PageLayout> = processed
            .pages
            .iter()
            .map(|page| PageLayout {
                number: page.number,
                method: page.method,
                width: page.width,
                height: page.height,
                blocks: vec![BlockLayout { lines: Vec::new() }],
            })
            .collect();
        for (page_index, line_index, range) in line_words {
            let page = &mut pages[page_index];
            let line: &Line = &processed.pages[page_index].lines[line_index];
            let mut laid: Vec<WordLayout> = Vec::new();
            for index in range {
                let source = &words[index];
                let Some((start, end)) = ranges[index] else {
                    // The restorer merged this word into the one before (`củ a` → `của`).
                    if let (Some(last), Some(bbox)) = (laid.last_mut(), source.bbox) {
                        last.bbox = union(last.bbox.into_iter().chain([bbox]));
                    }
                    continue;
                };
                laid.extend(restored_words(
                    source,
                    &restored[start..end],
                    start,
                    record,
                    &tags,
                ));
            }
            let blocks = &mut page.blocks;
            if laid.is_empty() {
                if line.text.trim().is_empty() && blocks.last().is_some_and(|b| !b.lines.is_empty())
                {
                    blocks.push(BlockLayout { lines: Vec::new() });
                }
                continue;
            }
            let hyphenated = line_index + 1 < processed.pages[page_index].lines.len()
                && laid.last().is_some_and(|w| breaks_word(&w.source));
            let bbox = line_box(&laid).or(line.bbox);
            if let Some(block) = blocks.last_mut() {
                block.lines.push(LineLayout {
                    bbox,
                    baseline: baseline(&laid, bbox),
                    words: laid,
                    hyphenated,
                });
            }
        }
        for page in &mut pages {
            page.blocks.retain(|b| !b.lines.is_empty());
        }
        Layout { pages, tags }
    }
}

/// The words of a line: its own when it has geometry, else its whitespace-separated tokens.
fn source_words(line: &Line, raw_start: usize) -> Vec<SourceWord> {
    if !line.words.is_empty() {
        return line
            .words
            .iter()
            .map(|w| SourceWord {
                text: w.text.clone(),
                bbox: Some(w.bbox),
                confidence: w.confidence,
                raw_start: raw_start + w.start,
                raw_end: raw_start + w.end,
            })
            .collect();
    }
    let mut words = Vec::new();
    let mut start = None;
    let chars: Vec<char> = line.text.chars().collect();
    for (i, &c) in chars.iter().chain([&' ']).enumerate() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                words.push(SourceWord {
                    text: chars[s..i].iter().collect(),
                    bbox: None,
                    confidence: None,
                    raw_start: raw_start + s,
                    raw_end: raw_start + i,
                });
                start = None;
            }
            _ => {}
        }
    }
    words
}

/// For each source word, the range of restored characters whose raw origin starts inside it.
/// Words are in raw order; a restored character that came from several words (a merge) goes to
/// the first.
fn restored_ranges(
    words: &[SourceWord],
    text_to_raw: &crate::document::OffsetMap,
    restored_len: usize,
) -> Vec<Option<(usize, usize)>> {
    let mut ranges: Vec<Option<(usize, usize)>> = vec![None; words.len()];
    for i in 0..restored_len.min(text_to_raw.len()) {
        let (raw, _) = text_to_raw.source_span(i, i + 1);
        let index = words.partition_point(|w| w.raw_end <= raw);
        let Some(word) = words.get(index) else {
            continue;
        };
        if word.raw_start > raw {
            continue;
        }
        let range = ranges[index].get_or_insert((i, i + 1));
        range.0 = range.0.min(i);
        range.1 = range.1.max(i + 1);
    }
    ranges
}

/// The restored form of one source word, split where the restorer split it (`quyếtđịnh` →
/// `quyết định`), each part with its share of the box by characters.
fn restored_words(
    source: &SourceWord,
    restored: &[char],
    restored_start: usize,
    record: &DocumentRecord,
    tags: &[Tag],
) -> Vec<WordLayout> {
    let mut parts: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in restored.iter().chain([&' ']).enumerate() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                parts.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    let total: usize = parts.iter().map(|(s, e)| e - s).sum();
    let mut before = 0usize;
    parts
        .iter()
        .map(|&(s, e)| {
            let content: String = restored[s..e].iter().collect();
            let bbox = source.bbox.map(|b| {
                let share = |n: usize| (b.width as usize * n / total.max(1)) as u32;
                let x = b.x + share(before);
                let right = b.x + share(before + e - s);
                BBox {
                    x,
                    y: b.y,
                    width: right - x,
                    height: b.height,
                }
            });
            before += e - s;
            let (start, end) = (restored_start + s, restored_start + e);
            let tokens = record
                .restoration
                .iter()
                .flat_map(|r| &r.tokens)
                .filter(|t| t.span.start < end && t.span.end > start);
            let mut alternatives = Vec::new();
            let mut restorer_confidence: Option<f32> = None;
            let mut push = |alternative: String| {
                if alternative != content && !alternatives.contains(&alternative) {
                    alternatives.push(alternative);
                }
            };
            if parts.len() == 1 {
                push(source.text.clone());
            }
            for token in tokens {
                restorer_confidence =
                    Some(restorer_confidence.map_or(token.confidence, |c| c.min(token.confidence)));
                // Put each alternative of the token in the token's place within the word.
                let from = token.span.start.max(start) - start;
                let to = token.span.end.min(end) - start;
                let chars: Vec<char> = content.chars().collect();
                let head: String = chars[..from.min(chars.len())].iter().collect();
                let tail: String = chars[to.min(chars.len())..].iter().collect();
                for alternative in &token.alternatives {
                    push(format!("{head}{}{tail}", alternative.text));
                }
            }
            let tag_ids = tags
                .iter()
                .enumerate()
                .filter(|(_, t)| t.start < end && t.end > start)
                .map(|(i, _)| i)
                .collect();
            WordLayout {
                content,
                source: source.text.clone(),
                bbox,
                confidence: source.confidence.or(restorer_confidence),
                alternatives,
                tags: tag_ids,
            }
        })
        .collect()
}

/// The body of a line: its words from left to right, from their median top to their lowest
/// bottom. A word's stacked marks (`ộ`, `ẫ`) reach into the line above; counted in, they make the
/// boxes of consecutive lines overlap, which layout consumers (and `hocr-check`) take for a
/// segmentation error.
fn line_box(words: &[WordLayout]) -> Option<BBox> {
    let boxes: Vec<BBox> = words.iter().filter_map(|w| w.bbox).collect();
    let all = union(boxes.iter().copied())?;
    let mut tops: Vec<u32> = boxes.iter().map(|b| b.y).collect();
    tops.sort_unstable();
    let top = tops[tops.len() / 2];
    let bottom = all.y + all.height;
    Some(BBox {
        y: top,
        height: bottom - top,
        ..all
    })
}

/// A line-final word broken by a hyphen: letters, then the hyphen.
fn breaks_word(word: &str) -> bool {
    let mut chars = word.chars().rev();
    matches!(chars.next(), Some('-' | '\u{2010}' | '\u{ad}'))
        && chars.next().is_some_and(char::is_alphabetic)
}

/// Characters that reach below the baseline (Vietnamese adds the dot below: `ạ`, `ộ`, `ỵ`);
/// words without them sit on it.
fn descends(c: char) -> bool {
    use unicode_normalization::char::decompose_canonical;
    let mut below = matches!(c, 'g' | 'j' | 'p' | 'q' | 'y' | ',' | ';' | '(' | ')');
    decompose_canonical(c, |part| below |= part == '\u{323}');
    below
}

/// The baseline as the median bottom of the words without descenders (or of all words).
fn baseline(words: &[WordLayout], line: Option<BBox>) -> Option<u32> {
    let bottoms = |sitting: bool| -> Vec<u32> {
        let mut v: Vec<u32> = words
            .iter()
            .filter(|w| !sitting || !w.source.chars().any(descends))
            .filter_map(|w| w.bbox.map(|b| b.y + b.height))
            .collect();
        v.sort_unstable();
        v
    };
    let mut values = bottoms(true);
    if values.is_empty() {
        values = bottoms(false);
    }
    values
        .get(values.len() / 2)
        .copied()
        .or(line.map(|b| b.y + b.height))
}

/// The parser's named entities as tags: the document's own number, cited documents, dates.
fn tags(record: &DocumentRecord) -> Vec<Tag> {
    let mut tags = Vec::new();
    if let Some(number) = &record.document.number {
        tags.push(Tag {
            kind: TagKind::DocumentNumber,
            label: number.value.clone(),
            surface: number.surface.clone(),
            start: number.span.start,
            end: number.span.end,
        });
    }
    for reference in &record.references {
        if reference.resolves_to.as_deref() == Some("self") {
            continue;
        }
        let label = reference
            .resolves_to
            .clone()
            .or_else(|| reference.number.as_ref().map(|n| n.value.clone()))
            .unwrap_or_else(|| reference.doc_type.value.clone());
        tags.push(Tag {
            kind: TagKind::CitedDocument,
            label,
            surface: span_text(record, reference.span.start, reference.span.end),
            start: reference.span.start,
            end: reference.span.end,
        });
    }
    for date in &record.dates {
        tags.push(Tag {
            kind: TagKind::Date,
            label: date.value.clone().unwrap_or_else(|| date.surface.clone()),
            surface: date.surface.clone(),
            start: date.span.start,
            end: date.span.end,
        });
    }
    // One tag per distinct (kind, label, place): a date inside a reference is both.
    let mut seen = BTreeSet::new();
    tags.retain(|t| seen.insert((t.kind.name(), t.label.clone(), t.start, t.end)));
    tags
}

fn span_text(record: &DocumentRecord, start: usize, end: usize) -> String {
    record
        .text
        .content
        .chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

/// Escapes text for XML attribute values and content.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids (controls other than tab/newline) are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x: u32, y: u32, height: u32) -> WordLayout {
        WordLayout {
            content: text.to_owned(),
            source: text.to_owned(),
            bbox: Some(BBox {
                x,
                y,
                width: 40,
                height,
            }),
            confidence: None,
            alternatives: Vec::new(),
            tags: Vec::new(),
        }
    }

    #[test]
    fn baseline_skips_words_that_reach_below_it() {
        // `nội` (dot below) and `gì` (descender) end lower than the baseline the others sit on.
        let words = [
            word("Ban", 0, 10, 30),
            word("nội", 50, 10, 36),
            word("gì", 100, 18, 30),
            word("Chỉ", 150, 8, 32),
        ];
        assert_eq!(baseline(&words, None), Some(40));
    }

    #[test]
    fn line_box_starts_at_the_median_word_top() {
        // `Độc` with its stacked marks starts 20 px above the others.
        let words = [
            word("Độc", 0, 0, 50),
            word("lập", 50, 20, 30),
            word("do", 100, 20, 30),
        ];
        let line = line_box(&words).unwrap();
        assert_eq!((line.x, line.y, line.width, line.height), (0, 20, 140, 30));
    }

    #[test]
    fn hyphen_at_a_line_end_breaks_a_word_only_after_a_letter() {
        assert!(breaks_word("chỉ-"));
        assert!(!breaks_word("2023-"));
        assert!(!breaks_word("-"));
    }
}
