//! The document-type and issuer code tables (`dictionaries/codes/*.tsv`), embedded.

use std::sync::LazyLock;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum System {
    /// Communist Party documents: `156-KH/BTGTW` (number-TYPE/ISSUER, "Số" without a colon).
    Party,
    /// State documents: `115/QĐ-TTg`, `42/2017/QĐ-UBND` (number/TYPE-ISSUER, "Số:").
    State,
}

#[derive(Debug, Clone)]
pub struct DocType {
    /// The type word as written in running text (`Kế hoạch`).
    pub word: String,
    pub party_codes: Vec<String>,
    pub state_codes: Vec<String>,
}

impl DocType {
    pub fn codes(&self, system: System) -> &[String] {
        match system {
            System::Party => &self.party_codes,
            System::State => &self.state_codes,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Issuer {
    pub code: String,
    pub system: System,
    pub name: String,
}

pub struct Codes {
    /// Longest words first, so `Nghị quyết liên tịch` wins over `Nghị quyết`.
    pub types: Vec<DocType>,
    pub issuers: Vec<Issuer>,
}

fn rows(table: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    table
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split('\t').map(str::trim).collect())
}

fn code_list(cell: &str) -> Vec<String> {
    if cell == "-" {
        return Vec::new();
    }
    cell.split(',').map(str::to_owned).collect()
}

pub static CODES: LazyLock<Codes> = LazyLock::new(|| {
    let mut types: Vec<DocType> = rows(include_str!("../../dictionaries/codes/doc-types.tsv"))
        .map(|row| DocType {
            word: row[0].to_owned(),
            party_codes: code_list(row[1]),
            state_codes: code_list(row[2]),
        })
        .collect();
    types.sort_by_key(|t| std::cmp::Reverse(t.word.chars().count()));
    let issuers = rows(include_str!("../../dictionaries/codes/issuers.tsv"))
        .map(|row| Issuer {
            code: row[0].to_owned(),
            system: if row[1] == "state" {
                System::State
            } else {
                System::Party
            },
            name: row[2].to_owned(),
        })
        .collect();
    Codes { types, issuers }
});

impl Codes {
    /// The type whose word is `word`, compared by skeleton: without case, diacritics or the
    /// OCR look-alikes [`tolerant_pattern`] admits (`KẾ HOẠCH`, `Ke hoach`, `Ké hoạch`).
    pub fn type_by_word(&self, word: &str) -> Option<&DocType> {
        let key = skeleton(word);
        self.types.iter().find(|t| skeleton(&t.word) == key)
    }

    /// The type a symbol's code stands for in `system`, when only one type uses it.
    pub fn type_by_code(&self, code: &str, system: System) -> Option<&DocType> {
        let mut matching = self
            .types
            .iter()
            .filter(|t| t.codes(system).iter().any(|c| c == code));
        let first = matching.next()?;
        matching.next().is_none().then_some(first)
    }

    /// Every type that uses `code` in `system`, longest word first, the codes compared by
    /// [`skeleton`] as stripped text writes them (`QD` for `QĐ`).
    pub fn types_by_code<'a>(
        &'a self,
        code: &str,
        system: System,
    ) -> impl Iterator<Item = &'a DocType> + 'a {
        let key = skeleton(code);
        self.types
            .iter()
            .filter(move |t| t.codes(system).iter().any(|c| skeleton(c) == key))
    }

    pub fn is_type_code(&self, code: &str) -> bool {
        self.types.iter().any(|t| {
            t.party_codes
                .iter()
                .chain(&t.state_codes)
                .any(|c| c == code)
        })
    }

    pub fn issuer(&self, code: &str) -> Option<&Issuer> {
        self.issuers.iter().find(|i| i.code == code)
    }

    /// Every type word, longest first, as a regex alternation of [`tolerant_pattern`]s.
    pub fn type_word_pattern(&self) -> String {
        self.types
            .iter()
            .map(|t| tolerant_pattern(&t.word))
            .collect::<Vec<_>>()
            .join("|")
    }
}

/// Letters that look like the Latin ones or `Đ` a code is written with: Cyrillic capitals and
/// small letters (vbpl.vn writes `TT-BTС` with U+0421) and the eth `Ð` (U+00D0) for `Đ`.
const CODE_LOOKALIKES: [(char, char); 20] = [
    ('А', 'A'),
    ('В', 'B'),
    ('С', 'C'),
    ('Е', 'E'),
    ('Н', 'H'),
    ('І', 'I'),
    ('К', 'K'),
    ('М', 'M'),
    ('О', 'O'),
    ('Р', 'P'),
    ('Т', 'T'),
    ('Х', 'X'),
    ('а', 'a'),
    ('е', 'e'),
    ('о', 'o'),
    ('р', 'p'),
    ('с', 'c'),
    ('х', 'x'),
    ('Ð', 'Đ'),
    ('ð', 'đ'),
];

/// `code` with its look-alike letters ([`CODE_LOOKALIKES`]) written as the Latin letter or `Đ`
/// they stand for.
pub fn fold_lookalikes(code: &str) -> String {
    code.chars()
        .map(|c| {
            CODE_LOOKALIKES
                .iter()
                .find(|(alike, _)| *alike == c)
                .map_or(c, |&(_, letter)| letter)
        })
        .collect()
}

/// Characters English-model Tesseract reads Vietnamese letters as (seed 002: `K&` for `Kế`,
/// `Chwong` for `Chương`, `s6` for `số`), by the letter they stand for once stripped.
const OCR_LOOKALIKES: [(char, &str); 4] = [('e', "&"), ('o', "6"), ('u', "w"), ('d', "Ð")];

/// Lowercase, diacritics and OCR look-alikes folded: the key type words are compared on.
pub fn skeleton(word: &str) -> String {
    word.split_whitespace()
        .map(|w| {
            w.chars()
                .map(|c| {
                    let base = crate::text::strip::strip_char(c).to_ascii_lowercase();
                    OCR_LOOKALIKES
                        .iter()
                        .find(|(_, alike)| alike.contains(c))
                        .map_or(base, |&(letter, _)| letter)
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A case-insensitive pattern matching `word` with any diacritics or none on each letter and
/// the OCR look-alikes of [`OCR_LOOKALIKES`], and any run of spaces between its words.
pub fn tolerant_pattern(word: &str) -> String {
    static VARIANTS: LazyLock<Vec<(char, String)>> = LazyLock::new(|| {
        let mut by_base: Vec<(char, String)> = Vec::new();
        let letters = ('a'..='z')
            .chain("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ".chars());
        for c in letters {
            let base = crate::text::strip::strip_char(c);
            match by_base.iter_mut().find(|(b, _)| *b == base) {
                Some((_, all)) => all.push(c),
                None => by_base.push((base, c.to_string())),
            }
        }
        for (base, alikes) in OCR_LOOKALIKES {
            if let Some((_, all)) = by_base.iter_mut().find(|(b, _)| *b == base) {
                all.push_str(alikes);
            }
        }
        by_base
    });
    word.split_whitespace()
        .map(|w| {
            w.chars()
                .map(|c| {
                    let base = crate::text::strip::strip_char(c).to_ascii_lowercase();
                    VARIANTS.iter().find(|(b, _)| *b == base).map_or_else(
                        || regex::escape(&c.to_string()),
                        |(_, all)| format!("[{all}]"),
                    )
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(r"\s+")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_by_code_match_stripped_codes_in_their_system() {
        let words = |code, system| {
            CODES
                .types_by_code(code, system)
                .map(|t| t.word.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(words("TT", System::Party), ["Thông tri"]);
        assert_eq!(words("TT", System::State), ["Thông tư"]);
        assert_eq!(words("QD", System::Party), ["Quyết định", "Quy định"]);
        assert_eq!(words("QD", System::State), ["Quyết định"]);
        assert!(words("XYZ", System::Party).is_empty());
    }
}
