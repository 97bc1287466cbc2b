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
from .understand import Understanding, understand

_ASKS = re.compile(r"多少|几|哪|什么|是否|有没有|怎么|如何|谁|吗|呢|占比|比例|公开率|纠错率|"
                   r"\b(?:how|what|which|when|where|who|whose|is|are|did|does|was|were)\b")
_COMPARATIVE = re.compile(r"(?:多|少|高|低|大|小)[？?。！!]?$|\b(?:more|fewer|less|higher|lower)\b")
_CUT_ZH = re.compile(r"[？?；;，,。](?=.)")
_CUT_EN = re.compile(r",?\s+and\s+(?=(?:how|what|which|when|where|who)\b)|[?;](?=.)")


def split_text(question: str) -> list[str]:
    """The question cut where a new question starts, each piece asking something of its own."""
    text = question.strip()
    cut = _CUT_EN if re.search(r"[A-Za-z]{3,}", text) and not re.search(r"[\u3400-\u9fff]", text) else _CUT_ZH
    pieces, start = [], 0
    for m in cut.finditer(text):
        pieces.append(text[start:m.start()])
        start = m.end()
    pieces.append(text[start:])
    pieces = [p.strip(" ，,。？?；;") for p in pieces]
    out: list[str] = []
    for p in pieces:
        if not p:
            continue
        if out and (not _ASKS.search(p) or not _ASKS.search(out[-1])):
            out[-1] = out[-1] + ("，" if cut is _CUT_ZH else ", ") + p
        else:
            out.append(p)
    return out


_AND = re.compile(r"^\s*(?:的|了)?\s*(?:和|与|及|以及|、|跟|同|还有|,|，|and|or)\s*$")


def _joined(u: Understanding) -> bool:
    """The figures are named side by side, joined by 和, 、, and …"""
    spans = sorted(u.measure_spans)
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
    ms = [m for m in u.measures if not m.generic]
    # 因属于行政查询事项不予公开: the reason names a row of 不予公开, not a second question
    ms = [m for m in ms if not any(o is not m and o.family == m.family and o.row_keys and set(o.row_keys) < set(m.row_keys)
                                   for o in ms)]
    if len(ms) < 2 or together or u.applicant or u.outcome:
        return [u]
    if not _joined(u):
        return [u]  # 行政许可处理了多少件: one figure named in two words
    kinds = {(m.family, m.category, m.proceedings) for m in ms}
    if len(kinds) < 2 and "each" not in u.cues:
        return [u]  # 因国家秘密和第三方权益不予公开的: one sum
    out = []
    for m in ms:
        v = copy.copy(u)
        v.measure, v.measures = m, [m]
        if m.family == "active":
            v.item_measures = m.measures
        out.append(v)
    return out


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
        return _one_by_one(understand(question, idx, context))
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
    out: list[Understanding] = []
    for u in understood:
        for v in _one_by_one(u):
            v.features = features(v, idx)
            out.append(v)
    return out
