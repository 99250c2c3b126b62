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
    /// The type whose word is `word`, compared without case (`KẾ HOẠCH`).
    pub fn type_by_word(&self, word: &str) -> Option<&DocType> {
        let lower = word.to_lowercase();
        self.types.iter().find(|t| t.word.to_lowercase() == lower)
    }

    /// The type a symbol's code stands for in `system`, when only one type uses it.
    pub fn type_by_code(&self, code: &str, system: System) -> Option<&DocType> {
        let mut matching = self.types.iter().filter(|t| match system {
            System::Party => t.party_codes.iter().any(|c| c == code),
            System::State => t.state_codes.iter().any(|c| c == code),
        });
        let first = matching.next()?;
        matching.next().is_none().then_some(first)
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

    /// Every type word, longest first, as a regex alternation.
    pub fn type_word_pattern(&self) -> String {
        self.types
            .iter()
            .map(|t| regex::escape(&t.word))
            .collect::<Vec<_>>()
            .join("|")
    }
}
