//! The JSON contract: what `vanban process` writes for each document, each failure, and each
//! batch. `schema/vanban.schema.json` describes the same shapes and tests validate real outputs
//! against it; change both together and bump [`SCHEMA_VERSION`].

use serde::Serialize;

use crate::document::{
    BBox, Baseline, Furniture, PageMethod, Removed, SourceKind, Span, SymbolChoices, Unit,
};
use crate::error::{Error, ErrorKind};
use crate::parse::{DocumentMeta, Entity, FoundDate, Reference};
use crate::restore::{Alternative, InputKind};
use crate::text::{Encoding, StageReport, ToneStyle};

/// Semantic version of the JSON output. Consumers should reject a major version they do not know.
pub const SCHEMA_VERSION: &str = "2.0.0";

/// The offset unit of every span in the output.
pub const OFFSET_UNIT: &str = "unicode_scalar";

/// One processed document.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentRecord {
    pub schema_version: &'static str,
    /// `sha256:` + the hash of the input bytes: the same file always gets the same id.
    pub document_id: String,
    pub source: SourceRecord,
    pub text: TextRecord,
    pub restoration: Option<RestorationRecord>,
    pub document: DocumentMeta,
    pub dates: Vec<FoundDate>,
    pub references: Vec<Reference>,
    /// The distinct documents cited, merging their mentions.
    pub entities: Vec<Entity>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceRecord {
    /// The path as given on the command line (or found under a given directory).
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    pub kind: SourceKind,
    /// How a text file was decoded; absent for images and PDFs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
    pub pages: Vec<PageRecord>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageRecord {
    pub number: u32,
    pub method: PageMethod,
    /// What `width`, `height` and the line boxes count: PDF points or image pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocr_language: Option<String>,
    /// Character range of the page in the raw text.
    pub raw_start: usize,
    pub raw_end: usize,
    pub line_count: usize,
    /// Lines with their boxes, for OCR'd and PDF pages; a text file's lines are the file itself.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LineRecord>,
    /// Tokens OCR read and vanban dropped as noise, with their boxes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<Removed>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LineRecord {
    pub text: String,
    pub raw_start: usize,
    pub raw_end: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bbox: Option<BBox>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    /// Set on running heads, page numbers and signature stamps, which `text.content` leaves out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub furniture: Option<Furniture>,
    /// The line's words, where the page has geometry (absent with `--no-words`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<WordRecord>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WordRecord {
    pub text: String,
    /// Character range of the word in the raw text.
    pub raw_start: usize,
    pub raw_end: usize,
    pub bbox: BBox,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    /// Row height in pixels, ascenders to descenders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font_size: Option<u32>,
    /// Tesseract's readings of the word's uncertain symbols (`--ocr-alternatives`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<SymbolChoices>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TextRecord {
    pub offset_unit: &'static str,
    pub tone_style: ToneStyle,
    /// The normalized (and, when restoration ran, restored) text that every `start`/`end` offset
    /// in this record refers to. `raw_start`/`raw_end` refer to the raw input.
    pub content: String,
    pub char_count: usize,
    pub stages: Vec<StageReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RestorationRecord {
    pub input_kind: InputKind,
    pub model: String,
    pub tokens_changed: usize,
    pub tokens: Vec<TokenRecord>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TokenRecord {
    pub span: Span,
    pub input: String,
    pub output: String,
    pub confidence: f32,
    pub alternatives: Vec<Alternative>,
}

/// One input that could not be processed.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorRecord {
    pub path: String,
    pub kind: ErrorKind,
    pub message: String,
}

impl From<&Error> for ErrorRecord {
    fn from(error: &Error) -> Self {
        ErrorRecord {
            path: error.path().display().to_string(),
            kind: error.kind(),
            message: error.to_string(),
        }
    }
}

/// Counts for a whole batch.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SummaryRecord {
    pub schema_version: &'static str,
    pub inputs: usize,
    pub documents: usize,
    pub skipped: usize,
    pub errors: usize,
}

/// A line of `vanban process` JSON Lines output.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Message<'a> {
    Document(&'a DocumentRecord),
    Error(&'a ErrorRecord),
    /// A cited document merged across the batch (after every document, before the summary).
    Entity(&'a Entity),
    Summary(&'a SummaryRecord),
}
