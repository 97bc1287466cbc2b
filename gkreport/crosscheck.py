"""Rules that compare one agency's consecutive reports (format spec R8, R9).

They run over the database after an ingest, since a report's neighbour years may
arrive in any order. Both are soft rules: restructuring, transfers and the
clean-up of old documents make real reports differ, so a difference is noted
(`info`), never counted against a report's status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

from .template import APPLICANT_COLUMNS

RULES = ("t3_carried_over_last_year", "t2_in_force_change")
DERIVED_NAME = "crosscheck"  # its entry in summaries.DERIVED: the change count of `reports` it was computed at

# consecutive years of one agency, where each year has exactly one report
PAIRS = """
with one as (
  select agency_id, year, min(id) as id from reports
  where agency_id is not null and year is not null
  group by agency_id, year having count(*) = 1
)
select cur.id as report_id, prev.id as prev_id, cur.year as year
from one cur join one prev on prev.agency_id = cur.agency_id and prev.year = cur.year - 1
"""


def refresh(db: sqlite_utils.Database) -> int:
    """Recompute the cross-year checks of the whole database; returns how many were found."""
    conn = db.conn
    with db.atomic():
        conn.execute(f"delete from checks where rule in ({', '.join('?' * len(RULES))})", RULES)
        rows = []
        for report_id, prev_id, year in conn.execute(PAIRS).fetchall():
            rows += _carried(conn, report_id, prev_id, year)
            rows += _in_force(conn, report_id, prev_id, year)
        conn.executemany(
            "insert into checks (report_id, rule, severity, message, expected, actual, location) "
            "values (?, ?, 'info', ?, ?, ?, ?)", rows)
    return len(rows)


def _carried(conn, report_id: str, prev_id: str, year: int) -> list[tuple]:
    cur = conn.execute("select * from request_stats where report_id = ? and row_key = 'carried_over'",
                       [report_id]).fetchone()
    prev = conn.execute("select * from request_stats where report_id = ? and row_key = 'carried_forward'",
                        [prev_id]).fetchone()
    if not cur or not prev:
        return []
    names = [d[0] for d in conn.execute("select * from request_stats limit 0").description]
    cur, prev = dict(zip(names, cur)), dict(zip(names, prev))
    out = []
    for col, label in APPLICANT_COLUMNS:
        a, b = cur.get(col), prev.get(col)
        if a is not None and b is not None and a != b:
            out.append((report_id, "t3_carried_over_last_year",
                        f"「上年结转」的{label}为 {a}，但该机关 {year - 1} 年报告的「结转下年度继续办理」为 {b}。",
                        str(b), str(a), f"request_stats.carried_over.{col}"))
    return out


def _in_force(conn, report_id: str, prev_id: str, year: int) -> list[tuple]:
    def values(rid: str) -> dict:
        return {(item, measure): v for item, measure, v in conn.execute(
            "select item, measure, value from active_disclosure where report_id = ? "
            "and item in ('rules', 'normative_documents')", [rid])}

    cur, prev = values(report_id), values(prev_id)
    out = []
    for item, label in (("rules", "规章"), ("normative_documents", "行政规范性文件")):
        need = [(item, "in_force"), (item, "issued"), (item, "repealed")]
        if not all(k in cur for k in need) or (item, "in_force") not in prev:
            continue
        change = cur[(item, "in_force")] - prev[(item, "in_force")]
        net = cur[(item, "issued")] - cur[(item, "repealed")]
        if change != net:
            out.append((report_id, "t2_in_force_change",
                        f"{label}现行有效件数比 {year - 1} 年变化了 {change:g} 件，但本年制发减废止为 {net:g} 件。",
                        f"{net:g}", f"{change:g}", f"active_disclosure.{item}.in_force"))
    return out
