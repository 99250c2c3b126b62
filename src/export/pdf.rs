//! Searchable PDF: each page's scan unchanged, under an invisible text layer (render mode 3) that
//! puts each restored word over its box, stretched to the box's width, in a font whose ToUnicode
//! map makes selecting, copying and searching give the restored Vietnamese.
//!
//! The font is Tesseract's `GlyphLessFont` approach (`pdfrenderer.cpp`, also used by OCRmyPDF): a
//! Type0 font with Identity-H encoding whose character codes are the text's UTF-16 units, every
//! code drawn as one empty glyph 500/1000 em wide, and a ToUnicode map from each code to itself.
//! `GlyphLessFont.ttf` is Tesseract's `pdf.ttf` (Apache-2.0, Copyright 2011 Google Inc.).
//!
//! Images: JPEG and CCITT G4 streams are copied as they are; a PNG's compressed data is copied
//! with the PNG predictor declared, so nothing is decoded; any other image is decoded and stored
//! Flate-compressed, losslessly (1 bit per pixel when it only has black and white). A PDF input
//! keeps its pages and gets the text layer added to the pages that were OCR'd; one whose pages all
//! have a text layer of their own is not rewritten.

use std::io::Cursor;

use lopdf::{dictionary, Dictionary, Document, Object, ObjectId, Stream, StringFormat};

use super::{Layout, PageLayout};
use crate::document::{PageMethod, SourceKind};
use crate::ingest::{sniff, Sniffed};

/// Resolution assumed for an image that does not state one (a PNG's `pHYs` is read).
const DEFAULT_DPI: f64 = 300.0;
/// Glyph width of the glyphless font, in thousandths of the font size.
const GLYPH_WIDTH: f64 = 500.0;
/// The least gap between two words of the text layer, in font sizes: a typographic thin space
/// (hand-set; pdftotext starts a new word from a gap of 0.1 font size).
const WORD_SPACE_EM: f64 = 0.2;
const FONT_NAME: &str = "FVanbanText";
const GLYPHLESS_FONT: &[u8] = include_bytes!("GlyphLessFont.ttf");

/// What became of a PDF export.
#[derive(Debug)]
pub enum Outcome {
    Written(Vec<u8>),
    /// Nothing to write, and why (a born-digital PDF, a text file).
    Skipped(String),
}

/// The searchable PDF of a document whose source file is `source`.
pub fn write(source: &[u8], kind: SourceKind, layout: &Layout) -> Result<Outcome, String> {
    match kind {
        SourceKind::Text => Ok(Outcome::Skipped(
            "no searchable PDF for a text file: it has no page image".to_owned(),
        )),
        SourceKind::Pdf => overlay(source, layout),
        SourceKind::Image => from_images(source, layout).map(Outcome::Written),
    }
}

/// A new PDF with one page per image of the source.
fn from_images(source: &[u8], layout: &Layout) -> Result<Vec<u8>, String> {
    let images = page_images(source)?;
    if images.len() != layout.pages.len() {
        return Err(format!(
            "the image has {} pages but {} were read",
            images.len(),
            layout.pages.len()
        ));
    }
    let mut document = Document::with_version("1.5");
    let font = add_font(&mut document);
    let pages_id = document.new_object_id();
    let mut kids = Vec::new();
    for (image, page) in images.into_iter().zip(&layout.pages) {
        let (width_px, height_px) = (image.width, image.height);
        let points_per_pixel = 72.0 / image.dpi;
        let width = f64::from(width_px) * points_per_pixel;
        let height = f64::from(height_px) * points_per_pixel;
        let mut xobjects = Dictionary::new();
        let mut content = Vec::new();
        let mut top = 0u32;
        for (index, band) in image.bands.into_iter().enumerate() {
            let name = format!("Im{index}");
            let band_height = f64::from(band.rows) * points_per_pixel;
            let y = f64::from(height_px - top - band.rows) * points_per_pixel;
            content.extend(
                format!("q {width:.4} 0 0 {band_height:.4} 0 {y:.4} cm /{name} Do Q\n").bytes(),
            );
            top += band.rows;
            xobjects.set(name, document.add_object(band.stream));
        }
        let transform = Transform {
            scale_x: width / f64::from(page.width.unwrap_or(width_px)),
            scale_y: height / f64::from(page.height.unwrap_or(height_px)),
            left: 0.0,
            top: height,
        };
        content.extend(text_layer(page, &transform));
        let mut content = Stream::new(dictionary! {}, content);
        content.compress().map_err(|e| e.to_string())?;
        let content_id = document.add_object(content);
        let page_id = document.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(width as f32), Object::Real(height as f32)],
            "Contents" => content_id,
            "Resources" => dictionary! {
                "XObject" => xobjects,
                "Font" => dictionary! { FONT_NAME => font },
            },
        });
        kids.push(Object::Reference(page_id));
    }
    let count = kids.len() as i64;
    document.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    document.trailer.set("Root", catalog);
    save(&mut document)
}

/// The source PDF with a text layer added to each OCR'd page.
fn overlay(source: &[u8], layout: &Layout) -> Result<Outcome, String> {
    if layout.pages.iter().all(|p| p.method != PageMethod::Ocr) {
        return Ok(Outcome::Skipped(
            "searchable PDF not written: every page already has a usable text layer".to_owned(),
        ));
    }
    let mut document = std::panic::catch_unwind(|| Document::load_mem(source))
        .map_err(|_| "the PDF structure is corrupt".to_owned())?
        .map_err(|e| format!("cannot read the PDF: {e}"))?;
    let font = add_font(&mut document);
    let page_ids = document.get_pages();
    for page in layout.pages.iter().filter(|p| p.method == PageMethod::Ocr) {
        let id = *page_ids
            .get(&page.number)
            .ok_or_else(|| format!("page {} is missing from the PDF", page.number))?;
        let [left, bottom, right, top] = media_box(&document, id)
            .ok_or_else(|| format!("page {} has no MediaBox", page.number))?;
        let (Some(width_px), Some(height_px)) = (page.width, page.height) else {
            continue;
        };
        let transform = Transform {
            scale_x: (right - left) / f64::from(width_px),
            scale_y: (top - bottom) / f64::from(height_px),
            left,
            top,
        };
        add_to_page(&mut document, id, font, text_layer(page, &transform))?;
    }
    save(&mut document).map(Outcome::Written)
}

/// Wraps the page's own content in `q`/`Q`, so a graphics state it leaves behind cannot move the
/// text, then appends the text layer and the font resource.
fn add_to_page(
    document: &mut Document,
    page_id: ObjectId,
    font: ObjectId,
    text: Vec<u8>,
) -> Result<(), String> {
    let error = |e: lopdf::Error| e.to_string();
    let existing = document.get_page_contents(page_id);
    let open = document.add_object(Stream::new(dictionary! {}, b"q\n".to_vec()));
    let mut layer = b"Q\n".to_vec();
    layer.extend(text);
    let mut layer = Stream::new(dictionary! {}, layer);
    layer.compress().map_err(error)?;
    let layer = document.add_object(layer);
    let contents: Vec<Object> = std::iter::once(open)
        .chain(existing)
        .chain([layer])
        .map(Object::Reference)
        .collect();
    document
        .get_dictionary_mut(page_id)
        .map_err(error)?
        .set("Contents", contents);
    let resources = document
        .get_or_create_resources(page_id)
        .and_then(Object::as_dict_mut)
        .map_err(error)?;
    let fonts = match resources.get(b"Font") {
        Ok(Object::Dictionary(fonts)) => fonts.clone(),
        Ok(Object::Reference(id)) => {
            let id = *id;
            document.get_dictionary(id).cloned().map_err(error)?
        }
        _ => Dictionary::new(),
    };
    let mut fonts = fonts;
    fonts.set(FONT_NAME, font);
    document
        .get_or_create_resources(page_id)
        .and_then(Object::as_dict_mut)
        .map_err(error)?
        .set("Font", fonts);
    Ok(())
}

fn media_box(document: &Document, page: ObjectId) -> Option<[f64; 4]> {
    let mut dictionary = document.get_dictionary(page).ok()?;
    loop {
        if let Ok(Object::Array(rect)) = dictionary.get(b"MediaBox") {
            let number = |i: usize| rect.get(i)?.as_float().map(f64::from).ok();
            return Some([number(0)?, number(1)?, number(2)?, number(3)?]);
        }
        let parent = dictionary.get(b"Parent").ok()?.as_reference().ok()?;
        dictionary = document.get_dictionary(parent).ok()?;
    }
}

fn save(document: &mut Document) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    document
        .save_to(&mut bytes)
        .map_err(|e| format!("cannot write the PDF: {e}"))?;
    Ok(bytes)
}

/// From page-image pixels (origin top left) to PDF points (origin bottom left).
struct Transform {
    scale_x: f64,
    scale_y: f64,
    left: f64,
    top: f64,
}

/// The invisible text of one page: per line, the font sized to the line's height and each word
/// placed on the baseline at its box's left, stretched (`Tz`) over its box's width, then a space.
/// A word's glyphs stop [`WORD_SPACE_EM`] short of the next word's box: text extraction tells
/// words apart by that gap alone, and OCR boxes of tight words (`29/` `11/2023`), of overlapping
/// words on degraded scans and of a word the restorer split (`tư tưởng`) leave none.
fn text_layer(page: &PageLayout, to_page: &Transform) -> Vec<u8> {
    use std::fmt::Write;
    let mut out = String::from("BT\n3 Tr\n");
    for line in page.blocks.iter().flat_map(|b| &b.lines) {
        let (Some(bbox), Some(baseline)) = (line.bbox, line.baseline) else {
            continue;
        };
        let size = (f64::from(bbox.height) * to_page.scale_y).max(1.0);
        let y = to_page.top - f64::from(baseline) * to_page.scale_y;
        let _ = writeln!(out, "/{FONT_NAME} {size:.2} Tf");
        let placed: Vec<(&str, (f64, f64))> = line
            .words
            .iter()
            .filter_map(|w| {
                let b = w.bbox?;
                let left = to_page.left + f64::from(b.x) * to_page.scale_x;
                Some((
                    w.content.as_str(),
                    (left, left + f64::from(b.width) * to_page.scale_x),
                ))
            })
            .filter(|(content, _)| !content.is_empty())
            .collect();
        for (index, &(content, (left, right))) in placed.iter().enumerate() {
            let next = placed.get(index + 1).map(|&(_, (next_left, _))| next_left);
            let end = match next {
                Some(next_left) => right.min(next_left) - WORD_SPACE_EM * size,
                None => right,
            };
            // A word never shrinks below half its box, whatever the boxes around it.
            let width = (end - left).max((right - left) / 2.0);
            let units: Vec<u16> = content.encode_utf16().collect();
            let natural = units.len() as f64 * size * GLYPH_WIDTH / 1000.0;
            let stretch = 100.0 * width / natural;
            let mut hex: String = units.iter().map(|u| format!("{u:04X}")).collect();
            if next.is_some() {
                hex.push_str("0020");
            }
            let _ = writeln!(
                out,
                "{stretch:.2} Tz 1 0 0 1 {left:.2} {y:.2} Tm <{hex}> Tj"
            );
        }
    }
    out.push_str("ET\n");
    out.into_bytes()
}

/// Adds the glyphless Type0 font and returns its id.
fn add_font(document: &mut Document) -> ObjectId {
    let mut font_file = Stream::new(
        dictionary! { "Length1" => GLYPHLESS_FONT.len() as i64 },
        GLYPHLESS_FONT.to_vec(),
    );
    // Compression only fails on an I/O error writing to memory; then the font stays plain.
    let _ = font_file.compress();
    let font_file = document.add_object(font_file);
    let descriptor = document.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => "GlyphLessFont",
        "Flags" => 5,
        "FontBBox" => vec![0.into(), 0.into(), (GLYPH_WIDTH as i64).into(), 1000.into()],
        "ItalicAngle" => 0,
        "Ascent" => 1000,
        "Descent" => -1,
        "CapHeight" => 1000,
        "StemV" => 80,
        "FontFile2" => font_file,
    });
    // Every CID draws glyph 1, the font's one empty glyph.
    let cid_to_gid: Vec<u8> = (0..1usize << 17)
        .map(|i| if i % 2 == 1 { 1 } else { 0 })
        .collect();
    let mut cid_to_gid = Stream::new(dictionary! {}, cid_to_gid);
    let _ = cid_to_gid.compress();
    let cid_to_gid = document.add_object(cid_to_gid);
    let descendant = document.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => "GlyphLessFont",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::String(b"Adobe".to_vec(), StringFormat::Literal),
            "Ordering" => Object::String(b"Identity".to_vec(), StringFormat::Literal),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "CIDToGIDMap" => cid_to_gid,
        "DW" => GLYPH_WIDTH as i64,
    });
    let to_unicode = document.add_object(Stream::new(dictionary! {}, TO_UNICODE.to_vec()));
    document.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "GlyphLessFont",
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![descendant.into()],
        "ToUnicode" => to_unicode,
    })
}

/// Each two-byte code is the UTF-16 unit it stands for.
const TO_UNICODE: &[u8] = b"/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
1 beginbfrange
<0000> <FFFF> <0000>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
";

/// One page image as PDF image XObjects: one, or one per strip of a TIFF whose strips are
/// compressed separately, drawn top to bottom.
struct PageImage {
    bands: Vec<Band>,
    width: u32,
    height: u32,
    dpi: f64,
}

struct Band {
    stream: Stream,
    rows: u32,
}

impl PageImage {
    fn whole(stream: Stream, width: u32, height: u32, dpi: f64) -> PageImage {
        PageImage {
            bands: vec![Band {
                stream,
                rows: height,
            }],
            width,
            height,
            dpi,
        }
    }
}

/// The images of an image file, one per page, in the most faithful PDF encoding available.
fn page_images(source: &[u8]) -> Result<Vec<PageImage>, String> {
    if sniff(source) != Sniffed::Image {
        return Err("the source is not an image".to_owned());
    }
    if source.starts_with(b"\xFF\xD8\xFF") {
        return jpeg(source).map(|i| vec![i]);
    }
    if source.starts_with(b"\x89PNG") {
        if let Some(image) = png(source) {
            return Ok(vec![image]);
        }
    }
    if source.starts_with(b"II*\x00") || source.starts_with(b"MM\x00*") {
        if let Some(images) = tiff_g4(source) {
            return Ok(images);
        }
    }
    decoded(source)
}

fn image_dictionary(width: u32, height: u32) -> Dictionary {
    dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => i64::from(width),
        "Height" => i64::from(height),
    }
}

/// A JPEG copied as a DCT stream; its size and components come from its frame header.
fn jpeg(source: &[u8]) -> Result<PageImage, String> {
    let (width, height, components) =
        jpeg_frame(source).ok_or("the JPEG has no readable frame header")?;
    let color_space = match components {
        1 => "DeviceGray",
        3 => "DeviceRGB",
        4 => "DeviceCMYK",
        n => return Err(format!("a JPEG with {n} components is not supported")),
    };
    let mut dict = image_dictionary(width, height);
    dict.set("ColorSpace", color_space);
    dict.set("BitsPerComponent", 8);
    dict.set("Filter", "DCTDecode");
    Ok(PageImage::whole(
        Stream::new(dict, source.to_vec()).with_compression(false),
        width,
        height,
        DEFAULT_DPI,
    ))
}

/// Width, height and component count from the first SOF marker.
fn jpeg_frame(bytes: &[u8]) -> Option<(u32, u32, u8)> {
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let is_frame = (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let frame = bytes.get(at + 4..at + 10)?;
            let height = u32::from(u16::from_be_bytes([frame[1], frame[2]]));
            let width = u32::from(u16::from_be_bytes([frame[3], frame[4]]));
            return Some((width, height, frame[5]));
        }
        at += 2 + length;
    }
    None
}

/// A non-interlaced PNG without transparency: its zlib data (the IDAT chunks) copied under a
/// Flate filter with the PNG predictor, as img2pdf does. `None` when it needs decoding.
fn png(source: &[u8]) -> Option<PageImage> {
    let mut at = 8;
    let mut header = None;
    let mut palette = None;
    let mut data = Vec::new();
    let mut dpi = DEFAULT_DPI;
    while at + 8 <= source.len() {
        let length = u32::from_be_bytes(source[at..at + 4].try_into().ok()?) as usize;
        let kind = &source[at + 4..at + 8];
        let body = source.get(at + 8..at + 8 + length)?;
        match kind {
            b"IHDR" => header = Some(body),
            b"PLTE" => palette = Some(body),
            b"IDAT" => data.extend_from_slice(body),
            b"tRNS" => return None,
            b"pHYs" if body.len() == 9 && body[8] == 1 => {
                let per_metre = u32::from_be_bytes(body[0..4].try_into().ok()?);
                if per_metre > 0 {
                    dpi = f64::from(per_metre) * 0.0254;
                }
            }
            b"IEND" => break,
            _ => {}
        }
        at += 12 + length;
    }
    let header = header.filter(|h| h.len() == 13)?;
    let width = u32::from_be_bytes(header[0..4].try_into().ok()?);
    let height = u32::from_be_bytes(header[4..8].try_into().ok()?);
    let (depth, color, interlace) = (header[8], header[9], header[12]);
    if interlace != 0 {
        return None;
    }
    let (color_space, colors) = match color {
        0 => (Object::from("DeviceGray"), 1),
        2 => (Object::from("DeviceRGB"), 3),
        3 => {
            let palette = palette?;
            let entries = (palette.len() / 3) as i64;
            let indexed = vec![
                Object::from("Indexed"),
                Object::from("DeviceRGB"),
                (entries - 1).into(),
                Object::String(palette.to_vec(), StringFormat::Hexadecimal),
            ];
            (Object::Array(indexed), 1)
        }
        _ => return None,
    };
    let mut dict = image_dictionary(width, height);
    dict.set("ColorSpace", color_space);
    dict.set("BitsPerComponent", i64::from(depth));
    dict.set("Filter", "FlateDecode");
    dict.set(
        "DecodeParms",
        dictionary! {
            "Predictor" => 15,
            "Colors" => colors,
            "BitsPerComponent" => i64::from(depth),
            "Columns" => i64::from(width),
        },
    );
    Some(PageImage::whole(
        Stream::new(dict, data).with_compression(false),
        width,
        height,
        dpi,
    ))
}

/// The pages of a TIFF that are all CCITT G4, each strip copied as a CCITTFax stream (strips are
/// coded independently, so they cannot be joined without re-encoding); `None` when any page
/// needs decoding.
fn tiff_g4(source: &[u8]) -> Option<Vec<PageImage>> {
    use tiff::tags::Tag;
    let mut decoder = tiff::decoder::Decoder::new(Cursor::new(source)).ok()?;
    let mut images = Vec::new();
    loop {
        let (width, height) = decoder.dimensions().ok()?;
        let compression = decoder.get_tag_u32(Tag::Compression).ok()?;
        let fill_order = decoder.find_tag_unsigned::<u32>(Tag::FillOrder).ok()?;
        let offsets = decoder.get_tag_u64_vec(Tag::StripOffsets).ok()?;
        let counts = decoder.get_tag_u64_vec(Tag::StripByteCounts).ok()?;
        let rows_per_strip = decoder
            .find_tag_unsigned::<u32>(Tag::RowsPerStrip)
            .ok()?
            .unwrap_or(height)
            .clamp(1, height.max(1));
        // CCITT G4 (compression 4), most significant bit first.
        let strips = height.div_ceil(rows_per_strip) as usize;
        if compression != 4
            || fill_order.unwrap_or(1) != 1
            || offsets.len() != strips
            || counts.len() != strips
        {
            return None;
        }
        let photometric = decoder
            .find_tag_unsigned::<u32>(Tag::PhotometricInterpretation)
            .ok()?
            .unwrap_or(0);
        let dpi = match decoder.find_tag(Tag::XResolution).ok()? {
            Some(value) => value.into_f64().ok().filter(|d| *d > 0.0),
            None => None,
        };
        let mut bands = Vec::with_capacity(strips);
        for (index, (&offset, &count)) in offsets.iter().zip(&counts).enumerate() {
            let start = usize::try_from(offset).ok()?;
            let end = start.checked_add(usize::try_from(count).ok()?)?;
            let data = source.get(start..end)?.to_vec();
            let rows = rows_per_strip.min(height - index as u32 * rows_per_strip);
            let mut dict = image_dictionary(width, rows);
            dict.set("ColorSpace", "DeviceGray");
            dict.set("BitsPerComponent", 1);
            dict.set("Filter", "CCITTFaxDecode");
            dict.set(
                "DecodeParms",
                dictionary! {
                    "K" => -1,
                    "Columns" => i64::from(width),
                    "Rows" => i64::from(rows),
                    // Decoded G4 has 1 for black; BlackIsZero pages (photometric 1) keep it so.
                    "BlackIs1" => photometric == 1,
                },
            );
            bands.push(Band {
                stream: Stream::new(dict, data).with_compression(false),
                rows,
            });
        }
        images.push(PageImage {
            bands,
            width,
            height,
            dpi: dpi.unwrap_or(DEFAULT_DPI),
        });
        if !decoder.more_images() {
            return Some(images);
        }
        decoder.next_image().ok()?;
    }
}

/// Any other image, decoded and stored Flate-compressed: gray, or RGB when it has colour, and
/// packed to 1 bit per pixel when it has only black and white.
fn decoded(source: &[u8]) -> Result<Vec<PageImage>, String> {
    let is_tiff = source.starts_with(b"II*\x00") || source.starts_with(b"MM\x00*");
    let images: Vec<image::DynamicImage> = if is_tiff {
        // Multi-page TIFFs are read page by page by the OCR decoder (as gray).
        crate::ocr::decode_pages(source)?
            .into_iter()
            .map(image::DynamicImage::ImageLuma8)
            .collect()
    } else {
        vec![image::load_from_memory(source).map_err(|e| format!("cannot decode the image: {e}"))?]
    };
    images
        .into_iter()
        .map(|image| {
            let (width, height) = (image.width(), image.height());
            let mut dict = image_dictionary(width, height);
            let pixels = if image.color().has_color() {
                dict.set("ColorSpace", "DeviceRGB");
                dict.set("BitsPerComponent", 8);
                image.to_rgb8().into_raw()
            } else {
                let gray = image.to_luma8().into_raw();
                dict.set("ColorSpace", "DeviceGray");
                if gray.iter().all(|&v| v == 0 || v == 255) {
                    dict.set("BitsPerComponent", 1);
                    pack_bits(&gray, width as usize)
                } else {
                    dict.set("BitsPerComponent", 8);
                    gray
                }
            };
            let mut stream = Stream::new(dict, pixels);
            stream.compress().map_err(|e| e.to_string())?;
            Ok(PageImage::whole(stream, width, height, DEFAULT_DPI))
        })
        .collect()
}

/// 8-bit black-and-white rows as 1-bit rows (1 = white, as DeviceGray reads them).
fn pack_bits(gray: &[u8], width: usize) -> Vec<u8> {
    let row_bytes = width.div_ceil(8);
    let mut packed = Vec::with_capacity(row_bytes * gray.len() / width.max(1));
    for row in gray.chunks(width.max(1)) {
        let mut bytes = vec![0u8; row_bytes];
        for (i, &value) in row.iter().enumerate() {
            if value != 0 {
                bytes[i / 8] |= 0x80 >> (i % 8);
            }
        }
        packed.extend(bytes);
    }
    packed
}
