"""Checks derived from the whole database rather than one report: written anew at every refresh."""

from __future__ import annotations

from typing import Iterable

# the check rules the assessment derives at the end of an ingest (left out where a report's own checks are copied)
RULES = ("published_late", "copied_narrative", "unusual_figure")
INSERT = ("insert into checks (report_id, rule, severity, message, expected, actual, location) "
          "values (?, ?, 'info', ?, ?, ?, ?)")


def replace(conn, rule: str, rows: Iterable[tuple]) -> int:
    """Every check of ``rule`` replaced by ``rows`` of (report_id, message, expected, actual, location),
    each a hint (severity info: it never counts against a report's status); returns how many."""
    conn.execute("delete from checks where rule = ?", [rule])
    rows = [(r[0], rule, *r[1:]) for r in rows]
    conn.executemany(INSERT, rows)
    return len(rows)
