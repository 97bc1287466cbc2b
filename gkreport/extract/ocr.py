"""Scanned PDFs (--ocr): page images read by tesseract's Chinese model.

pypdfium2 (installed with pdfplumber) renders each page; the tesseract command
reads it as one block of text (--psm 6), which keeps a table row on one line with
its numbers after the label, a layout the parser reads. OCR text is not exact:
what the parser cannot place is flagged, never guessed.
"""

from __future__ import annotations

import io
import shutil
import subprocess

from . import ExtractError
from .grid import Layout

DPI = 200  # ~28 px per character of body text: enough for tesseract, half the time of 300
TIMEOUT = 300  # seconds per page
MISSING = ("扫描件，没有文本层；--ocr 需要安装 tesseract 及其中文数据"
           "（apt-get install tesseract-ocr tesseract-ocr-chi-sim）")
MISSING_EN = "scanned PDF: --ocr needs tesseract with Chinese data (tesseract-ocr, tesseract-ocr-chi-sim)"


def _tesseract() -> str:
    exe = shutil.which("tesseract")
    if exe is None:
        raise ExtractError(MISSING, MISSING_EN)
    langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=60).stdout.split()
    if "chi_sim" not in langs:
        raise ExtractError(MISSING, MISSING_EN)
    return exe


def ocr_layout(data: bytes) -> Layout:
    import pypdfium2 as pdfium

    exe = _tesseract()
    layout = Layout()
    pdf = pdfium.PdfDocument(data)
    try:
        for number in range(len(pdf)):
            png = io.BytesIO()
            pdf[number].render(scale=DPI / 72).to_pil().convert("L").save(png, "PNG")
            done = subprocess.run([exe, "stdin", "stdout", "-l", "chi_sim", "--psm", "6"], input=png.getvalue(),
                                  capture_output=True, timeout=TIMEOUT)
            for line in done.stdout.decode("utf-8", "replace").splitlines():
                layout.paragraph(line, number + 1)
    finally:
        pdf.close()
    if not layout.lines:
        raise ExtractError("扫描件，OCR 没有识别出文字", "OCR read no text from the scanned PDF")
    return layout
