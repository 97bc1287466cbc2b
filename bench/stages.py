"""Where an ingest spends its CPU: milliseconds per report for each stage, in one process.

Usage: python bench/stages.py [N]   (default 1000 varied copies of the sample reports, as bench/ingest.py makes)
Stages of the parser are timed by wrapping the functions parse_report calls; the rest
(row building, the worker→writer hand-over, the writes and the search index) are timed
around the calls ingest.py makes. CPU time, so the figures hold on a busy machine too.
"""

from __future__ import annotations

import collections
import pickle
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import make_copies  # noqa: E402  (the same copies the ingest benchmark times)

import gkreport.parse as parse  # noqa: E402
from gkreport import ingest, store  # noqa: E402
from gkreport.writer import Writer  # noqa: E402

PARSE_STAGES = ["clean", "find_headings", "_regions", "rows_from_lines", "split_sections", "read_metadata",
                "detect_table2_format", "read_table2", "read_table3", "read_table4", "arithmetic_checks",
                "narrative_checks", "completeness_checks", "report_id"]
spent: collections.Counter = collections.Counter()


def timed(module, name: str) -> None:
    fn = getattr(module, name)

    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - start

    setattr(module, name, wrapper)


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "in").mkdir()
        make_copies(tmp / "in", n)
        jobs = [ingest.Job(str(f), str(f)) for f in sorted((tmp / "in").rglob("*.txt"))]
        for name in PARSE_STAGES:
            timed(parse, name)
        for name in ("extract", "parse_report", "identify"):
            timed(ingest, name)
        timed(store, "prepare")
        for job in jobs[:20]:  # warm the caches a long run keeps warm
            ingest.run_job(job)
        spent.clear()

        start = time.process_time()
        parsed = [p for job in jobs for p in ingest.run_job(job)]  # (each worker reads its files itself)
        spent["worker total"] = time.process_time() - start
        start = time.process_time()
        blobs = [pickle.dumps(p) for p in parsed]
        spent["hand-over: pickle"] = time.process_time() - start
        start = time.process_time()
        parsed = [pickle.loads(b) for b in blobs]
        spent["hand-over: unpickle"] = time.process_time() - start

        db = store.connect(tmp / "bench.db")
        store.ensure_db_shape(db)
        deferred = store.defer_indexes(db)  # as ingest does on a new database
        timed(store.Batch, "flush_search")
        start = time.process_time()
        with Writer(db, lambda outcome: None) as writer:  # one transaction, the search index written as ingest writes it
            writer.write(parsed)
        spent["writer total"] = time.process_time() - start
        start = time.process_time()
        store.finish(db, build_indexes=deferred)
        spent["finish (indexes, summaries)"] = time.process_time() - start

    print(f"N={n}, CPU milliseconds per report (hand-over bytes {sum(map(len, blobs)) / n / 1024:.1f} kB/report)")
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        label = {"flush_search": "writer: search index"}.get(name, name)
        print(f"  {label:28} {seconds / n * 1e3:7.3f}")
    total = spent["worker total"] + spent["hand-over: pickle"] + spent["hand-over: unpickle"] + \
        spent["writer total"] + spent["finish (indexes, summaries)"]
    print(f"  {'all':28} {total / n * 1e3:7.3f}   → at most {2 / total * n:.0f} reports/s on 2 cores")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
