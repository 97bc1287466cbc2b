"""The evaluation files of fixtures/layouts/ (70 whole reports in the layouts and damage real reports
come in, with every expected cell written from the documentation): read through the real pipeline,
every cell compared.

Each file goes through what an ingest does with it (``ingest.parse_file``: extract, parse, agency)
and is written into a real SQLite database (``store.write``); its cells are read back from there.
The test prints, per class of layout or damage, the exact-cell rate, the missing cells (and those
no check names), the wrong values (and those no check names), the tables not found, and the
warnings on clean reports read exactly (false alarms); and it checks each file's agency, year and
templates. ``pytest tests/test_layouts_blind.py -s``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

import cell_score as cs
from gkreport import store
from gkreport import template as T
from gkreport.ingest import parse_file

HERE = Path(__file__).resolve().parent / "fixtures" / "layouts"
CASES = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))["files"]

MIN_EXACT = 0.995
META = ("agency_name", "year", "template", "table2_template", "table3_template", "status", "province", "city")


def _read_back(db, report_id: str) -> tuple[dict, list]:
    rows = {}
    for table in ("active_disclosure", "request_stats", "appeal_stats"):
        cols = ", ".join(f"[{c}]" for c in store.COLUMNS[table])
        rows[table] = db.execute(f"select {cols} from [{table}] where report_id = ?", [report_id]).fetchall()
    checks = db.execute("select rule, severity, location from checks where report_id = ?", [report_id]).fetchall()
    return cs.stored_cells(rows), [tuple(c) for c in checks]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    db = store.connect(tmp_path_factory.mktemp("blind") / "blind.db")
    store.ensure_db_shape(db)
    out = []
    for case in CASES:
        path = HERE / case["file"]
        data = path.read_bytes()
        parsed = parse_file(str(path), data, hashlib.sha256(data).hexdigest())
        expected = cs.expected_cells(case)
        ignore = ["request_stats.other_handling."] if case.get("table3_template") == T.T2021 else []
        clean = cs.is_clean(expected, case.get("table3_template"))
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
        out.append((case, cs.score(expected, got, checks, clean=clean, ignore=ignore), meta))
    return out


def _metadata_misses(case: dict, meta: dict) -> list[str]:
    misses = []
    names = {case["agency_name"], *case.get("agency_name_accept", ())}
    if meta.get("agency_name") not in names:
        misses.append(f"agency {meta.get('agency_name')!r}")
    for key in ("year", "template", "table2_template", "table3_template"):
        if str(meta.get(key)) != str(case.get(key)):
            misses.append(f"{key} {meta.get(key)!r}≠{case.get(key)!r}")
    return misses


def test_every_layout_is_read(results):
    by_class: dict[str, cs.Tally] = defaultdict(cs.Tally)
    total = cs.Tally()
    meta_misses = {}
    for case, fs, meta in results:
        total.add(fs.tally)
        for cls in case["classes"]:
            by_class[cls].add(fs.tally)
        misses = _metadata_misses(case, meta)
        if misses:
            meta_misses[case["file"]] = misses
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
    cs.print_table("blind layout files, per class", {**dict(sorted(by_class.items())), "ALL": total})
    if meta_misses:
        print("\nmetadata not as expected:")
        for f, m in meta_misses.items():
            print(f"   {f}: {'; '.join(m)}")

    assert not meta_misses, "agency, year or template not as expected"
    assert total.tables_not_found == 0, "a whole table was not read"
    assert total.wrong_unflagged == 0, "a wrong value without a check"
    assert total.rate >= MIN_EXACT, f"{100 * total.rate:.2f} % of cells exact"
