"""Rates in the question box: formula, numerator and denominator; rankings over a minimum base; Wilson intervals;
and the statuses that show no figure (not_found with the closest names, no_data naming the filter, unanswerable
with passages), each checked against the test database with SQL written here."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from test_ask import ask_db


@pytest.fixture(scope="module")
def asker():
    from gkreport.ask import Asker

    a = Asker(ask_db())
    yield a
    a.close()


@pytest.fixture(scope="module")
def conn():
    c = sqlite3.connect(ask_db())
    yield c
    c.close()


def _processed(conn, year: int) -> list[tuple[str, int]]:
    return conn.execute("select r.agency_name, s.total from request_stats s join reports r on r.id = s.report_id "
                        "where r.year = ? and s.row_key = 'total_processed'", [year]).fetchall()


def test_a_rate_names_its_formula_numerator_and_denominator(asker, conn):
    out = asker("上杭县2022年的公开率是多少？")
    assert out["status"] == "answered" and out["intent"] == "rate_value"
    assert out["rate"]["formula"] == "公开率 =（予以公开 + 部分公开）÷ 办理总计"
    assert out["rate"]["numerator"] == "予以公开 + 部分公开" and out["rate"]["denominator"] == "办理总计"
    num, den = conn.execute(
        "select sum(case when s.row_key in ('granted', 'partially_granted') then s.total end), "
        "sum(case when s.row_key = 'total_processed' then s.total end) from request_stats s "
        "join reports r on r.id = s.report_id where r.agency_name = '上杭县人民政府办公室' and r.year = 2022").fetchone()
    row = out["rows"][0]
    assert (row["numerator"], row["denominator"]) == (num, den) and row["rate"] == pytest.approx(num / den)
    assert "公开率 =（予以公开 + 部分公开）÷ 办理总计" in out["answer"] and f"{num}÷{den}" in out["answer"]


def test_correction_rate_is_corrected_over_decided_cases(asker, conn):
    out = asker("长沙县人民政府办公室2022年行政诉讼纠错率是多少？")
    corrected, total, pending = conn.execute(
        "select sum(a.corrected), sum(a.total), sum(a.pending) from appeal_stats a join reports r on r.id = a.report_id "
        "where r.agency_name = '长沙县人民政府办公室' and r.year = 2022 and a.proceeding like 'litigation%'").fetchone()
    assert (out["rows"][0]["numerator"], out["rows"][0]["denominator"]) == (corrected, total - pending)
    assert "尚未审结" in out["rate"]["formula"]


def test_a_ranking_by_a_rate_leaves_out_small_bases_and_says_how_many(asker, conn):
    processed = _processed(conn, 2023)
    out = asker("2023年各单位公开率排名")
    assert out["intent"] == "rate_rank_agencies"
    assert out["rate"]["min_base"] == 30
    assert out["rate"]["left_out"] == sum(1 for _, n in processed if (n or 0) < 30) > 0
    assert {r["agency"] for r in out["rows"]} == {a for a, n in processed if n is not None and n >= 30}
    assert f"另有{out['rate']['left_out']}个不足30未列入" in out["answer"]
    rates = [r["rate"] for r in out["rows"]]
    assert rates == sorted(rates, reverse=True)
    for r in out["rows"]:  # a 95 % Wilson interval around each rate
        assert r["ci95_low"] <= r["rate"] <= r["ci95_high"]
    # the base is a parameter: of the question, of the JSON API, of the command
    said = asker("2023年各单位公开率排名（只算办理总计不少于35件的）")
    assert said["rate"]["min_base"] == 35
    assert said["rate"]["left_out"] == sum(1 for _, n in processed if (n or 0) < 35)
    passed = asker("2023年各单位公开率排名", min_base=10)
    assert passed["rate"]["min_base"] == 10 and len(passed["rows"]) > len(out["rows"])
    from gkreport.cli import cli

    r = CliRunner().invoke(cli, ["ask", "2023年各单位公开率排名", "--db", str(ask_db()), "--json", "--min-base", "35"])
    assert json.loads(r.output)["rate"]["left_out"] == said["rate"]["left_out"]


def test_wilson_interval_against_a_reference():
    from gkreport.ask.rates import wilson

    # R: prop.test(22, 40, correct = FALSE)$conf.int → 0.3983, 0.6929
    low, high = wilson(22, 40)
    assert low == pytest.approx(0.3983, abs=1e-4) and high == pytest.approx(0.6929, abs=1e-4)
    assert wilson(0, 0) is None and wilson(None, 10) is None and wilson(5, 4) is None


def test_rates_compared_show_both_with_their_parts(asker):
    out = asker("上杭县和上犹县政府办2022年哪个公开率更高？")
    assert out["intent"] == "rate_compare_agencies"
    assert {r["agency"] for r in out["rows"]} == {"上杭县人民政府办公室", "上犹县人民政府办公室"}
    assert all(r["numerator"] is not None and r["denominator"] for r in out["rows"])


def test_a_name_not_in_the_database_gets_the_closest_names_and_no_figure(asker):
    out = asker("上杭县公安局2022年收到多少申请？")
    assert out["status"] == "not_found" and not out["rows"] and out["sql"] is None
    assert "上杭县公安局" in out["answer"]
    assert out["choices"] and out["choices"][0]["label"].endswith("上杭县人民政府办公室")
    # a choice is a question that works
    assert asker(out["choices"][0]["question"])["status"] == "answered"
    place = asker("北京市海淀区2022年收到多少政府信息公开申请？")
    assert place["status"] == "not_found" and "北京市海淀区" in place["answer"] and not place["rows"]
    # a place's government and its general office stand for each other when only one reports; a department never
    office = asker("长沙县政府2022年收到多少申请？")
    assert office["status"] == "answered" and office["answer"].startswith("长沙县人民政府办公室")
    assert asker("上高县人民政府2021年收到多少申请？")["status"] == "not_found"


def test_zero_is_an_answer_and_no_data_names_the_filter(asker):
    zero = asker("上犹县人民政府办公室2023年被提起行政诉讼几件？")
    assert zero["status"] == "answered" and zero["rows"][0]["value"] == 0 and zero["rows"][0]["reports"] == 1
    assert "0件（1份报告）" in zero["answer"]
    missing = asker("上杭县2019年收到多少申请？")
    assert missing["status"] == "no_data" and missing["missing"] == "year" and not missing["rows"]
    assert "2021、2022、2023" in missing["answer"]
    level = asker("乡镇一级有哪些单位发布了年报？")
    assert level["status"] == "no_data" and level["missing"] == "level"


def test_a_why_question_says_the_reports_give_no_reasons_and_shows_passages(asker):
    out = asker("为什么上杭县2022年收到的申请比2021年多那么多？")
    assert out["status"] == "unanswerable" and out["reason"] == "why" and not out["rows"]
    assert out["search_hits"] and any("申请" in h["snippet"] for h in out["search_hits"])
    assert "不解释原因" in out["answer"]


def test_a_rate_is_stated_as_the_sites_metrics_table_states_it(asker, conn):
    """One definition of every rate: the question box gives the name, formula and parts' labels of the
    `metrics` row the site lists on /-/metrics; a correction rate asked of one kind of case is that kind's."""
    metrics = {key: (name, formula, num, den) for key, name, formula, num, den in conn.execute(
        "select key, name, formula, numerator_label, denominator_label from metrics")}
    for question, key in [("上杭县2022年的公开率是多少？", "disclosure_rate"),
                          ("上杭县2022年的不予公开率是多少？", "refusal_rate"),
                          ("长沙县人民政府办公室2022年纠错率是多少？", "correction_rate"),
                          ("长沙县人民政府办公室2022年行政复议纠错率是多少？", "review_correction_rate"),
                          ("长沙县人民政府办公室2022年行政诉讼纠错率是多少？", "litigation_correction_rate")]:
        rate = asker(question)["rate"]
        assert (rate["name"], rate["formula"], rate["numerator"], rate["denominator"]) == metrics[key], question
