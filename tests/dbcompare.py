"""Two SQLite databases compared row for row, in SQL, over every table either holds.

Tables are enumerated from sqlite_master, so a table added to the schema is compared without
being named here. Each ordinary table is compared with its rowids (`select rowid, *` EXCEPT the
other's, both ways); the schema itself (every table, index and trigger with its SQL); and each
full-text index by its content: every term at every position of every row (fts5vocab's instance
view), its rows' sizes and its settings. What is left out is storage, not data: how a full-text
index happens to be cut into segments (its `_data` and `_idx` tables, which depend on when its
writer committed) and the planner's statistics about those two tables.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

FTS = re.compile(r"create\s+virtual\s+table\s+\S+\s+using\s+fts5", re.IGNORECASE)
# an FTS5 table's own tables; _data and _idx hold the segments (see the module's docstring)
SEGMENTS = ("_data", "_idx")
SHADOWS = SEGMENTS + ("_docsize", "_config", "_content")


def _schema(conn, db: str) -> dict[str, tuple]:
    return {name: (kind, table, sql) for kind, name, table, sql in
            conn.execute(f"select type, name, tbl_name, sql from {db}.sqlite_master")}


def _rows_differ(conn, name: str, select: str, limit: int) -> list[str]:
    out = []
    for a, b in (("main", "other"), ("other", "main")):
        extra = conn.execute(f"{select.format(db=a)} except {select.format(db=b)} limit {limit}").fetchall()
        if extra:
            out.append(f"{name}: rows only in {a}: {extra}")
    counts = [conn.execute(f"select count(*) from ({select.format(db=d)})").fetchone()[0] for d in ("main", "other")]
    if counts[0] != counts[1]:
        out.append(f"{name}: {counts[0]} rows against {counts[1]}")
    return out


def differences(a: str | Path, b: str | Path, limit: int = 3) -> list[str]:
    """What differs between the databases a and b; empty when they hold the same rows."""
    conn = sqlite3.connect(f"file:{a}?mode=ro", uri=True)
    try:
        conn.execute("attach database ? as other", [f"file:{b}?mode=ro"])
        mine, theirs = _schema(conn, "main"), _schema(conn, "other")
        out = [f"schema: {name} only in {where}" for names, where in ((mine.keys() - theirs.keys(), "a"),
                                                                      (theirs.keys() - mine.keys(), "b"))
               for name in sorted(names)]
        out += [f"schema: {name} differs" for name in sorted(mine.keys() & theirs.keys()) if mine[name] != theirs[name]]
        fts = sorted(name for name, (kind, _, sql) in mine.items() if kind == "table" and sql and FTS.match(sql))
        shadows = {f + s for f in fts for s in SHADOWS}
        for name in sorted(n for n, (kind, _, _) in mine.items() if kind == "table" and n in theirs):
            if name in fts or name.endswith(SEGMENTS) and name in shadows:
                continue
            if name == "sqlite_stat1":
                segments = ", ".join(f"'{f}{s}'" for f in fts for s in SEGMENTS) or "''"
                select = f"select * from {{db}}.sqlite_stat1 where tbl not in ({segments})"
            else:
                rowid = "rowid, " if _has_rowid(conn, name) else ""
                select = f"select {rowid}* from {{db}}.[{name}]"
            out += _rows_differ(conn, name, select, limit)
        for name in fts:
            for db in ("main", "other"):
                conn.execute(f"create virtual table temp.[vocab_{db}_{name}] using fts5vocab({db}, [{name}], instance)")
            out += _rows_differ(conn, f"{name} (every term at every position)",
                                f"select * from temp.[vocab_{{db}}_{name}]", limit)
        return out
    finally:
        conn.close()


def _has_rowid(conn, name: str) -> bool:
    try:
        conn.execute(f"select rowid from main.[{name}] limit 0")
        return True
    except sqlite3.OperationalError:
        return False  # WITHOUT ROWID
