//! Glyphs to words, words to lines, lines to reading order.
//!
//! Words are runs of glyphs in content order on one baseline with no gap wider than
//! [`WORD_GAP`] of the font size and no space glyph between them. Lines are the words of a
//! baseline, cut where a gap is wider than [`COLUMN_GAP`], so the two columns of a document
//! header (issuer and number on the left, motto and place-date on the right) stay apart. Lines
//! are read top to bottom, and left to right on a shared baseline, as `pdftotext -layout` does.
//! Text set sideways (a landscape table on a portrait page) is laid out in its own turned frame;
//! the direction with the most glyphs is read first.

type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;

use super::content::{Direction, Glyph};
use super::fonts::GlyphText;
use crate::document::{BBox, Line, Word};
use crate::text::legacy;

/// A gap between glyphs wider than this share of the font size separates words. `pdftotext`
/// breaks words at 0.1 em; word processors' kerning and justification stay well under 0.15 em,
/// and the narrowest space of the common text faces is about 0.2 em.
const WORD_GAP: f64 = 0.15;
/// A gap between words wider than this share of the font size separates two lines on one
/// baseline (columns, table cells, a right-aligned date). Justified body text stretches spaces
/// to about 1 em at most.
const COLUMN_GAP: f64 = 1.2;
/// Baselines closer than this share of the larger font size are one line.
const BASELINE_TOLERANCE: f64 = 0.4;
/// Smaller type (a footnote mark, `m²` set as `m` and a raised `2`) rises up to about 0.5 em
/// above the line it belongs to; lines are at least 1 em apart.
const SUPERSCRIPT_RISE: f64 = 0.7;
/// Type this much smaller than its neighbour's is superscript or subscript.
const SMALLER_TYPE: f64 = 0.85;
/// A glyph drawn again within this share of the font size of the same glyph is one glyph: word
/// processors fake bold type by drawing the text two or three times, a little shifted.
const OVERSTRIKE: f64 = 0.2;
/// Ascent and descent of a line box, as shares of the font size (Times and Arial are close to
/// these).
const ASCENT: f64 = 0.8;
const DESCENT: f64 = 0.2;

/// A word with its place, before it becomes a [`Word`] of a line.
#[derive(Debug, Clone)]
struct PlacedWord {
    text: String,
    x0: f64,
    x1: f64,
    baseline: f64,
    size: f64,
    direction: Direction,
}

/// The page's lines in reading order.
pub fn lines(glyphs: &[Glyph]) -> Vec<Line> {
    let glyphs = without_overstrikes(glyphs);
    let mut by_direction: HashMap<Direction, Vec<PlacedWord>> = HashMap::default();
    for word in words(&glyphs) {
        by_direction.entry(word.direction).or_default().push(word);
    }
    let mut directions: Vec<(Direction, Vec<PlacedWord>)> = by_direction.into_iter().collect();
    directions.sort_by_key(|(direction, words)| (std::cmp::Reverse(words.len()), *direction));
    directions
        .into_iter()
        .flat_map(|(_, words)| rows(words).into_iter().flat_map(split_columns))
        .map(|words| line(&words))
        .collect()
}

/// Whether text on baseline `a` in type size `size_a` sits on the same line as text on `b`.
/// Only smaller type above a line joins it from further away: small type below is more often
/// a rule of underscores under a heading than a subscript.
fn same_line(a: f64, size_a: f64, b: f64, size_b: f64) -> bool {
    let ((small, small_baseline), (large, large_baseline)) = if size_a < size_b {
        ((size_a, a), (size_b.max(f64::EPSILON), b))
    } else {
        ((size_b, b), (size_a.max(f64::EPSILON), a))
    };
    let distance = (a - b).abs();
    distance < BASELINE_TOLERANCE * large
        || (small < SMALLER_TYPE * large
            && small_baseline < large_baseline
            && distance < SUPERSCRIPT_RISE * large)
}

/// The glyphs without the copies that overstrike an earlier one.
fn without_overstrikes(glyphs: &[Glyph]) -> Vec<&Glyph> {
    let mut seen: HashMap<(&GlyphText, i64, i64), Vec<usize>> = HashMap::default();
    let mut kept: Vec<&Glyph> = Vec::with_capacity(glyphs.len());
    for glyph in glyphs {
        let cell = OVERSTRIKE * glyph.size.max(1.0);
        let (gx, gy) = (
            (glyph.x0 / cell).floor() as i64,
            (glyph.baseline / cell).floor() as i64,
        );
        let overstrikes = (-1..=1).any(|dx| {
            (-1..=1).any(|dy| {
                seen.get(&(&glyph.text, gx + dx, gy + dy))
                    .is_some_and(|earlier| {
                        earlier.iter().any(|&k| {
                            let other = kept[k];
                            (other.x0 - glyph.x0).abs() < cell
                                && (other.baseline - glyph.baseline).abs() < cell
                        })
                    })
            })
        });
        if !overstrikes {
            seen.entry((&glyph.text, gx, gy))
                .or_default()
                .push(kept.len());
            kept.push(glyph);
        }
    }
    kept
}

fn words(glyphs: &[&Glyph]) -> Vec<PlacedWord> {
    let mut words: Vec<PlacedWord> = Vec::new();
    let mut current: Vec<&Glyph> = Vec::new();
    for &glyph in glyphs {
        let is_space = match &glyph.text {
            GlyphText::Char(c) | GlyphText::Legacy(c, _) => c.is_whitespace(),
            GlyphText::Text(t) => t.chars().all(char::is_whitespace),
            GlyphText::Unknown => false,
        };
        let continues = current.last().is_some_and(|last| {
            let size = last.size.max(glyph.size).max(f64::EPSILON);
            let gap = glyph.x0 - last.x1;
            last.direction == glyph.direction
                && same_line(glyph.baseline, glyph.size, last.baseline, last.size)
                && gap < WORD_GAP * size
                && gap > -0.5 * size.max(last.x1 - last.x0)
        });
        if !continues || is_space {
            words.extend(placed_word(&current));
            current.clear();
        }
        if !is_space {
            current.push(glyph);
        }
    }
    words.extend(placed_word(&current));
    words
}

/// A run of glyphs as a word; runs of a legacy font are decoded together, since a TCVN3 word's
/// capitals are judged from the whole word.
fn placed_word(glyphs: &[&Glyph]) -> Option<PlacedWord> {
    let first = glyphs.first()?;
    let mut text = String::new();
    let mut legacy_run = String::new();
    let mut legacy_encoding = None;
    for glyph in glyphs {
        match &glyph.text {
            GlyphText::Legacy(byte, encoding) => {
                if let Some(previous) = legacy_encoding.filter(|e| e != encoding) {
                    text.push_str(&legacy::to_unicode(&legacy_run, previous).text);
                    legacy_run.clear();
                }
                legacy_encoding = Some(*encoding);
                legacy_run.push(*byte);
            }
            other => {
                if let Some(encoding) = legacy_encoding.take() {
                    text.push_str(&legacy::to_unicode(&legacy_run, encoding).text);
                    legacy_run.clear();
                }
                match other {
                    GlyphText::Char(c) => text.push(*c),
                    GlyphText::Text(t) => text.push_str(t),
                    _ => text.push(char::REPLACEMENT_CHARACTER),
                }
            }
        }
    }
    if let Some(encoding) = legacy_encoding {
        text.push_str(&legacy::to_unicode(&legacy_run, encoding).text);
    }
    let text = text.trim().to_owned();
    if text.is_empty() {
        return None;
    }
    Some(PlacedWord {
        text,
        x0: glyphs.iter().map(|g| g.x0).fold(f64::INFINITY, f64::min),
        x1: glyphs
            .iter()
            .map(|g| g.x1)
            .fold(f64::NEG_INFINITY, f64::max),
        baseline: first.baseline,
        size: glyphs.iter().map(|g| g.size).fold(0.0, f64::max),
        direction: first.direction,
    })
}

/// Words grouped by baseline, top to bottom, each row left to right.
fn rows(mut words: Vec<PlacedWord>) -> Vec<Vec<PlacedWord>> {
    words.sort_by(|a, b| {
        a.baseline
            .total_cmp(&b.baseline)
            .then(a.x0.total_cmp(&b.x0))
    });
    let mut rows: Vec<Vec<PlacedWord>> = Vec::new();
    // The row's main baseline is that of its largest type, not of a superscript above it.
    let mut main: Option<(f64, f64)> = None;
    for word in words {
        match (rows.last_mut(), main) {
            (Some(row), Some((baseline, size)))
                if same_line(word.baseline, word.size, baseline, size) =>
            {
                if word.size > size {
                    main = Some((word.baseline, word.size));
                }
                row.push(word)
            }
            _ => {
                main = Some((word.baseline, word.size));
                rows.push(vec![word]);
            }
        }
    }
    for row in &mut rows {
        row.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    }
    rows
}

fn split_columns(row: Vec<PlacedWord>) -> Vec<Vec<PlacedWord>> {
    let mut lines: Vec<Vec<PlacedWord>> = Vec::new();
    for word in row {
        match lines.last_mut() {
            Some(line)
                if word.x0 - line.last().map_or(word.x0, |w| w.x1)
                    <= COLUMN_GAP * word.size.max(line[0].size) =>
            {
                line.push(word)
            }
            _ => lines.push(vec![word]),
        }
    }
    lines
}

/// The page box of a rectangle of a direction's frame.
fn bbox(direction: Direction, x0: f64, top: f64, x1: f64, bottom: f64) -> BBox {
    let (ax, ay) = direction.unturn(x0, top);
    let (bx, by) = direction.unturn(x1, bottom);
    let clamp = |v: f64| v.max(0.0).round() as u32;
    let (left, right, top, bottom) = (ax.min(bx), ax.max(bx), ay.min(by), ay.max(by));
    BBox {
        x: clamp(left),
        y: clamp(top),
        width: clamp(right - left.max(0.0)),
        height: clamp(bottom - top.max(0.0)),
    }
}

fn line(words: &[PlacedWord]) -> Line {
    let mut text = String::new();
    let mut placed = Vec::with_capacity(words.len());
    let mut at = 0;
    for word in words {
        if !text.is_empty() {
            text.push(' ');
            at += 1;
        }
        let len = word.text.chars().count();
        text.push_str(&word.text);
        placed.push(Word {
            text: word.text.clone(),
            bbox: bbox(
                word.direction,
                word.x0,
                word.baseline - ASCENT * word.size,
                word.x1,
                word.baseline + DESCENT * word.size,
            ),
            confidence: None,
            start: at,
            end: at + len,
            baseline: None,
            font_size: None,
            alternatives: Vec::new(),
        });
        at += len;
    }
    let x0 = words.iter().map(|w| w.x0).fold(f64::INFINITY, f64::min);
    let x1 = words.iter().map(|w| w.x1).fold(f64::NEG_INFINITY, f64::max);
    let top = words
        .iter()
        .map(|w| w.baseline - ASCENT * w.size)
        .fold(f64::INFINITY, f64::min);
    let bottom = words
        .iter()
        .map(|w| w.baseline + DESCENT * w.size)
        .fold(f64::NEG_INFINITY, f64::max);
    Line {
        text,
        bbox: Some(bbox(words[0].direction, x0, top, x1, bottom)),
        confidence: None,
        words: placed,
        furniture: None,
    }
}
