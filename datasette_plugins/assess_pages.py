"""The pages that document what the assessment measures: /-/metrics (every rate, its formula, numerator,
denominator, when it cannot be computed, its caveat and minimum base) and /-/rubric (the compliance
score's parts and weights, and how each is judged). Both read the `metrics` and `rubric` tables, the
same data the questions and the scores are computed from; with .json added, each answers as JSON.
"""

from __future__ import annotations

from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

from gkreport.site import NAME

from datasette_plugins.json_pages import json_page, wants_json


async def _rows(datasette, sql: str, params=None) -> list[dict]:
    return [dict(r) for r in (await datasette.get_database(NAME).execute(sql, params or [])).rows]


def _question(datasette, name: str, **params) -> str:
    return datasette.urls.path(f"/{NAME}/{name}") + ("?" + urlencode(params) if params else "")


async def metrics_page(request, datasette):
    rows = await _rows(datasette, "select * from metrics order by sort_order")
    for m in rows:
        m["links"] = {"ranking": _question(datasette, "metric_ranking", metric=m["key"]),
                      "by_year": _question(datasette, "metric_by_year", metric=m["key"])}
    if wants_json(request):
        return json_page({"metrics": rows, "links": {"table": datasette.urls.table(NAME, "metrics")}})
    return Response.html(await datasette.render_template(
        "metrics.html", {"metrics": rows, "database": NAME}, request=request))


async def rubric_page(request, datasette):
    parts = await _rows(datasette, "select key, label, weight, how from rubric order by sort_order")
    spread = await _rows(datasette, """
        select year, count(*) as reports, round(avg(score), 1) as mean, min(score) as lowest, max(score) as highest,
               sum(score = 100) as full_marks
        from compliance where score is not null group by year order by year desc""")
    if wants_json(request):
        return json_page({"rubric": parts, "years": spread,
                          "links": {"ranking": _question(datasette, "compliance_ranking"),
                                    "table": datasette.urls.table(NAME, "compliance")}})
    context = {"parts": parts, "years": spread, "database": NAME, "total": sum(p["weight"] for p in parts),
               "ranking": _question(datasette, "compliance_ranking"),
               "lowest": _question(datasette, "compliance_ranking", order="asc")}
    return Response.html(await datasette.render_template("rubric.html", context, request=request))


@hookimpl
def register_routes():
    return [
        (r"^/-/metrics(\.(?P<format>json))?$", metrics_page),
        (r"^/-/rubric(\.(?P<format>json))?$", rubric_page),
    ]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/-/metrics"), "label": "比率的定义"},
            {"href": datasette.urls.path("/-/rubric"), "label": "合规评分规则"}]
