"""Copied narrative: a report whose sections 1 and 5 are nearly the same text as its own body's report of
the previous year, or as another body's report of the same year.

What is compared: the text of section 1 (总体情况) and section 5 (存在的主要问题及改进情况), NFKC-normalized,
whitespace removed, as its set of overlapping 5-character shingles. Two texts are nearly the same when
the Jaccard index of their shingle sets (shared ÷ either) is at least 0.9. The preface and section 6 are
left out: bodies of one province share a preface, and the contact paragraph of a copy is its own. Texts
shorter than 100 characters are not compared (two near-empty sections would look alike).

Without comparing every pair: each text gets a one-permutation MinHash — its shingles hashed once
(64-bit multiply-and-mix, top 32 bits), the hash range cut into 96 bins, the smallest hash of each bin kept (an empty bin borrows
its right neighbour's) — and the 96 minima are cut into 16 bands of 6, each band hashed to one key.
Two texts whose Jaccard index is J share a band with probability J⁶: a pair at 0.9 shares none
with probability 0.47¹⁶ (about 6 in 10⁶), a pair at 0.5 shares three or more with probability 0.05.
The keys go into `narrative_bands`, by year; a report's candidates are the reports of its year
found under its 16 keys (the earliest published 8 under each), and of its body's neighbouring
years; of those sharing at least 3 bands, the 8 sharing most (and the body's neighbouring years)
are compared exactly (the shingle sets of both texts), and only an exact Jaccard index of 0.9 or
more is kept. The work for a report is at most 16 index look-ups and 10 exact comparisons, whatever
the count of reports: in a cluster of reports with one text, each is compared with the earliest few.

Kept from one ingest to the next: a report's print (`narrative_prints`, keyed by its sha256, parser
version, agency, year and publication date) and its pairs (`copied_reports`) stay until the report
changes or goes; a refresh computes the prints of new reports and compares only them, and the
reports that had a pair with one that changed or went.

Which report copied which: of the same body, the later year; of two bodies in one year, the one
published later. When the dates do not tell (one is missing, or they are the same day), both are
flagged, each naming the other.
"""

from __future__ import annotations

import hashlib
import unicodedata
from array import array
from dataclasses import dataclass
from functools import cache
from typing import Iterable

from . import derived_checks

RULE = "copied_narrative"
VERSION = "3"  # the definitions below: every print is computed again when this changes
SECTIONS = (1, 5)
TEMPLATE_SECTIONS = range(1, 7)
BLANK = " \t\r\n\u3000"
SHINGLE = 5
THRESHOLD = 0.9
MIN_CHARS = 100
BINS = 96
ROWS = 6
BANDS = BINS // ROWS
MIN_SHARED = 3  # bands a candidate must share to be compared exactly
PER_BUCKET = 8  # reports read under each key: the earliest published
MAX_COMPARED = 8  # of those, compared exactly: the ones sharing most bands
_WIDTH = 1 << 32  # crc32's range
_EDGES = [b * _WIDTH // BINS for b in range(BINS + 1)]
_LATE = "9999-12-31"  # where an undated report sorts among the published
SECTION_NAMES = "第一部分（总体情况）和第五部分（存在的主要问题及改进情况）"


def compared_text(bodies: Iterable[str | None]) -> str:
    return "".join(unicodedata.normalize("NFKC", "".join(b or "" for b in bodies)).split())


def shingles(text: str) -> set[str]:
    return {text[i:i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


def jaccard(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y) if x or y else 0.0


# A shingle's hash: its code points weighted by odd 64-bit constants, summed, then mixed by the
# finalizer of splitmix64; the top 32 bits. Array arithmetic, so a text costs a few passes of numpy
# rather than a Python call per shingle; the same in every process (no salt). numpy is imported on
# first use: the command line starts without it.
_WEIGHTS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD)


@cache
def _numpy():
    import numpy as np
    return np, np.array(_WEIGHTS[:SHINGLE], dtype=np.uint64), np.array(_EDGES, dtype=np.uint64)


def _shingle_hashes(text: str):
    np, weights, _ = _numpy()
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(points) - SHINGLE + 1
    h = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE):
        h += points[k:k + n] * weights[k]
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    h >>= np.uint64(32)
    h.sort()
    return h[np.concatenate(([True], h[1:] != h[:-1]))]  # sorted, each once (np.unique's hashing is slower)


def band_keys(text: str) -> tuple[int, ...]:
    """The text's 16 band keys (signed 64-bit, so that SQLite stores them as integers)."""
    if len(text) < SHINGLE:
        return ()
    np, _, edges = _numpy()
    hashes = np.append(_shingle_hashes(text), np.uint64(_WIDTH))  # a sentinel past every bin
    firsts = hashes[np.searchsorted(hashes, edges[:-1])].tolist()
    minima: list[int | None] = [h if h < _EDGES[b + 1] else None for b, h in enumerate(firsts)]
    if all(m is None for m in minima):
        return ()
    for b in range(BINS):  # an empty bin takes the next filled one's minimum, marked by the distance
        if minima[b] is None:
            step = 1
            while minima[(b + step) % BINS] is None:
                step += 1
            minima[b] = minima[(b + step) % BINS] + step * _WIDTH
    keys = []
    for band in range(BANDS):
        packed = array("q", [band, *minima[band * ROWS:(band + 1) * ROWS]]).tobytes()
        keys.append(int.from_bytes(hashlib.blake2b(packed, digest_size=8).digest(), "little", signed=True))
    return tuple(keys)


def _pack(keys: tuple[int, ...]) -> str:
    """As the text of the `bands` column: the keys separated by spaces, readable on the site."""
    return " ".join(map(str, keys))


def _unpack(text: str | None) -> set[int]:
    return set(map(int, text.split())) if text else set()


def ensure_sketch_table(conn) -> None:
    """Sketches the writer leaves for the next refresh, by report (see ``sketch``)."""
    conn.execute("create table if not exists narrative_sketches (report_id text primary key, version text, "
                 "chars integer, bands text, filled_sections text)")


def ensure_tables(conn) -> None:
    ensure_sketch_table(conn)
    conn.execute("create table if not exists narrative_prints (report_id text primary key references reports(id), "
                 "sha256 text, parser_version text, agency_id text, year integer, published_date text, "
                 "chars integer, bands text, filled_sections text)")
    conn.execute("create index if not exists idx_narrative_prints_agency on narrative_prints (agency_id, year)")
    conn.execute("create table if not exists narrative_bands (year integer not null, band integer not null, "
                 "published text not null, report_id text not null, "
                 "primary key (year, band, published, report_id)) without rowid")
    conn.execute("create table if not exists copied_reports (report_id text references reports(id), "
                 "other_id text references reports(id), relation text, jaccard real, chars integer, "
                 "other_chars integer, primary key (report_id, other_id))")
    conn.execute("create index if not exists idx_copied_reports_other on copied_reports (other_id)")


def reset(conn) -> None:
    for table in ("narrative_prints", "narrative_bands", "copied_reports"):
        conn.execute(f"drop table if exists {table}")
    ensure_tables(conn)


_STALE = """
select p.report_id, p.year, p.published_date, p.bands from narrative_prints p left join reports r on r.id = p.report_id
where r.id is null or r.sha256 is not p.sha256 or r.parser_version is not p.parser_version
   or r.agency_id is not p.agency_id or r.year is not p.year or r.published_date is not p.published_date
"""
_NEW = """
select r.id, r.sha256, r.parser_version, r.agency_id, r.year, r.published_date from reports r
where not exists (select 1 from narrative_prints p where p.report_id = r.id)
"""


def _sections(conn, ids: list[str], numbers=SECTIONS) -> dict[str, dict[int, list[str]]]:
    """The bodies of the given sections of each report, in order, by section number."""
    bodies: dict[str, dict[int, list[str]]] = {rid: {} for rid in ids}
    for n in range(0, len(ids), 500):
        chunk = ids[n:n + 500]
        for rid, number, body in conn.execute(
                f"select report_id, section_no, body from sections where report_id in ({', '.join('?' * len(chunk))}) "
                f"and section_no in ({', '.join(map(str, numbers))}) order by report_id, position", chunk):
            bodies[rid].setdefault(number, []).append(body)
    return bodies


def _compared(bodies: dict[int, list[str]]) -> str:
    return compared_text(b for number in SECTIONS for b in bodies.get(number, []))


def sketch(sections: Iterable[tuple[int | None, str | None]]) -> tuple[int, str | None, str]:
    """What a report's print is made of, from its sections (section number, body) in order: the length
    of the compared text, its band keys as stored (None when too short to compare) and the filled
    sections. Computed by the worker that parsed the report, where it costs no time of the one writer."""
    bodies: dict[int, list[str]] = {}
    for number, body in sections:
        bodies.setdefault(number, []).append(body)
    return _sketch(bodies)


def _sketch(bodies: dict[int, list[str]]) -> tuple[int, str | None, str]:
    """``sketch`` of the bodies of a report's sections, by section number."""
    text = _compared(bodies)
    keys = band_keys(text) if len(text) >= MIN_CHARS else ()
    return len(text), _pack(keys) if keys else None, filled_sections(bodies)


def _texts(conn, ids: list[str]) -> dict[str, str]:
    return {rid: _compared(bodies) for rid, bodies in _sections(conn, ids).items()}


def filled_sections(bodies: dict[int, list[str]]) -> str:
    """The template's sections (1–6) that have text, as "1,2,3,4,6": read here with the narrative, once
    a report, so that the compliance score need not read every section of every report again."""
    return ",".join(str(n) for n in TEMPLATE_SECTIONS if any((b or "").strip(BLANK) for b in bodies.get(n, [])))


@dataclass
class Print:
    report_id: str
    agency_id: str | None
    year: int | None
    published_date: str | None
    chars: int
    bands: set[int]


def _forget(conn, stale: list[tuple]) -> set[str]:
    """Remove the prints and pairs of reports changed or gone; returns the reports they were paired with."""
    ids = [s[0] for s in stale]
    for rid, year, published, blob in stale:
        for key in _unpack(blob):
            conn.execute("delete from narrative_bands where year = ? and band = ? and published = ? and report_id = ?",
                         [year, key, published or _LATE, rid])
    partners: set[str] = set()
    for n in range(0, len(ids), 500):
        chunk = ids[n:n + 500]
        marks = ", ".join("?" * len(chunk))
        partners.update(r[0] for r in conn.execute(
            f"select other_id from copied_reports where report_id in ({marks}) "
            f"union select report_id from copied_reports where other_id in ({marks})", chunk + chunk))
        conn.execute(f"delete from copied_reports where report_id in ({marks}) or other_id in ({marks})", chunk + chunk)
        conn.execute(f"delete from narrative_prints where report_id in ({marks})", chunk)
    return partners - set(ids)


def _add_prints(conn, rows: list[tuple]) -> list[Print]:
    """Prints of reports that have none: from the sketch their worker made (narrative_sketches), else
    from their stored sections."""
    out = []
    for n in range(0, len(rows), 500):
        chunk = rows[n:n + 500]
        marks = ", ".join("?" * len(chunk))
        made = {rid: (chars, bands, filled) for rid, chars, bands, filled in conn.execute(
            f"select report_id, chars, bands, filled_sections from narrative_sketches where report_id in ({marks}) "
            "and version = ?", [r[0] for r in chunk] + [VERSION])}
        read = _sections(conn, [r[0] for r in chunk if r[0] not in made], TEMPLATE_SECTIONS)
        prints, bands = [], []
        for rid, sha, version, agency, year, published in chunk:
            chars, packed, filled = made.get(rid) or _sketch(read[rid])
            if year is None:
                packed = None
            prints.append((rid, sha, version, agency, year, published, chars, packed, filled))
            keys = _unpack(packed)
            bands += [(year, k, published or _LATE, rid) for k in keys]
            if keys:
                out.append(Print(rid, agency, year, published, chars, keys))
        conn.executemany("insert into narrative_prints values (?, ?, ?, ?, ?, ?, ?, ?, ?)", prints)
        conn.executemany("insert or ignore into narrative_bands values (?, ?, ?, ?)", bands)
    conn.execute("delete from narrative_sketches")  # each used once: a report written again brings a new one
    return out


_PRINT_COLUMNS = "report_id, agency_id, year, published_date, chars, bands"


def _print_of(conn, report_id: str) -> Print | None:
    row = conn.execute(f"select {_PRINT_COLUMNS} from narrative_prints where report_id = ? and bands is not null",
                       [report_id]).fetchone()
    return Print(*row[:5], _unpack(row[5])) if row else None


@cache
def _bucket_query(keys: int) -> str:
    """The reports filed under each of a year's band keys, the earliest published PER_BUCKET + 1 under
    each: one statement for all the keys (each part one range of the primary key)."""
    part = ("select * from (select report_id from narrative_bands where year = ? and band = ? "
            f"order by published limit {PER_BUCKET + 1})")
    return " union all ".join([part] * keys)


def _candidates(conn, p: Print) -> dict[str, Print]:
    """Reports that may be nearly the same as p's: its body's neighbouring years, and its year's reports
    under its band keys (the earliest published under each). Each shares at least MIN_SHARED bands."""
    found: dict[str, Print] = {}
    if p.agency_id is not None:
        for row in conn.execute(
                f"select {_PRINT_COLUMNS} from narrative_prints "
                "where agency_id = ? and year in (?, ?) and bands is not null", [p.agency_id, p.year - 1, p.year + 1]):
            found[row[0]] = Print(*row[:5], _unpack(row[5]))
    counts: dict[str, int] = {}
    keys = sorted(p.bands)
    for (rid,) in conn.execute(_bucket_query(len(keys)), [v for key in keys for v in (p.year, key)]):
        if rid != p.report_id:
            counts[rid] = counts.get(rid, 0) + 1
    likeliest = sorted((rid for rid, shared in counts.items() if shared >= MIN_SHARED and rid not in found),
                       key=lambda rid: -counts[rid])[:MAX_COMPARED]
    if likeliest:
        for row in conn.execute(f"select {_PRINT_COLUMNS} from narrative_prints where report_id in "
                                f"({', '.join('?' * len(likeliest))}) and bands is not null", likeliest):
            other = Print(*row[:5], _unpack(row[5]))
            if other.agency_id != p.agency_id:  # (one body's versions of a report are not copies)
                found[other.report_id] = other
    return {rid: c for rid, c in found.items() if len(c.bands & p.bands) >= MIN_SHARED}


def _directions(p: Print, c: Print) -> list[tuple[Print, Print, str]]:
    """(copy, original, relation) for a pair nearly the same: which one copied, as far as can be told."""
    if p.agency_id is not None and p.agency_id == c.agency_id:
        later, earlier = (p, c) if p.year > c.year else (c, p)
        return [(later, earlier, "previous_year")]
    if p.published_date and c.published_date and p.published_date != c.published_date:
        later, earlier = (p, c) if p.published_date > c.published_date else (c, p)
        return [(later, earlier, "same_year")]
    return [(p, c, "same_year"), (c, p, "same_year")]


class _TextCache:
    def __init__(self, conn, size: int = 2048):
        self.conn, self.size, self.texts = conn, size, {}

    def __call__(self, report_id: str) -> str:
        if report_id not in self.texts:
            if len(self.texts) >= self.size:
                self.texts.clear()
            self.texts[report_id] = _texts(self.conn, [report_id])[report_id]
        return self.texts[report_id]


def update(conn, reset_all: bool = False) -> dict[str, int]:
    """Bring prints, pairs and checks up to date with the reports (inside the caller's transaction)."""
    if reset_all:
        reset(conn)
    ensure_tables(conn)
    stale = conn.execute(_STALE).fetchall()
    partners = _forget(conn, stale) if stale else set()
    new = _add_prints(conn, conn.execute(_NEW).fetchall())
    todo = {p.report_id: p for p in new}
    for rid in partners:
        if rid not in todo and (p := _print_of(conn, rid)) is not None:
            todo[rid] = p
    text = _TextCache(conn)
    compared = kept = 0
    done: set[frozenset] = set()
    for p in todo.values():
        for c in _candidates(conn, p).values():
            pair = frozenset((p.report_id, c.report_id))
            if pair in done:
                continue
            done.add(pair)
            compared += 1
            j = jaccard(text(p.report_id), text(c.report_id))
            if j < THRESHOLD:
                continue
            for copy, original, relation in _directions(p, c):
                kept += 1
                conn.execute("insert or replace into copied_reports values (?, ?, ?, ?, ?, ?)",
                             [copy.report_id, original.report_id, relation, round(j, 4), copy.chars, original.chars])
    flagged = write_checks(conn)
    return {"forgotten": len(stale), "printed": len(new), "compared": compared, "pairs": kept, "flagged": flagged}


def write_checks(conn) -> int:
    """One check per report flagged as a copy, naming the report most like it (and how many others)."""
    rows = []
    best = """
        select c.report_id, c.other_id, c.relation, c.jaccard, o.agency_name, o.year, o.published_date,
               r.published_date, count(*) over (partition by c.report_id) as pairs,
               row_number() over (partition by c.report_id order by c.jaccard desc, o.published_date, c.other_id) as n
        from copied_reports c join reports o on o.id = c.other_id join reports r on r.id = c.report_id
    """
    for rid, other, relation, j, name, year, other_date, own_date, pairs, n in conn.execute(best):
        if n != 1:
            continue
        if relation == "previous_year":
            whom = f"本机关（{name}）{year} 年的报告"
        else:
            when = f"发布于 {other_date}" if other_date else "未注明发布日期"
            whom = f"{name} {year} 年的报告（{when}）"
        message = (f"正文{SECTION_NAMES}与{whom}几乎相同：按 {SHINGLE} 字片段计，两者相同的片段占 {j:.1%}"
                   f"（杰卡德相似度 {j:.3f}，达到 {THRESHOLD} 即标出）。")
        if relation == "same_year" and not (own_date and other_date and own_date != other_date):
            message += "两份报告的发布先后无法判断，两份都标出。"
        if pairs > 1:
            message += f"另有 {pairs - 1} 份报告也与它几乎相同（见“正文几乎相同的报告”）。"
        rows.append((rid, message, other, f"{j:.3f}", "sections"))
    return derived_checks.replace(conn, RULE, rows)
