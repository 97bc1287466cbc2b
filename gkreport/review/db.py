"""The corrections in the database: the `corrections` table, the parsed state kept for re-applying
them, and the copying of a corrections file into the table.

`corrections` holds one row per corrected or confirmed cell, keyed by the report's sha256 and the
cell, so the entries live in the database: a re-parse (`--force`, a new parser version) run without
the file applies them again. An entry belongs to the file it came from (`source_file`, its name):
applying that file again makes the table hold what the file holds, so an entry deleted from the file
is withdrawn and its cell goes back to the parsed value.

`corrections_parsed` keeps, for each report with corrections, its three tables and its checks as the
parser wrote them, so that corrections can be changed or withdrawn without the source file (made
when there are corrections to apply).
`checks.settled_by` says which corrections settled a check.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Iterable, Optional

from ..locations import Cell
from .files import CorrectionsFile, Entry

STATUS = {
    "corrected": "已更正",
    "confirmed": "已确认",
    "same": "与解析值相同",
    "changed": "解析值与确认的值不同",
    "no_cell": "报告中没有这一格",
    "no_report": "数据库中没有这份报告",
}
IN_FORCE = ("corrected", "confirmed", "same")  # entries that vouch for the value their cell holds
NOT_APPLIED = ("same", "changed", "no_cell", "no_report")  # reported at every ingest that touches them

SCHEMA = """
create table if not exists corrections (
    id integer primary key,
    report_id text references reports(id),
    report_sha256 text not null,
    [table] text not null,
    row text not null,
    [column] text not null,
    location text not null,
    kind text not null,
    parsed_value numeric,
    value numeric,
    author text,
    date text,
    evidence text,
    page integer,
    status text not null,
    note text,
    source_file text,
    unique (report_sha256, [table], row, [column])
);
create index if not exists idx_corrections_report_id on corrections (report_id)
"""
# made with the first correction applied: a database without corrections does not carry it
PARSED_SCHEMA = "create table if not exists corrections_parsed (report_id text primary key, snapshot text not null)"
ENTRY_COLUMNS = ("kind", "value", "author", "date", "evidence", "page", "source_file")


def ensure_tables(conn: sqlite3.Connection) -> None:
    """Create the corrections tables and checks.settled_by (idempotent; inside the caller's transaction)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    columns = {r[1] for r in conn.execute("pragma table_info(checks)")}
    if columns and "settled_by" not in columns:
        conn.execute("alter table checks add column settled_by text")


def ensure_parsed_table(conn: sqlite3.Connection) -> None:
    conn.execute(PARSED_SCHEMA)


def has_corrections(conn: sqlite3.Connection) -> bool:
    try:
        return conn.execute("select 1 from corrections limit 1").fetchone() is not None
    except sqlite3.OperationalError:
        return False


def corrected_shas(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("select distinct report_sha256 from corrections")}


@dataclass
class Stored:
    """A row of `corrections`, as apply.py reads and updates it."""

    id: int
    sha256: str
    cell: Cell
    kind: str  # correct / confirm
    parsed_value: object
    value: object
    author: str
    date: str
    evidence: str
    status: str
    note: Optional[str]

    @property
    def location(self) -> str:
        return self.cell.location


def stored_for(conn: sqlite3.Connection, sha256: str) -> list[Stored]:
    rows = conn.execute(
        "select id, report_sha256, [table], row, [column], kind, parsed_value, value, author, date, evidence, "
        "status, note from corrections where report_sha256 = ? order by id", [sha256]).fetchall()
    return [Stored(r[0], r[1], Cell(r[2], r[3], r[4]), *r[5:]) for r in rows]


@dataclass
class Synced:
    """What applying corrections files changed: the reports to correct again, and lines to report."""

    shas: set[str] = field(default_factory=set)
    lines: list[str] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)  # every report a file names


def sync(conn: sqlite3.Connection, files: Iterable[CorrectionsFile]) -> Synced:
    """Make the table hold what each file holds (inside the caller's transaction)."""
    out = Synced()
    for f in files:
        wanted: dict[tuple[str, Cell], Entry] = {}
        for e in f.entries:
            key = (e.sha256, e.cell)
            if key in wanted:
                out.lines.append(f"重复的更正  {e.where}：与{wanted[key].where}是同一格，以后一条为准")
            wanted[key] = e
        had = {(r[1], Cell(r[2], r[3], r[4])): r for r in conn.execute(
            "select id, report_sha256, [table], row, [column], " + ", ".join(ENTRY_COLUMNS)
            + " from corrections where source_file = ?", [f.name])}
        for key, row in had.items():
            if key not in wanted and key not in f.unusable:
                conn.execute("delete from corrections where id = ?", [row[0]])
                out.shas.add(key[0])
                out.lines.append(f"撤销更正  {key[1].location}（报告 sha256 {key[0][:12]}…）：{f.name} 中已没有这一条，"
                                 "恢复为解析值")
        for (sha, cell), e in wanted.items():
            out.touched.add(sha)
            values = (_kind(e), e.value, e.author, e.date, e.evidence, e.page, e.source)
            old = conn.execute("select id, source_file, " + ", ".join(ENTRY_COLUMNS) + " from corrections "
                               "where report_sha256 = ? and [table] = ? and row = ? and [column] = ?",
                               [sha, *cell]).fetchone()
            if old is None:
                conn.execute(
                    "insert into corrections (report_sha256, [table], row, [column], location, status, "
                    + ", ".join(ENTRY_COLUMNS) + ") values (?, ?, ?, ?, ?, 'no_report', ?, ?, ?, ?, ?, ?, ?)",
                    [sha, *cell, cell.location, *values])
                out.shas.add(sha)
                continue
            if old[1] and old[1] != e.source:
                out.lines.append(f"更正取代  {e.where}：取代了 {old[1]} 中同一格的更正")
            if tuple(old[2:]) != values and not _same_confirmation(old, e):
                conn.execute("update corrections set " + ", ".join(f"{c} = ?" for c in ENTRY_COLUMNS)
                             + " where id = ?", [*values, old[0]])
                out.shas.add(sha)
    return out


def _kind(e: Entry) -> str:
    return "confirm" if e.confirm else "correct"


def _same_confirmation(old, e: Entry) -> bool:
    """A confirmation without a value keeps the value it confirmed when it was first applied."""
    return e.confirm and e.value is None and old[2] == "confirm" and tuple(old[4:]) == (
        e.author, e.date, e.evidence, e.page, e.source)
