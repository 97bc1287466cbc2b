"""Several questions in one: 予以公开了几件，不予公开了几件？ / 联系电话和地址是什么？ / …, and how many were refused?

A question is cut where a new question starts (？ ； ， or ", and how many"), when the words on
both sides each ask something; a later part takes what it leaves out from the part before it
(其中自然人提出了多少 → the same year and scope), as a follow-up does. A part that asks nothing of its
own (哪年多？ after 2022年和2023年各是多少) belongs to the part before it. Within a part, several
figures or report fields asked for side by side (行政复议和行政诉讼各有多少件) are answered one by one —
but not figures asked for together as a breakdown, a share or a comparison.
"""

from __future__ import annotations

import copy
import re

from .followup import _has_subject
from .lexicon import Measure, lexicon
from .understand import Understanding, understand

_ASKS = re.compile(r"多少|几|哪|什么|是否|有没有|怎么|如何|谁|吗|呢|占比|比例|公开率|纠错率|"
                   r"\b(?:how|what|which|when|where|who|whose|is|are|did|does|was|were)\b")
_COMPARATIVE = re.compile(r"(?:多|少|高|低|大|小)[？?。！!]?$|\b(?:more|fewer|less|higher|lower)\b")
_CUT_ZH = re.compile(r"[？?；;，,。、](?=.)")
_CUT_EN = re.compile(r",?\s+and\s+(?=(?:how|what|which|when|where|who)\b)|[?;](?=.)")


def split_text(question: str) -> list[str]:
    """The question cut where a new question starts, each piece asking something of its own; a piece that
    asks nothing (上杭县、上犹县…) stays joined to its neighbour as it was written."""
    text = question.strip()
    cut = _CUT_EN if re.search(r"[A-Za-z]{3,}", text) and not re.search(r"[\u3400-\u9fff]", text) else _CUT_ZH
    pieces: list[tuple[str, str]] = []  # (piece, the separator written before it)
    start, sep = 0, ""
    for m in cut.finditer(text):
        pieces.append((text[start:m.start()], sep))
        start, sep = m.end(), m.group()
    pieces.append((text[start:], sep))
    out: list[str] = []
    for p, sep in pieces:
        p = p.strip(" ，,。？?；;、")
        if not p:
            continue
        if out and (not _ASKS.search(p) or not _ASKS.search(out[-1])):
            out[-1] = out[-1] + (sep.strip() or ("，" if cut is _CUT_ZH else ",")) + ("" if cut is _CUT_ZH else " ") + p
        else:
            out.append(p)
    return out


_AND = re.compile(r"^\s*(?:的|了)?\s*(?:和|与|及|以及|、|跟|同|还有|,|，|and|or|,\s*and|,\s*or|，\s*和)\s*$")


def _joined(u: Understanding, spans: list[tuple[int, int]] | None = None) -> bool:
    """The figures (or applicants) are named side by side, joined by 和, 、, and …"""
    spans = sorted(u.measure_spans if spans is None else spans)
    return len(spans) > 1 and all(_AND.match(u.text[a[1]:b[0]]) for a, b in zip(spans, spans[1:]))


def _one_by_one(u: Understanding) -> list[Understanding]:
    """Figures or fields asked for side by side, each as its own question."""
    if len(u.fields) > 1:
        out = []
        for f in u.fields:
            v = copy.copy(u)
            v.fields = [f]
            out.append(v)
        return out
    together = u.cues & {"results", "breakdown", "share", "compare", "average", "trend"} or u.rate or u.base
    if len(u.applicants) > 1 and not together and "total" not in u.cues and _joined(u, u.applicant_spans):
        out = []  # 自然人和企业各有多少: each applicant's figure
        for applicant in u.applicants:
            v = copy.copy(u)
            v.applicant, v.applicants, v.cues = applicant, [applicant], u.cues - {"each"}
            out.append(v)
        return out
    summed = "total" in u.cues and "each" not in u.cues  # 行政复议和行政诉讼加起来: one sum of both
    ms = [m for m in u.measures if not m.generic]
    # 因属于行政查询事项不予公开: the reason names a row of 不予公开, not a second question
    ms = [m for m in ms if not any(o is not m and o.family == m.family and o.row_keys and set(o.row_keys) < set(m.row_keys)
                                   for o in ms)]
    if len(ms) < 2 or together or u.applicant or u.outcome:
        return [u]
    if not _joined(u):
        return [u]  # 行政许可处理了多少件: one figure named in two words
    kinds = {(m.family, m.category or _row_category(m), m.proceedings) for m in ms}
    if len(kinds) < 2 and "each" not in u.cues:
        return [u]  # 因国家秘密和第三方权益不予公开的: one sum
    if summed and len({m.family for m in ms}) == 1 and ms[0].family != "active":
        u.measure = sum_of(ms)
        return [u]
    out = []
    for m in ms:
        v = copy.copy(u)
        v.measure, v.measures = m, [m]
        v.cues = u.cues - {"each"}  # 无法提供的和不予处理的分别是多少: each figure, not each one's breakdown
        if m.family == "active":
            v.item_measures = m.measures
        out.append(v)
    return out


def _row_category(m: Measure) -> str | None:
    """The group of table 3 a one-row figure belongs to (予以公开: granted; 国家秘密: denied)."""
    from .. import template as T

    return T.REQUEST_ROW_BY_KEY[m.row_keys[0]].category if m.family == "request" and len(m.row_keys) == 1 else None


def sum_of(ms: list[Measure]) -> Measure:
    """Figures of one table named together and added up: their rows (requests) or proceedings (cases)."""
    rows = tuple(dict.fromkeys(k for m in ms for k in m.row_keys))
    procs = tuple(dict.fromkeys(p for m in ms for p in m.proceedings))
    if ms[0].family == "appeal" and set(procs) == set(lexicon().measures["appeals"].proceedings):
        return lexicon().measures["appeals"]
    first = ms[0]
    return Measure("+".join(m.key for m in ms), first.family, "、".join(m.name_zh.removesuffix("的申请") for m in ms)
                   + ("的申请" if first.family == "request" else ""), " and ".join(m.name_en for m in ms),
                   first.unit_zh, first.unit_en, row_keys=rows if first.family == "request" else (),
                   proceedings=procs, specificity=1)


def _asks_its_own(u: Understanding) -> bool:
    if "follow" in u.cues and (u.has_scope or u.years):
        return True  # …，上犹县政府办呢？ asks the same of another body
    if not (u.measure or u.rate or u.fields or u.terms) and (
            u.cues & {"rank_desc", "rank_asc", "compare"} or _COMPARATIVE.search(u.text)):
        return False  # 哪年多？ compares what the part before it asked for
    return bool(_has_subject(u) or u.applicant or u.outcome or u.fields or u.unanswerable
                or u.cues & {"group_year", "group_province"})


def plan(question: str, idx, context: dict | None) -> list[Understanding]:
    """The questions a question asks: one, or several to be answered in turn."""
    from .engine import features, slots_of

    pieces = split_text(question)
    if len(pieces) == 1:
        parts = _one_by_one(understand(question, idx, context))
        if len(parts) > 1:
            for v in parts:
                v.features = features(v, idx)
        return parts
    groups: list[str] = []
    understood: list[Understanding] = []
    ctx = context
    for piece in pieces:
        if understood:
            if not _asks_its_own(understand(piece, idx, None)):  # 哪年多？ is asked of the part before it
                groups[-1] = groups[-1] + "，" + piece
                understood[-1] = understand(groups[-1], idx, ctx if len(groups) == 1 else
                                            {"intent": None, "slots": slots_of(understood[-2], idx)})
                continue
            u = understand(piece, idx, {"intent": None, "slots": slots_of(understood[-1], idx)})
        else:
            u = understand(piece, idx, ctx)
        groups.append(piece)
        understood.append(u)
    # 行政复议是哪个机关审理的？上杭县那几件: the part after asks the same of the cases before, which the
    # reports do not hold either; its figure alone would answer another question, so it goes with them
    understood = [u for k, u in enumerate(understood)
                  if not (k and understood[k - 1].unanswerable and not u.unanswerable and "measure" in u.inherited)]
    out: list[Understanding] = []
    for u in understood:
        for v in _one_by_one(u):
            v.features = features(v, idx)
            out.append(v)
    return out
