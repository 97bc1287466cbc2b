"""A report's assessment, for its page and its JSON: its rates (with 「无法计算」 for a zero denominator),
its timeliness, its compliance score with each part, the reports its narrative is nearly the same as,
and year over year: last year's figure of the same body beside each figure of tables 3 and 4, the
change, and the cross-year checks that concern it.

Everything here is read from the tables gkreport/assess builds at ingest; nothing is computed anew
but the differences from last year.
"""

from __future__ import annotations

from gkreport import template as T
from gkreport.assess import metrics
from gkreport.layout import fmt_value

# the checks about a figure compared with another year
CROSS_YEAR_RULES = ("t3_carried_over_last_year", "unusual_figure")


async def _rows(db, sql: str, params) -> list[dict]:
    return [dict(r) for r in (await db.execute(sql, params)).rows]


async def _one(db, sql: str, params) -> dict | None:
    found = await _rows(db, sql, params)
    return found[0] if found else None


def interval_text(low, high) -> str:
    return f"{metrics.percent(low)} – {metrics.percent(high)}" if low is not None and high is not None else "—"


async def report_metrics(db, report_id: str) -> list[dict]:
    rows = await _rows(db, """
        select v.metric, m.name, m.formula, m.numerator_label, m.denominator_label, v.numerator, v.denominator,
               v.rate, v.rate_text, v.wilson_low, v.wilson_high
        from metric_values v join metrics m on m.key = v.metric
        where v.report_id = ? order by m.sort_order""", [report_id])
    for r in rows:
        r["interval_text"] = interval_text(r["wilson_low"], r["wilson_high"])
    return rows


async def report_compliance(db, report_id: str) -> dict | None:
    found = await _one(db, "select * from compliance where report_id = ?", [report_id])
    if found is None:
        return None
    parts = []
    for p in await _rows(db, "select key, label, weight, how from rubric order by sort_order", []):
        met = found.get(p["key"])
        parts.append({**p, "met": met, "points": None if met is None else met * p["weight"],
                      "result": "不适用" if met is None else "符合" if met else "不符合"})
    return {"score": found["score"], "points": found["points"], "possible": found["possible"],
            "notes": found["notes"], "parts": parts}


async def report_copies(db, report_id: str) -> list[dict]:
    """The reports this one's narrative is nearly the same as, either way round."""
    return await _rows(db, """
        select c.other_id as report_id, o.agency_name, o.year, o.published_date, c.relation, c.jaccard,
               'copy' as side
        from copied_reports c join reports o on o.id = c.other_id where c.report_id = ?
        union all
        select c.report_id, o.agency_name, o.year, o.published_date, c.relation, c.jaccard, 'original'
        from copied_reports c join reports o on o.id = c.report_id where c.other_id = ?
        order by jaccard desc""", [report_id, report_id])


def _concerns(check_location: str, location: str) -> bool:
    """Whether a check is about a line of the comparison: a line of table 3 is a whole row (its total
    stands for it), a line of table 4 one cell."""
    table, row, _ = location.split(".")
    if table == "request_stats":
        return check_location == f"{table}.{row}" or check_location.startswith(f"{table}.{row}.")
    return check_location in (location, f"{table}.{row}")


def _change(this, last) -> dict:
    change = this - last if this is not None and last is not None else None
    share = change / last if change is not None and last else None
    return {"this": this, "last": last, "change": change,
            "change_text": "—" if change is None else f"{change:+g}",
            "share_text": "—" if change is None else metrics.CANNOT if not last else f"{100 * share:+.1f}%"}


async def year_over_year(db, report: dict, checks: list[dict]) -> dict | None:
    """Last year's figures of the same body beside this year's, when the body has one report of last year."""
    if not report.get("agency_id") or report.get("year") is None:
        return None
    previous = await _rows(db, "select id, year, title, published_date from reports where agency_id = ? and year = ?",
                           [report["agency_id"], report["year"] - 1])
    if len(previous) != 1:
        return None
    prev = previous[0]
    values: dict[str, dict[str, dict]] = {"this": {}, "last": {}}
    for side, rid in (("this", report["id"]), ("last", prev["id"])):
        for r in await _rows(db, "select * from request_stats where report_id = ?", [rid]):
            for column in T.APPLICANT_KEYS:
                values[side][f"request_stats.{r['row_key']}.{column}"] = r[column]
        for r in await _rows(db, "select * from appeal_stats where report_id = ?", [rid]):
            for outcome in T.OUTCOME_KEYS:
                values[side][f"appeal_stats.{r['proceeding']}.{outcome}"] = r[outcome]
    cross = [c for c in checks if c["rule"] in CROSS_YEAR_RULES and c.get("location")]

    def line(location: str, label: str) -> dict:
        about = [c for c in cross if _concerns(c["location"], location)]
        return {"location": location, "label": label,
                **_change(values["this"].get(location), values["last"].get(location)),
                "checks": [{"rule": c["rule"], "message": c["message"]} for c in about]}

    fmt = report.get("table3_template") if report.get("table3_template") in (T.T2019, T.T2021) else T.T2021
    table3 = [line(f"request_stats.{key}.total", T.REQUEST_ROW_BY_KEY[key].label) for key in T.request_rows_for(fmt)
              if f"request_stats.{key}.total" in values["this"] or f"request_stats.{key}.total" in values["last"]]
    table4 = [line(f"appeal_stats.{proc}.{outcome}", f"{proc_label}：{outcome_label}")
              for proc, proc_label in T.PROCEEDINGS for outcome, outcome_label in T.OUTCOMES
              if f"appeal_stats.{proc}.{outcome}" in values["this"]]
    return {"previous": prev, "table3": table3, "table4": table4,
            "cells": {loc: _change(values["this"].get(loc), last) for loc, last in values["last"].items()}}


def mark_last_year(rows: list[list[dict]], cells: dict[str, dict]) -> None:
    """Give each value cell of a laid-out table last year's figure and the change, for its tooltip."""
    for row in rows:
        for cell in row:
            found = cells.get(cell.get("location") or "")
            if found and found["last"] is not None:
                cell["last_year"] = f"上年 {fmt_value(found['last'])}（{found['change_text']}）"
                cell["title"] = "；".join(filter(None, [cell.get("title"), cell["last_year"]]))


async def report_assessment(db, report: dict, checks: list[dict]) -> dict:
    rid = report["id"]
    timeliness = await _one(db, "select deadline, days_late, late, basis, note from timeliness where report_id = ?",
                            [rid])
    return {"metrics": await report_metrics(db, rid), "timeliness": timeliness,
            "compliance": await report_compliance(db, rid), "copies": await report_copies(db, rid),
            "year_over_year": await year_over_year(db, report, checks)}
