//! Candidates for OCR'd words under the noisy channel of [`super::confusion`]: which dictionary
//! syllables could have been printed where Tesseract read `ciia`, `s6`, `K&` or `hién`, and what
//! each reading costs.
//!
//! Generation is indexed, never a scan of the vocabulary: the observed word is cut into units of
//! one or two characters, each unit is read back as the stripped letters the table says it can
//! stand for (`ii → u`, `6 → o`, `& → e`, `é → e`), and every stripped form so spelled is looked
//! up in the restorer's form index. A depth-first search bounded by cost keeps this to a few
//! dozen lookups. Each syllable found is then priced exactly, unit by unit, with the full
//! accented letters (`ố → 6` is cheap, `o → 6` is not). The word as written stays a candidate
//! (as `<unk>`, copied verbatim) so names, foreign words and codes survive.

use std::hash::{Hash, Hasher};
use std::sync::{Mutex, PoisonError};

use crate::model::format::UNK;
use crate::model::{FxHashMap, FxHasher};
use crate::orthography as syllable;
use crate::text::strip::strip_char;

use super::confusion::{pack_unit, Channel, Keep, OcrLang, Rewrite};
use super::{InputKind, Restorer};

/// Readings whose stripped-form cost exceeds the cheapest reading by more than this are not
/// searched.
const SEARCH_BOUND: u32 = 1400;
/// Once a reading spells a syllable, readings costlier by more than this are not searched.
const FOUND_BOUND: u32 = 800;
/// Candidates kept per word, cheapest channel + unigram cost first. On badly degraded pages the
/// true word is often a reading that lost a vowel (`do` for `đào`, `to` for `tạo`), which ranks
/// low on its own and needs the n-gram context to win: 8 kept `eng` heavy-page WER at 21.6 %,
/// 12 gives 20.6 %, 16 19.6 %. The decoder's work grows with the count: 12 took 34 % more
/// instructions than 8 on 150 varied English-model pages.
const MAX_CANDIDATES: usize = 12;
/// Candidates whose channel + unigram cost exceeds the best one's by more than this are dropped.
const CANDIDATE_MARGIN: u32 = 900;
/// Search steps per word, so a long garbled token cannot stall a page.
const MAX_STEPS: usize = 4000;
/// Readings of one unit costlier than this are not searched (they are priced when another
/// reading leads to the same syllable). Up from 750: rarer readings helped the `vie` degraded
/// pages (5.52 → 5.39 % WER); past 900 nothing changed.
const UNIT_BOUND: u32 = 900;
/// Words cached per OCR language before the cache is cleared (a shard at a time).
const CACHE_LIMIT: usize = 100_000;

/// The OCR language model an input kind stands for.
pub fn ocr_lang(kind: InputKind) -> Option<OcrLang> {
    match kind {
        InputKind::OcrEng => Some(OcrLang::Eng),
        InputKind::OcrVie => Some(OcrLang::Vie),
        _ => None,
    }
}

/// A unit of the observed word and the stripped letters it was read as.
#[derive(Debug, Clone, Copy)]
struct Unit {
    observed: (u8, u8),
    letters: (u8, u8),
}

/// The stripped forms of the restorer's index as a trie over the letters `a`–`z`: the search
/// walks it one reading at a time, abandons a reading as soon as its letters start no syllable,
/// and finds the form's candidates at the node it ends on, without hashing the letters so far
/// at every step.
#[derive(Debug, Default)]
pub struct Prefixes {
    nodes: Vec<PrefixNode>,
}

#[derive(Debug, Clone, Copy)]
struct PrefixNode {
    /// Child per letter; 0 for none (the root is no one's child).
    children: [u32; 26],
    /// The form's range in the restorer's candidates, when the letters so far spell one.
    form: Option<(u32, u32)>,
    /// Letters on the longest path below: a reading with more letters still to spell than
    /// this leads nowhere.
    height: u8,
}

const ROOT: u32 = 0;
const EMPTY_NODE: PrefixNode = PrefixNode {
    children: [0; 26],
    form: None,
    height: 0,
};

impl Prefixes {
    pub fn new(forms: &FxHashMap<u64, (u32, u32)>) -> Prefixes {
        let mut nodes = vec![EMPTY_NODE];
        'forms: for (&key, &range) in forms {
            let bytes = key.to_le_bytes();
            let len = bytes.iter().position(|&b| b == 0).unwrap_or(8);
            let mut node = ROOT as usize;
            for &b in &bytes[..len] {
                // Readings spell only the letters a–z; a form with anything else is never read.
                let Some(slot) = letter_slot(b) else {
                    continue 'forms;
                };
                let child = nodes[node].children[slot];
                node = if child == 0 {
                    nodes.push(EMPTY_NODE);
                    let new = nodes.len() - 1;
                    nodes[node].children[slot] = new as u32;
                    new
                } else {
                    child as usize
                };
            }
            nodes[node].form = Some(range);
        }
        // A child is made after its parent, so in reverse order every child comes first.
        for node in (0..nodes.len()).rev() {
            let height = nodes[node]
                .children
                .iter()
                .filter(|&&c| c != 0)
                .map(|&c| nodes[c as usize].height + 1)
                .max()
                .unwrap_or(0);
            nodes[node].height = height;
        }
        Prefixes { nodes }
    }

    /// The node reached from `node` by `letters`, if they continue a form.
    fn walk(&self, mut node: u32, letters: &[u8]) -> Option<u32> {
        for &b in letters {
            node = self.nodes[node as usize].children[letter_slot(b)?];
            if node == 0 {
                return None;
            }
        }
        Some(node)
    }

    fn form(&self, node: u32) -> Option<(u32, u32)> {
        self.nodes[node as usize].form
    }

    fn height(&self, node: u32) -> usize {
        usize::from(self.nodes[node as usize].height)
    }
}

/// Every syllable's characters, for pricing a reading letter by letter without decoding the
/// model's UTF-8 again for each of the hundred-odd syllables an OCR'd word can spell.
#[derive(Debug, Default)]
pub struct Spellings {
    chars: Vec<char>,
    /// Where each id's characters start in `chars`; one more entry than ids.
    starts: Vec<u32>,
}

impl Spellings {
    pub fn new(model: &crate::model::Model) -> Spellings {
        let mut spellings = Spellings::default();
        for id in 0..model.vocab_len() {
            spellings.starts.push(spellings.chars.len() as u32);
            spellings.chars.extend(model.syllable(id as u16).chars());
        }
        spellings.starts.push(spellings.chars.len() as u32);
        spellings
    }

    fn of(&self, id: u16) -> &[char] {
        let id = usize::from(id);
        &self.chars[self.starts[id] as usize..self.starts[id + 1] as usize]
    }
}

/// A trie node's child index for a lowercase ASCII letter.
fn letter_slot(b: u8) -> Option<usize> {
    b.checked_sub(b'a').filter(|&i| i < 26).map(usize::from)
}

/// Candidates already generated with one restorer, shared by its threads: running text repeats
/// its words across the blocks that threads take, and a cache per thread searched each of them
/// again on every thread. Sharded by word, so threads rarely wait for each other. Keyed by the
/// OCR language, the lowercased word and whether it was capitalized, since the cost of keeping
/// it as written depends on that (`Kt` may be a name, `kt` is garble): keyed by the lowercase
/// form alone, whichever spelling was met first decided for both, and the output depended on
/// how the blocks fell to threads.
#[derive(Debug, Default)]
pub struct CandidateCache {
    shards: [Mutex<CacheShard>; CACHE_SHARDS],
}

const CACHE_SHARDS: usize = 16;

/// Per OCR language: the channel the candidates were priced with, then the lowercase words and
/// the capitalized ones.
#[derive(Debug, Default)]
struct CacheShard {
    langs: [(usize, [CachedWords; 2]); 2],
}

/// Words and their candidates with channel costs.
type CachedWords = FxHashMap<Box<str>, Box<[(u16, u32)]>>;

impl CandidateCache {
    /// Runs `f` on the words of `channel` and `spelling` in `lower`'s shard, cleared first when
    /// it holds another channel's words or is full.
    fn with_words<R>(
        &self,
        channel: &Channel,
        lower: &str,
        spelling: usize,
        f: impl FnOnce(&mut CachedWords) -> R,
    ) -> R {
        let mut hasher = FxHasher::default();
        lower.hash(&mut hasher);
        let shard = &self.shards[hasher.finish() as usize % CACHE_SHARDS];
        // A thread that panicked while holding the lock left a map that is still whole.
        let mut shard = shard.lock().unwrap_or_else(PoisonError::into_inner);
        let (owner, words) = &mut shard.langs[channel.lang as usize];
        let cached = words.iter().map(FxHashMap::len).sum::<usize>();
        let channel_id = channel as *const Channel as usize;
        if *owner != channel_id || cached >= CACHE_LIMIT / CACHE_SHARDS {
            *owner = channel_id;
            words.iter_mut().for_each(FxHashMap::clear);
        }
        f(&mut words[spelling])
    }
}

/// Per-worker scratch buffers of the search.
#[derive(Debug, Default)]
pub struct OcrWorker {
    observed: Vec<char>,
    units: Vec<Unit>,
    /// Each syllable found, once (its cost is filled in from `cheapest` when the search ends).
    found: Vec<(u16, u32)>,
    /// Per syllable id, the cheapest reading found for it (`u32::MAX`: none), reset for the
    /// next word as `found` is read.
    cheapest: Vec<u32>,
    /// Readings of each unit of the observed word ([`Self::read_units`]): per start, the ranges
    /// in `readings` of its one- and two-character units.
    readings: Vec<Rewrite>,
    reading_ranges: Vec<[(u16, u16); 2]>,
    steps: usize,
    /// Readings costlier than this are not searched: [`SEARCH_BOUND`], lowered to
    /// [`FOUND_BOUND`] above the cheapest reading that spelled a syllable.
    bound: u32,
}

impl OcrWorker {
    /// Appends the candidates of `word` (as written in the text) with their channel costs.
    pub fn candidates(
        &mut self,
        restorer: &Restorer,
        channel: &Channel,
        word: &str,
        ids: &mut Vec<u16>,
        costs: &mut Vec<u32>,
    ) {
        let lower = word.to_lowercase();
        let spelling = usize::from(starts_upper(word));
        let cache = &restorer.ocr_cache;
        let hit = cache.with_words(channel, &lower, spelling, |words| {
            let found = words.get(lower.as_str())?;
            ids.extend(found.iter().map(|f| f.0));
            costs.extend(found.iter().map(|f| f.1));
            Some(())
        });
        if hit.is_some() {
            return;
        }
        self.observed.clear();
        self.observed.extend(lower.chars());
        self.found.clear();
        self.units.clear();
        self.steps = 0;
        self.bound = SEARCH_BOUND;
        self.cheapest.resize(restorer.model.vocab_len(), u32::MAX);
        if self.observed.len() <= 10 {
            self.read_units(channel);
            self.search(restorer, channel, 0, ROOT, 0, false);
        }
        let lm = restorer.model.lm();
        for (id, cost) in &mut self.found {
            *cost = std::mem::replace(&mut self.cheapest[usize::from(*id)], u32::MAX);
        }
        // Only the cheapest few are kept: select them, then order just those.
        let total = |&(id, cost): &(u16, u32)| (cost + lm.unigram(id).0, id);
        if self.found.len() > MAX_CANDIDATES {
            self.found
                .select_nth_unstable_by_key(MAX_CANDIDATES - 1, total);
            self.found.truncate(MAX_CANDIDATES);
        }
        self.found.sort_unstable_by_key(total);
        let best = self.found.first().map_or(0, |found| total(found).0);
        let kept = self
            .found
            .iter()
            .take_while(|found| total(found).0 <= best + CANDIDATE_MARGIN)
            .count();
        self.found.truncate(kept);
        let exact = syllable::canonical(&lower)
            .and_then(|form| restorer.accented.get(form.as_str()).copied());
        if exact.is_none_or(|id| !self.found.iter().any(|&(f, _)| f == id)) {
            let garbled = lower.contains('w')
                || lower.chars().any(|c| !c.is_alphabetic())
                || (!lower.is_ascii() && exact.is_none());
            let keep = if garbled {
                Keep::Garbled
            } else if restorer.candidate_count(&lower) > 0
                || (channel.lang == OcrLang::Eng && !starts_upper(word))
            {
                Keep::Syllable
            } else {
                Keep::Word
            };
            self.found.push((UNK, channel.keep_cost(keep)));
        }
        // The decoder walks n-gram rows once per position, which needs candidates in id order.
        self.found.sort_unstable_by_key(|&(id, _)| id);
        let found = self.found.as_slice().into();
        cache.with_words(channel, &lower, spelling, |words| {
            words.insert(lower.as_str().into(), found)
        });
        for &(id, cost) in &self.found {
            ids.push(id);
            costs.push(cost);
        }
    }

    /// Reads the observed word from `at` on; `cost` is the lower bound so far, `node` the trie
    /// node of the letters read so far.
    fn search(
        &mut self,
        restorer: &Restorer,
        channel: &Channel,
        at: usize,
        node: u32,
        cost: u32,
        gapped: bool,
    ) {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return;
        }
        // Every unit left reads as a letter or more, but for one that may read as none (a
        // gap, up to two characters): when even that needs more letters than any syllable
        // below this node has, no reading from here spells one.
        let unread = self.observed.len() - at;
        let gap_chars = if gapped { 0 } else { 2 };
        if unread.saturating_sub(gap_chars).div_ceil(2) > restorer.ocr_prefixes.height(node) {
            return;
        }
        if at == self.observed.len() {
            if self.price(restorer, channel, node) {
                self.bound = self.bound.min(cost + FOUND_BOUND);
            }
            return;
        }
        for len in 1..=2.min(self.observed.len() - at) {
            let (from, to) = self.reading_ranges[at][len - 1];
            for k in from..to {
                let rewrite = self.readings[k as usize];
                let total = cost + rewrite.cost;
                // Readings come cheapest first: the rest are over the bound too.
                if total > self.bound {
                    break;
                }
                let gap = rewrite.letters().is_empty();
                if gap && gapped {
                    continue;
                }
                let Some(next) = restorer.ocr_prefixes.walk(node, rewrite.letters()) else {
                    continue;
                };
                self.push(at, len, &rewrite);
                self.search(restorer, channel, at + len, next, total, gapped || gap);
                self.pop();
            }
        }
        // A letter the OCR lost entirely. One gap per word (a lost letter or a speck read as
        // one): more would let any word become any syllable.
        if !gapped {
            for rewrite in channel.rewrites(0) {
                let total = cost + rewrite.cost;
                if rewrite.cost > UNIT_BOUND || total > self.bound {
                    break;
                }
                let Some(next) = restorer.ocr_prefixes.walk(node, rewrite.letters()) else {
                    continue;
                };
                self.push(at, 0, rewrite);
                self.search(restorer, channel, at, next, total, true);
                self.pop();
            }
        }
    }

    /// The readings of every unit of the observed word, each list cheapest first and cut at
    /// [`UNIT_BOUND`]: the search visits a unit once per path through it, so it looks them up
    /// once per word.
    fn read_units(&mut self, channel: &Channel) {
        self.readings.clear();
        self.reading_ranges.clear();
        for at in 0..self.observed.len() {
            let mut ranges = [(0, 0); 2];
            for (len, range) in (1..=2.min(self.observed.len() - at)).zip(&mut ranges) {
                let unit = &self.observed[at..at + len];
                let rewrites = channel.rewrites(pack_unit(unit));
                let fallback = (len == 1)
                    .then(|| same_letter(unit[0]))
                    .flatten()
                    .filter(|f| !rewrites.iter().any(|r| r.letters() == f.letters()));
                let from = self.readings.len() as u16;
                self.readings.extend(
                    fallback
                        .iter()
                        .chain(rewrites)
                        .take_while(|r| r.cost <= UNIT_BOUND),
                );
                *range = (from, self.readings.len() as u16);
            }
            self.reading_ranges.push(ranges);
        }
    }

    /// Letters the units so far read as (the trie node holds which).
    fn spelled(&self) -> usize {
        self.units
            .last()
            .map_or(0, |unit| usize::from(unit.letters.1))
    }

    fn push(&mut self, at: usize, len: usize, rewrite: &Rewrite) {
        let start = self.spelled();
        self.units.push(Unit {
            observed: (at as u8, (at + len) as u8),
            letters: (start as u8, (start + rewrite.letters().len()) as u8),
        });
    }

    fn pop(&mut self) {
        self.units.pop();
    }

    /// Prices every syllable of the stripped form spelled so far, unit by unit; whether there
    /// was one.
    fn price(&mut self, restorer: &Restorer, channel: &Channel, node: u32) -> bool {
        let Some((a, b)) = restorer.ocr_prefixes.form(node) else {
            return false;
        };
        for &id in &restorer.candidates[a as usize..b as usize] {
            let syllable = restorer.ocr_spellings.of(id);
            if syllable.len() != self.spelled() {
                continue;
            }
            let cost: u32 = self
                .units
                .iter()
                .map(|u| {
                    channel.cost(
                        &syllable[u.letters.0 as usize..u.letters.1 as usize],
                        &self.observed[u.observed.0 as usize..u.observed.1 as usize],
                    )
                })
                .sum();
            let cheapest = &mut self.cheapest[usize::from(id)];
            if *cheapest == u32::MAX {
                self.found.push((id, 0));
            }
            *cheapest = (*cheapest).min(cost);
        }
        true
    }
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// A letter the table does not list is at least its own base letter, at no search cost (the
/// exact price comes from the channel).
fn same_letter(c: char) -> Option<Rewrite> {
    let base = strip_char(c).to_ascii_lowercase();
    base.is_ascii_alphabetic().then_some(Rewrite {
        letters: [base as u8, 0],
        len: 1,
        cost: 0,
    })
}
