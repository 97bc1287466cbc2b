"""Scans made from real PDFs: their pages rendered to images, and the same images degraded as a scanner
or a phone would (seeded, so every run makes the same pixels).

The PDFs' own text layers are the truth the scans are measured against (tests/test_ocr.py).
"""

from __future__ import annotations

import io
import os
import random
from pathlib import Path
from typing import Iterable

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from conftest import ROOT

DPI = 200
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
PEER_PDFS = ("KIROGOVCOMPARE/hzq2023_working.pdf", "KIROGOVCOMPARE/hzq2024_working.pdf",
             "govnianbao/szfgs2024.pdf")


def peers_folder() -> Path | None:
    """shared/corpus/peers beside the checkout (CI), or beside any folder above it (a worktree)."""
    for base in [ROOT, *ROOT.parents]:
        found = base.parent / "shared" / "corpus" / "peers"
        if found.is_dir():
            return found
    return None


def render_pages(pdf: Path, dpi: int = DPI) -> list[Image.Image]:
    """Every page of a PDF as an RGB image, the way a scanner at ``dpi`` would see it."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


# --- degradations: each takes an image and a random generator ---------------------------------

def skew(img: Image.Image, rng: random.Random) -> Image.Image:
    angle = rng.choice((-1, 1)) * rng.uniform(1.0, 2.0)
    return img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=(255, 255, 255))


def noise(img: Image.Image, rng: random.Random) -> Image.Image:
    a = np.asarray(img, dtype=np.float32)
    gen = np.random.default_rng(rng.randrange(1 << 30))
    a = a + gen.normal(0, 14, a.shape[:2])[..., None]  # grey grain, as a scanner's sensor gives
    specks = gen.random(a.shape[:2]) < 0.0015  # dust
    a[specks] = 40
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def blur(img: Image.Image, rng: random.Random) -> Image.Image:
    return img.filter(ImageFilter.GaussianBlur(rng.uniform(0.9, 1.2)))


def jpeg50(img: Image.Image, rng: random.Random) -> Image.Image:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=50)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def grey(img: Image.Image, rng: random.Random) -> Image.Image:
    """Recycled paper or a dim photocopy: white becomes a light grey that darkens towards one side."""
    a = np.asarray(img, dtype=np.float32) / 255.0
    h, w = a.shape[:2]
    shade = np.linspace(rng.uniform(205, 215), rng.uniform(180, 190), w, dtype=np.float32)[None, :, None]
    return Image.fromarray(np.clip(a * shade, 0, 255).astype(np.uint8))


def turn90(img: Image.Image, rng: random.Random) -> Image.Image:
    return img.transpose(rng.choice((Image.ROTATE_90, Image.ROTATE_270)))


def turn180(img: Image.Image, rng: random.Random) -> Image.Image:
    return img.transpose(Image.ROTATE_180)


DEGRADATIONS = {"skew": [skew], "noise": [noise], "blur": [blur], "jpeg50": [jpeg50], "grey": [grey],
                "turn90": [turn90], "turn180": [turn180],
                # all of a bad scan at once
                "scan": [grey, skew, blur, noise, jpeg50]}


def degrade(pages: Iterable[Image.Image], kind: str, seed: int = 18) -> list[Image.Image]:
    rng = random.Random(f"{kind}-{seed}")
    return [_apply(p, DEGRADATIONS[kind], rng) for p in pages]


def _apply(img: Image.Image, steps, rng: random.Random) -> Image.Image:
    for step in steps:
        img = step(img, rng)
    return img


# --- files -------------------------------------------------------------------------------------

def image_pdf(pages: list[Image.Image]) -> bytes:
    """An image-only PDF: each page one picture, no text layer."""
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    return buf.getvalue()


def image_file(pages: list[Image.Image], suffix: str) -> bytes:
    """A .png or .jpg of one page, or a .tif of every page."""
    buf = io.BytesIO()
    if suffix == ".tif":
        pages[0].save(buf, "TIFF", compression="tiff_deflate", dpi=(DPI, DPI), save_all=True,
                      append_images=pages[1:])
    elif suffix == ".jpg":
        pages[0].save(buf, "JPEG", quality=85, dpi=(DPI, DPI))
    else:
        pages[0].save(buf, "PNG", dpi=(DPI, DPI))
    return buf.getvalue()


def with_pictures(pdf: Path, pages: set[int]) -> bytes:
    """The PDF with some of its pages (counted from 1) replaced by pictures of themselves: a report
    whose tables were pasted in as scans."""
    doc = pdfium.PdfDocument(str(pdf))
    images = render_pages(pdf)
    out = pdfium.PdfDocument.new()
    for n in range(1, len(doc) + 1):
        if n not in pages:
            out.import_pages(doc, [n - 1])
            continue
        w, h = doc[n - 1].get_size()
        page = out.new_page(w, h)
        picture = pdfium.PdfImage.new(out)
        picture.set_bitmap(pdfium.PdfBitmap.from_pil(images[n - 1]))
        picture.set_matrix(pdfium.PdfMatrix().scale(w, h))
        page.insert_obj(picture)
        page.gen_content()
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- pages that are not a report's -------------------------------------------------------------

def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(CJK_FONT), size)


def blank_page() -> Image.Image:
    return Image.new("RGB", (1654, 2339), "white")


def notice_page() -> Image.Image:
    """A scanned page of prose that is no annual report: a notice of a meeting."""
    img = blank_page()
    d = ImageDraw.Draw(img)
    d.text((420, 260), "关于召开二〇二四年春季运动会的通知", font=_font(56), fill="black")
    lines = ["各科室、各下属单位：", "    为丰富职工文化生活，经研究，定于四月十二日上午九时在",
             "市体育中心举行春季运动会，请各单位于四月五日前报送参赛名单。", "    特此通知。",
             "                                   办公室", "                                   二〇二四年三月二十日"]
    for i, line in enumerate(lines):
        d.text((200, 460 + i * 90), line, font=_font(44), fill="black")
    return img


def unruled_table_photo(rng_seed: int = 18) -> Image.Image:
    """A photo of a table printed without ruling lines: labels and numbers in columns, on grey paper,
    a little turned."""
    img = blank_page()
    d = ImageDraw.Draw(img)
    d.text((300, 200), "三、收到和处理政府信息公开申请情况", font=_font(52), fill="black")
    rows = [("一、本年新收政府信息公开申请数量", [21, 0, 0, 0, 0, 0, 21]),
            ("二、上年结转政府信息公开申请数量", [0, 0, 0, 0, 0, 0, 0]),
            ("（一）予以公开", [12, 0, 0, 0, 0, 0, 12]),
            ("（二）部分公开", [3, 0, 0, 0, 0, 0, 3]),
            ("四、结转下年度继续办理", [0, 0, 0, 0, 0, 0, 0])]
    for i, (label, values) in enumerate(rows):
        y = 400 + i * 110
        d.text((120, y), label, font=_font(38), fill="black")
        for j, v in enumerate(values):
            d.text((860 + j * 105, y), str(v), font=_font(38), fill="black")
    rng = random.Random(rng_seed)
    return _apply(img, [grey, skew, blur, jpeg50], rng)


def peer_cases() -> list[str]:
    return list(PEER_PDFS)


def ocr_full() -> bool:
    """The whole measure (every peer PDF, every degradation) runs only when asked for: it takes half an hour."""
    return os.environ.get("GKREPORT_OCR_FULL") == "1"
