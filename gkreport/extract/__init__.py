"""Bytes → text, one module per source format. Every extractor feeds the one parser.

Extractors return text in the layout the parser reads: one line per paragraph,
table rows as tab-separated cells on one line, a blank line between blocks.
The format is taken from the file's content when its first bytes say what it is
(sites serve Word-HTML as .doc, and .docx renamed from .doc), else from its suffix.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Iterable, Optional

if TYPE_CHECKING:
    import numpy as np

    from .scan import Scan


class ExtractError(Exception):
    """A file that cannot be read as a report. ``message`` is Chinese, ``english`` its translation."""

    def __init__(self, message: str, english: str = ""):
        super().__init__(message)
        self.message = message
        self.english = english


class ScannedPDF(ExtractError):
    """A PDF or image file of page pictures, not read by OCR (``--no-ocr``): ingest stores it as an
    error report with what its file name says."""


@dataclass
class Extracted:
    text: str
    source_format: str
    encoding: str | None = None
    # the page each line of ``text`` came from (PDF), so a table can say where it was found
    line_pages: list[int] | None = None
    # a scan read by OCR: the cells each table line came from, the pages and their images
    scan: Optional["Scan"] = None


TEXT_SUFFIXES = {".txt": "txt", ".md": "md", ".text": "txt", ".markdown": "md"}
DOCUMENT_SUFFIXES = {".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
                     ".docx": "docx", ".pdf": "pdf", ".doc": "doc", ".wps": "wps",
                     ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image"}
ARCHIVE_SUFFIXES = {".zip": "zip"}


def report_suffixes() -> set[str]:
    """Suffixes of files that hold one report."""
    return set(TEXT_SUFFIXES) | set(DOCUMENT_SUFFIXES)


def supported_suffixes() -> set[str]:
    return report_suffixes() | set(ARCHIVE_SUFFIXES)


def sniff(data: bytes) -> str | None:
    """The format the content declares, whatever the file is called."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf"):
        return "pdf"
    if data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff" or data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image"
    if head.startswith(b"pk\x03\x04"):
        return "docx" if b"word/" in data[:1 << 16] or b"[content_types].xml" in data[:1 << 16].lower() else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<meta", b"<body", b"<div", b"<p")):
        return "html"
    return None


def format_of(name: str, data: bytes) -> str | None:
    suffix = os.path.splitext(name)[1].lower()  # (as PurePath(name).suffix, a fifth of the time: once per file)
    if suffix in TEXT_SUFFIXES:
        return TEXT_SUFFIXES[suffix]
    declared = DOCUMENT_SUFFIXES.get(suffix) or ARCHIVE_SUFFIXES.get(suffix)
    found = sniff(data)
    if declared == "wps" and found == "doc":
        return "wps"
    if declared == "zip" and found == "docx":
        return "zip"  # an archive of Word files
    return found or declared


SCANNED = ("扫描件，没有文本层：页面是图片，未做文字识别（去掉 --no-ocr 即可识别）",
           "scanned pages without a text layer, not read (--no-ocr)")


def extract(name: str, data: bytes, *, ocr: bool = True) -> Extracted:
    """One report file's text. A zip archive with exactly one report is read as that report.
    Page images (a PDF without a text layer, an image file) are read by OCR unless ``ocr`` is False."""
    fmt = format_of(name, data)
    if fmt in ("txt", "md"):
        from .text import decode

        text, encoding = decode(data, name)
        return Extracted(text, fmt, encoding)
    if fmt == "html":
        from .html import html_text

        return Extracted(html_text(data, name), "html")
    if fmt == "docx":
        from .docx import docx_text

        return Extracted(docx_text(data), "docx")
    if fmt == "pdf":
        from .pdf import pdf_layout

        try:
            layout = pdf_layout(data, ocr=ocr)
        except ScannedPDF:
            if not ocr:
                raise
            from .scan.pages import pdf_pages

            return _scanned(pdf_pages(data), "pdf")
        # some of its pages pictures, read by OCR: their scan (None for a text PDF)
        return Extracted(layout.text, "pdf", None, layout.pages, getattr(layout, "scan", None))
    if fmt == "image":
        if not ocr:
            raise ScannedPDF(*SCANNED)
        from .scan.pages import image_pages

        return _scanned(image_pages(data), "image")
    if fmt in ("doc", "wps"):
        from .legacy import legacy_text

        return Extracted(legacy_text(data, PurePath(name).suffix.lower() or ".doc"), fmt)
    if fmt == "zip":
        return _single_member(name, data, ocr)
    suffix = PurePath(name).suffix.lower()
    raise ExtractError(f"不支持的文件类型「{suffix or '无扩展名'}」", f"unsupported file type {suffix!r}")


def _scanned(pages: Iterable["np.ndarray"], fmt: str) -> Extracted:
    from .scan import read_scan

    scan = read_scan(pages)
    return Extracted(scan.layout.text, fmt, None, scan.layout.pages, scan)


def _single_member(name: str, data: bytes, ocr: bool) -> Extracted:
    from .archive import members

    found = list(members(name, data, report_suffixes()))
    readable = [m for m in found if m.data is not None]
    if len(readable) != 1:
        raise ExtractError(f"压缩包中有 {len(readable)} 份可读的报告，请用 gkreport ingest 逐份入库",
                           f"the archive holds {len(readable)} readable reports: use gkreport ingest")
    return extract(readable[0].path, readable[0].data, ocr=ocr)
