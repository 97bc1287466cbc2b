"""How the site runs a search of the narrative's table page (`sections?_search=`): the same rows in
the same order as Datasette's SQL, found without reading every hit of a common word.

Datasette asks for a page of hits as ``… where rowid in (select rowid from sections_fts where
sections_fts match …) order by report_id, position limit 51``: SQLite first collects every hit,
then sorts them. A word in most reports (公开: 684,276 of 700,000 sections at 100,000 reports)
took 1.6 s, more than the time limit at a few hundred thousand reports. For such a word the
page is found the other way round: the sections are walked in that order through their primary
key, each looked up in the index, until the page is full, which takes a few dozen look-ups. A
rare word is still found as Datasette does (the walk would look up most of the sections before
finding a page). Which way is decided by how many hits there are, counted up to the point where
the walk becomes the cheaper (a look-up costs about as much as collecting 20 hits).

And Datasette's count of a search (``select count(*) from sections where rowid in …``) is the
number of the index's hits, counted in the index alone: the same number in a quarter of the time.
"""

from __future__ import annotations

import re
import sqlite3

from .search import FTS_TABLE

TABLE = "sections"
CLAUSE = f"rowid in (select rowid from {FTS_TABLE} where {FTS_TABLE} match escape_fts(:search))"
_WALK = (f"exists (select 1 from {FTS_TABLE} where {FTS_TABLE} match escape_fts(:search) "
         f"and {FTS_TABLE}.rowid = {TABLE}.rowid)")
_COUNT = re.compile(rf"select count\(\*\) from {TABLE} where {re.escape(CLAUSE)}\s*", re.S)
_PAGE = re.compile(rf"select .* from {TABLE} where .*{re.escape(CLAUSE)}.* order by .* limit \d+\s*", re.S)
LOOKUP_COST = 20  # collecting this many hits costs about one look-up of a section in the index
PAGE = 51  # a page of Datasette's table (50 rows and one to say there are more)


def walk_from(sections: int) -> int:
    """The number of hits from which walking the sections finds a page sooner than collecting the hits:
    collecting h hits costs h, finding PAGE of them among n sections about PAGE * n / h look-ups."""
    return int((LOOKUP_COST * PAGE * max(sections, 1)) ** 0.5)


def count_sql(sql: str) -> str | None:
    """Datasette's count of a search, counted in the index alone; None for any other SQL."""
    if _COUNT.fullmatch(sql.strip()):
        return f"select count(*) from {FTS_TABLE} where {FTS_TABLE} match escape_fts(:search)"
    return None


def is_page(sql: str) -> bool:
    """Whether this is the SQL of a page of a table search (to be planned by ``page_sql``)."""
    return CLAUSE in sql and _PAGE.fullmatch(sql.strip()) is not None


def page_sql(conn: sqlite3.Connection, sql: str, params: dict, sections: int) -> str:
    """A search's page: walked through the sections when the word has enough hits, else as it is."""
    threshold = walk_from(sections)
    hits = conn.execute(f"select count(*) from (select 1 from {FTS_TABLE} where {FTS_TABLE} match "
                        f"escape_fts(:search) limit {threshold})", {"search": params["search"]}).fetchone()[0]
    return sql.replace(CLAUSE, _WALK) if hits >= threshold else sql
