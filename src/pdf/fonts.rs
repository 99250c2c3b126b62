//! Font decoding: what text and what advance width each code of a show-text string stands for.
//!
//! In order of trust: a legacy Vietnamese font (TCVN3 `.VnTime`, `VNI-Times`) is read as the
//! bytes of its encoding, which `text::legacy` decodes; then the font's ToUnicode map; then, for
//! simple fonts, the encoding (base encoding plus `/Differences`, glyph names through the Adobe
//! Glyph List and `uniXXXX` / `uXXXXX` names).

use lopdf::{Dictionary, Document, Object};

use super::cmap::ToUnicode;
use super::tables;
use crate::text::LegacyEncoding;

type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// What one code shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GlyphText {
    Char(char),
    /// More than one character (a ligature: `fi`).
    Text(String),
    /// A byte of a legacy 8-bit Vietnamese font, as its Latin-1 character.
    Legacy(char, LegacyEncoding),
    /// Nothing maps the code to text.
    Unknown,
}

#[derive(Debug)]
pub struct Font {
    /// Two-byte codes (Identity-H/V and the other UCS-2 CMaps) or one-byte codes.
    two_byte: bool,
    /// What each code shows, worked out once per font: glyphs are looked up by the thousand.
    decoded: HashMap<u32, GlyphText>,
    legacy: Option<LegacyEncoding>,
    widths: HashMap<u32, f64>,
    default_width: f64,
}

/// Width of a glyph the font does not list, in thousandths of the font size: about an average
/// Latin letter, for the standard 14 fonts, which come without a `/Widths` array.
const UNLISTED_WIDTH: f64 = 500.0;

impl Font {
    pub fn load(document: &Document, font: &Dictionary) -> Font {
        let name = font
            .get(b"BaseFont")
            .and_then(Object::as_name)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let composite = font.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Type0");
        let to_unicode = resolve(document, font.get(b"ToUnicode").ok())
            .and_then(|o| o.as_stream().ok())
            .map(|s| {
                s.decompressed_content()
                    .unwrap_or_else(|_| s.content.clone())
            })
            .map(|bytes| ToUnicode::parse(&bytes));
        let legacy = legacy_encoding(&name).filter(|_| {
            // A ToUnicode map that already gives Vietnamese letters was written by a converter
            // that knew the font; one that gives Latin-1 only copies the bytes.
            !to_unicode.as_ref().is_some_and(|map| {
                map.entries()
                    .any(|(_, t)| t.chars().any(|c| c as u32 > 0xFF))
            })
        });
        if composite {
            let descendant = resolve(document, font.get(b"DescendantFonts").ok())
                .and_then(|o| o.as_array().ok())
                .and_then(|a| resolve(document, a.first()))
                .and_then(|o| o.as_dict().ok());
            let (widths, default_width) =
                descendant.map_or((HashMap::default(), 1000.0), |d| cid_widths(document, d));
            return Font {
                two_byte: true,
                decoded: decode_all(to_unicode.as_ref(), None),
                legacy: None,
                widths,
                default_width,
            };
        }
        let mut widths = HashMap::default();
        let first = font.get(b"FirstChar").and_then(Object::as_i64).unwrap_or(0);
        if let Some(list) =
            resolve(document, font.get(b"Widths").ok()).and_then(|o| o.as_array().ok())
        {
            for (i, w) in list.iter().enumerate() {
                if let Some(w) = resolve(document, Some(w)).and_then(number) {
                    widths.insert((first + i as i64) as u32, w);
                }
            }
        }
        let descriptor =
            resolve(document, font.get(b"FontDescriptor").ok()).and_then(|o| o.as_dict().ok());
        let default_width = descriptor
            .and_then(|d| d.get(b"MissingWidth").ok())
            .and_then(number)
            .filter(|&w| w > 0.0)
            .unwrap_or(UNLISTED_WIDTH);
        Font {
            decoded: decode_all(to_unicode.as_ref(), Some(&simple_encoding(document, font))),
            two_byte: false,
            legacy,
            widths,
            default_width,
        }
    }

    /// The codes of a show-text string.
    pub fn codes<'a>(&self, bytes: &'a [u8]) -> impl Iterator<Item = u32> + 'a {
        let step = if self.two_byte { 2 } else { 1 };
        bytes
            .chunks(step)
            .map(|c| c.iter().fold(0, |v, &b| v << 8 | u32::from(b)))
    }

    /// Whether `code` is the single-byte space that word spacing (`Tw`) applies to.
    pub fn is_word_space(&self, code: u32) -> bool {
        !self.two_byte && code == 32
    }

    /// Advance width in thousandths of the font size.
    pub fn width(&self, code: u32) -> f64 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
    }

    pub fn text(&self, code: u32) -> GlyphText {
        if let Some(legacy) = self.legacy {
            return GlyphText::Legacy(char::from(code as u8), legacy);
        }
        self.decoded
            .get(&code)
            .cloned()
            .unwrap_or(GlyphText::Unknown)
    }
}

/// What each code shows: the ToUnicode map's text when it is usable, else (simple fonts) the
/// encoding's character.
fn decode_all(
    to_unicode: Option<&ToUnicode>,
    encoding: Option<&[Option<char>; 256]>,
) -> HashMap<u32, GlyphText> {
    let mut decoded = HashMap::default();
    if let Some(encoding) = encoding {
        for (code, c) in encoding.iter().enumerate() {
            if let Some(c) = c {
                decoded.insert(code as u32, GlyphText::Char(*c));
            }
        }
    }
    for (code, text) in to_unicode.into_iter().flat_map(ToUnicode::entries) {
        if !usable(&text) || (encoding.is_some() && code > 0xFF) {
            continue;
        }
        let mut chars = text.chars();
        let glyph = match (chars.next(), chars.next()) {
            (Some(c), None) => GlyphText::Char(c),
            _ => GlyphText::Text(text),
        };
        decoded.insert(code, glyph);
    }
    decoded
}

/// Text that is neither empty, nor the replacement character, nor control characters: some
/// writers map glyphs they could not name to U+FFFD or U+0000.
fn usable(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c != char::REPLACEMENT_CHARACTER && (!c.is_control() || c == '\t'))
}

/// TCVN3 fonts are named `.VnTime`, `VnTimeH`, `.VnArial` …; VNI fonts `VNI-Times`.
fn legacy_encoding(base_font: &str) -> Option<LegacyEncoding> {
    // A subset font's name starts with six capitals and `+`.
    let name = base_font.split_once('+').map_or(base_font, |(_, n)| n);
    let name = name.trim_start_matches('.');
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("vni-") || lower.starts_with("vni ") || lower.starts_with("vni_") {
        Some(LegacyEncoding::VniWindows)
    } else if name.starts_with("Vn") && name[2..].starts_with(|c: char| c.is_ascii_uppercase()) {
        Some(LegacyEncoding::Tcvn3)
    } else {
        None
    }
}

fn resolve<'a>(document: &'a Document, object: Option<&'a Object>) -> Option<&'a Object> {
    match object? {
        Object::Reference(id) => document.get_object(*id).ok(),
        other => Some(other),
    }
}

fn number(object: &Object) -> Option<f64> {
    match object {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// `/W` and `/DW` of a CIDFont: `[c [w1 w2 …]]` lists widths from `c`, `[c1 c2 w]` gives one
/// width to a range.
fn cid_widths(document: &Document, cid_font: &Dictionary) -> (HashMap<u32, f64>, f64) {
    /// A bound on ranges so a hostile `/W` cannot allocate without end.
    const MAX_ENTRIES: usize = 65_536;
    let default = cid_font.get(b"DW").ok().and_then(number).unwrap_or(1000.0);
    let mut widths = HashMap::default();
    let Some(list) = resolve(document, cid_font.get(b"W").ok()).and_then(|o| o.as_array().ok())
    else {
        return (widths, default);
    };
    let items: Vec<&Object> = list
        .iter()
        .filter_map(|o| resolve(document, Some(o)))
        .collect();
    let mut i = 0;
    while i + 1 < items.len() && widths.len() < MAX_ENTRIES {
        let Some(first) = number(items[i]) else {
            i += 1;
            continue;
        };
        let first = first as u32;
        if let Ok(array) = items[i + 1].as_array() {
            for (k, w) in array.iter().enumerate() {
                if let Some(w) = resolve(document, Some(w)).and_then(number) {
                    widths.insert(first + k as u32, w);
                }
            }
            i += 2;
        } else if let (Some(last), Some(w)) = (
            number(items[i + 1]),
            items.get(i + 2).copied().and_then(number),
        ) {
            for code in first..=(last as u32).min(first + MAX_ENTRIES as u32) {
                widths.insert(code, w);
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    (widths, default)
}

/// The code → character table of a simple font: its base encoding with `/Differences` applied.
fn simple_encoding(document: &Document, font: &Dictionary) -> Box<[Option<char>; 256]> {
    let truetype = font.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"TrueType");
    // Without an encoding, Type 1 fonts use StandardEncoding; TrueType fonts as writers emit
    // them are WinAnsi.
    let implicit = if truetype {
        &tables::WIN_ANSI
    } else {
        &tables::STANDARD
    };
    let by_name = |name: &[u8]| match name {
        b"WinAnsiEncoding" => Some(&tables::WIN_ANSI),
        b"MacRomanEncoding" => Some(&tables::MAC_ROMAN),
        b"StandardEncoding" => Some(&tables::STANDARD),
        _ => None,
    };
    let encoding = resolve(document, font.get(b"Encoding").ok());
    let mut table = Box::new(*match encoding {
        Some(Object::Name(name)) => by_name(name).unwrap_or(implicit),
        Some(Object::Dictionary(d)) => d
            .get(b"BaseEncoding")
            .and_then(Object::as_name)
            .ok()
            .and_then(by_name)
            .unwrap_or(implicit),
        _ => implicit,
    });
    if let Some(Object::Dictionary(d)) = encoding {
        if let Some(differences) =
            resolve(document, d.get(b"Differences").ok()).and_then(|o| o.as_array().ok())
        {
            let mut code = 0usize;
            for item in differences {
                match item {
                    Object::Integer(start) => code = (*start).clamp(0, 255) as usize,
                    Object::Name(name) => {
                        if code < 256 {
                            table[code] = glyph_char(&String::from_utf8_lossy(name));
                        }
                        code += 1;
                    }
                    _ => {}
                }
            }
        }
    }
    table
}

/// The character a glyph name stands for: an Adobe Glyph List name, `uniXXXX`, `uXXXX[XX]`, or
/// either with a `.suffix` (`a.sc`, `uni1EA1.alt`).
pub fn glyph_char(name: &str) -> Option<char> {
    let base = name.split('.').next().unwrap_or(name);
    if base.is_empty() {
        return None;
    }
    if let Ok(i) = tables::GLYPH_NAMES.binary_search_by_key(&base, |&(n, _)| n) {
        return Some(tables::GLYPH_NAMES[i].1);
    }
    let hex = |digits: &str| {
        (digits.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(digits, 16).ok())
            .flatten()
            .and_then(char::from_u32)
    };
    if let Some(digits) = base.strip_prefix("uni") {
        return digits
            .get(..4)
            .filter(|_| digits.len() % 4 == 0)
            .and_then(hex);
    }
    if let Some(digits) = base.strip_prefix('u') {
        return (4..=6)
            .contains(&digits.len())
            .then(|| hex(digits))
            .flatten();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names_decode_through_the_list_and_unicode_forms() {
        assert_eq!(glyph_char("ohornacute"), Some('ớ'));
        assert_eq!(glyph_char("dcroat"), Some('đ'));
        assert_eq!(glyph_char("uni1EA1"), Some('ạ'));
        assert_eq!(glyph_char("u1EA1"), Some('ạ'));
        assert_eq!(glyph_char("a.sc"), Some('a'));
        assert_eq!(glyph_char("g123"), None);
        assert_eq!(glyph_char(".notdef"), None);
    }

    #[test]
    fn legacy_fonts_are_known_by_name() {
        assert_eq!(legacy_encoding(".VnTime"), Some(LegacyEncoding::Tcvn3));
        assert_eq!(
            legacy_encoding("AFPBAA+VnCenturySchoolbook"),
            Some(LegacyEncoding::Tcvn3)
        );
        assert_eq!(
            legacy_encoding("VNI-Times"),
            Some(LegacyEncoding::VniWindows)
        );
        assert_eq!(legacy_encoding("TimesNewRomanPSMT"), None);
        assert_eq!(legacy_encoding("Vnexpress"), None);
    }
}
