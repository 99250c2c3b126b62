//! The binary model format, version 2. All integers are little endian.
//!
//! ```text
//! header (64 bytes)
//!   0  magic            b"VNBMODEL"
//!   8  format version   u32
//!  12  vocab_len        u32   ids 0..vocab_len; 0 = none, 1 = <s>, 2 = </s>, 3 = <unk>, 4 = <num>
//!  16  payload_len      u64   bytes after the header
//!  24  crc32            u32   of the payload
//!  28  key_count        u32   stripped forms
//!  32  cand_count       u32   candidate ids over all stripped forms
//!  36  bigram_count     u32
//!  40  trigram_count    u32
//!  44  meta_len         u32   JSON build report at the end of the payload
//!  48  reserved (16 zero bytes)
//! payload, each section padded to 8 bytes:
//!   vocab offsets   (vocab_len + 1) × u32 into the vocab text
//!   vocab text      UTF-8, lowercase syllables in the new tone style
//!   unigrams        vocab_len × u32: cost (u16) | backoff cost of the context (u16) << 16
//!   unigram case    vocab_len × u8: how often the word is capitalized where its case tells
//!                   something (see [`CaseShare`])
//!   keys            key_count × (u64 packed ASCII stripped form, u32 first candidate, u32 count),
//!                   sorted by key
//!   candidates      cand_count × u16 ids, ascending (= most frequent first)
//!   bigram rows     (vocab_len + 1) × u32: the bigrams with left word v are entries
//!                   rows[v]..rows[v + 1]
//!   bigrams         (bigram_count + 1) × 12 bytes, sorted by (v, w):
//!                   w u16, cost u16, backoff cost of the (v, w) context u16, case share of w
//!                   after v u8, a zero byte, trigram row start u32 (the row of (v, w) ends where the next entry's starts; a sentinel
//!                   entry closes the last row)
//!   trigrams        trigram_count × (w u16, cost u16), sorted by (u, v, w)
//!   meta            JSON
//! ```
//!
//! Costs are `-ln p × COST_SCALE` rounded. Every context is a contiguous sorted row, so the
//! decoder finds a state's continuations with one cache miss and binary searches, and a
//! memory-mapped model is read in place without parsing.
//!
//! History: version 1 is the first format; version 2 adds the case shares.

use std::collections::BTreeMap;

pub const MAGIC: [u8; 8] = *b"VNBMODEL";
pub const FORMAT_VERSION: u32 = 2;
pub const HEADER_LEN: usize = 64;
pub const COST_SCALE: f64 = 100.0;
/// Bits of one id in the packed n-gram keys.
pub const ID_BITS: u32 = 14;
pub const MAX_VOCAB: usize = 1 << ID_BITS;

pub const NONE: u16 = 0;
pub const BOS: u16 = 1;
pub const EOS: u16 = 2;
pub const UNK: u16 = 3;
pub const NUM: u16 = 4;
pub const SPECIALS: [&str; 5] = ["", "<s>", "</s>", "<unk>", "<num>"];

pub fn bigram_key(v: u16, w: u16) -> u64 {
    (u64::from(v) << ID_BITS) | u64::from(w)
}

pub fn trigram_key(u: u16, v: u16, w: u16) -> u64 {
    (u64::from(u) << (2 * ID_BITS)) | bigram_key(v, w)
}

/// Packs a stripped form of up to 8 ASCII bytes into a key; `None` when longer.
pub fn pack_key(form: &[u8]) -> Option<u64> {
    if form.len() > 8 {
        return None;
    }
    let mut bytes = [0u8; 8];
    bytes[..form.len()].copy_from_slice(form);
    Some(u64::from_le_bytes(bytes))
}

/// Reads the `index`-th little-endian u64 of `bytes`.
#[inline]
pub fn read_u64(bytes: &[u8], index: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[index * 8..index * 8 + 8]);
    u64::from_le_bytes(word)
}

#[inline]
pub fn read_u32(bytes: &[u8], index: usize) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[index * 4..index * 4 + 4]);
    u32::from_le_bytes(word)
}

#[inline]
pub fn read_u16(bytes: &[u8], index: usize) -> u16 {
    u16::from_le_bytes([bytes[index * 2], bytes[index * 2 + 1]])
}

/// How often a word is capitalized, quantized to a byte: the share is `(q + 0.5) / 256`, so
/// neither case is ever impossible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseShare(pub u8);

impl CaseShare {
    pub fn quantize(share: f64) -> CaseShare {
        CaseShare((share * 256.0 - 0.5).round().clamp(0.0, 255.0) as u8)
    }

    /// Cost (`-ln p × COST_SCALE`) of seeing a word in lowercase, and capitalized, by its share
    /// (the index): one table, fetched once per decoding rather than per lookup.
    pub fn cost_table() -> &'static [(u32, u32); 256] {
        static TABLE: std::sync::OnceLock<[(u32, u32); 256]> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            std::array::from_fn(|q| {
                let capital = (q as f64 + 0.5) / 256.0;
                let cost = |p: f64| (-p.ln() * COST_SCALE).round() as u32;
                (cost(1.0 - capital), cost(capital))
            })
        })
    }
}

pub const BIGRAM_KEY_MASK: u64 = (1 << (2 * ID_BITS)) - 1;

pub const BIGRAM_ENTRY: usize = 12;
pub const TRIGRAM_ENTRY: usize = 4;

/// The word an n-gram entry ends with (each entry starts with its u16 word).
#[inline]
fn entry_word<const N: usize>(entry: &[u8; N]) -> u16 {
    u16::from_le_bytes([entry[0], entry[1]])
}

/// Index of the entry of `w` in the sorted `row` of `entries`, if there is one.
#[inline]
pub fn find_in_row<const N: usize>(
    entries: &[[u8; N]],
    row: std::ops::Range<usize>,
    w: u16,
) -> Option<usize> {
    let at = lower_bound(entries, row.clone(), w);
    (at < row.end && entry_word(&entries[at]) == w).then_some(at)
}

const SHORT_ROW: usize = 8;

/// The first entry of `row` whose word is not below `w` (the row's end when there is none).
#[inline]
pub fn lower_bound<const N: usize>(
    entries: &[[u8; N]],
    row: std::ops::Range<usize>,
    w: u16,
) -> usize {
    let row_entries = &entries[row.clone()];
    // Most rows are short, and a scan of a few entries beats halving.
    let offset = if row_entries.len() <= SHORT_ROW {
        row_entries
            .iter()
            .position(|e| entry_word(e) >= w)
            .unwrap_or(row_entries.len())
    } else {
        halve(row_entries, 0, row_entries.len(), w)
    };
    row.start + offset
}

/// The first of `entries[lo..hi]` whose word is not below `w` (`hi` when there is none), by
/// halving. Branches, not `partition_point`'s conditional moves: a predicted branch lets the
/// next probe's load start before this one's arrives, and rows of frequent words are long and
/// cold.
#[inline]
fn halve<const N: usize>(entries: &[[u8; N]], mut lo: usize, mut hi: usize, w: u16) -> usize {
    while lo < hi {
        let mid = (lo + hi) / 2;
        if entry_word(&entries[mid]) < w {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// [`lower_bound`] for a word likely near the row's start, as the next of a sorted list of
/// words is: probes at 1, 2, 4 … entries on, then halves the last step. The first probes stay
/// in the cache lines the previous word's search loaded.
#[inline]
pub fn lower_bound_near<const N: usize>(
    entries: &[[u8; N]],
    row: std::ops::Range<usize>,
    w: u16,
) -> usize {
    let row_entries = &entries[row.clone()];
    let (mut lo, mut probe) = (0, 0);
    while probe < row_entries.len() && entry_word(&row_entries[probe]) < w {
        lo = probe + 1;
        probe = 2 * probe + 1;
    }
    row.start + halve(row_entries, lo, probe.min(row_entries.len()), w)
}

/// The tables of a model as the builder makes them and [`Tables::encode`] lays them out; a
/// loaded model gives them back with [`super::Model::tables`], so an overlay can be folded in.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    /// Specials first, then syllables, most frequent first.
    pub vocab: Vec<String>,
    /// Per id: (cost, backoff cost as a one-word context).
    pub unigrams: Vec<(u16, u16)>,
    /// Per id: how often the word is capitalized ([`CaseShare`]).
    pub unigram_case: Vec<u8>,
    /// Packed stripped form → candidate ids, ascending.
    pub keys: BTreeMap<u64, Vec<u16>>,
    /// Sorted by key.
    pub bigrams: Vec<BigramRow>,
    /// (key, cost), sorted by key.
    pub trigrams: Vec<(u64, u16)>,
}

/// A stored bigram as the builder holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct BigramRow {
    pub key: u64,
    pub cost: u16,
    /// Backoff cost of the bigram as a trigram context.
    pub backoff: u16,
    /// How often the right word is capitalized after the left one ([`CaseShare`]).
    pub case: u8,
}

fn pad(out: &mut Vec<u8>) {
    while !out.len().is_multiple_of(8) {
        out.push(0);
    }
}

/// The header of a file in this family of formats (a model, or an overlay with its own magic):
/// magic, version, and a payload of `payload_len` bytes whose CRC-32 is stored, then `fields`
/// u32 fields of the format's own.
pub fn encode_file(magic: [u8; 8], version: u32, fields: &[u32], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&magic);
    for field in [
        version,
        fields[0],
        payload.len() as u32,
        (payload.len() as u64 >> 32) as u32,
        crc32fast::hash(payload),
    ]
    .into_iter()
    .chain(fields[1..].iter().copied())
    {
        out.extend_from_slice(&field.to_le_bytes());
    }
    debug_assert!(out.len() <= HEADER_LEN);
    out.resize(HEADER_LEN, 0);
    out.extend_from_slice(payload);
    out
}

/// Checks what [`encode_file`] wrote: magic, version, length and checksum. Returns the header as
/// u32s (the format's own fields are at index 3, then from index 7 on) and the payload's end.
pub fn check_file(
    bytes: &[u8],
    magic: [u8; 8],
    version: u32,
) -> Result<([u32; HEADER_LEN / 4], usize), super::ModelError> {
    use super::ModelError;
    if bytes.len() < magic.len() || bytes[..8] != magic {
        return Err(ModelError::BadMagic);
    }
    if bytes.len() < HEADER_LEN {
        return Err(ModelError::Truncated {
            expected: HEADER_LEN as u64,
            actual: bytes.len() as u64,
        });
    }
    let header: [u32; HEADER_LEN / 4] = std::array::from_fn(|i| read_u32(&bytes[..HEADER_LEN], i));
    if header[2] != version {
        return Err(ModelError::UnsupportedVersion {
            found: header[2],
            supported: version,
        });
    }
    let payload_len = u64::from(header[4]) | (u64::from(header[5]) << 32);
    let expected = HEADER_LEN as u64 + payload_len;
    if (bytes.len() as u64) < expected {
        return Err(ModelError::Truncated {
            expected,
            actual: bytes.len() as u64,
        });
    }
    let end = expected as usize;
    let (stored, computed) = (header[6], crc32fast::hash(&bytes[HEADER_LEN..end]));
    if stored != computed {
        return Err(ModelError::Checksum { stored, computed });
    }
    Ok((header, end))
}

/// Cuts the payload of a file [`check_file`] passed into consecutive sections, each padded to 8
/// bytes, in the order [`encode_file`]'s caller wrote them.
pub struct Sections {
    at: usize,
    end: usize,
}

impl Sections {
    /// The sections of a payload ending at `end`.
    pub fn new(end: usize) -> Sections {
        Sections {
            at: HEADER_LEN,
            end,
        }
    }

    /// The next section, of `len` bytes.
    pub fn take(&mut self, len: usize) -> Result<std::ops::Range<usize>, super::ModelError> {
        let range = self.at..self.at.saturating_add(len);
        self.at = (range.end + 7) & !7;
        if range.end > self.end {
            return Err(super::ModelError::Malformed(
                "sections overrun the payload".into(),
            ));
        }
        Ok(range)
    }

    /// The vocabulary's two sections, offsets and text, as [`encode_vocab`] wrote them.
    pub fn vocab(
        &mut self,
        bytes: &[u8],
        vocab_len: usize,
    ) -> Result<(std::ops::Range<usize>, std::ops::Range<usize>), super::ModelError> {
        let offsets = self.take((vocab_len + 1) * 4)?;
        let text_len = read_u32(&bytes[offsets.clone()], vocab_len) as usize;
        Ok((offsets, self.take(text_len)?))
    }
}

/// Appends the vocabulary sections: offsets, then the text.
pub fn encode_vocab(vocab: &[String], payload: &mut Vec<u8>) {
    let mut offset = 0u32;
    payload.extend_from_slice(&0u32.to_le_bytes());
    for syllable in vocab {
        offset += syllable.len() as u32;
        payload.extend_from_slice(&offset.to_le_bytes());
    }
    pad(payload);
    for syllable in vocab {
        payload.extend_from_slice(syllable.as_bytes());
    }
    pad(payload);
}

impl Tables {
    /// The model file: header, the sections in the order of the module comment, and `meta`.
    pub fn encode(&self, meta: &[u8]) -> Vec<u8> {
        let (vocab, bigrams, trigrams) = (&self.vocab, &self.bigrams, &self.trigrams);
        let mut payload = Vec::new();
        encode_vocab(vocab, &mut payload);
        for &(cost, backoff) in &self.unigrams {
            payload
                .extend_from_slice(&(u32::from(cost) | (u32::from(backoff) << 16)).to_le_bytes());
        }
        pad(&mut payload);
        payload.extend_from_slice(&self.unigram_case);
        pad(&mut payload);
        let mut first = 0u32;
        for (&key, ids) in &self.keys {
            payload.extend_from_slice(&key.to_le_bytes());
            payload.extend_from_slice(&first.to_le_bytes());
            payload.extend_from_slice(&(ids.len() as u32).to_le_bytes());
            first += ids.len() as u32;
        }
        pad(&mut payload);
        for id in self.keys.values().flatten() {
            payload.extend_from_slice(&id.to_le_bytes());
        }
        pad(&mut payload);
        // Bigram row starts per left word.
        let mut at = 0usize;
        for v in 0..=vocab.len() as u64 {
            while at < bigrams.len() && bigrams[at].key >> ID_BITS < v {
                at += 1;
            }
            payload.extend_from_slice(&(at as u32).to_le_bytes());
        }
        pad(&mut payload);
        // Bigram entries, then a sentinel closing the last trigram row.
        let mut tri = 0usize;
        for bigram in bigrams {
            while tri < trigrams.len() && trigrams[tri].0 >> ID_BITS < bigram.key {
                tri += 1;
            }
            let w = (bigram.key & ((1 << ID_BITS) - 1)) as u16;
            for field in [w, bigram.cost, bigram.backoff, u16::from(bigram.case)] {
                payload.extend_from_slice(&field.to_le_bytes());
            }
            payload.extend_from_slice(&(tri as u32).to_le_bytes());
        }
        payload.extend_from_slice(&[0u8; 8]);
        payload.extend_from_slice(&(trigrams.len() as u32).to_le_bytes());
        pad(&mut payload);
        for &(key, cost) in trigrams {
            let w = (key & ((1 << ID_BITS) - 1)) as u16;
            payload.extend_from_slice(&w.to_le_bytes());
            payload.extend_from_slice(&cost.to_le_bytes());
        }
        pad(&mut payload);
        payload.extend_from_slice(meta);
        encode_file(
            MAGIC,
            FORMAT_VERSION,
            &[
                vocab.len() as u32,
                self.keys.len() as u32,
                first,
                bigrams.len() as u32,
                trigrams.len() as u32,
                meta.len() as u32,
            ],
            &payload,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_bound_near_agrees_with_lower_bound() {
        // Rows of every length up to past SHORT_ROW, words spaced by three, asked about every
        // word from before the first to past the last, from every start within the row.
        for len in 0..40u16 {
            let entries: Vec<[u8; 4]> = (0..len)
                .map(|i| {
                    let [a, b] = (10 + 3 * i).to_le_bytes();
                    [a, b, 0, 0]
                })
                .collect();
            for start in 0..=entries.len() {
                for w in 0..(20 + 3 * len) {
                    let row = start..entries.len();
                    assert_eq!(
                        lower_bound_near(&entries, row.clone(), w),
                        lower_bound(&entries, row, w),
                        "row length {len}, start {start}, word {w}"
                    );
                }
            }
        }
    }
}
