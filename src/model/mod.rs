//! The restoration model: the syllable vocabulary, the map from stripped forms to accented
//! candidates, and a smoothed trigram language model, in one versioned binary file (see
//! [`format`]). The committed model is embedded in the binary; others are memory-mapped.

pub mod build;
pub mod format;
pub mod overlay;

use std::ops::Range;
use std::path::{Path, PathBuf};

use format::*;

/// The model built from the sources in `dictionaries/README.md`, compiled into the binary.
static EMBEDDED: &[u8] = include_bytes!("../../dictionaries/vi-restore.vbm");

/// Name of the embedded model in reports.
pub const EMBEDDED_NAME: &str = "embedded:vi-restore";

/// Why a model file cannot be used. Each problem has its own variant and an actionable message.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelError {
    #[error(
        "not a vanban model or overlay (bad magic bytes; models are made by `vanban model \
         build`, overlays by `vanban model adapt`)"
    )]
    BadMagic,
    #[error(
        "model format version {found}, but this vanban reads version {supported}; \
         rebuild it with `vanban model build`"
    )]
    UnsupportedVersion { found: u32, supported: u32 },
    #[error("model is truncated: {expected} bytes expected, {actual} present")]
    Truncated { expected: u64, actual: u64 },
    #[error(
        "model checksum mismatch (stored {stored:08x}, computed {computed:08x}): file is corrupt"
    )]
    Checksum { stored: u32, computed: u32 },
    #[error("model is malformed: {0}")]
    Malformed(String),
}

impl ModelError {
    /// The library error for a model at `path`.
    pub fn at(self, path: impl Into<PathBuf>) -> crate::Error {
        crate::Error::Model {
            path: path.into(),
            reason: self.to_string(),
        }
    }
}

/// Where the model bytes live.
#[derive(Debug)]
enum Storage {
    Static(&'static [u8]),
    Mmap(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl Storage {
    fn bytes(&self) -> &[u8] {
        match self {
            Storage::Static(bytes) => bytes,
            Storage::Mmap(map) => map,
            Storage::Owned(bytes) => bytes,
        }
    }
}

/// A loaded, validated model. Lookups read the bytes in place.
#[derive(Debug)]
pub struct Model {
    storage: Storage,
    name: String,
    vocab_len: usize,
    key_count: usize,
    vocab_offsets: Range<usize>,
    vocab_text: Range<usize>,
    unigrams: Range<usize>,
    unigram_case: Range<usize>,
    keys: Range<usize>,
    candidates: Range<usize>,
    bigram_rows: Range<usize>,
    bigrams: Range<usize>,
    trigrams: Range<usize>,
    meta: Range<usize>,
    /// Built at load: see [`PairFilter`].
    stored_pairs: PairFilter,
}

/// The n-gram tables of a model as plain slices, for the decoder's inner loop.
#[derive(Debug, Clone, Copy)]
pub struct LmView<'a> {
    unigrams: &'a [u8],
    unigram_case: &'a [u8],
    bigram_rows: &'a [u8],
    bigrams: &'a [[u8; BIGRAM_ENTRY]],
    trigrams: &'a [[u8; TRIGRAM_ENTRY]],
    stored_pairs: &'a PairFilter,
}

/// A Bloom filter of the stored bigrams. Most pairs the decoder asks about are not stored (about
/// four in five on OCR input, where candidates are many and mostly far-fetched), and saying so
/// with one probe of a 512 KiB table spares a binary search in a long row, whose probes each
/// tend to miss the cache.
#[derive(Debug)]
struct PairFilter {
    words: Vec<u64>,
}

/// 2^22 bits (512 KiB) for the 443 k bigrams of the embedded model: about 4 % of absent pairs
/// pass, with both probes in one word so a query touches one cache line.
const PAIR_FILTER_BITS: u32 = 22;

impl PairFilter {
    /// The word and the two bits of the pair `v w`.
    #[inline]
    fn probe(v: u16, w: u16) -> (usize, u64) {
        let hash = ((u64::from(v) << 16) | u64::from(w)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let word = (hash >> (64 - (PAIR_FILTER_BITS - 6))) as usize;
        (word, (1 << (hash & 63)) | (1 << ((hash >> 6) & 63)))
    }

    fn new(pairs: impl Iterator<Item = (u16, u16)>) -> Self {
        let mut words = vec![0u64; 1 << (PAIR_FILTER_BITS - 6)];
        for (v, w) in pairs {
            let (word, bits) = PairFilter::probe(v, w);
            words[word] |= bits;
        }
        PairFilter { words }
    }
}

/// A stored bigram: its cost, the backoff cost of it as a context, its trigram row, and how
/// often its right word is capitalized after the left one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bigram {
    pub cost: u32,
    pub backoff: u32,
    pub row: (u32, u32),
    pub case: CaseShare,
}

/// The `index`-th little-endian u16 field of an n-gram entry.
#[inline]
fn entry_u16<const N: usize>(entry: &[u8; N], index: usize) -> u16 {
    u16::from_le_bytes([entry[2 * index], entry[2 * index + 1]])
}

impl LmView<'_> {
    /// Cost of `w` as a unigram, and the backoff cost of `w` as a one-word context.
    #[inline]
    pub fn unigram(&self, w: u16) -> (u32, u32) {
        let entry = read_u32(self.unigrams, w as usize);
        (entry & 0xFFFF, entry >> 16)
    }

    /// The bigram `v w`, if stored.
    #[inline]
    pub fn bigram(&self, v: u16, w: u16) -> Option<Bigram> {
        if !self.may_store(v, w) {
            return None;
        }
        let row = read_u32(self.bigram_rows, v as usize) as usize
            ..read_u32(self.bigram_rows, v as usize + 1) as usize;
        let e = find_in_row(self.bigrams, row, w)?;
        Some(self.bigram_entry(e))
    }

    /// The entries of the bigrams with left word `v`, for [`Self::bigram_ascending`].
    #[inline]
    pub fn bigram_row(&self, v: u16) -> (u32, u32) {
        (
            read_u32(self.bigram_rows, v as usize),
            read_u32(self.bigram_rows, v as usize + 1),
        )
    }

    /// [`Self::bigram_or_backoff`] for right words asked in ascending order: narrows `row` (from
    /// [`Self::bigram_row`] of `v`) past `w`, so a sorted candidate list walks the row once.
    #[inline]
    pub fn bigram_ascending(&self, v: u16, row: &mut (u32, u32), w: u16) -> Bigram {
        let at = lower_bound_near(self.bigrams, row.0 as usize..row.1 as usize, w);
        row.0 = at as u32;
        if at < row.1 as usize && entry_u16(&self.bigrams[at], 0) == w {
            row.0 += 1;
            return self.bigram_entry(at);
        }
        self.backoff_bigram(v, w)
    }

    #[inline]
    fn bigram_entry(&self, e: usize) -> Bigram {
        let (entry, next) = (&self.bigrams[e], &self.bigrams[e + 1]);
        let row_start = |b: &[u8; BIGRAM_ENTRY]| u32::from_le_bytes([b[8], b[9], b[10], b[11]]);
        Bigram {
            cost: u32::from(entry_u16(entry, 1)),
            backoff: u32::from(entry_u16(entry, 2)),
            row: (row_start(entry), row_start(next)),
            case: CaseShare(entry[6]),
        }
    }

    /// Cost of `w` after `v` and the bigram as a context (backoff 0, empty row when unseen).
    #[inline]
    pub fn bigram_or_backoff(&self, v: u16, w: u16) -> Bigram {
        self.bigram(v, w)
            .unwrap_or_else(|| self.backoff_bigram(v, w))
    }

    /// False when the bigram `v w` is certainly not stored, so [`Self::backoff_bigram`] is its
    /// cost.
    #[inline]
    pub fn may_store(&self, v: u16, w: u16) -> bool {
        let (word, bits) = PairFilter::probe(v, w);
        self.stored_pairs.words[word] & bits == bits
    }

    /// The bigram `v w` as an unseen pair: `v`'s backoff plus `w`'s unigram cost.
    #[inline]
    pub fn backoff_bigram(&self, v: u16, w: u16) -> Bigram {
        Bigram {
            cost: self.unigram(v).1 + self.unigram(w).0,
            backoff: 0,
            row: (0, 0),
            case: CaseShare(self.unigram_case[w as usize]),
        }
    }

    /// Cost of `w` in the trigram row of a context, if stored.
    #[inline]
    pub fn trigram(&self, row: (u32, u32), w: u16) -> Option<u32> {
        let e = find_in_row(self.trigrams, row.0 as usize..row.1 as usize, w)?;
        Some(u32::from(entry_u16(&self.trigrams[e], 1)))
    }

    /// Like [`Self::trigram`] for words asked in ascending order: narrows `row` past `w`, so a
    /// sorted candidate list walks the row once.
    #[inline]
    pub fn trigram_ascending(&self, row: &mut (u32, u32), w: u16) -> Option<u32> {
        let at = lower_bound_near(self.trigrams, row.0 as usize..row.1 as usize, w);
        row.0 = at as u32;
        if at < row.1 as usize && entry_u16(&self.trigrams[at], 0) == w {
            row.0 += 1;
            return Some(u32::from(entry_u16(&self.trigrams[at], 1)));
        }
        None
    }

    /// Full trigram cost of `w` after `u v`, with backoff.
    pub fn cost(&self, u: u16, v: u16, w: u16) -> u32 {
        let context = self.bigram_or_backoff(u, v);
        self.trigram(context.row, w)
            .unwrap_or_else(|| context.backoff + self.bigram_or_backoff(v, w).cost)
    }
}

impl Model {
    /// The model compiled into the binary.
    pub fn embedded() -> Result<Model, ModelError> {
        Model::parse(Storage::Static(EMBEDDED), EMBEDDED_NAME.to_owned())
    }

    /// Memory-maps and validates a model file.
    pub fn open(path: &Path) -> crate::Result<Model> {
        let file = std::fs::File::open(path).map_err(|e| crate::Error::io(path, e))?;
        // SAFETY: the map is read-only; the one hazard is another process truncating the file
        // while it is mapped (SIGBUS), the documented limit of memory-mapped models.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| crate::Error::io(path, e))?;
        Model::parse(Storage::Mmap(map), path.display().to_string()).map_err(|e| e.at(path))
    }

    /// The model at `path` (memory-mapped) or the embedded one, with the overlay at `overlay`
    /// folded in at [`overlay::OVERLAY_WEIGHT`].
    pub fn load(path: Option<&Path>, overlay: Option<&Path>) -> crate::Result<Model> {
        let model = match path {
            Some(path) => Model::open(path)?,
            None => Model::embedded().map_err(|e| e.at(EMBEDDED_NAME))?,
        };
        match overlay {
            Some(overlay_path) => {
                let overlay = overlay::Overlay::open(overlay_path)?;
                overlay::apply(&model, &overlay, overlay::OVERLAY_WEIGHT)
                    .map_err(|e| e.at(overlay_path))
            }
            None => Ok(model),
        }
    }

    /// Validates a model held in memory.
    pub fn from_bytes(bytes: Vec<u8>, name: &str) -> Result<Model, ModelError> {
        Model::parse(Storage::Owned(bytes), name.to_owned())
    }

    fn parse(storage: Storage, name: String) -> Result<Model, ModelError> {
        let bytes = storage.bytes();
        let (header, end) = check_file(bytes, MAGIC, FORMAT_VERSION)?;
        let header = |i: usize| header[i];
        let vocab_len = header(3) as usize;
        let key_count = header(7) as usize;
        let cand_count = header(8) as usize;
        let bigram_count = header(9) as usize;
        let trigram_count = header(10) as usize;
        let meta_len = header(11) as usize;
        if vocab_len < SPECIALS.len() || vocab_len > MAX_VOCAB {
            return Err(ModelError::Malformed("header fields out of range".into()));
        }

        let mut sections = Sections::new(end);
        let (vocab_offsets, vocab_text) = sections.vocab(bytes, vocab_len)?;
        let mut section = |len: usize| sections.take(len);
        let unigrams = section(vocab_len * 4)?;
        let unigram_case = section(vocab_len)?;
        let keys = section(key_count * 16)?;
        let candidates = section(cand_count * 2)?;
        let bigram_rows = section((vocab_len + 1) * 4)?;
        let bigrams = section((bigram_count + 1) * BIGRAM_ENTRY)?;
        let trigrams = section(trigram_count * TRIGRAM_ENTRY)?;
        let meta = section(meta_len)?;

        let model = Model {
            storage,
            name,
            vocab_len,
            key_count,
            vocab_offsets,
            vocab_text,
            unigrams,
            unigram_case,
            keys,
            candidates,
            bigram_rows,
            bigrams,
            trigrams,
            meta,
            stored_pairs: PairFilter { words: Vec::new() },
        };
        model.check_tables(cand_count, bigram_count, trigram_count)?;
        let lm = model.lm();
        let stored_pairs = PairFilter::new((0..vocab_len as u16).flat_map(|v| {
            let (start, end) = lm.bigram_row(v);
            (start..end).map(move |e| (v, entry_u16(&lm.bigrams[e as usize], 0)))
        }));
        Ok(Model {
            stored_pairs,
            ..model
        })
    }

    /// Checks the indexes the decoder follows without bounds checks of its own meaning: vocab
    /// offsets, candidate ranges and candidate ids.
    fn check_tables(
        &self,
        cand_count: usize,
        bigram_count: usize,
        trigram_count: usize,
    ) -> Result<(), ModelError> {
        let bytes = self.storage.bytes();
        let offsets = &bytes[self.vocab_offsets.clone()];
        let text = &bytes[self.vocab_text.clone()];
        let mut previous = 0;
        for i in 0..=self.vocab_len {
            let offset = read_u32(offsets, i) as usize;
            if offset < previous || offset > text.len() {
                return Err(ModelError::Malformed(
                    "vocabulary offsets out of order".into(),
                ));
            }
            previous = offset;
        }
        if std::str::from_utf8(text).is_err() {
            return Err(ModelError::Malformed("vocabulary is not UTF-8".into()));
        }
        for (_, range) in self.keys() {
            if range.end > cand_count {
                return Err(ModelError::Malformed(
                    "candidate range out of bounds".into(),
                ));
            }
        }
        let cands = &bytes[self.candidates.clone()];
        if (0..cand_count).any(|i| read_u16(cands, i) as usize >= self.vocab_len) {
            return Err(ModelError::Malformed("candidate id out of range".into()));
        }
        let rows = &bytes[self.bigram_rows.clone()];
        let bigrams = &bytes[self.bigrams.clone()];
        let ascending = |len: usize, at: &dyn Fn(usize) -> usize, limit: usize| {
            (0..len).all(|i| at(i) <= limit && (i == 0 || at(i - 1) <= at(i)))
        };
        if !ascending(
            self.vocab_len + 1,
            &|i| read_u32(rows, i) as usize,
            bigram_count,
        ) {
            return Err(ModelError::Malformed("bigram rows out of order".into()));
        }
        let tri_start = |i: usize| read_u32(bigrams, i * 3 + 2) as usize;
        if !ascending(bigram_count + 1, &tri_start, trigram_count) {
            return Err(ModelError::Malformed("trigram rows out of order".into()));
        }
        Ok(())
    }

    /// Where the model came from (`embedded:…` or a path).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn size_bytes(&self) -> usize {
        self.storage.bytes().len()
    }

    pub fn vocab_len(&self) -> usize {
        self.vocab_len
    }

    /// The syllable (or special token) with id `id`.
    pub fn syllable(&self, id: u16) -> &str {
        let bytes = self.storage.bytes();
        let offsets = &bytes[self.vocab_offsets.clone()];
        let text = &bytes[self.vocab_text.clone()];
        let start = read_u32(offsets, id as usize) as usize;
        let end = read_u32(offsets, id as usize + 1) as usize;
        // Checked at load: offsets are ordered, in bounds, and the text is UTF-8 at syllable
        // boundaries because the builder wrote whole strings.
        std::str::from_utf8(&text[start..end]).unwrap_or("")
    }

    /// Every stripped form with its range in the candidate list.
    pub fn keys(&self) -> impl Iterator<Item = (u64, Range<usize>)> + '_ {
        let keys = &self.storage.bytes()[self.keys.clone()];
        (0..self.key_count).map(move |i| {
            let key = read_u64(keys, i * 2);
            let first = read_u32(keys, i * 4 + 2) as usize;
            let count = read_u32(keys, i * 4 + 3) as usize;
            (key, first..first + count)
        })
    }

    /// Candidate id number `index` of the candidate list.
    pub fn candidate(&self, index: usize) -> u16 {
        read_u16(&self.storage.bytes()[self.candidates.clone()], index)
    }

    pub fn lm(&self) -> LmView<'_> {
        let bytes = self.storage.bytes();
        LmView {
            unigrams: &bytes[self.unigrams.clone()],
            unigram_case: &bytes[self.unigram_case.clone()],
            bigram_rows: &bytes[self.bigram_rows.clone()],
            bigrams: bytes[self.bigrams.clone()].as_chunks().0,
            trigrams: bytes[self.trigrams.clone()].as_chunks().0,
            stored_pairs: &self.stored_pairs,
        }
    }

    /// The model's tables, to be changed and encoded again (see [`overlay`]).
    pub fn tables(&self) -> Tables {
        let lm = self.lm();
        let vocab = (0..self.vocab_len as u16)
            .map(|id| self.syllable(id).to_owned())
            .collect();
        let unigrams = (0..self.vocab_len as u16).map(|id| {
            let (cost, backoff) = lm.unigram(id);
            (cost as u16, backoff as u16)
        });
        let mut keys = std::collections::BTreeMap::new();
        for (key, range) in self.keys() {
            keys.insert(key, range.map(|i| self.candidate(i)).collect());
        }
        let mut bigrams = Vec::new();
        let mut trigrams = Vec::new();
        for v in 0..self.vocab_len as u16 {
            let (start, end) = lm.bigram_row(v);
            for e in start as usize..end as usize {
                let w = entry_u16(&lm.bigrams[e], 0);
                let bigram = lm.bigram_entry(e);
                let key = bigram_key(v, w);
                bigrams.push(BigramRow {
                    key,
                    cost: bigram.cost as u16,
                    backoff: bigram.backoff as u16,
                    case: bigram.case.0,
                });
                for t in bigram.row.0 as usize..bigram.row.1 as usize {
                    let entry = &lm.trigrams[t];
                    let x = entry_u16(entry, 0);
                    trigrams.push(((key << ID_BITS) | u64::from(x), entry_u16(entry, 1)));
                }
            }
        }
        Tables {
            vocab,
            unigrams: unigrams.collect(),
            unigram_case: lm.unigram_case.to_vec(),
            keys,
            bigrams,
            trigrams,
        }
    }

    /// The build report stored with the model (sources, licenses, counts, build command).
    pub fn meta(&self) -> serde_json::Value {
        serde_json::from_slice(&self.storage.bytes()[self.meta.clone()])
            .unwrap_or(serde_json::Value::Null)
    }
}

/// A fast hasher for the integer keys of the builder's count tables and the decoder's form map
/// (the std SipHash costs more than the lookups it guards).
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
}

pub type FxBuild = std::hash::BuildHasherDefault<FxHasher>;
pub type FxHashMap<K, V> = std::collections::HashMap<K, V, FxBuild>;
pub type FxHashSet<K> = std::collections::HashSet<K, FxBuild>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_filter_passes_every_stored_bigram_and_few_others() {
        let model = Model::embedded().unwrap();
        let lm = model.lm();
        let vocab = model.vocab_len() as u16;
        let (mut absent, mut passed) = (0u32, 0u32);
        for v in 0..vocab {
            let (start, end) = lm.bigram_row(v);
            for e in start..end {
                let w = entry_u16(&lm.bigrams[e as usize], 0);
                assert!(lm.may_store(v, w), "stored bigram {v} {w} filtered out");
            }
            if v % 16 == 0 {
                for w in 0..vocab {
                    if find_in_row(lm.bigrams, start as usize..end as usize, w).is_none() {
                        absent += 1;
                        passed += u32::from(lm.may_store(v, w));
                    }
                }
            }
        }
        let share = f64::from(passed) / f64::from(absent);
        assert!(
            share < 0.05,
            "{passed} of {absent} absent pairs pass the filter"
        );
    }
}
