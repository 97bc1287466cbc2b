"""An agency's page, /-/agency/<id>, and the year overview, /-/overview: charts over the summary tables.

The page itself holds only the agency's name and region and the list of its reports (one indexed
look-up in report_figures); the charts fetch their numbers from the JSON API (datasette_plugins/charts.py).
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
    """The agency's row (or its name from its reports) and its reports by year; NotFound when it has none."""
    db = datasette.get_database(NAME)
    reports = [dict(r) for r in (await db.execute(
        "select report_id, year, agency_name, province, city, county, level, new_received, status "
        "from report_figures where agency_id = ? order by year", [agency_id])).rows]
    found = (await db.execute("select * from agencies where id = ?", [agency_id])).rows
    if not reports and not found:
        raise NotFound(f"没有编号为 {agency_id} 的机关")
    agency = dict(found[0]) if found else {"id": agency_id, "name": reports[-1]["agency_name"],
                                           **{k: reports[-1][k] for k in ("province", "city", "county", "level")}}
    for r in reports:
        r["status_label"] = STATUS.get(r["status"], r["status"])
    agency["level_label"] = LEVEL.get(agency.get("level"), agency.get("level") or "—")
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


async def overview_page(request, datasette):
    if wants_json(request):
        return json_page({"charts": [await chart_rows(datasette, c) for c in OVERVIEW_CHARTS]})
    context = {
        "database": NAME,
        "charts": [chart_div(datasette, c, height="420px" if c == "top_regions" else "340px") for c in OVERVIEW_CHARTS],
        "chart_scripts": script_urls(datasette),
    }
    return Response.html(await datasette.render_template("overview.html", context, request=request))


@hookimpl
def register_routes():
    return [
        (r"^/-/agency/(?P<agency_id>[^/]{1,128}?)(\.(?P<format>json))?$", agency_page),
        (r"^/-/overview(\.(?P<format>json))?$", overview_page),
    ]
