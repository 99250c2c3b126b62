#!/usr/bin/python3
"""Renders Vietnamese text into scan-like page images, with the exact text of every rendered line.

Used to make OCR test fixtures and OCR training pairs (rendered truth vs. Tesseract output), so
the degradations imitate what archives hold: skew, blur, low resolution, speckle, faded or bold
ink, JPEG artefacts. Deterministic: the same arguments give the same pixels.

    scripts/render_scan.py TEXT --out-dir DIR --name NAME [--font dejavu|freeserif|noto|liberation]
        [--size PT] [--dpi DPI] [--degrade clean|light|heavy] [--seed N]
        [--format png|tiff|pdf] [--max-pages N] [--max-lines N]

Writes NAME-p001.png ... (or NAME.tiff / NAME.pdf with every page) and NAME.truth.txt: the
rendered lines, one per line, pages separated by a form feed. Needs Debian's python3-pil and the
fonts-dejavu-core fonts-freefont-ttf fonts-noto-core fonts-liberation2 packages (the system
/usr/bin/python3, not a virtualenv's).
"""

import argparse
import random
import sys
import time
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = {
    "dejavu": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "freeserif": "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
    "noto": "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
    "liberation": "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
}

# A4 with 2 cm side margins and 2.5 cm top/bottom margins, as Vietnamese administrative
# documents are laid out (Nghị định 30/2020/NĐ-CP).
PAGE_CM = (21.0, 29.7)
FIXED_DATE = time.gmtime(1704067200)  # 2024-01-01, in place of the time of rendering
MARGIN_CM = (2.0, 2.5)


def wrap(lines, font, width):
    """Greedy word wrap; every output line is a prefix-free slice of the input words."""
    out = []
    for line in lines:
        words = line.split()
        if not words:
            out.append("")
            continue
        current = words[0]
        for word in words[1:]:
            candidate = current + " " + word
            if font.getlength(candidate) <= width:
                current = candidate
            else:
                out.append(current)
                current = word
        out.append(current)
    return out


def paginate(lines, per_page, max_pages):
    pages = []
    for start in range(0, len(lines), per_page):
        # Blank lines at the top of a page carry no text to OCR.
        page = lines[start : start + per_page]
        while page and not page[0].strip():
            page = page[1:]
        if page:
            pages.append(page)
        if len(pages) == max_pages:
            break
    return pages


def render_page(lines, font, dpi, line_height, margin_px, size_px):
    image = Image.new("L", size_px, 255)
    draw = ImageDraw.Draw(image)
    y = margin_px[1]
    for line in lines:
        draw.text((margin_px[0], y), line, font=font, fill=0)
        y += line_height
    return image


def degrade(image, level, rng):
    if level == "clean":
        return image
    heavy = level == "heavy"
    width, height = image.size
    angle = rng.uniform(-1.5, 1.5) if heavy else rng.uniform(-0.6, 0.6)
    image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    # Low-resolution scanning: down and back up loses thin strokes and diacritics first.
    factor = rng.uniform(0.45, 0.6) if heavy else rng.uniform(0.7, 0.85)
    small = image.resize((int(width * factor), int(height * factor)), Image.BILINEAR)
    image = small.resize((width, height), Image.BILINEAR)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 1.4) if heavy else 0.5))
    # Faded or bleeding ink.
    ink = rng.choice(["faded", "bold", "none"]) if heavy else "none"
    if ink == "faded":
        image = image.filter(ImageFilter.MaxFilter(3))
    elif ink == "bold":
        image = image.filter(ImageFilter.MinFilter(3))
    noise = Image.effect_noise((width, height), 40 if heavy else 18)
    image = Image.blend(image, noise, 0.22 if heavy else 0.1)
    draw = ImageDraw.Draw(image)
    specks = (width * height) // (900 if heavy else 4000)
    for _ in range(specks):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.choice([0, 0, 1])
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.choice([0, 60, 255]))
    threshold = rng.randint(140, 175) if heavy else 160
    return image.point(lambda v: 0 if v < threshold else 255).convert("L")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("text", type=Path)
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--font", choices=sorted(FONTS), default="dejavu")
    parser.add_argument("--size", type=float, default=13.0, help="font size in points")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--degrade", choices=["clean", "light", "heavy"], default="clean")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=["png", "tiff", "pdf"], default="png")
    parser.add_argument("--max-pages", type=int, default=1000)
    parser.add_argument("--max-lines", type=int, default=0, help="only the first N input lines")
    args = parser.parse_args()

    font_path = FONTS[args.font]
    if not Path(font_path).exists():
        sys.exit(f"render_scan: font {font_path} missing; apt-get install the font packages")
    text = unicodedata.normalize("NFC", args.text.read_text(encoding="utf-8"))
    source_lines = [line.rstrip() for line in text.splitlines()]
    if args.max_lines:
        source_lines = source_lines[: args.max_lines]

    px_per_cm = args.dpi / 2.54
    size_px = (round(PAGE_CM[0] * px_per_cm), round(PAGE_CM[1] * px_per_cm))
    margin_px = (round(MARGIN_CM[0] * px_per_cm), round(MARGIN_CM[1] * px_per_cm))
    font = ImageFont.truetype(font_path, round(args.size * args.dpi / 72))
    line_height = round(args.size * args.dpi / 72 * 1.45)
    lines = wrap(source_lines, font, size_px[0] - 2 * margin_px[0])
    per_page = (size_px[1] - 2 * margin_px[1]) // line_height
    pages = paginate(lines, per_page, args.max_pages)

    rng = random.Random(args.seed)
    images = [
        degrade(render_page(page, font, args.dpi, line_height, margin_px, size_px), args.degrade, rng)
        for page in pages
    ]
    args.out_dir.mkdir(parents=True, exist_ok=True)
    if args.format == "png":
        for number, image in enumerate(images, 1):
            image.save(args.out_dir / f"{args.name}-p{number:03}.png", optimize=True)
    elif args.format == "tiff":
        images[0].convert("1").save(
            args.out_dir / f"{args.name}.tiff",
            save_all=True,
            append_images=[i.convert("1") for i in images[1:]],
            compression="group4",
            dpi=(args.dpi, args.dpi),
        )
    else:
        images[0].save(
            args.out_dir / f"{args.name}.pdf",
            save_all=True,
            append_images=images[1:],
            resolution=args.dpi,
            # Fixed dates keep the file byte-identical from run to run.
            creationDate=FIXED_DATE,
            modDate=FIXED_DATE,
        )
    truth = "\f".join("\n".join(page) + "\n" for page in pages)
    (args.out_dir / f"{args.name}.truth.txt").write_text(truth, encoding="utf-8")


if __name__ == "__main__":
    main()
