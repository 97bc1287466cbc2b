"""Files and folders → reports in the database: discover, skip what is unchanged, parse, store.

Every file is read and parsed in a worker process (workers.py), never in this one: a file
that hangs, crashes or exhausts its worker costs that file alone, with a line saying what
happened. Parsing is a pure function of a file's bytes; only this process writes to SQLite
(writer.py), and every input ends as one outcome (outcomes.py).
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import logging
import os
import resource
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Callable, Iterable, Iterator, Optional, Sequence

from . import regions, shards, store
from . import template as T
from .agency import identify
from .checks import status_of
from .extract import BlankScan, ExtractError, ScannedPDF, extract, format_of, report_suffixes
from .extract.archive import empty_reason, members
from .inputs import Input, discover
from .model import Check, Metadata, ParsedReport, Tables
from .outcomes import Outcome, Parsed, Summary
from .parse import PARSER_VERSION, parse_report
from .review.files import CorrectionsFile
from .review.run import Run as CorrectionsRun
from .scanned import parse_extracted
from .workers import Lost, Workers
from .writer import Writer

__all__ = ["ingest", "parse_file", "Outcome", "Parsed", "Summary", "Job", "run_job"]

BATCH = 256  # files read ahead per batch…
BATCH_BYTES = 128 << 20  # …or fewer, when their bytes reach this: what is in flight stays bounded in bytes too
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
from .budget import MEMORY_LIMIT_MB, TIME_LIMIT  # noqa: E402 (defined there for the CLI, which imports this only to ingest)
MAX_FILE_BYTES = 512 << 20  # a larger file is not one annual report (scanned ones run to tens of MB)


@dataclass
class Job:
    """One input for a worker: a file, or an archive of reports."""

    path: str  # where to read it (the file system's name for it)
    shown: str  # its name as shown and stored
    # what is stored for it, and for each report inside it when it is an archive: shown path → (id, sha256, parser version)
    stored: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    force: bool = False  # parse it again even when it is unchanged
    ocr: bool = True  # read page images (scanned PDFs, image files) by OCR
    source_url: Optional[str] = None  # where the file was downloaded from
    # parts already lost, with what happened to them: -1 the whole file, k the k-th report of an archive
    poison: dict[int, str] = field(default_factory=dict)


def parse_file(path: str, data: bytes, sha256: str, ocr: bool = True, source_url: Optional[str] = None) -> Parsed:
    """Bytes of one file → the rows of its report and its outcome line, or the reason it is not a
    report. Never raises. (Only the rows go back to the writer: handing the parsed report itself
    across processes cost the writer more than a tenth of its time.)"""
    try:
        try:
            extracted = extract(path, data, ocr=ocr)
            report = parse_extracted(extracted)
        except ScannedPDF as e:
            extracted, report = None, scanned_report(path, sha256, e.message)
        except BlankScan as e:
            # pictures with no text on them: stored as an unread scan is, when the file name says whose
            # report of which year it is (that much is known of it); else the file fails with the reason
            extracted, report = None, scanned_report(path, sha256, e.message)
            if not (report.meta.agency_name and report.meta.year):
                raise
        agency, agency_checks = identify(report.meta, report.sections[0].body if report.sections else "")
        if extracted is not None and extracted.truncated:
            agency_checks.append(Check("text_truncated", "warning", TRUNCATED, location="reports"))
        if extracted is not None and extracted.damaged:
            agency_checks.append(Check("text_damaged", "warning", DAMAGED.format(n=extracted.damaged,
                                                                                 encoding=extracted.encoding),
                                       actual=str(extracted.damaged), location="reports"))
        if agency_checks:
            report.checks.extend(agency_checks)
            report.status = status_of(report.checks, report.status != "error")
        source = {
            "source_path": path, "source_url": source_url, "sha256": sha256,
            "source_format": extracted.source_format if extracted else format_of(path, data) or "pdf",
            "encoding": extracted and extracted.encoding, "parser_version": PARSER_VERSION,
            "provenance": _provenance(report, extracted and extracted.line_pages),
        }
        prepared = store.prepare(report, source, agency)
    except ExtractError as e:
        return Parsed(path, error=e.message)
    except MemoryError:
        return Parsed(path, error=out_of_memory())
    except Exception as e:  # a parser bug must not stop the batch; say what happened
        return Parsed(path, error=f"解析时出错（{type(e).__name__}: {e}）")
    return Parsed(path, prepared=prepared,
                  outcome=Outcome(path, "stored", report.status, _first_warning(report), report.id))


TRUNCATED = "文件在末尾被截断：最后一个字符不完整，已读到最后一个完整的字符为止，后面的内容可能缺失。"
DAMAGED = "文件中有 {n} 处字节无法按 {encoding} 解码（文件可能在下载或复制时损坏），已用 � 代替；那里的数字不会被读出。"


def out_of_memory() -> str:
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    cap = f"（每个解析进程 {limit >> 20} MB，可用 --memory-limit 调整）" if limit != resource.RLIM_INFINITY else ""
    return f"内存不足：读取该文件需要的内存超过了上限{cap}，已停止读取"


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


def run_job(job: Job, part: Callable[[int], None] = lambda k: None) -> list[Parsed]:
    """A worker's share of one input: read it, and parse it, or each report in it when it is an
    archive (calling ``part(k)`` as it starts on the k-th, which has a time limit of its own)."""
    lost = job.poison.get(-1)
    if lost:
        return [Parsed(job.shown, error=lost)]
    try:
        with open(job.path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_FILE_BYTES:
                return [Parsed(job.shown, error=f"文件过大（{size >> 20} MB，上限 {MAX_FILE_BYTES >> 20} MB），"
                                                "不像是一份年度报告")]
            data = f.read()  # (not read(n): that allocates n bytes first, whatever the file holds)
    except OSError as e:
        return [Parsed(job.shown, error=f"无法读取文件（{e.strerror or e}）")]
    except MemoryError:
        return [Parsed(job.shown, error=out_of_memory())]
    if format_of(job.shown, data) == "zip":
        return _run_archive(job, data, part)
    return [_run_one(job, job.shown, data)]


def _run_one(job: Job, shown: str, data: bytes) -> Parsed:
    sha = hashlib.sha256(data).hexdigest()
    stored = job.stored.get(shown)
    if stored and not job.force and stored[1] == sha and stored[2] == PARSER_VERSION:
        return Parsed(shown, outcome=Outcome(shown, "unchanged", report_id=stored[0]))
    parsed = parse_file(shown, data, sha, job.ocr, job.source_url)
    parsed.replaces = (stored[0],) if stored else ()
    return parsed


def _run_archive(job: Job, data: bytes, part: Callable[[int], None]) -> list[Parsed]:
    out: list[Parsed] = []
    try:
        found = members(job.shown, data, report_suffixes())
        for k in range(1 << 30):
            part(k)  # (before the member is unpacked: that is part of reading it)
            member = next(found, None)
            if member is None:
                break
            if k in job.poison:
                out.append(Parsed(member.path, error=job.poison[k]))
            elif member.skipped:
                out.append(Parsed(member.path, outcome=Outcome(member.path, "skipped", message=member.error)))
            elif member.error is not None:
                out.append(Parsed(member.path, error=member.error))
            else:
                out.append(_run_one(job, member.path, member.data))
    except ExtractError as e:
        out.append(Parsed(job.shown, error=e.message))
    except MemoryError:
        out.append(Parsed(job.shown, error=out_of_memory()))
    if not out:
        out.append(Parsed(job.shown, outcome=Outcome(job.shown, "skipped", message=empty_reason(data))))
    return out


def _quiet_libraries() -> None:
    """In a worker: the readers' own log lines (pdfminer's "Data-loss while decompressing corrupted
    data", say) are noise beside the one line a file gets; what went wrong is in that line."""
    for name in ("pdfminer", "pdfplumber", "PIL"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def lose(lost: Lost) -> Job:
    """The job to run instead of one whose worker was stopped: the part it was on marked as lost."""
    job: Job = lost.item
    return dataclasses.replace(job, poison={**job.poison, lost.part: lost.why})


LEAD_RULES = ("scanned_pdf", "report_incomplete", "table_missing")  # what a one-line summary of a report's problems leads with


def _first_warning(report: ParsedReport) -> str:
    serious = sorted((c for c in report.checks if c.severity in ("error", "warning")),
                     key=lambda c: LEAD_RULES.index(c.rule) if c.rule in LEAD_RULES else len(LEAD_RULES))
    if not serious:
        return ""
    more = f"（另有 {len(serious) - 1} 条）" if len(serious) > 1 else ""
    return serious[0].message + more


def ingest(paths: Iterable[str | Path], db_path: str | Path, *, force: bool = False, jobs: int = 0,
           ocr: bool = True, time_limit: Optional[float] = TIME_LIMIT, memory_limit: Optional[int] = MEMORY_LIMIT_MB,
           on_outcome: Optional[Callable[[Outcome], None]] = None,
           on_total: Optional[Callable[[int], None]] = None, keep_outcomes: bool = True,
           source_urls: Optional[dict[str, str]] = None, corrections: Sequence[CorrectionsFile] = (),
           shard: Optional[shards.Shard] = None) -> Summary:
    """Ingest files and folders into the database at db_path. Safe to re-run: unchanged files are skipped.

    Each file may take ``time_limit`` seconds of CPU time to read (each report inside an archive as
    much, and each page it recognises by OCR OCR_PAGE_SECONDS more), and each worker process
    ``memory_limit`` MB; a file over either fails alone (None: no limit).

    ``corrections``: files of corrections (gkreport.review.files) to copy into the database first;
    the corrections it holds are applied to each report as it is written, and to stored reports
    whose corrections changed.

    ``source_urls`` gives the web address a file was downloaded from (by the path as given), stored
    as its reports' ``source_url``; a zip's members take the zip's.

    ``shard``: only this share of the files (shards.py), into a database of its own, for ``merge``;
    ShardError before anything is read when the database holds another share or a whole ingest.

    Every input's outcome goes to ``on_outcome`` as it is known (a stored report's once it is
    committed), and is kept in the summary unless ``keep_outcomes`` is False (for runs over more
    files than are worth holding in memory). A database that can't be opened or prepared raises
    sqlite3.Error (store.explain says why); one that fails later stops the run with every input
    still accounted for (``Summary.stopped``)."""
    summary = Summary(keep_outcomes=keep_outcomes)

    def done(o: Outcome) -> None:
        summary.add(o)
        if on_outcome:
            on_outcome(o)

    inputs = list(discover(paths))
    conn = None
    if shard:  # the share is taken from the whole input as given, skipped files included
        conn = store.open_connection(db_path)
        try:
            shards.check_target(conn, shard, db_path)
        except shards.ShardError:
            conn.close()
            raise
        names = [i.shown for i in inputs]
        taken = shards.select(names, shard)
        shards.record(conn, shard, names, taken)
        inputs = [inputs[i] for i in taken]
    if on_total:
        on_total(len(inputs))
    files: list[Input] = []
    for item in inputs:
        if item.status:
            done(Outcome(item.shown, item.status, message=item.message))
        else:
            files.append(item)
    if not files:  # nothing to read: the database is left as it is (or not made at all)
        if conn is not None:  # a share with no files is a share all the same, ready to merge
            store.ensure_db_shape(store.database(conn))
            shards.finished(conn)
            conn.close()
        return summary
    if conn is None:
        conn = store.open_connection(db_path)
        try:
            shards.check_target(conn, None, db_path)  # a share's database takes no whole ingest
        except shards.ShardError:
            conn.close()
            raise
    workers = jobs or (min(os.cpu_count() or 1, 4) if len(files) >= 64 else 1)
    regions.load()  # before the fork, so that the workers share it
    # what is loaded so far (modules, the gazetteer) lives as long as the process: frozen, it is left
    # out of the collector's passes, which the rows handed to the writer set off (they took 3.3% of
    # the writer's time, 2.1% once frozen)
    gc.freeze()
    pool = Workers(workers, run_job, lost=lose, time_limit=time_limit, memory_limit_mb=memory_limit,
                   nice=WORKER_NICE, setup=_quiet_libraries)
    writer: Optional[Writer] = None

    def read(start: int, stop: int) -> list[Job]:
        try:
            return [Job(f.path, f.shown, store.stored_versions(conn, f.shown), force, ocr,
                        source_urls.get(f.shown) if source_urls else None) for f in files[start:stop]]
        except sqlite3.Error as e:
            if writer is None:
                raise  # the database can't be read before anything is written: it can't be used
            writer.fail(e)
            _not_read([(start, stop)], files, writer.stopped, done)
            return []

    def write(results: Iterable[list[Parsed]], tail: bool) -> None:
        writer.write(p for parsed in results for p in parsed)
        # the first batch is committed at once, so that a stopped run keeps it. So is each batch of
        # the tail: a commit writes the search rows still waiting and the pages changed since the
        # last one, and done while the workers parse the next batch, neither is left for the end,
        # when the workers are idle (0.4 s at 2,000 reports, a tenth of the run)
        if writer.committed_at is None or tail or time.monotonic() - writer.committed_at > COMMIT_EVERY:
            writer.commit()

    def submitted() -> Iterator[tuple[Iterator[list[Parsed]], bool]]:
        sizes = [f.size for f in files]
        bounds = list(batch_bounds(sizes))
        tail = tail_start(bounds, sizes)
        for n, (start, stop) in enumerate(bounds[:tail]):
            if writer is not None and writer.stopped:
                _not_read(bounds[n:], files, writer.stopped, done)
                return
            yield pool.map(read(start, stop)), False
        if writer is not None and writer.stopped:
            _not_read(bounds[tail:], files, writer.stopped, done)
            return
        # the batches of the tail (fewer than 2 × BATCH files) go to the workers all at once, so
        # that they parse on to the end while the writer commits each of them
        yield from [(pool.map(read(start, stop)), True) for start, stop in bounds[tail:]]

    db, deferred, corrected, completed = None, False, None, False
    try:
        batches = submitted()
        # the workers start on the first batch while this process loads sqlite-utils and readies the
        # database: a fifth of a second that would otherwise leave a core idle
        parsing = next(batches, None)
        db = store.database(conn)
        store.ensure_db_shape(db)
        corrected = CorrectionsRun(db, corrections)
        deferred = store.defer_indexes(db)
        with Writer(db, done, after_write=corrected.after_write) as writer:
            for started in batches:
                # the workers start on the next batch before this one is written, so that they are
                # not idle while the writer writes
                write(*parsing)
                parsing = started
            if parsing is not None:
                write(*parsing)
        summary.stopped = writer.stopped
        completed = not writer.stopped
    except BaseException:
        pool.close(now=True)  # (interrupted: what the workers hold is not wanted)
        raise
    finally:
        pool.close()
        # after a failure too: what was committed gets its indexes, cross-year checks and summaries
        if db is not None:
            try:
                if corrected:
                    corrected.finish()  # (a change it makes counts as a change of the reports: summaries.touch)
                summary.corrections = corrected.lines if corrected else []
                store.finish(db, build_indexes=deferred)
            except sqlite3.Error as e:
                summary.unfinished = store.explain(e)
            if shard and completed:
                shards.finished(conn)
        conn.close()
        gc.unfreeze()
    return summary


def _not_read(bounds: list[tuple[int, int]], files: list[Input], why: str, done: Callable[[Outcome], None]) -> None:
    """The files of batches a stopped run will not read: each says so."""
    for start, stop in bounds:
        for f in files[start:stop]:
            done(Outcome(f.shown, "failed", message=f"未处理：{why}"))


def batch_bounds(sizes: list[int]) -> Iterator[tuple[int, int]]:
    """Where the batches of files of these sizes start and stop: BATCH files each (or fewer, up to
    BATCH_BYTES), then halving down to TAIL."""
    n, start = len(sizes), 0
    while start < n:
        left = n - start
        count = BATCH if left >= 2 * BATCH else max(TAIL, left // 2)
        stop, total = start + 1, sizes[start]
        while stop < n and stop - start < count and total + sizes[stop] <= BATCH_BYTES:
            total += sizes[stop]
            stop += 1
        yield start, stop
        start = stop


def tail_start(bounds: list[tuple[int, int]], sizes: list[int]) -> int:
    """The first batch of the tail: where fewer than 2 × BATCH files, of at most 2 × BATCH_BYTES, are left."""
    left = sum(sizes)
    for i, (start, stop) in enumerate(bounds):
        if len(sizes) - start < 2 * BATCH and left <= 2 * BATCH_BYTES:
            return i
        left -= sum(sizes[start:stop])
    return len(bounds)
