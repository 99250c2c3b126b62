//! The header block's cells and its number line, as real documents write them: the left column
//! (issuer, parent body, number) and the right one (motto, place and date) side by side on one
//! line in layout text, or one under the other in text order; `Số:`, `Số`, `Luật số:`,
//! `Nghị quyết số:`, `Lệnh số` and their stripped or misrestored forms (`So:`, `Sở:`); numbers
//! with dots, spaces, a blank part or a wrap after a hyphen; and the lines that are never part of
//! the header (gazette running heads, the publisher's signature stamp, copy and received stamps).

use std::sync::LazyLock;

use regex::Regex;

use super::codes::{fold_lookalikes, tolerant_pattern, System};
use crate::document::{SIGNATURE_STAMP_FIELDS, SIGNATURE_STAMP_OPENERS};

/// One line of the text, or one cell of it: char range, and its content without Markdown
/// emphasis and spaces.
#[derive(Debug, Clone)]
pub(super) struct Line<'a> {
    pub start: usize,
    pub end: usize,
    /// Char offset of `clean` within the text.
    pub clean_start: usize,
    pub clean: &'a str,
}

/// Columns laid out side by side (`pdftotext -layout`, OCR lines with their gaps) are at least
/// this many spaces apart; words within a column are one space apart, two where justified.
pub(super) const COLUMN_GAP: &str = "   ";

/// The State's and the Party's mottos, the right column of a header.
pub(super) const STATE_MOTTO: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
pub(super) const PARTY_MOTTO: &str = "ĐẢNG CỘNG SẢN VIỆT NAM";

/// The gazette's section label of consolidated texts, followed by the body that consolidated
/// them (`VĂN BẢN HỢP NHẤT - BỘ KẾ HOẠCH VÀ ĐẦU TƯ`).
const CONSOLIDATED_LABEL: &str = "VĂN BẢN HỢP NHẤT -";

/// The cells of `line`: its parts between runs of [`COLUMN_GAP`] spaces, left to right; a
/// motto run into the cell before it (`THỦ TƯỚNG CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM`)
/// and the body after the label of consolidated texts are cells of their own.
pub(super) fn cells<'a>(line: &Line<'a>) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    let mut rest = line.clean;
    let mut at = line.clean_start;
    while !rest.is_empty() {
        let (cell, after) = match rest.find(COLUMN_GAP) {
            Some(gap) => rest.split_at(gap),
            None => (rest, ""),
        };
        let cell = cell.trim_end_matches('*').trim();
        // A text layer may leave one space between the issuer and the motto beside it, and
        // the gazette's label of consolidated texts names their body after it.
        let motto = [STATE_MOTTO, PARTY_MOTTO]
            .iter()
            .filter_map(|motto| cell.find(&format!(" {motto}")))
            .min();
        let label = CONSOLIDATED_LABEL.len();
        let split = motto.or_else(|| {
            (cell.starts_with(CONSOLIDATED_LABEL) && cell[label..].starts_with(' '))
                .then_some(label)
        });
        let parts = match split {
            Some(gap) => [&cell[..gap], &cell[gap + 1..]],
            None => [cell, ""],
        };
        for part in parts.into_iter().filter(|part| !part.is_empty()) {
            // A part is a slice of its cell: its byte offset there is their distance.
            let start = at
                + cell[..part.as_ptr() as usize - cell.as_ptr() as usize]
                    .chars()
                    .count();
            out.push(Line {
                start,
                end: start + part.chars().count(),
                clean_start: start,
                clean: part,
            });
        }
        let skipped = rest.len() - after.trim_start().len();
        at += rest[..skipped].chars().count();
        rest = after.trim_start();
    }
    out
}

/// The names in the header's capitals cells, as ranges of `cells`: a body's name wrapped over
/// lines is one name (see [`continues_name`]).
pub(super) fn names(cells: &[Line]) -> Vec<std::ops::Range<usize>> {
    let mut names: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        match names.last_mut() {
            Some(name) if continues_name(cells[name.end - 1].clean, cell.clean) => name.end = i + 1,
            _ => names.push(i..i + 1),
        }
    }
    names
}

/// Whether the capitals `cell` goes on with the name of the cell above it: that one ends with a
/// word that joins (`BỘ NÔNG NGHIỆP VÀ` / `MÔI TRƯỜNG`) or a standing committee waiting for its
/// body (`ỦY BAN THƯỜNG VỤ` / `QUỐC HỘI`), this one starts with one (`BỘ VĂN HÓA,
/// THỂ THAO` / `VÀ DU LỊCH`), or this one is the place the body above serves (`ỦY BAN NHÂN DÂN` /
/// `TỈNH YÊN BÁI`, `NGÂN HÀNG NHÀ NƯỚC` / `VIỆT NAM`). A body under another starts with a body's
/// own word (`SỞ`, `PHÒNG`, `HUYỆN ỦY`) and is a name of its own.
fn continues_name(above: &str, cell: &str) -> bool {
    let joins_above = above.ends_with(',')
        || above.ends_with('-')
        || above.ends_with('–')
        || above.rsplit(' ').next() == Some("VÀ")
        || above.ends_with(" THƯỜNG VỤ");
    let joins_below = ["VÀ ", "- ", "– ", "& "]
        .iter()
        .any(|word| cell.starts_with(word));
    joins_above || joins_below || is_place(cell)
}

/// Whether a capitals cell names a place (`TỈNH YÊN BÁI`, `THÀNH PHỐ HÀ NỘI`, `VIỆT NAM`)
/// rather than a body: `TỈNH ỦY`, `HUYỆN ỦY`, `THÀNH ỦY` are the Party's committees.
fn is_place(cell: &str) -> bool {
    cell == "VIỆT NAM" || cell == "TRUNG ƯƠNG" || super::issuer_names::names_a_place(cell)
}

/// Lines a page carries that belong to no document: the gazette's running head (`CÔNG
/// BÁO/Số 1247 + 1248/Ngày 14-11-2024`, maybe after its page number) and section label, and
/// the publisher's digital-signature stamp (`Người ký:`, `Ký bởi:`, `Email:`, `Cơ quan:`,
/// `Thời gian ký:`, `Ngày ký:`). Their numbers and dates are the gazette's, not the document's.
static PAGE_FURNITURE: LazyLock<Regex> = LazyLock::new(|| {
    let stamp_labels = SIGNATURE_STAMP_OPENERS
        .iter()
        .chain(SIGNATURE_STAMP_FIELDS)
        .map(|label| label.trim_end_matches(':').replace(' ', r"\s+") + r"\s*:");
    let words: Vec<String> = [r"\d{0,4}\s*công\s+báo\b".to_owned()]
        .into_iter()
        .chain(stamp_labels)
        .chain(
            [
                r"văn\s+bản\s+quy\s+phạm\s+pháp\s+luật\s*[-–]?$",
                r"văn\s+bản\s+hợp\s+nhất\s*[-–]?$",
                r"văn\s+bản\s+pháp\s+luật\s+khác$",
                r"\d{1,4}$",
            ]
            .map(str::to_owned),
        )
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    Regex::new(&format!("^(?i:{})", alternation(&words))).expect("page furniture pattern compiles")
});

/// Stamps put on a received or copied document: `SAO Y (BẢN CHÍNH)`, `BẢN SAO`, `TRÍCH SAO`,
/// `SAO LỤC`, the received stamp `ĐẾN` / `CÔNG VĂN ĐẾN` with its own `Số` and `Ngày`.
static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    let words = [
        r"sao\s*y\b",
        r"bản\s+sao\b",
        r"trích\s+sao\b",
        r"sao\s+lục\b",
        r"(?:công\s+văn\s+)?đến\b",
        r"chuyển\s*:",
        r"lưu\s+hồ\s+sơ",
    ];
    Regex::new(&format!("^(?i:{})", alternation(&words))).expect("stamp pattern compiles")
});

/// Each `word` of `words` as [`tolerant_pattern`] writes it, keeping regex syntax (`\s+`, `\d`,
/// `:`) as it is: stripped and restored text writes `cong bao`, `Ky boi:`.
fn alternation(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| {
            w.split(r"\s+")
                .map(|part| {
                    let (letters, syntax) = part
                        .find(|c: char| !c.is_alphabetic())
                        .map_or((part, ""), |at| part.split_at(at));
                    if letters.is_empty() {
                        syntax.to_owned()
                    } else {
                        format!("{}{syntax}", tolerant_pattern(letters))
                    }
                })
                .collect::<Vec<_>>()
                .join(r"\s+")
        })
        .collect::<Vec<_>>()
        .join("|")
}

pub(super) fn is_page_furniture(cell: &str) -> bool {
    PAGE_FURNITURE.is_match(cell)
}

pub(super) fn is_stamp(cell: &str) -> bool {
    STAMP.is_match(cell)
}

/// The number line: a label (`Số:`, `Số`, `Luật số:`, `Bộ luật số:`, `Nghị quyết số:`, `Lệnh
/// số`, or, restored from stripped text, `So:`, `Sở:`, `Sơ:`; OCR `S6`, `Sé`, `Sb`) and a symbol
/// (`66.17/2026/NQ-CP`, `1906 /SGDĐT-CTrTT`, `302-KH/HU`) or a symbol whose number is left blank
/// (`Số:   /2025/QĐ-UBND`). Without a label (OCR may turn it into debris: seed 002
/// `$643- KH/BTGTU`) the cell must hold nothing but a Party symbol.
static NUMBER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    let label_words = ["bộ luật", "luật", "nghị quyết", "pháp lệnh", "lệnh"]
        .map(tolerant_pattern)
        .join("|");
    let so = tolerant_pattern("số");
    Regex::new(&format!(
        r"^(?:(?i:(?:(?:{label_words})\s+)?(?:{so}|sé|sb))\s*(?P<colon>:)?\s*(?:(?P<symbol>\d{{1,5}}(?:\.\d{{1,3}})?\s*[-/]\s*\S+)|(?P<partial>[.…_]*\s*/\s*[\d/]*[A-ZĐÐ]\S*))|[^\w\s]{{0,2}}\s*(?P<bare>\d{{1,5}}\s*-\s*[A-ZĐ][A-Za-zĐđ]{{0,5}}/[A-ZĐ][A-Za-zĐđ0-9-]*))"
    ))
    .expect("number line pattern compiles")
});

/// The code a number wrapped after a hyphen continues with on the next line
/// (`01/2022/TTLT-VKSNDTC-` / `TANDTC-BCA-BQP-BLĐTBXH`).
static CODE_CONTINUATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-ZĐÐА-Я][A-Za-zĐđÐА-Яа-я0-9]*(?:-[A-ZĐÐА-Я][A-Za-zĐđÐА-Яа-я0-9]*)*$")
        .expect("code continuation pattern compiles")
});

/// The subject line of an official letter: `V/v triển khai ...` (về việc).
static SUBJECT_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[Vv]\s*/\s*[Vv]\b[.:]?\s*").expect("subject pattern compiles"));

/// What follows `V/v` in a letter's subject line.
pub(super) fn subject_line(cell: &str) -> Option<&str> {
    SUBJECT_LINE
        .find(cell)
        .map(|label| cell[label.end()..].trim())
        .filter(|rest| !rest.is_empty())
}

/// A number read from a header cell.
#[derive(Debug, Clone)]
pub(super) struct FoundNumber {
    /// The symbol without spaces, look-alike letters folded to Latin and `Đ`.
    pub value: String,
    pub system: System,
    /// The number's digits are blank or unreadable: only the rest is given.
    pub partial: bool,
    /// Chars of the cell the label and number take.
    pub surface_len: usize,
}

/// The number at the start of `cell`, with `below` the first cells of the lines under it, nearest
/// first (for a number wrapped after a hyphen: a PDF text layer reads a two-column header row by
/// row, so the other column's `Hà Nội, ngày ...` may stand between the two halves). A blank
/// number's gap may be as wide as a column gap, so `cell` may run on to the end of its line.
pub(super) fn number_in(cell: &str, below: &[&str]) -> Option<FoundNumber> {
    let m = NUMBER_LINE.captures(cell)?;
    let whole_cell = m.get(0).is_some_and(|all| all.end() == cell.len());
    if m.name("bare").is_some() && !whole_cell {
        return None;
    }
    let partial = m.name("partial").is_some();
    let symbol = m
        .name("symbol")
        .or(m.name("partial"))
        .or(m.name("bare"))
        .expect("one of the alternatives")
        .as_str();
    let mut value: String = symbol
        .split_whitespace()
        .collect::<String>()
        .trim_start_matches(['.', '…', '_'])
        .trim_end_matches([',', '.', ';'])
        .to_owned();
    if value.ends_with('-') {
        if let Some(rest) = below.iter().find(|n| CODE_CONTINUATION.is_match(n)) {
            value.push_str(rest);
        }
    }
    let value = fold_lookalikes(&value);
    // Party symbols put the type before the "/" (`302-KH/HU`), State ones after it.
    let system = match (value.find('-'), value.find('/')) {
        (Some(dash), Some(slash)) if dash < slash => System::Party,
        _ => System::State,
    };
    Some(FoundNumber {
        value,
        system,
        partial,
        surface_len: cell[..m.get(0).expect("match").end()]
            .trim_end()
            .chars()
            .count(),
    })
}

/// A consolidated text's own number (`06/VBHN-BTC`): its authentication block, after the last
/// article, is the only place it is written.
pub(super) fn is_consolidation_number(number: &FoundNumber) -> bool {
    number.value.contains("/VBHN-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(cell: &str) -> Option<(String, bool)> {
        number_in(cell, &[]).map(|n| (n.value, n.partial))
    }

    #[test]
    fn every_label_of_both_systems_and_their_stripped_forms() {
        for (cell, want) in [
            ("Số: 26/2025/TT-BTP", "26/2025/TT-BTP"),
            ("Luật số: 146/2025/QH15", "146/2025/QH15"),
            ("Bộ luật số: 45/2019/QH14", "45/2019/QH14"),
            ("Nghị quyết số: 111/2025/UBTVQH15", "111/2025/UBTVQH15"),
            ("Lệnh số 05/2025/L-CTN", "05/2025/L-CTN"),
            ("Số 302-KH/HU", "302-KH/HU"),
            ("So: 351/2025/ND-CP", "351/2025/ND-CP"),
            ("Sở: 351/2025/ND-CP", "351/2025/ND-CP"),
            ("Sơ: 24/2025/TT-BKHCN", "24/2025/TT-BKHCN"),
            ("Luat so: 146/2025/QH15", "146/2025/QH15"),
            ("Số: 66.15/2026/NQ-CP", "66.15/2026/NQ-CP"),
            ("Số: 1906 /SGDĐT-CTrTT", "1906/SGDĐT-CTrTT"),
            ("Số: 51 /2025/QĐ-UBND", "51/2025/QĐ-UBND"),
        ] {
            assert_eq!(value(cell), Some((want.to_owned(), false)), "{cell}");
        }
    }

    #[test]
    fn blank_number_is_partial_and_keeps_no_invented_digits() {
        assert_eq!(
            value("Số:   /2025/QĐ-UBND"),
            Some(("/2025/QĐ-UBND".to_owned(), true))
        );
        assert_eq!(
            value("Số: ......./QĐ-UBND"),
            Some(("/QĐ-UBND".to_owned(), true))
        );
        assert_eq!(value("Số: 1234"), None, "a received stamp's bare count");
        assert_eq!(value("Sở Giáo dục và Đào tạo"), None);
    }

    #[test]
    fn lookalike_letters_fold_to_latin_and_d_with_stroke() {
        assert_eq!(
            value("Số: 06/2026/TT-BTС").map(|v| v.0),
            Some("06/2026/TT-BTC".to_owned())
        );
        assert_eq!(
            value("Số: 12/2026/NÐ-СР").map(|v| v.0),
            Some("12/2026/NĐ-CP".to_owned())
        );
    }

    #[test]
    fn number_wrapped_after_a_hyphen_is_joined() {
        let found = number_in("Số: 01/2022/TTLT-VKSNDTC-", &["TANDTC-BCA-BQP-BLĐTBXH"]);
        assert_eq!(
            found.map(|n| n.value),
            Some("01/2022/TTLT-VKSNDTC-TANDTC-BCA-BQP-BLĐTBXH".to_owned())
        );
    }

    #[test]
    fn number_wrapped_past_the_other_columns_line_is_joined() {
        let found = number_in(
            "Số: 01/2022/TTLT-VKSNDTC-",
            &[
                "Hà Nội, ngày 18 tháng 02 năm 2022",
                "TANDTC-BCA-BQP-BLĐTBXH",
            ],
        );
        assert_eq!(
            found.map(|n| n.value),
            Some("01/2022/TTLT-VKSNDTC-TANDTC-BCA-BQP-BLĐTBXH".to_owned())
        );
    }

    #[test]
    fn layout_lines_split_into_columns() {
        let text = "  Số: 19/2024/TT-BKHĐT                    Hà Nội, ngày 16 tháng 10 năm 2024";
        let line = Line {
            start: 0,
            end: text.chars().count(),
            clean_start: 2,
            clean: text.trim(),
        };
        let got: Vec<(usize, &str)> = cells(&line)
            .iter()
            .map(|c| (c.clean_start, c.clean))
            .collect();
        assert_eq!(
            got,
            [
                (2, "Số: 19/2024/TT-BKHĐT"),
                (42, "Hà Nội, ngày 16 tháng 10 năm 2024")
            ]
        );
    }

    #[test]
    fn running_heads_signature_stamps_and_copy_stamps_are_recognised() {
        for furniture in [
            "CÔNG BÁO/Số 1247 + 1248/Ngày 14-11-2024",
            "30 CÔNG BÁO/Số 1247 + 1248/Ngày 14-11-2024",
            "Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ",
            "Ký bởi: Cổng Thông tin điện tử Chính phủ",
            "Thời gian ký: 15.11.2024 16:27:57 +07:00",
            "VĂN BẢN QUY PHẠM PHÁP LUẬT",
        ] {
            assert!(is_page_furniture(furniture), "{furniture}");
        }
        for stamp in ["SAO Y BẢN CHÍNH", "SAOY", "BẢN SAO", "ĐẾN", "CÔNG VĂN ĐẾN"] {
            assert!(is_stamp(stamp), "{stamp}");
        }
        assert!(!is_stamp("BỘ TƯ PHÁP"));
        assert!(!is_page_furniture("BỘ TƯ PHÁP"));
    }
}
