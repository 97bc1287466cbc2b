"""Time per question of the question box: the engine alone, and end to end through /-/ask.json.

Usage: python bench/ask.py [N ...]   (default: 100000)
       python bench/ask.py --db FILE    (any gkreport database)
       python bench/ask.py --after-commit [N | --db FILE]   (only the questions asked after a commit)

Uses the synthetic database of N reports that bench/site.py builds (and keeps in its cache
folder; built here if it is not there yet). The questions are the kinds people ask, with agency,
region and year names taken from that database; each is asked REPEAT times after one warm-up
(the names index is built once per database, timed separately). Prints median and p95 in ms,
per question type and over all questions; then makes a commit into the file (one that changes no
data) and times the questions asked while the site rebuilds its names index.
"""

from __future__ import annotations

import asyncio
import importlib.util
import random
import statistics
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gkreport.ask import Asker  # noqa: E402

REPEAT = 5
TARGET_MS = 50


def bench_site():
    spec = importlib.util.spec_from_file_location("bench_site", ROOT / "bench" / "site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def questions(db: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rnd = random.Random(7)
    newest = conn.execute("select max(year) from reports").fetchone()[0]
    offices = [r[0] for r in conn.execute(
        "select a.name from agencies a where a.kind = 'general_office' and a.level = 'county' "
        "and (select count(*) from agencies b where b.name = a.name) = 1 limit 200")]
    provinces = [r[0] for r in conn.execute("select distinct province from reports where province is not null")]
    conn.close()
    a, b = rnd.sample(offices, 2)
    p, q = rnd.sample(provinces, 2)
    short = a.replace("人民政府办公室", "政府办")
    county = a.replace("人民政府办公室", "")
    english = english_name(county) + " government office"
    return [
        f"{short}历年收到多少申请？", f"{a}{newest - 1}年予以公开多少件？", f"{short}{newest}年收到多少申清",
        f"{newest - 1}年哪些单位被提起行政诉讼？", "哪个省份以内部事务为由不予公开的最多？", f"{p}哪个县收到的申请最多？",
        f"{newest}年收到申请最多的前10个单位", "哪一年收到的申请最多？", f"{p}和{q}收到的申请比较",
        f"{newest - 2}年和{newest - 1}年行政诉讼相比", f"{short}和{b}收到的申请比较", f"{newest - 1}年不予公开的申请占多大比例",
        f"{p}的公开率是多少", "哪个省的不予公开比例最高", f"{newest - 1}年平均每个单位收到多少申请", "不予公开的理由分布",
        f"{newest - 1}年的申请人都是谁", "行政复议的结果怎么样", f"{newest - 1}年申请的处理结果分布", "近三年行政诉讼的趋势",
        f"去年{p}收到多少申请", f"{short}{newest - 1}年报告的主要数据", f"{p}{newest - 1}年有多少份报告", "哪些报告提到疫情",
        "各年有多少份报告提到政策解读", f"{newest - 1}年有多少个单位被提起行政诉讼", f"歷年行政訴訟的趨勢",
        "哪些报告勾稽关系对不上", "今天天气怎么样",
        "Which provinces refuse the most requests as internal affairs?", f"How many requests were refused in {newest - 1}?",
        "Which agencies were sued last year?", f"Compare lawsuits in {p} and {q}", "Top 5 agencies by requests received",
        # rates, the reports' own facts, lists, several questions in one, names and years the database lacks,
        # questions the reports cannot answer
        f"{short}{newest - 1}年的公开率是多少？", f"{newest - 1}年哪个单位的公开率最高？", f"{short}和{b}哪个公开率更高？",
        f"{a}{newest - 1}年报告的联系电话是多少？", f"{p}有哪些单位发布了年报？", f"列出{newest - 1}年的所有报告",
        f"{short}{newest - 1}年予以公开了几件，不予公开了几件？", f"{county}财政局{newest - 1}年收到多少申请？",
        f"{short}2015年收到多少申请？", f"为什么{short}{newest - 1}年收到的申请这么多？", "数据库里一共有多少份报告？",
        f"How many requests did the {english} receive in {newest - 1}?",
    ]


def english_name(county: str) -> str:
    from gkreport.ask.entities import pinyin

    suffix = {"县": " County", "区": " District", "市": " City"}.get(county[-1], "")
    return "".join(pinyin(county[:-1] if suffix else county)).capitalize() + suffix


def percentile(times: list[float], p: float) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, int(round(p * (len(times) - 1))))]


def engine_times(db: Path, qs: list[str]) -> tuple[float, dict[str, list[float]], dict[str, str]]:
    start = time.perf_counter()
    asker = Asker(db)
    index_s = time.perf_counter() - start
    times: dict[str, list[float]] = {}
    intents: dict[str, str] = {}
    for q in qs:
        intents[q] = asker(q)["intent"] or asker(q)["status"]
        for _ in range(REPEAT):
            t = time.perf_counter()
            asker(q)
            times.setdefault(q, []).append((time.perf_counter() - t) * 1000)
    asker.close()
    return index_s, times, intents


async def site_times(db: Path, qs: list[str]) -> dict[str, list[float]]:
    from gkreport.site import build

    ds = build(db)
    await ds.client.get("/-/ask.json", params={"q": qs[0]})  # builds the names index once
    times: dict[str, list[float]] = {}
    for q in qs:
        await ds.client.get("/-/ask.json", params={"q": q})
        for _ in range(REPEAT):
            t = time.perf_counter()
            r = await ds.client.get("/-/ask.json", params={"q": q})
            times.setdefault(q, []).append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200
    return times


async def after_commit(db: Path, qs: list[str]) -> tuple[list[tuple], list[tuple], float]:
    """A commit into the served file, as an ingest makes: the questions asked until the site sees it, those
    asked while the new names index is built on its thread ((ms, question) each), and how long that build
    took (s)."""
    from datasette_plugins.ask import _database
    from gkreport.ask import indexes
    from gkreport.site import build

    ds = build(db)
    for q in qs:  # what a process loads once (the pinyin tables …) is loaded before the commit
        await ds.client.get("/-/ask.json", params={"q": q})
    served = _database(ds)
    old_hash = served.hash
    conn = sqlite3.connect(db)
    version = conn.execute("pragma user_version").fetchone()[0]
    conn.execute(f"pragma user_version = {version + 1}")  # a commit that changes no data
    conn.commit()

    async def timed(i: int) -> tuple[float, str]:
        t = time.perf_counter()
        r = await ds.client.get("/-/ask.json", params={"q": qs[i % len(qs)]})
        assert r.status_code == 200
        return (time.perf_counter() - t) * 1000, qs[i % len(qs)]

    try:
        before, during, i = [], [], 0
        deadline = time.perf_counter() + 300
        while served.hash == old_hash and time.perf_counter() < deadline:  # the counts are redone first
            before.append(await timed(i))
            i += 1
        start = time.perf_counter()
        during.append(await timed(i))  # the first question of the new version starts the build
        while indexes.rebuilding(served.path) and time.perf_counter() < deadline:
            i += 1
            during.append(await timed(i))
        return before, during, time.perf_counter() - start
    finally:
        conn.execute(f"pragma user_version = {version}")
        conn.commit()
        conn.close()


def print_after_commit(db: Path, qs: list[str]) -> None:
    before, during, build_s = asyncio.run(after_commit(db, qs))
    slowest = max(during)
    print(f"after a commit into the served file: {len(before)} questions until the site saw it, then "
          f"{len(during)} while the names index was rebuilt ({build_s:.1f} s): their median "
          f"{statistics.median(t for t, _ in during):.1f} ms, slowest {slowest[0]:.1f} ms ({slowest[1]})")


def main(args: list[str]) -> None:
    commit_only = "--after-commit" in args  # only the questions asked while the index is rebuilt
    args = [a for a in args if a != "--after-commit"]
    if args[:1] == ["--db"]:
        dbs = [(Path(args[1]).stem, Path(args[1]))]
    else:
        site = bench_site()
        dbs = [(f"{int(n):,} reports", None) for n in args or ["100000"]]
        dbs = [(label, site.build_db(int(n))) for (label, _), n in zip(dbs, args or ["100000"])]
    for label, db in dbs:
        qs = questions(db)
        if commit_only:
            print(f"\n{label}")
            print_after_commit(db, qs)
            continue
        index_s, engine, intents = engine_times(db, qs)
        e2e = asyncio.run(site_times(db, qs))
        print(f"\n{label}: {len(qs)} questions × {REPEAT}; names index built in {index_s * 1000:.0f} ms")
        print(f"{'question':46} {'type':22} {'engine p50':>10} {'p95':>7} {'/-/ask.json p50':>15} {'p95':>7}")
        for q in qs:
            print(f"{q[:44]:46} {intents[q][:22]:22} {statistics.median(engine[q]):10.1f} "
                  f"{percentile(engine[q], 0.95):7.1f} {statistics.median(e2e[q]):15.1f} {percentile(e2e[q], 0.95):7.1f}")
        all_engine = [t for v in engine.values() for t in v]
        all_e2e = [t for v in e2e.values() for t in v]
        print(f"{'all questions':69} {statistics.median(all_engine):10.1f} {percentile(all_engine, 0.95):7.1f} "
              f"{statistics.median(all_e2e):15.1f} {percentile(all_e2e, 0.95):7.1f}")
        ok = statistics.median(all_e2e) < TARGET_MS
        print(f"median end to end {statistics.median(all_e2e):.1f} ms: {'under' if ok else 'OVER'} the {TARGET_MS} ms target")
        print_after_commit(db, qs)


if __name__ == "__main__":
    main(sys.argv[1:])
