"""The assessment on the site's own pages: the definitions of the rates and the rubric, a report's rates,
score and year over year, an agency's missing years, the overview's coverage, and the parameters of the
rankings checked like the others'. On the reports of the `assessed` fixture (conftest.py)."""

from __future__ import annotations

import re

from gkreport.assess import metrics, score
from gkreport.regions import governments


def shown(html: str) -> str:
    """The text of a page as read: tags gone, runs of whitespace one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


async def test_the_metrics_page_lists_every_rate_as_the_metrics_table_defines_it(assessed):
    app, _ = assessed
    html = (await app.client.get("/-/metrics")).text
    for m in metrics.definitions():
        section = html[html.index(f'id="{m["key"]}"'):]
        section = section[:section.index("</section>")]
        for field in ("name", "formula", "numerator_label", "denominator_label", "denominator_rule", "caveat"):
            assert m[field] in section, (m["key"], field)
        assert f"<code>{m['numerator']}</code>" in section and f"metric_ranking?metric={m['key']}" in section
    data = (await app.client.get("/-/metrics.json")).json()
    assert [m["key"] for m in data["metrics"]] == [m["key"] for m in metrics.definitions()]
    assert data["metrics"][0]["min_base"] == 30


async def test_the_rubric_page_lists_the_parts_their_weights_and_the_scores_by_year(assessed):
    app, _ = assessed
    html = (await app.client.get("/-/rubric")).text
    for p in score.rubric():
        assert p["label"] in html and p["how"] in html
    data = (await app.client.get("/-/rubric.json")).json()
    assert sum(p["weight"] for p in data["rubric"]) == 100
    assert {y["year"]: y["reports"] for y in data["years"]} == {2021: 2, 2022: 3, 2023: 2, 2024: 3}
    assert "得分 = 100 × 得分点 ÷ 满分点" in shown(html)


async def test_both_pages_are_in_the_menu(assessed):
    app, _ = assessed
    html = (await app.client.get("/")).text
    assert 'href="/-/metrics"' in html and 'href="/-/rubric"' in html


async def test_a_report_page_shows_its_rates_score_timeliness_and_last_year(assessed):
    app, ids = assessed
    rid = ids[("武平县司法局", 2024)]
    data = (await app.client.get(f"/report/{rid}.json")).json()
    rates = {m["metric"]: m for m in data["metrics"]}
    assert (rates["disclosure_rate"]["numerator"], rates["disclosure_rate"]["denominator"],
            rates["disclosure_rate"]["rate_text"]) == (480, 480, "100.0%")
    assert rates["review_correction_rate"]["rate_text"] == "无法计算"
    assert data["compliance"]["score"] == 100 and len(data["compliance"]["parts"]) == len(score.PARTS)
    assert data["timeliness"]["late"] == 0
    yoy = data["year_over_year"]
    assert yoy["previous"]["id"] == ids[("武平县司法局", 2023)]
    line = {r["location"]: r for r in yoy["table3"]}["request_stats.new_received.total"]
    assert (line["this"], line["last"], line["change_text"], line["share_text"]) == (480, 6, "+474", "+7900.0%")
    assert [c["rule"] for c in line["checks"]] == ["unusual_figure"]  # the cross-year check about it
    html = (await app.client.get(f"/report/{rid}")).text
    assert 'data-location="request_stats.new_received.total" data-last-year="上年 6（+474）"' in html
    assert "与上年比较" in html and 'data-part="on_time"' in html


async def test_a_late_copied_report_says_so_on_its_page(assessed):
    app, ids = assessed
    late = (await app.client.get(f"/report/{ids[('武平县司法局', 2023)]}")).text
    assert "逾期 10 天" in shown(late)
    copy = (await app.client.get(f"/report/{ids[('武平县自然资源局', 2022)]}")).text
    assert f'href="/report/{ids[("武平县司法局", 2022)]}"' in copy and "几乎相同" in copy
    original = (await app.client.get(f"/report/{ids[('武平县司法局', 2022)]}.json")).json()
    assert [(c["report_id"], c["side"]) for c in original["copies"]] == [(ids[("武平县自然资源局", 2022)], "original")]
    # no report of the year before: no comparison
    assert (await app.client.get(f"/report/{ids[('武平县自然资源局', 2022)]}.json")).json()["year_over_year"] is None


async def test_an_agency_page_shows_its_missing_years(assessed):
    app, ids = assessed
    from gkreport.regions import agency_id, resolve_agency

    html = (await app.client.get(f"/-/agency/{agency_id(resolve_agency('武平县自然资源局'))}")).text
    assert "缺少的年度：2023、2024" in shown(html)
    html = (await app.client.get(f"/-/agency/{agency_id(resolve_agency('武平县司法局'))}")).text
    assert "2021–2024 年每年都有报告" in shown(html) and "逾期 10 天" in shown(html)
    # a government of the division data with no report at all has a page too
    r = await app.client.get(f"/-/agency/{agency_id(resolve_agency('福建省人民政府'))}")
    assert r.status_code == 200 and "缺少的年度：2021、2022、2023、2024" in shown(r.text)
    assert "数据库中没有这个机关的报告" in r.text


async def test_the_overview_shows_coverage_by_province_and_year(assessed):
    app, _ = assessed
    fujian = sum(1 for g in governments() if g.province == "福建省")
    data = (await app.client.get("/-/overview.json")).json()["coverage"]
    assert data["years"] == [2024, 2023, 2022, 2021]
    row = {p["province"]: p["years"] for p in data["provinces"]}["福建省"]
    assert [(c["published"], c["expected"]) for c in row] == [(2, fujian), (1, fujian), (1, fujian), (1, fujian)]
    html = (await app.client.get("/-/overview")).text
    assert f"2 / {fujian}" in html and 'href="/gkreport/missing_reports"' in html


async def test_a_ranking_refuses_a_malformed_minimum_base_or_an_unknown_rate(assessed):
    app, _ = assessed
    r = await app.client.get("/gkreport/metric_ranking.json?min_base=abc")
    assert r.status_code == 400 and "最小基数" in r.json()["error"]
    r = await app.client.get("/gkreport/metric_ranking.json?metric=nope")
    assert r.status_code == 400 and "公开率" in r.json()["error"]  # says what is accepted
    html = (await app.client.get("/gkreport/metric_ranking")).text
    assert '<option value="refusal_rate">不予公开率</option>' in html


async def test_roster_and_coverage_name_their_bodies(assessed):
    app, _ = assessed
    html = (await app.client.get("/gkreport/roster?name=%E5%8C%97%E4%BA%AC%E5%B8%82%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C")).text
    assert re.search(r'<a href="/-/agency/[0-9a-f]{12}" title="[0-9a-f]{12}">北京市人民政府</a>', html)
    html = (await app.client.get("/gkreport/coverage?agency_name=%E6%AD%A6%E5%B9%B3%E5%8E%BF%E5%8F%B8%E6%B3%95%E5%B1%80")).text
    assert len(re.findall(r'<a href="/-/agency/[0-9a-f]{12}" title="[0-9a-f]{12}">武平县司法局</a>', html)) == 4
