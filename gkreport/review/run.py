"""Corrections in an ingest (or after a review session): before the reports are written, the files are
copied into the table and the stored reports they change are corrected again; each report written
is corrected in its own transaction (the writer's hook); at the end, whatever did not apply is said."""

from __future__ import annotations

from typing import Optional, Sequence

from .. import store, summaries
from .apply import Corrector, mark_missing_reports, not_applied_lines, reconcile
from .db import ensure_parsed_table, has_corrections, sync
from .files import CorrectionsFile


class Run:
    def __init__(self, db, files: Sequence[CorrectionsFile] = ()):
        self.db = db
        self.where = {(e.sha256, e.cell): e.where for f in files for e in f.entries}
        self.lines: list[str] = []
        self.corrector: Optional[Corrector] = None
        self.changed = False
        if not files and not has_corrections(db.conn):
            return  # nothing to do: the writer gets no hook, and an ingest pays nothing
        with db.atomic():
            ensure_parsed_table(db.conn)
            synced = sync(db.conn, files)
            self.lines += synced.lines + reconcile(db.conn, synced)
        self.changed = bool(synced.shas)
        self.corrector = Corrector(db.conn, synced)

    @property
    def after_write(self):
        if self.corrector is None or not self.corrector.shas:
            return None
        return lambda conn, prepared: self.corrector.after_write(conn, prepared.report_id, prepared.sha256)

    def finish(self) -> bool:
        """After the reports are written and committed: entries whose report is gone say so, and the
        lines about what did not apply are made. Says whether the values in force changed other than
        by a report written in this run (the summaries and cross-year checks are then redone)."""
        if self.corrector is None:
            return False
        conn = self.db.conn
        with self.db.atomic():
            mark_missing_reports(conn)
            if self.changed:
                summaries.touch(conn)  # the values in force changed: everything derived is rebuilt
        c = self.corrector
        touched = c.synced.touched | c.synced.shas | c.written
        self.lines += [line for lines in c.moved.values() for line in lines.split("\n") if line]
        self.lines += not_applied_lines(conn, touched, self.where)
        return self.changed


def apply_files(db_path, files: Sequence[CorrectionsFile]) -> list[str]:
    """Corrections files applied to a database without ingesting anything (after a review session)."""
    db = store.connect(db_path)
    try:
        store.ensure_db_shape(db)
        run = Run(db, files)
        run.finish()
        store.finish(db)
        return run.lines
    finally:
        db.close()
