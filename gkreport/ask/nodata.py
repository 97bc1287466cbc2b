"""When a question finds nothing: which of its filters left no report, and what there is instead.

「没有上杭县2019年的报告；有2021、2022、2023年的」: the scope is tried without the years, the level,
the filters in turn, so the answer names the one that left nothing (`missing`: year, level, status,
template, kind, agency, region) — or, when there are reports, the figure they do not have
(`missing`: measure: 上杭县2022年的报告用的是2021年版格式，没有这一项).
"""

from __future__ import annotations

import json
import sqlite3

from .engine import catalogue, region_params
from .understand import Understanding

_LABELS = {
    "status": {"warning": ("有警告", "with warnings"), "error": ("表格无法读取", "whose tables could not be read"),
               "ok": ("通过全部检查", "that pass every check")},
    "kind": {"department": ("部门", "departments"), "government": ("人民政府", "governments"),
             "general_office": ("政府办公室", "general offices")},
    "level": {"central": ("中央", "central"), "province": ("省级", "provincial"), "city": ("市级", "city-level"),
              "county": ("县级", "county-level"), "township": ("乡镇", "township")},
}


def _count(conn: sqlite3.Connection, conds: list[str], params: dict, years: bool = False):
    where = ("where " + " and ".join(conds)) if conds else ""
    if years:
        return [r[0] for r in conn.execute(f"select distinct r.year from reports r {where} order by r.year", params)]
    return conn.execute(f"select count(*) from reports r {where}", params).fetchone()[0]


def diagnose(u: Understanding, conn: sqlite3.Connection, scope_name: str, lang: str) -> tuple[str, str]:
    """(missing, sentence) for a question whose answer is empty."""
    found = no_report(u, conn, scope_name, lang)
    if found:
        return found
    zh = lang == "zh"
    if u.fields:  # the report does not state its phone number, website …
        from .answer import FIELD_NAMES

        zh_f, en_f = FIELD_NAMES.get(u.fields[0], (u.fields[0], u.fields[0]))
        return "measure", (f"{scope_name}的报告没有写明{zh_f}。" if zh else
                           f"The reports{' of ' + scope_name if scope_name else ''} give no {en_f}.")
    if zh:
        return "measure", f"{scope_name}的报告中没有这一项数据（报告的格式可能没有这一项，或者这一格没有填写）。"
    return "measure", f"The reports{' of ' + scope_name if scope_name else ''} do not give this figure (their format may lack it, or the cell was left blank)."


def no_report(u: Understanding, conn: sqlite3.Connection, scope_name: str, lang: str) -> tuple[str, str] | None:
    """(missing, sentence) when no report is in the question's scope — its body or place, level, filters and
    years, tried in turn so that the sentence names the one that left nothing; None when there are reports."""
    frags = catalogue()["fragments"]["scope"]
    conds, params = [], {}
    if len(u.agencies) == 1:
        conds.append(frags["agency"])
        params["agency_id"] = u.agencies[0][0]
    elif len(u.agencies) > 1:
        conds.append(frags["agencies"])
        params["agency_ids"] = json.dumps([a[0] for a in u.agencies])
    elif len(u.regions) == 1:
        r = u.regions[0][0]
        conds.append(frags[r.level])
        params.update({k: v for k, v in region_params(r).items() if v or r.level == "county" and k == "city"})
    zh = lang == "zh"
    if conds and not _count(conn, conds, params):
        what = "agency" if u.agencies else "region"
        return what, (f"数据库中没有{scope_name}的报告。" if zh else f"The database has no report from {scope_name}.")
    if u.level and not u.agencies:  # a body named has its own level (the Fujian provincial office)
        conds.append(frags["level"])
        params["level"] = u.level
        if not _count(conn, conds, params):
            zh_l, en_l = _LABELS["level"].get(u.level, (u.level, u.level))
            if (zh_l if zh else en_l) in scope_name:  # the scope's name says its level already (乡镇单位)
                return "level", (f"数据库中没有{scope_name}的报告。" if zh else
                                 f"The database has no report from {scope_name}.")
            return "level", (f"数据库中没有{scope_name}{zh_l}单位的报告。" if zh else
                             f"The database has no report from {en_l} agencies{' in ' + scope_name if scope_name else ''}.")
    said_zh, said_en = "", ""  # the filters applied, named in the sentence on the years (2022年有警告的报告)
    for key in ("status", "template", "table3_template", "table2_template", "source_format"):
        if u.filters.get(key):
            conds.append(frags[key])
            params[key] = u.filters[key]
            value = u.filters[key]
            zh_f, en_f = _LABELS.get(key, {}).get(value, (f"由{value}文件读入", f"read from {value} files")
                                                  if key == "source_format" else
                                                  (f"{value}年版格式", f"in the {value} format"))
            said_zh, said_en = said_zh + zh_f, f"{said_en} {en_f}"
            if not _count(conn, conds, params):
                return ("template" if "template" in key else key), (
                    f"数据库中没有{scope_name}{zh_f}的报告。" if zh else f"The database has no report{' from ' + scope_name if scope_name else ''} {en_f}.")
    for kind, negated in u.kinds:
        conds.append(frags["kind_not" if negated else "kind"])
        params["kind_not" if negated else "kind"] = kind
        if not _count(conn, conds, params):
            return "kind", ("数据库中没有这类单位的报告。" if zh else "The database has no report from such agencies.")
    y = u.years
    if y:
        have = _count(conn, conds, params, years=True)
        asked = set(y.values) if y.values else {v for v in have if (y.start is None or v >= y.start)
                                                and (y.end is None or v <= y.end)}
        if not asked & set(have):
            asked_text = "、".join(map(str, y.values)) if y.values else f"{y.start}—{y.end}"
            if zh:
                there = f"；有{'、'.join(map(str, have))}年的" if have else ""
                return "year", f"没有{scope_name}{asked_text}年{said_zh}的报告{there}。"
            there = f"; there are reports for {', '.join(map(str, have))}" if have else ""
            return "year", f"There is no report{said_en}{' from ' + scope_name if scope_name else ''} for {asked_text}{there}."
    return None
