"""The three statistical tables laid out as the printed report shows them.

Plain grids of labelled cells, built from values keyed as in the database, so
the terminal (`gkreport show`), the site's report page and the downloads all
draw the same tables. Each value cell carries its database location, which is
how checks are highlighted on the cells they concern.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from . import template as T


@dataclass
class GridCell:
    text: str
    header: bool = False
    location: Optional[str] = None  # e.g. request_stats.granted.total


Grid = list[list[GridCell]]


def fmt_value(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,}" if isinstance(v, int) and abs(v) >= 10000 else str(v)


def _h(text: str) -> GridCell:
    return GridCell(text, header=True)


def table2_grid(active: dict[str, dict[str, float]], fmt: Optional[str]) -> Grid:
    """active: item → measure → value."""
    fmt = fmt if fmt in T.ACTIVE_COLUMNS else T.T2021
    grid: Grid = []
    last_clause = None
    for item in T.ACTIVE_ITEMS:
        columns = T.ACTIVE_COLUMNS[fmt].get(item.key)
        if columns is None:
            continue
        if item.clause != last_clause:
            grid.append([_h(f"第二十条第{item.clause}项")])
            grid.append([_h("信息内容")] + [_h(T.ACTIVE_MEASURE_BY_KEY[m].label) for m in columns])
            last_clause = item.clause
        values = active.get(item.key, {})
        grid.append([_h(item.label)] + [GridCell(fmt_value(values.get(m)), location=f"active_disclosure.{item.key}.{m}")
                                        for m in columns])
    return grid


def table3_grid(requests: dict[str, dict[str, Optional[int]]], fmt: Optional[str]) -> Grid:
    """requests: row_key → column → value."""
    fmt = fmt if fmt in (T.T2019, T.T2021) else T.T2021
    grid: Grid = [[_h("项目")] + [_h(label) for _, label in T.APPLICANT_COLUMNS]]
    last_group = None
    for key in T.request_rows_for(fmt):
        row = T.REQUEST_ROW_BY_KEY[key]
        label = row.label
        if row.group.startswith("（") and row.group != last_group:
            label = f"{row.group} {label}"
        last_group = row.group
        values = requests.get(key, {})
        grid.append([_h(label)] + [GridCell(fmt_value(values.get(c)), location=f"request_stats.{key}.{c}")
                                   for c in T.APPLICANT_KEYS])
    return grid


def table4_grid(appeals: dict[str, dict[str, Optional[int]]]) -> Grid:
    """appeals: proceeding → outcome → value, printed as one row of 15 under a two-level header."""
    outcomes = [_h(label) for _, label in T.OUTCOMES]
    grid: Grid = [
        [_h("行政复议")] + [_h("")] * 4 + [_h("行政诉讼")] + [_h("")] * 9,
        [_h("")] * 5 + [_h("未经复议直接起诉")] + [_h("")] * 4 + [_h("复议后起诉")] + [_h("")] * 4,
        outcomes * 3,
        [GridCell(fmt_value(appeals.get(p, {}).get(o)), location=f"appeal_stats.{p}.{o}")
         for p, _ in T.PROCEEDINGS for o in T.OUTCOME_KEYS],
    ]
    return grid
