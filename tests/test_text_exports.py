"""Tables as other programs write them out: Word's plain-text export and pdftotext (one cell per
line, no tab), a table 3 turned a quarter, pandoc grid cells over several lines, OCR'd text. Each is
read to the same values as a clean copy, or left NULL with a check; never a wrong value."""

from __future__ import annotations

import dataclasses
import hashlib

import cell_score as cs
import roundtrip as rt

from gkreport import template as T
from gkreport.ingest import parse_file
from gkreport.parse import parse_report
from gkreport.parse.markup import tables_to_rows

from conftest import REPORTS

S000 = (REPORTS / "000_16db74812dfc7d92.txt").read_text(encoding="utf-8")
S004 = (REPORTS / "004_59f3838da1fae8cc.txt").read_text(encoding="utf-8")


def warnings(report) -> set[str]:
    return {c.rule for c in report.checks if c.severity in ("warning", "error")}


def tables_of(report) -> tuple:
    active = sorted((c.item, c.measure, c.value) for c in report.tables.active)
    return active, report.tables.requests, report.tables.appeals


def _wrap(label: str, width: int) -> list[str]:
    return [label[k:k + width] for k in range(0, len(label), width)]


def one_cell_per_line(text: str, *, keep_empty: bool, width: int = 7) -> str:
    """The report with each table cell on a line of its own and no tab: a label wrapped every
    ``width`` characters; ``keep_empty``: an empty cell as an empty line and a blank line after
    each row (Word's plain-text export), else neither (pdftotext)."""
    out = []
    for line in text.split("\n"):
        if "\t" not in line:
            out.append(line)
            continue
        for cell in line.split("\t"):
            cell = cell.strip()
            if not cell:
                if keep_empty:
                    out.append("")
            elif cell.replace(",", "").isdigit():
                out.append(cell)
            else:
                out += _wrap(cell.replace(" ", ""), width)
        if keep_empty:
            out.append("")
    return "\n".join(out)


def test_word_plain_text_export_reads_as_the_tab_separated_copy():
    for seed in (S000, S004):
        clean = parse_report(seed)
        for width in (6, 7, 9):
            exported = parse_report(one_cell_per_line(seed, keep_empty=True, width=width))
            assert "\t" not in exported.text.split("二、主动公开")[1].split("五、")[0]
            assert tables_of(exported) == tables_of(clean), width
            assert warnings(exported) == warnings(clean)


def test_pdftotext_cells_without_blank_lines_read_as_the_tab_separated_copy():
    for seed in (S000, S004):
        clean = parse_report(seed)
        exported = parse_report(one_cell_per_line(seed, keep_empty=False))
        assert tables_of(exported) == tables_of(clean)
        assert warnings(exported) == warnings(clean)


def test_a_row_whose_empty_cells_are_lost_is_flagged_not_guessed():
    # pdftotext drops an empty cell: 予以公开 prints 4 and 4 with five blanks between them
    text = S000.replace("(一) 予以公开\t4\t0\t0\t0\t0\t0\t4", "(一) 予以公开\t4\t\t\t\t\t\t4")
    r = parse_report(one_cell_per_line(text, keep_empty=False))
    granted = r.tables.requests.get("granted", {})
    assert granted.get("natural_person") in (None, 4) and granted.get("commercial") in (None, 0)
    assert "t3_missing_cells" in warnings(r) or granted == dict.fromkeys(T.APPLICANT_KEYS, 0) | {
        "natural_person": 4, "total": 4}


def test_empty_lines_between_numbers_keep_their_cells_in_word_text():
    # Word's export keeps the empty cells: 予以公开 4 _ _ _ _ _ 4 reads in place, the blanks by arithmetic
    text = S000.replace("(一) 予以公开\t4\t0\t0\t0\t0\t0\t4", "(一) 予以公开\t4\t\t\t\t\t\t4")
    r = parse_report(one_cell_per_line(text, keep_empty=True))
    assert r.tables.requests["granted"] == {**dict.fromkeys(T.APPLICANT_KEYS, 0), "natural_person": 4, "total": 4}
    assert "t3_missing_cells" not in warnings(r)


def _roundtrip(case) -> cs.FileScore:
    name, data = rt.render(case)
    parsed = parse_file(name, data, hashlib.sha256(data).hexdigest())
    assert parsed.error is None
    rows = parsed.prepared.rows
    checks = [(rule, sev, loc) for _rid, rule, sev, _msg, _e, _a, loc in rows["checks"]]
    ignore = ["request_stats.other_handling."] if case.t3fmt == T.T2021 else []
    return cs.score(case.expected, cs.stored_cells(rows), checks, clean=case.clean, ignore=ignore)


def test_table3_turned_a_quarter_reads_back_in_every_grid_layout():
    for n, (layout, style) in enumerate((("html", "plain"), ("pipe", "marker"), ("pipe", "docling"),
                                         ("pipe", "mineru"), ("tab", "grid"))):
        base = rt.make_case(n, 7)
        case = dataclasses.replace(base, layout=layout, style=style, damages=("transposed",), blank=set())
        score = _roundtrip(case)
        assert score.tally.exact == score.tally.cells, (layout, style, score.missing[:3], score.wrong[:3])
        assert not score.alarms


def test_table3_turned_under_a_header_of_merged_cells_is_not_guessed():
    # Word writes a merged cell once: the header's cells no longer stand over their columns, so the
    # table is not read turned, and nothing of it is stored wrong
    case = dataclasses.replace(rt.make_case(3, 7), layout="tab", style="own", damages=("transposed",), blank=set())
    score = _roundtrip(case)
    assert not score.wrong
    assert all(flag for *_, flag in score.missing)


def test_pandoc_grid_cells_over_several_lines_are_one_cell():
    grid = "\n".join([
        "+------------+----+----+",
        "| 一、本年新收政府信 | 8  | 8  |",
        "| 息公开申请数量     |    |    |",
        "+------------+----+----+",
        "| 二、上年结转政府信 | 0  | 0  |",
        "| 息公开申请数量     |    |    |",
        "+------------+----+----+",
        "| (七)总计  | 8  | 8  |",
        "+------------+----+----+",
        "| 四、结转下年度     | 0  | 0  |",
        "+------------+----+----+",
    ])
    assert tables_to_rows(grid).split("\n") == [
        "一、本年新收政府信息公开申请数量\t8\t8", "二、上年结转政府信息公开申请数量\t0\t0", "(七)总计\t8\t8",
        "四、结转下年度\t0\t0"]
    # a table ruled only around its header keeps a row a line
    psql = "\n".join(["+----+----+", "| 行 | 数 |", "+----+----+", "| 甲 | 1 |", "| 乙 | 2 |", "+----+----+"])
    assert tables_to_rows(psql).split("\n") == ["行\t数", "甲\t1", "乙\t2"]


def _ocr(text: str) -> str:
    """The seed's tables as OCR text: cells parted by 丨, the template's row labels as printed."""
    return "\n".join(line.replace("\t", "丨") if "\t" in line else line for line in text.split("\n"))


def test_ocr_digits_split_by_a_space_are_joined_where_the_row_total_allows_one_way():
    text = S000
    for old, new in (("数量\t5\t0\t0\t0\t0\t0\t5", "数量\t15\t0\t0\t0\t0\t0\t15"),
                     ("予以公开\t4\t0\t0\t0\t0\t0\t4", "予以公开\t14\t0\t0\t0\t0\t0\t14"),
                     ("(七) 总计\t\t5\t0\t0\t0\t0\t0\t5", "(七) 总计\t\t15\t0\t0\t0\t0\t0\t15")):
        assert old in text, old
        text = text.replace(old, new)
    # OCR'd without its rules: cells parted by spaces, and 15 read as 1 5
    spaced = text.replace("\t", " ").replace("数量 15 0", "数量 1 5 0", 1)
    r = parse_report(spaced)
    assert r.tables.requests["new_received"] == {**dict.fromkeys(T.APPLICANT_KEYS, 0), "natural_person": 15, "total": 15}
    assert "t3_digits_joined" in {c.rule for c in r.checks}
    # 1 5 … 6: no joining of neighbours makes the row add up: not joined, the row is flagged
    both = text.replace("\t", " ").replace("数量 15 0 0 0 0 0 15", "数量 1 5 0 0 0 0 0 6", 1)
    r = parse_report(both)
    assert "new_received" not in r.tables.requests or not r.tables.requests["new_received"]
    assert "t3_surplus_cells" in warnings(r)


def test_ocr_text_whose_arithmetic_fails_leaves_the_equation_null():
    damaged = S000.replace("(一) 予以公开\t4\t0\t0\t0\t0\t0\t4", "(一) 予以公开\t4\t0\t0\t0\t0\t0\t1")
    # printed so in a text file, the report's own numbers: kept, with the arithmetic's warning
    typed = parse_report(damaged)
    assert typed.tables.requests["granted"]["total"] == 1
    assert "ocr_arithmetic_broken" not in warnings(typed)
    # read by OCR, the 1 may be a misread 4: every cell of the broken equations is NULL, flagged
    scanned = parse_report(_ocr(damaged))
    assert "total" not in scanned.tables.requests["granted"]
    assert "natural_person" not in scanned.tables.requests["granted"]
    broken = [c for c in scanned.checks if c.rule == "ocr_arithmetic_broken"]
    assert broken and all(c.severity == "warning" for c in broken)
    assert any(c.location == "request_stats.granted" for c in broken)
    # and the same text read clean keeps every value, with no such check
    clean = parse_report(_ocr(S000))
    assert clean.tables.requests == parse_report(S000).tables.requests
    assert "ocr_arithmetic_broken" not in {c.rule for c in clean.checks}


def test_ocr_look_alikes_are_in_no_template_label():
    labels = [s.heading for s in T.SECTIONS] + list(T.TABLE4_HEADER_WORDS) + list(T.REQUEST_GROUP_LABELS)
    for r in T.REQUEST_ROWS:
        labels += [r.label, *r.anchors]
    for i in T.ACTIVE_ITEMS:
        labels += [i.label, *i.anchors]
    for m in T.ACTIVE_MEASURES:
        labels += [m.label, *m.anchors]
    labels += [label for _, label in T.APPLICANT_COLUMNS + T.OUTCOMES]
    assert not [ch for ch in T.OCR_LOOKALIKES if any(ch in label for label in labels)]
    r = parse_report(_ocr(S000).replace("二、上年结转", "二、上年绐转").replace("(七) 总计", "(七) 总汁"))
    assert r.tables.requests["carried_over"]["total"] == 0 and r.tables.requests["total_processed"]["total"] == 5


def test_word_text_empty_cells_at_a_rows_ends_keep_their_places():
    # 予以公开 printed with its first and last cells empty: Word's export keeps them as empty lines
    # (the table shows it keeps empty cells so), and the arithmetic gives them back
    text = S000.replace("(一) 予以公开\t4\t0\t0\t0\t0\t0\t4", "(一) 予以公开\t\t0\t0\t0\t0\t0\t", 1)
    text = text.replace("(二) 部分公开(区分处理的, 只计这一情形, 不计其他情形)\t0\t0\t0\t0\t0\t0\t0",
                        "(二) 部分公开(区分处理的, 只计这一情形, 不计其他情形)\t0\t\t0\t0\t0\t0\t0", 1)
    word = parse_report(one_cell_per_line(text, keep_empty=True))
    assert word.tables.requests["granted"] == parse_report(S000).tables.requests["granted"]
    assert "t3_missing_cells" not in warnings(word)
    # pdftotext drops them: five numbers for seven cells, and no guess
    pdf = parse_report(one_cell_per_line(text, keep_empty=False))
    assert pdf.tables.requests.get("granted", {}).get("natural_person") in (None, 4)
    assert {"t3_missing_cells", "t3_blank_cells"} & {c.rule for c in pdf.checks}
