//! `vanban process` through the binary: the JSON contract, determinism across thread counts,
//! --resume, and the bad inputs archivists' folders are full of.

mod common;

use std::fs;
use std::io::Read;
use std::process::Stdio;

use common::{assert_valid, json_lines, repo_path, vanban};
use serde_json::Value;

fn records_of_type<'a>(records: &'a [Value], kind: &str) -> Vec<&'a Value> {
    records.iter().filter(|r| r["type"] == kind).collect()
}

#[test]
fn processes_every_seed_into_a_schema_valid_document() {
    let output = vanban()
        .args(["process", "--jobs", "2"])
        .arg(repo_path("fixtures/seeds"))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let records = json_lines(&output.stdout);
    let documents = records_of_type(&records, "document");
    assert_eq!(documents.len(), 5);
    for record in &records {
        assert_valid(record);
    }
    for document in &documents {
        let source = fs::read(document["source"]["path"].as_str().unwrap()).unwrap();
        assert_eq!(
            document["source"]["sha256"].as_str().unwrap(),
            vanban::ingest::hex_sha256(&source)
        );
        let content = document["text"]["content"].as_str().unwrap();
        assert_eq!(
            document["text"]["char_count"].as_u64().unwrap() as usize,
            content.chars().count()
        );
    }
    let summary = records_of_type(&records, "summary");
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0]["documents"], 5);
    assert_eq!(summary[0]["errors"], 0);
}

#[test]
fn output_is_identical_for_one_and_two_jobs() {
    let run = |jobs: &str| {
        let output = vanban()
            .args(["process", "--jobs", jobs])
            .arg(repo_path("fixtures/seeds"))
            .arg(repo_path("fixtures/gold"))
            .output()
            .unwrap();
        assert!(output.status.success());
        output.stdout
    };
    let one = run("1");
    let two = run("2");
    assert!(!one.is_empty());
    assert!(one == two, "--jobs 1 and --jobs 2 differ");
}

#[test]
fn writes_one_file_per_document_and_resume_skips_only_complete_ones() {
    let out = tempfile::tempdir().unwrap();
    let first = vanban()
        .args(["process", "--out"])
        .arg(out.path())
        .arg(repo_path("fixtures/seeds"))
        .output()
        .unwrap();
    assert!(first.status.success());
    let written = out.path().join("000_ac36b2be699df4a8.txt.json");
    let document: Value = serde_json::from_slice(&fs::read(&written).unwrap()).unwrap();
    assert_valid(&document);
    assert_eq!(fs::read_dir(out.path()).unwrap().count(), 5);

    // A truncated output (an interrupted run) must be redone, complete ones skipped.
    let truncated = out.path().join("001_6545ed3fafa3d3a4.txt.json");
    let full = fs::read(&truncated).unwrap();
    fs::write(&truncated, &full[..full.len() / 2]).unwrap();
    let second = vanban()
        .args(["process", "--resume", "--out"])
        .arg(out.path())
        .arg(repo_path("fixtures/seeds"))
        .output()
        .unwrap();
    assert!(second.status.success());
    let records = json_lines(&second.stdout);
    let summary = records_of_type(&records, "summary")[0];
    assert_eq!(summary["skipped"], 4);
    assert_eq!(summary["documents"], 1);
    assert_eq!(fs::read(&truncated).unwrap(), full);
}

#[test]
fn reads_a_document_from_stdin() {
    let output = vanban()
        .args(["process", "-"])
        .write_stdin("Số 302-KH/HU\nPhong Thổ, ngày 19 tháng 5 năm 2023\n")
        .output()
        .unwrap();
    assert!(output.status.success());
    let records = json_lines(&output.stdout);
    let document = records_of_type(&records, "document")[0];
    assert_eq!(document["source"]["path"], "-");
    assert!(document["text"]["content"]
        .as_str()
        .unwrap()
        .contains("302-KH/HU"));
}

/// Bad inputs beside a good one: each bad one gets an error record naming it, the good one is
/// still processed, and the exit code is 1.
fn assert_batch_survives(bad: &std::path::Path, expected_kind: &str, message_part: &str) {
    let good = repo_path("fixtures/seeds/003_026306599e5846c8.txt");
    let output = vanban()
        .args(["process", "--jobs", "2"])
        .arg(bad)
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let records = json_lines(&output.stdout);
    for record in &records {
        assert_valid(record);
    }
    let errors = records_of_type(&records, "error");
    assert_eq!(errors.len(), 1, "{records:?}");
    assert_eq!(errors[0]["kind"], expected_kind);
    let message = errors[0]["message"].as_str().unwrap();
    assert!(message.contains(&*bad.to_string_lossy()), "{message}");
    assert!(message.contains(message_part), "{message}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(message), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(records_of_type(&records, "document").len(), 1);
}

#[test]
fn missing_path_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    assert_batch_survives(&dir.path().join("nope.txt"), "not_found", "no such file");
}

#[test]
fn directory_without_documents_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notes.docx"), b"PK\x03\x04").unwrap();
    assert_batch_survives(dir.path(), "no_documents", "holds no documents");
}

#[test]
fn empty_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.txt");
    fs::write(&path, b"").unwrap();
    assert_batch_survives(&path, "empty", "empty");
}

#[test]
fn whitespace_only_file_is_reported_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blank.txt");
    fs::write(&path, b" \n\n\t\n").unwrap();
    assert_batch_survives(&path, "empty", "empty");
}

#[test]
fn binary_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.txt");
    fs::write(&path, b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00binary").unwrap();
    assert_batch_survives(&path, "binary", "NUL byte");
}

#[test]
fn invalid_utf8_that_is_no_known_encoding_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.txt");
    // Lone continuation bytes and C1 controls: neither UTF-8 nor plausible TCVN3/VNI text.
    fs::write(
        &path,
        b"Ke hoach \x80\x81\x82\x83\x84\x85\x86\x87\x88\x89 so 12",
    )
    .unwrap();
    assert_batch_survives(&path, "encoding", "invalid UTF-8");
}

#[test]
fn dangling_link_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gone.txt");
    std::os::unix::fs::symlink(dir.path().join("target-that-never-existed"), &path).unwrap();
    assert_batch_survives(&path, "not_found", "no such file");
}

#[test]
fn unreadable_file_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret.txt");
    fs::write(&path, "Kế hoạch").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&path).is_ok() {
        // Root reads through permissions; a directory it cannot list still fails for it only
        // if it is not root either, so there is no way to make an unreadable file here.
        eprintln!(
            "skipping unreadable_file_is_reported: running as a user that ignores file permissions"
        );
        return;
    }
    assert_batch_survives(&path, "io", "Permission denied");
}

/// The read failure a root-run CI can still provoke: the kernel refuses reads of a process's
/// memory at offset 0 with EIO, whoever asks.
#[test]
fn read_failure_is_reported() {
    assert_batch_survives(
        std::path::Path::new("/proc/self/mem"),
        "io",
        "Input/output error",
    );
}

#[test]
fn ten_megabyte_single_line_is_processed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.txt");
    let words = "tang cuong cong tac chi dao quan ly bao chi 24-CTr/TU ngay 05/10/2022 ";
    let line = words.repeat(10 * 1024 * 1024 / words.len() + 1);
    fs::write(&path, &line).unwrap();
    let output = vanban().args(["process"]).arg(&path).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let records = json_lines(&output.stdout);
    let document = records_of_type(&records, "document")[0];
    assert_eq!(
        document["text"]["char_count"].as_u64().unwrap() as usize,
        line.chars().count()
    );
}

/// Runs vanban with `args` and closes its output pipe at once, as `| head` does once it has
/// read enough (before the first write here: loading the model alone takes longer): the run
/// must end with exit 0 and no panic or pipe error on stderr.
fn assert_closed_stdout_ends_quietly(args: &[&str]) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("vanban"))
        .args(args)
        .env("OMP_THREAD_LIMIT", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn closed_stdout_ends_the_run_quietly() {
    let seeds = repo_path("fixtures/seeds");
    assert_closed_stdout_ends_quietly(&["process", seeds.to_str().unwrap()]);
}

/// `vanban eval restore | head` panicked in `println!` once the pipe closed (exit 101).
#[test]
fn eval_report_into_a_closed_pipe_does_not_panic() {
    let gold = repo_path("fixtures/gold/seed002-lines-1-60.gold.txt");
    let input = repo_path("fixtures/gold/seed002-lines-1-60.ocr.txt");
    assert_closed_stdout_ends_quietly(&[
        "eval",
        "restore",
        "--gold",
        gold.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
    ]);
}

#[test]
fn resume_without_out_is_a_usage_error() {
    let output = vanban()
        .args(["process", "--resume"])
        .arg(repo_path("fixtures/seeds"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
