//! From Tesseract's words to the page's lines in reading order.
//!
//! Tesseract (page segmentation mode 3) reads the two-column header of a directive, and the
//! recipients beside the signature at its foot, as single lines running across both columns
//! (`UBND THÀNH PHỐ ĐÀ NẴNG _ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM`), or as two blocks in either
//! order. Three passes put them right:
//!
//! 1. a number and a word Tesseract glued across a gap as wide as a space (`26tháng`) are cut
//!    apart;
//! 2. a line is cut where a gap between its words is far wider than the page's spaces: a
//!    column gap;
//! 3. the pieces are grouped into rows by vertical overlap, and runs of rows that share a
//!    column gap become a two-column region, read as its left block, then its right block.
//!
//! The page's space width is measured on the page itself (the median gap between neighbouring
//! words of a line), so the thresholds follow the resolution and the font size.

use crate::document::BBox;
use crate::ocr::engine::{OcrSymbol, OcrWord};

/// A symbol gap at least this share of the page's median space splits a word. Gaps inside
/// words are a small fraction of a space; a space the recognizer dropped is about one.
const GLUED_SPACE_SHARE: f32 = 0.6;
/// A gap wider than this many median spaces between the words of a line may be a column gap;
/// it is one when the next row has a gap at the same place (a lone wide gap, as justified
/// lines stretch them, stays inside its line).
const COLUMN_GAP_SPACES: f32 = 2.5;
/// Three rows sharing a white channel this many spaces wide are two columns (header columns
/// can sit as close as two spaces apart).
const NARROW_GUTTER_SPACES: f32 = 1.5;
/// A single row splits into columns beside one-sided rows only at a gap this many spaces wide.
const LONE_GUTTER_SPACES: f32 = 6.0;
/// Rows belong to one region only when each starts within this many line heights below the
/// one above.
const REGION_ROW_GAP_LINES: f32 = 2.5;

/// A run of words of one Tesseract line with no column gap inside, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub words: Vec<OcrWord>,
    pub bbox: BBox,
    /// Tesseract's paragraph of the first word: a change starts a new paragraph.
    pub paragraph: u32,
}

/// The segments of a page in reading order; `None` marks a paragraph break.
pub fn reading_order(words: Vec<OcrWord>) -> Vec<Option<Segment>> {
    let space = median_space(&words);
    let words = match space {
        Some(space) => words
            .into_iter()
            .flat_map(|w| split_glued(w, space * GLUED_SPACE_SHARE))
            .collect(),
        None => words,
    };
    let segments = segments(words, space.map(|s| s * COLUMN_GAP_SPACES));
    order_rows(rows(segments), space.unwrap_or(f32::INFINITY))
}

/// The median gap between neighbouring words of the same line, in pixels.
fn median_space(words: &[OcrWord]) -> Option<f32> {
    let mut gaps: Vec<u32> = words
        .windows(2)
        .filter(|pair| pair[0].line == pair[1].line)
        .filter_map(|pair| pair[1].bbox.x.checked_sub(right(&pair[0].bbox)))
        .filter(|&gap| gap > 0)
        .collect();
    if gaps.is_empty() {
        return None;
    }
    gaps.sort_unstable();
    Some(gaps[gaps.len() / 2] as f32)
}

fn right(bbox: &BBox) -> u32 {
    bbox.x + bbox.width
}

fn bottom(bbox: &BBox) -> u32 {
    bbox.y + bbox.height
}

/// The smallest box around all of `boxes`.
pub(crate) fn union(boxes: impl IntoIterator<Item = BBox>) -> Option<BBox> {
    boxes.into_iter().reduce(|a, b| {
        let (x, y) = (a.x.min(b.x), a.y.min(b.y));
        BBox {
            x,
            y,
            width: right(&a).max(right(&b)) - x,
            height: bottom(&a).max(bottom(&b)) - y,
        }
    })
}

/// Cuts `word` where a number meets a word across a symbol gap of at least `min_gap` pixels
/// (`26tháng`), when its symbols spell it. Other gaps stay: ink boxes leave wide gaps between
/// narrow glyphs (`11`, `ll`), and codes (`12/QĐ`, `05-KH`) are one word.
fn split_glued(word: OcrWord, min_gap: f32) -> Vec<OcrWord> {
    let spelled: String = word.symbols.iter().map(|s| s.text.as_str()).collect();
    let kind = |symbol: &OcrSymbol| {
        let c = symbol.text.chars().next().unwrap_or(' ');
        (c.is_ascii_digit(), c.is_alphabetic())
    };
    let cuts: Vec<usize> = word
        .symbols
        .windows(2)
        .enumerate()
        .filter(|(_, pair)| {
            let gap = pair[1].bbox.x as f32 - right(&pair[0].bbox) as f32;
            let (a, b) = (kind(&pair[0]), kind(&pair[1]));
            let number_meets_word = (a.0 && b.1) || (a.1 && b.0);
            number_meets_word && gap >= min_gap
        })
        .map(|(i, _)| i + 1)
        .collect();
    if cuts.is_empty() || spelled != word.text {
        return vec![word];
    }
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    let mut symbols = word.symbols.clone();
    for &cut in cuts.iter().rev() {
        let tail: Vec<OcrSymbol> = symbols.split_off(cut);
        pieces.push(tail);
    }
    pieces.push(symbols);
    pieces.reverse();
    pieces
        .into_iter()
        .map(|symbols| OcrWord {
            text: symbols.iter().map(|s| s.text.as_str()).collect(),
            bbox: union(symbols.iter().map(|s| s.bbox)).unwrap_or(word.bbox),
            symbols,
            ..word.clone()
        })
        .collect()
}

/// Tesseract's lines, each cut at its column gaps.
fn segments(words: Vec<OcrWord>, column_gap: Option<f32>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut previous: Option<(u32, u32)> = None;
    for word in words {
        let continues = previous.is_some_and(|(line, end)| {
            line == word.line
                && column_gap.is_none_or(|limit| (word.bbox.x as f32 - end as f32) <= limit)
        });
        previous = Some((word.line, right(&word.bbox)));
        match out.last_mut() {
            Some(segment) if continues => {
                segment.bbox = union([segment.bbox, word.bbox]).unwrap_or(segment.bbox);
                segment.words.push(word);
            }
            _ => out.push(Segment {
                bbox: word.bbox,
                paragraph: word.paragraph,
                words: vec![word],
            }),
        }
    }
    out
}

/// Segments side by side, left to right.
type Row = Vec<Segment>;

/// Groups segments into rows: a segment whose vertical middle falls inside a row's extent (or
/// the other way round), and which overlaps none of its segments horizontally, belongs to it. Rows are kept in the order of their first segment, which is Tesseract's.
fn rows(segments: Vec<Segment>) -> Vec<Row> {
    let mut rows: Vec<(BBox, Row)> = Vec::new();
    for segment in segments {
        let middle = segment.bbox.y + segment.bbox.height / 2;
        // Side by side also means no horizontal overlap: the lines of a skewed page overlap
        // vertically, but each spans the same columns as the next.
        let beside = |row: &Row| {
            row.iter()
                .all(|s| right(&s.bbox) <= segment.bbox.x || s.bbox.x >= right(&segment.bbox))
        };
        let home = rows.iter_mut().rev().find(|(extent, row)| {
            let overlaps = (extent.y..bottom(extent)).contains(&middle) || {
                let own_middle = extent.y + extent.height / 2;
                (segment.bbox.y..bottom(&segment.bbox)).contains(&own_middle)
            };
            overlaps && beside(row)
        });
        match home {
            Some((extent, row)) => {
                *extent = union([*extent, segment.bbox]).unwrap_or(*extent);
                row.push(segment);
            }
            None => rows.push((segment.bbox, vec![segment])),
        }
    }
    let mut rows: Vec<Row> = rows.into_iter().map(|(_, row)| row).collect();
    for row in &mut rows {
        row.sort_by_key(|s| s.bbox.x);
    }
    // Tesseract may read a right-hand block before the left one beside it; top to bottom is the
    // reading order of rows (a stable sort keeps Tesseract's order among rows at one height).
    rows.sort_by_key(|row| row.iter().map(|s| s.bbox.y).min().unwrap_or(0));
    rows
}

/// The gaps between neighbouring words of a row, as `from..to` pixel ranges.
fn word_gaps(row: &Row) -> Vec<(u32, u32)> {
    let mut boxes: Vec<BBox> = row
        .iter()
        .flat_map(|s| s.words.iter().map(|w| w.bbox))
        .collect();
    boxes.sort_by_key(|b| b.x);
    boxes
        .windows(2)
        .map(|pair| (right(&pair[0]), pair[1].x))
        .filter(|(from, to)| to > from)
        .collect()
}

/// The parts of `gaps` that also lie in `other`.
fn shared(gaps: &[(u32, u32)], other: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for &(a, b) in gaps {
        for &(c, d) in other {
            let (from, to) = (a.max(c), b.min(d));
            if to > from {
                out.push((from, to));
            }
        }
    }
    out
}

fn row_top(row: &Row) -> u32 {
    row.iter().map(|s| s.bbox.y).min().unwrap_or(0)
}

fn row_bottom(row: &Row) -> u32 {
    row.iter().map(|s| bottom(&s.bbox)).max().unwrap_or(0)
}

/// A two-column region found at a row: how many rows it spans and its gutter.
struct Region {
    rows: usize,
    gutter: (u32, u32),
}

/// The two-column region starting at `rows[0]`, if there is one: a white channel at least
/// `min_gutter` wide that runs between words through consecutive rows (two of them with a gutter
/// of a column gap, or three with a narrower one), then the rows below it that keep to one side
/// of it (the recipients beside a signature and its stamp).
fn region_at(rows: &[Row], space: f32, line_height: f32) -> Option<Region> {
    let near = |upper: &Row, lower: &Row| {
        (row_top(lower) as f32 - row_bottom(upper) as f32) <= REGION_ROW_GAP_LINES * line_height
    };
    let wide = |gaps: &[(u32, u32)], spaces: f32| {
        gaps.iter()
            .copied()
            .filter(|(from, to)| (to - from) as f32 >= spaces * space)
            .max_by_key(|(from, to)| to - from)
    };
    let mut channel: Vec<(u32, u32)> = word_gaps(&rows[0]);
    let mut two_sided = 1;
    let mut best: Option<(usize, (u32, u32))> = None;
    while two_sided < rows.len() && near(&rows[two_sided - 1], &rows[two_sided]) {
        let narrowed = shared(&channel, &word_gaps(&rows[two_sided]));
        if wide(&narrowed, NARROW_GUTTER_SPACES).is_none() {
            break;
        }
        channel = narrowed;
        two_sided += 1;
        let spaces = if two_sided >= 3 {
            NARROW_GUTTER_SPACES
        } else {
            COLUMN_GAP_SPACES
        };
        if let Some(gutter) = wide(&channel, spaces) {
            best = Some((two_sided, gutter));
        }
    }
    // One two-sided row is a region only with a gap no justified line has, and one-sided rows
    // beside it.
    let (mut count, gutter) = match best {
        Some(found) => found,
        None => (1, wide(&channel, LONE_GUTTER_SPACES)?),
    };
    // Below, a row stays in the region when no word crosses the gutter's middle and, if it has
    // words on both sides, they are a gutter apart (a signature scribble can reach into the
    // gutter; a body line's spaces are never that wide).
    let middle = (gutter.0 + gutter.1) / 2;
    let fits = |row: &Row| {
        let words = || row.iter().flat_map(|s| &s.words);
        let crosses = words().any(|w| w.bbox.x < middle && right(&w.bbox) > middle);
        let left_end = words()
            .filter(|w| right(&w.bbox) <= middle)
            .map(|w| right(&w.bbox))
            .max();
        let right_start = words()
            .filter(|w| w.bbox.x >= middle)
            .map(|w| w.bbox.x)
            .min();
        !crosses
            && match (left_end, right_start) {
                (Some(end), Some(start)) => (start - end) as f32 >= NARROW_GUTTER_SPACES * space,
                _ => true,
            }
    };
    while count < rows.len() && near(&rows[count - 1], &rows[count]) && fits(&rows[count]) {
        count += 1;
    }
    (count > 1).then_some(Region {
        rows: count,
        gutter,
    })
}

/// Emits rows in reading order: a two-column region as its left block, then its right block;
/// other rows as they come.
fn order_rows(rows: Vec<Row>, space: f32) -> Vec<Option<Segment>> {
    let line_height = {
        let mut heights: Vec<u32> = rows.iter().flatten().map(|s| s.bbox.height).collect();
        heights.sort_unstable();
        heights.get(heights.len() / 2).copied().unwrap_or(0) as f32
    };
    let mut out: Vec<Option<Segment>> = Vec::new();
    let mut rest = rows.as_slice();
    while let Some(row) = rest.first() {
        let Some(region) = region_at(rest, space, line_height) else {
            // Pieces of one row with no region around them: one line after all.
            push_flow(&mut out, merged(row.clone()).into_iter().collect());
            rest = &rest[1..];
            continue;
        };
        let middle = (region.gutter.0 + region.gutter.1) / 2;
        let mut columns: [Vec<Segment>; 2] = [Vec::new(), Vec::new()];
        for row in &rest[..region.rows] {
            let words = row.iter().flat_map(|s| s.words.iter().cloned());
            let (left, right_side): (Vec<OcrWord>, Vec<OcrWord>) =
                words.partition(|w| w.bbox.x + w.bbox.width / 2 < middle);
            for (column, mut words) in columns.iter_mut().zip([left, right_side]) {
                words.sort_by_key(|w| w.bbox.x);
                if let Some(bbox) = union(words.iter().map(|w| w.bbox)) {
                    column.push(Segment {
                        paragraph: words[0].paragraph,
                        words,
                        bbox,
                    });
                }
            }
        }
        for column in columns {
            out.push(None);
            out.extend(column.into_iter().map(Some));
        }
        out.push(None);
        rest = &rest[region.rows..];
    }
    out
}

/// A row's segments as one segment.
fn merged(row: Row) -> Option<Segment> {
    let bbox = union(row.iter().map(|s| s.bbox))?;
    let paragraph = row.first()?.paragraph;
    Some(Segment {
        words: row.into_iter().flat_map(|s| s.words).collect(),
        bbox,
        paragraph,
    })
}

/// One-column text: a row's segments left to right, a break wherever Tesseract's paragraph
/// changes.
fn push_flow(out: &mut Vec<Option<Segment>>, row: Row) {
    for segment in row {
        let previous = out
            .iter()
            .rev()
            .find_map(|s| s.as_ref().map(|s| s.paragraph));
        if previous.is_some_and(|p| p != segment.paragraph)
            && out.last().is_some_and(Option::is_some)
        {
            out.push(None);
        }
        out.push(Some(segment));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A word of `text` at `x`, on Tesseract line `line` at height `y`, 10 px per character.
    fn word(text: &str, x: u32, y: u32, line: u32) -> OcrWord {
        OcrWord::spaced(text, line, (x, y), 20, &vec![0.9; text.chars().count()])
    }

    /// Words laid out left to right from `x` with a 12 px space, on one line.
    fn line_of(words: &[&str], x: u32, y: u32, line: u32) -> Vec<OcrWord> {
        let mut at = x;
        words
            .iter()
            .map(|w| {
                let out = word(w, at, y, line);
                at = right(&out.bbox) + 12;
                out
            })
            .collect()
    }

    fn texts(order: &[Option<Segment>]) -> Vec<String> {
        order
            .iter()
            .map(|s| match s {
                Some(s) => s
                    .words
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                None => String::new(),
            })
            .collect()
    }

    #[test]
    fn a_header_read_across_both_columns_comes_out_left_block_then_right_block() {
        let mut words = line_of(&["UBND", "TỈNH", "A"], 50, 10, 1);
        words.extend(line_of(&["CỘNG", "HÒA"], 500, 10, 1));
        words.extend(line_of(&["SỞ", "NỘI", "VỤ"], 60, 40, 2));
        words.extend(line_of(&["Độc", "lập"], 520, 40, 2));
        words.extend(line_of(&["Số:", "12/QĐ"], 60, 80, 3));
        words.extend(line_of(&["A,", "ngày", "26", "tháng"], 510, 82, 4));
        words.extend(line_of(
            &["QUYẾT", "ĐỊNH", "về", "việc", "này", "và", "kia"],
            200,
            150,
            5,
        ));
        let order = reading_order(words);
        assert_eq!(
            texts(&order),
            [
                "",
                "UBND TỈNH A",
                "SỞ NỘI VỤ",
                "Số: 12/QĐ",
                "",
                "CỘNG HÒA",
                "Độc lập",
                "A, ngày 26 tháng",
                "",
                "QUYẾT ĐỊNH về việc này và kia"
            ]
        );
    }

    /// Words at the given left and right edges, on one Tesseract line at `y`.
    fn placed(words: &[(&str, u32, u32)], y: u32, height: u32, line: u32) -> Vec<OcrWord> {
        words
            .iter()
            .map(|&(text, x, end)| {
                let mut w = word(text, x, y, line);
                w.bbox.width = end - x;
                w.bbox.height = height;
                w
            })
            .collect()
    }

    #[test]
    fn recipients_beside_a_signature_under_a_stamp_come_before_it() {
        // Boxes of fixtures/scans/s005-directive-p001.png as Tesseract reads them.
        let mut words = placed(
            &[
                ("-", 119, 126),
                ("Các", 135, 177),
                ("chỉ,", 186, 230),
                ("đảng", 239, 302),
            ],
            1187,
            30,
            1,
        );
        words.extend(placed(
            &[
                ("Nơi", 119, 157),
                ("nhận:", 164, 226),
                ("GIÁM", 743, 805),
                ("ĐỐC", 812, 858),
            ],
            1260,
            28,
            2,
        ));
        words.extend(placed(
            &[("-", 119, 125), ("Như", 132, 179), ("trên;", 185, 236)],
            1305,
            21,
            3,
        ));
        words.extend(placed(
            &[("-", 119, 125), ("Lưu:", 136, 179), ("VT.", 189, 225)],
            1341,
            32,
            4,
        ));
        words.extend(placed(
            &[("\\", 679, 701), ("J/WAAIM", 718, 924)],
            1317,
            68,
            5,
        ));
        words.extend(placed(
            &[("Hoàng", 723, 793), ("Thu", 799, 842), ("Hà", 850, 879)],
            1422,
            24,
            6,
        ));
        assert_eq!(
            texts(&reading_order(words)),
            [
                "- Các chỉ, đảng",
                "",
                "Nơi nhận:",
                "- Như trên;",
                "- Lưu: VT.",
                "",
                "GIÁM ĐỐC",
                "\\ J/WAAIM",
                "Hoàng Thu Hà",
                ""
            ]
        );
    }

    #[test]
    fn a_right_block_tesseract_read_first_still_comes_second() {
        let mut words = line_of(&["CỘNG", "HÒA"], 500, 10, 1);
        words.extend(line_of(&["Độc", "lập"], 520, 40, 2));
        words.extend(line_of(&["UBND", "TỈNH"], 50, 12, 3));
        words.extend(line_of(&["SỞ", "NỘI"], 60, 42, 4));
        assert_eq!(
            texts(&reading_order(words)),
            ["", "UBND TỈNH", "SỞ NỘI", "", "CỘNG HÒA", "Độc lập", ""]
        );
    }

    #[test]
    fn a_number_glued_to_a_word_across_a_space_wide_gap_is_cut_there() {
        let mut words = line_of(&["ngày", "3"], 10, 10, 1);
        // `26` and `tháng` 12 px apart, read as one word.
        let mut glued = word("26tháng", 60, 10, 1);
        for symbol in &mut glued.symbols[2..] {
            symbol.bbox.x += 12;
        }
        glued.bbox.width += 12;
        words.insert(1, glued);
        words[2].bbox.x = 153;
        // Digits of one number with as wide a gap between their ink: one word.
        let mut number = word("22/11/2017", 170, 10, 1);
        for symbol in &mut number.symbols[4..] {
            symbol.bbox.x += 12;
        }
        number.bbox.width += 12;
        words.push(number);
        let order = reading_order(words);
        assert_eq!(texts(&order), ["ngày 26 tháng 3 22/11/2017"]);
    }

    #[test]
    fn a_wide_gap_no_other_row_shares_does_not_split_a_line() {
        let mut words = line_of(&["một", "hai"], 10, 10, 1);
        words.extend(line_of(&["ba", "bốn", "năm", "sáu"], 10, 40, 2));
        words.extend(line_of(&["bảy", "tám", "chín"], 10, 70, 3));
        // Four times the usual space, alone on its line.
        words[1].bbox.x += 36;
        assert_eq!(
            texts(&reading_order(words)),
            ["một hai", "ba bốn năm sáu", "bảy tám chín"]
        );
    }
}
