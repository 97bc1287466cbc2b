"""Where a download is kept in --out, and what kind of file it is.

Files are laid out as the site is: ``OUT/host/path/of/the/file.pdf`` (a port is written
``host_8080``; an address with a query gets a short hash of it, so that
``downfile.jsp?id=1`` and ``?id=2`` stay apart). A file is written under a temporary
name and renamed, so a run that is killed never leaves half a file behind.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qsl, unquote, urlsplit

from ..extract import sniff, supported_suffixes

PAGE_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
# what an attachment holding a report can be: every format ingest reads but web pages
DOCUMENT_SUFFIXES = supported_suffixes() - PAGE_SUFFIXES
CONTENT_TYPES = {
    "application/pdf": ".pdf", "application/msword": ".doc", "application/zip": ".zip",
    "application/x-zip-compressed": ".zip", "application/vnd.ms-works": ".wps", "application/wps-office.wps": ".wps",
    "application/kswps": ".wps", "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
_UNSAFE = re.compile(r'[\x00-\x1f<>:"\\|?*]')
_FILENAME = re.compile(r"""filename\*?\s*=\s*(?:[\w-]+'[\w-]*')?["']?([^"';]+)""", re.I)
MAX_NAME = 120


def suffix_of_name(name: str) -> str:
    return os.path.splitext(unquote(name or "").strip())[1].lower()


def link_document_suffix(url: str, text: str = "") -> Optional[str]:
    """The document type a link points to, from its address (path, or a file name in the query),
    else from its text (「…年度报告.pdf」); None for a page."""
    parts = urlsplit(url)
    suffix = suffix_of_name(parts.path)
    if suffix in DOCUMENT_SUFFIXES:
        return suffix
    if suffix in PAGE_SUFFIXES:
        return None
    for _, value in parse_qsl(parts.query):
        if suffix_of_name(value) in DOCUMENT_SUFFIXES:
            return suffix_of_name(value)
    suffix = suffix_of_name(text)
    return suffix if suffix in DOCUMENT_SUFFIXES else None


def answer_kind(url: str, content_type: str, disposition: str, data: bytes,
                linked_as_document: bool = False) -> tuple[str, str]:
    """("page", ".html") for a web page, ("document", suffix) for a file to ingest as it is.
    A file linked as a document and named like one is one, even in HTML (Word saves .doc as HTML)."""
    found = sniff(data)
    ctype = (content_type or "").split(";")[0].strip().lower()
    named = link_document_suffix(url) or _disposition_suffix(disposition)
    if found in ("pdf", "docx", "doc", "zip") or (named and (linked_as_document or found is None)) or (
            found is None and ctype in CONTENT_TYPES):
        if named:
            return "document", named  # .wps and .doc share a format; the name tells them apart
        return "document", "." + found if found else CONTENT_TYPES[ctype]
    suffix = suffix_of_name(urlsplit(url).path)
    return "page", suffix if suffix in PAGE_SUFFIXES else ".html"


def _disposition_suffix(disposition: str) -> Optional[str]:
    m = _FILENAME.search(disposition or "")
    if not m:
        return None
    suffix = suffix_of_name(m.group(1))
    return suffix if suffix in DOCUMENT_SUFFIXES else None


def path_for(out: Path, url: str, suffix: str) -> Path:
    """The file an address is kept in, under ``out``; never outside it, whatever the address holds."""
    parts = urlsplit(url)
    host = _UNSAFE.sub("_", parts.netloc.lower()) or "_"
    # unquoted before it is split: %2f is a slash, and ..%2f.. must not climb out of the folder
    segments = [s for s in re.split(r"[/\\]", unquote(parts.path)) if s not in ("", ".", "..")]
    name = segments.pop() if segments and not unquote(parts.path).endswith(("/", "\\")) else "index"
    stem = os.path.splitext(name)[0] or "index"
    if parts.query:
        stem += "_" + hashlib.sha1(parts.query.encode()).hexdigest()[:10]
    folders = [_safe(s) for s in segments]
    return out.joinpath(host, *folders, _safe(stem) + suffix)


def _safe(segment: str) -> str:
    segment = _UNSAFE.sub("_", segment).strip(" .") or "_"
    while len(segment.encode()) > MAX_NAME:
        segment = segment[:-1]
    return segment


def save(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)
