//! Overlays: an archive's own corrected texts, counted by `vanban model adapt`, and folded into
//! a model at load (`--overlay FILE`), so the restorer prefers the archive's usage where the
//! model cannot tell.
//!
//! An overlay stores counts, not probabilities: its own vocabulary and the trigram counts of its
//! texts, in the file family of [`super::format`] (magic `VNBOVRLY`, format version, CRC-32 of
//! the payload, memory-mapped and checked on load), so one overlay serves any model.
//!
//! ```text
//! header (64 bytes): magic, version u32, vocab_len u32, payload_len u64, crc32 u32,
//!                    trigram_count u32, meta_len u32, reserved
//! payload, each section padded to 8 bytes:
//!   vocab offsets   (vocab_len + 1) × u32; vocab text, as in a model
//!   trigrams        trigram_count × (u u16, v u16, w u16, zero u16, count u32), sorted by (u, v, w);
//!                   a segment's first word w is (none, <s>, w), so each bigram occurrence is
//!                   counted once
//!   meta            JSON: sources and token counts
//! ```
//!
//! **Folding in.** Each context `h` (one word, or two) the archive shows gets the interpolation
//! `p(w | h) = (1 - λ) p_model(w | h) + λ p_archive(w | h)`, where `p_archive` discounts the
//! archive's counts absolutely and gives what it takes off to the model:
//! `p_archive(w | h) = max(c(h w) - D, 0) / c(h) + γ(h) p_model(w | h)`, `γ(h) = D N₁₊(h) / c(h)`.
//! A word the archive never showed after `h` keeps its model probability times
//! `1 - λ + λ γ(h)`: one cost added to the context's backoff and to its stored n-grams the archive
//! lacks. `D` is Ney's estimate `n₁ / (n₁ + 2 n₂)` from the overlay's count-of-counts, per order;
//! `λ` is [`OVERLAY_WEIGHT`]. Unigrams, case shares and candidates stay the model's; archive
//! syllables outside the model's vocabulary are `<unk>`.

use std::ops::Range;
use std::path::Path;

use serde::Serialize;

use super::build::{count, Counts, Source};
use super::format::*;
use super::{FxHashMap, FxHashSet, Model, ModelError, Storage};

pub const OVERLAY_MAGIC: [u8; 8] = *b"VNBOVRLY";
pub const OVERLAY_VERSION: u32 = 1;
const TRIGRAM_COUNT_ENTRY: usize = 12;

/// Weight λ of the archive's distribution in each context it shows. Measured on vbpl-dev,
/// adapting to documents < 500 and restoring the stripped others: λ = 0.05 / 0.1 / 0.2 / 0.3 /
/// 0.5 give 98.988 / 98.985 / 98.988 / 98.966 / 98.931 % (98.934 % without an overlay).
pub const OVERLAY_WEIGHT: f64 = 0.1;

/// What went into an overlay; stored in it as JSON.
#[derive(Debug, Clone, Serialize)]
pub struct OverlayReport {
    pub vanban_version: &'static str,
    pub overlay_version: u32,
    pub sources: Vec<Source>,
    pub source_tokens: Vec<u64>,
    pub vocabulary: usize,
    pub trigrams: usize,
}

/// Counts `sources` (every syllable of the inventory they show, however rare) into overlay bytes.
pub fn make(sources: &[Source]) -> crate::Result<(Vec<u8>, OverlayReport)> {
    let Counts {
        vocab,
        trigrams,
        source_tokens,
        ..
    } = count(sources, 1)?;
    let mut trigrams: Vec<(u64, u64)> = trigrams.into_iter().collect();
    trigrams.sort_unstable();
    let report = OverlayReport {
        vanban_version: env!("CARGO_PKG_VERSION"),
        overlay_version: OVERLAY_VERSION,
        sources: sources.to_vec(),
        source_tokens,
        vocabulary: vocab.len() - SPECIALS.len(),
        trigrams: trigrams.len(),
    };
    let meta = serde_json::to_vec_pretty(&report).unwrap_or_default();
    let mut payload = Vec::new();
    encode_vocab(&vocab, &mut payload);
    for &(key, count) in &trigrams {
        let id = |shift: u32| ((key >> shift) & ((1 << ID_BITS) - 1)) as u16;
        for field in [id(2 * ID_BITS), id(ID_BITS), id(0), 0] {
            payload.extend_from_slice(&field.to_le_bytes());
        }
        payload.extend_from_slice(&(count.min(u64::from(u32::MAX)) as u32).to_le_bytes());
    }
    while !payload.len().is_multiple_of(8) {
        payload.push(0);
    }
    payload.extend_from_slice(&meta);
    let fields = [vocab.len() as u32, trigrams.len() as u32, meta.len() as u32];
    Ok((
        encode_file(OVERLAY_MAGIC, OVERLAY_VERSION, &fields, &payload),
        report,
    ))
}

/// A loaded, checked overlay.
#[derive(Debug)]
pub struct Overlay {
    storage: Storage,
    name: String,
    vocab_len: usize,
    vocab_offsets: Range<usize>,
    vocab_text: Range<usize>,
    trigrams: Range<usize>,
    meta: Range<usize>,
}

impl Overlay {
    /// Memory-maps and checks an overlay file.
    pub fn open(path: &Path) -> crate::Result<Overlay> {
        let file = std::fs::File::open(path).map_err(|e| crate::Error::io(path, e))?;
        // SAFETY: read-only map; see `Model::open`.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| crate::Error::io(path, e))?;
        Overlay::parse(Storage::Mmap(map), path.display().to_string()).map_err(|e| e.at(path))
    }

    /// Checks an overlay held in memory.
    pub fn from_bytes(bytes: Vec<u8>, name: &str) -> Result<Overlay, ModelError> {
        Overlay::parse(Storage::Owned(bytes), name.to_owned())
    }

    fn parse(storage: Storage, name: String) -> Result<Overlay, ModelError> {
        let bytes = storage.bytes();
        let (header, end) = check_file(bytes, OVERLAY_MAGIC, OVERLAY_VERSION)?;
        let (vocab_len, trigram_count, meta_len) =
            (header[3] as usize, header[7] as usize, header[8] as usize);
        if !(SPECIALS.len()..=MAX_VOCAB).contains(&vocab_len) {
            return Err(ModelError::Malformed("header fields out of range".into()));
        }
        let mut sections = Sections::new(end);
        let (vocab_offsets, vocab_text) = sections.vocab(bytes, vocab_len)?;
        let trigrams = sections.take(trigram_count.saturating_mul(TRIGRAM_COUNT_ENTRY))?;
        let meta = sections.take(meta_len)?;
        let overlay = Overlay {
            storage,
            name,
            vocab_len,
            vocab_offsets,
            vocab_text,
            trigrams,
            meta,
        };
        overlay.check_tables()?;
        Ok(overlay)
    }

    /// Checks that the vocabulary reads and every id is in it, so folding in needs no checks.
    fn check_tables(&self) -> Result<(), ModelError> {
        let bytes = self.storage.bytes();
        let offsets = &bytes[self.vocab_offsets.clone()];
        let text = &bytes[self.vocab_text.clone()];
        let ordered = (0..self.vocab_len).all(|i| {
            let (a, b) = (read_u32(offsets, i), read_u32(offsets, i + 1));
            a <= b
                && b as usize <= text.len()
                && std::str::from_utf8(&text[a as usize..b as usize]).is_ok()
        });
        if !ordered {
            return Err(ModelError::Malformed(
                "vocabulary offsets out of order".into(),
            ));
        }
        if self
            .trigram_counts()
            .any(|(ids, _)| ids.iter().any(|&id| usize::from(id) >= self.vocab_len))
        {
            return Err(ModelError::Malformed("trigram id out of range".into()));
        }
        Ok(())
    }

    /// Where the overlay came from.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn syllable(&self, id: usize) -> &str {
        let bytes = self.storage.bytes();
        let offsets = &bytes[self.vocab_offsets.clone()];
        let text = &bytes[self.vocab_text.clone()];
        let (a, b) = (read_u32(offsets, id), read_u32(offsets, id + 1));
        std::str::from_utf8(&text[a as usize..b as usize]).unwrap_or("")
    }

    /// Each stored trigram `[u, v, w]` (overlay ids) with its count.
    fn trigram_counts(&self) -> impl Iterator<Item = ([u16; 3], u64)> + '_ {
        let bytes = &self.storage.bytes()[self.trigrams.clone()];
        bytes.chunks_exact(TRIGRAM_COUNT_ENTRY).map(|entry| {
            let id = |i: usize| read_u16(entry, i);
            ([id(0), id(1), id(2)], u64::from(read_u32(entry, 2)))
        })
    }

    /// The build report stored with the overlay.
    pub fn meta(&self) -> serde_json::Value {
        serde_json::from_slice(&self.storage.bytes()[self.meta.clone()])
            .unwrap_or(serde_json::Value::Null)
    }
}

/// The overlay's counts per context of one order, in the model's ids.
#[derive(Default)]
struct ContextCounts {
    /// Context key → (total count, distinct continuations).
    contexts: FxHashMap<u64, (u64, u64)>,
    /// n-gram key → count.
    ngrams: FxHashMap<u64, u64>,
    discount: f64,
}

impl ContextCounts {
    fn add(&mut self, key: u64, count: u64) {
        *self.ngrams.entry(key).or_default() += count;
    }

    /// Totals per context (the context is the key without its last word) and Ney's discount.
    fn finish(&mut self) {
        let mut n = [0u64; 3];
        for (&key, &count) in &self.ngrams {
            let context = self.contexts.entry(key >> ID_BITS).or_default();
            context.0 += count;
            context.1 += 1;
            if count <= 2 {
                n[count as usize] += 1;
            }
        }
        self.discount = if n[1] == 0 {
            0.5
        } else {
            n[1] as f64 / (n[1] + 2 * n[2]) as f64
        };
    }

    /// The factor `1 - λ + λ γ(h)` of the model's probabilities in context `h` (1 when the
    /// archive never shows it).
    fn scale(&self, context: u64, weight: f64) -> f64 {
        self.contexts
            .get(&context)
            .map_or(1.0, |&(total, distinct)| {
                1.0 - weight + weight * self.discount * distinct as f64 / total as f64
            })
    }

    /// The interpolated cost of an n-gram the archive shows, from the model's cost.
    fn cost(&self, key: u64, count: u64, model_cost: u32, weight: f64) -> u16 {
        let context = key >> ID_BITS;
        let total = self.contexts[&context].0 as f64;
        let p_model = (-f64::from(model_cost) / COST_SCALE).exp();
        let p = p_model * self.scale(context, weight)
            + weight * (count as f64 - self.discount).max(0.0) / total;
        to_cost(p)
    }
}

fn to_cost(p: f64) -> u16 {
    (-p.ln() * COST_SCALE)
        .round()
        .clamp(0.0, f64::from(u16::MAX)) as u16
}

/// Cost to add for a probability factor.
fn scale_cost(factor: f64) -> u16 {
    to_cost(factor.min(1.0))
}

/// `model` with `overlay` folded in at weight `weight` (see the module comment).
pub fn apply(model: &Model, overlay: &Overlay, weight: f64) -> Result<Model, ModelError> {
    let lm = model.lm();
    let base_ids: FxHashMap<&str, u16> = (SPECIALS.len()..model.vocab_len())
        .map(|id| (model.syllable(id as u16), id as u16))
        .collect();
    let to_model: Vec<u16> = (0..overlay.vocab_len)
        .map(|id| {
            if id < SPECIALS.len() {
                id as u16
            } else {
                base_ids.get(overlay.syllable(id)).copied().unwrap_or(UNK)
            }
        })
        .collect();
    let (mut bigram_counts, mut trigram_counts) =
        (ContextCounts::default(), ContextCounts::default());
    for ([u, v, w], count) in overlay.trigram_counts() {
        let [u, v, w] = [u, v, w].map(|id| to_model[usize::from(id)]);
        bigram_counts.add(bigram_key(v, w), count);
        if u != NONE {
            trigram_counts.add(trigram_key(u, v, w), count);
        }
    }
    bigram_counts.finish();
    trigram_counts.finish();

    let mut tables = model.tables();
    // Bigrams: the model's stored ones, then those only the archive shows.
    let mut seen = FxHashSet::default();
    for bigram in &mut tables.bigrams {
        let v = bigram.key >> ID_BITS;
        match bigram_counts.ngrams.get(&bigram.key) {
            Some(&count) => {
                seen.insert(bigram.key);
                bigram.cost = bigram_counts.cost(bigram.key, count, u32::from(bigram.cost), weight);
            }
            None => {
                let added = scale_cost(bigram_counts.scale(v, weight));
                bigram.cost = bigram.cost.saturating_add(added);
            }
        }
    }
    for (&key, &count) in &bigram_counts.ngrams {
        if seen.contains(&key) {
            continue;
        }
        let (v, w) = ((key >> ID_BITS) as u16, (key & ((1 << ID_BITS) - 1)) as u16);
        let unseen = lm.backoff_bigram(v, w);
        tables.bigrams.push(BigramRow {
            key,
            cost: bigram_counts.cost(key, count, unseen.cost, weight),
            backoff: 0,
            case: unseen.case.0,
        });
    }
    for &v in bigram_counts.contexts.keys() {
        let added = scale_cost(bigram_counts.scale(v, weight));
        let unigram = &mut tables.unigrams[v as usize];
        unigram.1 = unigram.1.saturating_add(added);
    }
    tables.bigrams.sort_unstable();

    // Trigrams: each context the archive shows backs off at a higher cost, and its stored
    // trigrams are interpolated or raised likewise.
    let mut seen = FxHashSet::default();
    for (key, cost) in &mut tables.trigrams {
        match trigram_counts.ngrams.get(key) {
            Some(&count) => {
                seen.insert(*key);
                *cost = trigram_counts.cost(*key, count, u32::from(*cost), weight);
            }
            None => {
                let added = scale_cost(trigram_counts.scale(*key >> ID_BITS, weight));
                *cost = cost.saturating_add(added);
            }
        }
    }
    for (&key, &count) in &trigram_counts.ngrams {
        if seen.contains(&key) {
            continue;
        }
        let (u, v, w) = (
            (key >> (2 * ID_BITS)) as u16,
            ((key >> ID_BITS) & ((1 << ID_BITS) - 1)) as u16,
            (key & ((1 << ID_BITS) - 1)) as u16,
        );
        let model_cost = lm.cost(u, v, w);
        tables
            .trigrams
            .push((key, trigram_counts.cost(key, count, model_cost, weight)));
    }
    tables.trigrams.sort_unstable();
    // Every trigram context is a stored bigram (the archive's contexts are among its bigrams),
    // whose backoff now carries the context's factor.
    for bigram in &mut tables.bigrams {
        if trigram_counts.contexts.contains_key(&bigram.key) {
            let added = scale_cost(trigram_counts.scale(bigram.key, weight));
            bigram.backoff = bigram.backoff.saturating_add(added);
        }
    }
    let meta = serde_json::json!({
        "model": model.meta(),
        "overlay": overlay.meta(),
        "overlay_weight": weight,
        "discounts": [bigram_counts.discount, trigram_counts.discount],
    });
    let bytes = tables.encode(&serde_json::to_vec_pretty(&meta).unwrap_or_default());
    Model::from_bytes(bytes, &format!("{}+{}", model.name(), overlay.name()))
}
