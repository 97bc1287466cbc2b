"""What /-/ask and /-/ask.json accept, checked before the engine sees it.

A malformed request gets HTTP 400 and a sentence saying what is wrong, in Chinese first, never a
500: no question, a question over the engine's length, text that was not valid UTF-8 or holds
control characters, a parameter given twice, a language other than zh or en, a context that is
not JSON or not shaped as the one an answer returns (`slots_of` in gkreport/ask/engine.py: each
slot of its type, years between 1900 and 2100).
"""

from __future__ import annotations

import json
import unicodedata

from gkreport.ask.text import MAX_CHARS

LANGS = {"zh", "en"}
MAX_CONTEXT = 4000  # characters of the context JSON: an answer's is a few hundred


class BadInput(ValueError):
    def __init__(self, zh: str, en: str, status: str = "invalid"):
        super().__init__(zh)
        self.zh, self.en, self.status = zh, en, status

    def as_json(self, question: str = "") -> dict:
        return {"question": question, "status": self.status, "answer": self.zh, "error": f"{self.zh} {self.en}",
                "intent": None, "slots": {}, "sql": None, "params": {}, "columns": [], "rows": [], "links": [],
                "context": None}


def _single(args, name: str) -> str | None:
    values = args.getlist(name)
    if len(values) > 1:
        raise BadInput(f"参数 {name} 只能给一次。", f"Give {name} only once.")
    return values[0] if values else None


def _text(value: str, what_zh: str, what_en: str) -> str:
    if "\ufffd" in value:
        raise BadInput(f"{what_zh}不是有效的 UTF-8 文字（网址编码有误）。", f"The {what_en} is not valid UTF-8.")
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in value):
        raise BadInput(f"{what_zh}含有控制字符。", f"The {what_en} holds control characters.")
    return value


def question(args) -> str:
    q = _single(args, "q")
    if q is None or not q.strip():
        raise BadInput("缺少问题：用 ?q=… 提问，例如 ?q=2021年哪些单位被提起行政诉讼。",
                       "No question: ask with ?q=…")
    if len(q.strip()) > MAX_CHARS:
        raise BadInput(f"问题太长了（超过 {MAX_CHARS} 个字）。请把问题缩短成一句话再问。",
                       f"The question is over {MAX_CHARS} characters.", status="refused")
    return _text(q, "问题", "question")


def language(args) -> str | None:
    lang = _single(args, "lang")
    if lang in (None, ""):
        return None
    if lang not in LANGS:
        raise BadInput("参数 lang 只能是 zh 或 en。", "lang must be zh or en.")
    return lang


def min_base(args) -> int | None:
    raw = _single(args, "min_base")
    if raw in (None, ""):
        return None
    if not raw.isdigit() or int(raw) > 10 ** 9:
        raise BadInput("参数 min_base 应是一个非负整数（按比率排名时分母的最小值）。",
                       "min_base must be a whole number (the smallest denominator a ranking by a rate counts).")
    return int(raw)


def _is_str(v) -> bool:
    return isinstance(v, str)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_year(v) -> bool:
    return v is None or (_is_int(v) and 1900 <= v <= 2100)


def _strings(v) -> bool:
    return isinstance(v, list) and all(map(_is_str, v))


def _regions(v) -> bool:
    keys = {"level", "province", "city", "county"}
    return isinstance(v, list) and all(
        isinstance(r, dict) and set(r) == keys and _is_str(r["level"]) and _is_str(r["province"])
        and all(r[k] is None or _is_str(r[k]) for k in ("city", "county")) for r in v)


def _years(v) -> bool:
    return (isinstance(v, dict) and set(v) <= {"values", "start", "end"}
            and isinstance(v.get("values", []), list) and all(_is_year(y) and y is not None for y in v.get("values", []))
            and _is_year(v.get("start")) and _is_year(v.get("end")))


SLOTS = {
    "measure": _is_str, "row_keys": _strings, "item_measures": _strings, "base": _is_str, "applicant": _is_str,
    "outcome": _is_str, "level": _is_str, "section": lambda v: _is_int(v) and 0 <= v <= 20, "terms": _is_str,
    "agency_ids": _strings, "agencies": _strings, "regions": _regions, "years": _years, "cues": _strings,
    "order": lambda v: v in ("asc", "desc"), "limit": lambda v: _is_int(v) and 1 <= v <= 1000,
    "rate": _is_str, "min_base": lambda v: _is_int(v) and v >= 0, "limit_asked": lambda v: _is_int(v) and 1 <= v <= 1000,
    "fields": _strings, "candidates": _strings, "answer_agency_ids": _strings,
    "filters": lambda v: isinstance(v, dict) and all(_is_str(k) and (_is_str(x) or _is_int(x)) for k, x in v.items()),
}


def context(args) -> dict | None:
    raw = _single(args, "context")
    if raw in (None, ""):
        return None
    if len(raw) > MAX_CONTEXT:
        raise BadInput(f"context 太长（超过 {MAX_CONTEXT} 个字符）：请原样传回上一个回答的 context。",
                       "context is too long: pass back the previous answer's context as it was.")
    _text(raw, "context ", "context")
    try:
        ctx = json.loads(raw)
    except ValueError:
        raise BadInput("context 不是有效的 JSON：请原样传回上一个回答的 context。",
                       "context is not valid JSON: pass back the previous answer's context as it was.") from None
    if not isinstance(ctx, dict):
        raise BadInput("context 应是一个 JSON 对象（{…}），即上一个回答的 context。",
                       "context must be a JSON object: the previous answer's context.")
    slots = ctx.get("slots") if "slots" in ctx else {k: v for k, v in ctx.items() if k != "intent"}
    if not isinstance(slots, dict) or not (ctx.get("intent") is None or _is_str(ctx.get("intent"))):
        raise BadInput("context 的格式不对：intent 应是文字，slots 应是对象。",
                       "context is malformed: intent must be a string and slots an object.")
    wrong = sorted(k for k, ok in SLOTS.items() if k in slots and slots[k] is not None and not ok(slots[k]))
    if wrong:
        raise BadInput(f"context 中这些项的类型或取值不对：{'、'.join(wrong)}。", f"context has wrong values for: {', '.join(wrong)}.")
    return ctx
