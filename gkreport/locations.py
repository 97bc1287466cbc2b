"""Where a value of the three statistical tables sits, and what it is called in Chinese.

A location is the key `checks.location` uses: `request_stats.granted.total` is one cell,
`request_stats.granted` a row, `request_stats` (or `table3`) a whole table, and an arithmetic rule
names a column as `request_stats.*.total`. Table 2's cells are `active_disclosure.item.measure`.
The report page, the review of doubtful cells and the corrections all name cells this way.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

from . import template as T

TABLES = ("active_disclosure", "request_stats", "appeal_stats")
TABLE_WORDS = {"active_disclosure": "表二", "request_stats": "表三", "appeal_stats": "表四"}
# checks about a whole table that was not found name it by its number (table_missing)
TABLE_ALIASES = {"table2": "active_disclosure", "table3": "request_stats", "table4": "appeal_stats"}
# the database column that holds a row's key, in each table
ROW_KEYS = {"active_disclosure": "item", "request_stats": "row_key", "appeal_stats": "proceeding"}

ITEM_LABELS = {i.key: i.label for i in T.ACTIVE_ITEMS}
MEASURE_LABELS = {m.key: m.label for m in T.ACTIVE_MEASURES}
ROW_LABELS = {r.key: r.label for r in T.REQUEST_ROWS}
PROCEEDING_LABELS = dict(T.PROCEEDINGS)
CELL_WORDS = {**dict(T.APPLICANT_COLUMNS), **dict(T.OUTCOMES)}


class Cell(NamedTuple):
    """One value: (table, row, column); table 2's row is the item and its column the measure."""

    table: str
    row: str
    column: str

    @property
    def location(self) -> str:
        return f"{self.table}.{self.row}.{self.column}"

    @classmethod
    def at(cls, location: str) -> Optional["Cell"]:
        parts = location.split(".")
        return cls(*parts) if len(parts) == 3 and parts[0] in TABLES and "*" not in parts else None


def row_label(table: str, row: str) -> str:
    if table == "appeal_stats":
        return PROCEEDING_LABELS.get(row, row)
    if table == "active_disclosure":
        return ITEM_LABELS.get(row, row)
    return ROW_LABELS.get(row, row)


def column_label(table: str, column: str) -> str:
    return MEASURE_LABELS.get(column, column) if table == "active_disclosure" else CELL_WORDS.get(column, column)


def describe_location(location: str | None) -> str:
    """A location in words: request_stats.granted.total → 表三「（一）予以公开」总计."""
    if not location:
        return ""
    table, _, rest = location.partition(".")
    row, _, cell = rest.partition(".")
    words = TABLE_WORDS.get(table, table)
    if not row:
        return f"整张{words}"
    text = f"{words}「{row_label(table, row)}」"
    if cell:
        text += column_label(table, cell)
    elif table != "appeal_stats":
        text += "一行"
    return text


def known_keys(table: str) -> tuple[set[str], set[str]]:
    """Every row key and column key a table has in any format."""
    if table == "active_disclosure":
        return set(ITEM_LABELS), set(MEASURE_LABELS)
    if table == "request_stats":
        return set(ROW_LABELS), set(T.APPLICANT_KEYS)
    return set(PROCEEDING_LABELS), set(T.OUTCOME_KEYS)


def table_cells(table: str, fmt: Optional[str]) -> list[Cell]:
    """The cells a table of this format prints, in printed order ([] when the format is not known).
    A 2021 table 3 prints （六）其他处理 as three sub-rows: its `other_handling` is their sum, not a cell."""
    if table == "appeal_stats":
        return [Cell(table, p, o) for p, _ in T.PROCEEDINGS for o in T.OUTCOME_KEYS]
    if fmt not in (T.T2019, T.T2021):
        return []
    if table == "active_disclosure":
        return [Cell(table, item, m) for item, measures in T.ACTIVE_COLUMNS[fmt].items() for m in measures]
    return [Cell(table, row, c) for row in T.request_rows_for(fmt) for c in T.APPLICANT_KEYS]


def cells_at(location: str | None, formats: dict[str, Optional[str]]) -> list[Cell]:
    """The cells a location covers, in the formats of the report's tables (table → format):
    one cell, a row's cells, or a table's. [] for a location outside the tables (reports, sections)."""
    if not location:
        return []
    table, _, rest = location.partition(".")
    table = TABLE_ALIASES.get(table, table)
    if table not in TABLES:
        return []
    row, _, column = rest.partition(".")
    if row == "*":
        return []  # a column across rows: only an equation knows which rows (gkreport.review.settle)
    if column:
        return [Cell(table, row, column)]
    cells = table_cells(table, formats.get(table))
    return [c for c in cells if c.row == row] if row else cells
