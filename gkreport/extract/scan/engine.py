"""The OCR engine: RapidOCR's PP-OCR detection and recognition models, run by onnxruntime.

The models are files inside the installed ``rapidocr`` wheel; nothing is fetched at run time
(``model_files`` says which files, and the tests read a page with the network switched off).
One engine per process, made on first use: a worker that never meets a scan never loads it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import numpy as np

# onnxruntime's threads per process: an ingest runs one worker per core, each reading its own pages
THREADS = int(os.environ.get("GKREPORT_OCR_THREADS", "1"))


@dataclass
class Box:
    """One line of text as the OCR read it: its four corners on the page image, text and confidence."""

    quad: np.ndarray  # 4 × 2, pixels
    text: str
    score: float

    @property
    def x0(self) -> float:
        return float(self.quad[:, 0].min())

    @property
    def x1(self) -> float:
        return float(self.quad[:, 0].max())

    @property
    def top(self) -> float:
        return float(self.quad[:, 1].min())

    @property
    def bottom(self) -> float:
        return float(self.quad[:, 1].max())

    @property
    def centre(self) -> tuple[float, float]:
        return float(self.quad[:, 0].mean()), float(self.quad[:, 1].mean())


@lru_cache(maxsize=1)
def engine():
    from rapidocr import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(params={
        "Global.log_level": "error",
        "Global.text_score": 0.0,  # every reading is kept: a doubtful one is flagged, not dropped
        "Global.use_cls": False,  # pages are turned upright as a whole before they are read
        "Global.max_side_len": 2400,  # a 200 DPI A4 page is read at its own size
        "EngineConfig.onnxruntime.intra_op_num_threads": THREADS,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })


def model_files() -> list[Path]:
    """The model files the engine loads, all inside the installed package."""
    import rapidocr

    return sorted((Path(rapidocr.__file__).parent / "models").glob("*.onnx"))


def read(image: np.ndarray) -> list[Box]:
    """Every line of text on a page image (grey or RGB array)."""
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    # every step named: RapidOCR keeps the last call's choices, and recognise() turns detection off
    out = engine()(image, use_det=True, use_cls=False, use_rec=True)
    if getattr(out, "boxes", None) is None or getattr(out, "txts", None) is None:
        return []
    return [Box(np.asarray(q, dtype=np.float32), t, float(s)) for q, t, s in zip(out.boxes, out.txts, out.scores)
            if t.strip()]


def recognise(line: np.ndarray) -> Optional[tuple[str, float]]:
    """One line of text already cut out (grey or RGB): its text and confidence, without detection."""
    if line.ndim == 2:
        line = np.repeat(line[:, :, None], 3, axis=2)
    out = engine()(line, use_det=False, use_cls=False, use_rec=True)
    if not getattr(out, "txts", None) or not out.txts[0].strip():
        return None
    return out.txts[0].strip(), float(out.scores[0])
