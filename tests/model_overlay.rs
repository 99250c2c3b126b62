//! Overlays of an archive's own texts (`vanban model adapt`, `--overlay`), the model's tables
//! round trip, and `.xz` corpora read in-process.

mod common;

use std::io::Write;
use std::sync::Arc;

use common::{repo_path, vanban};
use vanban::model::build::{build, BuildOptions, Source};
use vanban::model::format::HEADER_LEN;
use vanban::model::overlay::{apply, make, Overlay, OVERLAY_VERSION, OVERLAY_WEIGHT};
use vanban::model::{Model, ModelError};
use vanban::restore::{RestoreOptions, Restorer};

fn archive_sources() -> Vec<Source> {
    ["hd-001.txt", "hd-002.txt"]
        .iter()
        .map(|name| Source {
            path: repo_path("fixtures/overlay/archive").join(name),
            weight: 1,
        })
        .collect()
}

fn archive_overlay() -> Vec<u8> {
    make(&archive_sources())
        .expect("the fixture archive counts")
        .0
}

fn restore(model: Model, text: &str) -> String {
    Restorer::new(Arc::new(model)).restore_text(text, &RestoreOptions::default())
}

const INPUT: &str = "cong chung\nho so cong chung\n";

#[test]
fn an_overlay_of_the_archive_makes_its_usage_win() {
    let base = Model::embedded().unwrap();
    let overlay = Overlay::from_bytes(archive_overlay(), "archive").unwrap();
    let adapted = apply(&base, &overlay, OVERLAY_WEIGHT).unwrap();
    assert_eq!(adapted.name(), "embedded:vi-restore+archive");
    assert_eq!(
        adapted.meta()["overlay"]["source_tokens"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        restore(Model::embedded().unwrap(), INPUT),
        "công chúng\nhồ sơ công chúng\n"
    );
    assert_eq!(restore(adapted, INPUT), "công chứng\nhồ sơ công chứng\n");
}

#[test]
fn an_overlay_at_weight_zero_changes_nothing() {
    // Every n-gram the overlay adds is stored at the cost the model would have backed off to,
    // and no context's factor moves, so the decoder sees the same costs.
    let text = "Van phong cong chung so 3 nhan ho so cong chung hop dong mua ban nha o.\n\
                Cong chung vien kiem tra ho so truoc khi ky.\n\
                tang cuong cong tac chi dao, quan ly bao chi\n";
    let overlay = Overlay::from_bytes(archive_overlay(), "archive").unwrap();
    let base = Model::embedded().unwrap();
    let unweighted = apply(&base, &overlay, 0.0).unwrap();
    assert!(unweighted.size_bytes() > base.size_bytes());
    assert_eq!(restore(unweighted, text), restore(base, text));
}

#[test]
fn model_tables_round_trip() {
    let model = Model::embedded().unwrap();
    let tables = model.tables();
    let again = Model::from_bytes(tables.encode(b"{}"), "again").unwrap();
    let round = again.tables();
    assert_eq!(round.vocab, tables.vocab);
    assert_eq!(round.unigrams, tables.unigrams);
    assert_eq!(round.unigram_case, tables.unigram_case);
    assert_eq!(round.keys, tables.keys);
    assert_eq!(round.bigrams, tables.bigrams);
    assert_eq!(round.trigrams, tables.trigrams);
}

#[test]
fn damaged_overlays_get_their_own_errors() {
    let good = archive_overlay();
    let overlay = |bytes: &[u8]| Overlay::from_bytes(bytes.to_vec(), "t").unwrap_err();
    let mut magic = good.clone();
    magic[0] = b'X';
    assert_eq!(overlay(&magic), ModelError::BadMagic);
    let mut version = good.clone();
    version[8..12].copy_from_slice(&(OVERLAY_VERSION + 1).to_le_bytes());
    assert!(matches!(
        overlay(&version),
        ModelError::UnsupportedVersion { .. }
    ));
    assert!(matches!(
        overlay(&good[..good.len() - 10]),
        ModelError::Truncated { .. }
    ));
    assert!(matches!(
        overlay(&good[..HEADER_LEN - 1]),
        ModelError::Truncated { .. }
    ));
    let mut flipped = good.clone();
    flipped[HEADER_LEN + 40] ^= 0x10;
    assert!(matches!(overlay(&flipped), ModelError::Checksum { .. }));
    // A model is no overlay, and an overlay no model: each says which command makes which.
    let model_bytes = include_bytes!("../dictionaries/vi-restore.vbm").to_vec();
    assert_eq!(overlay(&model_bytes), ModelError::BadMagic);
    let as_model = Model::from_bytes(good, "t").unwrap_err();
    assert_eq!(as_model, ModelError::BadMagic);
    assert!(as_model.to_string().contains("vanban model adapt"));
}

#[test]
fn xz_corpora_are_read_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let text = archive_sources()
        .iter()
        .map(|s| std::fs::read_to_string(&s.path).unwrap())
        .collect::<String>();
    let plain = dir.path().join("archive.txt");
    std::fs::write(&plain, &text).unwrap();
    // Two concatenated streams, as `cat a.xz b.xz` makes: both are read.
    let (first, second) = text.split_at(text.len() / 2);
    let compressed = dir.path().join("archive.txt.xz");
    let mut file = std::fs::File::create(&compressed).unwrap();
    for part in [first, second] {
        let mut encoder = liblzma::write::XzEncoder::new(Vec::new(), 6);
        encoder.write_all(part.as_bytes()).unwrap();
        file.write_all(&encoder.finish().unwrap()).unwrap();
    }
    let options = |path: &std::path::Path| BuildOptions {
        sources: vec![Source {
            path: path.to_owned(),
            weight: 1,
        }],
        min_syllable_count: 1,
        min_bigram_count: 1,
        min_trigram_count: 1,
        words: Vec::new(),
    };
    let (from_plain, plain_report) = build(&options(&plain)).unwrap();
    let (from_xz, xz_report) = build(&options(&compressed)).unwrap();
    assert_eq!(xz_report.source_tokens, plain_report.source_tokens);
    // Equal but for the source path in the stored report.
    let tables = |bytes: Vec<u8>| Model::from_bytes(bytes, "t").unwrap().tables();
    let (a, b) = (tables(from_plain), tables(from_xz));
    assert_eq!(
        (a.vocab, a.bigrams, a.trigrams),
        (b.vocab, b.bigrams, b.trigrams)
    );

    let broken = dir.path().join("broken.txt.xz");
    std::fs::write(&broken, b"\xfd7zXZ\0 not really").unwrap();
    let message = build(&options(&broken)).unwrap_err().to_string();
    assert!(message.contains("broken.txt.xz"), "{message}");
}

#[test]
fn cli_adapts_and_restores_with_the_overlay() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("archive.vbo");
    let adapt = vanban()
        .args(["model", "adapt", "--corpus"])
        .arg(repo_path("fixtures/overlay/archive"))
        .arg("-o")
        .arg(&overlay)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&adapt.get_output().stderr).into_owned();
    assert!(
        stderr.contains("latin1.txt") && stderr.contains("2 texts"),
        "{stderr}"
    );
    let restored = vanban()
        .args(["restore", "--overlay"])
        .arg(&overlay)
        .arg(repo_path("fixtures/overlay/input.txt"))
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&restored.get_output().stdout),
        "công chứng\nhồ sơ công chứng\n"
    );
    let processed = vanban()
        .args(["process", "--keep-lines", "--overlay"])
        .arg(&overlay)
        .arg(repo_path("fixtures/overlay/input.txt"))
        .assert()
        .success();
    let records = common::json_lines(&processed.get_output().stdout);
    assert_eq!(
        records[0]["text"]["content"],
        "công chứng\nhồ sơ công chứng\n"
    );
    common::assert_valid(&records[0]);

    let damaged = dir.path().join("damaged.vbo");
    std::fs::write(&damaged, b"VNBOVRLY").unwrap();
    let failed = vanban()
        .args(["restore", "--overlay"])
        .arg(&damaged)
        .write_stdin("cong chung\n")
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&failed.get_output().stderr).into_owned();
    assert!(
        stderr.contains("damaged.vbo") && stderr.contains("truncated"),
        "{stderr}"
    );
    // `process` stops too, with the overlay's error record on stdout (the Python binding raises
    // the same).
    let failed = vanban()
        .args(["process", "-q", "--overlay"])
        .arg(&damaged)
        .arg(repo_path("fixtures/overlay/input.txt"))
        .assert()
        .code(2);
    let records = common::json_lines(&failed.get_output().stdout);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["type"], "error");
    assert_eq!(records[0]["kind"], "model");
    assert_eq!(records[0]["path"], damaged.display().to_string());
}
