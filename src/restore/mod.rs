//! Diacritic restoration and OCR-garble repair.
//!
//! A [`Restorer`] holds the read-only model; each thread asks it for a [`RestoreWorker`], which
//! owns the scratch buffers of the lattice decoder.

//!
//! A token's walk, one file per pass: [`tokenize`] cuts the text into tokens, [`roles`] marks the
//! ones kept as written (acronyms, list markers, OCR dust), [`candidates`] looks up each word's
//! syllables (OCR input: [`ocr_candidates`] under the [`confusion`] channel, with [`resegment`]
//! for words OCR ran together or split), [`decode`] picks a path through the lattice,
//! [`passes`] runs the first pass and the second, which adapts to the document ([`adapt`]), and
//! [`write`] writes the result, with the `Đ` of stripped codes put back ([`codes`], and
//! [`acronyms`] for those the document spells out). [`kind`]
//! tells what kind of text came in.

mod acronyms;
mod adapt;
mod candidates;
mod codes;
pub mod confusion;
pub mod decode;
mod kind;
pub mod ocr_candidates;
mod passes;
mod resegment;
mod roles;
mod table_file;
mod tesseract_candidates;
pub mod tokenize;
mod write;

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::format::pack_key;
use crate::model::{FxHashMap, Model};
use crate::orthography::{place_tone, split_tone};
use crate::text::ToneStyle;
use adapt::windows;
use confusion::ConfusionTable;
use decode::Decoder;
use kind::mostly_accented;
pub use kind::{resolve_kind, GarbleSigns};
use ocr_candidates::OcrWorker;
use passes::FirstPass;
pub use tesseract_candidates::{ratio_bin, BinCounts, ChoiceCosts, SymbolReadings, BINS};
use tokenize::{Case, Token};
pub use write::OffsetShifts;

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
/// Texts are cut into blocks of about this many bytes (at segment boundaries), the work of one
/// thread at a time. Small, so a directive of a few pages still spreads over the cores: with
/// 16 kB blocks the 49 kB OCR bench text made three, and two threads were 1.3 times as fast as
/// one.
pub const BLOCK_BYTES: usize = 4 * 1024;

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
    ocr_prefixes: ocr_candidates::Prefixes,
    ocr_spellings: ocr_candidates::Spellings,
    beam: usize,
    ocr_cache: ocr_candidates::CandidateCache,
    /// The OCR channel: the embedded table unless [`Self::with_confusion`] gave another.
    confusion: &'static ConfusionTable,
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
        let ocr_spellings = ocr_candidates::Spellings::new(&model);
        Restorer {
            model,
            prior_share,
            ocr_prefixes: ocr_candidates::Prefixes::new(&forms),
            ocr_spellings,
            forms,
            candidates,
            accented,
            old_style,
            beam: beam.max(1),
            ocr_cache: ocr_candidates::CandidateCache::default(),
            confusion: ConfusionTable::embedded(),
        }
    }

    /// This restorer with another OCR confusion table (`scripts/ocr-keep-fit` tries candidate
    /// keep-costs this way).
    pub fn with_confusion(mut self, table: &'static ConfusionTable) -> Self {
        self.confusion = table;
        self
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
            readings: None,
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
            let mut first: Vec<FirstPass> = window
                .par_iter()
                .map_init(
                    || self.new_worker(),
                    |worker, block| worker.first_pass(block, &options),
                )
                .collect();
            let context = self.adapted_context(&mut first, None);
            parts.par_extend(window.par_iter().zip(&first).map_init(
                || self.new_worker(),
                |worker, (block, first)| {
                    worker.second_pass(block, &options, first, &context, detailed)
                },
            ));
        }
        (options, blocks, parts)
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
    /// Tesseract's alternatives for the words of the text [`Self::restore`] gets next.
    readings: Option<SymbolReadings>,
}

impl RestoreWorker<'_> {
    /// Lets the next [`Self::restore`] weigh Tesseract's alternatives for the words of its text
    /// (see [`SymbolReadings::from_pages`]) as candidates.
    pub fn read_symbols(&mut self, readings: SymbolReadings) {
        self.readings = (!readings.is_empty()).then_some(readings);
    }

    /// Restores `text` into `out` (appended).
    pub fn restore_into(&mut self, text: &str, options: &RestoreOptions, out: &mut String) {
        let mut first = self.first_pass(text, options);
        let context = self
            .restorer
            .adapted_context(std::slice::from_mut(&mut first), Some(self));
        out.push_str(
            &self
                .second_pass(text, options, &first, &context, false)
                .text,
        );
    }

    /// Restores `text`, reporting tokens that changed or that the decoder was unsure about.
    pub fn restore(&mut self, text: &str, options: &RestoreOptions) -> Restoration {
        settle(text, options, |text, options| {
            let options = &RestoreOptions {
                input_kind: resolve_kind(options.input_kind, text),
                ..*options
            };
            let mut first = self.first_pass(text, options);
            let context = self
                .restorer
                .adapted_context(std::slice::from_mut(&mut first), Some(self));
            self.second_pass(text, options, &first, &context, true)
        })
    }
}
