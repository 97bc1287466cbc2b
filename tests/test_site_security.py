"""Security of the public site: headers on every answer, no inline script for the policy to allow, names
from the data escaped wherever a page puts them, and links from the data followed only when http(s)."""

from __future__ import annotations

import re
import shutil
import sqlite3

import pytest

from gkreport.site import build

HOSTILE_NAME = '上杭县</script><script>alert("x")</script>人民政府办公室'
HOSTILE_URL = "javascript:alert(document.domain)"


@pytest.fixture(scope="module")
def ids(seed_db):
    conn = sqlite3.connect(seed_db)
    report, agency = conn.execute("select id, agency_id from reports where agency_name like '上杭县%'").fetchone()
    return {"report": report, "agency": agency}


def pages(ids: dict) -> list[str]:
    """One address of every kind the site answers."""
    r, a = ids["report"], ids["agency"]
    return ["/", "/.json", "/gkreport", "/gkreport/reports", "/gkreport/reports/" + r, "/gkreport/requests_by_agency",
            "/gkreport?sql=select+1", "/gkreport/reports.csv", "/gkreport/requests_by_agency.xlsx", f"/report/{r}",
            f"/report/{r}.json", f"/report/{r}/tables.csv", f"/report/{r}/source", f"/-/agency/{a}",
            f"/-/agency/{a}.json", "/-/overview", "/-/ask", "/-/ask?q=2021年哪些单位被提起行政诉讼", "/-/ask.json?q=x",
            f"/-/embed/agency/{a}", "/-/embed/chart/year_totals", "/gk-static/gk.css", "/-/charts/gk-charts.js",
            "/gkreport/no_such_table", "/gkreport.db"]


async def test_every_answer_sends_the_security_headers(app, ids):
    for path in pages(ids):
        r = await app.client.get(path)
        assert r.status_code in (200, 404), (path, r.status_code)
        policies = r.headers.get_list("content-security-policy")
        ours = next((p for p in policies if "default-src" in p), None)
        assert ours, path
        directives = dict(d.strip().split(" ", 1) for d in ours.split(";"))
        assert directives["script-src"] == "'self'", path  # no inline script, no eval
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'", path
        embed = path.startswith("/-/embed/")
        assert directives["frame-ancestors"] == ("*" if embed else "'self'"), path
        assert (r.headers.get("x-frame-options") == "SAMEORIGIN") != embed, path
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin", path


async def test_no_page_has_an_inline_script(app, ids):
    """The policy allows scripts from files only: a page with an inline script would break."""
    for path in pages(ids):
        r = await app.client.get(path)
        if not r.headers.get("content-type", "").startswith("text/html"):
            continue
        inline = [m for m in re.findall(r"<script\b[^>]*>", r.text) if "src=" not in m]
        assert not inline, (path, inline)
        assert not re.search(r"\son[a-z]+\s*=", r.text.split("<body", 1)[1]), path  # nor onclick= handlers


@pytest.fixture(scope="module")
def hostile_app(seed_db, tmp_path_factory, ids):
    """The site over a copy of the sample database where one agency's name closes a <script> and a
    report's source address is javascript:."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.db"
    shutil.copy(seed_db, path)
    conn = sqlite3.connect(path)
    for table, column, key in (("reports", "agency_name", "agency_id"), ("report_figures", "agency_name", "agency_id"),
                               ("agencies", "name", "id")):
        conn.execute(f"update {table} set {column} = ? where {key} = ?", [HOSTILE_NAME, ids["agency"]])
    conn.execute("update reports set source_url = ? where id = ?", [HOSTILE_URL, ids["report"]])
    conn.commit()
    conn.close()
    return build(path)


async def test_names_are_escaped_wherever_a_page_puts_them(hostile_app, ids):
    for path in ["/", "/-/ask", f"/report/{ids['report']}", f"/-/agency/{ids['agency']}", "/gkreport/reports",
                 "/gkreport/requests_by_agency?year=2021", f"/-/embed/agency/{ids['agency']}", "/gkreport/agencies"]:
        r = await hostile_app.client.get(path)
        assert r.status_code == 200, path
        assert "</script><script>" not in r.text and '<script>alert("x")' not in r.text, path
    home = (await hostile_app.client.get("/")).text
    assert "&lt;/script&gt;" in home or "%3C%2Fscript%3E" in home  # the name is on the page, escaped


async def test_links_from_the_data_are_http_only(hostile_app, ids):
    for path in [f"/report/{ids['report']}", f"/gkreport/reports/{ids['report']}", "/gkreport/reports",
                 f"/gkreport?sql=select+source_url+from+reports"]:
        html = (await hostile_app.client.get(path)).text
        assert not re.search(r"href=[\"']\s*javascript:", html, flags=re.I), path
        assert "javascript:alert(document.domain)" in html, path  # shown as text, not as a link
