"""Embeddable widgets (datasette_plugins/embed.py, static/embed.js): iframe pages without the site's
navigation that link back to the full data, and the card script's JSON read across origins."""

import re
import sqlite3
from pathlib import Path

import pytest


EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "embed.html"


@pytest.fixture(scope="module")
def yindu(seed_db):
    conn = sqlite3.connect(seed_db)
    return conn.execute("select agency_id from report_figures where agency_name = '殷都区人民政府办公室'").fetchone()[0]


async def test_agency_embed_has_no_navigation_and_links_back(app, yindu):
    r = await app.client.get(f"/-/embed/agency/{yindu}")
    assert r.status_code == 200
    html = r.text
    assert "<nav" not in html and "<footer" not in html
    assert "殷都区人民政府办公室" in html and 'class="gk-embed-received">7<' in html
    assert f'href="http://localhost/-/agency/{yindu}" target="_blank"' in html
    assert 'data-chart="agency_requests"' in html and 'data-target="_blank"' in html
    assert "frame-ancestors *" in r.headers["content-security-policy"]  # other sites may frame it
    assert "x-frame-options" not in r.headers


async def test_chart_embeds_take_their_parameters_and_refuse_unknown_charts(app, yindu):
    html = (await app.client.get("/-/embed/chart/grant_rate_by_region?province=福建省&sql=x")).text
    assert 'data-chart="grant_rate_by_region"' in html and "福建省" in html and "sql" not in html.split("<body")[1][:400]
    assert 'href="http://localhost/gkreport/grant_rate_by_region"' in html
    assert 'href="http://localhost/-/overview"' in (await app.client.get("/-/embed/chart/year_totals")).text
    assert (await app.client.get("/-/embed/chart/agency_outcomes")).status_code == 404  # needs agency_id
    assert (await app.client.get(f"/-/embed/chart/agency_outcomes?agency_id={yindu}")).status_code == 200
    assert (await app.client.get("/-/embed/chart/drop_table")).status_code == 404
    assert 'data-height="calc(400px - 4.6em)"' in (await app.client.get("/-/embed/chart/year_totals?height=400px")).text
    assert 'data-height="calc(100vh - 4.6em)"' in (await app.client.get("/-/embed/chart/year_totals?height=1;x")).text
    assert (await app.client.get("/-/embed/agency/nobody")).status_code == 404


async def test_card_script_is_served_and_its_json_allows_other_origins(app, yindu):
    js = await app.client.get("/gk-static/embed.js")
    assert js.status_code == 200 and "chart_agency.json?_shape=array" in js.text
    r = await app.client.get(f"/gkreport/chart_agency.json?_shape=array&agency_id={yindu}",
                             headers={"Origin": "https://news.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.json()[0]["本年新收申请"] == 7


def test_example_page_embeds_both_kinds_of_the_sample_agency(yindu):
    html = EXAMPLE.read_text(encoding="utf-8")
    assert re.search(r'<script src="http://127\.0\.0\.1:8001/gk-static/embed\.js" data-agency="(\w+)">', html)[1] == yindu
    assert f'src="http://127.0.0.1:8001/-/embed/agency/{yindu}"' in html
    assert "/-/embed/chart/year_totals" in html
