"""`gkreport collect` on the county fixture sites served on 127.0.0.1: wall time, requests and
bytes of a first run, a rerun (everything asked conditionally) and a run after one report
is published, and the collector's peak memory.

Usage: python bench/collect.py [DELAY]   (default 0.05 s between two requests to a host)
The fixture (tests/fixture_site.py) holds 7 sites, 12 reports to collect and its traps (a
permanent 500, a redirect loop, two oversized files, a 3 s page, a trickled .doc, a dead
site); the trap's waits (retries, the 3 s page) are most of a run's time.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fixture_site import MAX_BYTES, FixtureServer, build  # noqa: E402


def main(delay: str) -> None:
    exe = Path(sys.executable).with_name("gkreport")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        fx = build(work / "sites")
        with FixtureServer(fx) as srv:
            urls = [srv.url(fx.dead_start)] + [srv.url(r) for r in fx.start]
            for name in ("first run", "rerun", "after a publication"):
                if name == "after a publication":
                    srv.publish_later()
                first = srv.mark()
                t0 = time.monotonic()
                res = subprocess.run([str(exe), "collect", *urls, "--db", str(work / "gk.db"), "--out",
                                      str(work / "out"), "--delay", delay, "--max-bytes", str(MAX_BYTES)],
                                     capture_output=True, text=True)
                seconds = time.monotonic() - t0
                log = srv.log[first:srv.mark()]
                whole = sum(1 for e in log if e["status"] == 200)
                print(f"{name:20s} {seconds:6.1f} s  {len(log):3d} requests  {whole:3d} answered 200  "
                      f"{sum(1 for e in log if e['status'] == 304):3d} answered 304  "
                      f"{sum(e['bytes'] for e in log) / 1e6:6.2f} MB sent")
                print("   ", res.stdout.strip().splitlines()[0])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of a collect process: {peak:.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "0.05")
