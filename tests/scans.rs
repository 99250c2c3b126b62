//! Scans and PDFs through the binary with the real Tesseract: the rendered fixtures of
//! `fixtures/scans` (truth in `NAME.gt`) and the broken files of `fixtures/damaged`.
//!
//! OCR costs seconds per page, so the whole batch is processed once (`--jobs 2`) and shared by
//! the tests; only the determinism test runs it a second time, with `--jobs 1`.

mod common;

use std::sync::OnceLock;

use common::{assert_valid, json_lines, repo_path, vanban};
use serde_json::Value;
use vanban::eval::ocr::cer;

struct Batch {
    stdout: Vec<u8>,
    stderr: String,
    code: Option<i32>,
    records: Vec<Value>,
}

fn run_batch(jobs: &str) -> Batch {
    let output = vanban()
        .current_dir(repo_path(""))
        .args([
            "process",
            "--jobs",
            jobs,
            "fixtures/scans",
            "fixtures/damaged",
        ])
        .output()
        .unwrap();
    Batch {
        records: json_lines(&output.stdout),
        stdout: output.stdout,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code(),
    }
}

fn batch() -> &'static Batch {
    static BATCH: OnceLock<Batch> = OnceLock::new();
    BATCH.get_or_init(|| run_batch("2"))
}

fn document(path: &str) -> &'static Value {
    batch()
        .records
        .iter()
        .find(|r| r["type"] == "document" && r["source"]["path"] == path)
        .unwrap_or_else(|| panic!("no document for {path}; stderr: {}", batch().stderr))
}

fn truth(name: &str) -> String {
    std::fs::read_to_string(repo_path(&format!("fixtures/scans/{name}.gt"))).unwrap()
}

fn methods(document: &Value) -> Vec<&str> {
    document["source"]["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["method"].as_str().unwrap())
        .collect()
}

fn content(document: &Value) -> &str {
    document["text"]["content"].as_str().unwrap()
}

#[test]
fn clean_scan_is_read_within_one_percent_cer_with_line_boxes() {
    let document = document("fixtures/scans/s003-clean-p001.png");
    assert_eq!(document["source"]["kind"], "image");
    assert_eq!(methods(document), ["ocr"]);
    let score = cer(&truth("s003-clean"), content(document));
    assert!(score.rate <= 0.01, "{score:?}\n{}", content(document));
    assert_eq!(document["restoration"]["input_kind"], "ocr-vie");

    let page = &document["source"]["pages"][0];
    assert_eq!(page["ocr_language"], "vie");
    let lines = page["lines"].as_array().unwrap();
    let text_lines: Vec<&Value> = lines.iter().filter(|l| l["text"] != "").collect();
    assert!(text_lines.len() >= 30, "{} lines", text_lines.len());
    for line in &text_lines {
        let bbox = &line["bbox"];
        assert!(bbox["width"].as_u64().unwrap() > 0 && bbox["height"].as_u64().unwrap() > 0);
        assert!(bbox["x"].as_u64().unwrap() + bbox["width"].as_u64().unwrap() <= 1654);
        let confidence = line["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&confidence), "{confidence}");
    }
    // Lines follow each other down the page, and their raw ranges tile the raw text.
    let tops: Vec<u64> = text_lines
        .iter()
        .map(|l| l["bbox"]["y"].as_u64().unwrap())
        .collect();
    assert!(tops.windows(2).all(|w| w[0] <= w[1]), "{tops:?}");
    for pair in lines.windows(2) {
        assert_eq!(
            pair[0]["raw_end"].as_u64().unwrap() + 1,
            pair[1]["raw_start"].as_u64().unwrap()
        );
    }
}

#[test]
fn degraded_scan_stays_within_three_percent_cer() {
    let document = document("fixtures/scans/s003-degraded-p001.png");
    let score = cer(&truth("s003-degraded"), content(document));
    assert!(score.rate <= 0.03, "{score:?}");
}

#[test]
fn text_layer_pdf_is_extracted_exactly() {
    let document = document("fixtures/scans/s003-text-layer.pdf");
    assert_eq!(document["source"]["kind"], "pdf");
    assert_eq!(methods(document), ["pdf_text_layer"]);
    let page = &document["source"]["pages"][0];
    let truth = truth("s003-text-layer");
    assert_eq!(page["line_count"], truth.lines().count());
    assert_eq!(
        page["raw_end"].as_u64().unwrap() as usize,
        truth.trim_end().chars().count()
    );
    assert_eq!(cer(&truth, content(document)).edits, 0);
    assert_eq!(document["warnings"], Value::Array(Vec::new()));
}

#[test]
fn scanned_pdf_is_ocred() {
    let document = document("fixtures/scans/s003-scanned.pdf");
    assert_eq!(methods(document), ["ocr"]);
    let score = cer(&truth("s003-scanned"), content(document));
    assert!(score.rate <= 0.03, "{score:?}");
    // The page's own JPEG was read (200 dpi A4), not a 300 dpi rendering.
    assert_eq!(document["source"]["pages"][0]["width"], 1654);
}

#[test]
fn pdf_without_tounicode_maps_is_ocred_instead_of_emitting_garbage() {
    let document = document("fixtures/scans/s003-no-tounicode.pdf");
    assert_eq!(methods(document), ["ocr"]);
    let warning = document["warnings"][0].as_str().unwrap();
    assert!(warning.contains("map to no character"), "{warning}");
    let score = cer(&truth("s003-no-tounicode"), content(document));
    assert!(score.rate <= 0.01, "{score:?}\n{}", content(document));
}

#[test]
fn every_page_of_a_tiff_is_read_in_order() {
    let document = document("fixtures/scans/s004-two-pages.tiff");
    let pages = document["source"]["pages"].as_array().unwrap();
    let numbers: Vec<u64> = pages
        .iter()
        .map(|p| p["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2]);
    // Pages are separated by a form feed in the raw text, one character between them.
    assert_eq!(
        pages[0]["raw_end"].as_u64().unwrap() + 1,
        pages[1]["raw_start"].as_u64().unwrap()
    );
    let score = cer(&truth("s004-two-pages"), content(document));
    assert!(score.rate <= 0.03, "{score:?}");
}

#[test]
fn damaged_files_get_clear_errors_and_the_batch_goes_on() {
    let batch = batch();
    assert_eq!(batch.code, Some(1), "{}", batch.stderr);
    assert!(!batch.stderr.contains("panicked"), "{}", batch.stderr);
    let errors: Vec<(&str, &str, &str)> = batch
        .records
        .iter()
        .filter(|r| r["type"] == "error")
        .map(|r| {
            (
                r["path"].as_str().unwrap(),
                r["kind"].as_str().unwrap(),
                r["message"].as_str().unwrap(),
            )
        })
        .collect();
    let expected = [
        (
            "fixtures/damaged/encrypted.pdf",
            "pdf",
            "is encrypted; decrypt it first",
        ),
        (
            "fixtures/damaged/truncated.png",
            "image",
            "truncated or corrupt",
        ),
        ("fixtures/damaged/truncated.tiff", "image", "TIFF"),
        ("fixtures/damaged/zero-pages.pdf", "pdf", "has no pages"),
    ];
    assert_eq!(errors.len(), expected.len(), "{errors:?}");
    for ((path, kind, message), (want_path, want_kind, want_part)) in errors.iter().zip(expected) {
        assert_eq!((*path, *kind), (want_path, want_kind));
        assert!(message.starts_with(want_path), "{message}");
        assert!(message.contains(want_part), "{message}");
        assert!(batch.stderr.contains(message), "{}", batch.stderr);
    }
    // Every scan fixture (all but the `.gt` truths) is a document; only the damaged files fail.
    let scans = std::fs::read_dir(repo_path("fixtures/scans"))
        .unwrap()
        .filter(|entry| {
            entry.as_ref().unwrap().path().extension() != Some(std::ffi::OsStr::new("gt"))
        })
        .count() as u64;
    let summary = batch.records.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(
        (summary["documents"].as_u64(), summary["errors"].as_u64()),
        (Some(scans), Some(4))
    );
}

#[test]
fn image_and_pdf_records_are_schema_valid() {
    for record in &batch().records {
        assert_valid(record);
    }
}

#[test]
fn output_is_identical_for_one_and_two_jobs() {
    let one = run_batch("1");
    assert!(one.stdout == batch().stdout, "--jobs 1 and --jobs 2 differ");
}

#[test]
fn a_pdf_lopdf_cannot_parse_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("garbled.pdf");
    std::fs::write(
        &bad,
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R\nstartxref\n0\n",
    )
    .unwrap();
    let good = repo_path("fixtures/seeds/003_026306599e5846c8.txt");
    let output = vanban()
        .arg("process")
        .arg(&bad)
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let records = json_lines(&output.stdout);
    let error = records.iter().find(|r| r["type"] == "error").unwrap();
    assert_eq!(error["kind"], "pdf");
    let message = error["message"].as_str().unwrap();
    assert!(message.starts_with(&*bad.to_string_lossy()), "{message}");
    assert!(message.contains("truncated or corrupt"), "{message}");
    assert_eq!(
        records.iter().filter(|r| r["type"] == "document").count(),
        1
    );
}

#[test]
fn two_column_header_and_foot_come_out_left_block_then_right_block() {
    let document = document("fixtures/scans/s005-directive-p001.png");
    let text = content(document);
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} missing from\n{text}"))
    };
    assert!(at("UBND TỈNH NGHỆ AN") < at("SỞ XÂY DỰNG"));
    assert!(at("Số: 945/CV-SXD") < at("CỘNG HÒA XÃ HỘI"));
    assert!(at("- Lưu: VT.") < at("Hoàng Thu Hà"));
    let meta = &document["document"];
    assert_eq!(meta["number"]["value"], "945/CV-SXD");
    assert_eq!(meta["issue_date"]["value"], "2025-06-24");
    assert_eq!(meta["issuer"]["value"], "SỞ XÂY DỰNG");
    // The red stamp hides `GIÁM ĐỐC` from Tesseract: the name under it is still the signer.
    assert_eq!(meta["signature"]["signer"]["value"], "Hoàng Thu Hà");
    let words = &document["source"]["pages"][0]["lines"][0]["words"];
    assert_eq!(words[0]["text"], "UBND");
}
