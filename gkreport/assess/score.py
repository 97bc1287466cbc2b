"""The compliance score: every report judged on the parts of rubric.yaml, each part's weight earned or not.

A part is met (1), not met (0), or does not apply / cannot be judged from what was read (NULL, left out
of the total possible). score = 100 × earned ÷ possible, so a reader can check it from the parts shown
beside it. `rubric` holds the parts and weights as data; `compliance` one row per report: the score,
the points earned and possible, each part, and in words why a part was not met or not judged.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .. import yamlfile


# the arithmetic of tables 3 and 4 (rules.py's equations); the other checks of a table are not arithmetic
ARITHMETIC_RULES = ("t3_received_eq_processed", "t3_total_column", "t3_processed_sum", "t4_review_total",
                    "t4_litigation_direct_total", "t4_litigation_after_review_total")
FORMATS = ("2021", "2019")  # the formats of the six sections and three tables
SECTIONS = range(1, 7)


@lru_cache(maxsize=1)
def rubric() -> list[dict]:
    parts = yamlfile.load(Path(__file__).with_name("rubric.yaml").read_text(encoding="utf-8"))
    assert sum(p["weight"] for p in parts) == 100, "the weights of rubric.yaml add up to 100"
    return parts


PARTS = tuple(p["key"] for p in rubric())

_FACTS = f"""
select r.id, r.agency_id, r.agency_name, r.year, r.province, r.city, r.county, r.level, r.template, r.status,
       t.deadline, t.late, t.days_late, t.note as date_note, t.basis,
       p.filled_sections as filled,
       exists (select 1 from active_disclosure where report_id = r.id) as t2,
       exists (select 1 from request_stats where report_id = r.id) as t3,
       exists (select 1 from appeal_stats where report_id = r.id) as t4,
       (select group_concat(distinct k.label) from checks c join check_rules k on k.key = c.rule
          where c.report_id = r.id and c.severity in ('warning', 'error')
            and c.rule in ({', '.join(repr(k) for k in ARITHMETIC_RULES)})) as arithmetic_broken,
       p.bands is not null as compared, p.chars,
       (select count(*) from copied_reports c where c.report_id = r.id) as copies,
       coalesce(r.contact_phone, r.contact_fax, r.contact_address, r.contact_email, r.contact_website) is not null
         as contact
from reports r
left join timeliness t on t.report_id = r.id
left join narrative_prints p on p.report_id = r.id
"""


def _on_time(f: dict) -> tuple[int | None, str | None]:
    if f["deadline"] is None:
        return None, f"不适用（{f['basis']}）"
    if f["late"] == 1:
        return 0, f"逾期 {f['days_late']} 天（期限 {f['deadline']}）"
    if f["late"] is None:
        return 0, f"{f['date_note']}，无法认定按时"
    return 1, None


def _six_sections(f: dict) -> tuple[int | None, str | None]:
    if f["template"] not in FORMATS:
        return None, "不适用（不是 2019 年以后的格式）"
    have = {int(n) for n in (f["filled"] or "").split(",") if n}
    lacking = [n for n in SECTIONS if n not in have]
    return (0, f"第{'、'.join(map(str, lacking))}部分缺少或没有内容") if lacking else (1, None)


def _three_tables(f: dict) -> tuple[int | None, str | None]:
    if f["status"] == "error" or f["template"] not in FORMATS:
        return None, "不适用（表格无法读取或不是 2019 年以后的格式）"
    missing = [name for name, key in (("表二", "t2"), ("表三", "t3"), ("表四", "t4")) if not f[key]]
    return (0, f"没有{'、'.join(missing)}") if missing else (1, None)


def _arithmetic(f: dict) -> tuple[int | None, str | None]:
    if not (f["t3"] or f["t4"]):
        return None, "不适用（没有表三、表四）"
    broken = f["arithmetic_broken"]
    return (0, f"{broken.replace(',', '、')}不符") if broken else (1, None)


def _not_copied(f: dict) -> tuple[int | None, str | None]:
    if not f["compared"]:
        return None, f"不适用（第一、五部分共 {f['chars'] or 0} 字，太短，无法比较）"
    return (0, "第一、五部分与另一份报告几乎相同（见检查提示）") if f["copies"] else (1, None)


def _contact_details(f: dict) -> tuple[int | None, str | None]:
    return (1, None) if f["contact"] else (0, "报告中没有电话、传真、地址、电子邮箱或网址")


JUDGES = {"on_time": _on_time, "six_sections": _six_sections, "three_tables": _three_tables,
          "arithmetic": _arithmetic, "not_copied": _not_copied, "contact_details": _contact_details}


def judge(facts: dict) -> tuple[dict[str, int | None], list[str]]:
    """Each part met (1), not met (0) or not judged (None), and why, for one report's facts."""
    labels = {p["key"]: p["label"] for p in rubric()}
    parts: dict[str, int | None] = {}
    why: list[str] = []
    for key in PARTS:
        parts[key], reason = JUDGES[key](facts)
        if reason:
            why.append(f"{labels[key]}：{reason}")
    return parts, why


def rebuild(conn) -> int:
    """Write `rubric` and `compliance` anew; returns the rows of `compliance`."""
    conn.execute("drop table if exists rubric")
    conn.execute("create table rubric (key text primary key, label text, weight integer, how text, sort_order integer)")
    conn.executemany("insert into rubric values (?, ?, ?, ?, ?)",
                     [(p["key"], p["label"], p["weight"], p["how"], n) for n, p in enumerate(rubric())])
    weights = {p["key"]: p["weight"] for p in rubric()}
    conn.execute("drop table if exists compliance")
    conn.execute("create table compliance (report_id text primary key references reports(id), agency_id text, "
                 "agency_name text, year integer, province text, city text, county text, level text, "
                 "score real, points integer, possible integer, "
                 + ", ".join(f"{p} integer" for p in PARTS) + ", notes text)")
    rows = []
    cursor = conn.execute(_FACTS)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        facts = dict(zip(names, values))
        parts, why = judge(facts)
        possible = sum(weights[p] for p, v in parts.items() if v is not None)
        points = sum(weights[p] for p, v in parts.items() if v)
        score = round(100 * points / possible, 1) if possible else None
        rows.append((*values[:8], score, points, possible, *(parts[p] for p in PARTS), "；".join(why) or None))
    conn.executemany(f"insert into compliance values ({', '.join('?' * (12 + len(PARTS)))})", rows)
    conn.execute("create index idx_compliance_rank on compliance (year, score)")
    return len(rows)
