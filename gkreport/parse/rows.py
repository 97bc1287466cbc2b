"""The lines of a table region → ``Row``s: each row's label, its values in printed order, and, where
the layout shows them, its cells in place (so an empty cell keeps its column).

Three layouts reach here (markup tables are tab rows by now, ``markup.py``): tab-separated rows (PDF
and web-page extracts, pipe tables), one cell per line with rows between blank lines (Word saved
as text, DOCX extracts), and space-separated rows whose numbers trail the label (other tools' PDF
text, OCR), which keep no cell positions.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional, Union

from .. import template as T
from .text import BLANK, Num, _Blank, parse_number, squash

PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
                         r"|\d{1,3}\s*/\s*\d{1,3})\s*$")
_PAGE_MARKS = ("-", "—", "–", "－", "页", "/")  # a page number holds one: - 3 -, 第3页, 3/12
_RULE_GLYPHS = " |丨│"  # a table's rule read by OCR into a cell's edge
_LOOKALIKES = str.maketrans(T.OCR_LOOKALIKES)
_RULES_IN_LINE = frozenset("|丨│")
_RULES_AS_SPACE = str.maketrans("|丨│", "   ")


class _Empty:
    """A cell printed empty: its place in the row is known, its value is not."""

    stored = None

    def __repr__(self) -> str:
        return "EMPTY"


EMPTY = _Empty()
Value = Union[Num, _Blank]
Slot = Union[str, Num, _Blank, _Empty]  # a label, a number, a dash, an empty cell


_LOOKALIKE_CHARS = frozenset(T.OCR_LOOKALIKES)


def label_form(labels: Iterable[str]) -> str:
    """The form a row's label is matched in: squashed, OCR look-alikes (己 for 已) undone."""
    s = squash("".join(labels))
    return s if _LOOKALIKE_CHARS.isdisjoint(s) else s.translate(_LOOKALIKES)


class Row:
    """One logical table row: its label text, its values in printed order, and its cells where the
    layout shows each cell (None for space-separated text)."""

    # a plain class: a report has fifty rows, and a dataclass's __init__ and __post_init__ were
    # two calls for each where one will do
    __slots__ = ("labels", "values", "line_no", "label", "cells", "split_values", "block", "raw", "spans",
                 "open_end")

    def __init__(self, labels: list[str], values: list[Value], line_no: int,
                 cells: Optional[tuple] = None, split_values: Optional[list[Value]] = None, block: int = 0):
        self.labels = labels
        self.values = values
        self.line_no = line_no
        # the squashed label rows are matched by: every table reader asks for it, some more than once
        self.label = label_form(labels)
        self.cells = cells
        # a cell printed as several space-separated numbers ('1 288') reads as one number in
        # ``values`` (OCR breaks the digits of a wide cell) and as several here; the table's shape
        # says which reading it is
        self.split_values = split_values
        # rows between the same blank lines: a table that a page break (or an extractor) cut in two
        # is two blocks, each with its own columns
        self.block = block
        # the line as printed, for a row of space-separated text: where its numbers stand says
        # which column each is in (columns.py)
        self.raw: Optional[str] = None
        # one cell per line with no tab: how many value cells its line run spans, from its first
        # printed value to its last, empty cells between them included (None in other layouts).
        # When that is the table's width, every cell stands in its place.
        self.spans: Optional[int] = None
        self.open_end = False  # (and the cells after its last printed one are empty)

    def __repr__(self) -> str:
        return f"Row({self.labels!r}, {self.values!r}, {self.line_no})"

    @property
    def numbers(self) -> list[Num]:
        return [v for v in self.values if isinstance(v, Num)]

    def values_for(self, width: int) -> list[Value]:
        """The values, in the reading that gives the table's number of cells when one does."""
        if self.split_values is not None and len(self.values) != width and len(self.split_values) == width:
            return self.split_values
        return self.values


_DIGIT_GROUPS = re.compile(r"^[+-]?\d+(?: \d+)+$")


@lru_cache(maxsize=65536)
def classify_cell(cell: str) -> tuple[Optional[str], tuple, Optional[tuple]]:
    """A cell → (its label text, or None), its value (a number or a dash) and, for digits broken by
    spaces, the reading as several numbers. Cached: the same cells recur in every report."""
    text = cell.strip(_RULE_GLYPHS)
    if not text:
        return None, (), None
    parts = text.split()
    if len(parts) > 1 and _DIGIT_GROUPS.match(" ".join(parts)):
        # '1 288': one number whose digits OCR spaced apart, or numbers of several cells run together
        return None, (parse_number("".join(parts)),), tuple(parse_number(p) for p in parts)
    v = parse_number(text)
    if v is not None:
        return None, (v,), None
    if len(parts) > 1:
        vals = tuple(parse_number(p) for p in parts)
        if all(x is not None for x in vals):
            return None, vals, None
    return text.strip(), (), None


def split_trailing_numbers(line: str) -> tuple[str, list]:
    """'一、本年新收…数量 3001 53 0 0 61 4 3119' → label, then numbers."""
    parts = line.split()
    vals: list = []
    while parts:
        v = parse_number(parts[-1])
        if v is None:
            break
        vals.insert(0, v)
        parts.pop()
    # a label ending in a digit glued to text (e.g. '规章0') is left alone: too risky to split
    return " ".join(parts), vals


def _row(cells: Iterable[str], line_no: int) -> Optional[Row]:
    labels: list[str] = []
    values: list = []
    slots: list = []
    split: Optional[list] = None
    for label, vals, alt in map(classify_cell, cells):  # (map calls the cache without a Python frame per cell)
        if label:
            if not labels or labels[-1] != label:  # a merged cell repeated in every column it spans
                labels.append(label)
            slots.append(label)
        elif vals:
            if alt is not None and split is None:
                split = list(values)
            if split is not None:
                split += alt or vals
            values += vals
            slots += vals
        else:
            slots.append(EMPTY)
    if not labels and not values:
        return None
    return Row(labels, values, line_no, tuple(slots), split)


def is_cell_per_line(lines: list[str]) -> bool:
    """DOCX extracts put each cell on its own tab-led line; PDF extracts put a row on a line."""
    tabbed = multi = 0
    for ln in lines:
        if "\t" in ln:
            tabbed += 1
            # a second non-empty cell on the line means a row per line: that is a tab with text on
            # both sides, i.e. a tab left once the line is stripped (no need to split it into cells)
            multi += "\t" in ln.strip()
    return tabbed >= 3 and multi / tabbed < 0.2


_LONE_NUMBER = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?$")
_TRAILING_NUMBER = re.compile(r"\s[+-]?\d[\d,]*(?:\.\d+)?$")
# a line that opens a row's label: 一、 (三) 4. 1、 (a wrapped label's later lines open with none)
_LABEL_START = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d{1,2}[.、])")


def is_bare_cell_per_line(lines: list[str]) -> bool:
    """Word's plain-text export and pdftotext put every cell on a line of its own, with no tab: most
    numbers stand alone on their line, where other text prints a row's numbers after its label."""
    alone = other = tabbed = 0
    for ln in lines:
        if "\t" in ln:  # rows of cells (the usual table): settled at the third, with no pattern tried
            tabbed += 1
            if tabbed >= 3:
                return False
            continue
        s = ln.strip()
        if not s or not s[-1].isdigit() or len(s) > 80:
            continue
        if _LONE_NUMBER.match(s):
            alone += 1
        elif _TRAILING_NUMBER.search(s):
            other += 1
    return alone >= 6 and alone >= 3 * other


def _width(s: str) -> float:
    """The printed width of a line in full-width characters (an ASCII character is half of one)."""
    return len(s) - 0.5 * sum(1 for c in s if c < "\u1100")


# the cells the template prints whole: a line that is one of them opens a cell of its own, even
# where a wrapped label's line would be as wide
_WHOLE_CELLS = frozenset(squash(x) for x in (
    ("信息内容", "申请人情况", "法人或其他组织", "未经复议直接起诉", "复议后起诉")
    + tuple(m.label for m in T.ACTIVE_MEASURES) + tuple(i.label for i in T.ACTIVE_ITEMS)
    + tuple(label for _, label in T.APPLICANT_COLUMNS) + tuple(label for _, label in T.OUTCOMES)
    + T.TABLE4_HEADER_WORDS))
_WRAP_MAX = 24  # a wrapped table cell is narrower than this; a longer line is narrative


def _wrap_width(widths: list[float]) -> float:
    """The width the export wrapped labels at: the widest that at least three lines fill (a line
    with a wider character or two, or a narrative line, stands alone)."""
    narrow = sorted((w for w in widths if w <= _WRAP_MAX), reverse=True)
    for k, w in enumerate(narrow):
        if k + 2 < len(narrow) and narrow[k + 2] >= w - 0.5:
            return w
    return narrow[0] if narrow else _WRAP_MAX


def _keeps_empty_cells(lines: list[str]) -> bool:
    """Does the table print an empty cell as an empty line? It does where an empty line stands
    between two numbers (a row's cells); text that drops empty cells (pdftotext) never shows one."""
    number = gap = False  # a number seen, and an empty line after it
    for ln in lines:
        s = ln.strip()
        if not s:
            gap = number
        elif _LONE_NUMBER.match(s):
            if gap:
                return True
            number = True
        else:
            number = gap = False
    return False


def placed_cells(row: "Row", width: int) -> Optional[list]:
    """One cell per line with no tab: the row's ``width`` value cells in their places, empty ones
    included, where its lines settle them (they span the width, or the table keeps its empty cells
    as lines and the row's end is empty); else None."""
    spans = row.spans
    if not spans or not row.values or spans > width or (spans < width and not row.open_end):
        return None
    tail = list(row.cells[-spans:])
    if any(isinstance(c, str) for c in tail):
        return None
    return tail + [EMPTY] * (width - spans)


def _bare_rows(lines: list[str], first_line_no: int, page_numbers: set[int]) -> list[Row]:
    """One cell per line, no tab, rows maybe not even parted by blank lines. A row is its label and
    the run of numbers after it; the cells before its label (a header's) are rows of their own. A
    label wrapped over lines is one cell: a line as wide as the widest cell of the table was cut
    there, and the next goes on with it unless it opens with a number (一、 (三) 4.). A blank line
    between two numbers is an empty cell (each one). Where the table shows it keeps its empty cells
    so (Word's plain-text export), the empty lines between a label and its first number are empty
    cells too, and a row whose numbers end early ends in empty cells (``Row.open_end``); elsewhere
    a blank line parts rows or stands for a merged cell's slot, and holds no value."""
    rows: list[Row] = []
    labels: list[list[str]] = []  # the label cells since the last number, each its lines
    values: list[str] = []
    start = first_line_no
    blank = 0  # empty lines since the last number, or since the label
    keeps_empty = _keeps_empty_cells(lines)
    texts = [_width(s) for i, ln in enumerate(lines)
             if (s := ln.strip()) and not _LONE_NUMBER.match(s) and i not in page_numbers]
    # a line within one character of that width was cut there (an exporter counts a digit or a
    # point as a half or a whole character, as its font has it)
    wrap = _wrap_width(texts) - 1

    def flush() -> None:
        for cell in labels[:-1]:
            if r := _row(["".join(cell)], start):
                rows.append(r)
        cells = (["".join(labels[-1])] if labels else []) + values
        if cells and (r := _row(cells, start)):
            r.spans = len(values)
            r.open_end = keeps_empty
            rows.append(r)

    for i, line in enumerate(lines):
        if page_numbers and i in page_numbers:
            continue
        s = line.strip()
        if not s:
            blank += bool(values) or (keeps_empty and bool(labels))
            continue
        if _LONE_NUMBER.match(s) or classify_cell(s)[1] and classify_cell(s)[0] is None:
            if not labels and not values:
                start = first_line_no + i
            values += [""] * blank
            values.append(s)
            blank = 0
            continue
        blank = 0
        if values:
            flush()
            labels, values = [], []
        if not labels:
            start = first_line_no + i
        if labels and _width(labels[-1][-1]) >= wrap and not _LABEL_START.match(sq := squash(s)) \
                and sq not in _WHOLE_CELLS:
            labels[-1].append(s)
        else:
            labels.append([s])
    flush()
    return rows


def _page_number_lines(lines: list[str]) -> set[int]:
    """Indices of the lines that are page numbers."""
    # most table regions hold none of the characters a page number needs, and then no line need be
    # tried against PAGE_NUMBER: a third of the cost of reading a one-cell line of a Word table
    region = "\n".join(lines)
    if not any(mark in region for mark in _PAGE_MARKS):
        return set()
    # (pdfplumber's layout text centres it under many spaces)
    return {i for i, line in enumerate(lines) if len(line.strip()) < 24 and PAGE_NUMBER.match(line)}


def rows_from_lines(lines: list[str], first_line_no: int = 0) -> list[Row]:
    """Read a table region into rows, whatever its layout. Page-number lines are dropped."""
    rows: list[Row] = []
    page_numbers = _page_number_lines(lines)
    if is_cell_per_line(lines):
        cells: list[str] = []
        start = first_line_no
        for i, line in enumerate(lines):
            if page_numbers and i in page_numbers:
                continue
            if not line or (line.isspace() and "\t" not in line):  # a blank line ends the row; a lone tab is an empty cell
                if cells:
                    if r := _row(cells, start):
                        rows.append(r)
                    cells = []
                continue
            if not cells:
                start = first_line_no + i
            # spaces before a cell's tab are the copy's indentation of every line, not cell text
            cell = line.lstrip(" ")
            if not cells or cell[:1] == "\t":
                cells.append(cell.lstrip("\t"))
            else:
                cells[-1] += line  # a cell wrapped inside the Word table
        if cells and (r := _row(cells, start)):
            rows.append(r)
        return rows

    if is_bare_cell_per_line(lines):
        return _bare_rows(lines, first_line_no, page_numbers)
    block = 0
    for i, line in enumerate(lines):
        if not line or line.isspace() or (page_numbers and i in page_numbers):
            block += 1
            continue
        if "\t" in line:
            r = _row(line.split("\t"), first_line_no + i)
            if r:
                r.block = block
        else:
            if not _RULES_IN_LINE.isdisjoint(line):
                # OCR reads the table's rules as 丨 or |, glued to the cells or standing alone: a rule
                # parts cells as a space does (in its place, so the numbers keep their columns)
                line = line.translate(_RULES_AS_SPACE)
            label, vals = split_trailing_numbers(line)
            r = Row([label] if label else [], vals, first_line_no + i) if label or vals else None
            if r:
                r.raw = line
        if r:
            rows.append(r)
    return rows
