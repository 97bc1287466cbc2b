"""Text normalisation, numbers, and the cell grid a table region is read into.

Three layouts reach the parser and all become the same list of ``Row``s:
tab-separated rows (PDF extracts), one cell per line with rows between blank
lines (DOCX extracts), and space-separated rows whose numbers trail the label
(other tools' PDF text).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Iterable, Optional, Union

# Word and PDF leftovers that are not part of the report.
ARTEFACTS = re.compile(r"\[bookmark:[^\]]*\]|\{\\[^}]*\}|\u200b|\ufeff")
_ARTEFACT_STARTS = ("[", "{", "\u200b", "\ufeff")  # every artefact begins with one of these
PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
                         r"|\d{1,3}\s*/\s*\d{1,3})\s*$")
_PAGE_MARKS = ("-", "—", "–", "－", "页", "/")  # a page number holds one: - 3 -, 第3页, 3/12
_QUOTE_MAP = {"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "「": '"', "」": '"'}
_QUOTES = str.maketrans(_QUOTE_MAP)
_SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"\*\*|__|^#+\s*|^\s*[-•·]\s+")


def clean(text: str) -> str:
    """Remove artefacts and unify line ends, keeping everything a reader sees."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    # a pass of ARTEFACTS tries its pattern at every character: far dearer than looking for their
    # first characters, and most texts have none
    if any(c in text for c in _ARTEFACT_STARTS):
        text = ARTEFACTS.sub("", text)
    return text


def squash(s: str) -> str:
    """The form labels are matched in: NFKC, no whitespace or markup, unified quotes."""
    # labels recur in every report and are worth caching; long text is not
    return _squash_label(s) if len(s) <= 120 else _squash(s)


@lru_cache(maxsize=32768)
def _squash_label(s: str) -> str:
    return _squash(s)


def _squash(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    # translate looks every character up in a dict, slow on long text: only when there is a quote to unify
    if any(q in s for q in _QUOTE_MAP):
        s = s.translate(_QUOTES)
    s = s.replace("**", "")
    return "".join(s.split())  # drops what re's \s+ would (both use str.isspace), faster


# whitespace between two CJK (non-ASCII) characters or between one and a digit: layout, not meant as a space
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f\s])|(?<=[^\x00-\x7f])\s+(?=\d)|(?<=\d)\s+(?=[^\x00-\x7f])")


def tidy(s: str) -> str:
    """One-line display form of printed text: collapsed spaces, none between CJK and digits."""
    # split/join collapses and trims exactly as re's \s+ would (both use str.isspace), faster
    s = " ".join(s.replace("**", "").split())
    # now the only whitespace left is single spaces: with none there is no gap to close
    return _CJK_GAP.sub("", s) if " " in s else s


_MARKUP_LEADS = ("#", "-", "•", "·")  # what a line opens with, after any indent, for _MARKUP's ^ branches


def strip_markup(line: str) -> str:
    # most lines hold no markup; _MARKUP has no fixed first character, so a pass of it tries
    # every branch at every character: skip it unless the line has something it could remove
    if "**" in line or "__" in line or line.lstrip()[:1] in _MARKUP_LEADS:
        line = _MARKUP.sub("", line)
    return line.strip()


# --- numbers ---------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_UNIT = re.compile(r"(万元|元|件|个|项|条|次|人次)$")
_BLANKS = {"-", "--", "—", "——", "–", "/", "\\", "\u2014", "×", "x", "X"}


class _Blank:
    """A cell the report marks as empty (a dash): its position is known, its value is not."""

    stored = None  # what the tables store for it (see Num.stored)

    def __repr__(self) -> str:
        return "BLANK"


BLANK = _Blank()

# A count, or a sum in 万元, never has more digits than this; with more, the value could not be
# stored exactly either (SQLite's integers stop at 19 digits, a float is exact to 15).
MAX_DIGITS = 15


class TooLong:
    """A cell printed with a number of more than MAX_DIGITS digits: its place in the row is known,
    its value is not kept (the tables leave the cell NULL, with a check)."""

    __slots__ = ("raw",)
    stored = None
    value = None

    def __init__(self, raw: str):
        self.raw = raw

    def __repr__(self) -> str:
        return f"TooLong({self.raw!r})"


Value = Union[float, _Blank, TooLong]


@dataclass(frozen=True)
class Num:
    value: float
    raw: str
    unit: Optional[str] = None
    # the value as the tables store it: an int when whole, so a fraction stays visible to the checks.
    # Worked out once here: parse_number is cached, and the same cells recur in every report.
    stored: Union[int, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stored", int(self.value) if float(self.value).is_integer() else self.value)


_PLAIN_INT = re.compile(r"\s*-?\d{1,15}\s*$")


@lru_cache(maxsize=65536)
def parse_number(cell: str) -> Union[Num, _Blank, TooLong, None]:
    """A cell's number, ``BLANK`` for a dash, ``TooLong`` for a number of too many digits, or None
    when the cell is text."""
    if _PLAIN_INT.match(cell):  # most cells: skip normalisation
        return Num(float(int(cell)), cell.strip())
    s = unicodedata.normalize("NFKC", cell).replace("\u2212", "-").replace("\u2014", "—")
    s = _SPACES.sub("", s)
    if not s:
        return None
    if s in _BLANKS:
        return BLANK
    unit = None
    m = _UNIT.search(s)
    if m and len(s) > len(m.group(1)):
        unit, s = m.group(1), s[: m.start()]
    if not _NUMBER.match(s):
        return None
    digits = s.lstrip("+-").split(".", 1)[0].replace(",", "")
    if len(digits) > MAX_DIGITS:
        return TooLong(cell.strip())
    return Num(float(s.replace(",", "")), cell.strip(), unit)


# --- rows ------------------------------------------------------------------


class Row:
    """One logical table row: its label text and its values, in printed order."""

    # a plain class: a report has fifty rows, and a dataclass's __init__ and __post_init__ were
    # two calls for each where one will do
    __slots__ = ("labels", "values", "line_no", "label")

    def __init__(self, labels: list[str], values: list[Union[Num, _Blank]], line_no: int):
        self.labels = labels
        self.values = values
        self.line_no = line_no
        # the squashed label rows are matched by: every table reader asks for it, some more than once
        self.label = squash("".join(labels))

    def __repr__(self) -> str:
        return f"Row({self.labels!r}, {self.values!r}, {self.line_no})"

    @property
    def numbers(self) -> list[Num]:
        return [v for v in self.values if isinstance(v, Num)]


@lru_cache(maxsize=65536)
def classify_cell(cell: str) -> tuple[Optional[str], tuple]:
    """A cell → (its label text, or None) and its values: a number, a dash, or several
    space-separated numbers. Cached: the same cells recur in every report."""
    label = cell.strip()
    if not label:
        return None, ()
    v = parse_number(label)
    if v is not None:
        return None, (v,)
    if " " in label:
        vals = tuple(parse_number(p) for p in label.split())
        if all(x is not None for x in vals):
            return None, vals
    return label, ()


def _split_trailing_numbers(line: str) -> tuple[str, list]:
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
    for label, vals in map(classify_cell, cells):  # (map calls the cache without a Python frame per cell)
        if label:
            labels.append(label)
        elif vals:
            values += vals
    if not labels and not values:
        return None
    return Row(labels, values, line_no)


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


def _page_number_lines(lines: list[str]) -> set[int]:
    """Indices of the lines that are page numbers."""
    # most table regions hold none of the characters a page number needs, and then no line need be
    # tried against PAGE_NUMBER: a third of the cost of reading a one-cell line of a Word table
    region = "\n".join(lines)
    if not any(mark in region for mark in _PAGE_MARKS):
        return set()
    return {i for i, line in enumerate(lines) if len(line) < 24 and PAGE_NUMBER.match(line)}


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
            if not line or line.isspace():  # (as `not line.strip()`, without making a string)
                if cells:
                    if r := _row(cells, start):
                        rows.append(r)
                    cells = []
                continue
            if not cells:
                start = first_line_no + i
            if not cells or line[0] == "\t":
                cells.append(line.lstrip("\t"))
            else:
                cells[-1] += line  # a cell wrapped inside the Word table
        if cells and (r := _row(cells, start)):
            rows.append(r)
        return rows

    for i, line in enumerate(lines):
        if not line or line.isspace() or (page_numbers and i in page_numbers):
            continue
        if "\t" in line:
            r = _row(line.split("\t"), first_line_no + i)
        else:
            label, vals = _split_trailing_numbers(line)
            r = Row([label] if label else [], vals, first_line_no + i) if label or vals else None
        if r:
            rows.append(r)
    return rows
