//! Tone-mark placement styles. The two styles differ only in open syllables ending in `oa`, `oe`
//! or `uy`: the new style marks the first vowel (`hòa`, `khỏe`, `thủy`), the old one the second
//! (`hoà`, `khoẻ`, `thuỷ`). Everything else (`hoàng`, `quý`, `khuya`, `thuyền`) is the same in
//! both, so only those syllables are touched.

use super::{Rewriter, Rewritten};
use crate::orthography as syllable;
pub use crate::orthography::ToneStyle;

/// Rewrites every syllable to `style`. Moving a mark between two vowels keeps the character count,
/// so the map is one to one. Words that are not Vietnamese syllables are left alone.
pub fn apply(text: &str, style: ToneStyle) -> Rewritten {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Rewriter::new(text);
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphabetic() {
            out.keep(chars[i], i);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_alphabetic() {
            i += 1;
        }
        let word = &chars[start..i];
        match restyled(word, style) {
            Some(styled) => {
                for (k, (&was, now)) in word.iter().zip(styled).enumerate() {
                    if was == now {
                        out.keep(was, start + k);
                    } else {
                        out.replace(now.encode_utf8(&mut [0; 4]), start + k, start + k + 1);
                    }
                }
            }
            None => word
                .iter()
                .enumerate()
                .for_each(|(k, &c)| out.keep(c, start + k)),
        }
    }
    out.finish()
}

/// `word` with its tone mark where `style` puts it and its letters' case kept, if it is a
/// syllable whose mark sits elsewhere.
fn restyled(word: &[char], style: ToneStyle) -> Option<Vec<char>> {
    let lower: String = word.iter().flat_map(|c| c.to_lowercase()).collect();
    let (base, tone) = syllable::split_tone(&lower)?;
    if tone == 0 || !syllable::is_valid(&base, tone) {
        return None;
    }
    let placed = syllable::place_tone(&base, tone, style);
    if placed == lower || placed.chars().count() != word.len() {
        return None;
    }
    let cased = word
        .iter()
        .zip(placed.chars())
        .map(|(&was, now)| {
            if was.is_uppercase() {
                now.to_uppercase().next().unwrap_or(now)
            } else {
                now
            }
        })
        .collect();
    Some(cased)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styled(text: &str, style: ToneStyle) -> String {
        apply(text, style).text
    }

    #[test]
    fn moves_the_mark_in_open_oa_oe_uy() {
        let old = "hoà khoẻ thuỷ HOÀ THUỶ Toả loé";
        let new = "hòa khỏe thủy HÒA THỦY Tỏa lóe";
        assert_eq!(styled(old, ToneStyle::New), new);
        assert_eq!(styled(new, ToneStyle::Old), old);
        assert_eq!(styled(new, ToneStyle::New), new);
        assert_eq!(styled(old, ToneStyle::Old), old);
    }

    #[test]
    fn leaves_syllables_whose_styles_agree() {
        let text = "hoàng quý quỳ khuya thuyền giúp hoa toàn khuỷu quả Đảng";
        assert_eq!(styled(text, ToneStyle::New), text);
        assert_eq!(styled(text, ToneStyle::Old), text);
    }

    #[test]
    fn restyles_syllables_without_onset() {
        assert_eq!(styled("Tỉnh ủy", ToneStyle::Old), "Tỉnh uỷ");
        assert_eq!(styled("Tỉnh uỷ", ToneStyle::New), "Tỉnh ủy");
    }

    #[test]
    fn map_is_one_to_one_and_counts_changes() {
        let out = apply("Tỉnh uỷ hoà", ToneStyle::New);
        assert_eq!(out.text, "Tỉnh ủy hòa");
        assert_eq!(out.changes, 4);
        assert_eq!(out.map.source_span(5, 7), (5, 7));
        assert_eq!(out.map.source_span(0, 11), (0, 11));
    }
}
