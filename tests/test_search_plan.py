"""A search of the narrative's table page gives the rows Datasette's own SQL gives, in its order,
whichever way it is run (gkreport/search_plan.py): walked through the sections (a common word),
or collected (a rare one); and its count is the number of hits. The test database is small, so
each way is chosen by setting the cost of a look-up that decides between them."""

from __future__ import annotations

import sqlite3

import pytest

from gkreport import search_plan
from gkreport.search import FTS_TABLE, match_expression
from gkreport.site import build

WAYS = {"walked": 0, "collected": 10 ** 9}  # search_plan.LOOKUP_COST for each way


def _conn(db):
    conn = sqlite3.connect(db)
    conn.create_function("escape_fts", 1, match_expression)
    return conn


def _datasette_rows(db, word: str) -> list[tuple]:
    """Every hit in Datasette's order, by Datasette's SQL run as it is."""
    return _conn(db).execute(f"select report_id, position from sections where {search_plan.CLAUSE} "
                             "order by report_id, position", {"search": word}).fetchall()


@pytest.mark.parametrize("way", sorted(WAYS))
@pytest.mark.parametrize("word", ["公开", "政府信息", "培训", "疫情", "依申请公开", "不存在的词语"])
async def test_a_page_of_a_search_is_datasettes_page(seed_db, word, way, monkeypatch):
    monkeypatch.setattr(search_plan, "LOOKUP_COST", WAYS[way])
    conn = _conn(seed_db)
    sections = conn.execute("select count(*) from sections").fetchone()[0]
    page_sql = f"select report_id, position from sections where {search_plan.CLAUSE} order by report_id, position limit 51"
    assert (search_plan.page_sql(conn, page_sql, {"search": word}, sections) != page_sql) == (way == "walked")
    hits = conn.execute(f"select count(*) from {FTS_TABLE} where {FTS_TABLE} match escape_fts(?)", [word]).fetchone()[0]
    ds = build(seed_db)
    data = (await ds.client.get("/gkreport/sections.json", params={"_search": word, "_size": "max"})).json()
    assert data["filtered_table_rows_count"] == hits
    assert [(row[0], row[1]) for row in data["rows"]] == _datasette_rows(seed_db, word)[:1000]


@pytest.mark.parametrize("way", sorted(WAYS))
async def test_every_page_follows_on(seed_db, way, monkeypatch):
    monkeypatch.setattr(search_plan, "LOOKUP_COST", WAYS[way])
    ds = build(seed_db)
    everything = _datasette_rows(seed_db, "公开")
    assert len(everything) > 20
    got, path = [], "/gkreport/sections.json?_search=公开&_size=7"
    while path:
        page = (await ds.client.get(path)).json()
        got += [(row[0], row[1]) for row in page["rows"]]
        path = page["next_url"] and page["next_url"].replace("http://localhost", "")
    assert got == everything


def test_a_common_word_is_walked_at_scale():
    # 公开 at 100,000 reports: 684,276 hits of 700,000 sections; 疫情: 4,832
    assert search_plan.walk_from(700_000) < 684_276 and search_plan.walk_from(700_000) > 4_832
