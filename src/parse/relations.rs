//! What a cited document is to the citing one: its legal basis ("Căn cứ ..."), the text it
//! implements, amends, replaces, repeals or guides, or the text it is attached to. Read from the
//! words right before the citation, and only when those words are the citing text's own: in
//! "Nghị định số 48/2020/NĐ-CP của Chính phủ sửa đổi, bổ sung ... Nghị định số 38/2016/NĐ-CP" the
//! verb describes the decree cited first, not this text.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::CharIndex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// "Căn cứ ...", and each further item of a "Căn cứ" list: the legal basis.
    LegalBasis,
    /// "Thực hiện ...", "Kế hoạch thực hiện ...".
    Implements,
    /// "(kèm theo ...)": this text is attached to the cited document.
    AttachedTo,
    /// "sửa đổi, bổ sung ...": this text amends the cited document.
    Amends,
    /// "thay thế ...": this text replaces the cited document.
    Replaces,
    /// "bãi bỏ ...", also of some of its provisions ("Bãi bỏ khoản 3 Điều 1 Thông tư số ..."):
    /// this text repeals the cited document or part of it.
    Repeals,
    /// "hướng dẫn (thi hành, thực hiện) ...", "quy định chi tiết (và hướng dẫn thi hành) ...":
    /// this text guides the cited law, resolution or decree, or some of its provisions.
    Guides,
}

/// How far back the relation words are looked for: a guided provision list ("quy định chi tiết
/// và hướng dẫn thi hành Điều 22, Điều 23") takes more than one line of a printed page.
const WINDOW_CHARS: usize = 160;

/// Provisions a verb may name before the document they belong to: "một số điều của", "khoản 1
/// và khoản 2 Điều 1", "các điểm đ, h, i, k khoản 1 Điều 12a", "số thứ tự 31 khoản 1 Điều 1".
const PROVISIONS: &str = r"(?:(?:toàn\s+bộ|một\s+số|[ivxlc]+|các|và|của|tại|số\s+thứ\s+tự|điều|khoản|điểm|tiết|mục|chương|phần|phụ\s+lục|quy\s+định|nội\s+dung|biện\s+pháp|để|tổ\s+chức|thi\s+hành|[0-9]{1,3}[a-zđ]?|[a-zđ])\b[\s,.]*)*";

static BASIS_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)căn\s+cứ\s*$").expect("basis pattern compiles"));
/// A further item of a "Căn cứ" list, after `;`, `,` or `và`.
static LIST_ITEM_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:[;,]|\bvà)\s*$").expect("list item pattern compiles"));
static BASIS_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s*\-+]*(?i:căn\s+cứ)\s").expect("basis line pattern compiles")
});
// "thực hiện" opening a line or sentence, or after the plan's own type word; mid-sentence
// ("sơ kết 05 năm thực hiện ...") it describes an activity, not this text's relation.
static IMPLEMENTS_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:(?:\n|\*|[.;:][ \t]+)[ \t]*|kế\s+hoạch\s+)(?P<verb>(?:triển\s+khai\s+|để\s+)?thực\s+hiện)\s*$",
    )
    .expect("implements pattern compiles")
});
static AMENDS_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bsửa\s+đổi(?:\s*,\s*|\s+)(?:bổ\s+sung\s+)?(?:một\s+số\s+điều\s+(?:của\s+)?)?$|\bbổ\s+sung\s+$")
        .expect("amends pattern compiles")
});
static REPLACES_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bthay\s+thế\s+(?:cho\s+)?$").expect("replaces pattern compiles")
});
static REPEALS_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\bbãi\s+bỏ\s+{PROVISIONS}$")).expect("repeals pattern compiles")
});
/// Guiding words said by this text: opening a line, a sentence or an article (`Điều 4. Hướng
/// dẫn ...`), or after "này" or a capitalised type word ("Thông tư này hướng dẫn", "ban hành
/// Thông tư hướng dẫn"). After a noun they name other texts ("văn bản quy định chi tiết", "văn
/// bản quy phạm pháp luật hướng dẫn").
static GUIDES_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:\n[\s*\-+]*|[.;:)][ \t]+|\bnày\s+|\b(?-i:Thông\s+tư|Nghị\s+định|Quyết\s+định|Nghị\s+quyết|Pháp\s+lệnh|Luật)\s+)(?P<verb>hướng\s+dẫn|quy\s+định\s+chi\s+tiết)(?:\s+và\s+hướng\s+dẫn)?(?:\s+(?:thi\s+hành|thực\s+hiện|chi\s+tiết))?\s+{PROVISIONS}$"
    ))
    .expect("guides pattern compiles")
});
static PASSIVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:được|bị)\s+$").expect("passive pattern compiles"));
/// A list item's start, before its citation: `a) `, `1. `, `- `, maybe with a provision
/// (`a) Khoản 1 Điều 2 Thông tư số ...`).
static ITEM_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\n[ \t*]*(?:[a-zđ]\)|\d{{1,3}}\.|[-+•])[ \t]+{PROVISIONS}$"
    ))
    .expect("item pattern compiles")
});
/// A list item's marker, by kind: a letter, a number or a dash.
static ITEM_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t*]*(?:(?P<letter>[a-zđ]\))|(?P<number>\d{1,3}\.)|(?P<dash>[-+•]))[ \t]")
        .expect("item line pattern compiles")
});

fn marker_kind(line: &str) -> Option<&'static str> {
    let captures = ITEM_LINE.captures(line)?;
    ["letter", "number", "dash"]
        .into_iter()
        .find(|kind| captures.name(kind).is_some())
}
/// The line that opens a list of repealed texts: "Thông tư này bãi bỏ các văn bản sau đây:",
/// "4. Bãi bỏ các quy định sau:".
static REPEAL_INTRO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bbãi\s+bỏ\b.*:\s*$").expect("repeal intro pattern compiles")
});
/// How many items before this one the list's opening line is looked for across.
const LIST_ITEMS: usize = 30;
static ATTACHED_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)kèm\s+theo\s*$").expect("attached pattern compiles"));

/// A citation already found before this one: where it starts and ends (chars), and its
/// relation.
#[derive(Debug, Clone, Copy)]
pub(super) struct Previous {
    pub start: usize,
    pub end: usize,
    pub relation: Option<Relation>,
}

/// The relation of the citation starting at char `start`, given the numbered citation before it.
pub(super) fn relation(
    text: &str,
    index: &CharIndex,
    start: usize,
    previous: Option<Previous>,
) -> Option<Relation> {
    let line_start = index.line_start(start);
    let window_start = line_start.max(start.saturating_sub(WINDOW_CHARS));
    // A window that reaches the line's start begins with the line break, so patterns can
    // tell a line's start from the window's.
    let at_line_start = window_start == line_start;
    let before = format!(
        "{}{}",
        if at_line_start { "\n" } else { "" },
        index.slice(text, window_start, start)
    );
    let before = before.as_str();
    let lead = usize::from(at_line_start);
    let in_line = previous.filter(|p| p.start >= line_start);
    if BASIS_BEFORE.is_match(before) {
        return Some(Relation::LegalBasis);
    }
    let line = index.slice(text, line_start, start);
    let continues_basis_list = in_line.is_some_and(|p| p.relation == Some(Relation::LegalBasis))
        && BASIS_LINE.is_match(line)
        && LIST_ITEM_BEFORE.is_match(before);
    if continues_basis_list {
        return Some(Relation::LegalBasis);
    }
    // In a "Căn cứ" paragraph the verbs describe the bases ("Luật sửa đổi, bổ sung một số điều
    // của Luật ...").
    if BASIS_LINE.is_match(line) {
        return None;
    }
    if ITEM_BEFORE.is_match(before)
        && list_intro(text, index, line_start).is_some_and(|intro| REPEAL_INTRO.is_match(intro))
    {
        return Some(Relation::Repeals);
    }
    let verbs = [
        (&AMENDS_BEFORE, Relation::Amends),
        (&REPLACES_BEFORE, Relation::Replaces),
        (&REPEALS_BEFORE, Relation::Repeals),
        (&GUIDES_BEFORE, Relation::Guides),
        (&IMPLEMENTS_BEFORE, Relation::Implements),
        (&ATTACHED_BEFORE, Relation::AttachedTo),
    ];
    let (verb_at, relation) = verbs.iter().find_map(|(pattern, relation)| {
        pattern.captures(before).and_then(|c| {
            let verb = c.name("verb").or(c.get(0)).expect("whole match");
            // "được sửa đổi, bổ sung ...", "bị bãi bỏ": done to another text, not by this one.
            if PASSIVE.is_match(&before[..verb.start()]) {
                return None;
            }
            let chars_before = before[..verb.start()].chars().count();
            Some((window_start + chars_before - lead, *relation))
        })
    })?;
    // Words that run on from the citation before ("... của Chính phủ hướng dẫn thi hành ...")
    // describe that citation, also past the rest of its issuer's name where that stopped early:
    // at "và" ("Bộ Tài nguyên | và Môi trường sửa đổi ...") or at a word like a stop word
    // ("Bộ Giao thông vận | tải sửa đổi ...").
    let describes_previous = in_line.is_some_and(|p| {
        let gap = index
            .slice(text, p.end.min(verb_at), verb_at)
            .trim_matches(|c: char| c.is_whitespace() || c == ',');
        let rest_of_name = gap
            .strip_prefix("và ")
            .is_some_and(|rest| rest.starts_with(char::is_uppercase))
            || (gap != "và"
                && !gap.contains(char::is_whitespace)
                && gap.chars().all(char::is_lowercase));
        p.end >= verb_at || gap.is_empty() || rest_of_name
    });
    (!describes_previous).then_some(relation)
}

/// The line ending in `:` that opens the list whose item starts at char `item_start`, across
/// the items before it with the same kind of marker.
fn list_intro<'a>(text: &'a str, index: &CharIndex, item_start: usize) -> Option<&'a str> {
    let item_line = text[index.byte_at(item_start)..]
        .lines()
        .next()
        .unwrap_or("");
    let kind = marker_kind(item_line);
    let mut at = item_start;
    for _ in 0..=LIST_ITEMS {
        let end = at.checked_sub(1)?;
        let start = index.line_start(end);
        let line = index.slice(text, start, end);
        if line.trim_end().ends_with(':') {
            return Some(line);
        }
        if marker_kind(line).is_none() || marker_kind(line) != kind {
            return None;
        }
        at = start;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, plain_span};

    /// Each case: what it shows, the text, and every numbered citation with its relation.
    type Case = (
        &'static str,
        &'static str,
        &'static [(&'static str, Option<Relation>)],
    );

    const CASES: &[Case] = &[
        (
            "repeal of a whole text and of some of its provisions",
            "4. Bãi bỏ Quyết định số 16/2019/QĐ-TTg.\n3. Bãi bỏ khoản 1 và khoản 2 Điều 1 Thông tư số 06/2025/TT-BTC.",
            &[
                ("16/2019/QĐ-TTg", Some(Relation::Repeals)),
                ("06/2025/TT-BTC", Some(Relation::Repeals)),
            ],
        ),
        (
            "repeal of the items of a list",
            "2. Thông tư này bãi bỏ các văn bản sau đây:\na) Thông tư số 24/2013/TT-NHNN ngày 02 tháng 12 năm 2013;\nb) Khoản 1 Điều 2 Thông tư số 13/2023/TT-BKHCN.\n3. Tổ chức thực hiện theo Thông tư số 01/2020/TT-BTC.\na) Thông tư số 02/2020/TT-BTC.",
            &[
                ("24/2013/TT-NHNN", Some(Relation::Repeals)),
                ("13/2023/TT-BKHCN", Some(Relation::Repeals)),
                ("01/2020/TT-BTC", None),
                ("02/2020/TT-BTC", None),
            ],
        ),
        (
            "guidance of a decree or of some of its articles",
            "Thông tư này hướng dẫn thực hiện các điểm đ, h, i, k khoản 1 Điều 12a Nghị định số 05/2011/NĐ-CP.\nNghị định này quy định chi tiết và hướng dẫn thi hành Điều 22, Điều 23 Nghị quyết số 222/2025/QH15.",
            &[
                ("05/2011/NĐ-CP", Some(Relation::Guides)),
                ("222/2025/QH15", Some(Relation::Guides)),
            ],
        ),
        (
            "guiding texts named by a noun are not this texts relation",
            "Khi lập danh mục văn bản quy định chi tiết theo quy định tại khoản 1 Điều 23 của Nghị định số 78/2025/NĐ-CP.\nThực hiện văn bản quy phạm pháp luật hướng dẫn Nghị quyết số 222/2025/QH15.\nhiệu lực của văn bản quy định chi tiết, biện pháp cụ thể để tổ chức, hướng dẫn thi hành Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15.",
            &[
                ("78/2025/NĐ-CP", None),
                ("222/2025/QH15", None),
                ("64/2025/QH15", None),
            ],
        ),
        (
            "words after the rest of the previous issuers name describe that citation",
            "4. Thông tư số 19/2017/TT-BTNMT của Bộ trưởng Bộ Tài nguyên và Môi trường sửa đổi, bổ sung một số điều của Thông tư số 45/2016/TT-BTNMT hết hiệu lực.\nQuyết định sửa đổi, bổ sung Quyết định số 13/2019/QĐ-UBND và thay thế Quyết định số 14/2018/QĐ-UBND.",
            &[
                ("19/2017/TT-BTNMT", None),
                ("45/2016/TT-BTNMT", None),
                ("13/2019/QĐ-UBND", Some(Relation::Amends)),
                ("14/2018/QĐ-UBND", Some(Relation::Replaces)),
            ],
        ),
        (
            "words describing the basis cited before are not this texts relation",
            "Căn cứ Nghị định số 38/2016/NĐ-CP ngày 15 tháng 5 năm 2016 của Chính phủ quy định chi tiết một số điều của Luật Khí tượng thủy văn; Nghị định số 48/2020/NĐ-CP ngày 15 tháng 4 năm 2020 của Chính phủ sửa đổi, bổ sung một số điều của Nghị định số 38/2016/NĐ-CP;\nCăn cứ Nghị định số 10/2025/NĐ-CP của Chính phủ hướng dẫn thi hành Nghị quyết số 197/2025/QH15;",
            &[
                ("38/2016/NĐ-CP", Some(Relation::LegalBasis)),
                ("48/2020/NĐ-CP", Some(Relation::LegalBasis)),
                ("38/2016/NĐ-CP", None),
                ("10/2025/NĐ-CP", Some(Relation::LegalBasis)),
                ("197/2025/QH15", None),
            ],
        ),
    ];

    #[test]
    fn relations_of_each_citation() {
        for (what, text, expected) in CASES {
            let got: Vec<(String, Option<Relation>)> = parse(text, &plain_span(text))
                .references
                .into_iter()
                .filter_map(|r| Some((r.number?.value, r.relation)))
                .collect();
            let expected: Vec<(String, Option<Relation>)> = expected
                .iter()
                .map(|&(number, relation)| (number.to_owned(), relation))
                .collect();
            assert_eq!(got, expected, "{what}");
        }
    }
}
