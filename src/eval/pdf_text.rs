//! `vanban eval pdf-text`: the PDF text layer against `pdftotext -layout`, page by page, and the
//! parser's number, type and year on those PDFs against their gold.
//!
//! Both texts are compared after NFC and whitespace folding, with the furniture that vanban
//! marks (running heads, page numbers, signature stamps) taken out of both, so the score is
//! about the document's own text.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::document::Page;
use crate::error::{Error, Result};
use crate::ingest::{self, IngestOptions};
use crate::pipeline::{Pipeline, PipelineOptions};

/// The score of one PDF.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileScore {
    pub file: String,
    pub pages: usize,
    /// Edits between the two texts, and the length of pdftotext's, furniture excluded.
    pub edits: usize,
    pub reference_chars: usize,
    /// U+FFFD in vanban's text, and in pdftotext's.
    pub replacement_chars: usize,
    pub reference_replacement_chars: usize,
    pub furniture_lines: usize,
    /// Pages whose layer vanban rejects (they would be OCR'd), with the reason.
    pub rejected: Vec<(u32, String)>,
    /// Of those, the pages where pdftotext finds no text either.
    pub rejected_without_reference_text: usize,
    pub seconds: f64,
    pub pdftotext_seconds: f64,
    /// The parser on the whole pipeline's text, against the gold when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Fields>,
}

/// Document fields found, beside their gold.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Fields {
    pub number: Option<String>,
    pub doc_type: Option<String>,
    pub year: Option<u32>,
    pub gold_number: String,
    pub gold_doc_type: String,
    pub gold_year: u32,
}

impl Fields {
    pub fn number_ok(&self) -> bool {
        self.number.as_deref() == Some(self.gold_number.as_str())
    }
    pub fn doc_type_ok(&self) -> bool {
        self.doc_type.as_deref() == Some(self.gold_doc_type.as_str())
    }
    pub fn year_ok(&self) -> bool {
        self.year == Some(self.gold_year)
    }
}

/// One line of `gazette-dev.gold.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    pub file: String,
    pub number: String,
    pub doc_type: String,
    pub year: u32,
}

pub fn read_gold(path: &Path) -> Result<Vec<Gold>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l).map_err(|e| Error::Pdf {
                path: path.to_owned(),
                reason: format!("bad gold line ({e}): {l}"),
            })
        })
        .collect()
}

/// The PDFs of `dir`, sorted.
pub fn pdfs(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")))
        .collect();
    files.sort();
    Ok(files)
}

/// Text folded for comparison: NFC, whitespace runs as one space.
pub fn fold(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `pdftotext -layout`'s pages of `path`.
pub fn pdftotext_pages(path: &Path) -> Result<Vec<String>> {
    let output = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .map_err(|e| Error::Pdf {
            path: path.to_owned(),
            reason: format!(
                "cannot run pdftotext ({e}); install poppler-utils (apt-get install poppler-utils)"
            ),
        })?;
    if !output.status.success() {
        return Err(Error::Pdf {
            path: path.to_owned(),
            reason: format!(
                "pdftotext failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        });
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    // pdftotext ends every page with a form feed, the last one too.
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Ok(pages)
}

/// Edit distance in characters, after the common prefix and suffix (most of a page) are set
/// aside.
pub fn edits(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    super::ocr_roundtrip::edit_distance(a, b)
}

/// The page's own text, and the folded texts of its furniture lines.
fn page_texts(page: &Page) -> (String, Vec<String>) {
    let (furniture, body): (Vec<_>, Vec<_>) =
        page.lines.iter().partition(|l| l.furniture.is_some());
    let body: Vec<&str> = body.iter().map(|l| l.text.as_str()).collect();
    (
        fold(&body.join("\n")),
        furniture.iter().map(|l| fold(&l.text)).collect(),
    )
}

/// Scores one PDF; `gold` adds the parser's fields.
pub fn evaluate(path: &Path, gold: Option<&Gold>) -> Result<FileScore> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let started = Instant::now();
    let layers = crate::pdf::text_layers(path, &bytes)?;
    let seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let reference = pdftotext_pages(path)?;
    let pdftotext_seconds = started.elapsed().as_secs_f64();
    let mut score = FileScore {
        file: path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        pages: layers.len(),
        seconds,
        pdftotext_seconds,
        ..FileScore::default()
    };
    for (index, layer) in layers.iter().enumerate() {
        let mut truth = fold(reference.get(index).map_or("", String::as_str));
        let hypothesis = match layer {
            Ok(page) => {
                let (body, furniture) = page_texts(page);
                score.furniture_lines += furniture.len();
                for line in furniture {
                    if let Some(at) = truth.find(&line) {
                        truth.replace_range(at..at + line.len(), "");
                    }
                }
                truth = fold(&truth);
                body
            }
            Err(reason) => {
                score.rejected.push((index as u32 + 1, reason.clone()));
                score.rejected_without_reference_text += usize::from(truth.is_empty());
                String::new()
            }
        };
        score.replacement_chars += hypothesis.matches('\u{fffd}').count();
        score.reference_replacement_chars += truth.matches('\u{fffd}').count();
        score.edits += edits(&truth, &hypothesis);
        score.reference_chars += truth.chars().count();
    }
    if let Some(gold) = gold {
        score.fields = Some(fields(path, gold)?);
    }
    Ok(score)
}

/// The parser's number, type and year on the whole pipeline's text (no restoration: a text
/// layer has its marks).
fn fields(path: &Path, gold: &Gold) -> Result<Fields> {
    let pipeline = Pipeline::new(PipelineOptions::default());
    let ingested = ingest::ingest(path, &IngestOptions::default())?;
    let record = pipeline.process_ingested(ingested, &path.display().to_string());
    let meta = record.document;
    Ok(Fields {
        number: meta.number.map(|n| n.value),
        doc_type: meta.doc_type.map(|t| t.value),
        year: meta
            .issue_date
            .and_then(|d| d.value.get(..4).and_then(|y| y.parse().ok())),
        gold_number: gold.number.clone(),
        gold_doc_type: gold.doc_type.clone(),
        gold_year: gold.year,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_count_characters_around_a_shared_middle() {
        assert_eq!(edits("Số: 51/2025/NĐ-CP", "Số: 51/2025/NĐ-CP"), 0);
        assert_eq!(edits("BỘ LAO ĐỘNG", "BỘ LAO �NG"), 2);
        assert_eq!(edits("abc", ""), 3);
        assert_eq!(edits("kitten", "sitting"), 3);
    }

    #[test]
    fn folding_ignores_layout_spaces() {
        assert_eq!(
            fold("  CHÍNH PHỦ     CỘNG HÒA\n\n  Số: 1"),
            "CHÍNH PHỦ CỘNG HÒA Số: 1"
        );
    }
}
