"""Tables are read by their labels, through layout damage; what can't be placed is flagged, never guessed."""

from gkreport.parse import parse_report

from conftest import FIXTURES, REPORTS

S000 = (REPORTS / "000_16db74812dfc7d92.txt").read_text(encoding="utf-8")
S001 = (REPORTS / "001_08fe1e56ee831c9d.txt").read_text(encoding="utf-8")
S004 = (REPORTS / "004_59f3838da1fae8cc.txt").read_text(encoding="utf-8")

GRANTED = "(一) 予以公开\t4\t0\t0\t0\t0\t0\t4"
INTERNAL = "\t\t5. 属于三类内部事务信息\t1\t0\t0\t0\t0\t0\t1"


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def rules(report, severity=("warning", "error")):
    return {c.rule for c in report.checks if c.severity in severity}


def test_rows_are_placed_by_label_not_position():
    # move a row far from where the template prints it
    moved = edit(S000, INTERNAL + "\n", "")
    moved = edit(moved, "\t3. 其他\t0", INTERNAL + "\n\t3. 其他\t0")
    r = parse_report(moved)
    assert r.tables.requests["denied_internal_affairs"] == {**dict.fromkeys(
        ("commercial", "research", "nonprofit", "legal_service", "other_org"), 0), "natural_person": 1, "total": 1}
    assert r.tables.requests["other_other"]["total"] == 0
    assert not rules(r)


def test_ocr_damaged_labels_and_headers():
    damaged = edit(S000, "(二) 部分公开", "(二) 菩\t部分公开")
    damaged = edit(damaged, "其 他 结 果\t尚 未 审 结", "甘州姓田\tは果 尚未审结")
    damaged = edit(damaged, "\t\t7. 属于行政执法案卷", "\t_\t7. 属于行政执法案卷")
    r = parse_report(damaged)
    assert r.tables.requests["partially_granted"]["total"] == 0
    assert r.tables.requests["denied_enforcement_file"]["total"] == 0
    assert r.tables.appeals["review"]["total"] == 0
    assert not rules(r)


def test_full_width_digits_and_thousands_separators():
    wide = edit(S000, "一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t0\t5",
                "一、本年新收政府信息公开申请数量\t１,００５\t0\t0\t0\t0\t0\t1,005")
    wide = edit(wide, GRANTED, "(一) 予以公开\t1,004\t0\t0\t0\t0\t0\t１００４")
    wide = edit(wide, "(七) 总计\t\t5\t0\t0\t0\t0\t0\t5", "(七) 总计\t\t1005\t0\t0\t0\t0\t0\t1005")
    r = parse_report(wide)
    assert r.tables.requests["new_received"]["natural_person"] == 1005
    assert r.tables.requests["granted"]["total"] == 1004
    assert not rules(r)


def test_arithmetic_failures_are_reported_in_chinese():
    r = parse_report(edit(S000, GRANTED, "(一) 予以公开\t4\t0\t0\t0\t0\t0\t3"))
    assert r.tables.requests["granted"]["total"] == 3  # the printed value is kept, not corrected
    found = {c.rule: c for c in r.checks}
    assert {"t3_total_column", "t3_processed_sum"} <= set(found)
    assert found["t3_total_column"].location == "request_stats.granted.total"
    assert "总计" in found["t3_total_column"].message and "3" in found["t3_total_column"].message
    assert r.status == "warning"


def test_received_must_equal_processed_plus_carried():
    r = parse_report(edit(S000, "一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t0\t5",
                          "一、本年新收政府信息公开申请数量\t6\t0\t0\t0\t0\t0\t6"))
    bad = [c for c in r.checks if c.rule == "t3_received_eq_processed"]
    assert {c.location for c in bad} == {"request_stats.*.natural_person", "request_stats.*.total"}


def test_table4_group_totals():
    r = parse_report(edit(S000, "0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0", "0\t0\t0\t0\t0\t1\t0\t0\t0\t2\t0\t0\t0\t0\t0"))
    assert r.tables.appeals["litigation_direct"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 2}
    assert "t4_litigation_direct_total" in rules(r)


def test_missing_cell_settled_by_arithmetic_is_kept_and_flagged():
    r = parse_report(edit(S000, GRANTED, "(一) 予以公开\t4\t0\t0\t0\t0\t4"))
    assert r.tables.requests["granted"]["natural_person"] == 4
    assert r.tables.requests["granted"]["total"] == 4
    flag = next(c for c in r.checks if c.rule == "t3_missing_cells")
    assert flag.location == "request_stats.granted" and "唯一确定" in flag.message


def test_missing_cells_that_arithmetic_cannot_settle_stay_empty():
    # every row that carries the 5 requests lost a cell: the 5, 4 and 1 could sit in any applicant column
    text = edit(S000, "一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t0\t5", "一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t5")
    text = edit(text, GRANTED, "(一) 予以公开\t4\t0\t0\t0\t0\t4")
    text = edit(text, INTERNAL, "\t\t5. 属于三类内部事务信息\t1\t0\t0\t0\t0\t1")
    text = edit(text, "(七) 总计\t\t5\t0\t0\t0\t0\t0\t5", "(七) 总计\t\t5\t0\t0\t0\t0\t5")
    r = parse_report(text)
    for key in ("new_received", "granted", "denied_internal_affairs", "total_processed"):
        assert r.tables.requests[key].get("natural_person") is None, key
    assert sum(c.rule == "t3_missing_cells" for c in r.checks) == 4
    assert "t3_total_column" not in rules(r)  # unread cells are not counted as wrong arithmetic


def test_dash_cells_are_zero_only_where_the_arithmetic_says_so():
    # the row's total is 0: its dashes can only be 0, which is read, with a note and no warning
    r = parse_report(edit(S000, "2. 其他法律行政法规禁止公开\t0\t0\t0\t0\t0\t0\t0", "2. 其他法律行政法规禁止公开\t-\t—\t0\t0\t0\t0\t0"))
    row = r.tables.requests["denied_prohibited_by_law"]
    assert row["natural_person"] == 0 and row["commercial"] == 0 and row["research"] == 0
    assert "t3_blank_cells" in rules(r, ("info",)) and not rules(r)
    # 上年结转 and 结转下年度 both dashes: the arithmetic only says they are equal, so neither is read
    text = edit(S000, "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0", "二、上年结转政府信息公开申请数量" + "\t—" * 7)
    r = parse_report(edit(text, "四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t0", "四、结转下年度继续办理\t" + "\t—" * 7))
    for key in ("carried_over", "carried_forward"):
        assert set(r.tables.requests[key].values()) == {None}, key
    flags = [c for c in r.checks if c.rule == "t3_blank_cells"]
    assert {c.location for c in flags if c.severity == "warning"} == {"request_stats.carried_over",
                                                                      "request_stats.carried_forward"}


def test_stray_number_line_is_ignored():
    r = parse_report(edit(S000, GRANTED, "\t1\t\t\t1\t\t\n" + GRANTED))
    assert r.tables.requests["granted"]["total"] == 4
    assert not rules(r)
    assert "stray_numbers" in rules(r, ("info",))


def test_label_split_over_two_rows():
    # seed 001: '5. 要求行政机关确' with the numbers, '认或重新出具已获取信息' alone on the next row
    r = parse_report(S001)
    assert r.tables.requests["rejected_confirmation"]["total"] == 0
    assert r.tables.requests["other_handling"]["total"] == 0
    assert "t3_unplaced_row" not in rules(r)


def test_2019_table2_signed_change_and_units():
    r = parse_report(S001)
    cells = {(a.item, a.measure): a for a in r.tables.active}
    assert cells[("licensing", "change")].value == -649
    assert cells[("procurement", "amount_yuan")].unit == "元"
    assert "negative_value" not in rules(r)


def test_a_change_that_is_not_whole_is_flagged_as_such_even_when_negative():
    # 本年增/减 may be negative, never a fraction: the note names what is wrong with it
    r = parse_report(edit(S001, "行政许可\t4791\t-649\t4142", "行政许可\t4791\t-649.5\t4142"))
    notes = [c for c in r.checks if c.location == "active_disclosure.licensing.change"]
    assert [c.rule for c in notes] == ["not_integer"], notes
    assert "不是整数" in notes[0].message and "-649.5" in notes[0].message


def test_negative_count_is_flagged():
    r = parse_report(edit(S004, "\t行政许可\n\t0", "\t行政许可\n\t-3"))
    assert "negative_value" in rules(r)


def test_fee_with_decimals():
    r = parse_report(edit(S000, "行政事业性收费\t0", "行政事业性收费\t12.3456"))
    fee = next(a for a in r.tables.active if a.item == "fees")
    assert (fee.value, fee.unit) == (12.3456, "万元")
    assert "not_integer" not in rules(r)


def test_table2_row_with_too_few_numbers_is_not_guessed():
    r = parse_report(edit(S000, "行政规范性文件\t22\t29\t361", "行政规范性文件\t22\t361"))
    assert not [a for a in r.tables.active if a.item == "normative_documents"]
    flag = next(c for c in r.checks if c.rule == "t2_missing_cells")
    assert flag.actual == "22，361"


def test_truncated_report_keeps_what_is_visible():
    text = (FIXTURES / "truncated_section3.txt").read_text(encoding="utf-8")
    r = parse_report(text)
    t3 = r.tables.requests
    assert t3["new_received"] == {"natural_person": 3001, "commercial": 53, "research": 0, "nonprofit": 0,
                                  "legal_service": 61, "other_org": 4, "total": 3119}
    assert t3["carried_over"]["total"] == 34
    assert t3["partially_granted"] == {"natural_person": 447, "commercial": 7, "research": 0, "nonprofit": 0,
                                       "legal_service": 0, "other_org": 0, "total": 454}
    assert t3["denied_state_secret"]["total"] == 2
    assert t3["denied_query_matter"]["total"] == 105
    assert t3["unable_not_held"]["total"] == 769
    # nothing past the cut is filled in, from the text or from anywhere else
    assert "unable_needs_creation" not in t3 and "total_processed" not in t3 and "carried_forward" not in t3
    assert r.tables.appeals == {}
    active = {(a.item, a.measure): a.value for a in r.tables.active}
    assert active == {("penalty", "decisions"): 3985758, ("coercion", "decisions"): 88283,
                      ("fees", "amount_10k_yuan"): 96171.6}
    assert {"report_incomplete", "t3_missing_rows", "table_missing"} <= rules(r)
    assert r.status == "warning"


def test_one_cell_per_line_read_through_an_indented_copy():
    # a Word table saved as text (a cell per line after a tab) whose every line the copy indented
    text = (REPORTS / "004_59f3838da1fae8cc.txt").read_text(encoding="utf-8")
    for indent in ("  ", "\u3000\u3000"):
        indented = parse_report("\n".join(indent + line for line in text.split("\n")))
        clean = parse_report(text)
        assert indented.tables.requests == clean.tables.requests and clean.tables.requests
        assert indented.tables.active == clean.tables.active and indented.tables.appeals == clean.tables.appeals
        assert not rules(indented) - rules(clean)
