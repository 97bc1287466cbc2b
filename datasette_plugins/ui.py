"""Datasette's own pages in Chinese: the helpers the translated templates call.

templates/ overrides Datasette 0.65.5's table, row, query, database, error and footer templates with
their words in Chinese; what they cannot say from the template alone comes from here: the Chinese label
of each column, the filters' operators, a Chinese sentence for what a table page shows (Datasette's
`human_description_en` says "sorted by year descending"), a row's name for its page's title, and
Chinese for Datasette's error messages (the English original follows, marked as English).
"""

from __future__ import annotations

import re

from datasette import hookimpl
from markupsafe import Markup, escape

from gkreport.site import NAME

from datasette_plugins.links import name_of
from datasette_plugins.labels import any_column_label, code_label, column_parts, split_title, table_title

LOOKUPS = {
    "exact": "等于", "not": "不等于", "contains": "包含", "notcontains": "不包含", "endswith": "结尾是",
    "startswith": "开头是", "gt": "大于", "gte": "大于等于", "lt": "小于", "lte": "小于等于",
    "like": "符合模式（% 代表任意字）", "notlike": "不符合模式", "glob": "符合通配符（* 代表任意字）",
    "in": "属于（逗号分开）", "notin": "不属于（逗号分开）", "arraycontains": "列表包含",
    "arraynotcontains": "列表不包含", "date": "日期是", "isnull": "没有值", "notnull": "有值",
    "isblank": "为空", "notblank": "不为空",
}

# Datasette's messages (0.65.5) → Chinese; a match keeps its detail (a table's name, SQLite's words)
ERRORS = [
    (r"^404$|^Not found|^Record not found|^Row not found", "没有这个页面或这一行"),
    (r"^Database not found", "没有这个数据库"),
    (r"^Table not found:\s*(.+)$", "没有名为「{0}」的表"),
    (r"^Table not found", "没有这张表"),
    (r"^no such table:\s*(.*)$", "没有名为「{0}」的表"),
    (r"^no such column:\s*(.*)$", "没有名为「{0}」的列"),
    (r"^Cannot sort table by (.*)$", "不能按「{0}」排序"),
    (r"^Cannot use _sort and _sort_desc at the same time$", "不能同时升序和降序排序"),
    (r"^_size must be", "每页行数（_size）应为 1 到 1000 之间的整数"),
    (r"^Statement must be a SELECT|^Statement may not contain PRAGMA", "只能执行 SELECT 查询（只读）"),
    (r"SQL query took too long|interrupted", "查询超过 3 秒，已停止；请缩小范围或简化查询"),
    (r"^Permission denied|^You do not have permission", "没有权限"),
    (r"^not authorized", "只读网站：不能执行这个操作"),
    (r"syntax error|incomplete input|unrecognized token", "SQL 语法有误"),
    (r"^Cannot search by that column", "这一列不能搜索"),
    (r"^Invalid SQL", "SQL 有误"),
]
TITLES = {"Invalid SQL": "SQL 有误"}


def error_zh(message) -> Markup:
    """Datasette's error message in Chinese, the original after it in English."""
    text = re.sub(r"<[^>]+>", "", str(message or "")).strip()
    if re.search(r"[\u4e00-\u9fff]", text):  # our own pages' messages are Chinese already
        return Markup(escape(text))
    for pattern, zh in ERRORS:
        found = re.search(pattern, text, flags=re.I)
        if found:
            zh = zh.format(*(escape(g) for g in found.groups()))
            return Markup(f'{zh}<br><small lang="en">{escape(text)}</small>') if text != "404" else Markup(zh)
    return Markup(f'出错了<br><small lang="en">{escape(text)}</small>') if text else Markup("出错了")


def codes_marked(text) -> Markup:
    """A column's description with its codes (central, t3_missing_cells, request_stats…) set as code."""
    return Markup(re.sub(r"(?<![\w.])([a-z][a-z0-9_.]*[a-z0-9])(?![\w])",
                         lambda m: f"<code>{m.group(1)}</code>", str(escape(text or ""))))


def link_href(markup) -> str:
    """The address of the link Datasette made for a row (the link column of a table page)."""
    found = re.search(r'href="([^"]*)"', str(markup))
    return Markup(found.group(1)) if found else ""


def size_text(size) -> str:
    """A file's size as a reader says it: 1.2 MB."""
    size = float(size or 0)
    for unit in ("字节", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "字节" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def bilingual(text) -> Markup:
    """「机关 agency」: the Chinese, then the English marked as English."""
    zh, en = split_title(str(text))
    return Markup(f'{escape(zh)} <span lang="en">{escape(en)}</span>') if en else Markup(escape(text))


def title_zh(title) -> str:
    return TITLES.get(title, title)


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["gk_error"] = error_zh
    env.filters["gk_codes"] = codes_marked
    env.filters["gk_href"] = link_href
    env.filters["gk_title"] = title_zh
    env.filters["gk_bilingual"] = bilingual


def label_of(table: str | None, column: str) -> str:
    """A column's Chinese label: from metadata.yml for a table's column, from any table for a custom query's."""
    if column == "rowid":
        return "行号"
    if table:
        return column_parts(table, column)[0]
    return any_column_label(column) or column


def describe(request, table: str, filters, search: str, sort: str | None, sort_desc: str | None) -> str:
    """What a table page shows, in Chinese: 「省份 等于 福建省；按 年度 降序」."""
    parts = []
    if search:
        parts.append(f"搜索“{search}”")
    for column, lookup, value in filters.selections():
        op = LOOKUPS.get(lookup, lookup)
        shown = code_label(table, column, value) or value
        parts.append(f"{label_of(table, column)} {op}" + ("" if lookup in ("isnull", "notnull", "isblank",
                                                                               "notblank") else f" {shown}"))
    if sort_desc or sort:
        parts.append(f"按{label_of(table, sort_desc or sort)}{'降序' if sort_desc else '升序'}排列")
    return "；".join(parts)


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if database not in (NAME, None):
        return {}

    def value_label(column: str, value, label=None) -> str:
        if label not in (None, "") and str(label) != str(value):
            return label
        return code_label(table, column, value) or value

    titles = split_title(((datasette.table_metadata(NAME, table) or {}).get("title") or table) if table else "")

    async def row_title(primary_key_values) -> str:
        """A row's name for its page: its label column (a report's title, an agency's name) or its key."""
        label_column = await datasette.get_database(NAME).label_column_for_table(table)
        pks = await datasette.get_database(NAME).primary_keys(table) or ["rowid"]
        if label_column and len(pks) == len(primary_key_values):
            where = " and ".join(f"[{pk}] = ?" for pk in pks)
            found = (await datasette.get_database(NAME).execute(
                f"select [{label_column}] from [{table}] where {where}", list(primary_key_values))).first()
            if found and found[0]:
                return found[0]
        names = []
        for pk, v in zip(pks, primary_key_values):
            if pk in ("report_id", "agency_id"):
                v = await name_of(datasette, pk[:-3], v) or v
            names.append(str(code_label(table, pk, v) or v))
        return "，".join(names)

    return {
        "gk_label": lambda column: label_of(table, column),
        "gk_description_of": lambda column: column_parts(table, column)[1],
        "gk_value": value_label,
        "gk_lookups": LOOKUPS,
        "gk_describe": lambda filters, search, sort, sort_desc: describe(request, table, filters, search, sort,
                                                                         sort_desc),
        "gk_table_title": titles[0], "gk_table_title_en": titles[1],
        "gk_table_titles": table_title,
        "gk_split_title": split_title,
        "gk_column_label": lambda table_name, column: column_parts(table_name, column)[0],
        "gk_size": size_text,
        "gk_row_title": row_title,
    }
