"""Latency of the public site at scale: every canned query, a table page with facets, and searches.

Usage: python bench/site.py [N ...]   (default: 10000 100000)

Builds a database of N synthetic reports written through gkreport.store (the same path as
ingest, search index included), with varied agencies, years and regions from
gkreport.regions and values that satisfy the arithmetic checks (a tenth are damaged and
flagged), then requests each page repeatedly through the real Datasette app and prints
p50/p95 in milliseconds. Databases are kept in bench/out/ and reused.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gkreport import store, template as T  # noqa: E402
from gkreport.model import ActiveCell, Check, Metadata, ParsedReport, Section, Tables  # noqa: E402
from gkreport.regions import region_rows  # noqa: E402
from gkreport.site import build, load_metadata  # noqa: E402

CACHE = ROOT / "bench" / "out"
SEEDS = sorted((ROOT / "data" / "reports").glob("*.txt"))
REPEAT = 15
KINDS = [("人民政府", "government"), ("人民政府办公室", "general_office"), ("教育局", "department"),
         ("公安局", "department"), ("自然资源局", "department"), ("市场监督管理局", "department")]


def sentences() -> dict[int, list[str]]:
    """Narrative sentences of the sample reports by section, to recombine into new narratives."""
    from gkreport.extract import extract
    from gkreport.parse import parse_report

    out: dict[int, list[str]] = {}
    for path in SEEDS:
        report = parse_report(extract(str(path), path.read_bytes()).text)
        for s in report.sections:
            parts = [p + "。" for p in s.body.replace("\n", "").split("。") if len(p) > 8]
            out.setdefault(s.section_no or 0, []).extend(parts)
    return out


def split(rnd: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rnd.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


def synthetic(i: int, rnd: random.Random, places: list[dict], text: dict[int, list[str]]):
    place = rnd.choice(places)
    suffix, kind = rnd.choice(KINDS)
    year = rnd.choice(range(2019, 2025))
    fmt = T.T2021 if year >= 2021 else T.T2019
    name = place["name"] + suffix
    rid = hashlib.sha256(f"{i}".encode()).hexdigest()[:16]
    received = int(rnd.lognormvariate(2.5, 1.3))
    carried_over = rnd.randint(0, 3)
    forward = rnd.randint(0, min(3, received + carried_over))
    processed = received + carried_over - forward
    rows = [k for k in T.processed_parts(fmt)]
    weights = [40, 15] + [1] * (len(rows) - 2)
    counts = dict.fromkeys(rows, 0)
    for _ in range(processed):
        counts[rnd.choices(rows, weights)[0]] += 1

    def by_applicant(n: int) -> dict:
        cells = dict(zip(T.APPLICANT_PARTS, split(rnd, n, len(T.APPLICANT_PARTS)) if rnd.random() < 0.3
                         else [n, 0, 0, 0, 0, 0]))
        return {**cells, "total": n}

    requests = {k: by_applicant(v) for k, v in counts.items()}
    requests.update(new_received=by_applicant(received), carried_over=by_applicant(carried_over),
                    total_processed=by_applicant(processed), carried_forward=by_applicant(forward))
    appeals = {}
    for proc, _ in T.PROCEEDINGS:
        n = int(rnd.expovariate(1.5)) if rnd.random() < 0.3 else 0
        parts = split(rnd, n, 4)
        appeals[proc] = {**dict(zip(T.OUTCOME_PARTS, parts)), "total": n}
    active = [ActiveCell(item, m, float(rnd.randint(0, 400)) if m != "amount_10k_yuan" else round(rnd.random() * 50, 2))
              for item, measures in T.ACTIVE_COLUMNS[fmt].items() for m in measures]
    checks, status = [], "ok"
    if rnd.random() < 0.1:  # a damaged report: one row misread and flagged
        requests["carried_forward"]["total"] += 1
        checks.append(Check("t3_received_eq_processed", "warning", "表三：收到的申请数与办理、结转之和不符。",
                            str(processed + forward), str(processed + forward + 1), "request_stats.carried_forward"))
        status = "warning"
    sections = [Section(no, heading, "".join(rnd.sample(text[no], min(len(text[no]), rnd.randint(2, 6)))))
                for no, heading in [(0, "")] + [(s.no, s.heading) for s in T.SECTIONS]]
    meta = Metadata(title=f"{name}{year}年政府信息公开工作年度报告", agency_name=name, agency_name_as_printed=name,
                    year=year, published_date=f"{year + 1}-01-{rnd.randint(10, 31)}")
    report = ParsedReport(rid, "", meta, sections, Tables(fmt, fmt, active, requests, appeals), checks, fmt, status)
    agency = {"id": hashlib.sha256(name.encode()).hexdigest()[:12], "name": name, "province": place["province"],
              "city": place["city"], "county": place["county"], "adcode": place["code"], "level": place["level"],
              "kind": kind}
    source = {"source_path": f"synthetic/{rid}.txt", "source_format": "txt", "sha256": rid * 4,
              "encoding": "utf-8", "parser_version": "bench"}
    return report, source, agency


def places() -> list[dict]:
    regions = {r["code"]: r for r in region_rows()}
    out = []
    for r in regions.values():
        chain, node = [], r
        while node:
            chain.append(node)
            node = regions.get(node["parent"]) if node.get("parent") else None
        names = {n["level"]: n["name"] for n in chain}
        out.append({"code": r["code"], "name": r["name"], "level": r["level"], "province": names.get("province"),
                    "city": names.get("city"), "county": names.get("county")})
    return out


def build_db(n: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"site-{n}.db"
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    rnd, regions, text = random.Random(n), places(), sentences()
    db = store.connect(tmp)
    store.ensure_db_shape(db)
    start = time.perf_counter()
    db.execute("BEGIN")
    for i in range(n):
        store.save_report(db, *synthetic(i, rnd, regions, text))
        if i % 2000 == 1999:
            db.execute("COMMIT")
            db.execute("BEGIN")
    db.execute("COMMIT")
    written = time.perf_counter() - start
    store.finish(db)
    db.close()
    print(f"built N={n}: {written:.0f} s writing ({n / written:.0f} reports/s), "
          f"{time.perf_counter() - start - written:.0f} s summaries; {tmp.stat().st_size / 1e6:.0f} MB", flush=True)
    tmp.rename(path)
    return path


def pages() -> list[tuple[str, str]]:
    queries = load_metadata()["databases"]["gkreport"]["queries"]
    out = [(f"canned: {name}", f"/gkreport/{name}") for name in queries]
    out += [("table page with facets: reports", "/gkreport/reports"),
            ("table page, filtered: reports?province=广东省", "/gkreport/reports?province=%E5%B9%BF%E4%B8%9C%E7%9C%81"),
            ("search (table page): 疫情", "/gkreport/sections?_search=疫情"),
            ("search (table page): 培训", "/gkreport/sections?_search=培训"),
            ("search (table page): 政策解读", "/gkreport/sections?_search=政策解读"),
            ("search (JSON): 培训", "/gkreport/sections.json?_search=培训&_shape=array"),
            ("search (canned): 培训", "/gkreport/search_narrative?q=培训"),
            ("report page", None)]
    return out


async def measure(db: Path) -> list[tuple[str, float, float, int]]:
    ds = build(db)
    rid = (await ds.get_database("gkreport").execute("select id from reports limit 1 offset 77")).first()[0]
    return await time_pages(ds, [(label, path or f"/report/{rid}") for label, path in pages()])


async def time_pages(ds, labelled_paths) -> list[tuple[str, float, float, int]]:
    """(label, p50 ms, p95 ms, last status) for each path, over REPEAT requests through the app."""
    results = []
    for label, path in labelled_paths:
        times, status = [], 0
        for _ in range(REPEAT):
            start = time.perf_counter()
            r = await ds.client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            status = r.status_code
        times.sort()
        results.append((label, statistics.median(times), times[int(len(times) * 0.95) - 1], status))
    return results


def main(ns: list[int]) -> None:
    for n in ns:
        db = build_db(n)
        print(f"\nN = {n:,} reports — ms over {REPEAT} requests each")
        print(f"{'page':58} {'p50':>7} {'p95':>7}  status")
        for label, p50, p95, status in asyncio.run(measure(db)):
            flag = "" if p95 < 300 else "  ← over 300 ms"
            print(f"{label:58} {p50:7.1f} {p95:7.1f}  {status}{flag}", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10000, 100000])
