//! Measuring the pipeline against gold data.
pub mod parse;
pub mod restore;
