"""A second, independent reading of one cell: the cell alone, inside its ruling lines, enlarged.

The first reading found the text on the whole page; this one crops the cell, leaves its lines
out, doubles its size and recognises it as one line. Two readings that agree are kept; two that
differ are a value the OCR is not sure of (gkreport/scanned.py).
"""

from __future__ import annotations

from typing import Optional

import cv2
import numpy as np

from . import engine

INSET = 5  # px inside the cell's box: the ruling lines stay out
PAD = 16  # px of paper around the enlarged text


def read_cell(image: np.ndarray, box: tuple[int, int, int, int]) -> Optional[str]:
    x0, top, x1, bottom = box
    crop = image[max(0, top + INSET):bottom - INSET, max(0, x0 + INSET):x1 - INSET]
    if crop.size == 0:
        return None
    crop = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    paper = int(np.median(crop))
    crop = cv2.copyMakeBorder(crop, PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=paper)
    boxes = engine.read(crop)
    if not boxes:
        return None
    return " ".join(b.text for b in sorted(boxes, key=lambda b: b.x0))
