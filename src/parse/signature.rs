//! The signature block at the end of a document: the authority line (`T/M ...`, `KT. ...`),
//! the signer's title in capitals and the signer's name, also where a stamp or a drawn
//! signature hides or garbles the title.

use std::sync::LazyLock;

use regex::Regex;

use super::codes::tolerant_pattern;
use super::document::{field, is_caps, Signature};
use super::header::Line;
use crate::document::Span;

static AUTHORITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:T/M|K/T|T/L|TM\.|KT\.|TL\.|TUQ\.|Q\.)\s*\S")
        .expect("authority pattern compiles")
});

/// The signature block: an authority line (`T/M ...`), the signer's title in capitals, and
/// the signer's name, a short title-case line after the recipients or the title. A stamp or a
/// signature over the title may leave it garbled or missing: the name is then looked for a few
/// lines further, and the title is kept only where it reads as words. Returns the line index
/// where the annexes may start.
pub(super) fn signature(
    lines: &[Line],
    recipients_at: Option<usize>,
    span: &dyn Fn(usize, usize) -> Span,
) -> (Option<Signature>, usize) {
    let search_from = recipients_at.unwrap_or(lines.len().saturating_sub(40));
    let mut signature = Signature {
        authority: None,
        title: None,
        signer: None,
    };
    let authority = lines[search_from..]
        .iter()
        .position(|l| AUTHORITY.is_match(l.clean))
        .map(|i| search_from + i);
    let (block_start, law_title) = if let Some(a) = authority {
        signature.authority = Some(field(
            lines[a].clean,
            &lines[a],
            "signature:authority",
            span,
        ));
        (a + 1, None)
    } else if recipients_at.is_some() {
        // Skip the recipient items to reach the title or the name.
        let after_items = lines[search_from + 1..]
            .iter()
            .position(|l| {
                !l.clean.is_empty()
                    && !l.clean.starts_with(['-', '+'])
                    && !l.clean.ends_with(':')
                    && !l.clean.ends_with(',')
            })
            .map_or(lines.len(), |i| search_from + 1 + i);
        (after_items, None)
    } else if let Some(t) = (search_from..lines.len()).rev().find(|&t| {
        is_caps(lines[t].clean)
            && lines[t + 1..]
                .iter()
                .find(|l| !is_blank_in_signature(l))
                .is_some_and(|l| is_person_name(l.clean))
    }) {
        // Neither authority nor recipients (acts of the National Assembly): the signer's title
        // in capitals right above the name (`CHỦ TỊCH QUỐC HỘI`).
        (t + 1, Some(t))
    } else {
        (lines.len(), None)
    };
    let block: Vec<usize> = (block_start..lines.len())
        .filter(|&i| !is_blank_in_signature(&lines[i]))
        .take(SIGNATURE_BLOCK_LINES)
        .collect();
    let name_at = block.iter().position(|&i| is_person_name(lines[i].clean));
    // The title is right under the authority line, or right above the name.
    let title_at = law_title.or_else(|| {
        let candidate = match (authority, name_at) {
            (Some(_), _) => block.first().copied(),
            (None, Some(n)) => n.checked_sub(1).map(|t| block[t]),
            (None, None) => None,
        };
        candidate
            .filter(|&t| name_at.is_none_or(|n| t < block[n]) && is_readable_title(lines[t].clean))
    });
    if let Some(t) = title_at {
        signature.title = Some(field(lines[t].clean, &lines[t], "signature:title", span));
    }
    let mut end = title_at.map_or(block_start, |t| t + 1);
    if let Some(n) = name_at {
        // Between the authority or title and the name, only lines that read as no words (a
        // stamp or the signature drawn over the title) may stand.
        let between: Vec<usize> = block[..n]
            .iter()
            .copied()
            .filter(|&i| Some(i) != title_at)
            .collect();
        if between.iter().all(|&i| is_garbled(lines[i].clean)) {
            let line = &lines[block[n]];
            let mut signer = field(line.clean, line, "signature:signer", span);
            if !between.is_empty() || (title_at.is_none() && authority.is_none()) {
                signer.rule = "signature:signer_title_unread";
                signer.confidence = 0.7;
            }
            signature.signer = Some(signer);
            end = block[n] + 1;
        }
    }
    let empty = signature.authority.is_none() && signature.signer.is_none();
    if empty {
        return (None, search_from);
    }
    (Some(signature), end)
}

/// How many non-blank lines after the authority line (or the recipients) the signer's name is
/// looked for in: the title, up to two lines a stamp or signature left garbled, the name.
/// Hand-set from the block's shape, not fitted.
const SIGNATURE_BLOCK_LINES: usize = 4;

/// A title line as printed (`PHÓ GIÁM ĐỐC`, `PHÓ CHỦ TỊCH UBND`): capitals, two Vietnamese
/// syllables or more, and at most a third of its words anything else. OCR of a title under a
/// stamp (`GIÁM ĐÔ€`, `CI M`) is not.
fn is_readable_title(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let syllables = line
        .split_whitespace()
        .filter(|w| crate::orthography::is_syllable(&w.to_lowercase()))
        .count();
    is_caps(line) && syllables >= 2 && 3 * syllables >= 2 * words
}

/// A line that reads as no words: some word of it, punctuation aside, is not a Vietnamese
/// syllable (`GI~`, `ĐỐ€`, `CI`, `|`).
fn is_garbled(line: &str) -> bool {
    !is_readable_title(line)
        && line.split_whitespace().any(|w| {
            let word = w.trim_matches(['.', ',', ';', ':', '(', ')']);
            word.is_empty() || !crate::orthography::is_syllable(&word.to_lowercase())
        })
}

/// Lines between a signer's title and name that hold neither: blank ones and the database's
/// note that the original is signed (`(Đã ký)`, `( đã ký )`).
fn is_blank_in_signature(line: &Line) -> bool {
    static SIGNED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r"^\(\s*(?i:{})\s*\)$", tolerant_pattern("đã ký")))
            .expect("signed-mark pattern compiles")
    });
    line.clean.is_empty() || SIGNED.is_match(line.clean)
}

/// Two to five capitalised words of letters only: "Nguyễn Văn Thành", "Phuong Thi Thanh".
fn is_person_name(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    (2..=5).contains(&words.len())
        && words.iter().all(|w| {
            let mut chars = w.chars();
            chars.next().is_some_and(char::is_uppercase)
                && chars.all(|c| c.is_alphabetic() && c.is_lowercase())
        })
}
