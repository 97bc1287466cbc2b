"""The assessment measures (gkreport/assess) on reports built for each case (tests/assess_builder.py):
the roster and coverage, deadlines, copies (and that their cost does not grow with the square of the
count), rates and Wilson intervals, unusual figures, the compliance score, and that all of it follows
the reports as they are added, replaced and removed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from gkreport import assess, store, template as T
from gkreport.assess import metrics, outliers, score, similarity
from gkreport.regions import agency_id, governments, resolve_agency

from assess_builder import add, arithmetic_break, build, edited, narrative, prose, remove, report


def rows(path, sql, params=()):
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


# --- roster and coverage ----------------------------------------------------------------------------------


def test_the_roster_has_every_government_at_county_level_and_above_under_the_id_its_reports_get():
    govs = list(governments())
    assert len(govs) == 3209  # 33 provinces less 香港 and 澳门, 333 prefectures, 2,845 counties
    assert {g.level for g in govs} == {"province", "city", "county"}
    by_name = {g.name: g for g in govs}
    assert by_name["阿里地区行政公署"].kind == "government" and "阿里地区人民政府" not in by_name
    for name in ("福建省人民政府", "龙岩市人民政府", "武平县人民政府", "北京市人民政府", "锡林郭勒盟行政公署"):
        assert agency_id(resolve_agency(name)) == agency_id(by_name[name]), name


def test_coverage_lists_every_expected_body_and_year_with_its_report_or_none(tmp_path):
    db = build(tmp_path / "c.db", [report("武平县司法局", 2021), report("武平县司法局", 2023),
                                  report("武平县人民政府", 2022), report("龙岩市人民政府", 2021)])
    cov = {(r["agency_name"], r["year"]): r["report_id"] for r in rows(db, "select * from coverage")}
    years = {y for _, y in cov}
    assert years == {2021, 2022, 2023}  # the database's span
    assert cov[("武平县司法局", 2022)] is None and cov[("武平县司法局", 2021)] and cov[("武平县司法局", 2023)]
    assert cov[("武平县人民政府", 2021)] is None and cov[("武平县人民政府", 2022)]  # a government: every year
    assert cov[("福建省人民政府", 2023)] is None  # from the division data, with no report
    # every government (some share a name: 朝阳区 in 北京 and in 长春), and the 司法局
    assert rows(db, "select count(*) as n from coverage where year = 2021")[0]["n"] == 3209 + 1
    totals = rows(db, "select * from coverage_totals where province = '福建省' and kind = 'government' and year = 2021")
    assert sum(r["published"] for r in totals) == 1  # 龙岩市 only
    # a body that first published in 2023 is not expected before
    db2 = build(tmp_path / "c2.db", [report("武平县司法局", 2021), report("武平县自然资源局", 2023)])
    assert {r["year"] for r in rows(db2, "select year from coverage where agency_name = '武平县自然资源局'")} == {2023}


# --- timeliness --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("agency,published,deadline,days", [
    ("武平县司法局", "2022-01-31", "2022-01-31", 0),  # the deadline day is on time
    ("武平县司法局", "2022-02-01", "2022-01-31", 1),
    ("武平县人民政府办公室", "2022-03-01", "2022-01-31", 29),  # a government's office is a department
    ("武平县人民政府", "2022-03-31", "2022-03-31", 0),
    ("武平县人民政府", "2022-04-12", "2022-03-31", 12),
    ("福建省人民政府", "2022-02-15", "2022-03-31", 0),
])
def test_deadlines_of_the_regulation(tmp_path, agency, published, deadline, days):
    db = build(tmp_path / "t.db", [report(agency, 2021, published=published)])
    (t,) = rows(db, "select * from timeliness")
    assert (t["deadline"], t["days_late"], t["late"]) == (deadline, days, int(days > 0))
    late = rows(db, "select * from checks where rule = 'published_late'")
    assert [(c["severity"], c["actual"]) for c in late] == ([("info", str(days))] if days else [])


def test_leap_years_count_their_29_february(tmp_path):
    db = build(tmp_path / "t.db", [report("武平县司法局", 2023, published="2024-03-01")])
    assert rows(db, "select days_late from timeliness")[0]["days_late"] == 30


@pytest.mark.parametrize("agency,published,note", [
    ("武平县司法局", None, "报告中没有发布日期"),
    ("武平县司法局", "2021-06-30", "发布日期早于统计年度结束，可能读错"),
    ("武平县司法局", "2022-02-30", "发布日期不是有效日期"),
])
def test_no_credible_date_is_never_late_nor_on_time(tmp_path, agency, published, note):
    db = build(tmp_path / "t.db", [report(agency, 2021, published=published)])
    (t,) = rows(db, "select * from timeliness")
    assert (t["late"], t["days_late"], t["note"]) == (None, None, note)
    assert rows(db, "select on_time from compliance")[0]["on_time"] == 0  # not shown to be on time


def test_bodies_without_a_deadline_in_the_regulation(tmp_path):
    db = build(tmp_path / "t.db", [report("中共武平县委员会", 2021, published="2022-09-01")])
    (t,) = rows(db, "select * from timeliness")
    assert t["deadline"] is None and t["late"] is None and "未规定" in t["basis"]
    assert rows(db, "select on_time from compliance")[0]["on_time"] is None  # does not apply


# --- copies ------------------------------------------------------------------------------------------------


def test_jaccard_of_five_character_shingles():
    assert similarity.jaccard("一二三四五六", "一二三四五六") == 1.0
    assert similarity.jaccard("一二三四五六", "一二三四五七") == pytest.approx(1 / 3)  # 一二三四五 shared of 3
    text = prose(1, 1000)
    assert similarity.jaccard(text, edited(text, 0.1)) > 0.8


def test_band_keys_are_the_same_in_every_process():
    """The keys are stored and compared across ingests: they must not depend on a process's hash seed."""
    text = prose(7, 500)
    code = ("import sys; from gkreport.assess.similarity import band_keys; from assess_builder import prose; "
            "print(band_keys(prose(7, 500)))")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed, "PYTHONPATH": "tests"}).stdout.strip() for seed in ("1", "2")}
    assert outs == {str(similarity.band_keys(text))}


def test_near_copies_are_flagged_and_the_rest_are_not(tmp_path):
    base = prose("original", 900)
    near = edited(base, 0.02, seed=1)  # a copy with a few figures changed
    far = edited(base, 0.45, seed=2)  # a text that shares half its runs
    reports = [
        report("武平县司法局", 2021, **narrative(base), published="2022-01-20"),
        report("武平县司法局", 2022, **narrative(near), published="2023-01-20"),  # same body, next year: a copy
        report("武平县自然资源局", 2022, **narrative(near), published="2023-01-25"),  # another body, later: a copy
        report("武平县人民政府办公室", 2022, **narrative(far), published="2023-01-10"),
        report("武平县民政局", 2023, **narrative(base), published=None),  # another year and body: not compared
    ]
    db = build(tmp_path / "s.db", reports)
    ids = {(r[0].meta.agency_name, r[0].meta.year): r[0].id for r in reports}
    pairs = {(r["report_id"], r["other_id"]): (r["relation"], r["jaccard"]) for r in rows(db, "select * from copied_reports")}
    want = {(ids[("武平县司法局", 2022)], ids[("武平县司法局", 2021)]): "previous_year",
            (ids[("武平县自然资源局", 2022)], ids[("武平县司法局", 2022)]): "same_year"}
    assert {k: v[0] for k, v in pairs.items()} == want
    for (a, b), (_, j) in pairs.items():
        texts = similarity._texts(sqlite3.connect(db), [a, b])
        assert j == pytest.approx(similarity.jaccard(texts[a], texts[b]), abs=1e-4) and j >= 0.9
    checks = {c["report_id"]: c for c in rows(db, "select * from checks where rule = 'copied_narrative'")}
    assert set(checks) == {a for a, _ in want}
    assert "武平县司法局 2022 年的报告" in checks[ids[("武平县自然资源局", 2022)]]["message"]


def test_copies_with_dates_that_do_not_tell_flag_both(tmp_path):
    text = prose("same", 600)
    reports = [report("武平县司法局", 2022, **narrative(text), published=None),
               report("武平县自然资源局", 2022, **narrative(text), published="2023-01-25")]
    db = build(tmp_path / "s.db", reports)
    assert len(rows(db, "select * from checks where rule = 'copied_narrative'")) == 2


def test_short_narratives_are_not_compared(tmp_path):
    reports = [report("武平县司法局", 2022, section1="无", section5="无"),
               report("武平县自然资源局", 2022, section1="无", section5="无")]
    db = build(tmp_path / "s.db", reports)
    assert rows(db, "select * from copied_reports") == []
    assert {r["not_copied"] for r in rows(db, "select not_copied from compliance")} == {None}


def test_the_work_of_finding_copies_does_not_grow_with_the_square_of_the_count(tmp_path):
    """Two hundred reports of one year with the same narrative: each is compared with the earliest few,
    not with all the others (20,000 pairs); and every one but the earliest is flagged."""
    text = prose("template", 600)
    reports = [report(f"{county}司法局", 2022, **narrative(edited(text, 0.01, seed=n)),
                      published=f"2023-{1 + n // 28:02d}-{1 + n % 28:02d}")
               for n, county in enumerate(c.name[:-4] for c in governments() if c.level == "county")][:200]
    db = store.connect(tmp_path / "s.db")
    store.ensure_db_shape(db)
    with db.atomic():
        for parsed, source, agency in reports:
            store.save_report(db, parsed, source, agency)
    with db.atomic():
        summary = similarity.update(db.conn)
    assert summary["printed"] == 200
    assert summary["compared"] <= 200 * similarity.MAX_COMPARED  # 19,900 pairs in all
    flagged = {r[0] for r in db.execute("select report_id from copied_reports")}
    earliest = reports[0][0].id  # published first: the original
    assert len(flagged) == 199 and earliest not in flagged
    db.close()


def test_each_look_up_of_the_copies_uses_an_index(tmp_path):
    """A look-up made for every report must never read a whole table: at 100,000 reports that is the
    square of the count again."""
    db = build(tmp_path / "s.db", [report("武平县司法局", 2022)])
    conn = sqlite3.connect(db)
    conn.execute("delete from sqlite_stat1")  # the statistics of one report would make a scan the cheaper plan
    conn.commit()
    conn.close()
    conn = sqlite3.connect(db)
    for sql, params in [
        ("select report_id, agency_id, year, published_date, chars, bands from narrative_prints "
         "where agency_id = ? and year in (?, ?) and bands is not null", ["x", 2021, 2023]),
        ("select report_id from narrative_bands where year = ? and band = ? order by published limit ?", [2022, 1, 9]),
        ("select report_id, agency_id, year, published_date, chars, bands from narrative_prints "
         "where report_id = ? and bands is not null", ["x"]),
        ("select report_id, body from sections where report_id in (?) and section_no in (1, 5) "
         "order by report_id, position", ["x"]),
    ]:
        plan = " ".join(r[3] for r in conn.execute("explain query plan " + sql, params))
        assert "USING" in plan and not plan.startswith("SCAN"), (sql, plan)
    conn.close()


def test_copies_follow_reports_added_replaced_and_removed(tmp_path):
    text = prose("kept", 700)
    first = report("武平县司法局", 2022, **narrative(text), published="2023-01-10")
    db = store.connect(build(tmp_path / "f.db", [first]))
    copy = report("武平县自然资源局", 2022, **narrative(text), published="2023-01-20")
    add(db, [copy])  # added later: found against the report stored before
    assert [r[0] for r in db.execute("select report_id from checks where rule = 'copied_narrative'")] == [copy[0].id]
    printed = db.execute("select count(*) from narrative_prints").fetchone()[0]
    remove(db, first[0].id)  # the original removed: the copy is no longer one
    assert db.execute("select count(*) from checks where rule = 'copied_narrative'").fetchone()[0] == 0
    assert db.execute("select count(*) from copied_reports").fetchone()[0] == 0
    assert db.execute("select count(*) from narrative_prints").fetchone()[0] == printed - 1
    add(db, [first])
    assert db.execute("select count(*) from copied_reports").fetchone()[0] == 1
    db.close()


def test_copies_follow_a_report_replaced(tmp_path):
    """A report replaced by a version with its own text (a new id, as a changed file gets; the new row
    takes the old one's rowid) is no longer a copy."""
    text = prose("kept", 700)
    first = report("武平县司法局", 2022, **narrative(text), published="2023-01-10")
    copy = report("武平县自然资源局", 2022, **narrative(text), published="2023-01-20")
    db = store.connect(build(tmp_path / "f.db", [first, copy]))
    assert db.execute("select count(*) from copied_reports").fetchone()[0] == 1
    rewritten = report("武平县自然资源局", 2022, **narrative(prose("new", 700)), published="2023-01-20")
    with db.atomic():
        store.write(db, store.prepare(*rewritten), replaces=(copy[0].id,))
    store.finish(db)
    assert db.execute("select count(*) from copied_reports").fetchone()[0] == 0
    assert db.execute("select count(*) from checks where rule = 'copied_narrative'").fetchone()[0] == 0
    db.close()


# --- rates -------------------------------------------------------------------------------------------------


def test_wilson_interval():
    assert metrics.wilson(21, 30) == pytest.approx((0.5212, 0.8334), abs=5e-5)  # checked by hand
    assert metrics.wilson(0, 10)[0] == 0 and metrics.wilson(10, 10)[1] == 1
    assert metrics.wilson(0, 0) is None and metrics.wilson(None, 5) is None and metrics.wilson(6, 5) is None


def test_the_sql_of_the_rates_gives_what_the_functions_give():
    """metric_values is computed in SQL, the questions' sums with gk_rate_text and gk_wilson_*: the same
    digits either way (halves rounded up, 1 of 16 is 6.3%)."""
    conn = sqlite3.connect(":memory:")
    metrics.register(conn)
    sql = ("select " + ", ".join(metrics.VALUE_SQL) + ", gk_rate_text(n, d), gk_wilson_low(n, d), "
           "gk_wilson_high(n, d) from (select ? as n, ? as d)")
    for d in range(0, 161):
        for n in [None, -1, *range(0, d + 2)]:
            _, text, low, high, text2, low2, high2 = conn.execute(sql, [n, d]).fetchone()
            assert (text, low, high) == (text2, low2, high2) or (
                text == text2 and abs(low - low2) < 1e-6 and abs(high - high2) < 1e-6), (n, d)
    assert metrics.rate_text(1, 16) == "6.3%" and metrics.rate_text(23, 80) == "28.8%"


@pytest.mark.parametrize("n,d,text", [(0, 0, "无法计算"), (1, 0, "无法计算"), (None, 4, "无法计算"), (3, None, "无法计算"),
                                      (0, 4, "0.0%"), (4, 4, "100.0%"), (53, 94, "56.4%")])
def test_rate_text(n, d, text):
    assert metrics.rate_text(n, d) == text


def test_every_report_gets_every_metric_from_the_metrics_table(tmp_path):
    db = build(tmp_path / "m.db", [report("武平县司法局", 2021, figures={"new_received": 0}),
                                  report("武平县人民政府", 2021, figures={"new_received": 40, "partial": 5, "granted": 20,
                                                                          "carried_forward": 2})])
    defined = rows(db, "select * from metrics order by sort_order")
    assert [m["key"] for m in defined] == [m["key"] for m in metrics.definitions()]
    values = {(r["agency_name"], r["metric"]): r for r in rows(
        db, "select f.agency_name, v.* from metric_values v join report_figures f on f.report_id = v.report_id")}
    assert len(values) == 2 * len(defined)
    zero = values[("武平县司法局", "disclosure_rate")]
    assert (zero["numerator"], zero["denominator"], zero["rate"], zero["rate_text"], zero["wilson_low"]) == \
        (0, 0, None, "无法计算", None)
    gov = values[("武平县人民政府", "disclosure_rate")]
    assert (gov["numerator"], gov["denominator"], gov["rate_text"]) == (25, 38, "65.8%")
    assert (gov["wilson_low"], gov["wilson_high"]) == pytest.approx(metrics.wilson(25, 38))
    carry = values[("武平县人民政府", "carry_forward_rate")]
    assert (carry["numerator"], carry["denominator"]) == (2, 40)
    review = values[("武平县人民政府", "review_correction_rate")]
    assert review["rate_text"] == "无法计算"  # no case decided


# --- unusual figures ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("series,flagged", [
    ({2021: 5, 2022: 7, 2023: 6, 2024: 480}, [2024]),
    ({2021: 480, 2022: 5, 2023: 7, 2024: 6}, [2021]),  # anywhere in the history
    ({2021: 94, 2022: 119, 2023: 140, 2024: 168}, []),  # steady growth
    ({2021: 51, 2022: 60, 2023: 58, 2024: 59}, []),  # three years close together: no floor would flag 51
    ({2021: 0, 2022: 1, 2023: 0, 2024: 2}, []),
    ({2021: 0, 2022: 0, 2023: 0, 2024: 9}, []),  # fewer than 10 requests apart
    ({2021: 5, 2022: 7, 2023: 480}, []),  # too short a history
    ({2021: 300, 2022: 320, 2023: 310, 2024: 20}, [2024]),  # a fall counts too
])
def test_unusual_figures(series, flagged):
    assert [y for y, _, _ in outliers.unusual(series)] == flagged


def test_unusual_figures_are_hints_on_the_figure(tmp_path):
    counts = {2021: 5, 2022: 7, 2023: 6, 2024: 480}
    db = build(tmp_path / "u.db", [report("武平县司法局", y, figures={"new_received": n}) for y, n in counts.items()])
    checks = rows(db, "select c.*, r.year from checks c join reports r on r.id = c.report_id where rule = 'unusual_figure'")
    assert {(c["year"], c["location"], c["severity"]) for c in checks} >= {
        (2024, "request_stats.new_received.total", "info")}
    assert {c["year"] for c in checks} == {2024}
    assert rows(db, "select status from reports where year = 2024")[0]["status"] == "ok"  # a hint, not a problem


# --- compliance --------------------------------------------------------------------------------------------


def test_rubric_weights_add_up_to_100_and_parts_are_judged_as_documented(tmp_path):
    assert sum(p["weight"] for p in score.rubric()) == 100
    assert all(r in {x.key for x in T.RULES} for r in score.ARITHMETIC_RULES)
    reports = [
        report("武平县司法局", 2021),
        report("武平县自然资源局", 2021, published="2022-02-05"),
        report("武平县民政局", 2021, empty_sections=(5,)),
        report("武平县财政局", 2021, tables=False),
        report("武平县交通运输局", 2021, checks=[arithmetic_break()]),
        report("武平县水利局", 2021, contact=False),
    ]
    db = build(tmp_path / "r.db", reports)
    got = {r["agency_name"]: r for r in rows(db, "select * from compliance")}
    assert got["武平县司法局"]["score"] == 100 and got["武平县司法局"]["notes"] is None
    assert (got["武平县自然资源局"]["on_time"], got["武平县自然资源局"]["score"]) == (0, 80)
    assert (got["武平县民政局"]["six_sections"], got["武平县民政局"]["score"]) == (0, 80)
    assert "第5部分" in got["武平县民政局"]["notes"]
    assert got["武平县财政局"]["three_tables"] == 0 and got["武平县财政局"]["arithmetic"] is None
    assert got["武平县财政局"]["score"] == pytest.approx(100 * 60 / 80, abs=0.05)  # arithmetic does not apply
    assert (got["武平县交通运输局"]["arithmetic"], got["武平县交通运输局"]["score"]) == (0, 80)
    assert (got["武平县水利局"]["contact_details"], got["武平县水利局"]["score"]) == (0, 90)
    weights = {p["key"]: p["weight"] for p in score.rubric()}
    for r in got.values():  # every score is its parts
        parts = {p: r[p] for p in score.PARTS}
        assert r["points"] == sum(weights[p] for p, v in parts.items() if v)
        assert r["possible"] == sum(weights[p] for p, v in parts.items() if v is not None)
        assert r["score"] == round(100 * r["points"] / r["possible"], 1)


# --- freshness ---------------------------------------------------------------------------------------------


def test_everything_derived_follows_a_report_removed(tmp_path):
    late = report("武平县司法局", 2022, published="2023-03-01", figures={"new_received": 40})
    db = store.connect(build(tmp_path / "f.db", [report("武平县司法局", 2021), late]))
    assert db.execute("select count(*) from checks where rule = 'published_late'").fetchone()[0] == 1
    remove(db, late[0].id)
    for sql, want in [("select count(*) from checks where rule = 'published_late'", 0),
                      ("select count(*) from timeliness", 1), ("select count(*) from compliance", 1),
                      ("select count(*) from metric_values where report_id = ?", 0),
                      ("select count(report_id) from coverage where agency_name = '武平县司法局'", 1)]:
        params = [late[0].id] if "?" in sql else []
        assert db.execute(sql, params).fetchone()[0] == want, sql
    assert assess.up_to_date(db.conn)
    db.close()


def test_a_database_of_an_older_version_gets_its_assessment_when_served(tmp_path):
    from gkreport.site import prepare

    path = build(tmp_path / "old.db", [report("武平县司法局", 2021)])
    conn = sqlite3.connect(path)
    for table in ("compliance", "metric_values", "coverage"):
        conn.execute(f"drop table {table}")
    conn.execute("delete from derived_tables where name = ?", [assess.NAME])
    conn.commit()
    conn.close()
    said = []
    prepare(path, echo=said.append)
    assert said and "评估表" in said[0]
    assert rows(path, "select count(*) as n from compliance")[0]["n"] == 1
