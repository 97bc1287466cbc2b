"""Latency of the chart pages at scale: the agency page, the year overview and the embeds, with the JSON
their charts fetch; optionally the whole page in headless Chromium until every chart has drawn.

Usage: python bench/charts.py [--browser] [N ...]   (default: 100000)

Uses the synthetic databases of bench/site.py (bench/out/site-N.db, built there if missing).
Prints p50/p95 in milliseconds over REPEAT requests through the real Datasette app; with
--browser, `gkreport serve` on the database and the time from navigation until every chart on the
page has drawn (data-ready), in Debian's Chromium.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gkreport.site import build  # noqa: E402
from synthetic import bench_site  # noqa: E402  (bench/ is on the path: these are scripts in it)


def build_db(n: int) -> Path:
    """bench/site.py's database of n synthetic reports."""
    return bench_site().build_db(n)

REPEAT = 15


async def busiest_agency(ds) -> str:
    db = ds.get_database("gkreport")
    return (await db.execute("select agency_id from report_figures group by agency_id "
                             "order by count(*) desc limit 1")).first()[0]


def pages(agency: str) -> list[tuple[str, str]]:
    return [
        ("agency page (HTML)", f"/-/agency/{agency}"),
        ("agency charts' JSON: chart_agency", f"/gkreport/chart_agency.json?_shape=array&_size=max&agency_id={agency}"),
        ("year overview (HTML)", "/-/overview"),
        ("overview JSON: chart_years", "/gkreport/chart_years.json?_shape=array&_size=max"),
        ("overview JSON: refusal_reasons_by_year", "/gkreport/refusal_reasons_by_year.json?_shape=array&_size=max"),
        ("overview JSON: chart_top_regions", "/gkreport/chart_top_regions.json?_shape=array&_size=max"),
        ("embed: agency", f"/-/embed/agency/{agency}"),
        ("embed: chart year_totals", "/-/embed/chart/year_totals"),
        ("question page with chart: grant_rate_by_region", "/gkreport/grant_rate_by_region"),
        ("question page with chart: correction_rate", "/gkreport/correction_rate"),
    ]


async def measure(db: Path) -> tuple[str, list[tuple[str, float, float, int]]]:
    ds = build(db)
    agency = await busiest_agency(ds)
    return agency, await bench_site().time_pages(ds, pages(agency))


def browser_times(db: Path, agency: str) -> list[tuple[str, float]]:
    """Navigation → every chart drawn, in Chromium against `gkreport serve`: median and worst of 7 loads
    after one warm-up load (the server's first request runs its start-up hooks)."""
    import tempfile

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from test_site import start_server

    proc, url = start_server(Path(tempfile.mkdtemp()), str(db))
    out = []
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = b.new_page()
            for label, path, count in [("agency page, 3 charts", f"/-/agency/{agency}", 3),
                                       ("year overview, 3 charts", "/-/overview", 3)]:
                times = []
                for i in range(8):
                    start = time.perf_counter()
                    page.goto(url + path)
                    page.wait_for_function(f"document.querySelectorAll('.gk-chart[data-ready=\"1\"]').length === {count}")
                    if i:
                        times.append((time.perf_counter() - start) * 1000)
                out.append((label, statistics.median(times), max(times)))
            b.close()
    finally:
        proc.terminate()
        proc.wait(10)
    return out


def main(args: list[str]) -> None:
    browser = "--browser" in args
    for n in [int(a) for a in args if a.isdigit()] or [100000]:
        db = build_db(n)
        agency, results = asyncio.run(measure(db))
        print(f"\nN = {n:,} reports — ms over {REPEAT} requests each (agency {agency})")
        print(f"{'page':52} {'p50':>7} {'p95':>7}  status")
        for label, p50, p95, status in results:
            print(f"{label:52} {p50:7.1f} {p95:7.1f}  {status}{'' if p95 < 300 else '  ← over 300 ms'}", flush=True)
        if browser:
            print("\nin Chromium, navigation until every chart has drawn (ms, median / worst of 7)")
            for label, median, worst in browser_times(db, agency):
                print(f"{label:52} {median:7.1f} {worst:7.1f}{'' if worst < 1000 else '  ← over 1 s'}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
