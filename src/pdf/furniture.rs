//! Page furniture: running heads, page numbers and the publisher's digital-signature stamp.
//!
//! They are marked on their lines, not deleted: the JSON keeps them with their spans, and the
//! pipeline leaves them out of the text that the restorer and the parser read, so a gazette's
//! issue number is never taken for the document's number, nor its signing portal for the signer.

use std::collections::{HashMap, HashSet};

use crate::document::{
    BBox, Furniture, Line, Page, SIGNATURE_STAMP_FIELDS, SIGNATURE_STAMP_OPENERS,
};

/// The stamp's lines sit under its first within this many of its line heights.
const STAMP_DEPTH: f64 = 6.0;
/// A top or bottom line is a running head when its form (digits folded) is on at least this
/// share of the document's pages, and on two pages at least.
const RUNNING_SHARE: f64 = 0.3;

/// Marks the furniture of a document's pages.
pub fn mark(pages: &mut [Page]) {
    for page in pages.iter_mut() {
        mark_stamps(&mut page.lines);
    }
    if pages.len() < 2 {
        return;
    }
    let edges: Vec<Vec<usize>> = pages.iter().map(|p| edge_lines(&p.lines)).collect();
    let mut pages_with: HashMap<String, HashSet<usize>> = HashMap::new();
    let mut numbered_pages = 0;
    for (index, (page, edge)) in pages.iter().zip(&edges).enumerate() {
        for &line in edge {
            pages_with
                .entry(form(&page.lines[line].text))
                .or_default()
                .insert(index);
        }
        numbered_pages += usize::from(edge.iter().any(|&l| is_page_number(&page.lines[l].text)));
    }
    let needed = (RUNNING_SHARE * pages.len() as f64).ceil().max(2.0) as usize;
    for (page, edge) in pages.iter_mut().zip(&edges) {
        for &index in edge {
            let line = &mut page.lines[index];
            if numbered_pages >= needed && is_page_number(&line.text) {
                line.furniture = Some(Furniture::PageNumber);
            } else if pages_with[&form(&line.text)].len() >= needed {
                line.furniture = Some(Furniture::RunningHead);
            }
        }
    }
}

fn starts_with_any(text: &str, labels: &[&str]) -> bool {
    labels.iter().any(|label| text.starts_with(label))
}

/// A stamp is its opener and the field lines left-aligned under it.
fn mark_stamps(lines: &mut [Line]) {
    let openers: Vec<BBox> = lines
        .iter()
        .filter(|l| starts_with_any(&l.text, SIGNATURE_STAMP_OPENERS))
        .filter_map(|l| l.bbox)
        .collect();
    for opener in openers {
        let height = f64::from(opener.height.max(1));
        for line in lines.iter_mut() {
            let Some(bbox) = line.bbox else { continue };
            let below = f64::from(bbox.y) - f64::from(opener.y);
            let aligned = (f64::from(bbox.x) - f64::from(opener.x)).abs() <= height;
            let is_opener = bbox == opener && starts_with_any(&line.text, SIGNATURE_STAMP_OPENERS);
            if is_opener
                || (aligned
                    && below > 0.0
                    && below <= STAMP_DEPTH * height
                    && starts_with_any(&line.text, SIGNATURE_STAMP_FIELDS))
            {
                line.furniture = Some(Furniture::SignatureStamp);
            }
        }
    }
}

/// Indexes of the lines on the page's first and last rows, stamps aside.
fn edge_lines(lines: &[Line]) -> Vec<usize> {
    let placed: Vec<(usize, BBox)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.furniture.is_none())
        .filter_map(|(i, l)| l.bbox.map(|b| (i, b)))
        .collect();
    let middle = |b: &BBox| f64::from(b.y) + f64::from(b.height) / 2.0;
    let same_row = |a: &BBox, b: &BBox| {
        (middle(a) - middle(b)).abs() < f64::from(a.height.max(b.height)) / 2.0
    };
    let (Some(top), Some(bottom)) = (
        placed.iter().min_by_key(|(_, b)| b.y).map(|p| p.1),
        placed
            .iter()
            .max_by_key(|(_, b)| b.y + b.height)
            .map(|p| p.1),
    ) else {
        return Vec::new();
    };
    placed
        .iter()
        .filter(|(_, b)| same_row(b, &top) || same_row(b, &bottom))
        .map(|(i, _)| *i)
        .collect()
}

/// A line's form for counting repeats: digit runs stand for any number, spaces are folded.
fn form(text: &str) -> String {
    let mut out = String::new();
    let mut previous = ' ';
    for c in text.chars() {
        let c = if c.is_ascii_digit() { '#' } else { c };
        if (c == '#' && previous == '#') || (c.is_whitespace() && previous == ' ') {
            continue;
        }
        let c = if c.is_whitespace() { ' ' } else { c };
        out.push(c);
        previous = c;
    }
    out.trim_end().to_owned()
}

/// `12`, `- 12 -`, `Trang 12`.
fn is_page_number(text: &str) -> bool {
    let core = text
        .trim_start_matches("Trang")
        .trim_matches(|c: char| c == '-' || c.is_whitespace());
    !core.is_empty() && core.len() <= 4 && core.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::PageMethod;

    fn line(text: &str, x: u32, y: u32) -> Line {
        Line {
            bbox: Some(BBox {
                x,
                y,
                width: 200,
                height: 12,
            }),
            ..Line::plain(text)
        }
    }

    fn page(number: u32, lines: Vec<Line>) -> Page {
        Page {
            number,
            method: PageMethod::PdfTextLayer,
            width: Some(595),
            height: Some(842),
            ocr_language: None,
            lines,
            removed: Vec::new(),
        }
    }

    #[test]
    fn gazette_heads_page_numbers_and_stamps_are_marked() {
        let mut pages: Vec<Page> = (2..5)
            .zip(["alpha", "beta", "gamma"])
            .map(|(n, last)| {
                page(
                    n,
                    vec![
                        line(&n.to_string(), 60, 40),
                        line("CÔNG BÁO/Số 1053 + 1054/Ngày 23-12-2021", 200, 40),
                        line(&format!("Điều {n}. Body text"), 60, 80),
                        line(&format!("Cơ quan: {last}, in the body"), 60, 100),
                    ],
                )
            })
            .collect();
        pages[0]
            .lines
            .insert(0, line("Người ký: Cổng Thông tin điện tử Chính phủ", 20, 5));
        pages[0]
            .lines
            .insert(1, line("Cơ quan: Văn phòng Chính phủ", 20, 18));
        mark(&mut pages);
        let kinds: Vec<Option<Furniture>> = pages[0].lines.iter().map(|l| l.furniture).collect();
        assert_eq!(
            kinds,
            [
                Some(Furniture::SignatureStamp),
                Some(Furniture::SignatureStamp),
                Some(Furniture::PageNumber),
                Some(Furniture::RunningHead),
                None,
                None
            ]
        );
        assert_eq!(pages[2].lines[1].furniture, Some(Furniture::RunningHead));
    }

    #[test]
    fn a_single_page_keeps_its_top_line() {
        let mut pages = vec![page(1, vec![line("12", 60, 40), line("Body", 60, 80)])];
        mark(&mut pages);
        assert!(pages[0].lines.iter().all(|l| l.furniture.is_none()));
    }
}
