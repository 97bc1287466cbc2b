"""The site as a person uses it, in real headless Chromium: home page, a search, a report, a canned query.

Each step asserts on what the page shows and saves a screenshot in the test's temporary folder.
Needs Debian's `chromium` (`.ci/run` installs it in CI); elsewhere a missing browser is a skip.
"""

import os
import shutil

import pytest

from test_site import start_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

def _missing(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the browser test (.ci/run installs it)")
    pytest.skip(reason)


def serving(db, tmp_path_factory):
    """`gkreport serve` on the database for the length of a fixture."""
    proc, url = start_server(tmp_path_factory.mktemp("serve"), str(db))
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def site(seed_db, tmp_path_factory):
    yield from serving(seed_db, tmp_path_factory)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    if not os.path.exists(CHROMIUM):
        _missing("Debian's chromium is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_a_reader_searches_opens_a_report_and_runs_a_question(site, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.set_default_timeout(15000)

    page.goto(site + "/")
    assert page.locator("h1").first.inner_text() == "政府信息公开工作年度报告数据库"
    assert page.get_by_role("link", name="有行政诉讼的机关（按年度）").is_visible()
    page.screenshot(path=tmp_path / "1-home.png", full_page=True)

    # search 培训 in the sections table, through its own search box
    page.goto(site + "/gkreport/sections")
    page.fill("input#_search", "培训")
    page.locator("form.filters input[type=submit]").click()
    page.wait_for_url("**_search=*")
    assert page.locator("h3").first.inner_text().startswith("共 5 行，搜索“培训”")
    marks = page.locator("table.rows-and-columns mark")
    assert marks.count() >= 5 and set(marks.all_inner_texts()) == {"培训"}
    page.screenshot(path=tmp_path / "2-search.png", full_page=True)

    # open 殷都区's report from the reports table: its damaged carried-forward row is marked
    page.goto(site + "/gkreport/reports?agency_name__contains=殷都区")
    page.locator("td.col-title a").first.click()
    page.wait_for_url("**/report/*")
    assert "殷都区人民政府办公室" in page.locator("h1").inner_text()
    flagged = page.locator('td.gk-flag[data-location^="request_stats.carried_forward."]')
    assert flagged.count() == 7
    assert page.locator("table.gk-grid").count() == 3
    page.screenshot(path=tmp_path / "3-report.png", full_page=True)

    # a ready-made question with a parameter
    page.goto(site + "/gkreport/requests_by_agency")
    page.select_option("select[name=year]", "2021")  # the years that exist, offered as choices
    page.locator("form.sql input[type=submit]").click()
    page.wait_for_url("**year=2021*")
    first = page.locator("table.rows-and-columns tbody tr").first
    assert "殷都区人民政府办公室" in first.inner_text()
    assert page.locator("table.rows-and-columns tbody tr").count() == 3
    page.screenshot(path=tmp_path / "4-question.png", full_page=True)

    for name in ("1-home", "2-search", "3-report", "4-question"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10000
    page.close()
