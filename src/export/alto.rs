//! ALTO 4.4 XML: the layout with the restored text as `CONTENT`, the OCR's reading and the
//! restorer's n-best as `ALTERNATIVE`s, and the parser's entities as `NamedEntityTag`s that the
//! words point to through `TAGREFS`. Geometry is in pixels of the page image for scans; see
//! [`in_alto_units`] for PDF text layers, measured in points. Words without boxes (text files)
//! are written without coordinates, which the schema allows.

use std::borrow::Cow;
use std::fmt::Write;

use super::{xml_escape, Layout, LineLayout, WordLayout, SOFTWARE, SOFTWARE_VERSION};
use crate::document::{BBox, PageMethod};
use crate::schema::DocumentRecord;

pub const NAMESPACE: &str = "http://www.loc.gov/standards/alto/ns-v4#";
const SCHEMA_LOCATION: &str = "http://www.loc.gov/alto/v4/alto-4-4.xsd";

pub fn write(layout: &Layout, record: &DocumentRecord) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_document(&mut out, layout, record);
    out
}

fn write_document(out: &mut String, layout: &Layout, record: &DocumentRecord) -> std::fmt::Result {
    let (unit, layout) = in_alto_units(layout);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<alto xmlns="{NAMESPACE}" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="{NAMESPACE} {SCHEMA_LOCATION}" SCHEMAVERSION="4.4">"#
    )?;
    writeln!(out, "  <Description>")?;
    writeln!(out, "    <MeasurementUnit>{unit}</MeasurementUnit>")?;
    writeln!(out, "    <sourceImageInformation>")?;
    writeln!(
        out,
        "      <fileName>{}</fileName>",
        xml_escape(&record.source.path)
    )?;
    writeln!(
        out,
        r#"      <fileIdentifier fileIdentifierLocation="sha256">{}</fileIdentifier>"#,
        record.source.sha256
    )?;
    if let Some(number) = &record.document.number {
        writeln!(
            out,
            r#"      <documentIdentifier documentIdentifierLocation="document number">{}</documentIdentifier>"#,
            xml_escape(&number.value)
        )?;
    }
    writeln!(out, "    </sourceImageInformation>")?;
    writeln!(out, r#"    <Processing ID="PROCESSING_1">"#)?;
    writeln!(
        out,
        "      <processingCategory>contentGeneration</processingCategory>"
    )?;
    writeln!(
        out,
        "      <processingStepDescription>{}</processingStepDescription>",
        xml_escape(&describe_processing(record))
    )?;
    writeln!(
        out,
        "      <processingStepSettings>{}</processingStepSettings>",
        xml_escape(&processing_settings(record))
    )?;
    writeln!(out, "      <processingSoftware>")?;
    writeln!(out, "        <softwareName>{SOFTWARE}</softwareName>")?;
    writeln!(
        out,
        "        <softwareVersion>{SOFTWARE_VERSION}</softwareVersion>"
    )?;
    writeln!(out, "      </processingSoftware>")?;
    writeln!(out, "    </Processing>")?;
    writeln!(out, "  </Description>")?;
    if !layout.tags.is_empty() {
        writeln!(out, "  <Tags>")?;
        for (index, tag) in layout.tags.iter().enumerate() {
            writeln!(
                out,
                r#"    <NamedEntityTag ID="{}" TYPE="{}" LABEL="{}" DESCRIPTION="{}"/>"#,
                tag_id(index),
                tag.kind.name(),
                xml_escape(&tag.label),
                xml_escape(&tag.surface)
            )?;
        }
        writeln!(out, "  </Tags>")?;
    }
    writeln!(out, "  <Layout>")?;
    let mut word_number = 0usize;
    for page in &layout.pages {
        let p = page.number;
        write!(out, r#"    <Page ID="P{p}" PHYSICAL_IMG_NR="{p}""#)?;
        if let (Some(width), Some(height)) = (page.width, page.height) {
            write!(out, r#" WIDTH="{width}" HEIGHT="{height}""#)?;
        }
        writeln!(out, ">")?;
        write!(out, r#"      <PrintSpace ID="P{p}_PS""#)?;
        if let (Some(width), Some(height)) = (page.width, page.height) {
            write!(
                out,
                r#" HPOS="0" VPOS="0" WIDTH="{width}" HEIGHT="{height}""#
            )?;
        }
        writeln!(out, ">")?;
        for (b, block) in page.blocks.iter().enumerate() {
            write!(out, r#"        <TextBlock ID="P{p}_B{}""#, b + 1)?;
            write_box(out, block.bbox())?;
            writeln!(out, r#" LANG="vi">"#)?;
            for (l, line) in block.lines.iter().enumerate() {
                write!(
                    out,
                    r#"          <TextLine ID="P{p}_B{}_L{}""#,
                    b + 1,
                    l + 1
                )?;
                write_box(out, line.bbox)?;
                writeln!(out, ">")?;
                write_line(out, line, p, &mut word_number)?;
                writeln!(out, "          </TextLine>")?;
            }
            writeln!(out, "        </TextBlock>")?;
        }
        writeln!(out, "      </PrintSpace>")?;
        writeln!(out, "    </Page>")?;
    }
    writeln!(out, "  </Layout>")?;
    writeln!(out, "</alto>")
}

fn write_line(
    out: &mut String,
    line: &LineLayout,
    page: u32,
    word_number: &mut usize,
) -> std::fmt::Result {
    let last = line.words.len() - 1;
    for (index, word) in line.words.iter().enumerate() {
        if index > 0 {
            write!(out, "            <SP")?;
            let previous = line.words[index - 1].bbox;
            if let (Some(before), Some(after)) = (previous, word.bbox) {
                let start = before.x + before.width;
                let width = after.x.saturating_sub(start);
                write!(out, r#" HPOS="{start}" VPOS="{}" WIDTH="{width}""#, after.y)?;
            }
            writeln!(out, "/>")?;
        }
        *word_number += 1;
        let hyphen = line.hyphenated && index == last;
        write_string(out, word, page, *word_number, hyphen)?;
    }
    if line.hyphenated {
        writeln!(out, r#"            <HYP CONTENT="-"/>"#)?;
    }
    Ok(())
}

fn write_string(
    out: &mut String,
    word: &WordLayout,
    page: u32,
    number: usize,
    before_hyphen: bool,
) -> std::fmt::Result {
    let content = if before_hyphen {
        word.content.trim_end_matches(['-', '\u{2010}', '\u{ad}'])
    } else {
        &word.content
    };
    write!(
        out,
        r#"            <String ID="P{page}_W{number}" CONTENT="{}""#,
        xml_escape(content)
    )?;
    write_box(out, word.bbox)?;
    if let Some(confidence) = word.confidence {
        write!(out, r#" WC="{:.2}""#, confidence.clamp(0.0, 1.0))?;
    }
    if !word.tags.is_empty() {
        let refs: Vec<String> = word.tags.iter().map(|&t| tag_id(t)).collect();
        write!(out, r#" TAGREFS="{}""#, refs.join(" "))?;
    }
    if word.alternatives.is_empty() {
        return writeln!(out, "/>");
    }
    writeln!(out, ">")?;
    for (index, alternative) in word.alternatives.iter().enumerate() {
        // The first alternative is the source's reading when it differs from the restored word.
        let purpose = if index == 0 && *alternative == word.source {
            "source"
        } else {
            "restoration"
        };
        writeln!(
            out,
            r#"              <ALTERNATIVE PURPOSE="{purpose}">{}</ALTERNATIVE>"#,
            xml_escape(alternative)
        )?;
    }
    writeln!(out, "            </String>")
}

/// Points per inch, the unit of PDF text-layer boxes.
const POINTS_PER_INCH: f64 = 72.0;
/// The resolution vanban renders PDF pages at for OCR, so a text-layer page among scanned pages
/// of one PDF gets the pixels its neighbours have.
const RENDER_DPI: f64 = 300.0;

/// ALTO has one measurement unit per file, and points are not among them. A document whose
/// boxed pages are all PDF text layers (points) is written in `inch1200` (1 pt = 1200/72);
/// otherwise in pixels, a text-layer page among scans scaled to [`RENDER_DPI`].
fn in_alto_units(layout: &Layout) -> (&'static str, Cow<'_, Layout>) {
    let boxed = |page: &&super::PageLayout| page.width.is_some();
    let in_points = |page: &super::PageLayout| page.method == PageMethod::PdfTextLayer;
    let mut boxed_pages = layout.pages.iter().filter(boxed).peekable();
    if boxed_pages.peek().is_none() {
        return ("pixel", Cow::Borrowed(layout));
    }
    let (unit, points_to_unit) = if boxed_pages.all(in_points) {
        ("inch1200", 1200.0 / POINTS_PER_INCH)
    } else if layout.pages.iter().any(in_points) {
        ("pixel", RENDER_DPI / POINTS_PER_INCH)
    } else {
        return ("pixel", Cow::Borrowed(layout));
    };
    let scale = |v: u32| (f64::from(v) * points_to_unit).round() as u32;
    let scale_box = |b: BBox| BBox {
        x: scale(b.x),
        y: scale(b.y),
        width: scale(b.width),
        height: scale(b.height),
    };
    let mut scaled = layout.clone();
    for page in scaled.pages.iter_mut().filter(|p| in_points(p)) {
        page.width = page.width.map(scale);
        page.height = page.height.map(scale);
        for line in page.blocks.iter_mut().flat_map(|b| b.lines.iter_mut()) {
            line.bbox = line.bbox.map(scale_box);
            line.baseline = line.baseline.map(scale);
            for word in &mut line.words {
                word.bbox = word.bbox.map(scale_box);
            }
        }
    }
    (unit, Cow::Owned(scaled))
}

fn write_box(out: &mut String, bbox: Option<BBox>) -> std::fmt::Result {
    match bbox {
        Some(b) => write!(
            out,
            r#" HPOS="{}" VPOS="{}" WIDTH="{}" HEIGHT="{}""#,
            b.x, b.y, b.width, b.height
        ),
        None => Ok(()),
    }
}

fn tag_id(index: usize) -> String {
    format!("TAG_{}", index + 1)
}

/// What produced the text, in words: OCR (with its language), text layer or file, restoration.
pub(crate) fn describe_processing(record: &DocumentRecord) -> String {
    let mut steps: Vec<String> = Vec::new();
    let languages: std::collections::BTreeSet<&str> = record
        .source
        .pages
        .iter()
        .filter_map(|p| p.ocr_language.as_deref())
        .collect();
    if !languages.is_empty() {
        let list: Vec<&str> = languages.into_iter().collect();
        steps.push(format!("OCR with Tesseract ({})", list.join(", ")));
    }
    steps.push("Unicode normalization and line joining".to_owned());
    if let Some(restoration) = &record.restoration {
        steps.push(format!(
            "diacritic and OCR-error restoration with model {}",
            restoration.model
        ));
    }
    steps.join("; ")
}

/// The settings that decide the output, as `key=value` pairs.
fn processing_settings(record: &DocumentRecord) -> String {
    let mut settings = vec![format!("source_kind={:?}", record.source.kind).to_lowercase()];
    if let Some(restoration) = &record.restoration {
        settings.push(format!("restoration_model={}", restoration.model));
        settings.push(format!(
            "restoration_input_kind={}",
            serde_json::to_value(restoration.input_kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        ));
    }
    settings.push(format!("json_schema_version={}", record.schema_version));
    settings.join("; ")
}
