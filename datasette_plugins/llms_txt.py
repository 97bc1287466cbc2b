"""/llms.txt: what the site offers a program or a language model, in the llms.txt format (a Markdown
file: a title, a summary, then sections of links, each with a note).

Written from the site itself on each request: the ready-made questions and the public tables of
metadata.yml (gkreport/dictionary.py: each column with its Chinese label), the question box, the
MCP endpoint when it is there (mcp_tools.py), custom SQL and the database file; every link is an
absolute address on this site.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

from gkreport import dictionary
from gkreport.site import NAME

from datasette_plugins.mcp_tools import AVAILABLE as MCP, PATH as MCP_PATH
from datasette_plugins.query_page import PARAM_LABELS, param_choices

EXAMPLE_QUESTION = "2021年哪些单位被提起行政诉讼？"


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html or "")).strip()


async def llms_txt(request, datasette):
    def url(path: str) -> str:
        return datasette.absolute_url(request, datasette.urls.path(path))

    meta = datasette.metadata() or {}
    db = datasette.get_database(NAME)
    counts = await db.table_counts()
    years = [int(v) for v, _ in (await param_choices(datasette)).get("year", [])]
    span = f"，年度 {min(years)}–{max(years)}" if years else ""
    lines = [
        f"# {meta.get('title', NAME)}",
        "",
        f"> {_plain(meta.get('description_html', ''))}",
        "",
        f"数据：报告 {counts.get('reports', 0):,} 份，机关 {counts.get('agencies', 0):,} 个{span}。只读。"
        "每个页面加 .json 即为 JSON（`?_shape=array` 给出对象列表，`_size=` 每页行数，最多 1000）；JSON、CSV 都允许跨域（CORS）。"
        "答案中的中文列名是显示用的标签。",
        f"Data: {counts.get('reports', 0):,} reports, {counts.get('agencies', 0):,} agencies. Read-only; add .json to any "
        "page for JSON (`?_shape=array` for a list of objects); CORS is on.",
        "",
        "## 提问 Ask",
        "",
        f"- [{url('/-/ask.json')}?q={EXAMPLE_QUESTION}]({url('/-/ask.json')}?{urlencode({'q': EXAMPLE_QUESTION})}): "
        "用中文或英文提问（离线引擎，没有语言模型）。返回 answer（一句话）、columns 和 rows、sql、links、context"
        "（追问时作为 &context=… 传回）；status 为 answered、no_data、clarify、not_understood 或 refused。"
        "Ask in Chinese or English; an answer, the rows behind it and the SQL.",
        "",
    ]
    if MCP:
        queries = ", ".join(datasette.metadata("queries", database=NAME) or {})
        lines += [
            "## MCP",
            "",
            f"- [{url(MCP_PATH)}]({url(MCP_PATH)}): Model Context Protocol，streamable HTTP，无状态（每个请求独立，"
            f"可发往任何副本）。工具：每个现成的问题一个（{queries}），ask（同上面的提问），list_databases、"
            "get_database_schema、execute_sql（只读 SQL）。MCP endpoint (stateless streamable HTTP): a tool per "
            "ready-made question, ask, and read-only SQL.",
            "",
        ]
    lines += ["## 现成的问题 Ready-made questions", "",
              "参数都可以不填；每个问题也有 .csv 和 .xlsx。Every parameter is optional; each also answers as .csv and .xlsx.", ""]
    for name, query in (datasette.metadata("queries", database=NAME) or {}).items():
        params = "；".join(f"{p}（{PARAM_LABELS.get(p, p)}）" for p in query.get("params") or [])
        note = (query.get("description") or "") + (f" 参数：{params}。" if params else "")
        lines.append(f"- [{query.get('title', name)}]({url(f'/{NAME}/{name}.json')}?_shape=array): {note}")
    lines += ["", "## 数据表 Tables", ""]
    tables = await db.execute_fn(lambda conn: dictionary.tables(conn, {"databases": {NAME: {
        "tables": datasette.metadata("tables", database=NAME) or {}}}}, NAME))
    for table in tables:
        columns = "，".join(f"{c.name}（{c.label}）" if c.label else c.name for c in table.columns)
        lines.append(f"- [{table.title}]({url(f'/{NAME}/{quote(table.name)}.json')}?_shape=array): "
                     f"{table.description} 列 columns：{columns}。")
    example = "select year, count(*) as n from reports group by year"
    lines += [
        "",
        "## 自定义 SQL Custom SQL",
        "",
        f"- [{url(f'/{NAME}.json')}?sql=…]({url(f'/{NAME}.json')}?{urlencode({'sql': example, '_shape': 'array'})}): "
        "任意 SELECT，3 秒，最多 1000 行。全文搜索：`sections_fts match escape_fts('词')`，"
        "`gk_snippet(body, '词')` 给出带高亮的段落。Any SELECT, 3 s, 1,000 rows.",
        "",
        "## 下载 Download",
        "",
        f"- [{url(f'/{NAME}.db')}]({url(f'/{NAME}.db')}): 整个数据库，一个 SQLite 文件。The whole database as one SQLite file.",
        "",
    ]
    return Response.text("\n".join(lines), headers={"Cache-Control": "max-age=300"})


@hookimpl
def register_routes():
    return [(r"^/llms\.txt$", llms_txt)]
