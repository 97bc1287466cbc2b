"""PDFs with a text layer: tables from the ruling lines of each page, paragraphs from the text around them.

pdfplumber (on pdfminer.six) finds each table by its lines and cells, merged
cells included; a table that runs over a page break is two tables on two pages,
read one after the other. The text outside the tables is rejoined into
paragraphs: a PDF breaks lines where the page is full, the parser wants one line
per paragraph. Every output line keeps the page it came from.
"""

from __future__ import annotations

import io
import re
import statistics
from dataclasses import dataclass, field
from typing import Optional

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect

from . import ExtractError, ScannedPDF
from .grid import Layout

MAX_PAGES = 300  # a longer PDF is not one annual report (they run 4–20 pages)
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
                          r"|\d{1,3}\s*/\s*\d{1,3}|\d{1,3})\s*$")
_TRAILING_NUMBERS = re.compile(r"(?:\s+[-\d.,]+){2,}\s*$")  # a table row printed without ruling lines
_ASCII_WORD = re.compile(r"[A-Za-z]")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int


@dataclass
class _Table:
    grid: list[list[Optional[str]]]
    page: int
    rows: list = field(default_factory=list)  # pdfplumber rows: the cell boxes behind the grid

    @property
    def bbox(self) -> tuple:
        return (min(r.bbox[0] for r in self.rows), self.rows[0].bbox[1],
                max(r.bbox[2] for r in self.rows), self.rows[-1].bbox[3])

    def take(self, line: "_Line") -> bool:
        """Text inside the table's box but in no cell (a row drawn without its rulings) joins the row
        and column it sits in; False when it lies outside the table."""
        y = (line.top + line.bottom) / 2
        r = next((i for i, row in enumerate(self.rows) if row.bbox[1] <= y <= row.bbox[3]), None)
        if r is None or not self.bbox[0] <= (line.x0 + line.x1) / 2 <= self.bbox[2]:
            return False
        columns = sorted({c[0] for row in self.rows for c in row.cells if c})
        col = max([i for i, x in enumerate(columns) if x <= line.x0 + 1] or [0])
        cells = self.grid[r]
        cells[col] = f"{cells[col]} {line.text}" if cells[col] else line.text
        return True


def _open(data: bytes):
    try:
        return pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect:
        raise ExtractError("PDF 设有打开密码，无法读取", "the PDF needs a password") from None
    except Exception as e:  # pdfminer raises many types for a damaged file
        raise _damaged(e) from None


def _ruled(bbox: tuple, rulings: list[tuple]) -> bool:
    return any(r[1] - 2 <= (bbox[1] + bbox[3]) / 2 <= r[3] + 2 for r in rulings)


def _tables(page) -> list[_Table]:
    """The page's tables. Exporters (WPS) put a filled box behind every text line; those boxes line up
    into one-cell rows around the real tables, so single-cell rows at a table's edges that no drawn
    ruling encloses are text, not table."""
    rulings = [t.bbox for t in page.filter(_not_a_fill).find_tables()]
    found = []
    for t in page.find_tables():
        rows, grid = t.rows, t.extract()
        a, b = 0, len(rows)
        while a < b and sum(c is not None for c in rows[a].cells) == 1 and not _ruled(rows[a].bbox, rulings):
            a += 1
        while b > a and sum(c is not None for c in rows[b - 1].cells) == 1 and not _ruled(rows[b - 1].bbox, rulings):
            b -= 1
        rows, grid = rows[a:b], grid[a:b]
        if len(rows) >= 2 and max(len(r.cells) for r in rows) >= 2:  # a report table has rows and columns
            found.append(_Table(grid, page.page_number, rows))
    return found


def _inside(obj: dict, boxes: list[tuple]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)


def _not_a_fill(obj: dict) -> bool:
    """Filled boxes behind text lines and shaded cells are no rulings; thin ones are."""
    if obj.get("object_type") != "rect" or obj.get("stroke"):
        return True
    return min(obj["width"], obj["height"]) <= 2


def _page_blocks(page) -> list[tuple[float, object]]:
    """(top, block) for every text line and table on a page, in reading order."""
    tables = _tables(page)
    cells = [c for t in tables for row in t.rows for c in row.cells if c]
    rest = page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, cells)) if cells else page
    blocks: list[tuple[float, object]] = [(t.bbox[1], t) for t in tables]
    margin = page.height * 0.08
    for ln in rest.extract_text_lines(return_chars=False):
        text = ln["text"].strip()
        if not text:
            continue
        in_margin = ln["top"] < margin or ln["bottom"] > page.height - margin
        if _PAGE_NUMBER.match(text) and (in_margin or not text.isdigit()):
            continue  # page numbers are not report text
        line = _Line(text, ln["x0"], ln["x1"], ln["top"], ln["bottom"], page.page_number)
        if not any(t.take(line) for t in tables):
            blocks.append((ln["top"], line))
    blocks.sort(key=lambda b: b[0])
    return blocks


def _same_rows(a: list, b: list) -> bool:
    return [[c or "" for c in r] for r in a] == [[c or "" for c in r] for r in b]


def _drop_repeated_header(previous: Optional[list], grid: list) -> list:
    """Word repeats header rows on every page of a long table; read them once."""
    if not previous:
        return grid
    k = 0
    while k < min(len(previous), len(grid)) - 1 and _same_rows([previous[k]], [grid[k]]):
        k += 1
    return grid[k:] if k else grid


class _Paragraphs:
    """Rejoins wrapped lines: a new paragraph starts at an indent, after a short line or a gap."""

    def __init__(self, layout: Layout, left: float, right: float, em: float):
        self.layout, self.left, self.right, self.em = layout, left, right, em
        self.parts: list[_Line] = []

    def flush(self) -> None:
        if self.parts:
            text = self.parts[0].text
            for prev, ln in zip(self.parts, self.parts[1:]):
                glue = " " if _ASCII_WORD.match(ln.text[:1]) and _ASCII_WORD.match(prev.text[-1:]) else ""
                text += glue + ln.text
            self.layout.paragraph(text, self.parts[0].page)
            self.parts = []

    def add(self, ln: _Line) -> None:
        if self.parts and self._starts_new(self.parts[-1], ln):
            self.flush()
        self.parts.append(ln)

    def _starts_new(self, prev: _Line, ln: _Line) -> bool:
        if ln.x0 > self.left + 1.2 * self.em:
            return True  # indented first line, centred title
        if prev.x1 < self.right - 2 * self.em:
            return True  # the previous line ended early: its paragraph ended
        if prev.page == ln.page and ln.top - prev.bottom > 1.2 * self.em:
            return True
        return bool(_TRAILING_NUMBERS.search(prev.text) or _TRAILING_NUMBERS.search(ln.text))


def _measure(lines: list[_Line]) -> tuple[float, float, float]:
    """The text's left and right margins and its line height, from the lines outside tables."""
    if not lines:
        return 0.0, 0.0, 10.0
    xs0 = sorted(ln.x0 for ln in lines)
    xs1 = sorted(ln.x1 for ln in lines)
    # percentiles, not extremes: indents, centred titles and stray marks must not move the margins
    left = xs0[len(xs0) // 10]
    right = xs1[-1 - len(xs1) // 10]
    em = statistics.median(ln.bottom - ln.top for ln in lines)
    return left, right, em


def _damaged(e: Exception) -> ExtractError:
    return ExtractError(f"PDF 文件已损坏或不完整，无法读取（{type(e).__name__}）", f"damaged or truncated PDF: {e}")


def pdf_layout(data: bytes, ocr: bool = False) -> Layout:
    """The text layer's layout; ScannedPDF when no page has one (extract reads those by OCR). With
    ``ocr``, a page that is only a picture among pages with text is read by OCR: the layout is then a
    ScanLayout, with the cells its tables came from."""
    with _open(data) as pdf:
        try:
            pages = pdf.pages
            if len(pages) > MAX_PAGES:
                raise ExtractError(f"PDF 有 {len(pages)} 页，不像是一份年度报告（上限 {MAX_PAGES} 页）",
                                   f"{len(pages)} pages: too long for one annual report")
            if not any(p.chars for p in pages):
                from . import SCANNED

                raise ScannedPDF(*SCANNED)
            blocks, read = [], []
            for page in pages:
                if page.chars or not ocr or not page.images:
                    blocks.extend(_page_blocks(page))
                else:
                    read.append(_read_picture(data, page.page_number))
                    blocks.extend(read[-1].blocks(scale=72 / read[-1].dpi))
                page.flush_cache()  # keeps memory flat on long documents
        except ExtractError:
            raise
        except Exception as e:  # pdfminer raises many types for a damaged file
            raise _damaged(e) from None
    if not read:
        return blocks_layout(blocks)
    from .scan import Scan
    from .scan.layout import ScanLayout

    layout = blocks_layout(blocks, ScanLayout())
    layout.scan = Scan.of(layout, read)
    return layout


def _read_picture(data: bytes, number: int):
    from .scan.page import read_page
    from .scan.pages import DPI, pdf_pages

    page = read_page(next(pdf_pages(data, first=number - 1)), number)
    page.dpi = DPI
    return page


def blocks_layout(blocks: list[tuple[float, object]], layout: Optional[Layout] = None) -> Layout:
    """Lines and tables in reading order → the layout: wrapped lines rejoined into paragraphs, a
    header row repeated on the next page read once. Tables are a text layer's (``_Table``) or a
    scan's (scan.page.ReadTable, whose cells say where they were read: ``layout`` is then a ScanLayout)."""
    layout = layout if layout is not None else Layout()
    paragraphs = _Paragraphs(layout, *_measure([b for _, b in blocks if isinstance(b, _Line)]))
    previous_grid = None
    for _, block in blocks:
        if isinstance(block, _Line):
            paragraphs.add(block)
            previous_grid = None
            continue
        paragraphs.flush()
        texts = block.grid if isinstance(block, _Table) else block.texts
        kept = _drop_repeated_header(previous_grid, texts)
        if isinstance(block, _Table):
            layout.table(kept, block.page)
        else:
            layout.read_table(block.grid[len(texts) - len(kept):], block.page)
        previous_grid = texts
    paragraphs.flush()
    return layout
