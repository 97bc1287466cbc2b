"""Read pages → the text layout every extractor gives the parser, with where each table cell came from.

Text outside tables is rejoined into paragraphs and tables are laid out row by row exactly as
for a PDF with a text layer (pdf.py's own code), so a table cut by a page break joins up the
same way. Beside each table line the layout keeps the cells it was made from (page, box,
confidence), for the values the parser reads from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..grid import Layout, one_line
from ..pdf import _PAGE_NUMBER, _drop_repeated_header, _Line, _measure, _Paragraphs
from .page import ReadCell, ReadPage, ReadTable

MARGIN = 0.08  # of the page's height: page numbers stand in the top and bottom margins


@dataclass
class ScanLayout(Layout):
    # line number → the cells of that table row, by tab position
    cells: dict[int, list[Optional[ReadCell]]] = field(default_factory=dict)

    def read_table(self, grid: list[list[Optional[ReadCell]]], page: int) -> None:
        rows = [(row, [one_line(c.text if c else None) for c in row]) for row in grid]
        rows = [(row, texts) for row, texts in rows if any(texts)]
        if not rows:
            return
        first = len(self.lines) + (1 if self.lines else 0)
        self._add(["\t".join(texts).rstrip("\t") for _, texts in rows], page)
        for i, (row, _) in enumerate(rows):
            self.cells[first + i] = list(row)


def build(pages: list[ReadPage]) -> ScanLayout:
    blocks: list[tuple[tuple[int, float], object]] = []
    for p in pages:
        height = p.image.shape[0]
        for t in p.tables:
            blocks.append(((p.number, t.top), t))
        for ln in p.lines:
            in_margin = ln.top < MARGIN * height or ln.bottom > (1 - MARGIN) * height
            if _PAGE_NUMBER.match(ln.text) and (in_margin or not ln.text.strip().isdigit()):
                continue
            blocks.append(((p.number, ln.top), ln))
    blocks.sort(key=lambda b: b[0])
    layout = ScanLayout()
    paragraphs = _Paragraphs(layout, *_measure([b for _, b in blocks if isinstance(b, _Line)]))
    previous: Optional[list] = None
    for _, block in blocks:
        if isinstance(block, _Line):
            paragraphs.add(block)
            previous = None
            continue
        assert isinstance(block, ReadTable)
        paragraphs.flush()
        texts = block.texts
        kept = _drop_repeated_header(previous, texts)
        layout.read_table(block.grid[len(texts) - len(kept):], block.page)
        previous = texts
    paragraphs.flush()
    return layout
