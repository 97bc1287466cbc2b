"""Widgets other sites embed: iframe pages /-/embed/agency/<id> and /-/embed/chart/<name>, and static/embed.js.

The iframe pages have no navigation and fill their frame; each links back to the full data (in a
new tab). embed.js (served at /gk-static/embed.js) needs no page of ours: it reads
/gkreport/chart_agency.json?_shape=array&agency_id=… (the site answers with CORS headers) and draws
a card with the agency's latest figures after its own <script> tag. With .json added, the iframe pages
answer with their data.
"""

from __future__ import annotations

import re

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from gkreport.site import NAME

from datasette_plugins.agency_page import AGENCY_CHARTS, OVERVIEW_CHARTS, agency_info
from datasette_plugins.charts import BESIDE_QUERIES, chart_div, chart_rows, script_urls
from datasette_plugins.json_pages import json_page, wants_json

# charts that may be embedded alone, with the parameters they take from the embed URL
EMBEDDABLE = {name: [] for name in OVERVIEW_CHARTS} | {name: ["agency_id"] for name in AGENCY_CHARTS} | {
    "refusal_reasons": ["province", "level"], "litigation_by_year": ["province", "level"],
    "grant_rate_by_region": ["year", "province"]}


async def _render(request, datasette, context: dict) -> Response:
    context = {"chart_scripts": script_urls(datasette), "database": NAME, **context}
    # other sites may frame these pages: headers.py gives them frame-ancestors *
    return Response.html(await datasette.render_template("embed.html", context, request=request))


async def embed_agency(request, datasette):
    agency, reports = await agency_info(datasette, request.url_vars["agency_id"])
    latest = reports[-1] if reports else None
    if wants_json(request):
        return json_page({"agency": agency, "latest": latest, "report_count": len(reports),
                          "charts": [await chart_rows(datasette, "agency_requests", {"agency_id": agency["id"]})]})
    return await _render(request, datasette, {
        "title": agency["name"], "agency": agency, "latest": latest, "report_count": len(reports),
        "charts": [chart_div(datasette, "agency_requests", {"agency_id": agency["id"]}, height="220px", target="_blank")],
        "full_url": datasette.absolute_url(request, datasette.urls.path(f"/-/agency/{agency['id']}")),
    })


async def embed_chart(request, datasette):
    name = request.url_vars["chart"]
    if name not in EMBEDDABLE:
        raise NotFound(f"没有名为 {name} 的图表")
    params = {k: request.args.get(k) for k in EMBEDDABLE[name] if request.args.get(k)}
    if "agency_id" in EMBEDDABLE[name] and "agency_id" not in params:
        raise NotFound("缺少参数 agency_id（机关编号）")
    full = f"/-/agency/{params['agency_id']}" if "agency_id" in params else (
        f"/{NAME}/" + next((q for q, c in BESIDE_QUERIES.items() if c == name), "") if name in BESIDE_QUERIES
        else "/-/overview")
    if wants_json(request):
        return json_page(await chart_rows(datasette, name, params))
    height = request.args.get("height") or ""
    height = height if re.fullmatch(r"\d{2,4}px", height) else "100vh"  # ?height=400px, else the frame's height
    return await _render(request, datasette, {
        "title": "图表", "charts": [chart_div(datasette, name, params, height=f"calc({height} - 4.6em)", target="_blank")],
        "full_url": datasette.absolute_url(request, datasette.urls.path(full)),
    })


@hookimpl
def register_routes():
    return [
        (r"^/-/embed/agency/(?P<agency_id>[^/]{1,128}?)(\.(?P<format>json))?$", embed_agency),
        (r"^/-/embed/chart/(?P<chart>[a-z_]{1,64})(\.(?P<format>json))?$", embed_chart),
    ]
