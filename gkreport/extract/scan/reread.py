"""A second, independent reading of one cell: the cell's ink alone, cut out inside its ruling lines,
enlarged, and recognised as one line of text.

The first reading found the text on the whole page (detection, then recognition); this one skips
detection, which misses a lone narrow digit such as 1 on a noisy page. Two readings that agree
are kept; two that differ are a value the OCR is not sure of (gkreport/scanned.py). A cell of
numbers the first reading found empty is read this way too (page.py).
"""

from __future__ import annotations

from typing import Optional

import cv2
import numpy as np

from . import engine
from .rulings import ink

INSET = 5  # px inside the cell's box: the ruling lines stay out
MIN_SPOT = 12  # px: ink smaller than this is dust or grain, not a stroke
HEIGHT = 48  # px: the height the recognition model reads


def read_cell(image: np.ndarray, box: tuple[int, int, int, int]) -> Optional[tuple[str, float]]:
    """The cell's text and its confidence; None when the cell holds no ink or nothing is read."""
    x0, top, x1, bottom = box
    crop = image[max(0, top + INSET):bottom - INSET, max(0, x0 + INSET):x1 - INSET]
    if crop.shape[0] < 8 or crop.shape[1] < 8:
        return None
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink(crop, 31), connectivity=8)
    spots = [s for s in stats[1:n] if s[cv2.CC_STAT_AREA] >= MIN_SPOT]
    if not spots:
        return None  # a blank cell
    left = min(s[0] for s in spots)
    right = max(s[0] + s[2] for s in spots)
    upper = min(s[1] for s in spots)
    lower = max(s[1] + s[3] for s in spots)
    text = crop[upper:lower, left:right]
    pad = max(2, text.shape[0] // 3)  # a third of the text's height all round: what a detected line looks like
    scale = HEIGHT / (text.shape[0] + 2 * pad)
    paper = int(np.median(crop))
    text = cv2.copyMakeBorder(text, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=paper)
    text = cv2.resize(text, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
    return engine.recognise(text)
