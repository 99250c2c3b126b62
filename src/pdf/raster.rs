//! Page images for OCR: the page's own scan when it is one, else a rendering by `pdftoppm`.

use std::io::Write;
use std::process::{Command, Stdio};

use image::GrayImage;
use lopdf::{Document, ObjectId};

/// Rasterization resolution for OCR: Tesseract reads body text best at about 300 dpi.
const RASTER_DPI: u32 = 300;
/// An embedded image is taken as the page's scan from this resolution up; below it the page is
/// rendered instead, since it is more likely a logo or figure on a vector page.
const MIN_SCAN_DPI: f64 = 100.0;

/// The page's scan, when the page is one image of at least [`MIN_SCAN_DPI`] in a filter we
/// decode ourselves (JPEG, or Flate over 8-bit gray or RGB).
pub fn scanned_image(document: &Document, page: ObjectId) -> Option<GrayImage> {
    let images = document.get_page_images(page).ok()?;
    let [image] = images.as_slice() else {
        return None;
    };
    let page_box = super::content::page_box(document, page)?;
    let page_width_pt = page_box[2] - page_box[0];
    if (image.width as f64) < MIN_SCAN_DPI * page_width_pt / 72.0 {
        return None;
    }
    let (width, height) = (
        u32::try_from(image.width).ok()?,
        u32::try_from(image.height).ok()?,
    );
    let filters = image.filters.as_deref().unwrap_or_default();
    match filters {
        [f] if f == "DCTDecode" => {
            image::load_from_memory_with_format(image.content, image::ImageFormat::Jpeg)
                .ok()
                .map(|i| i.to_luma8())
        }
        [f] if f == "FlateDecode" && image.bits_per_component == Some(8) => {
            let stream = document.get_object(image.id).ok()?.as_stream().ok()?;
            let pixels = stream.decompressed_content().ok()?;
            match image.color_space.as_deref() {
                Some("DeviceGray") => GrayImage::from_raw(width, height, pixels),
                Some("DeviceRGB") => image::RgbImage::from_raw(width, height, pixels)
                    .map(|rgb| image::DynamicImage::ImageRgb8(rgb).to_luma8()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Renders page `number` to a grayscale image with `pdftoppm` (PDF on stdin, PNG on stdout).
pub fn rasterize(bytes: &[u8], number: u32) -> Result<GrayImage, String> {
    let page = number.to_string();
    let mut child = Command::new("pdftoppm")
        .args([
            "-r",
            &RASTER_DPI.to_string(),
            "-gray",
            "-png",
            "-singlefile",
        ])
        .args(["-f", &page, "-l", &page, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "page {number} has no usable text layer and pdftoppm is not installed to \
                     render it: install poppler-utils (Debian: apt-get install poppler-utils)"
                )
            } else {
                format!("cannot run pdftoppm: {e}")
            }
        })?;
    // Feed stdin from another thread so a large PNG on stdout cannot deadlock the pipe.
    let output = std::thread::scope(|scope| {
        let mut stdin = child.stdin.take();
        scope.spawn(move || stdin.as_mut().map(|s| s.write_all(bytes)));
        child.wait_with_output()
    })
    .map_err(|e| format!("pdftoppm failed: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "pdftoppm could not render page {number}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    image::load_from_memory_with_format(&output.stdout, image::ImageFormat::Png)
        .map(|i| i.to_luma8())
        .map_err(|e| format!("cannot read page {number} as rendered by pdftoppm: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Object, Stream};

    /// A one-page US Letter PDF whose page draws one Flate-compressed gray image.
    fn pdf_with_flate_image(width: u32, height: u32, pixels: &[u8]) -> (Document, ObjectId) {
        let mut document = Document::with_version("1.5");
        let pages_id = document.new_object_id();
        let mut image = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image",
                "Width" => i64::from(width), "Height" => i64::from(height),
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            },
            pixels.to_vec(),
        );
        image.compress().unwrap();
        let image_id = document.add_object(image);
        let content = Stream::new(dictionary! {}, b"q 612 0 0 792 0 0 cm /Im0 Do Q".to_vec());
        let content_id = document.add_object(content);
        let page_id = document.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
        });
        document.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
                "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            }),
        );
        let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        document.trailer.set("Root", catalog);
        (document, page_id)
    }

    #[test]
    fn full_page_flate_scan_is_taken_as_it_is() {
        // 900 pixels over 8.5 inches: about 106 dpi, with the MediaBox inherited.
        let pixels: Vec<u8> = (0..900u32 * 3).map(|i| (i % 251) as u8).collect();
        let (document, page) = pdf_with_flate_image(900, 3, &pixels);
        let image = scanned_image(&document, page).expect("the page is a scan");
        assert_eq!((image.width(), image.height()), (900, 3));
        assert_eq!(image.as_raw(), &pixels);
    }

    #[test]
    fn small_image_on_a_page_is_not_taken_for_its_scan() {
        let (document, page) = pdf_with_flate_image(120, 2, &[128; 240]);
        assert_eq!(scanned_image(&document, page), None);
    }
}
