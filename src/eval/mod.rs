//! Measuring the pipeline against gold data.
pub mod ocr;
pub mod parse;
pub mod restore;
