"""The optional language-model backend, through the `llm` library: never needed, off by default.

When the offline engine does not understand a question and a model is configured,
the model is shown the catalogue (question types, their slots, the allowed values)
and asked for JSON: {"intent": "...", "slots": {...}}. Its JSON is checked like a
user's input: the type must exist, each slot value must be one the database or the
lexicon knows (an agency name must name exactly one agency), and the type's required
slots must be there. Then the engine runs the type's own SQL with bound parameters,
and the answer says that a model chose the question type.

Free SQL is a separate opt-in (`allow_sql`): the model may answer {"sql": "select …"},
which runs only if it is a single SELECT, on a read-only connection with an
authorizer that permits reading alone, under a time limit; the answer is labelled as
written by a model.

Configuration, first found wins: the `model=` argument (CLI `--model`), the plugin
settings in metadata.yml

    plugins:
      gkreport-ask:
        model: gpt-4o-mini
        allow_sql: false
        time_limit_ms: 3000

or the environment: GKREPORT_ASK_MODEL, GKREPORT_ASK_ALLOW_SQL=1. Keys are the `llm`
library's own (`llm keys set …`); none is read here.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from typing import Any, Optional

from .. import template as T
from .answer import LEVELS
from .engine import Understanding, catalogue, features, type_by_id
from .entities import Index
from .lexicon import lexicon
from .text import Years

FEATURE_SLOTS = {"measure", "agency", "multi_agency", "region", "multi_region", "mention_terms", "section"}
LABELS = {
    "model": {"zh": "（问题类型和参数由语言模型选择，查询是本站的固定查询）",
              "en": "(The question type and its parameters were chosen by a language model; the query is one of ours.)"},
    "model_sql": {"zh": "注意：这个查询的 SQL 由语言模型编写，未经人工核对，请查看 SQL 后再引用结果。",
                  "en": "Note: the SQL of this answer was written by a language model and not reviewed; check it before "
                        "quoting the result."},
}


def settings_from(plugin_config: dict | None = None) -> dict:
    cfg = dict(plugin_config or {})
    if not cfg.get("model") and os.environ.get("GKREPORT_ASK_MODEL"):
        cfg["model"] = os.environ["GKREPORT_ASK_MODEL"]
    if "allow_sql" not in cfg and os.environ.get("GKREPORT_ASK_ALLOW_SQL"):
        cfg["allow_sql"] = os.environ["GKREPORT_ASK_ALLOW_SQL"].lower() in ("1", "true", "yes")
    return cfg


def backend(model_id: str | None = None, plugin_config: dict | None = None) -> Optional["ModelBackend"]:
    """The configured backend, or None: the offline engine alone."""
    cfg = settings_from(plugin_config)
    model_id = model_id or cfg.get("model")
    if not model_id:
        return None
    return ModelBackend(model_id, allow_sql=bool(cfg.get("allow_sql")),
                        time_limit_s=float(cfg.get("time_limit_ms", 3000)) / 1000)


def describe_catalogue(idx: Index) -> str:
    """What the model may choose from, as compact text."""
    lex = lexicon()
    types = [f"- {t['id']}: {t['title']['en']} / {t['title']['zh']}; needs {t.get('when', {}).get('all', [])}"
             for t in catalogue()["types"]]
    return "\n".join([
        "Question types:", *types,
        "Slots (all optional except what a type needs):",
        f"- measure: one of {sorted(lex.measures)}",
        f"- applicant: one of {list(T.APPLICANT_KEYS) + ['organizations']}",
        f"- outcome: one of {list(T.OUTCOME_PARTS)}",
        "- agency: an agency's name as the database has it; agencies: a list of names (to compare)",
        "- region: a province, city or county name; regions: a list (to compare)",
        f"- level: one of {list(LEVELS)}",
        f"- years: a list of years, or {{\"from\": Y1, \"to\": Y2}}; years in the data: {idx.years}",
        "- order: desc or asc; limit: 1–100; terms: words to search in the reports' text; section: 1–6",
    ])


SYSTEM = """You turn a question about China's government information disclosure annual reports
(政府信息公开工作年度报告) into a question type and its slots. Answer with JSON only:
{"intent": "<type id>", "slots": {...}}. Use only the types and slot values listed.
If none fits, answer {"intent": null}."""
SYSTEM_SQL = SYSTEM + """
If no type fits, you may instead answer {"sql": "<one SQLite SELECT statement>"} over the tables
reports, agencies, request_stats, appeal_stats, active_disclosure, sections, checks, request_rows,
active_items, active_measures, proceedings, check_rules."""


def _json_from(text: str) -> dict | None:
    m = re.search(r"\{.*\}", text or "", re.S)
    if not m:
        return None
    try:
        data = json.loads(m.group())
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


class ModelBackend:
    def __init__(self, model_id: str, *, allow_sql: bool = False, time_limit_s: float = 3.0,
                 model: Any = None):
        self.model_id = model_id
        self.allow_sql = allow_sql
        self.time_limit_s = time_limit_s
        self._model = model

    @property
    def model(self):
        if self._model is None:
            import llm

            self._model = llm.get_model(self.model_id)
        return self._model

    def prompt(self, question: str, u: Understanding, idx: Index) -> str:
        recognized = json.dumps(u.recognized(idx), ensure_ascii=False)
        text = f"{describe_catalogue(idx)}\n\nWhat the offline reader recognized: {recognized}\n\nQuestion: {question}"
        return self.model.prompt(text, system=SYSTEM_SQL if self.allow_sql else SYSTEM).text()

    def __call__(self, *, question: str, understanding: Understanding, out: dict, conn, idx: Index, db_name: str,
                 base_url: str, lang: str) -> dict:
        from . import execute, not_understood

        try:
            reply = _json_from(self.prompt(question, understanding, idx))
        except Exception as e:  # a model that cannot be reached: the offline answer stands
            out["model_error"] = f"{type(e).__name__}: {e}"
            reply = None
        if reply and reply.get("sql") and self.allow_sql:
            return self.run_sql(reply["sql"], out, conn, db_name, base_url, lang) or \
                not_understood(out, understanding, idx, conn, db_name, lang)
        checked = check_reply(reply, understanding, idx) if reply else None
        if checked is None:
            return not_understood(out, understanding, idx, conn, db_name, lang)
        t, u = checked
        result = execute(t, u, out, conn, idx, db_name=db_name, base_url=base_url, lang=lang)
        result["source"] = "model"
        result["answer"] = result["answer"] + ("" if lang == "zh" else " ") + LABELS["model"][lang]
        return result

    def run_sql(self, sql: str, out: dict, conn, db_name: str, base_url: str, lang: str) -> dict | None:
        from . import datasette_link

        sql = single_select(sql)
        if sql is None:
            out["model_error"] = "not a single SELECT"
            return None
        try:
            columns, rows = run_readonly(conn, sql, self.time_limit_s)
        except sqlite3.Error as e:
            out["model_error"] = f"{type(e).__name__}: {e}"
            return None
        out.update(status="answered", source="model_sql", intent="model_sql", sql=sql, params={}, columns=columns,
                   rows=rows, answer=LABELS["model_sql"][lang],
                   links=[{"label": "在 Datasette 中打开这个查询" if lang == "zh" else "Open this query in Datasette",
                           "href": datasette_link(sql, {}, db_name, base_url)}])
        return out


def check_reply(reply: dict, u0: Understanding, idx: Index) -> tuple[dict, Understanding] | None:
    """The model's choice, checked against the catalogue, the lexicon and the database; None if any slot fails."""
    lex = lexicon()
    intent = reply.get("intent")
    if not isinstance(intent, str) or intent not in {t["id"] for t in catalogue()["types"]}:
        return None
    slots = reply.get("slots") or {}
    if not isinstance(slots, dict):
        return None
    u = Understanding(question=u0.question, text=u0.text, lang=u0.lang)
    try:
        if "measure" in slots:
            u.measure = lex.measures[slots["measure"]]
            u.item_measures = u.measure.measures
        if "applicant" in slots:
            assert slots["applicant"] in lex.applicant_labels
            u.applicant = slots["applicant"]
        if "outcome" in slots:
            assert slots["outcome"] in T.OUTCOME_PARTS
            u.outcome = slots["outcome"]
        names = slots.get("agencies") or ([slots["agency"]] if slots.get("agency") else [])
        for name in names:
            u.agencies.append([_one(idx, str(name), "agency")])
        regions = slots.get("regions") or ([slots["region"]] if slots.get("region") else [])
        for name in regions:
            u.regions.append([_one(idx, str(name), "region")])
        if slots.get("level"):
            assert slots["level"] in LEVELS
            u.level = slots["level"]
        y = slots.get("years")
        if isinstance(y, list):
            assert all(isinstance(v, int) and v in idx.years for v in y)
            u.years = Years(values=list(y))
        elif isinstance(y, dict):
            a, b = int(y["from"]), int(y["to"])
            assert 1990 <= a <= b <= 2100
            u.years = Years(start=a, end=b)
        if slots.get("order"):
            assert slots["order"] in ("asc", "desc")
            u.cues.add("rank_asc" if slots["order"] == "asc" else "rank_desc")
        if slots.get("limit") is not None:
            assert isinstance(slots["limit"], int) and 1 <= slots["limit"] <= 100
            u.limit = slots["limit"]
        if slots.get("terms"):
            u.terms = str(slots["terms"])[:40]
            u.cues.add("mention")
        if slots.get("section"):
            assert int(slots["section"]) in range(1, 7)
            u.section = int(slots["section"])
    except (KeyError, AssertionError, ValueError, TypeError):
        return None
    t = type_by_id(intent)
    u.features = features(u, idx)
    needed = set(t.get("when", {}).get("all", ())) & FEATURE_SLOTS
    if not needed <= u.features:
        return None
    return t, u


def _one(idx: Index, name: str, kind: str):
    """The single agency or region a name means, by the same matcher the questions go through."""
    from .text import normalize

    text = normalize(name)
    found = {t.value for t in idx.scan(text) if t.kind == kind and t.start == 0 and t.end == len(text)}
    if len(found) != 1:
        raise ValueError(f"{kind} {name!r} is not one known {kind}")
    return found.pop()


_FORBIDDEN = re.compile(r"\b(?:attach|pragma|insert|update|delete|drop|create|alter|replace|vacuum|reindex|detach)\b",
                        re.I)


def single_select(sql: str) -> str | None:
    """The statement if it is one SELECT (or WITH … SELECT), else None."""
    sql = (sql or "").strip().rstrip(";").strip()
    if not sql or ";" in sql or not sqlite3.complete_statement(sql + ";"):
        return None
    if not re.match(r"(?is)^(?:select|with)\b", sql) or _FORBIDDEN.search(sql):
        return None
    return sql


_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}


def run_readonly(conn: sqlite3.Connection, sql: str, limit_s: float, max_rows: int = 1000):
    """Run a model's SELECT on a connection of its own: read-only, an authorizer that permits reading alone,
    stopped after limit_s. (Its own, so the caller's connection keeps whatever guards it has.)"""
    path = conn.execute("pragma database_list").fetchone()[2]
    own = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    deadline = time.monotonic() + limit_s
    own.set_authorizer(lambda action, *args: sqlite3.SQLITE_OK if action in _ALLOWED else sqlite3.SQLITE_DENY)
    own.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10000)
    try:
        cur = own.execute(sql)
        columns = [d[0] for d in cur.description or ()]
        return columns, [dict(zip(columns, r)) for r in cur.fetchmany(max_rows)]
    finally:
        own.close()
