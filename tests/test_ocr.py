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


# --- single pages, pages that are not reports, the models ---------------------------------------

@pytest.fixture(scope="module")
def sideways_page(tmp_path_factory):
    """Page 3 of hzq2023 (the end of table 2, most of table 3) photographed sideways, as one .png,
    ingested; and its text-layer PDF beside it."""
    peers = _need_peers()
    tmp = tmp_path_factory.mktemp("sideways")
    page = scans.render_pages(peers / CLEAN_CI[0])[2]
    scan = scans.write(tmp / "in", "hzq2023_p3.png", scans.image_file(scans.degrade([page], "turn90"), ".png"))
    ingest([peers / CLEAN_CI[0]], tmp / "truth.db", jobs=1)
    ingest([scan], tmp / "scan.db", jobs=1)
    return read_stored(tmp / "truth.db", str(peers / CLEAN_CI[0])), read_stored(tmp / "scan.db", str(scan)), \
        tmp / "scan.db"


def test_a_page_turned_on_its_side_as_png_gives_the_values_printed_on_it(sideways_page):
    truth, got, db = sideways_page
    read = {cell: v for cell, v in got.cells.items() if v is not None}
    assert len(read) >= 100  # table 3 down to 无法提供 and the end of table 2
    assert {cell: truth.cells[cell] for cell in read} == read
    con = sqlite3.connect(db)
    assert con.execute("select turned from scan_pages").fetchall() in ([(90,)], [(270,)])
    n, pages = con.execute("select count(*), group_concat(distinct page) from ocr_cells where kept").fetchone()
    assert n >= 100 and pages == "1"


async def test_the_report_page_marks_values_read_from_a_scan_and_links_its_page_image(sideways_page):
    from gkreport.site import build

    _, _, db = sideways_page
    rid = sqlite3.connect(db).execute("select id from reports").fetchone()[0]
    ds = build(db)
    page = await ds.client.get(f"/report/{rid}")
    assert page.status_code == 200
    html = page.text
    assert "这是扫描件" in html and html.count('<sup class="gk-ocr">识</sup>') >= 100
    assert "文字识别：第 1 页，置信度" in html
    link = f"/report/{rid}/page/1.webp"
    assert f'href="{link}"' in html
    image = await ds.client.get(link)
    assert image.status_code == 200 and image.headers["content-type"] == "image/webp"
    assert image.content[:4] == b"RIFF" and 10_000 < len(image.content) < 200_000
    assert (await ds.client.get(f"/report/{rid}/page/2.webp")).status_code == 404
    assert (await ds.client.post(link)).status_code == 405  # read-only, as the whole site


async def test_a_report_read_from_text_has_no_ocr_marks(app, seed_db):
    rid = sqlite3.connect(seed_db).execute("select id from reports limit 1").fetchone()[0]
    html = (await app.client.get(f"/report/{rid}")).text
    assert "表二" in html and "gk-ocr" not in html and "扫描页" not in html


def test_a_pdf_with_a_page_pasted_in_as_a_picture_reads_that_page_by_ocr(tmp_path):
    """hzq2023 with its page 3 (most of table 3) replaced by a picture of it: the text pages are read
    from their text layer, page 3 by OCR, and table 3 joins across both."""
    peers = _need_peers()
    mixed = scans.write(tmp_path / "in", "hzq2023_mixed.pdf", scans.with_pictures(peers / CLEAN_CI[0], {3}))
    ingest([peers / CLEAN_CI[0]], tmp_path / "truth.db", jobs=1)
    ingest([mixed], tmp_path / "mixed.db", jobs=1)
    s = score(read_stored(tmp_path / "truth.db", str(peers / CLEAN_CI[0])), read_stored(tmp_path / "mixed.db", str(mixed)))
    assert s.exact == s.total == 186, s.line("mixed")
    con = sqlite3.connect(tmp_path / "mixed.db")
    assert con.execute("select group_concat(distinct page), count(*) from ocr_cells").fetchone()[0] == "3"
    assert con.execute("select page from scan_pages").fetchall() == [(3,)]


def _failed(tmp_path: Path, name: str, data: bytes) -> str:
    path = scans.write(tmp_path / "in", name, data)
    outcomes = []
    summary = ingest([path], tmp_path / f"{name}.db", jobs=1, on_outcome=outcomes.append)
    assert summary.failed == 1 and summary.stored == 0
    return outcomes[0].message


def test_a_blank_page_says_it_is_blank(tmp_path):
    assert _failed(tmp_path, "blank.png", scans.image_file([scans.blank_page()], ".png")) == \
        "扫描件上没有可识别的文字（这一页是空白页）"


def test_a_page_that_is_no_report_says_what_it_reads_instead(tmp_path):
    message = _failed(tmp_path, "notice.jpg", scans.image_file([scans.notice_page()], ".jpg"))
    assert message.startswith("扫描件识别出的文字不是政府信息公开工作年度报告")
    assert "关于召开" in message  # what the page says it is


def test_a_photo_of_a_table_without_ruling_lines_says_its_cells_cannot_be_told(tmp_path):
    message = _failed(tmp_path, "photo.jpg", scans.image_file([scans.unruled_table_photo()], ".jpg"))
    assert "第 1 页的表格没有表格线" in message and "不是可以读取的年度报告" in message


def test_an_unreadable_image_file_says_so(tmp_path):
    message = _failed(tmp_path, "broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert message.startswith("图片文件已损坏或无法识别")


def test_the_models_come_from_the_installed_package_and_nothing_is_fetched(tmp_path):
    """The OCR reads a page in a process where opening any socket fails."""
    import subprocess
    import sys

    from gkreport.extract.scan.engine import model_files

    files = model_files()
    assert len(files) >= 2 and all("site-packages" in str(f) or ".venv" in str(f) for f in files)
    page = scans.write(tmp_path, "notice.png", scans.image_file([scans.notice_page()], ".png"))
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('no network')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse; socket.getaddrinfo = refuse\n"
        "import numpy as np; from PIL import Image\n"
        "from gkreport.extract.scan.engine import read, recognise\n"
        f"page = np.asarray(Image.open({str(page)!r}).convert('L'))\n"
        "first = read(page)\n"
        "line = first[0]\n"
        "recognise(page[int(line.top):int(line.bottom), int(line.x0):int(line.x1)])\n"
        "again = read(page)\n"  # a page read after a cell is read the whole way again
        "print(len(first), len(again), ''.join(b.text for b in again))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "no_proxy": "*"})
    assert done.returncode == 0, done.stderr[-2000:]
    first, again, text = done.stdout.split(maxsplit=2)
    assert int(first) == int(again) >= 6 and "运动会" in text
