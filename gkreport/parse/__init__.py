"""Text of one report → ``ParsedReport``: sections, tables, metadata, checks.

A pure function of the text: no files, no database.
"""

from __future__ import annotations

import hashlib
from typing import Optional

from .. import template as T
from ..checks import arithmetic_checks, narrative_checks, status_of
from ..extract import ExtractError
from ..model import Check, ParsedReport, Tables
from .metadata import TITLE_WORDS, read_metadata
from .sections import Heading, find_headings, split_free_sections, split_sections
from ..traditional import to_simplified
from .markup import tables_to_rows
from .rows import rows_from_lines
from .tables import detect_table2_format, read_table2, read_table3, read_table4
from .tables.table3 import match_request_row
from .transposed import transposed_table3
from .ocr_text import T3_EQUATION_RULES, ocr_marks, withhold_contradicted
from .text import clean, squash

PARSER_VERSION = "6"  # stored with each report: a report parsed by another version is parsed again


class NotAReport(ExtractError):
    pass


def report_id(text: str) -> str:
    """Stable across re-ingests and reformatting: line breaks and spacing don't change it."""
    # str.split() drops the same characters as re's \s (both use str.isspace), several times faster
    return hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest()[:16]


def _first_line(lines: list[str], markers: tuple[str, ...], start: int = 0, stop: Optional[int] = None) -> Optional[int]:
    for i in range(start, len(lines) if stop is None else stop):
        s = squash(lines[i])
        if any(m in s for m in markers):
            return i
    return None


def _regions(lines: list[str], headings: dict[int, Heading]) -> dict[int, tuple[int, int]]:
    """Line ranges of tables 2, 3 and 4: the section when its heading was found, else found by their words."""
    starts = sorted((h.line, no) for no, h in headings.items())

    def section(no: int) -> Optional[tuple[int, int]]:
        if no not in headings:
            return None
        h = headings[no]
        later = [line for line, n in starts if line > h.line]
        return h.last_line + 1, (later[0] if later else len(lines))

    def next_heading_after(i: int) -> int:
        return next((line for line, _ in starts if line > i), len(lines))

    r3 = section(3)
    if r3 is None:
        s = _first_line(lines, ("勾稽", "申请人情况", "本年新收"))
        r3 = (s, next_heading_after(s)) if s is not None else None
    r2 = section(2)
    if r2 is None:
        s = _first_line(lines, ("第二十条", "信息内容"), stop=r3[0] if r3 else None)
        r2 = (s, r3[0] if r3 else next_heading_after(s)) if s is not None else None
    r4 = section(4)
    if r4 is None and r3 is not None:
        s = _first_line(lines, ("行政复议",), start=r3[1])
        r4 = (s, next_heading_after(s)) if s is not None else None
    return {n: r for n, r in ((2, r2), (3, r3), (4, r4)) if r}


def _report_template(t2: Optional[str], t3: Optional[str], year: Optional[int], has_tables: bool) -> str:
    if year is not None and year <= 2018:
        return T.PRE2019  # before the national format; any table it has is still read and stored
    if T.T2021 in (t2, t3):
        return T.T2021
    if T.T2019 in (t2, t3):
        return T.T2019
    # no table to tell: the format in force for the report's year (format spec §1)
    return _year_format(year) or T.UNKNOWN


def _year_format(year: Optional[int]) -> Optional[str]:
    if year is None:
        return None
    return T.PRE2019 if year <= 2018 else (T.T2019 if year <= 2020 else T.T2021)


def parse_report(raw_text: str) -> ParsedReport:
    # one layout for every source: simplified characters, markup tables as tab-separated rows
    text = tables_to_rows(clean(to_simplified(raw_text)))
    lines = text.split("\n")
    headings = find_headings(lines)
    regions = _regions(lines, headings)

    def rows(no: int):
        a, b = regions.get(no, (0, 0))
        return rows_from_lines(lines[a:b], a)

    def rows3():
        # a table 3 turned a quarter is read turned back; its cells then stand on other lines than
        # the ones printed, so no cell's place in the text is recorded for it
        a, b = regions.get(3, (0, 0))
        turned = transposed_table3(lines[a:b], match_request_row) if "\t" in text else None
        return (rows_from_lines(turned, a), True) if turned else (rows(3), False)

    sections = split_sections(lines, headings)
    meta, checks = read_metadata(lines, sections[0].body, text)
    year_fmt = _year_format(meta.year)

    region2 = "\n".join(lines[slice(*regions[2])]) if 2 in regions else ""
    t2 = read_table2(rows(2), detect_table2_format(region2) or (year_fmt if year_fmt != T.PRE2019 else None))
    t3_rows, turned = rows3()
    t3 = read_table3(t3_rows, t2.template if t2.found else (year_fmt if year_fmt != T.PRE2019 else None))
    if turned:
        t3.sources = {}
    t4 = read_table4(rows(4))

    is_report = (bool(meta.title and TITLE_WORDS.search(meta.title)) or len(headings) >= 3
                 or len(t3.values) >= 5 or len(t2.items) >= 3)
    if not is_report:
        raise NotAReport("不是政府信息公开工作年度报告：找不到报告标题、章节或统计表",
                         "not an annual report: no title, sections or tables found")

    has_tables = t2.found or t3.found or t4.found
    template = _report_template(t2.template if t2.found else None, t3.template, meta.year, has_tables)
    if template == T.PRE2019 or (template == T.UNKNOWN and not has_tables):
        sections = split_free_sections(lines)

    tables = Tables(
        table2_template=t2.template if t2.found else None,
        table3_template=t3.template if t3.found else None,
        active=t2.cells, requests=t3.values, appeals=t4.values,
        found={"table2": t2.found, "table3": t3.found, "table4": t4.found},
        regions={f"table{n}": r for n, r in regions.items()},
        sources={**t2.sources, **t3.sources, **t4.sources},
    )
    checks += t2.checks + t3.checks + t4.checks
    arithmetic = arithmetic_checks(tables)
    if any(c.rule in T3_EQUATION_RULES for c in arithmetic) and (ocr := ocr_marks(text, t3_rows)):
        # OCR'd text whose table 3 does not add up: the failing equations' cells are withheld, each
        # with its check in place of the arithmetic's own
        arithmetic = [c for c in arithmetic if c.rule not in T3_EQUATION_RULES] + \
            withhold_contradicted(tables.requests, tables.table3_template or T.T2021, ocr)
    checks += arithmetic
    checks += narrative_checks(sections, tables)
    checks += completeness_checks(template, tables, t2, headings)
    if tables.table2_template and tables.table3_template and tables.table2_template != tables.table3_template:
        checks.append(Check("template_mixed", "info",
                            f"表二使用 {tables.table2_template} 年版格式，表三使用 {tables.table3_template} 年版格式。"))
    readable = template not in (T.T2019, T.T2021) or t3.found or t2.found
    return ParsedReport(
        id=report_id(text), text=text, meta=meta, sections=sections, tables=tables, checks=checks,
        template=template, status=status_of(checks, readable),
    )


def completeness_checks(template: str, tables: Tables, t2, headings: dict) -> list[Check]:
    """Tables, rows and sections the template requires but the report lacks: a cut-off report shows here."""
    if template not in (T.T2019, T.T2021):
        return []
    out: list[Check] = []
    names = {"table2": "表二（主动公开政府信息情况）", "table3": "表三（收到和处理政府信息公开申请情况）",
             "table4": "表四（行政复议、行政诉讼情况）"}
    missing_tables = [names[k] for k, found in tables.found.items() if not found]
    for k, found in tables.found.items():
        if not found:
            out.append(Check("table_missing", "warning", f"报告中找不到{names[k]}。", location=k))
    if t2.found and t2.template in T.ACTIVE_COLUMNS:
        absent = [T.ACTIVE_ITEM_BY_KEY[i].label for i in T.ACTIVE_COLUMNS[t2.template] if i not in t2.items]
        if absent:
            out.append(Check("t2_missing_rows", "warning", f"表二缺少 {len(absent)} 行：{'、'.join(absent)}。",
                             location="active_disclosure"))
    missing_sections = [s.heading for s in T.SECTIONS if s.no not in headings]
    if missing_sections:
        out.append(Check("sections_missing", "warning", f"报告缺少章节：{'、'.join(missing_sections)}。",
                         location="sections"))
    last_rows_missing = bool(tables.requests) and "carried_forward" not in tables.requests
    cut = last_rows_missing or (missing_tables and headings and max(headings) < 6) or \
        (headings and max(headings) < 5)
    if cut:
        what = "、".join(missing_tables + ([] if not last_rows_missing else ["表三后半部分"]) +
                        missing_sections[-3:]) or "后半部分"
        out.append(Check("report_incomplete", "warning", f"报告内容不完整，可能在中途截断：缺少{what}。",
                         location="reports"))
    return out
