"""The six sections are found whatever the heading style; the words of a heading elsewhere don't fool it."""

import pytest

from gkreport.parse import parse_report
from gkreport.template import SECTIONS

from conftest import REPORTS

SEED = (REPORTS / "000_16db74812dfc7d92.txt").read_text(encoding="utf-8")
HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def restyle(text: str, style) -> str:
    for n, h in enumerate(HEADINGS, 1):
        assert h in text
        text = text.replace("\n" + h + "\n", "\n" + style(n, h[2:]) + "\n", 1)
    return text


ARABIC = "0123456789"
STYLES = {
    "arabic": lambda n, w: f"{n}、{w}",
    "arabic_dot": lambda n, w: f"{n}. {w}",
    "paren_cn": lambda n, w: f"（{'一二三四五六'[n - 1]}）{w}",
    "paren_ascii": lambda n, w: f"({n}){w}",
    "indented": lambda n, w: f"    {'一二三四五六'[n - 1]}、{w}",
    "markdown": lambda n, w: f"## {'一二三四五六'[n - 1]}、{w}",
    "bold": lambda n, w: f"**{'一二三四五六'[n - 1]}、{w}**",
    "fullwidth_space": lambda n, w: f"\u3000\u3000{'一二三四五六'[n - 1]}、 {w}",
    "broken": lambda n, w: f"{'一二三四五六'[n - 1]}、{w[:2]}\n{w[2:]}",
}


@pytest.mark.parametrize("style", STYLES)
def test_heading_styles(style):
    report = parse_report(restyle(SEED, STYLES[style]))
    found = {s.section_no: s for s in report.sections}
    assert sorted(found) == [0, 1, 2, 3, 4, 5, 6]
    assert "《2021年上杭县政务公开工作要点》" in found[1].body.replace(" ", "")
    assert found[6].body.startswith("本办严格依据")
    # the tables are still read from their sections
    assert report.tables.requests["granted"]["total"] == 4
    assert not [c for c in report.checks if c.severity != "info"]


def test_preamble_listing_all_sections_is_not_a_heading():
    report = parse_report(SEED)
    preamble = report.sections[0].body
    assert "总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况" in preamble
    assert report.sections[1].heading == "一、总体情况"


def test_sub_heading_with_section_words_stays_in_section_one():
    # seed 003: '1、 总体情况' then '（一）主动公开政府信息情况' as a sub-heading of section 1
    report = parse_report((REPORTS / "003_93984f495c0e3205.txt").read_text(encoding="utf-8"))
    s = {x.section_no: x for x in report.sections}
    assert s[1].heading == "1、总体情况"
    assert "（一）主动公开政府信息情况" in s[1].body
    assert s[2].heading == "二、主动公开政府信息情况"


def test_paragraphs_are_kept_whole():
    report = parse_report(SEED)
    body = {s.section_no: s.body for s in report.sections}[5]
    paragraphs = [p for p in body.split("\n") if p.strip()]
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("2021年，上杭县人民政府办公室政务公开")
    assert paragraphs[1].startswith("2022年，将从以下几个方面加以改进")


def test_word_artefacts_are_removed():
    report = parse_report((REPORTS / "003_93984f495c0e3205.txt").read_text(encoding="utf-8"))
    assert all("[bookmark" not in s.body for s in report.sections)


def test_every_template_section_has_a_definition():
    assert [s.no for s in SECTIONS] == [1, 2, 3, 4, 5, 6]
