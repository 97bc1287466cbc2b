"""The site follows its database while an ingest writes it (see gkreport/served_db.py).

Each request first asks the database whether another connection has committed since the last
request (a few microseconds); when one has, the table counts and the hash are redone on a thread.

`/gkreport.db` downloads the file only when the file alone holds the data: its write-ahead log
empty, and kept from being copied into the file (a checkpoint) while it is sent, by a read
transaction that began while the log was empty. During an ingest the answer is 503, with a line
saying to try again later, rather than a copy of a file that is being written.
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl
from datasette.utils.asgi import AsgiFileDownload, Response

from gkreport.served_db import ServedDatabase
from gkreport.site import NAME


def _served(datasette) -> ServedDatabase | None:
    db = datasette.databases.get(NAME)
    return db if isinstance(db, ServedDatabase) else None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def following(scope, receive, send):
            if scope["type"] == "http":
                db = _served(datasette)
                if db is not None:
                    db.follow()
            await app(scope, receive, send)
        return following
    return wrap


async def download(datasette, send):
    db = _served(datasette)
    plain = datasette.databases.get(NAME)
    if db is None and plain is not None and not plain.is_mutable and plain.path and datasette.setting("allow_download"):
        # Datasette's own immutable database (`datasette serve -i`, as `datasette publish` runs it): a file that
        # does not change, sent as it is
        headers = {"Etag": f'"{plain.hash}"', "Access-Control-Allow-Origin": "*"}
        await AsgiFileDownload(plain.path, filename=f"{NAME}.db", headers=headers).asgi_send(send)
        return None
    if db is None or not datasette.setting("allow_download"):
        return Response.text("不提供数据库下载。Database download is not available.", status=403)
    conn = db.connect()
    try:
        conn.execute("BEGIN")
        conn.execute("select count(*) from sqlite_master").fetchone()  # the read transaction starts here
        if not db.immutable and not db.wal_is_empty():
            return Response.text("数据库正在写入新数据，请稍后再下载。The database is being updated; try again later.",
                                 status=503, headers={"Retry-After": "60", "Cache-Control": "no-store"})
        headers = {"Etag": f'"{db.hash}"', "Access-Control-Allow-Origin": "*"}
        await AsgiFileDownload(db.path, filename=f"{NAME}.db", headers=headers).asgi_send(send)
        return None
    except sqlite3.Error as e:
        return Response.text(f"无法读取数据库：{e}", status=500)
    finally:
        conn.close()


@hookimpl
def register_routes():
    return [(rf"^/{NAME}\.db$", download)]
