//! Removing invisible characters and unifying look-alike spaces, hyphens and quotes, so that the
//! restorer and parser see one form of each.

use super::{Rewriter, Rewritten};

/// What a character becomes when cleaning: dropped, replaced, or kept.
fn cleaned(c: char) -> Option<Option<char>> {
    match c {
        // Zero-width and formatting characters carry nothing a reader sees.
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => Some(None),
        // Every kind of space reads as a space; tabs too, since layout is not preserved.
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\t' => {
            Some(Some(' '))
        }
        '\r' => Some(None),
        // Hyphen look-alikes inside document codes must become the ASCII hyphen the code grammar
        // expects; en and em dashes are kept because they separate clauses.
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => {
            Some(Some('-'))
        }
        '\u{FF0F}' | '\u{2215}' => Some(Some('/')),
        '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{FF02}' => Some(Some('"')),
        '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{FF07}' => Some(Some('\'')),
        // Other control characters (but not line and page breaks) are noise from conversions.
        c if c.is_control() && c != '\n' && c != '\u{c}' => Some(None),
        _ => None,
    }
}

pub fn clean(text: &str) -> Rewritten {
    let mut out = Rewriter::new(text);
    for (i, c) in text.chars().enumerate() {
        match cleaned(c) {
            None => out.keep(c, i),
            Some(Some(replacement)) => out.replace(&replacement.to_string(), i, i + 1),
            Some(None) => out.replace("", i, i + 1),
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_invisibles_and_unifies_lookalikes() {
        let out = clean("Số\u{00A0}24\u{2011}CTr/TU\u{200B}\r\nx\u{0007}");
        assert_eq!(out.text, "Số 24-CTr/TU\nx");
        assert_eq!(out.map.source_span(2, 3), (2, 3));
        assert_eq!(out.map.source_span(12, 13), (14, 15));
        assert_eq!(out.map.source_span(13, 14), (15, 16));
        assert_eq!(out.changes, 5);
    }

    #[test]
    fn keeps_vietnamese_quotes_and_dashes() {
        let text = "“tự diễn biến” – xem";
        assert_eq!(clean(text).text, text);
    }
}
