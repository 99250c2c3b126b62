//! OCR round trip: pages rendered from accented text and OCR'd with Tesseract (made by
//! `scripts/gen-ocr-pairs render`), scored before and after OCR repair. Character and word error
//! rates are edit distances over the whole page against its truth, divided by the truth's length.
//! Words are whitespace-separated with their outer punctuation trimmed and compared as
//! [`super::restore::fold`] compares them (case, NFC and tone placement folded); characters are
//! those of the folded page with runs of whitespace as one space.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::restore::fold;
use crate::restore::{InputKind, RestoreOptions, Restorer};

/// One OCR'd page with its truth.
#[derive(Debug, Clone)]
pub struct Page {
    /// The rendered document the page belongs to; its pages are repaired together, as the
    /// pipeline repairs a scanned document.
    pub document: String,
    /// `eng` or `vie`.
    pub lang: String,
    /// `clean`, `light` or `heavy`: the last part of the rendered document's name. Scores also
    /// pool `degraded` (light and heavy) and `all` pages.
    pub degradation: String,
    pub truth: String,
    pub ocr: String,
}

/// Edit counts of one slice of pages.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RoundTrip {
    pub lang: String,
    pub degradation: String,
    pub pages: usize,
    pub truth_words: usize,
    pub truth_chars: usize,
    pub word_errors_before: usize,
    pub word_errors_after: usize,
    pub char_errors_before: usize,
    pub char_errors_after: usize,
    pub wer_before: f64,
    pub wer_after: f64,
    pub cer_before: f64,
    pub cer_after: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoundTripScore {
    pub rows: Vec<RoundTrip>,
    pub words: usize,
    pub seconds: f64,
    pub words_per_second: f64,
    pub threads: usize,
}

/// Reads every `NAME.truth.txt` of `dir` (pages separated by form feeds) with the OCR output of
/// each page, `NAME-pNNN.LANG.txt`. Pages without OCR output are skipped.
pub fn read_pages(dir: &Path) -> crate::Result<Vec<Page>> {
    let mut truths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| crate::Error::io(dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".truth.txt"))
        .collect();
    truths.sort();
    let mut pages = Vec::new();
    for path in truths {
        let file = path.file_name().unwrap_or_default().to_string_lossy();
        let name = file.trim_end_matches(".truth.txt").to_owned();
        let degradation = name.rsplit('-').next().unwrap_or_default().to_owned();
        let text = std::fs::read_to_string(&path).map_err(|e| crate::Error::io(&path, e))?;
        for (number, truth) in text.split('\x0c').enumerate() {
            for lang in ["eng", "vie"] {
                let ocr_path = dir.join(format!("{name}-p{:03}.{lang}.txt", number + 1));
                let Ok(ocr) = std::fs::read_to_string(&ocr_path) else {
                    continue;
                };
                pages.push(Page {
                    document: name.clone(),
                    lang: lang.to_owned(),
                    degradation: degradation.clone(),
                    truth: truth.to_owned(),
                    ocr,
                });
            }
        }
    }
    Ok(pages)
}

/// The words WER counts: case and tone placement folded, outer punctuation trimmed.
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| fold(w.trim_matches(|c: char| !c.is_alphanumeric())))
        .filter(|w| !w.is_empty())
        .collect()
}

fn chars(text: &str) -> Vec<char> {
    fold(&text.split_whitespace().collect::<Vec<_>>().join(" "))
        .chars()
        .collect()
}

/// Levenshtein distance with one row of scratch.
pub fn edit_distance<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(x != y);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// Between the pages of a document: blank lines end the segment, and restoration copies
/// whitespace as it is.
const PAGE_BREAK: &str = "\n\n\x0c\n\n";

/// Repairs every page with the input kind of its OCR language and scores both versions.
pub fn evaluate(restorer: &Restorer, pages: &[Page]) -> RoundTripScore {
    let kind = |lang: &str| {
        if lang == "eng" {
            InputKind::OcrEng
        } else {
            InputKind::OcrVie
        }
    };
    let started = Instant::now();
    // A document's pages in one text, cut apart again after repair; documents in parallel,
    // since a few pages are one block, which `restore_text` would run on one thread.
    let mut documents: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, page) in pages.iter().enumerate() {
        documents
            .entry((&page.document, &page.lang))
            .or_default()
            .push(i);
    }
    let documents: Vec<_> = documents.into_iter().collect();
    let mut repaired = vec![String::new(); pages.len()];
    let documents: Vec<(Vec<usize>, Vec<String>)> = documents
        .par_iter()
        .map(|((_, lang), members)| {
            let options = RestoreOptions {
                input_kind: kind(lang),
                ..RestoreOptions::default()
            };
            let text: Vec<&str> = members.iter().map(|&i| pages[i].ocr.as_str()).collect();
            let restored = restorer.restore_text(&text.join(PAGE_BREAK), &options);
            let parts = restored.split(PAGE_BREAK).map(str::to_owned).collect();
            (members.clone(), parts)
        })
        .collect();
    for (members, parts) in documents {
        for (i, part) in members.into_iter().zip(parts) {
            repaired[i] = part;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let total_words: usize = pages.iter().map(|p| p.ocr.split_whitespace().count()).sum();

    let mut rows: BTreeMap<(String, String), RoundTrip> = BTreeMap::new();
    let scored: Vec<(usize, usize, usize, usize, usize, usize)> = {
        pages
            .par_iter()
            .zip(&repaired)
            .map(|(page, after)| {
                let (truth_words, truth_chars) = (words(&page.truth), chars(&page.truth));
                (
                    truth_words.len(),
                    truth_chars.len(),
                    edit_distance(&truth_words, &words(&page.ocr)),
                    edit_distance(&truth_words, &words(after)),
                    edit_distance(&truth_chars, &chars(&page.ocr)),
                    edit_distance(&truth_chars, &chars(after)),
                )
            })
            .collect()
    };
    for (page, s) in pages.iter().zip(scored) {
        let degraded = (page.degradation != "clean").then_some("degraded");
        for degradation in [Some(page.degradation.as_str()), degraded, Some("all")]
            .into_iter()
            .flatten()
        {
            let row = rows
                .entry((page.lang.clone(), degradation.to_owned()))
                .or_insert_with(|| RoundTrip {
                    lang: page.lang.clone(),
                    degradation: degradation.to_owned(),
                    ..RoundTrip::default()
                });
            row.pages += 1;
            row.truth_words += s.0;
            row.truth_chars += s.1;
            row.word_errors_before += s.2;
            row.word_errors_after += s.3;
            row.char_errors_before += s.4;
            row.char_errors_after += s.5;
        }
    }
    let rate = |errors: usize, total: usize| errors as f64 / total.max(1) as f64;
    let rows = rows
        .into_values()
        .map(|mut row| {
            row.wer_before = rate(row.word_errors_before, row.truth_words);
            row.wer_after = rate(row.word_errors_after, row.truth_words);
            row.cer_before = rate(row.char_errors_before, row.truth_chars);
            row.cer_after = rate(row.char_errors_after, row.truth_chars);
            row
        })
        .collect();
    RoundTripScore {
        rows,
        words: total_words,
        seconds,
        words_per_second: total_words as f64 / seconds.max(1e-9),
        threads: rayon::current_num_threads(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_substitutions_insertions_deletions() {
        assert_eq!(edit_distance(b"kitten", b"sitting"), 3);
        assert_eq!(edit_distance::<u8>(b"", b"abc"), 3);
        assert_eq!(edit_distance(&["của", "Ban"], &["ciia", "Ban"]), 1);
    }

    #[test]
    fn words_fold_case_tone_placement_and_punctuation() {
        assert_eq!(words("Hoà, “THUỶ”"), ["hòa", "thủy"]);
    }
}
