//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The `vanban` binary, with OpenMP limited as the CLI itself would arrange.
pub fn vanban() -> Command {
    let mut cmd = Command::cargo_bin("vanban").expect("the vanban binary is built for tests");
    cmd.env("OMP_THREAD_LIMIT", "1");
    cmd
}

/// The data beside the repository (training corpus, dev sets), if this machine has it.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = repo_path("../shared");
    dir.is_dir().then_some(dir)
}

/// Parses JSON Lines output.
pub fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8(stdout.to_vec())
        .expect("stdout is UTF-8")
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// Asserts that `record` is valid against schema/vanban.schema.json, listing every violation.
pub fn assert_valid(record: &Value) {
    let schema_text = std::fs::read_to_string(repo_path("schema/vanban.schema.json"))
        .expect("schema/vanban.schema.json is readable");
    let schema: Value = serde_json::from_str(&schema_text).expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(record)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "record violates the schema:\n{}",
        errors.join("\n")
    );
}

/// The `[[case]]` tables of a harness's TOML file of test cases (`tests/data/…`).
pub fn toml_cases<T: DeserializeOwned>(toml: &str) -> Vec<T> {
    #[derive(Deserialize)]
    struct Cases<T> {
        case: Vec<T>,
    }
    toml::from_str::<Cases<T>>(toml)
        .expect("test cases are valid TOML")
        .case
}
