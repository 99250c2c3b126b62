//! The OCR confusion table: how Tesseract reads each Vietnamese letter, per OCR language model,
//! as integer costs `-ln P(observed unit | true unit) × 100` (the language model's scale).
//!
//! Units are zero to two characters, lowercase: `ủ → ii`, `m → rn`, `ố → 6`, `đ → p`, a letter
//! read as nothing (`ộ → ∅`) or a speck read as a letter (`∅ → i`). The table is learned from
//! rendered and OCR'd corpus text by `scripts/gen-ocr-pairs` (see `dictionaries/README.md`) and
//! embedded in the binary. Its text format, version 1:
//!
//! ```text
//! # vanban ocr-confusion table, format 1
//! # comment lines …
//! eng<TAB>true<TAB>observed<TAB>cost<TAB>count      ∅ stands for the empty unit
//! …
//! keep<TAB>eng<TAB>syllable<TAB>cost              optional: a keep-cost (see [`Keep`])
//! # end: N entries
//! ```
//!
//! The last line counts the entries, so a truncated file is an error rather than a weaker model.
//! Pairs absent from the table cost the defaults below: what the data was too thin to say.

use crate::model::FxHashMap;
use crate::text::strip::strip_char;

/// First line of every table file.
pub const MAGIC_LINE: &str = "# vanban ocr-confusion table, format 1";
const END_PREFIX: &str = "# end: ";
static EMBEDDED: &str = include_str!("../../dictionaries/ocr-confusion.tsv");

/// Default costs of pairs the table does not list (hand-set: unseen in the training pages).
/// A letter read with another mark on the same base letter (`ầ → à`): at least this, and at
/// least what the channel's mark confusions seen once in the training pages typically cost
/// (their median; see [`Channel::default_mark`]). An unseen confusion is no likelier than one seen
/// once: at 300 the Vietnamese model's `chứng` read as itself cost more as `chung` (`u → ứ`,
/// unseen) than as `chúng` (`ú → ứ`, seen once: 477).
pub const DEFAULT_MARK: u32 = 300;
/// A letter read as another letter.
pub const DEFAULT_SUBSTITUTION: u32 = 1000;
/// A letter lost, or a character that stands for nothing.
pub const DEFAULT_GAP: u32 = 1000;

/// What keeping an OCR'd word as written costs, by what the word looks like: the channel cost
/// a syllable must beat to replace it. Fitted on rendered pages by `scripts/ocr-keep-fit`
/// (`keep` rows of the table); the defaults are the hand-set values the fit started from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// A word that is no syllable (a name, a foreign word).
    Word,
    /// A word whose letters spell a syllable without its marks, or a lowercase word read by the
    /// English model: printed Vietnamese, most likely.
    Syllable,
    /// A word that cannot be text as printed: a digit or `&` among letters, a `w`, or marks no
    /// Vietnamese syllable carries (`hién`).
    Garbled,
}

impl Keep {
    const ALL: [Keep; 3] = [Keep::Word, Keep::Syllable, Keep::Garbled];

    fn name(self) -> &'static str {
        match self {
            Keep::Word => "word",
            Keep::Syllable => "syllable",
            Keep::Garbled => "garbled",
        }
    }

    /// Hand-set before the fit; used when the table has no `keep` row.
    fn default_cost(self) -> u32 {
        match self {
            Keep::Word => 900,
            Keep::Syllable => 1600,
            Keep::Garbled => 2000,
        }
    }
}

/// Why a confusion table cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfusionError {
    #[error("not an OCR confusion table (first line must be `{MAGIC_LINE}`)")]
    BadMagic,
    #[error("line {line}: {reason}")]
    BadLine { line: usize, reason: String },
    #[error(
        "table is truncated: {found} entries, its end line says {expected}; rebuild it with \
         scripts/gen-ocr-pairs table"
    )]
    Truncated { found: usize, expected: usize },
    #[error("table has no end line (`# end: N entries`): file is truncated")]
    NoEnd,
}

/// Which Tesseract language model produced the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OcrLang {
    #[default]
    Eng,
    Vie,
}

/// A unit of up to two characters packed into one integer (0 is the empty unit).
pub fn pack_unit(unit: &[char]) -> u64 {
    unit.iter().fold(0, |key, &c| (key << 32) | u64::from(c))
}

/// One way to read an observed unit back: the stripped letters of the true unit it comes from
/// and the cheapest cost among the true units with those letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rewrite {
    pub letters: [u8; 2],
    pub len: u8,
    pub cost: u32,
}

impl Rewrite {
    pub fn letters(&self) -> &[u8] {
        &self.letters[..self.len as usize]
    }
}

/// The confusions of one OCR language model.
#[derive(Debug, Default)]
pub struct Channel {
    pub lang: OcrLang,
    costs: FxHashMap<(u64, u64), u32>,
    /// Observed unit → its readings, cheapest first.
    rewrites: FxHashMap<u64, Vec<Rewrite>>,
    /// Non-letters the OCR writes for letters (`6`, `&`, `1`).
    symbols: Vec<char>,
    /// Cost of a mark confusion the table does not list (see [`DEFAULT_MARK`]).
    default_mark: u32,
    /// Costs of the mark confusions seen once, while parsing.
    seen_once: Vec<u32>,
    /// Keep-costs from the table's `keep` rows, by [`Keep`] (`None`: the default).
    keep: [Option<u32>; 3],
}

impl Channel {
    /// Cost of reading the true unit `truth` as `observed` (either may be empty).
    pub fn cost(&self, truth: &[char], observed: &[char]) -> u32 {
        if let Some(&cost) = self.costs.get(&(pack_unit(truth), pack_unit(observed))) {
            return cost;
        }
        match (truth, observed) {
            (t, o) if t == o => 0,
            ([t], [o]) if strip_char(*t) == strip_char(*o) => self.default_mark.max(DEFAULT_MARK),
            ([], _) | (_, []) => DEFAULT_GAP,
            _ => DEFAULT_SUBSTITUTION,
        }
    }

    /// The cost of keeping a word of `kind` as written.
    pub fn keep_cost(&self, kind: Keep) -> u32 {
        self.keep[kind as usize].unwrap_or_else(|| kind.default_cost())
    }

    /// The table's readings of the observed unit (packed), cheapest first.
    pub fn rewrites(&self, observed: u64) -> &[Rewrite] {
        self.rewrites.get(&observed).map_or(&[], Vec::as_slice)
    }

    /// Whether the OCR writes `c` for a letter, so a word containing it is still a word.
    pub fn is_letter_symbol(&self, c: char) -> bool {
        self.symbols.contains(&c)
    }

    fn insert(&mut self, truth: &[char], observed: &[char], cost: u32) {
        self.costs
            .insert((pack_unit(truth), pack_unit(observed)), cost);
        let mut letters = [0u8; 2];
        for (slot, &c) in letters.iter_mut().zip(truth) {
            let base = strip_char(c);
            if !base.is_ascii_alphabetic() {
                return;
            }
            *slot = base as u8;
        }
        if observed.is_empty() && truth.len() != 1 {
            return;
        }
        let rewrite = Rewrite {
            letters,
            len: truth.len() as u8,
            cost,
        };
        let list = self.rewrites.entry(pack_unit(observed)).or_default();
        match list.iter_mut().find(|r| r.letters() == rewrite.letters()) {
            Some(existing) => existing.cost = existing.cost.min(cost),
            None => list.push(rewrite),
        }
        // Only digits and letter-like signs read for a letter make a word of what they touch;
        // punctuation the table pairs with letters (`n → n.`, specks) must not glue `này.` or
        // `tế..` into one word.
        let letter_like = |c: char| c.is_ascii_digit() || matches!(c, '&' | '$' | '@' | '¢' | '£');
        for &c in observed.iter().filter(|_| !truth.is_empty()) {
            if letter_like(c) && !self.symbols.contains(&c) {
                self.symbols.push(c);
            }
        }
    }

    fn finish(&mut self) {
        self.seen_once.sort_unstable();
        self.default_mark = self
            .seen_once
            .get(self.seen_once.len() / 2)
            .map_or(DEFAULT_MARK, |&median| median.max(DEFAULT_MARK));
        self.seen_once = Vec::new();
        for list in self.rewrites.values_mut() {
            list.sort_by_key(|r| (r.cost, r.letters));
        }
        self.symbols.sort_unstable();
    }
}

/// The confusion channels of both OCR language models.
#[derive(Debug, Default)]
pub struct ConfusionTable {
    pub eng: Channel,
    pub vie: Channel,
    pub entries: usize,
}

impl ConfusionTable {
    /// The table compiled into the binary. Parsed once; a unit test parses the same bytes, so an
    /// error here is a build defect, not an input problem.
    pub fn embedded() -> &'static ConfusionTable {
        static TABLE: std::sync::OnceLock<ConfusionTable> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            ConfusionTable::parse(EMBEDDED)
                .unwrap_or_else(|e| panic!("embedded dictionaries/ocr-confusion.tsv: {e}"))
        })
    }

    pub fn channel(&self, lang: OcrLang) -> &Channel {
        match lang {
            OcrLang::Eng => &self.eng,
            OcrLang::Vie => &self.vie,
        }
    }

    pub fn parse(text: &str) -> Result<ConfusionTable, ConfusionError> {
        let mut lines = text.lines();
        if lines.next() != Some(MAGIC_LINE) {
            return Err(ConfusionError::BadMagic);
        }
        let mut table = ConfusionTable::default();
        table.vie.lang = OcrLang::Vie;
        let mut expected = None;
        for (n, line) in lines.enumerate() {
            let line_no = n + 2;
            if let Some(count) = line.strip_prefix(END_PREFIX) {
                let count = count.trim_end_matches(" entries");
                expected = Some(count.parse().map_err(|_| ConfusionError::BadLine {
                    line: line_no,
                    reason: format!("bad entry count {count:?}"),
                })?);
                continue;
            }
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let bad = |reason: &str| ConfusionError::BadLine {
                line: line_no,
                reason: reason.to_owned(),
            };
            let fields: Vec<&str> = line.split('\t').collect();
            if let ["keep", lang, kind, cost] = fields[..] {
                let channel = match lang {
                    "eng" => &mut table.eng,
                    "vie" => &mut table.vie,
                    _ => return Err(bad("language must be eng or vie")),
                };
                let kind = Keep::ALL
                    .into_iter()
                    .find(|k| k.name() == kind)
                    .ok_or_else(|| bad("keep kind must be word, syllable or garbled"))?;
                let cost = cost.parse().map_err(|_| bad("cost is not an integer"))?;
                channel.keep[kind as usize] = Some(cost);
                table.entries += 1;
                continue;
            }
            let [lang, truth, observed, cost, count] = fields[..] else {
                return Err(bad("expected 5 tab-separated fields"));
            };
            let channel = match lang {
                "eng" => &mut table.eng,
                "vie" => &mut table.vie,
                _ => return Err(bad("language must be eng or vie")),
            };
            let unit = |s: &str| -> Result<Vec<char>, ConfusionError> {
                let chars: Vec<char> = if s == "∅" {
                    Vec::new()
                } else {
                    s.chars().collect()
                };
                if chars.len() > 2 {
                    return Err(bad("units have at most two characters"));
                }
                Ok(chars)
            };
            let (truth, observed) = (unit(truth)?, unit(observed)?);
            let cost: u32 = cost.parse().map_err(|_| bad("cost is not an integer"))?;
            if let ([t], [o], "1") = (&truth[..], &observed[..], count) {
                if t != o && strip_char(*t) == strip_char(*o) {
                    channel.seen_once.push(cost);
                }
            }
            channel.insert(&truth, &observed, cost);
            table.entries += 1;
        }
        match expected {
            None => Err(ConfusionError::NoEnd),
            Some(expected) if expected != table.entries => Err(ConfusionError::Truncated {
                found: table.entries,
                expected,
            }),
            Some(_) => {
                table.eng.finish();
                table.vie.finish();
                Ok(table)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_loads_with_both_languages() {
        let table = ConfusionTable::parse(EMBEDDED).expect("embedded table parses");
        assert!(table.eng.costs.len() > 100 && table.vie.costs.len() > 100);
        // The English model's signature confusions are learned, and cheaper than the defaults.
        let eng = &table.eng;
        assert!(eng.cost(&['ư'], &['w']) < DEFAULT_SUBSTITUTION);
        assert!(eng.cost(&['ố'], &['6']) < DEFAULT_SUBSTITUTION);
        assert!(eng.is_letter_symbol('6'));
    }

    #[test]
    fn unseen_mark_confusions_cost_what_ones_seen_once_do() {
        let table = ConfusionTable::parse(EMBEDDED).expect("embedded table parses");
        let vie = &table.vie;
        // Whatever pages the table was counted on: a mark confusion they never showed costs no
        // less than the typical one they showed once.
        let mut seen_once: Vec<u32> = EMBEDDED
            .lines()
            .filter_map(|row| match row.split('\t').collect::<Vec<_>>()[..] {
                ["vie", truth, observed, cost, "1"] => {
                    let (mut t, mut o) = (truth.chars(), observed.chars());
                    let (t, o) = (t.next()?, o.next()?);
                    (truth.chars().count() == 1
                        && observed.chars().count() == 1
                        && t != o
                        && strip_char(t) == strip_char(o))
                    .then(|| cost.parse().ok())?
                }
                _ => None,
            })
            .collect();
        seen_once.sort_unstable();
        let typical = seen_once[seen_once.len() / 2];
        let tone_forms = |base: char| {
            (0..6).filter_map(move |tone| {
                let form = crate::orthography::place_tone(
                    &base.to_string(),
                    tone,
                    crate::text::tone::ToneStyle::New,
                );
                form.chars().next()
            })
        };
        let mut checked = 0;
        for base in "aăâeêioôơuưy".chars() {
            for (t, o) in tone_forms(base).flat_map(|t| tone_forms(base).map(move |o| (t, o))) {
                if t != o && !vie.costs.contains_key(&(pack_unit(&[t]), pack_unit(&[o]))) {
                    assert!(vie.cost(&[t], &[o]) >= typical, "{t} → {o}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 0);
        let rows = format!(
            "{MAGIC_LINE}\nvie\ta\tá\t500\t1\nvie\tă\tắ\t700\t1\nvie\tâ\tấ\t600\t1\n\
             vie\to\tó\t100\t40\n# end: 4 entries\n"
        );
        let table = ConfusionTable::parse(&rows).unwrap();
        assert_eq!(table.vie.cost(&['e'], &['é']), 600);
        assert_eq!(table.eng.cost(&['e'], &['é']), DEFAULT_MARK);
    }

    #[test]
    fn rejects_bad_magic_truncation_and_bad_lines() {
        assert_eq!(
            ConfusionTable::parse("hello\n").unwrap_err(),
            ConfusionError::BadMagic
        );
        let row = "eng\tư\tw\t120\t7\n";
        let good = format!("{MAGIC_LINE}\n{row}# end: 1 entries\n");
        assert!(ConfusionTable::parse(&good).is_ok());
        assert_eq!(
            ConfusionTable::parse(&format!("{MAGIC_LINE}\n{row}")).unwrap_err(),
            ConfusionError::NoEnd
        );
        assert_eq!(
            ConfusionTable::parse(&format!("{MAGIC_LINE}\n{row}# end: 2 entries\n")).unwrap_err(),
            ConfusionError::Truncated {
                found: 1,
                expected: 2
            }
        );
        let bad = format!("{MAGIC_LINE}\nfra\tư\tw\t1\t1\n# end: 1 entries\n");
        assert!(matches!(
            ConfusionTable::parse(&bad).unwrap_err(),
            ConfusionError::BadLine { line: 2, .. }
        ));
    }

    #[test]
    fn keep_rows_set_the_keep_costs_and_count_as_entries() {
        let rows = format!(
            "{MAGIC_LINE}\nkeep\teng\tsyllable\t1234\neng\tư\tw\t120\t7\n# end: 2 entries\n"
        );
        let table = ConfusionTable::parse(&rows).unwrap();
        assert_eq!(table.eng.keep_cost(Keep::Syllable), 1234);
        assert_eq!(table.eng.keep_cost(Keep::Word), Keep::Word.default_cost());
        assert_eq!(
            table.vie.keep_cost(Keep::Syllable),
            Keep::Syllable.default_cost()
        );
        let bad = format!("{MAGIC_LINE}\nkeep\teng\tname\t1\n# end: 1 entries\n");
        assert!(matches!(
            ConfusionTable::parse(&bad).unwrap_err(),
            ConfusionError::BadLine { line: 2, .. }
        ));
    }

    #[test]
    fn unlisted_pairs_cost_the_defaults() {
        let table = ConfusionTable::default();
        assert_eq!(table.eng.cost(&['a'], &['a']), 0);
        assert_eq!(table.eng.cost(&['ầ'], &['à']), DEFAULT_MARK);
        assert_eq!(
            table.eng.cost(&['ầ'], &['à']),
            table.eng.default_mark.max(DEFAULT_MARK)
        );
        assert_eq!(table.eng.cost(&['a'], &['q']), DEFAULT_SUBSTITUTION);
        assert_eq!(table.eng.cost(&[], &['q']), DEFAULT_GAP);
    }
}
