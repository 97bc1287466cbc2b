"""What the assessment (gkreport/assess) adds to an ingest at scale, and how fast its pages answer.

Usage: python bench/assess.py [N ...] [--add K]   (default: 100000, K = 100)

Takes bench/site.py's database of N synthetic reports (bench/out/site-N.db, built there if missing) and
works on a copy of it (bench/out/assess-N.db), as the last step of an ingest would:

1. everything from scratch, as the first ingest of N reports: each step's seconds (roster, coverage,
   timeliness, copies, rates, unusual figures, scores), with the copies' counts: prints computed,
   exact comparisons, pairs kept;
2. K more reports added (new ids of the same generator): store.finish as an ingest ends, the
   assessment's share of it, and again how many prints and comparisons the copies needed;
3. p50/p95 of the assessment's pages and questions through the real Datasette app.

The copies are found without comparing every pair: the comparisons grow with the reports added, not
with the square of the count (similarity.py says how). Timings on a shared machine move by a quarter
or more from run to run.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gkreport import assess, store, summaries  # noqa: E402
from gkreport.assess import similarity  # noqa: E402
from gkreport.site import build  # noqa: E402
from synthetic import bench_site  # noqa: E402  (bench/ is on the path: these are scripts in it)


def fresh_copy(n: int) -> Path:
    source = bench_site().build_db(n)
    target = source.with_name(f"assess-{n}.db")
    for leftover in source.parent.glob(f"assess-{n}.db*"):
        leftover.unlink()
    start = time.perf_counter()
    shutil.copyfile(source, target)  # (the source is only read: no writer has it open)
    print(f"copied {source.name} ({source.stat().st_size / 1e9:.1f} GB) in {time.perf_counter() - start:.0f} s",
          flush=True)
    return target


def from_scratch(path: Path) -> None:
    db = store.connect(path)
    store.ensure_db_shape(db)
    similarity.reset(db.conn)
    reports = db.execute("select count(*) from reports").fetchone()[0]
    start = time.perf_counter()
    with db.atomic():
        store.writes_done(db)
        summaries.rebuild(db.conn)  # (up to date already: nothing to do)
        times = assess.refresh(db.conn, force=True)
    total = time.perf_counter() - start
    counts = dict(db.execute("select 'pairs', count(*) from copied_reports union all "
                             "select 'flagged', count(distinct report_id) from copied_reports union all "
                             "select 'unusual', count(*) from unusual_figures union all "
                             "select 'late', count(*) from timeliness where late = 1").fetchall())
    db.close()
    print(f"\n1. from scratch, {reports:,} reports: {total:.1f} s in all")
    for step, seconds in times.items():
        print(f"   {step:12} {seconds:7.1f} s")
    print(f"   copies: {counts['pairs']:,} pairs, {counts['flagged']:,} reports flagged; "
          f"{counts['unusual']:,} unusual figures; {counts['late']:,} late reports", flush=True)


def add_reports(path: Path, n: int, k: int) -> None:
    """K more reports; every fifth is a copy: sections 1 and 5 of a stored report of its year, by another body."""
    bench = bench_site()
    rnd, places, text = random.Random(n + k), bench.places(), bench.sentences()
    db = store.connect(path)
    planted = 0
    start = time.perf_counter()
    with db.atomic():
        for i in range(k):
            report, source, agency = bench.synthetic(10_000_000 + i, rnd, places, text)
            if i % 5 == 0:
                copied = db.execute("select id from reports where year = ? and agency_id is not ? limit 1 offset ?",
                                    [report.meta.year, agency["id"], rnd.randint(0, 1000)]).fetchone()[0]
                bodies = dict(db.execute("select section_no, body from sections where report_id = ? "
                                         "and section_no in (1, 5)", [copied]).fetchall())
                for section in report.sections:
                    section.body = bodies.get(section.section_no, section.body)
                report.meta.published_date = f"{report.meta.year + 1}-02-28"  # after every synthetic original
                planted += 1
            store.save_report(db, report, source, agency)
    written = time.perf_counter() - start
    start = time.perf_counter()
    timed: dict[str, float] = {}
    original = assess.refresh

    def timed_refresh(conn, force=False):
        begun = time.perf_counter()
        steps = original(conn, force)
        timed.update(steps, total=time.perf_counter() - begun)
        return steps

    assess.refresh = timed_refresh
    try:
        store.finish(db)
    finally:
        assess.refresh = original
    finished = time.perf_counter() - start
    db.close()
    db = store.connect(path)
    found = db.execute("select count(*) from reports r join copied_reports c on c.report_id = r.id "
                       "where r.published_date like '%-02-28'").fetchone()[0]
    db.close()
    print(f"\n2. {k} reports added to {n:,} ({planted} of them copies): written in {written:.1f} s; "
          f"store.finish {finished:.1f} s, of which the assessment {timed.get('total', 0):.1f} s; "
          f"{found} copies flagged")
    for step, seconds in timed.items():
        if step != "total":
            print(f"   {step:12} {seconds:7.1f} s")


def similarity_alone(path: Path, k: int) -> None:
    """The copies' own work for the last K reports: prints and exact comparisons, counted."""
    db = store.connect(path)
    db.execute("BEGIN")
    newest = [r[0] for r in db.execute("select id from reports order by rowid desc limit ?", [k])]
    marks = ", ".join("?" * len(newest))
    db.execute(f"delete from narrative_prints where report_id in ({marks})", newest)
    db.execute(f"delete from narrative_bands where report_id in ({marks})", newest)
    start = time.perf_counter()
    counts = similarity.update(db.conn)
    seconds = time.perf_counter() - start
    db.conn.rollback()  # (a measure: nothing kept)
    db.close()
    print(f"   copies for {k} new reports alone: {seconds:.2f} s — {counts['printed']} prints, "
          f"{counts['compared']} exact comparisons", flush=True)


PAGES = [
    ("question: 哪些政府没有发布年报", "/gkreport/missing_reports"),
    ("question: 哪些政府没有发布年报 (福建省)", "/gkreport/missing_reports?province=%E7%A6%8F%E5%BB%BA%E7%9C%81"),
    ("question: 各省年报覆盖情况", "/gkreport/coverage_by_province"),
    ("question: 逾期发布的年报", "/gkreport/late_reports"),
    ("question: 正文几乎相同的报告", "/gkreport/copied_narrative"),
    ("question: 与历年相差很大的数字", "/gkreport/unusual_jumps"),
    ("question: 按比率排名", "/gkreport/metric_ranking"),
    ("question: 按比率排名 (不予公开率, 2022)", "/gkreport/metric_ranking?metric=refusal_rate&year=2022"),
    ("question: 按比率排名：未列入的", "/gkreport/metric_ranking_left_out"),
    ("question: 一个比率的历年变化", "/gkreport/metric_by_year"),
    ("question: 合规得分排名", "/gkreport/compliance_ranking"),
    ("question: 公开率（按地区）", "/gkreport/grant_rate_by_region"),
    ("question: 纠错率（按年度）", "/gkreport/correction_rate"),
    ("page: /-/metrics", "/-/metrics"),
    ("page: /-/rubric", "/-/rubric"),
    ("page: /-/overview (with coverage)", "/-/overview"),
    ("page: /-/overview.json", "/-/overview.json"),
]


async def pages(path: Path) -> list[tuple[str, float, float, int]]:
    ds = build(path)
    db = ds.get_database("gkreport")
    rid, agency = (await db.execute("select report_id, agency_id from unusual_figures limit 1")).first() or \
        (await db.execute("select id, agency_id from reports limit 1 offset 77")).first()
    extra = [("page: a report (with year over year)", f"/report/{rid}"), ("page: its agency", f"/-/agency/{agency}")]
    return await bench_site().time_pages(ds, PAGES + extra)


def main(ns: list[int], k: int) -> None:
    for n in ns:
        path = fresh_copy(n)
        from_scratch(path)
        add_reports(path, n, k)
        similarity_alone(path, k)
        print(f"\n3. pages at {n:,} reports — ms over {bench_site().REPEAT} requests each")
        print(f"{'page':58} {'p50':>7} {'p95':>7}  status")
        for label, p50, p95, status in asyncio.run(pages(path)):
            flag = "" if p95 < 300 else "  ← over 300 ms"
            print(f"{label:58} {p50:7.1f} {p95:7.1f}  {status}{flag}", flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    add = 100
    if "--add" in args:
        i = args.index("--add")
        add = int(args[i + 1])
        del args[i:i + 2]
    main([int(a) for a in args] or [100000], add)
