//! Building the model from corpora: vocabulary (syllables the structure allows, seen often
//! enough), stripped-form → candidates map, and an interpolated modified Kneser-Ney trigram model
//! with count cutoffs, written in the [`super::format`] layout.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::format::*;
use super::FxHashMap;
use crate::orthography as syllable;
use crate::restore::tokenize::{ends_segment, observed_cases, tokenize, Case, TokenKind};
use crate::text::strip_diacritics;

/// A corpus and the weight its counts get (a domain closer to the target counts more).
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub path: PathBuf,
    pub weight: u32,
}

impl std::str::FromStr for Source {
    type Err = String;
    /// `PATH` or `PATH:WEIGHT`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.rsplit_once(':') {
            Some((path, weight)) if weight.chars().all(|c| c.is_ascii_digit()) => Ok(Source {
                path: path.into(),
                weight: weight
                    .parse()
                    .ok()
                    .filter(|&w| w > 0)
                    .ok_or_else(|| format!("bad weight in {s}"))?,
            }),
            _ => Ok(Source {
                path: s.into(),
                weight: 1,
            }),
        }
    }
}

/// A word list (one word per line, syllables separated by spaces, e.g. Viet74K) and the cost
/// (`-ln p × 100`) taken off every n-gram that completes one of its words of two or three
/// syllables.
#[derive(Debug, Clone, Serialize)]
pub struct WordList {
    pub path: PathBuf,
    pub bonus: u16,
}

impl WordList {
    /// `PATH` (with `default_bonus`) or `PATH:BONUS`.
    pub fn parse(s: &str, default_bonus: u16) -> Result<Self, String> {
        match s.rsplit_once(':') {
            Some((path, bonus))
                if !bonus.is_empty() && bonus.chars().all(|c| c.is_ascii_digit()) =>
            {
                Ok(WordList {
                    path: path.into(),
                    bonus: bonus.parse().map_err(|_| format!("bad bonus in {s}"))?,
                })
            }
            _ => Ok(WordList {
                path: s.into(),
                bonus: default_bonus,
            }),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct BuildOptions {
    pub sources: Vec<Source>,
    /// Weighted count a syllable needs to enter the vocabulary.
    pub min_syllable_count: u64,
    /// Weighted count a bigram needs to be stored.
    pub min_bigram_count: u64,
    /// Weighted count a trigram needs to be stored.
    pub min_trigram_count: u64,
    /// Word lists, applied in order (a word in two lists gets both bonuses).
    pub words: Vec<WordList>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            sources: Vec::new(),
            min_syllable_count: 3,
            min_bigram_count: 2,
            min_trigram_count: 3,
            words: Vec::new(),
        }
    }
}

/// What went into a model; stored in it as JSON and printed by `vanban model info`.
#[derive(Debug, Clone, Serialize)]
pub struct BuildReport {
    pub vanban_version: &'static str,
    pub format_version: u32,
    pub options: BuildOptions,
    pub source_tokens: Vec<u64>,
    pub inventory_syllables: usize,
    pub vocabulary: usize,
    pub stripped_forms: usize,
    pub candidates: usize,
    pub bigrams: usize,
    pub trigrams: usize,
    /// Per word list, its words of two or three syllables whose syllables are all in the
    /// vocabulary.
    pub words: Vec<usize>,
    pub discounts: [[f64; 3]; 2],
    pub smoothing: &'static str,
    pub tone_style: &'static str,
}

/// A corpus file as text: UTF-8, or `.xz` compressed UTF-8.
pub fn read_source(path: &Path) -> crate::Result<String> {
    let io_error = |e| crate::Error::io(path, e);
    let mut bytes = Vec::new();
    if path.extension().is_some_and(|e| e == "xz") {
        // In-process, so building a model needs no external program; the multi-stream decoder
        // also reads files made by concatenating `.xz` files, as `xz -dc` does.
        let file = std::fs::File::open(path).map_err(io_error)?;
        liblzma::read::XzDecoder::new_multi_decoder(std::io::BufReader::new(file))
            .read_to_end(&mut bytes)
            .map_err(|e| crate::Error::InvalidInput {
                path: path.into(),
                reason: format!("not a readable .xz file: {e}"),
            })?;
    } else {
        bytes = std::fs::read(path).map_err(io_error)?;
    }
    String::from_utf8(bytes).map_err(|e| crate::Error::Encoding {
        path: path.into(),
        reason: e.to_string(),
    })
}

/// Canonical syllable of each distinct word form, memoized: corpora repeat a few thousand forms
/// millions of times.
#[derive(Default)]
struct Canon {
    memo: FxHashMap<String, Option<u32>>,
    forms: Vec<String>,
    index: FxHashMap<String, u32>,
}

impl Canon {
    fn get(&mut self, word: &str) -> Option<u32> {
        if let Some(&hit) = self.memo.get(word) {
            return hit;
        }
        let result = syllable::canonical(word).map(|form| {
            let next = self.forms.len() as u32;
            *self.index.entry(form.clone()).or_insert_with(|| {
                self.forms.push(form);
                next
            })
        });
        self.memo.insert(word.to_owned(), result);
        result
    }
}

fn is_document_header(line: &str) -> bool {
    line.starts_with("# doc = ")
}

/// The corpora as counts over a vocabulary: what a model is estimated from, and what an overlay
/// stores.
pub(super) struct Counts {
    /// Specials first, then the syllables seen often enough, most frequent first.
    pub vocab: Vec<String>,
    /// Weighted counts of the trigrams over `<s> w1 … wn </s>` of each segment; the first word of
    /// a segment is counted as `(none, <s>, w1)`, so each bigram occurrence is counted once.
    pub trigrams: FxHashMap<u64, u64>,
    /// Tokens of each source.
    pub source_tokens: Vec<u64>,
    case_counts: CaseCounts,
}

/// Reads and counts `sources`; syllables with a weighted count below `min_syllable_count` are
/// `<unk>`.
pub(super) fn count(sources: &[Source], min_syllable_count: u64) -> crate::Result<Counts> {
    let mut canon = Canon::default();
    // Each source as segments of canonical-form indexes (u32::MAX - 1 = number, MAX = other).
    const OTHER: u32 = u32::MAX;
    const NUMBER: u32 = u32::MAX - 1;
    const BREAK: u32 = u32::MAX - 2;
    // Each stream with the case of each of its entries.
    let mut streams: Vec<(Vec<u32>, Vec<Case>, u64)> = Vec::new();
    let mut form_counts: Vec<u64> = Vec::new();
    let mut source_tokens = Vec::new();
    for source in sources {
        let text = read_source(&source.path)?;
        let mut stream = Vec::new();
        let mut stream_cases = Vec::new();
        let mut tokens = Vec::new();
        let mut cases = Vec::new();
        let mut previous_blank = true;
        for line in text.split_inclusive('\n') {
            if is_document_header(line) || line.trim().is_empty() {
                previous_blank = true;
                continue;
            }
            tokens.clear();
            tokenize(line, |w| syllable::canonical(w).is_some(), &mut tokens);
            observed_cases(line, &tokens, &mut cases);
            for (i, (token, &case)) in tokens.iter().zip(&cases).enumerate() {
                if token.starts_segment && (i > 0 || previous_blank) {
                    stream.push(BREAK);
                    stream_cases.push(Case::Unknown);
                }
                let word = &line[token.start..token.end];
                let id = match token.kind {
                    TokenKind::Word => canon.get(word).unwrap_or(OTHER),
                    TokenKind::Number => NUMBER,
                    TokenKind::Other => OTHER,
                };
                if id < BREAK {
                    if form_counts.len() <= id as usize {
                        form_counts.resize(id as usize + 1, 0);
                    }
                    form_counts[id as usize] += u64::from(source.weight);
                }
                stream.push(id);
                stream_cases.push(case);
            }
            // A line ending in punctuation ends the segment, as the tokenizer would see it in
            // running text.
            previous_blank = ends_segment(line);
        }
        source_tokens.push(stream.iter().filter(|&&t| t != BREAK).count() as u64);
        streams.push((stream, stream_cases, u64::from(source.weight)));
    }

    // Vocabulary: attested forms, most frequent first, ids after the specials.
    let mut attested: Vec<(u64, u32)> = form_counts
        .iter()
        .enumerate()
        .filter(|(_, &c)| c >= min_syllable_count)
        .map(|(i, &c)| (c, i as u32))
        .collect();
    attested.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| canon.forms[a.1 as usize].cmp(&canon.forms[b.1 as usize]))
    });
    attested.truncate(MAX_VOCAB - SPECIALS.len());
    let mut form_to_id = vec![UNK; canon.forms.len()];
    let mut vocab: Vec<String> = SPECIALS.iter().map(|s| s.to_string()).collect();
    for &(_, form) in &attested {
        form_to_id[form as usize] = vocab.len() as u16;
        vocab.push(canon.forms[form as usize].clone());
    }

    // Weighted trigram counts over <s> w1 … wn </s>, and how often each word is capitalized,
    // alone and after each left word.
    let mut trigrams: FxHashMap<u64, u64> = FxHashMap::default();
    let mut case_counts = CaseCounts::new(vocab.len());
    for (stream, cases, weight) in &streams {
        let mut u = NONE;
        let mut v = BOS;
        let cases = cases.iter().chain(std::iter::once(&Case::Unknown));
        for (&t, &case) in stream.iter().chain(std::iter::once(&BREAK)).zip(cases) {
            let w = match t {
                BREAK => EOS,
                NUMBER => NUM,
                OTHER => UNK,
                form => form_to_id[form as usize],
            };
            if u != NONE {
                *trigrams.entry(trigram_key(u, v, w)).or_default() += weight;
            }
            case_counts.add(v, w, case, *weight);
            if t == BREAK {
                if v != BOS {
                    u = NONE;
                    v = BOS;
                }
                continue;
            }
            if u == NONE && v == BOS {
                // The first word is predicted by the bigram <s> w; record it as trigram (0, <s>, w).
                *trigrams.entry(trigram_key(NONE, BOS, w)).or_default() += weight;
            }
            u = v;
            v = w;
        }
    }
    Ok(Counts {
        vocab,
        trigrams,
        source_tokens,
        case_counts,
    })
}

/// Builds a model; returns its bytes and what went into it.
pub fn build(options: &BuildOptions) -> crate::Result<(Vec<u8>, BuildReport)> {
    let Counts {
        vocab,
        trigrams,
        source_tokens,
        case_counts,
    } = count(&options.sources, options.min_syllable_count)?;
    let lm = Smoothed::estimate(&trigrams, vocab.len());
    // Trigrams kept, sorted by key so each (u, v) context is one contiguous row.
    let mut trigram_rows: Vec<(u64, u16)> = trigrams
        .iter()
        .filter(|&(&key, &count)| {
            (key >> (2 * ID_BITS)) as u16 != NONE && count >= options.min_trigram_count
        })
        .map(|(&key, &count)| (key, lm.trigram_cost(key, count)))
        .collect();
    trigram_rows.sort_unstable();
    let mut contexts: Vec<u64> = trigram_rows.iter().map(|&(k, _)| k >> ID_BITS).collect();
    contexts.dedup();
    // Bigrams kept: frequent ones and every context of a kept trigram (its row hangs off it).
    let mut bigram_rows: Vec<(u64, u16, u16)> = lm
        .bigrams
        .iter()
        .filter(|&(key, &(count, _))| {
            count >= options.min_bigram_count || contexts.binary_search(key).is_ok()
        })
        .map(|(&key, &(_, cost))| {
            let backoff = lm.contexts3.get(&key).map_or(0, |c| c.backoff_cost);
            (key, cost, backoff)
        })
        .collect();
    bigram_rows.sort_unstable();
    let id_of: FxHashMap<&str, u16> = vocab
        .iter()
        .enumerate()
        .skip(SPECIALS.len())
        .map(|(id, form)| (form.as_str(), id as u16))
        .collect();
    let mut words = Vec::new();
    for list in &options.words {
        let listed = read_words(&list.path, &id_of)?;
        apply_word_bonus(
            &listed,
            list.bonus,
            &lm,
            &mut bigram_rows,
            &mut trigram_rows,
        );
        words.push(listed.len());
    }

    // Stripped form → candidates, most frequent first (ids are already in frequency order).
    let mut by_key: BTreeMap<u64, Vec<u16>> = BTreeMap::new();
    for (id, form) in vocab.iter().enumerate().skip(SPECIALS.len()) {
        if let Some(key) = pack_key(strip_diacritics(form).as_bytes()) {
            by_key.entry(key).or_default().push(id as u16);
        }
    }

    let inventory = syllable::inventory();
    let report = BuildReport {
        vanban_version: env!("CARGO_PKG_VERSION"),
        format_version: FORMAT_VERSION,
        options: options.clone(),
        source_tokens,
        inventory_syllables: inventory.len(),
        vocabulary: vocab.len() - SPECIALS.len(),
        stripped_forms: by_key.len(),
        candidates: by_key.values().map(Vec::len).sum(),
        bigrams: bigram_rows.len(),
        trigrams: trigram_rows.len(),
        words,
        discounts: [lm.discounts2, lm.discounts3],
        smoothing: "interpolated modified Kneser-Ney, count cutoffs",
        tone_style: "new (hòa, thủy)",
    };
    debug_assert!(vocab[SPECIALS.len()..]
        .iter()
        .all(|s| inventory.contains(s)));
    let case = case_counts.shares();
    let tables = Tables {
        vocab,
        unigrams: lm.unigrams,
        unigram_case: case.unigrams.iter().map(|share| share.0).collect(),
        keys: by_key,
        bigrams: bigram_rows
            .iter()
            .map(|&(key, cost, backoff)| BigramRow {
                key,
                cost,
                backoff,
                case: case.bigram(key).0,
            })
            .collect(),
        trigrams: trigram_rows,
    };
    let bytes = tables.encode(&serde_json::to_vec_pretty(&report).unwrap_or_default());
    Ok((bytes, report))
}

/// The listed words of two or three syllables, as vocabulary ids, sorted.
fn read_words(path: &Path, id_of: &FxHashMap<&str, u16>) -> crate::Result<Vec<Vec<u16>>> {
    let text = read_source(path)?;
    let mut words: Vec<Vec<u16>> = text
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let ids: Option<Vec<u16>> = line
                .split_whitespace()
                .map(|s| syllable::canonical(s).and_then(|form| id_of.get(form.as_str()).copied()))
                .collect();
            ids.filter(|ids| (2..=3).contains(&ids.len()))
        })
        .collect();
    words.sort_unstable();
    words.dedup();
    Ok(words)
}

/// Lowers the cost of every stored n-gram that completes a listed word by `bonus`, and stores the
/// n-grams of listed words the corpora lack (at their backoff cost, less the bonus), so the
/// decoder rewards known words without a lookup of its own.
fn apply_word_bonus(
    words: &[Vec<u16>],
    bonus: u16,
    lm: &Smoothed,
    bigrams: &mut Vec<(u64, u16, u16)>,
    trigrams: &mut Vec<(u64, u16)>,
) {
    let pairs: FxHashMap<u64, ()> = words
        .iter()
        .filter(|w| w.len() == 2)
        .map(|w| (bigram_key(w[0], w[1]), ()))
        .collect();
    let triples: FxHashMap<u64, ()> = words
        .iter()
        .filter(|w| w.len() == 3)
        .map(|w| (trigram_key(w[0], w[1], w[2]), ()))
        .collect();
    let stored: FxHashMap<u64, u16> = bigrams.iter().map(|&(k, c, _)| (k, c)).collect();
    let bigram_cost = |key: u64| -> u16 {
        stored.get(&key).copied().unwrap_or_else(|| {
            let v = (key >> ID_BITS) as usize;
            let w = (key & ((1 << ID_BITS) - 1)) as usize;
            lm.unigrams[v].1.saturating_add(lm.unigrams[w].0)
        })
    };
    for (key, cost, _) in bigrams.iter_mut() {
        if pairs.contains_key(key) {
            *cost = cost.saturating_sub(bonus);
        }
    }
    for (key, cost) in trigrams.iter_mut() {
        if pairs.contains_key(&(*key & BIGRAM_KEY_MASK)) || triples.contains_key(key) {
            *cost = cost.saturating_sub(bonus);
        }
    }
    // Listed words the corpora never showed in a stored n-gram.
    let mut new_bigrams: Vec<(u64, u16, u16)> = pairs
        .keys()
        .filter(|key| !stored.contains_key(key))
        .map(|&key| (key, bigram_cost(key).saturating_sub(bonus), 0))
        .collect();
    let stored_trigrams: FxHashMap<u64, ()> = trigrams.iter().map(|&(k, _)| (k, ())).collect();
    for &key in triples.keys() {
        if stored_trigrams.contains_key(&key) {
            continue;
        }
        let context = key >> ID_BITS;
        let backoff = lm.contexts3.get(&context).map_or(0, |c| c.backoff_cost);
        let full = backoff.saturating_add(bigram_cost(key & BIGRAM_KEY_MASK));
        trigrams.push((key, full.saturating_sub(bonus)));
        if !stored.contains_key(&context) && !pairs.contains_key(&context) {
            new_bigrams.push((context, bigram_cost(context), backoff));
        }
    }
    new_bigrams.sort_unstable();
    new_bigrams.dedup_by_key(|b| b.0);
    bigrams.extend(new_bigrams);
    bigrams.sort_unstable();
    trigrams.sort_unstable();
}

/// Weighted counts of capitalized and all occurrences where the case tells something, per word
/// and per bigram.
struct CaseCounts {
    unigrams: Vec<(u64, u64)>,
    bigrams: FxHashMap<u64, (u64, u64)>,
}

/// Weighted occurrences the share of the level below is worth when estimating a word's share:
/// a word seen capitalized once is no name yet.
const CASE_PRIOR: f64 = 4.0;

impl CaseCounts {
    fn new(vocab_len: usize) -> CaseCounts {
        CaseCounts {
            unigrams: vec![(0, 0); vocab_len],
            bigrams: FxHashMap::default(),
        }
    }

    fn add(&mut self, v: u16, w: u16, case: Case, weight: u64) {
        let capital = match case {
            Case::Unknown => return,
            Case::Lower => 0,
            Case::Capital => weight,
        };
        for counts in [
            &mut self.unigrams[w as usize],
            self.bigrams.entry(bigram_key(v, w)).or_default(),
        ] {
            counts.0 += capital;
            counts.1 += weight;
        }
    }

    fn shares(&self) -> CaseShares<'_> {
        let (capital, total) = self
            .unigrams
            .iter()
            .fold((0, 0), |(c, t), &(uc, ut)| (c + uc, t + ut));
        let overall = capital as f64 / total.max(1) as f64;
        let unigrams = self
            .unigrams
            .iter()
            .map(|&(c, t)| {
                CaseShare::quantize((c as f64 + CASE_PRIOR * overall) / (t as f64 + CASE_PRIOR))
            })
            .collect();
        CaseShares {
            counts: self,
            unigrams,
        }
    }
}

/// The case shares the model stores: per word, and per bigram backed off to its right word's.
struct CaseShares<'a> {
    counts: &'a CaseCounts,
    unigrams: Vec<CaseShare>,
}

impl CaseShares<'_> {
    fn bigram(&self, key: u64) -> CaseShare {
        let w = (key & ((1 << ID_BITS) - 1)) as usize;
        let prior = (f64::from(self.unigrams[w].0) + 0.5) / 256.0;
        let (c, t) = self.counts.bigrams.get(&key).copied().unwrap_or_default();
        CaseShare::quantize((c as f64 + CASE_PRIOR * prior) / (t as f64 + CASE_PRIOR))
    }
}

fn cost(p: f64) -> u16 {
    (-p.ln() * COST_SCALE)
        .round()
        .clamp(0.0, f64::from(u16::MAX)) as u16
}

/// Discounted count statistics of one context.
#[derive(Default, Clone, Copy)]
struct Context {
    total: u64,
    n: [u64; 3],
    backoff_cost: u16,
    gamma: f64,
}

struct Smoothed {
    discounts2: [f64; 3],
    discounts3: [f64; 3],
    contexts3: FxHashMap<u64, Context>,
    /// Bigram key → (lower-order count, cost).
    bigrams: FxHashMap<u64, (u64, u16)>,
    /// Full interpolated bigram probabilities, for the trigram level.
    bigram_p: FxHashMap<u64, f64>,
    contexts2_gamma: Vec<f64>,
    unigram_p: Vec<f64>,
    unigrams: Vec<(u16, u16)>,
}

fn discounts(counts: impl Iterator<Item = u64>) -> [f64; 3] {
    let mut n = [0f64; 5];
    for c in counts {
        if (1..=4).contains(&c) {
            n[c as usize] += 1.0;
        }
    }
    if n[1] == 0.0 || n[2] == 0.0 || n[3] == 0.0 {
        return [0.5, 1.0, 1.5];
    }
    let y = n[1] / (n[1] + 2.0 * n[2]);
    [
        (1.0 - 2.0 * y * n[2] / n[1]).max(0.1),
        (2.0 - 3.0 * y * n[3] / n[2]).max(0.2),
        (3.0 - 4.0 * y * n[4] / n[3]).max(0.3),
    ]
}

fn discount(d: &[f64; 3], count: u64) -> f64 {
    d[(count.min(3) - 1) as usize]
}

fn add_context(stats: &mut Context, count: u64) {
    stats.total += count;
    stats.n[(count.min(3) - 1) as usize] += 1;
}

impl Smoothed {
    fn estimate(trigrams: &FxHashMap<u64, u64>, vocab_len: usize) -> Smoothed {
        // Lower-order counts: continuation counts (distinct left words), except after <s> where
        // the bigram count itself is used (nothing precedes <s>).
        let mut lower: FxHashMap<u64, u64> = FxHashMap::default();
        for (&key, &count) in trigrams {
            let u = (key >> (2 * ID_BITS)) as u16;
            let vw = key & BIGRAM_KEY_MASK;
            let v = (vw >> ID_BITS) as u16;
            if v == BOS {
                *lower.entry(vw).or_default() += count;
            } else if u != NONE {
                *lower.entry(vw).or_default() += 1;
            }
        }
        let discounts3 = discounts(trigrams.values().copied());
        let discounts2 = discounts(lower.values().copied());

        let mut unigram_cont = vec![0u64; vocab_len];
        let mut contexts2 = vec![Context::default(); vocab_len];
        for (&vw, &count) in &lower {
            unigram_cont[(vw & ((1 << ID_BITS) - 1)) as usize] += 1;
            add_context(&mut contexts2[(vw >> ID_BITS) as usize], count);
        }
        let cont_total: u64 = unigram_cont.iter().sum();
        // Half a count for every word keeps words seen only in pruned contexts possible.
        let unigram_p: Vec<f64> = unigram_cont
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                if i == NONE as usize || i == BOS as usize {
                    0.0
                } else {
                    (c as f64 + 0.5) / (cont_total as f64 + 0.5 * vocab_len as f64)
                }
            })
            .collect();
        let contexts2_gamma: Vec<f64> = contexts2.iter().map(|c| gamma(c, &discounts2)).collect();
        let unigrams = (0..vocab_len)
            .map(|i| {
                let p = unigram_p[i].max(1e-12);
                let backoff = if contexts2[i].total > 0 {
                    cost(contexts2_gamma[i])
                } else {
                    0
                };
                (cost(p), backoff)
            })
            .collect();

        let mut bigrams = FxHashMap::default();
        let mut bigram_p = FxHashMap::default();
        for (&vw, &count) in &lower {
            let v = (vw >> ID_BITS) as usize;
            let w = (vw & ((1 << ID_BITS) - 1)) as usize;
            let ctx = &contexts2[v];
            let p = (count as f64 - discount(&discounts2, count)).max(0.0) / ctx.total as f64
                + contexts2_gamma[v] * unigram_p[w];
            bigrams.insert(vw, (count, cost(p)));
            bigram_p.insert(vw, p);
        }

        let mut contexts3: FxHashMap<u64, Context> = FxHashMap::default();
        for (&key, &count) in trigrams {
            if (key >> (2 * ID_BITS)) as u16 != NONE {
                add_context(contexts3.entry(key >> ID_BITS).or_default(), count);
            }
        }
        for ctx in contexts3.values_mut() {
            ctx.gamma = gamma(ctx, &discounts3);
            ctx.backoff_cost = cost(ctx.gamma);
        }
        Smoothed {
            discounts2,
            discounts3,
            contexts3,
            bigrams,
            bigram_p,
            contexts2_gamma,
            unigram_p,
            unigrams,
        }
    }

    fn trigram_cost(&self, key: u64, count: u64) -> u16 {
        let ctx = &self.contexts3[&(key >> ID_BITS)];
        let vw = key & BIGRAM_KEY_MASK;
        let lower = self.bigram_p.get(&vw).copied().unwrap_or_else(|| {
            let v = (vw >> ID_BITS) as usize;
            self.contexts2_gamma[v] * self.unigram_p[(vw & ((1 << ID_BITS) - 1)) as usize]
        });
        let p = (count as f64 - discount(&self.discounts3, count)).max(0.0) / ctx.total as f64
            + ctx.gamma * lower;
        cost(p)
    }
}

fn gamma(ctx: &Context, d: &[f64; 3]) -> f64 {
    if ctx.total == 0 {
        return 1.0;
    }
    (d[0] * ctx.n[0] as f64 + d[1] * ctx.n[1] as f64 + d[2] * ctx.n[2] as f64) / ctx.total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_take_their_own_bonus_or_the_default() {
        let own = WordList::parse("dictionaries/domain-words.txt:300", 150).unwrap();
        assert_eq!(
            (own.path.to_str(), own.bonus),
            (Some("dictionaries/domain-words.txt"), 300)
        );
        let default = WordList::parse("words.txt", 150).unwrap();
        assert_eq!(
            (default.path.to_str(), default.bonus),
            (Some("words.txt"), 150)
        );
        assert!(WordList::parse("words.txt:99999", 150).is_err());
    }
}
