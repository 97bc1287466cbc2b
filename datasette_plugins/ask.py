"""Ask a question: the chat page /-/ask, its JSON endpoint /-/ask.json, a menu link and a box on the home page
(templates/index.html, from the examples given here).

    /-/ask.json?q=上犹县政府办历年收到多少申请？
    /-/ask.json?q=2021年呢&context={"intent": …, "slots": …}   (a follow-up: the previous answer's context)

Both are GET only (the site refuses every other method). The engine is gkreport.ask: it runs on
the database's own read-only connection, inside Datasette's thread for it. An optional model
is configured under `plugins: gkreport-ask:` in metadata.yml (see gkreport/ask/model.py).
"""

from __future__ import annotations

import json
import threading
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils import add_cors_headers
from datasette.utils.asgi import Response

from gkreport.ask import answer_question, connect, featured_examples, index_for
from gkreport.ask import stored
from gkreport.ask.indexes import head_for
from gkreport.ask.engine import type_by_id
from gkreport.ask.model import backend
from gkreport.site import NAME

from datasette_plugins import ask_input as checked

PLUGIN = "gkreport-ask"
LABELS = {"zh": "在 Datasette 中打开相关的现成查询：", "en": "Related ready-made query: "}


def _database(datasette):
    try:
        return datasette.get_database(NAME)
    except KeyError:
        return next(iter(datasette.databases.values()))


def _index_key(db):
    # an immutable database's hash stands for its content; a mutable one is keyed by its file's size and time
    return ("datasette", db.name, db.path, db.hash) if db.hash else None


async def _index(datasette):
    """The names index: after a commit into the served file, the one of the data before while the new one is
    built on a thread (gkreport/ask/indexes.py)."""
    db = _database(datasette)
    key = _index_key(db)
    reopen = (lambda: connect(db.path)) if db.path else None
    return db, await db.execute_fn(lambda conn: index_for(conn, key, database=db.path if key else None,
                                                          reopen=reopen))


async def _canned_link(datasette, db_name: str, out: dict) -> None:
    """A link to the site's ready-made query for this kind of question (catalogue.yaml `canned`), if it has one."""
    for part in out.get("parts") or ():
        await _canned_link(datasette, db_name, part)
    if not out.get("intent") or out.get("source") != "engine" or out.get("parts"):
        return
    slots = out["slots"]
    specs = [s for s in type_by_id(out["intent"]).get("canned") or ()
             if (not s.get("measure") or slots.get("measure") == s["measure"])
             and (not s.get("rate") or slots.get("rate") == s["rate"])]
    if not specs:
        return
    queries = await datasette.get_canned_queries(db_name, None)
    spec = next((s for s in specs if s["query"] in queries), None)
    if spec is None:
        return
    years = (slots.get("years") or {}).get("values") or []
    regions = slots.get("regions") or []
    values = {"year": years[0] if len(years) == 1 else None,
              "province": regions[0]["province"] if len(regions) == 1 else None,
              "agency": (slots.get("agencies") or [None])[0], "terms": slots.get("terms"), "level": slots.get("level")}
    params = {param: values.get(source) for param, source in (spec.get("params") or {}).items()}
    query = urlencode({k: "" if v is None else v for k, v in params.items()})
    out["links"].append({"label": LABELS[out["lang"]] + (queries[spec["query"]].get("title") or spec["query"]),
                         "href": datasette.urls.query(db_name, spec["query"]) + ("?" + query if query else "")})


async def ask(datasette, question: str, context: dict | None, lang: str | None = None,
              min_base: int | None = None) -> dict:
    db, idx = await _index(datasette)
    model = backend(plugin_config=datasette.plugin_config(PLUGIN))
    base = datasette.urls.path("/")
    out = await db.execute_fn(lambda conn: answer_question(
        question, conn, idx, context=context, db_name=db.name, lang=lang, base_url=base, model=model,
        min_base=min_base))
    await _canned_link(datasette, db.name, out)
    return out


async def ask_json(request, datasette):
    headers = {"Cache-Control": "no-store"}
    if datasette.cors:  # the same headers as the rest of the JSON API: any page may call it
        add_cors_headers(headers)
    try:  # malformed input: 400 with what is wrong (ask_input.py)
        q, context, lang = checked.question(request.args), checked.context(request.args), checked.language(request.args)
        min_base = checked.min_base(request.args)
    except checked.BadInput as e:
        return Response.json(e.as_json(request.args.get("q") or ""), status=400, headers=headers)
    out = await ask(datasette, q, context, lang, min_base)
    return Response.json(out, default=str, headers=headers)


async def ask_page(request, datasette):
    db, idx = await _index(datasette)
    q, status = request.args.get("q") or "", 200
    try:
        out = await ask(datasette, checked.question(request.args), checked.context(request.args)) if q else None
    except checked.BadInput as e:
        out, status = e.as_json(q), 400
    return Response.html(status=status, body=await datasette.render_template("ask.html", {
        "q": q, "out": out, "context_json": json.dumps(out["context"], ensure_ascii=False) if out and out.get("context")
        else "", "examples_zh": featured_examples(idx, "zh", 10), "examples_en": featured_examples(idx, "en", 4),
        "ask_json_url": datasette.urls.path("/-/ask.json"), "ask_url": datasette.urls.path("/-/ask"),
    }, request=request))


@hookimpl
def startup(datasette):
    """Build the names index in a thread while the site starts, so the first question need not wait for it,
    when the database holds none ready-made: reading that one takes the first question a fraction of a
    second, while reading it now would slow the site's first pages as much. (A thread, not a task:
    `gkreport serve` runs start-up in an event loop of its own.)"""
    db = _database(datasette)
    key = _index_key(db)
    if db.path and key is not None:
        def build():
            conn = connect(db.path)
            try:
                if not stored.up_to_date(conn):
                    index_for(conn, key, database=db.path)
            finally:
                conn.close()

        threading.Thread(target=build, name="gkreport-ask-index", daemon=True).start()


@hookimpl
def register_routes():
    return [(r"^/-/ask$", ask_page), (r"^/-/ask\.json$", ask_json)]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/-/ask"), "label": "提问"}]


@hookimpl
def extra_template_vars(template, datasette):
    """For the home page's question box: ask_url, and example questions that work on this database."""
    if template != "index.html":
        return {}

    async def ask_vars():
        db = _database(datasette)
        key = _index_key(db)
        # the stored years and agencies will do: the home page need not wait for the whole index
        idx = await db.execute_fn(lambda conn: head_for(conn, key, database=db.path if key else None))
        if idx is None:
            _, idx = await _index(datasette)
        return {"ask_url": datasette.urls.path("/-/ask"),
                "ask_examples": [e["question"] for e in featured_examples(idx, "zh", 5)],
                "ask_examples_en": [e["question"] for e in featured_examples(idx, "en", 1)]}

    return ask_vars


@hookimpl
def extra_css_urls(datasette):
    return [{"url": datasette.urls.path("/gk-static/ask.css")}]
