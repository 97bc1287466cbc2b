"""Charts: the canned queries they read, the bundled chart library, and charts beside the ready-made questions.

Every chart is drawn in the browser by static/charts/gk-charts.js with the bundled Apache ECharts
5.6.0 (static/charts/echarts-5.6.0.min.js; no CDN), from the site's own JSON API: one canned
query each, `/gkreport/<query>.json?_shape=array`, which anyone may reuse. The queries added here
read only the summary tables built at ingest (gkreport/summaries.py), so they stay fast at 100,000
reports. The other charts read the existing canned queries (refusal_reasons_by_year,
correction_rate, grant_rate_by_region) and are drawn above their tables.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from gkreport.site import NAME

# served by chart_file below (compressed, and cached by browsers: the library's name holds its version)
STATIC = "/-/charts/"
FILES = Path(__file__).resolve().parent / "static" / "charts"
LIBRARY = "echarts-5.6.0.min.js"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".txt": "text/plain; charset=utf-8"}

QUERIES = {
    "chart_agency": {
        "title": "图表数据：一个机关的历年数字",
        "description": "机关历年的收到申请、办理结果、行政复议和行政诉讼（同一年有几份报告时相加），供机关页面的图表读取。agency_id = 机关编号。",
        "params": ["agency_id"],
        "hide_sql": True,
        "sql": """select year as 年度, max(agency_name) as 机关, count(*) as 报告数,
       sum(new_received) as 本年新收申请, sum(total_processed) as 办理总计,
       sum(granted) as 予以公开, sum(partially_granted) as 部分公开, sum(denied) as 不予公开, sum(unable) as 无法提供,
       sum(rejected) as 不予处理, sum(other_handling) as 其他,
       sum(review_total) as 行政复议, sum(review_corrected) as 复议纠正, sum(review_pending) as 复议未审结,
       sum(litigation_total) as 行政诉讼, sum(litigation_corrected) as 诉讼纠正, sum(litigation_pending) as 诉讼未审结,
       case when count(*) = 1 then max(report_id) end as 报告编号
from report_figures
where agency_id = :agency_id
group by year
order by year""",
    },
    "chart_years": {
        "title": "图表数据：全部报告按年度合计",
        "description": "每年的报告数、收到和办理的申请、办理结果、行政复议和行政诉讼合计，供年度概览的图表读取。",
        "params": [],
        "hide_sql": True,
        "sql": """select year as 年度, sum(reports) as 报告数, sum(new_received) as 本年新收申请,
       sum(total_processed) as 办理总计, sum(granted) as 予以公开, sum(partially_granted) as 部分公开,
       sum(denied) as 不予公开, sum(unable) as 无法提供, sum(rejected) as 不予处理, sum(other_handling) as 其他,
       sum(review_total) as 行政复议, sum(litigation_total) as 行政诉讼
from region_totals
where year is not null
group by year
order by year""",
    },
    "chart_top_regions": {
        "title": "图表数据：收到申请最多的省份",
        "description": "按本年新收申请合计排列的前 15 个省份。年度留空 = 全部年度。",
        "params": ["year"],
        "hide_sql": True,
        "sql": """select coalesce(province, '（未知）') as 地区, sum(reports) as 报告数,
       sum(new_received) as 本年新收申请, sum(total_processed) as 办理总计
from region_totals
where (nullif(:year, '') is null or year = :year)
group by 1
order by 本年新收申请 desc nulls last, 地区
limit 15""",
    },
    "chart_year_coverage": {
        "title": "图表数据：每年有报告的机关",
        "description": "每个年度有报告的机关数，以及其中前一个年度也有报告的机关数：两者不等时，各年合计来自不同的一批机关，"
                       "不能直接比较（见“同口径比较”）。省份、层级留空 = 全部。",
        "params": ["province", "level"],
        "hide_sql": True,
        "sql": """with a as (
  select agency_id, year, lag(year) over (partition by agency_id order by year) as before
  from report_figures
  where agency_id is not null and year is not null
    and (nullif(:province, '') is null or province = :province)
    and (nullif(:level, '') is null or level = :level)
  group by agency_id, year),
years as (select year, lag(year) over (order by year) as previous from (select distinct year from a))
select a.year as 年度, years.previous as 前一年度, count(*) as 机关数,
       sum(case when a.before = years.previous then 1 else 0 end) as 前一年度也有报告的机关数
from a join years on years.year = a.year
group by a.year
order by a.year""",
    },
}

# ready-made question → the chart drawn above its table
BESIDE_QUERIES = {
    "refusal_reasons_by_year": "refusal_reasons",
    "correction_rate": "litigation_by_year",
    "grant_rate_by_region": "grant_rate_by_region",
    "metric_by_year": "metric_years",
}


# each chart of gk-charts.js and the canned query it reads
CHART_QUERY = {"agency_requests": "chart_agency", "agency_outcomes": "chart_agency", "agency_appeals": "chart_agency",
               "year_totals": "chart_years", "refusal_reasons": "refusal_reasons_by_year",
               "top_regions": "chart_top_regions", "litigation_by_year": "correction_rate",
               "grant_rate_by_region": "grant_rate_by_region", "metric_years": "metric_by_year"}


async def chart_rows(datasette, chart: str, params: dict | None = None) -> dict:
    """A chart's data as the JSON of the pages that draw it: its question, parameters, rows and addresses."""
    query = CHART_QUERY[chart]
    canned = (await datasette.get_canned_queries(NAME, None))[query]
    values = {p: (params or {}).get(p, "") for p in canned.get("params") or []}
    result = await datasette.get_database(NAME).execute(canned["sql"], values)
    given = {k: v for k, v in values.items() if v}
    return {"chart": chart, "query": query, "params": given, "rows": [dict(r) for r in result.rows],
            "json": datasette.urls.path(f"/{NAME}/{query}.json") + ("?" + urlencode(given) if given else ""),
            "csv": datasette.urls.path(f"/{NAME}/{query}.csv") + ("?" + urlencode(given) if given else "")}


def script_urls(datasette) -> list[str]:
    return [datasette.urls.path(STATIC + LIBRARY), datasette.urls.path(STATIC + "gk-charts.js")]


def chart_div(datasette, chart: str, params: dict | None = None, height: str = "320px", target: str = "") -> Markup:
    """The placeholder gk-charts.js draws into (used by the agency, overview and embed templates)."""
    attrs = {"data-chart": chart, "data-params": json.dumps(params or {}, ensure_ascii=False),
             "data-base": datasette.urls.path("/"), "data-height": height}
    if target:
        attrs["data-target"] = target
    inner = " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items())
    return Markup(f'<figure class="gk-chart" {inner}></figure>')


@lru_cache(maxsize=None)
def _file(name: str) -> tuple[bytes, bytes]:
    body = (FILES / name).read_bytes()
    return body, gzip.compress(body, 6)


async def chart_file(request):
    """A file of static/charts/, gzipped when the browser accepts it; the versioned library is cached for a year."""
    name = request.url_vars["name"]
    if not (FILES / name).is_file() or Path(name).suffix not in TYPES:
        raise NotFound("没有这个文件")
    body, packed = _file(name)
    headers = {"Cache-Control": "public, max-age=31536000, immutable" if name == LIBRARY else "public, max-age=300",
               "Vary": "Accept-Encoding", "Access-Control-Allow-Origin": "*"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        body, headers["Content-Encoding"] = packed, "gzip"
    return Response(body, headers=headers, content_type=TYPES[Path(name).suffix])


@hookimpl
def register_routes():
    return [(r"^/-/charts/(?P<name>[A-Za-z0-9_.-]{1,64})$", chart_file)]


@hookimpl
def canned_queries(database):
    if database == NAME:
        return QUERIES
    return None


def _beside(request) -> str | None:
    if request is None:
        return None
    prefix = f"/{NAME}/"
    path = request.path
    if path.startswith(prefix) and path[len(prefix):] in BESIDE_QUERIES:
        return BESIDE_QUERIES[path[len(prefix):]]
    return None


@hookimpl
def extra_js_urls(template, request, datasette):
    if template == "query.html" and _beside(request):
        return script_urls(datasette)
    return []


@hookimpl
def extra_template_vars(template, request, datasette):
    """Above a ready-made question's table, its chart, drawn from the same question and parameters
    (templates/query.html puts it there: no inline script)."""
    chart = _beside(request) if template == "query.html" else None
    if not chart:
        return {}
    params = {k: v for k in request.args.keys() for v in [request.args.get(k)] if not k.startswith("_") and v}
    return {"gk_beside_chart": chart_div(datasette, chart, params)}


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/-/overview"), "label": "年度概览（图表）"}]
