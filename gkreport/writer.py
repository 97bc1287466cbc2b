"""The one process that writes reports: savepoints, commits, and what a failed write takes with it.

Reports are written GROUP at a time under one savepoint, many groups to a transaction,
committed every few seconds (ingest.py decides when). A report is only said to be stored
once the transaction that holds it is committed: until then its outcome is held here.

A write can fail in two ways. One report can be refused (a constraint, a trigger, a value
SQLite can't bind): its savepoint is rolled back and it alone fails. Or the database can
fail as a whole (a full disk, an I/O error, a lock, a read-only file): SQLite may then
have rolled back the whole transaction by itself, so it is rolled back explicitly, every
report written since the last commit fails with the reason, and the search rows waiting
to be written with them are dropped with them, so that the index never holds the words of
a report that was not kept. After such an error nothing more is written: the rest of the
run is accounted for without being written (``stopped``).
"""

from __future__ import annotations

import sqlite3
import time
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Optional

from . import store
from .extract.archive import outer_path
from .outcomes import Outcome, Parsed

GROUP = 32  # reports written under one savepoint (store.Batch.group)


class Writer:
    def __init__(self, db, done: Callable[[Outcome], None], after_write: Optional[store.AfterWrite] = None):
        self.db = db
        self.done = done
        self.batch = store.Batch(db, after_write)  # after_write: the corrections of each report written
        self.held: list[Outcome] = []  # stored (and duplicate) outcomes whose transaction is not committed yet
        self.stopped: Optional[str] = None  # why nothing more is written
        self.committed_at: Optional[float] = None  # when the last commit was made (None: not yet)

    def __enter__(self) -> "Writer":
        self.batch.begin()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit(last=True)
        elif self.stopped is None:
            self._rollback()  # (interrupted: what was not committed is not reported either)

    # -- writing ------------------------------------------------------------------------------

    def write(self, results: Iterable[Parsed]) -> None:
        """Write parsed reports GROUP at a time, each whole, and say what became of each file.

        When one report of a group can't be written, the group is rolled back and written again one
        report at a time, each in a savepoint of its own, so that only it is lost."""
        results = iter(results)
        while group := list(islice(results, GROUP)):
            if self.stopped is None:
                try:
                    with self.batch.group():
                        outcomes = [self._store(parsed, atomic=False) for parsed in group]
                except Exception as e:  # noqa: BLE001 — whatever refused a report, the group is written again
                    if self._lost(e):
                        outcomes = [self._unwritten(parsed, _words(e)) for parsed in group]
                    else:
                        outcomes = None
                        for parsed in group:  # reported one by one: a later failure may take back an earlier one
                            self._report(self._store(parsed) if self.stopped is None else self._unwritten(parsed))
                for o in outcomes or ():
                    self._report(o)
            else:
                for parsed in group:
                    self._report(self._unwritten(parsed))
            if len(self.batch.pending) >= self.batch.SEARCH_EVERY:
                self._flush_search()

    def _store(self, parsed: Parsed, atomic: bool = True) -> Outcome:
        """One report written, or the reason it was not; not ``atomic``, a failure to write it is
        raised to the caller, whose savepoint holds the report."""
        if parsed.error:
            return Outcome(parsed.job_path, "failed", message=parsed.error)
        if parsed.prepared is None:
            return parsed.outcome  # unchanged, or skipped: nothing to write
        try:
            stored = parsed.outcome
            report_id = stored.report_id
            other = store.report_exists(self.db, report_id)
            if other and other != parsed.job_path and not _same_path_exists(other):
                other = None  # the earlier copy is gone: this path takes over the report
            if other and other != parsed.job_path:
                return Outcome(parsed.job_path, "duplicate", report_id=report_id,
                               message=f"与已入库的 {other} 内容相同")
            replaces = parsed.replaces + ((report_id,) if other else ())
            twin = None if other else store.twin_in_another_format(self.db, parsed.prepared)
            if twin and twin[0] not in replaces:
                if _same_path_exists(twin[1]):  # one report in two formats: stored once, or every sum counts it twice
                    return Outcome(parsed.job_path, "duplicate", report_id=twin[0],
                                   message=f"与已入库的 {twin[1]} 是同一份报告（同一机关、同一年度，三张统计表的数字完全相同）")
                replaces += (twin[0],)  # the earlier copy is gone: this file takes over the report
            self.batch.write(parsed.prepared, replaces, atomic)
            return stored
        except Exception as e:  # noqa: BLE001 — one report refused must not stop the others
            if not atomic:
                raise
            if self._lost(e):
                return self._unwritten(parsed, _words(e))
            return Outcome(parsed.job_path, "failed", message=f"写入数据库失败（{_words(e)}），该报告未入库")

    def _report(self, o: Outcome) -> None:
        if o.status in ("stored", "duplicate"):
            self.held.append(o)  # a duplicate names a report that is only kept once committed too
        else:
            self.done(o)

    def _unwritten(self, parsed: Parsed, reason: Optional[str] = None) -> Outcome:
        """The outcome of a file that could not be written, for ``reason`` (by default: why the run stopped)."""
        if parsed.error:
            return Outcome(parsed.job_path, "failed", message=parsed.error)
        if parsed.prepared is None:
            return parsed.outcome
        return Outcome(parsed.job_path, "failed", message=f"未入库：{self.stopped or reason}")

    # -- commits and failures -----------------------------------------------------------------

    def commit(self, last: bool = False) -> None:
        """Commit what is written so far (and, unless ``last``, go on in a new transaction); only
        then are its reports said to be stored."""
        if self.stopped is not None:
            return
        if not self._flush_search():
            return
        try:
            self.batch.commit(again=not last)
        except Exception as e:  # noqa: BLE001
            self._lost(e, always=True)
            return
        self.committed_at = time.monotonic()
        held, self.held = self.held, []
        for o in held:
            self.done(o)

    def fail(self, e: Exception) -> None:
        """Stop writing after an error met outside the writer (reading the database)."""
        if self.stopped is None:
            self._lost(e, always=True)

    def _flush_search(self) -> bool:
        """Write the search rows waiting; a failure takes everything since the last commit with it,
        since part of those rows may be written."""
        try:
            self.batch.flush_search()
        except Exception as e:  # noqa: BLE001
            self._lost(e, always=True)
            return False
        return True

    def _lost(self, e: Exception, always: bool = False) -> bool:
        """After an error: when it concerns the database as a whole, or the transaction is gone
        (SQLite rolls it back itself after some errors), or ``always``, give up what was written
        since the last commit and return True; False when only the statement, or the savepoint,
        was undone. After an error of the database as a whole, or ``always``, nothing more is written."""
        fatal = always or (isinstance(e, sqlite3.Error) and store.stops_writing(e))
        if not fatal and self.db.conn.in_transaction:
            return False
        if fatal:
            self.stopped = store.explain(e) if isinstance(e, sqlite3.Error) else f"写入数据库失败（{_words(e)}）"
        reason = self.stopped or _words(e)
        self._rollback()
        held, self.held = self.held, []
        for o in held:
            self.done(Outcome(o.path, "failed", message=f"未入库：{reason}"))
        if self.stopped is None:
            self.batch.begin()  # not the database's fault (a trigger rolled the transaction back): go on
        return True

    def _rollback(self) -> None:
        self.batch.pending.clear()  # the search rows of the reports rolled back
        try:
            self.db.conn.rollback()
        except sqlite3.Error:
            pass  # rolled back by SQLite already


def _words(e: Exception) -> str:
    return str(e) if isinstance(e, sqlite3.Error) else f"{type(e).__name__}: {e}"


def _same_path_exists(path: str) -> bool:
    return Path(outer_path(path)).exists()  # an archive member lives as long as its archive
