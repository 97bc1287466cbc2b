"""The one place that knows the database shape: tables, keys, lookups, indexes, and how a report is written.

The table and column names are the public contract of ``schema.md``. Each report
is written in one transaction, so a killed run leaves every stored report whole.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Optional

from . import assess, crosscheck, search, summaries
from .assess import similarity
from .review import db as review_db
from .model import ParsedReport
from .regions import region_rows
from .template import APPLICANT_KEYS, OUTCOME_KEYS, lookup_rows

if TYPE_CHECKING:  # loaded by ``database``: an ingest starts its workers before this tenth of a second
    import sqlite_utils

REPORT_COLUMNS = {
    "id": str, "agency_id": str, "agency_name": str, "agency_name_as_printed": str, "year": int,
    "template": str, "table2_template": str, "table3_template": str, "title": str,
    "province": str, "city": str, "county": str, "level": str,
    "source_format": str, "source_path": str, "source_url": str, "sha256": str, "published_date": str,
    "status": str, "period_start": str, "period_end": str, "cited_format": str,
    "is_aggregate": int, "scope_note": str,
    "contact_phone": str, "contact_fax": str, "contact_postcode": str, "contact_address": str,
    "contact_website": str, "contact_email": str,
    "encoding": str, "provenance": str, "warning_count": int, "parser_version": str,
}
REGION_COLUMNS = {"code": str, "name": str, "parent": str, "level": str}
AGENCY_COLUMNS = {
    "id": str, "name": str, "province": str, "city": str, "county": str, "adcode": str,
    "level": str, "kind": str, "parent": str, "ambiguity": str,
}
TABLES: dict[str, dict] = {
    "active_disclosure": {
        "columns": {"report_id": str, "item": str, "measure": str, "value": float, "unit": str},
        "pk": ("report_id", "item", "measure"),
        "fks": [("report_id", "reports", "id"), ("item", "active_items", "key"),
                ("measure", "active_measures", "key")],
    },
    "request_stats": {
        "columns": {"report_id": str, "row_key": str, **{k: int for k in APPLICANT_KEYS}},
        "pk": ("report_id", "row_key"),
        "fks": [("report_id", "reports", "id"), ("row_key", "request_rows", "key")],
    },
    "appeal_stats": {
        "columns": {"report_id": str, "proceeding": str, **{k: int for k in OUTCOME_KEYS}},
        "pk": ("report_id", "proceeding"),
        "fks": [("report_id", "reports", "id"), ("proceeding", "proceedings", "key")],
    },
    "sections": {
        "columns": {"report_id": str, "position": int, "section_no": int, "heading": str, "body": str},
        "pk": ("report_id", "position"),
        "fks": [("report_id", "reports", "id")],
    },
    "checks": {
        "columns": {"id": int, "report_id": str, "rule": str, "severity": str, "message": str,
                    "expected": str, "actual": str, "location": str},
        "pk": "id",
        "fks": [("report_id", "reports", "id"), ("rule", "check_rules", "key")],
    },
    # scans read by OCR: each table value's page, cell box (pixels of the page image at 200 DPI) and confidence
    "ocr_cells": {
        "columns": {"report_id": str, "location": str, "page": int, "x0": int, "top": int, "x1": int,
                    "bottom": int, "confidence": float, "text": str, "kept": int},
        "pk": ("report_id", "location"),
        "fks": [("report_id", "reports", "id")],
    },
    # and their pages, small (800 px wide, WebP), in the database so that it stays one file to publish
    "scan_pages": {
        "columns": {"report_id": str, "page": int, "width": int, "height": int, "turned": int, "skew": float,
                    "image": bytes},
        "pk": ("report_id", "page"),
        "fks": [("report_id", "reports", "id")],
    },
}
CHILD_TABLES = tuple(TABLES)
LOOKUP_PKS = {"request_rows": "key", "active_items": "key", "active_measures": "key", "proceedings": "key",
              "check_rules": "key"}
INDEXES = [
    ("reports", ["source_path"]), ("reports", ["agency_id"]), ("reports", ["year"]), ("reports", ["status"]),
    ("reports", ["province"]), ("reports", ["level"]), ("reports", ["template"]),
    # covering the question box's names index (its places and the names each agency printed), read
    # at start-up: without them each is a scan of every report (19 s at 144,384 reports, shared machine)
    ("reports", ["province", "city", "county"]), ("reports", ["agency_id", "agency_name", "agency_name_as_printed"]),
    ("checks", ["report_id"]), ("checks", ["rule"]), ("request_stats", ["row_key"]),
    ("active_disclosure", ["item", "measure"]), ("appeal_stats", ["proceeding"]),
]


SQLITE_HEADER = b"SQLite format 3\x00"


def file_problem(path: Path) -> Optional[str]:
    """What keeps the file at path from being read as a gkreport database, in Chinese; None when
    nothing does."""
    if not path.exists():
        return f"{path} 不存在。"
    if path.is_dir():
        return f"{path} 是一个文件夹，不是数据库文件。"
    with open(path, "rb") as f:
        if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            return f"{path} 不是 SQLite 数据库文件（或已损坏）。"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            has_reports = conn.execute("select 1 from sqlite_master where name = 'reports'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        return f"{path} 无法读取：不是 SQLite 数据库文件或已损坏（{e}）。"
    return None if has_reports else f"{path} 中没有 reports 表：不是 gkreport ingest 生成的数据库。"


def connect(path: str | Path) -> sqlite_utils.Database:
    return database(open_connection(path))


BUSY_TIMEOUT = 30.0  # seconds a writer waits for another to let go of the database


def open_connection(path: str | Path) -> sqlite3.Connection:
    """The connection every writer uses, with the settings below; plain sqlite3, quick to open."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT)
    # SQLite's default rollback journal: an ingest commits every few seconds, mostly adding pages,
    # which a rollback journal writes once and WAL writes twice (to the log, then to the file);
    # either way a killed process loses only the reports not yet committed
    conn.execute("PRAGMA synchronous=NORMAL")
    # reports are written in savepoints (Batch.group), and SQLite keeps what a savepoint would roll
    # back in a statement journal that spills to a temporary file past 64 KiB: one report's pages
    # alone do, so on disk it cost a hundred and fifty writes per report, a quarter of the writer's time
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA cache_size=-16384")  # 16 MiB: the index pages a transaction keeps changing stay in memory
    # keys are declared for Datasette's labels and checked by the tests (PRAGMA foreign_key_check);
    # enforcing them row by row would cost a third of the write time
    conn.execute("PRAGMA foreign_keys=OFF")
    return conn


def database(conn: sqlite3.Connection) -> sqlite_utils.Database:
    import sqlite_utils

    return sqlite_utils.Database(conn)


def ensure_db_shape(db: sqlite_utils.Database) -> None:
    """Create every table, key, lookup and index the contract names (idempotent)."""
    with db.atomic():
        for name, rows in lookup_rows().items():
            db[name].insert_all(rows, pk=LOOKUP_PKS[name], replace=True)
        if not db["regions"].exists():
            db["regions"].create(REGION_COLUMNS, pk="code", foreign_keys=[("parent", "regions", "code")])
            # three thousand rows: one executemany, not sqlite-utils' insert_all (a tenth of a second on every new database)
            db.conn.executemany(f"insert into regions ({', '.join(REGION_COLUMNS)}) values (?, ?, ?, ?)",
                                (tuple(map(r.get, REGION_COLUMNS)) for r in region_rows()))
            db["regions"].create_index(["parent"])
        if not db["agencies"].exists():
            db["agencies"].create(AGENCY_COLUMNS, pk="id", foreign_keys=[("adcode", "regions", "code")])
        if not db["reports"].exists():
            db["reports"].create(REPORT_COLUMNS, pk="id", foreign_keys=[("agency_id", "agencies", "id")])
        for name, spec in TABLES.items():
            if not db[name].exists():
                db[name].create(spec["columns"], pk=spec["pk"], foreign_keys=spec["fks"])
        create_indexes(db)
        search.ensure_index(db.conn)
        summaries.count_changes(db.conn)
        review_db.ensure_tables(db.conn)
        similarity.ensure_sketch_table(db.conn)


# what finding and replacing a stored report looks up while an ingest writes
# kept while a bulk ingest writes: the writer looks reports up by path, and by agency for twins (twin_in_another_format)
WRITE_INDEXES = {("reports", ("source_path",)), ("reports", ("agency_id",)), ("checks", ("report_id",))}


def create_indexes(db: sqlite_utils.Database) -> None:
    for table, cols in INDEXES:
        db[table].create_index(cols, if_not_exists=True)


def defer_indexes(db: sqlite_utils.Database) -> bool:
    """Drop the indexes that only readers use, when the database holds no report yet, for
    ``finish`` to build once the ingest is written: building an index from its rows in one
    sort costs a third of keeping it up to date row by row. Says whether it did. A run killed in
    between leaves them missing until the next ``ensure_db_shape`` builds them."""
    if db.execute("select 1 from reports limit 1").fetchone():
        return False  # rebuilding the indexes of a stored database would cost more than it saves
    with db.atomic():
        for table, cols in INDEXES:
            if (table, tuple(cols)) not in WRITE_INDEXES:
                db.execute(f"drop index if exists [idx_{table}_{'_'.join(cols)}]")
    return True


def writes_done(db: sqlite_utils.Database) -> None:
    """Reports are written; what follows works on whole tables (indexes, summaries). Their sorts
    spill to a temporary file rather than grow in memory with the database: temp_store=MEMORY
    is for the writer's savepoint journals."""
    db.execute("PRAGMA temp_store=DEFAULT")


def finish(db: sqlite_utils.Database, *, build_indexes: bool = False) -> None:
    """Bring everything derived from the reports up to date with them: the cross-year checks, the
    summary tables and the assessment's (gkreport/assess), each rebuilt when `reports` has changed
    since it was built (summaries.generation), however it changed; leave a single self-contained file
    for Datasette's immutable mode.

    With ``build_indexes``, first build what ``defer_indexes`` dropped. All in one transaction, while
    `request_totals` is added up on the other core (summaries.RequestTotals)."""
    writes_done(db)  # the summaries sort every row of table 3
    conn = db.conn
    path = conn.execute("pragma database_list").fetchone()[2]  # '' for a database in memory
    totals = summaries.RequestTotals(path) if path and not summaries.up_to_date(conn) else None
    with db.atomic():
        if build_indexes:
            create_indexes(db)
        changes = summaries.generation(conn)
        if summaries.recorded(conn, crosscheck.DERIVED_NAME) != changes:
            crosscheck.refresh(db)  # a new year may sit next to one stored before
            summaries.record(conn, crosscheck.DERIVED_NAME, changes)
        summaries.rebuild(conn, totals)
        assess.refresh(conn)  # reads the summaries
    try:
        # a file written in WAL mode by an earlier version is folded back into one file
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.OperationalError:
        pass  # another program has the database open: it stays in WAL mode, which is just as complete
    # statistics for the query planner from a sample of each index rather than every row of it:
    # the site's plans are the same, and a full ANALYZE re-reads the whole file at the end of every ingest
    db.conn.execute("PRAGMA analysis_limit=1000")
    db.conn.execute("ANALYZE")


def stored_versions(conn: sqlite3.Connection, source_path: str) -> dict[str, tuple[str, str, str]]:
    """The id, sha256 and parser version stored for a source path and for the archive members under
    it ("a.zip!b.pdf"), by path; empty when there are none, or no reports table yet (a new file:
    ``ensure_db_shape`` may not have run). One range of the source_path index: the member paths sort
    right after the path, '!' being the first character after the space."""
    try:
        rows = conn.execute("select source_path, id, sha256, parser_version from reports "
                            "where source_path >= ? and source_path < ?", [source_path, source_path + '"']).fetchall()
    except sqlite3.OperationalError as e:
        if "no such table" in str(e):
            return {}
        raise
    member = source_path + "!"
    return {p: (rid, sha, pv) for p, rid, sha, pv in rows if p == source_path or p.startswith(member)}


# What a database error means for the person running an ingest, by SQLite's result code (Python
# 3.11 names it; before that the message says it). Each of these stops an ingest: no later report
# could be written either. Any other error (a constraint, a trigger) refuses one report only.
_PROBLEMS = (
    ("SQLITE_FULL", "database or disk is full", "磁盘已满，数据库无法再写入；腾出空间后重新运行即可，已入库的报告不受影响"),
    ("SQLITE_IOERR", "disk i/o error", "读写数据库时发生磁盘 I/O 错误"),
    ("SQLITE_READONLY", "readonly database", "数据库是只读的（文件或它所在的文件夹不可写），无法写入"),
    ("SQLITE_CANTOPEN", "unable to open database file", "无法打开或创建数据库文件：它所在的文件夹不存在或不可写"),
    ("SQLITE_BUSY", "database is locked", "数据库正被另一个程序写入（等待 {busy:g} 秒后仍被占用），可能另一个 "
                                          "gkreport ingest 正在运行；请等它结束后再试"),
    ("SQLITE_LOCKED", "database table is locked", "数据库正被另一个程序占用；请稍后再试"),
    ("SQLITE_NOTADB", "file is not a database", "无法用作数据库，不是 SQLite 数据库文件或已损坏"),
    ("SQLITE_CORRUPT", "malformed", "无法用作数据库，不是 SQLite 数据库文件或已损坏"),
    ("SQLITE_NOMEM", "out of memory", "内存不足，数据库无法写入"),
)


def _problem(e: sqlite3.Error) -> Optional[str]:
    name = getattr(e, "sqlite_errorname", None) or ""
    text = str(e).lower()
    for code, words, message in _PROBLEMS:
        if name == code or name.startswith(code + "_") or (not name and words in text):
            return message.format(busy=BUSY_TIMEOUT)
    return None


def stops_writing(e: sqlite3.Error) -> bool:
    """Whether the error concerns the database as a whole (full, read-only, locked, damaged…)
    rather than the one report being written."""
    return _problem(e) is not None


def explain(e: sqlite3.Error) -> str:
    """The error in a sentence for the person running the ingest (Chinese), with SQLite's own words."""
    return f"{_problem(e) or '数据库出错'}（{e}）"


def report_exists(db: sqlite_utils.Database, report_id: str) -> Optional[str]:
    row = db.execute("select source_path from reports where id = ?", [report_id]).fetchone()
    return row[0] if row else None


FIGURE_TABLES = ("active_disclosure", "request_stats", "appeal_stats")
_MIN_FIGURES = 20  # fewer cells read in both than this: too little to call two reports the same by their tables
_SHARED = 0.9  # the share of the cells read in either that both read (a PDF's text may lose a cell or two)


def _figures(rows: dict[str, list[tuple]]) -> dict[tuple, object]:
    """A report's cells read (not NULL) in its three tables, by table, row and column."""
    cells: dict[tuple, object] = {}
    for row in rows.get("active_disclosure", ()):
        if row[3] is not None:
            cells[("active_disclosure", row[1], row[2])] = row[3]
    for table in ("request_stats", "appeal_stats"):
        names = COLUMNS[table][2:]
        for row in rows.get(table, ()):
            cells.update(((table, row[1], c), v) for c, v in zip(names, row[2:]) if v is not None)
    return cells


def _same(mine: dict, theirs: dict) -> bool:
    """The same tables: every cell read in both equal, and most cells read in both."""
    both = mine.keys() & theirs.keys()
    return (len(both) >= _MIN_FIGURES and len(both) >= _SHARED * len(mine.keys() | theirs.keys())
            and all(mine[k] == theirs[k] for k in both))


def twin_in_another_format(db: sqlite_utils.Database, prepared: "Prepared") -> Optional[tuple[str, str]]:
    """(id, source path) of the stored report this one is, published in another format (a web page
    and its PDF, a Word file and its text, whose texts differ in markup, page footers or a dropped
    header row and so get different ids): the same agency and year, and the same three tables —
    every cell read in both equal, and at least 90 % of the cells read in either read in both (a
    PDF's text may lose a cell the web page has). Two files of one format with the same tables are
    two reports. None when there is none, or too few cells were read to tell."""
    report = dict(zip(COLUMNS["reports"], prepared.rows["reports"][0]))
    agency, year = report.get("agency_id"), report.get("year")
    if not agency or not year:
        return None
    candidates = db.execute("select id, source_path from reports where agency_id = ? and year = ? and id != ? "
                            "and source_format is not ?",
                            [agency, year, prepared.report_id, report.get("source_format")]).fetchall()
    mine = _figures(prepared.rows) if candidates else {}  # (most reports have none: nothing to read)
    if len(mine) < _MIN_FIGURES:
        return None
    for other, path in candidates:
        theirs = {t: [tuple(r) for r in db.execute(f"select {', '.join(f'[{c}]' for c in COLUMNS[t])} from [{t}] "
                                                   "where report_id = ?", [other])] for t in FIGURE_TABLES}
        if _same(mine, _figures(theirs)):
            return other, path
    return None


def delete_report(db: sqlite_utils.Database, report_id: str, indexed: bool = True) -> None:
    if indexed:
        search.unindex_report(db.conn, report_id)  # before its sections go: the index is told what to forget
    for table in CHILD_TABLES:
        db.conn.execute(f"delete from [{table}] where report_id = ?", [report_id])
    db.conn.execute("delete from reports where id = ?", [report_id])


# Column orders of the rows a report is written as; checks get their id from SQLite.
COLUMNS = {"agencies": tuple(AGENCY_COLUMNS), "reports": tuple(REPORT_COLUMNS),
           **{t: tuple(c for c in spec["columns"] if not (t == "checks" and c == "id")) for t, spec in TABLES.items()}}
# Long text crosses from the worker that parsed it to the writer as UTF-8 bytes: unpickling a str
# decodes it and binding it to a statement encodes it again, a tenth of the writer's time for the
# section bodies and their search rows. SQLite takes the bytes as they are, as text (CAST … AS TEXT).
TEXT_AS_UTF8 = {("sections", "body")}
INSERT = {t: f"insert or replace into [{t}] ({', '.join(f'[{c}]' for c in cols)}) values "
             f"({', '.join('cast(? as text)' if (t, c) in TEXT_AS_UTF8 else '?' for c in cols)})"
          for t, cols in COLUMNS.items()}


_SHA256 = COLUMNS["reports"].index("sha256")
# called with the connection and the report just written, inside its transaction (gkreport.review)
AfterWrite = Callable[[sqlite3.Connection, "Prepared"], None]


@dataclass
class Prepared:
    """A report as the rows it is written as: built in the worker that parsed it, written by the one writer."""

    report_id: str
    rows: dict[str, list[tuple]]
    search: list[tuple[int, bytes, bytes]]  # section position, expanded heading, expanded body (search.index_row)
    narrative: Optional[tuple] = None  # the narrative's sketch (assess.similarity.sketch), when the worker made it

    @property
    def sha256(self) -> Optional[str]:
        """Of the source bytes: what corrections name a report by."""
        return self.rows["reports"][0][_SHA256] if self.rows["reports"] else None


def prepare(report: ParsedReport, source: dict, agency: dict) -> Prepared:
    rows = {"agencies": [tuple(agency.get(c) for c in COLUMNS["agencies"])] if agency.get("id") else [],
            "reports": [tuple(map(report_row(report, source, agency).get, COLUMNS["reports"]))],
            **child_rows(report)}
    fts = [(n, *search.index_row(s.heading, s.body)) for n, s in enumerate(report.sections)]
    return Prepared(report.id, rows, fts, similarity.sketch((s.section_no, s.body) for s in report.sections))


def write(db: sqlite_utils.Database, prepared: Prepared, replaces: tuple[str, ...] = (),
          pending: Optional[dict[str, list[tuple]]] = None, atomic: bool = True,
          after: Optional[AfterWrite] = None) -> None:
    """Write a prepared report atomically (a transaction, or a savepoint inside the caller's), first
    removing the reports it replaces: older versions from the same source path, and itself. ``after``
    runs on the written report before the transaction ends (the corrections a person made to it).

    With ``pending``, the report's index rows are left there for ``flush_search`` to write before the
    transaction commits, instead of being written now (see ``Batch``). Not ``atomic``: the caller's
    savepoint holds the report (``Batch.group``)."""
    conn = db.conn
    with db.atomic() if atomic else nullcontext():
        for old_id in set(replaces) | {prepared.report_id}:
            if conn.execute("select 1 from reports where id = ?", [old_id]).fetchone():
                # rows still waiting in `pending` never reached the index: nothing to unindex
                waiting = pending is not None and pending.pop(old_id, None) is not None
                delete_report(db, old_id, indexed=not waiting)
        for table, rows in prepared.rows.items():
            if rows:
                conn.executemany(INSERT[table], rows)
        if prepared.narrative is not None:
            conn.execute("insert or replace into narrative_sketches values (?, ?, ?, ?, ?)",
                         [prepared.report_id, similarity.VERSION, *prepared.narrative])
        if after is not None:
            after(conn, prepared)
        # the index rows take the rowids the sections were just given
        rowids = dict(conn.execute("select position, rowid from sections where report_id = ?",
                                   [prepared.report_id]).fetchall())
        rows = [(rowids[n], h, b) for n, h, b in prepared.search]
        if pending is None:
            conn.executemany(search.INSERT, rows)
    if pending is not None:
        pending[prepared.report_id] = rows


class Batch:
    """Many reports in one transaction, each whole in its own savepoint or in its group's (``group``).

    SQLite's FTS5 writes its pending index out at every savepoint, which made the
    index the largest cost of an ingest; the index rows of many reports are written
    together (``flush_search``), outside the reports' savepoints, once SEARCH_EVERY
    reports wait and before the transaction commits. The writer (writer.py) calls it: a
    failure there leaves part of the rows written, and takes the whole transaction with it.
    """

    # FTS5 writes the rows it was given as a new segment at the next savepoint, and merges segments
    # as they pile up: a segment every 256 reports made that merging a fifth of the writer's time by
    # 8,000 reports, one every 1,024 half that. The rows wait in memory, about 12 MB for 1,024
    # reports, and the index's own buffer (search.HASH_SIZE) holds that many reports' terms.
    SEARCH_EVERY = 1024

    def __init__(self, db: sqlite_utils.Database, after_write: Optional[AfterWrite] = None):
        self.db = db
        self.pending: dict[str, list[tuple]] = {}
        self.after_write = after_write

    def begin(self) -> None:
        self.db.execute("BEGIN")

    def write(self, prepared: Prepared, replaces: tuple[str, ...] = (), atomic: bool = True) -> None:
        """Write one report, in its own savepoint or (not ``atomic``) inside a ``group``."""
        write(self.db, prepared, replaces, self.pending, atomic, self.after_write)

    @contextmanager
    def group(self) -> Iterator[None]:
        """One savepoint for the reports written inside it: all of them are kept, or none.

        A savepoint keeps a copy of each page it changes, taken before the first change: the pages
        that every report changes (the last of each table, the index pages their rows share) are
        copied once for the group instead of once for each report (a tenth of the writer's time)."""
        waiting = dict(self.pending)
        try:
            with self.db.atomic():  # (inside the batch's transaction: a savepoint)
                yield
        except BaseException:
            self.pending = waiting  # rows that a report rolled back had taken out, as it replaced theirs
            raise

    def flush_search(self) -> None:
        """Write the index rows of the reports written so far (in this transaction, not yet committed)."""
        self.db.conn.executemany(search.INSERT, [r for rows in self.pending.values() for r in rows])
        self.pending.clear()

    def commit(self, again: bool = True) -> None:
        """Commit what is written so far (the index rows first), and go on in a new transaction ``again``."""
        self.flush_search()
        self.db.execute("COMMIT")
        if again:
            self.begin()


def save_report(db: sqlite_utils.Database, report: ParsedReport, source: dict, agency: dict,
                replaces: tuple[str, ...] = ()) -> None:
    """Write one report and everything under it in one transaction (see ``write``)."""
    write(db, prepare(report, source, agency), replaces)


def report_row(report: ParsedReport, source: dict, agency: dict) -> dict:
    m, c = report.meta, report.meta.contact
    return {
        "id": report.id, "agency_id": agency.get("id"), "agency_name": m.agency_name,
        "agency_name_as_printed": m.agency_name_as_printed, "year": m.year, "template": report.template,
        "table2_template": report.tables.table2_template, "table3_template": report.tables.table3_template,
        "title": m.title, "province": agency.get("province"), "city": agency.get("city"),
        "county": agency.get("county"), "level": agency.get("level"),
        "source_format": source.get("source_format"), "source_path": source.get("source_path"),
        "source_url": source.get("source_url"), "sha256": source.get("sha256"),
        "published_date": m.published_date, "status": report.status,
        "period_start": m.period_start, "period_end": m.period_end, "cited_format": m.cited_format,
        "is_aggregate": int(m.is_aggregate), "scope_note": m.scope_note,
        "contact_phone": c.phone, "contact_fax": c.fax, "contact_postcode": c.postcode,
        "contact_address": c.address, "contact_website": c.website, "contact_email": c.email,
        "encoding": source.get("encoding"), "provenance": source.get("provenance"),
        "warning_count": sum(1 for k in report.checks if k.severity in ("warning", "error")),
        "parser_version": source.get("parser_version"),
    }


def child_rows(report: ParsedReport) -> dict[str, list[tuple]]:
    """A report's rows of the child tables, each a tuple in the order of COLUMNS (built as tuples:
    a report has a hundred or more rows, and going through dicts doubled the cost)."""
    rid = report.id
    t = report.tables
    requests = [(rid, key, *map(cols.get, APPLICANT_KEYS)) for key, cols in t.requests.items()]
    if t.table3_template == "2021" and all(k in t.requests for k in ("other_no_supplement", "other_unpaid_fee",
                                                                          "other_other")):
        # the 2019 single row, derived for 2021 reports so queries across years can use one key
        parts = [t.requests[k] for k in ("other_no_supplement", "other_unpaid_fee", "other_other")]
        # a sub-row cell left unread (None) leaves the sum unknown: it is not counted as 0
        requests.append((rid, "other_handling", *(
            sum(p[c] for p in parts) if all(p.get(c) is not None for p in parts) else None for c in APPLICANT_KEYS)))
    return {
        "active_disclosure": [(rid, a.item, a.measure, a.value, a.unit) for a in t.active],
        "request_stats": requests,
        "appeal_stats": [(rid, p, *map(cols.get, OUTCOME_KEYS)) for p, cols in t.appeals.items()],
        "sections": [(rid, n, s.section_no, s.heading, s.body.encode()) for n, s in enumerate(report.sections)],
        "checks": [(rid, k.rule, k.severity, k.message, k.expected, k.actual, k.location) for k in report.checks],
        "ocr_cells": [(rid, v.location, v.page, *v.box, v.confidence, v.text, int(v.kept)) for v in report.scan_values],
        "scan_pages": [(rid, p.page, p.width, p.height, p.turned, p.skew, p.webp) for p in report.scan_pages],
    }
