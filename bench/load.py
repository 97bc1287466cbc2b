"""The site under load, normal and hostile: what an ordinary visitor waits for.

Usage: python bench/load.py [N] [--seconds S]   (default: 10000 reports, 20 s a phase)

Runs `gkreport serve` on 127.0.0.1 (a free port; nothing leaves the machine) over N synthetic
reports (bench/site.py builds and keeps them in bench/out/), then two phases of S seconds each:

- normal: 4 visitors, each reading the pages people read (home, tables, questions, a report, an
  agency, a search) with half a second between pages;
- hostile: 4 clients looping the worst requests found (custom SQL that runs to the time limit,
  `printf` and LIKE bombs, gk_snippet on a generated 4 MB text, a full-text prefix that matches
  everything, a self-join of table 3, a CSV stream, facets of every report, rankings through
  /-/ask.json), while one visitor reads pages as above.

Each client is its own address (X-Forwarded-For, which the server trusts from 127.0.0.1 only,
as from a reverse proxy). Prints p50/p99 in milliseconds, the errors (5xx or no answer) and the
refusals (429/503) of each phase. Every request has a timeout; the whole run is bounded.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import quote, unquote

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 60


def sql(query: str) -> str:
    return "/gkreport.json?_shape=array&sql=" + quote(query)


def visitor_pages(report_id: str, agency_id: str) -> list[str]:
    return ["/", "/gkreport/reports?_sort_desc=year", "/gkreport/requests_by_agency",
            f"/report/{report_id}", f"/-/agency/{agency_id}", "/gkreport/refusal_reasons_by_year",
            "/gkreport/search_narrative?q=" + quote("政策解读"), "/gkreport/reports.json?_shape=array&_size=20",
            "/-/overview", "/gkreport/sections?_search=" + quote("疫情")]


LONG_WORD = "的" * 47 + "x"
HOSTILE = [
    sql("with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"),
    sql("select count(*) from request_stats a join request_stats b on a.row_key = b.row_key"),
    sql("select printf('%.*c', 2e9, 'x')"),
    sql("select count(*) from sections where body like '%' || printf('%.*c', 140, '_') || 'x'"),
    sql(f"select gk_snippet(replace(hex(zeroblob(500000)), '0', '的 ') || x, '{LONG_WORD}') from "
        "(with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000) select x from c)"),
    sql("select count(*) from sections_fts where sections_fts match '\"的\"*'"),
    sql("select length(group_concat(body)) from sections"),
    "/gkreport/request_stats.csv?_stream=on&_size=max",
    "/gkreport/request_stats?_facet=report_id&_facet=row_key",
    "/gkreport/sections?_search=" + quote("的"),
    "/-/ask.json?q=" + quote("各机关历年收到的申请数排名"),
]


def fetch(url: str, address: str) -> tuple[int, float]:
    request = urllib.request.Request(url, headers={"X-Forwarded-For": address})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as r:
            while r.read(1 << 16):
                pass
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    except OSError:
        status = 0  # no answer in time, or the connection dropped
    return status, (time.perf_counter() - start) * 1000


class Clients:
    """Threads looping over paths until a deadline; each records (status, ms) of every request."""

    def __init__(self, base: str):
        self.base, self.results, self.threads, self.by_path = base, {}, [], {}

    def start(self, name: str, address: str, paths: list[str], until: float, pause: float = 0.0) -> None:
        out = self.results.setdefault(name, [])

        def loop():
            i = 0
            while time.monotonic() < until:
                path = paths[i % len(paths)]
                status, ms = fetch(self.base + path, address)
                out.append((status, ms))
                self.by_path.setdefault(path, []).append((status, ms))
                i += 1
                time.sleep(pause)

        t = threading.Thread(target=loop, daemon=True)
        t.start()
        self.threads.append(t)

    def join(self) -> None:
        for t in self.threads:
            t.join(TIMEOUT_S + 5)


def line(label: str, results: list[tuple[int, float]]) -> str:
    times = sorted(ms for _, ms in results) or [0.0]
    statuses = Counter(s for s, _ in results)
    errors = sum(n for s, n in statuses.items() if s == 0 or s >= 500 and s != 503)
    refused = statuses[429] + statuses[503]
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return (f"{label:44} {len(results):6d} {statistics.median(times):8.0f} {p99:8.0f} {errors:7d} {refused:8d}"
            f"   {dict(sorted(statuses.items()))}")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("n", nargs="?", type=int, default=10000)
    args.add_argument("--seconds", type=float, default=20)
    a = args.parse_args()
    sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]
    from charts import build_db
    from test_site import start_server

    db = build_db(a.n)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    report_id, agency_id = conn.execute("select id, agency_id from reports limit 1 offset 77").fetchone()
    conn.close()
    pages = visitor_pages(report_id, agency_id)
    proc, base = start_server(Path(tempfile.mkdtemp()), str(db))
    try:
        for path in pages:
            fetch(base + path, "10.0.0.1")  # warm up: start-up hooks, the question box's names index
        print(f"N = {a.n:,} reports, {a.seconds:.0f} s a phase, on {base} (timings on a shared machine are noisy)")
        print(f"{'':44} {'reqs':>6} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'refused':>8}   statuses")

        clients = Clients(base)
        until = time.monotonic() + a.seconds
        for i in range(4):
            clients.start(f"visitor {i}", f"10.0.1.{i + 1}", pages[i:] + pages[:i], until, pause=0.5)
        clients.join()
        normal = [r for rs in clients.results.values() for r in rs]
        print(line("normal mix: 4 visitors", normal), flush=True)

        clients = Clients(base)
        until = time.monotonic() + a.seconds
        for i in range(4):
            clients.start(f"hostile {i}", f"10.0.2.{i + 1}", HOSTILE[i * 3:] + HOSTILE[:i * 3], until)
        clients.start("visitor", "10.0.3.1", pages, until, pause=0.5)
        clients.join()
        hostile = [r for name, rs in clients.results.items() if name.startswith("hostile") for r in rs]
        print(line("hostile mix: the 4 hostile clients", hostile))
        print(line("hostile mix: an ordinary visitor meanwhile", clients.results["visitor"]), flush=True)
        print("\nhostile requests, each:")
        for path in HOSTILE:
            print(line("  " + unquote(path.split("sql=")[-1])[:42], clients.by_path.get(path, [])))
    finally:
        proc.terminate()  # the server waits for the connections still open (a CSV stream) …
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()  # … for ten seconds
            proc.wait()


if __name__ == "__main__":
    main()
