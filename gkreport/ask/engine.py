"""A question's meaning → its type → SQL with bound parameters.

`understand()` (understand.py) reads the question into an Understanding; `features()` turns it
into the features the catalogue's types test, and `choose()` takes the first type of
catalogue.yaml whose conditions they meet. `build()` assembles its SQL from the catalogue's
fragments, binding every value the question gave. Nothing typed by the user reaches the SQL text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import template as T
from .. import yamlfile
from . import rates as R
from .entities import Index, Region
from .lexicon import Measure, lexicon
from .understand import SHAPE_CUES, Understanding, language, understand  # noqa: F401  (the engine's API)
from .text import MAX_CHARS

HERE = Path(__file__).resolve().parent
_APPLICANT_PARTS = tuple(k for k in T.APPLICANT_PARTS)


@lru_cache(maxsize=1)
def catalogue() -> dict:
    data = yamlfile.load((HERE / "catalogue.yaml").read_text(encoding="utf-8"))
    ids = [t["id"] for t in data["types"]]
    assert len(ids) == len(set(ids)), "question type ids must be unique"
    return data


def type_by_id(type_id: str) -> dict:
    return next(t for t in catalogue()["types"] if t["id"] == type_id)


def features(u: Understanding, idx: Index) -> set[str]:
    f = set(c for c in u.cues)
    several = len(u.years.values) > 1 or len(u.agencies) > 1 or len(u.regions) > 1
    if "each" in f and u.years.is_range and not u.years.values and "total" not in f:
        f.add("trend")  # 近三年各是多少, 近两年的不予公开分别是多少: one row a year, not their sum
    elif "each" in f and not several and (u.measure and u.measure.category or "applicants" in f):
        f.add("breakdown")  # 不予公开按理由分别是多少; but 两年分别收到多少 is each year's figure
    groups = {"group_agency", "group_province", "group_city", "group_county", "group_year", "group_level", "group_report"}
    if len(u.years.values) > 1 and f & {"rank_desc", "rank_asc"} and not f & groups and not u.limit \
            and len(u.agencies) <= 1 and len(u.regions) <= 1:
        f -= {"rank_desc", "rank_asc"}  # higher in 2023 than in 2021: the two years compared, not a ranking
        f.add("compare")
    if _COUNT_PLACES.search(u.text):
        f.add("count_places")  # 覆盖了几个省: how many provinces, not each province's count
    if "never" in f:
        f.add("zero")  # never: none in any report
    if "rank_desc" in f or "rank_asc" in f or u.limit:
        f.add("rank")
    if "reports" in u.cues and not (u.measure or u.rate or u.fields or u.terms or u.section) \
            and not u.cues - {"reports", "everything", "national", "follow", "referent", "each"}:
        f.add("list")  # 有乡镇一级的报告吗, township-level reports from 2023: the reports themselves
    if "group_report" in f and "list" in f and not u.measure:
        f.discard("group_agency")  # which reports come from provincial bodies: reports, not the bodies
    if "group_agency" in f and {"total", "how_many"} <= f and not _WHICH.search(u.text):
        f.discard("group_agency")  # 各单位一共制定了几部: one sum over the bodies, not which of them
    if u.agencies and "group_agency" in f and not _ASKS_FOR_BODIES.search(u.text):
        f.discard("group_agency")  # the Futian district office: a name's own word, not a question over bodies
    if "group_agency" in f and ("list" in f or "how_many" not in f):
        f.add("agency_list")  # 哪些单位被起诉, not "how many lawsuits were filed against agencies"
    if u.rate or ("share" in f and u.measure is not None and u.measure.family != "active"):
        f |= {"rate", "share"}
    if u.measure:
        f |= {"measure", u.measure.family}
        if u.measure.category:
            f.add("category")
    if len(u.agencies) == 1:
        f.add("agency")
    elif len(u.agencies) > 1:
        f.add("multi_agency")
    if len(u.regions) == 1:
        f.add("region")
    elif len(u.regions) > 1:
        f.add("multi_region")
    if u.level:
        f.add("level")
    if u.applicant:
        f.add("applicant")
    y = u.years
    if len(y.values) > 1 and "total" in f and not f & {"compare", "each", "trend"}:
        f.add("years")  # 2021年和2022年加起来: one sum over both years
    elif len(y.values) > 1:
        f.add("multi_year")
    elif len(y.values) == 1:
        f.add("year")
    elif y.is_range:
        f.add("years")
    else:
        f.add("no_year")
    if "trend" in f or ("no_year" in f and "total" not in f) or ("years" in f and "total" not in f and "compare" in f):
        f.add("over_years")  # how did it change from 2021 to 2023: the span, year by year
    if u.terms and "mention" in u.cues:
        f.add("mention_terms")
    if u.section:
        f.add("section")
    if u.fields:
        f.add("field")
    if "template" in u.fields:
        f.add("field_template")
    if u.filters:
        f.add("report_filter")
    if u.kinds:
        f.add("kind_filter")
    if u.unknown:
        f.add("unknown")
    if u.measure is not None and u.measure.family == "appeal" and u.measure.key != "appeals":
        f.add("one_proceeding_kind")
    if "share" in f and u.measure and u.measure.family == "active":
        f.discard("share")
    return f


_ASKS_FOR_BODIES = re.compile(r"哪些|哪个|哪家|哪几|哪一|什么单位|什么机关|多少个|几个|多少家|几家|各单位|所有单位|"
                              r"\b(?:which|list|how many)\b|\b(?:what|each|every|all) (?:agenc|bod|office|department|government)")
_WHICH = re.compile(r"哪|\b(?:which|what agenc|list)")
_COUNT_PLACES = re.compile(r"(?:几|多少)\s*个\s*(?:省|省份|城市|地市|市|县|区县)|\bhow many (?:provinces|cities|counties)\b")


def choose(u: Understanding) -> dict | None:
    for t in catalogue()["types"]:
        when = t.get("when", {})
        if not all(x in u.features for x in when.get("all", ())):
            continue
        if when.get("any") and not any(x in u.features for x in when["any"]):
            continue
        if any(x in u.features for x in when.get("none", ())):
            continue
        return t
    return None


# ---------------------------------------------------------------------------
# SQL

_TABLES = {"request": "request_stats", "appeal": "appeal_stats", "active": "active_disclosure"}
# report_figures columns (the site's summary table) for the figures a question may ask about
_FIGURE_COLUMNS = {
    **{(k, None): k for k in ("new_received", "carried_over", "granted", "partially_granted", "denied", "unable",
                             "rejected", "other_handling", "total_processed", "carried_forward")},
    ("review", None): "review_total", ("review", "corrected"): "review_corrected", ("review", "pending"): "review_pending",
    ("litigation", None): "litigation_total", ("litigation", "corrected"): "litigation_corrected",
    ("litigation", "pending"): "litigation_pending",
    ("fees", None): "fees_10k_yuan",
}
_JOIN = re.compile(r"from reports r\n(\s*)join \{(?:ratio_)?table\} f on f\.report_id = r\.id")


def figure_column(u: Understanding) -> str | None:
    """The report_figures column holding the figure asked for, if it has one (tables 3 and 4 only: an amount
    of table 2 is answered with its unit, from active_disclosure)."""
    m = u.measure
    if m is None or m.family == "active" or (u.applicant not in (None, "total")):
        return None
    return _FIGURE_COLUMNS.get((m.key, u.outcome if u.outcome != "total" else None))


def figures_sql(sql: str, column: str) -> str:
    """A query over reports joined to a figure's table, read from report_figures instead: a report counts
    when it gives the figure (count of the column), and sums skip the reports that do not."""
    sql = _JOIN.sub("from report_figures r", sql)
    sql = sql.replace("count(distinct r.id)", f"count(r.{column})")
    sql = re.sub(r"\br\.id\b", "r.report_id", sql)
    return sql.replace("{value}", f"r.{column}")


def value_expression(u: Understanding) -> str:
    m = u.measure
    if m.family == "request":
        if u.applicant == "organizations":
            return " + ".join(f"coalesce(f.{c}, 0)" for c in _APPLICANT_PARTS[1:])
        return f"f.{u.applicant if u.applicant in T.APPLICANT_KEYS else 'total'}"
    if m.family == "appeal":
        return f"f.{u.outcome if u.outcome in T.OUTCOME_KEYS else 'total'}"
    return "f.value"


def measure_condition(m: Measure, params: dict) -> str:
    frags = catalogue()["fragments"]["measure"]
    if m.family == "request":
        kind = _request_kind(m)
        params[{"row": "row_key", "category": "category", "rows": "row_keys"}[kind]] = (
            m.row_keys[0] if kind == "row" else m.category if kind == "category" else json.dumps(list(m.row_keys)))
        return frags[kind]
    if m.family == "appeal":
        if len(m.proceedings) == 1:
            params["proceeding"] = m.proceedings[0]
            return frags["proceeding"]
        params["proceedings"] = json.dumps(list(m.proceedings))
        return frags["proceedings"]
    return frags["item"]


def _request_kind(m: Measure) -> str:
    return "category" if m.category else "row" if len(m.row_keys) == 1 else "rows"


_ALIAS = re.compile(r"\b[fr]\.(?=\w)")


@dataclass
class Query:
    type: dict
    sql: str
    params: dict
    slots: dict
    ratio: R.Ratio | None = None
    left_out: str | None = None  # a ranking by a rate: how many bodies fall under the minimum base


def region_params(r: Region) -> dict:
    return {"province": r.province, "city": r.city, "county": r.county}


_SHORT = {"total_processed": ("办理总计", "requests processed"), "new_received": ("本年新收", "requests received")}


def measure_label(m: Measure) -> dict:
    zh, en = _SHORT.get(m.key, (m.name_zh.removesuffix("的申请").removesuffix("的政府信息公开申请"), m.name_en))
    return {"zh": zh, "en": en}


def ratio_of(u: Understanding) -> R.Ratio:
    """The rate a question asks for: one of rates.yaml by name, or the share of a figure in its base."""
    lex = lexicon()
    m = u.measure
    if u.rate:
        procs = m.proceedings if u.rate == "correction_rate" and m is not None and m.family == "appeal" else None
        return R.named(u.rate, procs)
    if m.family == "appeal":
        col = u.outcome if u.outcome in T.OUTCOME_KEYS and u.outcome != "total" else "total"
        label = {"zh": lex.outcome_labels.get(col, col), "en": col}
        return R.share("appeal", None, f"f.{col}", label, None, "f.total", measure_label(m), list(m.proceedings))
    if u.applicant and u.applicant != "total" and u.base in (None, m):
        # 自然人占收到申请的比例: the applicants' share of the same requests
        label = {"zh": lex.applicant_labels.get(u.applicant, u.applicant), "en": u.applicant.replace("_", " ")}
        return R.share("request", list(m.row_keys), value_expression(u), label, list(m.row_keys), "f.total",
                       measure_label(m))
    base = u.base if u.base not in (None, m) else lex.measures["total_processed"]
    return R.share("request", list(m.row_keys), "f.total", measure_label(m), list(base.row_keys), "f.total",
                   measure_label(base))


def limit_of(t: dict, u: Understanding) -> int:
    if u.limit:
        return u.limit
    if u.singular:
        return 1
    if u.rank_all:
        return 1000
    return t.get("default_limit", 10)


FILTER_KEYS = ("status", "template", "table2_template", "table3_template", "source_format")  # a report's own columns


def _filter_conditions(u: Understanding, params: dict, frags: dict) -> list[str]:
    conds = []
    for key in FILTER_KEYS:
        if u.filters.get(key):
            params[key] = u.filters[key]
            conds.append(frags[key])
    if u.filters.get("aggregate"):
        conds.append(frags["aggregate"])
    for kind, negated in u.kinds:
        name = "kind_not" if negated else "kind"
        if name in params:
            continue
        params[name] = kind
        conds.append(frags[name])
    return conds


def build(t: dict, u: Understanding, idx: Index) -> Query:
    frags = catalogue()["fragments"]["scope"]
    lex = lexicon()
    params: dict[str, Any] = {}
    scope = t.get("scope", [])
    conds: list[str] = []
    if t.get("measure_default") and (not u.measure or u.measure.family != "request"):
        u.measure = lex.measures[t["measure_default"]]
    m = u.measure
    measure_sql = ""
    uses_measure = "{table}" in t["sql"] or t.get("measure_default") or t.get("uses_measure")
    if m and (uses_measure or "{measure}" in t["sql"]):
        measure_sql = measure_condition(m, params)
        if m.family == "active":
            params["item"] = m.item
            params["item_measures"] = json.dumps(list(u.item_measures or m.measures))
    ratio = ratio_of(u) if "{ratio}" in t["sql"] else None
    if ratio is not None:
        params.update(ratio.params)
    if "agency" in scope and len(u.agencies) == 1:
        params["agency_id"] = u.agencies[0][0]
        conds.append(frags["agency"])
    if "agencies" in scope and len(u.agencies) > 1:
        params["agency_ids"] = json.dumps([a[0] for a in u.agencies])
        conds.append(frags["agencies"])
    if "region" in scope and len(u.regions) == 1:
        r = u.regions[0][0]
        params.update({k: v for k, v in region_params(r).items() if v or r.level == "county" and k == "city"})
        conds.append(frags[r.level])
    if len(u.regions) > 1:
        params["regions"] = json.dumps([{"name": m_[0].full, **region_params(m_[0])} for m_ in u.regions],
                                       ensure_ascii=False)
        if "regions" in scope:
            conds.append(frags["regions"])
    if "level" in scope and u.level and not u.agencies:  # a body named is of its own level (provincial office)
        params["level"] = u.level
        conds.append(frags["level"])
    if "filters" in scope:
        conds.extend(_filter_conditions(u, params, frags))
    y = u.years
    if ("year_set" in scope or "years" in scope) and len(y.values) > 1:  # 2021 and 2023: never 2022 between them
        params["years"] = json.dumps(y.values)
        conds.append(frags["year_set"])
    elif "years" in scope and len(y.values) == 1:
        params["year"] = y.values[0]
        conds.append(frags["year"])
    elif "years" in scope and y.is_range:
        params["year_from"] = y.start if y.start is not None else idx.oldest
        params["year_to"] = y.end if y.end is not None else idx.newest
        conds.append(frags["years"])
    if "{where}" in t["sql"] and "sections_fts" in t["sql"]:
        from .. import search

        params["match"] = search.match_expression(u.terms)
        conds.insert(0, frags["match"])
    if t["id"] == "section_text":
        params["section_no"] = u.section
        conds.append(frags["section"])
    field = u.fields[0] if u.fields and u.fields[0] in lex.report_fields else "id"
    failed = "c.severity in ('warning', 'error')"
    one = None  # How many checks are errors?, 哪些报告逾期发布: that severity or that check alone
    if u.check_rule and failed in t.get("where", ()):
        params["rule"], one = u.check_rule, "c.rule = :rule"
    elif u.severity and failed in t.get("where", ()):
        params["severity"], one = u.severity, "c.severity = :severity"
    conds.extend((one if w == failed and one else w.replace("{field}", field)) for w in t.get("where", ()))
    if ":limit" in t["sql"]:
        params["limit"] = limit_of(t, u)
    if ":min_base" in t["sql"]:
        params["min_base"] = u.min_base if u.min_base is not None else R.default_min_base()
    at_least = u.at_least is not None and ("{and_at_least}" in t["sql"] or "{having_at_least}" in t["sql"])
    if at_least:
        params["at_least"] = u.at_least
    order = "asc" if "rank_asc" in u.cues else "desc"

    def where(first: list[str]) -> str:
        parts = [c for c in first if c] + conds
        return ("where " + "\n  and ".join(parts)) if parts else ""

    request_family = ratio.table == "request_stats" if ratio is not None else (m is not None and m.family == "request")
    # the summary a type's sql_totals reads: table 3's or table 4's, each for questions of its own table
    if "appeal_totals" in t.get("sql_totals", ""):
        summary = idx.has_appeal_totals and ratio is None and m is not None and m.family == "appeal"
    else:
        summary = idx.has_totals and request_family
    totals = (t.get("sql_totals") and summary
              and not u.agencies and all(r[0].level == "province" for r in u.regions) and len(u.regions) <= 1
              and not u.filters and not u.kinds)
    sql = (t["sql_totals"] if totals else t["sql"]).strip()
    column = figure_column(u) if t.get("figures") and idx.has_figures and not totals else None
    # a rate read from report_figures: one row per report instead of its rows of table 3 or 4
    ratio_figures = (ratio is not None and ratio.figures is not None and idx.has_figures and not totals
                     and not set(u.filters) - {"status", "template"})
    if column:
        sql = figures_sql(sql, column)
        measure_sql = ""
    elif ratio_figures:
        sql = re.sub(r"\br\.id\b", "r.report_id", _JOIN.sub("from report_figures r", sql))
        params = {k: v for k, v in params.items()
                  if k not in ("row_key", "category", "row_keys", "proceeding", "proceedings", "item", "item_measures")}
    value = f"r.{column}" if column else value_expression(u) if m else ""
    amount = m is not None and m.family == "active" and any(
        k in ("amount_10k_yuan", "amount_yuan") for k in (u.item_measures or m.measures))
    replacements = {
        # the one agency the rows come from, when they come from one (上杭县: its general office's reports)
        "{label}": "" if totals or not (len(u.agencies) == 1 or len(u.regions) == 1) else
        "case when count(distinct r.agency_id) = 1 then min(r.agency_name) end as agency, ",
        "{unit}": ", f.unit as unit" if amount else "",
        "{group_unit}": "group by f.unit" if amount else "",
        "{group_year_unit}": "group by r.year, f.unit" if amount else "group by r.year",
        "{table}": _TABLES[m.family] if m else "",
        "{ratio_table}": ratio.table if ratio else "",
        "{ratio}": (ratio.figure_columns() if ratio_figures else ratio.columns()) if ratio else "",
        "{where_ratio}": (where([]) if ratio_figures else where([ratio.where])) if ratio else "",
        "{field}": field,
        "{extreme}": "min" if "oldest" in u.cues else "max",
        # 都是什么理由: the reasons used, unless it asks how many of each
        "{having_used}": "having sum(f.total) > 0" if u.used_only else "",
        "{and_at_least}": "and sum({value}) >= :at_least" if at_least else "",
        "{having_at_least}": "having sum({value}) >= :at_least" if at_least else "",
        "{value}": value,
        "{measure}": measure_sql,
        "{order}": order,
        "{where}": where([measure_sql] if uses_measure else []),
    }
    for key, val in replacements.items():
        sql = sql.replace(key, _ALIAS.sub("t.", val) if totals else val)
    left_out = None
    if t.get("left_out") and ratio is not None:
        left_out = (t["left_out_totals"] if totals else t["left_out"]).strip()
        if ratio_figures:
            left_out = re.sub(r"\br\.id\b", "r.report_id", _JOIN.sub("from report_figures r", left_out))
        for key, val in replacements.items():
            left_out = left_out.replace(key, _ALIAS.sub("t.", val) if totals else val)
    sql = with_ties(sql)
    slots = slots_of(u, idx)
    slots["order"] = order
    if "limit" in params:
        slots["limit"] = params["limit"]
    if "min_base" in params:
        slots["min_base"] = params["min_base"]
    return Query(t, sql, params, slots, ratio, left_out)


_RANKED = re.compile(r"(\n\s*order by (value|rate|checks|reports) (desc|asc)\b[^\n]*)\n\s*limit :limit\s*$")


def with_ties(sql: str) -> str:
    """A ranking cut after :limit places keeps every row tied with the last place shown: the first two of a
    tie are never told apart by their names. NULL sorts lowest, as in SQLite's own order."""
    m = _RANKED.search(sql)
    if not m:
        return sql
    col, op = m.group(2), ">=" if m.group(3) == "desc" else "<="
    inner = sql[:m.start()] + m.group(1)
    last = f"(select {col} from ranked order by {col} {m.group(3)} limit 1 offset :limit - 1)"
    return (f"with ranked as (\n{inner}\n)\nselect * from ranked\n"
            f"where (select count(*) from ranked) <= :limit\n"
            f"  or coalesce({col}, -1e308) {op} coalesce({last}, -1e308)")


def slots_of(u: Understanding, idx: Index) -> dict:
    """The filled slots, as JSON: what a follow-up question inherits and what the answer shows."""
    s: dict[str, Any] = {}
    if u.measure:
        s["measure"] = u.measure.key if u.measure.key in lexicon().measures else None
        s["row_keys"] = list(u.measure.row_keys) or None
        if u.measure.family == "active":
            s["item_measures"] = list(u.item_measures or u.measure.measures)
    if u.base:
        s["base"] = u.base.key
    for k in ("applicant", "outcome", "level", "section", "terms", "rate", "min_base"):
        if getattr(u, k):
            s[k] = getattr(u, k)
    if u.fields:
        s["fields"] = list(u.fields)
    if u.filters:
        s["filters"] = dict(u.filters)
    if u.agencies:
        s["agency_ids"] = [m[0] for m in u.agencies]
        s["agencies"] = [idx.agencies[m[0]].name for m in u.agencies]
    if u.candidates:
        s["candidates"] = list(u.candidates)
    if u.regions:
        s["regions"] = [{"level": m[0].level, **region_params(m[0])} for m in u.regions]
    if u.years:
        s["years"] = {"values": u.years.values, "start": u.years.start, "end": u.years.end}
    cues = sorted(u.cues & SHAPE_CUES)
    if cues:
        s["cues"] = cues
    if u.limit or u.singular:
        s["limit_asked"] = u.limit or 1
    return {k: v for k, v in s.items() if v is not None}


def too_long(question: str) -> bool:
    return len(question or "") > MAX_CHARS
