//! OCR of page images with Tesseract (the system library, through tesseract-rs), by pass:
//!
//! * [`decode`]: every page of an image file to 8-bit grayscale;
//! * [`engine`]: Tesseract, one engine per worker thread and language, read through its result
//!   iterator (words with boxes, confidences, baselines, point sizes, symbol alternatives);
//! * [`junk`]: specks and unsure stray punctuation dropped, each removal recorded;
//! * [`layout`]: glued words cut, lines cut at column gaps, two-column regions (the header, the
//!   recipients beside the signature) read left block first, then right block.
//!
//! Page segmentation mode 3 (automatic): the library's default, 6 (one block), doubled the error
//! rate on degraded pages. Pages go to Tesseract as 8-bit grayscale, without binarization of our
//! own: Tesseract binarizes (Otsu) internally, and pre-binarizing measured no better on the
//! fixtures (`vanban eval ocr`: CER 0.00 % → 0.10 % on the clean page, 1.72 % → 1.58 % on the
//! scanned PDF, the rest unchanged). Dropping red ink (stamps) and flattening uneven light
//! before Tesseract measured worse on the varied dev pages of `scripts/gen-ocr-pairs varied`
//! (WER after vanban, clean 0.80 % → 1.20 %, photos 0.97 % → 1.14 %, the rest unchanged: a
//! signature freed of its stamp is read as letters), so pages go as they are.

mod decode;
pub mod engine;
pub mod junk;
pub mod layout;

use std::panic::{catch_unwind, AssertUnwindSafe};

use image::GrayImage;

pub use decode::decode_pages;
#[cfg(feature = "ocr")]
pub use engine::tessdata_dir;

use crate::document::{Line, Page, PageMethod, Removed, SymbolChoices, Word};
use engine::OcrWord;
use layout::Segment;

/// How pages are OCR'd.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrOptions {
    /// Tesseract language(s), e.g. `vie` or `vie+eng`.
    pub language: String,
    /// Keep Tesseract's alternatives for each symbol on the words in the JSON (larger output).
    pub alternatives: bool,
    /// Read Tesseract's alternatives for each symbol, for the restorer to weigh as candidates
    /// (the JSON leaves them out unless `alternatives`).
    pub choices: bool,
    /// Drop specks and unsure stray punctuation.
    pub remove_junk: bool,
    /// Cut glued words and lines at column gaps, and read two-column regions block by block.
    pub layout: bool,
}

impl Default for OcrOptions {
    fn default() -> Self {
        OcrOptions {
            language: "vie".to_owned(),
            alternatives: false,
            choices: true,
            remove_junk: true,
            layout: true,
        }
    }
}

/// Recognizes one page image. Errors are plain reasons; the caller names the file.
pub fn recognize(image: &GrayImage, options: &OcrOptions, number: u32) -> Result<Page, String> {
    check_language(&options.language)?;
    // A panic inside the binding must cost this page, not the batch.
    let words = catch_unwind(AssertUnwindSafe(|| {
        engine::run(
            image,
            &options.language,
            options.alternatives || options.choices,
        )
    }))
    .map_err(|_| "Tesseract failed unexpectedly on this page".to_owned())?;
    let (lines, removed) = assemble(words?, options);
    Ok(Page {
        number,
        method: PageMethod::Ocr,
        width: Some(image.width()),
        height: Some(image.height()),
        ocr_language: Some(options.language.clone()),
        lines,
        removed,
    })
}

/// The stages after Tesseract: Tesseract's words to the page's lines in reading order, and the
/// tokens dropped as noise.
pub fn assemble(mut words: Vec<OcrWord>, options: &OcrOptions) -> (Vec<Line>, Vec<Removed>) {
    let removed = if options.remove_junk {
        junk::remove_junk(&mut words)
    } else {
        Vec::new()
    };
    let order = if options.layout {
        layout::reading_order(words)
    } else {
        tesseract_order(words)
    };
    (lines(order), removed)
}

/// Tesseract language names (letters, digits, `_`, `-`) joined by `+`: `vie`, `vie+eng`,
/// `chi_sim`. Anything else would reach the C library as a path fragment.
pub fn check_language(language: &str) -> Result<(), String> {
    let valid = |name: &str| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if language.split('+').all(valid) {
        Ok(())
    } else {
        Err(format!(
            "'{language}' is not a Tesseract language list (e.g. `vie` or `vie+eng`)"
        ))
    }
}

/// Tesseract's own lines, with a break between its paragraphs.
fn tesseract_order(words: Vec<OcrWord>) -> Vec<Option<Segment>> {
    let mut out: Vec<Option<Segment>> = Vec::new();
    for word in words {
        match out.last_mut() {
            Some(Some(segment)) if segment.words.last().is_some_and(|w| w.line == word.line) => {
                segment.words.push(word);
            }
            last => {
                let paragraph_changes =
                    matches!(last, Some(Some(s)) if s.paragraph != word.paragraph);
                if paragraph_changes {
                    out.push(None);
                }
                out.push(Some(Segment {
                    bbox: word.bbox,
                    paragraph: word.paragraph,
                    words: vec![word],
                }));
            }
        }
    }
    out
}

/// The page's lines from segments in reading order: one blank line for each run of breaks,
/// none at either end.
fn lines(order: Vec<Option<Segment>>) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut pending_break = false;
    for item in order {
        match item {
            None => pending_break = true,
            Some(segment) => {
                if pending_break && !lines.is_empty() {
                    lines.push(Line::plain(""));
                }
                pending_break = false;
                lines.push(line(segment));
            }
        }
    }
    lines
}

fn rounded(confidence: f32) -> f32 {
    (confidence * 1000.0).round() / 1000.0
}

fn line(segment: Segment) -> Line {
    let mut text = String::new();
    let mut words = Vec::with_capacity(segment.words.len());
    let mut confidence_sum = 0.0;
    for word in &segment.words {
        if !text.is_empty() {
            text.push(' ');
        }
        let start = text.chars().count();
        text.push_str(&word.text);
        confidence_sum += word.confidence;
        words.push(Word {
            text: word.text.clone(),
            bbox: word.bbox,
            confidence: Some(rounded(word.confidence)),
            start,
            end: start + word.text.chars().count(),
            baseline: word.baseline,
            font_size: word.font_size,
            alternatives: alternatives(word),
        });
    }
    let bbox = layout::union(segment.words.iter().map(|w| w.bbox));
    Line {
        text,
        bbox,
        confidence: Some(rounded(confidence_sum / segment.words.len().max(1) as f32)),
        words,
        furniture: None,
    }
}

/// The symbols of `word` Tesseract had more than one reading for, at their characters.
fn alternatives(word: &OcrWord) -> Vec<SymbolChoices> {
    let mut out = Vec::new();
    let mut start = 0;
    for symbol in &word.symbols {
        let end = start + symbol.text.chars().count();
        if symbol.choices.len() > 1 {
            out.push(SymbolChoices {
                start,
                end,
                choices: symbol.choices.clone(),
            });
        }
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::BBox;
    use crate::ocr::engine::OcrSymbol;

    fn word(text: &str, x: u32, line: u32, paragraph: u32) -> OcrWord {
        let bbox = BBox {
            x,
            y: 20 * line,
            width: 30,
            height: 10,
        };
        OcrWord {
            block: 1,
            paragraph,
            line,
            text: text.to_owned(),
            bbox,
            confidence: 0.9123,
            baseline: None,
            font_size: Some(12),
            symbols: text
                .chars()
                .map(|c| OcrSymbol {
                    text: c.to_string(),
                    bbox,
                    confidence: 0.9,
                    choices: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn words_become_lines_with_offsets_boxes_and_paragraph_breaks() {
        let words = vec![
            word("Số", 10, 1, 1),
            word("302-KH/HU", 45, 1, 1),
            word("KẾ", 10, 2, 1),
            word("HOẠCH", 10, 3, 2),
        ];
        let lines = lines(tesseract_order(words));
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Số 302-KH/HU", "KẾ", "", "HOẠCH"]);
        assert_eq!(
            lines[0].bbox,
            Some(BBox {
                x: 10,
                y: 20,
                width: 65,
                height: 10
            })
        );
        assert_eq!(lines[0].confidence, Some(0.912));
        let second = &lines[0].words[1];
        let spanned: String = lines[0].text.chars().skip(3).take(9).collect();
        assert_eq!(spanned, second.text);
        assert_eq!((second.start, second.end), (3, 12));
        assert_eq!(second.font_size, Some(12));
    }

    #[test]
    fn only_symbols_with_several_readings_carry_alternatives() {
        let mut ocr = word("ơn", 0, 1, 1);
        ocr.symbols[0].choices = vec![
            crate::document::Choice {
                text: "ơ".into(),
                confidence: 0.7,
            },
            crate::document::Choice {
                text: "ớ".into(),
                confidence: 0.2,
            },
        ];
        let found = alternatives(&ocr);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end), (0, 1));
        assert_eq!(found[0].choices[1].text, "ớ");
    }
}
