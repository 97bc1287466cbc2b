"""A stored report's original file, found again by its path and known by its bytes (reports.sha256).

The path is relative to the folder the ingest ran in, so it is looked for under a few roots; a file
whose bytes have another sha256 is not the report's. A member of an archive is read from the archive.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable, Optional

from .extract import ExtractError, report_suffixes
from .extract.archive import SEPARATOR, members, outer_path

MAX_SOURCE_BYTES = 50_000_000


def find_file(report: dict, roots: Iterable[Path]) -> Optional[Path]:
    """The file on disk that is the report's source (None for an archive member, or when not found)."""
    stored = report.get("source_path")
    if not stored or not report.get("sha256") or SEPARATOR in stored:
        return None
    for root in roots:
        path = (Path(root) / stored).resolve()
        try:
            if path.is_file() and path.stat().st_size <= MAX_SOURCE_BYTES and \
                    hashlib.sha256(path.read_bytes()).hexdigest() == report["sha256"]:
                return path
        except OSError:
            continue
    return None


def read_source(report: dict, roots: Iterable[Path]) -> Optional[bytes]:
    """The bytes of the report's source, a file or a member of an archive; None when not found."""
    roots = list(roots)
    path = find_file(report, roots)
    if path is not None:
        return path.read_bytes()
    stored = report.get("source_path") or ""
    if SEPARATOR not in stored:
        return None
    outer = outer_path(stored)
    for root in roots:
        archive = (Path(root) / outer).resolve()
        try:
            if not archive.is_file():
                continue
            for member in members(outer, archive.read_bytes(), report_suffixes()):
                if member.path == stored and member.data is not None and \
                        hashlib.sha256(member.data).hexdigest() == report["sha256"]:
                    return member.data
        except (OSError, ExtractError):
            continue
    return None
