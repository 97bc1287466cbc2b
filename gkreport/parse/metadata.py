"""Who published the report, for which year, when, and how to reach them."""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Optional

from ..model import Check, Contact, Metadata
from .agency_name import normalize_agency_name
from .text import strip_markup, tidy

# OCR reads the 0 of a year as the letter O (2O21)
CN_DIGIT = str.maketrans("〇零一二三四五六七八九○ＯOo", "001234567890" + "000")
_YEAR = r"(?:19|2[0OＯ])[\dOＯ]{2}|[〇零○一二三四五六七八九]{4}"
TITLE = re.compile(rf"^(?P<agency>.*?)\s*(?P<year>{_YEAR})\s*年\s*度?\s*(?P<rest>.*?(?:报告|年报))\s*$")
TITLE_WORDS = re.compile(r"(?:政府|政务)?信息公开.*?(?:年度|年度工作|工作年度)报告|政府信息公开年报|政务公开.*报告")
DATE = re.compile(r"(?P<y>(?:19|20)\d{2}|[〇零○一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
                  r"\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日曰]")  # (曰: OCR's 日)
ISO_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})")
PERIOD = re.compile(r"统计(?:期限|时限|时间|区间|期间)[^0-9〇零一二]{0,8}"
                    rf"(?P<a>(?:{_YEAR})\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日)\s*(?:起)?\s*[至到—－-]+\s*"
                    rf"(?P<b>(?:{_YEAR})\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日)")
PREAMBLE_AGENCY = re.compile(rf"(?:总结|公布|发布|编制|现将|根据)(?P<a>[\u4e00-\u9fff（）()]{{2,40}}?)\s*(?:{_YEAR})\s*年度?\s*(?:政府)?信息公开")
DATE_LABEL_WORDS = ("发布", "成文", "印发")  # every DATE_LABEL match opens with one of these
DATE_LABEL = re.compile(rf"(?:{'|'.join(DATE_LABEL_WORDS)})(?:日期|时间)\s*[:：]?\s*")
CITED = re.compile(r"国办公开办函\s*[〔［\[（(]\s*(?P<y>20\d{2})\s*[〕］\]）)]\s*(?P<n>\d+)\s*号")
_PHONE_VALUE = r"(?P<v>(?:[(（]?0\d{2,3}[)）]?\s*[-—－–]*\s*)?\d{7,8}(?:\s*[-—－–]\s*\d{1,4})?|1[3-9]\d{9})"
PHONE = re.compile(r"(?:联系|咨询|服务|办公)?电话(?:号码)?\s*[:：]?\s*(?:为\s*)?" + _PHONE_VALUE)
FAX = re.compile(r"传真(?:号码)?\s*[:：]?\s*(?:为\s*)?" + _PHONE_VALUE)
POSTCODE = re.compile(r"邮(?:政)?编(?:码)?\s*[:：]?\s*(?:为\s*)?(?P<v>\d{6})(?!\d)")
ADDRESS = re.compile(r"(?:通讯|通信|联系|办公)?地址\s*[:：]\s*(?:为\s*)?(?P<v>[^；;，,。\n）)]+?)"
                     r"(?=\s*(?:邮|电话|传真|联系|[；;，,。\n）)]|$))")
WEBSITE = re.compile(r"(?P<v>https?://[A-Za-z0-9.\-_~/%?=&#:]+|www\.[A-Za-z0-9.\-]+\.[A-Za-z]{2,}[A-Za-z0-9./\-_]*)")
EMAIL = re.compile(r"(?P<v>[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})")
AGGREGATE = re.compile(r"[^。；;，,\n]*汇总[^。；;，,\n]*")
_CLAUSE_STOPS = "。；;，,\n"  # the characters AGGREGATE's clause stops at


def cn_year(s: str) -> int:
    return int(s.translate(CN_DIGIT))


def _cn_small(s: str) -> int:
    """A month or a day: 3, 十二, 二十八, 三十一 (0 when it is none of these)."""
    if s.isdigit():
        return int(s)
    tens, ten, units = s.rpartition("十")
    if not ten:
        return _CN_UNITS.get(s, 0)
    if len(tens) > 1 or len(units) > 1 or (tens and tens not in _CN_UNITS) or (units and units not in _CN_UNITS):
        return 0
    return 10 * (_CN_UNITS[tens] if tens else 1) + (_CN_UNITS[units] if units else 0)


_CN_UNITS = {c: n for n, c in enumerate("〇一二三四五六七八九")}


def to_iso(m: re.Match) -> Optional[str]:
    try:
        y, mo, d = cn_year(m.group("y")), _cn_small(m.group("m")), _cn_small(m.group("d"))
    except ValueError:
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _names_agency(title: str) -> bool:
    m = TITLE.match(title)
    return bool(m and m.group("agency"))


# a label a copied page puts before its title or body: 正文, 【标题】, 内容：
_LABEL_LINE = re.compile(r"^[【\[〔(（]?(?:正\s*文|全\s*文|标\s*题|题\s*目|内\s*容|文章|附件)[】\]〕)）]?\s*[:：]?\s*")
# how a report speaks of its own agency: never the agency's name
_SELF = re.compile(r"^(?:我|本)(?:[办局委厅部署院处室站所队市县区州盟旗镇乡]|单位|机关|部门|中心|政府|街道|系统|公司)?$")


def _title_line(line: str) -> str:
    """A line as the title is read from it: no Markdown heading marks or emphasis, no 正文-style label."""
    s = strip_markup(line)
    return _LABEL_LINE.sub("", s, count=1) if s[:1] in "正全标题内文附【[〔(（" else s


def _agency_of_title(printed: str) -> Optional[str]:
    """关于上杭县…的报告 / 上杭县…关于2021年…: the agency without 关于."""
    name = re.sub(r"^关于|关于$", "", printed.strip("《》“”\"").strip()).strip()
    return name if name and not _SELF.match(name) else None


def find_title(lines: list[str]) -> tuple[Optional[str], int]:
    """The title, joined when it wraps over up to three short lines, and the index of its last line."""
    top: list[tuple[int, str]] = []
    for i, line in enumerate(lines[:40]):
        text = _title_line(line) if line.strip() else ""
        if text:
            top.append((i, text))
        if len(top) >= 6:
            break
    for k, (i, line) in enumerate(top):
        if len(tidy(line)) > 60:
            break
        if "报告" in line or "年报" in line:
            start = k
            # earlier short lines belong to the title when the title lacks its agency or year
            while start > 0 and k - start < 2 and not _names_agency(tidy("".join(t for _, t in top[start:k + 1]))):
                start -= 1
            joined = tidy("".join(t for _, t in top[start:k + 1]))
            if not TITLE.match(joined) or (start < k and not _names_agency(joined)):
                joined = tidy(line)
            return joined, i
    return None, -1


def _signature(lines: list[str]) -> tuple[Optional[str], Optional[str]]:
    """The date and the signing agency at the end of the report, if it has them."""
    tail = [ln.strip() for ln in lines[-15:] if ln.strip()]
    for k in range(len(tail) - 1, -1, -1):
        m = DATE.fullmatch(tail[k].replace(" ", "")) if len(tail[k]) <= 20 else None
        if m:
            agency = tail[k - 1] if k > 0 and len(tail[k - 1]) <= 30 and not re.search(r"[。，,：:]", tail[k - 1]) \
                else None
            return to_iso(m), agency
    return None, None


def _search_from_word(pattern: re.Pattern, text: str, words: tuple[str, ...], lead: int = 0) -> Optional[re.Match]:
    """``pattern.search(text)`` for a pattern whose every match holds one of ``words`` at most ``lead``
    characters from its start. re tries a match at every character before the first such word
    (PHONE, ADDRESS and WEBSITE open with optional words or a group, so it cannot even skip
    ahead to a first character); str.find gets there far faster, for the same match."""
    found = [i for i in map(text.find, words) if i >= 0]
    return pattern.search(text, max(min(found) - lead, 0)) if found else None


_EMAIL_LOCAL = string.ascii_letters + string.digits + "._%+-"  # EMAIL's characters before the @


def _search_email(text: str) -> Optional[re.Match]:
    """``EMAIL.search(text)``, started where a match can first begin: in the run of address
    characters just before the first @ (no match can start before that run). Searching from
    the top would try the address pattern at every digit of every number in the text."""
    at = text.find("@")
    if at < 0:
        return None
    run_start = len(text[:at].rstrip(_EMAIL_LOCAL))
    return EMAIL.search(text, run_start)


def _value(m: Optional[re.Match]) -> Optional[str]:
    return tidy(m.group("v")) if m else None


def read_contact(text: str) -> Contact:
    phone = _search_from_word(PHONE, text, ("电话",), lead=len("联系"))
    fax = FAX.search(text)
    return Contact(
        phone=phone.group("v").strip() if phone else None,
        fax=fax.group("v").strip() if fax else None,
        postcode=_value(POSTCODE.search(text)),
        address=_value(_search_from_word(ADDRESS, text, ("地址",), lead=len("联系"))),
        website=_value(_search_from_word(WEBSITE, text, ("http", "www."))),
        email=_value(_search_email(text)),
    )


def _aggregate_note(preamble: str) -> Optional[re.Match]:
    """``AGGREGATE.search(preamble)``: the clause around the first 汇总. Searched from that clause's
    start, because from the top the pattern runs to the end of every clause from every character."""
    i = preamble.find("汇总")
    if i < 0:
        return None
    clause_start = max(preamble.rfind(stop, 0, i) for stop in _CLAUSE_STOPS) + 1
    return AGGREGATE.search(preamble, clause_start)


def read_metadata(lines: list[str], preamble: str, text: str) -> tuple[Metadata, list[Check]]:
    meta = Metadata()
    checks: list[Check] = []
    title, _ = find_title(lines)
    meta.title = title
    printed = None
    if title:
        m = TITLE.match(title)
        if m:
            printed = _agency_of_title(m.group("agency"))
            meta.year = cn_year(m.group("year"))

    published, signer = _signature(lines)
    meta.published_date = published
    head = "\n".join(lines[:12])
    if not published:
        m = _search_from_word(DATE_LABEL, head, DATE_LABEL_WORDS)
        if m:
            # the date right after the label, in either form; not a later date of the text (统计期限's)
            d = DATE.match(head, m.end()) or ISO_DATE.match(head, m.end())
            meta.published_date = to_iso(d) if d else None

    if not printed:
        m = PREAMBLE_AGENCY.search(unicodedata.normalize("NFKC", preamble))
        found = _agency_of_title(m.group("a")) if m else None
        printed = found or (signer if signer and not _SELF.match(signer) else None)
    if printed:
        meta.agency_name_as_printed = tidy(printed)
        meta.agency_name = normalize_agency_name(printed)
    else:
        checks.append(Check("agency_unknown", "warning", "报告标题、开头和落款中都找不到发布机关的名称。",
                            location="reports.agency_name"))

    period = PERIOD.search(text[:4000])
    if period:
        a, b = DATE.search(period.group("a")), DATE.search(period.group("b"))
        meta.period_start, meta.period_end = (to_iso(a) if a else None), (to_iso(b) if b else None)
    if meta.year is None and meta.period_start:
        meta.year = int(meta.period_start[:4])
    if meta.year is None and meta.published_date:
        meta.year = int(meta.published_date[:4]) - 1
        checks.append(Check("year_inferred", "warning",
                            f"标题中没有统计年度，按落款日期 {meta.published_date} 推断为 {meta.year} 年。",
                            actual=str(meta.year), location="reports.year"))
    if meta.year is None:
        checks.append(Check("year_unknown", "warning", "报告中找不到统计年度。", location="reports.year"))

    cited = CITED.search(text[:5000])
    if cited:
        meta.cited_format = f"国办公开办函〔{cited.group('y')}〕{cited.group('n')}号"
    agg = _aggregate_note(preamble)
    if agg:
        meta.is_aggregate = True
        meta.scope_note = tidy(agg.group(0).strip("，, "))
    # contact details sit in the preamble or the closing lines, never in the tables
    meta.contact = read_contact(preamble[:3000] + "\n" + text[-2500:])
    return meta, checks
