//! Runs every stage for one input: ingest → normalize → restore → parse → JSON record.

use std::path::Path;

use crate::document::PageEvent;
use crate::document::{OffsetMap, Page, PageMethod, RawText, Span, SpanMapper};
use crate::error::Result;
use crate::ingest::{self, IngestOptions, Ingested};
use crate::parse;
use crate::restore::ocr::OffsetShifts;
use crate::restore::{InputKind, RestoreOptions, Restorer};
use crate::schema::{
    DocumentRecord, LineRecord, PageRecord, RestorationRecord, SourceRecord, TextRecord,
    TokenRecord, OFFSET_UNIT, SCHEMA_VERSION,
};
use crate::text::{self, NormalizeOptions};

/// Everything that decides the output for a given input. Two runs with equal options over the
/// same input produce byte-identical JSON.
#[derive(Debug, Clone, Default)]
pub struct PipelineOptions {
    pub ingest: IngestOptions,
    pub normalize: NormalizeOptions,
    /// Diacritic restoration with the embedded model; `None` leaves the text as normalized.
    pub restore: Option<RestoreOptions>,
}

/// The configured pipeline, shared read-only by all worker threads.
#[derive(Debug, Clone, Default)]
pub struct Pipeline {
    options: PipelineOptions,
    restorer: Option<std::sync::Arc<Restorer>>,
    /// Why restoration was asked for but is unavailable (reported as a warning per document).
    restore_error: Option<String>,
}

impl Pipeline {
    pub fn new(options: PipelineOptions) -> Self {
        let (restorer, restore_error) = match options.restore.map(|_| Restorer::embedded()) {
            Some(Ok(restorer)) => (Some(std::sync::Arc::new(restorer)), None),
            Some(Err(error)) => (None, Some(format!("restoration skipped: {error}"))),
            None => (None, None),
        };
        Pipeline {
            options,
            restorer,
            restore_error,
        }
    }

    /// A pipeline that restores with `restorer` (another model, or one with an overlay folded
    /// in) instead of the embedded model.
    pub fn with_restorer(options: PipelineOptions, restorer: Restorer) -> Self {
        Pipeline {
            restorer: options
                .restore
                .is_some()
                .then(|| std::sync::Arc::new(restorer)),
            options,
            restore_error: None,
        }
    }

    pub fn options(&self) -> &PipelineOptions {
        &self.options
    }

    /// Processes one file; `display_path` is how the file is named in the output.
    pub fn process_file(&self, path: &Path, display_path: &str) -> Result<DocumentRecord> {
        self.process_file_observed(path, display_path, &|_| {})
    }

    /// [`Self::process_file`], telling `on_page` about the pages as ingestion reads them.
    pub fn process_file_observed(
        &self,
        path: &Path,
        display_path: &str,
        on_page: &(dyn Fn(PageEvent) + Sync),
    ) -> Result<DocumentRecord> {
        let ingested = ingest::ingest_observed(path, &self.options.ingest, on_page)?;
        Ok(self.process_ingested(ingested, display_path))
    }

    /// Runs the text stages over an already ingested document.
    pub fn process_ingested(&self, ingested: Ingested, display_path: &str) -> DocumentRecord {
        let encoding = ingested.encoding.unwrap_or(crate::text::Encoding::Utf8);
        let normalized = text::normalize(&ingested.raw.text, encoding, &self.options.normalize);
        let mut content = normalized.text;
        // Restoration changes marks, one character for one, except where OCR repair changes a
        // word's length (`ciia` → `của`): `shifts` maps restored offsets back to normalized ones.
        let to_raw: OffsetMap = normalized.to_raw;
        let spans = SpanMapper::new(&to_raw, &ingested.raw);
        let mut shifts = OffsetShifts::default();
        let restoration = match (&self.restorer, &self.options.restore) {
            (Some(restorer), Some(options)) => {
                let options = &RestoreOptions {
                    input_kind: input_kind(&ingested.pages, options.input_kind),
                    ..*options
                };
                let restored = restorer.new_worker().restore(&content, options);
                content = restored.text;
                shifts = OffsetShifts::new(&restored.tokens);
                Some(RestorationRecord {
                    input_kind: restored.input_kind.unwrap_or(options.input_kind),
                    model: restorer.model().name().to_owned(),
                    tokens_changed: restored
                        .tokens
                        .iter()
                        .filter(|t| t.input != t.output)
                        .count(),
                    tokens: restored
                        .tokens
                        .into_iter()
                        .map(|t| TokenRecord {
                            span: Span {
                                start: t.output_start,
                                end: t.output_end,
                                ..spans.span(t.input_start, t.input_end)
                            },
                            input: t.input,
                            output: t.output,
                            confidence: t.confidence,
                            alternatives: t.alternatives,
                        })
                        .collect(),
                })
            }
            _ => None,
        };

        let parsed = parse::parse(&content, &|start, end| Span {
            start,
            end,
            ..spans.span(shifts.input_offset(start), shifts.input_offset(end))
        });
        DocumentRecord {
            schema_version: SCHEMA_VERSION,
            document_id: format!("sha256:{}", ingested.sha256),
            source: source_record(&ingested, display_path),
            text: TextRecord {
                offset_unit: OFFSET_UNIT,
                tone_style: self.options.normalize.tone_style,
                char_count: content.chars().count(),
                content,
                stages: normalized.stages,
            },
            restoration,
            document: parsed.document,
            dates: parsed.dates,
            references: parsed.references,
            entities: parsed.entities,
            warnings: ingested
                .warnings
                .into_iter()
                .chain(self.restore_error.clone())
                .collect(),
        }
    }
}

/// What the restorer should take the text for: `Auto` becomes the OCR kind of the Tesseract model
/// that read every page, since OCR output has its own errors (a dropped mark, `ciia` for `của`).
fn input_kind(pages: &[Page], requested: InputKind) -> InputKind {
    if requested != InputKind::Auto {
        return requested;
    }
    let language = |page: &Page| match (page.method, page.ocr_language.as_deref()) {
        (PageMethod::Ocr, Some(l)) if l.starts_with("vie") => Some(InputKind::OcrVie),
        (PageMethod::Ocr, Some(l)) if l.starts_with("eng") => Some(InputKind::OcrEng),
        _ => None,
    };
    let mut kinds = pages.iter().map(language);
    match kinds.next().flatten() {
        Some(first) if kinds.all(|k| k == Some(first)) => first,
        _ => InputKind::Auto,
    }
}

fn source_record(ingested: &Ingested, display_path: &str) -> SourceRecord {
    let pages = page_records(ingested, &ingested.raw);
    SourceRecord {
        path: display_path.to_owned(),
        sha256: ingested.sha256.clone(),
        bytes: ingested.byte_len,
        kind: ingested.kind,
        encoding: ingested.encoding,
        pages,
    }
}

fn page_records(ingested: &Ingested, raw: &RawText) -> Vec<PageRecord> {
    ingested
        .pages
        .iter()
        .map(|page| {
            let line_refs: Vec<_> = raw.lines.iter().filter(|l| l.page == page.number).collect();
            let raw_start = line_refs.first().map_or(0, |l| l.start);
            let raw_end = line_refs.last().map_or(raw_start, |l| l.end);
            let has_layout = page.lines.iter().any(|l| l.bbox.is_some());
            let lines = if has_layout {
                page.lines
                    .iter()
                    .zip(&line_refs)
                    .map(|(line, at)| LineRecord {
                        text: line.text.clone(),
                        raw_start: at.start,
                        raw_end: at.end,
                        bbox: line.bbox,
                        confidence: line.confidence,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            PageRecord {
                number: page.number,
                method: page.method,
                width: page.width,
                height: page.height,
                ocr_language: page.ocr_language.clone(),
                raw_start,
                raw_end,
                line_count: page.lines.len(),
                lines,
            }
        })
        .collect()
}
