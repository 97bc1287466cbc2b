"""A follow-up question (那2022年呢？ 上杭县政府办呢？ 其中自然人多少件？ what about 2022?) completed from the one before.

The previous answer's `context` holds what it asked: the figure (measure, applicant, outcome, rate,
report field, search words), the scope (agencies, regions, level), the years, the filters and the
shape (a ranking over agencies, a list, a series). A new question keeps what it says and takes the
rest from there:

- what is asked: a question that names no figure, field, rate or words asks the same as before
  (2023年呢？); one that names only an applicant or an outcome narrows the figure before
  (其中自然人多少件？ How many were still pending?); one that names words where the previous asked
  which reports mention something searches for them (乡村振兴呢？ And the pandemic?);
- the scope: kept when the question names none and is not itself a ranking or list over agencies,
  or says it follows on (呢, 其中, what about …); a region named after a choice between two agencies
  of the same name picks the one in it (鼓楼区政府办 → 福州的 → 南京的呢？);
- the years: kept when the question names none, unless it asks for every year (历年);
- the shape: a question with no shape of its own keeps the previous one (the first of a ranking,
  a list), and a ranking keeps what it ranks (公开率最高的呢？ after 哪个单位收到申请最多).
"""

from __future__ import annotations

import re

from . import rates as R
from .entities import Index, Region
from .lexicon import lexicon
from .text import Years
from .understand import SHAPE_CUES

SHAPES = SHAPE_CUES
GROUPS = {"group_agency", "group_province", "group_city", "group_county", "group_year", "group_level"}
RANKS = {"rank_desc", "rank_asc"}


_EVERY_YEAR = re.compile(r"历年|历来|所有年份|全部年份|over the years|all (?:the )?years|every year on record")
SUBJECT_CUES = {"database", "reports", "checks", "template", "newest", "oldest", "applicants", "profile", "years_word"}


def _has_subject(u) -> bool:
    cues = u.cues & SUBJECT_CUES
    if u.cues & RANKS:  # 哪一年最高: a ranking of years of what was asked before
        cues -= {"years_word"}
    return bool((u.measure and not u.measure_defaulted) or u.rate or u.fields or u.terms or u.section or cues)


def _own_shape(u) -> set[str]:
    """The shape words of a question; a rate's own word (率) is what it asks, not its shape."""
    return u.cues & SHAPES - {"total"} - ({"share"} if u.rate else set())


def _keep_shape(u, prev: dict) -> None:
    """The shape of the question before: its ranking, list or series (2021年呢？ after 历年: the year named)."""
    u.cues |= set(prev.get("cues") or ()) & SHAPES - ({"trend"} if u.years else set())
    if u.limit is None and prev.get("limit_asked"):
        u.limit = prev["limit_asked"]


def inherit(u, context: dict, idx: Index) -> None:
    prev = context.get("slots") or {}
    lex = lexicon()
    marker = "follow" in u.cues
    own_cues = set(u.cues)  # the question's own words, before it takes the shape of the one before
    subject = _has_subject(u)
    narrows = not subject and (u.applicant or u.outcome)

    # -- what is asked
    new_words = u.topics or [w for w in u.leftover if re.match(r"[\u3400-\u9fff]", w)]
    if prev.get("terms") and not subject and new_words and not (u.applicant or u.outcome):
        u.terms = " ".join(new_words)
        u.cues.add("mention")
        u.leftover = []
        u.inherited.append("mention")
    elif not subject or narrows:
        if prev.get("measure") in lex.measures:
            m = lex.measures[prev["measure"]]
            if not (u.applicant and m.family != "request") and not (u.outcome and m.family != "appeal"):
                u.measure = m
                u.measures = [m]
                u.applicant = u.applicant or (None if narrows else prev.get("applicant"))
                u.outcome = u.outcome or (None if narrows else prev.get("outcome"))
                u.item_measures = u.asked_item_measures or tuple(prev.get("item_measures") or m.measures)
                u.inherited.append("measure")
        if not narrows:
            for key in ("terms", "section"):
                if prev.get(key) and not getattr(u, key):
                    setattr(u, key, prev[key])
            if prev.get("rate") in R.definitions()["rates"] and not u.rate:
                u.rate = prev["rate"]
            if prev.get("fields") and not u.fields:
                u.fields = list(prev["fields"])
            if prev.get("base") in lex.measures and u.base is None and u.measure is not None:
                u.base = lex.measures[prev["base"]]
            if u.terms:
                u.cues.add("mention")
        if not _own_shape(u):
            _keep_shape(u, prev)
        elif _own_shape(u) <= {"list"}:
            # 都有哪些？ after 有多少份报告: the things counted before, listed
            u.cues |= set(prev.get("cues") or ()) & SUBJECT_CUES - {"database"}
            if prev.get("cues") and "database" in prev["cues"]:
                u.cues.add("reports")
        for key, value in (prev.get("filters") or {}).items():
            u.filters.setdefault(key, value)
    elif marker and not u.has_scope and not _own_shape(u):
        _keep_shape(u, prev)  # 公开率呢？ after 历年收到多少申请: the rate, year by year
    _same_rate(u, prev, marker)
    if u.cues & RANKS and not u.cues & GROUPS:  # 公开率最高的呢？ ranks what the previous question ranked
        u.cues |= set(prev.get("cues") or ()) & GROUPS
        if u.limit is None and prev.get("limit_asked"):
            u.limit = prev["limit_asked"]
    if prev.get("min_base") and u.min_base is None and (u.rate or u.cues & {"share"}):
        u.min_base = prev["min_base"]

    # -- the scope
    # a ranking or list over agencies is not narrowed to the body before; a ranking of years is
    ranks_agencies = bool(own_cues & (GROUPS | RANKS | {"list"})) and not marker and "group_year" not in u.cues
    candidates = [a for a in prev.get("candidates") or () if a in idx.agencies]
    if not u.agencies and u.regions and candidates and len(u.regions) == 1:
        inside = [a for a in candidates if any(_in(idx.agencies[a], r) for r in u.regions[0])]
        if len(inside) == 1:  # 南京的呢？ — the other agency of the same name
            u.regions = []
            u.agencies = [[inside[0]]]
            u.inherited.append("agency")
    answered = [a for a in prev.get("answer_agency_ids") or () if a in idx.agencies]
    if not u.has_scope and not u.unknown and answered and "referent" in u.cues:
        u.agencies = [[a] for a in answered]  # its disclosure rate: the body the answer before found
        u.inherited.append("agency")
    if not u.has_scope and not u.unknown and (marker or not ranks_agencies) and not u.cues & {"database"}:
        ids = [a for a in prev.get("agency_ids") or () if a in idx.agencies]
        if ids:
            u.agencies = [[a] for a in ids]
            u.inherited.append("agency")
        elif prev.get("regions"):
            u.regions = [[Region(**r)] for r in prev["regions"]]
            u.inherited.append("region")
        if prev.get("level"):
            u.level = prev["level"]
    if candidates:
        u.candidates = candidates

    # -- the years
    every_year = "trend" in own_cues and _EVERY_YEAR.search(u.text)  # 历年: every year; 每年分别: each of those
    if not u.years and prev.get("years") and not every_year and not u.cues & {"database"} \
            and (marker or not u.has_scope or "agency" in u.inherited or "region" in u.inherited
                 or not subject or narrows):
        y = prev["years"]
        u.years = Years(values=list(y.get("values") or ()), start=y.get("start"), end=y.get("end"))
        u.inherited.append("years")
    if u.year_shift and prev.get("years") and len(prev["years"].get("values") or ()) == 1:
        # and the year after?: the year after the one asked about before
        u.years = Years(values=[prev["years"]["values"][0] + u.year_shift])
        u.inherited.append("years")


def _same_rate(u, prev: dict, marker: bool) -> None:
    """A correction rate follows its proceedings: 行政诉讼的呢？ after 行政复议纠错率 is the lawsuits' correction
    rate; so what's the correction rate? after how many reviews were corrected is the reviews'."""
    lex = lexicon()
    before = lex.measures.get(prev.get("measure") or "")
    if prev.get("rate") == "correction_rate" and marker and not u.rate and u.measure is not None \
            and u.measure.family == "appeal" and not u.outcome and not _own_shape(u):
        u.rate = "correction_rate"
        u.inherited.append("rate")
    elif u.rate == "correction_rate" and u.measure is None and before is not None and before.family == "appeal":
        u.measure = before
        u.measures = [before]
        u.inherited.append("measure")


def _in(a, r: Region) -> bool:
    return a.province == r.province and (r.city is None or a.city == r.city) and (r.county is None or a.county == r.county)
