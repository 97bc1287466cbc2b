"""Who published a report, for which year, when; pre-2019 reports keep their own structure."""

import pytest

from gkreport.parse import parse_report
from gkreport.parse.agency_name import normalize_agency_name

from conftest import FIXTURES, REPORTS

S000 = (REPORTS / "000_16db74812dfc7d92.txt").read_text(encoding="utf-8")
S004 = (REPORTS / "004_59f3838da1fae8cc.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("printed,full", [
    ("上犹县政府办", "上犹县人民政府办公室"),
    ("上犹县人民政府办公室", "上犹县人民政府办公室"),
    ("赣州市府办", "赣州市人民政府办公室"),
    ("江西省政府办公厅", "江西省人民政府办公厅"),
    ("将乐县", "将乐县人民政府"),
    ("殷都区政府", "殷都区人民政府"),
    ("临城镇", "临城镇人民政府"),
    ("东街街道", "东街街道办事处"),
    ("上杭县市场监督管理局", "上杭县市场监督管理局"),
    ("上高县行政服务中心管委会", "上高县行政服务中心管委会"),
    ("龙岩经济技术开发区", "龙岩经济技术开发区"),
])
def test_short_forms(printed, full):
    assert normalize_agency_name(printed) == full


def test_title_over_lines_with_short_form():
    r = parse_report(S004)
    assert r.meta.title == "上犹县政府办2023年政府信息公开工作年度报告"
    assert (r.meta.agency_name, r.meta.agency_name_as_printed) == ("上犹县人民政府办公室", "上犹县政府办")


def test_agency_from_signature_when_the_title_lacks_it():
    text = S004.replace("上犹县政府办\n", "", 1).replace("2024年1月16日", "上犹县人民政府办公室\n2024年1月16日")
    r = parse_report(text)
    assert r.meta.agency_name == "上犹县人民政府办公室"
    assert r.meta.year == 2023  # the statistical year of the title, not the signature's 2024


def test_year_in_chinese_numerals():
    r = parse_report(S000.replace("上杭县人民政府办公室 2021 年政府信息公开工作年度报告", "上杭县人民政府办公室二〇二一年政府信息公开工作年度报告", 1))
    assert r.meta.year == 2021


def test_year_from_the_statistical_period_when_the_title_has_none():
    r = parse_report(S000.replace("上杭县人民政府办公室 2021 年政府信息公开工作年度报告", "上杭县人民政府办公室政府信息公开工作年度报告", 1))
    assert r.meta.year == 2021
    assert (r.meta.period_start, r.meta.period_end) == ("2021-01-01", "2021-12-31")


def test_publication_date_and_contacts():
    r = parse_report(S004)
    assert r.meta.published_date == "2024-01-16"
    assert r.meta.contact.website == "http://www.shangyou.gov.cn"
    assert r.meta.contact.address == "赣州市上犹县犹江大道16号行政中心"
    r = parse_report(S000)
    assert r.meta.contact.fax == "0597-3812008"
    assert r.meta.published_date is None


def test_aggregate_report_and_cited_format():
    r = parse_report((REPORTS / "001_08fe1e56ee831c9d.txt").read_text(encoding="utf-8"))
    assert r.meta.is_aggregate
    assert r.meta.scope_note == "本报告由将乐县人民政府办公室汇总将乐县人民政府、13个乡镇、22个县直部门政府信息公开情况编制而成"
    assert r.meta.cited_format == "国办公开办函〔2019〕60号"


def test_pre2019_report_keeps_its_own_sections():
    r = parse_report((FIXTURES / "pre2019_jiangle_2017.txt").read_text(encoding="utf-8"))
    assert (r.template, r.meta.year, r.meta.agency_name) == ("pre2019", 2017, "将乐县人民政府")
    headings = [(s.section_no, s.heading) for s in r.sections[1:]]
    assert headings[3] == (None, "四、政府信息公开的收费及减免情况")  # no template section for it
    assert headings[4] == (4, "五、因政府信息公开申请行政复议、提起行政诉讼的情况")
    assert headings[6] == (6, "七、其他需要报告的事项")
    assert r.tables.found == {"table2": False, "table3": False, "table4": False}
    assert r.status == "ok" and not r.checks


TITLE = "上杭县人民政府办公室 2021 年政府信息公开工作年度报告"


@pytest.mark.parametrize("first_lines", [
    "# " + TITLE,                                            # a Markdown heading
    "## **" + TITLE + "**",
    "正文\n\n" + TITLE,                                      # a label a copied page puts first
    "【正文】" + TITLE,
    "标题：" + TITLE,
    "关于上杭县人民政府办公室2021年度政府信息公开工作情况的报告",  # 关于…的报告
    "上杭县人民政府办公室关于2021年政府信息公开工作年度报告的报告",
])
def test_title_and_agency_whatever_comes_before_or_around_them(first_lines):
    r = parse_report(S000.replace(TITLE, first_lines, 1))
    assert (r.meta.agency_name, r.meta.year, r.template) == ("上杭县人民政府办公室", 2021, "2021")
    assert "#" not in r.meta.title and "正文" not in r.meta.title and r.status == "ok"


def test_only_a_signature_names_the_agency():
    text = S000.replace(TITLE, "", 1).replace("总结上杭县人民政府办公室", "总结", 1) + \
        "\n\n上杭县人民政府办公室\n2022年1月24日\n"
    r = parse_report(text)
    assert (r.meta.agency_name, r.meta.year, r.meta.published_date) == ("上杭县人民政府办公室", 2021, "2022-01-24")


@pytest.mark.parametrize("self_name", ["我办", "我局", "本机关", "本单位"])
def test_how_a_report_speaks_of_itself_is_never_the_agency(self_name):
    text = S000.replace(TITLE, "", 1).replace("总结上杭县人民政府办公室", "总结" + self_name, 1)
    r = parse_report(text + f"\n\n{self_name}\n2022年1月24日\n")
    assert r.meta.agency_name is None
    assert "agency_unknown" in {c.rule for c in r.checks}


def test_pre2019_report_that_starts_in_its_body_is_still_pre2019():
    text = (FIXTURES / "pre2019_jiangle_2017.txt").read_text(encoding="utf-8")
    body = text.split("\n", 2)[2].split("\n", 2)[2]  # the title and the preface lost in the copy
    r = parse_report(body + "\n\n将乐县人民政府\n2018年3月20日\n")
    assert (r.template, r.meta.year, r.meta.agency_name) == ("pre2019", 2017, "将乐县人民政府")
    assert r.status != "error"


def test_year_read_by_ocr_with_the_letter_o():
    r = parse_report(S000.replace(TITLE, "上杭县人民政府办公室 2O21 年政府信息公开工作年度报告", 1))
    assert r.meta.year == 2021 and "year_inferred" not in {c.rule for c in r.checks}


@pytest.mark.parametrize("printed,iso", [
    ("二〇二五年三月二十八日", "2025-03-28"),
    ("二〇二三年二月十日", "2023-02-10"),
    ("二〇二二年十二月三十一日", "2022-12-31"),
    ("二〇二一年十月二十日", "2021-10-20"),
    ("2024年1月16日", "2024-01-16"),
])
def test_signature_date_in_either_numerals(printed, iso):
    r = parse_report(S004.replace("2024年1月16日", printed))
    assert r.meta.published_date == iso


def test_a_date_under_the_title_is_the_one_after_its_label_not_the_statistical_period():
    lines = S000.split("\n")
    title = next(i for i, line in enumerate(lines) if "年度报告" in line)
    period = "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。"
    for label in ("发布日期：2022-01-25　　来源：上杭县人民政府办公室", "发布时间：2022年1月25日"):
        text = "\n".join(lines[:title + 1] + [label, period] + lines[title + 1:])
        assert parse_report(text).meta.published_date == "2022-01-25", label
    # a label with no date after it gives none, rather than the first date further on (统计期限 1 January)
    text = "\n".join(lines[:title + 1] + ["发布日期：见网站", period] + lines[title + 1:])
    assert parse_report(text).meta.published_date is None
