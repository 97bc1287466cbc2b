"""Text an OCR engine read from a scan, saved as text: its numbers come with no confidence, and a
label it misread can put a row's numbers under another row. Where such a table 3's arithmetic
fails, the cells of the failing equations are left NULL with a check: the report may print numbers
that don't add up, or the OCR may have damaged a label or a digit, and the text can't tell which.
(Table 4 is one row of numbers read in order, with no label to misread: its totals keep their
warning, as for any report.)"""

from __future__ import annotations

from typing import Iterable, Optional

from .. import template as T
from ..model import Check
from ..rules import evaluate, table3_equations
from .rows import Row

_LOOKALIKES = frozenset(T.OCR_LOOKALIKES)
T3_EQUATION_RULES = frozenset({"t3_total_column", "t3_received_eq_processed", "t3_processed_sum"})
_RULE_GLYPH = "丨"  # a table's rule as OCR reads it; no editor or converter writes it


def ocr_marks(text: str, rows: Iterable[Row]) -> Optional[str]:
    """What shows the tables' text was read by OCR (for the check's message), or None."""
    if _RULE_GLYPH in text:
        return "表格线被识别为「丨」"
    for row in rows:
        if row.values and row.label and not _LOOKALIKES.isdisjoint("".join(row.labels)):
            ch = next(c for c in "".join(row.labels) if c in _LOOKALIKES)
            return f"标签中有识别错的形近字（「{ch}」应为「{T.OCR_LOOKALIKES[ch]}」）"
        if row.split_values is not None:
            return "数字中间有识别出的空格"
    return None


def _location(cells) -> str:
    """Where the equation's cells are: one row (request_stats.granted), or one column
    (request_stats.*.natural_person)."""
    if len({c[1] for c in cells}) == 1:
        return f"request_stats.{cells[0][1]}"
    return f"request_stats.*.{cells[0][2]}"


def withhold_contradicted(requests: dict, t3fmt: str, why: str) -> list[Check]:
    """Leave NULL every cell of an equation table 3 breaks, with a check naming it."""
    checks: list[Check] = []
    tables = {"t3": requests}
    broken = list(evaluate(tables, table3_equations(t3fmt, requests))) if requests else []
    for eq, left, right in broken:
        cells = [c for c in eq.lhs + eq.rhs if tables[c[0]].get(c[1], {}).get(c[2]) is not None]
        checks.append(Check(
            "ocr_arithmetic_broken", "warning",
            f"表三{eq.explain}，但识别出的是 {left} 与 {right}；这份报告的文字是扫描后识别的（{why}），"
            f"数字可能识别错了，也可能报告本身印错，无法确定：这一等式中的 {len(cells)} 格留空。",
            expected=str(left), actual=str(right), location=_location(eq.lhs + eq.rhs)))
        for table, row, col in cells:
            tables[table][row].pop(col, None)
    return checks
