"""The site stays up for everyone when some clients are hostile.

- **Lanes** for the requests that can keep the server busy for seconds or minutes, each with a
  few slots and one request at a time per client (LANES). Custom SQL (`/gkreport?sql=…`,
  `.json`, `.csv`) runs on two threads of its own, never on the threads that serve the pages,
  the ready-made questions and the search: four clients looping a 3-second query keep two cores
  busy and an ordinary visitor's pages still find a thread at once. A streamed CSV export of a
  whole table (`?_stream=on`: 2.5 million rows of table 3 at 100,000 reports, formatted row by row
  in Python) runs one at a time. The MCP endpoint (/-/mcp: mcp_tools.py) runs its tools' SQL on the
  custom-SQL threads, in slots of its own. A client's second request to a lane while its first runs gets
  429 at once; a request that finds every slot taken waits up to SLOT_WAIT_S seconds, then 503.
- **Per-IP rate limits** on the expensive endpoints (RULES: custom SQL, questions, MCP, exports,
  searches, the database download), with the token buckets of `datasette-ip-rate-limit`: a
  client may make a burst of `max_requests`, refilled at `max_requests` a `window`; a client that
  runs out is refused (429, Retry-After) for a `window`, then starts again with a full bucket.
  (That library's buckets refill whole after any refusal when the refusal lasts 0 seconds, so
  the refusal always lasts a window.)

The client is the connection's address; behind a reverse proxy on the same machine, uvicorn takes
it from `X-Forwarded-For` (it trusts that header from 127.0.0.1 only). A client on the machine
itself (127.0.0.1, ::1: the maintainer, the tests, or a proxy that passes no address, behind
which every visitor would share one bucket) has no per-client limits; the slots hold for it too.
Every refusal says why, in Chinese first, as JSON on the JSON API.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

from datasette import hookimpl
from datasette_ip_rate_limit import RateLimitState

from gkreport.served_db import CUSTOM_SQL_THREADS, LANE
from gkreport.site import NAME

from datasette_plugins.safety import MCP_PATH

SLOT_WAIT_S = 10.0
LOCAL = {"::1", "localhost"}
_SQL_PATH = re.compile(rf"^/{NAME}(\.\w+)?$")


def is_custom_sql(path: str, args: dict) -> bool:
    return "sql" in args and bool(_SQL_PATH.match(path))


def is_stream(path: str, args: dict) -> bool:
    return "_stream" in args


def is_mcp(path: str, args: dict) -> bool:
    return path == MCP_PATH


class Lane:
    def __init__(self, name: str, matches, slots: int, threads: str | None, zh: str, en: str,
                 executor: ThreadPoolExecutor | None = None):
        self.name, self.matches, self.size, self.zh, self.en = name, matches, slots, zh, en
        self.executor = ThreadPoolExecutor(slots, thread_name_prefix=threads) if threads else executor
        self.running: Counter[str] = Counter()
        self._slots: asyncio.Semaphore | None = None

    def slots(self) -> asyncio.Semaphore:
        if self._slots is None:  # made in the server's event loop
            self._slots = asyncio.Semaphore(self.size)
        return self._slots


def lanes() -> list[Lane]:
    sql = Lane("sql", is_custom_sql, 2, CUSTOM_SQL_THREADS, "自定义查询", "custom queries")
    # the MCP tools (mcp_tools.py) run their SQL on the custom-SQL threads too, with slots of their own
    return [sql, Lane("mcp", is_mcp, 2, None, "MCP 请求", "MCP request", executor=sql.executor),
            Lane("stream", is_stream, 1, None, "整表导出", "full exports")]


# (name, which requests, max_requests, window_seconds): the first rule a request matches counts it
RULES = [
    ("sql", is_custom_sql, 60, 60),
    ("download", lambda path, args: path == f"/{NAME}.db", 3, 600),
    ("export", lambda path, args: path.endswith((".csv", ".xlsx")) or "_stream" in args, 60, 60),
    ("ask", lambda path, args: path.startswith("/-/ask") and "q" in args, 60, 60),
    ("mcp", is_mcp, 120, 60),
    ("search", lambda path, args: "_search" in args or "q" in args or "_facet" in args, 120, 60),
]


def _refusal(path: str, status: int, zh: str, en: str, retry_after: int | None) -> tuple[dict, bytes]:
    headers = [(b"cache-control", b"no-store"), (b"access-control-allow-origin", b"*")]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    if path.endswith(".json"):
        body = json.dumps({"ok": False, "status": status, "error": f"{zh} {en}", "title": zh},
                          ensure_ascii=False).encode()
        headers.append((b"content-type", b"application/json; charset=utf-8"))
    else:
        body = f"{zh}\n{en}\n".encode()
        headers.append((b"content-type", b"text/plain; charset=utf-8"))
    return {"type": "http.response.start", "status": status, "headers": headers}, body


async def _refuse(send, path, status, zh, en, retry_after=None):
    start, body = _refusal(path, status, zh, en, retry_after)
    await send(start)
    await send({"type": "http.response.body", "body": body})


class Limits:
    def __init__(self):
        self.buckets = RateLimitState()
        self.lanes = lanes()

    async def __call__(self, app, scope, receive, send):
        path = scope.get("path") or ""
        args = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True)
        client = (scope.get("client") or ("?",))[0] or "?"
        local = client in LOCAL or client.startswith("127.")
        for name, matches, max_requests, window in RULES:
            if not local and matches(path, args):
                result = self.buckets.check((name, client), max_requests, window, window)
                if not result.allowed:
                    return await _refuse(send, path, 429, f"请求太频繁，请 {result.retry_after} 秒后再试。",
                                         f"Too many requests; try again in {result.retry_after} s.",
                                         result.retry_after)
                break
        lane = next((lane for lane in self.lanes if lane.matches(path, args)), None)
        if lane is None:
            return await app(scope, receive, send)
        if not local and lane.running[client]:
            return await _refuse(send, path, 429, f"你的上一个{lane.zh}还在运行，请等它结束再提交新的。",
                                 f"Your previous request ({lane.en}) is still running; wait for it to finish.", 3)
        lane.running[client] += 1
        try:
            try:
                await asyncio.wait_for(lane.slots().acquire(), SLOT_WAIT_S)
            except asyncio.TimeoutError:
                return await _refuse(send, path, 503, f"服务器正忙：正在运行的{lane.zh}太多，请稍后再试。",
                                     f"The server is busy with other {lane.en}; try again shortly.", 10)
            token = LANE.set(lane.executor)
            try:
                await app(scope, receive, send)
            finally:
                LANE.reset(token)
                lane.slots().release()
        finally:
            lane.running[client] -= 1
            if not lane.running[client]:
                del lane.running[client]


@hookimpl
def asgi_wrapper(datasette):
    limits = datasette._gkreport_limits = Limits()

    def wrap(app):
        async def limited(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            await limits(app, scope, receive, send)
        return limited
    return wrap
