//! Finding input documents and reading each into pages of text.
//!
//! Files are classified by their first bytes, not their names: archives are full of `.txt` files
//! that are really Word documents and scans named `.doc`.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::document::{Line, Page, PageEvent, PageMethod, RawText, SourceKind};
use crate::error::{Error, Result};
use crate::ocr::OcrOptions;
use crate::text::{self, Encoding};

/// Extensions `discover` picks up when walking a directory. Files named explicitly on the command
/// line are always read, whatever their name.
pub const DOCUMENT_EXTENSIONS: &[&str] = &[
    "txt", "text", "png", "jpg", "jpeg", "tif", "tiff", "bmp", "gif", "webp", "pbm", "pgm", "ppm",
    "pnm", "pdf",
];

/// One input found on the command line or inside a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// The path relative to the directory it was found in (or the file name for explicit files),
    /// used to name its output file.
    pub relative: PathBuf,
}

/// Expands files and directories (recursively, sorted, so every run sees the same order) into
/// inputs. Problems with one path are returned beside the inputs found elsewhere.
pub fn discover(paths: &[PathBuf]) -> (Vec<Input>, Vec<Error>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(e) => errors.push(Error::io(path, e)),
            Ok(meta) if meta.is_dir() => {
                let before = inputs.len();
                walk_directory(path, &mut inputs, &mut errors);
                if inputs.len() == before {
                    errors.push(Error::NoDocuments {
                        path: path.clone(),
                        expected: DOCUMENT_EXTENSIONS.join(", "),
                    });
                }
            }
            Ok(_) => inputs.push(Input {
                path: path.clone(),
                relative: path
                    .file_name()
                    .map(PathBuf::from)
                    .unwrap_or_else(|| path.clone()),
            }),
        }
    }
    (inputs, errors)
}

fn walk_directory(root: &Path, inputs: &mut Vec<Input>, errors: &mut Vec<Error>) {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        match entry {
            Err(e) => {
                let path = e.path().unwrap_or(root).to_owned();
                let source = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("filesystem loop"));
                errors.push(Error::io(path, source));
            }
            Ok(entry) if entry.file_type().is_file() && has_document_extension(entry.path()) => {
                let relative = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap_or(entry.path())
                    .to_owned();
                inputs.push(Input {
                    path: entry.path().to_owned(),
                    relative,
                });
            }
            Ok(_) => {}
        }
    }
}

fn has_document_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| DOCUMENT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Text,
    Pdf,
    Image,
}

pub fn sniff(bytes: &[u8]) -> Sniffed {
    const IMAGE_MAGICS: &[&[u8]] = &[
        b"\x89PNG\r\n\x1a\n",
        b"\xFF\xD8\xFF",
        b"II*\x00",
        b"MM\x00*",
        b"GIF87a",
        b"GIF89a",
        b"BM",
    ];
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        Sniffed::Pdf
    } else if IMAGE_MAGICS.iter().any(|m| bytes.starts_with(m))
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
        || (bytes.len() > 2
            && bytes[0] == b'P'
            && (b'1'..=b'6').contains(&bytes[1])
            && bytes[2].is_ascii_whitespace())
    {
        Sniffed::Image
    } else {
        Sniffed::Text
    }
}

/// Options for reading inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestOptions {
    /// How images and scanned PDF pages are OCR'd.
    pub ocr: OcrOptions,
}

/// A document read into pages, with what is known of its source.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingested {
    pub kind: SourceKind,
    pub byte_len: u64,
    pub sha256: String,
    /// How a text file was decoded; `None` for images and PDFs.
    pub encoding: Option<Encoding>,
    pub pages: Vec<Page>,
    pub raw: RawText,
    pub warnings: Vec<String>,
}

/// Reads one input into pages of text.
pub fn ingest(path: &Path, options: &IngestOptions) -> Result<Ingested> {
    ingest_observed(path, options, &|_| {})
}

/// [`ingest`], telling `on_page` about pages as they are found and read.
pub fn ingest_observed(
    path: &Path,
    options: &IngestOptions,
    on_page: &(dyn Fn(PageEvent) + Sync),
) -> Result<Ingested> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    ingest_bytes_observed(path, &bytes, options, on_page)
}

/// Reads a document already in memory (standard input, tests); `path` names it in errors.
pub fn ingest_bytes(path: &Path, bytes: &[u8], options: &IngestOptions) -> Result<Ingested> {
    ingest_bytes_observed(path, bytes, options, &|_| {})
}

/// [`ingest_bytes`], telling `on_page` about pages as they are found and read.
pub fn ingest_bytes_observed(
    path: &Path,
    bytes: &[u8],
    options: &IngestOptions,
    on_page: &(dyn Fn(PageEvent) + Sync),
) -> Result<Ingested> {
    if bytes.is_empty() {
        return Err(Error::Empty {
            path: path.to_owned(),
        });
    }
    let sha256 = hex_sha256(bytes);
    let byte_len = bytes.len() as u64;
    let (kind, pages, warnings) = match sniff(bytes) {
        Sniffed::Text => {
            on_page(PageEvent::Found(1));
            let text = ingest_text(path, bytes, sha256, byte_len);
            on_page(PageEvent::Done);
            return text;
        }
        Sniffed::Image => {
            let pages = ingest_image(path, bytes, &options.ocr, on_page)?;
            (SourceKind::Image, pages, Vec::new())
        }
        Sniffed::Pdf => {
            let (pages, warnings) = crate::pdf::pages(path, bytes, &options.ocr, on_page)?;
            (SourceKind::Pdf, pages, warnings)
        }
    };
    let raw = RawText::from_pages(&pages);
    if raw.text.trim().is_empty() {
        return Err(Error::Empty {
            path: path.to_owned(),
        });
    }
    Ok(Ingested {
        kind,
        byte_len,
        sha256,
        encoding: None,
        pages,
        raw,
        warnings,
    })
}

/// OCRs every page of an image file, pages in parallel.
fn ingest_image(
    path: &Path,
    bytes: &[u8],
    ocr: &OcrOptions,
    on_page: &(dyn Fn(PageEvent) + Sync),
) -> Result<Vec<Page>> {
    // Decoders for untrusted files may panic on inputs their authors did not foresee.
    let decoded = std::panic::catch_unwind(|| crate::ocr::decode_pages(bytes))
        .unwrap_or_else(|_| Err("the image decoder gave up on this file".to_owned()));
    let images = decoded.map_err(|reason| Error::Image {
        path: path.to_owned(),
        reason: format!("{reason}; the file may be truncated or corrupt"),
    })?;
    on_page(PageEvent::Found(images.len()));
    images
        .par_iter()
        .enumerate()
        .map(|(index, image)| {
            let number = index as u32 + 1;
            let page = crate::ocr::recognize(image, ocr, number);
            on_page(PageEvent::Done);
            page.map_err(|reason| Error::Ocr {
                path: path.to_owned(),
                reason: if images.len() > 1 {
                    format!("page {number}: {reason}")
                } else {
                    reason
                },
            })
        })
        .collect()
}

fn ingest_text(path: &Path, bytes: &[u8], sha256: String, byte_len: u64) -> Result<Ingested> {
    if let Some(reason) = binary_reason(bytes) {
        return Err(Error::Binary {
            path: path.to_owned(),
            reason,
        });
    }
    let decoded = text::decode(path, bytes)?;
    if decoded.text.trim().is_empty() {
        return Err(Error::Empty {
            path: path.to_owned(),
        });
    }
    let raw = RawText::from_text(decoded.text);
    let lines = raw
        .lines
        .iter()
        .map(|l| {
            let text: String = raw
                .text
                .chars()
                .skip(l.start)
                .take(l.end - l.start)
                .collect();
            Line::plain(text)
        })
        .collect();
    let page = Page {
        number: 1,
        method: PageMethod::Text,
        width: None,
        height: None,
        ocr_language: None,
        lines,
        removed: Vec::new(),
    };
    Ok(Ingested {
        kind: SourceKind::Text,
        byte_len,
        sha256,
        encoding: Some(decoded.encoding),
        pages: vec![page],
        raw,
        warnings: Vec::new(),
    })
}

/// Why `bytes` are not text, judged on the first 8 KiB: NUL bytes outside UTF-16, or many
/// control characters.
fn binary_reason(bytes: &[u8]) -> Option<String> {
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    let head = &bytes[..bytes.len().min(8192)];
    if !utf16 {
        if let Some(at) = head.iter().position(|&b| b == 0) {
            return Some(format!("NUL byte at offset {at}"));
        }
        // TCVN3 puts a few capitals in the C0 range, so only a high share counts as binary.
        let controls = head
            .iter()
            .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
            .count();
        if controls * 10 > head.len() {
            return Some(format!(
                "{controls} control bytes in the first {} bytes",
                head.len()
            ));
        }
    }
    None
}

pub fn hex_sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(bytes: &[u8]) -> Error {
        ingest_bytes(Path::new("scan.bin"), bytes, &IngestOptions::default()).unwrap_err()
    }

    #[test]
    fn corrupt_image_is_an_image_error_naming_the_file() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&[0x5a; 64]);
        let error = error_of(&png);
        assert_eq!(error.kind(), crate::ErrorKind::Image);
        assert!(
            error.to_string().starts_with("scan.bin: cannot read image"),
            "{error}"
        );
    }

    #[test]
    fn pdf_that_is_not_a_pdf_inside_is_a_pdf_error() {
        let error = error_of(b"%PDF-1.4\nnothing here\n");
        assert_eq!(error.kind(), crate::ErrorKind::Pdf);
        assert!(
            error.to_string().contains("truncated or corrupt"),
            "{error}"
        );
    }

    #[test]
    fn text_files_report_one_page_found_and_done() {
        let events = std::sync::Mutex::new(Vec::new());
        let on_page = |event| events.lock().unwrap().push(event);
        ingest_bytes_observed(
            Path::new("a.txt"),
            b"Hello",
            &IngestOptions::default(),
            &on_page,
        )
        .unwrap();
        assert_eq!(
            events.into_inner().unwrap(),
            [PageEvent::Found(1), PageEvent::Done]
        );
    }
}
