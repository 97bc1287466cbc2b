"""Paragraphs and cell grids → the text layout the parser reads.

Every paged or structured format ends here, so the parser sees one layout: one
line per paragraph, one line of tab-separated cells per table row, a blank line
between blocks. A merged cell's text sits in its top-left slot and the slots it
covers stay empty, the way a PDF prints it; the parser drops empty cells and
reads rows by their labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

_SPACE = re.compile(r"[\s\u3000\xa0]+")
# a line break between two CJK characters is an artefact of wrapping, not a space
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def one_line(text: Optional[str]) -> str:
    """Cell or paragraph text on one line: tabs and breaks would split a row or a paragraph."""
    return _SPACE.sub(" ", text or "").strip()


def join_wrapped(text: str) -> str:
    """Text wrapped by a layout (HTML source lines): rejoin CJK, keep spaces between words."""
    return one_line(_CJK_GAP.sub("", text))


Grid = Sequence[Sequence[Optional[str]]]


def table_lines(grid: Grid) -> list[str]:
    """One tab-separated line per row, every row as wide as the table (an empty cell at the end of
    a row keeps its column); rows with no text at all are dropped."""
    width = max((len(row) for row in grid), default=0)
    lines = []
    for row in grid:
        cells = [one_line(c) for c in row]
        if any(cells):
            lines.append("\t".join(cells + [""] * (width - len(cells))))
    return lines


@dataclass
class Layout:
    """Blocks in reading order, with the page each line came from (for paged sources)."""

    lines: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)

    def _add(self, lines: list[str], page: int) -> None:
        if not lines:
            return
        if self.lines:
            self.lines.append("")
            self.pages.append(page)
        self.lines.extend(lines)
        self.pages.extend([page] * len(lines))

    def paragraph(self, text: str, page: int = 1) -> None:
        text = join_wrapped(text)
        if text:
            self._add([text], page)

    def table(self, grid: Grid, page: int = 1) -> None:
        self._add(table_lines(grid), page)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)
