//! The binary model format, version 1. All integers are little endian.
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
//!  36  bigram_bits      u32   log2 of the bigram slots
//!  40  trigram_bits     u32   log2 of the trigram slots
//!  44  meta_len         u32   JSON build report at the end of the payload
//!  48  reserved (16 zero bytes)
//! payload, each section padded to 8 bytes:
//!   vocab offsets   (vocab_len + 1) × u32 into the vocab text
//!   vocab text      UTF-8, lowercase syllables in the new tone style
//!   unigrams        vocab_len × u32: cost (u16) | backoff cost of the context (u16) << 16
//!   keys            key_count × (u64 packed ASCII stripped form, u32 first candidate, u32 count),
//!                   sorted by key
//!   candidates      cand_count × u16 ids, most frequent first
//!   bigram slots    u64: v << 14 | w, cost << 28, backoff cost of the (v, w) context << 44
//!   trigram slots   u64: u << 28 | v << 14 | w, cost << 42
//!   meta            JSON
//! ```
//!
//! Costs are `-ln p × COST_SCALE` rounded; slots are open-addressing tables (linear probing from
//! [`slot_hash`], 0 = empty) read in place, so a memory-mapped model needs no parsing.
//!
//! History: version 1 is the first format.

pub const MAGIC: [u8; 8] = *b"VNBMODEL";
pub const FORMAT_VERSION: u32 = 1;
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

pub const BIGRAM_KEY_MASK: u64 = (1 << (2 * ID_BITS)) - 1;
pub const TRIGRAM_KEY_MASK: u64 = (1 << (3 * ID_BITS)) - 1;

/// Home slot of `key` in a table of `1 << bits` slots (Fibonacci hashing).
#[inline]
pub fn slot_hash(key: u64, bits: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
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

pub fn unpack_key(key: u64) -> String {
    key.to_le_bytes()
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| b as char)
        .collect()
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

/// Builds an open-addressing table of `1 << bits` slots from `(key, slot)` pairs (the slot holds
/// the key in its low bits).
pub fn build_table(entries: &[(u64, u64)], key_mask: u64) -> (u32, Vec<u64>) {
    let mut bits = 4;
    // Keep the load factor at or below 0.75 so probes stay short.
    while (1usize << bits) * 3 < entries.len() * 4 {
        bits += 1;
    }
    let mask = (1usize << bits) - 1;
    let mut slots = vec![0u64; 1 << bits];
    for &(key, slot) in entries {
        let mut at = slot_hash(key, bits);
        while slots[at] != 0 {
            debug_assert_ne!(slots[at] & key_mask, key, "duplicate n-gram");
            at = (at + 1) & mask;
        }
        slots[at] = slot;
    }
    (bits, slots)
}

/// Finds the slot of `key` in a table read in place.
#[inline]
pub fn probe(table: &[u8], bits: u32, key: u64, key_mask: u64) -> Option<u64> {
    let mask = (1usize << bits) - 1;
    let mut at = slot_hash(key, bits);
    loop {
        let slot = read_u64(table, at);
        if slot == 0 {
            return None;
        }
        if slot & key_mask == key {
            return Some(slot);
        }
        at = (at + 1) & mask;
    }
}
