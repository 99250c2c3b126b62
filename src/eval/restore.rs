//! Scoring diacritic restoration against accented gold text, per the conventions of
//! `eval/README.md`: words are compared case-insensitively after NFC and after folding the old tone
//! placement to the new; words containing a digit, or a `/` between anything but lowercase letters
//! (`KH/TU`; `tháng/lần` is words), are codes and must come back unchanged.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::orthography::{place_tone, split_tone};
use crate::restore::{RestoreOptions, Restorer};
use crate::text::{strip_diacritics, ToneStyle};

/// Correct out of total for one slice of the words.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Tally {
    pub correct: usize,
    pub total: usize,
    pub accuracy: f64,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        self.total += 1;
        self.correct += usize::from(ok);
    }

    fn finish(&mut self) {
        self.accuracy = if self.total == 0 {
            1.0
        } else {
            self.correct as f64 / self.total as f64
        };
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Confusion {
    pub gold: String,
    pub output: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RestoreScore {
    pub model: String,
    pub lines: usize,
    /// Lines whose output has a different number of words than the gold (all counted wrong).
    pub misaligned_lines: usize,
    pub syllables: Tally,
    /// Syllables whose stripped form has two or more candidates in the model.
    pub ambiguous: Tally,
    /// Syllables on lines written in capitals (headings).
    pub all_caps_lines: Tally,
    /// Syllables starting with a capital letter.
    pub capitalized: Tally,
    pub codes: usize,
    /// Codes (words with a digit or `/`) the restorer altered into something that is neither the
    /// input nor the gold; must be 0.
    pub codes_changed: usize,
    /// Code words (codes as above, and acronyms: all capitals on a line that has lowercase
    /// letters) that came back byte-identical to the gold, `NĐ-CP` and `HĐND` with their `Đ`.
    pub code_words: Tally,
    pub words: usize,
    pub seconds: f64,
    pub words_per_second: f64,
    pub threads: usize,
    /// The most frequent errors, gold → output.
    pub confusions: Vec<Confusion>,
}

fn is_document_header(line: &str) -> bool {
    line.starts_with("# doc = ")
}

/// The documents of `text`, cut at its `# doc = …` lines (left out), each its lines joined.
fn documents(text: &str) -> Vec<String> {
    let mut documents: Vec<Vec<&str>> = vec![Vec::new()];
    for line in text.lines() {
        if is_document_header(line) {
            documents.push(Vec::new());
        } else if let Some(document) = documents.last_mut() {
            document.push(line);
        }
    }
    documents
        .into_iter()
        .filter(|lines| !lines.is_empty())
        .map(|lines| lines.join("\n"))
        .collect()
}

/// The comparison form of a word: NFC, lowercase, tone marks in the new placement.
pub fn fold(word: &str) -> String {
    let lower: String = word.nfc().flat_map(char::to_lowercase).collect();
    let mut out = String::with_capacity(lower.len());
    let mut run = String::new();
    for c in lower.chars().chain(std::iter::once(' ')) {
        if c.is_alphabetic() {
            run.push(c);
            continue;
        }
        match split_tone(&run) {
            Some((base, tone)) => out.push_str(&place_tone(&base, tone, ToneStyle::New)),
            None => out.push_str(&run),
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

fn is_code(word: &str) -> bool {
    let core = word.trim_matches(|c: char| !c.is_alphanumeric());
    let words = core
        .split('/')
        .all(|part| !part.is_empty() && part.chars().all(char::is_lowercase));
    word.contains(|c: char| c.is_ascii_digit()) || (word.contains('/') && !words)
}

/// A word of two or more letters, all capitals (`HĐND`, `ĐBSCL`).
fn is_acronym(word: &str) -> bool {
    is_all_caps(word.trim_matches(|c: char| !c.is_alphanumeric()))
}

fn is_all_caps(line: &str) -> bool {
    let mut letters = line.chars().filter(|c| c.is_alphabetic());
    letters.clone().count() >= 2 && letters.all(char::is_uppercase)
}

/// Restores `input` (the stripped gold when `None`; otherwise aligned with the gold line for line
/// and word for word) and scores it. Document header lines (`# doc = …`) are left out.
pub fn evaluate(
    restorer: &Restorer,
    gold: &str,
    input: Option<&str>,
    options: &RestoreOptions,
) -> RestoreScore {
    let gold_lines: Vec<&str> = gold.lines().filter(|l| !is_document_header(l)).collect();
    let stripped;
    let documents = match input {
        Some(text) => documents(text),
        None => {
            stripped = strip_diacritics(gold);
            documents(&stripped)
        }
    };
    let input_text = documents.join("\n");
    let words = input_text.split_whitespace().count();
    let started = Instant::now();
    // Each document on its own, as `vanban restore` sees one file: the document's own usage and
    // phrases adapt its restoration, not its neighbours'.
    let output = documents
        .iter()
        .map(|document| restorer.restore_text(document, options))
        .collect::<Vec<_>>()
        .join("\n");
    let seconds = started.elapsed().as_secs_f64();

    let mut score = RestoreScore {
        model: restorer.model().name().to_owned(),
        lines: gold_lines.len(),
        misaligned_lines: 0,
        syllables: Tally::default(),
        ambiguous: Tally::default(),
        all_caps_lines: Tally::default(),
        capitalized: Tally::default(),
        codes: 0,
        codes_changed: 0,
        code_words: Tally::default(),
        words,
        seconds,
        words_per_second: words as f64 / seconds.max(1e-9),
        threads: rayon::current_num_threads(),
        confusions: Vec::new(),
    };
    let mut confusions: BTreeMap<(String, String), usize> = BTreeMap::new();
    for ((gold_line, in_line), out_line) in gold_lines
        .iter()
        .zip(input_text.lines())
        .zip(output.lines())
    {
        let gold_words: Vec<&str> = gold_line.split_whitespace().collect();
        let in_words: Vec<&str> = in_line.split_whitespace().collect();
        let out_words: Vec<&str> = out_line.split_whitespace().collect();
        let aligned = gold_words.len() == out_words.len() && in_words.len() == out_words.len();
        score.misaligned_lines += usize::from(!aligned);
        let caps = is_all_caps(gold_line);
        let line_has_lowercase = gold_line.chars().any(char::is_lowercase);
        for (i, gold_word) in gold_words.iter().enumerate() {
            let out_word = if aligned { out_words[i] } else { "" };
            if is_code(gold_word) || (line_has_lowercase && is_acronym(gold_word)) {
                score.code_words.add(out_word == *gold_word);
            }
            if is_code(gold_word) {
                score.codes += 1;
                let in_word = in_words.get(i).copied().unwrap_or("");
                // A code may end in a restorable word ("định./."); matching the gold is no change.
                score.codes_changed +=
                    usize::from(!aligned || (out_word != in_word && out_word != *gold_word));
                continue;
            }
            if !gold_word.chars().any(char::is_alphabetic) {
                continue;
            }
            let ok = fold(gold_word) == fold(out_word);
            score.syllables.add(ok);
            let core = strip_diacritics(gold_word.trim_matches(|c: char| !c.is_alphanumeric()));
            if restorer.candidate_count(&core) >= 2 {
                score.ambiguous.add(ok);
            }
            if caps {
                score.all_caps_lines.add(ok);
            }
            if gold_word
                .chars()
                .find(|c| c.is_alphabetic())
                .is_some_and(char::is_uppercase)
            {
                score.capitalized.add(ok);
            }
            if !ok {
                *confusions
                    .entry((fold(gold_word), fold(out_word)))
                    .or_default() += 1;
            }
        }
    }
    for tally in [
        &mut score.code_words,
        &mut score.syllables,
        &mut score.ambiguous,
        &mut score.all_caps_lines,
        &mut score.capitalized,
    ] {
        tally.finish();
    }
    let mut confusions: Vec<Confusion> = confusions
        .into_iter()
        .map(|((gold, output), count)| Confusion {
            gold,
            output,
            count,
        })
        .collect();
    confusions.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.gold.cmp(&b.gold)));
    confusions.truncate(30);
    score.confusions = confusions;
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ignores_case_and_tone_placement() {
        assert_eq!(fold("Hoà,"), fold("hòa,"));
        assert_eq!(fold("THUỶ"), "thủy");
        assert_ne!(fold("hoa"), fold("hòa"));
    }

    #[test]
    fn codes_and_caps_lines_are_recognised() {
        assert!(is_code("24-CTr/TU"));
        assert!(is_code("14/6/2022"));
        assert!(!is_code("QĐ-TTg"));
        assert!(is_code("KH/TU"));
        assert!(!is_code("tháng/lần,"));
        assert!(is_all_caps("KẾ HOẠCH, NHIỆM VỤ"));
        assert!(!is_all_caps("Kế hoạch"));
    }
}
