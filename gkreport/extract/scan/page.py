"""One page image → its tables (cells with the text the OCR read inside them) and its other lines of text.

The page is turned upright and levelled first (orient.py), its ruled tables found (rulings.py),
then read by the OCR (engine.py). Each box of text goes to the cell that holds its centre; a cell's
text is its boxes in reading order, and its confidence the lowest of theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median
from typing import Optional

import numpy as np

from ..pdf import _PAGE_NUMBER
from ..pdf import _Line as TextLine  # a line of text outside tables, as a text PDF's
from . import engine, orient, rulings

UPSIDE_DOWN_SCORE = 0.8  # a page read with a median confidence under this is tried upside down too
MARGIN = 0.08  # of the page's height: page numbers stand in the top and bottom margins
_NUMBER_TOKEN = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?$")
UNRULED_ROWS = 3  # lines with three or more numbers each, on a page without ruling lines: a table


@dataclass
class ReadCell:
    """A table cell as read: its text, the OCR's confidence, where it is (page, pixel box on the upright page)."""

    text: str
    score: float
    page: int
    box: tuple[int, int, int, int]  # x0, top, x1, bottom


@dataclass
class ReadTable:
    grid: list[list[Optional[ReadCell]]]  # rows × columns; a merged cell's text in its top-left slot
    page: int
    top: float

    @property
    def texts(self) -> list[list[Optional[str]]]:
        return [[c.text if c else None for c in row] for row in self.grid]


@dataclass
class ReadPage:
    number: int
    image: np.ndarray  # the upright, levelled page (grey)
    turned: int = 0  # degrees the page was turned to read it (0, 90, 180, 270)
    skew: float = 0.0  # degrees it was levelled by
    tables: list[ReadTable] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)
    boxes: int = 0  # lines of text the OCR found on the page
    unruled: bool = False  # it holds a table without ruling lines, whose numbers were not read
    dpi: int = 200  # of ``image``, which the cell boxes are in

    def blocks(self, scale: float = 1.0) -> list[tuple[float, object]]:
        """(top, block) of its lines and tables, in the units of the document's other pages (``scale``
        per pixel): a PDF's points when only some of its pages are pictures."""
        out: list[tuple[float, object]] = [(t.top * scale, t) for t in self.tables]
        height = self.image.shape[0]
        for ln in self.lines:
            in_margin = ln.top < MARGIN * height or ln.bottom > (1 - MARGIN) * height
            if _PAGE_NUMBER.match(ln.text) and (in_margin or not ln.text.strip().isdigit()):
                continue  # page numbers are not report text
            out.append((ln.top * scale, TextLine(ln.text, ln.x0 * scale, ln.x1 * scale, ln.top * scale,
                                                 ln.bottom * scale, ln.page)))
        return sorted(out, key=lambda b: b[0])


def read_page(grey: np.ndarray, number: int) -> ReadPage:
    ratio = orient.sideways(grey)
    tries = [1] if ratio > orient.SIDEWAYS else [0] if ratio < orient.UPRIGHT else [0, 1]
    page, boxes = max((_read_turned(grey, q, number) for q in tries), key=lambda r: _confidence(r[1]))
    if boxes and _confidence(boxes) < UPSIDE_DOWN_SCORE:
        turned = _read_turned(grey, page.turned // 90 + 2, number)
        if _confidence(turned[1]) > _confidence(boxes):
            page, boxes = turned
    _assemble(page, boxes)
    return page


def _confidence(boxes: list[engine.Box]) -> float:
    return median([b.score for b in boxes]) if boxes else 0.0


def _read_turned(grey: np.ndarray, quarters: int, number: int) -> tuple[ReadPage, list[engine.Box]]:
    """The page turned by a number of quarters (counter-clockwise), levelled and read."""
    quarters %= 4
    page, boxes = _read_level(np.ascontiguousarray(np.rot90(grey, quarters)) if quarters else grey, number)
    page.turned = 90 * quarters
    return page, boxes


def _read_level(grey: np.ndarray, number: int) -> tuple[ReadPage, list[engine.Box]]:
    angle = orient.skew(grey)
    level = orient.rotate(grey, angle)
    return ReadPage(number, level, skew=angle), engine.read(level)


def _assemble(page: ReadPage, boxes: list[engine.Box]) -> None:
    page.boxes = len(boxes)
    grids = rulings.find_tables(page.image)
    in_cell: dict[tuple[int, int], list[engine.Box]] = {}
    outside: list[engine.Box] = []
    for box in boxes:
        x, y = box.centre
        placed = False
        for g, grid in enumerate(grids):
            if grid.holds(x, y):
                c = next((i for i, cell in enumerate(grid.cells) if cell.holds(x, y)), None)
                if c is not None:
                    in_cell.setdefault((g, c), []).append(box)
                placed = True  # text on a ruling line itself is no cell's
                break
        if not placed:
            outside.append(box)
    for g, grid in enumerate(grids):
        rows: list[list[Optional[ReadCell]]] = [[None] * (len(grid.xs) - 1) for _ in range(len(grid.ys) - 1)]
        empty: dict[tuple[int, int], tuple] = {}
        for c, cell in enumerate(grid.cells):
            r, col = grid.slot(cell)
            if r >= len(rows) or col >= len(rows[0]):
                continue
            box = tuple(int(round(v)) for v in (cell.x0, cell.top, cell.x1, cell.bottom))
            found = in_cell.get((g, c))
            if found:
                rows[r][col] = ReadCell(_join(found), min(b.score for b in found), page.number, box)
            else:
                empty[(r, col)] = box
        _read_missed_numbers(page, rows, empty)
        page.tables.append(ReadTable(rows, page.number, grid.bbox[1]))
    page.lines = [_line(group, page.number) for group in _text_lines(outside)]
    page.unruled = _unruled_table(page)


def _numeric(cell: Optional[ReadCell]) -> bool:
    return cell is not None and all(_NUMBER_TOKEN.match(t) for t in cell.text.split())


def _read_missed_numbers(page: ReadPage, rows: list[list[Optional[ReadCell]]], empty: dict) -> None:
    """A cell left empty in a row of numbers, in a column of numbers: the page's detection may have
    missed a small digit (a lone 0 on a noisy scan). Such a cell is read again on its own; one that is
    really blank stays empty."""
    from .reread import read_cell

    numeric_rows = {r for r, row in enumerate(rows) if sum(map(_numeric, row)) >= 2}
    numeric_columns = {c for c in range(len(rows[0]) if rows else 0)
                       if sum(_numeric(row[c]) for row in rows) >= 2}
    for (r, c), box in empty.items():
        if r in numeric_rows and c in numeric_columns:
            again = read_cell(page.image, box)
            if again is not None:
                rows[r][c] = ReadCell(again[0], again[1], page.number, box)


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


def _text_lines(boxes: list[engine.Box]) -> list[list[engine.Box]]:
    """Boxes side by side on one line of the page, top to bottom, each line left to right."""
    lines: list[list[engine.Box]] = []
    for box in sorted(boxes, key=lambda b: b.centre[1]):
        y = box.centre[1]
        last = lines[-1] if lines else None
        if last and abs(median(b.centre[1] for b in last) - y) < 0.5 * (box.bottom - box.top):
            last.append(box)
        else:
            lines.append([box])
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def _join(boxes: list[engine.Box]) -> str:
    """A cell's boxes in reading order: line by line, left to right; a wrapped label joins up again."""
    return " ".join(" ".join(b.text for b in line) for line in _text_lines(boxes))


def _line(boxes: list[engine.Box], page: int) -> TextLine:
    return TextLine(" ".join(b.text for b in boxes), min(b.x0 for b in boxes), max(b.x1 for b in boxes),
                    min(b.top for b in boxes), max(b.bottom for b in boxes), page)
