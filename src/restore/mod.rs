//! Diacritic restoration and OCR-garble repair.
//!
//! A [`Restorer`] holds the read-only model; each thread asks it for a [`RestoreWorker`], which
//! owns the scratch buffers of the lattice decoder.

pub mod confusion;
pub mod decode;
pub mod ocr;
mod resegment;
pub mod tokenize;

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::format::{pack_key, NUM, UNK};
use crate::model::syllable::{self, place_tone, split_tone};
use crate::model::{FxHashMap, Model};
use crate::parse::codes::{skeleton, CODES};
use crate::parse::references::symbol_type;
use crate::text::strip::strip_char;
use crate::text::ToneStyle;
use confusion::OcrLang;
use decode::{local_cost, Decoder};
use ocr::{ocr_lang, GarbleSigns, OcrWorker};
use tokenize::{observed_cases, tokenize_with, Case, Token, TokenKind, OCR_SEPARATORS};

/// What kind of text is being restored, which decides how much the decoder trusts the marks it
/// sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// Decide from the text itself.
    #[default]
    Auto,
    /// Vietnamese typed without diacritics (or with some).
    Stripped,
    /// Tesseract output made with the English model.
    OcrEng,
    /// Tesseract output made with the Vietnamese model.
    OcrVie,
    /// Already written with diacritics: left as it is, since an unaccented word in accented
    /// text ("Thông tri", "Ban Tuyên giáo HU") was written that way on purpose.
    Accented,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestoreOptions {
    pub input_kind: InputKind,
    pub tone_style: ToneStyle,
    /// Alternatives kept per token for review.
    pub nbest: usize,
}

impl Default for RestoreOptions {
    fn default() -> Self {
        RestoreOptions {
            input_kind: InputKind::Auto,
            tone_style: ToneStyle::New,
            nbest: 3,
        }
    }
}

/// A token the restorer changed, or was unsure about, with offsets in characters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestoredToken {
    /// Range in the input text.
    pub input_start: usize,
    pub input_end: usize,
    /// Range in the output text.
    pub output_start: usize,
    pub output_end: usize,
    pub input: String,
    pub output: String,
    /// Posterior-like confidence of the chosen form in 0..=1.
    pub confidence: f32,
    /// Other forms the decoder considered, best first, with their confidences.
    pub alternatives: Vec<Alternative>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    pub text: String,
    pub confidence: f32,
}

/// The restored text and the tokens that changed (everything between them is copied verbatim, so
/// offsets outside tokens map one to one).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Restoration {
    pub text: String,
    pub tokens: Vec<RestoredToken>,
    /// The input kind the restorer used (resolved from `Auto`).
    pub input_kind: Option<InputKind>,
}

/// Default number of decoder states kept per position.
pub const DEFAULT_BEAM: usize = 16;
/// Candidates whose unigram cost exceeds the best one of their stripped form by more than this
/// (in `-ln p × 100`) are never proposed: they are typos and rare names that only cost time.
pub const DEFAULT_PRUNE: u32 = 600;
/// A segment longer than this (a text without punctuation) is decoded in pieces, which bounds
/// the decoder's memory (16 states of 32 bytes per token) whatever the input.
const MAX_SEGMENT_TOKENS: usize = 4096;
/// Texts are cut into blocks of about this many bytes (at segment boundaries), the work of one
/// thread at a time. Small, so a directive of a few pages still spreads over the cores: with
/// 16 kB blocks the 49 kB OCR bench text made three, and two threads were 1.3 times as fast as
/// one.
pub const BLOCK_BYTES: usize = 4 * 1024;
/// Consecutive blocks of at least this many bytes in all (about 40 k words) make a window, whose
/// first passes are held at once: a document adapts to its own usage within such a window. A
/// long law changes subject from chapter to chapter, so a nearby window adapts better than the
/// whole text (vlc-dev with windows of 64 / 128 / 256 / 512 / 1024 kB and more: 99.076 /
/// 99.094 / 99.103 / 99.067 / 99.053 / 99.053 %), and the window's lattice (10–20 bytes per byte
/// of text) stays in cache for the second pass.
const WINDOW_BYTES: usize = 256 * 1024;
/// Room for candidates per token in a first pass: vlc-dev averages 7 per word and words are
/// most tokens.
const CANDIDATES_PER_TOKEN: usize = 8;
/// Tokens reported in detail when the chosen form's confidence is below this, even if unchanged.
const UNSURE: f32 = 0.9;

/// The read-only part of restoration, shared by all threads.
#[derive(Debug)]
pub struct Restorer {
    model: Arc<Model>,
    /// Packed stripped form → range in `candidates`.
    forms: FxHashMap<u64, (u32, u32)>,
    candidates: Vec<u16>,
    /// Canonical accented syllable → id, to keep syllables that arrive already accented.
    accented: FxHashMap<Box<str>, u16>,
    /// Old-style spelling of the syllables whose mark moves (`hòa` → `hoà`).
    old_style: FxHashMap<u16, Box<str>>,
    /// Each candidate's share of its stripped form by unigram probability, the usual usage
    /// that [`TopicBias`] compares a document's with.
    prior_share: Vec<f32>,
    /// Prefixes of the stripped forms, for OCR candidate search.
    ocr_prefixes: ocr::Prefixes,
    ocr_spellings: ocr::Spellings,
    beam: usize,
    ocr_cache: ocr::CandidateCache,
}

impl Restorer {
    pub fn new(model: Arc<Model>) -> Self {
        Restorer::with_settings(model, DEFAULT_BEAM, DEFAULT_PRUNE)
    }

    /// A restorer with the embedded model.
    pub fn embedded() -> crate::Result<Self> {
        let model = Model::embedded().map_err(|e| e.at(crate::model::EMBEDDED_NAME))?;
        Ok(Restorer::new(Arc::new(model)))
    }

    /// A restorer with the model at `path` (memory-mapped), or the embedded one.
    pub fn load(path: Option<&Path>) -> crate::Result<Self> {
        match path {
            Some(path) => Ok(Restorer::new(Arc::new(Model::open(path)?))),
            None => Restorer::embedded(),
        }
    }

    /// `beam` states per position (at least 1); candidates more than `prune` above their form's
    /// best unigram cost are dropped (`u32::MAX` keeps all).
    pub fn with_settings(model: Arc<Model>, beam: usize, prune: u32) -> Self {
        let lm = model.lm();
        let mut forms = FxHashMap::default();
        let mut candidates = Vec::new();
        let mut prior_share = vec![1.0f32; model.vocab_len()];
        for (key, range) in model.keys() {
            let ids: Vec<u16> = range.map(|i| model.candidate(i)).collect();
            let best = ids.iter().map(|&id| lm.unigram(id).0).min().unwrap_or(0);
            let start = candidates.len() as u32;
            candidates.extend(
                ids.iter()
                    .filter(|&&id| lm.unigram(id).0 <= best.saturating_add(prune)),
            );
            let kept = &candidates[start as usize..];
            let weight = |id: u16| {
                (-f64::from(lm.unigram(id).0 - best) / crate::model::format::COST_SCALE).exp()
            };
            let total: f64 = kept.iter().map(|&id| weight(id)).sum();
            for &id in kept {
                prior_share[usize::from(id)] = (weight(id) / total) as f32;
            }
            forms.insert(key, (start, candidates.len() as u32));
        }
        let mut accented = FxHashMap::default();
        let mut old_style = FxHashMap::default();
        for id in crate::model::format::SPECIALS.len()..model.vocab_len() {
            let id = id as u16;
            let form = model.syllable(id);
            accented.insert(form.into(), id);
            if let Some((base, tone)) = split_tone(form) {
                let old = place_tone(&base, tone, ToneStyle::Old);
                if old != form {
                    old_style.insert(id, old.into());
                }
            }
        }
        let ocr_spellings = ocr::Spellings::new(&model);
        Restorer {
            model,
            prior_share,
            ocr_prefixes: ocr::Prefixes::new(&forms),
            ocr_spellings,
            forms,
            candidates,
            accented,
            old_style,
            beam: beam.max(1),
            ocr_cache: ocr::CandidateCache::default(),
        }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    pub fn new_worker(&self) -> RestoreWorker<'_> {
        RestoreWorker {
            restorer: self,
            slots: Vec::new(),
            cand_ids: Vec::new(),
            channel: Vec::new(),
            ranges: Vec::new(),
            path: Vec::new(),
            ids: Vec::new(),
            key: Vec::new(),
            lower: String::new(),
            decoder: Decoder::default(),
            ocr: OcrWorker::default(),
            affected: Vec::new(),
            window: Vec::new(),
            window_cases: Vec::new(),
        }
    }

    /// Number of candidates for a stripped form (0 when it is no Vietnamese syllable).
    pub fn candidate_count(&self, stripped: &str) -> usize {
        let lower = stripped.to_lowercase();
        pack_key(lower.as_bytes())
            .and_then(|key| self.forms.get(&key))
            .map_or(0, |&(a, b)| (b - a) as usize)
    }

    /// Restores `text` on the rayon pool, block by block; the output does not depend on the
    /// number of threads because blocks end only where segments end, and the document's
    /// [`TopicBias`] sums the choices of all blocks (of each window of [`WINDOW_BYTES`]).
    pub fn restore_text(&self, text: &str, options: &RestoreOptions) -> String {
        settle(text, options, |text, options| {
            let (options, _, parts) = self.restore_blocks(text, options, false);
            Restoration {
                text: parts.into_iter().map(|part| part.text).collect(),
                tokens: Vec::new(),
                input_kind: Some(options.input_kind),
            }
        })
        .text
    }

    /// Like [`Self::restore_text`], with per-token detail (offsets in characters).
    pub fn restore_detailed(&self, text: &str, options: &RestoreOptions) -> Restoration {
        settle(text, options, |text, options| {
            self.restore_detailed_once(text, options)
        })
    }

    fn restore_detailed_once(&self, text: &str, options: &RestoreOptions) -> Restoration {
        let (options, blocks, parts) = self.restore_blocks(text, options, true);
        let mut out = Restoration {
            input_kind: Some(options.input_kind),
            ..Restoration::default()
        };
        // OCR repair changes lengths (`ciia` → `của`): input and output offsets move apart.
        let (mut input_offset, mut output_offset) = (0, 0);
        for (part, block) in parts.into_iter().zip(&blocks) {
            out.text.push_str(&part.text);
            out.tokens.extend(part.tokens.into_iter().map(|mut t| {
                t.input_start += input_offset;
                t.input_end += input_offset;
                t.output_start += output_offset;
                t.output_end += output_offset;
                t
            }));
            input_offset += block.chars().count();
            output_offset += part.text.chars().count();
        }
        out
    }

    /// Both passes over the blocks of `text`, window by window: the first restores each block as
    /// the model alone sees it and records the choices, the second adapts to the window's.
    fn restore_blocks<'t>(
        &self,
        text: &'t str,
        options: &RestoreOptions,
        detailed: bool,
    ) -> (RestoreOptions, Vec<&'t str>, Vec<Restoration>) {
        let options = RestoreOptions {
            input_kind: resolve_kind(options.input_kind, text),
            ..*options
        };
        let blocks = blocks(text);
        let mut parts = Vec::with_capacity(blocks.len());
        for window in windows(&blocks) {
            let first: Vec<FirstPass> = window
                .par_iter()
                .map_init(
                    || self.new_worker(),
                    |worker, block| worker.first_pass(block, &options),
                )
                .collect();
            let bias = self.topic_bias(first.iter().map(|pass| &pass.counts));
            parts.par_extend(window.par_iter().zip(&first).map_init(
                || self.new_worker(),
                |worker, (block, first)| {
                    worker.second_pass(block, &options, first, &bias, detailed)
                },
            ));
        }
        (options, blocks, parts)
    }

    /// The document-level bias from the first pass's choice counts (see [`TopicBias`]).
    fn topic_bias<'c>(&self, counts: impl Iterator<Item = &'c Vec<u32>>) -> TopicBias {
        let mut total = vec![0u32; self.model.vocab_len()];
        for block in counts {
            for (sum, &count) in total.iter_mut().zip(block) {
                *sum += count;
            }
        }
        let mut cost = vec![0u32; total.len()];
        let mut any = false;
        let mut shifts = Vec::new();
        for &(a, b) in self.forms.values() {
            let cands = &self.candidates[a as usize..b as usize];
            let seen: u32 = cands.iter().map(|&c| total[c as usize]).sum();
            if cands.len() < 2 || seen < TOPIC_MIN_SEEN {
                continue;
            }
            shifts.clear();
            shifts.extend(cands.iter().map(|&c| {
                let prior = f64::from(self.prior_share[c as usize]);
                let cached = (f64::from(total[c as usize]) + TOPIC_PRIOR * prior)
                    / (f64::from(seen) + TOPIC_PRIOR);
                -((1.0 - TOPIC_WEIGHT) + TOPIC_WEIGHT * cached / prior).ln()
            }));
            let least = shifts.iter().copied().fold(f64::INFINITY, f64::min);
            for (&c, &shift) in cands.iter().zip(&shifts) {
                let shift = ((shift - least) * crate::model::format::COST_SCALE).round() as u32;
                if shift >= TOPIC_MIN_SHIFT {
                    cost[c as usize] = shift;
                    any = true;
                }
            }
        }
        if !any {
            cost.clear();
        }
        TopicBias { cost }
    }
}

/// Restorations of [`settle`] at most. Each one that changes anything accents at least one more
/// word, so the rounds end by themselves; this bounds the time on a pathological text.
const SETTLE_ROUNDS: usize = 8;

/// Restores `text` with `once`; when the kind is left to the restorer and the output still
/// reads as stripped text, restores the output again until it stays as it is, so restoring
/// restored text changes nothing. Why another round can differ: it keeps the words the first
/// accented and decides the others again between fixed neighbours, with the document's usage
/// counted from those fixed choices, and a beam can find a path the first round pruned
/// (`uy uy, uy-KE, uy uy quan`: `uy-KE` the first time, `ủy-KE` the second). Real text reads
/// as accented after one round, which is left as it is, so this costs it nothing. The rounds
/// after the first change marks only, one character for one, so a token keeps its offsets and
/// the first round's input: the report says what the text was and what it finally became.
fn settle(
    text: &str,
    options: &RestoreOptions,
    mut once: impl FnMut(&str, &RestoreOptions) -> Restoration,
) -> Restoration {
    let mut out = once(text, options);
    if options.input_kind != InputKind::Auto || out.input_kind != Some(InputKind::Stripped) {
        return out;
    }
    // Resolved here once per round, so `once` need not detect it again.
    let stripped = RestoreOptions {
        input_kind: InputKind::Stripped,
        ..*options
    };
    for _ in 1..SETTLE_ROUNDS {
        // Mostly accented text never reads as stripped; the share is cheaper than the OCR signs.
        if mostly_accented(&out.text)
            || resolve_kind(InputKind::Auto, &out.text) != InputKind::Stripped
        {
            break;
        }
        let again = once(&out.text, &stripped);
        if again.text == out.text {
            break;
        }
        out.text = again.text;
        out.tokens = merge_rounds(std::mem::take(&mut out.tokens), again.tokens);
    }
    out
}

/// The tokens of two rounds of restoration, by position: a token the later round reports takes
/// its output and confidence from it and its input from the earlier round.
fn merge_rounds(earlier: Vec<RestoredToken>, later: Vec<RestoredToken>) -> Vec<RestoredToken> {
    let mut merged = Vec::with_capacity(earlier.len() + later.len());
    let mut earlier = earlier.into_iter().peekable();
    for mut token in later {
        while let Some(before) = earlier.next_if(|t| t.input_start < token.input_start) {
            merged.push(before);
        }
        if let Some(same) = earlier.next_if(|t| t.input_start == token.input_start) {
            token.input = same.input;
        }
        merged.push(token);
    }
    merged.extend(earlier);
    merged
}

/// Whether the document's bias could change the first pass's choice at position `i` of a
/// segment (`previous`), a free word whose candidates and first-pass margins are given. Only a
/// candidate the bias favours can, and only one the first pass found close behind: by its
/// decoder margin (left context only), then by its cost among the chosen neighbours, each with
/// a slack for what it misses.
fn bias_may_change(
    lm: &crate::model::LmView<'_>,
    bias: &TopicBias,
    previous: &[u16],
    candidates: &[u16],
    margins: &[u16],
    cases: &[Case],
    i: usize,
) -> bool {
    let chosen = previous[i];
    let chosen_bias = bias.of(chosen);
    if chosen_bias == 0 {
        return false;
    }
    let limit = chosen_bias + TOPIC_RECHECK_SLACK;
    let mut kept = None;
    candidates.iter().zip(margins).any(|(&c, &margin)| {
        let other = bias.of(c);
        other < chosen_bias
            && u32::from(margin) + other < limit
            && local_cost(lm, previous, cases, i, c) + other
                < *kept.get_or_insert_with(|| local_cost(lm, previous, cases, i, chosen) + limit)
    })
}

/// Document-level adaptation, a unigram cache: a document about notarization writes `cong chung`
/// for `công chứng` hundreds of times, most of them in contexts the trigram model gets right;
/// where it cannot tell (`thủ tục cong chung`), the document's own usage should decide, not
/// Wikipedia's `công chúng`. The first pass counts the words chosen for each stripped form; the
/// second interpolates that distribution with the model's (weight [`TOPIC_WEIGHT`]), relative to
/// the form's usual shares, so a word the document uses more than usual gains and none is ever
/// ruled out: the cost of a candidate is `-ln((1 - λ) + λ · p_doc(c) / p_model(c))`, shifted
/// so the cheapest candidate of each form costs 0.
#[derive(Debug, Default)]
struct TopicBias {
    /// Per candidate id; empty when the document gives no candidate a noticeable cost.
    cost: Vec<u32>,
}

impl TopicBias {
    fn is_empty(&self) -> bool {
        self.cost.is_empty()
    }

    fn of(&self, id: u16) -> u32 {
        self.cost.get(usize::from(id)).copied().unwrap_or(0)
    }
}

/// Interpolation weight of the document's own choices. On vlc-dev 0.3 / 0.5 / 0.7 / 0.85 give
/// 98.929 / 99.006 / 99.048 / 99.078 %, but 0.85 loses on the short seeds.
const TOPIC_WEIGHT: f64 = 0.7;
/// Choices of a form worth of the model's prior in the document's estimate.
const TOPIC_PRIOR: f64 = 4.0;
/// Forms chosen fewer times than this in the document are not adapted.
const TOPIC_MIN_SEEN: u32 = 5;
/// Costs below this (`-ln p × 100`) are dropped: they change nothing and cost a second decoding.
const TOPIC_MIN_SHIFT: u32 = 30;
/// How much costlier than the first pass's choice (`-ln p × 100`) a candidate the document
/// favours may look and still have its segment decoded again. On vlc-dev, 4 nats decodes 11 % of
/// the segments again and reaches 99.055 %; decoding every segment again, 99.058 %.
const TOPIC_RECHECK_SLACK: u32 = 400;
/// Words this close to one the bias may change are decoded again with it, so their trigrams can
/// follow the change; farther ones keep their first-pass choice.
const RECHECK_RADIUS: usize = 3;

/// What the first pass over a block leaves for the second: its choices, and the tokens and
/// lattice, so the second pass neither tokenizes nor looks up candidates again.
#[derive(Debug, Default)]
struct FirstPass {
    tokens: Vec<Token>,
    cases: Vec<Case>,
    eth: Vec<usize>,
    /// OCR input: the letter of each list item (token index, letter), see [`ocr::list_letters`].
    list_letters: Vec<(usize, char)>,
    /// Specks dropped from Vietnamese-model OCR (see [`ocr::is_dust`]): byte ranges with the
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
    /// How often each candidate id was chosen where there was a choice.
    counts: Vec<u32>,
}

/// Share of words with a non-ASCII letter above which text counts as accented: accented
/// directives measure 0.87-0.88, English-model OCR of them 0.17, stripped text 0.
const ACCENTED_SHARE: f64 = 0.6;

/// The input kind `Auto` stands for, decided from the whole text so every block agrees.
pub fn resolve_kind(kind: InputKind, text: &str) -> InputKind {
    if kind != InputKind::Auto {
        return kind;
    }
    let signs = GarbleSigns::measure(text);
    if signs.looks_like_eng_ocr() {
        return InputKind::OcrEng;
    }
    if mostly_accented(text) {
        if signs.looks_like_vie_ocr() {
            InputKind::OcrVie
        } else {
            InputKind::Accented
        }
    } else {
        InputKind::Stripped
    }
}

/// Whether at least [`ACCENTED_SHARE`] of the words of `text` have a non-ASCII letter.
fn mostly_accented(text: &str) -> bool {
    // Byte by byte, decoding only non-ASCII characters: restored output is checked after every
    // restoration, and most of it is ASCII.
    let (mut words, mut accented) = (0usize, 0usize);
    let (mut in_word, mut word_accented) = (false, false);
    let mut at = 0;
    while at <= text.len() {
        let (letter, width) = match text.as_bytes().get(at) {
            Some(byte) if byte.is_ascii() => (byte.is_ascii_alphabetic(), 1),
            Some(_) => text[at..]
                .chars()
                .next()
                .map_or((false, 1), |c| (is_letter(c), c.len_utf8())),
            None => (false, 1),
        };
        if letter {
            in_word = true;
            word_accented |= width > 1;
        } else if in_word {
            words += 1;
            accented += usize::from(word_accented);
            (in_word, word_accented) = (false, false);
        }
        at += width;
    }
    words > 0 && accented as f64 >= ACCENTED_SHARE * words as f64
}

/// `char::is_alphabetic`, without its table search for Vietnamese letters: in the Latin blocks
/// every character but `×` and `÷` is a letter, and restored text is a fifth such characters.
pub(crate) fn is_letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' => true,
        '×' | '÷' => false,
        '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' => true,
        c => !c.is_ascii() && c.is_alphabetic(),
    }
}

/// Cuts `text` into blocks of about [`BLOCK_BYTES`] after line breaks that end a segment (a blank
/// line follows, or the line ends in punctuation), but not inside a list: an item's letter can
/// depend on the one before (`d)` then `đ)`, both `d)` when stripped).
fn blocks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut line_start = 0;
    for (i, _) in text.match_indices('\n') {
        let line = &text[line_start..i];
        let next = &text[i + 1..];
        let next_blank = next.starts_with(['\n', '\r']);
        if (next_blank || tokenize::ends_segment(line))
            && i + 1 - start >= BLOCK_BYTES
            && !opens_with_list_letter(next)
        {
            out.push(&text[start..i + 1]);
            start = i + 1;
        }
        line_start = i + 1;
    }
    if start < text.len() || out.is_empty() {
        out.push(&text[start..]);
    }
    out
}

/// Consecutive runs of `blocks` of at least [`WINDOW_BYTES`] (the last one may be shorter).
fn windows<'b, 't>(blocks: &'b [&'t str]) -> impl Iterator<Item = &'b [&'t str]> {
    let mut rest = blocks;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut bytes = 0;
        let len = rest
            .iter()
            .position(|block| {
                bytes += block.len();
                bytes >= WINDOW_BYTES
            })
            .map_or(rest.len(), |last| last + 1);
        let (window, after) = rest.split_at(len);
        rest = after;
        Some(window)
    })
}

/// Whether a line starts with a lettered list item (`d) `, `b. `).
fn opens_with_list_letter(line: &str) -> bool {
    let mut chars = line.trim_start_matches([' ', '\t']).chars();
    chars.next().is_some_and(char::is_alphabetic) && matches!(chars.next(), Some(')' | '.'))
}

/// One token the decoder chooses for.
#[derive(Debug, Clone, Copy)]
struct Slot {
    token: u32,
    /// The token is restored (its candidates came from its stripped form).
    free: bool,
}

/// Per-thread decoder state; get one from [`Restorer::new_worker`].
#[derive(Debug)]
pub struct RestoreWorker<'a> {
    restorer: &'a Restorer,
    slots: Vec<Slot>,
    cand_ids: Vec<u16>,
    /// Noisy-channel cost of each candidate (OCR input; empty otherwise).
    channel: Vec<u32>,
    ranges: Vec<(u32, u32)>,
    path: Vec<u16>,
    ids: Vec<u16>,
    key: Vec<u8>,
    lower: String,
    decoder: Decoder,
    ocr: OcrWorker,
    /// Positions of the segment where the document's bias may change the first pass's choice.
    affected: Vec<usize>,
    /// The tokens around a word [`Self::resegment`] tries, and their cases.
    window: Vec<Token>,
    window_cases: Vec<Case>,
}

impl RestoreWorker<'_> {
    /// Restores `text` into `out` (appended).
    pub fn restore_into(&mut self, text: &str, options: &RestoreOptions, out: &mut String) {
        let first = self.first_pass(text, options);
        let bias = self.restorer.topic_bias(std::iter::once(&first.counts));
        out.push_str(&self.second_pass(text, options, &first, &bias, false).text);
    }

    /// Restores `text`, reporting tokens that changed or that the decoder was unsure about.
    pub fn restore(&mut self, text: &str, options: &RestoreOptions) -> Restoration {
        settle(text, options, |text, options| {
            let options = &RestoreOptions {
                input_kind: resolve_kind(options.input_kind, text),
                ..*options
            };
            let first = self.first_pass(text, options);
            let bias = self.restorer.topic_bias(std::iter::once(&first.counts));
            self.second_pass(text, options, &first, &bias, true)
        })
    }

    /// Tokenizes `text`, builds the lattice of each segment, decodes it as the model alone sees
    /// it and counts the choices.
    fn first_pass(&mut self, text: &str, options: &RestoreOptions) -> FirstPass {
        let mut first = FirstPass::default();
        if options.input_kind == InputKind::Accented {
            return first;
        }
        let restorer = self.restorer;
        let lm = restorer.model.lm();
        let forms = &restorer.forms;
        let accented = &restorer.accented;
        let channel = ocr_lang(options.input_kind)
            .map(|lang| confusion::ConfusionTable::embedded().channel(lang));
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
                    token.kind == TokenKind::Word && ocr::is_dust(text, token.start, token.end);
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
            ocr::list_letters(text, &first.tokens, channel, &mut first.list_letters);
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
            for ((slot, &(a, b)), &id) in self.slots.iter().zip(&self.ranges).zip(&self.ids) {
                if slot.free && b - a >= 2 {
                    let token = &segment[slot.token as usize];
                    let read = reads_accented
                        .then(|| restorer.accented_id(&text[token.start..token.end]))
                        .flatten()
                        .filter(|read| self.cand_ids[a as usize..b as usize].contains(read));
                    first.counts[usize::from(read.unwrap_or(id))] += 1;
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
        first
    }

    /// Writes the restoration of `text` from the first pass, decoding again the segments where
    /// the document's `bias` could change a choice; per-token detail when `detailed`.
    fn second_pass(
        &mut self,
        text: &str,
        options: &RestoreOptions,
        first: &FirstPass,
        bias: &TopicBias,
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
        for (s, &(first_token, first_candidate)) in first.segments.iter().enumerate() {
            let end_token = first
                .segments
                .get(s + 1)
                .map_or(first.tokens.len(), |next| next.0);
            let end_candidate = first
                .segments
                .get(s + 1)
                .map_or(first.cand_ids.len(), |next| next.1);
            let tokens = &first.tokens[first_token..end_token];
            let cases = &first.cases[first_token..end_token];
            let previous = &first.chosen[first_token..end_token];
            let margins = &first.margins[first_candidate..end_candidate];
            let slots = &first.slots[first_token..end_token];
            let ranges = &first.ranges[first_token..end_token];
            let cand_ids = &first.cand_ids[first_candidate..end_candidate];
            self.affected.clear();
            if !bias.is_empty() {
                self.affected.extend((0..slots.len()).filter(|&i| {
                    slots[i].free
                        && bias_may_change(
                            &lm,
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
            let channel = first
                .channel
                .get(first_candidate..end_candidate)
                .unwrap_or(&[]);
            if self.affected.is_empty() {
                // The document's bias cannot move any choice of the first pass: it stands.
                self.ids.clear();
                self.ids.extend_from_slice(previous);
            } else {
                self.build_recheck_lattice(bias, previous, ranges, cand_ids, channel);
                self.decode_lattice(&lm, cases);
            }
            if detailed {
                // The report weighs every candidate, so it reads the whole lattice.
                self.ranges.clear();
                self.ranges.extend_from_slice(ranges);
                self.cand_ids.clear();
                self.cand_ids.extend_from_slice(cand_ids);
                self.channel.clear();
                self.channel.extend_from_slice(channel);
                self.path.clear();
                self.path
                    .extend(self.ids.iter().zip(&self.ranges).map(|(&id, &(a, b))| {
                        let range = &self.cand_ids[a as usize..b as usize];
                        range.iter().position(|&c| c == id).unwrap_or(0) as u16
                    }));
            }
            copied = self.write_segment(
                text,
                tokens,
                first_token,
                &first.eth,
                &first.list_letters,
                &first.dust,
                cases,
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

    /// Decodes the segment's lattice and takes the chosen candidate ids; returns the path's cost.
    fn decode_lattice(&mut self, lm: &crate::model::LmView<'_>, cases: &[Case]) -> u32 {
        let cost = self.decoder.decode(
            lm,
            &self.cand_ids,
            &self.channel,
            &self.ranges,
            cases,
            self.restorer.beam,
            &mut self.path,
        );
        self.choose_path();
        cost
    }

    /// The second pass's lattice of a segment: the words within [`RECHECK_RADIUS`] of one the
    /// document's `bias` may change (`self.affected`) get all their candidates, with the bias
    /// added to the free ones; the others only their first-pass choice (`previous`), a
    /// single candidate the decoder crosses at almost no cost.
    fn build_recheck_lattice(
        &mut self,
        bias: &TopicBias,
        previous: &[u16],
        ranges: &[(u32, u32)],
        cand_ids: &[u16],
        channel: &[u32],
    ) {
        self.ranges.clear();
        self.cand_ids.clear();
        self.channel.clear();
        let mut next = 0;
        for (i, &(a, b)) in ranges.iter().enumerate() {
            while next < self.affected.len() && self.affected[next] + RECHECK_RADIUS < i {
                next += 1;
            }
            let near = next < self.affected.len() && self.affected[next] <= i + RECHECK_RADIUS;
            let start = self.cand_ids.len() as u32;
            if near {
                let (a, b) = (a as usize, b as usize);
                self.cand_ids.extend_from_slice(&cand_ids[a..b]);
                let free = self.slots[i].free;
                self.channel.extend((a..b).map(|k| {
                    channel.get(k).copied().unwrap_or(0)
                        + if free { bias.of(cand_ids[k]) } else { 0 }
                }));
            } else {
                self.cand_ids.push(previous[i]);
                self.channel.push(0);
            }
            self.ranges.push((start, self.cand_ids.len() as u32));
        }
    }

    /// The candidate ids of `self.path`.
    fn choose_path(&mut self) {
        self.ids.clear();
        self.ids.extend(
            self.path
                .iter()
                .zip(&self.ranges)
                .map(|(&j, &(a, _))| self.cand_ids[a as usize + j as usize]),
        );
    }

    /// Candidate ids of a word token, and whether they came from its stripped form.
    fn candidates(&mut self, word: &str) -> (bool, Option<(u32, u32)>) {
        let restorer = self.restorer;
        let Some(accented) = self.strip_into_key(word) else {
            return (false, None);
        };
        if accented {
            self.lower.clear();
            self.lower.extend(word.chars().flat_map(char::to_lowercase));
            let id = syllable::canonical(&self.lower)
                .and_then(|form| restorer.accented.get(form.as_str()).copied());
            return (false, id.map(|id| (u32::from(id), u32::MAX)));
        }
        (true, self.key_form())
    }

    /// Fills `self.key` with the letters of `word` stripped of their marks, lowercase; returns
    /// whether any had a mark, or `None` when `word` is no run of at most 8 letters.
    fn strip_into_key(&mut self, word: &str) -> Option<bool> {
        self.key.clear();
        let mut accented = false;
        for c in word.chars() {
            let base = strip_char(c);
            accented |= base != c;
            if !base.is_ascii_alphabetic() || self.key.len() == 8 {
                return None;
            }
            self.key.push(base.to_ascii_lowercase() as u8);
        }
        Some(accented)
    }

    /// The candidate range of the stripped form in `self.key`, if it is one.
    fn key_form(&self) -> Option<(u32, u32)> {
        pack_key(&self.key).and_then(|key| self.restorer.forms.get(&key).copied())
    }

    /// Fills the slots, candidates and channel costs of a segment.
    fn build_lattice(&mut self, text: &str, tokens: &[Token], options: &RestoreOptions) {
        let restorer = self.restorer;
        self.slots.clear();
        self.cand_ids.clear();
        self.channel.clear();
        self.ranges.clear();
        let channel = ocr_lang(options.input_kind)
            .map(|lang| confusion::ConfusionTable::embedded().channel(lang));
        for (t, token) in tokens.iter().enumerate() {
            if let (Some(channel), TokenKind::Word) = (channel, token.kind) {
                let start = self.cand_ids.len() as u32;
                self.channel.resize(self.cand_ids.len(), 0);
                // List letters are kept, or follow their list (`ocr::list_letters`): as words
                // they would become syllables (`c)` → `e)`).
                let free = !is_kept_as_written(text, token)
                    && !ocr::is_list_letter(text, token.start, token.end);
                if free {
                    let word = &text[token.start..token.end];
                    let joined;
                    let word = if word.contains(' ') {
                        joined = resegment::joined(word);
                        &joined
                    } else {
                        word
                    };
                    self.ocr.candidates(
                        restorer,
                        channel,
                        word,
                        &mut self.cand_ids,
                        &mut self.channel,
                    );
                    let range = start as usize..self.cand_ids.len();
                    let kept_as_written = self.cand_ids[range.clone()]
                        .iter()
                        .position(|&id| id == UNK)
                        .filter(|_| range.len() > 1 && resegment::touches(tokens, t));
                    if let Some(k) = kept_as_written {
                        self.cand_ids.remove(range.start + k);
                        self.channel.remove(range.start + k);
                    }
                } else {
                    self.cand_ids.push(UNK);
                }
                self.ranges.push((start, self.cand_ids.len() as u32));
                self.slots.push(Slot {
                    token: t as u32,
                    free,
                });
                continue;
            }
            let (free, range) = match token.kind {
                TokenKind::Word if is_kept_as_written(text, token) => (false, None),
                TokenKind::Word => self.candidates(&text[token.start..token.end]),
                TokenKind::Number => (false, Some((u32::from(NUM), u32::MAX))),
                TokenKind::Other => (false, None),
            };
            let start = self.cand_ids.len() as u32;
            match range {
                Some((id, u32::MAX)) => self.cand_ids.push(id as u16),
                Some((a, b)) => self
                    .cand_ids
                    .extend_from_slice(&restorer.candidates[a as usize..b as usize]),
                None => self.cand_ids.push(UNK),
            }
            self.ranges.push((start, self.cand_ids.len() as u32));
            self.slots.push(Slot {
                token: t as u32,
                free: free && range.is_some(),
            });
        }
        self.pin_document_types(text, tokens);
        if channel.is_some() {
            self.channel.resize(self.cand_ids.len(), 0);
        }
    }

    /// Writes a decoded segment (`self.ids`) and the text before it from byte `copied` on;
    /// returns the new copy position.
    #[allow(clippy::too_many_arguments)]
    fn write_segment(
        &self,
        text: &str,
        tokens: &[Token],
        first_token: usize,
        eth: &[usize],
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
            // Only a word left as written can be a list letter or a stripped `đ`.
            let letter = (id == UNK).then(|| {
                list_letters
                    .binary_search_by_key(&(first_token + i), |&(at, _)| at)
                    .map(|k| list_letters[k].1)
                    .ok()
                    .or_else(|| eth.binary_search(&(first_token + i)).is_ok().then_some('đ'))
            });
            if let Some(Some(letter)) = letter {
                copy_without_dust(text, copied..token.start, dust, out, details.as_deref_mut());
                let at = out.len();
                if input.starts_with(char::is_uppercase) {
                    out.extend(letter.to_uppercase());
                } else {
                    out.push(letter);
                }
                copied = token.end;
                if let Some(details) = details.as_deref_mut() {
                    details.push(RestoredToken::written(
                        token,
                        input,
                        out,
                        at,
                        1.0,
                        Vec::new(),
                    ));
                }
                continue;
            }
            if id == UNK || id == NUM {
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

impl RestoreWorker<'_> {
    /// Pins the words before a document symbol to the name of the type its code stands for
    /// (`Thong tri so 24-TT/TU`: `Thông tri`, not `Thống trị`; `QUYET DINH SO 42/2017/QD-UBND`),
    /// when they spell that name, and `so` before a symbol to `số`. The words are compared by
    /// [`skeleton`], so OCR look-alikes (`s6`, `K&`) match too. Only words restored from their
    /// stripped form are pinned; the decoder then scores their neighbours against them.
    fn pin_document_types(&mut self, text: &str, tokens: &[Token]) {
        let skeleton_of = |i: usize| {
            let token = &tokens[i];
            (token.kind == TokenKind::Word).then(|| skeleton(&text[token.start..token.end]))
        };
        for (t, token) in tokens.iter().enumerate() {
            if token.kind != TokenKind::Number {
                continue;
            }
            let Some((system, code)) = symbol_type(&text[token.start..token.end]) else {
                continue;
            };
            let mut end = t;
            if end > 0 && skeleton_of(end - 1).as_deref() == Some("so") {
                end -= 1;
                self.pin(end, "số");
            }
            let name = CODES.types_by_code(code, system).find(|doc_type| {
                let words = skeleton(&doc_type.word);
                let n = words.split(' ').count();
                end >= n
                    && (end - n..end)
                        .map(skeleton_of)
                        .eq(words.split(' ').map(|w| Some(w.to_owned())))
            });
            if let Some(name) = name {
                let n = name.word.split_whitespace().count();
                for (slot, syllable) in (end - n..).zip(name.word.split_whitespace()) {
                    self.pin(slot, syllable);
                }
            }
        }
    }

    /// Makes `syllable` the only candidate of slot `slot`, if that slot is restored.
    fn pin(&mut self, slot: usize, syllable: &str) {
        if !self.slots[slot].free {
            return;
        }
        let lower = syllable.to_lowercase();
        let id = syllable::canonical(&lower)
            .and_then(|form| self.restorer.accented.get(form.as_str()).copied());
        if let Some(id) = id {
            let at = self.cand_ids.len() as u32;
            self.cand_ids.push(id);
            self.ranges[slot] = (at, at + 1);
        }
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
fn copy_without_dust(
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

/// Whether `token` opens a line as a list marker (`d)`, `VI.`): followed by `)` or `.`, with
/// only indentation before it.
fn is_list_marker(text: &str, token: &Token) -> bool {
    text[token.end..].starts_with([')', '.'])
        && text[..token.start]
            .rsplit('\n')
            .next()
            .is_some_and(|indent| indent.trim().is_empty())
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
fn is_kept_as_written(text: &str, token: &Token) -> bool {
    ocr::is_acronym(text, token.start, token.end) || is_roman_list_marker(text, token)
}

/// Finds the letter đ written as `d` in enumerations, where it follows `d`: list items
/// `a) b) c) d) đ)` (the item before at the start of a line) and runs of points such as
/// `điểm a, b, c, d và đ khoản 2`. Stripping makes both letters `d`; the second is đ.
fn find_stripped_eth(text: &str, tokens: &[Token], eth: &mut Vec<usize>) {
    eth.clear();
    let is_d = |t: &Token| matches!(&text[t.start..t.end], "d" | "D");
    let is_letter =
        |t: &Token| t.kind == TokenKind::Word && text[t.start..t.end].chars().count() == 1;
    let is_item = |t: &Token| is_letter(t) && is_list_marker(text, t);
    let mut previous_item_is_d = false;
    for (i, token) in tokens.iter().enumerate() {
        if is_item(token) {
            if is_d(token) && previous_item_is_d {
                eth.push(i);
            }
            previous_item_is_d = is_d(token);
            continue;
        }
        if !is_d(token) || !is_letter(token) {
            continue;
        }
        let before = tokens[..i]
            .iter()
            .rev()
            .find(|t| !matches!(&text[t.start..t.end], "va" | "và" | "hoac" | "hoặc"));
        if before.is_some_and(|t| is_d(t) && is_letter(t)) {
            eth.push(i);
        }
    }
}

impl Restorer {
    /// The vocabulary syllable `word` spells with its marks (any case or tone placement).
    fn accented_id(&self, word: &str) -> Option<u16> {
        let lower = word.to_lowercase();
        syllable::canonical(&lower).and_then(|form| self.accented.get(form.as_str()).copied())
    }

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

#[cfg(test)]
mod tests {
    #[test]
    fn is_letter_agrees_with_is_alphabetic_on_every_char() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(
                super::is_letter(c),
                c.is_alphabetic(),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn windows_are_the_shortest_runs_of_blocks_that_reach_the_window_size() {
        let line = "Dieu 1. Pham vi dieu chinh cua luat nay.\n";
        let text = line.repeat(3 * super::WINDOW_BYTES / line.len());
        let blocks = super::blocks(&text);
        let windows: Vec<_> = super::windows(&blocks).collect();
        assert_eq!(windows.concat(), blocks);
        assert!(windows.len() >= 3, "{} windows", windows.len());
        let bytes = |blocks: &[&str]| blocks.iter().map(|b| b.len()).sum::<usize>();
        for window in &windows[..windows.len() - 1] {
            assert!(bytes(window) >= super::WINDOW_BYTES);
            assert!(bytes(&window[..window.len() - 1]) < super::WINDOW_BYTES);
        }
        assert!(bytes(windows.last().unwrap()) > 0);
    }
}
