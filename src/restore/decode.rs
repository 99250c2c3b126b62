//! Viterbi decoding of one segment over the trigram model. States are pairs (previous candidate,
//! current candidate), so trigram transitions are exact; a beam keeps the cheapest `beam` states
//! per position. Costs are integers (`-ln p` scaled), all buffers are reused between segments.

use super::tokenize::Case;
use super::RestoreWorker;
use crate::model::format::{CaseShare, BOS, EOS, NONE};
use crate::model::{Bigram, LmView};

/// A decoding state at one position.
#[derive(Debug, Clone, Copy)]
struct State {
    cost: u32,
    cur: u16,
    /// Index of the predecessor state in `states`.
    back: u32,
    /// The (previous, current) context: backoff cost and trigram row.
    backoff: u32,
    row: (u32, u32),
}

/// What moving from one previous candidate to one current candidate costs, whatever came before
/// the previous one.
#[derive(Debug, Clone, Copy)]
struct Cell {
    /// The current candidate's own cost here: its case and its noisy-channel cost.
    own: u32,
    /// Bigram cost plus `own`: the step when the trigram is not stored.
    backed_off: u32,
    /// The (previous, current) bigram as the next context.
    backoff: u32,
    row: (u32, u32),
}

/// Scratch buffers of the decoder.
#[derive(Debug, Default)]
pub struct Decoder {
    states: Vec<State>,
    starts: Vec<usize>,
    cells: Vec<Cell>,
    best: Vec<(u32, u32)>,
    /// Row of the cell matrices for each previous candidate (`u32::MAX`: none survived).
    row_of: Vec<u32>,
    /// The previous candidate of each row.
    row_cand: Vec<u16>,
    order: Vec<u32>,
    /// Per candidate: how far the cheapest state holding it trailed its position's best
    /// (`u16::MAX` when pruned), from the last decoding. Kept states trail by at most
    /// [`BEAM_MARGIN`], so 16 bits hold every margin, and the first pass stores one per
    /// candidate of a whole window.
    margins: Vec<u16>,
    /// Direct-mapped cache of bigram lookups: running text repeats a few thousand pairs, and a
    /// hit spares a binary search in a long row.
    cache: Vec<(u32, Bigram)>,
}

const CACHE_BITS: u32 = 16;

/// States costing more than the best of their position by this much (`-ln p × 100`) are dropped:
/// on vlc-dev a margin of 10 nats changes no output, and 7 already costs accuracy.
const BEAM_MARGIN: u32 = 1000;
// Margins are stored in 16 bits, `u16::MAX` meaning pruned.
const _: () = assert!(BEAM_MARGIN < u16::MAX as u32);

const INF: u32 = u32::MAX;
const UNFILLED: Bigram = Bigram {
    cost: INF,
    backoff: INF,
    row: (0, 0),
    case: CaseShare(0),
};

/// Cost of seeing a word written in `case` where it is capitalized as often as `share` says;
/// `table` is [`CaseShare::cost_table`].
#[inline]
fn case_cost(table: &[(u32, u32); 256], case: Case, share: CaseShare) -> u32 {
    let (lower, capital) = table[usize::from(share.0)];
    match case {
        Case::Unknown => 0,
        Case::Lower => lower,
        Case::Capital => capital,
    }
}

impl Decoder {
    /// Chooses one candidate per position; `cands[ranges[i]]` are the candidate ids of position
    /// `i`, `channel[ranges[i]]` their noisy-channel costs (OCR input; empty for none), `cases[i]`
    /// how the word at `i` is written. Writes the chosen candidate indexes (into each position's
    /// range) to `path` and returns the path's cost, `</s>` included.
    #[allow(clippy::too_many_arguments)]
    pub fn decode(
        &mut self,
        lm: &LmView<'_>,
        cands: &[u16],
        channel: &[u32],
        ranges: &[(u32, u32)],
        cases: &[Case],
        beam: usize,
        path: &mut Vec<u16>,
    ) -> u32 {
        path.clear();
        let n = ranges.len();
        if n == 0 {
            return 0;
        }
        debug_assert_eq!(cases.len(), n);
        let case_costs = CaseShare::cost_table();
        let range_of = |i: usize| ranges[i].0 as usize..ranges[i].1 as usize;
        let channel_of = |i: usize| channel.get(range_of(i)).unwrap_or(&[]);
        self.states.clear();
        self.starts.clear();
        self.starts.push(0);
        self.margins.clear();
        self.margins.resize(cands.len(), u16::MAX);
        let first_channel = channel_of(0);
        for (j, &w) in cands[range_of(0)].iter().enumerate() {
            let bigram = lm.bigram_or_backoff(BOS, w);
            self.states.push(State {
                cost: bigram.cost
                    + first_channel.get(j).copied().unwrap_or(0)
                    + case_cost(case_costs, cases[0], bigram.case),
                cur: j as u16,
                back: u32::MAX,
                backoff: bigram.backoff,
                row: bigram.row,
            });
        }
        let best = self.states.iter().map(|s| s.cost).min().unwrap_or(INF);
        self.states
            .retain(|s| s.cost <= best.saturating_add(BEAM_MARGIN));
        self.close_position(0, best, beam, ranges[0].0);
        for (i, &case) in cases.iter().enumerate().skip(1) {
            let prev_cands = &cands[range_of(i - 1)];
            let cur_cands = &cands[range_of(i)];
            let width = cur_cands.len();
            // One row of cells per previous candidate that survived the beam, in order of first
            // appearance.
            self.row_of.clear();
            self.row_of.resize(prev_cands.len(), u32::MAX);
            self.row_cand.clear();
            let (from, to) = (self.starts[i - 1], self.states.len());
            for state in &self.states[from..to] {
                let cur = usize::from(state.cur);
                if self.row_of[cur] == u32::MAX {
                    self.row_of[cur] = self.row_cand.len() as u32;
                    self.row_cand.push(state.cur);
                }
            }
            let own_channel = channel_of(i);
            self.cells.clear();
            for &prev in &self.row_cand {
                let v = prev_cands[usize::from(prev)];
                let mut bigrams = lm.bigram_row(v);
                for (b, &w) in cur_cands.iter().enumerate() {
                    // Most pairs are not stored, and the filter says so without touching the
                    // cache or the row.
                    let bigram = if lm.may_store(v, w) {
                        cached_bigram(&mut self.cache, v, w, || {
                            lm.bigram_ascending(v, &mut bigrams, w)
                        })
                    } else {
                        lm.backoff_bigram(v, w)
                    };
                    let own = case_cost(case_costs, case, bigram.case)
                        + own_channel.get(b).copied().unwrap_or(0);
                    self.cells.push(Cell {
                        own,
                        backed_off: bigram.cost + own,
                        backoff: bigram.backoff,
                        row: bigram.row,
                    });
                }
            }
            self.best.clear();
            self.best.resize(self.cells.len(), (INF, 0));
            for (si, state) in self.states[from..to].iter().enumerate() {
                let row = self.row_of[usize::from(state.cur)] as usize * width;
                let cells = &self.cells[row..row + width];
                let best = &mut self.best[row..row + width];
                let back = (from + si) as u32;
                // Candidates ascend, so one pass over the state's trigram row serves them all.
                let mut trigrams = state.row;
                for ((&w, cell), slot) in cur_cands.iter().zip(cells).zip(best) {
                    let stored = if trigrams.0 < trigrams.1 {
                        lm.trigram_ascending(&mut trigrams, w)
                    } else {
                        None
                    };
                    let step = match stored {
                        Some(cost) => cost + cell.own,
                        None => state.backoff + cell.backed_off,
                    };
                    let cost = state.cost.saturating_add(step);
                    if cost < slot.0 {
                        *slot = (cost, back);
                    }
                }
            }
            self.starts.push(self.states.len());
            let best = self.best.iter().map(|b| b.0).min().unwrap_or(INF);
            let limit = best.saturating_add(BEAM_MARGIN);
            for (best, cells) in self
                .best
                .chunks_exact(width)
                .zip(self.cells.chunks_exact(width))
            {
                for (b, (&(cost, back), cell)) in best.iter().zip(cells).enumerate() {
                    // States far behind the best rarely recover and each costs a row of lookups.
                    if cost > limit || cost == INF {
                        continue;
                    }
                    self.states.push(State {
                        cost,
                        cur: b as u16,
                        back,
                        backoff: cell.backoff,
                        row: cell.row,
                    });
                }
            }
            self.close_position(i, best, beam, ranges[i].0);
        }
        // Close the segment with </s> and trace back.
        let last = &cands[range_of(n - 1)];
        let mut best = (INF, 0usize);
        for si in self.starts[n - 1]..self.states.len() {
            let state = self.states[si];
            let step = lm.trigram(state.row, EOS).unwrap_or_else(|| {
                state.backoff + lm.bigram_or_backoff(last[state.cur as usize], EOS).cost
            });
            let cost = state.cost.saturating_add(step);
            if cost < best.0 {
                best = (cost, si);
            }
        }
        path.resize(n, 0);
        let mut si = best.1;
        for i in (0..n).rev() {
            let state = self.states[si];
            path[i] = state.cur;
            si = state.back as usize;
        }
        best.0
    }

    /// Ends position `i`, whose states all cost at most `best + BEAM_MARGIN`: keeps the `beam`
    /// cheapest (ties by order, so results are deterministic) and records their margins.
    fn close_position(&mut self, i: usize, best: u32, beam: usize, first_candidate: u32) {
        let from = self.starts[i];
        if self.states.len() - from > beam {
            self.order.clear();
            self.order.extend(from as u32..self.states.len() as u32);
            let states = &self.states;
            // Keys are unique (cost, index) pairs, so the selection is deterministic.
            self.order
                .select_nth_unstable_by_key(beam - 1, |&s| (states[s as usize].cost, s));
            self.order.truncate(beam);
            self.order.sort_unstable();
            for (k, &s) in self.order.iter().enumerate() {
                self.states[from + k] = self.states[s as usize];
            }
            self.states.truncate(from + beam);
        }
        for state in &self.states[from..] {
            let margin = &mut self.margins[first_candidate as usize + usize::from(state.cur)];
            *margin = (*margin).min((state.cost - best) as u16);
        }
    }

    /// How far behind its position's best the cheapest path through each candidate of the last
    /// decoding was, counting the context to its left only (`u16::MAX`: pruned); indexed like
    /// the candidates.
    pub fn margins(&self) -> &[u16] {
        &self.margins
    }
}

fn cached_bigram(
    cache: &mut Vec<(u32, Bigram)>,
    v: u16,
    w: u16,
    lookup: impl FnOnce() -> Bigram,
) -> Bigram {
    if cache.is_empty() {
        cache.resize(1 << CACHE_BITS, (u32::MAX, UNFILLED));
    }
    let key = (u32::from(v) << 16) | u32::from(w);
    let slot = (key.wrapping_mul(0x9E37_79B9) >> (32 - CACHE_BITS)) as usize;
    let entry = &mut cache[slot];
    if entry.0 != key {
        *entry = (key, lookup());
    }
    entry.1
}

/// Cost of the trigrams that involve position `i` of `ids` when it holds `w`: the ones predicting
/// `i`, `i + 1` and `i + 2` (`</s>` after the last), with the case of the words they predict.
/// Comparing this between candidates gives their confidence given the chosen neighbours.
pub fn local_cost(lm: &LmView<'_>, ids: &[u16], cases: &[Case], i: usize, w: u16) -> u32 {
    let at = |j: isize| -> u16 {
        if j == i as isize {
            w
        } else if j < -1 {
            NONE
        } else if j == -1 {
            BOS
        } else if j as usize >= ids.len() {
            EOS
        } else {
            ids[j as usize]
        }
    };
    let i = i as isize;
    let case_costs = CaseShare::cost_table();
    let mut total = 0;
    for j in i..=(i + 2).min(ids.len() as isize) {
        let (u, v, x) = (at(j - 2), at(j - 1), at(j));
        let bigram = lm.bigram_or_backoff(v, x);
        total += if u == NONE {
            bigram.cost
        } else {
            lm.cost(u, v, x)
        };
        if let Some(&case) = cases.get(j as usize) {
            total += case_cost(case_costs, case, bigram.case);
        }
    }
    total
}
impl RestoreWorker<'_> {
    /// Decodes the segment's lattice and takes the chosen candidate ids; returns the path's cost.
    pub(super) fn decode_lattice(&mut self, lm: &crate::model::LmView<'_>, cases: &[Case]) -> u32 {
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
}
