"""National scale: N synthetic reports built as one database and as K shares merged; its size; the
site's start-up; p50/p95 of every kind of page on it.

Usage:
  python bench/scale.py build N [--shards K] [--jobs J] [--compare] [--single] [--keep-shares]
                             [--shards 0 --minutes M]
  python bench/scale.py pages N [--repeat R]       (or --db FILE instead of N)
  python bench/scale.py N                          (build, then pages)

The reports are bench/site.py's synthetic ones (agencies, years and regions from gkreport.regions,
values that satisfy the arithmetic checks, a tenth damaged and flagged, narrative recombined from
the sample reports), each made from its own number alone, so that any share of them can be made
apart from the others. They are made and turned into the rows to write in J worker processes
and written by one writer through store.Batch, as `gkreport ingest` parses in workers and writes
in one process; each share records its files as `ingest --shard` does, and the shares are
combined by `gkreport merge`'s own code. Times are wall-clock on this machine, which is shared:
the load average is printed beside them.

build: the shares, one after the other, each with J workers (on K machines the sharded build
takes the longest share plus the merge), then the merge into bench/out/scale-N.db (--shards 0:
a single build into that file instead); with
--single, a single build of all N as well (timed, then compared with --compare, then deleted:
the two files together may not fit on the disk); --keep-shares keeps the shares' files. With
--shards 0 --minutes M, the single build stops writing after M minutes and finishes the database
with the reports written so far, as bench/out/scale-<reports written>.db: the largest size
this machine builds in that time.

pages: `gkreport serve` started twice (the first start counts the tables' rows into the
.inspect.json file beside the database; the second reads it), then every canned query, table
pages with their facets, searches, report pages, agency pages, the overview and questions to
/-/ask.json, each requested after one warm-up through the real Datasette app (in-process).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gkreport import merge as merging, shards, store  # noqa: E402
from gkreport.workers import Workers  # noqa: E402

OUT = ROOT / "bench" / "out"
TARGET_MS = 500
STARTUP_TARGET_S = 2.0


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SITE = _module("site")
_MADE: dict = {}


def source_path(i: int) -> str:
    return f"synthetic/{i:08d}.txt"


def _prepared(i: int) -> store.Prepared:
    """Report number i, as the rows to write (in a worker)."""
    if not _MADE:
        _MADE.update(places=SITE.places(), text=SITE.sentences())
    report, source, agency = SITE.synthetic(i, random.Random(i), _MADE["places"], _MADE["text"])
    source["source_path"] = source_path(i)
    return store.prepare(report, source, agency)


def _prepared_in_worker(i: int, _part) -> store.Prepared:
    return _prepared(i)


def _lost(lost) -> None:
    raise RuntimeError(f"synthetic report {lost.item} lost: {lost.why}")


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def write_db(path: Path, numbers: list[int], jobs: int, shard: shards.Shard | None = None, n: int = 0,
             minutes: float = 0) -> tuple[float, int]:
    """Reports ``numbers`` written into a new database at path, as an ingest writes them; seconds taken
    and reports written. With ``minutes``, writing stops at the first thousand after that time and
    the database is finished with the reports written so far (the first of ``numbers``)."""
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    start = time.perf_counter()
    conn = store.open_connection(path)
    if shard:
        shards.record(conn, shard, [source_path(i) for i in range(n)], numbers)
    db = store.database(conn)
    store.ensure_db_shape(db)
    deferred = store.defer_indexes(db)
    _prepared(0)  # the gazetteer and the sentences, before the fork
    pool = (Workers(jobs, _prepared_in_worker, lost=_lost, time_limit=None, memory_limit_mb=None)
            if jobs > 1 else None)
    committed = time.monotonic()
    stop = committed + minutes * 60 if minutes else None
    written = 0

    def submit(at: int):
        chunk = numbers[at:at + 1024]
        return pool.map(chunk) if pool else map(_prepared, chunk)

    writer = store.Batch(db)
    writer.begin()
    made = submit(0)
    for at in range(0, len(numbers), 1024):
        following = submit(at + 1024) if at + 1024 < len(numbers) else iter(())  # the workers go on meanwhile
        while group := list(islice(made, 32)):
            with writer.group():
                for prepared in group:
                    writer.write(prepared, atomic=False)
            written += len(group)
            if len(writer.pending) >= writer.SEARCH_EVERY:
                writer.flush_search()
        made = following
        if stop and time.monotonic() > stop:
            print(f"  time budget of {minutes:g} min spent: {written:,} reports written; {load()}", flush=True)
            break
        if time.monotonic() - committed > 5:
            writer.commit()
            committed = time.monotonic()
    writer.commit(again=False)
    if pool:
        pool.close()
    wrote = time.perf_counter() - start
    store.finish(db, build_indexes=deferred)
    print(f"  written in {wrote:.0f} s, finished (indexes, search index, summaries) in "
          f"{time.perf_counter() - start - wrote:.0f} s; {load()}", flush=True)
    if shard:
        shards.finished(conn)
    conn.close()
    return time.perf_counter() - start, written


def build(n: int, k: int, jobs: int, compare: bool, single: bool, keep_shares: bool, minutes: float = 0) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    merged = OUT / f"scale-{n}.db"
    if k == 0:  # a single build only, into scale-N.db
        print(f"N = {n:,} synthetic reports, built whole with {jobs} processes; {load()}", flush=True)
        t, written = write_db(merged, list(range(n)), jobs, minutes=minutes)
        if written < n:  # the time budget ran out: the database holds the first `written` reports
            n, merged = written, merged.rename(OUT / f"scale-{written}.db")
        size = merged.stat().st_size
        print(f"  single build: {n:,} reports in {t:.0f} s ({n / t:.0f}/s); database {size / 1e9:.2f} GB "
              f"({size / n / 1e3:.1f} kB a report); {load()}", flush=True)
        return merged
    print(f"N = {n:,} synthetic reports, {k} shares, {jobs} processes each; {load()}", flush=True)
    paths = [source_path(i) for i in range(n)]
    shard_files, times = [], []
    for s in range(1, k + 1):
        share = shards.Shard(s, k)
        numbers = shards.select(paths, share)
        f = OUT / f"scale-{n}-share-{s}-of-{k}.db"
        times.append(write_db(f, numbers, jobs, share, n)[0])
        shard_files.append(f)
        print(f"  share {share}: {len(numbers):,} reports in {times[-1]:.0f} s ({len(numbers) / times[-1]:.0f}/s), "
              f"{f.stat().st_size / 1e9:.2f} GB; {load()}", flush=True)
    for leftover in OUT.glob(merged.name + "*"):
        leftover.unlink()
    start = time.perf_counter()
    summary = merging.merge(merged, shard_files)
    merge_s = time.perf_counter() - start
    size = merged.stat().st_size
    print(f"  merge: {summary.reports:,} reports in {merge_s:.0f} s ({summary.reports / merge_s:.0f}/s); {load()}")
    print(f"  sharded build: longest share {max(times):.0f} s + merge {merge_s:.0f} s = {max(times) + merge_s:.0f} s "
          f"on {k} machines; all shares one after the other {sum(times):.0f} s + merge = {sum(times) + merge_s:.0f} s here")
    print(f"  database: {size / 1e9:.2f} GB ({size / n / 1e3:.1f} kB a report)", flush=True)
    if not keep_shares:
        for f in shard_files:
            f.unlink()
    if single:
        whole = OUT / f"scale-{n}-single.db"
        t = write_db(whole, list(range(n)), jobs)[0]
        print(f"  single build: {t:.0f} s ({n / t:.0f}/s), {whole.stat().st_size / 1e9:.2f} GB; {load()}", flush=True)
        if compare:
            sys.path.insert(0, str(ROOT / "tests"))
            from dbcompare import differences

            start = time.perf_counter()
            diff = differences(whole, merged)
            print(f"  merged against single, every table row for row ({time.perf_counter() - start:.0f} s): "
                  f"{'the same' if not diff else 'DIFFERENT: ' + '; '.join(diff[:5])}", flush=True)
        whole.unlink()
    return merged


# -- pages ---------------------------------------------------------------------------------------

def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def startup(db: Path) -> list[tuple[str, float, float]]:
    """Seconds from starting `gkreport serve` until its home page answers, and the CPU time the server
    used meanwhile (on a loaded machine the wall-clock time is mostly waiting for a core; the CPU time
    is what a quiet machine would take, less the reading of files): the first start after a build
    (counts rows, writes .inspect.json), then a start that finds that file."""
    import httpx

    out = []
    Path(str(db) + ".inspect.json").unlink(missing_ok=True)
    for label in ("first start (counts rows into .inspect.json)", "start with .inspect.json"):
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "gkreport.cli", "serve", "--db", str(db), "--port", "0"],
                                stderr=subprocess.PIPE, text=True)
        try:
            url = None
            for line in proc.stderr:
                m = re.search(r"网站：(\S+)", line)
                if m:
                    url = m.group(1)
                    break
            while True:
                try:
                    if httpx.get(url, timeout=30).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.02)
            out.append((label, time.perf_counter() - start, _cpu_seconds(proc.pid)))
        finally:
            proc.terminate()
            proc.wait()
    return out


def page_list(db: Path) -> list[tuple[str, str, str]]:
    """(kind, label, path) of every page to time."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rnd = random.Random(5)
    last = conn.execute("select max(rowid) from reports").fetchone()[0]
    reports = [conn.execute("select id from reports where rowid >= ? limit 1", [rnd.randint(1, last)]).fetchone()[0]
               for _ in range(10)]
    busiest = conn.execute("select agency_id from report_figures indexed by idx_report_figures_agency_id_year "
                           "group by agency_id order by count(*) desc limit 1").fetchone()[0]
    n_agencies = conn.execute("select max(rowid) from agencies").fetchone()[0]
    agencies = [busiest] + [conn.execute("select id from agencies where rowid >= ? limit 1",
                                         [rnd.randint(1, n_agencies)]).fetchone()[0] for _ in range(9)]
    year = conn.execute("select max(year) from reports").fetchone()[0]
    conn.close()
    queries = SITE.load_metadata()["databases"]["gkreport"]["queries"]
    out = [("canned query", name, f"/gkreport/{name}") for name in queries]
    out += [("canned query", f"{name} (JSON)", f"/gkreport/{name}.json?_shape=array") for name in queries]
    province = "%E5%B9%BF%E4%B8%9C%E7%9C%81"  # 广东省
    out += [("table page with facets", t, f"/gkreport/{t}") for t in
            ("reports", "agencies", "checks", "report_figures", "region_totals", "request_totals", "active_disclosure",
             "request_stats", "appeal_stats", "sections", "regions")]
    out += [("table page with facets", "reports?province=广东省", f"/gkreport/reports?province={province}"),
            ("table page with facets", f"reports?province=广东省&year={year}",
             f"/gkreport/reports?province={province}&year={year}"),
            ("table page with facets", "checks?rule=t3_received_eq_processed",
             "/gkreport/checks?rule=t3_received_eq_processed"),
            ("table page with facets", "reports (JSON, facets)", "/gkreport/reports.json?_facet=year&_facet=province"),
            ("table page with facets", "reports sorted by agency_name", "/gkreport/reports?_sort=agency_name")]
    for term in ("疫情", "培训", "政策解读", "公开", "依申请公开"):
        out += [("search", f"sections?_search={term}", f"/gkreport/sections?_search={term}"),
                ("search", f"search_narrative?q={term}", f"/gkreport/search_narrative?q={term}")]
    out += [("search", "search (JSON): 培训", "/gkreport/sections.json?_search=培训&_shape=array")]
    out += [("report page", rid, f"/report/{rid}") for rid in reports]
    out += [("report page", f"{rid} (JSON)", f"/report/{rid}.json") for rid in reports[:3]]
    out += [("agency page", aid, f"/-/agency/{aid}") for aid in agencies]
    out += [("agency page", f"{agencies[0]} (JSON)", f"/-/agency/{agencies[0]}.json")]
    out += [("overview", "/-/overview", "/-/overview"), ("overview", "/-/overview.json", "/-/overview.json"),
            ("home and database pages", "/", "/"), ("home and database pages", "/gkreport", "/gkreport")]
    asked = _module("ask").questions(db)
    out += [("ask", q, "/-/ask.json?q=" + q) for q in asked]
    return out


async def time_pages(db: Path, repeat: int) -> list[tuple[str, str, float, float, int, str]]:
    from gkreport.site import build as build_site

    ds = build_site(db)
    start = time.perf_counter()
    await ds.client.get("/")
    first = (time.perf_counter() - start) * 1000
    print(f"  first request after build(): {first:.0f} ms", flush=True)
    # the question box builds its names index in a thread at start-up: wait for it, then time questions
    await ds.client.get("/-/ask.json", params={"q": "哪一年收到的申请最多？"})
    out = []
    for kind, label, path in page_list(db):
        await ds.client.get(path)
        times, status, note = [], 0, ""
        for _ in range(repeat):
            t = time.perf_counter()
            r = await ds.client.get(path)
            times.append((time.perf_counter() - t) * 1000)
            status = r.status_code
        if path.startswith("/gkreport/") and ".json" not in path.split("?")[0] and kind == "table page with facets":
            facets = await ds.client.get(path.replace(path.split("?")[0], path.split("?")[0] + ".json"))
            timed_out = facets.json().get("facets_timed_out") if facets.status_code == 200 else None
            note = f"facets timed out: {timed_out}" if timed_out else ""
        if kind == "ask" and status == 200:
            note = r.json().get("status", "")
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        out.append((kind, label, statistics.median(times), p95, status, note))
        print(f"  {kind:24} {label[:50]:52} {statistics.median(times):8.1f} {p95:8.1f}  {status} {note}"
              f"{'  ← over ' + str(TARGET_MS) + ' ms' if p95 > TARGET_MS else ''}", flush=True)
    return out


def pages(db: Path, repeat: int) -> None:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    n = conn.execute("select count(*) from reports").fetchone()[0]
    conn.close()
    print(f"\n{db.name}: {n:,} reports, {db.stat().st_size / 1e9:.2f} GB; {load()}")
    for label, s, cpu in startup(db):
        print(f"  start-up, {label}: {s:.2f} s (the server's CPU time {cpu:.2f} s)"
              f"{'  ← over 2 s' if s > STARTUP_TARGET_S else ''}; {load()}", flush=True)
    print(f"  ms over {repeat} requests each (after one warm-up); p50 p95")
    results = asyncio.run(time_pages(db, repeat))
    print(f"\nby kind of page (the worst page of each kind); {load()}")
    for kind in dict.fromkeys(r[0] for r in results):
        rows = [r for r in results if r[0] == kind]
        worst = max(rows, key=lambda r: r[3])
        print(f"  {kind:24} {len(rows):3} pages  p50 of medians {statistics.median(r[2] for r in rows):7.1f}  "
              f"worst p95 {worst[3]:7.1f} ({worst[1][:40]})")
    over = [r for r in results if r[3] > TARGET_MS]
    errors = [r for r in results if r[4] >= 400]
    print(f"pages over {TARGET_MS} ms at p95: {len(over)}; answers of 400 or more: {len(errors)}")
    print(json.dumps({"over": [r[1] for r in over], "errors": [(r[1], r[4]) for r in errors]}, ensure_ascii=False))


def main(args: list[str]) -> None:
    def option(name: str, default):
        if name in args:
            at = args.index(name)
            value = args[at + 1]
            del args[at:at + 2]
            return type(default)(value) if default is not None else value
        return default

    def flag(name: str) -> bool:
        if name in args:
            args.remove(name)
            return True
        return False

    k, jobs, repeat = option("--shards", 4), option("--jobs", 2), option("--repeat", 20)
    minutes = option("--minutes", 0.0)
    db = option("--db", None)
    compare, single, keep = flag("--compare"), flag("--single"), flag("--keep-shares")
    command = args.pop(0) if args and args[0] in ("build", "pages") else "both"
    if db:
        pages(Path(db), repeat)
        return
    n = int(args[0])
    path = OUT / f"scale-{n}.db"
    if command in ("build", "both"):
        path = build(n, k, jobs, compare, single, keep, minutes)
    if command in ("pages", "both"):
        pages(path, repeat)


if __name__ == "__main__":
    main(sys.argv[1:])
