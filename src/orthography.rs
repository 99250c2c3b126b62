//! Vietnamese orthography: syllable structure, tone marks, tone placement, and which letter strings
//! are syllables at all (onset × rhyme × tone with the orthographic rules). A ground floor that
//! depends on nothing else in the crate: the text stages use it to place tones and recognise
//! syllables, the model builder to keep foreign words and typos out of the vocabulary and to fold
//! the old tone placement (`hoà`, `thuỷ`) into the new one (`hòa`, `thủy`) before counting, and
//! the restorer to spell its candidates.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// Where the tone mark of an open `oa`, `oe`, `uy` syllable goes.
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

/// Each vowel with its six tones: ngang, huyền, sắc, hỏi, ngã, nặng.
const VOWELS: [[char; 6]; 12] = [
    ['a', 'à', 'á', 'ả', 'ã', 'ạ'],
    ['ă', 'ằ', 'ắ', 'ẳ', 'ẵ', 'ặ'],
    ['â', 'ầ', 'ấ', 'ẩ', 'ẫ', 'ậ'],
    ['e', 'è', 'é', 'ẻ', 'ẽ', 'ẹ'],
    ['ê', 'ề', 'ế', 'ể', 'ễ', 'ệ'],
    ['i', 'ì', 'í', 'ỉ', 'ĩ', 'ị'],
    ['o', 'ò', 'ó', 'ỏ', 'õ', 'ọ'],
    ['ô', 'ồ', 'ố', 'ổ', 'ỗ', 'ộ'],
    ['ơ', 'ờ', 'ớ', 'ở', 'ỡ', 'ợ'],
    ['u', 'ù', 'ú', 'ủ', 'ũ', 'ụ'],
    ['ư', 'ừ', 'ứ', 'ử', 'ữ', 'ự'],
    ['y', 'ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ'],
];

/// Tone numbers, in the column order of [`VOWELS`].
pub const TONE_SAC: u8 = 2;
pub const TONE_NANG: u8 = 5;

/// The toneless vowel and the tone of a lowercase vowel, or `None` for any other character.
pub fn vowel_tone(c: char) -> Option<(char, u8)> {
    VOWELS.iter().find_map(|row| {
        row.iter()
            .position(|&v| v == c)
            .map(|tone| (row[0], tone as u8))
    })
}

fn with_tone(vowel: char, tone: u8) -> char {
    VOWELS
        .iter()
        .find(|row| row[0] == vowel)
        .map_or(vowel, |row| row[tone as usize])
}

fn is_vowel(c: char) -> bool {
    VOWELS.iter().any(|row| row[0] == c)
}

fn has_quality_mark(c: char) -> bool {
    matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư')
}

/// Splits a lowercase syllable into its toneless letters and its tone; `None` when it carries two
/// tone marks.
pub fn split_tone(word: &str) -> Option<(String, u8)> {
    let mut base = String::with_capacity(word.len());
    let mut tone = 0;
    for c in word.chars() {
        match vowel_tone(c) {
            Some((v, t)) => {
                if t != 0 {
                    if tone != 0 {
                        return None;
                    }
                    tone = t;
                }
                base.push(v);
            }
            None => base.push(c),
        }
    }
    Some((base, tone))
}

/// Puts `tone` on the vowel that carries it in `style`: a vowel with a quality mark takes it (ơ in
/// ươ); otherwise the last vowel before a final consonant, the middle one of three, and the first
/// of two, except `oa, oe, uy`, which take it on the second in the old style (`hoà`, `thuỷ`).
pub fn place_tone(base: &str, tone: u8, style: ToneStyle) -> String {
    let chars: Vec<char> = base.chars().collect();
    if tone == 0 {
        return base.to_owned();
    }
    let mut first = chars.iter().position(|&c| is_vowel(c)).unwrap_or(0);
    // The u of qu and the i of gi (before another vowel) belong to the onset.
    let onset_vowel = (first == 1 && chars[0] == 'q' && chars[1] == 'u')
        || (first == 1 && chars[0] == 'g' && chars[1] == 'i');
    if onset_vowel && chars.get(2).is_some_and(|&c| is_vowel(c)) {
        first = 2;
    }
    let mut last = first;
    while last + 1 < chars.len() && is_vowel(chars[last + 1]) {
        last += 1;
    }
    let target = if let Some(marked) = (first..=last).rev().find(|&i| has_quality_mark(chars[i])) {
        marked
    } else if first == last || last + 1 < chars.len() {
        last
    } else if last - first >= 2 {
        first + 1
    } else {
        let pair = (chars[first], chars[last]);
        let second = matches!(pair, ('o', 'a') | ('o', 'e') | ('u', 'y'));
        if second && style == ToneStyle::Old {
            last
        } else {
            first
        }
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if i == target { with_tone(c, tone) } else { c })
        .collect()
}

/// The form the model stores: lowercase, tone placed in the new style. `None` when `word` is not a
/// Vietnamese syllable.
pub fn canonical(word: &str) -> Option<String> {
    let (base, tone) = checked_split(&word.to_lowercase())?;
    Some(place_tone(&base, tone, ToneStyle::New))
}

/// Whether a lowercase word is a Vietnamese syllable: [`canonical`] without building the form.
pub fn is_syllable(lower: &str) -> bool {
    checked_split(lower).is_some()
}

/// The toneless letters and tone of a lowercase syllable; `None` for a word that is none.
fn checked_split(lower: &str) -> Option<(String, u8)> {
    let (base, tone) = split_tone(lower)?;
    let valid = is_valid(&base, tone)
        || PLACE_NAME_SYLLABLES.contains(&place_tone(&base, tone, ToneStyle::New).as_str());
    valid.then_some((base, tone))
}

/// Syllables of province names spelled outside the orthographic rules (`k` before a back vowel,
/// the final `-k`): Bắc Kạn, Kon Tum, Đắk Lắk, Đắk Nông.
const PLACE_NAME_SYLLABLES: [&str; 4] = ["kạn", "kon", "đắk", "lắk"];

const ONSETS: [&str; 28] = [
    "ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];

const RHYMES: &[&str] = &[
    "a", "ac", "ach", "ai", "am", "an", "ang", "anh", "ao", "ap", "at", "au", "ay", "ăc", "ăm",
    "ăn", "ăng", "ăp", "ăt", "âc", "âm", "ân", "âng", "âp", "ât", "âu", "ây", "e", "ec", "em",
    "en", "eng", "eo", "ep", "et", "ê", "êch", "êm", "ên", "ênh", "êp", "êt", "êu", "i", "ia",
    "ich", "im", "in", "inh", "ip", "it", "iu", "iêc", "iêm", "iên", "iêng", "iêp", "iêt", "iêu",
    "o", "oc", "oi", "om", "on", "ong", "op", "ot", "oa", "oac", "oach", "oai", "oam", "oan",
    "oang", "oanh", "oao", "oap", "oat", "oay", "oăc", "oăm", "oăn", "oăng", "oăt", "oe", "oen",
    "oeo", "oet", "ooc", "oong", "ô", "ôc", "ôi", "ôm", "ôn", "ông", "ôp", "ôt", "ơ", "ơi", "ơm",
    "ơn", "ơp", "ơt", "u", "ua", "uc", "ui", "um", "un", "ung", "up", "ut", "uân", "uâng", "uât",
    "uây", "uê", "uêch", "uênh", "uơ", "uy", "uya", "uych", "uyên", "uyêt", "uyn", "uynh", "uyp",
    "uyt", "uyu", "uôc", "uôi", "uôm", "uôn", "uông", "uôt", "ư", "ưa", "ưc", "ưi", "ưm", "ưn",
    "ưng", "ưt", "ưu", "ươc", "ươi", "ươm", "ươn", "ương", "ươp", "ươt", "ươu", "y", "yêm", "yên",
    "yêng", "yêt", "yêu",
];

fn is_rhyme(rhyme: &str) -> bool {
    // A set: checking every accented word of a text (`GarbleSigns`) scanned the list each time.
    static SET: std::sync::OnceLock<crate::model::FxHashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| RHYMES.iter().copied().collect())
        .contains(rhyme)
}

fn rhyme_fits_onset(onset: &str, rhyme: &str) -> bool {
    let front = rhyme.starts_with(['i', 'e', 'ê', 'y']);
    match onset {
        "k" => front,
        "c" | "ng" => !front,
        "gh" | "ngh" => rhyme.starts_with(['i', 'e', 'ê']),
        "g" => !rhyme.starts_with(['e', 'ê']),
        // qu writes the medial itself: quân = qu + ân is the rhyme uân, quan = qu + an is oan.
        "qu" => {
            !rhyme.is_empty() && (is_rhyme(&format!("u{rhyme}")) || is_rhyme(&format!("o{rhyme}")))
        }
        // gi + ên is iên after the onset gi (giêng); gi alone is gì.
        "gi" => rhyme.is_empty() || is_rhyme(&format!("i{rhyme}")) || is_rhyme(rhyme),
        _ => true,
    }
}

fn rhyme_fits_tone(rhyme: &str, tone: u8) -> bool {
    let stop = rhyme.ends_with(['p', 't', 'c']) || rhyme.ends_with("ch");
    !stop || tone == TONE_SAC || tone == TONE_NANG
}

/// Whether toneless lowercase letters `base` with `tone` spell a Vietnamese syllable.
pub fn is_valid(base: &str, tone: u8) -> bool {
    ONSETS.iter().any(|onset| {
        base.strip_prefix(onset).is_some_and(|rhyme| {
            let rhyme_ok = if *onset == "qu" || *onset == "gi" {
                rhyme_fits_onset(onset, rhyme)
            } else {
                is_rhyme(rhyme) && rhyme_fits_onset(onset, rhyme)
            };
            rhyme_ok && rhyme_fits_tone(rhyme, tone)
        })
    })
}

/// Every syllable the structure allows, in the canonical (new-style, lowercase) spelling.
pub fn inventory() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let qu_rhymes: Vec<&str> = RHYMES
        .iter()
        .filter_map(|r| r.strip_prefix('u').or_else(|| r.strip_prefix('o')))
        .collect();
    let gi_rhymes: Vec<&str> = RHYMES.iter().filter_map(|r| r.strip_prefix('i')).collect();
    for onset in ONSETS {
        let rhymes: Vec<&str> = match onset {
            "qu" => qu_rhymes.clone(),
            "gi" => gi_rhymes.iter().chain(RHYMES).copied().collect(),
            _ => RHYMES.to_vec(),
        };
        for rhyme in rhymes {
            let base = format!("{onset}{rhyme}");
            for tone in 0..6 {
                if is_valid(&base, tone) {
                    out.insert(place_tone(&base, tone, ToneStyle::New));
                }
            }
        }
    }
    out.extend(PLACE_NAME_SYLLABLES.iter().map(|s| s.to_string()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_old_tone_placement_to_new() {
        for (old, new) in [
            ("hoà", "hòa"),
            ("thuỷ", "thủy"),
            ("khoẻ", "khỏe"),
            ("Uỷ", "ủy"),
            ("hoàn", "hoàn"),
            ("quyết", "quyết"),
            ("giữ", "giữ"),
            ("của", "của"),
            ("người", "người"),
            ("khuỷu", "khuỷu"),
            ("hoài", "hoài"),
        ] {
            assert_eq!(canonical(old).as_deref(), Some(new), "{old}");
        }
    }

    #[test]
    fn old_style_moves_the_mark_back() {
        assert_eq!(place_tone("hoa", 1, ToneStyle::Old), "hoà");
        assert_eq!(place_tone("thuy", 3, ToneStyle::Old), "thuỷ");
        assert_eq!(place_tone("toan", 2, ToneStyle::Old), "toán");
    }

    #[test]
    fn rejects_what_vietnamese_spelling_forbids() {
        for word in [
            "ci", "ka", "ghu", "ngo", "ngi", "bát", "bàt", "kẻ", "nghiêng", "quốc",
        ] {
            let (base, tone) = split_tone(word).unwrap();
            let expected = !matches!(word, "ci" | "ka" | "ghu" | "ngi" | "bàt");
            assert_eq!(is_valid(&base, tone), expected, "{word}");
        }
        assert_eq!(canonical("café"), None);
        assert_eq!(canonical("wifi"), None);
        assert_eq!(split_tone("áà"), None);
    }

    #[test]
    fn inventory_holds_the_common_syllables() {
        let inv = inventory();
        for word in [
            "tăng", "cường", "công", "tác", "chỉ", "đạo", "nghiệp", "quyền", "gì",
        ] {
            assert!(inv.contains(word), "{word}");
        }
        assert!(inv.len() > 10_000 && inv.len() < 40_000, "{}", inv.len());
    }
}
