"""`gkreport merge OUT.db SHARD.db...`: the databases of a sharded ingest made into the one database
a single run over the whole input would have built.

The reports are written again, one at a time, in the order a single run writes them (each file's
position in the whole input, which every share records: shards.py), through the ingest's own
writer (store.write in a store.Batch); then store.finish builds, once and over everything, what
an ingest builds at its end: the readers' indexes, the cross-year checks, the summary tables and
the planner's statistics. So the merged file holds what a single run's holds, row for row, check
ids and search index included, and a derived table that finish learns to build is built for a
merge too. A report found in two shares (one report under two paths) is kept once, the copy a
single run would have met first, as an ingest keeps it.

Every share must be given, each once, all of one input and each run to its end; a database built
without --shard may be merged too (after the shares, in the order given). A table the merge does
not know how to combine is an error, not dropped. The result is written under a temporary name
and renamed when complete: a merge stopped half-way leaves no OUT.db.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from itertools import islice
from typing import Callable, Iterator, Optional, Sequence

from . import crosscheck, search, shards, store
from .assess import derived_checks
from .workers import Workers
from .extract.archive import outer_path

COMMIT_EVERY = 5.0  # seconds between commits, as an ingest (keeps the transaction's memory bounded)
# checks derived across reports: finish makes them again over the merged whole
DERIVED_RULES = (*crosscheck.RULES, *derived_checks.RULES)


class MergeError(Exception):
    """Why the databases can't be merged, in Chinese, naming the file."""


@dataclass
class Summary:
    sources: int = 0
    reports: int = 0
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # (path, kept path, source file)

    def line(self) -> str:
        dup = f"；重复 {len(self.duplicates)} 份（同一报告的另一个文件，只收录一次）" if self.duplicates else ""
        return f"已合并 {self.sources} 个数据库：报告 {self.reports} 份{dup}。"


class Reader:
    """The rows of the reports of one database, read-only."""

    def __init__(self, path: Path):
        self.path = path
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.conn.execute("PRAGMA cache_size=-65536")
        self._select = {t: f"select {', '.join(f'[{c}]' for c in cols)} from [{t}] where report_id = ? "
                           + ("and rule not in (" + ", ".join("?" * len(DERIVED_RULES)) + ") " if t == "checks" else "")
                           + "order by rowid"
                        for t, cols in store.COLUMNS.items() if t in store.TABLES}
        self._report = f"select {', '.join(store.COLUMNS['reports'])} from reports where id = ?"
        self._agency = f"select {', '.join(store.COLUMNS['agencies'])} from agencies where id = ?"

    def prepared(self, report_id: str) -> store.Prepared:
        """The report as the rows an ingest writes for it (the checks derived across reports are left to finish)."""
        report = self.conn.execute(self._report, [report_id]).fetchone()
        rows: dict[str, list[tuple]] = {"agencies": [], "reports": [report]}
        agency_id = report[_AGENCY_ID]
        if agency_id is not None:
            agency = self.conn.execute(self._agency, [agency_id]).fetchone()
            rows["agencies"] = [agency] if agency else []
        for table, sql in self._select.items():
            rows[table] = self.conn.execute(sql, [report_id, *DERIVED_RULES] if table == "checks"
                                            else [report_id]).fetchall()
        fts = [(s[_POSITION], *search.index_row(s[_HEADING], s[_BODY])) for s in rows["sections"]]
        return store.Prepared(report_id, rows, fts)

    def close(self) -> None:
        self.conn.close()


_AGENCY_ID = store.COLUMNS["reports"].index("agency_id")
_POSITION, _HEADING, _BODY = (store.COLUMNS["sections"].index(c) for c in ("position", "heading", "body"))


class Source(Reader):
    """One database to merge: its reports, and the share it is (if it is one)."""

    def __init__(self, path: Path, index: int):
        problem = store.file_problem(path)
        if problem:
            raise MergeError(problem)
        super().__init__(path)
        self.index = index
        self.recorded = shards.read(self.conn)

    def order(self) -> Iterator[tuple[tuple, str, str]]:
        """(sort key, report id, source path) of every report: a share's by the position of its
        file in the whole input, then (the members of one archive) as stored; others after."""
        positions = self.recorded.positions if self.recorded else {}
        for rowid, rid, path in self.conn.execute("select rowid, id, source_path from reports"):
            position = positions.get(outer_path(path)) if path is not None else None
            yield ((0, position, 0, rowid) if position is not None else (1, 0, self.index, rowid)), rid, path


def check_shares(sources: Sequence[Source]) -> None:
    """Every share of one input, each once, each run to its end."""
    shared = [s for s in sources if s.recorded]
    if not shared:
        return
    first = shared[0]
    seen: dict[int, Source] = {}
    for s in shared:
        r = s.recorded
        if (r.shard.shards, r.inputs, r.inputs_sha256) != (first.recorded.shard.shards, first.recorded.inputs,
                                                             first.recorded.inputs_sha256):
            raise MergeError(f"{s.path}（第 {r.shard} 份）与 {first.path}（第 {first.recorded.shard} 份）"
                             f"不是同一次分片导入：分片数或输入的文件不同（{r.inputs} 个文件 / "
                             f"{first.recorded.inputs} 个文件）。每一份都要用同样的输入和同样的 N 导入。")
        if r.shard.number in seen:
            raise MergeError(f"第 {r.shard} 份分片给了两次：{seen[r.shard.number].path} 和 {s.path}。")
        seen[r.shard.number] = s
        if not r.finished:
            raise MergeError(f"{s.path}（第 {r.shard} 份）的导入没有运行完（中断了）：再运行一次同样的 "
                             f"gkreport ingest … --shard {r.shard} 命令，它会接着导入。")
    missing = [n for n in range(1, first.recorded.shard.shards + 1) if n not in seen]
    if missing:
        total = first.recorded.shard.shards
        raise MergeError(f"缺少分片：{'、'.join(f'第 {n}/{total} 份' for n in missing)}。合并需要全部 {total} 份。")


def built_tables() -> set[str]:
    """The tables an ingest makes or derives (in an empty database: ensure_db_shape, then finish)."""
    db = store.database(sqlite3.connect(":memory:"))
    store.ensure_db_shape(db)
    store.finish(db)
    names = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}
    db.conn.close()
    return names


def check_tables(sources: Sequence[Source]) -> None:
    """A table with rows that is neither an ingest's nor a share's record can't be merged: say so
    rather than leave it out."""
    known = built_tables() | set(shards.TABLES)
    for s in sources:
        for (name,) in s.conn.execute("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"):
            if name not in known and s.conn.execute(f"select 1 from [{name}] limit 1").fetchone():
                raise MergeError(f"{s.path} 中有表 {name}，它不是 gkreport ingest 生成的表，合并不知道如何合并它"
                                 "（未合并任何数据）。")


def merge(out: str | Path, inputs: Sequence[str | Path], *, on_total: Optional[Callable[[int], None]] = None,
          on_report: Optional[Callable[[], None]] = None,
          on_duplicate: Optional[Callable[[str, str, Path], None]] = None) -> Summary:
    """Merge the databases ``inputs`` into a new database ``out``; MergeError, before anything is
    written, for inputs that can't be merged."""
    out = Path(out)
    if not inputs:
        raise MergeError("没有要合并的数据库。")
    if out.exists():
        raise MergeError(f"{out} 已存在：合并只写入新文件，请换一个文件名或先删除它。")
    if not out.parent.is_dir():
        raise MergeError(f"{out} 所在的文件夹 {out.parent} 不存在。")
    paths = [Path(p) for p in inputs]
    resolved = [p.resolve() for p in paths]
    for i, p in enumerate(resolved):
        if p == out.resolve():
            raise MergeError(f"{paths[i]} 既是要合并的数据库又是合并的结果。")
        if p in resolved[:i]:
            raise MergeError(f"{paths[i]} 给了两次。")
    sources: list[Source] = []
    try:
        for i, p in enumerate(paths):
            sources.append(Source(p, i))
        check_shares(sources)
        check_tables(sources)
        order = sorted((key, rid, path, s) for s in sources for key, rid, path in s.order())
        if on_total:
            on_total(len(order))
        summary = _write(out, order, on_report, on_duplicate)
        summary.sources = len(sources)
        return summary
    finally:
        for s in sources:
            s.close()


GROUP = 32  # reports written under one savepoint, as an ingest writes them (store.Batch.group)
BATCH = 1024  # reports read ahead by the workers
WORKERS_FROM = 2000  # reports: below this, reading them in this process is quicker than starting workers

_READERS: dict[str, Reader] = {}  # in each worker, the databases it has opened


def _read(job: tuple[str, str]) -> store.Prepared:
    path, report_id = job
    reader = _READERS.get(path)
    if reader is None:
        reader = _READERS[path] = Reader(Path(path))
    return reader.prepared(report_id)


def _read_in_worker(job: tuple[str, str], _part) -> store.Prepared:
    return _read(job)


def _lost(lost) -> None:
    """A worker reading a share's report was stopped: the shares are our own databases, so the merge
    stops rather than leave a report out."""
    raise MergeError(f"读取分片 {lost.item[0]} 中的报告 {lost.item[1]} 时工作进程中止：{lost.why}")


def _write(out: Path, order: list, on_report, on_duplicate) -> Summary:
    """Write the reports in ``order``, each once, into a new database at out. They are read and
    made into rows (the search index's form of the text included) by worker processes, as an
    ingest parses in workers, and written here, in order."""
    summary = Summary()
    kept: dict[str, str] = {}
    jobs: list[tuple[str, str]] = []
    for _, rid, path, source in order:
        if rid in kept:
            summary.duplicates.append((path, kept[rid], str(source.path)))
            if on_duplicate:
                on_duplicate(path, kept[rid], source.path)
        else:
            kept[rid] = path
            jobs.append((str(source.path), rid))
    source_of = {rid: source for source, rid in jobs}
    partial = out.with_name(out.name + ".merging")
    for leftover in (partial, partial.with_name(partial.name + "-journal")):
        leftover.unlink(missing_ok=True)
    workers = min(os.cpu_count() or 1, 4)
    pool = (Workers(workers, _read_in_worker, lost=_lost, time_limit=None, memory_limit_mb=None)
            if workers > 1 and len(jobs) >= WORKERS_FROM else None)
    conn = store.open_connection(partial)

    def submit(at: int) -> Iterator[store.Prepared]:
        batch = jobs[at:at + BATCH]
        return pool.map(batch) if pool else map(_read, batch)

    try:
        db = store.database(conn)
        store.ensure_db_shape(db)
        deferred = store.defer_indexes(db)
        committed = time.monotonic()
        writer = store.Batch(db)
        writer.begin()
        reading = submit(0)
        for at in range(0, len(jobs), BATCH):
            following = submit(at + BATCH) if at + BATCH < len(jobs) else iter(())  # read while this is written
            while group := list(islice(reading, GROUP)):
                with writer.group():
                    for prepared in group:
                        twin = store.twin_in_another_format(db, prepared)  # as the single run's writer does
                        if twin:
                            path = prepared.rows["reports"][0][store.COLUMNS["reports"].index("source_path")]
                            summary.duplicates.append((path, twin[1], source_of[prepared.report_id]))
                            if on_duplicate:
                                on_duplicate(path, twin[1], Path(source_of[prepared.report_id]))
                            continue
                        writer.write(prepared, atomic=False)
                        summary.reports += 1
                        if on_report:
                            on_report()
                if len(writer.pending) >= writer.SEARCH_EVERY:
                    writer.flush_search()
            reading = following
            if time.monotonic() - committed > COMMIT_EVERY:
                writer.commit()
                committed = time.monotonic()
        writer.commit(again=False)
        store.finish(db, build_indexes=deferred)
        conn.close()
    except BaseException:
        conn.close()
        partial.unlink(missing_ok=True)
        raise
    finally:
        if pool:
            pool.close()
        for reader in _READERS.values():
            reader.close()
        _READERS.clear()
    os.replace(partial, out)
    return summary
