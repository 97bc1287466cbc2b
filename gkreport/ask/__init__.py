"""Ask a question of the database, in Chinese or English; get a sentence, the table behind it, the SQL.

    from gkreport.ask import ask
    ask("上犹县政府办历年收到多少申请？", "gkreport.db")

The offline engine (no model, no network) reads the question against a catalogue
of question types kept as data (catalogue.yaml), the report format's terms
(gkreport/template.py + lexicon.yaml) and the names in the database; an optional
language model (gkreport/ask/model.py) can choose the type and slots when the
engine does not understand.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import urlencode

from . import answer as A
from . import rates as R
from .engine import (Understanding, build, catalogue, choose, language, slots_of, too_long, type_by_id,
                     understand)
from .entities import Index, qualified_name
from .indexes import index_for
from .text import MAX_CHARS

__all__ = ["ask", "Asker", "answer_question", "index_for", "examples", "featured_examples"]

TIME_LIMIT_S = 5.0

MESSAGES = {
    "too_long": {"zh": f"问题太长了（超过 {MAX_CHARS} 个字）。请把问题缩短成一句话再问。",
                 "en": f"That question is too long (over {MAX_CHARS} characters). Please ask it in one short sentence."},
    "not_understood": {"zh": "抱歉，我没有看懂这个问题。", "en": "Sorry, I did not understand that question."},
    "recognized": {"zh": "我认出了：{items}。", "en": "I recognized: {items}."},
    "nothing": {"zh": "没有认出任何单位、地区、年份或报告中的术语。",
                "en": "I recognized no agency, region, year or term of the reports."},
    "try": {"zh": "可以试试这样问：", "en": "You could ask:"},
    "clarify": {"zh": "「{text}」对应{n}个{what}，您指的是哪一个？", "en": "“{text}” matches {n} {what_en}; which one do you mean?"},
    "timeout": {"zh": "查询超时，请把问题限定到某一年或某个地区再试。",
                "en": "The query took too long; please narrow the question to a year or a region."},
    "empty": {"zh": "请输入一个问题。", "en": "Please type a question."},
    "not_found": {"zh": "数据库中没有“{name}”的报告，不能用别的单位的数字回答。",
                  "en": "The database has no report from “{name}”; no other body's figures are given instead."},
    "closest": {"zh": "数据库中相近的名称：{names}。", "en": "Names in the database that come close: {names}."},
    "unanswerable": {
        "why": {"zh": "年报只公布数字和做法，不解释原因：数据库里没有“为什么”的答案。",
                "en": "The reports give figures and say what was done; they do not explain why, so the database cannot answer this."},
        "future": {"zh": "年报只记录已经过去的年度（数据库中最新的是{newest}年），不做预测。",
                   "en": "The reports record years gone by (the newest in the database is {newest}); they make no forecasts."},
        "opinion": {"zh": "年报只有统计数字和各单位对自己工作的叙述，没有评价或满意度：数据库不能判断哪个做得好。",
                    "en": "The reports hold figures and each body's own account of its work, no ratings or satisfaction: "
                          "the database cannot judge who does well."},
        "not_held": {"zh": "年报里没有这项数据：报告只有主动公开、依申请公开、复议诉讼三张统计表和正文。",
                     "en": "The reports do not hold this: they have three tables (proactive disclosure, requests, "
                           "reviews and lawsuits) and their prose."},
        "outside": {"zh": "数据库里没有能回答这个问题的数据，或者我没有看懂这个问题。",
                    "en": "The database holds nothing that answers this, or I did not understand the question."},
    },
    "passages": {"zh": "报告正文中提到相关内容的段落见下。", "en": "Passages of the reports on the matter are below."},
    "deictic": {"zh": "我不知道「{text}」是哪里：请写出它的名称（如“上杭县”）再问。",
                "en": "I do not know which place “{text}” is: please name it (e.g. Shanghang County) and ask again."},
    "untranslated": {"zh": "年报是中文写的，我不知道「{terms}」在报告里的中文说法，所以没有去查。请用中文词语再问（如“哪些报告提到公共资源交易”）。",
                     "en": "The reports are written in Chinese and I do not know the Chinese words for “{terms}”, so I did not "
                           "search for them. Please ask with the Chinese words (e.g. 哪些报告提到公共资源交易)."},
    "no_report_id": {"zh": "数据库中没有编号为 {id} 的报告。", "en": "The database has no report with the id {id}."},
    "several": {"zh": "这个问题包含{n}问，逐一回答：", "en": "This asks {n} things; each is answered in turn:"},
}
RECOGNIZED_LABELS = {
    "measure": ("统计项", "figure"), "applicant": ("申请人", "applicant"), "outcome": ("结果", "outcome"),
    "agencies": ("单位", "agency"), "regions": ("地区", "region"), "years": ("年份", "years"),
    "level": ("层级", "level"), "terms": ("搜索词", "search words"), "corrections": ("纠正", "corrected"),
    "cues": ("提问方式", "question words"),
}


def connect(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to a database file."""
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, check_same_thread=False)
    return conn


def run_sql(conn: sqlite3.Connection, sql: str, params: dict, limit_s: float = TIME_LIMIT_S,
            max_rows: int = 1000) -> tuple[list[str], list[dict]]:
    deadline = time.monotonic() + limit_s
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10000)
    try:
        cur = conn.execute(sql, params)
        columns = [d[0] for d in cur.description or ()]
        rows = [dict(zip(columns, r)) for r in cur.fetchmany(max_rows)]
    finally:
        conn.set_progress_handler(None, 0)
    return columns, rows


def datasette_link(sql: str, params: dict, db_name: str, base: str = "/") -> str:
    query = {"sql": sql}
    query.update({k: ("" if v is None else v) for k, v in params.items()})
    return f"{base}{db_name}?{urlencode(query)}"


# ---------------------------------------------------------------------------
# Examples that work on this database


def _example_values(idx: Index) -> dict[str, str]:
    """Names for the example questions, from the database: its busiest agency, its newest year …"""
    from collections import Counter

    agency = next(iter(idx.agencies.values()), None)
    names = [a for a in idx.agencies.values() if a.kind == "general_office"] or list(idx.agencies.values())
    provinces = Counter(a.province for a in idx.agencies.values() if a.province)
    values = {"year": str(idx.newest or 2021), "oldest": str(idx.oldest or 2020), "agency": (names[0] if names else agency).name if agency else "",
              "agency2": names[1].name if len(names) > 1 else "", "province": "", "province2": ""}
    common = [p for p, _ in provinces.most_common(2)]
    if common:
        values["province"] = common[0]
    if len(common) > 1:
        values["province2"] = common[1]
    return values


def examples(idx: Index, lang: str = "zh") -> list[dict]:
    """Each question type's example questions, with names of this database filled in."""
    values = _example_values(idx)
    out = []
    for t in catalogue()["types"]:
        for q in (t.get("examples") or {}).get(lang, []):
            try:
                text = q.format(**values)
            except KeyError:
                continue
            if "{" in text or ("{agency2}" in q and not values["agency2"]) or ("{province2}" in q and not values["province2"]):
                continue
            out.append({"question": text, "type": t["id"], "title": t["title"][lang]})
    return out


FEATURED = ("agencies_with", "series", "rate_value", "rank_provinces", "compare_regions", "mention_search",
            "rate_rank_agencies", "breakdown_reasons", "rank_agencies", "report_field", "agency_list", "compare_years",
            "checks_reports")


def featured_examples(idx: Index, lang: str = "zh", n: int = 6) -> list[dict]:
    """A varied handful of working examples, for the home page and the top of /-/ask."""
    every = examples(idx, lang)
    first = [next((e for e in every if e["type"] == t), None) for t in FEATURED]
    chosen = [e for e in first if e]
    return (chosen + [e for e in every if e not in chosen])[:n]


def _close_examples(u: Understanding, idx: Index, lang: str, n: int = 3) -> list[str]:
    def grams(s: str) -> set[str]:
        s = re.sub(r"\s+", "", s.lower())
        return {s[i:i + 2] for i in range(len(s) - 1)}

    q = grams(u.text)
    scored = []
    for k, ex in enumerate(examples(idx, lang)):
        t = type_by_id(ex["type"])
        wants = set(t.get("when", {}).get("all", ())) | set(t.get("when", {}).get("any", ()))
        score = len(q & grams(ex["question"])) / (len(q | grams(ex["question"])) or 1) + 0.2 * len(wants & u.features)
        scored.append((-score, k, ex["question"]))
    seen, out = set(), []
    for _, _, question in sorted(scored):
        if question not in seen:
            seen.add(question)
            out.append(question)
        if len(out) == n:
            break
    return out


def _recognized_text(rec: dict, lang: str) -> str:
    k = 0 if lang == "zh" else 1
    items = []
    for key, value in rec.items():
        label = RECOGNIZED_LABELS.get(key, (key, key))[k]
        if isinstance(value, list):
            value = "、".join(v if isinstance(v, str) else "/".join(map(str, v)) if isinstance(v, list) else str(v)
                             for v in value)
        items.append(f"{label}：{value}" if lang == "zh" else f"{label}: {value}")
    return ("；" if lang == "zh" else "; ").join(items)


# ---------------------------------------------------------------------------
# The answer


def _base(question: str, lang: str) -> dict:
    return {"question": question, "lang": lang, "status": None, "intent": None, "intent_title": None, "slots": {},
            "recognized": {}, "sql": None, "params": {}, "columns": [], "rows": [], "answer": "", "links": [],
            "choices": [], "examples": [], "search_hits": [], "source": "engine", "context": None, "column_labels": {},
            "missing": None, "parts": [], "rate": None}


def not_understood(out: dict, u: Understanding, idx: Index, conn, db_name: str, lang: str) -> dict:
    from .passages import find

    rec = u.recognized(idx)
    out.update(status="not_understood", recognized=rec)
    parts = [MESSAGES["not_understood"][lang],
             MESSAGES["recognized"][lang].format(items=_recognized_text(rec, lang)) if rec else MESSAGES["nothing"][lang],
             MESSAGES["try"][lang]]
    out["examples"] = _close_examples(u, idx, lang)
    out["answer"] = "".join(parts) if lang == "zh" else " ".join(parts)
    out["search_hits"] = find(conn, u, db_name)
    return out


def _clarify(out: dict, u: Understanding, idx: Index, lang: str) -> dict | None:
    for mentions, what in ((u.agencies, ("单位", "agencies")), (u.regions, ("地区", "regions"))):
        for mention in mentions:
            if len(mention) < 2:
                continue
            text = u.mention_text.get(id(mention), "")
            names = ([qualified_name(idx.agencies[a]) for a in mention] if what[0] == "单位"
                     else [r.full for r in mention])
            names = sorted(dict.fromkeys(names))
            q = normalize_question(u.question)
            out.update(status="clarify", recognized=u.recognized(idx))
            out["answer"] = MESSAGES["clarify"][lang].format(text=text, n=len(names), what=what[0], what_en=what[1])
            out["choices"] = [{"label": name, "question": q.replace(text, name, 1) if text and text in q else
                               f"{name} {q}"} for name in names]
            if what[0] == "单位":
                u.candidates = list(mention)
            rest = [m for m in u.agencies if m is not mention]
            u.agencies = rest
            out["context"] = {"intent": "clarify", "slots": slots_of(u, idx)}
            return out
    return None


def not_found(out: dict, u: Understanding, idx: Index, lang: str) -> dict:
    """A name that reads as a body or a place and matches nothing: said so, with the closest names."""
    from .names import closest

    unknown = u.unknown[0]
    names = closest(u.text, unknown, idx)
    q = normalize_question(u.question)
    out.update(status="not_found", recognized=u.recognized(idx), missing="agency" if unknown.kind != "place" else "region")
    text = MESSAGES["not_found"][lang].format(name=unknown.text)
    if names:
        text += ("" if lang == "zh" else " ") + MESSAGES["closest"][lang].format(names="、".join(names) if lang == "zh"
                                                                                  else ", ".join(names))
    out["answer"] = text
    out["choices"] = [{"label": n, "question": q.replace(unknown.text, n, 1) if unknown.text in q else f"{n} {q}"}
                      for n in names]
    u.unknown = []
    out["context"] = {"intent": "not_found", "slots": slots_of(u, idx)}
    return out


def unanswerable(out: dict, u: Understanding, idx: Index, conn, db_name: str, lang: str) -> dict:
    """A question the reports cannot answer: what they hold instead, and the passages on its matter."""
    from .passages import find

    from .lexicon import lexicon

    reason, _, dimension = (u.unanswerable[0] if u.unanswerable else "outside").partition(".")
    rec = u.recognized(idx)
    out.update(status="unanswerable", recognized=rec, reason=reason)
    if dimension:  # a dimension the reports do not hold (sex, channel, what requests were about …): named
        out["dimension"] = dimension
        text = lexicon().not_held[dimension][lang]
    else:
        text = MESSAGES["unanswerable"][reason][lang].format(newest=idx.newest)
    if reason == "outside" and rec:
        text += ("" if lang == "zh" else " ") + MESSAGES["recognized"][lang].format(items=_recognized_text(rec, lang))
    out["search_hits"] = find(conn, u, db_name)
    if out["search_hits"]:
        text += ("" if lang == "zh" else " ") + MESSAGES["passages"][lang]
    if reason == "outside":
        out["examples"] = _close_examples(u, idx, lang)
        text += ("" if lang == "zh" else " ") + MESSAGES["try"][lang]
    out["answer"] = text
    out["context"] = {"intent": "unanswerable", "slots": slots_of(u, idx)}
    return out


def normalize_question(q: str) -> str:
    from .text import normalize

    text = normalize(q)
    return text if language(q) == "en" else text.replace(" ", "")


def answer_question(question: str, conn: sqlite3.Connection, idx: Index, *, context: dict | None = None,
                    db_name: str = "gkreport", lang: str | None = None, base_url: str = "/",
                    model: Optional[Callable] = None, min_base: int | None = None) -> dict:
    """The whole answer to one question, as a JSON-ready dict (see README: /-/ask.json)."""
    from .clauses import plan

    question = (question or "").strip()
    lang = lang or language(question)
    out = _base(question, lang)
    if not question:
        out.update(status="not_understood", answer=MESSAGES["empty"][lang], examples=[
            e["question"] for e in examples(idx, lang)[:3]])
        return out
    if too_long(question):
        out.update(status="refused", answer=MESSAGES["too_long"][lang])
        return out
    parts = plan(question, idx, context)
    for u in parts:  # the smallest denominator a ranking by a rate counts: the question's own, else the caller's
        if u.min_base is None and min_base is not None:
            u.min_base = min_base
    if len(parts) > 1:
        return several(out, parts, conn, idx, db_name=db_name, base_url=base_url, lang=lang, model=model)
    return answer_one(out, parts[0], conn, idx, db_name=db_name, base_url=base_url, lang=lang, model=model)


def several(out: dict, parts: list[Understanding], conn, idx: Index, *, db_name: str, base_url: str, lang: str,
            model) -> dict:
    answers, kept, seen = [], [], set()
    for u in parts:
        a = answer_one(_base(u.question, lang), u, conn, idx, db_name=db_name, base_url=base_url, lang=lang,
                       model=model)
        key = (a["sql"], json.dumps(a["params"], sort_keys=True, default=str)) if a["sql"] else None
        if key is not None and key in seen:
            continue  # which years, and how many reports each year: one table answers both
        seen.add(key)
        answers.append(a)
        kept.append(u)
    if any(a["status"] == "not_found" for a in answers):
        # 郑州市二七区的年报有吗，收到多少申请: the second part names no body of its own and would be
        # answered for every body; it is about the one not in the database, so it goes with it
        pairs = [(a, u) for a, u in zip(answers, kept) if a["status"] == "not_found" or u.agencies or u.regions]
        answers, kept = [a for a, _ in pairs], [u for _, u in pairs]
    if len(answers) == 1:
        answers[0]["question"] = out["question"]
        return answers[0]
    parts = kept
    for a in answers:
        a.pop("context", None)
    statuses = [a["status"] for a in answers]
    out["status"] = "answered" if "answered" in statuses else statuses[0]
    out["parts"] = answers
    out["intent"] = "several"
    out["intent_title"] = "多个问题" if lang == "zh" else "Several questions"
    head = MESSAGES["several"][lang].format(n=len(answers))
    sep = "" if lang == "zh" else " "
    out["answer"] = head + sep + sep.join(f"（{k + 1}）{a['answer']}" if lang == "zh" else f"({k + 1}) {a['answer']}"
                                          for k, a in enumerate(answers))
    out["links"] = [l for a in answers for l in a["links"]]
    out["context"] = {"intent": answers[-1]["intent"], "slots": slots_of(parts[-1], idx)}
    return out


def answer_one(out: dict, u: Understanding, conn, idx: Index, *, db_name: str, base_url: str, lang: str,
               model) -> dict:
    if u.unanswerable:
        return unanswerable(out, u, idx, conn, db_name, lang)
    if u.unknown:
        return not_found(out, u, idx, lang)
    if u.report_id and not _one_report(u, conn, idx):
        out.update(status="not_found", recognized=u.recognized(idx), missing="report",
                   answer=MESSAGES["no_report_id"][lang].format(id=u.report_id))
        return out
    if u.deictic and not u.has_scope:  # 我们县: which one is not said; never guessed, never everybody
        out.update(status="not_understood", recognized=u.recognized(idx), missing="region",
                   answer=MESSAGES["deictic"][lang].format(text=u.deictic), examples=_close_examples(u, idx, lang))
        return out
    if _clarify(out, u, idx, lang):
        return out
    t = choose(u)
    if t is not None and t.get("weak") and (u.topics or any(re.match(r"[\u3400-\u9fff]", w) for w in u.leftover)
                                            or (u.lang == "en" and u.leftover and u.agencies)):
        t = None  # 上犹县政府办的营商环境怎么样: the words that matter were not understood
    if t is not None and u.agencies and not {"agency", "agencies"} & set(t.get("scope", ())):
        # a body was named, and the reading found would not filter by it: its rows would be other
        # bodies' figures under the question's name (What did the Changsha County office receive?)
        t = None
    if t is None and model is not None:
        return model(question=u.question, understanding=u, out=out, conn=conn, idx=idx, db_name=db_name,
                     base_url=base_url, lang=lang)
    if t is None:
        if u.has_scope or u.years or u.filters:
            # 长沙县政府办2021年…: whatever was asked, no report is there to answer it — said as such
            from .nodata import no_report

            scope = A.Vars("", [], slots_of(u, idx), u, lang).v_scope(lang).removeprefix(" for ")
            found = no_report(u, conn, scope, lang)
            if found:
                out.update(status="no_data", missing=found[0], answer=found[1], recognized=u.recognized(idx),
                           context={"intent": "no_data", "slots": slots_of(u, idx)})
                return out
        if _about_the_reports(u):
            return unanswerable(out, u, idx, conn, db_name, lang)
        return not_understood(out, u, idx, conn, db_name, lang)
    return execute(t, u, out, conn, idx, db_name=db_name, base_url=base_url, lang=lang)


def _one_report(u: Understanding, conn, idx: Index) -> bool:
    """A report named by its id: the question is about its agency and year (False when no report has that id)."""
    from .engine import features
    from .text import Years

    row = conn.execute("select agency_id, year from reports where id = ?", [u.report_id]).fetchone()
    if row is None:
        return False
    u.agencies, u.regions = [[row[0]]], []
    u.years = Years(values=[row[1]])
    u.features = features(u, idx)
    return True


def _about_the_reports(u: Understanding) -> bool:
    """The question names something of the reports (a body, a place, a year, a figure, a topic): when it is
    not answered, it asks what the reports do not hold, rather than something beside them (你好)."""
    return bool(u.agencies or u.regions or u.years or u.measure or u.rate or u.fields or u.topics or u.terms
                or u.level or u.filters or u.cues & {"reports", "database", "checks", "applicants", "template"})


def _untranslated(terms: str | None) -> bool:
    """Words to search for written in English letters only, none with a digit (IPv6 is written so in the reports)."""
    return bool(terms) and not re.search(r"[\u3400-\u9fff\d]", terms)


def execute(t: dict, u: Understanding, out: dict, conn, idx: Index, *, db_name: str, base_url: str, lang: str) -> dict:
    from .nodata import diagnose

    q = build(t, u, idx)
    out.update(intent=t["id"], intent_title=t["title"][lang], slots=q.slots, recognized=u.recognized(idx),
               sql=q.sql, params=q.params)
    try:
        columns, rows = run_sql(conn, q.sql, q.params)
        left_out = run_sql(conn, q.left_out, q.params)[1][0]["left_out"] if q.left_out else None
        if not rows and "match" in q.params and " " not in (u.terms or ""):
            from .passages import words_in

            # 优化营商环境 in no report as written: the topics it holds (营商环境), else its words, each anywhere in a passage
            words = list(dict.fromkeys(k.value for k in idx.scan(u.terms) if k.kind == "topic" and k.value != u.terms)) \
                or words_in(conn, u.terms)
            if words:
                u.split_terms, u.terms = u.terms, " ".join(words)
                return execute(t, u, out, conn, idx, db_name=db_name, base_url=base_url, lang=lang)
    except sqlite3.OperationalError as e:
        if "interrupted" not in str(e):
            raise
        out.update(status="timeout", answer=MESSAGES["timeout"][lang])
        return out
    if t["id"] == "mention_search" and not rows and _untranslated(u.terms):
        # public resource trading: the reports are in Chinese, and these words are not known in Chinese;
        # "no report mentions it" would be said of words nobody looked for
        out.update(status="not_understood", sql=None, params={}, links=[], answer=MESSAGES["untranslated"][lang].format(
            terms=u.terms), examples=_close_examples(u, idx, lang))
        return out
    if t["id"] == "mention_search":
        from .. import search

        for r in rows:
            r["snippet"] = search.snippet(r.pop("body", None), u.terms)
        columns = [c for c in columns if c != "body"] + ["snippet"]
    if q.ratio is not None:
        out["rate"] = q.ratio.describe(lang)
        if "min_base" in q.params and "left_out" not in (t.get("no_base") or ()):
            out["rate"].update(min_base=q.params["min_base"], left_out=left_out)
        for r in rows:
            ci = R.wilson(r.get("numerator"), r.get("denominator"))
            r["ci95_low"], r["ci95_high"] = ci if ci else (None, None)
        columns = columns + ["ci95_low", "ci95_high"]
    out["links"] = [{"label": "在 Datasette 中打开这个查询" if lang == "zh" else "Open this query in Datasette",
                     "href": datasette_link(q.sql, q.params, db_name, base_url)}]
    out["context"] = {"intent": t["id"], "slots": q.slots}
    answered = {r["agency"] for r in rows if r.get("agency")}
    if len(answered) == 1 and not q.slots.get("agency_ids"):  # a follow-up's 它, its: the body found
        ids = idx.ids_named(next(iter(answered)))
        if len(ids) == 1:
            out["context"]["slots"] = dict(q.slots, answer_agency_ids=ids)
    if A.empty(rows, t):
        scope = A.Vars(t["id"], rows, q.slots, u, lang, ratio=q.ratio, left_out=left_out).v_scope("zh" if lang == "zh" else "en")
        missing, text = diagnose(u, conn, scope.removeprefix(" for "), lang)
        if not (missing == "measure" and A.list_type(t)):
            out.update(status="no_data", missing=missing, answer=text, columns=[], rows=[])
            return out
    text = A.sentence(t, rows, q.slots, u, lang, ratio=q.ratio, left_out=left_out)
    out.update(columns=columns, rows=rows, status="answered", answer=text[:1].upper() + text[1:],
               column_labels={c: A.column_label(c, lang) for c in columns})
    return out


class Asker:
    """Questions against one database file, its names index built once."""

    def __init__(self, db_path: str | Path, db_name: str | None = None, model: Optional[Callable] = None):
        self.path = Path(db_path)
        self.db_name = db_name or self.path.stem
        self.conn = connect(self.path)
        self.index = index_for(self.conn)
        self.model = model

    def __call__(self, question: str, context: dict | None = None, **kw) -> dict:
        return answer_question(question, self.conn, self.index, context=context, db_name=self.db_name,
                               model=self.model, **kw)

    def close(self) -> None:
        self.conn.close()


def ask(question: str, db_path: str | Path = "gkreport.db", context: dict | None = None, **kw) -> dict:
    asker = Asker(db_path)
    try:
        return asker(question, context, **kw)
    finally:
        asker.close()
