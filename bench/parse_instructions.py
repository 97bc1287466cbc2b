"""Instructions the parser executes per report, counted by valgrind's callgrind: a steady measure
of the parser's cost that a busy machine does not move (wall and CPU times do, by half here).

Usage: python bench/parse_instructions.py [ROUNDS] [--format txt|html|doc]   (default 4, txt)
Runs Python under ``valgrind --tool=callgrind`` twice: reading the sample reports once, and
1 + ROUNDS times (each copy's narrative varied, as bench/ingest.py varies it, so no two texts are
the same); the difference of the two instruction counts divided by the extra reports is the
cost per report (start-up, imports and first-call caches cancel out).
txt: the text decoded and parsed (``extract``, ``parse_report``); html: the samples as web pages
(tests/renderings.py) extracted and parsed; doc: the .doc/.wps fixtures (catdoc runs in a child
process, which callgrind does not count). Prints which gkreport it measured
(``PYTHONPATH=/other/checkout`` measures another version of the code) and instructions per report.
Needs valgrind (Debian package ``valgrind``).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "data" / "reports").glob("*.txt"))


def documents(fmt: str) -> list[tuple[str, bytes]]:
    if fmt == "doc":
        return [(p.name, p.read_bytes()) for p in sorted((ROOT / "tests" / "fixtures" / "formats").glob("*.[dw]*"))]
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    if fmt == "html":
        sys.path.insert(0, str(ROOT / "tests"))
        import renderings

        return [(f"{k}.html", renderings.render(text, "html")) for k, text in enumerate(texts)]
    return [(f"{k}.txt", text.encode("utf-8")) for k, text in enumerate(texts)]


def parse_copies(rounds: int, fmt: str) -> None:
    from gkreport.extract import extract
    from gkreport.parse import parse_report

    docs = documents(fmt)  # made in both runs, so their cost cancels out
    for r in range(rounds):
        for k, (name, data) in enumerate(docs):
            if fmt != "doc":  # a .doc is binary: the same bytes again
                data = data.replace("政务公开".encode(), f"政务公开（第{r}-{k}号）".encode(), 1)
            parse_report(extract(name, data).text)


def instructions(rounds: int, fmt: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
                        __file__, "--inner", str(rounds), fmt], check=True, capture_output=True)
        m = re.search(r"^(?:summary|totals): (\d+)", out.read_text(errors="replace"), re.M)
        return int(m.group(1))


def main(argv: list[str]) -> None:
    if argv[:1] == ["--inner"]:
        parse_copies(int(argv[1]), argv[2])
        return
    fmt = "txt"
    if "--format" in argv:
        at = argv.index("--format")
        fmt = argv[at + 1]
        del argv[at:at + 2]
    rounds = int(argv[0]) if argv else 4
    import gkreport
    from gkreport.parse import PARSER_VERSION

    print(f"gkreport from {Path(gkreport.__file__).parent} (parser version {PARSER_VERSION})")
    base, more = instructions(1, fmt), instructions(1 + rounds, fmt)
    n = len(documents(fmt))
    print(f"{fmt}: {n} sample reports × {rounds} rounds: {(more - base) / (rounds * n) / 1e6:.1f} M instructions per report "
          f"(start-up and first round: {base / 1e6:.0f} M)")


if __name__ == "__main__":
    main(sys.argv[1:])
