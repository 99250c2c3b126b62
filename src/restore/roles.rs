//! What a token is before any candidate is looked up: an acronym or a Roman list marker to keep as
//! written, a list letter, a stripped `đ` in an enumeration, or a speck of OCR dust.

use super::confusion::Channel;
use super::tokenize::{Token, TokenKind};
use crate::text::strip::strip_char;

/// Whether `token` opens a line as a list marker (`d)`, `VI.`, `“đ1)` in a quoted amendment):
/// followed by `)` or `.`, with only indentation or an opening quote before it.
fn is_list_marker(text: &str, token: &Token) -> bool {
    text[token.end..].starts_with([')', '.'])
        && text[..token.start]
            .rsplit('\n')
            .next()
            .is_some_and(|indent| {
                indent
                    .trim_matches(|c: char| c.is_whitespace() || matches!(c, '“' | '"'))
                    .is_empty()
            })
}

/// A Roman numeral numbering a heading (`VI. TỔ CHỨC THỰC HIỆN`), which is no syllable (`VÌ`).
fn is_roman_list_marker(text: &str, token: &Token) -> bool {
    let word = &text[token.start..token.end];
    word.len() <= 6
        && word
            .chars()
            .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C'))
        && is_list_marker(text, token)
}

/// Words that are no syllables even when they spell one: acronyms in running text (`Ban Tuyên
/// giáo HU`, `Báo AN Hải Phòng`) and Roman numerals numbering headings.
pub(super) fn is_kept_as_written(text: &str, token: &Token) -> bool {
    is_acronym(text, token.start, token.end) || is_roman_list_marker(text, token)
}

/// Finds the letter đ written as `d` in enumerations, where it follows `d` or opens a run going
/// on with `e`:
/// list items `a) b) c) d) đ)` (the item before at the start of a line), runs of points such as
/// `điểm a, b, c, d và đ khoản 2`, `điểm d, điểm đ` and `điểm đ, e khoản 1`. Stripping makes both
/// letters `d`; the one after `d` and the one before `e` are đ. The sub-points of item đ
/// (`đ1)`, `đ.2)`, numbers to the tokenizer) take its letter.
pub(super) fn find_stripped_eth(text: &str, tokens: &[Token], eth: &mut Vec<usize>) {
    eth.clear();
    let written = |t: &Token| &text[t.start..t.end];
    let is_letter = |t: &Token, letter: &str| {
        t.kind == TokenKind::Word && written(t).eq_ignore_ascii_case(letter)
    };
    let is_d = |t: &Token| is_letter(t, "d");
    let is_item = |t: &Token| {
        t.kind == TokenKind::Word && written(t).chars().count() == 1 && is_list_marker(text, t)
    };
    let is_sub_point = |t: &Token| {
        let mut marker = written(t).chars();
        t.kind == TokenKind::Number
            && marker.next().is_some_and(|c| matches!(c, 'd' | 'D'))
            && marker
                .as_str()
                .trim_start_matches('.')
                .chars()
                .all(|c| c.is_ascii_digit())
            && is_list_marker(text, t)
    };
    // Words that join the letters of a run of points: `d và đ`, `d, điểm đ`.
    let joins = |t: &&Token| {
        let word = written(t).to_lowercase();
        !matches!(
            word.as_str(),
            "va" | "và" | "hoac" | "hoặc" | "diem" | "điểm"
        )
    };
    let mut previous_item_is_d = false;
    let mut item_is_eth = false;
    for (i, token) in tokens.iter().enumerate() {
        if is_item(token) {
            item_is_eth = is_d(token) && previous_item_is_d;
            if item_is_eth {
                eth.push(i);
            }
            previous_item_is_d = is_d(token);
            continue;
        }
        if is_sub_point(token) {
            if item_is_eth {
                eth.push(i);
            }
            continue;
        }
        if !is_d(token) {
            continue;
        }
        // A run that goes on `d, e` after other letters left đ out (`điểm c, d, e`); one that
        // opens with it names đ (`điểm đ, e`).
        let before = tokens[..i].iter().rev().find(joins);
        let opens_run =
            || before.is_none_or(|t| t.kind != TokenKind::Word || written(t).chars().count() != 1);
        let after = tokens[i + 1..].iter().find(joins);
        if before.is_some_and(is_d) || opens_run() && after.is_some_and(|t| is_letter(t, "e")) {
            eth.push(i);
        }
    }
}

/// Whether the word at `start..end` is an acronym to keep (`Ban Tuyên giáo HU`, `Báo AN Hải
/// Phòng`): two or more letters, all capitals, on a line that also has lowercase letters, and
/// not next to another word in capitals. In an all-capitals heading every word is written that
/// way and is restored, also after a label (`Mục I. BIỆN PHÁP NGĂN CHẶN`).
pub fn is_acronym(text: &str, start: usize, end: usize) -> bool {
    let word = &text[start..end];
    if word.chars().filter(|c| c.is_alphabetic()).count() < 2
        || word.chars().any(char::is_lowercase)
    {
        return false;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let (before, after) = (&text[line_start..start], &text[end..line_end]);
    // A neighbour counts when only spaces separate it from the word: `HU, UBND` are two
    // acronyms, `CHIẾN LƯỢC, QUY HOẠCH` two runs of a heading.
    let capitals = |word: Option<&str>| {
        word.is_some_and(|w| {
            !w.is_empty() && w.chars().all(|c| c.is_alphabetic() && !c.is_lowercase())
        })
    };
    // The neighbour is the run of letters of the next chunk that faces the word (`BÁO` of
    // `CÔNG BÁO/Số`), empty when punctuation faces it (`HU,`).
    let not_letter = |c: char| !c.is_alphabetic();
    let in_heading = (before.ends_with(char::is_whitespace)
        && capitals(
            before
                .split_whitespace()
                .next_back()
                .and_then(|w| w.rsplit(not_letter).next()),
        ))
        || (after.starts_with(char::is_whitespace)
            && capitals(
                after
                    .split_whitespace()
                    .next()
                    .and_then(|w| w.split(not_letter).next()),
            ));
    !in_heading && text[line_start..line_end].chars().any(char::is_lowercase)
}

/// Whether the word at `start..end` of Vietnamese-model OCR output is a speck read as a letter,
/// which the repair drops: a chunk of its own (only punctuation beside it) made of marks with no
/// letter under them (`ˆ`), or a lone `l` that is no list marker (`l)`). No Vietnamese word is
/// either; on the rendered pages they are specks and rules (`quản ˆ lý`, `kháng nghị l quyết
/// định`), and where an `l` stands for a `1` (`Khoản l`) dropping it is no worse than keeping it.
pub fn is_dust(text: &str, start: usize, end: usize) -> bool {
    let word = &text[start..end];
    let bare_marks = word
        .chars()
        .all(|c| c.is_alphabetic() && !strip_char(c).is_ascii_alphabetic());
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let lone = |c: Option<char>| c.is_none_or(char::is_whitespace);
    if word == "l" {
        return lone(before) && lone(after);
    }
    let beside = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    bare_marks && beside(before) && beside(after)
}

/// Letters of lettered list items in order (`a)`, `b)` … `đ)`, `e)`, `g)`): Vietnamese has no
/// `f`, `j`, `w`, `z`, and lists skip the letters with marks but `đ`.
const LIST_LETTERS: &str = "abcdđeghiklmnopqrstuvxy";

/// Channel cost up to which a list letter is read as the one its list expects there (`e)` after
/// `b)` is `c)`: 794 on the Vietnamese model; `đ)` after `c)` is `d)`: 283).
const LIST_LETTER_BOUND: u32 = 800;

/// Whether the word at `start..end` is the letter of a list item: one letter followed by `)`,
/// with nothing but punctuation and spaces before it on its line (OCR adds specks: `.c)`, `- e)`).
pub fn is_list_letter(text: &str, start: usize, end: usize) -> bool {
    text[start..end].chars().count() == 1
        && text[end..].starts_with(')')
        && text[..start]
            .rsplit('\n')
            .next()
            .is_some_and(|before| !before.chars().any(char::is_alphanumeric))
}

/// The letter to write for each list letter among `tokens` (token index, letter): the letter as
/// read, or the one after the previous item's when the channel says the OCR could have read that
/// as this (`a) b) e)` is `a) b) c)`). A list may start again at `a`.
pub fn list_letters(text: &str, tokens: &[Token], channel: &Channel, out: &mut Vec<(usize, char)>) {
    out.clear();
    let mut previous: Option<char> = None;
    for (i, token) in tokens.iter().enumerate() {
        if token.kind != TokenKind::Word || !is_list_letter(text, token.start, token.end) {
            continue;
        }
        let Some(read) = text[token.start..token.end].chars().next() else {
            continue;
        };
        let read = read.to_lowercase().next().unwrap_or(read);
        let expected = previous.and_then(|p| LIST_LETTERS.chars().skip_while(|&c| c != p).nth(1));
        let letter = match expected {
            Some(e)
                if e != read && read != 'a' && channel.cost(&[e], &[read]) <= LIST_LETTER_BOUND =>
            {
                e
            }
            _ => read,
        };
        out.push((i, letter));
        previous = Some(letter);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_are_capitals_on_mixed_lines() {
        let text = "Ban Tuyên giáo HU, UBND\nMUC PICH\nMục I. BIEN PHAP, (AN)\nAN\nBáo AN Hải";
        let acronyms: Vec<&str> = text
            .split_whitespace()
            .map(|chunk| chunk.trim_matches(|c: char| !c.is_alphabetic()))
            .filter(|word| {
                let start = word.as_ptr() as usize - text.as_ptr() as usize;
                is_acronym(text, start, start + word.len())
            })
            .collect();
        assert_eq!(acronyms, ["HU", "UBND", "AN", "AN"]);
    }
}
