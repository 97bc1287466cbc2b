"""Split a report into its preamble and the six sections of the template.

Headings come in many styles (一、 / 1、 / （一） / indented / broken over two
lines) and the words of a heading also occur in sub-headings and in the
preamble, so every plausible heading line is scored and the best sequence in
template order (1 → 6) is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from ..model import Section
from ..template import SECTIONS, SectionDef
from .text import squash, strip_markup, tidy

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_PREFIX = re.compile(
    r"^(?:(?P<cn>[一二三四五六七八九十]{1,2})\s*[、.．,，]"
    r"|(?P<digit>\d{1,2})\s*(?:[、．]|\.(?!\d))"
    r"|[（(]\s*(?P<paren>[一二三四五六七八九十]{1,2}|\d{1,2})\s*[)）]"
    r"|第(?P<ordinal>[一二三四五六七八九十]{1,2})(?:部分|章)[、.．:：]?)\s*"
)
CUE_LINES = 30  # how far below a heading its table's first words must appear
MAX_HEADING = 40  # the preface names all six sections on one long line: that is not a heading


def cn_number(s: str) -> Optional[int]:
    if s.isdigit():
        return int(s)
    if s in CN_DIGITS:
        return CN_DIGITS[s]
    if len(s) == 2 and s[0] == "十":
        return 10 + CN_DIGITS.get(s[1], 0)
    if len(s) == 2 and s[1] == "十":
        return CN_DIGITS.get(s[0], 0) * 10
    return None


@dataclass
class Heading:
    line: int          # first line of the heading
    last_line: int     # last line (a heading broken over two lines)
    raw: str           # the heading line(s) as printed
    number: Optional[int]
    style: Optional[str]  # cn / digit / paren / ordinal / None
    rest: str          # squashed words after the number


@lru_cache(maxsize=16384)
def split_heading(line: str) -> tuple[Optional[int], Optional[str], str]:
    """A line's heading number, its style and its squashed words. Cached: the short lines it is
    asked about (headings, labels of tables printed without tabs) recur in every report."""
    s = strip_markup(line)
    m = _PREFIX.match(s)
    if not m:
        return None, None, squash(s)
    style = m.lastgroup  # each alternative of _PREFIX holds one named group: the one that matched
    return cn_number(m.group(style)), style, squash(s[m.end():])


_KEYWORDS = {sec.no: re.compile("|".join(f"(?:{k})" for k in sec.keywords)) for sec in SECTIONS}


@lru_cache(maxsize=4096)
def _named_sections(rest: str) -> tuple[SectionDef, ...]:
    """The template sections whose keywords the heading words ``rest`` hold, in template order.
    Cached: ``rest`` is a short label and the same headings recur in every report."""
    return tuple(sec for sec in SECTIONS if _KEYWORDS[sec.no].search(rest))


def heading_candidates(lines: list[str]) -> list[Heading]:
    """Lines that may be headings, and headings broken over two lines whose words name a section."""
    out = []
    longest = 2 * MAX_HEADING + 20
    for i, line in enumerate(lines):
        if "\t" in line or len(line) > longest:
            continue  # table cells and paragraphs are never headings
        end = line.rstrip()  # (blank exactly when line.strip() is)
        if not end or end.endswith(("。", "；", ";")):
            continue  # nor are blank lines and sentences
        number, style, rest = split_heading(line)
        if not rest or len(rest) > MAX_HEADING:
            continue
        out.append(Heading(i, i, line, number, style, rest))
        if _named_sections(rest):
            continue
        # a heading broken over two lines: '一、总体' + '情况'. Only a reading that names a section
        # is any use (split_free_sections takes one-line headings only), and the words of table
        # rows printed without tabs would otherwise make a two-line reading of almost every line.
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if j < len(lines) and "\t" not in lines[j] and len(lines[j]) <= MAX_HEADING:
            nxt = squash(lines[j])
            if nxt and len(rest + nxt) <= MAX_HEADING and _named_sections(rest + nxt) \
                    and split_heading(lines[j])[1] is None:
                out.append(Heading(i, j, strip_markup(line) + strip_markup(lines[j]), number, style, rest + nxt))
    return out




def _score(h: Heading, sec: SectionDef, lines: list[str], windows: dict) -> float:
    """How well ``h``, whose words name ``sec``, reads as that section's heading."""
    score = 1.0
    if h.number is not None:
        score += 4 if h.number == sec.no else -2
    if h.style == "cn":
        score += 2
    if len(h.rest) <= 14:
        score += 1
    if h.last_line != h.line:
        score -= 0.5  # prefer the one-line reading when both match
    if sec.cues:
        window = windows.get(h.last_line)
        if window is None:
            # the cue words are plain CJK: removing whitespace is normalisation enough
            # (str.split() drops exactly what re's \s matches, and faster)
            window = windows[h.last_line] = "".join("".join(lines[h.last_line + 1: h.last_line + CUE_LINES]).split())
        score += 4 if any(c in window for c in sec.cues) else -1
    return score


def find_headings(lines: list[str]) -> dict[int, Heading]:
    """The best-scoring sequence of section headings in template order."""
    scored = []
    windows: dict[int, str] = {}
    for h in heading_candidates(lines):
        for sec in _named_sections(h.rest):
            s = _score(h, sec, lines, windows)
            if s > 0:
                scored.append((h, sec.no, s))
    scored.sort(key=lambda t: (t[0].line, t[1]))
    # longest-path over candidates: lines strictly increasing, section numbers strictly increasing
    best: list[tuple[float, int]] = []
    for i, (h, no, s) in enumerate(scored):
        prev = max(((best[j][0], j) for j in range(i)
                    if scored[j][0].last_line < h.line and scored[j][1] < no), default=(0.0, -1))
        best.append((prev[0] + s, prev[1]))
    if not best:
        return {}
    i = max(range(len(best)), key=lambda k: best[k][0])
    chosen: dict[int, Heading] = {}
    while i >= 0:
        chosen[scored[i][1]] = scored[i][0]
        i = best[i][1]
    return chosen


def _body(lines: list[str]) -> str:
    # blank lines around a section go; the first line keeps its indent or tab (a table cell's mark)
    return "\n".join(lines).strip("\n").rstrip()


def split_sections(lines: list[str], headings: dict[int, Heading]) -> list[Section]:
    """Preamble (section 0) and each found section, its body kept whole with its paragraphs."""
    order = sorted(headings.items(), key=lambda kv: kv[1].line)
    first = order[0][1].line if order else len(lines)
    sections = [Section(0, "", _body(lines[:first]))]
    for k, (no, h) in enumerate(order):
        end = order[k + 1][1].line if k + 1 < len(order) else len(lines)
        sections.append(Section(no, tidy(strip_markup(h.raw)), _body(lines[h.last_line + 1: end])))
    return sections


def split_free_sections(lines: list[str]) -> list[Section]:
    """Pre-2019 reports: every top-level heading (一、…) is a section, mapped to the template where it fits."""
    heads = [h for h in heading_candidates(lines) if h.style in ("cn", "ordinal") and h.line == h.last_line]
    sections = [Section(0, "", _body(lines[: heads[0].line if heads else len(lines)]))]
    used: set[int] = set()
    for k, h in enumerate(heads):
        end = heads[k + 1].line if k + 1 < len(heads) else len(lines)
        no = next((s.no for s in SECTIONS if s.no not in used and any(re.search(w, h.rest) for w in s.keywords)),
                  None)
        if no:
            used.add(no)
        sections.append(Section(no, tidy(strip_markup(h.raw)), _body(lines[h.line + 1: end])))
    return sections
