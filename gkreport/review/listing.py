"""The cells that need a person: those left NULL, and those an open check concerns.

A check is open when it is a warning or an error that no correction settled. The cells it concerns
are those its rule reads (an equation's cells) or those its location names (a cell, a row, a table).
A cell someone corrected or confirmed is not listed again, unless the parser now reads it otherwise
than was confirmed.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from ..checks import VALUE_RULES
from ..locations import TABLES, Cell, cells_at, describe_location, table_cells
from ..model import Check
from ..site import source_roots
from .apply import TABLE_COLUMNS, formats_of
from .db import IN_FORCE
from .settle import Values, dependencies
from .source import Scan, SourceText, source_text

SEVERITY_WORDS = {"error": "错误", "warning": "警告"}
UNREAD = "未读出（空）"


@dataclass
class Item:
    """One cell to review."""

    report: dict
    cell: Cell
    parsed_value: object
    reasons: list[str] = field(default_factory=list)
    source: Optional[SourceText] = None

    @property
    def name(self) -> str:
        return describe_location(self.cell.location)


def _rows(conn, sql: str, params=()) -> list[dict]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def list_cells(db_path: Path, only: Sequence[str] = (), context: int = 2,
               images_dir: Optional[Path] = None) -> list[Item]:
    """Every cell to review, report by report (agency, year), each table in printed order."""
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        reports = _rows(conn, "select id, sha256, agency_name, year, title, source_path, status, template, "
                              "table2_template, table3_template from reports order by agency_name, year, id")
        if only:
            reports = [r for r in reports if any(r["id"].startswith(o) or (r["sha256"] or "").startswith(o.lower())
                                                 for o in only)]
        has_corrections = bool(conn.execute("select 1 from sqlite_master where name = 'corrections'").fetchone())
        items: list[Item] = []
        for report in reports:
            items += _report_items(conn, report, has_corrections)
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        sources: dict[str, SourceText] = {}
        for item in items:
            rid = item.report["id"]
            if rid not in sources:
                sections = conn.execute("select heading, body from sections where report_id = ? order by position",
                                        [rid]).fetchall()
                sources[rid] = source_text(item.report, sections, source_roots(Path(db_path)), images_dir,
                                           _scan(conn, rid, tables))
            item.source = sources[rid]
        return items
    finally:
        conn.close()


def _report_items(conn, report: dict, has_corrections: bool) -> list[Item]:
    rid = report["id"]
    tables = {t: _rows(conn, f"select {', '.join(cols)} from {t} where report_id = ?", [rid])
              for t, cols in TABLE_COLUMNS.items()}
    values = Values(tables, report["table3_template"])
    formats = formats_of(report)
    vouched: set[Cell] = set()
    if has_corrections:
        vouched = {Cell(*r) for r in conn.execute(
            f"select [table], row, [column] from corrections where report_id = ? and status in "
            f"({', '.join('?' * len(IN_FORCE))})", [rid, *IN_FORCE])}
    reasons: dict[Cell, list[str]] = {}
    rests_on = dependencies(values.tables(report["table2_template"], report["table3_template"]))
    settled = "and settled_by is null" if _has_settled(conn) else ""
    for c in _rows(conn, "select rule, severity, message, expected, actual, location from checks where report_id = ? "
                         f"and severity in ('error', 'warning') {settled} order by id", [rid]):
        check = Check(**c)
        cells = rests_on(check) if check.rule in VALUE_RULES else cells_at(check.location, formats)
        for cell in cells:
            reasons.setdefault(cell, []).append(f"{SEVERITY_WORDS[check.severity]}：{check.message}")
    for table in TABLES:
        for cell in table_cells(table, formats[table]):
            if values.get(cell) is None:
                reasons.setdefault(cell, []).append(UNREAD)
    order = {cell: n for n, cell in enumerate(c for t in TABLES for c in table_cells(t, formats[t]))}
    listed = sorted((c for c in reasons if c not in vouched), key=lambda c: (order.get(c, len(order)), c))
    return [Item(report, cell, values.get(cell), list(dict.fromkeys(reasons[cell]))) for cell in listed]


def _scan(conn, report_id: str, tables: set[str]) -> Scan:
    """A scan's pages and the page each of its values was read on, as the ingest kept them."""
    scan = Scan()
    if "scan_pages" in tables:
        scan.pages = conn.execute("select page, image from scan_pages where report_id = ? order by page",
                                  [report_id]).fetchall()
    if "ocr_cells" in tables:
        scan.cell_pages = dict(conn.execute("select location, page from ocr_cells where report_id = ?", [report_id]))
    return scan


def _has_settled(conn) -> bool:
    return any(r[1] == "settled_by" for r in conn.execute("pragma table_info(checks)"))
