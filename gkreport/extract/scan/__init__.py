"""Scanned reports: page images read by OCR into the same layout as a PDF's text layer.

render → pages.py (PDF pages or image frames, grey, ~200 DPI); each page turned upright and
levelled (orient.py); its ruled tables found (rulings.py); read by RapidOCR (engine.py); boxes
put into cells (page.py); pages laid out as text for the parser (layout.py). What a value was
read from (page, cell, confidence) stays beside the text for gkreport/scanned.py.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from .. import ExtractError
from .layout import ScanLayout, build
from .page import ReadPage, read_page

MAX_PAGES = 60  # a scan longer than this is not one annual report (they run 4–20 pages)
PAGE_IMAGE_WIDTH = 800  # px: the page images kept for the site, about 100 DPI
PAGE_IMAGE_QUALITY = 50  # WebP: about 40 kB a page, the figures still legible
_NUMBER_TOKEN = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?$")
UNRULED_ROWS = 3  # lines with three or more numbers each, on a page without ruling lines: a table


@dataclass
class PageImage:
    page: int
    width: int
    height: int
    turned: int  # degrees the page was turned to read it
    skew: float  # degrees it was levelled by
    webp: bytes


@dataclass
class Scan:
    layout: ScanLayout
    pages: list[ReadPage]  # as read, with their full-size images, for cells read a second time
    images: list[PageImage] = field(default_factory=list)
    unruled_pages: list[int] = field(default_factory=list)  # pages whose tables have no ruling lines


def read_scan(pages: Iterable[np.ndarray]) -> Scan:
    read: list[ReadPage] = []
    for n, grey in enumerate(pages, start=1):
        if n > MAX_PAGES:
            raise ExtractError(f"扫描件超过 {MAX_PAGES} 页，不像是一份年度报告", f"more than {MAX_PAGES} scanned pages")
        read.append(read_page(grey, n))
    if not read or not any(p.boxes for p in read):
        pages_said = "这一页是空白页" if len(read) == 1 else f"共 {len(read)} 页，都是空白页"
        raise ExtractError(f"扫描件上没有可识别的文字（{pages_said}）", "no text found on the scanned pages (blank)")
    unruled = [p.number for p in read if _unruled_table(p)]
    return Scan(build(read), read, [_page_image(p) for p in read], unruled)


def _unruled_table(page: ReadPage) -> bool:
    """A page without ruling lines whose lines carry rows of numbers: a table whose columns can't be
    told for sure. Its numbers are taken out of the text (the parser would place them by count alone)
    and the page is named in a check."""
    if page.tables:
        return False
    rows = [ln for ln in page.lines if sum(bool(_NUMBER_TOKEN.match(t)) for t in ln.text.split()) >= 3]
    if len(rows) < UNRULED_ROWS:
        return False
    for ln in rows:
        ln.text = " ".join(t for t in ln.text.split() if not _NUMBER_TOKEN.match(t))
    return True


def _page_image(page: ReadPage) -> PageImage:
    from PIL import Image

    img = Image.fromarray(page.image)
    scale = PAGE_IMAGE_WIDTH / img.width
    small = img.resize((PAGE_IMAGE_WIDTH, max(1, round(img.height * scale))), Image.LANCZOS)
    buf = io.BytesIO()
    small.save(buf, "WEBP", quality=PAGE_IMAGE_QUALITY, method=4)
    return PageImage(page.number, small.width, small.height, page.turned, round(page.skew, 2), buf.getvalue())
