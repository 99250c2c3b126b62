//! Joining lines that a scanner or a hard-wrapping editor broke inside a paragraph.
//!
//! A directive's layout carries meaning (header block, numbered headings, list items, signature
//! and recipient blocks), so lines are joined only where the break is evidently a wrap: the first
//! line does not end a sentence or introduce a list, neither line is a heading or all capitals,
//! the second is no list item, and either the second continues in lowercase, the first ends in a
//! comma, or the first is as long as the document's wrapped lines. Blank lines and page breaks
//! always stay.

use std::sync::LazyLock;

use regex::Regex;

use super::{Rewriter, Rewritten};

/// A line at least this share of the document's wrap width is taken to have been wrapped.
const WRAPPED_SHARE: f64 = 0.6;

static LIST_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[-+•*–—]\s|\d+(?:\.\d+)*[.)]\s|[IVXLC]+[.\-)]\s|[a-zđ][).]\s|\(\d+\)|\*\*|Nơi nhận|Kính gửi|Căn cứ|Số\s*:?\s*[\d./…_])",
    )
    .expect("list-item pattern compiles")
});

#[derive(Debug, Clone, Copy)]
struct Line {
    /// Char range of the line's text without its newline and surrounding spaces.
    start: usize,
    end: usize,
    /// Char index of the newline ending the line, if any.
    newline: Option<usize>,
}

pub fn join_lines(text: &str) -> Rewritten {
    let chars: Vec<char> = text.chars().collect();
    let lines = split_lines(&chars);
    let width = wrap_width(&lines);
    let mut out = Rewriter::new(text);
    let mut at = 0;
    for pair in lines.windows(2) {
        let (line, next) = (pair[0], pair[1]);
        let Some(newline) = line.newline else { break };
        let separator = match break_kind(&chars, line, next, width) {
            Break::Keep => None,
            Break::Space => Some(" "),
            Break::Glue => Some(""),
        };
        let kept_until = if separator.is_some() {
            line.end
        } else {
            newline + 1
        };
        for (i, &c) in chars.iter().enumerate().take(kept_until).skip(at) {
            out.keep(c, i);
        }
        at = kept_until;
        if let Some(separator) = separator {
            // The separator stands for the whole break: trailing spaces, newline, indentation.
            out.replace(separator, line.end, next.start);
            at = next.start;
        }
    }
    for (i, &c) in chars.iter().enumerate().skip(at) {
        out.keep(c, i);
    }
    out.finish()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Break {
    Keep,
    /// Join with one space.
    Space,
    /// Join with nothing between: a code broken after its hyphen (`238-` / `QĐ/TW`).
    Glue,
}

fn split_lines(chars: &[char]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut begin = 0;
    loop {
        let newline = chars[begin..]
            .iter()
            .position(|&c| c == '\n')
            .map(|p| begin + p);
        let stop = newline.unwrap_or(chars.len());
        let mut start = begin;
        while start < stop && is_blank(chars[start]) {
            start += 1;
        }
        let mut end = stop;
        while end > start && is_blank(chars[end - 1]) {
            end -= 1;
        }
        lines.push(Line {
            start,
            end,
            newline,
        });
        match newline {
            Some(n) => begin = n + 1,
            None => return lines,
        }
    }
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// The width lines were wrapped at: the 90th percentile of non-empty line lengths.
fn wrap_width(lines: &[Line]) -> usize {
    let mut lengths: Vec<usize> = lines
        .iter()
        .map(|l| l.end - l.start)
        .filter(|&n| n > 0)
        .collect();
    if lengths.is_empty() {
        return 0;
    }
    lengths.sort_unstable();
    lengths[(lengths.len() - 1) * 9 / 10]
}

fn break_kind(chars: &[char], line: Line, next: Line, width: usize) -> Break {
    let this = &chars[line.start..line.end];
    let following = &chars[next.start..next.end];
    if this.is_empty() || following.is_empty() {
        return Break::Keep;
    }
    if this.contains(&'\u{c}') || following.contains(&'\u{c}') {
        return Break::Keep;
    }
    if is_heading(this) || is_heading(following) {
        return Break::Keep;
    }
    let following_text: String = following.iter().collect();
    if LIST_ITEM.is_match(&following_text) {
        return Break::Keep;
    }
    let last = this[this.len() - 1];
    let before_last = this.len().checked_sub(2).map(|i| this[i]);
    if last == '-' && before_last.is_some_and(|c| c.is_ascii_digit() || c.is_uppercase()) {
        let starts_code = starts_with_code(following);
        return if starts_code {
            Break::Glue
        } else {
            Break::Keep
        };
    }
    if ends_sentence(this) {
        return Break::Keep;
    }
    let continues = following[0].is_lowercase()
        || last == ','
        || (this.len() as f64) >= WRAPPED_SHARE * width as f64;
    if continues {
        Break::Space
    } else {
        Break::Keep
    }
}

/// The line opens with the rest of a code broken after its hyphen (`QĐ/TW`, `TTg`,
/// `TANDTC-BCA`): letters, digits, `/` and `-`, two capitals at least. A two-column header read
/// row by row puts `Hà Nội, ngày ...` there instead, which must not be glued on.
fn starts_with_code(line: &[char]) -> bool {
    let word = line.iter().take_while(|c| !c.is_whitespace());
    let mut capitals = 0;
    for &c in word {
        if !(c.is_alphanumeric() || c == '/' || c == '-') {
            return false;
        }
        capitals += usize::from(c.is_uppercase());
    }
    capitals >= 2
}

fn ends_sentence(line: &[char]) -> bool {
    let trimmed = line
        .iter()
        .rev()
        .find(|c| !matches!(c, '"' | '”' | '’' | ')' | '»' | '*'));
    matches!(trimmed, Some('.' | ':' | ';' | '!' | '?' | '…'))
}

/// All capitals (`KẾ HOẠCH`, `T/M BAN THƯỜNG VỤ`) or no letters at all (`*`, `---`).
fn is_heading(line: &[char]) -> bool {
    let mut letters = line.iter().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_none() || letters.all(|c| !c.is_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(text: &str) -> String {
        join_lines(text).text
    }

    #[test]
    fn joins_a_wrapped_paragraph() {
        let text = "Thực hiện Chương trình số 24-CTr/TU, ngày 05/10/2022 của Ban Thường\n\
                    vụ Tỉnh ủy về thực hiện Kế hoạch số 156-KH/BTGTW, ngày 14/6/2022 của Ban\n\
                    Tuyên giáo Trung ương về tăng cường công tác chỉ đạo, quản lý, chấn chỉnh,\n\
                    Ban Tuyên giáo Tỉnh ủy xây dựng Kế hoạch thực hiện cụ thể như sau:\n\
                    \n\
                    I- MỤC ĐÍCH, YÊU CẦU\n";
        assert_eq!(
            joined(text),
            "Thực hiện Chương trình số 24-CTr/TU, ngày 05/10/2022 của Ban Thường \
             vụ Tỉnh ủy về thực hiện Kế hoạch số 156-KH/BTGTW, ngày 14/6/2022 của Ban \
             Tuyên giáo Trung ương về tăng cường công tác chỉ đạo, quản lý, chấn chỉnh, \
             Ban Tuyên giáo Tỉnh ủy xây dựng Kế hoạch thực hiện cụ thể như sau:\n\
             \n\
             I- MỤC ĐÍCH, YÊU CẦU\n"
        );
    }

    #[test]
    fn keeps_header_block_headings_and_list_items() {
        let text = "ĐẢNG BỘ TỈNH LAI CHÂU\nHUYỆN ỦY PHONG THỔ\nSố 302-KH/HU\n\
                    Phong Thổ, ngày 19 tháng 5 năm 2023\nKẾ HOẠCH\n\
                    1. Mục đích\nQuán triệt nội dung\n- Như trên;\n- Lưu VP.\n";
        assert_eq!(joined(text), text);
    }

    #[test]
    fn number_line_under_the_motto_keeps_its_own_line() {
        // A PDF text layer reads the two header columns row by row.
        let text = "BỘ KẾ HOẠCH VÀ ĐẦU TƯ\nĐộc lập - Tự do - Hạnh phúc\nSố: 1205/QĐ-BKHĐT\n";
        assert_eq!(joined(text), text);
    }

    #[test]
    fn wrapped_number_is_not_glued_to_the_place_and_date_beside_it() {
        let text = "Số: 01/2022/TTLT-VKSNDTC-\nHà Nội, ngày 18 tháng 02 năm 2022\n\
                    TANDTC-BCA-BQP-BLĐTBXH\n";
        assert_eq!(joined(text), text);
    }

    #[test]
    fn glues_a_code_broken_after_its_hyphen() {
        let text = "thực hiện Quy định số 238-\nQĐ/TW ngày 14 tháng 6 năm 2022 của Bộ Chính trị\n";
        let out = join_lines(text);
        assert_eq!(
            out.text,
            "thực hiện Quy định số 238-QĐ/TW ngày 14 tháng 6 năm 2022 của Bộ Chính trị\n"
        );
        let q = "thực hiện Quy định số 238-".chars().count();
        // "QĐ" still points at its raw position after the removed newline.
        assert_eq!(out.map.source_span(q, q + 2), (q + 1, q + 3));
    }

    #[test]
    fn joined_space_maps_to_the_whole_break() {
        let text = "của Ban Thường  \n   vụ Tỉnh ủy";
        let out = join_lines(text);
        assert_eq!(out.text, "của Ban Thường vụ Tỉnh ủy");
        assert_eq!(out.map.source_span(14, 15), (14, 20));
        assert_eq!(out.map.source_span(15, 17), (20, 22));
    }

    #[test]
    fn never_joins_across_blank_lines_or_pages() {
        let text = "đoạn một chưa hết\n\nđoạn hai\n\u{c}tiếp trang sau\n";
        assert_eq!(joined(text), text);
    }

    proptest::proptest! {
        #[test]
        fn only_whitespace_changes_and_the_map_is_monotone(
            text in "([a-zA-ZĐđươ0-9,.:;\\-]{1,8}[ \n]{1,3}){0,30}"
        ) {
            let out = join_lines(&text);
            let visible = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            proptest::prop_assert_eq!(visible(&out.text), visible(&text));
            proptest::prop_assert_eq!(out.map.len(), out.text.chars().count());
            let mut previous_end = 0;
            for i in 0..out.map.len() {
                let (start, end) = out.map.source_span(i, i + 1);
                proptest::prop_assert!(start >= previous_end && end <= text.chars().count());
                previous_end = end;
            }
        }
    }
}
