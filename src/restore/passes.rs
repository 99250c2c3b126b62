//! The two passes over a block: the first tokenizes, builds each segment's lattice of candidates,
//! decodes it as the model alone sees it and counts the choices; the second adapts to the
//! document's usage ([`super::adapt`]) and writes the result ([`super::write`]).

use super::acronyms::AcronymEvidence;
use super::adapt::{bias_may_change, DocumentContext};
use super::confusion::OcrLang;
use super::ocr_candidates::ocr_lang;
use super::roles::{self, find_stripped_eth};
use super::tokenize::{observed_cases, tokenize_with, Case, Token, TokenKind};
use super::write::copy_without_dust;
use super::{InputKind, Restoration, RestoreOptions, RestoreWorker, Slot};
use crate::model::format::{pack_key, NONE, NUM, UNK};
use crate::orthography as syllable;
use crate::text::strip::strip_char;
use std::ops::Range;

/// A segment longer than this (a text without punctuation) is decoded in pieces, which bounds
/// the decoder's memory (16 states of 32 bytes per token) whatever the input.
const MAX_SEGMENT_TOKENS: usize = 4096;

/// Room for candidates per token in a first pass: vlc-dev averages 7 per word and words are
/// most tokens.
const CANDIDATES_PER_TOKEN: usize = 8;

/// What the first pass over a block leaves for the second: its choices, and the tokens and
/// lattice, so the second pass neither tokenizes nor looks up candidates again.
#[derive(Debug, Default)]
pub(super) struct FirstPass {
    tokens: Vec<Token>,
    cases: Vec<Case>,
    eth: Vec<usize>,
    /// OCR input: the letter of each list item (token index, letter), see [`roles::list_letters`].
    list_letters: Vec<(usize, char)>,
    /// Specks dropped from Vietnamese-model OCR (see [`roles::is_dust`]): byte ranges with the
    /// spaces after them, left out of the tokens so the words around them stay neighbours.
    dust: Vec<(usize, usize)>,
    /// Per segment: its first token and its first candidate.
    segments: Vec<(usize, usize)>,
    /// One slot per token, with its candidate range relative to its segment's first candidate.
    slots: Vec<Slot>,
    ranges: Vec<(u32, u32)>,
    cand_ids: Vec<u16>,
    /// Noisy-channel cost of each candidate (empty for text that is not OCR output).
    channel: Vec<u32>,
    /// The candidate chosen for each slot.
    chosen: Vec<u16>,
    /// The decoder's margin of every candidate (see [`Decoder::margins`]).
    margins: Vec<u16>,
    /// Vietnamese-model OCR: per slot, the candidate the OCR read (`NONE` where it read none);
    /// empty for other input.
    reads: Vec<u16>,
    /// How often each candidate id was chosen (or read, see `reads`) where there was a choice.
    pub(super) counts: Vec<u32>,
    /// The symbols and phrases the document's acronyms are read from.
    pub(super) acronyms: AcronymEvidence,
}

impl FirstPass {
    /// Counts the choices (or what the OCR read) of every slot that had a choice, afresh.
    fn count_choices(&mut self) {
        self.counts.fill(0);
        for (k, ((slot, &(a, b)), &id)) in self
            .slots
            .iter()
            .zip(&self.ranges)
            .zip(&self.chosen)
            .enumerate()
        {
            if slot.free && b - a >= 2 {
                let read = self.reads.get(k).copied().filter(|&read| read != NONE);
                self.counts[usize::from(read.unwrap_or(id))] += 1;
            }
        }
    }

    /// Segment `s`'s tokens and candidates, as ranges of the block's.
    fn segment(&self, s: usize) -> (Range<usize>, Range<usize>) {
        let (first_token, first_candidate) = self.segments[s];
        let (end_token, end_candidate) = self
            .segments
            .get(s + 1)
            .copied()
            .unwrap_or((self.tokens.len(), self.cand_ids.len()));
        (first_token..end_token, first_candidate..end_candidate)
    }
}

impl RestoreWorker<'_> {
    /// Tokenizes `text`, builds the lattice of each segment, decodes it as the model alone sees
    /// it and counts the choices.
    pub(super) fn first_pass(&mut self, text: &str, options: &RestoreOptions) -> FirstPass {
        let mut first = FirstPass::default();
        if options.input_kind == InputKind::Accented {
            return first;
        }
        let restorer = self.restorer;
        let lm = restorer.model.lm();
        let forms = &restorer.forms;
        let accented = &restorer.accented;
        let channel = ocr_lang(options.input_kind).map(|lang| restorer.confusion.channel(lang));
        // The Vietnamese model reads most marks right, so what it read is the document's usage,
        // which the first pass's choices are not: they follow the n-gram model, whose Wikipedia
        // `công chúng` outweighs a notarization law's `công chứng` read forty times.
        let reads_accented = channel.is_some_and(|c| c.lang == OcrLang::Vie);
        tokenize_with(
            text,
            |c| c.is_alphabetic() || channel.is_some_and(|ch| ch.is_letter_symbol(c)),
            |part| {
                let lower = part.to_lowercase();
                let stripped: String = lower.chars().map(strip_char).collect();
                pack_key(stripped.as_bytes()).is_some_and(|k| forms.contains_key(&k))
                    || syllable::canonical(&lower)
                        .is_some_and(|f| accented.contains_key(f.as_str()))
            },
            channel.is_some(),
            &mut first.tokens,
        );
        if reads_accented {
            first.tokens.retain(|token| {
                let dust =
                    token.kind == TokenKind::Word && roles::is_dust(text, token.start, token.end);
                if dust {
                    let after = &text[token.end..];
                    let spaces = after.len() - after.trim_start_matches(' ').len();
                    first.dust.push((token.start, token.end + spaces));
                }
                !dust
            });
        }
        if let Some(channel) = channel {
            self.resegment(text, &mut first.tokens, options, channel);
        }
        find_stripped_eth(text, &first.tokens, &mut first.eth);
        if let Some(channel) = channel {
            roles::list_letters(text, &first.tokens, channel, &mut first.list_letters);
        }
        observed_cases(text, &first.tokens, &mut first.cases);
        first.counts.resize(restorer.model.vocab_len(), 0);
        let tokens = std::mem::take(&mut first.tokens);
        // Sized up front: growing by doubling copies the lattice again and again.
        first.slots.reserve(tokens.len());
        first.ranges.reserve(tokens.len());
        first.chosen.reserve(tokens.len());
        first.cand_ids.reserve(tokens.len() * CANDIDATES_PER_TOKEN);
        first.margins.reserve(tokens.len() * CANDIDATES_PER_TOKEN);
        let mut segment_start = 0;
        for t in 1..=tokens.len() {
            let ends = t == tokens.len()
                || tokens[t].starts_segment
                || t - segment_start == MAX_SEGMENT_TOKENS;
            if !ends {
                continue;
            }
            let segment = &tokens[segment_start..t];
            self.build_lattice(text, segment, options);
            let cases = &first.cases[segment_start..t];
            self.decode_lattice(&lm, cases);
            if reads_accented {
                first
                    .reads
                    .extend(self.slots.iter().zip(&self.ranges).map(|(slot, &(a, b))| {
                        let token = &segment[slot.token as usize];
                        restorer
                            .accented_id(&text[token.start..token.end])
                            .filter(|read| self.cand_ids[a as usize..b as usize].contains(read))
                            .unwrap_or(NONE)
                    }));
            }
            first.acronyms.end_phrase();
            for (token, &id) in segment.iter().zip(&self.ids) {
                let written = &text[token.start..token.end];
                if token.kind == TokenKind::Word && id != UNK && id != NUM {
                    first
                        .acronyms
                        .note_word(written, restorer.model.syllable(id));
                } else {
                    first.acronyms.note_kept(written);
                }
            }
            first.segments.push((segment_start, first.cand_ids.len()));
            first.slots.extend_from_slice(&self.slots);
            first.ranges.extend_from_slice(&self.ranges);
            first.cand_ids.extend_from_slice(&self.cand_ids);
            first.channel.extend_from_slice(&self.channel);
            first.chosen.extend_from_slice(&self.ids);
            first.margins.extend_from_slice(self.decoder.margins());
            segment_start = t;
        }
        first.tokens = tokens;
        first.count_choices();
        first
    }

    /// One round of self-training: decodes the block again with the document's `context`
    /// (where it could change a choice) and takes the result as the block's choices and counts,
    /// which the next context is built from.
    pub(super) fn adaptation_round(&mut self, first: &mut FirstPass, context: &DocumentContext) {
        let lm = self.restorer.model.lm();
        let mut chosen = Vec::with_capacity(first.chosen.len());
        for s in 0..first.segments.len() {
            self.adapted_choices(&lm, first, s, context);
            chosen.extend_from_slice(&self.ids);
        }
        first.chosen = chosen;
        first.count_choices();
    }

    /// The choices for segment `s` of the block in `self.ids` (and its slots in `self.slots`):
    /// decoded again with the document's bias where it could change one, else the block's.
    fn adapted_choices(
        &mut self,
        lm: &crate::model::LmView<'_>,
        first: &FirstPass,
        s: usize,
        context: &DocumentContext,
    ) {
        let (tokens, candidates) = first.segment(s);
        let cases = &first.cases[tokens.clone()];
        let previous = &first.chosen[tokens.clone()];
        let margins = &first.margins[candidates.clone()];
        let slots = &first.slots[tokens];
        let cand_ids = &first.cand_ids[candidates.clone()];
        let ranges = &first.ranges[first.segment(s).0];
        self.affected.clear();
        let bias = &context.bias;
        if !bias.is_empty() {
            self.affected.extend((0..slots.len()).filter(|&i| {
                slots[i].free
                    && bias_may_change(
                        lm,
                        bias,
                        previous,
                        &cand_ids[ranges[i].0 as usize..ranges[i].1 as usize],
                        &margins[ranges[i].0 as usize..ranges[i].1 as usize],
                        cases,
                        i,
                    )
            }));
        }
        self.slots.clear();
        self.slots.extend_from_slice(slots);
        if self.affected.is_empty() {
            // The document's bias cannot move any choice of the block: they stand.
            self.ids.clear();
            self.ids.extend_from_slice(previous);
        } else {
            let channel = first.channel.get(candidates).unwrap_or(&[]);
            self.build_recheck_lattice(bias, previous, ranges, cand_ids, channel);
            self.decode_lattice(lm, cases);
        }
    }

    /// Writes the restoration of `text` from the first pass (and the rounds of adaptation after
    /// it), decoding again the segments where the document's bias could change a choice;
    /// per-token detail when `detailed`.
    pub(super) fn second_pass(
        &mut self,
        text: &str,
        options: &RestoreOptions,
        first: &FirstPass,
        context: &DocumentContext,
        detailed: bool,
    ) -> Restoration {
        let mut out = Restoration {
            text: String::with_capacity(text.len() + 16),
            tokens: Vec::new(),
            input_kind: Some(options.input_kind),
        };
        if options.input_kind == InputKind::Accented {
            out.text.push_str(text);
            return out;
        }
        let lm = self.restorer.model.lm();
        let mut details = Vec::new();
        let mut copied = 0;
        for s in 0..first.segments.len() {
            self.adapted_choices(&lm, first, s, context);
            let (tokens, candidates) = first.segment(s);
            if detailed {
                // The report weighs every candidate, so it reads the whole lattice.
                self.ranges.clear();
                self.ranges.extend_from_slice(&first.ranges[tokens.clone()]);
                self.cand_ids.clear();
                self.cand_ids
                    .extend_from_slice(&first.cand_ids[candidates.clone()]);
                self.channel.clear();
                self.channel
                    .extend_from_slice(first.channel.get(candidates).unwrap_or(&[]));
                self.path.clear();
                self.path
                    .extend(self.ids.iter().zip(&self.ranges).map(|(&id, &(a, b))| {
                        let range = &self.cand_ids[a as usize..b as usize];
                        range.iter().position(|&c| c == id).unwrap_or(0) as u16
                    }));
            }
            copied = self.write_segment(
                text,
                &first.tokens[tokens.clone()],
                tokens.start,
                &first.eth,
                &context.acronyms,
                &first.list_letters,
                &first.dust,
                &first.cases[tokens],
                options,
                &mut out.text,
                copied,
                detailed.then_some(&mut details),
                &lm,
            );
        }
        copy_without_dust(
            text,
            copied..text.len(),
            &first.dust,
            &mut out.text,
            detailed.then_some(&mut details),
        );
        // Offsets in characters. OCR repair changes lengths (`ciia` → `của`), so input and
        // output offsets are counted separately.
        let (mut in_chars, mut in_byte) = (0, 0);
        let (mut out_chars, mut out_byte) = (0, 0);
        for mut token in details {
            in_chars += text[in_byte..token.input_start].chars().count();
            in_byte = token.input_start;
            out_chars += out.text[out_byte..token.output_start].chars().count();
            out_byte = token.output_start;
            token.input_start = in_chars;
            token.input_end = in_chars + token.input.chars().count();
            token.output_start = out_chars;
            token.output_end = out_chars + token.output.chars().count();
            out.tokens.push(token);
        }
        out
    }
}
