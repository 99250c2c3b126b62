//! Document adaptation, the second pass: the words the first pass chose, counted over a
//! window of nearby text, become a unigram cache ([`TopicBias`]) that the segments where it could
//! change a choice are decoded again with; and the document's own phrases spell the acronyms
//! the code table does not know ([`DocumentAcronyms`]).

use super::acronyms::DocumentAcronyms;
use super::decode::local_cost;
use super::passes::FirstPass;
use super::tokenize::Case;
use super::{RestoreWorker, Restorer};
use rayon::prelude::*;

/// Consecutive blocks of at least this many bytes in all (about 40 k words) make a window, whose
/// first passes are held at once: a document adapts to its own usage within such a window. A
/// long law changes subject from chapter to chapter, so a nearby window adapts better than the
/// whole text (vlc-dev with windows of 64 / 128 / 256 / 512 / 1024 kB and more: 99.076 /
/// 99.094 / 99.103 / 99.067 / 99.053 / 99.053 %), and the window's lattice (10–20 bytes per byte
/// of text) stays in cache for the second pass.
const WINDOW_BYTES: usize = 256 * 1024;

/// Consecutive runs of `blocks` of at least [`WINDOW_BYTES`] (the last one may be shorter).
pub(super) fn windows<'b, 't>(blocks: &'b [&'t str]) -> impl Iterator<Item = &'b [&'t str]> {
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

/// What the second pass learns from the first passes over a window of the document.
#[derive(Debug)]
pub(super) struct DocumentContext {
    pub(super) bias: TopicBias,
    pub(super) acronyms: DocumentAcronyms,
}

impl Restorer {
    /// The document's context for the first passes over its blocks (or a window of them),
    /// after [`ADAPTATION_ROUNDS`] rounds of self-training. A round runs on `worker` when one
    /// is given (a text of one block), else on the rayon pool.
    pub(super) fn adapted_context(
        &self,
        first: &mut [FirstPass],
        mut worker: Option<&mut RestoreWorker<'_>>,
    ) -> DocumentContext {
        let mut context = self.document_context(first.iter());
        for _ in 0..ADAPTATION_ROUNDS {
            if context.bias.is_empty() {
                break;
            }
            match worker.as_deref_mut() {
                Some(worker) => first
                    .iter_mut()
                    .for_each(|pass| worker.adaptation_round(pass, &context)),
                None => first.par_iter_mut().for_each_init(
                    || self.new_worker(),
                    |worker, pass| worker.adaptation_round(pass, &context),
                ),
            }
            context.bias = self.topic_bias(first.iter().map(|pass| &pass.counts));
        }
        context
    }

    /// The document's context from the first passes over its blocks (or a window of them).
    pub(super) fn document_context<'f>(
        &self,
        first: impl Iterator<Item = &'f FirstPass> + Clone,
    ) -> DocumentContext {
        DocumentContext {
            bias: self.topic_bias(first.clone().map(|pass| &pass.counts)),
            acronyms: DocumentAcronyms::infer(first.map(|pass| &pass.acronyms)),
        }
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

/// Whether the document's bias could change the first pass's choice at position `i` of a
/// segment (`previous`), a free word whose candidates and first-pass margins are given. Only a
/// candidate the bias favours can, and only one the first pass found close behind: by its
/// decoder margin (left context only), then by its cost among the chosen neighbours, each with
/// a slack for what it misses.
pub(super) fn bias_may_change(
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
pub(super) struct TopicBias {
    /// Per candidate id; empty when the document gives no candidate a noticeable cost.
    cost: Vec<u32>,
}

impl TopicBias {
    pub(super) fn is_empty(&self) -> bool {
        self.cost.is_empty()
    }

    fn of(&self, id: u16) -> u32 {
        self.cost.get(usize::from(id)).copied().unwrap_or(0)
    }
}

/// Interpolation weight of the document's own choices. With a round of self-training
/// ([`ADAPTATION_ROUNDS`]), the document can be trusted nearly alone: on vlc-dev / vbpl-dev
/// stripped, with one round, 0.85 gives 99.344 / 99.150 % and 0.95 99.359 / 99.151 %; with
/// two, 0.7 gives 99.313 / 99.137 %, 0.95 99.362 / 99.154 % and 0.99 99.351 / 99.156 %. The
/// short seeds lose nothing at 0.95 (without the round, 0.85 lost on them).
const TOPIC_WEIGHT: f64 = 0.95;

/// Rounds of self-training after the first pass: the choices the document's bias made become
/// the counts of a new bias, so words the model got wrong most of the time in a document
/// (`phương tiện đo`, which it reads `đó`) gain once its confident uses are counted right. On
/// vlc-dev / vbpl-dev stripped (weight 0.95): no round 99.317 / 99.136 %, one 99.359 / 99.151 %,
/// two 99.362 / 99.154 %; each costs a third decoding of the segments the bias may change.
const ADAPTATION_ROUNDS: usize = 1;

/// Choices of a form worth of the model's prior in the document's estimate. With self-training,
/// 1 did better than 4 (vlc-dev 99.319 against 99.316 %, vbpl-dev 99.144 against 99.140 %, at
/// weight 0.85, two rounds and a recheck slack of 4 nats).
const TOPIC_PRIOR: f64 = 1.0;

/// Forms chosen fewer times than this in the document are not adapted.
const TOPIC_MIN_SEEN: u32 = 5;

/// Costs below this (`-ln p × 100`) are dropped: they change nothing and cost a second decoding.
const TOPIC_MIN_SHIFT: u32 = 30;

/// How much costlier than the first pass's choice (`-ln p × 100`) a candidate the document
/// favours may look and still have its segment decoded again. On vlc-dev, 4 nats decodes 11 % of
/// the segments again and reaches 99.055 %; decoding every segment again, 99.058 % (before the
/// round of self-training). With self-training (weight 0.85, two rounds), 8 nats: vlc-dev
/// 99.319 → 99.348 %, vbpl-dev 99.144 → 99.151 %; 15 nats adds nothing (99.350 / 99.151 %).
const TOPIC_RECHECK_SLACK: u32 = 800;

/// Words this close to one the bias may change are decoded again with it, so their trigrams can
/// follow the change; farther ones keep their first-pass choice.
const RECHECK_RADIUS: usize = 3;

impl RestoreWorker<'_> {
    /// The second pass's lattice of a segment: the words within [`RECHECK_RADIUS`] of one the
    /// document's `bias` may change (`self.affected`) get all their candidates, with the bias
    /// added to the free ones; the others only their first-pass choice (`previous`), a
    /// single candidate the decoder crosses at almost no cost.
    pub(super) fn build_recheck_lattice(
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::restore::blocks;

    #[test]
    fn windows_are_the_shortest_runs_of_blocks_that_reach_the_window_size() {
        let line = "Dieu 1. Pham vi dieu chinh cua luat nay.\n";
        let text = line.repeat(3 * WINDOW_BYTES / line.len());
        let blocks = blocks(&text);
        let windows: Vec<_> = windows(&blocks).collect();
        assert_eq!(windows.concat(), blocks);
        assert!(windows.len() >= 3, "{} windows", windows.len());
        let bytes = |blocks: &[&str]| blocks.iter().map(|b| b.len()).sum::<usize>();
        for window in &windows[..windows.len() - 1] {
            assert!(bytes(window) >= WINDOW_BYTES);
            assert!(bytes(&window[..window.len() - 1]) < WINDOW_BYTES);
        }
        assert!(bytes(windows.last().unwrap()) > 0);
    }
}
