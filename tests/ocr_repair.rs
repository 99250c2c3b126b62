//! OCR-garble repair: the confusion cases of `tests/data/restore/ocr-cases.toml`, Tesseract's
//! alternatives of `choice-cases.toml`, the seed 002 word-accuracy gate, and the invariant that
//! codes and numbers come back byte-identical.

mod common;

use proptest::prelude::*;
use serde::Deserialize;
use vanban::document::{
    BBox, Choice, Line, OffsetMap, Page, PageMethod, RawText, SymbolChoices, Word,
};
use vanban::restore::{resolve_kind, InputKind, RestoreOptions, Restorer, SymbolReadings};

fn restorer() -> &'static Restorer {
    static RESTORER: std::sync::OnceLock<Restorer> = std::sync::OnceLock::new();
    RESTORER.get_or_init(|| Restorer::embedded().expect("embedded model"))
}

fn options(input_kind: InputKind) -> RestoreOptions {
    RestoreOptions {
        input_kind,
        ..RestoreOptions::default()
    }
}

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    kind: String,
    input: String,
    output: String,
}

#[test]
fn confusion_cases() {
    let cases: Vec<Case> = common::toml_cases(include_str!("data/restore/ocr-cases.toml"));
    let mut failures = Vec::new();
    for case in &cases {
        let kind = match case.kind.as_str() {
            "ocr-eng" => InputKind::OcrEng,
            "ocr-vie" => InputKind::OcrVie,
            "auto" => InputKind::Auto,
            other => panic!("{}: unknown kind {other}", case.name),
        };
        let output = restorer().restore_text(&case.input, &options(kind));
        if output != case.output {
            failures.push(format!(
                "{}:\n  expected {}\n  got      {output}",
                case.name, case.output
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[derive(Debug, Deserialize)]
struct ChoiceCase {
    name: String,
    input: String,
    output: String,
    symbol: Vec<UnsureSymbol>,
}

#[derive(Debug, Deserialize)]
struct UnsureSymbol {
    word: String,
    at: usize,
    choices: Vec<(String, f32)>,
}

/// The case's input as one OCR'd page, its words split at spaces, with the case's alternatives
/// on the words they name.
fn choice_page(case: &ChoiceCase) -> Page {
    let lines = case.input.lines().map(|text| {
        let mut words = Vec::new();
        let mut start = 0;
        for part in text.split(' ') {
            let end = start + part.chars().count();
            let alternatives = case
                .symbol
                .iter()
                .filter(|s| s.word == part)
                .map(|s| SymbolChoices {
                    start: s.at,
                    end: s.at + 1,
                    choices: s
                        .choices
                        .iter()
                        .map(|(text, confidence)| Choice {
                            text: text.clone(),
                            confidence: *confidence,
                        })
                        .collect(),
                })
                .collect();
            words.push(Word {
                text: part.to_owned(),
                bbox: BBox {
                    x: 0,
                    y: 0,
                    width: 1,
                    height: 1,
                },
                confidence: Some(0.5),
                start,
                end,
                baseline: None,
                font_size: None,
                alternatives,
            });
            start = end + 1;
        }
        Line {
            words,
            ..Line::plain(text)
        }
    });
    Page {
        number: 1,
        method: PageMethod::Ocr,
        width: None,
        height: None,
        ocr_language: Some("vie".to_owned()),
        lines: lines.collect(),
        removed: Vec::new(),
    }
}

#[test]
fn tesseract_choice_cases() {
    let cases: Vec<ChoiceCase> = common::toml_cases(include_str!("data/restore/choice-cases.toml"));
    let mut failures = Vec::new();
    for case in &cases {
        let pages = [choice_page(case)];
        let raw = RawText::from_pages(&pages);
        let identity = OffsetMap::identity(raw.char_len());
        let readings = SymbolReadings::from_pages(&pages, &raw, &raw.text, &identity);
        assert!(!readings.is_empty(), "{}: no symbol placed", case.name);
        let mut worker = restorer().new_worker();
        worker.read_symbols(readings);
        let output = worker.restore(&raw.text, &options(InputKind::OcrVie)).text;
        if output != case.output {
            failures.push(format!(
                "{}:\n  expected {}\n  got      {output}",
                case.name, case.output
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_symbol_counted_past_its_trimmed_word_is_not_placed() {
    // Tesseract counts a word's symbols before it trims the word's text.
    let case = ChoiceCase {
        name: "stray".to_owned(),
        input: "Đảng ủy cơ".to_owned(),
        output: String::new(),
        symbol: vec![UnsureSymbol {
            word: "cơ".to_owned(),
            at: 2,
            choices: vec![("ơ".to_owned(), 0.6), ("ớ".to_owned(), 0.3)],
        }],
    };
    let pages = [choice_page(&case)];
    let raw = RawText::from_pages(&pages);
    let identity = OffsetMap::identity(raw.char_len());
    assert!(SymbolReadings::from_pages(&pages, &raw, &raw.text, &identity).is_empty());
}

const SEED002_GOLD: &str = include_str!("../fixtures/gold/seed002-lines-1-60.gold.txt");
const SEED002_OCR: &str = include_str!("../fixtures/gold/seed002-lines-1-60.ocr.txt");

/// Real English-model OCR of a directive: word i of the output against word i of the gold.
#[test]
fn seed002_word_accuracy_gate() {
    assert_eq!(
        resolve_kind(InputKind::Auto, SEED002_OCR),
        InputKind::OcrEng
    );
    let score = vanban::eval::restore::evaluate(
        restorer(),
        SEED002_GOLD,
        Some(SEED002_OCR),
        &options(InputKind::Auto),
    );
    assert_eq!(score.misaligned_lines, 0);
    assert_eq!(score.codes_changed, 0);
    assert!(score.syllables.accuracy >= 0.96, "{:?}", score.syllables);
}

#[test]
fn detailed_offsets_follow_length_changes() {
    let text = "Ban ciia Pang, s6 24-CTr/TU";
    let restored = restorer().restore_detailed(text, &options(InputKind::OcrEng));
    assert_eq!(restored.text, "Ban của Đảng, số 24-CTr/TU");
    assert_offsets_match(text, &restored);
    assert!(restored.tokens.iter().any(|t| t.input == "ciia"));
}

#[test]
fn detailed_offsets_cover_dropped_specks() {
    let text = "quản ˆ lý nhà nước, kháng nghị l quyết định";
    let restored = restorer().restore_detailed(text, &options(InputKind::OcrVie));
    assert_eq!(restored.text, "quản lý nhà nước, kháng nghị quyết định");
    assert_offsets_match(text, &restored);
    let dropped: Vec<&str> = restored
        .tokens
        .iter()
        .filter(|t| t.output.is_empty())
        .map(|t| t.input.as_str())
        .collect();
    assert_eq!(dropped, ["ˆ ", "l "]);
}

/// Blocks after the first were given output offsets counted in input characters, so past the
/// first 16 kB of OCR input every repaired word's output offsets were off.
#[test]
fn detailed_offsets_follow_length_changes_across_blocks() {
    let text = SEED002_OCR.repeat(vanban::restore::BLOCK_BYTES / SEED002_OCR.len() + 2);
    let restored = restorer().restore_detailed(&text, &options(InputKind::OcrEng));
    assert_ne!(restored.text.chars().count(), text.chars().count());
    assert_offsets_match(&text, &restored);
}

/// Every detailed token's offsets point at its input and output text.
fn assert_offsets_match(text: &str, restored: &vanban::restore::Restoration) {
    let input: Vec<char> = text.chars().collect();
    let output: Vec<char> = restored.text.chars().collect();
    for token in &restored.tokens {
        let i: String = input[token.input_start..token.input_end].iter().collect();
        let o: String = output[token.output_start..token.output_end]
            .iter()
            .collect();
        assert_eq!((i, o), (token.input.clone(), token.output.clone()));
    }
}

const CODES: &[&str] = &[
    "24-CTr/TU",
    "05/10/2022",
    "156-KH/BTGTW",
    "12/2020/QD-TTg",
    "2023",
    "Qb/TW",
    "1.500",
    "H5N1",
];
const WORDS: &[&str] = &[
    "ciia", "s6", "K&", "Pang", "1y", "dugc", "hién", "Chwong", "trinh", "UBND", "Ban", "vé", "c6",
    "bso", "Ké", "MUC", "PICH", "Robert", "&", "6",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Codes, numbers and dates among garbled words come back byte-identical, but for the `Đ`
    /// the code table puts back in their symbols (`QD-TTg` → `QĐ-TTg`).
    #[test]
    fn codes_and_numbers_are_byte_identical(
        parts in prop::collection::vec(
            (prop::sample::select(WORDS), prop::sample::select(CODES), 0..3usize),
            1..12,
        ),
        vie in any::<bool>(),
    ) {
        let text: String = parts
            .iter()
            .map(|(w, c, sep)| format!("{w} {c}{}", [" ", ", ", "\n"][*sep]))
            .collect();
        let kind = if vie { InputKind::OcrVie } else { InputKind::OcrEng };
        let out = restorer().restore_text(&text, &options(kind));
        let codes_in: Vec<&str> = text.split_whitespace().filter(|w| w.contains(|c: char| c.is_ascii_digit()) && w.len() > 2).collect();
        let codes_out: Vec<String> = out.split_whitespace().filter(|w| w.contains(|c: char| c.is_ascii_digit()) && w.len() > 2).map(|w| w.replace('Đ', "D")).collect();
        prop_assert_eq!(codes_in, codes_out);
        prop_assert_eq!(text.split_whitespace().count(), out.split_whitespace().count());
    }
}
