//! Words OCR merged or split: a lost space (`luatnay` for `luật này`) or a worn letter read as a
//! gap (`hoac h` for `hoạch`, `c ong` for `công`). Before a text's segments are decoded, a
//! lowercase word the channel reads as no syllable, or only as an unlikely one, is tried cut where
//! both parts read as syllables (see [`RestoreWorker::plausible_cuts`]), and a consonant standing
//! alone is tried joined to the word before or after it. Each form is decoded over a few words around it, the same span of text for all,
//! and the cheapest path wins, a changed spacing paying [`SPLIT_COST`] or [`JOIN_COST`]. The
//! halves of a cut word are two tokens that touch ([`touches`]); a joined word is one token with
//! the space inside. The penalties are hand-set (tuned on the dev pages): the aligned training
//! pairs count confusions within words, not lost or added spaces.

use super::confusion::Channel;
use super::roles::{self, is_kept_as_written};
use super::tokenize::{observed_cases, Token, TokenKind};
use super::{RestoreOptions, RestoreWorker};
use crate::model::format::UNK;
use crate::model::LmView;
use crate::text::legacy::is_ascii_vowel;
use crate::text::strip::strip_char;

/// A word whose cheapest syllable reading costs more than this (`-ln p × 100`), or that has
/// none, is tried cut and joined (see [`ChannelReading::is_poor`]).
const POOR_READING: u32 = 500;
/// Cost of reading one printed word as two: the space OCR lost.
const SPLIT_COST: u32 = 600;
/// Cost of reading two words as one: the space OCR saw in a worn letter.
const JOIN_COST: u32 = 600;
/// Two words are tried as one only when the channel reads them so at most this much worse
/// than apart (with [`JOIN_COST`]); beyond, the joins the n-gram model chose were mostly
/// foreign words run together (`of a`, `map of`).
const JOIN_MARGIN: u32 = 750;
/// Cut points tried per word, the ones whose halves read cheapest.
const CUTS_TRIED: usize = 2;
/// Words decoded on each side of the one tried.
const CONTEXT: usize = 2;
/// Letters of a joined word at most. Most syllables have fewer (`nghiêng` has 7), and the
/// channel search of a longer run of garble costs more than its rare join gains.
const MAX_JOINED_CHARS: usize = 6;

/// Whether token `t` touches a neighbour: it is half of a word cut in two, and both halves are
/// read as syllables, never kept as written (nothing would part them then).
pub(super) fn touches(tokens: &[Token], t: usize) -> bool {
    touches_previous(tokens, t) || touches_previous(tokens, t + 1)
}

/// Whether token `t` is the second half of a word cut in two.
pub(super) fn touches_previous(tokens: &[Token], t: usize) -> bool {
    t > 0
        && tokens
            .get(t)
            .is_some_and(|token| tokens[t - 1].end == token.start)
}

/// What the channel makes of a word.
#[derive(Debug, Clone, Copy)]
struct ChannelReading {
    /// The cost of its cheapest syllable, if any.
    syllable: Option<u32>,
    /// The cost of its cheapest candidate, the word kept as written included.
    any: u32,
}

impl ChannelReading {
    /// Whether `word` reads as no syllable, or only at a cost over [`POOR_READING`], or has no
    /// letter of a vowel (no syllable has none: `h`, `c` are pieces of one).
    fn is_poor(&self, word: &str) -> bool {
        self.syllable.is_none_or(|cost| cost > POOR_READING) || is_vowelless(word)
    }
}

/// A consonant or a consonant cluster of Vietnamese spelling standing alone: the start or end of
/// a syllable OCR split off (`c ong`, `hoac h`, `tr ong`).
fn is_consonant_piece(word: &str) -> bool {
    const CLUSTERS: [&str; 9] = ["ch", "gh", "kh", "ng", "nh", "ph", "th", "tr", "ngh"];
    let mut letters = word.chars();
    match (letters.next(), letters.next()) {
        (Some(c), None) => c.is_alphabetic() && is_vowelless(word),
        _ => CLUSTERS.contains(&word),
    }
}

/// No syllable is without a vowel: `h`, `c` are pieces of one.
fn is_vowelless(word: &str) -> bool {
    !word.chars().any(|c| is_ascii_vowel(strip_char(c)))
}

/// One way to read the tokens of a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    AsPrinted,
    Cut(usize),
    JoinedToNext,
    /// The word as printed, and the next two joined.
    NextJoined,
}

impl RestoreWorker<'_> {
    /// Cuts and joins the words of `tokens` (OCR input) where that decodes cheaper.
    pub(super) fn resegment(
        &mut self,
        text: &str,
        tokens: &mut Vec<Token>,
        options: &RestoreOptions,
        channel: &Channel,
    ) {
        let lm = self.restorer.model.lm();
        let mut out = Vec::with_capacity(tokens.len());
        let mut alternatives = Vec::new();
        let mut t = 0;
        while t < tokens.len() {
            let token = tokens[t];
            let word = &text[token.start..token.end];
            // Capitals start names and acronyms, which are no garble to cut or join.
            if token.kind != TokenKind::Word || word.chars().any(char::is_uppercase) {
                out.push(token);
                t += 1;
                continue;
            }
            alternatives.clear();
            // Two syllables run together seldom spell one without its marks (`vay` for `và ý`
            // does), and most words do: looking only at the others keeps this cheap.
            let mut printed = None;
            if !self.spells_a_form(word) {
                let reading = self.reading(channel, word);
                if reading.is_poor(word) {
                    self.plausible_cuts(channel, word, reading.any, &mut alternatives);
                }
                printed = Some(reading);
            }
            if self.may_join(text, channel, tokens, t, printed.map(|p| p.any)) {
                alternatives.push((Reading::JoinedToNext, JOIN_COST));
                // `va c ong`: the piece may belong with the word after it instead.
                if self.may_join(text, channel, tokens, t + 1, None) {
                    alternatives.push((Reading::NextJoined, JOIN_COST));
                }
            }
            if alternatives.is_empty() || !self.is_free_word(text, token) {
                out.push(token);
                t += 1;
                continue;
            }
            let mut best = (
                self.window_cost(text, tokens, t, Reading::AsPrinted, options, &lm),
                Reading::AsPrinted,
            );
            for &(reading, penalty) in &alternatives {
                let cost = self
                    .window_cost(text, tokens, t, reading, options, &lm)
                    .map(|cost| cost.saturating_add(penalty));
                if cost.is_some_and(|cost| best.0.is_none_or(|best| cost < best)) {
                    best = (cost, reading);
                }
            }
            // The word after decides its own join.
            let chosen = match best.1 {
                Reading::NextJoined => Reading::AsPrinted,
                reading => reading,
            };
            t += push_reading(tokens, t, chosen, &mut out);
        }
        *tokens = out;
    }

    /// A word the decoder reads from its letters (not an acronym, a numeral or a list letter).
    fn is_free_word(&self, text: &str, token: Token) -> bool {
        token.kind == TokenKind::Word
            && !is_kept_as_written(text, &token)
            && !roles::is_list_letter(text, token.start, token.end)
    }

    /// Whether `tokens[t]` (read at cost `printed`, when known) and the token after it may be
    /// one word: one space apart, on one line, in one segment, lowercase, short enough together,
    /// one of them a consonant piece, and the channel reading them as one syllable at most
    /// [`JOIN_MARGIN`] worse than apart.
    fn may_join(
        &mut self,
        text: &str,
        channel: &Channel,
        tokens: &[Token],
        t: usize,
        printed: Option<u32>,
    ) -> bool {
        let (Some(&token), Some(&next)) = (tokens.get(t), tokens.get(t + 1)) else {
            return false;
        };
        let (word, next_word) = (&text[token.start..token.end], &text[next.start..next.end]);
        // A consonant alone is the surest sign of a split word. Trying every pair with a
        // poorly read word, or with other vowelless runs (`16n`, `dn`), doubled the time and
        // gained nothing on the dev pages.
        let shaped = (is_consonant_piece(word) || is_consonant_piece(next_word))
            && !next.starts_segment
            && &text[token.end..next.start] == " "
            && text[token.start..next.end].chars().count() <= MAX_JOINED_CHARS + 1
            && !text[token.start..next.end].chars().any(char::is_uppercase)
            && self.is_free_word(text, token)
            && self.is_free_word(text, next);
        if !shaped {
            return false;
        }
        let printed = printed.unwrap_or_else(|| self.reading(channel, word).any);
        let next_printed = self.reading(channel, next_word).any;
        self.reading(channel, &joined(&text[token.start..next.end]))
            .syllable
            .is_some_and(|cost| cost + JOIN_COST < printed + next_printed + JOIN_MARGIN)
    }

    /// How the channel reads `word`.
    fn reading(&mut self, channel: &Channel, word: &str) -> ChannelReading {
        self.cand_ids.clear();
        self.channel.clear();
        self.ocr.candidates(
            self.restorer,
            channel,
            word,
            &mut self.cand_ids,
            &mut self.channel,
        );
        let costs = || self.cand_ids.iter().zip(&self.channel);
        ChannelReading {
            syllable: costs()
                .filter(|&(&id, _)| id != UNK)
                .map(|(_, &cost)| cost)
                .min(),
            any: costs().map(|(_, &cost)| cost).min().unwrap_or(0),
        }
    }

    /// Adds the cuts of `word` (read at cost `printed`) into two parts that read as syllables,
    /// the cheapest [`CUTS_TRIED`] by the sum of their channel readings, when that sum and
    /// [`SPLIT_COST`] is below `printed`: the n-gram model seldom makes up for a channel that
    /// prefers the word whole. One part must spell a syllable without its marks, and the other
    /// too or be garble of at most three characters (`luat|nay`, `xtr|ly`, `cor|sa`). Searching
    /// the channel's readings of every part of every poorly read word took a quarter more
    /// instructions than this for 0.05 points of `eng` WER on the corpus pages; garbled parts of
    /// four characters, 5 % more for 0.02.
    fn plausible_cuts(
        &mut self,
        channel: &Channel,
        word: &str,
        printed: u32,
        out: &mut Vec<(Reading, u32)>,
    ) {
        let mut priced = Vec::new();
        if printed <= SPLIT_COST {
            return;
        }
        for (at, _) in word.char_indices().skip(1) {
            let (left, right) = word.split_at(at);
            let garble = |part: &str| part.chars().count() <= 3;
            let (left_form, right_form) = (self.spells_a_form(left), self.spells_a_form(right));
            if !((left_form || garble(left))
                && (right_form || garble(right))
                && (left_form || right_form))
            {
                continue;
            }
            let left_cost = self.reading(channel, left).syllable;
            let right_cost = self.reading(channel, right).syllable;
            if let (Some(left_cost), Some(right_cost)) = (left_cost, right_cost) {
                if left_cost + right_cost + SPLIT_COST < printed {
                    priced.push((left_cost + right_cost, at));
                }
            }
        }
        priced.sort_unstable();
        out.extend(
            priced
                .iter()
                .take(CUTS_TRIED)
                .map(|&(_, at)| (Reading::Cut(at), SPLIT_COST)),
        );
    }

    /// Whether `part` without its marks is a syllable's stripped form.
    fn spells_a_form(&mut self, part: &str) -> bool {
        self.strip_into_key(part).is_some() && self.key_form().is_some()
    }

    /// The cost of the best path through the tokens around `t` read as `reading`; `None` when a
    /// cut word's half is kept as written there, which is no cut.
    fn window_cost(
        &mut self,
        text: &str,
        tokens: &[Token],
        t: usize,
        reading: Reading,
        options: &RestoreOptions,
        lm: &LmView<'_>,
    ) -> Option<u32> {
        let first = (t.saturating_sub(CONTEXT)..t)
            .rev()
            .find(|&i| tokens[i + 1].starts_segment)
            .map_or(t.saturating_sub(CONTEXT), |i| i + 1);
        let mut end = t + 1;
        while end < tokens.len() && end <= t + CONTEXT + 1 && !tokens[end].starts_segment {
            end += 1;
        }
        let mut window = std::mem::take(&mut self.window);
        window.clear();
        window.extend_from_slice(&tokens[first..t]);
        let rest = t + push_reading(tokens, t, reading, &mut window);
        window.extend_from_slice(&tokens[rest..end.max(rest)]);
        let mut cases = std::mem::take(&mut self.window_cases);
        observed_cases(text, &window, &mut cases);
        self.build_lattice(text, &window, options);
        let cost = self.decode_lattice(lm, &cases);
        let halves = t - first..t - first + 2;
        let cut_kept = matches!(reading, Reading::Cut(_)) && self.ids[halves].contains(&UNK);
        self.window = window;
        self.window_cases = cases;
        (!cut_kept).then_some(cost)
    }
}

/// Appends the tokens `reading` makes of `tokens[t]` (and the next, when joined); returns how
/// many tokens of `tokens` it used.
fn push_reading(tokens: &[Token], t: usize, reading: Reading, out: &mut Vec<Token>) -> usize {
    let token = tokens[t];
    match reading {
        Reading::AsPrinted => {
            out.push(token);
            1
        }
        Reading::Cut(at) => {
            out.push(Token {
                end: token.start + at,
                ..token
            });
            out.push(Token {
                start: token.start + at,
                starts_segment: false,
                ..token
            });
            1
        }
        Reading::JoinedToNext => {
            out.push(Token {
                end: tokens[t + 1].end,
                ..token
            });
            2
        }
        Reading::NextJoined => {
            out.push(token);
            1 + push_reading(tokens, t + 1, Reading::JoinedToNext, out)
        }
    }
}

/// The letters of a joined word, without the space OCR put inside.
pub(super) fn joined(word: &str) -> String {
    word.replace(' ', "")
}
