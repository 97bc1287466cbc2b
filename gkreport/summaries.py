"""Summary tables, rebuilt from the contract tables at the end of each ingest (store.finish).

The site's canned queries and charts ask the same few questions of millions of
table-3 cells: how many requests, how many granted, how many refused and why,
by year and region. Answering them from `request_stats` directly takes seconds
at 100,000 reports; these tables hold the answers pre-added, so every page
stays under a few hundred milliseconds. They are derived data: always rebuilt
whole, in one transaction, never edited.

- `report_figures`: one row per report, its headline numbers side by side.
- `region_totals`: those numbers added up by year, province, city and level.
- `request_totals`: table 3 added up by year, province, level and row.
- `appeal_totals`: table 4 added up by year, province, level and proceeding, each outcome a column.
"""

from __future__ import annotations

import sqlite3
import threading

from .template import APPLICANT_KEYS, DENIED_ROWS, OUTCOME_KEYS, REJECTED_ROWS, UNABLE_ROWS

# the definitions below: the tables are rebuilt when this changes
VERSION = 5


def _any_of(keys: tuple[str, ...]) -> str:
    return f"s.row_key in ({', '.join(repr(k) for k in keys)})"


# (column, SQL over one report's request_stats rows as s); the rows of a category are those of
# request_rows.category, named here so that the sum needs no join
_REQUEST_FIGURES = [
    ("new_received", "s.row_key = 'new_received'"),
    ("carried_over", "s.row_key = 'carried_over'"),
    ("granted", "s.row_key = 'granted'"),
    ("partially_granted", "s.row_key = 'partially_granted'"),
    ("denied", _any_of(DENIED_ROWS)),
    ("unable", _any_of(UNABLE_ROWS)),
    ("rejected", _any_of(REJECTED_ROWS)),
    ("other_handling", "s.row_key = 'other_handling'"),
    ("total_processed", "s.row_key = 'total_processed'"),
    ("carried_forward", "s.row_key = 'carried_forward'"),
]
_APPEAL_FIGURES = [
    ("review_total", "total", "proceeding = 'review'"),
    ("review_corrected", "corrected", "proceeding = 'review'"),
    ("review_pending", "pending", "proceeding = 'review'"),
    ("litigation_total", "total", "proceeding like 'litigation%'"),
    ("litigation_corrected", "corrected", "proceeding like 'litigation%'"),
    ("litigation_pending", "pending", "proceeding like 'litigation%'"),
]
_ACTIVE_FIGURES = [
    ("fees_10k_yuan", "item = 'fees' and measure = 'amount_10k_yuan'"),
    ("normative_in_force", "item = 'normative_documents' and measure = 'in_force'"),
    ("normative_issued", "item = 'normative_documents' and measure in ('issued', 'new_made')"),
]
REPORT_COLUMNS = ("report_id", "agency_id", "agency_name", "year", "province", "city", "county", "level",
                  "template", "status", "warning_count")
FIGURES = ([c for c, _ in _REQUEST_FIGURES] + [c for c, _, _ in _APPEAL_FIGURES]
           + [c for c, _ in _ACTIVE_FIGURES])

# covering indexes for the site's questions: each groups or ranks straight from its index
INDEXES = {
    "report_figures": [("year", "new_received"), ("agency_id", "year"), ("year", "litigation_total"),
                       ("province", "year", "status"), ("year", "province", "fees_10k_yuan"),
                       ("normative_in_force", "year", "agency_name")],
    "region_totals": [("year",), ("province",)],
    "request_totals": [("row_key", "year")],
    "appeal_totals": [("proceeding", "year")],
}


# ---------------------------------------------------------------------------
# Which version of each derived table the file holds: the search index and the
# summaries are rebuilt only when their definition or their source has changed.

DERIVED = "derived_tables"


def recorded(conn, name: str) -> str | None:
    if not conn.execute("select 1 from sqlite_master where name = ?", [DERIVED]).fetchone():
        return None
    row = conn.execute(f"select version from {DERIVED} where name = ?", [name]).fetchone()
    return row[0] if row else None


def record(conn, name: str, version: str) -> None:
    conn.execute(f"create table if not exists {DERIVED} (name text primary key, version text)")
    conn.execute(f"insert or replace into {DERIVED} values (?, ?)", [name, version])


# Every change to `reports` counts: a trigger adds one to this row of DERIVED for each row
# inserted, deleted or updated, whoever makes the change. Derived data records the count it was
# built at, and is stale when the count has moved on. (Counting rows and the largest rowid did not
# do: a report replaced by a new version gets the rowid the old one had.)
GENERATION = "reports"
_TRIGGERS = {
    f"{GENERATION}_{event}": f"after {event} on reports begin update {DERIVED} set version = version + 1 "
                             f"where name = '{GENERATION}'; end"
    for event in ("insert", "delete", "update")
}


def count_changes(conn) -> None:
    """Create the change count and its triggers (idempotent; call inside a transaction)."""
    conn.execute(f"create table if not exists {DERIVED} (name text primary key, version text)")
    conn.execute(f"insert or ignore into {DERIVED} values (?, 0)", [GENERATION])
    for name, body in _TRIGGERS.items():
        conn.execute(f"create trigger if not exists [{name}] {body}")


def touch(conn) -> None:
    """Count a change of the reports' values made outside `reports` (a correction applied to a stored
    report): everything derived is rebuilt as after any change of a report."""
    conn.execute(f"update {DERIVED} set version = version + 1 where name = ?", [GENERATION])


def generation(conn) -> str | None:
    """How many changes `reports` has seen; None in a database without the count."""
    return recorded(conn, GENERATION)


def stamp(conn, prefix: str) -> str:
    """What a derived table records it was built from: ``prefix`` (its own version and what else it is
    made from) followed by the change count of `reports`."""
    return f"{prefix}{generation(conn)}"


def current(conn, name: str, prefix: str) -> bool:
    """Whether the derived table recorded under ``name`` was built from what ``stamp`` says now."""
    return recorded(conn, name) == stamp(conn, prefix)


def fingerprint(conn) -> str:
    """Changes whenever a report is added, replaced or removed, and when the definitions do."""
    return f"{VERSION}:{generation(conn)}"


def up_to_date(conn) -> bool:
    return recorded(conn, "summaries") == fingerprint(conn)


# every row of request_stats is added up: read the table in order ("not indexed") rather than
# through its key, which jumps about the file for each row (a quarter faster)
_REQUEST_TOTALS = f"""
    select r.year, r.province, r.level, s.row_key, count(*), {", ".join(f"sum(s.{c})" for c in APPLICANT_KEYS)}
    from request_stats s not indexed join reports r on r.id = s.report_id
    group by r.year, r.province, r.level, s.row_key
"""


class RequestTotals:
    """The rows of `request_totals`, added up on a connection and a thread of their own.

    The largest of the summaries' queries only reads, so it can run on the second core while
    the writer builds the readers' indexes and the other summaries, which would otherwise leave
    that core idle at the end of every ingest. Its read transaction starts here, before the
    writer's: the writer may then have to wait for it (to spill its cache, or to commit), but it
    never has to wait for the writer, so the two can't wait for each other.
    """

    def __init__(self, path: str):
        self.rows: list[tuple] | None = None
        self._conn = sqlite3.connect(path, check_same_thread=False)
        self._conn.execute("BEGIN")
        self._conn.execute("select 1 from reports limit 1").fetchall()  # takes the read lock now
        self._thread = threading.Thread(target=self._run, name="request_totals", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.rows = self._conn.execute(_REQUEST_TOTALS).fetchall()
        except sqlite3.Error:
            self.rows = None  # rebuild adds them up itself
        finally:
            self._conn.close()

    def result(self) -> list[tuple] | None:
        self._thread.join()
        return self.rows


def rebuild(conn, request_totals: RequestTotals | None = None) -> None:
    """Rebuild every summary table from the contract tables, unless they are already up to date
    (call inside a transaction). Takes about 20 s at 100,000 reports, so a re-run that changed
    nothing skips it. ``request_totals``: that table's rows, being added up alongside."""
    current = fingerprint(conn)
    if recorded(conn, "summaries") == current:
        return
    conn.execute("drop table if exists report_figures")
    conn.execute(
        "create table report_figures (report_id text primary key references reports(id), "
        "agency_id text references agencies(id), agency_name text, year integer, province text, city text, "
        "county text, level text, template text, status text, warning_count integer, "
        + ", ".join(f"{c} {'real' if c == 'fees_10k_yuan' else 'integer'}" for c in FIGURES) + ")")
    # FILTER rather than CASE inside the sums, and no join for the categories: a sixth less time
    requests = ", ".join(f"sum(s.total) filter (where {cond}) as {col}" for col, cond in _REQUEST_FIGURES)
    appeals = ", ".join(f"sum({field}) filter (where {cond}) as {col}" for col, field, cond in _APPEAL_FIGURES)
    active = ", ".join(f"max(value) filter (where {cond}) as {col}" for col, cond in _ACTIVE_FIGURES)
    conn.execute(f"""
        insert into report_figures
        select r.id, r.agency_id, r.agency_name, r.year, r.province, r.city, r.county, r.level, r.template,
               r.status, r.warning_count, {", ".join(FIGURES)}
        from reports r
        left join (select s.report_id, {requests} from request_stats s group by s.report_id) t3 on t3.report_id = r.id
        left join (select report_id, {appeals} from appeal_stats group by report_id) t4 on t4.report_id = r.id
        left join (select report_id, {active} from active_disclosure
                   where item in ('fees', 'normative_documents') group by report_id) t2 on t2.report_id = r.id
    """)
    conn.execute("drop table if exists region_totals")
    conn.execute(f"""
        create table region_totals as
        select year, province, city, level, count(*) as reports,
               sum(status = 'ok') as status_ok, sum(status = 'warning') as status_warning,
               sum(status = 'error') as status_error, count(fees_10k_yuan) as fees_reports,
               max(fees_10k_yuan) as fees_max_10k_yuan, {", ".join(f"sum({c}) as {c}" for c in FIGURES)}
        from report_figures
        group by year, province, city, level
    """)
    conn.execute("drop table if exists request_totals")
    conn.execute(
        "create table request_totals (year integer, province text, level text, "
        "row_key text references request_rows(key), reports integer, "
        + ", ".join(f"{c} integer" for c in APPLICANT_KEYS) + ")")
    rows = request_totals.result() if request_totals else None
    if rows is None:
        conn.execute("insert into request_totals " + _REQUEST_TOTALS)
    else:
        conn.executemany(f"insert into request_totals values ({', '.join('?' * (5 + len(APPLICANT_KEYS)))})", rows)
    conn.execute("drop table if exists appeal_totals")
    conn.execute(
        "create table appeal_totals (year integer, province text, level text, "
        "proceeding text references proceedings(key), reports integer, "
        + ", ".join(f"{c} integer" for c in OUTCOME_KEYS) + ")")
    conn.execute(f"""
        insert into appeal_totals
        select r.year, r.province, r.level, f.proceeding, count(*), {", ".join(f"sum(f.{c})" for c in OUTCOME_KEYS)}
        from appeal_stats f join reports r on r.id = f.report_id
        group by r.year, r.province, r.level, f.proceeding
    """)
    for table, indexes in INDEXES.items():
        for cols in indexes:
            conn.execute(f"create index [idx_{table}_{'_'.join(cols)}] on [{table}] ({', '.join(cols)})")
    record(conn, "summaries", current)
