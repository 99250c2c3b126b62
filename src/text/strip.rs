//! Removing Vietnamese diacritics: the input form of diacritic restoration and the key under which
//! the dictionaries index accented syllables.

use unicode_normalization::char::{canonical_combining_class, decompose_canonical};

/// The character with every diacritic removed (`ệ` → `e`, `Đ` → `D`); one character in, one out,
/// so stripping never shifts offsets.
pub fn strip_char(c: char) -> char {
    match c {
        'đ' => 'd',
        'Đ' => 'D',
        c if c.is_ascii() => c,
        c => {
            let mut base = c;
            let mut first = true;
            decompose_canonical(c, |d| {
                if first {
                    base = d;
                    first = false;
                }
            });
            if canonical_combining_class(base) != 0 {
                c
            } else {
                base
            }
        }
    }
}

/// `text` with every diacritic removed, character for character.
pub fn strip_diacritics(text: &str) -> String {
    text.chars().map(strip_char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_every_vietnamese_mark_and_keeps_length() {
        let accented = "Đảng ủy tăng cường QUẢN LÝ người Ở";
        let stripped = strip_diacritics(accented);
        assert_eq!(stripped, "Dang uy tang cuong QUAN LY nguoi O");
        assert_eq!(stripped.chars().count(), accented.chars().count());
    }

    #[test]
    fn leaves_other_scripts_and_symbols() {
        assert_eq!(
            strip_diacritics("24-CTr/TU “x” № 5 ß"),
            "24-CTr/TU “x” № 5 ß"
        );
    }
}
