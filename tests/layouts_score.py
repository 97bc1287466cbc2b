"""Score a folder of layout files against its ``expected.yaml`` (the format of tests/fixtures/layouts/).

Each file goes through what an ingest does with it (``ingest.parse_file``: extract, parse, agency)
and is written into a real SQLite database (``store.write``); its cells are read back from there
and compared with every expected cell. Any folder holding report files and an ``expected.yaml``
in that format can be scored:

    python -m tests.layouts_score DIR        (from the repository root; prints the tables, exits 1 when
                                              a threshold of test_layouts_blind.py is not met)
    GKREPORT_LAYOUTS_DIR=DIR pytest tests/test_layouts_blind.py -s
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a module, not only under pytest

import cell_score as cs  # noqa: E402
from gkreport import store  # noqa: E402
from gkreport import template as T  # noqa: E402
from gkreport.ingest import parse_file  # noqa: E402

MIN_EXACT = 0.995
META = ("agency_name", "year", "template", "table2_template", "table3_template", "status", "province", "city")


@dataclass
class FolderScore:
    results: list[tuple[dict, cs.FileScore, dict]]  # (expected entry, its score, what was stored)
    by_class: dict[str, cs.Tally] = field(default_factory=dict)
    total: cs.Tally = field(default_factory=cs.Tally)
    meta_misses: dict[str, list[str]] = field(default_factory=dict)

    def failures(self) -> list[str]:
        out = []
        if self.meta_misses:
            out.append("agency, year or template not as expected")
        if self.total.tables_not_found:
            out.append(f"{self.total.tables_not_found} whole tables not read")
        if self.total.wrong_unflagged:
            out.append(f"{self.total.wrong_unflagged} wrong values without a check")
        if self.total.rate < MIN_EXACT:
            out.append(f"{100 * self.total.rate:.2f} % of cells exact (< {100 * MIN_EXACT:.1f} %)")
        return out


def _read_back(db, report_id: str) -> tuple[dict, list]:
    rows = {}
    for table in ("active_disclosure", "request_stats", "appeal_stats"):
        cols = ", ".join(f"[{c}]" for c in store.COLUMNS[table])
        rows[table] = db.execute(f"select {cols} from [{table}] where report_id = ?", [report_id]).fetchall()
    checks = db.execute("select rule, severity, location from checks where report_id = ?", [report_id]).fetchall()
    return cs.stored_cells(rows), [tuple(c) for c in checks]


def _metadata_misses(case: dict, meta: dict) -> list[str]:
    """The agency, year and templates an entry names (those it leaves out are not scored)."""
    misses = []
    if "agency_name" in case:
        names = {case["agency_name"], *case.get("agency_name_accept", ())}
        if meta.get("agency_name") not in names:
            misses.append(f"agency {meta.get('agency_name')!r}")
    for key in ("year", "template", "table2_template", "table3_template"):
        if key in case and str(meta.get(key)) != str(case.get(key)):
            misses.append(f"{key} {meta.get(key)!r}≠{case.get(key)!r}")
    return misses


def score_folder(folder: Path, db_dir: Path) -> FolderScore:
    cases = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))["files"]
    db = store.connect(db_dir / "layouts.db")
    store.ensure_db_shape(db)
    results = []
    for case in cases:
        path = folder / case["file"]
        expected = cs.expected_cells(case)
        # a 2021 table 3 stores the derived （六） row too; an entry lists only the printed rows
        ignore = ["request_stats.other_handling."] if str(case.get("table3_template")) == T.T2021 else []
        clean = cs.is_clean(expected, case.get("table3_template"))
        if not path.is_file():  # scored as a file that failed: every cell missing
            results.append((case, cs.score(expected, {}, [], clean=clean, ignore=ignore), {"error": "no such file"}))
            continue
        data = path.read_bytes()
        parsed = parse_file(str(path), data, hashlib.sha256(data).hexdigest())
        if parsed.error:
            got, checks, meta = {}, [], {"error": parsed.error}
        else:
            # one file at a time: two layouts of one report may have the same text, and so the same id
            store.write(db, parsed.prepared)
            rid = parsed.prepared.report_id
            got, checks = _read_back(db, rid)
            row = db.execute(f"select {', '.join(META)} from reports where id = ?", [rid]).fetchone()
            meta = dict(zip(META, row))
            store.delete_report(db, rid)
        results.append((case, cs.score(expected, got, checks, clean=clean, ignore=ignore), meta))
    db.close()

    out = FolderScore(results)
    by_class: dict[str, cs.Tally] = defaultdict(cs.Tally)
    for case, fs, meta in results:
        out.total.add(fs.tally)
        for cls in case.get("classes") or ["(none)"]:
            by_class[cls].add(fs.tally)
        misses = _metadata_misses(case, meta)
        if misses:
            out.meta_misses[case["file"]] = misses
    out.by_class = dict(sorted(by_class.items()))
    return out


def print_score(title: str, s: FolderScore) -> None:
    for case, fs, meta in s.results:
        if fs.wrong or fs.missing or fs.alarms or meta.get("error"):
            print(f"\n{case['file']}: {fs.tally.exact}/{fs.tally.cells} exact"
                  + (f"; 失败 {meta['error']}" if meta.get("error") else ""))
            for cell, want, have, f in fs.wrong[:8]:
                print(f"   WRONG {cell}: expected {want}, stored {have}{'' if f else ' (no check)'}")
            for cell, want, f in fs.missing[:5]:
                print(f"   missing {cell} (expected {want}){'' if f else ' (no check)'}")
            if len(fs.missing) > 5:
                print(f"   … {len(fs.missing)} missing in all")
            for alarm in fs.alarms:
                print(f"   false alarm {alarm}")
    cs.print_table(title, {**s.by_class, "ALL": s.total})
    if s.meta_misses:
        print("\nmetadata not as expected:")
        for f, m in s.meta_misses.items():
            print(f"   {f}: {'; '.join(m)}")


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not (Path(argv[0]) / "expected.yaml").is_file():
        print("用法：python -m tests.layouts_score 目录（目录中有报告文件和 expected.yaml）\n"
              "usage: python -m tests.layouts_score DIR (a folder of report files and their expected.yaml)",
              file=sys.stderr)
        return 2
    folder = Path(argv[0]).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        s = score_folder(folder, Path(tmp))
    print_score(f"{folder}, per class", s)
    failures = s.failures()
    print("\n" + ("; ".join(failures) if failures else "all thresholds met"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
