//! What kind of text came in, when the caller leaves it to the restorer ([`InputKind::Auto`]):
//! accented, stripped, or OCR output of either Tesseract model, from the share of accented words
//! and the signs of garble ([`GarbleSigns`]).

use super::InputKind;
use crate::orthography as syllable;
use crate::text::strip::strip_char;

/// Share of words with a non-ASCII letter above which text counts as accented: accented
/// directives measure 0.87-0.88, English-model OCR of them 0.17, stripped text 0.
const ACCENTED_SHARE: f64 = 0.6;

/// The input kind `Auto` stands for, decided from the whole text so every block agrees.
pub fn resolve_kind(kind: InputKind, text: &str) -> InputKind {
    if kind != InputKind::Auto {
        return kind;
    }
    let signs = GarbleSigns::measure(text);
    if signs.looks_like_eng_ocr() {
        return InputKind::OcrEng;
    }
    if mostly_accented(text) {
        if signs.looks_like_vie_ocr() {
            InputKind::OcrVie
        } else {
            InputKind::Accented
        }
    } else {
        InputKind::Stripped
    }
}

/// Whether at least [`ACCENTED_SHARE`] of the words of `text` have a non-ASCII letter.
pub(super) fn mostly_accented(text: &str) -> bool {
    // Byte by byte, decoding only non-ASCII characters: restored output is checked after every
    // restoration, and most of it is ASCII.
    let (mut words, mut accented) = (0usize, 0usize);
    let (mut in_word, mut word_accented) = (false, false);
    let mut at = 0;
    while at <= text.len() {
        let (letter, width) = match text.as_bytes().get(at) {
            Some(byte) if byte.is_ascii() => (byte.is_ascii_alphabetic(), 1),
            Some(_) => text[at..]
                .chars()
                .next()
                .map_or((false, 1), |c| (is_letter(c), c.len_utf8())),
            None => (false, 1),
        };
        if letter {
            in_word = true;
            word_accented |= width > 1;
        } else if in_word {
            words += 1;
            accented += usize::from(word_accented);
            (in_word, word_accented) = (false, false);
        }
        at += width;
    }
    words > 0 && accented as f64 >= ACCENTED_SHARE * words as f64
}

/// `char::is_alphabetic`, without its table search for Vietnamese letters: in the Latin blocks
/// every character but `×` and `÷` is a letter, and restored text is a fifth such characters.
fn is_letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' => true,
        '×' | '÷' => false,
        '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' => true,
        c => !c.is_ascii() && c.is_alphabetic(),
    }
}

/// Garbled words needed before a text is taken for OCR output at all.
const MIN_EVIDENCE: usize = 5;

/// Signs of English-model OCR in a word: a digit or `&` inside letters (`s6`, `K&`, `1y`), `w`
/// (no Vietnamese word has one), or marks that make no Vietnamese syllable (`hién`, `gido` is not
/// caught, but `vé` next to `Ké` is: `é` on a syllable is fine, so only invalid ones count).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct GarbleSigns {
    pub words: usize,
    pub accented: usize,
    /// Accented words that are no Vietnamese syllable.
    pub invalid_accented: usize,
    /// Words with a digit, `&` or `w` among their letters.
    pub symbols: usize,
}

impl GarbleSigns {
    pub fn measure(text: &str) -> GarbleSigns {
        let mut signs = GarbleSigns::default();
        for chunk in text.split_whitespace() {
            let word = chunk.trim_matches(|c: char| !is_letter(c) && !c.is_numeric() && c != '&');
            // Latin-script words only: other scripts say nothing about Vietnamese OCR.
            let latin = word.chars().all(|c| {
                c.is_ascii_alphanumeric() || c == '&' || strip_char(c).is_ascii_alphabetic()
            });
            if !latin || !word.chars().any(is_letter) || word.chars().count() > 10 {
                continue;
            }
            signs.words += 1;
            let letters = word.chars().filter(|&c| is_letter(c)).count();
            let odd = word
                .chars()
                .filter(|&c| c.is_ascii_digit() || c == '&')
                .count();
            let lower = word.to_lowercase();
            let upper_acronym = letters >= 2 && !word.chars().any(char::is_lowercase);
            if !upper_acronym && ((odd > 0 && odd < letters + 1 && odd <= 2) || lower.contains('w'))
            {
                signs.symbols += 1;
            }
            if !word.is_ascii() {
                signs.accented += 1;
                if word.chars().all(is_letter) && !syllable::is_syllable(&lower) {
                    signs.invalid_accented += 1;
                }
            }
        }
        signs
    }

    /// English-model OCR: many accented words are no syllable, or words carry digits and `w`.
    /// Accented directives measure under 1 % invalid accented words; seed 002's English-model
    /// OCR 40 % and 6 % of words with symbols.
    pub fn looks_like_eng_ocr(&self) -> bool {
        if self.invalid_accented + self.symbols < MIN_EVIDENCE {
            return false;
        }
        let words = self.words.max(1) as f64;
        let invalid = self.invalid_accented as f64 / self.accented.max(1) as f64;
        (self.accented as f64 >= 0.05 * words && invalid >= 0.25)
            || self.symbols as f64 >= 0.03 * words
    }

    /// Vietnamese-model OCR: accented text with a few words no syllable spells.
    pub fn looks_like_vie_ocr(&self) -> bool {
        if self.invalid_accented < MIN_EVIDENCE {
            return false;
        }
        let invalid = self.invalid_accented as f64 / self.accented.max(1) as f64;
        invalid >= 0.02
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_letter_agrees_with_is_alphabetic_on_every_char() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(is_letter(c), c.is_alphabetic(), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn garble_signs_tell_eng_ocr_from_accented_and_stripped_text() {
        let eng = GarbleSigns::measure(
            "thue hién Chwong trinh s6 24-CTr/TU, ngay 05/10/2022 ciia Ban Thuong vu Tinh iy \
             thwc hién Ké hoach so 156-KH/BTGTW, Ban Tuyén gido Tinh uy xay dung K& hoach",
        );
        assert!(eng.looks_like_eng_ocr(), "{eng:?}");
        let accented = GarbleSigns::measure(
            "thực hiện Chương trình số 24-CTr/TU, ngày 05/10/2022 của Ban Thường vụ Tỉnh ủy \
             UBND tỉnh, Kế hoạch số 156-KH/BTGTW",
        );
        assert!(!accented.looks_like_eng_ocr() && !accented.looks_like_vie_ocr());
        let stripped = GarbleSigns::measure("thuc hien Chuong trinh so 24-CTr/TU cua Ban");
        assert!(!stripped.looks_like_eng_ocr());
    }
}
