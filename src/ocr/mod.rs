//! OCR of page images with Tesseract (the system library, through tesseract-rs).
//!
//! The engine is not thread-safe to share, so every worker thread keeps its own, created on
//! first use and reused for every page that thread OCRs. Page segmentation mode 3 (automatic):
//! the library's default, 6 (one block), doubled the error rate on degraded pages. Words come
//! from Tesseract's TSV output with their boxes and confidences and are grouped into lines; a
//! blank line separates paragraphs, so the line-joining stage can tell them apart.
//!
//! Pages go to Tesseract as 8-bit grayscale, without binarization of our own: Tesseract
//! binarizes (Otsu) internally, and pre-binarizing measured no better on the fixtures
//! (`vanban eval ocr`: CER 0.00 % → 0.10 % on the clean page, 1.72 % → 1.58 % on the scanned PDF,
//! the rest unchanged).

mod decode;

use std::panic::{catch_unwind, AssertUnwindSafe};

use image::GrayImage;

pub use decode::decode_pages;
#[cfg(feature = "ocr")]
pub use engine::tessdata_dir;

use crate::document::{BBox, Line, Page, PageMethod, Word};

/// Recognizes one page image. Errors are plain reasons; the caller names the file.
pub fn recognize(image: &GrayImage, language: &str, number: u32) -> Result<Page, String> {
    check_language(language)?;
    // A panic inside the binding must cost this page, not the batch.
    let tsv = catch_unwind(AssertUnwindSafe(|| engine::run(image, language)))
        .map_err(|_| "Tesseract failed unexpectedly on this page".to_owned())??;
    Ok(Page {
        number,
        method: PageMethod::Ocr,
        width: Some(image.width()),
        height: Some(image.height()),
        ocr_language: Some(language.to_owned()),
        lines: lines_from_tsv(&tsv),
    })
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

#[cfg(feature = "ocr")]
mod engine {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use image::GrayImage;
    use tesseract_rs::{TessPageSegMode, TesseractAPI};

    /// Where Debian and others install the trained models; `TESSDATA_PREFIX` comes first.
    const TESSDATA_DIRS: [&str; 4] = [
        "/usr/share/tesseract-ocr/5/tessdata",
        "/usr/share/tesseract-ocr/4.00/tessdata",
        "/usr/share/tessdata",
        "/usr/local/share/tessdata",
    ];

    /// The directory holding `<language>.traineddata` for every language of `vie+eng`.
    pub fn tessdata_dir(language: &str) -> Result<std::path::PathBuf, String> {
        let from_env = std::env::var_os("TESSDATA_PREFIX").map(std::path::PathBuf::from);
        let candidates = from_env
            .into_iter()
            .chain(TESSDATA_DIRS.iter().map(std::path::PathBuf::from));
        let mut searched = Vec::new();
        for dir in candidates {
            let has_all = language
                .split('+')
                .all(|l| dir.join(format!("{l}.traineddata")).is_file());
            // The binding needs the path as UTF-8.
            if has_all && dir.to_str().is_some() {
                return Ok(dir);
            }
            searched.push(dir.display().to_string());
        }
        Err(format!(
            "no Tesseract model for '{language}' in {}; install it (Debian: apt-get install \
             tesseract-ocr-vie tesseract-ocr-eng) or set TESSDATA_PREFIX",
            searched.join(", ")
        ))
    }

    thread_local! {
        static ENGINES: RefCell<HashMap<String, TesseractAPI>> = RefCell::new(HashMap::new());
    }

    pub fn run(image: &GrayImage, language: &str) -> Result<String, String> {
        ENGINES.with(|engines| {
            let mut engines = engines.borrow_mut();
            if !engines.contains_key(language) {
                let dir = tessdata_dir(language)?;
                let api = TesseractAPI::new();
                api.init(&dir, language).map_err(|e| {
                    format!(
                        "Tesseract could not load '{language}' from {}: {e}",
                        dir.display()
                    )
                })?;
                // Tesseract's notes ("Estimating resolution as 330") would drown vanban's own
                // diagnostics on stderr.
                api.set_variable("debug_file", "/dev/null")
                    .map_err(|e| format!("Tesseract rejected a setting: {e}"))?;
                api.set_page_seg_mode(TessPageSegMode::PSM_AUTO)
                    .map_err(|e| format!("Tesseract rejected page segmentation mode 3: {e}"))?;
                engines.insert(language.to_owned(), api);
            }
            let api = &engines[language];
            let (width, height) = (image.width() as i32, image.height() as i32);
            api.set_image(image.as_raw(), width, height, 1, width)
                .map_err(|e| format!("Tesseract rejected the {width}x{height} page image: {e}"))?;
            api.recognize()
                .map_err(|e| format!("Tesseract failed on the page: {e}"))?;
            api.get_tsv_text(0)
                .map_err(|e| format!("Tesseract returned no text layout: {e}"))
        })
    }
}

#[cfg(not(feature = "ocr"))]
mod engine {
    use image::GrayImage;

    pub fn run(_image: &GrayImage, _language: &str) -> Result<String, String> {
        Err(
            "this vanban was built without OCR (the `ocr` feature); rebuild with default features \
             to read images and scanned PDFs"
                .to_owned(),
        )
    }
}

/// Groups Tesseract's TSV words (level 5) into lines, with a blank line between paragraphs.
fn lines_from_tsv(tsv: &str) -> Vec<Line> {
    struct TsvWord<'a> {
        key: (u32, u32, u32),
        bbox: BBox,
        confidence: f32,
        text: &'a str,
    }
    let words = tsv.lines().filter_map(|row| {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            return None;
        }
        let n = |i: usize| cols[i].parse::<u32>().ok();
        let text = cols[11].trim();
        if text.is_empty() {
            return None;
        }
        Some(TsvWord {
            key: (n(2)?, n(3)?, n(4)?),
            bbox: BBox {
                x: n(6)?,
                y: n(7)?,
                width: n(8)?,
                height: n(9)?,
            },
            confidence: cols[10].parse::<f32>().ok()?.max(0.0) / 100.0,
            text,
        })
    });
    let mut lines: Vec<Line> = Vec::new();
    let mut current: Option<((u32, u32, u32), Vec<TsvWord>)> = None;
    let flush = |lines: &mut Vec<Line>,
                 key: (u32, u32, u32),
                 words: Vec<TsvWord>,
                 previous: Option<(u32, u32)>| {
        if previous.is_some_and(|p| p != (key.0, key.1)) {
            lines.push(Line::plain(""));
        }
        let x0 = words.iter().map(|w| w.bbox.x).min().unwrap_or(0);
        let y0 = words.iter().map(|w| w.bbox.y).min().unwrap_or(0);
        let x1 = words
            .iter()
            .map(|w| w.bbox.x + w.bbox.width)
            .max()
            .unwrap_or(0);
        let y1 = words
            .iter()
            .map(|w| w.bbox.y + w.bbox.height)
            .max()
            .unwrap_or(0);
        let confidence = words.iter().map(|w| w.confidence).sum::<f32>() / words.len() as f32;
        let mut text = String::new();
        let mut line_words = Vec::with_capacity(words.len());
        let mut start = 0;
        for word in &words {
            if !text.is_empty() {
                text.push(' ');
                start += 1;
            }
            text.push_str(word.text);
            let end = start + word.text.chars().count();
            line_words.push(Word {
                text: word.text.to_owned(),
                bbox: word.bbox,
                confidence: Some(word.confidence),
                start,
                end,
            });
            start = end;
        }
        lines.push(Line {
            text,
            words: line_words,
            bbox: Some(BBox {
                x: x0,
                y: y0,
                width: x1 - x0,
                height: y1 - y0,
            }),
            confidence: Some((confidence * 1000.0).round() / 1000.0),
            furniture: None,
        });
    };
    let mut previous_paragraph: Option<(u32, u32)> = None;
    for word in words {
        match &mut current {
            Some((key, words)) if *key == word.key => words.push(word),
            _ => {
                if let Some((key, words)) = current.take() {
                    flush(&mut lines, key, words, previous_paragraph);
                    previous_paragraph = Some((key.0, key.1));
                }
                current = Some((word.key, vec![word]));
            }
        }
    }
    if let Some((key, words)) = current {
        flush(&mut lines, key, words, previous_paragraph);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_words_become_lines_with_boxes_and_paragraph_breaks() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   5\t1\t1\t1\t1\t1\t10\t20\t30\t10\t96.5\tSố\n\
                   5\t1\t1\t1\t1\t2\t45\t21\t60\t11\t91.5\t302-KH/HU\n\
                   5\t1\t1\t1\t2\t1\t10\t40\t50\t10\t80\tKẾ\n\
                   5\t1\t2\t1\t1\t1\t10\t90\t40\t10\t-1\t \n\
                   5\t1\t2\t1\t1\t2\t60\t90\t40\t12\t70\tHOẠCH\n";
        let lines = lines_from_tsv(tsv);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Số 302-KH/HU", "KẾ", "", "HOẠCH"]);
        assert_eq!(
            lines[0].bbox,
            Some(BBox {
                x: 10,
                y: 20,
                width: 95,
                height: 12
            })
        );
        assert_eq!(lines[0].confidence, Some(0.94));
        let second = &lines[0].words[1];
        assert_eq!(second.text, "302-KH/HU");
        let spanned: String = lines[0].text.chars().skip(3).take(9).collect();
        assert_eq!(spanned, "302-KH/HU");
        assert_eq!((second.start, second.end), (3, 12));
        assert_eq!(second.confidence, Some(0.915));
    }
}
