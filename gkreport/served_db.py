"""The database as the site serves it: read while an ingest writes it.

The site puts the file in WAL mode when it starts (``enable_wal``) and reads it through read-only
connections that are not immutable. SQLite then gives every query the database as the last
committed transaction left it: while an ingest writes into the file the site answers with the
old data until a commit and with the new data after it, never with a half-written page, and the
writer never waits for the site nor the site for the writer. (An immutable connection, as used
before, assumes the file never changes: a page written under it reads as 「database disk image is
malformed」.) The other way, building a new file and swapping it in, would copy the whole database
for every ingest and leave Datasette's open connections on the old file.

A file the site cannot write (a read-only folder or file) cannot be put in WAL mode; nobody can
ingest into it either, so it is opened immutable, as a file that does not change.

Datasette is told the database is immutable, which it is for the site (nothing can be written
through it), so it keeps table counts and a hash instead of recounting on every page. Those are
kept here for each version of the data: ``PRAGMA data_version`` on a connection of our own says
when another connection has committed (``follow``), and the counts are then redone on a thread
while the pages show the previous ones; the counts of each version are also kept in a file beside
the database (``<db>.inspect.json``), so that start-up does not count 100,000 reports' rows again.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import os
import sqlite3
import threading
import time
from concurrent.futures import Executor
from pathlib import Path

from datasette.database import Database, connections

from . import search_plan

# The threads that run the current request's SQL, when not Datasette's own: datasette_plugins/limits.py
# runs custom SQL on threads of its own, so that however much of it arrives, the pages keep theirs.
LANE: contextvars.ContextVar[Executor | None] = contextvars.ContextVar("gkreport_lane", default=None)
CUSTOM_SQL_THREADS = "gkreport-custom-sql"  # the names of those threads begin so


def enable_wal(db_path: Path) -> bool:
    """Put the database in WAL mode (kept in the file); False when the file or folder is read-only."""
    if not os.access(db_path, os.W_OK) or not os.access(db_path.parent, os.W_OK):
        return False
    conn = sqlite3.connect(str(db_path), timeout=30)  # an ingest in progress commits every few seconds
    try:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    except sqlite3.OperationalError as e:
        if "readonly" in str(e) or "read-only" in str(e):
            return False
        raise
    finally:
        conn.close()
    return mode == "wal"


def fingerprint(db_path: Path, immutable: bool = False) -> str:
    """Stands for the file's content: the database file and its write-ahead log, their size and time.

    A file served ``immutable`` (read-only: nobody writes it) is known by its size and SQLite's
    header instead, which hold the count of its changes and its page count: the same whatever
    its inode and time, so the counts computed for a release (`gkreport release`) hold for every
    copy of it, on every replica."""
    if immutable:
        with open(db_path, "rb") as f:
            header = f.read(100)
        return f"sqlite:{db_path.stat().st_size}:{hashlib.sha256(header).hexdigest()}"
    parts = []
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        if st.st_size:  # an empty log (a reader makes one) holds nothing the file does not
            parts.append(f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}")
    return "/".join(parts)


def _count(conn: sqlite3.Connection) -> dict[str, dict]:
    tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
    counts = {}
    for t in tables:
        try:
            counts[t] = {"count": conn.execute(f"select count(*) from [{t}]").fetchone()[0]}
        except sqlite3.DatabaseError:  # contentless full-text tables cannot be counted
            counts[t] = {"count": 0}
    return counts


def inspect(db_path: Path, name: str, immutable: bool = False) -> dict:
    """Datasette's inspect data (row counts, size, hash) for the database, cached in a file beside it.

    Counting the rows of every table takes seconds at 100,000 reports: done once per version of the
    file, start-up is instant. The counts are taken in one read transaction, and kept in the file
    only when nothing was committed meanwhile, so the file never holds the counts of another version."""
    db_path = Path(db_path)
    cache = db_path.with_name(db_path.name + ".inspect.json")
    before = fingerprint(db_path, immutable)
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("fingerprint") == before:
            return cached["inspect"]
    except (OSError, ValueError, KeyError):
        pass
    conn = sqlite3.connect(f"file:{db_path}?{'immutable=1' if immutable else 'mode=ro'}", uri=True)
    try:
        conn.execute("BEGIN")
        counts = _count(conn)
        conn.execute("COMMIT")
    finally:
        conn.close()
    data = {name: {"hash": hashlib.sha256(before.encode()).hexdigest(), "size": db_path.stat().st_size,
                   "file": db_path.name, "tables": counts}}
    if fingerprint(db_path, immutable) == before:
        try:
            cache.write_text(json.dumps({"fingerprint": before, "inspect": data}), encoding="utf-8")
        except OSError:
            pass  # a read-only folder: count again next time
    return data


_query = threading.local()  # the query this thread is running: its deadline, what refused it
UDF_ERROR = "user-defined function raised exception"


def refusal(message: str) -> ValueError:
    """The error one of our SQL functions raises to refuse its input. SQLite reports any such error
    as 「user-defined function raised exception」; the query's error says ``message`` instead."""
    _query.refused = message
    return ValueError(message)


def check_time() -> None:
    """For our SQL functions, at each call: refuse once the query has run past the site's time
    limit. SQLite's own check of that limit comes every thousand steps of a query, which a
    function taking a tenth of a second a row stretches to minutes."""
    deadline = getattr(_query, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise refusal("查询超过了时间限制（interrupted）。The query ran past its time limit.")


def _watched(fn, limit_s: float):
    def run(conn):
        _query.refused, _query.deadline = None, time.monotonic() + limit_s
        try:
            return fn(conn)
        except sqlite3.OperationalError as e:
            if str(e) == UDF_ERROR and _query.refused:
                raise sqlite3.OperationalError(_query.refused) from e
            raise
        finally:
            _query.deadline = None
    return run


class ServedDatabase(Database):
    """Datasette's Database over a file an ingest may be writing (see the module's docstring)."""

    def __init__(self, ds, path: Path, name: str, immutable: bool = False):
        super().__init__(ds, path=str(path), is_mutable=False)
        self.file = Path(path)
        self.immutable = immutable
        self._name = name
        self._watcher: sqlite3.Connection | None = None
        self._version: int | None = None
        self._lock = threading.Lock()
        self._recount: threading.Thread | None = None
        self._inspect = inspect(self.file, name, immutable)
        ds.inspect_data = self._inspect  # Datasette reads the table pages' counts from here

    def connect(self, write=False):
        if write:
            raise sqlite3.OperationalError("只读网站 / read-only site")
        mode = "immutable=1" if self.immutable else "mode=ro"
        conn = sqlite3.connect(f"file:{self.path}?{mode}", uri=True, check_same_thread=False)
        self._all_file_connections.append(conn)
        return conn

    async def execute(self, sql, params=None, *args, **kwargs):
        """Datasette's SQL, but a search of the narrative's table page planned for its word (search_plan.py)."""
        if isinstance(params, dict) and "search" in params and search_plan.CLAUSE in sql:
            counted = search_plan.count_sql(sql)
            if counted is not None:
                sql = counted
            elif search_plan.is_page(sql):
                sections = self._inspect[self._name]["tables"].get(search_plan.TABLE, {}).get("count", 0)
                sql = await self.execute_fn(lambda conn: search_plan.page_sql(conn, sql, params, sections))
        return await super().execute(sql, params, *args, **kwargs)

    async def execute_fn(self, fn):
        fn = _watched(fn, self.ds.setting("sql_time_limit_ms") / 1000)
        executor = LANE.get()
        if executor is None:
            return await super().execute_fn(fn)

        def in_thread():  # as Datasette's own: one connection per thread
            conn = getattr(connections, self.name, None)
            if not conn:
                conn = self.connect()
                self.ds._prepare_connection(conn, self.name)
                setattr(connections, self.name, conn)
            return fn(conn)

        return await asyncio.get_running_loop().run_in_executor(executor, in_thread)

    # -- following the file --------------------------------------------------------------------------

    def follow(self) -> bool:
        """Notice a commit by another connection since the last call; when there was one, the counts
        and the hash are redone on a thread. Says whether there was. A few microseconds: run per request."""
        if self.immutable:
            return False
        with self._lock:
            if self._watcher is None:
                self._watcher = self.connect()
            version = self._watcher.execute("PRAGMA data_version").fetchone()[0]
            changed = self._version is not None and version != self._version
            self._version = version
            if changed and self._recount is None:  # (a recount under way counts again when it ends)
                self._recount = threading.Thread(target=self._refresh, name="gkreport-recount", daemon=True)
                self._recount.start()
        return changed

    def _refresh(self) -> None:
        while True:
            seen, start = self._version, time.monotonic()
            try:
                data = inspect(self.file, self._name)
            except sqlite3.Error:
                data = None  # counted again at the next commit
            with self._lock:
                if data is not None:
                    self._inspect[self._name] = data[self._name]  # in place: Datasette holds the dict
                    self._cached_table_counts = None  # Datasette's copy of them
                if data is None or self._version == seen:
                    self._recount = None
                    return
            # commits go on (an ingest): count again, after a pause as long as the count (100,000
            # reports: about 1 s), so that counting takes at most half a core from the site
            time.sleep(time.monotonic() - start)

    @property
    def hash(self):
        return self._inspect[self._name]["hash"]

    @property
    def size(self):
        return self._inspect[self._name]["size"]

    async def table_counts(self, limit=10):
        return {t: v["count"] for t, v in self._inspect[self._name]["tables"].items()}

    def wal_is_empty(self) -> bool:
        """Whether the database file alone holds every committed transaction."""
        try:
            return self.file.with_name(self.file.name + "-wal").stat().st_size == 0
        except FileNotFoundError:
            return True

    def close(self):
        with self._lock:
            if self._watcher is not None:
                self._watcher.close()
                self._watcher = None
        super().close()
