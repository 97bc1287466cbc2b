"""Columns of a table printed as space-aligned text (pdftotext -layout, other tools' PDF text): which
column each number of a row stands in, by where it stands on the line.

A row that leaves cells empty prints fewer numbers than it has cells; their places on the line
still say which cells they are. The columns come from rows printing every number, else from the
header words over them; a number is placed only in the one column its extent overlaps, and a
row only when each of its numbers finds its own column, left to right.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional, Sequence

from .text import squash

_TOKEN = re.compile(r"\S+")
Span = tuple[int, int]  # display columns [start, end): a CJK character is two wide


def _width(ch: str) -> int:
    return 2 if ch > "\u1100" and unicodedata.east_asian_width(ch) in "WF" else 1


def token_spans(line: str) -> list[tuple[str, Span]]:
    """Each whitespace-separated token of a line with its display extent."""
    out = []
    col = pos = 0
    for m in _TOKEN.finditer(line):
        col += sum(_width(ch) for ch in line[pos:m.start()])
        w = sum(_width(ch) for ch in m.group())
        out.append((m.group(), (col, col + w)))
        col += w
        pos = m.end()
    return out


def value_spans(raw: str, n: int) -> list[Span]:
    """The extents of a row's last n tokens: its numbers."""
    return [span for _, span in token_spans(raw)[-n:]] if n else []


def from_complete_rows(raws: Sequence[str], width: int) -> Optional[list[Span]]:
    """Column extents from rows printing all ``width`` numbers: each column spans its numbers."""
    spans = [value_spans(r, width) for r in raws]
    if not spans:
        return None
    columns = [(min(s[k][0] for s in spans), max(s[k][1] for s in spans)) for k in range(width)]
    if any(a[1] > b[0] for a, b in zip(columns, columns[1:])):
        return None  # columns that overlap are no columns
    return columns


def from_headers(raws: Sequence[str], words: Sequence[str]) -> Optional[list[Span]]:
    """Column extents from header words printed over the columns, in order (each word once)."""
    found: dict[str, Span] = {}
    for raw in raws:
        for token, span in token_spans(raw):
            word = squash(token)
            if word in words and word not in found:
                found[word] = span
    if len(found) != len(words):
        return None
    columns = [found[w] for w in words]
    if any(a[0] >= b[0] for a, b in zip(columns, columns[1:])):
        return None
    return columns


SLACK = 2  # display columns a number may stand off its column (OCR and wrapping shift a line a little)


def place(raw: str, n: int, columns: Sequence[Span]) -> Optional[list[int]]:
    """The column of each of a row's n numbers, by overlap with the column extents, else the one
    column within ``SLACK`` of it; None unless each number finds exactly one column and they go left
    to right."""
    out = []
    for start, end in value_spans(raw, n):
        hits = [k for k, (a, b) in enumerate(columns) if start < b and a < end]
        if not hits:
            hits = [k for k, (a, b) in enumerate(columns) if start < b + SLACK and a - SLACK < end]
        if len(hits) != 1 or (out and hits[0] <= out[-1]):
            return None
        out.append(hits[0])
    return out


def header_sequence(raws: Sequence[str], words: Sequence[str], count: int) -> Optional[list[Span]]:
    """Column extents from header words that repeat (table 4's 结果维持 … under each proceeding):
    every such word of the header rows, left to right, when there are ``count`` of them."""
    spans = sorted(span for raw in raws for token, span in token_spans(raw) if squash(token) in words)
    if len(spans) != count or any(a[1] > b[0] for a, b in zip(spans, spans[1:])):
        return None
    return spans
