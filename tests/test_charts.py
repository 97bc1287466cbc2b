"""Charts on the site (datasette_plugins/charts.py, agency_page.py): the JSON they read answers right,
the agency page and the year overview are served with the bundled chart library and no outside link."""

import re
import sqlite3

import pytest



@pytest.fixture(scope="module")
def figures(seed_db):
    conn = sqlite3.connect(seed_db)
    conn.row_factory = sqlite3.Row
    return {r["agency_name"]: dict(r) for r in conn.execute("select * from report_figures")}


async def rows(app, query, **params):
    qs = "&".join(f"{k}={v}" for k, v in params.items())
    r = await app.client.get(f"/gkreport/{query}.json?_shape=array&{qs}")
    assert r.status_code == 200, r.text
    assert r.headers["access-control-allow-origin"] == "*"  # other sites' pages read it (embed.js)
    return r.json()


async def test_chart_agency_is_the_agency_history_from_report_figures(app, figures):
    f = figures["殷都区人民政府办公室"]
    got = await rows(app, "chart_agency", agency_id=f["agency_id"])
    assert [(r["年度"], r["本年新收申请"], r["办理总计"], r["予以公开"], r["部分公开"], r["不予公开"],
             r["无法提供"], r["不予处理"], r["其他"], r["行政复议"], r["行政诉讼"], r["报告编号"]) for r in got] == [
        (2021, 7, 8, 3, 5, 0, 0, 0, 0, 0, 2, f["report_id"])]
    assert got[0]["报告数"] == 1
    assert await rows(app, "chart_agency", agency_id="nobody") == []


async def test_chart_years_adds_up_every_report_by_year(app, figures):
    got = await rows(app, "chart_years")
    assert [(r["年度"], r["报告数"], r["本年新收申请"], r["予以公开"]) for r in got] == [
        (2020, 1, 8, 5), (2021, 3, 12, 7), (2023, 1, 7, 6)]
    assert sum(r["报告数"] for r in got) == len(figures)


async def test_chart_top_regions_ranks_provinces_by_requests(app):
    got = await rows(app, "chart_top_regions")
    assert [r["本年新收申请"] for r in got] == sorted((r["本年新收申请"] for r in got), reverse=True)
    assert sum(r["报告数"] for r in got) == 5
    assert got[0]["地区"] in ("河南省", "福建省")  # 殷都区 7 + …; 上杭县 5 + 将乐县 8 = 13 in 福建省
    assert got[0] == {"地区": "福建省", "报告数": 2, "本年新收申请": 13, "办理总计": 13}


def scripts(html: str) -> list[str]:
    return re.findall(r'<script[^>]*src="([^"]+)"', html)


def no_outside_links(html: str) -> None:
    for src in scripts(html) + re.findall(r'<link[^>]*href="([^"]+)"', html):
        assert src.startswith("/"), src  # the site works with no outside network: no CDN


async def test_agency_page_has_three_charts_its_reports_and_the_bundled_library(app, figures):
    f = figures["殷都区人民政府办公室"]
    r = await app.client.get(f"/-/agency/{f['agency_id']}")
    assert r.status_code == 200
    html = r.text
    assert "<h1>殷都区人民政府办公室</h1>" in html
    assert re.findall(r'data-chart="(\w+)"', html) == ["agency_requests", "agency_outcomes", "agency_appeals"]
    assert f'href="/report/{f["report_id"]}"' in html
    assert "/-/charts/echarts-5.6.0.min.js" in scripts(html)
    no_outside_links(html)
    assert (await app.client.get("/-/agency/nobody")).status_code == 404


async def test_overview_page_draws_totals_refusals_and_regions(app):
    r = await app.client.get("/-/overview")
    assert r.status_code == 200
    assert "<h1>年度概览</h1>" in r.text
    assert re.findall(r'data-chart="(\w+)"', r.text) == ["year_totals", "refusal_reasons", "top_regions"]
    no_outside_links(r.text)
    assert "年度概览（图表）" in (await app.client.get("/")).text  # in the site's menu


@pytest.mark.parametrize("query,chart", [("refusal_reasons_by_year", "refusal_reasons"),
                                         ("correction_rate", "litigation_by_year"),
                                         ("grant_rate_by_region", "grant_rate_by_region")])
async def test_charts_beside_the_ready_made_questions(app, query, chart):
    html = (await app.client.get(f"/gkreport/{query}?province=福建省")).text
    assert "/-/charts/gk-charts.js" in scripts(html)
    assert f'data-chart="{chart}"' in html and "&#34;province&#34;: &#34;福建省&#34;" in html  # with the page's 福建省
    assert "gk-charts.js" not in (await app.client.get("/gkreport/failed_checks")).text


async def test_agency_ids_link_to_their_charts(app, figures):
    f = figures["上杭县人民政府办公室"]
    html = (await app.client.get("/gkreport/agencies")).text
    assert f'href="/-/agency/{f["agency_id"]}"' in html


async def test_the_bundled_library_is_served_compressed_and_cached(app):
    r = await app.client.get("/-/charts/echarts-5.6.0.min.js", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["content-encoding"] == "gzip"  # 1 MB → about 340 kB
    assert r.text.lstrip().startswith("/*") and "Licensed to the Apache Software Foundation" in r.text[:400]
    assert 't.version="5.6.0"' in r.text[-2000:] and len(r.text) > 900_000
    assert (await app.client.get("/-/charts/gk-charts.js")).headers["cache-control"] == "public, max-age=300"
    assert (await app.client.get("/-/charts/..")).status_code == 404
    assert (await app.client.get("/-/charts/ECHARTS-LICENSE.txt")).status_code == 200
