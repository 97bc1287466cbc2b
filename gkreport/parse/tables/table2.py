"""Table 2, 主动公开政府信息情况: items × measures, by the block headers' columns where the layout
shows cells, else by the count of numbers in a row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from ... import template as T
from ...model import ActiveCell, Check
from ..columns import place, token_spans
from ..rows import EMPTY, Row, label_form, placed_cells
from ..text import BLANK, Num, TooLong, squash
from .common import fmt_values, too_long, value_index

_ITEM_LABEL_MAX = 24


@dataclass
class Table2:
    template: Optional[str] = None
    cells: list[ActiveCell] = field(default_factory=list)
    items: set = field(default_factory=set)
    checks: list[Check] = field(default_factory=list)
    found: bool = False
    sources: dict[str, tuple[int, int]] = field(default_factory=dict)  # see Tables.sources


def detect_table2_format(text: str) -> Optional[str]:
    s = squash(text)
    hits = {fmt: sum(1 for w in words if w in s) for fmt, words in T.TABLE2_MARKERS.items()}
    if not any(hits.values()):
        return None
    return T.T2019 if hits[T.T2019] > hits[T.T2021] else T.T2021


_ITEM_PATTERNS = [(item, re.compile("|".join(item.anchors))) for item in T.ACTIVE_ITEMS]
# a block header names 信息内容 or a measure: one search for any of those words
_HEADER_WORDS = re.compile("|".join(re.escape(w) for w in ("信息内容",) + tuple(
    a for m in T.ACTIVE_MEASURES for a in m.anchors)))


@lru_cache(maxsize=4096)
def _header_units(label: str) -> Optional[dict[str, Optional[str]]]:
    """For a block header's label, the unit it prints for each money column; None for any other row.
    Cached: the same labels recur in every report."""
    if not _HEADER_WORDS.search(label):
        return None
    return {m.key: _unit_of(label[label.find(m.anchors[0]):])
            for m in T.ACTIVE_MEASURES if m.decimal and any(a in label for a in m.anchors)}


@lru_cache(maxsize=4096)
def _measure_of(cell: str) -> Optional[str]:
    s = label_form((cell,))  # (OCR's look-alikes undone: 夂理决定 is 处理决定)
    return next((m.key for m in T.ACTIVE_MEASURES if any(a in s for a in m.anchors)), None)


def _header_columns(row: Row) -> Optional[tuple[int, dict[int, str], frozenset]]:
    """A block header's cells: the row's width, the measure each of its columns holds, and those measures."""
    if row.cells is None:
        return None
    columns = {i: m for i, slot in enumerate(row.cells) if isinstance(slot, str) and (m := _measure_of(slot))}
    return (len(row.cells), columns, frozenset(columns.values())) if columns else None


@lru_cache(maxsize=4096)
def _match_item(label: str) -> Optional[T.ItemDef]:
    if not label or len(label) > _ITEM_LABEL_MAX:
        return None
    return next((item for item, pattern in _ITEM_PATTERNS if pattern.search(label)), None)


def _unit_of(label: str) -> Optional[str]:
    if "万元" in label:
        return "万元"
    if "元" in label:
        return "元"
    return None


def _by_header(row: Row, header: tuple[int, dict[int, str], frozenset], columns: tuple[str, ...]) -> Optional[dict]:
    """The row's cell under each measure of its block header, when the row has the header's cells:
    {measure: Num, BLANK or EMPTY}. None when the columns don't line up (the count decides then)."""
    width, heads, measures = header
    cells = row.cells
    if cells is None or len(cells) != width or measures != frozenset(columns):
        return None
    if sum(1 for slot in cells if type(slot) is Num) != sum(1 for i in heads if type(cells[i]) is Num):
        return None  # a number under no measure: the columns are not what the header says
    placed: dict[str, object] = {}
    for i, measure in heads.items():
        slot = cells[i]
        if isinstance(slot, str):
            return None
        seen = placed.get(measure)
        if seen is None or seen is EMPTY:
            placed[measure] = slot
        elif type(slot) is Num and type(seen) is Num and slot.value != seen.value:
            return None  # a merged cell repeated in each column it spans repeats its value
    return placed


def _by_header_words(row: Row, header_raw: str, measures: tuple[str, ...]) -> Optional[dict]:
    """Space-aligned text: each number under the measure word its place on the line overlaps."""
    heads = [(m, span) for token, span in token_spans(header_raw) if (m := _measure_of(token))]
    if [m for m, _ in heads] != list(measures):
        return None
    where = place(row.raw, len(row.values), [span for _, span in heads])
    if where is None:
        return None
    placed: dict = {m: EMPTY for m in measures}
    for k, v in zip(where, row.values):
        placed[measures[k]] = v
    return placed


def read_table2(rows: list[Row], fmt: Optional[str]) -> Table2:
    out = Table2(template=fmt)
    header_units: dict[str, Optional[str]] = {}
    header = None
    header_raw = None  # a block header printed as space-aligned text
    for row in rows:
        units = _header_units(row.label)
        if units is not None:
            header_units.update(units)  # a block header: the units it prints for money columns
            header = _header_columns(row)
            header_raw = row.raw
            continue
        item = _match_item(row.label)
        if not item:
            continue
        out.found = True
        if fmt is None:
            continue
        columns = T.ACTIVE_COLUMNS[fmt].get(item.key)
        if columns is None:
            out.checks.append(Check("t2_surplus_cells", "warning",
                                    f"表二出现了{fmt}年版格式没有的行「{item.label}」，未读取。",
                                    actual=fmt_values(row.values), location=f"active_disclosure.{item.key}"))
            continue
        out.items.add(item.key)
        loc = f"active_disclosure.{item.key}"
        placed = _by_header(row, header, columns) if header else None
        where: dict[str, int] = {}  # measure → where its value stands among the row's values
        if placed is not None:
            where = {m: value_index(row.cells, i) for i, m in header[1].items() if placed.get(m) is row.cells[i]}
        if placed is None and header_raw is not None and row.raw is not None and len(row.values) < len(columns):
            placed = _by_header_words(row, header_raw, columns)
        if placed is None and len(row.values) < len(columns) and (cells := placed_cells(row, len(columns))):
            placed = dict(zip(columns, cells))  # one cell per line with no tab, empty cells in place
        if placed is None:
            values = row.values_for(len(columns))
            if len(values) != len(columns):
                rule = "t2_missing_cells" if len(values) < len(columns) else "t2_surplus_cells"
                how = "少于" if len(values) < len(columns) else "多于"
                out.checks.append(Check(
                    rule, "warning",
                    f"表二「{item.label}」一行有 {len(values)} 个数字，{how}应有的 {len(columns)} 格，"
                    f"无法确定各数字属于哪一格，该行未读取。",
                    expected=f"{len(columns)} 个数字", actual=fmt_values(values) or "无", location=loc))
                continue
            placed = dict(zip(columns, values))
            if values is row.values:
                where = {m: n for n, m in enumerate(columns)}
        blank = []
        out.checks.extend(too_long([placed.get(m) for m in columns], f"表二「{item.label}」一行", loc))
        for measure in columns:
            v = placed.get(measure, EMPTY)
            if not isinstance(v, Num):
                if type(v) is not TooLong:  # a number too long to keep has its own check
                    blank.append(T.ACTIVE_MEASURE_BY_KEY[measure].label)
                continue
            unit = v.unit or header_units.get(measure) or ("万元" if measure == "amount_10k_yuan" else None)
            out.cells.append(ActiveCell(item.key, measure, v.value, unit))
            if measure in where:
                out.sources[f"{loc}.{measure}"] = (row.line_no, where[measure])
        if blank:
            out.checks.append(Check("t2_blank_cells", "warning",
                                    f"表二「{item.label}」一行的{'、'.join(blank)}留空，表二没有勾稽关系可以确定其数值，未读取。",
                                    location=loc))
    return out
