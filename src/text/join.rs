//! Joining lines that a scanner or a hard-wrapping editor broke inside a paragraph.

use super::Rewritten;
use crate::document::OffsetMap;

pub fn join_lines(text: &str) -> Rewritten {
    let len = text.chars().count();
    Rewritten {
        text: text.to_owned(),
        map: OffsetMap::identity(len),
        changes: 0,
    }
}
