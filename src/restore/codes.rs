//! Codes in stripped and OCR text: the `Đ` that stripping took out of a code's symbols
//! (`254/2025/ND-CP` → `NĐ-CP`, `HDND` → `HĐND`), put back where the corpora write the symbol
//! with it. The table, `dictionaries/code-eth.tsv`, is counted from the training corpora by
//! `scripts/gen-code-eth`: each stripped symbol the corpora use often enough, with the spelling
//! they use most (with `Đ` or not) and how often, whose share is the rewrite's confidence.
//! Symbols it does not list are left to the document's own phrases ([`super::acronyms`]).

use std::sync::OnceLock;

use super::table_file::rows;
use crate::model::FxHashMap;

/// First line of the table file.
const MAGIC_LINE: &str = "# vanban code-eth table, format 2";
static EMBEDDED: &str = include_str!("../../dictionaries/code-eth.tsv");

/// Stripped symbol → its spelling with `Đ` and that spelling's share of the symbol's uses.
#[derive(Debug, Default)]
pub struct EthTable {
    symbols: FxHashMap<Box<str>, (Box<str>, f32)>,
}

impl EthTable {
    /// The table compiled into the binary; a unit test parses the same bytes, so an error here
    /// is a build defect.
    pub fn embedded() -> &'static EthTable {
        static TABLE: OnceLock<EthTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            EthTable::parse(EMBEDDED)
                .unwrap_or_else(|e| panic!("embedded dictionaries/code-eth.tsv: {e}"))
        })
    }

    /// Parses the table's text: the magic line, `stripped\tsymbol\tcount\ttotal` rows, comment
    /// lines, and an end line counting the rows, so a truncated file is an error.
    pub fn parse(text: &str) -> Result<EthTable, String> {
        let mut table = EthTable::default();
        for (line, fields) in rows(text, MAGIC_LINE, "entries", "scripts/gen-code-eth")? {
            let bad = || format!("line {line}: expected stripped, symbol, count, total");
            let [stripped, symbol, count, total] = fields[..] else {
                return Err(bad());
            };
            let (count, total): (u32, u32) = (
                count.parse().map_err(|_| bad())?,
                total.parse().map_err(|_| bad())?,
            );
            if total == 0 || count > total || symbol.replace('Đ', "D") != stripped {
                return Err(bad());
            }
            let share = count as f32 / total as f32;
            table
                .symbols
                .insert(stripped.into(), (symbol.into(), share));
        }
        Ok(table)
    }

    /// Whether the corpora use the stripped symbol `run` often enough for the table to decide it,
    /// with `Đ` or without.
    pub fn knows(&self, run: &str) -> bool {
        self.symbols.contains_key(run)
    }

    /// The spelling with `Đ` of the stripped symbol `run` and its share of the symbol's uses;
    /// `None` when the table does not list it or the corpora write it with `D`.
    pub fn spelling(&self, run: &str) -> Option<(&str, f32)> {
        self.symbols
            .get(run)
            .filter(|(symbol, _)| **symbol != *run)
            .map(|(symbol, share)| (&**symbol, *share))
    }

    /// `code` with every symbol the table lists spelled with its `Đ`, and the confidence (the
    /// least share among the symbols rewritten); `None` when no symbol changes.
    pub fn restore(&self, code: &str) -> Option<(String, f32)> {
        respell_symbols(code, |run| self.spelling(run))
    }
}

/// Whether `run` (a whole run of letters of a token) is a symbol that may need its `Đ` back:
/// ASCII letters, at least two of them capitals, with a `D`.
pub(super) fn is_symbol(run: &str) -> bool {
    run.is_ascii() && run.contains('D') && run.bytes().filter(u8::is_ascii_uppercase).count() >= 2
}

/// The runs of letters of `token` with their byte offsets.
pub(super) fn letter_runs(token: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = token;
    std::iter::from_fn(move || {
        let start = rest.find(char::is_alphabetic)?;
        let len = rest[start..]
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len() - start);
        let offset = token.len() - rest.len() + start;
        let run = &token[offset..offset + len];
        rest = &rest[start + len..];
        Some((offset, run))
    })
}

/// `code` with each symbol that `spelling` gives a spelling spelled so, and the least confidence
/// among them; `None` when no symbol changes. A symbol is a whole run of ASCII letters with at
/// least two capitals and a `D` (`ND` in `78/2025/ND-CP`, `HDND`), never part of a word
/// (`Dieu`).
pub(super) fn respell_symbols<'s>(
    code: &str,
    spelling: impl Fn(&str) -> Option<(&'s str, f32)>,
) -> Option<(String, f32)> {
    let mut out = String::new();
    let mut confidence = 1.0f32;
    let mut copied = 0;
    for (start, run) in letter_runs(code) {
        let Some((respelled, share)) = is_symbol(run).then(|| spelling(run)).flatten() else {
            continue;
        };
        out.push_str(&code[copied..start]);
        out.push_str(respelled);
        copied = start + run.len();
        confidence = confidence.min(share);
    }
    (copied > 0).then(|| {
        out.push_str(&code[copied..]);
        (out, confidence)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_restores_the_symbols_the_corpora_write_with_eth() {
        let table = EthTable::parse(EMBEDDED).expect("embedded table parses");
        let restored = |code: &str| table.restore(code).map(|(text, _)| text);
        assert_eq!(
            restored("254/2025/ND-CP").as_deref(),
            Some("254/2025/NĐ-CP")
        );
        assert_eq!(restored("QD-TTg").as_deref(), Some("QĐ-TTg"));
        assert_eq!(restored("HDND").as_deref(), Some("HĐND"));
        assert_eq!(restored("TT-BGDDT").as_deref(), Some("TT-BGDĐT"));
        assert_eq!(restored("DBSCL").as_deref(), Some("ĐBSCL"));
        assert_eq!(
            restored("04/2022/TT-BLDTBXH").as_deref(),
            Some("04/2022/TT-BLĐTBXH")
        );
        // Symbols the corpora write with D, words, and codes already accented stay.
        assert_eq!(restored("24-CTr/TU"), None);
        assert_eq!(restored("UBND"), None);
        assert_eq!(restored("Dieu-3"), None);
        assert_eq!(restored("78/2025/NĐ-CP"), None);
        let (_, confidence) = table.restore("ND-CP").unwrap();
        assert!(confidence > 0.9 && confidence <= 1.0);
    }

    #[test]
    fn rejects_bad_and_truncated_tables() {
        let row = "HDND\tHĐND\t83\t86\n";
        assert!(EthTable::parse(&format!("{MAGIC_LINE}\n{row}# end: 1 entries\n")).is_ok());
        assert!(EthTable::parse(&format!("x\n{row}# end: 1 entries\n")).is_err());
        assert!(EthTable::parse(&format!("{MAGIC_LINE}\n{row}")).is_err());
        assert!(EthTable::parse(&format!("{MAGIC_LINE}\n{row}# end: 2 entries\n")).is_err());
        let mismatched = "HDND\tHĐNX\t83\t86\n";
        assert!(EthTable::parse(&format!("{MAGIC_LINE}\n{mismatched}# end: 1 entries\n")).is_err());
    }
}
