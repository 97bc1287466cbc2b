"""The lines of a report's source around a cell, for a person to read the value off.

The source file is read again (it is found by its path and checked by its sha256) and parsed again,
so the lines are the ones the parser read and the rows are placed where the parser placed them;
without the file, the text kept in the database (the sections) stands in. A scan is not read again:
its lines are the text its OCR read (the sections), and its pages are written out as images for the
person to look at — those the database keeps (scan_pages), else rendered from the file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from ..extract import ExtractError, ScannedPDF, extract
from ..locations import Cell
from ..parse import parse_report
from ..parse.tables.table2 import _match_item  # the parser's own placing of rows, not a copy of it
from ..parse.tables.table3 import _Aligned, _assign_rows
from ..parse.rows import rows_from_lines
from ..parse.text import clean
from ..source_file import read_source

PAGE_DPI = 100  # enough to read a table's numbers on a screen
MAX_PAGES = 40


@dataclass
class SourceText:
    origin: str  # where the lines come from, in words
    lines: list[str] = field(default_factory=list)
    line_pages: Optional[list[int]] = None
    # (table, row) → the lines its label and numbers are on (first, end): one line when a row is printed
    # on a line, several when each cell is on a line of its own (Word tables)
    row_lines: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    table_lines: dict[str, tuple[int, int]] = field(default_factory=dict)  # table → (first, end)
    page_images: list[str] = field(default_factory=list)
    cell_pages: dict[str, int] = field(default_factory=dict)  # location → page, for values read from a scan

    def span_of(self, cell: Cell) -> Optional[tuple[int, int]]:
        found = self.row_lines.get((cell.table, cell.row))
        if found is None and cell.table in self.table_lines:
            first = self.table_lines[cell.table][0]
            return first, first + 1  # the row was not read: show where its table starts
        return found

    def line_of(self, cell: Cell) -> Optional[int]:
        span = self.span_of(cell)
        return span[0] if span else None

    def around(self, cell: Cell, context: int) -> list[tuple[int, str, bool]]:
        """(line number from 1, text, is one of the row's lines) for the row's lines and those around them."""
        span = self.span_of(cell)
        if span is None:
            return []
        first, last = max(0, span[0] - context), min(len(self.lines), span[1] + context)
        return [(n + 1, self.lines[n].replace("\t", "  ").rstrip(), span[0] <= n < span[1])
                for n in range(first, last)]

    def page_of(self, cell: Cell) -> Optional[int]:
        if cell.location in self.cell_pages:
            return self.cell_pages[cell.location]  # read from a scan: the page its OCR read it on
        at = self.line_of(cell)
        if self.line_pages and at is not None and at < len(self.line_pages):
            return self.line_pages[at]
        return None


_TABLE_OF = {"table2": "active_disclosure", "table3": "request_stats", "table4": "appeal_stats"}


@dataclass
class Scan:
    """What the database keeps of a scan: its pages as read (scan_pages) and where each value was read (ocr_cells)."""

    pages: list[tuple[int, bytes]] = field(default_factory=list)  # (page, WebP image)
    cell_pages: dict[str, int] = field(default_factory=dict)  # location → page


def source_text(report: dict, sections: list[tuple], roots: Iterable[Path], images_dir: Optional[Path],
                scan: Optional[Scan] = None) -> SourceText:
    """The report's lines, from its file when it is found, else from the sections stored; for a scan, the
    text its OCR read (kept in the sections) and images of its pages."""
    scan = scan or Scan()
    data = read_source(report, roots)
    scanned = bool(scan.pages)
    if data is not None:
        try:
            extracted = extract(report["source_path"], data, ocr=False)  # a scan is not read again
            return _placed(SourceText(f"文件 {report['source_path']}", line_pages=extracted.line_pages),
                           extracted.text)
        except ScannedPDF:
            scanned = True
        except ExtractError:
            pass
    text = "\n".join(part for heading, body in sections for part in (heading, body) if part)
    if scanned:
        origin = f"扫描件 {report['source_path'] or ''}：" + ("文字识别（OCR）读出的文字，请对照页面图片" if text.strip()
                                                         else "没有识别出文字，请看页面图片")
    else:
        where = f" {report['source_path']}" if report.get("source_path") else ""
        origin = f"数据库中保存的正文（找不到原文件{where}）"
    out = _placed(SourceText(origin), text)
    out.cell_pages = scan.cell_pages
    if scanned:
        out.page_images = _page_images(scan.pages, data, report["id"], images_dir)
    return out


def _placed(out: SourceText, text: str) -> SourceText:
    out.lines = clean(text).split("\n")
    try:
        parsed = parse_report(text)
    except ExtractError:
        return out
    for name, (first, end) in parsed.tables.regions.items():
        table = _TABLE_OF.get(name)
        if table is None:
            continue
        out.table_lines[table] = (first, end)
        rows = rows_from_lines(out.lines[first:end], first)
        starts = [row.line_no for row in rows] + [end]
        span = {row.line_no: (row.line_no, _last_filled(out.lines, row.line_no, nxt)) for row, nxt in zip(rows, starts[1:])}
        if table == "request_stats":
            for a in _assign_rows(rows, [], _Aligned(rows)):
                out.row_lines.setdefault((table, a.key), span[a.row.line_no])
        elif table == "active_disclosure":
            for row in rows:
                item = _match_item(row.label)
                if item and row.values:
                    out.row_lines.setdefault((table, item.key), span[row.line_no])
        else:  # table 4 prints its fifteen numbers as one row
            numbers = [span[row.line_no] for row in rows if row.values]
            if numbers:
                for proceeding in ("review", "litigation_direct", "litigation_after_review"):
                    out.row_lines[(table, proceeding)] = (numbers[0][0], numbers[-1][1])
    return out


def _last_filled(lines: list[str], start: int, stop: int) -> int:
    """The end of a row's lines: up to the next row, without the blank lines before it."""
    end = max(start + 1, stop)
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _page_images(pages: list[tuple[int, bytes]], data: Optional[bytes], report_id: str,
                 folder: Optional[Path]) -> list[str]:
    """A scan's pages as image files in ``folder`` (made if need be): the pages kept in the database as
    they were read (upright, levelled), else the source file's pages rendered. Their paths."""
    if folder is None:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    if pages:
        for number, image in pages[:MAX_PAGES]:
            path = folder / f"{report_id}-第{number}页.webp"
            path.write_bytes(image)
            paths.append(str(path))
        return paths
    if data is None:
        return []
    for number, picture in enumerate(_pictures(data), 1):
        path = folder / f"{report_id}-第{number}页.png"
        picture.save(path, "PNG")
        paths.append(str(path))
    return paths


def _pictures(data: bytes):
    """The pages of a PDF, or the one picture an image file is, as PIL images."""
    import pypdfium2 as pdfium  # installed with pdfplumber

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as picture:
                yield picture.convert("RGB")
        except (UnidentifiedImageError, OSError):
            return
        return
    try:
        for number in range(min(len(pdf), MAX_PAGES)):
            yield pdf[number].render(scale=PAGE_DPI / 72).to_pil()
    finally:
        pdf.close()
