"""Files and folders → reports in the database: discover, skip what is unchanged, parse, store.

Parsing is a pure function of a file's bytes, so it runs in worker processes on
large batches; only this process writes to SQLite, one transaction per report.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path, PurePath
from typing import Callable, Iterable, Iterator, Optional

from . import regions, shards, store
from . import template as T
from .agency import identify
from .checks import status_of
from .extract import ExtractError, ScannedPDF, extract, format_of, report_suffixes, supported_suffixes
from .extract.archive import members, outer_path
from .model import Check, Metadata, ParsedReport, Tables
from .parse import PARSER_VERSION, parse_report
from .scanned import parse_extracted
from .workers import Workers

BATCH = 256  # files read ahead per batch: keeps memory flat however many files there are
# The last batches halve down to this size. The writer writes its last batch after the workers are
# done, on one core: a whole batch left there was a twentieth of a 2,000-report run.
TAIL = 32
# Seconds between commits, at the end of a batch; a kill loses only whole reports, those not yet
# committed. A commit writes out every page the transaction changed, and each
# report's rows go to pages all over the key indexes (report ids are hashes): committing every batch
# rewrote those indexes whole every 256 reports once they outgrew the page cache, five times as many
# bytes as the database itself by 10,000 reports.
COMMIT_EVERY = 5.0
# The workers run at a lower priority than the writer, the one stage that can't be shared out:
# given a core whenever it has reports to write, it keeps up with them, rather than being left
# with a backlog to write on one core once they are done (with the tail's commits below, the idle
# core time of a 2,000-report run fell from 1.1–1.4 s to 0.7–0.9 s)
WORKER_NICE = 10


@dataclass
class Outcome:
    path: str
    status: str  # stored / unchanged / duplicate / failed
    report_status: Optional[str] = None  # ok / warning / error for stored reports
    message: str = ""
    report_id: Optional[str] = None


@dataclass
class Summary:
    stored: int = 0
    warnings: int = 0
    errors: int = 0
    failed: int = 0
    unchanged: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    keep_outcomes: bool = True  # the command line streams them instead of holding one per file

    def add(self, o: Outcome) -> None:
        if o.status == "stored":
            self.stored += 1
            self.warnings += o.report_status == "warning"
            self.errors += o.report_status == "error"
        elif o.status == "failed":
            self.failed += 1
        else:
            self.unchanged += 1
        if self.keep_outcomes:
            self.outcomes.append(o)

    def line(self) -> str:
        return (f"已入库 {self.stored} 份（其中有警告 {self.warnings} 份，表格无法读取 {self.errors} 份），"
                f"失败 {self.failed} 个，未变化 {self.unchanged} 个。")


def discover(paths: Iterable[str | Path]) -> Iterator[tuple[Path, bool]]:
    """Every report file under the given paths; the flag says whether the user named it directly."""
    suffixes = supported_suffixes()
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in sorted(files):
                    # string operations, not a Path per name: a folder may hold a hundred thousand files
                    if not f.startswith(".") and os.path.splitext(f)[1].lower() in suffixes:
                        yield Path(os.path.join(root, f)), False
        else:
            yield p, True


@dataclass
class Job:
    path: str
    data: bytes
    sha256: str
    replaces: tuple[str, ...] = ()  # ids stored earlier for this path
    ocr: bool = True  # read page images (scanned PDFs, image files) by OCR
    source_url: Optional[str] = None  # where the file was downloaded from


@dataclass
class Parsed:
    job_path: str
    report: Optional[ParsedReport] = None
    source: dict = field(default_factory=dict)
    agency: dict = field(default_factory=dict)
    error: Optional[str] = None
    replaces: tuple[str, ...] = ()
    prepared: Optional[store.Prepared] = None  # the rows to write, built where the report was parsed
    outcome: Optional[Outcome] = None  # what the writer reports once the rows are stored


def parse_file(path: str, data: bytes, sha256: str, ocr: bool = True, source_url: Optional[str] = None) -> Parsed:
    """Bytes of one file → a parsed report, or the reason it is not one. Never raises."""
    try:
        try:
            extracted = extract(path, data, ocr=ocr)
            report = parse_extracted(extracted)
        except ScannedPDF as e:
            extracted, report = None, scanned_report(path, sha256, e.message)
        agency, agency_checks = identify(report.meta, report.sections[0].body if report.sections else "")
        if agency_checks:
            report.checks.extend(agency_checks)
            report.status = status_of(report.checks, report.status != "error")
    except ExtractError as e:
        return Parsed(path, error=e.message)
    except Exception as e:  # a parser bug must not stop the batch; say what happened
        return Parsed(path, error=f"解析时出错（{type(e).__name__}: {e}）")
    source = {
        "source_path": path, "source_url": source_url, "sha256": sha256,
        "source_format": extracted.source_format if extracted else format_of(path, data) or "pdf",
        "encoding": extracted and extracted.encoding, "parser_version": PARSER_VERSION,
        "provenance": _provenance(report, extracted and extracted.line_pages),
    }
    return Parsed(path, report, source, agency, prepared=store.prepare(report, source, agency))


def scanned_report(path: str, sha256: str, message: str) -> ParsedReport:
    """A PDF of page images: stored as an error report so the batch shows it, with the agency and
    year its file name gives (“某某区2023年政府信息公开工作年度报告.pdf”)."""
    title = PurePath(path).stem  # a member path ends in the member's own name
    try:
        report = parse_report(title)
        report.sections = []
    except ExtractError:  # the file name names no report: store it without metadata
        report = ParsedReport("", title, Metadata(), [], Tables(), [], T.UNKNOWN, "error")
    report.id = sha256[:16]  # the title alone would make every scan of the same name one report
    report.checks = [Check("scanned_pdf", "error", message, location="reports")]
    report.status = "error"
    return report


def _provenance(report: ParsedReport, line_pages: Optional[list[int]]) -> Optional[str]:
    """For paged sources: the page where each table starts, as JSON ({"table3": 4})."""
    if not line_pages:
        return None
    pages = {name: line_pages[start] for name, (start, _) in report.tables.regions.items()
             if start < len(line_pages) and report.tables.found.get(name)}
    return json.dumps(pages) if pages else None


def _parse_job(job: Job) -> Parsed:
    """A worker's share of one file: everything up to the rows to write. What goes back to the
    writer is only those rows and the outcome line: handing the parsed report itself across
    processes cost the writer more than a tenth of its time."""
    parsed = parse_file(job.path, job.data, job.sha256, job.ocr, job.source_url)
    parsed.replaces = job.replaces
    if parsed.report:
        r = parsed.report
        parsed.outcome = Outcome(job.path, "stored", r.status, _first_warning(r), r.id)
        parsed.report, parsed.source, parsed.agency = None, {}, {}
    return parsed


LEAD_RULES = ("scanned_pdf", "report_incomplete", "table_missing")  # what a one-line summary of a report's problems leads with


def _first_warning(report: ParsedReport) -> str:
    serious = sorted((c for c in report.checks if c.severity in ("error", "warning")),
                     key=lambda c: LEAD_RULES.index(c.rule) if c.rule in LEAD_RULES else len(LEAD_RULES))
    if not serious:
        return ""
    more = f"（另有 {len(serious) - 1} 条）" if len(serious) > 1 else ""
    return serious[0].message + more


def ingest(paths: Iterable[str | Path], db_path: str | Path, *, force: bool = False, jobs: int = 0,
           ocr: bool = True, on_outcome: Optional[Callable[[Outcome], None]] = None,
           on_total: Optional[Callable[[int], None]] = None, keep_outcomes: bool = True,
           source_urls: Optional[dict[str, str]] = None, shard: Optional[shards.Shard] = None) -> Summary:
    """Ingest files and folders into the database at db_path. Safe to re-run: unchanged files are skipped.

    ``source_urls`` gives the web address a file was downloaded from (by the path as given), stored
    as its reports' ``source_url``; a zip's members take the zip's.

    ``shard``: only this share of the files (shards.py), into a database of its own, for ``merge``;
    ShardError before anything is read when the database holds another share or a whole ingest.

    Every file's outcome goes to ``on_outcome`` as it is known, and is kept in the summary unless
    ``keep_outcomes`` is False (for runs over more files than are worth holding in memory)."""
    conn = store.open_connection(db_path)
    summary = Summary(keep_outcomes=keep_outcomes)
    files = list(discover(paths))
    try:
        shards.check_target(conn, shard, db_path)
    except shards.ShardError:
        conn.close()
        raise
    if shard:
        names = [str(p) for p, _ in files]
        taken = shards.select(names, shard)
        shards.record(conn, shard, names, taken)
        files = [files[i] for i in taken]
    if on_total:
        on_total(len(files))
    workers = jobs or (min(os.cpu_count() or 1, 4) if len(files) >= 64 else 1)
    if workers > 1:
        regions.load()  # before the fork, so that the workers share it
    # what is loaded so far (modules, the gazetteer) lives as long as the process: frozen, it is left
    # out of the collector's passes, which the rows handed to the writer set off (they took 3.3% of
    # the writer's time, 2.1% once frozen)
    gc.freeze()
    pool = Workers(workers, nice=WORKER_NICE) if workers > 1 else None

    def done(o: Outcome) -> None:
        summary.add(o)
        if on_outcome:
            on_outcome(o)

    def read(chunk: list[tuple[Path, bool]]) -> list[Job]:
        batch: list[Job] = []
        for path, named in chunk:
            for job_or_outcome in _prepare(conn, path, named, force):
                if isinstance(job_or_outcome, Outcome):
                    done(job_or_outcome)
                else:
                    job_or_outcome.ocr = ocr
                    if source_urls:
                        job_or_outcome.source_url = source_urls.get(outer_path(job_or_outcome.path))
                    batch.append(job_or_outcome)
        return batch

    committed: Optional[float] = None

    def write(writer: store.Batch, results: Iterable[Parsed], tail: bool) -> None:
        nonlocal committed
        for outcome in store_all(writer, results):
            done(outcome)
        # the first batch is committed at once, so that a stopped run keeps it. So is each batch of
        # the tail: a commit writes the search rows still waiting and the pages changed since the
        # last one, and done while the workers parse the next batch, neither is left for the end,
        # when the workers are idle (0.4 s at 2,000 reports, a tenth of the run)
        if committed is None or tail or time.monotonic() - committed > COMMIT_EVERY:
            writer.commit()
            committed = time.monotonic()

    def submit(start: int, stop: int) -> Iterator[Parsed]:
        batch = read(files[start:stop])
        return pool.map(_parse_job, batch) if pool else map(_parse_job, batch)

    def submitted() -> Iterator[tuple[Iterator[Parsed], bool]]:
        bounds = list(batch_bounds(len(files)))
        full = [b for b in bounds if b[1] - b[0] == BATCH]
        for start, stop in full:
            yield submit(start, stop), False
        # the batches of the tail (fewer than 2 × BATCH files) go to the workers all at once, so
        # that they parse on to the end while the writer commits each of them
        yield from [(submit(start, stop), True) for start, stop in bounds[len(full):]]

    db, deferred, completed = None, False, False
    try:
        batches = submitted()
        # the workers start on the first batch while this process loads sqlite-utils and readies the
        # database: a fifth of a second that would otherwise leave a core idle
        parsing = next(batches, None)
        db = store.database(conn)
        store.ensure_db_shape(db)
        deferred = store.defer_indexes(db)
        with store.Batch(db) as writer:
            for started in batches:
                # the workers start on the next batch before this one is written, so that they are
                # not idle while the writer writes
                write(writer, *parsing)
                parsing = started
            if parsing is not None:
                write(writer, *parsing)
        completed = True
    finally:
        # after a failure too: what was committed gets its indexes, cross-year checks and summaries
        if pool:
            pool.close()
        if db is not None:
            store.finish(db, build_indexes=deferred, refresh_crosscheck=bool(summary.stored))
            if shard and completed:
                shards.finished(conn)
        conn.close()
        gc.unfreeze()
    return summary


def batch_bounds(n: int) -> Iterator[tuple[int, int]]:
    """Where the batches of n files start and stop: BATCH files each, then halving down to TAIL."""
    start = 0
    while start < n:
        left = n - start
        size = BATCH if left >= 2 * BATCH else max(TAIL, left // 2)
        yield start, min(n, start + size)
        start += size


def _prepare(conn, path: Path, named: bool, force: bool) -> Iterator[Job | Outcome]:
    """The jobs for one file: itself, or each report inside it when it is an archive."""
    shown = str(path)
    if not path.exists():
        yield Outcome(shown, "failed", message="文件不存在")
        return
    if named and path.suffix.lower() not in supported_suffixes():
        yield Outcome(shown, "failed", message=f"不支持的文件类型「{path.suffix or '无扩展名'}」")
        return
    try:
        data = path.read_bytes()
    except OSError as e:
        yield Outcome(shown, "failed", message=f"无法读取文件（{e.strerror}）")
        return
    if format_of(shown, data) != "zip":
        yield _job(conn, shown, data, force)
        return
    try:
        for member in members(shown, data, report_suffixes()):
            yield _job(conn, member.path, member.data, force) if member.error is None else \
                Outcome(member.path, "failed", message=member.error)
    except ExtractError as e:
        yield Outcome(shown, "failed", message=e.message)


def _job(conn, shown: str, data: bytes, force: bool) -> Job | Outcome:
    sha = hashlib.sha256(data).hexdigest()
    stored = store.stored_version(conn, shown)
    if stored and not force and stored[1] == sha and stored[2] == PARSER_VERSION:
        return Outcome(shown, "unchanged", report_id=stored[0])
    return Job(shown, data, sha, (stored[0],) if stored else ())


GROUP = 32  # reports written under one savepoint (store.Batch.group)


def store_all(writer: store.Batch, results: Iterable[Parsed]) -> Iterator[Outcome]:
    """Write parsed reports GROUP at a time, each whole, and say what became of each file.

    When one report of a group can't be written, the group is rolled back and written again one
    report at a time, each in a savepoint of its own, so that only that report is lost."""
    results = iter(results)
    while group := list(islice(results, GROUP)):
        try:
            with writer.group():
                outcomes = [_store(writer, parsed, atomic=False) for parsed in group]
        except sqlite3.DatabaseError:
            outcomes = [_store(writer, parsed) for parsed in group]
        yield from outcomes


def _store(writer: store.Batch, parsed: Parsed, atomic: bool = True) -> Outcome:
    """One report written, or the reason it was not; not ``atomic``, a failure to write it is
    raised to the caller, whose savepoint holds the report."""
    if parsed.error:
        return Outcome(parsed.job_path, "failed", message=parsed.error)
    stored = parsed.outcome
    report_id = stored.report_id
    other = store.report_exists(writer.db, report_id)
    if other and other != parsed.job_path and not _same_path_exists(other):
        other = None  # the earlier copy is gone: this path takes over the report
    if other and other != parsed.job_path:
        return Outcome(parsed.job_path, "duplicate", report_id=report_id, message=f"与已入库的 {other} 内容相同")
    replaces = parsed.replaces + ((report_id,) if other else ())
    try:
        writer.write(parsed.prepared, replaces, atomic)
    except sqlite3.DatabaseError as e:
        if not atomic:
            raise
        return Outcome(parsed.job_path, "failed", message=f"写入数据库失败（{e}），该报告未入库")
    return stored


def _same_path_exists(path: str) -> bool:
    return Path(outer_path(path)).exists()  # an archive member lives as long as its archive
