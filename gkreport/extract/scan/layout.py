"""Read pages → the text layout every extractor gives the parser, with where each table cell came from.

Text outside tables is rejoined into paragraphs and tables are laid out row by row by pdf.py's
own code, so a table cut by a page break joins up as it does in a text PDF. Beside each table
line the layout keeps the cells it was made from (page, box, confidence), for the values the
parser reads from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from ..grid import Layout, one_line
from .page import ReadCell, ReadPage

if TYPE_CHECKING:
    from . import Scan


@dataclass
class ScanLayout(Layout):
    # line number → the cells of that table row, by tab position
    cells: dict[int, list[Optional[ReadCell]]] = field(default_factory=dict)
    scan: Optional["Scan"] = None  # for a PDF with some pages pictures: those pages as read

    def read_table(self, grid: list[list[Optional[ReadCell]]], page: int) -> None:
        rows = [(row, [_fix_label(one_line(c.text if c else None)) for c in row]) for row in grid]
        rows = [(row, texts) for row, texts in rows if any(texts)]
        if not rows:
            return
        first = len(self.lines) + (1 if self.lines else 0)
        self._add(["\t".join(texts).rstrip("\t") for _, texts in rows], page)
        for i, (row, _) in enumerate(rows):
            self.cells[first + i] = list(row)


# words of the template's labels that PP-OCR reads with a look-alike character (予 as 子, on the
# degraded peers): put right so that the parser knows the row
LABEL_MISREADINGS = {"子以公开": "予以公开", "不子": "不予"}


def _fix_label(text: str) -> str:
    if "子" in text:  # (the one look-alike so far)
        for wrong, right in LABEL_MISREADINGS.items():
            text = text.replace(wrong, right)
    return text


def build(pages: list[ReadPage]) -> ScanLayout:
    from ..pdf import blocks_layout

    blocks = [b for p in pages for b in p.blocks()]
    layout = blocks_layout(blocks, ScanLayout())
    assert isinstance(layout, ScanLayout)
    return layout
