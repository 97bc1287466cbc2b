"""Reports as published — web pages, Word files, PDFs, zip archives — give the same values as the text originals.

Each sample report is rendered to HTML, DOCX and PDF (renderings.py: official merged
cells, table 3 broken across a page in the PDF) and must give exactly the values and
damage flags of fixtures/expected.json. Malformed files of every format fail with a
clear message while the batch goes on.
"""

import io
import json
import os
import sqlite3
import zipfile
from functools import lru_cache
from pathlib import Path

import pytest

import expected_values as ev
import renderings
from conftest import EXPECTED, ROOT, seed_path
from gkreport.extract import ExtractError, ScannedPDF, extract
from gkreport.extract.archive import member_name
from gkreport.extract.html import table_grid
from gkreport.ingest import ingest
from gkreport.parse import parse_report

CASES = EXPECTED["reports"]
FORMATS = ("html", "html-gbk", "docx", "pdf")
SUFFIX = {"html": ".html", "html-gbk": ".htm", "docx": ".docx", "pdf": ".pdf"}
PEERS = ROOT.parent / "shared" / "corpus" / "peers"


def _need_font() -> None:
    if not renderings.CJK_FONT.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must install fonts-wqy-zenhei ({renderings.CJK_FONT}): see scripts/test.sh")
        pytest.skip("PDF rendering needs a CJK font: apt-get install fonts-wqy-zenhei")


@lru_cache(maxsize=None)
def rendered(file: str, fmt: str) -> tuple[bytes, tuple]:
    """A sample rendered in a format, and (for PDFs) the page each table was drawn on."""
    pages: dict = {}
    data = renderings.render(seed_path(file).read_text(encoding="utf-8"), fmt, pages)
    return data, tuple(sorted(pages.items()))


def _name(case: dict, fmt: str) -> str:
    return Path(case["file"]).stem + SUFFIX[fmt]


@pytest.fixture(params=[(c, f) for c in CASES for f in FORMATS], ids=[f"{c['file'][:3]}-{f}" for c in CASES
                                                                        for f in FORMATS])
def published(request):
    case, fmt = request.param
    if fmt == "pdf":
        _need_font()
    data, _ = rendered(case["file"], fmt)
    extracted = extract(_name(case, fmt), data)
    return case, fmt, extracted, parse_report(extracted.text)


@pytest.mark.parametrize("check", ev.ALL_CHECKS, ids=[c.__name__ for c in ev.ALL_CHECKS])
def test_same_values_whatever_the_format(published, check):
    case, fmt, extracted, report = published
    assert extracted.source_format == fmt.split("-")[0]
    if check is ev.check_damage_flagged:
        check(case, report, rendered=True)
    else:
        check(case, report)


def test_renderings_keep_the_official_merged_cells():
    """The fixtures really exercise merged cells: table 3's header and groups span rows and columns."""
    data, _ = rendered(CASES[0]["file"], "html")
    from bs4 import BeautifulSoup

    tables = BeautifulSoup(data, "lxml").find_all("table")
    t3 = next(t for t in tables if "本年新收" in t.get_text())
    assert t3.find("td", rowspan="3", colspan="3") is not None           # the 勾稽 note
    assert t3.find("td", string="三、本年度办理结果").get("rowspan") == "22"
    grid = table_grid(t3)
    assert {len(row) for row in grid} == {10}                            # 3 label columns + 7 values
    assert grid[5][0] == "三、本年度办理结果" and "予以公开" in grid[5][1] and grid[5][2] == ""
    assert grid[6][0] == "" and "部分公开" in grid[6][1]                  # covered by the rowspan above


def test_pdf_provenance_names_the_page_of_each_table(tmp_path):
    """A PDF keeps, for each table, the page it was found on; table 3 runs over a page break."""
    _need_font()
    case = CASES[0]
    data, pages = rendered(case["file"], "pdf")
    assert dict(pages)["table3"] < dict(pages)["table4"]
    extracted = extract("x.pdf", data)
    t3_pages = {p for line, p in zip(extracted.text.split("\n"), extracted.line_pages) if "\t" in line
                and any(w in line for w in ("国家秘密", "行政查询"))}
    assert len(t3_pages) == 2  # 1. 属于国家秘密 and 8. 属于行政查询事项 sit on either side of the break
    (tmp_path / "r.pdf").write_bytes(data)
    db = tmp_path / "r.db"
    ingest([tmp_path], db)
    row = sqlite3.connect(db).execute("select source_format, provenance from reports").fetchone()
    assert row[0] == "pdf"
    assert json.loads(row[1]) == dict(pages)


# --- archives ---------------------------------------------------------------


class _GbkName(zipfile.ZipInfo):
    """A member name written the way Chinese Windows zip tools write it: GBK bytes, no UTF-8 flag."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gb18030"), self.flag_bits & ~0x800


def _zip(entries: dict, gbk: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            info = _GbkName(name) if gbk else zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


def test_gbk_member_names_are_read_as_chinese():
    data = _zip({"年报/上杭县2021年报告.html": b"x"}, gbk=True)
    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    assert info.filename != "年报/上杭县2021年报告.html"  # Python alone reads it as cp437
    assert member_name(info) == "年报/上杭县2021年报告.html"


def test_archive_members_ingest_with_their_own_values(tmp_path):
    _need_font()
    formats = ("html", "docx", "pdf", "html-gbk", "docx")
    entries = {f"年报/{_name(c, f)}": rendered(c["file"], f)[0] for c, f in zip(CASES, formats)}
    entries["年报/重复/000.pdf"] = rendered(CASES[0]["file"], "pdf")[0]  # the same report, downloaded twice
    entries["年报/说明.txt"] = "这是压缩包说明，不是报告。".encode("gb18030")
    entries["../../etc/逃逸.html"] = rendered(CASES[0]["file"], "html")[0]
    archive = tmp_path / "reports.zip"
    archive.write_bytes(_zip(entries, gbk=True))
    db = tmp_path / "a.db"
    summary = ingest([tmp_path], db)
    by_status = {}
    for o in summary.outcomes:
        by_status.setdefault(o.status, {})[o.path.split("!", 1)[1]] = o.message
    assert len(by_status["stored"]) == 5
    assert list(by_status["duplicate"]) == ["年报/重复/000.pdf"]  # same values, whatever the format
    assert "压缩包以外" in by_status["failed"]["../../etc/逃逸.html"]
    assert not (tmp_path.parent.parent / "etc" / "逃逸.html").exists()
    assert "不是政府信息公开工作年度报告" in by_status["failed"]["年报/说明.txt"]
    con = sqlite3.connect(db)
    rows = dict(con.execute("select source_path, source_format from reports").fetchall())
    assert rows == {f"{archive}!年报/{_name(c, f)}": f.split("-")[0] for c, f in zip(CASES, formats)}
    new = dict(con.execute("select r.source_path, s.total from request_stats s join reports r "
                           "on r.id = s.report_id where s.row_key = 'new_received'").fetchall())
    assert new[f"{archive}!年报/{_name(CASES[2], 'pdf')}"] == 7
    again = ingest([tmp_path], db)
    assert again.stored == 0 and again.unchanged == 5 and again.duplicates == 1  # the copy is a duplicate again


def test_archive_limits_stop_bombs_and_deep_nesting(tmp_path, monkeypatch):
    from gkreport.extract import archive

    good = rendered(CASES[0]["file"], "html")[0]
    nested = _zip({"000.html": good})
    for _ in range(archive.MAX_DEPTH + 1):
        nested = _zip({"inner.zip": nested})
    (tmp_path / "deep.zip").write_bytes(nested)
    (tmp_path / "bomb.zip").write_bytes(_zip({"bomb.txt": b"0" * (8 << 20), "000.html": good}))
    (tmp_path / "many.zip").write_bytes(_zip({f"{i}.txt": b"x" for i in range(5)}))
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.setattr(archive, "MAX_MEMBERS", 4)
    summary = ingest([tmp_path], tmp_path / "z.db")
    failed = {Path(o.path).name: o.message for o in summary.outcomes if o.status == "failed"}
    assert summary.stored == 1  # bomb.zip's real report still goes in
    assert "压缩比异常" in failed["bomb.zip!bomb.txt"]
    assert any("嵌套超过" in m for p, m in failed.items() if p.startswith("deep.zip!"))
    assert "超过上限 4 个" in failed["many.zip"]
    assert "压缩包已损坏" in failed["broken.zip"]


# --- malformed files: a clear message each, and the batch goes on ---------------


def test_malformed_files_fail_clearly_and_the_batch_goes_on(tmp_path):
    _need_font()
    pdf = rendered(CASES[0]["file"], "pdf")[0]
    (tmp_path / "truncated.pdf").write_bytes(pdf[:len(pdf) // 2])  # a download cut off half-way
    (tmp_path / "not_a_zip.docx").write_bytes("上杭县 2021 年政府信息公开工作年度报告".encode())
    (tmp_path / "no_report.html").write_bytes("<html><body><h1>网站首页</h1><p>欢迎访问</p></body></html>".encode())
    (tmp_path / "not_a_word.doc").write_bytes(b"plain bytes, not OLE")
    (tmp_path / "good.pdf").write_bytes(pdf)
    summary = ingest([tmp_path], tmp_path / "m.db")
    failed = {Path(o.path).name: o.message for o in summary.outcomes if o.status == "failed"}
    assert summary.stored == 1
    assert "PDF 文件已损坏或不完整" in failed["truncated.pdf"]
    assert "不是有效的 Word 文档" in failed["not_a_zip.docx"]
    assert "网页中找不到年度报告正文" in failed["no_report.html"]
    assert "不是有效的 .doc 文件" in failed["not_a_word.doc"]


def _image_pdf() -> bytes:
    """A 'scan': one page that is only an image, no text layer."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawImage(ImageReader(Image.new("RGB", (200, 280), "white")), 50, 50, 400, 560)
    c.showPage()
    c.save()
    return out.getvalue()


def test_without_ocr_a_scan_is_stored_as_error_with_metadata_from_its_name(tmp_path):
    """--no-ocr: scans are not read, only named in the database with what their file names say."""
    with pytest.raises(ScannedPDF, match="扫描件，没有文本层"):
        extract("scan.pdf", _image_pdf(), ocr=False)
    (tmp_path / "洪泽区人民政府2023年政府信息公开工作年度报告.pdf").write_bytes(_image_pdf())
    (tmp_path / "扫描001.pdf").write_bytes(_image_pdf() + b"\n% another scan")
    summary = ingest([tmp_path], tmp_path / "s.db", ocr=False)
    assert summary.stored == 2 and summary.errors == 2 and summary.failed == 0
    con = sqlite3.connect(tmp_path / "s.db")
    rows = {Path(p).name: rest for p, *rest in con.execute(
        "select r.source_path, r.status, r.agency_name, r.year, r.source_format, c.message, c.rule "
        "from reports r join checks c on c.report_id = r.id")}
    named = rows["洪泽区人民政府2023年政府信息公开工作年度报告.pdf"]
    assert named[:4] == ["error", "洪泽区人民政府", 2023, "pdf"]
    assert "扫描件，没有文本层" in named[4] and named[5] == "scanned_pdf"
    assert rows["扫描001.pdf"][:3] == ["error", None, None]
    assert con.execute("pragma foreign_key_check").fetchall() == []


# --- real reports from other projects -------------------------------------------

PEER_VALUES = {
    # read off the documents: new requests (natural persons, total), carried forward, review total
    "govnianbao/szfgs2024.pdf": ("淮安市人民政府", 2024, "ok", 3001, 3119, 103, 351),
    "KIROGOVCOMPARE/hzq2024_working.pdf": ("淮安市洪泽区人民政府", 2024, "ok", 95, 95, 0, 2),
    # the report itself prints review total 0 for 10 + 1 + 0 + 0: the check must say so
    "KIROGOVCOMPARE/hzq2023_working.pdf": ("洪泽区人民政府", 2023, "warning", 21, 21, 0, 0),
}


@pytest.mark.parametrize("name", sorted(PEER_VALUES))
def test_real_pdfs_from_other_projects(name):
    path = PEERS / name
    if not path.exists():
        pytest.skip("shared/corpus/peers is not beside this checkout")
    extracted = extract(str(path), path.read_bytes())
    r = parse_report(extracted.text)
    agency, year, status, persons, total, forward, review = PEER_VALUES[name]
    assert (r.meta.agency_name, r.meta.year, r.status) == (agency, year, status)
    assert r.tables.requests["new_received"]["natural_person"] == persons
    assert r.tables.requests["new_received"]["total"] == total
    assert r.tables.requests["carried_forward"]["total"] == forward
    assert r.tables.appeals["review"]["total"] == review
    if status == "warning":
        assert {c.rule for c in r.checks if c.severity == "warning"} == {"t4_review_total",
                                                                         "t4_litigation_after_review_total"}


def test_blank_official_template_docx_reads_every_table_label():
    """The official 2021 template as a Word file: merged cells resolved, no numbers invented."""
    path = PEERS / "govnianbao" / "政务公开年报模版.docx"
    if not path.exists():
        pytest.skip("shared/corpus/peers is not beside this checkout")
    text = extract(str(path), path.read_bytes()).text
    # (a row keeps its empty cells, each in its column: a blank cell is read by its place)
    lines = [line.rstrip("\t") for line in text.split("\n")]
    assert "三、本年度办理结果\t（一）予以公开" in lines
    assert "\t（三）不予公开\t1.属于国家秘密" in lines
    assert lines[lines.index("行政复议\t\t\t\t\t行政诉讼") + 1].startswith("结果维持\t")
    r = parse_report(text)
    assert all(v is None for row in r.tables.requests.values() for v in row.values())


# --- old Word and WPS files, scans ------------------------------------------------

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"


@pytest.mark.parametrize("name", ["002_dc17ca86c1b8bf45.doc", "004_59f3838da1fae8cc.wps"])
def test_doc_and_wps_give_the_same_values(name):
    from gkreport.extract import legacy

    if legacy.available() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install catdoc: see scripts/test.sh")
        pytest.skip("no .doc converter installed (LibreOffice, catdoc or antiword)")
    case = next(c for c in CASES if c["file"][:3] == name[:3])
    extracted = extract(name, (FIXTURES / name).read_bytes())
    assert extracted.source_format == name[-3:]
    report = parse_report(extracted.text)
    for check in ev.ALL_CHECKS:
        if check is ev.check_table2:
            check(case, report, cells_kept=False)  # catdoc drops the empty cells at the end of a row
        elif check is ev.check_damage_flagged:
            check(case, report, rendered=True)  # made from the DOCX rendering
        else:
            check(case, report)


def test_doc_without_a_converter_names_the_ones_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty PATH: no converter can be found
    with pytest.raises(ExtractError) as e:
        extract("x.doc", (FIXTURES / "002_dc17ca86c1b8bf45.doc").read_bytes())
    assert all(word in e.value.message for word in ("没有安装转换工具", "LibreOffice", "catdoc", "antiword"))


def test_ocr_reads_a_scanned_page(tmp_path):
    """A page that is only a picture of the report is read by OCR, by default."""
    _need_font()
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    page = pdfium.PdfDocument(rendered(CASES[0]["file"], "pdf")[0])[0].render(scale=200 / 72).to_pil()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.drawImage(ImageReader(page), 0, 0, *A4)
    c.save()
    (tmp_path / "scan.pdf").write_bytes(out.getvalue())
    ingest([tmp_path], tmp_path / "o.db")
    row = sqlite3.connect(tmp_path / "o.db").execute("select agency_name, year, source_format from reports").fetchone()
    assert row == ("上杭县人民政府办公室", 2021, "pdf")  # read off the picture: the file is called scan.pdf


def test_the_content_decides_over_the_suffix():
    """Sites serve Word-HTML as .doc, and people rename .doc to .docx: read what the bytes are."""
    case = CASES[0]
    page = extract("年报.doc", rendered(case["file"], "html")[0])
    assert page.source_format == "html"
    ev.check_table3(case, parse_report(page.text))
    with pytest.raises(ExtractError, match="不是有效的 .doc 文件"):
        extract("x.doc", b"\x00\x01 binary junk")


def test_html_grid_resolves_overlapping_spans_and_layout_tables():
    from bs4 import BeautifulSoup

    cells = BeautifulSoup("""<table><tr><td rowspan="2">A</td><td colspan="2">B</td><td rowspan="3">C</td></tr>
        <tr><td>d</td><td rowspan="0">e</td></tr><tr><th>f</th><td>g</td></tr></table>""", "lxml").table
    assert table_grid(cells) == [["A", "B", "", "C"], ["", "d", "e", ""], ["f", "g", "", ""]]
    # old government sites wrap the whole page in a layout table: its cells are read as paragraphs
    page = f"""<html><body><table><tr><td>导航 首页</td></tr><tr><td>
        {rendered(CASES[4]["file"], "html")[0].decode()}</td></tr></table></body></html>"""
    text = extract("p.html", page.encode()).text
    ev.check_table2(CASES[4], parse_report(text))
