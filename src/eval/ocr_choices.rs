//! Counting how often Tesseract's alternatives were right, for the restorer's choice costs
//! (`vanban eval ocr-choices`, see `restore::tesseract_candidates`).
//!
//! Each fixture's pages are OCR'd with the alternatives read, as `vanban process` reads them. The
//! page's words are aligned with the truth's words (edit distance over words, compared without
//! case and outer punctuation); in every aligned pair whose letters are as many on both sides,
//! each unsure symbol is compared with the truth's character at its place: the first choice was
//! right, one alternative was, or neither. Counted per bin of the alternative's score over the
//! first choice's.

use rayon::prelude::*;
use unicode_normalization::UnicodeNormalization;

use super::ocr::Fixture;
use crate::document::{Page, Word};
use crate::error::{Error, Result};
use crate::ingest::{self, IngestOptions};
use crate::restore::{ratio_bin, BinCounts, BINS};

/// The counts over `fixtures`, read with `options` (whose OCR reads the alternatives).
pub fn count(options: &IngestOptions, fixtures: &[Fixture]) -> Result<[BinCounts; BINS]> {
    let per_fixture = fixtures
        .par_iter()
        .map(|fixture| {
            let truth = std::fs::read_to_string(&fixture.truth)
                .map_err(|e| Error::io(&fixture.truth, e))?;
            let mut pages = Vec::new();
            for input in &fixture.inputs {
                pages.extend(ingest::ingest(input, options)?.pages);
            }
            Ok(count_page_words(&pages, &truth))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut total = [BinCounts::default(); BINS];
    for counts in per_fixture {
        for (sum, bin) in total.iter_mut().zip(counts) {
            sum.first += bin.first;
            sum.alternative += bin.alternative;
            sum.neither += bin.neither;
        }
    }
    Ok(total)
}

/// A word's letters between its outer punctuation, lowercase, and how many characters of
/// punctuation came before them.
fn core(text: &str) -> (Vec<char>, usize) {
    let chars: Vec<char> = text.nfc().flat_map(char::to_lowercase).collect();
    let is_core = |c: &char| c.is_alphanumeric();
    let lead = chars.iter().position(is_core).unwrap_or(chars.len());
    let tail = chars.iter().rposition(is_core).map_or(lead, |i| i + 1);
    (chars[lead..tail].to_vec(), lead)
}

/// The counts of one document: its OCR'd pages against its truth text.
fn count_page_words(pages: &[Page], truth: &str) -> [BinCounts; BINS] {
    let words: Vec<&Word> = pages
        .iter()
        .flat_map(|p| &p.lines)
        .flat_map(|l| &l.words)
        .collect();
    let read: Vec<(Vec<char>, usize)> = words.iter().map(|w| core(&w.text)).collect();
    let truth: Vec<Vec<char>> = truth.split_whitespace().map(|w| core(w).0).collect();
    let mut counts = [BinCounts::default(); BINS];
    for (o, t) in align(&read, &truth) {
        let ((letters, lead), expected) = (&read[o], &truth[t]);
        if letters.len() != expected.len() {
            continue;
        }
        for symbol in &words[o].alternatives {
            let (Some(start), Some(end)) = (
                symbol.start.checked_sub(*lead),
                symbol.end.checked_sub(*lead),
            ) else {
                continue;
            };
            if end > letters.len() || start >= end {
                continue;
            }
            let first: String = letters[start..end].iter().collect();
            let right: String = expected[start..end].iter().collect();
            let lower = |text: &str| text.nfc().flat_map(char::to_lowercase).collect::<String>();
            let Some(top) = symbol.choices.iter().find(|c| lower(&c.text) == first) else {
                continue;
            };
            for choice in &symbol.choices {
                let alternative = lower(&choice.text);
                if alternative == first {
                    continue;
                }
                let bin =
                    &mut counts[ratio_bin(choice.confidence / top.confidence.max(f32::EPSILON))];
                if right == first {
                    bin.first += 1;
                } else if right == alternative {
                    bin.alternative += 1;
                } else {
                    bin.neither += 1;
                }
            }
        }
    }
    counts
}

/// The pairs (read word, truth word) a cheapest edit script over the words matches or
/// substitutes, in order.
fn align(read: &[(Vec<char>, usize)], truth: &[Vec<char>]) -> Vec<(usize, usize)> {
    let (n, m) = (read.len(), truth.len());
    let width = m + 1;
    let mut cost = vec![0u32; (n + 1) * width];
    for (j, first_row) in cost[..width].iter_mut().enumerate() {
        *first_row = j as u32;
    }
    for i in 1..=n {
        cost[i * width] = i as u32;
        for j in 1..=m {
            let substitute = u32::from(read[i - 1].0 != truth[j - 1]);
            cost[i * width + j] = (cost[(i - 1) * width + j - 1] + substitute)
                .min(cost[(i - 1) * width + j] + 1)
                .min(cost[i * width + j - 1] + 1);
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        let substitute = u32::from(read[i - 1].0 != truth[j - 1]);
        if cost[i * width + j] == cost[(i - 1) * width + j - 1] + substitute {
            pairs.push((i - 1, j - 1));
            i -= 1;
            j -= 1;
        } else if cost[i * width + j] == cost[(i - 1) * width + j] + 1 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    pairs.reverse();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{BBox, Choice, Line, PageMethod, SymbolChoices};

    fn word(text: &str, alternatives: Vec<SymbolChoices>) -> Word {
        Word {
            text: text.to_owned(),
            bbox: BBox {
                x: 0,
                y: 0,
                width: 1,
                height: 1,
            },
            confidence: Some(0.9),
            start: 0,
            end: text.chars().count(),
            baseline: None,
            font_size: None,
            alternatives,
        }
    }

    fn unsure(at: usize, first: &str, other: &str, ratio: f32) -> SymbolChoices {
        SymbolChoices {
            start: at,
            end: at + 1,
            choices: vec![
                Choice {
                    text: first.into(),
                    confidence: 0.8,
                },
                Choice {
                    text: other.into(),
                    confidence: 0.8 * ratio,
                },
            ],
        }
    }

    #[test]
    fn each_unsure_symbol_counts_for_the_choice_the_truth_has() {
        let line = Line {
            words: vec![
                word("Ngày", vec![]),
                // Right as read: the first choice counts.
                word("(mới", vec![unsure(2, "ớ", "ơ", 0.5)]),
                // The alternative was right.
                word("1à", vec![unsure(0, "1", "l", 0.3)]),
                // Neither.
                word("bao", vec![unsure(1, "a", "o", 0.005)]),
            ],
            ..Line::plain("")
        };
        let page = Page {
            number: 1,
            method: PageMethod::Ocr,
            width: None,
            height: None,
            ocr_language: None,
            lines: vec![line],
            removed: Vec::new(),
        };
        let counts = count_page_words(&[page], "Ngày mới là bảo");
        assert_eq!(counts[ratio_bin(0.5)].first, 1);
        assert_eq!(counts[ratio_bin(0.3)].alternative, 1);
        assert_eq!(counts[ratio_bin(0.005)].neither, 1);
        let total: u64 = counts
            .iter()
            .map(|b| b.first + b.alternative + b.neither)
            .sum();
        assert_eq!(total, 3);
    }
}
