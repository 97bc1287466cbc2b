"""The ready-made questions that list many rows give them a hundred a page (datasette_plugins/paging.py):
the pages one after the other are the whole list, in its order, and each page links to the next."""

from __future__ import annotations

from datasette_plugins.paging import PAGE_SIZE, PAGED, every_row
from datasette_plugins.rankings import RANKINGS
from gkreport.site import load_metadata

QUERIES = load_metadata()["databases"]["gkreport"]["queries"]


def test_every_paged_question_takes_a_page():
    for name in PAGED:
        assert "page" in QUERIES[name]["params"]
        assert f"limit {PAGE_SIZE} offset {PAGE_SIZE} * " in QUERIES[name]["sql"]
    # what a ranking leaves out is counted over every page (rankings.py)
    for twin in (r[0] for r in RANKINGS.values() if r[0] in PAGED):
        assert "limit" not in every_row(QUERIES[twin]["sql"]).splitlines()[-1]


async def test_pages_follow_on_and_link(assessed):
    ds, _ = assessed
    db = ds.get_database("gkreport")
    # every government of the divisions without a report: hundreds, more than one page
    whole = QUERIES["missing_reports"]["sql"].replace(f"limit {PAGE_SIZE} offset", "limit 100000 offset")
    everything = [tuple(r) for r in (await db.execute(whole, {"year": "", "province": "", "kind": "", "page": ""})).rows]
    assert len(everything) > 2 * PAGE_SIZE
    got, page = [], 1
    while True:
        rows = (await ds.client.get("/gkreport/missing_reports.json",
                                    params={"_shape": "arrays", "page": page})).json()["rows"]
        if not rows:
            break
        assert len(rows) <= PAGE_SIZE
        got += [tuple(r) for r in rows]
        page += 1
    assert got == everything
    html = (await ds.client.get("/gkreport/missing_reports?page=2")).text
    assert "第 2 页，每页 100 行（第 101–200 行）" in html
    assert 'rel="prev"' in html and "page=1" in html and 'rel="next"' in html and "page=3" in html
    last = (await ds.client.get(f"/gkreport/missing_reports?page={page - 1}")).text
    assert 'rel="next"' not in last


async def test_a_malformed_page_is_refused_as_other_values_are(assessed):
    ds, _ = assessed
    r = await ds.client.get("/gkreport/compliance_ranking.json", params={"page": "第二页"})
    assert r.status_code == 400 and "页码" in r.text
