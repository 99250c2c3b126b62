//! Legacy Vietnamese encodings found in old archives: TCVN3 (ABC), VNI-Windows and VIQR.

use serde::{Deserialize, Serialize};

use super::Rewritten;
use crate::document::OffsetMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegacyEncoding {
    Tcvn3,
    VniWindows,
    Viqr,
}

impl LegacyEncoding {
    pub fn name(self) -> &'static str {
        match self {
            LegacyEncoding::Tcvn3 => "tcvn3",
            LegacyEncoding::VniWindows => "vni_windows",
            LegacyEncoding::Viqr => "viqr",
        }
    }
}

/// The 8-bit legacy encoding `bytes` are most likely in, if any.
pub fn detect_8bit(_bytes: &[u8]) -> Option<LegacyEncoding> {
    None
}

/// One character per byte, so that raw offsets of a legacy file are byte offsets.
pub fn bytes_as_chars(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Whether `text` (valid UTF-8) is VIQR-encoded Vietnamese.
pub fn detect_viqr(_text: &str) -> bool {
    false
}

pub fn to_unicode(text: &str, _encoding: LegacyEncoding) -> Rewritten {
    let len = text.chars().count();
    Rewritten {
        text: text.to_owned(),
        map: OffsetMap::identity(len),
        changes: 0,
    }
}
