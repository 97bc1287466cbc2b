"""Corrections applied to a report, inside the transaction (or savepoint) that holds the report.

`apply_report` runs when the writer has just written a report's parsed rows (`fresh`), or on a stored
report whose corrections changed: then it first puts back the parsed state kept in
`corrections_parsed`. It keeps that state for next time, writes each entry's value in force into
the contract tables, records in `corrections` the parsed value and what became of the entry, and
writes the report's checks as settle.py computes them on the values in force, with the report's
status and warning count. A report is never half-corrected: the caller's transaction holds it all.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable, Optional

from .. import template as T
from ..checks import status_of
from ..crosscheck import RULES as CROSS_YEAR_RULES
from ..layout import fmt_value
from ..locations import ROW_KEYS, TABLE_WORDS, Cell, describe_location, row_label, table_cells
from ..model import Check, Section
from .db import NOT_APPLIED, Stored, Synced, corrected_shas, stored_for
from .settle import Values, settle

TABLE_COLUMNS = {
    "active_disclosure": ("report_id", "item", "measure", "value", "unit"),
    "request_stats": ("report_id", "row_key", *T.APPLICANT_KEYS),
    "appeal_stats": ("report_id", "proceeding", *T.OUTCOME_KEYS),
}
CHECK_COLUMNS = ("report_id", "rule", "severity", "message", "expected", "actual", "location")
_NOT_CROSS_YEAR = f"rule not in ({', '.join(repr(r) for r in CROSS_YEAR_RULES)})"
UNITS = {"amount_10k_yuan": "万元", "amount_yuan": "元"}


def formats_of(report: dict) -> dict[str, Optional[str]]:
    """The format of each table of a report: its own, or else the report's (a table that was not found)."""
    own = report["template"] if report["template"] in (T.T2019, T.T2021) else None
    return {"active_disclosure": report["table2_template"] or own, "request_stats": report["table3_template"] or own,
            "appeal_stats": own}


def _report(conn: sqlite3.Connection, report_id: str) -> dict:
    cur = conn.execute("select id, sha256, status, warning_count, template, table2_template, table3_template, "
                       "agency_name, year, source_path from reports where id = ?", [report_id])
    return dict(zip([d[0] for d in cur.description], cur.fetchone()))


def _rows(conn: sqlite3.Connection, sql: str, params) -> list[dict]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _tables(conn: sqlite3.Connection, report_id: str) -> dict[str, list[dict]]:
    return {t: _rows(conn, f"select {', '.join(cols)} from {t} where report_id = ?", [report_id])
            for t, cols in TABLE_COLUMNS.items()}


def restore(conn: sqlite3.Connection, report_id: str) -> None:
    """Put back the parsed tables and checks of a report whose corrections are to be applied again."""
    found = conn.execute("select snapshot from corrections_parsed where report_id = ?", [report_id]).fetchone()
    if found is None:
        return
    snapshot = json.loads(found[0])
    for table, cols in TABLE_COLUMNS.items():
        conn.execute(f"delete from {table} where report_id = ?", [report_id])
        conn.executemany(f"insert into {table} ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
                         [[r[c] for c in cols] for r in snapshot["tables"][table]])
    conn.execute(f"delete from checks where report_id = ? and {_NOT_CROSS_YEAR}", [report_id])
    conn.executemany(f"insert into checks ({', '.join(CHECK_COLUMNS)}) values ({', '.join('?' * len(CHECK_COLUMNS))})",
                     [[c[k] for k in CHECK_COLUMNS] for c in snapshot["checks"]])
    conn.execute("update reports set status = ?, warning_count = ? where id = ?",
                 [snapshot["status"], snapshot["warning_count"], report_id])
    conn.execute("delete from corrections_parsed where report_id = ?", [report_id])


def apply_report(conn: sqlite3.Connection, report_id: str, sha256: str, *, fresh: bool) -> list[str]:
    """Apply the stored corrections of one report; returns lines about parsed values that moved."""
    if not fresh:
        restore(conn, report_id)
    entries = stored_for(conn, sha256)
    if not entries:
        return []
    report = _report(conn, report_id)
    parsed = _tables(conn, report_id)
    checks = _rows(conn, f"select {', '.join(CHECK_COLUMNS)} from checks where report_id = ? and {_NOT_CROSS_YEAR} "
                         "order by id", [report_id])
    conn.execute("insert or replace into corrections_parsed (report_id, snapshot) values (?, ?)",
                 [report_id, json.dumps({"tables": parsed, "checks": checks, "status": report["status"],
                                         "warning_count": report["warning_count"]}, ensure_ascii=False)])
    formats = formats_of(report)
    values = Values(parsed, report["table3_template"])
    lines: list[str] = []
    for e in entries:
        line = _apply_entry(conn, report, e, values, formats)
        if line:
            lines.append(line)
    if any(e.status == "corrected" and e.cell.table == "request_stats" and e.cell.row in T.OTHER_SUBROWS
           for e in entries) and values.derived:
        _derive_other_handling(conn, report_id, values, Values(parsed, report["table3_template"]))
    sections = [Section(*r) for r in conn.execute(
        "select section_no, heading, body from sections where report_id = ? order by position", [report_id])]
    final = settle([Check(**{k: c[k] for k in CHECK_COLUMNS[1:]}) for c in checks], values, entries, sections,
                   formats, report["table2_template"], report["table3_template"])
    conn.execute(f"delete from checks where report_id = ? and {_NOT_CROSS_YEAR}", [report_id])
    conn.executemany(
        f"insert into checks ({', '.join(CHECK_COLUMNS)}, settled_by) values ({', '.join('?' * (len(CHECK_COLUMNS) + 1))})",
        [(report_id, s.check.rule, s.check.severity, s.check.message, s.check.expected, s.check.actual,
          s.check.location, s.settled_by) for s in final])
    problems = sum(1 for s in final if s.check.severity in ("error", "warning"))
    status = status_of([s.check for s in final], report["status"] != "error")
    conn.execute("update reports set status = ?, warning_count = ? where id = ?", [status, problems, report_id])
    return lines


def _apply_entry(conn, report: dict, e: Stored, values: Values, formats: dict) -> Optional[str]:
    """Decide what becomes of one entry, write its value in force, and record it in `corrections`."""
    old_parsed, old_status = e.parsed_value, e.status
    missing = _missing_cell(e.cell, values, formats)
    parsed = values.get(e.cell)
    line = None
    if missing:
        e.status, e.note, e.parsed_value = "no_cell", missing, None
    elif e.kind == "confirm":
        e.parsed_value = parsed
        if e.value is None:
            e.value = parsed  # what was confirmed: the value the parser read when the person checked it
        if _same(e.value, parsed):
            e.status, e.note = "confirmed", None
        elif e.value is None:
            e.status = "changed"
            e.note = "解析时这一格没有读出（空），没有可确认的数值；请在 value 中填写原文的数值"
        else:
            e.status = "changed"
            e.note = (f"确认时的值是 {fmt_value(e.value)}，现在解析为 {fmt_value(parsed)}；现行值为解析值，"
                      "请重新核对这一格")
    elif _same(e.value, parsed):
        e.status, e.parsed_value = "same", parsed
        e.note = f"解析值已经是 {fmt_value(parsed)}，与更正相同；这条更正不再需要，可以从更正文件中删去"
    else:
        e.status, e.note, e.parsed_value = "corrected", None, parsed
        _write_cell(conn, report["id"], e.cell, e.value, values)
        if old_status == "corrected" and not _unchanged(old_parsed, parsed):
            line = (f"解析值有变化  {_who(report)} {_cell_words(e.cell)}：解析值由 {fmt_value(old_parsed)} "
                    f"变为 {fmt_value(parsed)}，更正值 {fmt_value(e.value)} 仍然适用")
    conn.execute("update corrections set report_id = ?, parsed_value = ?, value = ?, status = ?, note = ? "
                 "where id = ?", [report["id"], e.parsed_value, e.value, e.status, e.note, e.id])
    return line


def _same(a, b) -> bool:
    return a is not None and b is not None and float(a) == float(b)


def _unchanged(before, now) -> bool:
    """A parsed value read again: still unread (NULL both times) is no change."""
    return (before is None and now is None) or _same(before, now)


def _missing_cell(cell: Cell, values: Values, formats: dict) -> Optional[str]:
    """Why the report has no such cell, or None when it has it."""
    fmt = formats.get(cell.table)
    words = TABLE_WORDS[cell.table]
    if cell.table == "request_stats" and cell.row == "other_handling" and fmt == T.T2021:
        return "2021 年格式的表三把（六）其他处理分为三个子行，这一行是三行之和；请更正子行"
    if cell in table_cells(cell.table, fmt) or values.has(cell):
        return None
    if fmt is None:
        return f"报告的{words}格式无法判断，解析结果中也没有这一格"
    return f"报告的{words}是 {fmt} 年版格式，没有「{row_label(cell.table, cell.row)}」这一格"


def _write_cell(conn, report_id: str, cell: Cell, value, values: Values) -> None:
    if cell.table == "active_disclosure":
        unit = conn.execute("select unit from active_disclosure where report_id = ? and item = ? and measure = ?",
                            [report_id, cell.row, cell.column]).fetchone()
        conn.execute("insert or replace into active_disclosure (report_id, item, measure, value, unit) "
                     "values (?, ?, ?, ?, ?)",
                     [report_id, cell.row, cell.column, value, unit[0] if unit else UNITS.get(cell.column)])
    elif values.has_row(cell):
        conn.execute(f"update {cell.table} set [{cell.column}] = ? where report_id = ? and {ROW_KEYS[cell.table]} = ?",
                     [value, report_id, cell.row])
    else:  # a row the parser could not read at all
        conn.execute(f"insert into {cell.table} (report_id, {ROW_KEYS[cell.table]}, [{cell.column}]) values (?, ?, ?)",
                     [report_id, cell.row, value])
    values.set(cell, value)


def _derive_other_handling(conn, report_id: str, values: Values, parsed: Values) -> None:
    """A 2021 table 3's other_handling is the sum of its three sub-rows: added up again from the values
    in force, as the writer does (store.child_rows): blanks count as 0 where it counted them."""
    subrows = [Cell("request_stats", key, "total") for key in T.OTHER_SUBROWS]
    if not all(values.has_row(c) for c in subrows):
        return
    for column in T.APPLICANT_KEYS:
        parts = [values.get(Cell("request_stats", key, column)) for key in T.OTHER_SUBROWS]
        before = parsed.get(Cell("request_stats", "other_handling", column))
        total = sum(p or 0 for p in parts) if None not in parts or before is not None else None
        _write_cell(conn, report_id, Cell("request_stats", "other_handling", column), total, values)


def _who(report: dict) -> str:
    if report.get("agency_name"):
        return f"{report['agency_name']} {report['year'] or ''} 年度".replace("  ", " ")
    return f"报告 {report['id']}"


def _cell_words(cell: Cell) -> str:
    return f"{describe_location(cell.location)}（{cell.table} {cell.row} {cell.column}）"


# ---------------------------------------------------------------------------
# A run: the files copied into the table, the reports corrected as they are written, then a report


class Corrector:
    """What an ingest does with corrections: `after_write` is the writer's hook for each report."""

    def __init__(self, conn: sqlite3.Connection, synced: Optional[Synced] = None):
        self.synced = synced or Synced()
        self.shas = corrected_shas(conn)
        self.moved: dict[str, str] = {}  # lines about parsed values that moved, by report (a retried write repeats them)
        self.written: set[str] = set()

    def after_write(self, conn: sqlite3.Connection, report_id: str, sha256: Optional[str]) -> None:
        if sha256 in self.shas:
            self.moved[sha256] = "\n".join(apply_report(conn, report_id, sha256, fresh=True))
            self.written.add(sha256)


def reconcile(conn: sqlite3.Connection, synced: Synced) -> list[str]:
    """Apply again the corrections of stored reports that the files changed (in the caller's transaction)."""
    lines = []
    for sha in sorted(synced.shas):
        found = conn.execute("select id from reports where sha256 = ? limit 1", [sha]).fetchone()
        if found:
            lines += apply_report(conn, found[0], sha, fresh=False)
    return lines


def mark_missing_reports(conn: sqlite3.Connection) -> None:
    """Entries whose report is no longer in the database (its file changed or was removed) say so."""
    conn.execute(
        "update corrections set report_id = null, parsed_value = null, status = 'no_report', "
        "note = '数据库中没有 sha256 为 ' || substr(report_sha256, 1, 12) || '… 的报告（原文件的内容不同或没有导入）' "
        "where (status != 'no_report' or report_id is not null or note is null) "
        "and report_sha256 not in (select sha256 from reports where sha256 is not null)")
    conn.execute("delete from corrections_parsed where report_id not in (select id from reports)")


def not_applied_lines(conn: sqlite3.Connection, shas: Iterable[str], where: dict) -> list[str]:
    """A line for each entry of these reports that is not in force, or that is no longer needed."""
    shas = sorted(set(shas))
    lines = []
    for i in range(0, len(shas), 500):
        chunk = shas[i:i + 500]
        rows = conn.execute(
            "select c.report_sha256, c.[table], c.row, c.[column], c.status, c.note, r.agency_name, r.year, r.id "
            f"from corrections c left join reports r on r.id = c.report_id where c.report_sha256 in "
            f"({', '.join('?' * len(chunk))}) and c.status in ({', '.join('?' * len(NOT_APPLIED))}) order by c.id",
            [*chunk, *NOT_APPLIED]).fetchall()
        for sha, table, row, column, status, note, agency, year, rid in rows:
            cell = Cell(table, row, column)
            label = {"same": "更正与解析值相同", "changed": "确认不再成立"}.get(status, "更正未应用")
            report = _who({"agency_name": agency, "year": year, "id": rid}) if rid else f"报告 sha256 {sha[:12]}…"
            source = where.get((sha, cell))
            lines.append(f"{label}  {source + ' ' if source else ''}{report} {_cell_words(cell)}：{note}")
    return lines


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("select status, count(*) from corrections group by status").fetchall())
