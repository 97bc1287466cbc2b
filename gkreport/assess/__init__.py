"""What assessors measure, derived from the reports at the end of every ingest that changed them.

One module a measure, each writing its own tables (and its checks, all of severity info):

- roster.py, coverage.py: the bodies expected to publish each year, and which did (`roster`,
  `coverage`, `coverage_totals`);
- timeliness.py: publication dates against the deadlines of 条例第四十九条 (`timeliness`, checks
  `published_late`);
- similarity.py: narratives nearly the same as the body's previous year or another body's same year
  (`narrative_prints`, `narrative_bands`, `copied_reports`, checks `copied_narrative`);
- metrics.py: every rate as data, with each report's values (`metrics`, `metric_values`, `metric_totals`);
- outliers.py: figures far from the body's own history (`unusual_figures`, checks `unusual_figure`);
- score.py: the compliance rubric and each report's score with its parts (`rubric`, `compliance`).

`refresh` runs them inside store.finish's transaction, after the summary tables (metrics reads
report_figures), whenever the reports have changed since the last run (summaries.fingerprint) or the
definitions here have (VERSION). All are rebuilt whole except the copies, which are kept per report
and brought up to date for the reports added, changed or removed (similarity.py says how).
"""

from __future__ import annotations

import time

from .. import summaries
from . import coverage, metrics, outliers, roster, score, similarity, timeliness

NAME = "assess"  # its entry in summaries.DERIVED
VERSION = 1  # the definitions of the measures: everything is rebuilt when this changes


def stamp(conn) -> str:
    return f"{VERSION}:{similarity.VERSION}:{summaries.fingerprint(conn)}"


def up_to_date(conn) -> bool:
    return summaries.recorded(conn, NAME) == stamp(conn)


STEPS = (("roster", roster.rebuild), ("coverage", coverage.rebuild), ("timeliness", timeliness.rebuild),
         ("similarity", similarity.update), ("metrics", metrics.rebuild), ("outliers", outliers.rebuild),
         ("score", score.rebuild))


def refresh(conn, force: bool = False) -> dict[str, float]:
    """Bring every measure up to date with the reports (inside the caller's transaction); returns the
    seconds each step took, nothing when all was up to date."""
    if not force and up_to_date(conn):
        return {}
    previous = summaries.recorded(conn, NAME)
    if previous is not None and previous.split(":")[1] != similarity.VERSION:
        similarity.reset(conn)
    times = {}
    for name, step in STEPS:
        start = time.perf_counter()
        step(conn)
        times[name] = time.perf_counter() - start
    summaries.record(conn, NAME, stamp(conn))
    return times
