//! vanban turns Vietnamese administrative and Party directives (scans, PDFs, text) into clean text
//! and structured JSON.
//!
//! The pipeline, one module per stage: [`ingest`] (text files, images, PDFs) → [`text`]
//! (decoding, normalization) → [`restore`] (diacritics and OCR-garble repair) → [`parse`]
//! (metadata, dates, cross-references) → [`schema`] (the JSON contract). [`pipeline`] runs them
//! for one input and [`eval`] measures them against gold data.

pub mod document;
pub mod error;
pub mod eval;
pub mod export;
pub mod ingest;
pub mod model;
pub mod ocr;
pub mod orthography;
pub mod parse;
pub mod pdf;
pub mod pipeline;
pub mod restore;
pub mod schema;
pub mod text;

pub use error::{Error, ErrorKind, Result};
