"""Chinese for what the database stores as keys: column names, coded values and the cells a check concerns.

The words live here once: the table, row and query pages (through `render_cell` and the helpers the
templates call), the report and agency pages and the question forms all read them from this module.
Column labels come from metadata.yml (`label：description`); the labels of table 3's rows, table 2's
items and measures, table 4's proceedings and the check rules come from gkreport.template, the same
definitions the lookup tables of the database are written from.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from datasette import hookimpl
from markupsafe import Markup, escape

from gkreport import template as T
from gkreport.assess import metrics
from gkreport.site import NAME, load_metadata

LEVEL = {"central": "中央", "province": "省级", "city": "市级", "county": "县级", "township": "乡镇"}
REGION_LEVEL = {"province": "省级", "city": "地级", "county": "县级"}
STATUS = {"ok": "通过检查", "warning": "有警告", "error": "表格无法读取"}
SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
TEMPLATE = {"2021": "2021 年格式", "2019": "2019 年试行格式", "pre2019": "2019 年以前的格式", "unknown": "无法判断"}
KIND = {"government": "人民政府", "general_office": "政府办公室", "department": "部门", "township": "乡镇街道",
        "other": "其他"}
CATEGORY = {"received": "收到申请", "granted": "予以公开", "partial": "部分公开", "denied": "不予公开",
            "unable": "无法提供", "rejected": "不予处理", "other": "其他处理", "total": "总计",
            "carried_forward": "结转下年度"}
SOURCE_FORMAT = {"txt": "纯文本 txt", "md": "纯文本 md", "html": "网页 html", "docx": "Word 文档 docx",
                 "doc": "Word 文档 doc", "wps": "WPS 文档 wps", "pdf": "PDF"}
YES_NO = {0: "否", 1: "是"}
SOURCE = {"division": "行政区划中的人民政府", "published": "发布过报告的机关"}
RELATION = {"previous_year": "本机关上一年", "same_year": "其他机关同一年"}
MET = {1: "符合", 0: "不符合"}
RUBRIC_PARTS = ("on_time", "six_sections", "three_tables", "arithmetic", "not_copied", "contact_details")

# coded columns of the tables (the same name means the same codes in every table, but for these)
CODES = {"level": LEVEL, "status": STATUS, "severity": SEVERITY, "template": TEMPLATE, "table2_template": TEMPLATE,
         "table3_template": TEMPLATE, "kind": KIND, "category": CATEGORY, "source_format": SOURCE_FORMAT,
         "is_aggregate": YES_NO, "source": SOURCE, "relation": RELATION, "late": YES_NO,
         **dict.fromkeys(RUBRIC_PARTS, MET)}
TABLE_CODES = {("regions", "level"): REGION_LEVEL}
# columns that hold code to type (SQL, keys), and English beside the Chinese
CODE_COLUMNS = {("metrics", "key"), ("metrics", "numerator"), ("metrics", "denominator"), ("rubric", "key")}
ENGLISH_COLUMNS = {("metrics", "name_en"), ("metrics", "formula_en"), ("metrics", "numerator_label_en"),
                   ("metrics", "denominator_label_en")}
# the Chinese-named columns of the ready-made questions that hold codes
QUERY_CODES = {"状态": STATUS, "严重程度": SEVERITY, "层级": LEVEL, "格式": TEMPLATE}

# columns holding a key of a lookup table, with the lookup's labels (also where no foreign key expands them)
LOOKUPS = {
    "row_key": {r.key: r.label for r in T.REQUEST_ROWS},
    "item": {i.key: i.label for i in T.ACTIVE_ITEMS},
    "measure": {m.key: m.label for m in T.ACTIVE_MEASURES},
    "proceeding": dict(T.PROCEEDINGS),
    "rule": {r.key: r.label for r in T.RULES},
    "metric": {m["key"]: m["name"] for m in metrics.definitions()},
}
TABLE_WORDS = {"active_disclosure": "表二", "request_stats": "表三", "appeal_stats": "表四"}
CELL_WORDS = {**dict(T.APPLICANT_COLUMNS), **dict(T.OUTCOMES)}
TABLE_PAGES = {"table2": "表二", "table3": "表三", "table4": "表四"}


def code_label(table: str | None, column: str, value) -> str | None:
    """The Chinese for a coded value, or None when the column holds no codes or the value is not one."""
    codes = TABLE_CODES.get((table, column)) or CODES.get(column) or LOOKUPS.get(column)
    if table is None:
        codes = QUERY_CODES.get(column) or codes
    if codes is None:
        return None
    try:
        return codes.get(value)
    except TypeError:  # an unhashable value
        return None


def describe_location(location: str | None) -> str:
    """A check's location in words: request_stats.granted.total → 表三「（一）予以公开」总计."""
    if not location:
        return ""
    table, _, rest = location.partition(".")
    row, _, cell = rest.partition(".")
    words = TABLE_WORDS.get(table, table)
    if not row:
        return f"整张{words}"
    if table == "appeal_stats":
        label = dict(T.PROCEEDINGS).get(row, row)
    elif table == "active_disclosure":
        label = LOOKUPS["item"].get(row, row)
    else:
        label = LOOKUPS["row_key"].get(row, row)
    text = f"{words}「{label}」"
    if cell:
        text += LOOKUPS["measure"].get(cell) or CELL_WORDS.get(cell, cell)
    elif table != "appeal_stats":
        text += "一行"
    return text


def describe_places(locations: list[str]) -> str:
    """Where a rule's checks are, in one phrase: whole rows of one table are named once with the table
    (表三「（一）予以公开」、「（二）部分公开」各一行); anything else place by place."""
    places = [loc for loc in dict.fromkeys(locations) if loc]
    parts = [loc.split(".") for loc in places]
    if len(places) > 1 and all(len(p) == 2 for p in parts) and len({p[0] for p in parts}) == 1 \
            and parts[0][0] in ("request_stats", "active_disclosure"):
        lookup = LOOKUPS["row_key" if parts[0][0] == "request_stats" else "item"]
        return TABLE_WORDS[parts[0][0]] + "、".join(f"「{lookup.get(p[1], p[1])}」" for p in parts) + "各一行"
    return "、".join(describe_location(loc) for loc in places)


def provenance_text(value) -> str | None:
    """reports.provenance ({"table2": 2, …}) in words: 表二在第 2 页，…"""
    try:
        pages = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if not isinstance(pages, dict):
        return None
    return "，".join(f"{TABLE_PAGES.get(k, k)}在第 {v} 页" for k, v in pages.items())


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict]:
    """metadata.yml's tables, read once: the labels are asked for cell by cell."""
    return load_metadata()["databases"][NAME]["tables"]


def _columns(table: str) -> dict[str, str]:
    return (_tables().get(table) or {}).get("columns") or {}


def column_parts(table: str | None, column: str) -> tuple[str, str]:
    """metadata.yml describes a column as `label：description`; a label alone has no description."""
    text = _columns(table).get(column, "") if table else ""
    label, _, description = text.partition("：")
    return label or column, description


def column_label(table: str | None, column: str) -> str:
    return column_parts(table, column)[0]


def any_column_label(column: str) -> str | None:
    """A column's label from whichever table has a column of that name (for custom SQL results)."""
    return _any_labels().get(column)


@lru_cache(maxsize=1)
def _any_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for table in _tables():
        for column in _columns(table):
            label, _ = column_parts(table, column)
            labels.setdefault(column, label)
    return labels


def split_title(title: str) -> tuple[str, str]:
    """metadata.yml titles are Chinese, then English: 「表三行目录 Table 3 rows」 → (表三行目录, Table 3 rows)."""
    found = re.match(r"^(.*[^\x00-\x7f])\s+([ -~]+)$", title or "")
    return (found.group(1), found.group(2)) if found else (title, "")


def table_title(table: str) -> str:
    """A table's Chinese title (its name when metadata.yml has none)."""
    return split_title((_tables().get(table) or {}).get("title") or table)[0]


@hookimpl
def render_cell(row, value, column, table, database):
    """Coded values in Chinese, the raw code kept in the cell's tooltip; locations and page numbers in words."""
    if database != NAME or value is None or isinstance(value, dict):
        return None
    if (table, column) in CODE_COLUMNS:
        return Markup(f"<code>{escape(value)}</code>")
    if (table, column) in ENGLISH_COLUMNS:
        return Markup(f'<span lang="en">{escape(value)}</span>')
    if (column == "location" and table == "checks") or (column == "figure" and table == "unusual_figures"):
        text = describe_location(value)
    elif column == "provenance":
        text = provenance_text(value)
    elif column == "encoding" and isinstance(value, str):
        text = value.upper()
    elif table is None and column == "规则键":  # a key to type into SQL: shown as code
        return Markup(f"<code>{escape(value)}</code>")
    else:
        text = code_label(table, column, value)
    if text is None:
        return None
    return Markup(f'<span class="gk-code" title="{escape(value)}">{escape(text)}</span>')
