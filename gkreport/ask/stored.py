"""The names index stored in the database, so that a site starting on a large file need not build it.

Building the index (entities.build_index) reads every agency, region and year and works out every
short form of every name: 12–15 s of Python at 144,384 reports on a busy machine, which a site
starting made its first question (and its home page's examples) wait for. `refresh` builds it
when an ingest, a merge or a release finishes (store.finish) and stores it in the hidden table
`ask_names`; `load` reads it back in a fraction of that time.

Like every derived table it records what it was built from (summaries.DERIVED): the change count
of `reports` and a digest of the code and word lists the index is made with. An index of other
reports, or of an older version of those files, is never read: `load` returns None and the caller
builds the index itself, as it did before.

Two rows: `head` (the years, the agencies and their names as printed, which tables there are:
all the home page's examples need) and `words` (every word a question may use, with its meanings).
Each is JSON compressed with zlib; a Region is written as its place in a list of regions.
"""

from __future__ import annotations

import gc
import hashlib
import json
import sqlite3
import zlib
from functools import lru_cache
from pathlib import Path

from .entities import Agency, Index, Region, build_index

TABLE = "ask_names"
NAME = TABLE  # its entry in summaries.DERIVED
FORMAT = 1
_HERE = Path(__file__).resolve().parent
# what the index is made from besides the reports: when one of these changes, the stored one is stale
_SOURCES = [_HERE / f for f in ("entities.py", "lexicon.py", "lexicon.yaml", "places.py", "stored.py")]
_SOURCES += [_HERE.parent / "regions.py"]


@lru_cache(maxsize=1)
def _code_digest() -> str:
    h = hashlib.sha256()
    for path in _SOURCES:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _prefix() -> str:
    return f"{FORMAT}:{_code_digest()}:"


def stamp(conn: sqlite3.Connection) -> str:
    from .. import summaries

    return summaries.stamp(conn, _prefix())


def up_to_date(conn: sqlite3.Connection) -> bool:
    from .. import summaries

    return summaries.current(conn, NAME, _prefix())


def _pack(value) -> bytes:
    return zlib.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def _unpack(blob: bytes):
    return json.loads(zlib.decompress(blob).decode("utf-8"))


class _NoCollection:
    """The cyclic garbage collector paused while the index's million small objects are made (none of
    them in a cycle): it would otherwise run through all of them again and again, and loading took
    two to three times as long."""

    def __enter__(self):
        self.was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was:
            gc.enable()


# meanings read from the database's rows through sets (regions, short forms of names): their order
# among themselves is the order of a set, which differs from one process to the next
_FROM_SETS = ("region", "place", "agency")


def canonical(meanings: list[tuple]) -> list[tuple]:
    """A word's meanings in an order that is the same in every process: those of each kind read
    through sets sorted among themselves, in the places their kind held; the others (the word
    lists', in the order they are written there) as they are."""
    out = list(meanings)
    for kind in _FROM_SETS:
        places = [i for i, (k, _) in enumerate(out) if k == kind]
        for i, m in zip(places, sorted((out[i] for i in places), key=lambda m: repr(m[1]))):
            out[i] = m
    return out


def encode(idx: Index) -> dict[str, bytes]:
    """The index as the two rows to store, the same bytes whichever process made it (words and names
    in sorted order, meanings in canonical order): a merged database equals a single run's."""
    head = {"years": idx.years, "has_totals": idx.has_totals, "has_figures": idx.has_figures,
            "has_appeal_totals": idx.has_appeal_totals,
            "agencies": [[a.id, a.name, a.province, a.city, a.county, a.level, a.kind] for a in idx.agencies.values()],
            "by_name": {name: idx.by_name[name] for name in sorted(idx.by_name)}}
    regions: dict[Region, int] = {}

    def meaning(m: tuple) -> list:
        kind, value = m
        if isinstance(value, Region):
            return [kind, None, regions.setdefault(value, len(regions))]
        if value is not None and not isinstance(value, (str, int, float)):
            raise TypeError(f"a meaning the stored index cannot hold: {m!r}")
        return [kind, value]

    words = {"zh": {w: [meaning(m) for m in canonical(idx.zh[w])] for w in sorted(idx.zh)},
             "en": {w: [meaning(m) for m in canonical(idx.en[w])] for w in sorted(idx.en)}}
    words["regions"] = [[r.level, r.province, r.city, r.county] for r in regions]
    return {"head": _pack(head), "words": _pack(words)}


def _head(idx: Index, head: dict) -> None:
    idx.years = head["years"]
    idx.has_totals, idx.has_figures = head["has_totals"], head["has_figures"]
    idx.has_appeal_totals = head["has_appeal_totals"]
    idx.agencies = {row[0]: Agency(*row) for row in head["agencies"]}
    idx.by_name = head["by_name"]


def _words(idx: Index, words: dict) -> None:
    regions = [Region(*r) for r in words["regions"]]
    for lang in ("zh", "en"):
        table = {}
        for word, meanings in words[lang].items():
            table[word] = [(m[0], regions[m[2]]) if len(m) == 3 else (m[0], m[1]) for m in meanings]
        setattr(idx, lang, table)
    idx.max_zh = max(map(len, idx.zh), default=1)
    idx.max_en = max((w.count(" ") + 1 for w in idx.en), default=1)


def refresh(conn: sqlite3.Connection, force: bool = False) -> bool:
    """Build and store the index unless the stored one is up to date (inside the caller's
    transaction); whether it was built."""
    from .. import summaries

    if not force and up_to_date(conn):
        return False
    rows = encode(build_index(conn))
    conn.execute(f"create table if not exists [{TABLE}] (part text primary key, data blob)")
    conn.execute(f"delete from [{TABLE}]")
    conn.executemany(f"insert into [{TABLE}] values (?, ?)", list(rows.items()))
    summaries.record(conn, NAME, stamp(conn))
    return True


def _read(conn: sqlite3.Connection, parts: tuple[str, ...]) -> dict | None:
    try:
        if not up_to_date(conn):
            return None
        found = dict(conn.execute(f"select part, data from [{TABLE}] where part in ({', '.join('?' * len(parts))})",
                                  parts).fetchall())
    except sqlite3.OperationalError:  # no such table: a database from before, or not finished
        return None
    return {p: _unpack(found[p]) for p in parts} if set(parts) <= set(found) else None


def load(conn: sqlite3.Connection) -> Index | None:
    """The stored index, if it is that of the reports the database holds now; else None."""
    with _NoCollection():
        found = _read(conn, ("head", "words"))
        if found is None:
            return None
        idx = Index()
        _head(idx, found["head"])
        _words(idx, found["words"])
    return idx


def load_head(conn: sqlite3.Connection) -> Index | None:
    """The stored index's years and agencies only (no words): enough for the example questions."""
    found = _read(conn, ("head",))
    if found is None:
        return None
    idx = Index()
    _head(idx, found["head"])
    return idx
