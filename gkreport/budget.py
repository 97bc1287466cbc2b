"""More time and memory for the file being read, for work whose cost is known and bounded.

A file's limits (workers.py: RLIMIT_CPU, set as the file starts, and the worker's RLIMIT_AS)
are meant for parsing, which takes well under a second and a few hundred MB for any genuine
report. Recognising a scan by OCR costs more, and more with every page: each page to
recognise adds its own CPU time to the file's limit as the page starts, and the first page
a worker recognises adds the OCR engine's address space to the worker's memory limit (the
engine stays loaded for the worker's next scans). So a genuine scan of any length is read
while a file that loops, or asks for gigabytes, is stopped as before. The pages are bounded
(extract.scan.MAX_PAGES, pdf.MAX_PAGES), and so is the budget. Outside a worker (no limit
set) this does nothing.

Measured on 200 DPI scans of a real report, one process, machine under load 15: 7.7 s of CPU
time a page (five pages), 8.5 s (two pages); an address space of 1.9 GB at its peak, so that
the default limit of 2048 MB left no room for the process it is forked from, and 1536 MB failed.
"""

from __future__ import annotations

import math
import os
import resource
from typing import Optional

TIME_LIMIT = 60.0  # CPU seconds one file (or one report inside an archive) may take to read (workers.py)
MEMORY_LIMIT_MB = 2048  # the address space of each worker process
OCR_PAGE_SECONDS = 60.0  # CPU seconds for each page recognised by OCR
OCR_MEMORY_MB = 2048  # address space for the OCR engine (onnxruntime, its models, OpenCV) and the page images

_memory_granted: Optional[int] = None  # the process that was granted it: a forked worker starts without


def _raise(which: int, by: int) -> None:
    soft, hard = resource.getrlimit(which)
    if soft == resource.RLIM_INFINITY:
        return
    more = soft + by
    if hard != resource.RLIM_INFINITY:
        more = min(more, hard)
    try:
        resource.setrlimit(which, (more, hard))
    except (ValueError, OSError):
        pass


def ocr_page() -> None:
    """A page is about to be recognised: its time, and (once per process) the engine's memory."""
    global _memory_granted
    _raise(resource.RLIMIT_CPU, math.ceil(OCR_PAGE_SECONDS))
    if _memory_granted != os.getpid():
        _memory_granted = os.getpid()
        _raise(resource.RLIMIT_AS, OCR_MEMORY_MB << 20)
