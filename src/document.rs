//! The document as it flows through the pipeline: pages of lines from ingestion, the raw text they
//! make, and the offset maps that let every later stage point back into that raw text.
//!
//! All offsets are counted in Unicode scalar values (`char`s), never bytes, because that is what
//! JSON consumers in other languages index by most easily and what the gold sets use.

use serde::{Deserialize, Serialize};

/// What an input file was, as far as ingestion could tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Text,
    Image,
    Pdf,
}

/// A rectangle on a page, in the page's [`Unit`] from its top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BBox {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// The unit of a page's width, height and boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Pixels of the page image (OCR).
    Px,
    /// PDF points (1/72 inch) from the page's top-left corner (PDF text layers).
    Pt,
}

/// How the text of a page was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageMethod {
    /// A plain-text file: one page, its lines are the file's lines.
    Text,
    /// The text layer of a born-digital PDF.
    PdfTextLayer,
    /// Tesseract on the page image.
    Ocr,
}

impl PageMethod {
    /// What the page's width, height and boxes are measured in; a text file has none.
    pub fn unit(self) -> Option<Unit> {
        match self {
            PageMethod::Text => None,
            PageMethod::PdfTextLayer => Some(Unit::Pt),
            PageMethod::Ocr => Some(Unit::Px),
        }
    }
}

/// Print that repeats on the pages rather than belonging to the document: it is kept in the
/// page's lines (and the raw text) but left out of the text the restorer and the parser read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Furniture {
    /// A heading or footer repeated on most pages (`CÔNG BÁO/Số 85 + 86/Ngày 17-01-2022`).
    RunningHead,
    /// A page number alone at the top or bottom of a page.
    PageNumber,
    /// A publisher's digital-signature stamp (`Người ký:`, `Email:`, `Cơ quan:`, `Thời gian ký:`).
    SignatureStamp,
}

/// Labels that open a publisher's digital-signature stamp (`Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH
/// PHỦ`, `Ký bởi: CÔNG BÁO …`). PDF layout marks the stamp's lines from them, and the parser
/// skips them in text that has no layout (a gazette saved as text).
pub const SIGNATURE_STAMP_OPENERS: &[&str] = &["Người ký:", "Ký bởi:"];
/// Labels of a digital-signature stamp's other lines.
pub const SIGNATURE_STAMP_FIELDS: &[&str] = &["Email:", "Cơ quan:", "Thời gian ký:", "Ngày ký:"];

/// One word of a line, where the page shows it. OCR and PDF text layers both give words with
/// boxes; the layout, the parser's header reading and the archival exports (ALTO, hOCR, PDF text
/// layers) all start from these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    pub bbox: BBox,
    /// Recognition confidence in 0..=1 (OCR only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    /// Character range of the word within its line's `text`.
    pub start: usize,
    pub end: usize,
    /// Where the word sits on its line (OCR only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    /// Height of the word's row, ascenders to descenders, in pixels (OCR only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font_size: Option<u32>,
    /// Tesseract's other readings of the word's symbols, where it had any (OCR with
    /// alternatives asked for only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<SymbolChoices>,
}

/// A word's baseline: the line through `(x1, y1)` and `(x2, y2)`, in page pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub x1: i32,
    pub y1: i32,
    pub x2: i32,
    pub y2: i32,
}

/// One candidate reading of a symbol and Tesseract's confidence in it (0..=1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub text: String,
    pub confidence: f32,
}

/// The candidates for the symbol at characters `start..end` of a word, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SymbolChoices {
    pub start: usize,
    pub end: usize,
    pub choices: Vec<Choice>,
}

/// A token OCR read but vanban dropped as noise, kept so nothing disappears silently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Removed {
    pub text: String,
    pub bbox: BBox,
    pub confidence: f32,
    pub reason: RemovalReason,
}

/// Why a token was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalReason {
    /// No letter or digit and unsure, or letters Tesseract doubted in a box much smaller than
    /// its line's letters: a speck.
    Speck,
    /// Punctuation Tesseract was unsure of where text does not put it (`.LUẬT`, `kín..`).
    UnsurePunctuation,
}

/// One line of a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bbox: Option<BBox>,
    /// Mean word confidence in 0..=1 when the line came from OCR.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    /// The line's words with their boxes, when the source has geometry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Word>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub furniture: Option<Furniture>,
}

impl Line {
    pub fn plain(text: impl Into<String>) -> Self {
        Line {
            text: text.into(),
            bbox: None,
            confidence: None,
            words: Vec::new(),
            furniture: None,
        }
    }
}

/// Progress of one document's pages, for progress bars: how many pages it has, once known, then
/// one `Done` per page read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageEvent {
    Found(usize),
    Done,
}

/// One page of an ingested document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    pub method: PageMethod,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Tesseract language string (`vie`, `eng`, `vie+eng`) for OCR'd pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocr_language: Option<String>,
    pub lines: Vec<Line>,
    /// Tokens OCR read and vanban dropped as noise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<Removed>,
}

/// Where one line of the raw text sits: its page and line number and its character range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRef {
    pub page: u32,
    /// 1-based line number within the page.
    pub line: u32,
    pub start: usize,
    pub end: usize,
}

/// The raw text of a document and where each of its lines came from.
///
/// For a text file this is the decoded file content itself, so raw offsets are offsets into the
/// file as a reader sees it. For paged sources the lines of a page are joined by `\n` and pages are
/// separated by a form feed (`\u{c}`), as `pdftotext` does.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawText {
    pub text: String,
    pub lines: Vec<LineRef>,
}

impl RawText {
    /// A text file's content as a single page.
    pub fn from_text(text: String) -> Self {
        let mut lines = Vec::new();
        let mut start = 0usize;
        let mut line_no = 1u32;
        let mut pos = 0usize;
        for c in text.chars() {
            if c == '\n' {
                lines.push(LineRef {
                    page: 1,
                    line: line_no,
                    start,
                    end: pos,
                });
                line_no += 1;
                start = pos + 1;
            }
            pos += 1;
        }
        lines.push(LineRef {
            page: 1,
            line: line_no,
            start,
            end: pos,
        });
        RawText { text, lines }
    }

    /// Joins the lines of pages into one text, remembering where each line went.
    pub fn from_pages(pages: &[Page]) -> Self {
        let mut text = String::new();
        let mut lines = Vec::new();
        let mut pos = 0usize;
        for (page_index, page) in pages.iter().enumerate() {
            if page_index > 0 {
                text.push('\u{c}');
                pos += 1;
            }
            for (line_index, line) in page.lines.iter().enumerate() {
                if line_index > 0 {
                    text.push('\n');
                    pos += 1;
                }
                let len = line.text.chars().count();
                lines.push(LineRef {
                    page: page.number,
                    line: line_index as u32 + 1,
                    start: pos,
                    end: pos + len,
                });
                text.push_str(&line.text);
                pos += len;
            }
        }
        RawText { text, lines }
    }

    /// The text without the pages' furniture lines (each with the line break after it), and the
    /// map from that text back to this one: what the restorer and the parser read.
    pub fn without_furniture(&self, pages: &[Page]) -> (String, OffsetMap) {
        let furniture: Vec<(usize, usize)> = pages
            .iter()
            .flat_map(|page| page.lines.iter().map(move |line| (page.number, line)))
            .zip(&self.lines)
            .filter(|((_, line), _)| line.furniture.is_some())
            .map(|(_, at)| (at.start, at.end))
            .collect();
        let source_len = self.char_len().max(self.text.chars().count());
        let mut map = OffsetMap::with_source_len(source_len);
        let mut text = String::with_capacity(self.text.len());
        let mut next = furniture.iter().peekable();
        let mut skip_newline_at = None;
        for (at, c) in self.text.chars().enumerate() {
            while next.peek().is_some_and(|&&(_, end)| end < at) {
                next.next();
            }
            let inside = next
                .peek()
                .is_some_and(|&&(start, end)| start <= at && at < end);
            if let Some(&&(_, end)) = next.peek() {
                if at == end {
                    skip_newline_at = Some(end);
                }
            }
            if inside || (skip_newline_at == Some(at) && c == '\n') {
                continue;
            }
            map.push(at, at + 1);
            text.push(c);
        }
        (text, map)
    }

    pub fn char_len(&self) -> usize {
        self.lines.last().map_or(0, |l| l.end)
    }

    /// The line holding raw offset `offset` (a separator belongs to the line it ends).
    pub fn line_at(&self, offset: usize) -> Option<&LineRef> {
        let index = self.lines.partition_point(|l| l.end < offset);
        self.lines.get(index)
    }
}

/// For each character of a derived text, the range of source characters it came from.
///
/// Stages that rewrite text (legacy decoding, NFC, cleaning, line joining, restoration) each
/// produce one of these; [`OffsetMap::compose`] chains them so a span found by the parser in the
/// final text can be reported in raw-input coordinates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OffsetMap {
    starts: Vec<u32>,
    ends: Vec<u32>,
    source_len: u32,
}

impl OffsetMap {
    /// The map of a stage that changed nothing.
    pub fn identity(len: usize) -> Self {
        let starts: Vec<u32> = (0..len as u32).collect();
        let ends = (1..=len as u32).collect();
        OffsetMap {
            starts,
            ends,
            source_len: len as u32,
        }
    }

    /// An empty map over a source of `source_len` characters, to be filled with [`Self::push`].
    pub fn with_source_len(source_len: usize) -> Self {
        OffsetMap {
            starts: Vec::new(),
            ends: Vec::new(),
            source_len: source_len as u32,
        }
    }

    /// Records that the next output character came from source characters `start..end`
    /// (`start == end` for an inserted character).
    pub fn push(&mut self, start: usize, end: usize) {
        debug_assert!(start <= end && end <= self.source_len as usize);
        self.starts.push(start as u32);
        self.ends.push(end as u32);
    }

    /// Number of characters in the derived text.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    pub fn source_len(&self) -> usize {
        self.source_len as usize
    }

    /// The source range covered by derived characters `start..end`.
    pub fn source_span(&self, start: usize, end: usize) -> (usize, usize) {
        let len = self.len();
        let start = start.min(len);
        let end = end.clamp(start, len);
        if start == end {
            let at = if start < len {
                self.starts[start]
            } else {
                self.source_len
            };
            return (at as usize, at as usize);
        }
        let source_start = self.starts[start..end].iter().min().copied().unwrap_or(0);
        let source_end = self.ends[start..end].iter().max().copied().unwrap_or(0);
        (source_start as usize, source_end as usize)
    }

    /// The map from `next`'s output straight to `self`'s source, where `next` was derived from
    /// the text that `self` produced.
    pub fn compose(&self, next: &OffsetMap) -> OffsetMap {
        debug_assert_eq!(next.source_len(), self.len());
        let mut out = OffsetMap::with_source_len(self.source_len());
        for i in 0..next.len() {
            let (s, e) = self.source_span(next.starts[i] as usize, next.ends[i] as usize);
            out.push(s, e);
        }
        out
    }
}

/// A span reported in JSON: offsets into the processed text and into the raw input, plus the
/// page and line of its start when the raw input has lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub raw_start: usize,
    pub raw_end: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// Turns offsets in the processed text into full [`Span`]s.
#[derive(Debug, Clone)]
pub struct SpanMapper<'a> {
    to_raw: &'a OffsetMap,
    raw: &'a RawText,
}

impl<'a> SpanMapper<'a> {
    pub fn new(to_raw: &'a OffsetMap, raw: &'a RawText) -> Self {
        SpanMapper { to_raw, raw }
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        let (raw_start, raw_end) = self.to_raw.source_span(start, end);
        let line = self.raw.line_at(raw_start);
        Span {
            start,
            end,
            raw_start,
            raw_end,
            page: line.map(|l| l.page),
            line: line.map(|l| l.line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_follows_both_maps() {
        // "a\u{301}b" -> "áb" (NFC) -> "áxb" (insert x)
        let mut nfc = OffsetMap::with_source_len(3);
        nfc.push(0, 2);
        nfc.push(2, 3);
        let mut insert = OffsetMap::with_source_len(2);
        insert.push(0, 1);
        insert.push(1, 1);
        insert.push(1, 2);
        let both = nfc.compose(&insert);
        assert_eq!(both.source_span(0, 1), (0, 2));
        assert_eq!(both.source_span(1, 2), (2, 2));
        assert_eq!(both.source_span(2, 3), (2, 3));
        assert_eq!(both.source_span(0, 3), (0, 3));
        assert_eq!(both.source_span(3, 3), (3, 3));
    }

    #[test]
    fn raw_text_from_pages_records_lines() {
        let pages = vec![
            Page {
                number: 1,
                method: PageMethod::Ocr,
                width: None,
                height: None,
                ocr_language: None,
                lines: vec![Line::plain("ab"), Line::plain("c")],
                removed: Vec::new(),
            },
            Page {
                number: 2,
                method: PageMethod::Ocr,
                width: None,
                height: None,
                ocr_language: None,
                lines: vec![Line::plain("de")],
                removed: Vec::new(),
            },
        ];
        let raw = RawText::from_pages(&pages);
        assert_eq!(raw.text, "ab\nc\u{c}de");
        let line = raw.line_at(6).unwrap();
        assert_eq!((line.page, line.line, line.start, line.end), (2, 1, 5, 7));
        let line = raw.line_at(3).unwrap();
        assert_eq!((line.page, line.line), (1, 2));
    }

    #[test]
    fn furniture_lines_leave_the_body_with_their_line_breaks() {
        let head = Line {
            furniture: Some(Furniture::RunningHead),
            ..Line::plain("CÔNG BÁO/Số 1")
        };
        let page = |number, lines| Page {
            number,
            method: PageMethod::PdfTextLayer,
            width: None,
            height: None,
            ocr_language: None,
            lines,
            removed: Vec::new(),
        };
        let pages = vec![
            page(1, vec![head.clone(), Line::plain("Số: 5/NĐ")]),
            page(2, vec![Line::plain("Điều 1"), head]),
        ];
        let raw = RawText::from_pages(&pages);
        let (body, map) = raw.without_furniture(&pages);
        assert_eq!(body, "Số: 5/NĐ\u{c}Điều 1\n");
        // "S" is raw character 14, after the head and its line break.
        assert_eq!(map.source_span(0, 1), (14, 15));
        assert_eq!(map.source_span(9, 10), (23, 24));
    }

    #[test]
    fn raw_text_from_text_counts_chars_not_bytes() {
        let raw = RawText::from_text("Đảng\nủy".to_string());
        assert_eq!(raw.lines.len(), 2);
        assert_eq!(raw.lines[1].start, 5);
        assert_eq!(raw.char_len(), 7);
    }
}
