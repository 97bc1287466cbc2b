"""Scanned reports: seconds per page and per report, with one worker process and with several, and peak memory.

Usage: python bench/ocr.py [--jobs 1 2] [--kind clean|scan|…] [--copies N]
The three peer PDFs of shared/corpus/peers are rendered to images at 200 DPI and made into
image-only PDFs (tests/scans.py; --kind degrades them as the tests do), N copies each, and
ingested into a new database by `gkreport ingest` in a child process for each --jobs value.
Peak memory is the largest resident size of the writer and of one worker (getrusage).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def make_scans(folder: Path, kind: str, copies: int) -> tuple[int, int]:
    """The scans to read: (reports, pages)."""
    import scans

    peers = scans.peers_folder()
    if peers is None:
        sys.exit("shared/corpus/peers is not beside this checkout")
    reports = pages = 0
    for name in scans.PEER_PDFS:
        images = scans.render_pages(peers / name)
        if kind != "clean":
            images = scans.degrade(images, kind)
        for n in range(copies):
            # a mark in a corner makes each copy a report of its own (the same bytes would be one)
            marked = [img.copy() for img in images]
            marked[-1].putpixel((n, 0), (0, 0, 0))
            scans.write(folder, f"{Path(name).stem}-{n}.pdf", scans.image_pdf(marked))
            reports += 1
            pages += len(images)
    return reports, pages


def run(folder: str, jobs: int) -> None:
    """In the child: ingest the folder, print wall time and peak memory as JSON."""
    from gkreport.ingest import ingest

    start = time.perf_counter()
    summary = ingest([folder], Path(folder) / "bench.db", jobs=jobs)
    wall = time.perf_counter() - start
    print(json.dumps({"wall": wall, "stored": summary.stored, "failed": summary.failed,
                      "writer_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--kind", default="clean")
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--run", nargs=2, metavar=("FOLDER", "JOBS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        run(args.run[0], int(args.run[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        reports, pages = make_scans(Path(tmp) / "scans", args.kind, args.copies)
        print(f"{reports} scanned reports ({args.kind}), {pages} pages at 200 DPI")
        for jobs in args.jobs:
            db = Path(tmp) / "scans" / "bench.db"
            db.unlink(missing_ok=True)
            out = subprocess.run([sys.executable, __file__, "--run", str(Path(tmp) / "scans"), str(jobs)],
                                 capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            # with one job the OCR runs in the writer's own process: its peak is the worker's
            worker = r["worker_mb"] if jobs > 1 else r["writer_mb"]
            print(f"--jobs {jobs}: {r['wall']:.1f} s, {r['wall'] / pages:.1f} s/page, {r['wall'] / reports:.1f} s/report "
                  f"({r['stored']} stored, {r['failed']} failed); peak memory: writer {r['writer_mb']:.0f} MB, "
                  f"one worker {worker:.0f} MB")


if __name__ == "__main__":
    main()
