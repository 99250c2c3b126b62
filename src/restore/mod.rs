//! Diacritic restoration and OCR-garble repair.
//!
//! A [`Restorer`] holds the read-only model; each thread asks it for a [`RestoreWorker`], which
//! owns the scratch buffers of the lattice decoder.

use serde::{Deserialize, Serialize};

use crate::text::ToneStyle;

/// What kind of text is being restored, which decides how much the decoder trusts the marks it
/// sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// Decide from the text itself.
    #[default]
    Auto,
    /// Vietnamese typed without diacritics (or with some).
    Stripped,
    /// Tesseract output made with the English model.
    OcrEng,
    /// Tesseract output made with the Vietnamese model.
    OcrVie,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestoreOptions {
    pub input_kind: InputKind,
    pub tone_style: ToneStyle,
    /// Alternatives kept per token for review.
    pub nbest: usize,
}

impl Default for RestoreOptions {
    fn default() -> Self {
        RestoreOptions {
            input_kind: InputKind::Auto,
            tone_style: ToneStyle::New,
            nbest: 3,
        }
    }
}

/// A token the restorer changed, or was unsure about, with offsets in characters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestoredToken {
    /// Range in the input text.
    pub input_start: usize,
    pub input_end: usize,
    /// Range in the output text.
    pub output_start: usize,
    pub output_end: usize,
    pub input: String,
    pub output: String,
    /// Posterior-like confidence of the chosen form in 0..=1.
    pub confidence: f32,
    /// Other forms the decoder considered, best first, with their confidences.
    pub alternatives: Vec<Alternative>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    pub text: String,
    pub confidence: f32,
}

/// The restored text and the tokens that changed (everything between them is copied verbatim, so
/// offsets outside tokens map one to one).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Restoration {
    pub text: String,
    pub tokens: Vec<RestoredToken>,
    /// The input kind the restorer used (resolved from `Auto`).
    pub input_kind: Option<InputKind>,
}
