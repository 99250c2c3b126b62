//! Noise Tesseract reads as text: specks and marks beside the lines (`_`, `:`, `~"`, `‹`,
//! `Am.`), and punctuation it was unsure of where text does not put it (`.LUẬT`, `kín..`,
//! `bầu. và`). Every removal is returned with its box, so the JSON says what was dropped.
//!
//! Real punctuation stays: list markers (`-`, `a)`, `1.`), dates and codes (`26/3/2024`,
//! `12/QĐ-UBND`) are either sure or carry letters and digits, and only a mark Tesseract itself
//! doubted is ever dropped.

use crate::document::{BBox, RemovalReason, Removed};
use crate::ocr::engine::OcrWord;
use crate::ocr::layout::union;

/// Below this confidence a token without letters or digits is noise: real punctuation marks
/// standing alone (`-`, `–`, `:`) are read with 0.8 and more on the dev pages.
const UNSURE_MARK: f32 = 0.5;
/// Below this confidence a lettered token much smaller than its line's letters is a speck
/// Tesseract read as letters (`Am.`).
const UNSURE_WORD: f32 = 0.3;
/// Smaller than this share of the line's letter height is "much smaller".
const SMALL_SHARE: f32 = 0.5;
/// A punctuation symbol glued to a word is dropped below this symbol confidence, where text
/// does not put it.
const UNSURE_GLUED: f32 = 0.6;

/// Drops noise from a page's words, in place, and says what went.
pub fn remove_junk(words: &mut Vec<OcrWord>) -> Vec<Removed> {
    let mut removed = Vec::new();
    let heights = line_heights(words);
    let mut index = 0;
    words.retain(|word| {
        let line_height = heights[index];
        index += 1;
        match junk_reason(word, line_height) {
            Some(reason) => {
                removed.push(removal(&word.text, word.bbox, word.confidence, reason));
                false
            }
            None => true,
        }
    });
    for i in 0..words.len() {
        let next_starts_lowercase = words
            .get(i + 1)
            .filter(|next| next.line == words[i].line)
            .and_then(|next| next.text.chars().next())
            .is_some_and(char::is_lowercase);
        removed.extend(strip_unsure_punctuation(
            &mut words[i],
            next_starts_lowercase,
        ));
    }
    removed
}

fn removal(text: &str, bbox: BBox, confidence: f32, reason: RemovalReason) -> Removed {
    Removed {
        text: text.to_owned(),
        bbox,
        confidence: (confidence * 1000.0).round() / 1000.0,
        reason,
    }
}

/// For each word, the median height of the lettered words of its line (all its words when
/// none has a letter).
fn line_heights(words: &[OcrWord]) -> Vec<f32> {
    let mut out = Vec::with_capacity(words.len());
    let mut start = 0;
    while start < words.len() {
        let line = words[start].line;
        let end = start + words[start..].iter().take_while(|w| w.line == line).count();
        let members = &words[start..end];
        let mut heights: Vec<u32> = members
            .iter()
            .filter(|w| w.text.chars().any(char::is_alphanumeric))
            .map(|w| w.bbox.height)
            .collect();
        if heights.is_empty() {
            heights = members.iter().map(|w| w.bbox.height).collect();
        }
        heights.sort_unstable();
        let median = heights[heights.len() / 2] as f32;
        out.extend(std::iter::repeat_n(median, end - start));
        start = end;
    }
    out
}

fn junk_reason(word: &OcrWord, line_height: f32) -> Option<RemovalReason> {
    let lettered = word.text.chars().any(char::is_alphanumeric);
    if !lettered && word.confidence < UNSURE_MARK {
        return Some(RemovalReason::Speck);
    }
    let small = (word.bbox.height as f32) < SMALL_SHARE * line_height;
    if lettered && small && word.confidence < UNSURE_WORD {
        return Some(RemovalReason::Speck);
    }
    None
}

/// Punctuation symbols of a lettered word that Tesseract doubted and text does not put there:
/// before the first letter (other than opening brackets and quotes), a mark repeating the one
/// before it, or a full stop before a word that starts in lowercase.
fn strip_unsure_punctuation(word: &mut OcrWord, next_starts_lowercase: bool) -> Vec<Removed> {
    let spelled: String = word.symbols.iter().map(|s| s.text.as_str()).collect();
    if spelled != word.text || !word.text.chars().any(char::is_alphanumeric) {
        return Vec::new();
    }
    let is_mark = |text: &str| text.chars().all(|c| c.is_ascii_punctuation());
    let first_letter = word
        .symbols
        .iter()
        .position(|s| !is_mark(&s.text))
        .unwrap_or(0);
    let last = word.symbols.len() - 1;
    let mut drop = vec![false; word.symbols.len()];
    for (i, symbol) in word.symbols.iter().enumerate() {
        if !is_mark(&symbol.text) || symbol.confidence >= UNSURE_GLUED {
            continue;
        }
        let opening = matches!(symbol.text.as_str(), "(" | "[" | "\"" | "'");
        let leading = i < first_letter && !opening;
        let repeated = i > 0 && word.symbols[i - 1].text == symbol.text && symbol.text != ")";
        let stray_stop = i == last && symbol.text == "." && next_starts_lowercase;
        drop[i] = leading || repeated || stray_stop;
    }
    if !drop.contains(&true) {
        return Vec::new();
    }
    let mut removed = Vec::new();
    let mut kept = Vec::with_capacity(word.symbols.len());
    for (symbol, dropped) in std::mem::take(&mut word.symbols).into_iter().zip(drop) {
        if dropped {
            removed.push(removal(
                &symbol.text,
                symbol.bbox,
                symbol.confidence,
                RemovalReason::UnsurePunctuation,
            ));
        } else {
            kept.push(symbol);
        }
    }
    word.text = kept.iter().map(|s| s.text.as_str()).collect();
    word.bbox = union(kept.iter().map(|s| s.bbox)).unwrap_or(word.bbox);
    word.symbols = kept;
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A word on line `line` whose symbols are its characters, each with the confidence given
    /// by `confidences` (one per character) and `height` px tall.
    fn word(text: &str, line: u32, confidences: &[f32], height: u32) -> OcrWord {
        OcrWord::spaced(text, line, (0, 0), height, confidences)
    }

    fn sure(text: &str) -> OcrWord {
        word(text, 1, &vec![0.95; text.chars().count()], 20)
    }

    fn texts(words: &[OcrWord]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn unsure_specks_go_with_their_boxes_and_sure_marks_stay() {
        let mut words = vec![
            sure("-"),
            sure("Như"),
            word("~\"", 1, &[0.2, 0.3], 6),
            sure("trên;"),
            word("Am.", 1, &[0.2, 0.25, 0.1], 7),
            sure("a)"),
            sure("1."),
            sure("26/3/2024"),
        ];
        let removed = remove_junk(&mut words);
        assert_eq!(
            texts(&words),
            ["-", "Như", "trên;", "a)", "1.", "26/3/2024"]
        );
        let gone: Vec<(&str, RemovalReason)> = removed
            .iter()
            .map(|r| (r.text.as_str(), r.reason))
            .collect();
        assert_eq!(
            gone,
            [("~\"", RemovalReason::Speck), ("Am.", RemovalReason::Speck)]
        );
        assert_eq!(removed[0].bbox.height, 6);
    }

    #[test]
    fn unsure_glued_punctuation_goes_where_text_does_not_put_it() {
        let mut words = vec![
            word(".LUẬT", 1, &[0.3, 0.9, 0.9, 0.9, 0.9], 20),
            word("kín..", 1, &[0.9, 0.9, 0.9, 0.9, 0.4], 20),
            word("bầu.", 1, &[0.9, 0.9, 0.9, 0.5], 20),
            sure("và"),
            // Sure, or where text puts it: kept.
            word("(a)", 1, &[0.3, 0.9, 0.9], 20),
            word("năm.", 2, &[0.9, 0.9, 0.9, 0.4], 20),
            sure("Điều"),
        ];
        let removed = remove_junk(&mut words);
        assert_eq!(
            texts(&words),
            ["LUẬT", "kín.", "bầu", "và", "(a)", "năm.", "Điều"]
        );
        assert_eq!(removed.len(), 3);
        assert!(removed
            .iter()
            .all(|r| r.reason == RemovalReason::UnsurePunctuation));
        assert_eq!(words[0].bbox.x, 10);
    }
}
