#!/usr/bin/python3
"""Renders Vietnamese text into scan-like page images, with the exact text of every rendered line.

Used to make OCR test fixtures and OCR training pairs (rendered truth vs. Tesseract output), so
the degradations imitate what archives hold: skew, blur, low resolution, speckle, faded or bold
ink, JPEG artefacts. Deterministic: the same arguments give the same pixels.

    scripts/render_scan.py TEXT --out-dir DIR --name NAME [--font dejavu|freeserif|noto|liberation]
        [--size PT] [--dpi DPI] [--degrade clean|light|heavy|photo] [--seed N]
        [--format png|tiff|pdf] [--max-pages N] [--max-lines N] [--layout plain|directive]

Writes NAME-p001.png ... (or NAME.tiff / NAME.pdf with every page) and NAME.truth.txt: the
rendered lines, one per line, pages separated by a form feed.

`--layout directive` lays one page out as a directive: a two-column header (issuing body and
number on the left, national motto and place-date on the right), a centred title, the text, and
at the foot the recipients on the left beside the signature block on the right, with a
handwritten signature and a red stamp over it. Its truth lists the header's left block, then
its right block, and the recipients before the signature block: the reading order vanban gives.
`--degrade photo` imitates a phone photo of the page: colour, perspective, uneven light, blur and
JPEG artefacts. Needs Debian's python3-pil and the
fonts-dejavu-core fonts-freefont-ttf fonts-noto-core fonts-liberation2 packages (the system
/usr/bin/python3, not a virtualenv's).
"""

import argparse
import random
import sys
import time
import unicodedata
from pathlib import Path

import io
import math

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


# Header and signature material for `--layout directive`: invented bodies and names, no corpus
# text.
BODIES = [
    ("UBND TỈNH LAI CHÂU", "SỞ NỘI VỤ", "SNV", "Lai Châu"),
    ("UBND THÀNH PHỐ ĐÀ NẴNG", "SỞ TÀI CHÍNH", "STC", "Đà Nẵng"),
    ("UBND HUYỆN PHONG THỔ", "PHÒNG GIÁO DỤC", "PGD", "Phong Thổ"),
    ("BỘ TƯ PHÁP", "CỤC CÔNG CHỨNG", "CCC", "Hà Nội"),
    ("UBND TỈNH NGHỆ AN", "SỞ XÂY DỰNG", "SXD", "Nghệ An"),
]
TYPES = [("QUYẾT ĐỊNH", "QĐ"), ("KẾ HOẠCH", "KH"), ("CÔNG VĂN", "CV"), ("THÔNG BÁO", "TB")]
SIGNERS = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Quốc Dũng", "Hoàng Thu Hà"]
RED = (200, 30, 40)


def directive_parts(rng):
    """The header, title and foot of one invented directive, as (left, right) line lists."""
    parent, body, code, place = rng.choice(BODIES)
    title, type_code = rng.choice(TYPES)
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2015, 2025)
    number = f"Số: {rng.randint(1, 999)}/{type_code}-{code}"
    header_left = [parent, body, number]
    header_right = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"{place}, ngày {day} tháng {month} năm {year}",
    ]
    foot_left = ["Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    foot_right = ["GIÁM ĐỐC", rng.choice(SIGNERS)]
    return header_left, header_right, title, foot_left, foot_right


def draw_centred(draw, lines, font, centre_x, y, line_height, fill=0):
    for line in lines:
        draw.text((centre_x - font.getlength(line) / 2, y), line, font=font, fill=fill)
        y += line_height
    return y


def signature(draw, x, y, width, height, rng):
    """A pen scribble: a few loops of a smooth random curve."""
    points = []
    phase = rng.uniform(0, math.pi)
    for i in range(120):
        t = i / 119
        points.append(
            (
                x + t * width,
                y + height / 2 + math.sin(t * rng.uniform(10, 16) + phase) * height * 0.4 * (1 - t / 2),
            )
        )
    draw.line(points, fill=(30, 30, 110), width=max(2, int(height / 25)))


def stamp(image, centre, radius, label):
    """A round red stamp with its body's name inside, drawn over what is beneath it."""
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    cx, cy = centre
    for r, w in ((radius, max(3, radius // 18)), (radius * 0.78, max(2, radius // 30))):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=RED + (190,), width=int(w))
    font = ImageFont.truetype(FONTS["dejavu"].replace("Serif.ttf", "Sans-Bold.ttf"), max(8, radius // 6))
    draw.text((cx - font.getlength(label) / 2, cy - radius * 0.12), label, font=font, fill=RED + (190,))
    star = [
        (cx + math.cos(a) * radius * (0.2 if k % 2 else 0.45) * 0.5, cy - radius * 0.4 + math.sin(a) * radius * (0.2 if k % 2 else 0.45) * 0.5)
        for k, a in enumerate(-math.pi / 2 + k * math.pi / 5 for k in range(10))
    ]
    draw.polygon(star, fill=RED + (190,))
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")


def render_directive(body_lines, font, line_height, margin_px, size_px, rng, font_path):
    """One directive page; returns the image (RGB) and its lines in reading order."""
    header_left, header_right, title, foot_left, foot_right = directive_parts(rng)
    image = Image.new("RGB", size_px, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    text_width = size_px[0] - 2 * margin_px[0]
    small = ImageFont.truetype(font_path, round(font.size * 0.85))
    left_centre = margin_px[0] + text_width * 0.22
    right_centre = margin_px[0] + text_width * 0.68
    y = margin_px[1]
    draw_centred(draw, header_left, small, left_centre, y, line_height)
    end = draw_centred(draw, header_right, small, right_centre, y, line_height)
    # The short rules under the body's name and the motto.
    for centre, row in ((left_centre, 2), (right_centre, 2)):
        rule_y = y + row * line_height - line_height * 0.1
        draw.line((centre - text_width * 0.08, rule_y, centre + text_width * 0.08, rule_y), fill=0, width=2)
    y = end + line_height
    bold = ImageFont.truetype(font_path, round(font.size * 1.1))
    y = draw_centred(draw, [title], bold, size_px[0] / 2, y, line_height) + line_height * 0.5
    foot_lines = max(len(foot_left), 6)
    room = int((size_px[1] - margin_px[1] - y) // line_height) - foot_lines - 1
    body = wrap(body_lines, font, text_width)[: max(room, 0)]
    while body and not body[-1].strip():
        body.pop()
    for line in body:
        draw.text((margin_px[0], y), line, font=font, fill=0)
        y += line_height
    y += line_height
    foot_y = y
    for line in foot_left:
        draw.text((margin_px[0], y), line, font=small, fill=0)
        y += line_height
    draw_centred(draw, foot_right[:1], small, right_centre, foot_y, line_height)
    name_y = foot_y + 4 * line_height
    draw_centred(draw, foot_right[1:], small, right_centre, name_y, line_height)
    signature(draw, right_centre - text_width * 0.12, foot_y + line_height * 1.2, text_width * 0.24, line_height * 2.4, rng)
    radius = int(line_height * 2.1)
    centre = (int(right_centre - text_width * 0.1), int(foot_y + line_height * 1.6))
    image = stamp(image, centre, radius, header_left[1].split()[-1])
    lines = header_left + header_right + [title] + body + foot_left + foot_right
    return image, lines


def photo(image, rng):
    """A phone photo of a printed page: perspective, light falling off to one side, blur,
    sensor noise and JPEG compression."""
    image = image.convert("RGB")
    width, height = image.size
    jitter = lambda: rng.uniform(0.0, 0.035)
    corners = [
        (width * jitter(), height * jitter()),
        (width * (1 - jitter()), height * jitter()),
        (width * (1 - jitter()), height * (1 - jitter())),
        (width * jitter(), height * (1 - jitter())),
    ]
    target = [(0, 0), (width, 0), (width, height), (0, height)]
    image = image.transform(
        (width, height),
        Image.PERSPECTIVE,
        perspective_coefficients(target, corners),
        Image.BICUBIC,
        fillcolor=(90, 90, 90),
    )
    # Light falling off across the page, as from a window on one side.
    shade = Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270])).resize((width, height))
    dark = rng.uniform(0.55, 0.75)
    shade = shade.point(lambda v: int(255 * (dark + (1 - dark) * v / 255)))
    lit = Image.merge("RGB", [Image.composite(band, Image.new("L", image.size, 0), shade) for band in image.split()])
    image = Image.blend(lit, image, 0.0).filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.1)))
    noise = Image.effect_noise((width, height), 25).convert("RGB")
    image = Image.blend(image, noise, 0.08)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=rng.randint(55, 75))
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def perspective_coefficients(target, source):
    """The 8 coefficients PIL's PERSPECTIVE transform takes to map `target` corners back to
    `source` corners (solving the 8x8 system by Gaussian elimination)."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(target, source):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.append(v)
    n = 8
    m = [row + [b] for row, b in zip(rows, rhs)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [a - f * b for a, b in zip(m[r], m[col])]
    return [m[i][n] / m[i][i] for i in range(n)]


def degrade(image, level, rng):
    if level == "clean":
        return image
    if level == "photo":
        return photo(image, rng)
    # Scans are grey: the red stamp becomes a grey ring over the signature.
    image = image.convert("L")
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
    parser.add_argument("--degrade", choices=["clean", "light", "heavy", "photo"], default="clean")
    parser.add_argument("--layout", choices=["plain", "directive"], default="plain")
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
    if args.layout == "directive":
        page, page_lines = render_directive(source_lines, font, line_height, margin_px, size_px, rng, font_path)
        pages = [page_lines]
        images = [degrade(page, args.degrade, rng)]
    else:
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
