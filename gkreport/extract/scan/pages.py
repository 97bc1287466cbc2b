"""Page images from a scanned PDF or an image file, one at a time, grey, at about 200 DPI."""

from __future__ import annotations

import io
from typing import Iterator

import numpy as np

from .. import ExtractError

DPI = 200  # a character of body text is about 28 px high: what the OCR reads best, and half the work of 300
LONG_SIDE = 2400  # px: a photo larger than an A4 page at 200 DPI is brought down to about that
MAX_PIXELS = 100_000_000  # an image file larger than this is no page (a decompression bomb)


def pdf_pages(data: bytes, first: int = 0) -> Iterator[np.ndarray]:
    """The pages of a PDF from the ``first`` (counted from 0), rendered as they are asked for."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        for i in range(first, len(pdf)):
            page = pdf[i]
            yield np.asarray(page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L"))
            page.close()
    finally:
        pdf.close()


def image_pages(data: bytes) -> Iterator[np.ndarray]:
    """Every frame of an image file (a TIFF may hold a whole report), turned as its EXIF says."""
    from PIL import Image, ImageOps, ImageSequence

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        img = Image.open(io.BytesIO(data))
        frames = [ImageOps.exif_transpose(f.copy()) for f in ImageSequence.Iterator(img)]
    except Image.DecompressionBombError:
        raise ExtractError(f"图片超过 {MAX_PIXELS // 1_000_000} 百万像素，不像是一页扫描件",
                           "image too large for a scanned page") from None
    except Exception as e:  # PIL raises many types for a damaged file
        raise ExtractError(f"图片文件已损坏或无法识别（{type(e).__name__}）", f"damaged image file: {e}") from None
    for frame in frames:
        grey = frame.convert("L")
        scale = LONG_SIDE / max(grey.size)
        if scale < 0.8:
            grey = grey.resize((round(grey.width * scale), round(grey.height * scale)), Image.LANCZOS)
        yield np.asarray(grey)
