"""Scanned reports, measured: every table cell read from a scan against the same cell read from the PDF's text layer.

The three real PDFs of shared/corpus/peers are rendered to page images at 200 DPI (tests/scans.py),
made into image-only PDFs and image files, and degraded as scans are. Both the PDFs and their scans
go through the normal ingest into a real SQLite file; the cells are then read back from the public
tables. A cell is *exact* when the scan gives the text layer's value, *flagged* when it is NULL (or
differs) with a check that names it; anything else is a failure of the measure.

CI runs a few pages (one clean report, one badly scanned report, one turned page and the three pages
that are not reports); GKREPORT_OCR_FULL=1 runs every report in every degradation.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import scans
from gkreport.ingest import ingest
from gkreport.template import APPLICANT_KEYS, OUTCOME_KEYS

PEERS = scans.peers_folder()
CLEAN_CI = ["KIROGOVCOMPARE/hzq2023_working.pdf"]
DEGRADED_CI = [("KIROGOVCOMPARE/hzq2024_working.pdf", "scan")]
FULL_KINDS = ("skew", "noise", "blur", "jpeg50", "grey", "turn90", "turn180", "scan")


def _need_peers() -> Path:
    if PEERS is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have shared/corpus/peers beside the checkout")
        pytest.skip("shared/corpus/peers is not beside this checkout")
    return PEERS


def _stem(name: str) -> str:
    return Path(name).stem


# --- reading cells back from a database ---------------------------------------------------------

@dataclass
class Stored:
    status: str | None = None
    cells: dict = field(default_factory=dict)  # location → value
    checks: list = field(default_factory=list)  # (rule, severity, location, message)
    message: str = ""  # when the file was not stored


def read_stored(db: Path, source_path: str) -> Stored:
    con = sqlite3.connect(db)
    try:
        row = con.execute("select id, status from reports where source_path = ?", [source_path]).fetchone()
        if row is None:
            return Stored()
        rid, status = row
        cells = {}
        for item, measure, value in con.execute(
                "select item, measure, value from active_disclosure where report_id = ?", [rid]):
            cells[f"active_disclosure.{item}.{measure}"] = value
        cols = ", ".join(APPLICANT_KEYS)
        for r in con.execute(f"select row_key, {cols} from request_stats where report_id = ?", [rid]):
            cells.update({f"request_stats.{r[0]}.{c}": v for c, v in zip(APPLICANT_KEYS, r[1:])})
        cols = ", ".join(OUTCOME_KEYS)
        for r in con.execute(f"select proceeding, {cols} from appeal_stats where report_id = ?", [rid]):
            cells.update({f"appeal_stats.{r[0]}.{c}": v for c, v in zip(OUTCOME_KEYS, r[1:])})
        checks = con.execute("select rule, severity, location, message from checks where report_id = ?",
                             [rid]).fetchall()
        return Stored(status, cells, checks)
    finally:
        con.close()


def _names_cell(check_location: str | None, cell: str) -> bool:
    return bool(check_location) and (cell == check_location or cell.startswith(check_location + "."))


@dataclass
class Score:
    total: int = 0
    exact: int = 0
    flagged: int = 0  # NULL or different, with a check naming the cell
    unflagged_null: list = field(default_factory=list)
    wrong: list = field(default_factory=list)  # a different value with no check naming it
    wrong_flagged: list = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.exact / self.total if self.total else 0.0

    def line(self, name: str) -> str:
        return (f"{name}: {self.exact}/{self.total} cells exact ({self.rate:.1%}), {self.flagged} NULL or "
                f"different with a check, {len(self.unflagged_null)} NULL without a check, "
                f"{len(self.wrong)} wrong without a check")


def score(truth: Stored, scan: Stored) -> Score:
    s = Score(total=len(truth.cells))
    for cell, value in truth.cells.items():
        got = scan.cells.get(cell)
        if got == value:
            s.exact += 1
            continue
        flagged = any(_names_cell(loc, cell) for _, sev, loc, _ in scan.checks if sev in ("error", "warning"))
        if flagged:
            s.flagged += 1
            if got is not None:
                s.wrong_flagged.append((cell, value, got))
        elif got is None:
            s.unflagged_null.append((cell, value))
        else:
            s.wrong.append((cell, value, got))
    return s


# --- the data sets ------------------------------------------------------------------------------

def _truth_db(tmp: Path) -> Path:
    peers = _need_peers()
    db = tmp / "truth.db"
    summary = ingest([peers / n for n in scans.PEER_PDFS], db, jobs=1)
    assert summary.failed == 0
    return db


def _scan_set(folder: Path, full: bool) -> dict[str, tuple[str, str]]:
    """Writes the scans; returns file path → (peer PDF, kind)."""
    peers = _need_peers()
    made: dict[str, tuple[str, str]] = {}
    clean = scans.PEER_PDFS if full else CLEAN_CI
    degraded = [(n, k) for n in scans.PEER_PDFS for k in FULL_KINDS] if full else DEGRADED_CI
    pages = {n: scans.render_pages(peers / n) for n in {*clean, *(n for n, _ in degraded)}}
    for n in clean:
        p = scans.write(folder, f"clean/{_stem(n)}.pdf", scans.image_pdf(pages[n]))
        made[str(p)] = (n, "clean")
    for i, (n, kind) in enumerate(degraded):
        suffix = ".tif" if i % 2 == 0 else ".pdf"  # both containers of many pages
        imgs = scans.degrade(pages[n], kind)
        data = scans.image_file(imgs, suffix) if suffix == ".tif" else scans.image_pdf(imgs)
        p = scans.write(folder, f"{kind}/{_stem(n)}{suffix}", data)
        made[str(p)] = (n, kind)
    return made


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """Truth and scans, each ingested through the normal pipeline; the OCR uses both cores."""
    tmp = tmp_path_factory.mktemp("ocr")
    truth_db = _truth_db(tmp)
    made = _scan_set(tmp / "scans", scans.ocr_full())
    scan_db = tmp / "scans.db"
    outcomes = {}
    ingest([tmp / "scans"], scan_db, jobs=2, on_outcome=lambda o: outcomes.__setitem__(o.path, o))
    peers = _need_peers()
    results = {}
    for path, (name, kind) in made.items():
        truth = read_stored(truth_db, str(peers / name))
        scan = read_stored(scan_db, path)
        scan.message = outcomes[path].message if path in outcomes else ""
        results[(name, kind)] = (score(truth, scan), scan)
    for (name, kind), (s, _) in sorted(results.items()):
        print(s.line(f"{kind:8} {name}"))
    return results


def _cases(kinds: set[str]) -> list:
    return [k for k in _all_cases() if k[1] in kinds]


def _all_cases() -> list[tuple[str, str]]:
    if scans.ocr_full():
        return [(n, "clean") for n in scans.PEER_PDFS] + [(n, k) for n in scans.PEER_PDFS for k in FULL_KINDS]
    return [(n, "clean") for n in CLEAN_CI] + DEGRADED_CI


@pytest.mark.parametrize("case", _cases({"clean"}), ids=lambda c: f"{c[1]}-{_stem(c[0])}")
def test_clean_scans_read_99_percent_of_cells_and_flag_the_rest(measured, case):
    s, scan = measured[case]
    assert s.total > 150
    assert not s.wrong and not s.wrong_flagged, s.line(case[0])
    assert not s.unflagged_null, s.line(case[0])
    assert s.rate >= 0.99, s.line(case[0]) + f" ({scan.status}, {scan.message or ''})"


@pytest.mark.parametrize("case", _cases(set(FULL_KINDS)), ids=lambda c: f"{c[1]}-{_stem(c[0])}")
def test_degraded_scans_read_95_percent_of_cells_and_no_wrong_value_without_a_check(measured, case):
    s, scan = measured[case]
    assert s.total > 150
    assert not s.wrong, s.line(case[0])
    assert not s.unflagged_null, s.line(case[0])
    assert s.rate >= 0.95, s.line(case[0]) + f" ({scan.status}, {scan.message or ''})"
