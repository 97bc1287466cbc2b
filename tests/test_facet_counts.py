"""The facets of a whole table's page come from the counts kept when the ingest finished
(gkreport/facet_counts.py, datasette_plugins/facets.py): the same counts Datasette would make,
never those of an older state of the reports, and filtered pages counted as before."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from gkreport import facet_counts, site
from gkreport.site import build

from conftest import query


@pytest.fixture
def db(years_db, tmp_path):
    path = tmp_path / "g.db"
    shutil.copyfile(years_db, path)
    return path


def _facets(page: dict) -> dict:
    return {name: {str(v["value"]): v["count"] for v in f["results"]} for name, f in page["facet_results"].items()}


def _live(db, table: str, column: str) -> dict:
    return {str(v): n for v, n in query(db, f"select [{column}], count(*) from [{table}] where [{column}] is not null "
                                           f"group by [{column}]")}


async def test_a_whole_table_shows_the_counts_datasette_would_make(db):
    conn = sqlite3.connect(db)
    assert facet_counts.up_to_date(conn)
    ds = build(db)
    for table, columns in facet_counts.facets().items():
        page = (await ds.client.get(f"/gkreport/{table}.json")).json()
        assert not page.get("facets_timed_out")
        shown = _facets(page)
        for column in columns:
            assert shown[column] == _live(db, table, column), (table, column)
    # the same counts, asked for by URL
    page = (await ds.client.get("/gkreport/reports.json?_facet=year&_facet=province")).json()
    assert _facets(page)["province"] == _live(db, "reports", "province")


async def test_the_page_reads_the_kept_counts(db):
    conn = sqlite3.connect(db)
    year, count = conn.execute("select value, count from facet_counts where table_name = 'reports' "
                               "and column_name = 'year' order by value limit 1").fetchone()
    with conn:  # the kept count altered, its stamp left as it is: the page shows the kept one
        conn.execute("update facet_counts set count = 9999 where table_name = 'reports' and column_name = 'year' "
                     "and value = ?", [year])
    conn.close()
    ds = build(db)
    whole = _facets((await ds.client.get("/gkreport/reports.json")).json())
    assert whole["year"][str(year)] == 9999
    # a filtered page counts its own rows
    filtered = _facets((await ds.client.get(f"/gkreport/reports.json?year={year}")).json())
    assert filtered["year"] == {str(year): count}


async def test_counts_of_other_reports_are_never_shown(db):
    conn = sqlite3.connect(db)
    year, = conn.execute("select year from reports order by rowid desc limit 1").fetchone()
    with conn:  # a report removed by hand: no ingest, no finish
        conn.execute("delete from reports where rowid = (select max(rowid) from reports)")
    assert not facet_counts.up_to_date(conn)
    conn.close()
    ds = build(db)
    page = (await ds.client.get("/gkreport/reports.json")).json()
    assert _facets(page)["year"] == _live(db, "reports", "year")  # counted by the page
    assert not site.up_to_date(db)
    site.prepare(db, echo=lambda *_: None)  # `gkreport serve` counts them again
    assert facet_counts.up_to_date(sqlite3.connect(db))
    assert dict(query(db, "select value, count from facet_counts where table_name = 'reports' "
                          "and column_name = 'year'")) == {int(k): v for k, v in _live(db, "reports", "year").items()}
