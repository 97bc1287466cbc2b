"""The question box as a person uses it, in real headless Chromium on `gkreport serve`: a conversation.

Screenshots go to the test's temporary folder. Needs Debian's chromium, like tests/test_browser.py.
"""

from __future__ import annotations

import pytest

from test_ask import ask_db
from test_browser import browser  # noqa: F401  (the fixture)
from test_site import start_server


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    proc, url = start_server(tmp_path_factory.mktemp("serve-ask"), str(ask_db()))
    yield url
    proc.terminate()
    proc.wait(10)


def test_a_reader_asks_follows_up_and_picks_a_name(site, browser, tmp_path):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    # the home page leads to the question box, with examples
    page.goto(site + "/")
    box = page.locator(".gk-ask-home")
    box.wait_for()
    assert box.locator("a").count() >= 4
    page.screenshot(path=tmp_path / "1-home.png", full_page=True)
    page.goto(site + "/-/ask")
    page.fill("#gk-ask-q", "上犹县政府办历年收到多少申请？")
    page.press("#gk-ask-q", "Enter")
    answer = page.locator(".gk-ask-a").last
    answer.wait_for()
    assert answer.locator(".gk-ask-sentence").inner_text().startswith("上犹县人民政府办公室历年")
    assert answer.locator("table tbody tr").count() == 5
    # a follow-up reuses the agency
    page.fill("#gk-ask-q", "2022年呢？")
    page.press("#gk-ask-q", "Enter")
    page.locator(".gk-ask-a").nth(1).wait_for()
    second = page.locator(".gk-ask-a").nth(1).locator(".gk-ask-sentence").inner_text()
    assert second.startswith("上犹县人民政府办公室2022年")
    # an ambiguous name: a choice, and picking one answers it
    page.fill("#gk-ask-q", "鼓楼区政府办2022年收到多少申请")
    page.press("#gk-ask-q", "Enter")
    page.locator(".gk-ask-a").nth(2).wait_for()
    choices = page.locator(".gk-ask-a").nth(2).locator(".gk-ask-choices button")
    assert choices.count() == 2
    choices.first.click()
    page.locator(".gk-ask-a").nth(3).wait_for()
    assert "鼓楼区人民政府办公室2022年" in page.locator(".gk-ask-a").nth(3).inner_text()
    # the SQL is there, and the link opens it in Datasette
    link = page.locator(".gk-ask-a").nth(3).locator("a", has_text="Datasette").first
    href = link.get_attribute("href")
    assert href.startswith("/gkreport?sql=")
    page.screenshot(path=tmp_path / "2-conversation.png", full_page=True)
    page.goto(site + href)
    assert page.locator("table.rows-and-columns tbody tr").count() == 1


def test_several_answers_a_name_not_found_and_a_rate_on_the_page(site, browser, tmp_path):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(site + "/-/ask")
    page.fill("#gk-ask-q", "上杭县2022年予以公开了几件，不予公开了几件？")
    page.press("#gk-ask-q", "Enter")
    first = page.locator(".gk-ask-a").nth(0)
    first.wait_for()
    parts = first.locator(".gk-ask-part")
    assert parts.count() == 2
    assert all(parts.nth(k).locator("table tbody tr").count() == 1 for k in range(2))
    page.fill("#gk-ask-q", "上杭县公安局2022年收到多少申请？")
    page.press("#gk-ask-q", "Enter")
    second = page.locator(".gk-ask-a").nth(1)
    second.wait_for()
    assert "数据库中没有“上杭县公安局”的报告" in second.locator(".gk-ask-sentence").inner_text()
    assert second.locator("table").count() == 0 and second.locator(".gk-ask-choices button").count() >= 1
    page.fill("#gk-ask-q", "2023年各单位公开率排名")
    page.press("#gk-ask-q", "Enter")
    third = page.locator(".gk-ask-a").nth(2)
    third.wait_for()
    rate = third.locator(".gk-ask-rate").inner_text()
    assert "（予以公开 + 部分公开）÷ 办理总计" in rate and "不少于30" in rate
    page.screenshot(path=tmp_path / "3-several-not-found-rate.png", full_page=True)
