"""A scanned report's values: where each was read, and none kept that the OCR is not sure of.

The parser reads an OCR'd layout like any other and says which line and which number of it each
value came from (``Tables.sources``); the layout says which cell of which page that was. Then:

- a value whose cell the OCR read with a confidence under ``THRESHOLD`` is read a second time,
  alone and enlarged; unless that reading gives the same value with a confidence over the
  threshold, the value is NULL, with a check naming the page and the cell;
- where the table's arithmetic (勾稽关系) fails, each cell of the failing equation is read a second
  time, alone and enlarged; a value the two readings disagree on is NULL with a check naming the
  page. Values both readings agree on stay, and the arithmetic check stays as it is for any report:
  the report itself prints numbers that don't add up;
- a page whose table has no ruling lines is named in a check (its numbers were not read).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Optional

from .checks import arithmetic_checks, status_of
from .extract import Extracted, ExtractError
from .model import Check, ParsedReport, Tables
from .parse import NotAReport, parse_report
from .parse.rows import classify_cell
from .parse.text import parse_number
from .rules import table3_equations, table4_equations
from .template import T2021

if TYPE_CHECKING:  # the scan modules load numpy and OpenCV: only a scan needs them
    from .extract.scan.page import ReadCell

THRESHOLD = 0.9  # OCR confidence under which a value is read a second time, and not kept unless that reading is sure
TABLE_NAMES = {"active_disclosure": "表二", "request_stats": "表三", "appeal_stats": "表四"}


@dataclass
class OcrValue:
    """One value read by OCR: the public ``ocr_cells`` row."""

    location: str
    page: int
    box: tuple[int, int, int, int]
    confidence: float
    text: str
    kept: bool


def parse_extracted(extracted: Extracted) -> ParsedReport:
    """Parse an extracted file; a scan's values are then checked against its OCR (see the module)."""
    if extracted.scan is None:
        return parse_report(extracted.text)
    try:
        report = parse_report(extracted.text)
    except NotAReport:
        raise _not_a_report(extracted) from None
    _settle(report, extracted)
    return report


def _not_a_report(extracted: Extracted) -> ExtractError:
    scan = extracted.scan
    if scan.unruled_pages:
        pages = "、".join(map(str, scan.unruled_pages))
        return ExtractError(f"扫描件第 {pages} 页的表格没有表格线，无法可靠地划分单元格，数字未读取；"
                            "也找不到报告标题和章节，不是可以读取的年度报告",
                            "a table without ruling lines (cells can't be told apart) and no report title or sections")
    opening = next((ln for ln in extracted.text.split("\n") if ln.strip()), "")[:30]
    return ExtractError(f"扫描件识别出的文字不是政府信息公开工作年度报告（找不到报告标题、章节或统计表；开头是「{opening}」）",
                        "the scanned pages' text is not an annual report")


def cell_of(extracted: Extracted, line: int, index: int) -> Optional[ReadCell]:
    """The cell the ``index``-th number of a table line was read from."""
    cells = extracted.scan.layout.cells.get(line)
    if cells is None:
        return None
    seen = 0
    for text, cell in zip(extracted.text.split("\n")[line].split("\t"), cells):
        seen += len(classify_cell(text)[1])
        if index < seen:
            return cell
    return None


def _settle(report: ParsedReport, extracted: Extracted) -> None:
    t = report.tables
    read = {loc: cell_of(extracted, line, index) for loc, (line, index) in t.sources.items()}
    read = {loc: c for loc, c in read.items() if c is not None}
    before = arithmetic_checks(t)
    dropped: dict[str, Check] = {}
    for loc, cell in list(read.items()):
        if cell.score >= THRESHOLD:
            continue
        # read a second time: kept when that reading gives the same value, and is sure of it
        again = _read_again(extracted, cell)
        if again is not None and _value(again[0]) == _value(cell.text) and again[1] >= THRESHOLD:
            read[loc] = replace(cell, score=again[1])
            continue
        dropped[loc] = Check("ocr_low_confidence", "warning",
                             f"第 {cell.page} 页{_cell_name(loc)}识别为「{cell.text}」，置信度 {cell.score:.2f} "
                             f"低于 {THRESHOLD}，再识别一次也不能确认，该格留空。", actual=cell.text, location=loc)
    for loc in _failing_cells(t, set(dropped)):
        cell = read.get(loc)
        if cell is None or loc in dropped:
            continue
        again = _read_again(extracted, cell)
        if again is None or _value(again[0]) != _value(cell.text):
            text = again[0] if again else None
            dropped[loc] = Check("ocr_reread_differs", "warning",
                                 f"第 {cell.page} 页{_cell_name(loc)}：勾稽关系不成立，再识别一次，两次结果不同"
                                 f"（「{cell.text}」与「{text or '无'}」），该格留空。",
                                 expected=text, actual=cell.text, location=loc)
    for loc in dropped:
        _drop(t, loc)
    report.checks = [c for c in report.checks if c not in before] + arithmetic_checks(t) + list(dropped.values())
    for page in extracted.scan.unruled_pages:
        report.checks.append(Check("ocr_unruled_table", "warning",
                                   f"第 {page} 页的表格没有表格线，无法可靠地划分单元格，表中数字未读取。",
                                   location="reports"))
    readable = report.status != "error"
    report.status = status_of(report.checks, readable)
    report.scan_values = [OcrValue(loc, c.page, c.box, round(c.score, 4), c.text, loc not in dropped)
                          for loc, c in read.items()]
    report.scan_pages = extracted.scan.images


def _value(text: Optional[str]):
    v = parse_number(text or "")
    return getattr(v, "value", v)


def _cell_name(loc: str) -> str:
    table, *rest = loc.split(".")
    return f"{TABLE_NAMES.get(table, table)}（{'.'.join(rest)}）"


def _failing_cells(t: Tables, dropped: set[str]) -> list[str]:
    """Cells of the equations of tables 3 and 4 that the values read break."""
    from .rules import evaluate

    values = {"t3": t.requests, "t4": t.appeals}
    out: list[str] = []
    equations = []
    if t.requests:
        equations.append(table3_equations(t.table3_template or T2021, t.requests))
    if t.appeals:
        equations.append(table4_equations())
    for eqs in equations:
        for eq, _, _ in evaluate(values, eqs):
            for table, row, col in eq.lhs + eq.rhs:
                loc = f"{'request_stats' if table == 't3' else 'appeal_stats'}.{row}.{col}"
                if loc not in out and loc not in dropped:
                    out.append(loc)
    return out


def _read_again(extracted: Extracted, cell: ReadCell) -> Optional[tuple[str, float]]:
    from .extract.scan.reread import read_cell

    page = next(p for p in extracted.scan.pages if p.number == cell.page)
    return read_cell(page.image, cell.box)


def _drop(t: Tables, loc: str) -> None:
    table, row, col = loc.split(".")
    if table == "active_disclosure":
        t.active = [a for a in t.active if (a.item, a.measure) != (row, col)]
    else:
        cols = (t.requests if table == "request_stats" else t.appeals).get(row)
        if cols is not None:
            cols.pop(col, None)
