"""Charts and widgets in real headless Chromium: the agency page and the year overview draw their
charts (SVG with the right data points and Chinese labels), a ready-made question draws its chart,
and examples/embed.html, served from a second local port, shows the card and the iframes with the
right numbers. Screenshots go in the test's temporary folder."""

import json
import sqlite3
from pathlib import Path

import pytest

from test_browser import browser, serving, site  # noqa: F401  (fixtures: `gkreport serve` and Chromium)
from test_site import serve_folder

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "embed.html"


@pytest.fixture(scope="module")
def agencies(seed_db):
    conn = sqlite3.connect(seed_db)
    return dict(conn.execute("select agency_name, agency_id from report_figures"))


def open_page(browser, url):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.set_default_timeout(15000)
    page.goto(url)
    return page


def snap(page, tmp_path, name: str) -> None:
    page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
    assert (tmp_path / f"{name}.png").stat().st_size > 10000
    page.close()


def drawn(page, chart: str) -> dict:
    """The chart's drawn series (name → data), its SVG's texts and its footer, once it has drawn."""
    el = page.locator(f'.gk-chart[data-chart="{chart}"]')
    page.wait_for_selector(f'.gk-chart[data-chart="{chart}"][data-ready="1"]')
    svg = el.locator(".gk-chart-canvas svg")
    assert svg.count() == 1
    return {"series": {s["name"]: s["data"] for s in json.loads(el.get_attribute("data-points"))},
            "texts": svg.evaluate("s => [...s.querySelectorAll('text')].map(t => t.textContent)"),
            "bars": svg.locator("path").count(),
            "foot": el.locator(".gk-chart-foot").inner_text(),
            "rows": el.locator("a.gk-chart-rows").get_attribute("href"),
            "csv": el.locator("a.gk-chart-csv").get_attribute("href")}


def test_agency_page_draws_requests_outcomes_and_appeals(site, browser, agencies, tmp_path):  # noqa: F811
    aid = agencies["殷都区人民政府办公室"]
    page = open_page(browser, f"{site}/-/agency/{aid}")
    requests = drawn(page, "agency_requests")
    assert requests["series"] == {"本年新收申请": [7]}
    assert "2021" in requests["texts"] and "7" in requests["texts"] and "每年收到的申请（件）" in requests["texts"]
    assert requests["foot"].startswith("涵盖 1 份报告（2021 年）")
    assert requests["rows"] == f"/gkreport/chart_agency?agency_id={aid}"
    assert requests["csv"] == f"/gkreport/chart_agency.csv?_size=max&agency_id={aid}"

    outcomes = drawn(page, "agency_outcomes")  # 3 予以公开 + 5 部分公开 of 8
    assert outcomes["series"] == {"予以公开": [37.5], "部分公开": [62.5], "不予公开": [0], "无法提供": [0],
                                  "不予处理": [0], "其他": [0]}
    assert {"予以公开", "部分公开", "100%"} <= set(outcomes["texts"])

    appeals = drawn(page, "agency_appeals")  # 2 lawsuits, neither corrected nor pending
    assert appeals["series"]["行政诉讼：维持、驳回等"] == [2] and appeals["series"]["行政复议：结果纠正"] == [0]
    assert "行政诉讼：维持、驳回等" in appeals["texts"]

    # a tooltip in Chinese on hovering the bar
    box = page.locator('.gk-chart[data-chart="agency_requests"] .gk-chart-canvas').bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.7)
    page.wait_for_function("document.body.innerText.includes('本年新收申请') && "
                           "[...document.querySelectorAll('div')].some(d => d.style.position === 'absolute' && "
                           "d.innerText.includes('本年新收申请') && d.innerText.includes('7'))")
    snap(page, tmp_path, "agency")


def test_year_overview_draws_totals_refusal_reasons_and_regions(site, browser, tmp_path):  # noqa: F811
    page = open_page(browser, f"{site}/-/overview")
    totals = drawn(page, "year_totals")
    # 2022 has no report: it keeps its place on the axis, empty
    assert totals["series"] == {"本年新收申请": [8, 12, None, 7], "办理总计": [8, 13, None, 7], "予以公开": [5, 7, None, 6]}
    assert {"2020", "2021", "2022", "2023", "历年合计（件）"} <= set(totals["texts"])
    assert totals["foot"].startswith("涵盖 5 份报告（2020–2023 年）；2022 年没有报告，图中留空")
    # no agency has reports in two years: the totals compare different bodies, and the chart says so
    page.wait_for_selector('.gk-chart[data-chart="year_totals"][data-compared="different"]')
    note = page.locator('.gk-chart[data-chart="year_totals"] .gk-chart-compare')
    assert "不是同一批机关" in note.inner_text() and "2021 年 3 个，其中 0 个前一年度也有报告" in note.inner_text()
    assert note.locator("a").get_attribute("href") == "/gkreport/like_for_like"

    reasons = drawn(page, "refusal_reasons")
    assert len(reasons["series"]) == 8
    assert reasons["series"]["5.属于三类内部事务信息"] == [1, 1, None, 0]  # 2020, 2021, (2022), 2023
    assert reasons["rows"] == "/gkreport/refusal_reasons_by_year"

    # thousands separators in labels, axes and tooltips (the sample's numbers are all small)
    assert page.evaluate("gkCharts.num(1234567)") == "1,234,567"
    option = page.evaluate("echarts.getInstanceByDom(document.querySelector("
                           "'.gk-chart[data-chart=year_totals] .gk-chart-canvas')).getOption()")
    assert option["yAxis"][0]["minInterval"] == 1
    assert page.evaluate("echarts.getInstanceByDom(document.querySelector('.gk-chart[data-chart=year_totals] "
                         ".gk-chart-canvas')).getOption().yAxis[0].axisLabel.formatter(45397)") == "45,397"

    regions = drawn(page, "top_regions")
    assert regions["series"]["本年新收申请"][-1] == 13  # 福建省 on top (drawn last, at the top)
    assert "福建省" in regions["texts"] and "13" in regions["texts"]
    snap(page, tmp_path, "overview")


def test_ready_made_question_draws_its_chart_above_the_table(site, browser, tmp_path):  # noqa: F811
    # the samples' bases are small: a minimum base of 1 keeps them in the ranking
    page = open_page(browser, f"{site}/gkreport/grant_rate_by_region?province=福建省&min_base=1")
    chart = drawn(page, "grant_rate_by_region")
    assert chart["series"]["公开率"] == [62.5, 80]  # 将乐县 5 of 8 in 三明市, 上杭县 4 of 5 in 龙岩市, best on top
    assert {"三明市", "龙岩市", "80%", "62.5%"} <= set(chart["texts"])
    assert "province=%E7%A6%8F%E5%BB%BA%E7%9C%81" in chart["csv"]
    assert "最小基数 1：没有地区因此未列入" in page.inner_text(".gk-ranking-note")
    # the chart comes before the table of the same rows
    assert page.evaluate("document.querySelector('.gk-chart').compareDocumentPosition("
                         "document.querySelector('table.rows-and-columns')) & Node.DOCUMENT_POSITION_FOLLOWING")
    snap(page, tmp_path, "question")


@pytest.fixture
def other_origin(site, tmp_path):  # noqa: F811
    """examples/embed.html as it is, pointed at the test's site, served by a plain server on another port."""
    folder = tmp_path / "other-site"
    folder.mkdir()
    (folder / "embed.html").write_text(EXAMPLE.read_text(encoding="utf-8").replace("http://127.0.0.1:8001", site),
                                       encoding="utf-8")
    proc, url = serve_folder(folder)
    yield url
    proc.terminate()
    proc.wait(10)


def test_example_page_on_another_origin_shows_both_widgets(other_origin, browser, tmp_path):  # noqa: F811
    page = open_page(browser, other_origin + "/embed.html")
    page.wait_for_selector('.gk-card[data-ready="1"]')
    card = page.locator(".gk-card")
    assert "殷都区人民政府办公室" in card.inner_text() and "2021 年" in card.inner_text()
    assert card.locator(".gk-card-received").inner_text() == "7 件"
    assert card.locator(".gk-card-handled").inner_text() == "8 件"
    assert card.locator(".gk-card-rate").inner_text() == "100%"  # (3 + 5) ÷ 8
    assert card.locator(".gk-card-litigation").inner_text() == "2 件"

    frame = page.frame_locator("#gk-agency")
    assert frame.locator(".gk-embed-received").inner_text() == "7"
    frame.locator('.gk-chart[data-ready="1"] svg').wait_for()
    assert json.loads(frame.locator(".gk-chart").get_attribute("data-points")) == [{"name": "本年新收申请", "data": [7]}]
    assert frame.locator("nav").count() == 0
    assert frame.get_by_role("link", name="查看完整数据 →").get_attribute("target") == "_blank"

    years = page.frame_locator("#gk-years")
    years.locator('.gk-chart[data-ready="1"] svg').wait_for()
    assert json.loads(years.locator(".gk-chart").get_attribute("data-points"))[0]["data"] == [8, 12, None, 7]
    page.wait_for_timeout(300)
    snap(page, tmp_path, "embed-example")


@pytest.fixture(scope="module")
def years_site(years_db, tmp_path_factory):
    yield from serving(years_db, tmp_path_factory)


def test_year_charts_keep_gaps_and_compare_like_for_like(years_site, browser, years_db, tmp_path):  # noqa: F811
    """上杭县 reported for 2016–2019, 2021 and 2023: its chart leaves 2020 and 2022 empty; the totals of all
    reports compare different agencies from year to year, and the chart says so and offers the same bodies."""
    agency = sqlite3.connect(years_db).execute(
        "select agency_id from reports where agency_name like '上杭县%'").fetchone()[0]
    page = open_page(browser, f"{years_site}/-/agency/{agency}")
    requests = drawn(page, "agency_requests")
    assert requests["series"] == {"本年新收申请": [5, 5, 5, 5, None, 5, None, 5]}  # 2016 … 2023
    assert {"2020", "2022"} <= set(requests["texts"])
    assert "2020、2022 年没有报告，图中留空" in requests["foot"]
    page.wait_for_selector('.gk-chart[data-chart="agency_requests"][data-compared="same"]')
    assert page.locator(".gk-chart-compare").count() == 0  # one agency: its years compare like for like
    snap(page, tmp_path, "agency-gaps")

    page = open_page(browser, f"{years_site}/-/overview")
    totals = drawn(page, "year_totals")
    assert totals["series"]["本年新收申请"][-2] is None  # 2022
    page.wait_for_selector('.gk-chart[data-chart="year_totals"][data-compared="different"]')
    note = page.locator('.gk-chart[data-chart="year_totals"] .gk-chart-compare')
    assert "2023 年 2 个，其中 1 个前一年度也有报告" in note.inner_text()
    note.locator("a").click()
    page.wait_for_url("**/gkreport/like_for_like")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 2
    assert rows.first.locator("td").first.inner_text().strip() == "2021"
    assert [c.strip() for c in rows.nth(1).locator("td").all_inner_texts()[:3]] == ["2023", "1", "1"]
    snap(page, tmp_path, "like-for-like")
