"""Time `gkreport ingest` of N varied copies of the sample reports into a fresh database.

Usage: python bench/ingest.py [N ...] [--repeat K]   (default: 500 2000 5000, K = 3)
Prints reports per second (the best and the median of K runs: on a shared machine the
same run varies by a quarter), the CPU time per report of the ingest and its workers, and
the peak memory of the largest of those processes. Each copy differs in its narrative, so
every copy is a distinct report id.

Before each run it measures a reference: the wall milliseconds per sample report when two
processes parse them at once, the same work every time. On a shared machine that figure moves
with the machine (by half within minutes here), and the ingest's speed moves with it:
compare runs made at the same reference.
"""

from __future__ import annotations

import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "data" / "reports").glob("*.txt"))
PLACES = ["上杭县", "将乐县", "殷都区", "上高县", "上犹县", "龙岩市", "三明市", "安阳市", "宜春市", "赣州市"]


def make_copies(folder: Path, n: int) -> None:
    rnd = random.Random(n)
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    for i in range(n):
        k = i % len(texts)
        text = texts[k]
        # vary the narrative so each copy is a distinct document, keep tables intact
        text = text.replace("政务公开", f"政务公开（第{i}号）", 1)
        text += f"\n\n附注：样本 {i}，{rnd.choice(PLACES)}。\n"
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"{i:06d}_{SEEDS[k].name}").write_text(text, encoding="utf-8")


def run(n: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "in").mkdir()
        make_copies(tmp / "in", n)
        rates, cpu, refs = [], [], []
        for _ in range(repeat):
            refs.append(reference())
            db = tmp / "bench.db"
            for leftover in tmp.glob("bench.db*"):
                leftover.unlink()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "gkreport.cli", "ingest", str(tmp / "in"), "--db", str(db),
                                   "--quiet"], capture_output=True, text=True)
            elapsed = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if proc.returncode != 0:
                print(proc.stdout, proc.stderr)
            rates.append(n / elapsed)
            cpu.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / n * 1e3)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"N={n:>6}  best {max(rates):6.1f} reports/s  median {statistics.median(rates):6.1f}  "
              f"(runs: {', '.join(f'{r:.0f} at {ref:.2f}' for r, ref in zip(rates, refs))})  "
              f"CPU {statistics.median(cpu):4.2f} ms/report  "
              f"peak RSS (largest process) {usage.ru_maxrss / 1024:6.1f} MB  db {db.stat().st_size / 1e6:6.1f} MB")


def _parse_samples(rounds: int) -> None:
    from gkreport.ingest import parse_file

    files = [(str(p), p.read_bytes()) for p in SEEDS]
    for _ in range(rounds):
        for path, data in files:
            parse_file(path, data, "")


def reference() -> float:
    """Wall milliseconds per sample report parsed by two processes at once: the same work every
    time, on both cores as an ingest uses them (a second busy core slows the first down)."""
    import multiprocessing

    _parse_samples(1)  # the gazetteer and the caches, built before the fork as ingest does
    rounds = 8
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_parse_samples, [1, 1])
        start = time.perf_counter()
        pool.map(_parse_samples, [rounds, rounds])
        elapsed = time.perf_counter() - start
    return elapsed / (2 * rounds * len(SEEDS)) * 1e3


if __name__ == "__main__":
    args = sys.argv[1:]
    repeat = 3
    if "--repeat" in args:
        at = args.index("--repeat")
        repeat = int(args[at + 1])
        del args[at:at + 2]
    print("each run: reports/s at the reference, the ms per sample report two processes took to parse "
          "just before it (lower is a faster machine)")
    for n in [int(a) for a in args] or [500, 2000, 5000]:
        run(n, repeat)
