//! Splitting text into the units the language model sees. The model builder and the decoder share
//! this code, so the contexts counted in the corpus are exactly the contexts seen when decoding.
//!
//! A whitespace-separated chunk is stripped of leading and trailing punctuation; what is left is a
//! word (letters only), a number (anything with a digit: `2023`, `24-CTr/TU`, `14/6/2022`) or
//! anything else (`QĐ-TTg`, URLs, foreign words); numbers and the rest are copied through untouched. Letter runs joined by hyphens (`Rịa-Vũng`) are
//! split into words when every part is a syllable; for the decoder, lowercase ones joined by
//! slashes too (`tháng/lần`). Punctuation and blank lines end a segment: the
//! decoder restores each segment on its own, with sentence boundaries at both ends. A single line
//! break does not, so a heading keeps the context of the line it wraps onto; nor do quotes,
//! brackets, dashes and Markdown emphasis, which wrap phrases without ending the sentence
//! (`lối sống “tự diễn biến”`, `Độc lập - Tự do`).

use crate::text::legacy::is_ascii_vowel;
use crate::text::strip::strip_char;

/// What a token is to the language model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    Other,
}

/// A token with byte offsets into the tokenized text. Tokens never touch here; on OCR input the
/// restorer may cut a word run together into two that do (`luat|nay`), or join two words into
/// one with the space inside (`hoac h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    /// A segment boundary precedes this token.
    pub starts_segment: bool,
}

/// Punctuation that sits around a phrase inside a sentence rather than between sentences.
fn is_transparent(c: char) -> bool {
    matches!(
        c,
        '"' | '“' | '”' | '\'' | '‘' | '’' | '(' | ')' | '[' | ']' | '-' | '–' | '—' | '*' | '_'
    )
}

/// Whether punctuation (the characters around or between words) ends a segment.
fn breaks(punctuation: &str) -> bool {
    punctuation.chars().any(|c| !is_transparent(c))
}

/// Whether a line's last chunk ends a segment: it ends in punctuation that is not transparent.
pub fn ends_segment(line: &str) -> bool {
    let line = line.trim_end();
    let words_end = line
        .trim_end_matches(|c: char| !c.is_alphanumeric() && !c.is_whitespace())
        .len();
    words_end == 0 || breaks(&line[words_end..])
}

/// Appends the tokens of `text` to `out`, as the model builder counts them. `is_syllable` decides
/// whether a hyphenated letter run is split into words (`Rịa-Vũng`) or kept whole as a code
/// (`KH-BTGTW`).
pub fn tokenize(text: &str, is_syllable: impl Fn(&str) -> bool, out: &mut Vec<Token>) {
    let split = Split {
        slashes: false,
        dots: false,
        glued: false,
    };
    scan(text, char::is_alphabetic, &is_syllable, split, out);
}

/// [`tokenize`] as the decoder needs it: `is_letter` also admits characters OCR writes for
/// letters (`6` in `s6`, `&` in `K&`), so such words stay words (a word still needs one real
/// letter), and lowercase syllables joined by slashes are split into words (`6 tháng/lần`,
/// `cổng/trang thông tin`) while codes stay whole (`KH/TU`). The model was counted with such runs
/// whole, as `<unk>`; they are rare in its corpora, and split they restore from the contexts of
/// their words.
///
/// With `ocr`, lowercase syllables joined by a dot are split too (`vơi.bộ`, `địa.phương`): the
/// Vietnamese model reads a speck between two words as a dot and drops the space; text never
/// writes two lowercase syllables that way (`v.v.` and domain names are no syllables).
pub fn tokenize_with(
    text: &str,
    is_letter: impl Fn(char) -> bool,
    is_syllable: impl Fn(&str) -> bool,
    ocr: bool,
    out: &mut Vec<Token>,
) {
    let split = Split {
        slashes: true,
        dots: ocr,
        glued: !ocr,
    };
    scan(text, is_letter, &is_syllable, split, out);
}

/// Which characters between syllables make them separate words (hyphens always do), and
/// whether words glued to marks, numbers and codes are taken out of them ([`embedded_tokens`];
/// not on OCR input, whose digits and marks may be misread letters).
#[derive(Debug, Clone, Copy)]
struct Split {
    slashes: bool,
    dots: bool,
    glued: bool,
}

fn scan(
    text: &str,
    is_letter: impl Fn(char) -> bool,
    is_syllable: &impl Fn(&str) -> bool,
    split: Split,
    out: &mut Vec<Token>,
) {
    let mut boundary = true;
    let mut newlines = 0;
    let mut chunk_start = None;
    let mut line_start = true;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_whitespace() {
            if let Some(start) = chunk_start.take() {
                boundary = chunk(
                    text,
                    start..i,
                    boundary,
                    line_start,
                    &is_letter,
                    is_syllable,
                    split,
                    out,
                );
                newlines = 0;
                line_start = false;
            }
            if c == '\n' {
                line_start = true;
                newlines += 1;
                if newlines >= 2 {
                    boundary = true;
                }
            }
        } else if chunk_start.is_none() {
            chunk_start = Some(i);
        }
    }
}

/// Tokenizes one whitespace-free chunk; returns whether a boundary follows it. Punctuation alone
/// at the start of a line is a list bullet (`- `), which ends the segment before it.
#[allow(clippy::too_many_arguments)]
fn chunk(
    text: &str,
    range: std::ops::Range<usize>,
    mut boundary: bool,
    line_start: bool,
    is_letter: &impl Fn(char) -> bool,
    is_syllable: &impl Fn(&str) -> bool,
    split: Split,
    out: &mut Vec<Token>,
) -> bool {
    let start = range.start;
    let s = &text[range];
    let in_core = |c: char| c.is_alphanumeric() || is_letter(c);
    let Some(core_start) = s.find(in_core) else {
        return boundary || line_start || breaks(s);
    };
    let core_end = s
        .char_indices()
        .rev()
        .find(|&(_, c)| in_core(c))
        .map_or(s.len(), |(i, c)| i + c.len_utf8());
    if breaks(&s[..core_start]) {
        boundary = true;
    }
    let core = &s[core_start..core_end];
    let base = start + core_start;
    let mut push = |from: usize, to: usize, kind: TokenKind, boundary: &mut bool| {
        out.push(Token {
            start: base + from,
            end: base + to,
            kind,
            starts_segment: std::mem::take(boundary),
        });
    };
    if core.chars().all(is_letter) && core.chars().any(char::is_alphabetic) {
        push(0, core.len(), TokenKind::Word, &mut boundary);
    } else if let Some(separator) = word_separator(core, is_letter, is_syllable, split) {
        // Before numbers: OCR'd words joined by a speck may hold digits read for letters
        // (`t6.chirc` for `tổ chức`), while a code's digits are never part of a word.
        let mut from = 0;
        for part in core.split(separator) {
            push(from, from + part.len(), TokenKind::Word, &mut boundary);
            from += part.len() + separator.len_utf8();
        }
    } else if let Some(pieces) = split
        .glued
        .then(|| embedded_tokens(core, is_syllable))
        .flatten()
    {
        for (range, kind) in pieces {
            push(range.start, range.end, kind, &mut boundary);
        }
    } else if core.chars().any(|c| c.is_ascii_digit()) {
        // Codes with digits (`24-CTr/TU`, `14/6/2022`) stand where numbers stand: `số 172-KH/TU`.
        push(0, core.len(), TokenKind::Number, &mut boundary);
    } else {
        push(0, core.len(), TokenKind::Other, &mut boundary);
    }
    breaks(&s[core_end..])
}

/// How a word is written, where that says something about which word it is: `điện biên` in
/// running text is not the province Điện Biên, `Đang` in the middle of a sentence is `Đảng`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Capitals carry no information here: the first word of a segment or a line, a word after a
    /// list marker (`a) Thuốc`), words of a heading in capitals, acronyms, numbers and codes.
    Unknown,
    Lower,
    /// A capital first letter, the rest lowercase.
    Capital,
}

/// The [`Case`] of each of `tokens` (tokenized from `text`). The model builder and the decoder
/// share it, so the statistics counted are the ones the decoder asks for.
pub fn observed_cases(text: &str, tokens: &[Token], out: &mut Vec<Case>) {
    out.clear();
    let mut line_end = 0;
    let mut heading = false;
    for (i, token) in tokens.iter().enumerate() {
        let first_on_line = i == 0 || token.start > line_end;
        if first_on_line {
            line_end = text[token.start..]
                .find('\n')
                .map_or(text.len(), |at| token.start + at);
            let line_start = text[..token.start].rfind('\n').map_or(0, |at| at + 1);
            heading = !text[line_start..line_end].chars().any(char::is_lowercase);
        }
        let after_marker = i > 0 && text[tokens[i - 1].end..token.start].starts_with(')');
        let word = &text[token.start..token.end];
        let mut letters = word.chars();
        let case = if token.kind != TokenKind::Word
            || first_on_line
            || token.starts_segment
            || heading
            || after_marker
        {
            Case::Unknown
        } else if word.chars().all(char::is_lowercase) {
            Case::Lower
        } else if letters.next().is_some_and(char::is_uppercase) && letters.all(char::is_lowercase)
        {
            Case::Capital
        } else {
            Case::Unknown
        };
        out.push(case);
    }
}

/// The character joining the words of `core`, when it is a run of syllables: a hyphen
/// (`Rịa-Vũng`, any case) or, as `split` allows, a slash between lowercase or capitalized ones
/// (`tháng/lần`, `Ông/bà`; capitals make a code: `KH/TU`), or on OCR input one of
/// [`OCR_SEPARATORS`] between words ([`ocr_joins`]).
fn word_separator(
    core: &str,
    is_letter: &impl Fn(char) -> bool,
    is_syllable: &impl Fn(&str) -> bool,
    split: Split,
) -> Option<char> {
    let joins = |separator: char, is_written: fn(&str) -> bool| {
        core.split(separator)
            .all(|p| !p.is_empty() && is_written(p) && is_syllable(p))
    };
    if joins('-', |p| p.chars().all(char::is_alphabetic)) {
        Some('-')
    } else if split.slashes && joins('/', is_lowercase_or_capitalized) {
        Some('/')
    } else if split.dots {
        OCR_SEPARATORS
            .into_iter()
            .find(|&separator| ocr_joins(core, separator, is_letter, is_syllable))
    } else {
        None
    }
}

/// The tokens of a chunk that glues words to marks, numbers or codes, as forms, footnotes and
/// flattened tables do (`ngày…./…../…….đến`, `kết1.`, `Việt(11)`, `nhân:......(1)`, `án/Dự`,
/// `Số:.../QĐ-...`, `CHÚ THÍCH:1)`, `độc lập9090Mức`).
///
/// Its words are its runs of two or more letters that are syllables, lowercase or
/// capitalized, or in capitals where no run of the chunk is a code's (`NHÂN(1)`, but not
/// `24-KH/TU`, nor `NO2`, whose digits make it a formula). A lowercase run right after a digit
/// is a unit (`5ha`) and stays.
///
/// What lies between the words is a code token where it holds letters and stands apart from
/// them (so the code table still sees `QD-`), and is left out otherwise, as where it holds only
/// digits and marks (a footnote's number is no word of the sentence).
///
/// A lowercase run that is no syllable (`gmail.com`, `chinhphu.vn`, `km/h`) makes the chunk
/// foreign, and it stays whole: `None`, as when no run is a word.
fn embedded_tokens(
    core: &str,
    is_syllable: &impl Fn(&str) -> bool,
) -> Option<Vec<(std::ops::Range<usize>, TokenKind)>> {
    if core.contains('@') || core.contains("://") {
        return None;
    }
    // (range, in capitals) of each run that can be a word.
    let mut runs = Vec::new();
    let mut has_code = false;
    let mut previous: Option<char> = None;
    let mut chars = core.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !c.is_alphabetic() {
            previous = Some(c);
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, next)) = chars.peek() {
            if !next.is_alphabetic() {
                break;
            }
            end = i + next.len_utf8();
            chars.next();
        }
        let run = &core[start..end];
        let after_digit = previous.is_some_and(|p| p.is_ascii_digit());
        previous = run.chars().last();
        let lowercase = run.chars().all(char::is_lowercase);
        if run.chars().nth(1).is_none() || (lowercase && after_digit) {
            continue;
        }
        if !is_syllable(run) {
            if lowercase {
                return None;
            }
            has_code = true;
        } else if is_lowercase_or_capitalized(run) {
            runs.push((start..end, false));
        } else if run.chars().all(char::is_uppercase)
            && !after_digit
            && !core[end..].starts_with(|c: char| c.is_ascii_digit())
        {
            runs.push((start..end, true));
        } else {
            has_code = true;
        }
    }
    let words: Vec<_> = runs
        .into_iter()
        .filter(|(_, capitals)| !(has_code && *capitals))
        .map(|(range, _)| range)
        .collect();
    if words.is_empty() {
        return None;
    }
    let mut tokens = Vec::new();
    let mut gap_start = 0;
    for word in words
        .into_iter()
        .chain(std::iter::once(core.len()..core.len()))
    {
        let gap = &core[gap_start..word.start];
        if let (Some(from), Some(to)) = (
            gap.find(char::is_alphanumeric),
            gap.rfind(char::is_alphanumeric),
        ) {
            let to = to + gap[to..].chars().next().map_or(0, char::len_utf8);
            let piece = &gap[from..to];
            // A piece touching a word would read as a word OCR cut in two (`C6H4|NO2`).
            let touches = (from == 0 && gap_start > 0) || to == gap.len() && !word.is_empty();
            if piece.contains(char::is_alphabetic) && !touches {
                let kind = if piece.contains(|c: char| c.is_ascii_digit()) {
                    TokenKind::Number
                } else {
                    TokenKind::Other
                };
                tokens.push((gap_start + from..gap_start + to, kind));
            }
        }
        if !word.is_empty() {
            gap_start = word.end;
            tokens.push((word, TokenKind::Word));
        }
    }
    Some(tokens)
}

/// A letter run written in lowercase (`lần`) or capitalized (`Ông`).
fn is_lowercase_or_capitalized(part: &str) -> bool {
    let mut letters = part.chars();
    letters.next().is_some_and(char::is_alphabetic) && letters.all(char::is_lowercase)
}

/// What OCR writes between two words where the page had a space: a speck read as a dot, a
/// hyphen or an underscore, or a mark of the line above read as an apostrophe (`khac’coé`,
/// `bi'can`).
pub const OCR_SEPARATORS: [char; 6] = ['.', '-', '_', '\'', '‘', '’'];

/// Whether `core` is OCR'd words joined by `separator` where the page had a space, the first
/// lowercase and each other lowercase (`vơi.bộ`, `phai-béi`, `vu_an`, `t6.chirc`) or, after a
/// dot, also capitalized (`vơi.Bộ Tư pháp`, `này.Luật`: a speck or a sentence's end with the
/// space lost); not a name, domain or possessive (`Ha.Noi`, `v.v`, `chinhphu.vn`, `team's`).
fn ocr_joins(
    core: &str,
    separator: char,
    is_letter: &impl Fn(char) -> bool,
    is_syllable: &impl Fn(&str) -> bool,
) -> bool {
    let mut parts = core.split(separator);
    // Digits read for letters are neither case.
    let lowercase =
        |p: &str| p.chars().any(char::is_lowercase) && !p.chars().any(char::is_uppercase);
    let capitalized = |p: &str| {
        let mut letters = p.chars();
        separator == '.'
            && letters.next().is_some_and(char::is_uppercase)
            && letters.all(|c| !c.is_uppercase())
    };
    let word = |p: &str| p.chars().all(is_letter) && ocr_word(p, is_syllable);
    core.contains(separator)
        && parts.next().is_some_and(|p| word(p) && lowercase(p))
        && parts.all(|p| word(p) && (lowercase(p) || capitalized(p)))
}

/// Whether an OCR'd part of a run joined by punctuation can stand for one syllable: it spells
/// one, or it is a short run with a vowel, or a digit or sign read for one, as a garbled syllable
/// is (`phai.béi` for `phải bồi`, `hode.di` for `hoặc đã`, `c6` for `có`). Domains keep a part
/// without a vowel (`gov.vn`, `v.v`) or a longer one (`thuvienphapluat`), so they stay whole.
fn ocr_word(part: &str, is_syllable: &impl Fn(&str) -> bool) -> bool {
    let short_with_vowel = || {
        part.chars().count() <= MAX_SYLLABLE_CHARS
            && part
                .chars()
                .any(|c| is_ascii_vowel(strip_char(c)) || !c.is_alphabetic())
    };
    !part.is_empty() && (is_syllable(part) || short_with_vowel())
}

/// The longest Vietnamese syllable, in letters (`nghiêng`).
const MAX_SYLLABLE_CHARS: usize = 7;

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str) -> Vec<String> {
        render_as(text, false)
    }

    /// The tokens as the builder (or, with `decoder`, the decoder) sees them.
    fn render_as(text: &str, decoder: bool) -> Vec<String> {
        let mut tokens = Vec::new();
        // Short runs with a vowel, as dictionary syllables are (`KH` is none).
        let is_syllable =
            |w: &str| w.len() < 5 && w.to_lowercase().contains(['a', 'e', 'i', 'o', 'u', 'y']);
        if decoder {
            tokenize_with(text, char::is_alphabetic, is_syllable, false, &mut tokens);
        } else {
            tokenize(text, is_syllable, &mut tokens);
        }
        tokens
            .iter()
            .map(|t| {
                let mark = if t.starts_segment { "|" } else { "" };
                format!("{mark}{}:{:?}", &text[t.start..t.end], t.kind)
            })
            .collect()
    }

    #[test]
    fn splits_words_numbers_codes_and_segments() {
        assert_eq!(
            render("Căn cứ Kế hoạch số 156-KH/BTGTW ngày 14,\nva (tang) Ria-Vung KH-BTGTW\n\nmoi"),
            [
                "|Căn:Word",
                "cứ:Word",
                "Kế:Word",
                "hoạch:Word",
                "số:Word",
                "156-KH/BTGTW:Number",
                "ngày:Word",
                "14:Number",
                "|va:Word",
                "tang:Word",
                "Ria:Word",
                "Vung:Word",
                "KH-BTGTW:Other",
                "|moi:Word",
            ]
        );
    }

    #[test]
    fn quotes_brackets_and_dashes_keep_the_segment_but_bullets_end_it() {
        assert_eq!(
            render("loi song “tu dien” (khoa) - Tu do\n- moi"),
            [
                "|loi:Word",
                "song:Word",
                "tu:Word",
                "dien:Word",
                "khoa:Word",
                "Tu:Word",
                "do:Word",
                "|moi:Word"
            ]
        );
        assert!(ends_segment("KE HOACH."));
        assert!(ends_segment("..."));
        assert!(!ends_segment("“tu dien”"));
        assert!(!ends_segment("tu dien"));
    }

    #[test]
    fn case_is_observed_only_where_it_tells_something() {
        let text = "Xay dung Dang va UBND tinh\nCong tac, dien bien\na) Thuoc moi\nKE HOACH";
        let mut tokens = Vec::new();
        tokenize(text, |_| true, &mut tokens);
        let mut cases = Vec::new();
        observed_cases(text, &tokens, &mut cases);
        let words: Vec<String> = tokens
            .iter()
            .zip(&cases)
            .map(|(t, c)| format!("{}:{c:?}", &text[t.start..t.end]))
            .collect();
        assert_eq!(
            words,
            [
                "Xay:Unknown",
                "dung:Lower",
                "Dang:Capital",
                "va:Lower",
                "UBND:Unknown",
                "tinh:Lower",
                "Cong:Unknown",
                "tac:Lower",
                "dien:Unknown",
                "bien:Lower",
                "a:Unknown",
                "Thuoc:Unknown",
                "moi:Lower",
                "KE:Unknown",
                "HOACH:Unknown",
            ]
        );
    }

    #[test]
    fn single_line_break_keeps_the_segment() {
        assert_eq!(
            render("KE HOACH\ntang cuong"),
            ["|KE:Word", "HOACH:Word", "tang:Word", "cuong:Word"]
        );
    }

    #[test]
    fn ocr_tokens_split_lowercase_syllables_joined_by_a_dot() {
        let text = "vơi.bộ này.Luật Ha.Noi v.v abcdef.vn";
        let mut tokens = Vec::new();
        let is_syllable = |w: &str| w.chars().count() < 5 && !matches!(w, "v" | "vn");
        tokenize_with(text, char::is_alphabetic, is_syllable, true, &mut tokens);
        let words: Vec<&str> = tokens.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(
            words,
            ["vơi", "bộ", "này", "Luật", "Ha.Noi", "v.v", "abcdef.vn"]
        );
        tokens.clear();
        tokenize_with(text, char::is_alphabetic, is_syllable, false, &mut tokens);
        // Outside OCR such a run is a word glued to another, taken out as one
        // ([`embedded_tokens`]), not split at the dot as a speck.
        assert_eq!(&text[tokens[0].start..tokens[0].end], "vơi");
    }

    #[test]
    fn ocr_tokens_split_garbled_words_joined_by_a_dot_hyphen_or_underscore() {
        let text = "phai.béi vu_an bao-hiém chinhphu.vn abc_vn thuvienphap.vn Vu_an";
        let mut tokens = Vec::new();
        let is_syllable = |w: &str| matches!(w, "phai" | "vu" | "an" | "bao");
        tokenize_with(text, char::is_alphabetic, is_syllable, true, &mut tokens);
        let words: Vec<&str> = tokens.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(
            words,
            [
                "phai",
                "béi",
                "vu",
                "an",
                "bao",
                "hiém",
                "chinhphu.vn",
                "abc_vn",
                "thuvienphap.vn",
                "Vu_an"
            ]
        );
    }

    #[test]
    fn ocr_tokens_split_words_joined_by_an_apostrophe_or_holding_digits_read_for_letters() {
        let text = "khac’coé bi'can thu'c team's Couldn't t6.chirc c6.két 24-CTr/TU 5.a s6-b";
        let mut tokens = Vec::new();
        let is_letter = |c: char| c.is_alphabetic() || c == '6';
        let is_syllable = |w: &str| matches!(w, "khac" | "bi" | "can" | "team");
        tokenize_with(text, is_letter, is_syllable, true, &mut tokens);
        let words: Vec<String> = tokens
            .iter()
            .map(|t| format!("{}:{:?}", &text[t.start..t.end], t.kind))
            .collect();
        assert_eq!(
            words,
            [
                "khac:Word",
                "coé:Word",
                "bi:Word",
                "can:Word",
                "thu'c:Other",
                "team's:Other",
                "Couldn't:Other",
                "t6:Word",
                "chirc:Word",
                "c6:Word",
                "két:Word",
                "24-CTr/TU:Number",
                "5.a:Number",
                "s6-b:Number",
            ]
        );
    }

    #[test]
    fn decoder_splits_syllables_joined_by_slashes() {
        let text = "6 ky/lan, cong/tin KH/TU Ky/lan abcdef/lan";
        assert_eq!(
            render_as(text, true),
            [
                "|6:Number",
                "ky:Word",
                "lan:Word",
                "|cong:Word",
                "tin:Word",
                "KH/TU:Other",
                "Ky:Word",
                "lan:Word",
                "abcdef/lan:Other",
            ]
        );
        assert_eq!(
            render_as(text, false),
            [
                "|6:Number",
                "ky/lan:Other",
                "|cong/tin:Other",
                "KH/TU:Other",
                "Ky/lan:Other",
                "abcdef/lan:Other",
            ]
        );
    }

    #[test]
    fn decoder_takes_words_out_of_forms_footnotes_and_codes() {
        // Blanks of a form, footnote numbers, a word glued to a table's figures, a heading's
        // footnote: the words come out, a code beside them stays a code the table can read.
        let text = "ngay…./…../…….den ket1. Viet(11) nhan:......(1) So:.../QD-...[1]... \
                    lap9090Muc NHAN(1)";
        assert_eq!(
            render_as(text, true),
            [
                "|ngay:Word",
                "den:Word",
                "ket:Word",
                "|Viet:Word",
                "nhan:Word",
                "So:Word",
                "QD-...[1:Number",
                "|lap:Word",
                "Muc:Word",
                "NHAN:Word",
            ]
        );
        // Units after a number, codes, domains and foreign words stay whole.
        let kept = "5ha 24-KH/TU C6H4NO2 chinhphu.vn ab@mail.vn d.1)";
        assert_eq!(
            render_as(kept, true),
            [
                "|5ha:Number",
                "24-KH/TU:Number",
                "C6H4NO2:Number",
                "chinhphu.vn:Other",
                "ab@mail.vn:Other",
                "d.1:Number",
            ]
        );
        // OCR digits and marks may be letters: there the chunk is left to the OCR rules.
        let mut tokens = Vec::new();
        tokenize_with("ket1.", char::is_alphabetic, |_| true, true, &mut tokens);
        assert_eq!(tokens.len(), 1);
    }
}
