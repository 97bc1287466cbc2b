"""Which link titles name an annual report on government information disclosure.

A report is titled 「某某2021年政府信息公开工作年度报告」, 「2021年度政府信息公开年报」 or the like:
a year, and the words of the report's name. The columns that hold the reports also hold the
notices about writing them (关于做好2021年政府信息公开工作年度报告编制发布工作的通知), the blank
format, other annual reports (法治政府建设年度报告) and the year's work plans: those are not reports.
"""

from __future__ import annotations

import re
from typing import Optional

_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年|([二][〇○零O][一二三四五六七八九〇○零O]{2})\s*年")
_NAME = re.compile(r"(?:政府)?(?:信息公开|政务公开).{0,14}?(?:年度报告|年报)|年度信息公开报告")
# what the titles of the column's other items say: notices, circulars, work plans, the blank format
_NOT_A_REPORT = re.compile(
    r"通知|通报|公告|意见|要点|格式|模板|样本|编制|报送|印发|解读|图解|考核|考评|评议|评估|检查|督查|抽查|"
    r"工作方案|实施方案|指南|目录|制度|办法|规定|函$|情况说明|^关于|做好|开展")
# a title cut short by the list (「上杭县教育局2021年政府信息公开工作...」) that stops inside the name
_CUT_IN_NAME = re.compile(r"(?:信息公开|政务公开)(?:工作)?(?:年度?报?告?)?$")
_AFTER_NAME = re.compile(r"[^\s（）()〔〕\[\]【】]")
_ELLIPSIS = re.compile(r"(?:\.{2,}|…+)$")
_FILE_SUFFIX = re.compile(r"\.(?:pdf|docx?|wps|zip|rar|html?|shtml|xlsx?|et)\s*$", re.I)
_SPACES = re.compile(r"\s+")


def clean_title(text: str) -> str:
    """A link's text as a title: one line, without the file suffix or the list's ellipsis."""
    text = _SPACES.sub("", text or "")
    text = _FILE_SUFFIX.sub("", text)
    return text.rstrip(".…")


def report_year(title: str) -> Optional[int]:
    """The year a report title names (2021年, 二〇二一年), or None."""
    m = _YEAR.search(title)
    if not m:
        return None
    digits = m.group(1) or "".join(_CN_DIGITS[c] for c in m.group(2))
    return int(digits)


def is_report_title(text: str) -> bool:
    """A title that names an annual disclosure report of a given year."""
    cut = bool(_ELLIPSIS.search(_SPACES.sub("", text or "")))
    title = clean_title(text)
    if not title or len(title) > 80 or not report_year(title) or _NOT_A_REPORT.search(title):
        return False
    name = _NAME.search(title)
    if cut:
        # what was cut off might have made it a notice: only a cut inside the name itself is read
        return bool(_CUT_IN_NAME.search(title)) if name is None else not _AFTER_NAME.search(title[name.end():])
    return name is not None


_GENERIC = re.compile(r"^(?:附件|点击下载|下载|全文下载|附件下载|原文下载|查看原文|查看全文|全文|原文|下载附件|点击查看|"
                      r"点击此处下载|[A-Za-z0-9_\-.()]*)$")
_ATTACHMENT_LABEL = re.compile(r"^附件\d*[:：]")


def may_be_report_file(text: str) -> bool:
    """An attachment's link text on a report's page: a report title, or words that name no other
    document (点击下载, 附件, a file name of letters and digits)."""
    title = _ATTACHMENT_LABEL.sub("", clean_title(text))
    if not title or _GENERIC.match(title):
        return True
    return is_report_title(title)
