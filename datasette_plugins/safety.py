"""Read-only and safe in public, below Datasette's own checks.

The database is opened immutable, and Datasette only runs SQL that starts with SELECT or WITH.
This adds what those leave open: an SQLite authorizer on every connection that refuses any
write, schema change, ATTACH or PRAGMA that sets something (a `WITH … DELETE` or a pragma
function gets no further than the parser); limits on how big a value a query may build; and an
HTTP guard that answers every method but GET, HEAD and OPTIONS with 405. Long queries are
stopped by Datasette's `sql_time_limit_ms` (see gkreport/site.py).
"""

import sqlite3

from datasette import hookimpl
from datasette.utils.asgi import Response

from gkreport.site import NAME

ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
# pragmas that describe a table or index named as their argument (Datasette uses these)
TABLE_PRAGMAS = {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list"}
# pragmas that read a value when given no argument (SQLite's full-text tables read data_version)
READ_PRAGMAS = {"schema_version", "data_version", "user_version", "database_list", "compile_options",
                "function_list", "module_list", "pragma_list", "collation_list", "page_count", "page_size",
                "encoding", "freelist_count"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def authorize(action, arg1, arg2, db_name, trigger):
    if action in ALLOWED:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":
        # what SQLite reports while a full-text table declares its columns on first use; a real
        # write to the schema is stopped by the immutable, query-only connection all the same
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if name in TABLE_PRAGMAS or (name in READ_PRAGMAS and arg2 is None):
            return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


@hookimpl
def prepare_connection(conn, database):
    if database != NAME:  # Datasette's own in-memory catalogues, which it writes and never serves
        return
    conn.execute("PRAGMA query_only = 1")
    if hasattr(conn, "setlimit"):  # Python 3.11+
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 20_000_000)  # no single value over 20 MB
        conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, 100_000)
        conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    conn.set_authorizer(authorize)


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def guarded(scope, receive, send):
            if scope["type"] == "http" and scope.get("method", "GET") not in SAFE_METHODS:
                response = Response.text("只读网站，不接受修改。Read-only site.", status=405,
                                         headers={"Allow": "GET, HEAD, OPTIONS"})
                await response.asgi_send(send)
                return
            await app(scope, receive, send)
        return guarded
    return wrap
