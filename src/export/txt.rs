//! Plain text: the document's restored text as in its JSON record, paragraphs joined by the
//! line-joining stage and pages separated by form feeds, ending in a newline.
//! Running heads, page numbers and signature stamps (furniture) are not in it: the record's text
//! leaves them out.

use crate::schema::DocumentRecord;

pub fn write(record: &DocumentRecord) -> String {
    let mut text = record.text.content.trim_end().to_owned();
    text.push('\n');
    text
}
