//! Legacy Vietnamese encodings found in old archives: TCVN3 (ABC), VNI-Windows and VIQR.
//!
//! TCVN3 and VNI-Windows are 8-bit font encodings: a file's raw text holds one character per byte
//! (see [`bytes_as_chars`]), so raw offsets are byte offsets, and [`to_unicode`] maps every
//! decoded character back to the byte or bytes it came from. Both keep Windows-1252 punctuation
//! (“ ” – … at 0x80-0x9F). VIQR is ASCII: `Vie^.t Nam`, `ddu+o+`ng`, with `\` escaping a mark
//! character that is meant literally.
//!
//! TCVN3 has no codes for capital vowels with a tone mark: documents set them in an uppercase
//! font (.VnTimeH) over the lowercase codes. [`from_unicode`] writes such capitals with the
//! lowercase code, and [`to_unicode`] gives a word back its capitals when it has no ASCII
//! lowercase letter and either two capitals or a capital after its first letter (`HUYÖN` →
//! `HUYỆN`, `ñY` → `ỦY`), or, in a line with such a word, a capital first letter (`ĐỀ ÁN`).
//! Where that cannot be told (`Ủy ban` is written like `ủy ban`) the capital comes back in
//! lowercase.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::{Rewriter, Rewritten};
use crate::orthography as syllable;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegacyEncoding {
    Tcvn3,
    VniWindows,
    Viqr,
}

impl LegacyEncoding {
    pub fn name(self) -> &'static str {
        match self {
            LegacyEncoding::Tcvn3 => "tcvn3",
            LegacyEncoding::VniWindows => "vni_windows",
            LegacyEncoding::Viqr => "viqr",
        }
    }
}

/// A character [`from_unicode`] cannot write in the requested encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{encoding} cannot represent {character:?} (U+{code:04X}) at character {offset}", encoding = .encoding.name(), code = u32::from(*.character))]
pub struct Unrepresentable {
    pub encoding: LegacyEncoding,
    pub character: char,
    pub offset: usize,
}

// The 134 Vietnamese letters outside ASCII, and their codes in each encoding, in the same order.
// TCVN3 capitals with a tone mark hold the lowercase letter's code (the uppercase-font
// convention); VNI writes most letters as an ASCII base followed by a mark byte.
const LETTERS: &str = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ";
const TCVN3_CODES: &str = "µ¸¢·ÌÐ£×Ýßã¤âïóýµ¸©·ÌÐª×Ýßã«âïóý¡¨§®ÜÜòò¥¬¦\u{ad}¹¹¶¶ÊÊÇÇÈÈÉÉËË¾¾»»¼¼½½ÆÆÑÑÎÎÏÏÕÕÒÒÓÓÔÔÖÖØØÞÞääááèèååææççééííêêëëììîîôôññøøõõöö÷÷ùùúúþþûûüü";
const VNI_CODES: [&str; 134] = [
    "AØ", "AÙ", "AÂ", "AÕ", "EØ", "EÙ", "EÂ", "Ì", "Í", "OØ", "OÙ", "OÂ", "OÕ", "UØ", "UÙ", "YÙ",
    "aø", "aù", "aâ", "aõ", "eø", "eù", "eâ", "ì", "í", "oø", "où", "oâ", "oõ", "uø", "uù", "yù",
    "AÊ", "aê", "Ñ", "ñ", "Ó", "ó", "UÕ", "uõ", "Ô", "ô", "Ö", "ö", "AÏ", "aï", "AÛ", "aû", "AÁ",
    "aá", "AÀ", "aà", "AÅ", "aå", "AÃ", "aã", "AÄ", "aä", "AÉ", "aé", "AÈ", "aè", "AÚ", "aú", "AÜ",
    "aü", "AË", "aë", "EÏ", "eï", "EÛ", "eû", "EÕ", "eõ", "EÁ", "eá", "EÀ", "eà", "EÅ", "eå", "EÃ",
    "eã", "EÄ", "eä", "Æ", "æ", "Ò", "ò", "OÏ", "oï", "OÛ", "oû", "OÁ", "oá", "OÀ", "oà", "OÅ",
    "oå", "OÃ", "oã", "OÄ", "oä", "ÔÙ", "ôù", "ÔØ", "ôø", "ÔÛ", "ôû", "ÔÕ", "ôõ", "ÔÏ", "ôï", "UÏ",
    "uï", "UÛ", "uû", "ÖÙ", "öù", "ÖØ", "öø", "ÖÛ", "öû", "ÖÕ", "öõ", "ÖÏ", "öï", "YØ", "yø", "Î",
    "î", "YÛ", "yû", "YÕ", "yõ",
];

/// Windows-1252 at 0x80-0x9F; the five undefined positions stay C1 controls.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

struct Tables {
    /// Byte (as a Latin-1 char) → letter, TCVN3.
    tcvn3_decode: Vec<(char, char)>,
    /// VNI code (one or two Latin-1 chars) → letter, longest codes first.
    vni_decode: Vec<(&'static str, char)>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let letters: Vec<char> = LETTERS.chars().collect();
    let mut tcvn3_decode: Vec<(char, char)> = TCVN3_CODES
        .chars()
        .zip(letters.iter().copied())
        // A code shared by a capital (uppercase-font convention) decodes to the lowercase letter.
        .filter(|&(_, letter)| !letter.is_uppercase() || !has_lowercase_twin(letter))
        .collect();
    tcvn3_decode.sort_unstable();
    let mut vni_decode: Vec<(&'static str, char)> =
        VNI_CODES.iter().copied().zip(letters).collect();
    vni_decode.sort_by_key(|&(code, _)| std::cmp::Reverse(code.chars().count()));
    Tables {
        tcvn3_decode,
        vni_decode,
    }
});

/// Whether a TCVN3 capital shares its code with its lowercase letter.
fn has_lowercase_twin(capital: char) -> bool {
    let letters: Vec<char> = LETTERS.chars().collect();
    let codes: Vec<char> = TCVN3_CODES.chars().collect();
    let code_of = |c: char| letters.iter().position(|&l| l == c).map(|i| codes[i]);
    let lower = capital.to_lowercase().next().unwrap_or(capital);
    code_of(capital).is_some() && code_of(capital) == code_of(lower)
}

fn cp1252(c: char) -> char {
    match u32::from(c) {
        b @ 0x80..=0x9F => CP1252_HIGH[(b - 0x80) as usize],
        _ => c,
    }
}

/// The 8-bit legacy encoding `bytes` are most likely in, if any: the one under which most words
/// with non-ASCII letters are Vietnamese syllables, when that is most of them.
pub fn detect_8bit(bytes: &[u8]) -> Option<LegacyEncoding> {
    let raw = bytes_as_chars(bytes);
    [LegacyEncoding::Tcvn3, LegacyEncoding::VniWindows]
        .into_iter()
        .map(|encoding| (syllable_share(&to_unicode(&raw, encoding).text), encoding))
        .filter(|&((share, words), _)| words > 0 && share >= 0.75)
        .max_by(|a, b| a.0 .0.total_cmp(&b.0 .0))
        .map(|(_, encoding)| encoding)
}

/// Of the words holding a non-ASCII letter, the share that are Vietnamese syllables, and how
/// many such words there are.
fn syllable_share(text: &str) -> (f64, usize) {
    let (mut words, mut syllables) = (0usize, 0usize);
    for word in text.split(|c: char| !c.is_alphabetic()) {
        if word.is_ascii() {
            continue;
        }
        words += 1;
        syllables += usize::from(syllable::canonical(word).is_some());
    }
    if words == 0 {
        return (0.0, 0);
    }
    (syllables as f64 / words as f64, words)
}

/// One character per byte, so that raw offsets of a legacy file are byte offsets.
pub fn bytes_as_chars(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

const VIQR_TONES: [(char, char); 5] = [
    ('\'', '\u{301}'),
    ('`', '\u{300}'),
    ('?', '\u{309}'),
    ('~', '\u{303}'),
    ('.', '\u{323}'),
];

fn viqr_special(c: char) -> bool {
    matches!(c, '(' | '^' | '+' | '\\' | 'd' | 'D') || VIQR_TONES.iter().any(|&(m, _)| m == c)
}

fn viqr_quality(base: char, mark: char) -> Option<char> {
    match (base.to_ascii_lowercase(), mark) {
        ('a', '(') => Some('\u{306}'),
        ('a' | 'e' | 'o', '^') => Some('\u{302}'),
        ('o' | 'u', '+') => Some('\u{31b}'),
        _ => None,
    }
}

pub(crate) fn is_ascii_vowel(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// Whether `text` (valid UTF-8) is VIQR-encoded Vietnamese: plain ASCII letters where at least a
/// quarter of the words carry VIQR marks inside them (`Vie^.t`, `ngu+o+`i`), which English, codes
/// and URLs do not.
pub fn detect_viqr(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let accented = text
        .chars()
        .filter(|c| c.is_alphabetic() && !c.is_ascii())
        .count();
    if letters == 0 || accented * 100 > letters {
        return false;
    }
    let (mut words, mut marked) = (0usize, 0usize);
    for word in text.split_whitespace() {
        if !word.chars().any(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        words += 1;
        marked += usize::from(has_inner_viqr_mark(word));
    }
    marked >= 3 && marked * 4 >= words
}

/// A vowel followed by a quality mark, or by a tone mark and then more letters. The dot below is
/// left out: `e.g.` and `example.com` have it too.
fn has_inner_viqr_mark(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    chars.windows(3).any(|w| {
        is_ascii_vowel(w[0])
            && (viqr_quality(w[0], w[1]).is_some()
                || (matches!(w[1], '\'' | '`' | '?' | '~') && w[2].is_ascii_alphabetic()))
    }) || word.contains("dd") && chars.len() > 3 && has_viqr_tone_inside(&chars)
}

fn has_viqr_tone_inside(chars: &[char]) -> bool {
    chars
        .windows(2)
        .any(|w| is_ascii_vowel(w[0]) && matches!(w[1], '\'' | '`' | '~'))
}

pub fn to_unicode(text: &str, encoding: LegacyEncoding) -> Rewritten {
    match encoding {
        LegacyEncoding::Tcvn3 => decode_tcvn3(text),
        LegacyEncoding::VniWindows => decode_vni(text),
        LegacyEncoding::Viqr => decode_viqr(text),
    }
}

fn decode_tcvn3(text: &str) -> Rewritten {
    let table = &TABLES.tcvn3_decode;
    let decode = |c: char| {
        table
            .binary_search_by_key(&c, |&(code, _)| code)
            .map_or_else(|_| cp1252(c), |i| table[i].1)
    };
    let chars: Vec<char> = text.chars().collect();
    let decoded: Vec<char> = chars.iter().map(|&c| decode(c)).collect();
    let words = tcvn3_words(&decoded);
    // Lines holding a word that is certainly in capitals ("HUYỆN", "ÁN" as "áN") are headings:
    // there a word's lone first capital ("ĐỀ" as "Đề") is taken as capitals too.
    let heading_lines: std::collections::BTreeSet<usize> = words
        .iter()
        .filter(|w| w.caps == Caps::Certain)
        .map(|w| w.line)
        .collect();
    let mut out = Rewriter::new(text);
    let mut next_word = words.iter().peekable();
    let mut i = 0;
    while i < chars.len() {
        let Some(word) = next_word.next_if(|w| w.start == i) else {
            emit_char(&mut out, chars[i], decoded[i], i);
            i += 1;
            continue;
        };
        let upper = word.caps == Caps::Certain
            || (word.caps == Caps::IfHeading && heading_lines.contains(&word.line));
        for at in word.start..word.end {
            let mut letter = decoded[at];
            if upper && !letter.is_ascii() {
                letter = letter.to_uppercase().next().unwrap_or(letter);
            }
            emit_char(&mut out, chars[at], letter, at);
        }
        i = word.end;
    }
    out.finish()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caps {
    No,
    /// No ASCII lowercase letter and a capital after the first letter or two capitals.
    Certain,
    /// Only its first letter is a capital and the rest is non-ASCII: title case or capitals.
    IfHeading,
}

struct Tcvn3Word {
    start: usize,
    end: usize,
    line: usize,
    caps: Caps,
}

fn tcvn3_words(decoded: &[char]) -> Vec<Tcvn3Word> {
    let mut words = Vec::new();
    let mut line = 0;
    let mut i = 0;
    while i < decoded.len() {
        if !decoded[i].is_alphabetic() {
            line += usize::from(decoded[i] == '\n');
            i += 1;
            continue;
        }
        let start = i;
        while i < decoded.len() && decoded[i].is_alphabetic() {
            i += 1;
        }
        let letters = &decoded[start..i];
        let capitals = letters.iter().filter(|c| c.is_uppercase()).count();
        // Only lowercase non-ASCII letters can be capitals written with a lowercase code.
        let case_unknown = letters.iter().any(|c| !c.is_ascii() && c.is_lowercase());
        let caps = if letters.iter().any(|c| c.is_ascii_lowercase()) || capitals == 0 {
            Caps::No
        } else if (capitals >= 2 || !letters[0].is_uppercase()) && case_unknown {
            Caps::Certain
        } else if case_unknown {
            Caps::IfHeading
        } else {
            Caps::No
        };
        words.push(Tcvn3Word {
            start,
            end: i,
            line,
            caps,
        });
    }
    words
}

fn emit_char(out: &mut Rewriter, raw: char, decoded: char, at: usize) {
    if raw == decoded {
        out.keep(raw, at);
    } else {
        out.replace(decoded.encode_utf8(&mut [0; 4]), at, at + 1);
    }
}

fn decode_vni(text: &str) -> Rewritten {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Rewriter::new(text);
    let mut i = 0;
    'chars: while i < chars.len() {
        for &(code, letter) in &TABLES.vni_decode {
            let len = code.chars().count();
            if i + len <= chars.len() && chars[i..i + len].iter().copied().eq(code.chars()) {
                out.replace(letter.encode_utf8(&mut [0; 4]), i, i + len);
                i += len;
                continue 'chars;
            }
        }
        emit_char(&mut out, chars[i], cp1252(chars[i]), i);
        i += 1;
    }
    out.finish()
}

fn decode_viqr(text: &str) -> Rewritten {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Rewriter::new(text);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1).is_some_and(|&n| viqr_special(n)) {
            out.replace(chars[i + 1].encode_utf8(&mut [0; 4]), i, i + 2);
            i += 2;
            continue;
        }
        if matches!(c, 'd' | 'D') && matches!(chars.get(i + 1), Some('d' | 'D')) {
            out.replace(if c == 'd' { "đ" } else { "Đ" }, i, i + 2);
            i += 2;
            continue;
        }
        if !is_ascii_vowel(c) {
            out.keep(c, i);
            i += 1;
            continue;
        }
        let mut marks = String::new();
        let mut end = i + 1;
        if let Some(quality) = chars.get(end).and_then(|&m| viqr_quality(c, m)) {
            marks.push(quality);
            end += 1;
        }
        if let Some(&(_, tone)) = chars
            .get(end)
            .and_then(|&m| VIQR_TONES.iter().find(|&&(t, _)| t == m))
        {
            let at_word_end = !chars.get(end + 1).is_some_and(|n| n.is_alphabetic());
            let punctuation_like = matches!(chars[end], '.' | '?') && at_word_end;
            let written = out.text();
            let word_start = written
                .char_indices()
                .rev()
                .find(|(_, l)| !l.is_alphabetic())
                .map_or(0, |(p, l)| p + l.len_utf8());
            let word_so_far = &written[word_start..];
            let candidate = format!("{word_so_far}{c}{marks}{tone}")
                .nfc()
                .collect::<String>();
            if !punctuation_like || syllable::canonical(&candidate).is_some() {
                marks.push(tone);
                end += 1;
            }
        }
        if end == i + 1 {
            out.keep(c, i);
        } else {
            let letter: String = std::iter::once(c).chain(marks.chars()).nfc().collect();
            out.replace(&letter, i, end);
        }
        i = end;
    }
    out.finish()
}

/// Writes `text` in `encoding`. For TCVN3 and VNI-Windows every character of the result is one
/// byte (`char as u8`); VIQR output is text.
pub fn from_unicode(text: &str, encoding: LegacyEncoding) -> Result<String, Unrepresentable> {
    match encoding {
        LegacyEncoding::Viqr => Ok(encode_viqr(text)),
        LegacyEncoding::Tcvn3 | LegacyEncoding::VniWindows => encode_8bit(text, encoding),
    }
}

fn encode_8bit(text: &str, encoding: LegacyEncoding) -> Result<String, Unrepresentable> {
    let mut out = String::with_capacity(text.len());
    for (offset, c) in text.chars().enumerate() {
        if c.is_ascii() {
            out.push(c);
        } else if let Some(i) = LETTERS.chars().position(|l| l == c) {
            match encoding {
                LegacyEncoding::Tcvn3 => out.extend(TCVN3_CODES.chars().nth(i)),
                _ => out.push_str(VNI_CODES[i]),
            }
        } else if let Some(b) = CP1252_HIGH.iter().position(|&p| p == c && !p.is_control()) {
            out.push(char::from(0x80 + b as u8));
        } else if ('\u{a0}'..='\u{ff}').contains(&c) && !uses_byte(encoding, c) {
            out.push(c);
        } else {
            return Err(Unrepresentable {
                encoding,
                character: c,
                offset,
            });
        }
    }
    Ok(out)
}

/// Whether `encoding` gives the Latin-1 byte `c` a meaning of its own.
fn uses_byte(encoding: LegacyEncoding, c: char) -> bool {
    match encoding {
        LegacyEncoding::Tcvn3 => TCVN3_CODES.contains(c),
        _ => VNI_CODES.iter().any(|code| code.contains(c)),
    }
}

fn encode_viqr(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut previous: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let after_vowel = previous.is_some_and(|p| is_ascii_vowel(base_letter(p)));
        // A literal d before a d or đ would pair with it into đ.
        let before_d = chars
            .peek()
            .is_some_and(|n| matches!(n, 'd' | 'D' | 'đ' | 'Đ'));
        let escaped = match c {
            '\\' => true,
            'd' | 'D' => before_d,
            _ => viqr_special(c) && after_vowel,
        };
        if escaped {
            out.push('\\');
            out.push(c);
        } else if c == 'đ' {
            out.push_str("dd");
        } else if c == 'Đ' {
            out.push_str("DD");
        } else if !c.is_ascii() && is_ascii_vowel(base_letter(c)) {
            let mut parts = c.nfd();
            out.extend(parts.next());
            // Canonical order puts the dot below before the circumflex; VIQR wants the vowel's
            // quality mark first and the tone last.
            let (quality, tones): (Vec<char>, Vec<char>) =
                parts.partition(|m| matches!(m, '\u{306}' | '\u{302}' | '\u{31b}'));
            for mark in quality.into_iter().chain(tones) {
                out.push(match mark {
                    '\u{306}' => '(',
                    '\u{302}' => '^',
                    '\u{31b}' => '+',
                    other => VIQR_TONES
                        .iter()
                        .find(|&&(_, m)| m == other)
                        .map_or(other, |&(t, _)| t),
                });
            }
        } else {
            out.push(c);
        }
        previous = Some(c);
    }
    out
}

fn base_letter(c: char) -> char {
    c.nfd().next().unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(raw: &str, encoding: LegacyEncoding) -> String {
        to_unicode(raw, encoding).text
    }

    #[test]
    fn decodes_each_encoding() {
        assert_eq!(
            decode("B\u{b6}o Th\u{be}ng", LegacyEncoding::Tcvn3),
            "Bảo Thắng"
        );
        assert_eq!(
            decode("M\u{ad}\u{ea}ng Kh\u{ad}\u{ac}ng", LegacyEncoding::Tcvn3),
            "Mường Khương"
        );
        assert_eq!(decode("Vieät Nam", LegacyEncoding::VniWindows), "Việt Nam");
        assert_eq!(decode("Ñaûng uûy", LegacyEncoding::VniWindows), "Đảng ủy");
        assert_eq!(
            decode("Vie^.t Nam, ddu+o+`ng", LegacyEncoding::Viqr),
            "Việt Nam, đường"
        );
    }

    #[test]
    fn tcvn3_capitals_come_back_from_the_uppercase_font_convention() {
        let written = from_unicode("HUYỆN ỦY PHONG THỔ", LegacyEncoding::Tcvn3).unwrap();
        assert_eq!(
            decode(&written, LegacyEncoding::Tcvn3),
            "HUYỆN ỦY PHONG THỔ"
        );
    }

    #[test]
    fn maps_decoded_letters_to_their_bytes() {
        let out = to_unicode("Vieät", LegacyEncoding::VniWindows);
        assert_eq!(out.text, "Việt");
        assert_eq!(out.map.source_span(2, 3), (2, 4));
        assert_eq!(out.map.source_span(3, 4), (4, 5));
    }

    #[test]
    fn viqr_keeps_sentence_punctuation_and_escapes() {
        assert_eq!(
            decode("Ba.n te^n gi`?", LegacyEncoding::Viqr),
            "Bạn tên gì?"
        );
        assert_eq!(
            decode("Xin cha`o ba.n\\.", LegacyEncoding::Viqr),
            "Xin chào bạn."
        );
        let text = "Hà Nội. Có phải? add \\ a^ (ghi chú) e.g. ba.";
        let written = from_unicode(text, LegacyEncoding::Viqr).unwrap();
        assert_eq!(decode(&written, LegacyEncoding::Viqr), text);
    }

    #[test]
    fn unrepresentable_characters_are_named() {
        let err = from_unicode("giá 5 ¢", LegacyEncoding::Tcvn3).unwrap_err();
        assert_eq!(err.character, '¢');
        assert_eq!(err.offset, 6);
        assert!(err.to_string().starts_with("tcvn3 cannot represent '¢'"));
    }

    #[test]
    fn detects_8bit_encodings_and_rejects_other_bytes() {
        let text = "Căn cứ Kế hoạch số 156-KH/BTGTW của Ban Tuyên giáo Trung ương về tăng cường";
        for encoding in [LegacyEncoding::Tcvn3, LegacyEncoding::VniWindows] {
            let bytes: Vec<u8> = from_unicode(text, encoding)
                .unwrap()
                .chars()
                .map(|c| c as u8)
                .collect();
            assert_eq!(detect_8bit(&bytes), Some(encoding));
        }
        let french = "Le comité a été créé à Genève près du lac";
        let latin1: Vec<u8> = french.chars().map(|c| c as u8).collect();
        assert_eq!(detect_8bit(&latin1), None);
        assert_eq!(detect_8bit(&[0xff, 0xfe, 0x00, 0x13, 0x9c, 0x80]), None);
    }

    #[test]
    fn viqr_detection_ignores_english_codes_and_stripped_text() {
        assert!(detect_viqr(
            "Ke^' hoa.ch so^' 156-KH/BTGTW cu?a Ban Tuye^n gia'o Trung u+o+ng"
        ));
        for text in [
            "Don't stop: what's e.g. the i.e. rule? See www.example.com/a.b?c=d.",
            "tang cuong cong tac chi dao, quan ly, chan chinh hoat dong bao chi",
            "Số 24-CTr/TU ngày 05/10/2022 của Ban Thường vụ Tỉnh ủy.",
        ] {
            assert!(!detect_viqr(text), "{text}");
        }
    }
}
