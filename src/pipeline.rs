//! Runs every stage for one input: ingest → normalize → restore → parse → JSON record.

use std::path::Path;

use crate::document::PageEvent;
use crate::document::{Line, OffsetMap, Page, PageMethod, RawText, Span, SpanMapper};
use crate::error::Result;
use crate::ingest::{self, IngestOptions, Ingested};
use crate::ocr::OcrOptions;
use crate::parse;
use crate::restore::OffsetShifts;
use crate::restore::{InputKind, RestoreOptions, RestoredToken, Restorer, SymbolReadings};
use crate::schema::{
    DocumentRecord, LineRecord, PageRecord, RestorationRecord, SourceRecord, TextRecord,
    TokenRecord, WordRecord, OFFSET_UNIT, SCHEMA_VERSION,
};
use crate::text::{self, NormalizeOptions, ToneStyle};

/// Everything that decides the output for a given input. Two runs with equal options over the
/// same input produce byte-identical JSON.
#[derive(Debug, Clone, Default)]
pub struct PipelineOptions {
    pub ingest: IngestOptions,
    pub normalize: NormalizeOptions,
    /// Diacritic restoration with the embedded model; `None` leaves the text as normalized.
    pub restore: Option<RestoreOptions>,
    /// Leave each line's words out of the JSON (smaller output; lines keep their boxes).
    pub omit_words: bool,
}

/// A processed document with what the archival exports (ALTO, hOCR, searchable PDF) need beside
/// its JSON record: the pages as ingested, with their lines, words and boxes, and where each
/// character of the record's text came from in the raw text those pages make.
#[derive(Debug, Clone)]
pub struct Processed {
    pub record: DocumentRecord,
    pub pages: Vec<Page>,
    pub raw: RawText,
    /// For each character of `record.text.content`, the raw characters it came from.
    pub text_to_raw: OffsetMap,
}

impl PipelineOptions {
    /// The options `vanban process` builds from its flags (`--lang`, `--tone`, `--keep-lines`,
    /// `--no-restore`); the Python binding builds its pipelines here too, so both write the same
    /// records for the same settings.
    pub fn for_process(
        ocr_language: &str,
        tone_style: ToneStyle,
        keep_lines: bool,
        restore: bool,
    ) -> Self {
        PipelineOptions {
            ingest: IngestOptions {
                ocr: OcrOptions {
                    language: ocr_language.to_owned(),
                    ..OcrOptions::default()
                },
            },
            normalize: NormalizeOptions {
                tone_style,
                join_lines: !keep_lines,
            },
            restore: restore.then(|| RestoreOptions {
                tone_style,
                ..RestoreOptions::default()
            }),
            omit_words: false,
        }
    }
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

    /// The pipeline `vanban process --overlay FILE` runs: the embedded model with the overlay
    /// at `overlay` folded in, or [`Self::new`] without one. A missing or damaged overlay is an
    /// error naming the file (even when `options` do not restore, as the command checks it).
    pub fn with_overlay(options: PipelineOptions, overlay: Option<&Path>) -> Result<Self> {
        match overlay {
            Some(overlay) => {
                let model = crate::model::Model::load(None, Some(overlay))?;
                let restorer = Restorer::new(std::sync::Arc::new(model));
                Ok(Pipeline::with_restorer(options, restorer))
            }
            None => Ok(Pipeline::new(options)),
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
        self.process_file_with_layout(path, display_path, on_page)
            .map(|processed| processed.record)
    }

    /// [`Self::process_file_observed`], keeping the pages and offset maps for the exports.
    pub fn process_file_with_layout(
        &self,
        path: &Path,
        display_path: &str,
        on_page: &(dyn Fn(PageEvent) + Sync),
    ) -> Result<Processed> {
        let ingested = ingest::ingest_observed(path, &self.options.ingest, on_page)?;
        Ok(self.process_ingested_with_layout(ingested, display_path))
    }

    /// Runs the text stages over an already ingested document.
    pub fn process_ingested(&self, ingested: Ingested, display_path: &str) -> DocumentRecord {
        self.process_ingested_with_layout(ingested, display_path)
            .record
    }

    /// [`Self::process_ingested`], keeping the pages and offset maps for the exports.
    pub fn process_ingested_with_layout(
        &self,
        ingested: Ingested,
        display_path: &str,
    ) -> Processed {
        let encoding = ingested.encoding.unwrap_or(crate::text::Encoding::Utf8);
        // Running heads, page numbers and signature stamps stay in the raw text and the page
        // lines, but not in what the restorer and the parser read.
        let (body, body_to_raw) = ingested.raw.without_furniture(&ingested.pages);
        let normalized = text::normalize(&body, encoding, &self.options.normalize);
        let mut content = normalized.text;
        // Restoration changes marks, one character for one, except where OCR repair changes a
        // word's length (`ciia` → `của`): `shifts` maps restored offsets back to normalized ones.
        let to_raw: OffsetMap = body_to_raw.compose(&normalized.to_raw);
        let spans = SpanMapper::new(&to_raw, &ingested.raw);
        let mut shifts = OffsetShifts::default();
        let mut restored_to_normalized = None;
        let restoration = match (&self.restorer, &self.options.restore) {
            (Some(restorer), Some(options)) => {
                let options = &RestoreOptions {
                    input_kind: input_kind(&ingested.pages, options.input_kind),
                    ..*options
                };
                let mut worker = restorer.new_worker();
                worker.read_symbols(SymbolReadings::from_pages(
                    &ingested.pages,
                    &ingested.raw,
                    &content,
                    &to_raw,
                ));
                let restored = worker.restore(&content, options);
                restored_to_normalized = Some(restored_to_input(
                    &restored.tokens,
                    restored.text.chars().count(),
                    to_raw.len(),
                ));
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
        let text_to_raw = match &restored_to_normalized {
            Some(map) => to_raw.compose(map),
            None => to_raw.clone(),
        };
        let record = DocumentRecord {
            schema_version: SCHEMA_VERSION,
            document_id: format!("sha256:{}", ingested.sha256),
            source: source_record(
                &ingested,
                display_path,
                !self.options.omit_words,
                self.options.ingest.ocr.alternatives,
            ),
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
        };
        Processed {
            record,
            pages: ingested.pages,
            raw: ingested.raw,
            text_to_raw,
        }
    }
}

/// For each character of the restored text, the input characters it replaced: one for one
/// outside the tokens whose length changed (`ciia` → `của`), the token's whole input inside them.
fn restored_to_input(tokens: &[RestoredToken], restored_len: usize, input_len: usize) -> OffsetMap {
    let mut map = OffsetMap::with_source_len(input_len);
    let mut output = 0usize;
    // Input offset minus output offset after the last length-changing token.
    let mut delta = 0isize;
    let copy_until = |map: &mut OffsetMap, output: &mut usize, end: usize, delta: isize| {
        while *output < end {
            let at = (*output as isize + delta).clamp(0, input_len as isize) as usize;
            map.push(at, (at + 1).min(input_len));
            *output += 1;
        }
    };
    let changed = tokens
        .iter()
        .filter(|t| t.output_end - t.output_start != t.input_end - t.input_start);
    for token in changed {
        copy_until(&mut map, &mut output, token.output_start, delta);
        for _ in token.output_start..token.output_end {
            map.push(token.input_start, token.input_end);
        }
        output = output.max(token.output_end);
        delta = token.input_end as isize - token.output_end as isize;
    }
    copy_until(&mut map, &mut output, restored_len, delta);
    map
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

fn source_record(
    ingested: &Ingested,
    display_path: &str,
    with_words: bool,
    with_alternatives: bool,
) -> SourceRecord {
    let pages = page_records(ingested, &ingested.raw, with_words, with_alternatives);
    SourceRecord {
        path: display_path.to_owned(),
        sha256: ingested.sha256.clone(),
        bytes: ingested.byte_len,
        kind: ingested.kind,
        encoding: ingested.encoding,
        pages,
    }
}

/// The pages' records; the words' alternatives only `with_alternatives`: Tesseract reads them for
/// the restorer too, but they make the JSON several times larger.
fn page_records(
    ingested: &Ingested,
    raw: &RawText,
    with_words: bool,
    with_alternatives: bool,
) -> Vec<PageRecord> {
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
                        furniture: line.furniture,
                        words: if with_words {
                            word_records(line, at.start, with_alternatives)
                        } else {
                            Vec::new()
                        },
                    })
                    .collect()
            } else {
                Vec::new()
            };
            PageRecord {
                number: page.number,
                method: page.method,
                unit: page.method.unit(),
                width: page.width,
                height: page.height,
                ocr_language: page.ocr_language.clone(),
                raw_start,
                raw_end,
                line_count: page.lines.len(),
                lines,
                removed: page.removed.clone(),
            }
        })
        .collect()
}

/// The words of a line that starts at raw offset `line_start`.
fn word_records(line: &Line, line_start: usize, with_alternatives: bool) -> Vec<WordRecord> {
    line.words
        .iter()
        .map(|word| WordRecord {
            text: word.text.clone(),
            raw_start: line_start + word.start,
            raw_end: line_start + word.end,
            bbox: word.bbox,
            confidence: word.confidence,
            baseline: word.baseline,
            font_size: word.font_size,
            alternatives: if with_alternatives {
                word.alternatives.clone()
            } else {
                Vec::new()
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(input: (usize, usize), output: (usize, usize), text: (&str, &str)) -> RestoredToken {
        RestoredToken {
            input_start: input.0,
            input_end: input.1,
            output_start: output.0,
            output_end: output.1,
            input: text.0.to_owned(),
            output: text.1.to_owned(),
            confidence: 1.0,
            alternatives: Vec::new(),
        }
    }

    #[test]
    fn restored_characters_map_to_the_ocr_word_they_replaced() {
        // "ciia Pang" → "của Đảng": the shorter word maps as a whole, the rest one to one.
        let tokens = [
            token((0, 4), (0, 3), ("ciia", "của")),
            token((5, 9), (4, 8), ("Pang", "Đảng")),
        ];
        let map = restored_to_input(&tokens, 8, 9);
        let spans: Vec<(usize, usize)> = (0..8).map(|i| map.source_span(i, i + 1)).collect();
        assert_eq!(
            spans,
            [
                (0, 4),
                (0, 4),
                (0, 4),
                (4, 5),
                (5, 6),
                (6, 7),
                (7, 8),
                (8, 9)
            ]
        );
    }
}
