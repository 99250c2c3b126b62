//! Measuring the pipeline against gold data.
pub mod restore;
