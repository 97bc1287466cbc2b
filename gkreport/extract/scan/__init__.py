"""Scanned reports: page images read by OCR into the same layout as a PDF's text layer.

render → pages.py (PDF pages or image frames, grey, ~200 DPI); each page turned upright and
levelled (orient.py); its ruled tables found (rulings.py); read by RapidOCR (engine.py); boxes
put into cells (page.py); pages laid out as text for the parser (layout.py). What a value was
read from (page, cell, confidence) stays beside the text for gkreport/scanned.py.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from .. import ExtractError
from .layout import ScanLayout, build
from .page import ReadPage, read_page

MAX_PAGES = 60  # a scan longer than this is not one annual report (they run 4–20 pages)
PAGE_IMAGE_WIDTH = 800  # px: the page images kept for the site, about 100 DPI
PAGE_IMAGE_QUALITY = 50  # WebP: about 40 kB a page, the figures still legible


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

    @classmethod
    def of(cls, layout: ScanLayout, pages: list[ReadPage]) -> "Scan":
        return cls(layout, pages, [_page_image(p) for p in pages])

    @property
    def unruled_pages(self) -> list[int]:
        """Pages whose tables have no ruling lines."""
        return [p.number for p in self.pages if p.unruled]


def read_scan(pages: Iterable[np.ndarray]) -> Scan:
    read: list[ReadPage] = []
    for n, grey in enumerate(pages, start=1):
        if n > MAX_PAGES:
            raise ExtractError(f"扫描件超过 {MAX_PAGES} 页，不像是一份年度报告", f"more than {MAX_PAGES} scanned pages")
        read.append(read_page(grey, n))
    if not read or not any(p.boxes for p in read):
        pages_said = "这一页是空白页" if len(read) == 1 else f"共 {len(read)} 页，都是空白页"
        raise ExtractError(f"扫描件上没有可识别的文字（{pages_said}）", "no text found on the scanned pages (blank)")
    return Scan.of(build(read), read)


def _page_image(page: ReadPage) -> PageImage:
    from PIL import Image

    img = Image.fromarray(page.image)
    scale = PAGE_IMAGE_WIDTH / img.width
    small = img.resize((PAGE_IMAGE_WIDTH, max(1, round(img.height * scale))), Image.LANCZOS)
    buf = io.BytesIO()
    small.save(buf, "WEBP", quality=PAGE_IMAGE_QUALITY, method=4)
    return PageImage(page.number, small.width, small.height, page.turned, round(page.skew, 2), buf.getvalue())
