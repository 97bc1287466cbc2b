"""Bytes → text in every encoding reports come in; numbers in every form they are printed in."""

import codecs

import pytest

from gkreport.extract import ExtractError, extract
from gkreport.extract.text import decode
from gkreport.parse import parse_report
from gkreport.parse.rows import rows_from_lines
from gkreport.parse.text import BLANK, parse_number

from conftest import REPORTS

SEED = REPORTS / "004_59f3838da1fae8cc.txt"


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("gb18030", b""), ("gbk", b""),
    ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b""),
])
def test_every_encoding_gives_the_same_report(encoding, bom):
    original = SEED.read_text(encoding="utf-8")
    data = bom + original.encode(encoding)
    text, detected = decode(data, "x.txt")
    assert text.lstrip("\ufeff") == original
    assert parse_report(text).id == parse_report(original).id
    assert detected.startswith(encoding.split("-")[0] if encoding.startswith("utf") else "gb")


def test_gbk_report_is_not_mojibake():
    data = SEED.read_text(encoding="utf-8").encode("gbk")
    report = parse_report(extract("x.txt", data).text)
    assert report.meta.agency_name == "上犹县人民政府办公室"
    assert report.tables.requests["new_received"]["total"] == 7


@pytest.mark.parametrize("data,message", [
    (b"", "文件为空"),
    (b"   \n\t\n", "文件为空"),
    (bytes(range(256)) * 40, "二进制"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(500), "二进制"),
    # no zero byte, and valid UTF-8 and GB18030 alike: only its control characters give it away
    ((b"\x01\x02\x1b[0m" + "年度报告".encode("utf-8")) * 300, "二进制"),
])
def test_unreadable_files_say_why(data, message):
    with pytest.raises(ExtractError) as e:
        extract("bad.txt", data)
    assert message in e.value.message


@pytest.mark.parametrize("cell,value", [
    ("0", 0), ("5", 5), ("３１１９", 3119), ("3,985,758", 3985758), ("-649", -649), ("\u22124", -4),
    ("－4", -4), ("96171.6", 96171.6), ("0.0000", 0), (" 12 ", 12), ("１，２３４", 1234),
])
def test_numbers(cell, value):
    assert parse_number(cell).value == value


def test_units_dashes_and_text():
    n = parse_number("251000元")
    assert (n.value, n.unit) == (251000, "元")
    for dash in ("-", "—", "——", "/"):
        assert parse_number(dash) is BLANK
    for text in ("规章", "1.", "一、", "1本机关不掌握相关政府信息", "(三)", "2021年", ""):
        assert parse_number(text) is None


def test_three_layouts_give_the_same_rows():
    tab = ["一、本年新收政府信息公开申请数量\t3001\t53\t0\t0\t61\t4\t3119"]
    per_line = ["\t一、本年新收政府信息公开申请数量", "\t3001", "\t53", "\t0", "\t0", "\t61", "\t4", "\t3119", "",
                "\t二、上年结转政府信息公开申请数量", "\t1", "\t0", "\t0", "\t0", "\t0", "\t0", "\t1"]
    spaced = ["一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119", "- 4 -"]
    rows = [rows_from_lines(x)[0] for x in (tab, per_line, spaced)]
    for r in rows:
        assert r.label == "一、本年新收政府信息公开申请数量"
        assert [v.value for v in r.numbers] == [3001, 53, 0, 0, 61, 4, 3119]
    assert len(rows_from_lines(spaced)) == 1  # the page number is not a row


def test_wrapped_word_cell_joins_its_lines():
    rows = rows_from_lines(["\t", "\t商业", "企业", "\t科研", "机构", "\t其他", "", "\t规章", "\t0", "\t0", "\t0",
                            "", "\t行政许可", "\t222"])
    assert rows[0].labels == ["商业企业", "科研机构", "其他"]
    assert rows[1].label == "规章" and len(rows[1].numbers) == 3
