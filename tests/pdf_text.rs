//! PDF text layers: the font and layout cases of `tests/data/pdf/cases.toml` on the synthetic
//! PDFs of `fixtures/pdf/`, checked against `pdftotext` when it is installed; furniture kept out
//! of what the parser reads; bad PDFs; and the gazette dev set against `pdftotext -layout`.

mod common;

use std::path::Path;

use serde::Deserialize;
use vanban::document::Page;
use vanban::eval::pdf_text::{evaluate, fold, pdfs, pdftotext_pages};

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    file: String,
    lines: Vec<String>,
    #[serde(default)]
    furniture: Vec<String>,
}

fn pages(file: &str) -> Vec<Page> {
    let path = common::repo_path(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    vanban::pdf::text_layers(&path, &bytes)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|page| page.unwrap_or_else(|why| panic!("{file}: page rejected: {why}")))
        .collect()
}

fn pdftotext_installed() -> bool {
    std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok()
}

#[test]
fn font_and_layout_cases() {
    let text = std::fs::read_to_string(common::repo_path("tests/data/pdf/cases.toml")).unwrap();
    let cases: Vec<Case> = common::toml_cases(&text);
    let check_with_pdftotext = pdftotext_installed();
    if !check_with_pdftotext {
        println!("pdftotext is not installed: the cases are not compared with poppler's text");
    }
    let mut failures = Vec::new();
    for case in &cases {
        let pages = pages(&case.file);
        let lines = pages.iter().flat_map(|p| &p.lines);
        let body: Vec<&str> = lines
            .clone()
            .filter(|l| l.furniture.is_none())
            .map(|l| l.text.as_str())
            .collect();
        let furniture: Vec<String> = lines
            .filter_map(|l| {
                let kind = serde_json::to_value(l.furniture?).ok()?;
                Some(format!("{}: {}", kind.as_str()?, l.text))
            })
            .collect();
        if body != case.lines || furniture != case.furniture {
            failures.push(format!(
                "{}: lines {body:?}, furniture {furniture:?}",
                case.name
            ));
        }
        for page in &pages {
            assert_eq!(
                (page.width, page.height),
                (Some(595), Some(842)),
                "{}",
                case.name
            );
            for line in &page.lines {
                let bbox = line.bbox.expect("PDF lines have boxes");
                assert!(
                    bbox.x + bbox.width <= 595 && bbox.y + bbox.height <= 842,
                    "{line:?}"
                );
                for word in &line.words {
                    let in_line: String = line
                        .text
                        .chars()
                        .skip(word.start)
                        .take(word.end - word.start)
                        .collect();
                    assert_eq!(in_line, word.text, "{}", case.name);
                }
            }
        }
        // Poppler reads the same fonts to the same text, furniture aside (legacy fonts are the
        // exception: poppler shows their bytes as WinAnsi).
        if check_with_pdftotext && !case.file.contains("tcvn3") && !case.file.contains("vni") {
            let reference = pdftotext_pages(&common::repo_path(&case.file)).unwrap();
            let mut reference = fold(&reference.join("\n"));
            for line in pages
                .iter()
                .flat_map(|p| &p.lines)
                .filter(|l| l.furniture.is_some())
            {
                reference = reference.replacen(&fold(&line.text), "", 1);
            }
            assert_eq!(
                fold(&reference),
                fold(&case.lines.join("\n")),
                "{}",
                case.name
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn gazette_furniture_stays_out_of_the_parsed_text() {
    let output = common::vanban()
        .args(["process", "--no-restore"])
        .arg(common::repo_path("fixtures/pdf/gazette-furniture.pdf"))
        .output()
        .unwrap();
    let records = common::json_lines(&output.stdout);
    let document = &records[0];
    common::assert_valid(document);
    assert_eq!(document["document"]["number"]["value"], "112/2021/NĐ-CP");
    let content = document["text"]["content"].as_str().unwrap();
    assert!(
        !content.contains("CÔNG BÁO") && !content.contains("Người ký"),
        "{content}"
    );
    let page = &document["source"]["pages"][0];
    assert_eq!(page["unit"], "pt");
    let stamp = page["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["furniture"] == "signature_stamp")
        .expect("the stamp is kept, marked");
    // Its span points at the stamp in the raw text.
    let raw: Vec<char> = {
        let pages = pages("fixtures/pdf/gazette-furniture.pdf");
        vanban::document::RawText::from_pages(&pages)
            .text
            .chars()
            .collect()
    };
    let (start, end) = (
        stamp["raw_start"].as_u64().unwrap() as usize,
        stamp["raw_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        raw[start..end].iter().collect::<String>(),
        stamp["text"].as_str().unwrap()
    );
}

#[test]
fn missing_font_rejects_the_page_naming_the_font() {
    let path = common::repo_path("fixtures/pdf/missing-font.pdf");
    let bytes = std::fs::read(&path).unwrap();
    let pages = vanban::pdf::text_layers(&path, &bytes).unwrap();
    let why = pages[0].as_ref().unwrap_err();
    assert!(why.contains("fonts missing from the page: F9"), "{why}");
}

#[test]
fn truncated_and_encrypted_pdfs_are_errors_naming_the_file() {
    for (file, reason) in [
        ("fixtures/pdf/truncated.pdf", "truncated or corrupt"),
        ("fixtures/damaged/encrypted.pdf", "encrypted"),
    ] {
        let path = common::repo_path(file);
        let bytes = std::fs::read(&path).unwrap();
        let error = vanban::pdf::text_layers(&path, &bytes)
            .unwrap_err()
            .to_string();
        assert!(error.contains(file) && error.contains(reason), "{error}");
    }
}

/// The dev gazette PDFs against `pdftotext -layout`: the targets.
#[test]
fn gazette_dev_text_layers_match_pdftotext() {
    let Some(shared) = common::shared_dir() else {
        println!("skipped: ../shared is absent (gazette-dev PDFs)");
        return;
    };
    if !pdftotext_installed() {
        println!("skipped: pdftotext is not installed");
        return;
    }
    let dir = shared.join("eval/real/gazette-dev");
    let files = pdfs(Path::new(&dir)).unwrap();
    assert_eq!(files.len(), 30);
    let (mut edits, mut chars) = (0, 0);
    for file in &files {
        let score = evaluate(file, None).unwrap();
        edits += score.edits;
        chars += score.reference_chars;
        assert!(
            score.replacement_chars <= score.reference_replacement_chars,
            "{}: {} U+FFFD",
            score.file,
            score.replacement_chars
        );
        assert_eq!(
            score.rejected.len(),
            score.rejected_without_reference_text,
            "{}: pages sent to OCR though pdftotext reads them: {:?}",
            score.file,
            score.rejected
        );
    }
    let cer = edits as f64 / chars as f64;
    assert!(cer <= 0.005, "CER {cer:.4} ({edits} / {chars})");
}
