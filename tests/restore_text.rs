//! Restoration outputs on fixed inputs and the invariants every output keeps.

mod common;

use proptest::prelude::*;
use serde::Deserialize;
use vanban::restore::{InputKind, RestoreOptions, Restorer};
use vanban::text::{strip_diacritics, ToneStyle};

fn restorer() -> &'static Restorer {
    static RESTORER: std::sync::OnceLock<Restorer> = std::sync::OnceLock::new();
    RESTORER.get_or_init(|| Restorer::embedded().expect("embedded model"))
}

fn restore(text: &str) -> String {
    restorer().restore_text(text, &RestoreOptions::default())
}

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    input: String,
    output: String,
}

/// The rules of `tests/data/restore/stripped-cases.toml`, every failing case reported at once.
#[test]
fn stripped_cases() {
    let cases: Vec<Case> = common::toml_cases(include_str!("data/restore/stripped-cases.toml"));
    let options = RestoreOptions {
        input_kind: InputKind::Stripped,
        ..RestoreOptions::default()
    };
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let output = restorer().restore_text(&case.input, &options);
            (output != case.output).then(|| {
                format!(
                    "{}:\n  expected {}\n  got      {output}",
                    case.name, case.output
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn restores_the_issue_example() {
    assert_eq!(
        restore("tang cuong cong tac chi dao"),
        "tăng cường công tác chỉ đạo"
    );
}

#[test]
fn keeps_case_codes_punctuation_and_spacing() {
    let input = "KE HOACH\n\nCan cu Ke hoach so 156-KH/BTGTW ngay 14/6/2022,  QĐ-TTg  cua  Ban Thuong vu Tinh uy.\thttp://x.vn/a";
    assert_eq!(
        restore(input),
        "KẾ HOẠCH\n\nCăn cứ Kế hoạch số 156-KH/BTGTW ngày 14/6/2022,  QĐ-TTg  của  Ban Thường vụ Tỉnh ủy.\thttp://x.vn/a"
    );
}

/// Stripping turns the list letter đ into `d`; it is the `d` that follows a `d`.
#[test]
fn stripped_eth_in_enumerations_comes_back() {
    assert_eq!(
        restore("c) Cac co quan\nd) Nguoi dan\nd) Doanh nghiep\ne) To chuc\ntheo diem c, d va d khoan 2"),
        "c) Các cơ quan\nd) Người dân\nđ) Doanh nghiệp\ne) Tổ chức\ntheo điểm c, d và đ khoản 2"
    );
}

/// Texts are restored in blocks; the item before `đ)` used to be lost when a block started
/// between them, and the `d)` stayed (vlc-dev, and restoring the output again then changed it).
#[test]
fn stripped_eth_after_a_block_boundary() {
    let filler = "Cac co quan thuc hien theo quy dinh.\n";
    let lines = vanban::restore::BLOCK_BYTES / filler.len();
    let list = "c) Yeu cau giam dinh;\nd) Co mat khi lay loi khai;\nd) Tham gia phien toa.\n";
    // The list starts a little before and a little after where a block would end.
    for lines in lines - 2..=lines + 1 {
        let restored = restore(&(filler.repeat(lines) + list));
        assert!(
            restored.ends_with("d) Có mặt khi lấy lời khai;\nđ) Tham gia phiên tòa.\n"),
            "{lines} lines before the list: {:?}",
            &restored[restored.len() - 80..]
        );
    }
}

/// Quotes and dashes used to cut a phrase from its sentence ("“tụ điện biên”").
#[test]
fn quoted_and_dashed_phrases_keep_their_context() {
    assert_eq!(
        restore(
            "Doc lap - Tu do - Hanh phuc\nngan chan “tu dien bien”, “tu chuyen hoa” trong noi bo"
        ),
        "Độc lập - Tự do - Hạnh phúc\nngăn chặn “tự diễn biến”, “tự chuyển hóa” trong nội bộ"
    );
}

/// "VI. TỔ CHỨC THỰC HIỆN" came back as "VÌ. TỔ CHỨC THỰC HIỆN".
#[test]
fn roman_numerals_numbering_headings_are_kept() {
    assert_eq!(
        restore("V. KIEN NGHI\nVI. TO CHUC THUC HIEN"),
        "V. KIẾN NGHỊ\nVI. TỔ CHỨC THỰC HIỆN"
    );
}

/// Bắc Kạn came back as "Bắc Kan": `kạn` breaks the k-before-front-vowel rule.
#[test]
fn province_names_outside_the_spelling_rules() {
    assert_eq!(
        restore("tinh Bac Kan, Kon Tum, Dak Lak va Dak Nong"),
        "tỉnh Bắc Kạn, Kon Tum, Đắk Lắk và Đắk Nông"
    );
}

#[test]
fn keeps_accented_syllables_and_foreign_words() {
    assert_eq!(restore("Tỉnh uỷ va Facebook"), "Tỉnh ủy và Facebook");
}

#[test]
fn old_tone_style_on_request() {
    let options = RestoreOptions {
        tone_style: ToneStyle::Old,
        ..RestoreOptions::default()
    };
    assert_eq!(
        restorer().restore_text("Tinh uy hoa binh", &options),
        "Tỉnh uỷ hoà bình"
    );
}

#[test]
fn ocr_eng_input_ignores_stray_marks() {
    let options = RestoreOptions {
        input_kind: InputKind::OcrEng,
        ..RestoreOptions::default()
    };
    assert_eq!(
        restorer().restore_text("tàng cuòng cong tac", &options),
        "tăng cường công tác"
    );
}

#[test]
fn details_report_changed_tokens_with_offsets_and_alternatives() {
    let text = "Số 5: ket qua";
    let restored = restorer().restore_detailed(text, &RestoreOptions::default());
    assert_eq!(restored.text, "Số 5: kết quả");
    let outputs: Vec<&str> = restored.tokens.iter().map(|t| t.output.as_str()).collect();
    assert_eq!(outputs, ["kết", "quả"]);
    let first = &restored.tokens[0];
    assert_eq!((first.input_start, first.input_end), (6, 9));
    assert!(first.confidence > 0.5 && first.confidence <= 1.0);
    assert!(first.alternatives.len() <= 3);
    assert!(first
        .alternatives
        .iter()
        .all(|a| a.confidence <= first.confidence));
}

/// A code's `Đ` put back is reported like any restored token, with the table's share as its
/// confidence and the code as written as the alternative; accented input keeps its codes as
/// written (`ND-CP` there is what the author typed).
#[test]
fn eth_restored_in_codes_is_reported_and_never_in_accented_input() {
    let text = "Can cu Nghi dinh so 78/2025/ND-CP cua HDND";
    let restored = restorer().restore_detailed(text, &RestoreOptions::default());
    assert_eq!(restored.text, "Căn cứ Nghị định số 78/2025/NĐ-CP của HĐND");
    let code = restored
        .tokens
        .iter()
        .find(|t| t.input == "78/2025/ND-CP")
        .expect("the code is reported");
    assert_eq!(code.output, "78/2025/NĐ-CP");
    assert_eq!((code.input_start, code.input_end), (20, 33));
    assert_eq!((code.output_start, code.output_end), (20, 33));
    assert!(code.confidence > 0.9 && code.confidence <= 1.0);
    assert_eq!(code.alternatives[0].text, "78/2025/ND-CP");
    let accented = "Căn cứ Nghị định số 78/2025/ND-CP của Chính phủ và HDND tỉnh";
    assert_eq!(restore(accented), accented);
}

/// Restores `text` as `kind` on 1 and on 3 threads and asserts both outputs are the same.
fn assert_same_on_1_and_3_threads(text: &str, input_kind: InputKind) {
    let options = RestoreOptions {
        input_kind,
        ..RestoreOptions::default()
    };
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| restorer().restore_text(text, &options))
    };
    assert_eq!(run(1), run(3));
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let seed = include_str!("../fixtures/seeds/000_ac36b2be699df4a8.txt");
    assert_same_on_1_and_3_threads(&strip_diacritics(&seed.repeat(6)), InputKind::Auto);
}

#[test]
fn ocr_output_does_not_depend_on_thread_count() {
    let ocr = include_str!("../fixtures/seeds/002_a158e5844dad4d3e.txt").repeat(6);
    assert_same_on_1_and_3_threads(&ocr, InputKind::OcrEng);
}

/// A thread's candidate cache once kept one entry per lowercase word, so `Kt` (a name, maybe:
/// kept cheaply) decided for a later `kt` (garble: repaired) on the same thread, and OCR output
/// changed with the way blocks fell to threads.
#[test]
fn ocr_candidates_do_not_depend_on_the_spelling_met_first() {
    let options = RestoreOptions {
        input_kind: InputKind::OcrEng,
        ..RestoreOptions::default()
    };
    let line = "Thu kt hat chinh";
    let alone = Restorer::embedded()
        .expect("embedded model")
        .restore_text(line, &options);
    let after_capital = Restorer::embedded()
        .expect("embedded model")
        .restore_text(&format!("Kt\n\n{line}"), &options);
    assert_eq!(after_capital.lines().last(), Some(alone.as_str()));
}

/// Word accuracy of restoring a stripped seed fixture (in the repository).
#[test]
fn stripped_seed_restores_accurately() {
    let gold = include_str!("../fixtures/seeds/000_ac36b2be699df4a8.txt");
    let score = vanban::eval::restore::evaluate(restorer(), gold, None, &RestoreOptions::default());
    assert_eq!(score.codes_changed, 0);
    assert_eq!(score.misaligned_lines, 0);
    assert!(score.syllables.accuracy >= 0.983, "{:?}", score.syllables);
}

/// Restoring a restored text again, as stripped text, keeps every word: the second run sees the
/// first run's choices pinned around each still-unaccented word and must agree with them.
#[test]
fn restoring_restored_seeds_again_changes_nothing() {
    let options = RestoreOptions {
        input_kind: InputKind::Stripped,
        ..RestoreOptions::default()
    };
    for seed in [
        include_str!("../fixtures/seeds/000_ac36b2be699df4a8.txt"),
        include_str!("../fixtures/seeds/001_6545ed3fafa3d3a4.txt"),
        include_str!("../fixtures/seeds/003_026306599e5846c8.txt"),
        include_str!("../fixtures/seeds/004_e339741f20c24cc1.txt"),
    ] {
        let once = restorer().restore_text(&strip_diacritics(seed), &options);
        let twice = restorer().restore_text(&once, &options);
        assert_eq!(twice, once, "seed starting {:?}", &seed[..40]);
    }
}

/// Word salads that a second restoration changed, before the restorer settled its own output
/// (see `restore::settle`): found by `restoring_twice_changes_nothing`.
#[test]
fn restoring_a_restored_word_salad_changes_nothing() {
    for salad in ["uy uy, uy-KE, uy uy quan", "gi, gi gi gi, gi "] {
        let once = restore(salad);
        assert_eq!(restore(&once), once, "{salad:?}");
        let detailed = restorer().restore_detailed(salad, &RestoreOptions::default());
        assert_eq!(detailed.text, once);
        for token in &detailed.tokens {
            let input: String = salad
                .chars()
                .skip(token.input_start)
                .take(token.input_end - token.input_start)
                .collect();
            assert_eq!(input, token.input, "{salad:?}");
        }
    }
}

/// vlc-dev, from the shared data beside the repository when present.
#[test]
fn vlc_dev_restores_accurately() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/eval/vlc-dev.txt");
    let Ok(gold) = std::fs::read_to_string(path) else {
        println!("skipped: {path} not found (shared eval data absent)");
        return;
    };
    let score =
        vanban::eval::restore::evaluate(restorer(), &gold, None, &RestoreOptions::default());
    assert_eq!(score.codes_changed, 0);
    // 99.26 % with the former document weight, 99.32 % with the new one alone, 99.36 % with
    // the round of self-training in document adaptation too.
    assert!(score.syllables.accuracy >= 0.9934, "{:?}", score.syllables);
}

/// The vbpl dev pages stripped of diacritics against their accented originals, each page its
/// own document, from the shared data beside the repository when present.
#[test]
fn vbpl_dev_stripped_restores_accurately() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/eval/real");
    let Ok(entries) = std::fs::read_dir(format!("{dir}/vbpl-dev")) else {
        println!("skipped: {dir}/vbpl-dev not found (shared eval data absent)");
        return;
    };
    let mut names: Vec<_> = entries
        .map(|entry| entry.expect("vbpl-dev entry").file_name())
        .filter(|name| name.to_string_lossy().ends_with(".txt"))
        .collect();
    names.sort();
    let joined = |set: &str| -> String {
        names
            .iter()
            .map(|name| {
                let path = format!("{dir}/{set}/{}", name.to_string_lossy());
                let text = std::fs::read_to_string(&path).expect(&path);
                format!("# doc = {}\n{}\n", name.to_string_lossy(), text.trim_end())
            })
            .collect()
    };
    let (gold, input) = (joined("vbpl-dev"), joined("vbpl-dev-stripped"));
    let score = vanban::eval::restore::evaluate(
        restorer(),
        &gold,
        Some(&input),
        &RestoreOptions::default(),
    );
    assert_eq!(score.misaligned_lines, 0);
    // 99.11 % with the former document weight, 99.14 % with the new one alone, 99.15 % with
    // the round of self-training in document adaptation too.
    assert!(score.syllables.accuracy >= 0.9914, "{:?}", score.syllables);
    assert!(score.code_words.accuracy >= 0.995, "{:?}", score.code_words);
}

const WORDS: &[&str] = &[
    "tang",
    "cuong",
    "cong",
    "tac",
    "chi",
    "dao",
    "KE",
    "HOACH",
    "Tinh",
    "uy",
    "quan",
    "ly",
    "nguoi",
    "đã",
    "hoà",
    "24-CTr/TU",
    "14/6/2022",
    "Facebook",
    "d",
    "a",
    "ư",
    "gi",
    "qu",
    "x",
];

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(WORDS),
            prop::sample::select(&[" ", "  ", "\n", ", ", ". ", "\n\n", "-"][..]),
        ),
        0..40,
    )
    .prop_map(|parts| parts.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
}

proptest! {
    // Random seeds: a failure is saved in `restore_text.proptest-regressions` beside this file and
    // run first from then on.
    #![proptest_config(ProptestConfig {
        cases: 1000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn stripping_the_output_gives_the_stripped_input(text in text_strategy()) {
        let out = restore(&text);
        prop_assert_eq!(strip_diacritics(&out), strip_diacritics(&text));
        prop_assert_eq!(out.chars().count(), text.chars().count());
        prop_assert_eq!(out.split_whitespace().count(), text.split_whitespace().count());
    }

    #[test]
    fn restoring_twice_changes_nothing(text in text_strategy()) {
        let once = restore(&text);
        prop_assert_eq!(restore(&once), once);
    }

    #[test]
    fn detailed_offsets_point_at_the_tokens(text in text_strategy()) {
        let restored = restorer().restore_detailed(&text, &RestoreOptions::default());
        let chars: Vec<char> = restored.text.chars().collect();
        let input: Vec<char> = text.chars().collect();
        for token in &restored.tokens {
            let out: String = chars[token.output_start..token.output_end].iter().collect();
            let inp: String = input[token.input_start..token.input_end].iter().collect();
            prop_assert_eq!(out, token.output.clone());
            prop_assert_eq!(inp, token.input.clone());
        }
    }

    /// The CI-run counterpart of the cargo-fuzz target `fuzz/fuzz_targets/restore.rs`. OCR repair
    /// may change letters and word lengths (`ciia` → `của`), so only diacritic restoration must
    /// give back its input when stripped; every kind must keep its token offsets inside the text.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC*") {
        for input_kind in [InputKind::Auto, InputKind::Stripped, InputKind::OcrEng, InputKind::OcrVie] {
            let options = RestoreOptions { input_kind, ..RestoreOptions::default() };
            let restored = restorer().restore_detailed(&text, &options);
            let (input_len, output_len) = (text.chars().count(), restored.text.chars().count());
            for token in &restored.tokens {
                prop_assert!(token.input_start <= token.input_end && token.input_end <= input_len);
                prop_assert!(token.output_start <= token.output_end && token.output_end <= output_len);
            }
            if input_kind == InputKind::Stripped {
                prop_assert_eq!(strip_diacritics(&restored.text), strip_diacritics(&text));
                prop_assert_eq!(output_len, input_len);
            }
        }
    }
}

/// A document's own usage settles what the model alone cannot: "Luat cong chung" is Wikipedia's
/// "công chúng" (the public) on its own, but "công chứng" (notarization) in a text that says
/// "cong chung vien", "hanh nghe cong chung" again and again.
#[test]
fn a_document_about_notarization_restores_cong_chung_as_notarization() {
    let usage = "Cong chung vien phai tuan thu quy tac dao duc hanh nghe cong chung.\n\
                 To chuc hanh nghe cong chung co tru so tai dia phuong.\n\
                 Nguoi yeu cau cong chung nop ho so cho cong chung vien.\n";
    // The model with administrative texts knows `Luật công chứng` at a sentence's end; before a
    // conjunction it still needs the document.
    let ambiguous = "Van phong cong chung duoc thanh lap theo quy dinh cua Luat cong chung va \
                     dich vu cong chung.\n";
    assert!(restore(ambiguous).contains("Luật công chúng và"));
    let document = format!("{usage}{usage}{ambiguous}");
    let restored = restore(&document);
    assert!(restored.contains("Luật công chứng và"), "{restored}");
    // The same whether the text is cut into blocks for threads or restored in one piece.
    let options = RestoreOptions::default();
    assert_eq!(
        restorer().new_worker().restore(&document, &options).text,
        restored
    );
}
