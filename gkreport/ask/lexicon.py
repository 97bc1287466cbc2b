"""The report's terms, as a question uses them: taken from the template, with lexicon.yaml's synonyms.

Every figure a question can ask about is a `Measure`: which table holds it
(`request_stats`, `appeal_stats`, `active_disclosure`), which rows, and what
Chinese and English words name it. The Chinese labels and the literal words of
the template's anchors come from gkreport/template.py, so a label added there is
a word the question box knows; lexicon.yaml adds synonyms and English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import template as T
from .. import yamlfile

HERE = Path(__file__).resolve().parent
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|\d+[.、])\s*")
_LITERAL = re.compile(r"^[\u3400-\u9fff“”\"]+$")


def bare_label(label: str) -> str:
    """一、本年新收政府信息公开申请数量 → 本年新收政府信息公开申请数量; 1.属于国家秘密 → 属于国家秘密."""
    label = _NUMBERING.sub("", label)
    return re.sub(r"（[^）]*）$", "", label).strip()


@dataclass(frozen=True)
class Measure:
    """A figure a question can ask about."""

    key: str
    family: str  # request / appeal / active
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    row_keys: tuple[str, ...] = ()  # request: rows (one, or a category's)
    category: str | None = None  # request: a category of request_rows
    proceedings: tuple[str, ...] = ()  # appeal
    item: str | None = None  # active
    measures: tuple[str, ...] = ()  # active
    generic: bool = False  # "申请": yields to any more precise word
    specificity: int = 1


@dataclass
class Lexicon:
    measures: dict[str, Measure] = field(default_factory=dict)
    # words → what they stand for: ("measure", key), ("applicant", col), ("outcome", col),
    # ("active_measure", key), ("section", no), ("level", key), ("cue", name)
    zh: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    en: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    applicant_labels: dict[str, str] = field(default_factory=dict)
    outcome_labels: dict[str, str] = field(default_factory=dict)
    active_measure_also: dict[str, tuple[str, ...]] = field(default_factory=dict)
    item_defaults: dict[str, tuple[str, ...]] = field(default_factory=dict)
    report_fields: set[str] = field(default_factory=set)  # columns of reports a question may ask for
    not_held: dict[str, dict[str, str]] = field(default_factory=dict)  # dimension → what the reports hold instead

    def add(self, lang: str, word: str, meaning: tuple[str, str]) -> None:
        word = word.strip().lower()
        if not word:
            return
        table = self.zh if lang == "zh" else self.en
        meanings = table.setdefault(word, [])
        if meaning not in meanings:
            meanings.append(meaning)


def _request_name(r) -> str:
    label = bare_label(r.label).removesuffix("数量")
    if r.category in ("denied", "unable", "rejected", "other") and r.group and r.key != "other_handling":
        return f"{bare_label(r.group)}（{label}）的申请"
    return f"{label}的申请"


def _template_words(anchors: tuple[str, ...]) -> list[str]:
    return [a.strip("^$") for a in anchors if _LITERAL.match(a.strip("^$"))]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = yamlfile.load((HERE / "lexicon.yaml").read_text(encoding="utf-8"))
    lex = Lexicon()

    def words(key: str, extra: dict, derived: list[str], meaning: tuple[str, str]) -> None:
        drop = set(extra.get("drop", ()))
        for w in derived + list(extra.get("zh", ())):
            if w not in drop and len(w) >= 2:
                lex.add("zh", w, meaning)
        for w in extra.get("en", ()):
            lex.add("en", w, meaning)

    # table 3: each row, and the categories that group them
    rows = data["request_rows"]
    for r in T.REQUEST_ROWS:
        extra = rows.get(r.key, {})
        label = bare_label(r.label)
        name = extra.get("name_zh") or _request_name(r)
        lex.measures[r.key] = Measure(r.key, "request", name, extra.get("name_en", r.key.replace("_", " ")),
                                      "件", "requests", row_keys=(r.key,), specificity=3)
        derived = [] if r.key in T.OTHER_SUBROWS and r.key == "other_other" else [label]
        words(r.key, extra, derived + ([] if r.weak else _template_words(r.anchors)), ("measure", r.key))
    for category, extra in data["request_categories"].items():
        group = next(bare_label(r.group) for r in T.REQUEST_ROWS if r.category == category)
        keys = tuple(r.key for r in T.REQUEST_ROWS if r.category == category)
        lex.measures[category] = Measure(category, "request", f"{group}的申请", extra["name_en"], "件", "requests",
                                         row_keys=keys, category=category, specificity=2)
        words(category, extra, [group], ("measure", category))
    for key, extra in data["request_sets"].items():
        lex.measures[key] = Measure(key, "request", extra["name_zh"], extra["name_en"], "件", "requests",
                                    row_keys=tuple(extra["rows"]), specificity=2)
        words(key, extra, [], ("measure", key))
    lex.measures["requests"] = Measure("requests", "request", "收到的政府信息公开申请", "requests received", "件",
                                       "requests", row_keys=("new_received",), generic=True, specificity=0)
    words("requests", data["request_generic"], [], ("measure", "requests"))
    for key, label in T.APPLICANT_COLUMNS:
        extra = data["applicants"].get(key, {})
        lex.applicant_labels[key] = label
        words(key, extra, [label] if key not in ("other_org", "total") else [], ("applicant", key))
    extra = data["applicants"]["organizations"]
    lex.applicant_labels["organizations"] = extra["label"]
    words("organizations", extra, [], ("applicant", "organizations"))

    # table 4
    procs = data["proceedings"]
    for key, label in T.PROCEEDINGS:
        extra = procs.get(key, {})
        short = label.split("·")[-1]
        lex.measures[key] = Measure(key, "appeal", label.replace("·", "（") + ("）" if "·" in label else ""),
                                    extra.get("name_en", key), "件", "cases", proceedings=(key,), specificity=3)
        words(key, extra, [short] if short != label or key == "review" else [label], ("measure", key))
    lit = tuple(k for k, _ in T.PROCEEDINGS if k.startswith("litigation"))
    extra = procs["litigation"]
    lex.measures["litigation"] = Measure("litigation", "appeal", extra["label"], extra["name_en"], "件", "cases",
                                         proceedings=lit, specificity=2)
    words("litigation", extra, [], ("measure", "litigation"))
    lex.measures["appeals"] = Measure("appeals", "appeal", "行政复议和行政诉讼", "reviews and lawsuits", "件", "cases",
                                      proceedings=tuple(k for k, _ in T.PROCEEDINGS), specificity=1)
    for key, label in T.OUTCOMES:
        lex.outcome_labels[key] = label
        if key != "total":
            words(key, data["outcomes"].get(key, {}), [label], ("outcome", key))

    # table 2
    for item in T.ACTIVE_ITEMS:
        extra = data["active_items"].get(item.key, {})
        default = tuple(extra.get("default", ()))
        lex.item_defaults[item.key] = default
        unit = "万元" if "amount_10k_yuan" in default else "元" if "amount_yuan" in default else "件"
        unit_en = "10k yuan" if unit == "万元" else "yuan" if unit == "元" else "items"
        lex.measures[item.key] = Measure(item.key, "active", item.label, extra.get("name_en", item.key), unit, unit_en,
                                         item=item.key, measures=default, specificity=3)
        words(item.key, extra, [item.label] + _template_words(item.anchors), ("measure", item.key))
    for m in T.ACTIVE_MEASURES:
        extra = data["active_measures"].get(m.key, {})
        lex.active_measure_also[m.key] = (m.key, *extra.get("also", ()))
        words(m.key, extra, [m.label.split("（")[0]], ("active_measure", m.key))

    for no, extra in data["sections"].items():
        heading = next(bare_label(s.heading) for s in T.SECTIONS if s.no == int(no))
        words(str(no), extra, [heading], ("section", str(no)))
    for level, extra in data["levels"].items():
        words(level, extra, [], ("level", level))
    # names, fields and filters: (kind, value) words the engine reads beside the measures
    for zh_name, en_words in data["departments"].items():
        for w in en_words:
            lex.add("en", w, ("body", zh_name))
    for family, extra in data["unanswerable"].items():
        if family == "not_held":  # a dimension the reports do not hold: not_held.sex, not_held.channel …
            for dimension, dim in extra.items():
                words(dimension, dim, [], ("unanswerable", f"not_held.{dimension}"))
                lex.not_held[dimension] = dim["says"]
        else:
            words(family, extra, [], ("unanswerable", family))
    words("filler", data["filler"], [], ("filler", None))
    for rule, extra in data["check_rules"].items():
        words(rule, extra, [], ("check_rule", rule))
    for term, extra in data["topics"].items():
        words(term, extra, [], ("topic", term))
    for column, extra in data["report_fields"].items():
        lex.report_fields.add(column)
        words(column, extra, [], ("field", column))
    for key, extra in data["report_filters"].items():
        words(key, extra, [], ("filter", key))
    for kind, extra in data["kinds"].items():
        words(kind, extra, [], ("kind", kind))
    from .rates import words as rate_words

    for lang, w, rate_id in rate_words():
        lex.add(lang, w, ("rate", rate_id))
    for cue, extra in data["cues"].items():
        words(cue, extra, [], ("cue", cue))
        for w in extra.get("zh", ()):
            if len(w) == 1:  # one-character cues (比, 占, 率, 呢) are cues only, never terms
                lex.add("zh", w, ("cue", cue))
    return lex


def active_measure_name(lex: Lexicon, key: str) -> str:
    return next((m.label for m in T.ACTIVE_MEASURES if m.key == key), key)
