//! Text normalization: decoding (UTF-8, UTF-16, legacy Vietnamese encodings), NFC, cleaning of
//! invisible and look-alike characters, tone-placement style, and joining of lines broken inside a
//! paragraph. Every stage that rewrites text records an [`OffsetMap`] so spans found later can be
//! reported in raw-input coordinates.

pub mod clean;
pub mod join;
pub mod legacy;
pub mod strip;
pub mod tone;

use std::path::Path;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::document::OffsetMap;
use crate::error::{Error, Result};

pub use legacy::LegacyEncoding;
pub use strip::strip_diacritics;
pub use tone::ToneStyle;

/// How the bytes of a text file were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Utf8,
    Utf16le,
    Utf16be,
    /// An 8-bit legacy Vietnamese encoding; the raw text holds one character per byte
    /// (Windows-1252 reading) and [`normalize`] converts it.
    Legacy(LegacyEncoding),
}

/// A decoded text file: the raw text that offsets refer to, and how it was decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
}

/// Decodes a text file's bytes. Invalid UTF-8 is tried against the legacy 8-bit encodings; bytes
/// that fit none of them are an error naming the file and the first bad byte.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<Decoded> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_utf8(path, rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(path, rest, u16::from_le_bytes, Encoding::Utf16le);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(path, rest, u16::from_be_bytes, Encoding::Utf16be);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: text.to_owned(),
            encoding: utf8_or_viqr(text),
        }),
        Err(utf8_error) => match legacy::detect_8bit(bytes) {
            Some(encoding) => Ok(Decoded {
                text: legacy::bytes_as_chars(bytes),
                encoding: Encoding::Legacy(encoding),
            }),
            None => Err(Error::Encoding {
                path: path.to_owned(),
                reason: format!(
                    "invalid UTF-8 at byte {} and not TCVN3 or VNI-Windows either; \
                     convert the file to UTF-8 (e.g. with iconv) and retry",
                    utf8_error.valid_up_to()
                ),
            }),
        },
    }
}

/// VIQR is plain ASCII, so a valid UTF-8 file may still be in it.
fn utf8_or_viqr(text: &str) -> Encoding {
    if legacy::detect_viqr(text) {
        Encoding::Legacy(LegacyEncoding::Viqr)
    } else {
        Encoding::Utf8
    }
}

fn decode_utf8(path: &Path, bytes: &[u8]) -> Result<Decoded> {
    std::str::from_utf8(bytes)
        .map(|text| Decoded {
            text: text.to_owned(),
            encoding: utf8_or_viqr(text),
        })
        .map_err(|e| Error::Encoding {
            path: path.to_owned(),
            reason: format!(
                "has a UTF-8 byte-order mark but invalid UTF-8 at byte {}",
                e.valid_up_to() + 3
            ),
        })
}

fn decode_utf16(
    path: &Path,
    bytes: &[u8],
    unit: fn([u8; 2]) -> u16,
    encoding: Encoding,
) -> Result<Decoded> {
    if !bytes.len().is_multiple_of(2) {
        return Err(Error::Encoding {
            path: path.to_owned(),
            reason: "UTF-16 byte-order mark but an odd number of bytes".into(),
        });
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map(|text| Decoded { text, encoding })
        .map_err(|e| Error::Encoding {
            path: path.to_owned(),
            reason: format!("invalid UTF-16: {e}"),
        })
}

/// Options of [`normalize`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NormalizeOptions {
    pub tone_style: ToneStyle,
    /// Join lines broken inside a paragraph (hard-wrapped text and OCR output).
    pub join_lines: bool,
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        NormalizeOptions {
            tone_style: ToneStyle::New,
            join_lines: true,
        }
    }
}

/// One stage of normalization that was applied, for the JSON output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageReport {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Characters of the text this stage changed, inserted or removed.
    pub changes: usize,
}

/// Normalized text with its map back to the raw text.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized {
    pub text: String,
    pub to_raw: OffsetMap,
    pub stages: Vec<StageReport>,
}

/// Runs every normalization stage over `raw`.
pub fn normalize(raw: &str, encoding: Encoding, options: &NormalizeOptions) -> Normalized {
    let mut out = Normalized {
        text: raw.to_owned(),
        to_raw: OffsetMap::identity(raw.chars().count()),
        stages: Vec::new(),
    };
    if let Encoding::Legacy(legacy) = encoding {
        out.apply("legacy_encoding", Some(legacy.name()), |t| {
            legacy::to_unicode(t, legacy)
        });
    }
    out.apply("nfc", None, nfc);
    out.apply("clean", None, clean::clean);
    let style = options.tone_style;
    out.apply("tone_style", Some(style.name()), |t| tone::apply(t, style));
    if options.join_lines {
        out.apply("join_lines", None, join::join_lines);
    }
    out
}

impl Normalized {
    fn apply(&mut self, name: &str, detail: Option<&str>, stage: impl FnOnce(&str) -> Rewritten) {
        let rewritten = stage(&self.text);
        self.stages.push(StageReport {
            name: name.to_owned(),
            detail: detail.map(str::to_owned),
            changes: rewritten.changes,
        });
        self.to_raw = self.to_raw.compose(&rewritten.map);
        self.text = rewritten.text;
    }
}

/// Output of a text-rewriting stage: the new text, its map to the stage's input, and how many
/// characters changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Rewritten {
    pub text: String,
    pub map: OffsetMap,
    pub changes: usize,
}

/// Builds a [`Rewritten`] character by character.
#[derive(Debug)]
pub struct Rewriter {
    text: String,
    map: OffsetMap,
    changes: usize,
}

impl Rewriter {
    pub fn new(source: &str) -> Self {
        let len = source.chars().count();
        Rewriter {
            text: String::with_capacity(source.len()),
            map: OffsetMap::with_source_len(len),
            changes: 0,
        }
    }

    /// Copies source character `at` unchanged.
    pub fn keep(&mut self, c: char, at: usize) {
        self.text.push(c);
        self.map.push(at, at + 1);
    }

    /// Emits `out` for source characters `start..end`, counting it as a change.
    pub fn replace(&mut self, out: &str, start: usize, end: usize) {
        for c in out.chars() {
            self.text.push(c);
            self.map.push(start, end);
        }
        self.changes += (end - start).max(out.chars().count());
    }

    /// The text written so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn finish(self) -> Rewritten {
        Rewritten {
            text: self.text,
            map: self.map,
            changes: self.changes,
        }
    }
}

/// Canonical composition, mapping each composed character to the run of source characters
/// (base plus combining marks) it came from.
pub fn nfc(text: &str) -> Rewritten {
    if unicode_normalization::is_nfc(text) {
        let len = text.chars().count();
        return Rewritten {
            text: text.to_owned(),
            map: OffsetMap::identity(len),
            changes: 0,
        };
    }
    let mut out = Rewriter::new(text);
    let chars: Vec<char> = text.chars().collect();
    let mut start = 0;
    while start < chars.len() {
        // A cluster is a starter followed by its combining marks; NFC never crosses clusters.
        let mut end = start + 1;
        while end < chars.len()
            && unicode_normalization::char::canonical_combining_class(chars[end]) != 0
        {
            end += 1;
        }
        let cluster: String = chars[start..end].iter().collect();
        let composed: String = cluster.nfc().collect();
        if composed == cluster {
            for (i, c) in cluster.chars().enumerate() {
                out.keep(c, start + i);
            }
        } else {
            out.replace(&composed, start, end);
        }
        start = end;
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_maps_composed_chars_to_their_clusters() {
        let decomposed = "Đa\u{300}ng u\u{309}y";
        let out = nfc(decomposed);
        assert_eq!(out.text, "Đàng ủy");
        assert_eq!(out.map.source_span(1, 2), (1, 3));
        assert_eq!(out.map.source_span(5, 7), (6, 9));
    }

    #[test]
    fn invalid_utf8_that_is_no_legacy_encoding_names_the_file() {
        let err = decode(Path::new("x.txt"), b"abc\xff\xfe\x00\x01").unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("x.txt: cannot decode text"),
            "{message}"
        );
    }

    #[test]
    fn utf16_with_bom_decodes() {
        let bytes = [0xFF, 0xFE, b'h', 0, 0xE7, 0x1E];
        let decoded = decode(Path::new("u.txt"), &bytes).unwrap();
        assert_eq!(decoded.text, "hủ");
        assert_eq!(decoded.encoding, Encoding::Utf16le);
    }
}
