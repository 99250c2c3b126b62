//! Plain text: the document's restored text as in its JSON record, paragraphs joined by the
//! line-joining stage and pages separated by form feeds, ending in a newline.
//!
//! Running heads and page numbers (furniture) stay in: no page type marks them yet.

use crate::schema::DocumentRecord;

pub fn write(record: &DocumentRecord) -> String {
    let mut text = record.text.content.trim_end().to_owned();
    text.push('\n');
    text
}
