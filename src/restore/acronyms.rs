//! The `Đ` of an acronym the corpora do not know, from the phrase it abbreviates in the same
//! document: stripped `mau so 36/DNKTT` where the text says `đề nghị không thu thuế`, or `(DCL)`
//! after `điểm chất lượng`. The code table ([`super::codes`]) decides the acronyms the corpora
//! use often enough; this one reads the rest from the document's own words as the first pass
//! restored them.

use super::codes::{is_symbol, letter_runs, respell_symbols, EthTable};
use crate::model::FxHashMap;
use crate::text::strip::strip_char;

/// The shortest acronym read from its phrase: two letters match too many phrases by chance.
const MIN_LETTERS: usize = 3;
/// The longest: a longer run of capitals is no acronym (and the places of `Đ` fit a `u64`).
const MAX_LETTERS: usize = 16;

/// What a block's first pass leaves for the document's acronyms: the symbols it holds that the
/// code table does not know, and the initials of its restored words.
#[derive(Debug, Default)]
pub(super) struct AcronymEvidence {
    /// Stripped symbols in capitals (`DNKTT`) of [`MIN_LETTERS`] to [`MAX_LETTERS`], unknown to
    /// the code table.
    wanted: Vec<Box<str>>,
    /// The initial of each restored word, in capitals with `Đ` folded, and whether it is `đ`;
    /// `None` between phrases (a segment's end, a word kept as written, a code).
    initials: Vec<Option<(u8, bool)>>,
}

impl AcronymEvidence {
    /// Notes a token that is no restored word: a code or an acronym kept as written, whose
    /// symbols may be wanted, and which ends a phrase.
    pub(super) fn note_kept(&mut self, token: &str) {
        self.initials.push(None);
        for (_, run) in letter_runs(token) {
            // All capitals: the initials it is matched with are.
            if (MIN_LETTERS..=MAX_LETTERS).contains(&run.len())
                && run.bytes().all(|b| b.is_ascii_uppercase())
                && is_symbol(run)
                && !EthTable::embedded().knows(run)
                && !self.wanted.iter().any(|w| **w == *run)
            {
                self.wanted.push(run.into());
            }
        }
    }

    /// Notes a restored word: `written` as the input has it, `syllable` as restored. A word in
    /// capitals ends a phrase, as headings and other acronyms are no phrase an acronym shortens.
    pub(super) fn note_word(&mut self, written: &str, syllable: &str) {
        let capitals = written.chars().filter(|c| c.is_uppercase()).count() >= 2;
        let initial = syllable.chars().next().filter(|_| !capitals).and_then(|c| {
            let c = c.to_lowercase().next()?;
            let folded = strip_char(c).to_ascii_uppercase();
            folded
                .is_ascii_uppercase()
                .then_some((folded as u8, c == 'đ'))
        });
        self.initials.push(initial);
    }

    pub(super) fn end_phrase(&mut self) {
        self.initials.push(None);
    }
}

/// What the phrases spelling a wanted form agree on: the places of `Đ` (a bit per letter) and
/// how many phrases there are; `None` once two disagree.
type Agreement = Option<(u64, u32)>;

/// The spellings with `Đ` that a document's own phrases give the acronyms it uses.
#[derive(Debug, Default)]
pub(super) struct DocumentAcronyms {
    spellings: FxHashMap<Box<str>, (Box<str>, f32)>,
}

impl DocumentAcronyms {
    /// Reads each wanted acronym of the blocks off the phrases whose initials spell it: when
    /// every such phrase puts `Đ` in the same places (and at least one does), that is the
    /// acronym's spelling, with confidence `n / (n + 1)` after `n` phrases.
    pub(super) fn infer<'e>(blocks: impl Iterator<Item = &'e AcronymEvidence> + Clone) -> Self {
        let mut index: FxHashMap<&'e [u8], usize> = FxHashMap::default();
        let mut seen: Vec<(&'e [u8], Agreement)> = Vec::new();
        let mut lengths: Vec<usize> = Vec::new();
        for block in blocks.clone() {
            for wanted in &block.wanted {
                index.entry(wanted.as_bytes()).or_insert_with(|| {
                    seen.push((wanted.as_bytes(), Some((0, 0))));
                    seen.len() - 1
                });
                if !lengths.contains(&wanted.len()) {
                    lengths.push(wanted.len());
                }
            }
        }
        if seen.is_empty() {
            return DocumentAcronyms::default();
        }
        // The letters a wanted form starts with, so most words are passed over at one look.
        let first_letters: u32 = seen
            .iter()
            .map(|(form, _)| 1u32 << (form[0] - b'A'))
            .fold(0, |mask, bit| mask | bit);
        let mut key = Vec::new();
        for block in blocks {
            let initials = &block.initials;
            for start in 0..initials.len() {
                let Some((letter, _)) = initials[start] else {
                    continue;
                };
                if first_letters & 1 << (letter - b'A') == 0 {
                    continue;
                }
                for &n in &lengths {
                    let Some(phrase) = initials.get(start..start + n) else {
                        continue;
                    };
                    key.clear();
                    let mut eth = 0u64;
                    for (k, initial) in phrase.iter().enumerate() {
                        let Some((letter, is_eth)) = initial else {
                            break;
                        };
                        key.push(*letter);
                        eth |= u64::from(*is_eth) << k;
                    }
                    let Some(&at) = index.get(key.as_slice()).filter(|_| key.len() == n) else {
                        continue;
                    };
                    seen[at].1 = match seen[at].1 {
                        Some((_, 0)) => Some((eth, 1)),
                        Some((pattern, count)) if pattern == eth => Some((pattern, count + 1)),
                        _ => None,
                    };
                }
            }
        }
        let spellings = seen
            .into_iter()
            .filter_map(|(form, agreed)| {
                let (eth, count) = agreed?;
                (eth != 0).then(|| {
                    let spelling: String = form
                        .iter()
                        .enumerate()
                        .map(|(k, &b)| {
                            if eth >> k & 1 == 1 {
                                'Đ'
                            } else {
                                char::from(b)
                            }
                        })
                        .collect();
                    let confidence = count as f32 / (count as f32 + 1.0);
                    let form = String::from_utf8_lossy(form).into_owned();
                    (
                        form.into_boxed_str(),
                        (spelling.into_boxed_str(), confidence),
                    )
                })
            })
            .collect();
        DocumentAcronyms { spellings }
    }

    /// `code` with its symbols spelled as the code table or, for those it does not know, the
    /// document says, and the confidence (the least among the symbols rewritten); `None` when
    /// nothing changes.
    pub(super) fn restore(&self, code: &str) -> Option<(String, f32)> {
        let table = EthTable::embedded();
        respell_symbols(code, |run| {
            table
                .spelling(run)
                .or_else(|| self.spellings.get(run).map(|(s, c)| (&**s, *c)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(words: &[&str], kept: &[&str]) -> AcronymEvidence {
        let mut evidence = AcronymEvidence::default();
        for word in words {
            match *word {
                "|" => evidence.end_phrase(),
                _ => evidence.note_word(word, word),
            }
        }
        for code in kept {
            evidence.note_kept(code);
        }
        evidence
    }

    #[test]
    fn an_unknown_acronym_takes_its_eth_from_the_phrase_it_shortens() {
        let block = evidence(
            &[
                "công", "văn", "đề", "nghị", "không", "thu", "thuế", "|", "Hội", "đồng",
            ],
            &["36/DNKTT/NVTHQ"],
        );
        let acronyms = DocumentAcronyms::infer([&block].into_iter());
        let (code, confidence) = acronyms.restore("36/DNKTT/NVTHQ").unwrap();
        assert_eq!(code, "36/ĐNKTT/NVTHQ");
        assert!((confidence - 0.5).abs() < 1e-6);
        // Symbols the table knows follow the table, whatever the document says.
        assert_eq!(
            acronyms.restore("78/2025/ND-CP").unwrap().0,
            "78/2025/NĐ-CP"
        );
    }

    #[test]
    fn phrases_that_disagree_or_cross_a_break_decide_nothing() {
        let disagree = evidence(
            &["dân", "quân", "tự", "vệ", "|", "đội", "quân", "tự", "vệ"],
            &["DQTV"],
        );
        assert_eq!(
            DocumentAcronyms::infer([&disagree].into_iter()).restore("DQTV"),
            None
        );
        let broken = evidence(&["đề", "nghị", "|", "không", "thu", "thuế"], &["DNKTT"]);
        // A symbol with lowercase letters is no acronym of initials (and must not upset the
        // letter mask): nothing is inferred, nothing panics.
        let mixed = evidence(&["đề", "nghị", "không"], &["kDNK", "mTOR-D"]);
        assert_eq!(
            DocumentAcronyms::infer([&mixed].into_iter()).restore("kDNK"),
            None
        );
        assert_eq!(
            DocumentAcronyms::infer([&broken].into_iter()).restore("DNKTT"),
            None
        );
        // Words in capitals are no phrase: a heading `ĐỀ NGHỊ KHÁC` does not spell `DNK`.
        let mut heading = AcronymEvidence::default();
        for (written, syllable) in [("DE", "đề"), ("NGHI", "nghị"), ("KHAC", "khác")] {
            heading.note_word(written, syllable);
        }
        heading.note_kept("DNK");
        assert_eq!(
            DocumentAcronyms::infer([&heading].into_iter()).restore("DNK"),
            None
        );
    }

    #[test]
    fn the_phrase_may_stand_in_another_block() {
        let phrase = evidence(&["giám", "định", "y", "khoa"], &[]);
        let code = evidence(&[], &["BBGDYK"]);
        let acronyms = DocumentAcronyms::infer([&phrase, &code].into_iter());
        assert_eq!(
            acronyms.restore("BBGDYK"),
            None,
            "BBGDYK itself has no phrase"
        );
        let code = evidence(&[], &["GDYK-01"]);
        let acronyms = DocumentAcronyms::infer([&phrase, &code].into_iter());
        assert_eq!(acronyms.restore("GDYK-01").unwrap().0, "GĐYK-01");
    }
}
