"""Rules across one agency's consecutive reports (R8, R9), within a 2019 table 2 (R10), and between a report's text and its table (R11)."""


from gkreport import crosscheck, store
from gkreport.ingest import ingest
from gkreport.parse import parse_report

from conftest import REPORTS

S004 = (REPORTS / "004_59f3838da1fae8cc.txt").read_text(encoding="utf-8")
SEVEN = "\t7\n\t0\n\t0\n\t0\n\t0\n\t0\n\t7"
ZEROS = "\t0\n\t0\n\t0\n\t0\n\t0\n\t0\n\t0"


def the_year_before() -> str:
    """The same office's report for 2022: two requests carried into 2023, 30 documents in force."""
    text = S004.replace("2023年政府信息公开工作年度报告", "2022年政府信息公开工作年度报告", 1)
    text = text.replace("\t一、本年新收政府信息公开申请数量\n" + SEVEN,
                        "\t一、本年新收政府信息公开申请数量\n\t9\n\t0\n\t0\n\t0\n\t0\n\t0\n\t9", 1)
    text = text.replace("\t四、结转下年度继续办理\n" + ZEROS,
                        "\t四、结转下年度继续办理\n\t2\n\t0\n\t0\n\t0\n\t0\n\t0\n\t2", 1)
    return text.replace("\t行政规范性文件\n\t1\n\t1\n\t35", "\t行政规范性文件\n\t1\n\t1\n\t30", 1)


def test_consecutive_years_are_compared(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "2023.txt").write_text(S004, encoding="utf-8")
    (folder / "2022.txt").write_text(the_year_before(), encoding="utf-8")
    db_path = tmp_path / "g.db"
    ingest([folder], db_path)
    db = store.connect(db_path)
    assert db.execute("select count(*) from checks where severity = 'info' and rule in "
                      "('t3_carried_over_last_year', 't2_in_force_change')").fetchone() == (3,)
    assert crosscheck.refresh(db) == 3
    rows = db.execute("select r.year, c.rule, c.severity, c.location, c.expected, c.actual from checks c "
                      "join reports r on r.id = c.report_id where c.rule in ('t3_carried_over_last_year', "
                      "'t2_in_force_change') order by c.location").fetchall()
    assert rows == [
        (2023, "t2_in_force_change", "info", "active_disclosure.normative_documents.in_force", "0", "5"),
        (2023, "t3_carried_over_last_year", "info", "request_stats.carried_over.natural_person", "2", "0"),
        (2023, "t3_carried_over_last_year", "info", "request_stats.carried_over.total", "2", "0"),
    ]
    # soft rules: the report's own status is untouched, and running again does not duplicate them
    assert db.execute("select status from reports where year = 2023").fetchone() == ("ok",)
    assert crosscheck.refresh(db) == 3
    assert db.execute("select count(*) from checks where severity = 'info' and rule like 't%_last_year'"
                      ).fetchone() == (2,)


def test_text_count_differs_from_table():
    text = S004.replace("收到政府信息公开申请7件", "收到政府信息公开申请9件", 1)
    r = parse_report(text)
    note = next(c for c in r.checks if c.rule == "text_vs_table3")
    assert (note.severity, note.actual, note.expected) == ("info", "9", "7")
    assert r.status == "ok"


def test_text_may_count_carried_over_requests():
    # seed 002 says 8 received: 7 new plus 1 carried over
    r = parse_report((REPORTS / "002_dc17ca86c1b8bf45.txt").read_text(encoding="utf-8"))
    assert "text_vs_table3" not in {c.rule for c in r.checks}


def test_items_and_decisions_of_a_2019_table_2_are_compared_but_only_noted():
    # seed 001 (2019 format) keeps R10 on all four rows: 4791 − 649 = 4142 …
    text = (REPORTS / "001_08fe1e56ee831c9d.txt").read_text(encoding="utf-8")
    before = parse_report(text)
    assert "t2_items_vs_decisions" not in {c.rule for c in before.checks}
    after = parse_report(text.replace("行政许可\t4791\t-649\t4142", "行政许可\t4791\t-649\t4150", 1))
    notes = [c for c in after.checks if c.rule == "t2_items_vs_decisions"]
    assert [(c.severity, c.expected, c.actual, c.location) for c in notes] == [
        ("info", "4142", "4150", "active_disclosure.licensing.decisions")]
    assert "行政许可" in notes[0].message and "仅作提示" in notes[0].message
    assert after.status == before.status  # log only: never a warning


def test_a_2021_table_2_has_no_items_to_compare():
    r = parse_report(S004)
    assert r.tables.table2_template == "2021"
    assert "t2_items_vs_decisions" not in {c.rule for c in r.checks}
