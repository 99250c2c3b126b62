//! The archival exports (`--format alto,hocr,pdf,txt`) of every fixture in `fixtures/scans`,
//! checked with the tools archives use: the ALTO 4.4 schema (`xmllint`, offline through
//! `fixtures/alto/catalog.xml`), `hocr-check` from PyPI's hocr-tools, and poppler's `pdftotext`,
//! `pdffonts`, `pdfimages` and `pdftocairo`.
//!
//! The batch is OCR'd once and shared by the tests. A test whose external tool is not installed
//! says so and skips; `scripts/test` installs all of them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::OnceLock;

use common::{repo_path, vanban};
use serde_json::Value;
use vanban::eval::ocr_roundtrip::edit_distance;

/// Fixture scans (images and image-only PDFs) whose searchable PDF is checked.
const SCANS: &[&str] = &[
    "s003-clean-p001.png",
    "s003-degraded-p001.png",
    "s003-scanned.pdf",
    "s004-two-pages.tiff",
];
/// A born-digital PDF whose text layer is unreadable (no ToUnicode map), so its page was OCR'd:
/// the restored layer is added, and its own layer stays, since that text is what the page shows.
const UNREADABLE_LAYER: &str = "s003-no-tounicode.pdf";
/// A born-digital PDF with a good text layer: not rewritten.
const BORN_DIGITAL: &str = "s003-text-layer.pdf";

struct Batch {
    _dir: tempfile::TempDir,
    out: PathBuf,
    stderr: String,
}

fn batch() -> &'static Batch {
    static BATCH: OnceLock<Batch> = OnceLock::new();
    BATCH.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let output = vanban()
            .current_dir(repo_path(""))
            .args(["process", "--jobs", "2", "--quiet", "--out"])
            .arg(&out)
            .args(["--format", "json,alto,hocr,pdf,txt", "fixtures/scans"])
            .arg(text_fixture())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        Batch {
            _dir: dir,
            out,
            stderr,
        }
    })
}

/// A plain-text document (no geometry) from the parse gold set.
fn text_fixture() -> PathBuf {
    let dir = repo_path("fixtures/gold");
    let mut texts: Vec<PathBuf> = walk(&dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    texts.sort();
    texts
        .into_iter()
        .next()
        .expect("a text fixture in fixtures/gold")
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn output(name: &str, extension: &str) -> PathBuf {
    batch().out.join(format!("{name}.{extension}"))
}

fn record(name: &str) -> Value {
    let text = std::fs::read_to_string(output(name, "json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn every_document() -> Vec<String> {
    let text_name = text_fixture()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    SCANS
        .iter()
        .chain([&BORN_DIGITAL, &UNREADABLE_LAYER])
        .map(|s| s.to_string())
        .chain([text_name])
        .collect()
}

/// Whether `tool` runs; if not, prints why the test skips.
fn have(tool: &str, test: &str) -> bool {
    let found = Process::new(tool).arg("--help").output().is_ok();
    if !found {
        eprintln!("skipping {test}: `{tool}` is not installed (scripts/test installs it)");
    }
    found
}

fn run(tool: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    let output = Process::new(tool).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn alto_of_every_fixture_validates_against_the_4_4_schema() {
    if !have("xmllint", "the ALTO schema test") {
        return;
    }
    for name in every_document() {
        let alto = output(&name, "alto.xml");
        let result = Process::new("xmllint")
            .env("XML_CATALOG_FILES", repo_path("fixtures/alto/catalog.xml"))
            .args(["--nonet", "--noout", "--schema"])
            .arg(repo_path("fixtures/alto/alto-4-4.xsd"))
            .arg(&alto)
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&result.stderr)
        );
    }
}

#[test]
fn alto_carries_the_restored_words_the_ocr_reading_and_tags() {
    let name = "s003-scanned.pdf";
    let alto = std::fs::read_to_string(output(name, "alto.xml")).unwrap();
    let record = record(name);
    // CONTENT is the restored text: the words of the JSON text, in order.
    let contents: Vec<String> = alto
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("<String "))
        .filter_map(|s| s.split("CONTENT=\"").nth(1)?.split('"').next())
        .map(unescape)
        .collect();
    let json_words: Vec<String> = record["text"]["content"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let distance = edit_distance(&contents, &json_words);
    assert!(
        distance * 200 <= json_words.len(),
        "ALTO words differ from the JSON text in {distance} of {}",
        json_words.len()
    );
    // Every token the restorer changed shows its input as the OCR's reading.
    let changed: Vec<&Value> = record["restoration"]["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["input"] != t["output"])
        // Deleted noise (`ˆ` → nothing) has no word, and a split or merge no single source word.
        .filter(|t| {
            let word = |key: &str| {
                t[key]
                    .as_str()
                    .is_some_and(|w| !w.is_empty() && !w.contains(' '))
            };
            word("input") && word("output")
        })
        .collect();
    assert!(!changed.is_empty());
    for token in changed {
        let source = format!(
            "<ALTERNATIVE PURPOSE=\"source\">{}",
            token["input"].as_str().unwrap()
        );
        assert!(
            alto.contains(&source),
            "no {source} for {}",
            token["output"]
        );
    }
    // The document's own number is a tag its words point to.
    let number = record["document"]["number"]["value"].as_str().unwrap();
    assert!(alto.contains(&format!(
        "<NamedEntityTag ID=\"TAG_1\" TYPE=\"document_number\" LABEL=\"{number}\""
    )));
    assert!(alto.contains(&format!("CONTENT=\"{number}\"")));
    assert!(alto.contains("TAGREFS=\"TAG_1\""));
    assert!(alto.contains(&format!(
        "<fileIdentifier fileIdentifierLocation=\"sha256\">{}</fileIdentifier>",
        record["source"]["sha256"].as_str().unwrap()
    )));
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn text_input_gets_an_alto_without_coordinates() {
    let name = text_fixture()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let alto = std::fs::read_to_string(output(&name, "alto.xml")).unwrap();
    assert!(alto.contains("<String "));
    assert!(!alto.contains("HPOS="), "a text file has no geometry");
}

#[test]
fn hocr_of_every_fixture_passes_hocr_check() {
    // hocr-check compares the boxes of every page with those of every other page (its XPath is
    // document-wide), so a document is checked page by page, as `hocr-split` cuts it.
    let check = std::env::var("HOCR_CHECK").unwrap_or_else(|_| "hocr-check".to_owned());
    let split = std::env::var("HOCR_SPLIT").unwrap_or_else(|_| "hocr-split".to_owned());
    if !have(&check, "the hOCR check") || !have(&split, "the hOCR check") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for name in every_document() {
        let hocr = output(&name, "hocr");
        let text = std::fs::read_to_string(&hocr).unwrap();
        assert!(text.contains("lang=\"vi\""));
        let pattern = dir.path().join(format!("{name}-%03d.html"));
        run(&split, &[hocr.as_os_str(), pattern.as_os_str()]);
        let pages = text.matches("class=\"ocr_page\"").count();
        for page in 1..=pages {
            let file = dir.path().join(format!("{name}-{page:03}.html"));
            let result = run(&check, &[file.as_os_str()]);
            let report = String::from_utf8_lossy(&result.stderr);
            assert!(
                report.contains("ok 1 ") && !report.contains("not ok"),
                "{name} page {page}:\n{report}"
            );
        }
    }
}

/// Word error rate of `hypothesis` against `truth`, on whitespace-separated words.
fn wer(truth: &str, hypothesis: &str) -> f64 {
    let truth: Vec<&str> = truth.split_whitespace().collect();
    let hypothesis: Vec<&str> = hypothesis.split_whitespace().collect();
    edit_distance(&truth, &hypothesis) as f64 / truth.len().max(1) as f64
}

#[test]
fn pdftotext_of_every_searchable_pdf_gives_the_restored_text() {
    if !have("pdftotext", "the searchable PDF text test") {
        return;
    }
    for name in SCANS {
        let pdf = output(name, "pdf");
        // -raw: content-stream order, which is the reading order the JSON text has.
        let dash = std::ffi::OsStr::new("-");
        let text = run(
            "pdftotext",
            &[
                "-raw".as_ref(),
                "-enc".as_ref(),
                "UTF-8".as_ref(),
                pdf.as_os_str(),
                dash,
            ],
        );
        let text = String::from_utf8(text.stdout).unwrap();
        let record = record(name);
        let rate = wer(record["text"]["content"].as_str().unwrap(), &text);
        eprintln!(
            "{name}: WER of pdftotext against the JSON text {:.3} %",
            rate * 100.0
        );
        assert!(rate <= 0.005, "{name}: WER {:.3} %", rate * 100.0);
    }
}

#[test]
fn searchable_pdf_font_has_a_tounicode_map() {
    if !have("pdffonts", "the PDF font test") {
        return;
    }
    for name in SCANS {
        let fonts = run("pdffonts", &[output(name, "pdf").as_os_str()]);
        let fonts = String::from_utf8_lossy(&fonts.stdout);
        let line = fonts
            .lines()
            .find(|l| l.starts_with("GlyphLessFont"))
            .unwrap_or_else(|| panic!("{name}: no GlyphLessFont in\n{fonts}"));
        // Columns: name, type (2 words), encoding, emb, sub, uni.
        let columns: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(&columns[4..7], ["yes", "no", "yes"], "{name}: {line}");
    }
}

/// `pdfimages -list` rows: (width, height, bits per component, encoding).
fn listed_images(pdf: &Path) -> Vec<(u32, u32, u32, String)> {
    let list = run("pdfimages", &["-list".as_ref(), pdf.as_os_str()]);
    String::from_utf8_lossy(&list.stdout)
        .lines()
        .skip(2)
        .map(|row| {
            let c: Vec<&str> = row.split_whitespace().collect();
            (
                c[3].parse().unwrap(),
                c[4].parse().unwrap(),
                c[7].parse().unwrap(),
                c[8].to_owned(),
            )
        })
        .collect()
}

#[test]
fn searchable_pdf_keeps_each_image_in_its_encoding() {
    if !have("pdfimages", "the PDF image test") {
        return;
    }
    // The PNG's data goes in as it is (Flate with the PNG predictor), the G4 TIFF's strips as
    // CCITT streams, the scanned PDFs' images untouched.
    for name in SCANS {
        let produced = listed_images(&output(name, "pdf"));
        let expected: Vec<(u32, u32, u32, String)> = if name.ends_with(".pdf") {
            listed_images(&repo_path(&format!("fixtures/scans/{name}")))
        } else if name.ends_with(".png") {
            vec![(1654, 2339, 8, "image".to_owned())]
        } else {
            // Two pages of eight strips: seven of 316 rows and one of the remaining 127.
            (0..2)
                .flat_map(|_| (0..8).map(|i| if i < 7 { 316 } else { 127 }))
                .map(|rows| (1654, rows, 1, "ccitt".to_owned()))
                .collect()
        };
        assert_eq!(produced, expected, "{name}");
    }
}

/// Decodes a PNG rendering, or every page of the fixture, to gray pixels.
fn gray_pages(path: &Path) -> Vec<image::GrayImage> {
    vanban::ocr::decode_pages(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn searchable_pdf_renders_identical_to_the_input_image() {
    // pdftocairo: poppler's Splash renderer (pdftoppm) smooths images even at 1:1, for any
    // PDF writer's output (Tesseract's and reportlab's too), so it cannot show identity.
    if !have("pdftocairo", "the PDF rendering test") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for name in SCANS.iter().filter(|n| !n.ends_with(".pdf")) {
        let source = repo_path(&format!("fixtures/scans/{name}"));
        let inputs = gray_pages(&source);
        let prefix = dir.path().join(name);
        run(
            "pdftocairo",
            &[
                "-r".as_ref(),
                "300".as_ref(),
                "-gray".as_ref(),
                "-png".as_ref(),
                output(name, "pdf").as_os_str(),
                prefix.as_os_str(),
            ],
        );
        for (index, input) in inputs.iter().enumerate() {
            let rendered = if inputs.len() == 1 {
                PathBuf::from(format!("{}-1.png", prefix.display()))
            } else {
                PathBuf::from(format!("{}-{}.png", prefix.display(), index + 1))
            };
            let rendered = gray_pages(&rendered).remove(0);
            assert_eq!(rendered.dimensions(), input.dimensions(), "{name}");
            let differing = rendered
                .pixels()
                .zip(input.pixels())
                .filter(|(a, b)| a != b)
                .count();
            assert_eq!(differing, 0, "{name} page {}", index + 1);
        }
    }
}

/// Bytes of the PDF's image streams and of everything else (text layer, font, structure).
fn image_and_other_bytes(pdf: &Path) -> (usize, usize) {
    let bytes = std::fs::read(pdf).unwrap();
    let document = lopdf::Document::load_mem(&bytes).unwrap();
    let images: usize = document
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").ok().and_then(|v| v.as_name().ok()) == Some(b"Image"))
        .map(|s| s.content.len())
        .sum();
    (images, bytes.len() - images)
}

#[test]
fn searchable_pdf_is_the_input_image_plus_the_text_layer() {
    for name in SCANS {
        let input = std::fs::metadata(repo_path(&format!("fixtures/scans/{name}")))
            .unwrap()
            .len() as usize;
        let pdf = output(name, "pdf");
        let size = std::fs::metadata(&pdf).unwrap().len() as usize;
        let (images, text_layer) = image_and_other_bytes(&pdf);
        eprintln!(
            "{name}: input {input} B, PDF {size} B = images {images} B + text layer, font and \
             structure {text_layer} B"
        );
        // Images are copied: never bigger than the file they came from.
        assert!(
            images <= input,
            "{name}: images {images} B > input {input} B"
        );
        if !name.ends_with(".pdf") {
            // A PDF input keeps its own structure, which holds more than its images.
            assert!(
                size as f64 <= 1.10 * (input + text_layer) as f64,
                "{name}: {size} B"
            );
        }
    }
}

#[test]
fn unreadable_text_layer_keeps_its_page_and_gains_the_restored_layer() {
    if !have("pdftotext", "the unreadable text layer test") {
        return;
    }
    let pdf = output(UNREADABLE_LAYER, "pdf");
    let dash = std::ffi::OsStr::new("-");
    let text = run("pdftotext", &["-raw".as_ref(), pdf.as_os_str(), dash]);
    let text = String::from_utf8(text.stdout).unwrap();
    let record = record(UNREADABLE_LAYER);
    let restored = record["text"]["content"].as_str().unwrap();
    let first_line = restored.lines().next().unwrap();
    assert!(text.contains(first_line), "{first_line:?} not in\n{text}");
}

#[test]
fn born_digital_pdf_is_not_rewritten_and_says_so() {
    assert!(!output(BORN_DIGITAL, "pdf").exists());
    let record = record(BORN_DIGITAL);
    let warnings = record["warnings"].to_string();
    assert!(
        warnings.contains("searchable PDF not written"),
        "{warnings}"
    );
    assert!(batch().stderr.contains("searchable PDF not written"));
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(output(BORN_DIGITAL, "formats.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["skipped"], serde_json::json!(["pdf"]));
}

#[test]
fn txt_is_the_restored_text() {
    for name in every_document() {
        let text = std::fs::read_to_string(output(&name, "txt")).unwrap();
        let record = record(&name);
        assert_eq!(
            text.trim_end(),
            record["text"]["content"].as_str().unwrap().trim_end(),
            "{name}"
        );
    }
}

#[test]
fn resume_redoes_a_document_only_when_one_of_its_formats_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let text = text_fixture();
    let args = |resume: bool| {
        let mut command = vanban();
        command.args(["process", "--quiet", "--format", "alto,txt", "--out"]);
        command.arg(dir.path()).arg(&text);
        if resume {
            command.arg("--resume");
        }
        command.output().unwrap()
    };
    let name = text.file_name().unwrap().to_string_lossy().into_owned();
    let first = args(false);
    assert!(first.status.success());
    let summary = |output: &std::process::Output| -> Value {
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        serde_json::from_str(stdout.lines().last().unwrap()).unwrap()
    };
    assert_eq!(summary(&args(true))["skipped"], 1);
    std::fs::remove_file(dir.path().join(format!("{name}.txt"))).unwrap();
    let redone = args(true);
    assert_eq!(summary(&redone)["skipped"], 0);
    assert!(dir.path().join(format!("{name}.txt")).is_file());
    // JSON was not asked for, so none is written.
    assert!(!dir.path().join(format!("{name}.json")).exists());
}

#[test]
fn archival_formats_without_out_are_a_usage_error() {
    let output = vanban()
        .args(["process", "--format", "alto", "-"])
        .write_stdin("Chỉ thị số 05-CT/TW")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--out"));
}
