//! Measuring the pipeline against gold data.
