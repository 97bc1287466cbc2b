"""Unusual figures: a headline figure far from the same body's other years.

For each body with reports in at least four years (one report a year), each figure below is set
against the body's other years: the median and the median absolute deviation (MAD) of their
log(1 + count), and z = (log(1 + this year) − median) ÷ max(1.4826 × MAD, 0.5). A figure is flagged
when |z| ≥ 3.5 and it differs from the other years' median by at least 10 requests or cases.

Why these choices: counts of requests grow and shrink by factors, so they are compared on a log
scale, where 94 → 168 over four years is steady growth; the median and MAD of the other years are
not moved by the jump itself; the floor of 0.5 on the spread keeps a body whose other years happen
to lie close together (51, 60, 58, 59) from turning a small move into a large z; and a jump of a few
requests (0 → 5) is never flagged, however large as a ratio. With the floor, a flagged figure is at
least about 5.8 times (or under a sixth of) the other years' usual level. A flag is a hint (info):
the figure is either news or a parse or typing error, and either way a reader should look.
"""

from __future__ import annotations

import math

from ..template import PROCEEDINGS, REQUEST_ROW_BY_KEY
from . import derived_checks

RULE = "unusual_figure"
MIN_YEARS = 4
Z_LIMIT = 3.5
SPREAD_FLOOR = 0.5
MIN_CHANGE = 10
MAD_SCALE = 1.4826  # makes the MAD estimate a normal distribution's standard deviation

TABLE3 = ("new_received", "carried_over", "granted", "partially_granted", "total_processed", "carried_forward")
TABLE4 = tuple(key for key, _ in PROCEEDINGS)
LABELS = {**{f"request_stats.{k}.total": f"表三“{REQUEST_ROW_BY_KEY[k].label}”的总计" for k in TABLE3},
          **{f"appeal_stats.{k}.total": f"表四{label}的总计" for k, label in PROCEEDINGS}}

# each body-year with exactly one report: its figures, one row each
_FIGURES = f"""
with one as (
  select agency_id, year, min(id) as id from reports
  where agency_id is not null and year is not null
  group by agency_id, year having count(*) = 1)
select one.agency_id, one.year, one.id, 'request_stats.' || s.row_key || '.total', s.total
from one join request_stats s on s.report_id = one.id
where s.row_key in ({', '.join(repr(k) for k in TABLE3)}) and s.total is not null
union all
select one.agency_id, one.year, one.id, 'appeal_stats.' || a.proceeding || '.total', a.total
from one join appeal_stats a on a.report_id = one.id
where a.total is not null
"""


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def robust_z(value: float, others: list[float]) -> float:
    """z of log(1 + value) against the other years' log(1 + count): (x − median) ÷ max(1.4826 × MAD, 0.5)."""
    return _z(math.log1p(value), [math.log1p(v) for v in others])


def _z(log_value: float, log_others: list[float]) -> float:
    centre = _median(log_others)
    spread = max(MAD_SCALE * _median([abs(v - centre) for v in log_others]), SPREAD_FLOOR)
    return (log_value - centre) / spread


def unusual(series: dict[int, float]) -> list[tuple[int, float, float]]:
    """(year, z, median of the other years) for each year of one figure of one body that is unusual."""
    if len(series) < MIN_YEARS or any(v < 0 for v in series.values()):
        return []  # too short a history; a negative count is its own check's business
    logs = {y: math.log1p(v) for y, v in series.items()}
    out = []
    for year, value in series.items():
        z = _z(logs[year], [v for y, v in logs.items() if y != year])
        if abs(z) < Z_LIMIT:
            continue
        usual = _median([v for y, v in series.items() if y != year])
        if abs(value - usual) >= MIN_CHANGE:
            out.append((year, z, usual))
    return out


def rebuild(conn) -> int:
    """Write `unusual_figures` anew and a check for each; returns how many."""
    series: dict[tuple[str, str], dict[int, tuple[str, float]]] = {}
    for agency, year, rid, figure, value in conn.execute(_FIGURES):
        series.setdefault((agency, figure), {})[year] = (rid, value)
    conn.execute("drop table if exists unusual_figures")
    conn.execute("create table unusual_figures (report_id text references reports(id), agency_id text, year integer, "
                 "figure text, label text, value integer, usual real, z real, history text)")
    rows = []
    for (agency, figure), by_year in series.items():
        values = {y: v for y, (_, v) in by_year.items()}
        for year, z, usual in unusual(values):
            history = "、".join(f"{y} 年 {values[y]:g}" for y in sorted(values) if y != year)
            rows.append((by_year[year][0], agency, year, figure, LABELS[figure], values[year], usual, round(z, 2),
                         history))
    conn.executemany("insert into unusual_figures values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return derived_checks.replace(conn, RULE, [
        (rid, f"{label} {value:g}，与该机关其他年度（{history}；中位数 {usual:g}）相差很大"
              f"（对数尺度上的稳健标准分 {z:+.1f}）：可能是新情况，也可能是录入或读取的错误，请对照原文。",
         f"{usual:g}", f"{value:g}", figure)
        for rid, _, _, figure, label, value, usual, z, history in rows])
