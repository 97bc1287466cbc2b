"""The counts of the table pages' facets over whole tables, counted once when an ingest finishes.

A table page shows, beside its rows, how many rows have each value of its facets (metadata.yml's
`facets`: the reports by year, province, level …). Datasette counts them on every visit with a
query over the whole table: at 100,000 reports a facet of `reports` or `checks` takes a few
hundred milliseconds, five of them a few seconds, and at a million each ran past its time limit
and was left out. The page of a whole table shows the counts kept here instead
(datasette_plugins/facets.py); a page whose rows are filtered counts them as before, over rows an
index finds.

Like every derived table, the counts record what they were counted from (summaries.DERIVED): the
change count of `reports` (every table faceted here is written with its report, or by store.finish
before the counts) and the list of facets. Counts of an older version are never shown: the page
counts for itself.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from functools import lru_cache

from . import summaries

TABLE = "facet_counts"
NAME = TABLE  # its entry in summaries.DERIVED
VERSION = 1


@lru_cache(maxsize=1)
def facets() -> dict[str, tuple[str, ...]]:
    """The facets of each table page (metadata.yml), the columns named as plain strings (read once:
    parsing metadata.yml takes longer than a page)."""
    from .site import load_metadata

    tables = load_metadata()["databases"]["gkreport"].get("tables") or {}
    return {t: tuple(f for f in meta["facets"] if isinstance(f, str)) for t, meta in tables.items() if meta.get("facets")}


@lru_cache(maxsize=1)
def prefix() -> str:
    """The stamp's part that does not depend on the reports (for counts_sql's :prefix)."""
    digest = hashlib.sha256(json.dumps(facets(), sort_keys=True).encode()).hexdigest()[:12]
    return f"{VERSION}:{digest}:"


def stamp(conn: sqlite3.Connection) -> str:
    return summaries.stamp(conn, prefix())


def up_to_date(conn: sqlite3.Connection) -> bool:
    return summaries.current(conn, NAME, prefix())


def refresh(conn: sqlite3.Connection, force: bool = False) -> bool:
    """Count every facet of every table page (inside the caller's transaction), unless the counts
    are up to date; whether they were counted."""
    if not force and up_to_date(conn):
        return False
    conn.execute(f"drop table if exists [{TABLE}]")
    conn.execute(f"create table [{TABLE}] (table_name text, column_name text, value, count integer, "
                 "primary key (table_name, column_name, value))")
    existing = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    for table, columns in facets().items():
        if table not in existing:
            continue
        present = {r[1] for r in conn.execute(f"select * from pragma_table_info('{table}')")}
        for column in columns:
            if column in present:
                conn.execute(f"insert into [{TABLE}] select ?, ?, [{column}], count(*) from [{table}] "
                             f"where [{column}] is not null group by [{column}]", [table, column])
    summaries.record(conn, NAME, stamp(conn))
    return True


def counts_sql() -> str:
    """The counts of one facet (:table, :column), most first, as Datasette orders a facet, when they
    are those of the reports the file holds now (:prefix is ``prefix()``): then at least one row
    (a value of NULL alone when the column has none); else no row. One query, so the counts and
    their check are read from the same state of the file."""
    return (f"select f.value, f.count from (select 1 where (select version from [{summaries.DERIVED}] "
            f"where name = '{NAME}') = (select :prefix || version from [{summaries.DERIVED}] "
            f"where name = '{summaries.GENERATION}')) fresh "
            f"left join [{TABLE}] f on f.table_name = :table and f.column_name = :column "
            "order by f.count desc, f.value limit :limit")
