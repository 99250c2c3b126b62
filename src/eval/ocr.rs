//! Scoring OCR against rendered truth: the character error rate (CER) of the raw OCR lines and of
//! the pipeline's final text, and pages per second.
//!
//! CER is the character edit distance divided by the truth's length, both texts first put in NFC
//! and the new tone style, with every run of whitespace (line and page breaks included) made one
//! space: line joining and blank lines between paragraphs are layout, not recognition errors.
//!
//! A fixture directory holds `NAME.gt` truth files (the rendered lines, pages separated by form
//! feeds) beside the documents made from them: `NAME.pdf`, `NAME.tiff`, or one image per page
//! `NAME-p001.png`, `NAME-p002.png`...

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::document::PageMethod;
use crate::error::{Error, Result};
use crate::ingest;
use crate::pipeline::Pipeline;
use crate::text::{tone, ToneStyle};

/// Character errors of a text against its truth.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Cer {
    pub edits: usize,
    pub truth_chars: usize,
    /// `edits / truth_chars` (0 for an empty truth matched exactly).
    pub rate: f64,
}

/// The form both texts are compared in.
pub fn normalize_for_cer(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    let toned = tone::apply(&nfc, ToneStyle::New).text;
    toned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The character error rate of `hypothesis` against `truth`.
pub fn cer(truth: &str, hypothesis: &str) -> Cer {
    let truth = normalize_for_cer(truth);
    let hypothesis = normalize_for_cer(hypothesis);
    let edits = strsim::levenshtein(&truth, &hypothesis);
    let truth_chars = truth.chars().count();
    let rate = if truth_chars == 0 {
        f64::from(u8::from(edits > 0))
    } else {
        edits as f64 / truth_chars as f64
    };
    Cer {
        edits,
        truth_chars,
        rate,
    }
}

/// Word errors of a text against its truth: word edit distance over the page, words compared
/// as `vanban eval ocr-roundtrip` does (case and tone placement folded, outer punctuation
/// trimmed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Wer {
    pub edits: usize,
    pub truth_words: usize,
    pub rate: f64,
}

/// The word error rate of `hypothesis` against `truth`.
pub fn wer(truth: &str, hypothesis: &str) -> Wer {
    let truth = super::ocr_roundtrip::words(truth);
    let hypothesis = super::ocr_roundtrip::words(hypothesis);
    let edits = super::ocr_roundtrip::edit_distance(&truth, &hypothesis);
    Wer {
        edits,
        truth_words: truth.len(),
        rate: edits as f64 / truth.len().max(1) as f64,
    }
}

/// A truth file and the document files rendered from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixture {
    pub name: String,
    pub truth: PathBuf,
    /// One file, or one image per page in page order.
    pub inputs: Vec<PathBuf>,
}

/// The fixtures of `dir`, sorted by name. A truth file without documents is an error.
pub fn fixtures(dir: &Path) -> Result<Vec<Fixture>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .map(|entry| entry.map(|e| e.path()).map_err(|e| Error::io(dir, e)))
        .collect::<Result<_>>()?;
    files.sort();
    let mut out = Vec::new();
    for truth in files
        .iter()
        .filter(|p| p.extension() == Some("gt".as_ref()))
    {
        let name = stem(truth);
        let inputs: Vec<PathBuf> = files
            .iter()
            .filter(|p| p.extension() != Some("gt".as_ref()))
            .filter(|p| {
                let other = stem(p);
                other == name
                    || other.strip_prefix(&name).is_some_and(|rest| {
                        rest.len() > 2
                            && rest.starts_with("-p")
                            && rest[2..].bytes().all(|b| b.is_ascii_digit())
                    })
            })
            .cloned()
            .collect();
        if inputs.is_empty() {
            return Err(Error::InvalidInput {
                path: truth.clone(),
                reason: format!("no document named {name}.* or {name}-pNNN.* beside it"),
            });
        }
        out.push(Fixture {
            name,
            truth: truth.clone(),
            inputs,
        });
    }
    if out.is_empty() {
        return Err(Error::NoDocuments {
            path: dir.to_owned(),
            expected: "NAME.gt truth files beside their documents".to_owned(),
        });
    }
    Ok(out)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// One fixture's scores.
#[derive(Debug, Clone, Serialize)]
pub struct FixtureScore {
    pub name: String,
    pub pages: usize,
    /// How the pages were read (`ocr`, `pdf_text_layer`), as in `source.pages[].method`.
    pub methods: Vec<PageMethod>,
    /// The raw page lines (OCR or text layer), before any text stage.
    pub raw: Cer,
    /// The final text of the pipeline (normalized, joined, restored).
    pub pipeline: Cer,
    pub raw_wer: Wer,
    pub pipeline_wer: Wer,
    /// Bytes of the document's JSON record.
    pub json_bytes: usize,
    /// Seconds reading the pages (decoding, OCR) and running the later stages.
    pub ingest_seconds: f64,
    pub stages_seconds: f64,
    pub pages_per_second: f64,
}

/// Reads, OCRs and processes every input of `fixture` and scores it against its truth.
pub fn evaluate(pipeline: &Pipeline, fixture: &Fixture) -> Result<FixtureScore> {
    let truth =
        std::fs::read_to_string(&fixture.truth).map_err(|e| Error::io(&fixture.truth, e))?;
    let mut raw = Vec::new();
    let mut content = Vec::new();
    let mut methods = Vec::new();
    let (mut ingest_seconds, mut stages_seconds) = (0.0, 0.0);
    let mut json_bytes = 0;
    for input in &fixture.inputs {
        let started = Instant::now();
        let ingested = ingest::ingest(input, &pipeline.options().ingest)?;
        let ingested_at = Instant::now();
        methods.extend(ingested.pages.iter().map(|p| p.method));
        raw.push(ingested.raw.text.clone());
        let record = pipeline.process_ingested(ingested, &input.display().to_string());
        json_bytes += serde_json::to_vec(&record).map_or(0, |json| json.len());
        content.push(record.text.content);
        stages_seconds += ingested_at.elapsed().as_secs_f64();
        ingest_seconds += (ingested_at - started).as_secs_f64();
    }
    let pages = methods.len();
    Ok(FixtureScore {
        name: fixture.name.clone(),
        pages,
        methods,
        raw: cer(&truth, &raw.join("\u{c}")),
        pipeline: cer(&truth, &content.join("\u{c}")),
        raw_wer: wer(&truth, &raw.join("\u{c}")),
        pipeline_wer: wer(&truth, &content.join("\u{c}")),
        json_bytes,
        ingest_seconds,
        stages_seconds,
        pages_per_second: pages as f64 / (ingest_seconds + stages_seconds),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_tone_style_are_not_errors() {
        let score = cer("Hòa bình\nđộc lập\u{c}tự do", "Hoà  bình độc\n\nlập tự do ");
        assert_eq!(score.edits, 0);
        assert_eq!(score.truth_chars, "Hòa bình độc lập tự do".chars().count());
    }

    #[test]
    fn a_lost_mark_is_one_error_per_character() {
        let score = cer("của Đảng", "cua Đang");
        assert_eq!((score.edits, score.truth_chars), (2, 8));
        assert_eq!(score.rate, 0.25);
    }

    #[test]
    fn word_errors_count_whole_words_and_ignore_layout() {
        let score = wer("Số 12/QĐ ngày 26 tháng 3", "Số 12/QD ngày\n26tháng 3");
        assert_eq!((score.edits, score.truth_words), (3, 6));
    }

    #[test]
    fn decomposed_marks_count_as_their_composed_letter() {
        assert_eq!(cer("ế", "e\u{302}\u{301}").edits, 0);
    }
}
