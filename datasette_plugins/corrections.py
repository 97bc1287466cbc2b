"""Corrections on the site: the cells a person corrected or confirmed, marked on a report's page with
the evidence on hover, and /-/corrections, every correction with its report, cell, both values,
author, date and evidence (/-/corrections.json the same as JSON)."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Response

from gkreport.layout import fmt_value
from gkreport.locations import describe_location
from gkreport.review.db import STATUS
from gkreport.site import NAME

from datasette_plugins.json_pages import json_page, wants_json

COLUMNS = ("id", "report_id", "report_sha256", "table", "row", "column", "location", "kind", "parsed_value", "value",
           "author", "date", "evidence", "page", "status", "note", "source_file")
MARKS = {"corrected": "改", "confirmed": "核"}  # beside a value in force: corrected, or checked as parsed


async def _has_table(db) -> bool:
    return bool((await db.execute("select 1 from sqlite_master where type = 'table' and name = 'corrections'")).rows)


def _described(c: dict) -> dict:
    return {**c, "cell": describe_location(c["location"]), "status_label": STATUS.get(c["status"], c["status"]),
            "parsed_shown": "空" if c["parsed_value"] is None else fmt_value(c["parsed_value"]),
            "value_shown": "—" if c["value"] is None else fmt_value(c["value"]), "hover": hover(c)}


async def report_corrections(db, report_id: str) -> list[dict]:
    """A report's corrections and confirmations, in the order they were entered."""
    if not await _has_table(db):
        return []
    rows = await db.execute(f"select {', '.join(f'[{c}]' for c in COLUMNS)} from corrections where report_id = ? "
                            "order by id", [report_id])
    return [_described(dict(r)) for r in rows.rows]


def hover(c: dict) -> str:
    """What a reader sees on a marked cell: what was done, from what, by whom."""
    page = f"（原文第 {c['page']} 页）" if c.get("page") else ""
    who = f"核对人：{c['author']}，{c['date']}"
    if c["status"] == "corrected":
        parsed = "空（未读出）" if c["parsed_value"] is None else fmt_value(c["parsed_value"])
        return f"人工更正：解析值 {parsed}，更正为 {fmt_value(c['value'])}。依据{page}：{c['evidence']}。{who}"
    if c["status"] in ("confirmed", "same"):
        return f"经人工核对，数值无误。依据{page}：{c['evidence']}。{who}"
    return f"{STATUS.get(c['status'], c['status'])}：{c.get('note') or ''}。{who}"


def mark_cells(rows: list[list[dict]], corrections: list[dict]) -> None:
    """Mark the cells of a laid-out table (report_page's rows of cell dicts) that a person corrected or
    confirmed: the mark beside the value, the evidence in the cell's title."""
    by_location = {c["location"]: c for c in corrections if c["status"] in MARKS}
    for row in rows:
        for cell in row:
            c = by_location.get(cell.get("location"))
            if c is None:
                continue
            cell["correction"] = {"status": c["status"], "mark": MARKS[c["status"]]}
            cell["title"] = "；".join(t for t in (c["hover"], cell.get("title")) if t)


async def corrections_page(request, datasette):
    db = datasette.get_database(NAME)
    found = []
    if await _has_table(db):
        found = [_described(dict(r)) for r in (await db.execute(
            f"select {', '.join(f'c.[{c}]' for c in COLUMNS)}, r.agency_name, r.year from corrections c "
            "left join reports r on r.id = c.report_id "
            "order by r.agency_name is null, r.agency_name, r.year, c.id")).rows]
    counts: dict[str, int] = {}
    for c in found:
        counts[c["status"]] = counts.get(c["status"], 0) + 1
    if wants_json(request):
        return json_page({"corrections": found, "counts": counts,
                          "links": {"page": datasette.urls.path("/-/corrections"),
                                    "table": datasette.urls.table(NAME, "corrections")}})
    context = {"corrections": found, "database": NAME,
               "counts": [(STATUS.get(k, k), n) for k, n in counts.items()]}
    return Response.html(await datasette.render_template("corrections.html", context, request=request))


@hookimpl
def register_routes():
    return [(r"^/-/corrections(\.(?P<format>json))?$", corrections_page)]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/-/corrections"), "label": "人工更正"}]
