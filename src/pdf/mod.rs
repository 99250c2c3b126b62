//! PDFs: the text layer when it is real, OCR of the page otherwise.
//!
//! A text layer is not trusted when it is empty, when the page's fonts have no ToUnicode map
//! (then the "text" is glyph ids), or when it reads as mojibake (most of its words are neither
//! ASCII words nor Vietnamese syllables). Such a page is OCR'd from its scan when it is one
//! full-page JPEG (DCT) or Flate image, the way scanners write PDFs, and otherwise rasterized with
//! poppler's `pdftoppm`, which decodes every filter (CCITT, JBIG2, JPX) and vector-only pages.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use image::GrayImage;
use lopdf::{Document, Object, ObjectId};
use rayon::prelude::*;

use crate::document::{Line, Page, PageEvent, PageMethod};
use crate::error::{Error, Result};
use crate::model::syllable;
use crate::ocr::OcrOptions;

/// Rasterization resolution for OCR: Tesseract reads body text best at about 300 dpi.
const RASTER_DPI: u32 = 300;
/// An embedded image is taken as the page's scan from this resolution up; below it the page is
/// rendered instead, since it is more likely a logo or figure on a vector page.
const MIN_SCAN_DPI: f64 = 100.0;

/// Pages of `bytes`, and a warning per page whose text layer was rejected. Pages are read in
/// parallel; `on_page` hears how many there are and when each is done.
pub fn pages(
    path: &Path,
    bytes: &[u8],
    ocr: &OcrOptions,
    on_page: &(dyn Fn(PageEvent) + Sync),
) -> Result<(Vec<Page>, Vec<String>)> {
    let pdf_error = |reason: String| Error::Pdf {
        path: path.to_owned(),
        reason,
    };
    // lopdf panics on some malformed files; that must cost this file only.
    let loaded = std::panic::catch_unwind(|| Document::load_mem(bytes))
        .map_err(|_| pdf_error("the PDF structure is corrupt (the reader gave up)".to_owned()))?;
    let document = loaded.map_err(|e| {
        if e.to_string().to_lowercase().contains("encrypt") {
            pdf_error(ENCRYPTED.to_owned())
        } else {
            pdf_error(format!(
                "cannot be read as a PDF ({e}); it may be truncated or corrupt"
            ))
        }
    })?;
    if document.is_encrypted() {
        return Err(pdf_error(ENCRYPTED.to_owned()));
    }
    let page_ids: Vec<(u32, ObjectId)> = document.get_pages().into_iter().collect();
    if page_ids.is_empty() {
        return Err(pdf_error("has no pages".to_owned()));
    }
    on_page(PageEvent::Found(page_ids.len()));
    let results: Vec<Result<(Page, Option<String>)>> = page_ids
        .par_iter()
        .map(|&(number, id)| {
            let read = || read_page(path, bytes, &document, number, id, ocr);
            let page =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
                    Err(pdf_error(format!(
                        "page {number}: the PDF reader gave up on its content (corrupt page)"
                    )))
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
    Ok((pages, warnings))
}

const ENCRYPTED: &str =
    "is encrypted; decrypt it first (e.g. `qpdf --decrypt in.pdf out.pdf`) and retry";

const NO_TEXT: &str = "no text";

fn read_page(
    path: &Path,
    bytes: &[u8],
    document: &Document,
    number: u32,
    id: ObjectId,
    ocr: &OcrOptions,
) -> Result<(Page, Option<String>)> {
    let why = match text_layer(document, number, id) {
        Ok(lines) => {
            let page = Page {
                number,
                method: PageMethod::PdfTextLayer,
                width: None,
                height: None,
                ocr_language: None,
                lines,
                removed: Vec::new(),
            };
            return Ok((page, None));
        }
        Err(why) => why,
    };
    let warning = (why != NO_TEXT)
        .then(|| format!("page {number}: text layer ignored ({why}); the page was OCR'd"));
    let image = match scanned_image(document, id) {
        Some(image) => image,
        None => rasterize(bytes, number).map_err(|reason| Error::Pdf {
            path: path.to_owned(),
            reason,
        })?,
    };
    let page = crate::ocr::recognize(&image, ocr, number).map_err(|reason| Error::Ocr {
        path: path.to_owned(),
        reason: format!("page {number}: {reason}"),
    })?;
    Ok((page, warning))
}

/// The page's text layer as lines, or why it cannot be used.
fn text_layer(document: &Document, number: u32, id: ObjectId) -> Result<Vec<Line>, String> {
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
    // lopdf starts every text object on a new line, so the layer opens with a blank one.
    Ok(text
        .trim_matches(|c: char| c == '\n' || c == '\r')
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
        let custom_encoding = matches!(
            font.get(b"Encoding"),
            Ok(Object::Reference(_)) | Ok(Object::Dictionary(_))
        );
        // An embedded font (it has a descriptor; the standard 14 have none) without a named
        // encoding uses its own codes, like the subset fonts most PDF writers embed.
        let builtin_encoding =
            font.has(b"FontDescriptor") && !matches!(font.get(b"Encoding"), Ok(Object::Name(_)));
        let has_map = font.has(b"ToUnicode");
        ((composite || custom_encoding || builtin_encoding) && !has_map)
            .then(|| String::from_utf8_lossy(&name).into_owned())
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

/// The page's scan, when the page is one image of at least [`MIN_SCAN_DPI`] in a filter we
/// decode ourselves (JPEG, or Flate over 8-bit gray or RGB).
fn scanned_image(document: &Document, page: ObjectId) -> Option<GrayImage> {
    let images = document.get_page_images(page).ok()?;
    let [image] = images.as_slice() else {
        return None;
    };
    let page_width_pt = media_box_width(document, page)?;
    if (image.width as f64) < MIN_SCAN_DPI * page_width_pt / 72.0 {
        return None;
    }
    let (width, height) = (
        u32::try_from(image.width).ok()?,
        u32::try_from(image.height).ok()?,
    );
    let filters = image.filters.as_deref().unwrap_or_default();
    match filters {
        [f] if f == "DCTDecode" => {
            image::load_from_memory_with_format(image.content, image::ImageFormat::Jpeg)
                .ok()
                .map(|i| i.to_luma8())
        }
        [f] if f == "FlateDecode" && image.bits_per_component == Some(8) => {
            let stream = document.get_object(image.id).ok()?.as_stream().ok()?;
            let pixels = stream.decompressed_content().ok()?;
            match image.color_space.as_deref() {
                Some("DeviceGray") => GrayImage::from_raw(width, height, pixels),
                Some("DeviceRGB") => image::RgbImage::from_raw(width, height, pixels)
                    .map(|rgb| image::DynamicImage::ImageRgb8(rgb).to_luma8()),
                _ => None,
            }
        }
        _ => None,
    }
}

fn media_box_width(document: &Document, page: ObjectId) -> Option<f64> {
    let mut dictionary = document.get_dictionary(page).ok()?;
    // MediaBox may be inherited from the page tree.
    loop {
        if let Ok(Object::Array(rect)) = dictionary.get(b"MediaBox") {
            let number = |o: &Object| o.as_float().map(f64::from).ok();
            return Some(number(rect.get(2)?)? - number(rect.first()?)?);
        }
        let parent = dictionary.get(b"Parent").ok()?.as_reference().ok()?;
        dictionary = document.get_dictionary(parent).ok()?;
    }
}

/// Renders page `number` to a grayscale image with `pdftoppm` (PDF on stdin, PNG on stdout).
fn rasterize(bytes: &[u8], number: u32) -> Result<GrayImage, String> {
    let page = number.to_string();
    let mut child = Command::new("pdftoppm")
        .args([
            "-r",
            &RASTER_DPI.to_string(),
            "-gray",
            "-png",
            "-singlefile",
        ])
        .args(["-f", &page, "-l", &page, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "page {number} has no usable text layer and pdftoppm is not installed to \
                     render it: install poppler-utils (Debian: apt-get install poppler-utils)"
                )
            } else {
                format!("cannot run pdftoppm: {e}")
            }
        })?;
    // Feed stdin from another thread so a large PNG on stdout cannot deadlock the pipe.
    let output = std::thread::scope(|scope| {
        let mut stdin = child.stdin.take();
        scope.spawn(move || stdin.as_mut().map(|s| s.write_all(bytes)));
        child.wait_with_output()
    })
    .map_err(|e| format!("pdftoppm failed: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "pdftoppm could not render page {number}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    image::load_from_memory_with_format(&output.stdout, image::ImageFormat::Png)
        .map(|i| i.to_luma8())
        .map_err(|e| format!("cannot read page {number} as rendered by pdftoppm: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Stream};

    /// A one-page US Letter PDF whose page draws one Flate-compressed gray image.
    fn pdf_with_flate_image(width: u32, height: u32, pixels: &[u8]) -> (Document, ObjectId) {
        let mut document = Document::with_version("1.5");
        let pages_id = document.new_object_id();
        let mut image = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image",
                "Width" => i64::from(width), "Height" => i64::from(height),
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            },
            pixels.to_vec(),
        );
        image.compress().unwrap();
        let image_id = document.add_object(image);
        let content = Stream::new(dictionary! {}, b"q 612 0 0 792 0 0 cm /Im0 Do Q".to_vec());
        let content_id = document.add_object(content);
        let page_id = document.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
        });
        document.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
                "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            }),
        );
        let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        document.trailer.set("Root", catalog);
        (document, page_id)
    }

    #[test]
    fn full_page_flate_scan_is_taken_as_it_is() {
        // 900 pixels over 8.5 inches: about 106 dpi, with the MediaBox inherited.
        let pixels: Vec<u8> = (0..900u32 * 3).map(|i| (i % 251) as u8).collect();
        let (document, page) = pdf_with_flate_image(900, 3, &pixels);
        let image = scanned_image(&document, page).expect("the page is a scan");
        assert_eq!((image.width(), image.height()), (900, 3));
        assert_eq!(image.as_raw(), &pixels);
    }

    #[test]
    fn small_image_on_a_page_is_not_taken_for_its_scan() {
        let (document, page) = pdf_with_flate_image(120, 2, &[128; 240]);
        assert_eq!(scanned_image(&document, page), None);
    }

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
