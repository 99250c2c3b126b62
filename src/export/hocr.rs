//! hOCR 1.2: XHTML with `ocr_page`/`ocr_carea`/`ocr_par`/`ocr_line`/`ocrx_word`, each with its
//! `bbox`, words with `x_wconf`, lines with their `baseline`, the text in Vietnamese (`lang="vi"`).
//! Elements without geometry (text files) have no `bbox`.

use std::fmt::Write;

use super::{xml_escape, Layout, LineLayout, SOFTWARE, SOFTWARE_VERSION};
use crate::document::BBox;
use crate::schema::DocumentRecord;

pub fn write(layout: &Layout, record: &DocumentRecord) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_document(&mut out, layout, record);
    out
}

fn write_document(out: &mut String, layout: &Layout, record: &DocumentRecord) -> std::fmt::Result {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">"#
    )?;
    writeln!(
        out,
        r#"<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="vi" lang="vi">"#
    )?;
    writeln!(out, "<head>")?;
    writeln!(out, "<title>{}</title>", xml_escape(&record.source.path))?;
    writeln!(
        out,
        r#"<meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>"#
    )?;
    writeln!(
        out,
        r#"<meta name="ocr-system" content="{SOFTWARE} {SOFTWARE_VERSION}"/>"#
    )?;
    writeln!(
        out,
        r#"<meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf"/>"#
    )?;
    writeln!(
        out,
        r#"<meta name="ocr-processing" content="{}"/>"#,
        xml_escape(&super::alto::describe_processing(record))
    )?;
    writeln!(out, "</head>")?;
    writeln!(out, "<body>")?;
    let mut word_number = 0usize;
    for page in &layout.pages {
        let p = page.number;
        let mut title = format!("image \"{}\"", title_escape(&record.source.path));
        if let (Some(width), Some(height)) = (page.width, page.height) {
            write!(title, "; bbox 0 0 {width} {height}")?;
        }
        write!(title, "; ppageno {}", p - 1)?;
        writeln!(
            out,
            r#"<div class="ocr_page" id="page_{p}" title="{}">"#,
            xml_escape(&title)
        )?;
        for (b, block) in page.blocks.iter().enumerate() {
            let bbox = title_bbox(block.bbox());
            writeln!(
                out,
                r#"<div class="ocr_carea" id="block_{p}_{}"{bbox}>"#,
                b + 1
            )?;
            writeln!(
                out,
                r#"<p class="ocr_par" id="par_{p}_{}" lang="vi"{bbox}>"#,
                b + 1
            )?;
            for (l, line) in block.lines.iter().enumerate() {
                write_line(
                    out,
                    line,
                    &format!("{p}_{}_{}", b + 1, l + 1),
                    &mut word_number,
                )?;
            }
            writeln!(out, "</p>")?;
            writeln!(out, "</div>")?;
        }
        writeln!(out, "</div>")?;
    }
    writeln!(out, "</body>")?;
    writeln!(out, "</html>")
}

fn write_line(
    out: &mut String,
    line: &LineLayout,
    id: &str,
    word_number: &mut usize,
) -> std::fmt::Result {
    let mut title = bbox_property(line.bbox);
    if let (Some(b), Some(baseline)) = (line.bbox, line.baseline) {
        // Slope and offset from the box's bottom left: hOCR's `baseline p1 p0`.
        let offset = i64::from(baseline) - i64::from(b.y + b.height);
        title.push_str(&format!("; baseline 0 {offset}"));
    }
    write!(
        out,
        r#"<span class="ocr_line" id="line_{id}"{}>"#,
        title_attribute(&title)
    )?;
    for (index, word) in line.words.iter().enumerate() {
        if index > 0 {
            out.push(' ');
        }
        *word_number += 1;
        let mut title = bbox_property(word.bbox);
        if let Some(confidence) = word.confidence {
            if !title.is_empty() {
                title.push_str("; ");
            }
            write!(
                title,
                "x_wconf {}",
                (confidence.clamp(0.0, 1.0) * 100.0).round()
            )?;
        }
        write!(
            out,
            r#"<span class="ocrx_word" id="word_{}"{}>{}</span>"#,
            word_number,
            title_attribute(&title),
            xml_escape(&word.content)
        )?;
    }
    writeln!(out, "</span>")
}

fn bbox_property(bbox: Option<BBox>) -> String {
    bbox.map(|b| format!("bbox {} {} {} {}", b.x, b.y, b.x + b.width, b.y + b.height))
        .unwrap_or_default()
}

fn title_bbox(bbox: Option<BBox>) -> String {
    title_attribute(&bbox_property(bbox))
}

fn title_attribute(title: &str) -> String {
    if title.is_empty() {
        String::new()
    } else {
        format!(r#" title="{}""#, xml_escape(title))
    }
}

/// hOCR property values are split on `;`: a file name must not contain one or a quote.
fn title_escape(path: &str) -> String {
    path.replace(['"', ';'], "_")
}
