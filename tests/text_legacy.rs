//! Legacy encodings end to end: Unicode → TCVN3 / VNI-Windows / VIQR → back, over the seed
//! documents, and legacy files through `vanban process`.

mod common;

use std::path::PathBuf;

use vanban::text::legacy::{from_unicode, to_unicode, LegacyEncoding};

fn seeds() -> Vec<(PathBuf, String)> {
    let mut seeds: Vec<_> = std::fs::read_dir(common::repo_path("fixtures/seeds"))
        .expect("fixtures/seeds exists")
        .map(|entry| entry.expect("readable entry").path())
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("seed is UTF-8");
            (path, text)
        })
        .collect();
    seeds.sort();
    assert_eq!(seeds.len(), 5);
    seeds
}

fn round_trip(text: &str, encoding: LegacyEncoding) -> String {
    let written = from_unicode(text, encoding).unwrap_or_else(|e| panic!("{e}"));
    to_unicode(&written, encoding).text
}

#[test]
fn vni_and_viqr_round_trip_every_seed_exactly() {
    for (path, text) in seeds() {
        for encoding in [LegacyEncoding::VniWindows, LegacyEncoding::Viqr] {
            let back = round_trip(&text, encoding);
            let first_difference = text
                .chars()
                .zip(back.chars())
                .position(|(a, b)| a != b)
                .map(|at| {
                    text.chars()
                        .skip(at.saturating_sub(20))
                        .take(40)
                        .collect::<String>()
                });
            assert!(
                back == text,
                "{} via {}: differs near {first_difference:?}",
                path.display(),
                encoding.name()
            );
        }
    }
}

/// TCVN3 cannot write '¢' (its byte is Â), so seed 002's OCR debris is dropped first. Capital
/// vowels with a tone mark travel as lowercase codes and come back from their word (`HUYỆN ỦY`);
/// what plain TCVN3 cannot carry is such a capital at the start of a word with no other capital
/// (`Ủy ban`, `ĐỀ`), which comes back lowercase. Everything else is byte-identical.
#[test]
fn tcvn3_round_trips_every_seed_up_to_capitals_it_cannot_write() {
    let mut lost = Vec::new();
    for (path, text) in seeds() {
        let text = text.replace('¢', "");
        let back = round_trip(&text, LegacyEncoding::Tcvn3);
        assert_eq!(back.chars().count(), text.chars().count());
        for (original, decoded) in text.split_whitespace().zip(back.split_whitespace()) {
            if original != decoded {
                assert_eq!(original.to_lowercase(), decoded.to_lowercase());
                assert!(
                    decoded.chars().filter(|c| c.is_uppercase()).count() <= 1,
                    "{}: {original:?} came back as {decoded:?}",
                    path.display()
                );
                lost.push(original.to_owned());
            }
        }
    }
    lost.sort();
    lost.dedup();
    assert_eq!(lost, ["Ủy"], "capitals lost on the way through TCVN3");
}

/// Each legacy file, written from a seed into a batch with the UTF-8 seed itself, is detected,
/// named in `source.encoding`, and normalizes to the same text as the UTF-8 original.
#[test]
fn legacy_files_process_to_the_text_of_their_utf8_original() {
    // Seed 004 holds nothing plain TCVN3 cannot carry (see the round-trip test above).
    let seed = "004_e339741f20c24cc1.txt";
    let text = std::fs::read_to_string(common::repo_path(&format!("fixtures/seeds/{seed}")))
        .expect("seed is readable");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a-utf8.txt"), &text).expect("write");
    for (name, encoding) in [
        ("b-tcvn3.txt", LegacyEncoding::Tcvn3),
        ("c-vni.txt", LegacyEncoding::VniWindows),
        ("d-viqr.txt", LegacyEncoding::Viqr),
    ] {
        let written = from_unicode(&text, encoding).expect("seed 004 is representable");
        let bytes: Vec<u8> = match encoding {
            LegacyEncoding::Viqr => written.into_bytes(),
            _ => written.chars().map(|c| c as u8).collect(),
        };
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    let output = common::vanban()
        .args(["process", "--no-restore", "--jobs", "1"])
        .arg(dir.path())
        .output()
        .expect("vanban runs");
    assert!(output.status.success(), "{output:?}");
    let records = common::json_lines(&output.stdout);
    let documents: Vec<_> = records.iter().filter(|r| r["type"] == "document").collect();
    assert_eq!(documents.len(), 4);
    let content =
        |document: &serde_json::Value| document["text"]["content"].as_str().unwrap().to_owned();
    let encodings: Vec<_> = documents
        .iter()
        .map(|d| d["source"]["encoding"].clone())
        .collect();
    assert_eq!(
        encodings,
        [
            serde_json::json!("utf8"),
            serde_json::json!({"legacy": "tcvn3"}),
            serde_json::json!({"legacy": "vni_windows"}),
            serde_json::json!({"legacy": "viqr"}),
        ]
    );
    let want = content(documents[0]);
    for document in &documents[1..] {
        let got = content(document);
        let at = got
            .chars()
            .zip(want.chars())
            .take_while(|(a, b)| a == b)
            .count();
        assert!(
            got == want,
            "{}: differs at {at}: {:?}",
            document["source"]["path"],
            got.chars()
                .skip(at.saturating_sub(30))
                .take(60)
                .collect::<String>()
        );
        common::assert_valid(document);
    }
}

fn syllable_text(picks: &[(usize, bool, usize)]) -> String {
    static SYLLABLES: std::sync::LazyLock<Vec<String>> =
        std::sync::LazyLock::new(|| vanban::orthography::inventory().into_iter().collect());
    const SEPARATORS: [&str; 9] = [" ", ", ", ". ", "? ", "\n", "\\", " (", "' ", "-"];
    let mut text = String::new();
    for &(syllable, capital, separator) in picks {
        let word = &SYLLABLES[syllable % SYLLABLES.len()];
        if capital {
            let mut letters = word.chars();
            text.extend(letters.next().into_iter().flat_map(char::to_uppercase));
            text.push_str(letters.as_str());
        } else {
            text.push_str(word);
        }
        text.push_str(SEPARATORS[separator % SEPARATORS.len()]);
    }
    text
}

proptest::proptest! {
    /// Any mix of Vietnamese letters, marks, backslashes and punctuation survives VNI-Windows.
    #[test]
    fn vni_round_trips_arbitrary_text(
        text in "[a-zA-ZđĐăâêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵÀÁẠẢÃỦỨỰĐ ,.:;?!'`~^(+\\\\\n“”-]{0,60}"
    ) {
        proptest::prop_assert_eq!(round_trip(&text, LegacyEncoding::VniWindows), text.clone());
    }

    /// Vietnamese text with sentence punctuation, backslashes and quotes survives VIQR, whose
    /// decoder reads a word-final `.` or `?` as a tone only when that makes a syllable.
    #[test]
    fn viqr_round_trips_vietnamese_text(
        picks in proptest::collection::vec((0usize..20_000, proptest::bool::ANY, 0usize..9), 0..40)
    ) {
        let text = syllable_text(&picks);
        proptest::prop_assert_eq!(round_trip(&text, LegacyEncoding::Viqr), text.clone());
    }
}
