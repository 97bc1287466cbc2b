"""The Content-Security-Policy in real headless Chromium: the pages with scripts (charts, the question box,
the table menus, the SQL editor, the search marks, the embeds) run them with no violation reported, and
only the embed pages can be framed by another site."""

from __future__ import annotations

import sqlite3

import pytest

from test_browser import browser, site  # noqa: F401  (fixtures: `gkreport serve` and Chromium)
from test_site import serve_folder

# every violation the page reports, and what the browser logs about the policy
WATCH = """document.addEventListener('securitypolicyviolation',
  e => (window.__violations = window.__violations || []).push(e.violatedDirective + ' ' + e.blockedURI));"""


def visit(browser, url: str, ready: str):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.set_default_timeout(20000)
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: console.append(f"page error: {e}"))
    page.add_init_script(WATCH)
    page.goto(url)
    page.wait_for_selector(ready, state="attached")
    page.wait_for_timeout(200)
    violations = page.evaluate("window.__violations || []")
    return page, violations, [c for c in console if "Content Security Policy" in c or c.startswith("page error")]


def test_pages_with_scripts_run_them_within_the_policy(site, browser, seed_db):  # noqa: F811
    agency = sqlite3.connect(seed_db).execute("select agency_id from reports limit 1").fetchone()[0]
    checks = [  # a page, and what its scripts have done once they ran
        ("/-/overview", ".gk-chart[data-ready='1'] svg"),
        (f"/-/agency/{agency}", ".gk-chart[data-ready='1'] svg"),
        ("/gkreport/refusal_reasons_by_year", ".gk-chart[data-ready='1'] svg"),
        ("/gkreport/reports", "th .dropdown-menu-icon"),  # the column menus of datasette-table.js
        ("/gkreport/sections?_search=培训", "td mark"),  # gk.js marks the hits
        ("/gkreport?sql=select+1", ".CodeMirror"),  # the SQL editor
        ("/-/ask", "#gk-ask-form"),
        (f"/-/embed/agency/{agency}", ".gk-chart[data-ready='1'] svg"),
        ("/-/embed/chart/refusal_reasons", ".gk-chart[data-ready='1'] svg"),
        ("/", ".gk-ask-home"),
    ]
    for path, ready in checks:
        page, violations, logged = visit(browser, site + path, ready)
        assert not violations and not logged, (path, violations, logged)
        page.close()

    # the question box answers in place (ask.js fetches /-/ask.json)
    page, _, _ = visit(browser, site + "/-/ask", "#gk-ask-form")
    page.fill("#gk-ask-q", "2021年哪些单位被提起行政诉讼？")
    page.locator("#gk-ask-form input[type=submit]").click()
    page.wait_for_selector(".gk-ask-a")
    assert "殷都区" in page.locator(".gk-ask-a").last.inner_text()
    assert page.evaluate("window.__violations || []") == []
    page.close()

    # the column menu opens, in Chinese
    page, _, _ = visit(browser, site + "/gkreport/reports", "th .dropdown-menu-icon")
    page.locator("th.col-level .dropdown-menu-icon").click()
    menu = page.locator(".dropdown-menu").last
    assert "升序排列" in menu.inner_text() and "类型：文字" in menu.inner_text()
    assert page.evaluate("window.__violations || []") == []
    page.close()


@pytest.fixture
def framing_site(site, tmp_path):  # noqa: F811
    """A page on another origin that frames an embed and, against the policy, an ordinary page."""
    folder = tmp_path / "other-site"
    folder.mkdir()
    (folder / "frames.html").write_text(
        f'<!DOCTYPE html><meta charset="utf-8"><iframe id="embed" src="{site}/-/embed/chart/year_totals" '
        f'width="600" height="380"></iframe><iframe id="page" src="{site}/-/overview" width="600" height="380"></iframe>',
        encoding="utf-8")
    proc, url = serve_folder(folder)
    yield url + "/frames.html"
    proc.terminate()
    proc.wait(10)


def test_only_the_embeds_can_be_framed_by_another_site(framing_site, browser):  # noqa: F811
    page = browser.new_page(locale="zh-CN")
    page.set_default_timeout(20000)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "frame" in m.text.lower() else None)
    page.goto(framing_site)
    page.frame_locator("#embed").locator(".gk-chart[data-ready='1'] svg").wait_for()
    page.wait_for_timeout(500)
    urls = [f.url for f in page.frames]
    assert any(u.endswith("/-/embed/chart/year_totals") for u in urls)
    assert not any(u.endswith("/-/overview") for u in urls) and any(u.startswith("chrome-error:") for u in urls)
    assert page.frame_locator("#page").locator(".gk-chart").count() == 0  # the browser refused to show it
    assert any("frame-ancestors" in m or "X-Frame-Options" in m for m in refused), refused
    page.close()
