"""The names index of each database, kept current without making a question wait for it.

Building the index reads every agency, region and year of the database: 3–5 s at 100,000 reports
(12–15 s on a busy machine). A database finished by this version holds it ready-made (stored.py),
read in a fraction of that; one without it has it built here. It is made once per version of the data (a key: the served file's hash, or the file's size and
time). When the data changes under a site (an ingest committing into the file it serves), the next
question is answered from the index of the version before while the new one is built on a thread of
its own: names change only when reports do, and those just added are known seconds later. Only a
database with no index yet makes a question wait, for one build: a second question in the meantime
waits for that build instead of starting another.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any, Callable

from . import stored
from .entities import Index, build_index

_lock = threading.Lock()
_current: dict[Any, tuple[Any, Index]] = {}  # database → (the key its index was built for, the index)
_wanted: dict[Any, Any] = {}  # database → the newest key asked for, while a thread rebuilds its index
_first: dict[Any, threading.Lock] = {}  # database → held while its first index is built
MAX_DATABASES = 8


def file_key(conn: sqlite3.Connection) -> tuple[Any, Any]:
    """(the database, its version) for a connection: the file's path, and its size and time."""
    row = conn.execute("pragma database_list").fetchone()
    path = Path(row[2]) if row and row[2] else None
    if path is None or not path.exists():
        return id(conn), id(conn)
    st = path.stat()
    return str(path), (str(path), st.st_size, st.st_mtime_ns)


def _identified(conn: sqlite3.Connection, key: Any, database: Any) -> tuple[Any, Any]:
    """(the database, its version): as given, or the file's (file_key)."""
    if key is None:
        database, key = file_key(conn)
    return (key if database is None else database), key


def index_for(conn: sqlite3.Connection, key: Any = None, *, database: Any = None,
              reopen: Callable[[], sqlite3.Connection] | None = None) -> Index:
    """The names index of a database at version `key`.

    With `reopen` (a way to open another connection to the same database), a database that has an
    index of an older version gets that one at once, and the new one is built on a thread; without
    it, or when the database has no index yet, the index is built here."""
    database, key = _identified(conn, key, database)
    with _lock:
        current = _current.get(database)
        if current is not None and current[0] == key:
            return current[1]
        if current is not None and reopen is not None:
            if database not in _wanted:
                threading.Thread(target=_rebuild, args=(database, reopen), name="gkreport-ask-index",
                                 daemon=True).start()
            _wanted[database] = key
            return current[1]
        first = _first.setdefault(database, threading.Lock())
    with first:  # one build at a time: another question for the same database waits for it
        with _lock:
            current = _current.get(database)
            if current is not None and (current[0] == key or reopen is not None):
                return current[1]
        idx = _made(conn)
        _keep(database, key, idx)
        return idx


def _made(conn: sqlite3.Connection) -> Index:
    """The index the database holds for its reports, or one built from them."""
    return stored.load(conn) or build_index(conn)


def _keep(database: Any, key: Any, idx: Index) -> None:
    with _lock:
        if database not in _current and len(_current) >= MAX_DATABASES:
            _current.pop(next(iter(_current)))
        _current[database] = (key, idx)


def _rebuild(database: Any, reopen: Callable[[], sqlite3.Connection]) -> None:
    """Build the index of the newest version asked for, again while newer ones are asked for."""
    while True:
        with _lock:
            key = _wanted[database]
        try:
            conn = reopen()
            try:
                idx = _made(conn)
            finally:
                conn.close()
        except sqlite3.Error:
            idx = None  # tried again at the next change
        with _lock:
            if idx is not None:
                _current[database] = (key, idx)
            if idx is None or _wanted.get(database) == key:
                _wanted.pop(database, None)
                return


_heads: dict[Any, tuple[Any, Index | None]] = {}  # database → (key, its stored years and agencies)


def head_for(conn: sqlite3.Connection, key: Any = None, *, database: Any = None) -> Index | None:
    """Enough of the index for the example questions (its years and agencies): the whole index when
    there is one of this version, else the stored head, read once per version; None when the
    database holds none (then only the whole index will do). `key` and `database` as for index_for."""
    database, key = _identified(conn, key, database)
    with _lock:
        for kept in (_current.get(database), _heads.get(database)):
            if kept is not None and kept[0] == key:
                return kept[1]
    idx = stored.load_head(conn)
    with _lock:
        if database not in _heads and len(_heads) >= MAX_DATABASES:
            _heads.pop(next(iter(_heads)))
        _heads[database] = (key, idx)
    return idx


def current(database: Any) -> Index | None:
    """The index questions about the database are answered from now."""
    with _lock:
        found = _current.get(database)
    return found[1] if found else None


def rebuilding(database: Any) -> bool:
    """Whether a thread is building a newer index of the database (for tests and benchmarks)."""
    with _lock:
        return database in _wanted


def clear() -> None:
    """Forget every index (tests)."""
    with _lock:
        _current.clear()
        _heads.clear()
