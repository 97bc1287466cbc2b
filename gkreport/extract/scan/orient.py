"""Turning a page upright: a quarter turn when its lines run down the page, and the small skew of a
sheet laid crooked on the scanner.

Both come from the ink's row profile: lines of text (and ruling lines) give sharp peaks and
valleys when the page lies straight, a blur when it does not. A half turn (upside down) looks as
straight as upright; the OCR's confidence tells those two apart (see page.read_page).
"""

from __future__ import annotations

import cv2
import numpy as np

from .rulings import ink

WORK_WIDTH = 600  # px: the page is measured small; a skew of 0.1° still moves a line across it by a pixel
EDGE = 0.04  # of each side, left out of the measure
MAX_SKEW = 5.0  # degrees tried either way
# how much sharper the crosswise profile is: the peers' pages measure 0.13–0.61 upright (clean and
# degraded), 1.78–7.57 on their side; in between, the OCR's confidence decides (page.read_page)
SIDEWAYS = 1.5
UPRIGHT = 0.8


def _small_ink(grey: np.ndarray) -> np.ndarray:
    scale = WORK_WIDTH / max(grey.shape)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = small.shape
    # the edges of the sheet (and the corners a crooked scan fills in) are no lines of the page
    my, mx = int(h * EDGE), int(w * EDGE)
    return (ink(small, 15)[my:h - my, mx:w - mx] > 0).astype(np.float32)


def _sharpness(bw: np.ndarray, angle: float) -> float:
    if angle:
        h, w = bw.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        bw = cv2.warpAffine(bw, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    profile = bw.sum(axis=1)
    return float(np.square(np.diff(profile)).sum())


def _best_angle(bw: np.ndarray) -> tuple[float, float]:
    """The angle (degrees) that makes the rows sharpest, and that sharpness."""
    best = max((_sharpness(bw, a), a) for a in np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5))
    centre = best[1]
    best = max(best, *((_sharpness(bw, a), a) for a in np.arange(centre - 0.45, centre + 0.46, 0.05)))
    return float(best[1]), best[0]


def sideways(grey: np.ndarray) -> float:
    """How much sharper the page's profile is across than along: over SIDEWAYS its lines run down the
    page (it lies on its side), under UPRIGHT they run across it."""
    bw = _small_ink(grey)
    if bw.sum() < 50:
        return 0.0  # blank
    along = _best_angle(bw)[1]
    across = _best_angle(np.ascontiguousarray(np.rot90(bw)))[1]
    return across / along if along else SIDEWAYS


def skew(grey: np.ndarray) -> float:
    """The angle in degrees to rotate the page by (counter-clockwise) to make its lines level."""
    bw = _small_ink(grey)
    if bw.sum() < 50:
        return 0.0
    return _best_angle(bw)[0]


def rotate(grey: np.ndarray, angle: float) -> np.ndarray:
    """The page turned by ``angle`` degrees about its centre; corners filled with the paper's shade."""
    if abs(angle) < 0.2:  # a fifth of a degree moves a line by 5 px across a page: no need to resample
        return grey
    h, w = grey.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    paper = int(np.median(grey))
    return cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=paper)
