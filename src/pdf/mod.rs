//! PDFs: the text layer when it is real, OCR of the page otherwise.
//!
//! A text layer is not trusted when it is empty, when the page's fonts have no ToUnicode map
//! (then the "text" is glyph ids), or when it reads as mojibake (most of its words are neither
//! ASCII words nor Vietnamese syllables). Such pages are rasterized with poppler's `pdftoppm`
//! (which decodes every image filter, CCITT, JBIG2 and JPX included, and vector-only pages) and
//! OCR'd.

use std::path::Path;
use std::process::Command;

use lopdf::{Document, Object, ObjectId};

use crate::document::{Line, Page, PageMethod};
use crate::error::{Error, Result};
use crate::model::syllable;

/// Rasterization resolution for OCR: Tesseract reads body text best at about 300 dpi.
const RASTER_DPI: u32 = 300;

/// Pages of `bytes`, and a warning per page whose text layer was rejected.
pub fn pages(path: &Path, bytes: &[u8], language: &str) -> Result<(Vec<Page>, Vec<String>)> {
    let pdf_error = |reason: String| Error::Pdf {
        path: path.to_owned(),
        reason,
    };
    let document = Document::load_mem(bytes).map_err(|e| {
        if e.to_string().to_lowercase().contains("encrypt") {
            pdf_error(encrypted_reason())
        } else {
            pdf_error(format!("cannot be read as a PDF ({e}); it may be truncated or corrupt"))
        }
    })?;
    if document.is_encrypted() {
        return Err(pdf_error(encrypted_reason()));
    }
    let page_ids: Vec<(u32, ObjectId)> = document.get_pages().into_iter().collect();
    if page_ids.is_empty() {
        return Err(pdf_error("has no pages".to_owned()));
    }
    let mut pages = Vec::with_capacity(page_ids.len());
    let mut warnings = Vec::new();
    for (number, id) in page_ids {
        let layer = text_layer(&document, number, id);
        match layer {
            Ok(lines) => pages.push(Page {
                number,
                method: PageMethod::PdfTextLayer,
                width: None,
                height: None,
                ocr_language: None,
                lines,
            }),
            Err(why) => {
                if why != NO_TEXT {
                    warnings.push(format!("page {number}: text layer ignored ({why}); OCR used"));
                }
                let image = rasterize(path, bytes, number).map_err(pdf_error)?;
                let page = crate::ocr::recognize(&image, language, number).map_err(|reason| {
                    Error::Ocr {
                        path: path.to_owned(),
                        reason: format!("page {number}: {reason}"),
                    }
                })?;
                pages.push(page);
            }
        }
    }
    Ok((pages, warnings))
}

fn encrypted_reason() -> String {
    "is encrypted; decrypt it first (e.g. `qpdf --decrypt in.pdf out.pdf`) and retry".to_owned()
}

const NO_TEXT: &str = "no text";

/// The page's text layer as lines, or why it cannot be used.
fn text_layer(document: &Document, number: u32, id: ObjectId) -> std::result::Result<Vec<Line>, String> {
    let text = document.extract_text(&[number]).unwrap_or_default();
    if text.trim().is_empty() {
        return Err(NO_TEXT.to_owned());
    }
    if let Some(font) = font_without_unicode_map(document, id) {
        return Err(format!("font {font} has no ToUnicode map"));
    }
    if looks_like_mojibake(&text) {
        return Err("the text is not Vietnamese or English".to_owned());
    }
    Ok(text
        .lines()
        .map(|line| Line::plain(line.trim_end()))
        .collect())
}

/// A composite (Type0) font without ToUnicode maps glyph ids, not characters: its text is noise.
fn font_without_unicode_map(document: &Document, page: ObjectId) -> Option<String> {
    let fonts = document.get_page_fonts(page).ok()?;
    fonts.into_iter().find_map(|(name, font)| {
        let subtype = font.get(b"Subtype").ok().and_then(|s| s.as_name().ok());
        let composite = subtype == Some(b"Type0".as_slice());
        let custom_encoding = matches!(font.get(b"Encoding"), Ok(Object::Reference(_)) | Ok(Object::Dictionary(_)));
        let has_map = font.has(b"ToUnicode");
        ((composite || custom_encoding) && !has_map).then(|| String::from_utf8_lossy(&name).into_owned())
    })
}

/// Fewer than half of the words are ASCII words or Vietnamese syllables.
fn looks_like_mojibake(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    if words.len() < 5 {
        return text.contains('\u{fffd}');
    }
    let plausible = words
        .iter()
        .filter(|w| w.is_ascii() || syllable::canonical(w).is_some())
        .count();
    plausible * 2 < words.len()
}

/// Renders page `number` to a grayscale image with `pdftoppm`.
fn rasterize(path: &Path, bytes: &[u8], number: u32) -> std::result::Result<image::GrayImage, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let input = dir.path().join("input.pdf");
    std::fs::write(&input, bytes).map_err(|e| format!("cannot write a temporary copy: {e}"))?;
    let prefix = dir.path().join("page");
    let page = number.to_string();
    let output = Command::new("pdftoppm")
        .args(["-r", &RASTER_DPI.to_string(), "-gray", "-png", "-singlefile", "-f", &page, "-l", &page])
        .arg(&input)
        .arg(&prefix)
        .output()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                "page {number} has no usable text layer and pdftoppm is not installed to rasterize \
                 it: install poppler-utils (Debian: apt-get install poppler-utils)"
                    .replace("{number}", &page)
            } else {
                format!("cannot run pdftoppm: {e}")
            }
        })?;
    if !output.status.success() {
        return Err(format!(
            "pdftoppm could not render page {number} of {}: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let rendered = prefix.with_extension("png");
    image::open(&rendered)
        .map(|i| i.to_luma8())
        .map_err(|e| format!("cannot read the rendered page {number}: {e}"))
}
