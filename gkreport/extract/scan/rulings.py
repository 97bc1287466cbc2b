"""Tables on a page image, from their ruling lines: OpenCV finds the lines, pdfplumber's table geometry
(the same code that reads text PDFs) turns them into cells.

Lines are what is left of the ink after an opening with a long thin kernel: a stroke of a
character is shorter than the kernel and goes, a ruling stays. Gaps that noise, blur or JPEG
leave in a line are closed when collinear pieces are joined.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

import cv2
import numpy as np
from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

MIN_LINE = 60  # px at 200 DPI (7.6 mm): longer than any stroke of a character in body text
JOIN = 12  # px: pieces of one line closer than this along it are one line
SNAP = 4  # px: lines this close across are one line
MIN_CELLS = 4  # fewer cells is a box around text, not a statistical table


@dataclass
class Cell:
    x0: float
    top: float
    x1: float
    bottom: float

    def holds(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.top <= y <= self.bottom


@dataclass
class Grid:
    """A table: its cells, and the rows × columns they are laid on (a merged cell covers several)."""

    cells: list[Cell]
    xs: list[float]  # column edges, left to right
    ys: list[float]  # row edges, top to bottom

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def slot(self, cell: Cell) -> tuple[int, int]:
        """(row, column) of a cell's top-left slot."""
        return _nearest(self.ys, cell.top), _nearest(self.xs, cell.x0)

    def holds(self, x: float, y: float) -> bool:
        x0, y0, x1, y1 = self.bbox
        return x0 <= x <= x1 and y0 <= y <= y1


def _nearest(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


INK_WINDOW = 51  # px: ink is what is darker than the paper around it, over about two characters
INK_CONTRAST = 20  # grey levels darker than that: grain and JPEG noise are not ink


def ink(grey: np.ndarray, window: int = INK_WINDOW) -> np.ndarray:
    """Dark pixels as 255, against the paper's local shade: grey or unevenly lit paper, and the white
    border a skewed scan leaves, are paper too."""
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, window, INK_CONTRAST)


def line_masks(bw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    horizontal = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (MIN_LINE, 1)))
    vertical = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, MIN_LINE)))
    return horizontal, vertical


def _edges(mask: np.ndarray, orientation: str) -> list[dict]:
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for x, y, w, h, _ in stats[1:n]:
        if orientation == "h":
            mid = y + h / 2
            out.append({"x0": float(x), "x1": float(x + w), "top": mid, "bottom": mid, "width": float(w),
                        "height": 0.0, "orientation": "h", "object_type": "line"})
        else:
            mid = x + w / 2
            out.append({"x0": mid, "x1": mid, "top": float(y), "bottom": float(y + h), "width": 0.0,
                        "height": float(h), "orientation": "v", "object_type": "line"})
    return out


def find_tables(grey: np.ndarray) -> list[Grid]:
    """The ruled tables of an upright, deskewed page, top to bottom."""
    horizontal, vertical = line_masks(ink(grey))
    edges = merge_edges(_edges(horizontal, "h") + _edges(vertical, "v"), SNAP, SNAP, JOIN, JOIN)
    edges = merge_edges(edges + _closing_edges(edges), SNAP, SNAP, JOIN, JOIN)
    # a line stops a pixel or two short of the one it meets: extend each by the join distance
    for e in edges:
        if e["orientation"] == "h":
            e["x0"] -= JOIN / 2
            e["x1"] += JOIN / 2
        else:
            e["top"] -= JOIN / 2
            e["bottom"] += JOIN / 2
    cells = intersections_to_cells(edges_to_intersections(edges, SNAP, SNAP))
    grids = []
    for table in cells_to_tables(cells):
        if len(table) < MIN_CELLS:
            continue
        boxes = [Cell(*c) for c in table]
        xs = _cluster(sorted({c.x0 for c in boxes} | {c.x1 for c in boxes}))
        ys = _cluster(sorted({c.top for c in boxes} | {c.bottom for c in boxes}))
        if len(xs) >= 3 and len(ys) >= 3:  # at least two rows and two columns
            grids.append(Grid(boxes, xs, ys))
    return sorted(grids, key=lambda g: g.bbox[1])


def _closing_edges(edges: list[dict]) -> list[dict]:
    """A table cut by a page break has no ruling where it is cut: its column lines just stop. Where
    two or more of them stop at one height, that height closes the table."""
    out = []
    verticals = [e for e in edges if e["orientation"] == "v"]
    horizontals = [e for e in edges if e["orientation"] == "h"]
    for end in ("top", "bottom"):
        for group in _groups(sorted(verticals, key=lambda e: e[end]), end):
            x0, x1 = min(e["x0"] for e in group), max(e["x0"] for e in group)
            if len(group) >= 2 and x1 - x0 >= 2 * MIN_LINE:
                y = median(e[end] for e in group)
                if any(abs(h["top"] - y) <= JOIN and h["x0"] <= x0 + JOIN and h["x1"] >= x1 - JOIN
                       for h in horizontals):
                    continue  # the table is closed there
                out.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0.0,
                            "orientation": "h", "object_type": "line"})
    return out


def _groups(edges: list[dict], key: str) -> list[list[dict]]:
    groups: list[list[dict]] = []
    for e in edges:
        if groups and e[key] - groups[-1][-1][key] <= JOIN:
            groups[-1].append(e)
        else:
            groups.append([e])
    return groups


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in values:
        if out and v - out[-1] <= SNAP:
            continue
        out.append(v)
    return out


def erase(grey: np.ndarray) -> np.ndarray:
    """The page with its ruling lines painted over in the paper's colour: the OCR reads what is between them."""
    horizontal, vertical = line_masks(ink(grey))
    lines = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))
    paper = int(np.median(grey))
    out = grey.copy()
    out[lines > 0] = paper
    return out
