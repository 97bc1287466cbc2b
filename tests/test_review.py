"""Corrections: the file formats, both values kept, checks on the values in force, re-ingests, failures."""

from __future__ import annotations

import csv
import shutil
import sqlite3
import zipfile

import pytest
import yaml

from gkreport.ingest import ingest
from gkreport.locations import Cell
from gkreport.review.files import CorrectionsError, read

from reviewing import (FIX, JIANGLE, SAMPLES, SHANGHANG, SHANGYOU, YINDU, cell, checks, entry, gk, one, out,
                       report_id, rows, sha, workspace, write_yaml)

T3 = "request_stats"


def corrections_for(db, path) -> list[dict]:
    return rows(db, "select * from corrections where report_sha256 = ? order by id", [sha(path)])


# ---------------------------------------------------------------- the file


def test_yaml_and_csv_name_the_same_cells():
    from_yaml = read(FIX / "corrections.yaml")
    from_csv = read(FIX / "corrections.csv")
    assert not from_yaml.problems and not from_csv.problems
    values = {(e.sha256, e.cell): e.value for e in from_yaml.entries if not e.confirm}
    assert values == {(e.sha256, e.cell): e.value for e in from_csv.entries if not e.confirm}
    assert (sha(SHANGHANG), Cell("active_disclosure", "normative_documents", "in_force")) in values
    confirmed = {(e.sha256, e.cell) for e in from_csv.entries if e.confirm}
    assert confirmed == {(sha(SAMPLES / "003_93984f495c0e3205.txt"), Cell(T3, "total_processed", "total"))}
    # an entry's date is a date, whatever YAML made of it
    assert {e.date for e in from_yaml.entries} == {"2024-03-18", "2024-03-19", "2024-03-20"}


@pytest.mark.parametrize("fields", [
    {"item": "fees", "measure": "amount_10k_yuan", "column": "value"},
    {"row": "fees/amount_10k_yuan", "column": "value"},
    {"row": "fees.amount_10k_yuan"},
    {"row": "fees", "column": "amount_10k_yuan"},
    {"table": "表二", "row": "fees", "column": "amount_10k_yuan"},
])
def test_a_table_2_cell_may_be_written_several_ways(tmp_path, fields):
    e = {"report_sha256": sha(SHANGHANG), "table": "active_disclosure", **fields, "value": "12.5",
         "author": "周婷", "date": "2024/5/6", "evidence": "正文：收费 12.5 万元"}
    f = read(write_yaml(tmp_path / "c.yaml", [e]))
    assert not f.problems
    assert [(x.cell, x.value, x.date) for x in f.entries] == [
        (Cell("active_disclosure", "fees", "amount_10k_yuan"), 12.5, "2024-05-06")]


def test_csv_saved_in_gbk_by_a_spreadsheet(tmp_path):
    path = tmp_path / "核对.csv"
    with open(path, "w", encoding="gb18030", newline="") as f:
        w = csv.writer(f)
        w.writerow(["report_sha256", "table", "row", "column", "value", "confirm", "author", "date", "evidence"])
        w.writerow([sha(SHANGYOU), "appeal_stats", "review", "total", "0", "", "王喆", "2024年5月6日", "四项均为0"])
        w.writerow([sha(SHANGYOU), "request_stats", "granted", "total", "", "", "", "", ""])  # left blank
    f = read(path)
    assert not f.problems
    assert [(e.author, e.date, e.value, e.cell) for e in f.entries] == [
        ("王喆", "2024-05-06", 0, Cell("appeal_stats", "review", "total"))]


def test_each_wrong_entry_is_named_and_the_others_apply(tmp_path):
    ws = workspace(tmp_path, SHANGYOU)
    good = entry(SHANGYOU, "appeal_stats", "review", "total", 0)
    write_yaml(ws.root / "c.yaml", [
        entry(SHANGYOU, T3, "granted", "natural_person", -1),
        entry(SHANGYOU, T3, "granted", "total", 2.5),
        {**entry(SHANGYOU, T3, "granted", "total", 6), "evidence": ""},
        {**entry(SHANGYOU, T3, "granted", "total", 6), "report_sha256": "上犹县"},
        {**entry(SHANGYOU, T3, "granted", "total", 6), "date": "上个月"},
        {**entry(SHANGYOU, T3, "granted", "total", 6), "table": "table5"},
        {**entry(SHANGYOU, T3, "granted", "total"), "value": None},
        good,
    ])
    proc = gk(["ingest", "reports", "--db", ws.db, "--corrections", "c.yaml"], cwd=ws.root)
    assert proc.returncode == 1, out(proc)
    lines = [line for line in proc.stderr.splitlines() if line.startswith("更正有误")]
    assert len(lines) == 7, out(proc)
    for n, words in enumerate(["不能是负数", "应为整数", "没有写依据", "sha256", "年月日", "table5", "没有更正值"], 1):
        assert f"c.yaml 第 {n} 条" in lines[n - 1] and words in lines[n - 1], lines[n - 1]
    assert cell(ws.db, SHANGYOU, "appeal_stats", "review", "total") == 0
    assert "有误未使用 7 条" in proc.stdout


def test_a_file_that_cannot_be_read_stops_before_anything_is_ingested(tmp_path):
    ws = workspace(tmp_path)
    (ws.root / "c.yaml").write_text("- report_sha256: abc\n  table: [request_stats\n", encoding="utf-8")
    proc = gk(["ingest", "reports", "--db", ws.db, "--corrections", "c.yaml"], cwd=ws.root)
    assert proc.returncode == 1
    assert "c.yaml" in proc.stderr and "YAML 格式有误" in proc.stderr and "没有导入任何文件" in proc.stderr
    assert not ws.db.exists()
    with pytest.raises(CorrectionsError, match="CSV 缺少列 row"):
        (ws.root / "c.csv").write_text("report_sha256,table,column,value\n", encoding="utf-8")
        read(ws.root / "c.csv")
    with pytest.raises(CorrectionsError, match="不存在"):
        read(ws.root / "没有这个文件.yaml")


def test_the_same_cell_twice_in_a_file_takes_the_later(tmp_path):
    ws = workspace(tmp_path, SHANGYOU)
    write_yaml(ws.root / "c.yaml", [entry(SHANGYOU, T3, "total_processed", "total", 8),
                                    entry(SHANGYOU, T3, "total_processed", "total", 7)])
    proc = gk(["ingest", "reports", "--db", ws.db, "--corrections", "c.yaml"], cwd=ws.root)
    assert "重复的更正  c.yaml 第 2 条" in proc.stderr and "第 1 条" in proc.stderr
    assert cell(ws.db, SHANGYOU, T3, "total_processed", "total") == 7


# ---------------------------------------------------------------- the file is what the database holds


def test_an_entry_deleted_from_the_file_is_withdrawn(tmp_path):
    ws = workspace(tmp_path, SHANGYOU)
    both = [entry(SHANGYOU, T3, "total_processed", "total", 7), entry(SHANGYOU, "appeal_stats", "review", "total", 0)]
    ingest([ws.reports], ws.db, corrections=[read(write_yaml(ws.root / "c.yaml", both))])
    assert all(c["settled_by"] for c in checks(ws.db, SHANGYOU) if c["severity"] == "warning")
    summary = ingest([ws.reports], ws.db, corrections=[read(write_yaml(ws.root / "c.yaml", both[:1]))])
    assert summary.stored == 0 and summary.unchanged == 1  # not parsed again: put back from what was kept
    assert any(line.startswith("撤销更正  appeal_stats.review.total") for line in summary.corrections)
    assert cell(ws.db, SHANGYOU, "appeal_stats", "review", "total") == 1
    assert cell(ws.db, SHANGYOU, T3, "total_processed", "total") == 7
    t4 = checks(ws.db, SHANGYOU, "t4_review_total")
    assert [(c["severity"], c["settled_by"]) for c in t4] == [("warning", None)]
    assert [c["location"] for c in corrections_for(ws.db, SHANGYOU)] == ["request_stats.total_processed.total"]
    # and with none left, the report is as the parser read it
    summary = ingest([ws.reports], ws.db, corrections=[read(write_yaml(ws.root / "c.yaml", []))])
    assert cell(ws.db, SHANGYOU, T3, "total_processed", "total") == 9
    assert not corrections_for(ws.db, SHANGYOU)
    assert one(ws.db, "select count(*) from corrections_parsed") == 0
    assert {c["rule"] for c in checks(ws.db, SHANGYOU) if not c["settled_by"] and c["severity"] == "warning"} == {
        "t3_received_eq_processed", "t3_processed_sum", "t3_total_column", "t4_review_total"}


def test_a_value_changed_in_the_file_is_applied_to_the_stored_report(tmp_path):
    ws = workspace(tmp_path, SHANGYOU)
    ingest([ws.reports], ws.db, corrections=[read(write_yaml(ws.root / "c.yaml", [
        entry(SHANGYOU, T3, "total_processed", "total", 8)]))])
    assert cell(ws.db, SHANGYOU, T3, "total_processed", "total") == 8
    assert not any(c["settled_by"] for c in checks(ws.db, SHANGYOU, "t3_processed_sum"))  # 8 is no better than 9
    ingest([ws.reports], ws.db, corrections=[read(write_yaml(ws.root / "c.yaml", [
        entry(SHANGYOU, T3, "total_processed", "total", 7)]))])
    assert cell(ws.db, SHANGYOU, T3, "total_processed", "total") == 7
    assert [c["parsed_value"] for c in corrections_for(ws.db, SHANGYOU)] == [9]
    assert all(c["settled_by"] for c in checks(ws.db, SHANGYOU, "t3_processed_sum"))


def test_entries_of_another_file_are_left_alone(tmp_path):
    ws = workspace(tmp_path, SHANGYOU)
    a = read(write_yaml(ws.root / "a.yaml", [entry(SHANGYOU, T3, "total_processed", "total", 7)]))
    b = read(write_yaml(ws.root / "b.yaml", [entry(SHANGYOU, "appeal_stats", "review", "total", 0)]))
    ingest([ws.reports], ws.db, corrections=[a])
    ingest([ws.reports], ws.db, corrections=[b])
    assert {c["source_file"] for c in corrections_for(ws.db, SHANGYOU)} == {"a.yaml", "b.yaml"}
    assert (cell(ws.db, SHANGYOU, T3, "total_processed", "total"), cell(ws.db, SHANGYOU, "appeal_stats", "review",
                                                                       "total")) == (7, 0)


# ---------------------------------------------------------------- values in force, derived data, checks


def test_summaries_follow_the_values_in_force(tmp_path):
    ws = workspace(tmp_path, SHANGYOU)
    ingest([ws.reports], ws.db)
    rid = report_id(ws.db, SHANGYOU)
    figures = "select total_processed, review_total, warning_count from report_figures where report_id = ?"
    assert rows(ws.db, figures, [rid]) == [{"total_processed": 9, "review_total": 1, "warning_count": 4}]
    ingest([ws.reports], ws.db, corrections=[read(FIX / "corrections.yaml")])  # the file is unchanged
    assert rows(ws.db, figures, [rid])[0]["total_processed"] == 7
    assert rows(ws.db, figures, [rid])[0]["review_total"] == 0
    assert one(ws.db, "select sum(total) from request_totals where row_key = 'total_processed'") == 7


def test_cross_year_checks_and_broken_equations_follow_the_values_in_force(tmp_path):
    """2022's 结转下年度 corrected from 0 to 2: 2023's 上年结转 (0) no longer matches it, and 2022's own
    equation 新收 + 上年结转 = 办理 + 结转 breaks (7 + 0 ≠ 7 + 2) — both said, neither settled."""
    original = (SAMPLES / "004_59f3838da1fae8cc.txt").read_text(encoding="utf-8")
    ws = workspace(tmp_path, SAMPLES / "004_59f3838da1fae8cc.txt")
    before = ws.reports / "2022.txt"
    before.write_text(original.replace("2023年政府信息公开工作年度报告", "2022年政府信息公开工作年度报告", 1),
                      encoding="utf-8")
    ingest([ws.reports], ws.db)
    assert not rows(ws.db, "select * from checks where rule = 't3_carried_over_last_year'")
    c = read(write_yaml(ws.root / "c.yaml", [entry(before, T3, "carried_forward", "natural_person", 2),
                                             entry(before, T3, "carried_forward", "total", 2)]))
    ingest([ws.reports], ws.db, corrections=[c])
    found = rows(ws.db, "select r.year, c.location, c.expected, c.actual from checks c join reports r on "
                        "r.id = c.report_id where c.rule = 't3_carried_over_last_year' order by c.location")
    assert found == [
        {"year": 2023, "location": "request_stats.carried_over.natural_person", "expected": "2", "actual": "0"},
        {"year": 2023, "location": "request_stats.carried_over.total", "expected": "2", "actual": "0"}]
    broken = [c for c in checks(ws.db, before, "t3_received_eq_processed")]
    assert {c["location"] for c in broken} == {"request_stats.*.natural_person", "request_stats.*.total"}
    assert all(c["severity"] == "warning" and not c["settled_by"] and "7 与 9" in c["message"] for c in broken)
    assert one(ws.db, "select status from reports where id = ?", [report_id(ws.db, before)]) == "warning"


def test_a_2021_other_handling_is_the_sum_of_its_corrected_sub_rows(tmp_path):
    ws = workspace(tmp_path, SHANGHANG)
    ingest([ws.reports], ws.db)
    assert cell(ws.db, SHANGHANG, T3, "other_handling", "natural_person") == 0
    c = read(write_yaml(ws.root / "c.yaml", [entry(SHANGHANG, T3, "other_other", "natural_person", 2),
                                             entry(SHANGHANG, T3, "other_handling", "total", 2)]))
    summary = ingest([ws.reports], ws.db, corrections=[c])
    assert cell(ws.db, SHANGHANG, T3, "other_handling", "natural_person") == 2
    assert cell(ws.db, SHANGHANG, T3, "other_handling", "total") == 0  # its sub-rows' totals are all 0
    assert any("other_handling" in line and "请更正子行" in line for line in summary.corrections)
    # 自然人 column: (七)总计 5 is now short of its parts, 5 before and 2 more
    new = [c for c in checks(ws.db, SHANGHANG, "t3_processed_sum") if c["location"].endswith("natural_person")]
    assert len(new) == 1 and "5 与 7" in new[0]["message"] and not new[0]["settled_by"]


def test_a_confirmation_settles_a_damaged_row_only_when_every_cell_is_vouched_for(tmp_path):
    ws = workspace(tmp_path, YINDU)
    columns = ("natural_person", "commercial", "research", "nonprofit", "legal_service", "other_org", "total")
    some = [entry(YINDU, T3, "carried_forward", c, confirm=True) for c in columns[:3]]
    ingest([ws.reports], ws.db, corrections=[read(write_yaml(ws.root / "c.yaml", some))])
    (missing,) = checks(ws.db, YINDU, "t3_missing_cells")
    assert missing["settled_by"] is None
    every = [entry(YINDU, T3, "carried_forward", c, confirm=True) for c in columns]
    ingest([ws.reports], ws.db, corrections=[read(write_yaml(ws.root / "c.yaml", every))])
    (missing,) = checks(ws.db, YINDU, "t3_missing_cells")
    assert missing["settled_by"].startswith("已经人工核对确认：") and "周婷，2024-05-06" in missing["settled_by"]
    assert {c["status"] for c in corrections_for(ws.db, YINDU)} == {"confirmed"}
    assert one(ws.db, "select warning_count from reports where id = ?", [report_id(ws.db, YINDU)]) == 2


# ---------------------------------------------------------------- re-parsing keeps the corrections


def _as_if_parsed_by_an_older_version(db, path) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("update reports set parser_version = 'older' where sha256 = ?", [sha(path)])
    conn.close()


def test_a_new_parser_version_keeps_each_correction_on_its_cell(tmp_path):
    """An older parser read 8 in the cell corrected to 7, and confirmed a 0 it read as 5: parsed again,
    the correction still applies and says the parsed value moved; the confirmation no longer holds."""
    ws = workspace(tmp_path, SHANGYOU, JIANGLE)
    c = [entry(SHANGYOU, T3, "total_processed", "total", 7),
         entry(JIANGLE, "appeal_stats", "review", "total", confirm=True)]
    ingest([ws.reports], ws.db, corrections=[read(write_yaml(ws.root / "c.yaml", c))])
    conn = sqlite3.connect(ws.db)
    with conn:
        conn.execute("update corrections set parsed_value = 8 where report_sha256 = ?", [sha(SHANGYOU)])
        conn.execute("update corrections set value = 5 where report_sha256 = ?", [sha(JIANGLE)])
    conn.close()
    _as_if_parsed_by_an_older_version(ws.db, SHANGYOU)
    _as_if_parsed_by_an_older_version(ws.db, JIANGLE)
    summary = ingest([ws.reports], ws.db)  # no file: the corrections are in the database
    assert summary.stored == 2
    moved = [line for line in summary.corrections if line.startswith("解析值有变化")]
    assert len(moved) == 1 and "由 8 变为 9" in moved[0] and "更正值 7 仍然适用" in moved[0]
    assert cell(ws.db, SHANGYOU, T3, "total_processed", "total") == 7
    (conf,) = corrections_for(ws.db, JIANGLE)
    assert (conf["status"], conf["value"], conf["parsed_value"]) == ("changed", 5, 0)
    assert any(line.startswith("确认不再成立") and "确认时的值是 5，现在解析为 0" in line for line in summary.corrections)


def test_a_cell_still_unread_after_a_re_parse_is_not_said_to_have_moved(tmp_path):
    """A cell the parser left NULL and a person filled in, parsed again and still NULL: the correction
    applies as before, without a line saying its parsed value changed."""
    ws = workspace(tmp_path, SHANGHANG)
    c = [entry(SHANGHANG, "active_disclosure", "normative_documents", "in_force", 361)]
    ingest([ws.reports], ws.db, corrections=[read(write_yaml(ws.root / "c.yaml", c))])
    summary = ingest([ws.reports], ws.db, force=True)
    assert summary.stored == 1
    assert not [line for line in summary.corrections if line.startswith("解析值有变化")]
    (kept,) = corrections_for(ws.db, SHANGHANG)
    assert (kept["status"], kept["parsed_value"], kept["value"]) == ("corrected", None, 361)
    assert cell(ws.db, SHANGHANG, "active_disclosure", "normative_documents", "in_force") == 361


def test_a_confirmation_of_a_cell_not_read_says_there_is_nothing_to_confirm(tmp_path):
    ws = workspace(tmp_path, SHANGHANG)
    c = [entry(SHANGHANG, "active_disclosure", "normative_documents", "in_force", confirm=True)]
    summary = ingest([ws.reports], ws.db, corrections=[read(write_yaml(ws.root / "c.yaml", c))])
    (conf,) = corrections_for(ws.db, SHANGHANG)
    assert (conf["status"], conf["parsed_value"], conf["value"]) == ("changed", None, None)
    assert any(line.startswith("确认不再成立") and "没有可确认的数值" in line for line in summary.corrections)
    assert cell(ws.db, SHANGHANG, "active_disclosure", "normative_documents", "in_force") is None


def test_a_file_replaced_by_other_bytes_leaves_its_corrections_reported(tmp_path):
    ws = workspace(tmp_path, SHANGYOU)
    c = read(write_yaml(ws.root / "c.yaml", [entry(SHANGYOU, T3, "total_processed", "total", 7)]))
    ingest([ws.reports], ws.db, corrections=[c])
    path = ws.reports / SHANGYOU.name
    path.write_bytes(SHANGYOU.read_bytes().replace("当年办结7件".encode(), "当年办结七件".encode()))
    summary = ingest([ws.reports], ws.db, corrections=[c])
    assert summary.stored == 1
    (gone,) = rows(ws.db, "select * from corrections")
    assert (gone["status"], gone["report_id"]) == ("no_report", None)
    assert any("数据库中没有 sha256 为 8bd73a45a68a" in line for line in summary.corrections)
    assert cell(ws.db, path, T3, "total_processed", "total") == 9  # the new bytes have no correction
    assert one(ws.db, "select count(*) from corrections_parsed") == 0


def test_an_archive_member_keeps_its_corrections(tmp_path):
    ws = workspace(tmp_path / "w", SHANGYOU)
    with zipfile.ZipFile(ws.reports / "年报.zip", "w") as z:
        z.write(ws.reports / SHANGYOU.name, "2023/上犹.txt")
    (ws.reports / SHANGYOU.name).unlink()
    ingest([ws.reports], ws.db, corrections=[read(FIX / "corrections.yaml")])
    assert one(ws.db, "select source_path from reports") .endswith("年报.zip!2023/上犹.txt")
    assert cell(ws.db, SHANGYOU, T3, "total_processed", "total") == 7


# ---------------------------------------------------------------- one transaction per report


def test_a_report_whose_correction_fails_is_left_as_it_was(tmp_path):
    """The correction of 上犹县 fails half-way (a trigger refuses it): that report alone fails, the one
    stored before stays whole with its corrections, the other report is written and corrected."""
    ws = workspace(tmp_path)
    ingest([ws.reports], ws.db, corrections=[read(FIX / "corrections.yaml")])
    before = {t: rows(ws.db, f"select * from {t} where report_id = ?", [report_id(ws.db, SHANGYOU)])
              for t in ("request_stats", "appeal_stats", "checks")}
    conn = sqlite3.connect(ws.db)
    with conn:
        conn.execute("create trigger refuse before update of status on corrections when new.location = "
                     f"'appeal_stats.review.total' and new.report_sha256 = '{sha(SHANGYOU)}' "
                     "begin select raise(abort, '拒绝'); end")
    conn.close()
    summary = ingest([ws.reports], ws.db, force=True)
    failed = [o for o in summary.outcomes if o.status == "failed"]
    assert [o.path.endswith(SHANGYOU.name) for o in failed] == [True] and "写入数据库失败" in failed[0].message
    after = {t: rows(ws.db, f"select * from {t} where report_id = ?", [report_id(ws.db, SHANGYOU)])
             for t in ("request_stats", "appeal_stats", "checks")}
    assert after == before
    assert cell(ws.db, SHANGHANG, "active_disclosure", "normative_documents", "in_force") == 361
