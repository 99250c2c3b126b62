//! Writing a decoded segment: the chosen syllables in the case of the input, list letters and
//! stripped `đ`, OCR separators and specks, and the per-token report with confidences and
//! alternatives; and mapping offsets of OCR-repaired text back to the input.

use super::acronyms::DocumentAcronyms;
use super::decode::local_cost;
use super::tokenize::{Case, Token, TokenKind, OCR_SEPARATORS};
use super::{
    resegment, Alternative, InputKind, RestoreOptions, RestoreWorker, RestoredToken, Restorer,
};
use crate::model::format::{NUM, UNK};
use crate::text::ToneStyle;

/// Tokens reported in detail when the chosen form's confidence is below this, even if unchanged.
const UNSURE: f32 = 0.9;

impl RestoreWorker<'_> {
    /// Writes a decoded segment (`self.ids`) and the text before it from byte `copied` on;
    /// returns the new copy position.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn write_segment(
        &self,
        text: &str,
        tokens: &[Token],
        first_token: usize,
        eth: &[usize],
        acronyms: &DocumentAcronyms,
        list_letters: &[(usize, char)],
        dust: &[(usize, usize)],
        cases: &[Case],
        options: &RestoreOptions,
        out: &mut String,
        mut copied: usize,
        details: Option<&mut Vec<RestoredToken>>,
        lm: &crate::model::LmView<'_>,
    ) -> usize {
        let restorer = self.restorer;
        let mut details = details;
        for (i, slot) in self.slots.iter().enumerate() {
            let token = tokens[slot.token as usize];
            let id = self.ids[i];
            let input = &text[token.start..token.end];
            // A token left as written may still be written otherwise: a list letter or a stripped
            // `đ` (only a word can be either), or a code whose `Đ` stripping took (`ND-CP` →
            // `NĐ-CP`), put back by the table.
            if id == UNK || id == NUM {
                let is_eth = || eth.binary_search(&(first_token + i)).is_ok();
                let letter = if id == UNK {
                    list_letters
                        .binary_search_by_key(&(first_token + i), |&(at, _)| at)
                        .map(|k| list_letters[k].1)
                        .ok()
                        .or_else(|| is_eth().then_some('đ'))
                } else {
                    // A sub-point of item đ (`d.1` → `đ.1`).
                    is_eth().then_some('đ')
                };
                let rewrite = match letter {
                    // The letter replaces the token's first (its only, but in a sub-point's
                    // number), in the case written.
                    Some(letter) => {
                        let mut written = input.chars();
                        let capital = written.next().is_some_and(char::is_uppercase);
                        let rewritten: String = if capital {
                            letter.to_uppercase().chain(written).collect()
                        } else {
                            std::iter::once(letter).chain(written).collect()
                        };
                        Some((rewritten, 1.0, Vec::new()))
                    }
                    None => acronyms.restore(input).map(|(code, confidence)| {
                        let as_written = Alternative {
                            text: input.to_owned(),
                            confidence: 1.0 - confidence,
                        };
                        (code, confidence, vec![as_written])
                    }),
                };
                let Some((rewritten, confidence, alternatives)) = rewrite else {
                    continue;
                };
                copy_without_dust(text, copied..token.start, dust, out, details.as_deref_mut());
                let at = out.len();
                out.push_str(&rewritten);
                copied = token.end;
                if let Some(details) = details.as_deref_mut() {
                    let detail =
                        RestoredToken::written(token, input, out, at, confidence, alternatives);
                    details.push(detail);
                }
                continue;
            }
            let gap = &text[copied..token.start];
            if let Some(join) = ocr_join(options.input_kind, gap, text, token) {
                out.push_str(join);
            } else {
                copy_without_dust(text, copied..token.start, dust, out, details.as_deref_mut());
            }
            // The second half of a word OCR merged (`luatnay`).
            if resegment::touches_previous(tokens, slot.token as usize) {
                out.push(' ');
            }
            let at = out.len();
            write_cased(out, input, restorer.spelling(id, options.tone_style));
            copied = token.end;
            let Some(details) = details.as_deref_mut() else {
                continue;
            };
            let (a, b) = self.ranges[i];
            let changed = out[at..] != *input;
            if !changed && (b - a < 2 || !slot.free) {
                continue;
            }
            let channel_cost = |k: usize| self.channel.get(k).copied().unwrap_or(0);
            let mut scored: Vec<(u16, u32)> = (a as usize..b as usize)
                .map(|k| {
                    let c = self.cand_ids[k];
                    (c, local_cost(lm, &self.ids, cases, i, c) + channel_cost(k))
                })
                .collect();
            let floor = scored.iter().map(|s| s.1).min().unwrap_or(0);
            let weight =
                |cost: u32| (-(f64::from(cost - floor)) / crate::model::format::COST_SCALE).exp();
            let total: f64 = scored.iter().map(|s| weight(s.1)).sum();
            let chosen = local_cost(lm, &self.ids, cases, i, id)
                + channel_cost(a as usize + self.path[i] as usize);
            let confidence = (weight(chosen) / total) as f32;
            if !changed && confidence >= UNSURE {
                continue;
            }
            scored.sort_by_key(|&(c, cost)| (cost, c));
            let alternatives = scored
                .iter()
                .filter(|&&(c, _)| c != id)
                .take(options.nbest)
                .map(|&(c, cost)| {
                    let mut text = String::new();
                    if c == UNK {
                        text.push_str(input);
                    } else {
                        write_cased(&mut text, input, restorer.spelling(c, options.tone_style));
                    }
                    Alternative {
                        text,
                        confidence: (weight(cost) / total) as f32,
                    }
                })
                .collect();
            details.push(RestoredToken::written(
                token,
                input,
                out,
                at,
                confidence,
                alternatives,
            ));
        }
        copied
    }
}

impl RestoredToken {
    /// The detail of `token` (byte offsets, converted to characters by the caller), whose
    /// restored form was written to `out` from byte `at` to its end.
    fn written(
        token: Token,
        input: &str,
        out: &str,
        at: usize,
        confidence: f32,
        alternatives: Vec<Alternative>,
    ) -> Self {
        RestoredToken {
            input_start: token.start,
            input_end: token.end,
            output_start: at,
            output_end: out.len(),
            input: input.to_owned(),
            output: out[at..].to_owned(),
            confidence,
            alternatives,
        }
    }
}

/// Copies `text[range]` to `out` without the specks of `dust` in it, each reported in `details`
/// as a token restored to nothing.
pub(super) fn copy_without_dust(
    text: &str,
    range: std::ops::Range<usize>,
    dust: &[(usize, usize)],
    out: &mut String,
    mut details: Option<&mut Vec<RestoredToken>>,
) {
    let mut from = range.start;
    let first = dust.partition_point(|&(start, _)| start < range.start);
    for &(start, end) in dust[first..]
        .iter()
        .take_while(|&&(start, _)| start < range.end)
    {
        out.push_str(&text[from..start]);
        from = end;
        if let Some(details) = details.as_deref_mut() {
            let token = Token {
                start,
                end,
                kind: TokenKind::Word,
                starts_segment: false,
            };
            let input = &text[start..end];
            details.push(RestoredToken::written(
                token,
                input,
                out,
                out.len(),
                1.0,
                Vec::new(),
            ));
        }
    }
    out.push_str(&text[from..range.end]);
}

/// What to write for `gap`, all that separates `token` from the restored word before it, when it
/// is one of the [`OCR_SEPARATORS`] OCR put in place of a space after a lowercase word
/// (`vơi.bộ`, `nước-ngoài`, `vu_an`, `bi'can`): a space between lowercase words, and after a dot
/// before a capital (`vơi.Bộ Tư pháp`, `này.Luật`) the dot and a space, since it may end a
/// sentence.
/// Lowercase syllables are hyphenated only in a few loanwords (`ô-dôn`), far rarer in
/// directives than the specks Tesseract reads as dots and hyphens on a worn page.
fn ocr_join(kind: InputKind, gap: &str, text: &str, token: Token) -> Option<&'static str> {
    if !matches!(kind, InputKind::OcrVie | InputKind::OcrEng) {
        return None;
    }
    // The word before ends in a lowercase letter or a digit read for one (`t6.chirc`).
    let after_lowercase = text[..token.start - gap.len()]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit());
    if !after_lowercase {
        return None;
    }
    let next = text[token.start..].chars().next()?;
    let mut gap_chars = gap.chars();
    let separator = gap_chars
        .next()
        .filter(|c| OCR_SEPARATORS.contains(c) && gap_chars.next().is_none())?;
    match separator {
        '.' if next.is_uppercase() => Some(". "),
        _ if !next.is_uppercase() => Some(" "),
        _ => None,
    }
}

impl Restorer {
    fn spelling(&self, id: u16, style: ToneStyle) -> &str {
        match style {
            ToneStyle::Old => self
                .old_style
                .get(&id)
                .map_or_else(|| self.model.syllable(id), |s| &**s),
            ToneStyle::New => self.model.syllable(id),
        }
    }
}

/// Writes `form` (lowercase) with the case of `input`: letter by letter when they have the same
/// number of characters, otherwise (an OCR repair such as `CIIA` → `CỦA`) all capitals, a
/// capital first letter, or lowercase, as `input` is.
fn write_cased(out: &mut String, input: &str, form: &str) {
    if input.chars().count() != form.chars().count() {
        let letters = || input.chars().filter(|c| c.is_alphabetic());
        let all_caps = letters().count() >= 2 && letters().all(char::is_uppercase);
        let capital = input.chars().next().is_some_and(char::is_uppercase);
        for (i, c) in form.chars().enumerate() {
            if all_caps || (capital && i == 0) {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
        }
        return;
    }
    for (original, c) in input.chars().zip(form.chars()) {
        if original.is_uppercase() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
}

/// Maps character offsets of restored text back to the input's, across the tokens whose length
/// OCR repair changed (`ciia` → `của`); every other offset keeps its distance to them.
#[derive(Debug, Default, Clone)]
pub struct OffsetShifts(Vec<super::RestoredToken>);

impl OffsetShifts {
    pub fn new(tokens: &[super::RestoredToken]) -> OffsetShifts {
        OffsetShifts(
            tokens
                .iter()
                .filter(|t| t.output_end - t.output_start != t.input_end - t.input_start)
                .cloned()
                .collect(),
        )
    }

    /// The input offset of output offset `output` (inside a changed token: the same distance
    /// from its start, at most its end).
    pub fn input_offset(&self, output: usize) -> usize {
        let before = self.0.partition_point(|t| t.output_start <= output);
        let Some(token) = before.checked_sub(1).map(|i| &self.0[i]) else {
            return output;
        };
        if output < token.output_end {
            token.input_start
                + (output - token.output_start).min(token.input_end - token.input_start)
        } else {
            output - token.output_end + token.input_end
        }
    }
}
