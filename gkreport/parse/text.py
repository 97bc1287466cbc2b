"""Text normalisation and numbers: the forms labels are matched in and cells are read in."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Iterable, Optional, Union

# Word and PDF leftovers that are not part of the report.
ARTEFACTS = re.compile(r"\[bookmark:[^\]]*\]|\{\\[^}]*\}|\u200b|\ufeff")
_ARTEFACT_STARTS = ("[", "{", "\u200b", "\ufeff")  # every artefact begins with one of these
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
Value = Union[float, _Blank]


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
def parse_number(cell: str) -> Union[Num, _Blank, None]:
    """A cell's number, ``BLANK`` for a dash, or None when the cell is text."""
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
    return Num(float(s.replace(",", "")), cell.strip(), unit)
