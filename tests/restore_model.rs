//! The model file format: the embedded model loads, and each kind of damage gets its own error.

use vanban::model::format::{FORMAT_VERSION, HEADER_LEN};
use vanban::model::{Model, ModelError};

const MODEL: &[u8] = include_bytes!("../dictionaries/vi-restore.vbm");

#[test]
fn committed_model_loads_and_describes_itself() {
    let model = Model::from_bytes(MODEL.to_vec(), "test").unwrap();
    assert!(model.vocab_len() > 5000, "{}", model.vocab_len());
    assert_eq!(model.meta()["format_version"], FORMAT_VERSION);
    let embedded = Model::embedded().unwrap();
    assert_eq!(embedded.size_bytes(), MODEL.len());
}

#[test]
fn wrong_magic_is_reported() {
    let mut bytes = MODEL.to_vec();
    bytes[0] = b'X';
    assert_eq!(
        Model::from_bytes(bytes, "t").unwrap_err(),
        ModelError::BadMagic
    );
    assert_eq!(
        Model::from_bytes(b"hello".to_vec(), "t").unwrap_err(),
        ModelError::BadMagic
    );
}

#[test]
fn wrong_version_is_reported() {
    let mut bytes = MODEL.to_vec();
    bytes[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    let error = Model::from_bytes(bytes, "t").unwrap_err();
    assert_eq!(
        error,
        ModelError::UnsupportedVersion {
            found: FORMAT_VERSION + 1,
            supported: FORMAT_VERSION
        }
    );
    assert!(error.to_string().contains("vanban model build"));
}

#[test]
fn truncation_is_reported() {
    let bytes = MODEL[..MODEL.len() - 1000].to_vec();
    assert!(matches!(
        Model::from_bytes(bytes, "t").unwrap_err(),
        ModelError::Truncated { .. }
    ));
    let header_only = MODEL[..HEADER_LEN - 1].to_vec();
    assert!(matches!(
        Model::from_bytes(header_only, "t").unwrap_err(),
        ModelError::Truncated { .. }
    ));
}

#[test]
fn corruption_is_reported() {
    let mut bytes = MODEL.to_vec();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x40;
    assert!(matches!(
        Model::from_bytes(bytes, "t").unwrap_err(),
        ModelError::Checksum { .. }
    ));
}

#[test]
fn a_model_file_is_memory_mapped_and_errors_name_it() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.vbm");
    std::fs::write(&good, MODEL).unwrap();
    let model = Model::open(&good).unwrap();
    assert_eq!(model.name(), good.display().to_string());
    let bad = dir.path().join("bad.vbm");
    std::fs::write(&bad, &MODEL[..100]).unwrap();
    let message = Model::open(&bad).unwrap_err().to_string();
    assert!(
        message.contains("bad.vbm") && message.contains("truncated"),
        "{message}"
    );
}
