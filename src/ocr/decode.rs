//! Page images: decoding every page of an image file to 8-bit grayscale, the form Tesseract
//! reads.
//!
//! Multi-page TIFF (the usual container for scanned documents) goes through the `tiff` crate,
//! since the `image` crate only reads a TIFF's first page; every other format through `image`.

use std::io::Cursor;

use image::{GrayImage, ImageReader};
use tiff::decoder::{Decoder, DecodingResult, Limits};
use tiff::ColorType;

/// Every page of an image file, in order. Errors are plain reasons; the caller names the file.
pub fn decode_pages(bytes: &[u8]) -> Result<Vec<GrayImage>, String> {
    let is_tiff = bytes.starts_with(b"II*\x00") || bytes.starts_with(b"MM\x00*");
    if is_tiff {
        return tiff_pages(bytes);
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let image = reader.decode().map_err(|e| e.to_string())?;
    Ok(vec![image.to_luma8()])
}

fn tiff_pages(bytes: &[u8]) -> Result<Vec<GrayImage>, String> {
    let mut decoder = Decoder::new(Cursor::new(bytes))
        .map_err(|e| format!("TIFF: {e}"))?
        .with_limits(Limits::default());
    let mut pages = Vec::new();
    loop {
        let number = pages.len() + 1;
        let page = tiff_page(&mut decoder).map_err(|e| format!("TIFF page {number}: {e}"))?;
        pages.push(page);
        if !decoder.more_images() {
            return Ok(pages);
        }
        decoder
            .next_image()
            .map_err(|e| format!("TIFF page {}: {e}", number + 1))?;
    }
}

fn tiff_page(decoder: &mut Decoder<Cursor<&[u8]>>) -> Result<GrayImage, String> {
    let (width, height) = decoder.dimensions().map_err(|e| e.to_string())?;
    let color = decoder.colortype().map_err(|e| e.to_string())?;
    let data = decoder.read_image().map_err(|e| e.to_string())?;
    let pixels = (width as usize) * (height as usize);
    let gray: Vec<u8> = match (color, data) {
        (ColorType::Gray(1), DecodingResult::U8(packed)) => {
            // Bilevel rows are padded to whole bytes; 1 is white once WhiteIsZero is undone.
            let row_bytes = (width as usize).div_ceil(8);
            (0..height as usize)
                .flat_map(|y| {
                    let row = &packed[y * row_bytes..(y + 1) * row_bytes];
                    (0..width as usize).map(move |x| {
                        let bit = row[x / 8] >> (7 - x % 8) & 1;
                        if bit == 1 {
                            255
                        } else {
                            0
                        }
                    })
                })
                .collect()
        }
        (ColorType::Gray(8), DecodingResult::U8(v)) => v,
        (ColorType::Gray(16), DecodingResult::U16(v)) => {
            v.iter().map(|&p| (p >> 8) as u8).collect()
        }
        (ColorType::GrayA(8), DecodingResult::U8(v)) => v.chunks_exact(2).map(|p| p[0]).collect(),
        (ColorType::RGB(8), DecodingResult::U8(v)) => v.chunks_exact(3).map(luma).collect(),
        (ColorType::RGBA(8), DecodingResult::U8(v)) => v.chunks_exact(4).map(luma).collect(),
        (color, _) => {
            return Err(format!(
                "unsupported pixel format {color:?}; convert the file to 8-bit grayscale or RGB \
                 (e.g. `tiffcp` or ImageMagick `convert`)"
            ))
        }
    };
    if gray.len() != pixels {
        return Err(format!(
            "{} pixels decoded for a {width}x{height} page",
            gray.len()
        ));
    }
    GrayImage::from_raw(width, height, gray).ok_or_else(|| "inconsistent page size".to_owned())
}

/// ITU-R BT.601 luma, as the `image` crate computes it for `to_luma8`.
fn luma(rgb: &[u8]) -> u8 {
    let [r, g, b] = [rgb[0], rgb[1], rgb[2]].map(u32::from);
    ((r * 299 + g * 587 + b * 114 + 500) / 1000) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiff_of(pages: &[GrayImage]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut encoder = tiff::encoder::TiffEncoder::new(&mut out).unwrap();
        for page in pages {
            encoder
                .write_image::<tiff::encoder::colortype::Gray8>(
                    page.width(),
                    page.height(),
                    page.as_raw(),
                )
                .unwrap();
        }
        out.into_inner()
    }

    #[test]
    fn every_tiff_page_is_decoded_in_order() {
        let first = GrayImage::from_pixel(3, 2, image::Luma([10]));
        let second = GrayImage::from_pixel(4, 5, image::Luma([200]));
        let pages = decode_pages(&tiff_of(&[first.clone(), second.clone()])).unwrap();
        assert_eq!(pages, [first, second]);
    }

    #[test]
    fn truncated_tiff_names_the_problem() {
        let page = GrayImage::from_pixel(64, 64, image::Luma([0]));
        let bytes = tiff_of(&[page]);
        let error = decode_pages(&bytes[..bytes.len() / 2]).unwrap_err();
        assert!(error.starts_with("TIFF"), "{error}");
    }
}
