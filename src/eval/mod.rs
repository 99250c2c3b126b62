//! Measuring the pipeline against gold data.
pub mod ocr;
pub mod ocr_choices;
pub mod ocr_roundtrip;
pub mod parse;
pub mod pdf_text;
pub mod restore;
