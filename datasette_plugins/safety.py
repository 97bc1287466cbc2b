"""Read-only and safe in public, below Datasette's own checks.

The database is opened immutable, and Datasette only runs SQL that starts with SELECT or WITH.
This adds what those leave open: an SQLite authorizer on every connection that refuses any
write, schema change, ATTACH or PRAGMA that sets something (a `WITH … DELETE` or a pragma
function gets no further than the parser); limits on how big a value a query may build; and an
HTTP guard that answers every method but GET, HEAD and OPTIONS with 405. Long queries are
stopped by Datasette's `sql_time_limit_ms` (see gkreport/site.py).

That time limit is checked between the steps of a query, never inside one function call, so each
built-in that could run long in one call is bounded here: no value over MAX_VALUE bytes (which
bounds `zeroblob`, `randomblob`, `replace`, `group_concat` …), LIKE and GLOB patterns of at most
MAX_PATTERN bytes (they cost the length of the text times that of the pattern: under 2 s at
these limits), and `printf`/`format` refuse a width or precision over MAX_WIDTH
(`printf('%.*c', 2e9, 'x')` ran 11 s in one call).
"""

import re
import sqlite3
import threading

from datasette import hookimpl
from datasette.utils.asgi import Response

from gkreport.served_db import CUSTOM_SQL_THREADS, check_time, refusal
from gkreport.site import NAME

ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
# pragmas that describe a table or index named as their argument (Datasette uses these)
TABLE_PRAGMAS = {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list"}
# pragmas that read a value when given no argument (SQLite's full-text tables read data_version)
READ_PRAGMAS = {"schema_version", "data_version", "user_version", "database_list", "compile_options",
                "function_list", "module_list", "pragma_list", "collation_list", "page_count", "page_size",
                "encoding", "freelist_count"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# the MCP endpoint (datasette_plugins/mcp.py): MCP's streamable HTTP sends each message as a POST and
# ends a session with DELETE; every tool it offers reads
MCP_PATH = "/-/mcp"
MCP_METHODS = {"POST", "DELETE"}
MAX_VALUE = 5_000_000
MAX_PATTERN = 150
MAX_WIDTH = 1000
# a conversion of SQLite's printf: flags, width, precision, length, type; %% as one
_CONVERSION = re.compile(r"%([-+ 0#!,]*)(\*|\d+)?(?:\.(\*|\d*))?(l{0,2})(.?)", re.DOTALL)
_plain = threading.local()  # per thread, a connection of SQLite's own printf


def _int_arg(value) -> int:
    """The size an argument of `*` stands for, as large as SQLite could read it."""
    if isinstance(value, (int, float)):
        return abs(int(value)) if value == value and abs(value) != float("inf") else 0
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value or "")
    sizes = [0]
    for pattern in (r"[+-]?\d+", r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"):
        found = re.match(pattern, text.strip())
        if found:
            try:
                sizes.append(abs(int(float(found.group()))))
            except (OverflowError, ValueError):
                sizes.append(MAX_WIDTH + 1)
    return max(sizes)


def bounded_printf(fmt, *args):
    """SQLite's printf, refusing a width or precision over MAX_WIDTH."""
    check_time()
    if fmt is None:
        return None
    text = fmt.decode("utf-8", "replace") if isinstance(fmt, bytes) else str(fmt)
    used = 0
    for conversion in _CONVERSION.finditer(text):
        if conversion.group(5) == "%":
            continue
        for size in conversion.group(2, 3):
            if size == "*":
                size = _int_arg(args[used]) if used < len(args) else 0
                used += 1
            if size and int(size) > MAX_WIDTH:
                raise refusal(f"printf 的宽度或精度不能超过 {MAX_WIDTH}。printf width or precision over {MAX_WIDTH}.")
        used += 1
    conn = getattr(_plain, "conn", None)
    if conn is None:
        conn = _plain.conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE)
    marks = ", ".join("?" * (len(args) + 1))
    return conn.execute(f"select printf({marks})", (fmt, *args)).fetchone()[0]


def authorize(action, arg1, arg2, db_name, trigger):
    if action in ALLOWED:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":
        # what SQLite reports while a full-text table declares its columns on first use; a real
        # write to the schema is stopped by the immutable, query-only connection all the same
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if name == "database_list" and threading.current_thread().name.startswith(CUSTOM_SQL_THREADS):
            return sqlite3.SQLITE_DENY  # it shows where the file is kept (privacy.py); Datasette's own pages use it
        if name in TABLE_PRAGMAS or (name in READ_PRAGMAS and arg2 is None):
            return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


# Datasette has SQLite print the traceback of every error raised in a Python function of a query;
# ours refuse input on purpose (served_db.refusal), and the query's error says why
sqlite3.enable_callback_tracebacks(False)


@hookimpl
def prepare_connection(conn, database):
    if database != NAME:  # Datasette's own in-memory catalogues, which it writes and never serves
        return
    conn.execute("PRAGMA query_only = 1")
    if hasattr(conn, "setlimit"):  # Python 3.11+
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, MAX_PATTERN)
        conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, 100_000)
        conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    for name in ("printf", "format"):  # (format is printf's other name since SQLite 3.38)
        conn.create_function(name, -1, bounded_printf, deterministic=True)
    conn.set_authorizer(authorize)


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def guarded(scope, receive, send):
            method = scope.get("method", "GET")
            if scope["type"] == "http" and method not in SAFE_METHODS and not (
                    method in MCP_METHODS and scope.get("path") == MCP_PATH):
                response = Response.text("只读网站，不接受修改。Read-only site.", status=405,
                                         headers={"Allow": "GET, HEAD, OPTIONS"})
                await response.asgi_send(send)
                return
            await app(scope, receive, send)
        return guarded
    return wrap
