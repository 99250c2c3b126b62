//! Issuer names in citations ("... của Ban Thường vụ Tỉnh ủy khóa XII về ..."): where the name
//! ends, and how it is capitalised in running text.

use std::sync::LazyLock;

use regex::Regex;

/// Words that end an issuer's name: a subject or clause word.
const ISSUER_STOP_WORDS: [&str; 39] = [
    "về",
    "ban hành",
    "và",
    "nhằm",
    "để",
    "đã",
    "tại",
    "trong",
    "theo",
    "thì",
    "là",
    "như",
    "được",
    "với",
    "đến",
    "cho",
    "gồm",
    "sau đây",
    "kèm theo",
    "trên",
    "đối với",
    "thực hiện",
    "xây dựng",
    "ngày",
    "đảm bảo",
    "bảo đảm",
    "phải",
    "cần",
    "sẽ",
    "có",
    "khi",
    "này",
    "triển khai",
    "quy định",
    "sửa đổi",
    "hướng dẫn",
    "bãi bỏ",
    "thay thế",
    "phê duyệt",
];

/// Where an issuer's name may stop: a word of [`ISSUER_STOP_WORDS`] (with or without its
/// diacritics, as OCR leaves them), or punctuation; [`stops_name`] decides.
static ISSUER_STOP: LazyLock<Regex> = LazyLock::new(|| {
    let words: Vec<String> = ISSUER_STOP_WORDS
        .iter()
        .map(|w| super::codes::tolerant_pattern(w))
        .collect();
    Regex::new(&format!(
        r"(?i)[ \t](?:{})\b|[,;:.“”\u0022()\n]",
        words.join("|")
    ))
    .expect("issuer stop pattern compiles")
});

/// Whether a match of [`ISSUER_STOP`] ends the name: punctuation and line breaks do; a word
/// does unless it is in title case (`Bộ Tài chính` holds no "tại"). Words match with any
/// diacritics, as OCR leaves them (`vệ` for "về"), so `Bộ Giao thông vận tải` stops at "tải".
fn stops_name(found: &str) -> bool {
    !is_title_case(found.trim())
}

static TERM_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]*\((?i:khóa|khoá)[ \t]+[IVXLC]+\)").expect("term pattern compiles")
});

/// The bodies of the code table (`dictionaries/codes/issuers.tsv`), longest first: a stop
/// inside one of them (`Bộ Tài nguyên và Môi trường`, `Bộ Văn hóa, Thể thao và Du lịch`, `Bộ
/// Giao thông vận tải`, whose "tải" reads as "tại") is part of the name.
static KNOWN_BODY: LazyLock<Regex> = LazyLock::new(|| {
    let mut names: Vec<&str> = super::codes::CODES
        .issuers
        .iter()
        .map(|issuer| issuer.name.as_str())
        .collect();
    names.sort_by_key(|name| std::cmp::Reverse(name.len()));
    names.dedup();
    let patterns: Vec<String> = names
        .iter()
        .map(|name| super::codes::tolerant_pattern(name).replace(r"\-", "[-–]"))
        .collect();
    Regex::new(&format!(r"(?i)\b(?:{})\b", patterns.join("|"))).expect("body name pattern compiles")
});

/// The words that name the place a body serves after its name (`Ủy ban nhân dân tỉnh Hà
/// Giang`, `ỦY BAN NHÂN DÂN` / `TỈNH YÊN BÁI`, `cấp huyện`).
const PLACE_WORDS: [&str; 10] = [
    "tỉnh",
    "thành phố",
    "huyện",
    "quận",
    "thị xã",
    "xã",
    "phường",
    "thị trấn",
    "đặc khu",
    "cấp",
];

/// Whether `words` (in any case) open with a place a body serves: a word of [`PLACE_WORDS`],
/// alone or before a name, but not a Party committee (`tỉnh ủy`, `huyện ủy`).
pub(super) fn names_a_place(words: &str) -> bool {
    let words = words.to_lowercase();
    PLACE_WORDS.iter().any(|place| {
        words.strip_prefix(place).is_some_and(|rest| {
            rest.is_empty()
                || rest
                    .strip_prefix(' ')
                    .is_some_and(|rest| !matches!(rest.split(' ').next(), Some("ủy" | "uỷ")))
        })
    })
}

/// How far into the text after an issuer's lead word a known body may start (bytes): names
/// begin at once or after a title (`Bộ trưởng`, `Thống đốc`).
const KNOWN_BODY_REACH: usize = 400;

/// Bytes of `after` (which starts at an issuer's name) the name takes: up to its stop, unless
/// the stop is inside a known body's name, with the term after it (`(khóa XII)`).
pub(super) fn name_len(after: &str) -> usize {
    let mut head = after.len().min(KNOWN_BODY_REACH);
    while !after.is_char_boundary(head) {
        head -= 1;
    }
    let known: Vec<_> = KNOWN_BODY
        .find_iter(&after[..head])
        .map(|m| m.range())
        .collect();
    let mut len = ISSUER_STOP
        .find_iter(after)
        .find(|m| {
            stops_name(m.as_str())
                && !known
                    .iter()
                    .any(|body| body.start < m.start() && m.start() < body.end)
        })
        .map_or(after.len(), |m| m.start());
    // A known body's name is whole: what follows it in lower case is the sentence going on
    // (`của Bộ trưởng Bộ Tài chính sau khi`, `Chính phủ trước thời điểm`), unless it is the
    // place the body serves (`Ủy ban nhân dân tỉnh Hà Giang`).
    if let Some(body) = known.iter().rev().find(|body| body.end < len) {
        let rest = after[body.end..len].trim_start();
        let lower = rest.chars().next().is_some_and(char::is_lowercase);
        if lower && !names_a_place(rest) {
            len = body.end;
        }
    }
    if let Some(term) = TERM_SUFFIX.find(&after[len..]) {
        len += term.end();
    }
    len
}

/// `Tài`, `Về việc`: a capital, then lower case.
fn is_title_case(words: &str) -> bool {
    let mut chars = words.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.any(char::is_lowercase)
}

/// Body names as they are capitalised in running text, longest first where one contains
/// another.
const BODY_NAMES: [&str; 22] = [
    "Ban Chấp hành Trung ương",
    "Ban Tuyên giáo Trung ương",
    "Ban Tổ chức Trung ương",
    "Ủy ban Kiểm tra",
    "Ủy ban nhân dân",
    "Hội đồng nhân dân",
    "Ban Thường vụ",
    "Ban Tuyên giáo",
    "Ban Dân vận",
    "Ban cán sự đảng",
    "Ban Bí thư",
    "Bộ Chính trị",
    "Thủ tướng Chính phủ",
    "Chính phủ",
    "Trung ương Đảng",
    "Trung ương",
    "Tỉnh ủy",
    "Thành ủy",
    "Huyện ủy",
    "Quận ủy",
    "Đảng ủy",
    "Văn phòng",
];

/// `BAN THƯỜNG VỤ THÀNH ỦY KHÓA XII` → `Ban Thường vụ Thành ủy khóa XII`; text already in mixed
/// case is kept.
pub(super) fn sentence_case(name: &str) -> String {
    if name.chars().any(char::is_lowercase) {
        return name.to_owned();
    }
    let mut out = name.to_lowercase();
    for body in BODY_NAMES {
        out = out.replace(&body.to_lowercase(), body);
    }
    let words: Vec<String> = out
        .split(' ')
        .zip(name.split(' '))
        .map(|(word, original)| {
            let roman = !original.is_empty() && original.chars().all(|c| "IVXLC".contains(c));
            if roman {
                original.to_owned()
            } else {
                word.to_owned()
            }
        })
        .collect();
    let joined = words.join(" ");
    let mut chars = joined.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => joined,
    }
}
