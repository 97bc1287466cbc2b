"""Corrections on the site: marks and evidence on the report page, its JSON, /-/corrections, the corrections
table in Chinese, the failed-checks question with and without the settled checks, and a real browser."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from bs4 import BeautifulSoup

from gkreport.ingest import ingest
from gkreport.review.files import read
from gkreport.site import build

from reviewing import FIX, JIANGLE, SAMPLES, SHANGHANG, SHANGYOU, YINDU, report_id, workspace


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    """The damaged reports and the failing samples with corrections.yaml and stale.yaml applied."""
    ws = workspace(tmp_path_factory.mktemp("site"), SHANGHANG, SHANGYOU, YINDU, JIANGLE,
                   SAMPLES / "003_93984f495c0e3205.txt")
    shutil.copyfile(FIX / "stale.yaml", ws.root / "stale.yaml")
    ingest([ws.reports], ws.db, corrections=[read(FIX / "corrections.yaml"), read(ws.root / "stale.yaml")])
    return ws


@pytest.fixture(scope="module")
def app(corrected):
    return build(corrected.db)


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


async def test_report_page_marks_corrections_confirmations_and_settled_checks(app, corrected):
    page = soup((await app.client.get(f"/report/{report_id(corrected.db, SHANGYOU)}")).text)
    (total,) = page.select('td[data-location="request_stats.total_processed.total"]')
    assert total["class"] == ["gk-corrected"] and total.get_text() == "7改"
    assert total["title"].startswith("人工更正：解析值 9，更正为 7。依据：原表总计印错") and "李卫东，2024-03-19" in total["title"]
    assert page.select_one("dd.gk-status").get_text() == "有警告（4 个问题，其中 4 个已由人工更正解决）"
    heading = page.find("h2", string=lambda s: s and s.startswith("检查发现的问题"))
    assert heading.get_text() == "检查发现的问题（4 个，其中 4 个已由人工更正解决）"
    settled = page.select("li.gk-check-settled")
    assert len(settled) == 4 and all("[已解决]" in li.strong.get_text() for li in settled)
    assert "已由人工更正解决：表三「（七）总计」总计 由 9 更正为 7（李卫东，2024-03-19）" in settled[0].get_text()
    assert not page.select("td.gk-flag")  # nothing left to highlight as a problem
    listed = page.select("ul.gk-corrections li")
    assert len(listed) == 2 and "解析值 1，更正为 0" in listed[1].get_text()

    page = soup((await app.client.get(f"/report/{report_id(corrected.db, JIANGLE)}")).text)
    confirmed = page.select("td.gk-confirmed")
    assert [td["data-location"] for td in confirmed] == [
        "appeal_stats.review.total", "appeal_stats.litigation_direct.total", "appeal_stats.litigation_after_review.total"]
    assert confirmed[0].get_text() == "0核" and confirmed[0]["title"].startswith("经人工核对，数值无误。依据：表四数据行印有16个")
    # three totals confirmed out of fifteen cells: table 4's cell count is not settled
    assert page.select_one("li.gk-check-warning:not(.gk-check-settled)").strong.get_text() == "[警告] 表四：单元格数量"
    assert page.select("td.gk-flag.gk-confirmed")


async def test_report_json_carries_the_corrections(app, corrected):
    data = (await app.client.get(f"/report/{report_id(corrected.db, SHANGHANG)}.json")).json()
    assert [(c["location"], c["parsed_value"], c["value"], c["status"]) for c in data["corrections"]] == [
        # the damaged row 「22 29」 is read by its columns: issued and repealed as parsed, 现行有效 blank
        ("active_disclosure.normative_documents.issued", 22, 22, "same"),
        ("active_disclosure.normative_documents.repealed", 29, 29, "same"),
        ("active_disclosure.normative_documents.in_force", None, 361, "corrected"),
        ("request_stats.new_received.natural_person", 3, 5, "corrected")]
    first = data["corrections"][0]
    assert first["cell"] == "表二「行政规范性文件」本年制发件数" and first["author"] == "王晓燕（数据新闻组）"
    assert first["status_label"] == "与解析值相同" and first["date"] == "2024-03-18"
    assert data["tables"]["table2"]["normative_documents"]["in_force"] == 361
    settled = [c for c in data["checks"]["all"] if c["settled_by"]]
    assert {c["rule"] for c in settled} == {"t2_blank_cells", "t3_received_eq_processed", "t3_total_column"}
    assert data["checks"]["settled_count"] == 3


async def test_the_corrections_page_lists_every_entry_and_what_did_not_apply(app, corrected):
    html = (await app.client.get("/-/corrections")).text
    page = soup(html)
    rows = page.select("table.gk-corrections-list tr")[1:]
    # corrections.yaml's 12, and stale.yaml's 4 less the two cells it shares with it (its entries, applied
    # after, take those cells over: 殷都区's 结转下年度 总计 is now a correction the same as the parsed value)
    assert len(rows) == 12 + 4 - 2
    text = page.get_text(" ")
    assert "共 14 条：" in text and "数据库中没有这份报告 1 条" in text and "报告中没有这一格 1 条" in text
    gone = next(r for r in rows if "不在数据库中" in r.get_text())
    assert "sha256 14477ef2e398" in gone.get_text() and "上犹县" not in gone.get_text()
    link = rows[0].find("a")
    assert link["href"].startswith("/report/")
    data = (await app.client.get("/-/corrections.json")).json()
    assert data["counts"] == {"corrected": 4, "confirmed": 5, "same": 3, "no_cell": 1, "no_report": 1}
    assert "人工更正" in (await app.client.get("/")).text  # in the site's menu


async def test_the_corrections_table_reads_in_chinese(app):
    html = (await app.client.get("/gkreport/corrections?status=corrected")).text
    page = soup(html)
    assert "人工更正" in page.title.get_text()
    cells = [td.get_text(" ", strip=True) for td in page.select("td.col-status")]
    assert cells and set(cells) == {"已更正"}
    assert "表三「（七）总计」总计" in page.get_text()
    hidden = await app.client.get("/gkreport/corrections_parsed.json?_shape=array")
    assert hidden.status_code == 200 and len(hidden.json()) == 5  # every report with a correction


@pytest.mark.parametrize("value,listed", [("", True), ("0", True), ("否", True), ("1", False), ("true", False),
                                          ("是", False), ("YES", False)])
async def test_failed_checks_leave_out_settled_checks_on_request(app, corrected, value, listed):
    r = await app.client.get(f"/gkreport/failed_checks.json?_shape=array&exclude_settled={value}")
    assert r.status_code == 200
    found = {row["报告编号"]: row for row in r.json()}
    assert (report_id(corrected.db, SHANGYOU) in found) is listed
    assert report_id(corrected.db, YINDU) in found  # its 表二 row is still unread
    if not listed:
        assert found[report_id(corrected.db, YINDU)]["问题数"] == 2


async def test_failed_checks_refuse_a_value_that_is_not_yes_or_no(app):
    r = await app.client.get("/gkreport/failed_checks.json?exclude_settled=maybe")
    error = r.json()["error"]
    assert r.status_code == 400 and "不含已由人工更正解决的检查「maybe」无法识别，应为是（1）或否（0）。" in error
    assert "数据中有" not in error  # a yes or no is not a value found in the data
    html = (await app.client.get("/gkreport/failed_checks")).text
    select = soup(html).find("select", attrs={"name": "exclude_settled"})
    assert [o.get_text() for o in select.find_all("option")] == ["否：包括已由人工更正解决的", "是：只列出仍未解决的问题"]


def test_a_database_from_before_corrections_is_served(tmp_path):
    """A file built before corrections existed gets the table and the column when the site starts."""
    from gkreport.site import prepare

    ws = workspace(tmp_path, SHANGYOU)
    ingest([ws.reports], ws.db)
    conn = sqlite3.connect(ws.db)
    with conn:
        conn.execute("drop table corrections")
        conn.execute("drop table if exists corrections_parsed")
        conn.execute("alter table checks drop column settled_by")
    conn.close()
    prepare(ws.db, echo=lambda line: None)
    conn = sqlite3.connect(ws.db)
    assert conn.execute("select count(*) from corrections").fetchone() == (0,)
    assert "settled_by" in {r[1] for r in conn.execute("pragma table_info(checks)")}
    conn.close()


# ---------------------------------------------------------------- in a real browser


def test_a_reader_sees_the_corrected_cell_and_its_evidence(corrected, tmp_path_factory, tmp_path):
    from test_browser import ARGS, CHROMIUM, _missing, serving

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    site = serving(corrected.db, tmp_path_factory)
    url = next(site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            errors = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{url}/report/{report_id(corrected.db, SHANGYOU)}")
            cell = page.locator('td[data-location="appeal_stats.review.total"]')
            cell.scroll_into_view_if_needed()
            assert cell.is_visible() and cell.inner_text() == "0改"
            assert "行政复议四项结果均为0" not in cell.get_attribute("title")  # the YAML's, not the CSV's
            assert "表四行政复议的总计印作1" in cell.get_attribute("title")
            colour = cell.evaluate("td => getComputedStyle(td).backgroundColor")
            assert colour == "rgb(227, 242, 225)"  # gk.css's corrected cell, not a problem's yellow
            page.screenshot(path=tmp_path / "corrected-report.png", full_page=True)
            page.goto(f"{url}/-/corrections")
            assert page.locator("table.gk-corrections-list tr").count() == 1 + 14
            assert not errors, errors
            browser.close()
    finally:
        next(site, None)
