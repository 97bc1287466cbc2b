"""Fair rankings by a rate: the SQL functions of the rates, and above each ranking what it leaves out.

gk_rate_text(n, d) gives a rate as a reader sees it (56.4%, or 「无法计算」 when d is 0 or missing),
gk_wilson_low(n, d) and gk_wilson_high(n, d) its 95 % Wilson interval: the functions of
gkreport/assess/metrics.py, registered on every connection so that the ready-made questions and
anyone's SQL compute them alike. Above a ranking (metric_ranking, grant_rate_by_region) the page
states the rate's formula, read from the `metrics` table, and how many were left out for too small a
base or a rate that cannot be computed, with a link to them (the question's `_left_out` twin, asked
with the same parameters).
"""

from __future__ import annotations

from urllib.parse import urlencode

from datasette import hookimpl
from markupsafe import Markup, escape

from datasette_plugins.paging import PAGED, every_row
from gkreport.assess import metrics
from gkreport.site import NAME

# ranking → (its twin listing what it leaves out, the metric when the ranking has no `metric` parameter,
# what it ranks, the twin's column of the rate)
RANKINGS = {
    "metric_ranking": ("metric_ranking_left_out", None, "机关", "比率"),
    "grant_rate_by_region": ("grant_rate_by_region_left_out", "disclosure_rate", "地区", "公开率"),
}
DEFAULT_METRIC = "disclosure_rate"


@hookimpl
def prepare_connection(conn):
    metrics.register(conn)


def _query_name(request) -> str | None:
    prefix = f"/{NAME}/"
    path = request.path if request else ""
    return path[len(prefix):] if path.startswith(prefix) else None


async def ranking_note(datasette, query: str, args: dict[str, str]) -> dict | None:
    """What a ranking leaves out, and the formula of its rate: {formula, min_base, left_out, cannot, link}."""
    twin, fixed, what, rate = RANKINGS[query]
    db = datasette.get_database(NAME)
    canned = (await datasette.get_canned_queries(NAME, None))[twin]
    values = {p: args.get(p, "") for p in canned.get("params") or []}
    sql = every_row(canned["sql"]) if twin in PAGED else canned["sql"]  # counted over every page
    try:  # counted in SQL: a twin may list thousands
        counted = (await db.execute(f"select count(*), count(*) filter (where [{rate}] = :gk_cannot) from ({sql})",
                                    {**values, "gk_cannot": metrics.CANNOT})).rows[0]
    except Exception:  # a value the question refuses: the page says so already
        return None
    key = fixed or values.get("metric") or DEFAULT_METRIC
    found = (await db.execute("select name, formula, min_base from metrics where key = ?", [key])).first()
    if found is None:
        return None
    min_base = values.get("min_base") or found["min_base"]
    left, cannot = counted[0], counted[1]
    given = {k: v for k, v in values.items() if v and k != "page"}
    return {"formula": found["formula"], "name": found["name"], "min_base": min_base, "what": what,
            "left_out": left, "cannot": cannot, "small": left - cannot,
            "link": datasette.urls.path(f"/{NAME}/{twin}") + ("?" + urlencode(given) if given else ""),
            "metrics_page": datasette.urls.path("/-/metrics")}


def note_html(note: dict) -> Markup:
    e = {k: escape(str(v)) for k, v in note.items()}
    text = (f'<p class="gk-ranking-note">{e["formula"]}（<a href="{e["metrics_page"]}">比率的定义</a>）。'
            f'最小基数 {e["min_base"]}：')
    if note["left_out"]:
        parts = []
        if note["small"]:
            parts.append(f'{note["small"]} 个分母不足 {e["min_base"]}')
        if note["cannot"]:
            parts.append(f'{note["cannot"]} 个无法计算（分母为 0 或缺少数字）')
        text += (f'另有 {note["left_out"]} 个{e["what"]}未列入排名——{"，".join(parts)}。'
                 f'<a href="{e["link"]}">查看未列入的{e["what"]}</a></p>')
    else:
        text += f"没有{e['what']}因此未列入。</p>"
    return Markup(text)


@hookimpl
def extra_template_vars(template, request, datasette):
    query = _query_name(request) if template == "query.html" else None
    if query not in RANKINGS:
        return {}

    async def note():
        args = {k: request.args.get(k) for k in request.args.keys()}
        found = await ranking_note(datasette, query, args)
        return {"gk_ranking_note": note_html(found) if found else None}

    return note
