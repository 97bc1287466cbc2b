"""A comparison across years over every report of each year says when the years' reports differ in
number, and offers the like-for-like question (the same agencies in both years)."""

from __future__ import annotations

import sqlite3

import pytest

from gkreport.ask import Asker
from test_ask import ask_db


@pytest.fixture(scope="module")
def asker():
    a = Asker(ask_db())
    yield a
    a.close()


def reports_by_year(years):
    conn = sqlite3.connect(ask_db())
    try:
        return dict(conn.execute(
            f"select r.year, count(distinct r.id) from reports r join request_stats s on s.report_id = r.id "
            f"where s.row_key = 'new_received' and s.total is not null and r.year in ({','.join('?' * len(years))}) "
            "group by r.year", years).fetchall())
    finally:
        conn.close()


def test_two_years_over_different_reports_say_so_and_link_the_like_for_like_question(asker):
    counts = reports_by_year([2022, 2023])
    assert counts[2022] != counts[2023]  # the test database's years differ, as real ones do
    out = asker("2022年和2023年收到的申请数比较")
    assert out["status"] == "answered"
    assert f"2022年{counts[2022]}份、2023年{counts[2023]}份" in out["answer"]
    assert "合计不能直接相比" in out["answer"] and "/gkreport/like_for_like?year_from=2022&year_to=2023" in out["answer"]
    english = asker("how did requests received change from 2022 to 2023")
    assert "not like for like" in english["answer"] and "year_from=2022&year_to=2023" in english["answer"]


def test_one_agency_over_its_own_reports_has_no_such_note(asker):
    out = asker("上杭县政府办2022年和2023年收到申请比较")
    assert out["status"] == "answered" and "增加" in out["answer"]
    assert "报告份数不同" not in out["answer"] and "like_for_like" not in out["answer"]


def test_a_named_body_is_never_answered_with_other_bodies_figures(asker):
    """A body named with a year it has no report for, asked in English: not a list of the others."""
    conn = sqlite3.connect(ask_db())
    try:
        years = {y for (y,) in conn.execute("select year from reports where agency_name = '长沙县人民政府办公室'")}
        others = [n for (n,) in conn.execute("select distinct agency_name from reports where year = 2021 "
                                             "and agency_name != '长沙县人民政府办公室'")]
    finally:
        conn.close()
    assert 2021 not in years and others
    out = asker("What did the Changsha County office receive in 2021?")
    assert out["status"] != "answered"
    assert not any(name in out["answer"] for name in others), out["answer"]


def test_a_second_question_about_a_body_not_in_the_database_is_not_answered_for_all(asker):
    out = asker("郑州市二七区政府信息公开年报有吗，收到多少申请")
    assert out["status"] == "not_found" and "郑州市二七区" in out["answer"]
    assert "历年收到" not in out["answer"] and not out.get("rows")
