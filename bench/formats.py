"""Reports per second for each input format: extraction plus parsing, one process.

Usage: python bench/formats.py [SECONDS]   (default 5: how long each format is timed)
The five sample reports are rendered as the tests render them (tests/renderings.py:
HTML, DOCX, a text PDF with the CJK font from fonts-wqy-zenhei); .doc/.wps use the
fixtures and whichever converter is installed; zip holds all five as PDFs.
"""

from __future__ import annotations

import io
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import renderings  # noqa: E402  (the test renderer: one way to build the documents)

from gkreport.extract import extract, legacy, report_suffixes  # noqa: E402
from gkreport.extract.archive import members  # noqa: E402
from gkreport.parse import parse_report  # noqa: E402

SEEDS = sorted((ROOT / "data" / "reports").glob("*.txt"))
FIXTURES = ROOT / "tests" / "fixtures" / "formats"


def documents() -> dict[str, list[tuple[str, bytes]]]:
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in SEEDS]
    docs = {"txt": [(p.name, p.read_bytes()) for p in SEEDS]}
    for fmt in ("html", "docx", "pdf"):
        docs[fmt] = [(f"{stem}.{fmt}", renderings.render(text, fmt)) for stem, text in texts]
    if legacy.available():
        docs[f"doc/wps ({legacy.available()[0]})"] = [(p.name, p.read_bytes()) for p in sorted(FIXTURES.glob("*.[dw]*"))
                                                     if p.suffix in (".doc", ".wps")]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in docs["pdf"]:
            z.writestr(f"年报/{name}", data)
    docs["zip (of pdf)"] = [("all.zip", out.getvalue())]
    return docs


def reports(name: str, data: bytes) -> int:
    """Extract and parse every report in one file; how many there were."""
    if name.endswith(".zip"):
        found = [m for m in members(name, data, report_suffixes()) if m.data is not None]
        for m in found:
            parse_report(extract(m.path, m.data).text)
        return len(found)
    parse_report(extract(name, data).text)
    return 1


def main(seconds: float) -> None:
    for fmt, files in documents().items():
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for name, data in files:
                done += reports(name, data)
        elapsed = time.perf_counter() - start
        size = sum(len(d) for _, d in files) / len(files) / 1024
        print(f"{fmt:<22} {done / elapsed:8.1f} reports/s   ({done} reports, mean file {size:6.1f} KB)")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0)
