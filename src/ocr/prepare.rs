//! Image preparation before Tesseract, behind `OcrOptions::prepare` (`vanban eval ocr
//! --prepare`), off by default because it measured worse on the varied dev pages of
//! `scripts/gen-ocr-pairs varied`: WER after vanban 0.80 % → 1.20 % on clean pages (a signature
//! scribble freed of its stamp is read as letters), 0.97 % → 1.14 % on photos, the same on
//! scanned-look and worn pages. The two steps:
//!
//! * red ink dropped when a colour page is made grey: stamps (and the red seal over a
//!   signature) are not text, and Tesseract reads the black text beneath a red ring once the
//!   ring is as light as the paper;
//! * uneven light flattened: each pixel divided by the paper's brightness around it, as a phone
//!   photo lit from one side is dark at the other, where Tesseract's global threshold loses
//!   whole paragraphs.

use image::{DynamicImage, GrayImage, Luma};

/// A pixel is red ink when its red exceeds both green and blue by this much (0..=255); grey
/// and black text and blue signatures do not.
const RED_MARGIN: i32 = 50;
/// The paper's brightness is estimated per square of this many pixels.
const PAPER_BLOCK: u32 = 32;
/// The brightest pixels of a square, by this share, are taken for its paper.
const PAPER_SHARE: usize = 10;
/// Squares darker than this (a photo's edge, a black rule) are not taken for paper.
const DARKEST_PAPER: u32 = 64;

/// A colour page as grey with red ink as light as its brightest channel.
pub fn gray_without_red(image: &DynamicImage) -> GrayImage {
    let gray = image.to_luma8();
    let Some(rgb) = image.as_rgb8() else {
        return if image.color().has_color() {
            gray_without_red(&DynamicImage::ImageRgb8(image.to_rgb8()))
        } else {
            gray
        };
    };
    let mut out = gray;
    for (pixel, source) in out.pixels_mut().zip(rgb.pixels()) {
        let [r, g, b] = source.0.map(i32::from);
        if r - g > RED_MARGIN && r - b > RED_MARGIN {
            *pixel = Luma([r as u8]);
        }
    }
    out
}

/// Divides each pixel by the paper's brightness around it, so the paper is white everywhere.
pub fn flatten_light(image: &mut GrayImage) {
    let (width, height) = image.dimensions();
    let (columns, rows) = (width.div_ceil(PAPER_BLOCK), height.div_ceil(PAPER_BLOCK));
    if columns < 2 || rows < 2 {
        return;
    }
    let mut paper = vec![255u32; (columns * rows) as usize];
    let mut histogram = [0usize; 256];
    for row in 0..rows {
        for column in 0..columns {
            histogram.fill(0);
            let (x0, y0) = (column * PAPER_BLOCK, row * PAPER_BLOCK);
            let (x1, y1) = (
                (x0 + PAPER_BLOCK).min(width),
                (y0 + PAPER_BLOCK).min(height),
            );
            for y in y0..y1 {
                for x in x0..x1 {
                    histogram[image.get_pixel(x, y).0[0] as usize] += 1;
                }
            }
            let wanted = ((x1 - x0) * (y1 - y0)) as usize / PAPER_SHARE;
            let mut seen = 0;
            let level = (0..256)
                .rev()
                .find(|&v| {
                    seen += histogram[v];
                    seen > wanted
                })
                .unwrap_or(255) as u32;
            paper[(row * columns + column) as usize] = level;
        }
    }
    // A square full of text or a rule says little about its paper: take the brightest of it
    // and its neighbours.
    let at = |c: i64, r: i64| {
        let c = c.clamp(0, columns as i64 - 1) as u32;
        let r = r.clamp(0, rows as i64 - 1) as u32;
        paper[(r * columns + c) as usize]
    };
    let smoothed: Vec<u32> = (0..rows as i64)
        .flat_map(|r| (0..columns as i64).map(move |c| (c, r)))
        .map(|(c, r)| {
            (-1..=1)
                .flat_map(|dr| (-1..=1).map(move |dc| (dc, dr)))
                .map(|(dc, dr)| at(c + dc, r + dr))
                .max()
                .unwrap_or(255)
                .max(DARKEST_PAPER)
        })
        .collect();
    let block = PAPER_BLOCK as f32;
    for (x, y, pixel) in image.enumerate_pixels_mut() {
        // Bilinear between the centres of the four nearest squares.
        let fx = ((x as f32 + 0.5) / block - 0.5).clamp(0.0, (columns - 1) as f32);
        let fy = ((y as f32 + 0.5) / block - 0.5).clamp(0.0, (rows - 1) as f32);
        let (c0, r0) = (fx as u32, fy as u32);
        let (c1, r1) = ((c0 + 1).min(columns - 1), (r0 + 1).min(rows - 1));
        let (tx, ty) = (fx - c0 as f32, fy - r0 as f32);
        let value = |c: u32, r: u32| smoothed[(r * columns + c) as usize] as f32;
        let top = value(c0, r0) * (1.0 - tx) + value(c1, r0) * tx;
        let bottom = value(c0, r1) * (1.0 - tx) + value(c1, r1) * tx;
        let paper = top * (1.0 - ty) + bottom * ty;
        let flattened = pixel.0[0] as f32 * 255.0 / paper;
        pixel.0[0] = flattened.round().min(255.0) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    #[test]
    fn red_ink_turns_light_and_black_and_blue_ink_stay() {
        let mut page = RgbImage::from_pixel(3, 1, Rgb([255, 255, 255]));
        page.put_pixel(0, 0, Rgb([200, 30, 40]));
        page.put_pixel(1, 0, Rgb([10, 10, 10]));
        page.put_pixel(2, 0, Rgb([30, 30, 110]));
        let gray = gray_without_red(&DynamicImage::ImageRgb8(page));
        assert_eq!(gray.get_pixel(0, 0).0[0], 200);
        assert_eq!(gray.get_pixel(1, 0).0[0], 10);
        assert!(gray.get_pixel(2, 0).0[0] < 50);
    }

    #[test]
    fn paper_lit_from_one_side_comes_out_evenly_white_with_its_ink() {
        // Paper from 255 on the left to 128 on the right, with a black dot in the dark half.
        let (width, height) = (256, 128);
        let mut page = GrayImage::from_fn(width, height, |x, _| Luma([(255 - x / 2) as u8]));
        page.put_pixel(200, 64, Luma([20]));
        flatten_light(&mut page);
        for x in [10, 100, 180, 250] {
            let value = page.get_pixel(x, 30).0[0];
            assert!(value >= 240, "paper at x={x} is {value}");
        }
        assert!(page.get_pixel(200, 64).0[0] < 60);
    }
}
