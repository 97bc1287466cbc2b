"""Table 4, 行政复议、行政诉讼: one row of 15 cells under a two-level header, by place where the layout
shows its cells, else by count, else by the three groups' totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ... import template as T
from ...model import Check
from ...rules import t4, table4_equations
from .. import columns
from ..placement import resolve_row
from ..rows import EMPTY, Row, placed_cells
from ..text import BLANK, Num
from .blanks import apply, settle
from .common import fmt_values, is_value, not_counts, uncountable, value_index

_T4_CELLS = tuple(t4(p, o) for p, _ in T.PROCEEDINGS for o in T.OUTCOME_KEYS)  # the printed order
WIDTH = len(_T4_CELLS)
_OUTCOME_LABELS = dict(T.OUTCOMES)
_PROCEEDING_LABELS = dict(T.PROCEEDINGS)
_OUTCOME_WORDS = ("维持", "维护", "纠正", "其他", "审结", "总计")
_OUTCOME_NAMES = tuple(label for _, label in T.OUTCOMES)  # 结果维持 … 总计


@dataclass
class Table4:
    values: dict[str, dict[str, Optional[int]]] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    found: bool = False
    sources: dict[str, tuple[int, int]] = field(default_factory=dict)  # see Tables.sources


def _in_place(rows: list[Row]) -> Optional[list]:
    """The 15 cells of the one row that prints them in place, blanks included: a row of exactly
    15 cells under a header row as wide (the table's grid)."""
    found = None
    header = False
    for row in rows:
        cells = row.cells
        if cells is None or len(cells) != WIDTH:
            continue
        if any(isinstance(c, str) for c in cells):
            header = header or sum(isinstance(c, str) and any(w in c for w in _OUTCOME_WORDS) for c in cells) >= 4
            continue
        if not row.values:
            continue
        if found is not None:
            return None  # two candidate rows: the count decides
        found = list(cells)
    return found if header else None


def _by_columns(rows: list[Row]) -> Optional[list]:
    """Space-aligned text: the one row of numbers placed under the 15 outcome words of the header."""
    data = [r for r in rows if r.values]
    if len(data) != 1 or data[0].raw is None:
        return None
    headers = [r.raw for r in rows if r.raw is not None and not r.values]
    spans = columns.header_sequence(headers, _OUTCOME_NAMES, WIDTH)
    where = columns.place(data[0].raw, len(data[0].values), spans) if spans else None
    if where is None:
        return None
    out: list = [EMPTY] * WIDTH
    for k, v in zip(where, data[0].values):
        out[k] = v
    return out


def _places_in(rows: list[Row], placed: list) -> list:
    """(line, index among its row's values) of each of the 15 cells read in place, None for a blank."""
    row = next((r for r in rows if r.cells is not None and len(r.cells) >= WIDTH
                and all(x is y for x, y in zip(placed, r.cells[-WIDTH:]))), None)
    if row is None:  # placed by their columns on the line: the numbers in order
        data = next((r for r in rows if r.values), None)
        nums = iter(range(len(data.values))) if data else iter(())
        return [(data.line_no, next(nums)) if is_value(v) else None for v in placed] if data else []
    start = len(row.cells) - WIDTH
    return [(row.line_no, value_index(row.cells, start + k)) if type(v) is Num else None for k, v in enumerate(placed)]


def read_table4(rows: list[Row]) -> Table4:
    out = Table4()
    labels: list[str] = []
    numbers: list = []
    split: list = []
    places: list[tuple[int, int]] = []  # (line, index among its row's values) of each number
    # a long line of text is narrative, not a table row (a header row of cells may be long)
    rows = [r for r in rows if len(r.label) <= 40 or r.cells is not None]
    for row in rows:
        labels.append(row.label)
        numbers.extend(row.values)
        split.extend(row.split_values if row.split_values is not None else row.values)
        places.extend((row.line_no, n) for n in range(len(row.values)))
    placed = _in_place(rows)
    if placed is None:
        # one cell per line with no tab: the row whose lines span the 15 cells, empty ones included
        spanned = [r for r in rows if r.spans and r.values]
        placed = placed_cells(spanned[0], WIDTH) if len(spanned) == 1 else None
    if placed is None and len(numbers) < WIDTH:
        placed = _by_columns(rows)
    if placed is None and not numbers:
        # an empty table still shows its outcome columns; a sentence naming 行政复议 is not a table
        header_words = {w for label in labels for w in T.TABLE4_HEADER_WORDS if w in label}
        out.found = len(header_words - {"行政复议", "行政诉讼", "总计"}) >= 3
        return out
    out.found = True
    if placed is None and len(numbers) != WIDTH and len(split) == WIDTH:
        numbers = split  # digits OCR broke apart were numbers of their own after all
    if placed is not None or len(numbers) == WIDTH:
        cells = placed if placed is not None else numbers
        where = _places_in(rows, placed) if placed is not None else (places if numbers is not split else [])
        blank = []
        out.checks.extend(not_counts(cells, "表四（行政复议、行政诉讼）", "appeal_stats"))
        for k, (cell, v) in enumerate(zip(_T4_CELLS, cells)):
            row_values = out.values.setdefault(cell[1], {})
            if uncountable(v):  # NULL with its check, never settled by the totals
                continue
            row_values[cell[2]] = v.stored
            if type(v) is Num and k < len(where) and where[k] is not None:
                out.sources[f"appeal_stats.{cell[1]}.{cell[2]}"] = where[k]
            if not isinstance(v, Num):
                blank.append(cell)
        if blank:
            _settle_blanks(out, blank)
        return out
    out.checks.extend(not_counts(numbers, "表四（行政复议、行政诉讼）", "appeal_stats"))
    if any(map(uncountable, numbers)):
        row = {}  # a value that is no count among them: no placement can be trusted
    else:
        vals = [0 if v is BLANK or v is EMPTY else v.stored for v in numbers]
        row, _feasible = resolve_row(_T4_CELLS, vals, None, table4_equations())
    how = "少于" if len(numbers) < WIDTH else "多于"
    if len(row) == WIDTH:
        result = "按各组总计可以唯一确定每一格。"
    elif row:
        result = f"按各组总计只能确定其中 {len(row)} 格，其余留空。"
    else:
        result = "无法确定各数字属于哪一格，表四留空。"
    out.checks.append(Check("t4_cell_count", "warning",
                            f"表四（行政复议、行政诉讼）有 {len(numbers)} 个数字，{how}应有的 15 格；{result}",
                            expected="15 个数字", actual=fmt_values(numbers), location="appeal_stats"))
    for p, _ in T.PROCEEDINGS:
        out.values[p] = {o: row[t4(p, o)] for o in T.OUTCOME_KEYS if t4(p, o) in row}
    return out


def _settle_blanks(out: Table4, blank: list) -> None:
    settled = settle({"t4": out.values}, blank, table4_equations())
    for proc, _ in T.PROCEEDINGS:
        outcomes = [cell[2] for cell in blank if cell[1] == proc]
        if outcomes:
            out.checks += apply(out.values[proc], {o: settled[t4(proc, o)] for o in outcomes if t4(proc, o) in settled},
                                {o: _OUTCOME_LABELS[o] for o in outcomes}, rule="t4_blank_cells",
                                where=f"表四{_PROCEEDING_LABELS[proc]}", basis="总计", location=f"appeal_stats.{proc}")
