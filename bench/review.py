"""What corrections cost an ingest, and how long `gkreport review` takes.

Usage: python bench/review.py [N] [--share S]   (default: 2000 reports, corrections for S = 10 % of them)

On N varied copies of the sample reports (bench/ingest.py's), with one correction for a share of them,
prints the wall seconds of: an ingest without corrections; the same into a new database with the
corrections file; a re-run with the file unchanged (nothing to parse, the file compared with the
table); a re-run after every entry's value changed (each corrected report put back and corrected
again, without parsing); and `gkreport review --csv` over the whole database. A shared machine moves
these by a quarter or more from run to run: compare figures taken together.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("bench_ingest", HERE / "ingest.py")
bench_ingest = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_ingest)


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "gkreport.cli", *args], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1) or "Traceback" in proc.stderr:
        raise SystemExit(proc.stderr[-3000:])
    return elapsed


def corrections(folder: Path, share: float, bump: int) -> list[dict]:
    files = sorted(folder.rglob("*.txt"))
    step = max(1, round(1 / share))
    return [{"report_sha256": hashlib.sha256(f.read_bytes()).hexdigest(), "table": "appeal_stats",
             "row": "review", "column": "upheld", "value": 1000 + bump, "author": "基准测试",
             "date": "2024-05-06", "evidence": "bench/review.py"} for f in files[::step]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=2000)
    ap.add_argument("--share", type=float, default=0.1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "in").mkdir()
        bench_ingest.make_copies(tmp / "in", args.n)
        entries = corrections(tmp / "in", args.share, 0)
        c = tmp / "corrections.yaml"
        c.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
        plain = timed(["ingest", "in", "--db", "plain.db", "--quiet"], tmp)
        with_file = timed(["ingest", "in", "--db", "c.db", "--quiet", "--corrections", str(c)], tmp)
        unchanged = timed(["ingest", "in", "--db", "c.db", "--quiet", "--corrections", str(c)], tmp)
        c.write_text(yaml.safe_dump(corrections(tmp / "in", args.share, 1), allow_unicode=True), encoding="utf-8")
        changed = timed(["ingest", "in", "--db", "c.db", "--quiet", "--corrections", str(c)], tmp)
        review = timed(["review", "--db", "c.db", "--csv", "review.csv"], tmp)
        with open(tmp / "review.csv", encoding="utf-8-sig", newline="") as f:
            listed = sum(1 for _ in csv.DictReader(f))
    print(f"{args.n} reports, {len(entries)} corrections (one cell each); wall seconds, shared machine")
    print(f"  ingest, no corrections            {plain:7.2f}")
    print(f"  ingest with the corrections file  {with_file:7.2f}")
    print(f"  again, file unchanged             {unchanged:7.2f}")
    print(f"  again, every value changed        {changed:7.2f}   ({len(entries)} reports corrected again, none parsed)")
    print(f"  gkreport review --csv             {review:7.2f}   ({listed} rows, with the source lines of each)")


if __name__ == "__main__":
    main()
