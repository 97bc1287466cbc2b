"""Rates as data: metrics.yaml → the `metrics` table, each report's values → `metric_values`, their sums
by year and region → `metric_totals`.

A rate is numerator ÷ denominator, each an SQL expression over one report's row of report_figures. A
denominator of 0 or missing, or a numerator missing, gives no rate: `rate` is NULL and `rate_text` is
「无法计算」, never 0 % or 100 %. Each value carries its 95 % Wilson score interval (wilson_low,
wilson_high), which says how far a rate from so few cases could be from the body's usual one; rankings
leave out denominators under the metric's `min_base` (30 unless a ranking asks otherwise).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from .. import yamlfile

Z95 = 1.959963984540054  # the normal quantile of 0.975
CANNOT = "无法计算"
COLUMNS = ("key", "name", "name_en", "formula", "formula_en", "numerator", "numerator_label", "numerator_label_en",
           "denominator", "denominator_label", "denominator_label_en", "denominator_rule", "caveat", "min_base")


@lru_cache(maxsize=1)
def definitions() -> list[dict]:
    return yamlfile.load((Path(__file__).with_name("metrics.yaml")).read_text(encoding="utf-8"))


def by_key() -> dict[str, dict]:
    return {m["key"]: m for m in definitions()}


def computable(numerator, denominator) -> bool:
    return numerator is not None and denominator is not None and denominator > 0


def wilson(numerator, denominator, z: float = Z95) -> tuple[float, float] | None:
    """The 95 % Wilson score interval of numerator ÷ denominator; None when it has no meaning
    (no denominator, or a numerator outside 0 … denominator)."""
    if not computable(numerator, denominator) or not 0 <= numerator <= denominator:
        return None
    n, p = float(denominator), numerator / denominator
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return round(max(0.0, centre - half), 6), round(min(1.0, centre + half), 6)


def wilson_low(numerator, denominator):
    found = wilson(numerator, denominator)
    return found[0] if found else None


def wilson_high(numerator, denominator):
    found = wilson(numerator, denominator)
    return found[1] if found else None


def percent(value, of=1) -> str:
    """value ÷ of as a percentage: 56.4%, to one decimal, halves rounded up (四舍五入). Computed as
    100 × value ÷ of, the order the SQL below computes it in, so that both give the same digits."""
    return f"{Decimal(repr(100 * value / of)).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def rate_text(numerator, denominator) -> str:
    """The rate as a reader sees it: 56.4%, or 无法计算."""
    return percent(numerator, denominator) if computable(numerator, denominator) else CANNOT


# The SQL functions of the ready-made questions (registered on the site's connections and on the writer's)
FUNCTIONS = {"gk_wilson_low": wilson_low, "gk_wilson_high": wilson_high, "gk_rate_text": rate_text}


def register(conn) -> None:
    for name, func in FUNCTIONS.items():
        conn.create_function(name, 2, func, deterministic=True)


# The same three as SQL over columns n and d, for the 900,000 values of 100,000 reports: a Python function
# called three times a row took most of the rebuild. (SQLite's sqrt is there unless it was built without
# its math functions; the writer then gets Python's.)
_Z2 = Z95 * Z95
_P = "(1.0 * n / d)"
_CENTRE = f"(({_P} + {_Z2} / (2.0 * d)) / (1 + {_Z2} / d))"
_HALF = f"({Z95} * sqrt({_P} * (1 - {_P}) / d + {_Z2} / (4.0 * d * d)) / (1 + {_Z2} / d))"
_OK = "(n is not null and d > 0)"
_IN_RANGE = f"({_OK} and n between 0 and d)"
VALUE_SQL = (f"case when {_OK} then {_P} end",
             f"case when {_OK} then printf('%.1f%%', 100.0 * n / d) else '{CANNOT}' end",
             f"case when {_IN_RANGE} then round(max(0.0, {_CENTRE} - {_HALF}), 6) end",
             f"case when {_IN_RANGE} then round(min(1.0, {_CENTRE} + {_HALF}), 6) end")


def _ensure_sqrt(conn) -> None:
    try:
        conn.execute("select sqrt(4)").fetchone()
    except Exception:  # sqlite3.OperationalError: no such function
        conn.create_function("sqrt", 1, math.sqrt, deterministic=True)


def rebuild(conn) -> int:
    """Write `metrics`, `metric_values` and `metric_totals` anew; returns the rows of `metric_values`."""
    _ensure_sqrt(conn)
    conn.execute("drop table if exists metrics")
    conn.execute(f"create table metrics ({', '.join(f'{c} integer' if c == 'min_base' else f'{c} text' for c in COLUMNS)}, "
                 "sort_order integer, primary key (key))")
    conn.executemany(f"insert into metrics values ({', '.join('?' * (len(COLUMNS) + 1))})",
                     [(*(m[c] for c in COLUMNS), n) for n, m in enumerate(definitions())])
    conn.execute("drop table if exists metric_values")
    conn.execute("create table metric_values (report_id text references reports(id), metric text references metrics(key), "
                 "year integer, numerator integer, denominator integer, rate real, rate_text text, "
                 "wilson_low real, wilson_high real, primary key (report_id, metric))")
    for m in definitions():
        conn.execute(f"""
            insert into metric_values
            select report_id, ?, year, n, d, {", ".join(VALUE_SQL)}
            from (select f.report_id, f.year, {m['numerator']} as n, {m['denominator']} as d from report_figures f)
        """, [m["key"]])
    conn.execute("create index idx_metric_values_rank on metric_values (metric, year, rate)")
    conn.execute("drop table if exists metric_totals")
    # sums over the reports whose numerator and denominator are both known, so that the two match
    conn.execute("""
        create table metric_totals as
        select v.metric, f.year, f.province, f.city, f.level, count(*) as reports,
               count(v.numerator + v.denominator) as reports_counted,
               sum(case when v.denominator is not null then v.numerator end) as numerator,
               sum(case when v.numerator is not null then v.denominator end) as denominator
        from metric_values v join report_figures f on f.report_id = v.report_id
        group by v.metric, f.year, f.province, f.city, f.level
    """)
    conn.execute("create index idx_metric_totals on metric_totals (metric, year, province)")
    return conn.execute("select count(*) from metric_values").fetchone()[0]
