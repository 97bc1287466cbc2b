"""An agency's page, /-/agency/<id>, and the year overview, /-/overview: charts over the summary tables.

The page itself holds the agency's name and region, the years it is expected to publish in and those
the database has no report of (the `coverage` table), and the list of its reports with their compliance
score and days late (indexed look-ups); the charts fetch their numbers from the JSON API
(datasette_plugins/charts.py). The overview also shows, per province and year, how many of the
governments expected to publish have a report here (`coverage_totals`).
With .json added, each page answers with its data: the agency and its reports, or the overview's charts.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from gkreport.site import NAME

from datasette_plugins.charts import chart_div, chart_rows, script_urls
from datasette_plugins.json_pages import json_page, wants_json
from datasette_plugins.labels import LEVEL, STATUS

AGENCY_CHARTS = ["agency_requests", "agency_outcomes", "agency_appeals"]
OVERVIEW_CHARTS = ["year_totals", "refusal_reasons", "top_regions"]


async def agency_info(datasette, agency_id: str) -> tuple[dict, list[dict]]:
    """The agency's row (or its name from its reports, or its row of the roster: a government of the
    division data may have no report) and its reports by year; NotFound when it is none of these."""
    db = datasette.get_database(NAME)
    reports = [dict(r) for r in (await db.execute(
        "select f.report_id, f.year, f.agency_name, f.province, f.city, f.county, f.level, f.new_received, f.status, "
        "c.score, t.late, t.days_late "
        "from report_figures f left join compliance c on c.report_id = f.report_id "
        "left join timeliness t on t.report_id = f.report_id where f.agency_id = ? order by f.year", [agency_id])).rows]
    found = (await db.execute("select * from agencies where id = ?", [agency_id])).rows
    listed = (await db.execute("select agency_id as id, name, province, city, county, adcode, level, kind "
                               "from roster where agency_id = ?", [agency_id])).rows
    if not reports and not found and not listed:
        raise NotFound(f"没有编号为 {agency_id} 的机关")
    agency = dict(found[0]) if found else dict(listed[0]) if listed else {
        "id": agency_id, "name": reports[-1]["agency_name"],
        **{k: reports[-1][k] for k in ("province", "city", "county", "level")}}
    for r in reports:
        r["status_label"] = STATUS.get(r["status"], r["status"])
    agency["level_label"] = LEVEL.get(agency.get("level"), agency.get("level") or "—")
    years = (await db.execute("select year, report_id is not null from coverage where agency_id = ? order by year",
                              [agency_id])).rows
    agency["expected_years"] = [y for y, _ in years]
    agency["missing_years"] = [y for y, present in years if not present]
    return agency, reports


async def agency_page(request, datasette):
    agency, reports = await agency_info(datasette, request.url_vars["agency_id"])
    if wants_json(request):
        return json_page({"agency": agency, "reports": reports,
                          "charts": [await chart_rows(datasette, c, {"agency_id": agency["id"]})
                                     for c in AGENCY_CHARTS[:1]],
                          "links": {"page": datasette.urls.path(f"/-/agency/{agency['id']}"),
                                    "embed": datasette.urls.path(f"/-/embed/agency/{agency['id']}")}})
    context = {
        "agency": agency, "reports": reports, "database": NAME,
        "charts": [chart_div(datasette, c, {"agency_id": agency["id"]}) for c in AGENCY_CHARTS],
        "chart_scripts": script_urls(datasette),
        "embed_url": datasette.urls.path(f"/-/embed/agency/{agency['id']}"),
    }
    return Response.html(await datasette.render_template("agency.html", context, request=request))


async def coverage_grid(datasette) -> dict:
    """Governments expected to publish and those with a report here, by province (rows) and year (columns)."""
    rows = (await datasette.get_database(NAME).execute(
        "select province, year, sum(expected), sum(published) from coverage_totals where kind = 'government' "
        "group by province, year order by province, year")).rows
    years = sorted({r[1] for r in rows}, reverse=True)
    provinces: dict[str, dict] = {}
    for province, year, expected, published in rows:
        provinces.setdefault(province or "（未知）", {})[year] = {"expected": expected, "published": published}
    return {"years": years, "provinces": [{"province": p, "years": [by_year.get(y) for y in years]}
                                          for p, by_year in provinces.items()]}


async def overview_page(request, datasette):
    coverage = await coverage_grid(datasette)
    if wants_json(request):
        return json_page({"charts": [await chart_rows(datasette, c) for c in OVERVIEW_CHARTS], "coverage": coverage})
    context = {
        "database": NAME,
        "charts": [chart_div(datasette, c, height="420px" if c == "top_regions" else "340px") for c in OVERVIEW_CHARTS],
        "chart_scripts": script_urls(datasette),
        "coverage": coverage,
    }
    return Response.html(await datasette.render_template("overview.html", context, request=request))


@hookimpl
def register_routes():
    return [
        (r"^/-/agency/(?P<agency_id>[^/]{1,128}?)(\.(?P<format>json))?$", agency_page),
        (r"^/-/overview(\.(?P<format>json))?$", overview_page),
    ]
