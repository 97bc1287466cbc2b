"""Peak memory and time of `gkreport ingest` on the inputs that cost memory.

Usage: python bench/ingest_memory.py [gridspan] [pdfs N] [--cap MB]

  gridspan  the five sample reports and a Word file whose first table cell spans 2,147,483,647
            columns (18 GB as a grid of cells, 41 KB as a file)
  pdfs N    N PDFs of a sample report made over a hundred pages long (default 40)

Prints, for each: the wall seconds, the summary line, the peak resident memory of the largest
process (getrusage) and of the ingest's processes together (sampled every 50 ms from /proc).
Every process of the ingest is capped at --cap MB of address space (default 4096), so that a
version without limits of its own can't take the machine down with it.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            pass
    return total


def measure(name: str, folder: Path, cap_mb: int) -> None:
    db = folder.parent / f"{name}.db"
    cap = cap_mb << 20

    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "gkreport.cli", "ingest", str(folder), "--db", str(db), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limits)
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    sampler.join()
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary = [ln for ln in (out + err).splitlines() if "已入库" in ln]
    print(f"{name:9} {elapsed:6.1f} s  exit {proc.returncode}  peak RSS largest process {largest:6.0f} MB, "
          f"all processes {peak[0] / 2**20:6.0f} MB  | {summary[-1] if summary else '(no summary)'}")
    if "Traceback" in out + err:
        print("  " + (out + err).strip().splitlines()[-1])


def main(args: list[str]) -> None:
    from renderings import render
    from test_hostile_inputs import SAMPLE, huge_span_docx, longer

    cap = 4096
    if "--cap" in args:
        at = args.index("--cap")
        cap = int(args[at + 1])
        del args[at:at + 2]
    args = args or ["gridspan", "pdfs"]
    reports = ROOT / "data" / "reports"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if "gridspan" in args:
            folder = tmp / "gridspan"
            shutil.copytree(reports, folder)
            (folder / "huge_span.docx").write_bytes(huge_span_docx())
            measure("gridspan", folder, cap)
        if "pdfs" in args:
            at = args.index("pdfs")
            n = int(args[at + 1]) if len(args) > at + 1 and args[at + 1].isdigit() else 40
            folder = tmp / "pdfs"
            folder.mkdir()
            pdf = render(longer(SAMPLE, 1500), "pdf")
            for i in range(n):  # each a distinct file: a byte of its own after the end
                (folder / f"{i:03d}.pdf").write_bytes(pdf + b"\n%" + str(i).encode())
            print(f"pdfs: {n} files of {len(pdf) / 1e6:.1f} MB")
            measure(f"pdfs {n}", folder, cap)


if __name__ == "__main__":
    main(sys.argv[1:])
