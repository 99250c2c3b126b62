//! PDFs: the text layer when it is real, OCR of the page otherwise.
//!
//! The text layer is read from positioned glyphs, as `pdftotext` does: [`content`] interprets
//! the content streams, [`fonts`] decodes each code (ToUnicode maps, simple-font encodings and
//! glyph names, CID fonts, legacy TCVN3/VNI fonts), [`layout`] builds words, lines and reading
//! order, and [`furniture`] marks running heads, page numbers and signature stamps.
//!
//! A page is OCR'd only when it has no text, when most of its glyphs cannot be decoded, or when
//! its text reads as mojibake (most of its words are neither ASCII words nor Vietnamese
//! syllables); each such page gets a warning naming the reason. [`raster`] finds its image.

mod cmap;
mod content;
mod fonts;
mod furniture;
mod layout;
mod raster;
mod tables;

use std::path::Path;

use lopdf::{Document, ObjectId};
use rayon::prelude::*;

use crate::document::{Page, PageEvent, PageMethod};
use crate::error::{Error, Result};
use crate::ocr::OcrOptions;
use crate::orthography as syllable;
use content::FontCache;

/// Pages of `bytes`, and a warning per page whose text layer was rejected. Pages are read in
/// parallel; `on_page` hears how many there are and when each is done.
pub fn pages(
    path: &Path,
    bytes: &[u8],
    ocr: &OcrOptions,
    on_page: &(dyn Fn(PageEvent) + Sync),
) -> Result<(Vec<Page>, Vec<String>)> {
    let document = load(path, bytes)?;
    let page_ids: Vec<(u32, ObjectId)> = document.get_pages().into_iter().collect();
    on_page(PageEvent::Found(page_ids.len()));
    let fonts = FontCache::default();
    let results: Vec<Result<(Page, Option<String>)>> = page_ids
        .par_iter()
        .map(|&(number, id)| {
            let read = || read_page(path, bytes, &document, &fonts, number, id, ocr);
            let page =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
                    Err(pdf_error(
                        path,
                        format!(
                            "page {number}: the PDF reader gave up on its content (corrupt page)"
                        ),
                    ))
                });
            on_page(PageEvent::Done);
            page
        })
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut warnings = Vec::new();
    for result in results {
        let (page, warning) = result?;
        pages.push(page);
        warnings.extend(warning);
    }
    furniture::mark(&mut pages);
    Ok((pages, warnings))
}

/// The text-layer lines of every page, without OCR: what the eval and the bench measure.
/// A page whose layer would be rejected comes back as the reason.
pub fn text_layers(path: &Path, bytes: &[u8]) -> Result<Vec<std::result::Result<Page, String>>> {
    let document = load(path, bytes)?;
    let fonts = FontCache::default();
    let mut pages: Vec<std::result::Result<Page, String>> = document
        .get_pages()
        .into_iter()
        .map(|(number, id)| text_layer(&document, &fonts, number, id))
        .collect();
    let mut read: Vec<Page> = pages
        .iter()
        .filter_map(|p| p.as_ref().ok().cloned())
        .collect();
    furniture::mark(&mut read);
    let mut marked = read.into_iter();
    for page in pages.iter_mut().filter(|p| p.is_ok()) {
        *page = Ok(marked.next().expect("one marked page per read page"));
    }
    Ok(pages)
}

fn pdf_error(path: &Path, reason: String) -> Error {
    Error::Pdf {
        path: path.to_owned(),
        reason,
    }
}

fn load(path: &Path, bytes: &[u8]) -> Result<Document> {
    // lopdf panics on some malformed files; that must cost this file only.
    let loaded = std::panic::catch_unwind(|| Document::load_mem(bytes)).map_err(|_| {
        pdf_error(
            path,
            "the PDF structure is corrupt (the reader gave up)".to_owned(),
        )
    })?;
    let document = loaded.map_err(|e| {
        if e.to_string().to_lowercase().contains("encrypt") {
            pdf_error(path, ENCRYPTED.to_owned())
        } else {
            pdf_error(
                path,
                format!("cannot be read as a PDF ({e}); it may be truncated or corrupt"),
            )
        }
    })?;
    if document.is_encrypted() {
        return Err(pdf_error(path, ENCRYPTED.to_owned()));
    }
    if document.get_pages().is_empty() {
        return Err(pdf_error(path, "has no pages".to_owned()));
    }
    Ok(document)
}

const ENCRYPTED: &str =
    "is encrypted; decrypt it first (e.g. `qpdf --decrypt in.pdf out.pdf`) and retry";

const NO_TEXT: &str = "no text";

/// A page with more glyphs than this share that no font table decodes is OCR'd: its text would
/// have holes. A stray symbol (a bullet from a picture font) stays under it.
const MAX_UNKNOWN_SHARE: f64 = 0.01;

fn read_page(
    path: &Path,
    bytes: &[u8],
    document: &Document,
    fonts: &FontCache,
    number: u32,
    id: ObjectId,
    ocr: &OcrOptions,
) -> Result<(Page, Option<String>)> {
    let why = match text_layer(document, fonts, number, id) {
        Ok(page) => return Ok((page, None)),
        Err(why) => why,
    };
    // A page without any text is a scan, as expected; only a rejected layer is news.
    let warning = (why != NO_TEXT)
        .then(|| format!("page {number}: text layer ignored ({why}); the page was OCR'd"));
    let image = match raster::scanned_image(document, id) {
        Some(image) => image,
        None => raster::rasterize(bytes, number).map_err(|reason| pdf_error(path, reason))?,
    };
    let page = crate::ocr::recognize(&image, ocr, number).map_err(|reason| Error::Ocr {
        path: path.to_owned(),
        reason: format!("page {number}: {reason}"),
    })?;
    Ok((page, warning))
}

/// The page read from its text layer, or why the layer cannot be used.
fn text_layer(
    document: &Document,
    fonts: &FontCache,
    number: u32,
    id: ObjectId,
) -> std::result::Result<Page, String> {
    let frame = content::PageFrame::of(document, id);
    let glyphs = content::page_glyphs(document, id, frame, fonts)?;
    let shown = glyphs.glyphs.len() + glyphs.without_font;
    if shown == 0 {
        return Err(NO_TEXT.to_owned());
    }
    if glyphs.unknown as f64 > MAX_UNKNOWN_SHARE * shown as f64 {
        let missing = if glyphs.missing_fonts.is_empty() {
            String::new()
        } else {
            format!(
                "; fonts missing from the page: {}",
                glyphs.missing_fonts.join(", ")
            )
        };
        return Err(format!(
            "{} of {shown} glyphs map to no character (no ToUnicode entry, no known encoding){missing}",
            glyphs.unknown
        ));
    }
    let lines = layout::lines(&glyphs.glyphs);
    let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    if looks_like_mojibake(&text.join("\n")) {
        return Err("the text is not Vietnamese or English".to_owned());
    }
    Ok(Page {
        number,
        method: PageMethod::PdfTextLayer,
        width: Some(frame.width.round() as u32),
        height: Some(frame.height.round() as u32),
        ocr_language: None,
        lines,
        removed: Vec::new(),
    })
}

/// Fewer than half of the words are ASCII words or Vietnamese syllables.
fn looks_like_mojibake(text: &str) -> bool {
    // Only ASCII punctuation is trimmed: legacy-font bytes shown as Latin-1 (`§`, `¶`, `©`)
    // sit inside the words they garble.
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| c.is_ascii_punctuation()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_and_english_text_is_not_mojibake() {
        assert!(!looks_like_mojibake(
            "Sơ kết 05 năm thực hiện Kết luận số 23-KL/TW của Ban Bí thư"
        ));
        assert!(!looks_like_mojibake("The quick brown fox jumps over"));
    }

    #[test]
    fn legacy_font_bytes_read_as_unicode_are_mojibake() {
        // TCVN3 bytes shown as Latin-1, as a PDF without ToUnicode maps gives them.
        assert!(looks_like_mojibake(
            "§¶ng bé tØnh Lai Ch©u huyÖn ñy Phong Thæ kÕ ho¹ch s¬ kÕt"
        ));
    }
}
