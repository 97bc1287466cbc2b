"""A question → what it asks (type and slots) → SQL with bound parameters → rows → an answer.

`understand()` reads the question: years, the words of the report format, the
agencies and regions of the database, and the cue words (历年, 最多, 比较, 占比 …),
each becoming a feature. `choose()` takes the first type of catalogue.yaml whose
conditions the features meet. `build()` assembles its SQL from the catalogue's
fragments, binding every value the question gave. Nothing typed by the user
reaches the SQL text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .. import template as T
from .entities import Index, Region, Token
from .lexicon import Measure, lexicon
from .text import MAX_CHARS, NUMBER, Years, cn_number, normalize, parse_years

HERE = Path(__file__).resolve().parent

_APPLICANT_PARTS = tuple(k for k in T.APPLICANT_PARTS)
_LIMIT = re.compile(rf"(?:排名前|排前|前|top|first|the top)\s*({NUMBER})\s*(?:名|个|位|家|强|大)?(?![年\d])"
                    rf"|(?<![\d年哪])({NUMBER})\s*(?:个|家|名)(?=单位|部门|机关|省份|省|城市|市|区县|县)")
_QUOTED = re.compile(r"[「“\"『‘']([^」”\"』’']{1,40})[」”\"』’']")
_STOP_TAIL = re.compile(r"(?:的报告|的年报|报告|的内容|内容|的情况|情况|的|了|吗|呢|过|没有|有哪些|哪些|是哪些)+$")
_STOP_HEAD = re.compile(r"^(?:了|过|到|及|有|关于|有关|的)+")
_EN_STOP = {"the", "a", "an", "which", "what", "reports", "report", "of", "in", "their", "text", "do", "does", "any",
            "how", "many"}
SHAPE_CUES = {"trend", "rank_desc", "rank_asc", "compare", "share", "average", "breakdown", "results", "applicants",
              "list", "count", "zero", "group_agency", "group_province", "group_city", "group_county", "group_year",
              "group_level", "total"}


@lru_cache(maxsize=1)
def catalogue() -> dict:
    data = yaml.safe_load((HERE / "catalogue.yaml").read_text(encoding="utf-8"))
    ids = [t["id"] for t in data["types"]]
    assert len(ids) == len(set(ids)), "question type ids must be unique"
    return data


def type_by_id(type_id: str) -> dict:
    return next(t for t in catalogue()["types"] if t["id"] == type_id)


@dataclass
class Understanding:
    question: str
    text: str = ""
    lang: str = "zh"
    years: Years = field(default_factory=Years)
    measure: Measure | None = None
    base: Measure | None = None
    applicant: str | None = None
    outcome: str | None = None
    item_measures: tuple[str, ...] = ()
    agencies: list[list[str]] = field(default_factory=list)  # each mention: its candidate agency ids
    regions: list[list[Region]] = field(default_factory=list)
    mention_text: dict[int, str] = field(default_factory=dict)  # id(mention) → the words that named it
    level: str | None = None
    section: int | None = None
    cues: set[str] = field(default_factory=set)
    limit: int | None = None
    terms: str | None = None  # words to search for in the narrative
    corrections: list[tuple[str, str]] = field(default_factory=list)
    leftover: list[str] = field(default_factory=list)  # words nothing recognized
    inherited: list[str] = field(default_factory=list)
    features: set[str] = field(default_factory=set)

    def recognized(self, idx: Index) -> dict:
        """What was understood, for the answer (and for a question that was not)."""
        out: dict[str, Any] = {}
        if self.measure:
            out["measure"] = self.measure.key
        if self.applicant:
            out["applicant"] = self.applicant
        if self.outcome:
            out["outcome"] = self.outcome
        if self.agencies:
            out["agencies"] = [[idx.agencies[a].name for a in m] for m in self.agencies]
        if self.regions:
            out["regions"] = [[r.full for r in m] for m in self.regions]
        if self.years:
            out["years"] = self.years.values or [self.years.start, self.years.end]
        if self.level:
            out["level"] = self.level
        if self.terms:
            out["terms"] = self.terms
        if self.corrections:
            out["corrections"] = [f"{a}→{b}" for a, b in self.corrections]
        cues = sorted(c for c in self.cues if c != "follow")
        if cues:
            out["cues"] = cues
        return out


def language(question: str) -> str:
    han = len(re.findall(r"[\u3400-\u9fff]", question))
    latin = len(re.findall(r"[A-Za-z]", question))
    return "en" if latin > 2 * han else "zh"


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        for k in range(a, b):
            chars[k] = " "
    return "".join(chars)


def understand(question: str, idx: Index, context: dict | None = None) -> Understanding:
    u = Understanding(question=question, lang=language(question))
    text = normalize(question)
    u.text = text
    u.years = parse_years(text, idx.newest, idx.oldest)
    masked = _mask(text, u.years.spans)
    # quoted words are what to search for, never names or terms
    for m in _QUOTED.finditer(masked):
        u.terms = (u.terms + " " if u.terms else "") + m.group(1).strip()
        masked = _mask(masked, [m.span()])
    m = _LIMIT.search(masked)
    if m:
        u.limit = cn_number(m.group(1) or m.group(2))
        masked = _mask(masked, [m.span()])
    tokens = idx.scan(masked)
    fixes = idx.correct(masked, tokens)
    if fixes:
        chars = list(masked)
        for a, b, word in fixes:
            u.corrections.append((masked[a:b], word))
            chars[a:b] = list(word)
        masked = "".join(chars)
        tokens = idx.scan(masked)
    tokens = _narrative_terms(u, masked, tokens)
    _read_tokens(u, tokens, idx)
    u.leftover = _leftover(masked, tokens)
    if context:
        _inherit(u, context, idx)
    u.features = features(u, idx)
    return u


def _narrative_terms(u: Understanding, text: str, tokens: list[Token]) -> list[Token]:
    """After 提到/mention: the words to search for; the tokens inside them name nothing."""
    cue = next((t for t in tokens if t.kind == "cue" and t.value == "mention"), None)
    if cue is None and any(t.kind == "cue" and t.value == "reports" for t in tokens):
        cue = next((t for t in tokens if t.kind == "cue" and t.value == "mention_weak"), None)
        if cue is not None:
            u.cues.add("mention")
    if cue is None:
        return tokens
    if not u.terms:
        rest = re.split(r"[,，。.？?！!;；:：]", text[cue.end:])[0]
        if u.lang == "en":
            han = re.findall(r"[\u3400-\u9fff]+", rest)
            words = han or [w for w in re.findall(r"[a-z][a-z\-']*", rest) if w not in _EN_STOP]
            terms = " ".join(words)
        else:
            terms = _STOP_HEAD.sub("", _STOP_TAIL.sub("", rest.strip())).strip()
            if not terms:  # 疫情被哪些报告提到
                before = re.split(r"[,，。？?！!;；]", text[:cue.start])[-1]
                terms = _STOP_TAIL.sub("", re.sub(r"(?:被|在)?(?:哪些|哪个|哪份|多少份?)?报告?$", "", before)).strip()
        u.terms = terms or None
    if not u.terms:
        return tokens
    start = cue.end
    end = start + len(re.split(r"[,，。.？?！!;；:：]", text[cue.end:])[0])
    return [t for t in tokens if not (t.start >= start and t.end <= end) or t.kind == "cue"]


def _read_tokens(u: Understanding, tokens: list[Token], idx: Index) -> None:
    lex = lexicon()
    measures: list[tuple[int, Measure]] = []
    item_measures: list[str] = []
    kinds: list[tuple[int, str]] = []
    last = None
    for t in tokens:
        if t.kind == "measure":
            measures.append((t.start, lex.measures[t.value]))
        elif t.kind == "applicant":
            u.applicant = u.applicant or t.value
        elif t.kind == "outcome":
            u.outcome = u.outcome or t.value
        elif t.kind == "active_measure":
            item_measures.extend(lex.active_measure_also[t.value])
        elif t.kind == "section":
            u.section = u.section or int(t.value)
        elif t.kind == "level":
            u.level = u.level or t.value
        elif t.kind == "cue":
            u.cues.add(t.value)
        elif t.kind in ("agency", "region"):
            mentions = u.agencies if t.kind == "agency" else u.regions
            if mentions and (t.kind, t.start) == last:
                mentions[-1].append(t.value)
            else:
                mentions.append([t.value])
                u.mention_text[id(mentions[-1])] = t.text
            last = (t.kind, t.start)
        elif t.kind == "kind":
            kinds.append((t.start, t.value))
    _compose_agencies(u, tokens, kinds, idx)
    _settle_regions(u, idx)
    _choose_measure(u, measures, item_measures)
    y = u.years
    if "compare" in u.cues and y.start is not None and y.end is not None and not y.values and not y.relative:
        # "the change between 2021 and 2023": the two years, not the years between them
        u.years = Years(values=[y.start, y.end], spans=y.spans)


def _compose_agencies(u: Understanding, tokens: list[Token], kinds: list[tuple[int, str]], idx: Index) -> None:
    """A region followed by a kind word (上犹县 + 政府办, Shangyou County + government office) is an agency."""
    for start, kind in kinds:
        region_token = max((t for t in tokens if t.kind == "region" and t.end <= start and start - t.end <= 1),
                           key=lambda t: t.end, default=None)
        if region_token is None:
            continue
        regions = [t.value for t in tokens if t.kind == "region" and t.start == region_token.start]
        found = [a.id for a in idx.agencies.values() if a.kind == kind and any(
            a.province == r.province and (r.city is None or a.city == r.city) and (r.county is None or a.county == r.county)
            and _level_of(a) == r.level for r in regions)]
        if found:
            for mention in list(u.regions):
                if any(r in regions for r in mention):
                    u.regions.remove(mention)
            u.agencies.append(found)
            u.mention_text[id(found)] = region_token.text + next(t.text for t in tokens if t.start == start)


def _level_of(a) -> str:
    return "county" if a.county else "city" if a.city else "province"


def _settle_regions(u: Understanding, idx: Index) -> None:
    """A region that an agency's name already says (江西省上犹县政府办) narrows the agency, then goes."""
    for mention in list(u.regions):
        for agencies in u.agencies:
            consistent = [a for a in agencies if any(_in_region(idx.agencies[a], r) for r in mention)]
            if consistent:
                agencies[:] = consistent
                if mention in u.regions:
                    u.regions.remove(mention)
    # an ambiguous region narrowed by another region named with it (福州 鼓楼区)
    for mention in u.regions:
        if len(mention) > 1:
            others = [r for m in u.regions if m is not mention for r in m]
            narrowed = [r for r in mention if any(o.level != r.level and _contains(o, r) for o in others)]
            if narrowed:
                mention[:] = narrowed
    wider = [m for m in u.regions if len(m) == 1 and any(
        _contains(m[0], r) and m[0] != r for other in u.regions if other is not m for r in other)]
    for m in wider:
        u.regions.remove(m)


def _in_region(a, r: Region) -> bool:
    return a.province == r.province and (r.city is None or a.city == r.city) and (r.county is None or a.county == r.county)


def _contains(outer: Region, inner: Region) -> bool:
    return (outer.province == inner.province and (outer.city is None or outer.city == inner.city)
            and (outer.county is None or outer.county == inner.county))


def _choose_measure(u: Understanding, found: list[tuple[int, Measure]], item_measures: list[str]) -> None:
    lex = lexicon()
    precise = [(p, m) for p, m in found if not m.generic]
    if not precise and u.outcome:
        precise = [(0, lex.measures["appeals"])]
    if not precise:
        if found:
            u.measure = lex.measures["new_received"]
        elif u.applicant:
            u.measure = lex.measures["new_received"]
        return
    ranked = sorted(precise, key=lambda pm: (-pm[1].specificity, pm[0]))
    first = ranked[0][1]
    same = [m for _, m in precise if m.family == first.family]
    if first.family == "appeal" and len(same) > 1:
        procs = tuple(dict.fromkeys(p for m in same for p in m.proceedings))
        key = "appeals" if len(procs) == 3 else first.key
        first = lex.measures[key] if len(procs) == 3 else first
    elif first.family == "request" and len(same) > 1:
        bases = [m for m in same if m.key in ("new_received", "total_processed", "carried_over")]
        others = [m for m in same if m not in bases]
        if "share" in u.cues and bases and others:
            u.base = bases[0]
            first = sorted(others, key=lambda m: -m.specificity)[0]
        elif others and all(m.category == others[0].category and m.category is None for m in others) and \
                len({m.key for m in others}) > 1 and all(len(m.row_keys) == 1 for m in others) and \
                len({T.REQUEST_ROW_BY_KEY[m.row_keys[0]].category for m in others}) == 1:
            keys = tuple(dict.fromkeys(m.row_keys[0] for m in others))
            first = Measure("+".join(keys), "request", "、".join(m.name_zh.removesuffix("的申请") for m in others)
                            + "的申请", " and ".join(m.name_en for m in others), "件", "requests", row_keys=keys,
                            specificity=3)
        elif others:
            first = sorted(others, key=lambda m: -m.specificity)[0]
    if first.family == "active":
        u.item_measures = tuple(dict.fromkeys(item_measures)) or first.measures
    u.measure = first


def _leftover(text: str, tokens: list[Token]) -> list[str]:
    covered = [False] * len(text)
    for t in tokens:
        for k in range(t.start, t.end):
            covered[k] = True
    chars = "".join(c if not covered[i] else " " for i, c in enumerate(text))
    words = re.findall(r"[\u3400-\u9fff]{2,}|[a-z]{3,}", chars)
    stop = r"^(?:多少|哪些|什么|怎么|是否|有没有|一下|请问|是多少|有多少|收到了|的|了|吗|呢|在|和|与|及|中|是|有|年|被)+|(?:的|了|吗|呢|是|有|多少|什么)+$"
    return [w for w in (re.sub(stop, "", w) for w in words) if len(w) >= 2 and w not in _EN_STOP]


def _inherit(u: Understanding, context: dict, idx: Index) -> None:
    """A follow-up (那2022年呢？ 上杭县政府办呢？ what about 2022?) reuses the previous question's slots."""
    has_scope = bool(u.agencies or u.regions or u.level)
    follow = "follow" in u.cues or (not u.measure and not u.terms and (u.years or has_scope))
    if not follow:
        return
    lex = lexicon()
    prev = context.get("slots") or context
    if not u.measure and prev.get("measure") in lex.measures:
        u.measure = lex.measures[prev["measure"]]
        u.applicant = u.applicant or prev.get("applicant")
        u.outcome = u.outcome or prev.get("outcome")
        u.item_measures = tuple(prev.get("item_measures") or u.measure.measures)
        u.inherited.append("measure")
        if not (u.cues & SHAPE_CUES):
            u.cues |= set(prev.get("cues") or ()) & SHAPE_CUES - ({"trend"} if u.years else set())
    if not has_scope:
        ids = [a for a in prev.get("agency_ids") or () if a in idx.agencies]
        if ids:
            u.agencies = [[a] for a in ids]
            u.inherited.append("agency")
        elif prev.get("regions"):
            u.regions = [[Region(**r)] for r in prev["regions"]]
            u.inherited.append("region")
        if prev.get("level"):
            u.level = prev["level"]
    if not u.years and prev.get("years"):
        y = prev["years"]
        u.years = Years(values=list(y.get("values") or ()), start=y.get("start"), end=y.get("end"))
        u.inherited.append("years")


def features(u: Understanding, idx: Index) -> set[str]:
    f = set(c for c in u.cues)
    if "rank_desc" in f or "rank_asc" in f or u.limit:
        f.add("rank")
    if "group_agency" in f and ("list" in f or "how_many" not in f):
        f.add("agency_list")  # 哪些单位被起诉, not "how many lawsuits were filed against agencies"
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
    if len(y.values) > 1:
        f.add("multi_year")
    elif len(y.values) == 1:
        f.add("year")
    elif y.is_range:
        f.add("years")
    else:
        f.add("no_year")
    if "trend" in f or ("no_year" in f and "total" not in f) or ("years" in f and "total" not in f and "trend" in f):
        f.add("over_years")
    if u.terms and "mention" in u.cues:
        f.add("mention_terms")
    if u.section:
        f.add("section")
    if "share" in f and u.measure and u.measure.family == "active":
        f.discard("share")
    return f


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
_JOIN = re.compile(r"from reports r\n(\s*)join \{table\} f on f\.report_id = r\.id")


def figure_column(u: Understanding) -> str | None:
    """The report_figures column holding the figure asked for, if it has one."""
    m = u.measure
    if m is None or (u.applicant not in (None, "total")):
        return None
    if m.family == "active" and tuple(u.item_measures or m.measures) != tuple(m.measures):
        return None
    return _FIGURE_COLUMNS.get((m.key, u.outcome if u.outcome != "total" else None))


def figures_sql(sql: str, column: str) -> str:
    """A query over reports joined to a figure's table, read from report_figures instead."""
    sql = _JOIN.sub("from report_figures r", sql)
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


def measure_condition(m: Measure, params: dict, base: bool = False) -> str:
    frags = catalogue()["fragments"]["base" if base else "measure"]
    if m.family == "request":
        if base:
            params["base_row_key"] = m.row_keys[0]
            return frags["row"]
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


def either_condition(m: Measure, measure_sql: str, base_sql: str) -> str:
    """The rows of a share: its measure's and its base's, as one list the index can serve (no OR)."""
    if base_sql == measure_sql:
        return measure_sql
    keys = catalogue()["fragments"]["keys"]
    return f"f.row_key in ({keys[_request_kind(m)]} union all {keys['base']})"


_ALIAS = re.compile(r"\b[fr]\.(?=\w)")


@dataclass
class Query:
    type: dict
    sql: str
    params: dict
    slots: dict


def region_params(r: Region) -> dict:
    return {"province": r.province, "city": r.city, "county": r.county}


def build(t: dict, u: Understanding, idx: Index) -> Query:
    frags = catalogue()["fragments"]["scope"]
    lex = lexicon()
    params: dict[str, Any] = {}
    scope = t.get("scope", [])
    conds: list[str] = []
    if t.get("measure_default") and (not u.measure or u.measure.family != "request"):
        u.measure = lex.measures[t["measure_default"]]
    m = u.measure
    measure_sql = base_sql = ""
    uses_measure = "{table}" in t["sql"] or t.get("measure_default") or t.get("uses_measure")
    if m and (uses_measure or "{measure}" in t["sql"]):
        measure_sql = measure_condition(m, params)
        if m.family == "active":
            params["item"] = m.item
            params["item_measures"] = json.dumps(list(u.item_measures or m.measures))
    base_value = "f.total" if m and m.family == "appeal" else None
    if "{base}" in t["sql"]:
        if u.base is None and u.applicant and m.family == "request":
            # 自然人申请占比: the applicants' share of the same requests
            u.base, base_sql, base_value = m, measure_sql, "f.total"
        else:
            u.base = u.base or (lex.measures["total_processed"] if m.family == "request" else m)
            base_sql = measure_condition(u.base, params, base=True) if m.family == "request" else measure_sql
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
    if "level" in scope and u.level:
        params["level"] = u.level
        conds.append(frags["level"])
    y = u.years
    if "year_set" in scope and len(y.values) > 1:
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
    conds.extend(t.get("where", ()))
    if ":limit" in t["sql"]:
        params["limit"] = u.limit or t.get("default_limit", 10)
    order = "asc" if "rank_asc" in u.cues else "desc"

    def where(first: list[str]) -> str:
        parts = [c for c in first if c] + conds
        return ("where " + "\n  and ".join(parts)) if parts else ""

    totals = (t.get("sql_totals") and idx.has_totals and m is not None and m.family == "request"
              and not u.agencies and all(r[0].level == "province" for r in u.regions) and len(u.regions) <= 1)
    sql = (t["sql_totals"] if totals else t["sql"]).strip()
    column = figure_column(u) if t.get("figures") and idx.has_figures and not totals else None
    if column:
        sql = figures_sql(sql, column)
        measure_sql = f"r.{column} is not null"
        params = {k: v for k, v in params.items()
                  if k not in ("row_key", "category", "row_keys", "proceeding", "proceedings", "item", "item_measures")}
    value = value_expression(u) if m else ""
    replacements = {
        "{table}": _TABLES[m.family] if m else "",
        "{value}": value,
        "{base_value}": base_value or value,
        "{measure}": measure_sql,
        "{base}": base_sql,
        "{order}": order,
        "{where_either}": where([either_condition(m, measure_sql, base_sql)] if base_sql else []),
        "{where}": where([measure_sql] if uses_measure else []),
    }
    for key, val in replacements.items():
        sql = sql.replace(key, _ALIAS.sub("t.", val) if totals else val)
    slots = slots_of(u, idx)
    slots["order"] = order
    if "limit" in params:
        slots["limit"] = params["limit"]
    return Query(t, sql, params, slots)


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
    for k in ("applicant", "outcome", "level", "section", "terms"):
        if getattr(u, k):
            s[k] = getattr(u, k)
    if u.agencies:
        s["agency_ids"] = [m[0] for m in u.agencies]
        s["agencies"] = [idx.agencies[m[0]].name for m in u.agencies]
    if u.regions:
        s["regions"] = [{"level": m[0].level, **region_params(m[0])} for m in u.regions]
    if u.years:
        s["years"] = {"values": u.years.values, "start": u.years.start, "end": u.years.end}
    cues = sorted(u.cues & SHAPE_CUES)
    if cues:
        s["cues"] = cues
    return {k: v for k, v in s.items() if v is not None}


def too_long(question: str) -> bool:
    return len(question or "") > MAX_CHARS
