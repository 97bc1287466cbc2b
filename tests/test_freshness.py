"""Derived data is never stale: whatever changes a report, every view that reads the summaries,
the cross-year checks or the search index shows the change. A real database, a real site."""

import shutil
import sqlite3

import pytest

from gkreport import site, summaries
from gkreport.ingest import ingest
from gkreport.site import build

from conftest import REPORTS, query

NEWEST = "004_59f3838da1fae8cc.txt"  # ingested last: the report with the largest rowid
AGENCY = "上犹县人民政府办公室"
PRINTED = "一、本年新收政府信息公开申请数量\n\t7\n\t0\n\t0\n\t0\n\t0\n\t0\n\t7\n"


@pytest.fixture
def replaced(tmp_path):
    """The samples ingested, then the newest report replaced by a version receiving 9 requests, not 7."""
    folder = tmp_path / "reports"
    shutil.copytree(REPORTS, folder)
    db = tmp_path / "g.db"
    assert ingest([folder], db).failed == 0
    (old_id, rowid), = query(db, "select id, rowid from reports where rowid = (select max(rowid) from reports)")
    assert query(db, "select source_path from reports where id = ?", [old_id]) == [(str(folder / NEWEST),)]
    text = (folder / NEWEST).read_text(encoding="utf-8")
    assert PRINTED in text
    (folder / NEWEST).write_text(text.replace(PRINTED, PRINTED.replace("\t7\n", "\t9\n")), encoding="utf-8")
    summary = ingest([folder], db)
    assert (summary.stored, summary.unchanged) == (1, 4)
    (new_id, new_rowid), = query(db, "select id, rowid from reports where source_path = ?", [str(folder / NEWEST)])
    assert new_id != old_id and new_rowid == rowid  # the case that kept summaries old: same count, same max(rowid)
    return db, old_id, new_id


def test_every_summary_table_follows_a_replaced_report(replaced):
    db, old_id, new_id = replaced
    assert query(db, "select report_id, new_received from report_figures where report_id in (?, ?)",
               [old_id, new_id]) == [(new_id, 9)]
    assert query(db, "select count(*) from report_figures where report_id not in (select id from reports)") == [(0,)]
    # every total equals the same sum taken from the contract tables now
    assert query(db, "select sum(new_received) from region_totals where year = 2023 and province = '江西省'") == \
        query(db, "select sum(s.total) from request_stats s join reports r on r.id = s.report_id "
                "where s.row_key = 'new_received' and r.year = 2023 and r.province = '江西省'")
    assert query(db, "select sum(total) from request_totals where year = 2023 and province = '江西省' "
                   "and row_key = 'new_received'") == [(9,)]
    # and the cross-year checks were recomputed at the same change count
    conn = sqlite3.connect(db)
    try:
        assert summaries.recorded(conn, "crosscheck") == summaries.generation(conn)
        assert summaries.up_to_date(conn)
    finally:
        conn.close()


async def test_every_view_of_the_site_shows_the_replaced_report(replaced):
    db, old_id, new_id = replaced
    app = build(db)
    (agency_id,), = query(db, "select agency_id from reports where id = ?", [new_id])
    chart = (await app.client.get(f"/gkreport/chart_agency.json?_shape=array&agency_id={agency_id}")).json()
    assert [(r["年度"], r["本年新收申请"], r["报告编号"]) for r in chart if r["年度"] == 2023] == [(2023, 9, new_id)]
    answer = (await app.client.get("/-/ask.json", params={"q": "上犹县政府办2023年收到多少申请？"})).json()
    assert answer["status"] == "answered" and [r["value"] for r in answer["rows"]] == [9], answer
    assert "9" in answer["answer"] and "7件" not in answer["answer"]
    years = (await app.client.get("/gkreport/chart_years.json?_shape=array")).json()
    assert next(r["本年新收申请"] for r in years if r["年度"] == 2023) == \
        query(db, "select sum(s.total) from request_stats s join reports r on r.id = s.report_id "
                "where s.row_key = 'new_received' and r.year = 2023")[0][0]
    page = await app.client.get(f"/report/{new_id}")
    assert page.status_code == 200 and AGENCY in page.text
    assert (await app.client.get(f"/report/{old_id}")).status_code == 404
    table3 = (await app.client.get(f"/gkreport/request_stats.json?_shape=array&report_id={new_id}"
                                   "&row_key=new_received")).json()
    assert [r["total"] for r in table3] == [9]


def test_serve_rebuilds_summaries_that_no_longer_match_the_reports(replaced, tmp_path):
    db, _, new_id = replaced
    assert site.up_to_date(db)
    # a report changed by hand (or by an ingest stopped before its end): the count moves on
    conn = sqlite3.connect(db)
    conn.execute("update reports set year = 2022 where id = ?", [new_id])
    conn.commit()
    conn.close()
    assert not site.up_to_date(db)
    said = []
    site.prepare(db, echo=said.append)
    assert said and "不一致" in said[0]
    assert site.up_to_date(db)
    assert query(db, "select year from report_figures where report_id = ?", [new_id]) == [(2022,)]


def test_cross_year_checks_follow_a_report_removed_even_when_nothing_is_stored(tmp_path):
    from test_crosscheck import S004, the_year_before

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "2023.txt").write_text(S004, encoding="utf-8")
    (folder / "2022.txt").write_text(the_year_before(), encoding="utf-8")
    db = tmp_path / "g.db"
    ingest([folder], db)
    cross = "select count(*) from checks where rule in ('t3_carried_over_last_year', 't2_in_force_change')"
    assert query(db, cross) == [(3,)]
    # the 2022 report removed (by hand: a mistaken download), then an ingest that stores nothing
    conn = sqlite3.connect(db)
    (old,), = conn.execute("select id from reports where year = 2022").fetchall()
    for table in ("sections", "request_stats", "appeal_stats", "active_disclosure", "checks"):
        conn.execute(f"delete from {table} where report_id = ?", [old])
    conn.execute("delete from reports where id = ?", [old])
    conn.commit()
    conn.close()
    (folder / "2022.txt").unlink()
    summary = ingest([folder], db)
    assert (summary.stored, summary.unchanged) == (0, 1)
    assert query(db, cross) == [(0,)]  # no year before any more: nothing to compare
    assert query(db, "select count(*) from report_figures") == [(1,)]
