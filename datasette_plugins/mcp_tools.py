"""The site for other programs: an MCP endpoint at /-/mcp (Model Context Protocol, streamable HTTP).

datasette-mcp (0.3; it works with Datasette 0.65) serves it, with its tools list_databases,
get_database_schema and execute_sql. This module adds:

- **each ready-made question as a tool of its own**, named as on the site (litigation_by_agency,
  …), described by its Chinese title and description, each parameter with its label and the
  values it accepts; a value the site's API refuses (query_page.py) is refused with the same
  message, rather than answered with an empty table. (datasette-mcp's own canned-query tools,
  one generic pair, are left off.)
- **the question box as the tool `ask`**, with the same checks and the same answer as /-/ask.json.

It builds the server itself so that:

- **each request stands alone** (MCP's stateless mode, JSON answers): no session lives in one
  process, so any of N replicas behind a load balancer can answer any request, and no client can
  make the server hold thousands of sessions (datasette-mcp's own server keeps them, up to 10,000);
- it is named gkreport and tells a client what the data is, in Chinese and English.

The SQL of every tool runs on the custom-SQL threads, never on those serving pages (limits.py,
which also rate-limits /-/mcp and lets each client run one request at a time). Without
datasette-mcp (it needs Python 3.11) there is no /-/mcp; /llms.txt then leaves it out.

datasette-mcp and the `mcp` package are imported on the first request to /-/mcp, not as the site
starts: importing them took 1.5–9 s on a busy machine, more than the rest of the site's start-up.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import json
import logging
import threading
import weakref
from typing import Annotated, Any, Optional, Union
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.plugins import pm
from datasette.utils import MultiParams

from gkreport.site import NAME

from datasette_plugins import ask_input as checked
from datasette_plugins.query_page import BLANK, FORMS, PARAM_LABELS, param_choices, problems

AVAILABLE = importlib.util.find_spec("datasette_mcp") is not None
PATH = "/-/mcp"
INSTRUCTIONS = (
    "中国各级行政机关《政府信息公开工作年度报告》的数据（报告、机关、三张统计表、正文、检查）。"
    "先用 list_canned_queries 查看现成的问题（参数和说明都是中文），用 execute_canned_query 运行；"
    "用 ask 以中文或英文提一个问题，得到一句回答和背后的数据；"
    "需要自己写 SQL 时先用 get_database_schema（数据库 gkreport），再用 execute_sql（只读，3 秒，最多 1000 行）。\n"
    "Data of China's annual government information disclosure reports (reports, agencies, the three "
    "statistical tables, narrative, checks). Call list_canned_queries for the ready-made questions and "
    "run them with execute_canned_query; call ask with a question in Chinese or English; for your own SQL, "
    "get_database_schema (database gkreport), then execute_sql (read-only, 3 s, at most 1,000 rows)."
)

# the MCP SDK logs a line at INFO for each session and each start; the site's log is for problems
logging.getLogger("mcp").setLevel(logging.WARNING)

# datasette-mcp's own hooks would build its server (and import the mcp package) as the site starts;
# this module serves /-/mcp itself, importing both on the first request (gkreport/site.py keeps
# Datasette from importing datasette-mcp when it loads; under `datasette serve` it is loaded, and
# taken out here)
if pm.get_plugin("mcp") is not None:
    pm.unregister(name="mcp")
pm.set_blocked("mcp")

_servers: "weakref.WeakKeyDictionary[Any, Any]" = weakref.WeakKeyDictionary()  # Datasette → its MCP server
_apps: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()  # Datasette → {event loop: app}
_server_lock = threading.Lock()
_running: set = set()  # the tasks that hold each app's session manager open


def _server(datasette):
    """The MCP server of this Datasette, made once: datasette-mcp's tools and the site's."""
    with _server_lock:
        server = _servers.get(datasette)
        if server is None:
            import datasette_mcp
            from mcp.server.mcpserver import MCPServer

            server = MCPServer("gkreport", instructions=INSTRUCTIONS)
            datasette_mcp.register_mcp_tools(datasette=datasette, mcp=server)  # list_databases, schema, execute_sql
            add_tools(datasette, server)
            _servers[datasette] = server
        return server


async def _start(datasette):
    """An HTTP app for the server in this event loop, stateless, with its session manager running
    (datasette-mcp runs it for the site's lifespan; made on first use, it runs in a task of its own)."""
    server = await asyncio.to_thread(_server, datasette)  # the first import takes seconds: not on the event loop
    app = server.streamable_http_app(streamable_http_path="/", json_response=True, stateless_http=True,
                                     host="0.0.0.0")
    manager = server.session_manager  # the one just made for this app
    ready = asyncio.Event()

    async def hold():
        async with manager.run():
            ready.set()
            await asyncio.Event().wait()  # until the loop ends

    task = asyncio.get_running_loop().create_task(hold())
    _running.add(task)
    task.add_done_callback(_running.discard)
    await ready.wait()
    return app


async def _app(datasette):
    loop = asyncio.get_running_loop()
    apps = _apps.setdefault(datasette, {})
    for other in [k for k in apps if k.is_closed()]:
        del apps[other]
    if loop not in apps:
        apps[loop] = loop.create_task(_start(datasette))
    try:
        return await asyncio.shield(apps[loop])
    except BaseException:
        if apps.get(loop) is not None and apps[loop].done():
            del apps[loop]  # tried again on the next request
        raise


if AVAILABLE:
    @hookimpl
    def register_routes(datasette):
        async def endpoint(scope, receive, send):
            app = await _app(datasette)
            await app(dict(scope, path="/", raw_path=b"/"), receive, send)

        return [(r"^/-/mcp$", endpoint)]

    @hookimpl
    def skip_csrf(datasette, scope):
        """MCP's streamable HTTP posts each message (and deletes a session) without a form's token."""
        return scope.get("method") in {"POST", "DELETE"} and scope.get("path") == datasette.urls.path(PATH)


def add_tools(datasette, mcp) -> None:
    """Each ready-made question as a tool, and the question box as `ask`."""
    from mcp.server.mcpserver.exceptions import ToolError
    from mcp.types import ToolAnnotations

    from datasette_plugins.ask import ask as answer

    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)
    for name, query in (datasette.metadata("queries", database=NAME) or {}).items():
        mcp.add_tool(question_tool(datasette, name, query), name=name, title=query.get("title"),
                     description=describe(query), annotations=read_only)

    @mcp.tool(annotations=read_only)
    async def ask(question: str, context: Optional[Union[dict[str, Any], str]] = None,
                  lang: Optional[str] = None) -> dict[str, Any]:
        """问一个关于年度报告数据的问题（中文或英文），如「2021年哪些单位被提起行政诉讼？」。
        返回一句回答（answer）、背后的数据（columns、rows）、SQL 和链接；status 为 answered、no_data、
        clarify（有歧义：从 choices 中选）、not_understood 或 refused。追问时把上一次回答的 context 原样传回。
        lang：zh 或 en（默认按问题的语言）。

        Ask a question about the reports' data in Chinese or English. Returns a sentence (answer), the
        rows behind it, the SQL and links; for a follow-up, pass back the previous answer's context."""
        args = {"q": [question]}
        if context is not None:  # the answer's context as it came, or as JSON text (as /-/ask.json takes it)
            args["context"] = [context if isinstance(context, str) else json.dumps(context, ensure_ascii=False)]
        if lang is not None:
            args["lang"] = [lang]
        params = MultiParams(args)
        try:
            q, ctx, language = checked.question(params), checked.context(params), checked.language(params)
        except checked.BadInput as e:
            raise ToolError(f"{e.zh} {e.en}") from None
        return await answer(datasette, q, ctx, language)


def describe(query: dict) -> str:
    """A ready-made question's description for a tool: its title and description, and its parameters."""
    lines = [query.get("title") or "", query.get("description") or ""]
    if query.get("params"):
        lines.append("参数都可以不填（留空的含义见各参数）。Every parameter may be left out.")
    return "\n".join(line for line in lines if line)


def _param_note(query_name: str, param: str) -> str:
    blank = BLANK.get((query_name, param), "全部")
    form = f"，{FORMS[param][1]}" if param in FORMS else ""
    return f"{PARAM_LABELS.get(param, param)}{form}；留空 = {blank}"


def question_tool(datasette, name: str, query: dict):
    """A tool that asks the ready-made question ``name``: a function whose parameters are the question's."""
    from mcp.server.mcpserver.exceptions import ToolError
    from pydantic import Field

    params = list(query.get("params") or [])

    async def run(**given) -> dict[str, Any]:
        args = {p: "" if given.get(p) is None else str(given[p]).strip() for p in params}
        refused = [message for _, message, malformed in problems(await param_choices(datasette), args) if malformed]
        if refused:
            raise ToolError("；".join(refused))
        db = datasette.get_database(NAME)
        results = await db.execute(query["sql"], args, truncate=True)
        shown = {k: v for k, v in args.items() if v}
        return {"question": query.get("title") or name, "parameters": shown, "columns": list(results.columns),
                "rows": [dict(zip(results.columns, row)) for row in results.rows], "truncated": results.truncated,
                "path": datasette.urls.query(NAME, name) + ("?" + urlencode(shown) if shown else "")}

    run.__name__ = name
    run.__signature__ = inspect.Signature(
        [inspect.Parameter(p, inspect.Parameter.KEYWORD_ONLY, default=None,
                           annotation=Annotated[Optional[Union[str, int]], Field(description=_param_note(name, p))])
         for p in params], return_annotation=dict[str, Any])
    return run
