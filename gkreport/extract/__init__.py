"""Bytes → text, one module per source format. Every extractor feeds the one parser.

Extractors return text in the layout the parser reads: one line per paragraph,
table rows as tab-separated cells on one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath


class ExtractError(Exception):
    """A file that cannot be read as a report. ``message`` is Chinese, ``english`` its translation."""

    def __init__(self, message: str, english: str = ""):
        super().__init__(message)
        self.message = message
        self.english = english


@dataclass
class Extracted:
    text: str
    source_format: str
    encoding: str | None = None
    # the page each line of ``text`` came from (PDF), so a table can say where it was found
    line_pages: list[int] | None = None


TEXT_SUFFIXES = {".txt": "txt", ".md": "md", ".text": "txt", ".markdown": "md"}


def supported_suffixes() -> set[str]:
    return set(TEXT_SUFFIXES)


def extract(name: str, data: bytes) -> Extracted:
    suffix = PurePath(name).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from .text import decode

        text, encoding = decode(data, name)
        return Extracted(text, TEXT_SUFFIXES[suffix], encoding)
    raise ExtractError(f"不支持的文件类型「{suffix or '无扩展名'}」", f"unsupported file type {suffix!r}")
