"""Word files (.docx): paragraphs and real tables in document order, merged cells resolved.

python-docx reads the package; the body is walked in order (content controls
included) so tables stay between the paragraphs they belong to. A horizontal
merge (gridSpan) and a vertical one (vMerge) both leave their text in the top-left
slot of the grid, as the other extractors do.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from . import ExtractError
from .grid import Layout

MAX_XML = 100 * 1024 * 1024  # document.xml beyond this is a zip bomb, not a report
# A merge wider than any report table is markup damage, as in the HTML extractor: a 41 KB file
# spanning a cell over two billion columns asked for 18 GB. Clamped, its text stays in its slot.
MAX_SPAN = 200


def _grid(tbl, parent) -> list[list[str]]:
    rows = []
    for tr in tbl.tr_lst:
        row = [""] * _span(lambda: tr.grid_before, 0)
        for tc in tr.tc_lst:
            # a continued vertical merge shows the text of the cell where the merge starts
            text = "" if _attribute(lambda: tc.vMerge) == "continue" else _Cell(tc, parent).text
            row.extend([text] + [""] * (_span(lambda: tc.grid_span, 1) - 1))
        rows.append(row)
    return rows


def _attribute(read):
    """A cell's or row's attribute, None when its value is malformed (python-docx raises ValueError
    for gridSpan="abc" or "1e9")."""
    try:
        return read()
    except (ValueError, TypeError, KeyError):
        return None


def _span(read, least: int) -> int:
    """A merge's width: at least ``least``, at most MAX_SPAN; ``least`` when it can't be read."""
    n = _attribute(read)
    return max(least, min(n if isinstance(n, int) else least, MAX_SPAN))


def _walk(element, parent, layout: Layout) -> None:
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            layout.paragraph(Paragraph(child, parent).text)
        elif child.tag == qn("w:tbl"):
            layout.table(_grid(child, parent))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                _walk(content, parent, layout)


def _check_package(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            info = z.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ExtractError("不是有效的 Word 文档（.docx）：文件已损坏，或不是 docx 格式（可能是改了扩展名的 .doc）",
                           "not a valid .docx: damaged, or not a docx package (perhaps a renamed .doc)") from None
    if info.file_size > MAX_XML:
        raise ExtractError("Word 文档正文过大，不像是年度报告", "the .docx body is too large to be a report")


def docx_text(data: bytes) -> str:
    _check_package(data)
    try:
        doc = Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, zlib.error, EOFError, OSError,
            NotImplementedError) as e:  # (a damaged part of the package: a deflate stream that fails, say)
        raise ExtractError(f"Word 文档（.docx）无法读取（{type(e).__name__}）", f"unreadable .docx: {e}") from None
    layout = Layout()
    _walk(doc.element.body, doc, layout)
    return layout.text
