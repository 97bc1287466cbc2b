"""Time `gkreport ingest` of N varied copies of the sample reports into a fresh database.

Usage: python bench/ingest.py [N ...]   (default: 500 2000 5000)
Prints reports per second and the peak memory of the ingest process (and of its workers).
Each copy gets a different agency prefix and year, so every copy is a distinct report id.
"""

from __future__ import annotations

import random
import resource
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


def run(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        make_copies(tmp / "in", n) if (tmp / "in").mkdir() is None else None
        db = tmp / "bench.db"
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "gkreport.cli", "ingest", str(tmp / "in"), "--db", str(db),
                               "--quiet"], capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            print(proc.stdout, proc.stderr)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"N={n:>6}  {elapsed:7.2f} s  {n / elapsed:8.1f} reports/s  "
              f"peak RSS (largest process) {usage.ru_maxrss / 1024:7.1f} MB  db {db.stat().st_size / 1e6:6.1f} MB")


if __name__ == "__main__":
    for n in [int(a) for a in sys.argv[1:]] or [500, 2000, 5000]:
        run(n)
