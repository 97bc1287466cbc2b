"""The question box never answers a nearby question: what the reports do not hold is unanswerable, a scope
with no report is no_data naming its filter, a ranking shows its ties whole, and words that look like
years or names (上一年结转, 国办函〔2020〕109号, IPv6, 来自省级单位) are read as what they are. Each is
checked against the test database with SQL written here."""

from __future__ import annotations

import sqlite3

import pytest


@pytest.mark.parametrize("question,dimension", [
    ("上杭县2022年那两起复议后起诉的官司是谁告的，案号多少", "case"),
    ("Which court heard the Zhanggong lawsuits in 2022?", "case"),
    ("把上杭县2023年那3个逾期不补正的申请人联系方式发我", "case"),
    ("南昌市政府办有几个人专门负责政务公开", "staff"),
    ("福田区办这项工作花了多少钱", "budget"),
    ("How much did it cost the Futian office to run its disclosure work in 2023?", "budget"),
    ("殷都区政府2022年行政处罚一共罚了多少钱", "amount"),
    ("殷都区2022年行政许可收了多少钱", "amount"),
    ("全国2022年一共收到多少政府信息公开申请", "national"),
    ("Nationwide, how many requests were received in 2022?", "national"),
    ("能不能帮我写一份政府信息公开申请书", "task"),
    ("帮我向上杭县政府办提交一个信息公开申请", "task"),
    ("Can you file a disclosure request with the Futian District office for me?", "task"),
    ("上杭县2022年有多少件申请是关于土地征收的", "subject"),
])
def test_what_the_reports_do_not_hold_is_unanswerable_with_no_figure(ask_asker, question, dimension):
    out = ask_asker(question)
    assert out["status"] == "unanswerable", (question, out["status"], out["answer"])
    assert out.get("dimension") == dimension and not out["rows"] and not out["sql"]


def test_a_part_asking_the_same_of_cases_not_held_goes_with_them(ask_asker):
    """行政复议是哪个机关审理的？上杭县那几件: one unanswerable answer, never 上杭县's count of reviews."""
    out = ask_asker("行政复议是哪个机关审理的？上杭县那几件")
    assert out["status"] == "unanswerable" and not out["parts"] and not out["rows"]


def test_amounts_table_2_holds_are_still_answered(ask_asker, ask_conn):
    out = ask_asker("将乐县2020年政府集中采购金额是多少？")
    expected = ask_conn.execute("select sum(a.value) from active_disclosure a join reports r on r.id = a.report_id "
                            "where r.agency_name = '将乐县人民政府' and r.year = 2020 and a.item = 'procurement' "
                            "and a.measure = 'amount_yuan'").fetchone()[0]
    assert out["status"] == "answered" and out["rows"][0]["value"] == expected


def test_a_named_body_with_no_report_that_year_is_no_data_naming_the_year(ask_asker, ask_conn):
    years = [y for (y,) in ask_conn.execute("select year from reports where agency_name = '长沙县人民政府办公室' order by year")]
    assert 2021 not in years
    out = ask_asker("What did the Changsha County office receive in 2021?")
    assert out["status"] == "no_data" and out["missing"] == "year" and not out["rows"]
    assert all(str(y) in out["answer"] for y in years)


def test_a_level_with_no_report_is_no_data_naming_the_level(ask_asker, ask_conn):
    assert ask_conn.execute("select count(*) from reports where level = 'township'").fetchone()[0] == 0
    for q in ("有乡镇一级的报告吗？列一下", "Show me township-level reports from 2023"):
        out = ask_asker(q)
        assert out["status"] == "no_data" and out["missing"] == "level", (q, out["answer"])


def test_a_ranking_shows_every_body_tied_with_the_last_place():
    """with_ties on a real SQLite table: the first place alone when it is alone, both when two share it."""
    from gkreport.ask.engine import with_ties

    c = sqlite3.connect(":memory:")
    c.execute("create table t (agency text, value int)")
    c.executemany("insert into t values (?, ?)", [("甲", 5), ("乙", 7), ("丙", 7), ("丁", 3), ("戊", None)])
    sql = with_ties("select agency, value from t\norder by value desc, agency\nlimit :limit")
    assert [r[0] for r in c.execute(sql, {"limit": 1})] == ["丙", "乙"]
    assert [r[0] for r in c.execute(sql, {"limit": 3})] == ["丙", "乙", "甲"]
    assert len(c.execute(sql, {"limit": 10}).fetchall()) == 5
    low = with_ties("select agency, value from t where value is not null\norder by value asc, agency\nlimit :limit")
    assert [r[0] for r in c.execute(low, {"limit": 2})] == ["丁", "甲"]


def test_the_first_place_asked_for_shows_its_tie(ask_asker, ask_conn):
    top = ask_conn.execute("select max(s.total) from request_stats s join reports r on r.id = s.report_id "
                       "where r.year = 2022 and s.row_key = 'new_received'").fetchone()[0]
    tied = {n for (n,) in ask_conn.execute("select r.agency_name from request_stats s join reports r on r.id = s.report_id "
                                       "where r.year = 2022 and s.row_key = 'new_received' and s.total = ?", [top])}
    out = ask_asker("2022年收到申请最多的是哪个单位")
    assert out["status"] == "answered" and {r["agency"] for r in out["rows"]} == tied


def test_carried_over_from_the_year_before_is_a_row_not_a_year(ask_asker, ask_conn):
    out = ask_asker("南京鼓楼区2022年从上一年结转过来的申请有几件")
    expected = ask_conn.execute("select s.total from request_stats s join reports r on r.id = s.report_id "
                            "where r.agency_name = '南京市鼓楼区人民政府办公室' and r.year = 2022 "
                            "and s.row_key = 'carried_over'").fetchone()[0]
    assert out["status"] == "answered" and out["slots"]["measure"] == "carried_over"
    assert out["slots"]["years"]["values"] == [2022] and out["rows"][0]["value"] == expected


@pytest.mark.parametrize("text,year", [("两千零二十二年", "2022"), ("二千零二十年度", "2020"), ("两千零九年", "2009")])
def test_a_year_said_in_words(text, year):
    from gkreport.ask.text import normalize

    assert normalize(text).startswith(year)


def test_each_year_of_a_range_is_one_row(ask_asker):
    out = ask_asker("上犹县政府办近两年的公开率分别是多少")
    assert out["intent"] == "rate_by_year" and [r["year"] for r in out["rows"]] == [2022, 2023]
    out = ask_asker("Was Xihu District's disclosure rate higher in 2023 than in 2021?")
    assert [r["year"] for r in out["rows"]] == [2021, 2023]  # never 2022 between them


def test_never_is_no_report_of_the_body_with_any(ask_asker, ask_conn):
    expected = {n for (n,) in ask_conn.execute(
        "select min(r.agency_name) from appeal_stats p join reports r on r.id = p.report_id "
        "where p.proceeding = 'review' group by r.agency_id having sum(p.total) = 0")}
    out = ask_asker("哪些单位从来没有被申请过行政复议")
    assert out["intent"] == "agencies_never" and {r["agency"] for r in out["rows"]} == expected


def test_words_that_look_like_years_or_names_are_not(ask_asker):
    out = ask_asker("Which reports talk about IPv6?")
    assert out["status"] == "answered" and out["rows"]
    out = ask_asker("哪些报告来自省级单位")
    assert out["status"] == "answered" and {r["agency"] for r in out["rows"]} == {"福建省人民政府办公厅"}
    out = ask_asker("Which reports cite the information processing fee measures, 国办函〔2020〕109号?")
    assert "years" not in out["slots"]
    out = ask_asker("Shangyou 教育局 2022 年 admin review how many")
    assert out["status"] == "answered" and out["slots"]["agencies"] == ["上犹县教育局"]


def test_an_english_topic_with_no_known_chinese_words_is_not_searched(ask_asker):
    out = ask_asker("Which reports mention flood control?")
    assert out["status"] == "not_understood" and not out["rows"] and "flood control" in out["answer"]


def test_a_follow_up_changes_one_filter_and_keeps_the_rest(ask_asker):
    first = ask_asker("福建省有哪些单位发布了年报？")
    second = ask_asker("江西省呢", first["context"])
    third = ask_asker("只看2023年的", second["context"])
    assert third["intent"] == "agency_list" and third["slots"]["regions"][0]["province"] == "江西省"
    assert third["slots"]["years"]["values"] == [2023]
    rate = ask_asker("金水区2022年行政复议纠错率")
    lawsuits = ask_asker("行政诉讼的呢", rate["context"])
    assert lawsuits["intent"] == "rate_value" and lawsuits["rate"]["numerator"] is not None
    assert lawsuits["slots"]["measure"] == "litigation" and lawsuits["slots"]["rate"] == "correction_rate"


@pytest.mark.parametrize("question,severity", [("How many checks are errors?", "error"),
                                               ("有多少条info级别的检查", "info"), ("有多少项检查没有通过", None)])
def test_checks_of_one_severity(ask_asker, ask_conn, question, severity):
    where = "severity = ?" if severity else "severity in ('warning', 'error')"
    expected = ask_conn.execute(f"select count(*) from checks where {where}", [severity] if severity else []).fetchone()[0]
    out = ask_asker(question)
    assert out["intent"] == "checks_count" and out["rows"][0]["checks"] == expected


def test_how_many_places_the_reports_come_from(ask_asker, ask_conn):
    expected = ask_conn.execute("select count(distinct province), count(distinct province || '/' || coalesce(city, '')), "
                                "count(distinct case when county is not null then province || city || county end) "
                                "from reports").fetchone()
    out = ask_asker("这个库覆盖了几个省")
    row = out["rows"][0]
    assert out["intent"] == "province_count" and (row["provinces"], row["cities"], row["counties"]) == expected


def test_one_check_named_by_what_it_finds(ask_asker, ask_conn):
    expected = {(a, y) for a, y in ask_conn.execute(
        "select distinct r.agency_name, r.year from checks c join reports r on r.id = c.report_id "
        "where c.rule = 'copied_narrative'")}
    out = ask_asker("哪些报告的正文是抄的")
    assert {(r["agency"], r["year"]) for r in out["rows"]} == expected and "正文与另一份报告几乎相同" in out["answer"]
    out = ask_asker("有没有报告的勾稽关系不平，就是收到加结转不等于办理加结转下年的？")
    assert out["params"].get("rule") == "t3_received_eq_processed"


def test_a_year_with_no_report_of_a_filter_names_the_filter(ask_asker):
    out = ask_asker("2022年哪些报告有警告")
    assert out["status"] == "no_data" and out["missing"] == "year" and "有警告" in out["answer"]


@pytest.mark.parametrize("question", ["列出所有政府部门", "List every government department in the database.",
                                      "哪些部门有报告"])
def test_departments_listed_are_departments(ask_asker, ask_conn, question):
    expected = {n for (n,) in ask_conn.execute("select distinct agency_name from reports where agency_id in (select id from agencies where kind = 'department')")}
    out = ask_asker(question)
    assert out["intent"] == "agency_list" and {r["agency"] for r in out["rows"]} == expected


def test_asking_politely_is_still_a_question(ask_asker):
    for q in ("帮我查一下上杭县2022年收到多少申请", "Could you tell me how many requests Shanghang received in 2022?"):
        out = ask_asker(q)
        assert out["status"] == "answered" and out["rows"][0]["value"] == 40, (q, out["answer"])


@pytest.mark.parametrize("question", ["Who runs the Futian office?", "Is the Futian office good at disclosure?",
                                      "How big is the Futian office?"])
def test_a_body_named_with_words_not_understood_is_not_answered_with_its_reports(ask_asker, question):
    out = ask_asker(question)
    assert out["status"] in ("unanswerable", "not_understood") and not out["rows"], (question, out["answer"])


def test_a_report_named_by_its_id(ask_asker, ask_conn):
    rid, title = ask_conn.execute("select id, title from reports order by id limit 1").fetchone()
    out = ask_asker(f"what is the title of report {rid}")
    assert out["status"] == "answered" and [r["title"] for r in out["rows"]] == [title]
    out = ask_asker("what is the title of report 0000000000000000")
    assert out["status"] == "not_found" and out["missing"] == "report" and not out["rows"]


def test_a_phrase_found_by_the_topic_it_holds(ask_asker, ask_conn):
    expected = ask_conn.execute("select count(distinct s.report_id) from sections s where s.body like '%营商环境%'").fetchone()[0]
    out = ask_asker("有哪些年报里写到了优化营商环境这方面")
    assert out["status"] == "answered" and len(out["rows"]) == expected
