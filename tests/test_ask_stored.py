"""The question box's names index stored in the database (gkreport/ask/stored.py): made by the
ingest's finish, read back equal to the one built from the reports, never read once the reports
have changed, and enough for a site to show its home page and answer without building it."""

from __future__ import annotations

import shutil
import sqlite3

from gkreport import site, summaries
from gkreport.ask import indexes, stored
from gkreport.ask.entities import build_index
from gkreport.site import build
from test_ask import ask_db

FIELDS = ("years", "agencies", "zh", "en", "by_name", "max_zh", "max_en", "has_totals", "has_figures",
          "has_appeal_totals")


def _copy(tmp_path):
    path = tmp_path / "g.db"
    shutil.copyfile(ask_db(), path)
    return path


def test_the_stored_index_is_the_one_built_from_the_reports(tmp_path):
    conn = sqlite3.connect(_copy(tmp_path))
    assert stored.up_to_date(conn)  # the ingest's finish made it
    loaded, built = stored.load(conn), build_index(conn)
    assert loaded is not None and len(loaded.agencies) > 5 and len(loaded.zh) > 1000
    for field in FIELDS:
        if field in ("zh", "en"):  # the meanings of a word read through sets: in an order of their own
            assert getattr(loaded, field) == {w: stored.canonical(m) for w, m in getattr(built, field).items()}
        else:
            assert getattr(loaded, field) == getattr(built, field), field
    # the meanings keep their kinds and order: a region is a Region again, an agency its id
    word, meanings = next((w, m) for w, m in built.zh.items() if any(k == "region" for k, _ in m))
    assert loaded.zh[word] == stored.canonical(meanings) and type(loaded.zh[word][0][1]) is type(meanings[0][1])
    head = stored.load_head(conn)
    assert head.agencies == built.agencies and head.years == built.years and not head.zh


def test_an_index_of_other_reports_is_never_read(tmp_path):
    path = _copy(tmp_path)
    conn = sqlite3.connect(path)
    gone = conn.execute("select agency_name from reports order by rowid desc limit 1").fetchone()[0]
    with conn:
        conn.execute("delete from reports where rowid = (select max(rowid) from reports)")  # by hand: no finish
    assert not stored.up_to_date(conn) and stored.load(conn) is None and stored.load_head(conn) is None
    assert not site.up_to_date(path)
    conn.close()
    site.prepare(path, echo=lambda *_: None)  # as `gkreport serve` does: everything derived made again
    conn = sqlite3.connect(path)
    assert stored.up_to_date(conn)
    loaded = stored.load(conn)
    assert loaded.zh == {w: stored.canonical(m) for w, m in build_index(conn).zh.items()}
    assert (gone in loaded.by_name) == bool(conn.execute("select 1 from reports where agency_name = ?", [gone]).fetchone())


def test_an_index_made_by_other_code_is_never_read(tmp_path):
    conn = sqlite3.connect(_copy(tmp_path))
    with conn:
        summaries.record(conn, stored.NAME, "1:0123456789abcdef:" + str(summaries.generation(conn)))
    assert stored.load(conn) is None
    with conn:
        assert stored.refresh(conn) and not stored.refresh(conn)  # made again once, then up to date
    assert stored.load(conn) is not None


async def test_the_home_page_and_a_question_need_no_index_built(tmp_path, monkeypatch):
    path = _copy(tmp_path)
    built = []
    monkeypatch.setattr(indexes, "build_index", lambda conn: built.append(conn) or build_index(conn))
    indexes.clear()
    ds = build(path)
    home = await ds.client.get("/")
    assert home.status_code == 200
    conn = sqlite3.connect(path)
    agency = stored.load_head(conn).agencies
    assert any(a.name in home.text for a in agency.values())  # the examples name this database's agencies
    answer = (await ds.client.get("/-/ask.json", params={"q": "上犹县政府办历年收到多少申请？"})).json()
    assert answer["status"] == "answered" and answer["rows"]
    assert built == []  # read from the database, never built
