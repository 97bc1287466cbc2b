"""Ready-made questions read in Chinese: each parameter labelled, the values that exist offered as choices,
and a value that is not accepted answered with what is.

The choices are read from the database once per version of its file (the summary tables are small):
the years and provinces that have reports, the levels present, the check rules, the severities and the
formats. On the HTML page a value outside them gets a message saying what is accepted (a year with no
report: which years have one). Through the JSON, CSV and Excel API a malformed value (year=abc, a level
or rule that does not exist) is refused with 400 and the same message, rather than an empty answer.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

from datasette import hookimpl
from datasette.utils.asgi import Response

from gkreport import template as T
from gkreport.assess import metrics
from gkreport.site import NAME

from datasette_plugins.labels import KIND, LEVEL, SEVERITY, TEMPLATE

PARAM_LABELS = {
    "year": "年度",
    "province": "省份",
    "level": "层级",
    "agency": "机关名称中的几个字",
    "agency_id": "机关编号",
    "q": "搜索词（空格分开几个词）",
    "rule": "检查规则",
    "severity": "严重程度",
    "template": "报告格式",
    "page": "页码",
    "year_from": "起始年度",
    "year_to": "截止年度",
    "metric": "比率",
    "min_base": "最小基数（分母不足此数的不列入排名）",
    "kind": "机关类别",
    "order": "顺序",
    "exclude_settled": "不含已由人工更正解决的检查",
}
# what an empty choice means, where it is not 「全部」
BLANK = {("requests_by_agency", "year"): "最近一年", ("common_checks", "severity"): "警告和错误",
         ("like_for_like", "year_from"): "倒数第二个年度", ("like_for_like", "year_to"): "最近的年度",
         ("missing_reports", "year"): "最近一年", ("metric_ranking", "year"): "最近一年",
         ("metric_ranking_left_out", "year"): "最近一年", ("compliance_ranking", "year"): "最近一年",
         **{(q, "metric"): "公开率" for q in ("metric_ranking", "metric_ranking_left_out", "metric_by_year")},
         ("missing_reports", "kind"): "人民政府", ("coverage_by_province", "kind"): "人民政府",
         ("compliance_ranking", "order"): "得分高的在前",
         ("failed_checks", "exclude_settled"): "否：包括已由人工更正解决的",
         **{(q, "page"): "第 1 页" for q in ("search_narrative", "missing_reports", "unusual_jumps", "metric_ranking",
                                             "metric_ranking_left_out", "compliance_ranking")}}
ORDERS = {"desc": "得分高的在前", "asc": "得分低的在前"}
# what a well-formed value looks like, for the parameters without a list of choices
YEAR = (r"\d{4}", "四位数的年份，如 2021")
FORMS = {"year": YEAR, "year_from": YEAR, "year_to": YEAR, "page": (r"[1-9]\d{0,5}", "从 1 开始的页码"),
         "min_base": (r"\d{1,6}", "不小于 0 的整数，如 30"),
         "exclude_settled": (r"(?i)1|0|true|false|on|off|yes|no|是|否", "是（1）或否（0）")}
FLAGS = {"exclude_settled"}  # yes or no: every well-formed value is accepted, whatever the form offers
CHOICE_SQL = {
    "year": "select distinct year from region_totals where year is not null order by year desc",
    "province": "select distinct province from region_totals where province is not null order by province",
    "level": "select distinct level from region_totals where level is not null",
    "template": "select distinct template from reports where template is not null",
    "metric": "select key, name from metrics order by sort_order",  # (value, label)
}
# every value the database's codes allow, present or not (a value outside these is malformed)
KNOWN = {"level": LEVEL, "severity": SEVERITY, "template": TEMPLATE, "rule": {r.key: r.label for r in T.RULES},
         "kind": KIND, "order": ORDERS, "metric": {m["key"]: m["name"] for m in metrics.definitions()}}

_choices: dict[str, dict[str, list[tuple[str, str]]]] = {}


async def param_choices(datasette) -> dict[str, list[tuple[str, str]]]:
    """Parameter → [(value, label)] of the values in the database, read once per version of its file."""
    db = datasette.get_database(NAME)
    key = db.hash or "mutable"
    if key not in _choices:
        found: dict[str, list[tuple[str, str]]] = {}
        for param, sql in CHOICE_SQL.items():
            rows = (await db.execute(sql)).rows
            values = [str(r[0]) for r in rows]
            labels = {**KNOWN.get(param, {}), **{str(r[0]): r[1] for r in rows if len(r) > 1}}
            order = list(labels)
            values.sort(key=lambda v: order.index(v) if v in order else len(order)) if order else None
            found[param] = [(v, labels.get(v, v)) for v in values]
        found["year_from"] = found["year_to"] = found["year"]
        found["exclude_settled"] = [("1", "是：只列出仍未解决的问题")]
        found["rule"] = [(k, v) for k, v in KNOWN["rule"].items()]
        found["severity"] = [(k, v) for k, v in SEVERITY.items()]
        found["kind"] = [(k, v) for k, v in KIND.items()]
        found["order"] = [(k, v) for k, v in ORDERS.items()]
        _choices.clear()  # a new version of the file: the old choices go
        _choices[key] = found
    return _choices[key]


def problems(choices: dict[str, list[tuple[str, str]]], args: dict[str, str]) -> list[tuple[str, str, bool]]:
    """(parameter, message, malformed) for each value the question cannot take."""
    out = []
    for param, value in args.items():
        value = (value or "").strip()
        if not value or param not in PARAM_LABELS:
            continue
        label = PARAM_LABELS[param]
        offered = choices.get(param)
        if param in KNOWN and value not in KNOWN[param]:
            accepted = "、".join(f"{v}（{lab}）" for v, lab in (offered or KNOWN[param].items()))
            out.append((param, f"{label}「{value}」不是可选的值。可选：{accepted}；留空 = 全部。", True))
        elif param in FORMS and not re.fullmatch(FORMS[param][0], value):
            extra = f"数据中有：{'、'.join(v for v, _ in offered)}。" if offered and param not in FLAGS else ""
            out.append((param, f"{label}「{value}」无法识别，应为{FORMS[param][1]}。{extra}", True))
        elif offered is not None and param not in FLAGS and value not in {v for v, _ in offered}:
            out.append((param, f"数据中没有{label}为「{value}」的报告。有：{'、'.join(v for v, _ in offered)}；留空 = 全部。",
                        False))
    return out


@hookimpl
def extra_template_vars(template, request, datasette):
    if template != "query.html":
        return {}

    async def question_vars():
        choices = await param_choices(datasette)
        args = {k: request.args.get(k) for k in request.args.keys()} if request else {}
        query = request.path.rstrip("/").rsplit("/", 1)[-1] if request else ""
        return {
            "gk_param_labels": PARAM_LABELS,
            "gk_param_choices": choices,
            "gk_param_blank": {param: BLANK.get((query, param), "全部") for param in PARAM_LABELS},
            "gk_param_problems": [message for _, message, _ in problems(choices, args)],
        }

    return question_vars


def _canned(datasette, path: str) -> str | None:
    """The ready-made question an API address asks: /gkreport/<query>.json|.csv|.xlsx."""
    found = re.fullmatch(rf"/{NAME}/([A-Za-z0-9_]+)\.(json|csv|xlsx)", path)
    if not found:
        return None
    queries = (datasette.metadata("queries", database=NAME) or {})
    return found.group(1) if found.group(1) in queries or found.group(1).startswith("chart_") else None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def checked(scope, receive, send):
            if scope["type"] == "http" and _canned(datasette, scope.get("path", "")):
                args = {k: v[-1] for k, v in parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"),
                                                        keep_blank_values=True).items()}
                bad = [(p, m) for p, m, malformed in problems(await param_choices(datasette), args) if malformed]
                if bad:
                    body = {"ok": False, "error": "；".join(m for _, m in bad), "status": 400,
                            "parameters": [p for p, _ in bad]}
                    await Response(json.dumps(body, ensure_ascii=False), status=400,
                                   content_type="application/json; charset=utf-8",
                                   headers={"Access-Control-Allow-Origin": "*"}).asgi_send(send)
                    return
            await app(scope, receive, send)
        return checked
    return wrap
