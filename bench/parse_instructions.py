"""Instructions the parser executes per report, counted by valgrind's callgrind: a steady measure
of the parser's cost that a busy machine does not move (wall and CPU times do, by half here).

Usage: python bench/parse_instructions.py [ROUNDS]   (default 4)
Runs Python under ``valgrind --tool=callgrind`` twice: parsing the sample reports once, and
1 + ROUNDS times (each copy's narrative varied, as bench/ingest.py varies it, so no two texts are
the same); the difference of the two instruction counts divided by the extra reports is the
parser's cost per report (``parse_report`` of the text: start-up, imports and first-call caches
cancel out). Prints which gkreport it measured (``PYTHONPATH=/other/checkout`` measures another
version of the code), and instructions per report. Needs valgrind (Debian package ``valgrind``).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

SEEDS = sorted((Path(__file__).resolve().parent.parent / "data" / "reports").glob("*.txt"))


def parse_copies(rounds: int) -> None:
    from gkreport.parse import parse_report

    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    for r in range(rounds):
        for k, text in enumerate(texts):
            parse_report(text.replace("政务公开", f"政务公开（第{r}-{k}号）", 1))


def instructions(rounds: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
                        __file__, "--inner", str(rounds)], check=True, capture_output=True)
        m = re.search(r"^(?:summary|totals): (\d+)", out.read_text(errors="replace"), re.M)
        return int(m.group(1))


def main(argv: list[str]) -> None:
    if argv[:1] == ["--inner"]:
        parse_copies(int(argv[1]))
        return
    rounds = int(argv[0]) if argv else 4
    import gkreport
    from gkreport.parse import PARSER_VERSION

    print(f"gkreport from {Path(gkreport.__file__).parent} (parser version {PARSER_VERSION})")
    base, more = instructions(1), instructions(1 + rounds)
    per_report = (more - base) / (rounds * len(SEEDS))
    print(f"{len(SEEDS)} sample reports × {rounds} rounds: {per_report / 1e6:.1f} M instructions per report "
          f"(start-up and first round: {base / 1e6:.0f} M)")


if __name__ == "__main__":
    main(sys.argv[1:])
