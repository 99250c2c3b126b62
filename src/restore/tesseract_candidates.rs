//! Candidates from Tesseract's own alternatives: where it was unsure of a symbol, its second
//! choice (`ớ` for `ơ`, `l` for `1`) spells another word, and that word joins the token's
//! candidates with a channel cost from how often such a second choice was right.
//!
//! The restorer reads the page's text, not its words, so [`SymbolReadings::from_pages`] carries
//! each OCR'd word's alternatives to the text the restorer reads, by the word's offsets in the
//! raw text. A token's candidates then gain every dictionary syllable its symbols' choices spell
//! (one or two symbols swapped); a syllable the noisy channel already proposed keeps the cheaper
//! of the two costs. The n-gram model weighs them in the same Viterbi as the rest.
//!
//! What a swap costs is counted, not set: `vanban eval ocr-choices --input DIR --write` OCRs
//! rendered pages, aligns each word with its truth and counts, per bin of the alternative's
//! score over the first choice's, how often the first choice was right and how often the
//! alternative was. The cost is the log-odds of the two (`-ln p × 100`, the channel's scale),
//! in `dictionaries/ocr-choices.tsv`.

use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

use super::confusion::Channel;
use super::table_file::{rows, END_PREFIX};
use super::tokenize::Token;
use super::RestoreWorker;
use crate::document::{OffsetMap, Page, RawText};
use crate::model::format::UNK;

/// First line of the choice-cost table.
pub const MAGIC_LINE: &str = "# vanban tesseract-choice table, format 1";
static EMBEDDED: &str = include_str!("../../dictionaries/ocr-choices.tsv");

/// Upper edges of the bins of an alternative's score over the first choice's (hand-set: roughly
/// doubling steps, so each bin holds a comparable share of the alternatives); the last bin
/// holds everything above.
pub const RATIO_EDGES: [f32; 7] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.7];
/// Number of bins: one per edge, and the one above the last.
pub const BINS: usize = RATIO_EDGES.len() + 1;
/// Symbols swapped at most per word: more would let a word become any syllable.
const MAX_SWAPS: usize = 2;
/// Spellings tried at most per token, so a long word full of unsure symbols cannot stall a page.
const MAX_SPELLINGS: usize = 64;

/// The bin of an alternative whose score is `ratio` times the first choice's.
pub fn ratio_bin(ratio: f32) -> usize {
    RATIO_EDGES.partition_point(|&edge| edge <= ratio)
}

/// Per bin: how often the first choice was right, how often the alternative was, and how often
/// neither, over rendered pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BinCounts {
    pub first: u64,
    pub alternative: u64,
    pub neither: u64,
}

/// What taking an alternative instead of Tesseract's first choice costs, per bin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceCosts {
    counts: [BinCounts; BINS],
    costs: [i32; BINS],
}

impl ChoiceCosts {
    /// The costs of `counts`: the log-odds of the first choice against the alternative, each
    /// count plus one (add-one smoothing, so an empty bin costs nothing either way).
    pub fn from_counts(counts: [BinCounts; BINS]) -> Self {
        let costs = counts.map(|bin| {
            let odds = (bin.first as f64 + 1.0) / (bin.alternative as f64 + 1.0);
            (odds.ln() * crate::model::format::COST_SCALE).round() as i32
        });
        ChoiceCosts { counts, costs }
    }

    /// The table `vanban` embeds.
    pub fn embedded() -> &'static ChoiceCosts {
        static TABLE: OnceLock<ChoiceCosts> = OnceLock::new();
        TABLE.get_or_init(|| {
            ChoiceCosts::parse(EMBEDDED).expect("dictionaries/ocr-choices.tsv is well formed")
        })
    }

    /// The cost of taking an alternative scored `ratio` times the first choice.
    pub fn cost(&self, ratio: f32) -> i32 {
        self.costs[ratio_bin(ratio)]
    }

    pub fn counts(&self) -> &[BinCounts; BINS] {
        &self.counts
    }

    /// Reads a table written by [`Self::to_tsv`].
    pub fn parse(text: &str) -> Result<ChoiceCosts, String> {
        let rebuild = "vanban eval ocr-choices --write";
        let mut counts = Vec::new();
        for (line, fields) in rows(text, MAGIC_LINE, "rows", rebuild)? {
            let count = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
            let (Some(first), Some(alternative), Some(neither)) = (count(1), count(2), count(3))
            else {
                return Err(format!("line {line}: expected 5 tab-separated fields"));
            };
            counts.push(BinCounts {
                first,
                alternative,
                neither,
            });
        }
        let counts: [BinCounts; BINS] = counts
            .try_into()
            .map_err(|counts: Vec<_>| format!("{} rows, {BINS} expected", counts.len()))?;
        Ok(ChoiceCosts::from_counts(counts))
    }

    /// The table as `dictionaries/ocr-choices.tsv` holds it, with the command that made it.
    pub fn to_tsv(&self, command: &str) -> String {
        let mut out = format!(
            "{MAGIC_LINE}\n# made by: {command}\n# Per bin of the alternative's score over the \
             first choice's (below `ratio_below`): how often the first choice was right, the \
             alternative, neither; cost = round(100 ln((first + 1) / (alternative + 1))).\n\
             # ratio_below\tfirst\talternative\tneither\tcost\n"
        );
        for (b, (bin, cost)) in self.counts.iter().zip(self.costs).enumerate() {
            let edge = RATIO_EDGES
                .get(b)
                .map_or_else(|| "inf".to_owned(), ToString::to_string);
            out.push_str(&format!(
                "{edge}\t{}\t{}\t{}\t{cost}\n",
                bin.first, bin.alternative, bin.neither
            ));
        }
        out.push_str(&format!("{END_PREFIX}{BINS} rows\n"));
        out
    }
}

/// One symbol Tesseract had several readings for: its bytes in the restorer's text and the other
/// readings with their scores relative to the first's.
#[derive(Debug, Clone, PartialEq)]
struct ReadSymbol {
    start: usize,
    end: usize,
    alternatives: Vec<(String, f32)>,
}

/// Tesseract's alternatives for the words of a text, by byte offsets into the text the restorer
/// reads; words whose symbols had one reading each are left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SymbolReadings {
    /// Per word with alternatives, in text order: its byte range and its unsure symbols.
    words: Vec<(usize, usize, Vec<ReadSymbol>)>,
}

impl SymbolReadings {
    /// The alternatives on the words of `pages` (whose lines make `raw`), placed in `content`,
    /// the text derived from `raw` whose characters `to_raw` maps back. A word is placed where
    /// its characters came through unchanged; one that normalization rewrote is left out.
    pub fn from_pages(pages: &[Page], raw: &RawText, content: &str, to_raw: &OffsetMap) -> Self {
        let mut readings = SymbolReadings::default();
        if !pages
            .iter()
            .flat_map(|p| &p.lines)
            .any(|l| l.words.iter().any(|w| !w.alternatives.is_empty()))
        {
            return readings;
        }
        // Raw character → content character, where one came from exactly the other.
        let mut from_raw = vec![u32::MAX; to_raw.source_len() + 1];
        for i in 0..to_raw.len() {
            let (start, end) = to_raw.source_span(i, i + 1);
            if end == start + 1 {
                from_raw[start] = i as u32;
            }
        }
        let byte_at: Vec<usize> = content
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(content.len()))
            .collect();
        let lines = pages.iter().flat_map(|page| page.lines.iter());
        for (line, at) in lines.zip(&raw.lines) {
            for word in line.words.iter().filter(|w| !w.alternatives.is_empty()) {
                let (raw_start, raw_end) = (at.start + word.start, at.start + word.end);
                let first = from_raw.get(raw_start).copied().unwrap_or(u32::MAX) as usize;
                let last = from_raw
                    .get(raw_end.wrapping_sub(1))
                    .copied()
                    .unwrap_or(u32::MAX) as usize;
                if first >= byte_at.len() || last >= byte_at.len() - 1 || last + 1 < first {
                    continue;
                }
                let (start, end) = (byte_at[first], byte_at[last + 1]);
                if content[start..end] != word.text {
                    continue;
                }
                let symbols = word
                    .alternatives
                    .iter()
                    .filter_map(|symbol| {
                        // Symbols are counted on Tesseract's untrimmed word: one past its end
                        // is not this word's.
                        if symbol.start >= symbol.end || first + symbol.end > last + 1 {
                            return None;
                        }
                        let (s, e) = (byte_at[first + symbol.start], byte_at[first + symbol.end]);
                        let read = &content[s..e];
                        let top = symbol
                            .choices
                            .iter()
                            .find(|c| c.text.nfc().eq(read.chars()))?
                            .confidence;
                        let alternatives: Vec<(String, f32)> = symbol
                            .choices
                            .iter()
                            .map(|c| (c.text.nfc().collect::<String>(), c.confidence))
                            .filter(|(text, _)| text != read && !text.is_empty())
                            .map(|(text, score)| (text, score / top.max(f32::EPSILON)))
                            .collect();
                        (!alternatives.is_empty()).then_some(ReadSymbol {
                            start: s,
                            end: e,
                            alternatives,
                        })
                    })
                    .collect::<Vec<_>>();
                if !symbols.is_empty() {
                    readings.words.push((start, end, symbols));
                }
            }
        }
        // Layout may read a region out of Tesseract's order; the raw text is in reading order.
        readings.words.sort_by_key(|w| w.0);
        readings
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The unsure symbols inside bytes `start..end`, if a word holds that range.
    fn symbols_within(&self, start: usize, end: usize) -> impl Iterator<Item = &ReadSymbol> {
        let at = self.words.partition_point(|w| w.0 <= start);
        let word = at
            .checked_sub(1)
            .map(|i| &self.words[i])
            .filter(|w| end <= w.1);
        word.into_iter()
            .flat_map(|w| &w.2)
            .filter(move |s| start <= s.start && s.end <= end)
    }
}

impl RestoreWorker<'_> {
    /// Adds to the candidates at `start..` of OCR'd `token` the syllables its symbols'
    /// alternatives spell, each at the cost of the word as Tesseract read it plus the counted
    /// cost of the swaps (the log-odds of its first choice against the alternative); a syllable already there keeps the cheaper cost. Candidates stay in id
    /// order, which the decoder needs.
    pub(super) fn add_tesseract_choices(
        &mut self,
        channel: &Channel,
        text: &str,
        token: &Token,
        start: usize,
    ) {
        let Some(readings) = self.readings.as_ref() else {
            return;
        };
        let symbols: Vec<&ReadSymbol> = readings.symbols_within(token.start, token.end).collect();
        if symbols.is_empty() {
            return;
        }
        let word = &text[token.start..token.end];
        // What the lattice charges for the word as Tesseract read it: its own syllable, or kept
        // as written (`<unk>`, at the keep-cost of a word that is no syllable).
        let own = self.restorer.accented_id(word);
        let as_written = self.cand_ids[start..]
            .iter()
            .zip(&self.channel[start..])
            .filter(|&(&id, _)| id == UNK || Some(id) == own)
            .map(|(_, &cost)| cost)
            .min()
            .unwrap_or_else(|| {
                word.chars()
                    .flat_map(char::to_lowercase)
                    .map(|c| channel.cost(&[c], &[c]))
                    .sum()
            });
        let costs = ChoiceCosts::embedded();
        let mut spellings = Vec::new();
        spell(
            word,
            token.start,
            &symbols,
            costs,
            0,
            0,
            0,
            0,
            &mut String::new(),
            &mut spellings,
        );
        for (spelled, swap_cost) in spellings {
            let Some(id) = self.restorer.accented_id(&spelled) else {
                continue;
            };
            let cost = (i64::from(as_written) + i64::from(swap_cost)).max(0) as u32;
            let ids = &self.cand_ids[start..];
            match ids.binary_search(&id) {
                Ok(k) => {
                    let own = &mut self.channel[start + k];
                    *own = (*own).min(cost);
                }
                Err(k) => {
                    self.cand_ids.insert(start + k, id);
                    self.channel.insert(start + k, cost);
                }
            }
        }
    }
}

/// Appends to `out` the spellings of `word` (starting at byte `base` of the text) with one to
/// [`MAX_SWAPS`] of `symbols` (from the `from`-th on) read as an alternative, each with its
/// swaps' costs added to `cost`; `prefix` is the spelling so far, up to byte `copied` of `word`.
#[allow(clippy::too_many_arguments)]
fn spell(
    word: &str,
    base: usize,
    symbols: &[&ReadSymbol],
    costs: &ChoiceCosts,
    from: usize,
    copied: usize,
    swaps: usize,
    cost: i32,
    prefix: &mut String,
    out: &mut Vec<(String, i32)>,
) {
    for (k, symbol) in symbols.iter().enumerate().skip(from) {
        let (s, e) = (symbol.start - base, symbol.end - base);
        for (alternative, ratio) in &symbol.alternatives {
            if out.len() >= MAX_SPELLINGS {
                return;
            }
            let len = prefix.len();
            prefix.push_str(&word[copied..s]);
            prefix.push_str(alternative);
            let cost = cost + costs.cost(*ratio);
            out.push((format!("{prefix}{}", &word[e..]), cost));
            if swaps + 1 < MAX_SWAPS {
                spell(
                    word,
                    base,
                    symbols,
                    costs,
                    k + 1,
                    e,
                    swaps + 1,
                    cost,
                    prefix,
                    out,
                );
            }
            prefix.truncate(len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_parses_and_round_trips() {
        let table = ChoiceCosts::embedded();
        let again = ChoiceCosts::parse(&table.to_tsv("test")).unwrap();
        assert_eq!(&again, table);
    }

    #[test]
    fn a_truncated_table_is_refused() {
        let text = ChoiceCosts::embedded().to_tsv("test");
        let cut: String = text.lines().take(6).map(|l| format!("{l}\n")).collect();
        assert!(ChoiceCosts::parse(&cut).is_err());
    }

    #[test]
    fn ratios_fall_in_their_bins() {
        assert_eq!(ratio_bin(0.0), 0);
        assert_eq!(ratio_bin(0.01), 1);
        assert_eq!(ratio_bin(0.5), 6);
        assert_eq!(ratio_bin(1.0), BINS - 1);
    }

    #[test]
    fn one_and_two_swaps_are_spelled_with_their_costs() {
        let symbols = [
            ReadSymbol {
                start: 10,
                end: 11,
                alternatives: vec![("l".into(), 0.5)],
            },
            ReadSymbol {
                start: 11,
                end: 13,
                alternatives: vec![("á".into(), 0.005)],
            },
        ];
        let refs: Vec<&ReadSymbol> = symbols.iter().collect();
        let costs = ChoiceCosts::from_counts(
            [BinCounts {
                first: 9,
                alternative: 0,
                neither: 0,
            }; BINS],
        );
        let mut out = Vec::new();
        spell(
            "1à",
            10,
            &refs,
            &costs,
            0,
            0,
            0,
            0,
            &mut String::new(),
            &mut out,
        );
        let spelled: Vec<&str> = out.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(spelled, ["là", "lá", "1á"]);
        // ln 10 per swap.
        assert_eq!(out[1].1, 2 * 230);
    }

    fn restorer() -> &'static super::super::Restorer {
        static RESTORER: OnceLock<super::super::Restorer> = OnceLock::new();
        RESTORER.get_or_init(|| super::super::Restorer::embedded().expect("embedded model"))
    }

    /// Restores `text` as Vietnamese-model OCR, with `word`'s symbol at character `at` read by
    /// Tesseract second as `alternative`, scored `ratio` times its first choice.
    fn restore_with(text: &str, word: &str, at: usize, alternative: &str, ratio: f32) -> String {
        let options = super::super::RestoreOptions {
            input_kind: super::super::InputKind::OcrVie,
            ..Default::default()
        };
        let start = text.find(word).expect("word in text");
        let symbol = word.char_indices().nth(at).expect("symbol in word");
        let readings = SymbolReadings {
            words: vec![(
                start,
                start + word.len(),
                vec![ReadSymbol {
                    start: start + symbol.0,
                    end: start + symbol.0 + symbol.1.len_utf8(),
                    alternatives: vec![(alternative.to_owned(), ratio)],
                }],
            )],
        };
        let mut worker = restorer().new_worker();
        worker.read_symbols(readings);
        worker.restore(text, &options).text
    }

    #[test]
    fn a_symbols_second_choice_wins_through_the_ngram() {
        // The header of dev page `heavy-dejavu`: Tesseract read `SỞ` as `NỞ`, with `S` second.
        let text = "NỞ TÀI CHÍNH TỈNH";
        let options = super::super::RestoreOptions {
            input_kind: super::super::InputKind::OcrVie,
            ..Default::default()
        };
        // Alone, the channel makes it another syllable that reads well before `TÀI CHÍNH`.
        let without = restorer().new_worker().restore(text, &options).text;
        assert_eq!(without, "MỞ TÀI CHÍNH TỈNH");
        // The alternative, even when Tesseract scored it well below its first choice.
        assert_eq!(restore_with(text, "NỞ", 0, "S", 0.3), "SỞ TÀI CHÍNH TỈNH");
    }

    #[test]
    fn a_point_letter_is_not_swapped_for_the_syllable_its_second_choice_spells() {
        // Dev page `light-liberation`: `c` kept as written cost more than `e` swapped in, when
        // a swap was priced from the word's letters instead of from its cost as read.
        let text = "Trường hợp quy định tại điểm c Khoản 2 Điều này được phép khắc phục.";
        let with = restore_with(text, "c Khoản", 0, "e", 0.8);
        assert!(with.contains("điểm c Khoản"), "{with}");
    }
}
