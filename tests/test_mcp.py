"""The MCP endpoint /-/mcp, through the `mcp` package's own client against a real server on
loopback: each ready-made question a tool answering what its JSON API answers, the question box
as the tool `ask`, read-only SQL, the site's checks of parameters, stateless requests, and the
tools' SQL on the custom-SQL threads."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import socket
import threading
import time

import httpx
import pytest

# datasette-mcp needs Python 3.11 (pyproject.toml installs it there). Found, not imported: Datasette
# registers it as a plugin when it loads its plugins, and a module imported before that is half-made
if importlib.util.find_spec("datasette_mcp") is None:
    pytest.skip("datasette-mcp is not installed (Python 3.10)", allow_module_level=True)

from mcp import ClientSession  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402

from gkreport.served_db import CUSTOM_SQL_THREADS  # noqa: E402
from gkreport.site import build, load_metadata  # noqa: E402

QUERIES = load_metadata()["databases"]["gkreport"]["queries"]


@pytest.fixture(scope="module")
def site(years_db):
    """`gkreport serve`'s app under uvicorn on a free port of loopback, in this process (so that its
    threads can be seen)."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(build(years_db).app(), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(10)


async def _session(url: str, work):
    async with streamable_http_client(url + "/-/mcp") as streams:
        async with ClientSession(streams[0], streams[1]) as session:
            await session.initialize()
            return await work(session)


def run(url, work):
    return asyncio.run(_session(url, work))


def test_every_ready_made_question_is_a_tool(site):
    tools = run(site, lambda s: s.list_tools())
    by_name = {t.name: t for t in tools.tools}
    assert set(QUERIES) | {"ask", "execute_sql", "get_database_schema"} <= set(by_name)
    tool = by_name["litigation_by_agency"]
    assert tool.title == QUERIES["litigation_by_agency"]["title"]
    assert QUERIES["litigation_by_agency"]["description"] in tool.description
    assert set(tool.input_schema["properties"]) == {"year", "province"}
    assert "年度" in tool.input_schema["properties"]["year"]["description"]
    assert tool.annotations.read_only_hint


def test_a_question_tool_answers_what_the_json_api_answers(site):
    for name, args in [("litigation_by_agency", {"year": 2021}), ("refusal_reasons_by_year", {}),
                       ("agency_history", {"agency": "上杭县"}), ("search_narrative", {"q": "培训", "page": 1})]:
        result = run(site, lambda s: s.call_tool(name, args))
        assert not result.is_error, result.content
        api = httpx.get(f"{site}/gkreport/{name}.json", params={**args, "_shape": "array"}).json()
        assert result.structured_content["rows"] == api and api, name
        assert result.structured_content["path"].startswith(f"/gkreport/{name}")


def test_a_value_the_site_refuses_is_refused(site):
    result = run(site, lambda s: s.call_tool("litigation_by_agency", {"year": "二〇二一"}))
    assert result.is_error and "年度「二〇二一」无法识别" in result.content[0].text
    result = run(site, lambda s: s.call_tool("failed_checks", {"rule": "no_such_rule"}))
    assert result.is_error and "不是可选的值" in result.content[0].text


def test_ask_answers_as_the_question_box(site):
    question = "2021年哪些单位被提起行政诉讼？"
    result = run(site, lambda s: s.call_tool("ask", {"question": question}))
    assert not result.is_error
    api = httpx.get(f"{site}/-/ask.json", params={"q": question}).json()
    got = result.structured_content
    assert got["status"] == api["status"] == "answered"
    assert (got["answer"], got["rows"], got["sql"]) == (api["answer"], api["rows"], api["sql"])
    follow = run(site, lambda s: s.call_tool("ask", {"question": "2020年呢？", "context": json.dumps(got["context"])}))
    assert not follow.is_error, follow.content
    assert follow.structured_content["slots"]["years"]["values"] == [2020]
    as_object = run(site, lambda s: s.call_tool("ask", {"question": "2020年呢？", "context": got["context"]}))
    assert as_object.structured_content["rows"] == follow.structured_content["rows"]
    bad = run(site, lambda s: s.call_tool("ask", {"question": "2021年呢", "lang": "fr"}))
    assert bad.is_error and "lang" in bad.content[0].text


def test_sql_is_read_only(site):
    async def work(s):
        count = await s.call_tool("execute_sql", {"database": "gkreport", "sql": "select count(*) as n from reports"})
        delete = await s.call_tool("execute_sql", {"database": "gkreport", "sql": "delete from reports"})
        return count, delete

    count, delete = run(site, work)
    assert count.structured_content["rows"] == [{"n": 10}]
    assert delete.is_error
    assert httpx.get(f"{site}/gkreport.json", params={"sql": "select count(*) as n from reports",
                                                      "_shape": "array"}).json() == [{"n": 10}]


def test_the_tools_sql_runs_on_the_custom_sql_threads(site):
    def custom_sql_threads():
        return {t.name for t in threading.enumerate() if t.name.startswith(CUSTOM_SQL_THREADS)}

    before = custom_sql_threads()
    for name in QUERIES:
        run(site, lambda s: s.call_tool(name, {}))
    after = custom_sql_threads()
    assert after and len(after) <= 2  # the two custom-SQL threads, made when first needed, and no more
    assert before <= after


def test_requests_stand_alone(site):
    """No session: a request needs no earlier one (any replica can answer it)."""
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "reports_by_region", "arguments": {}}}
    r = httpx.post(f"{site}/-/mcp", json=call, headers=headers)
    assert r.status_code == 200 and "mcp-session-id" not in r.headers
    assert r.json()["result"]["structuredContent"]["rows"]
    # other addresses still take no POST
    assert httpx.post(f"{site}/gkreport/reports", json=call).status_code == 405
    assert httpx.post(f"{site}/-/mcp/x", json=call).status_code == 405
