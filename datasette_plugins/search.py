"""Chinese search in SQL and on the narrative's table page.

Datasette wraps every table-page search and `?_search=` in `escape_fts(:search)`. Registering
ours last (trylast) means it replaces the core function on every connection, so the search box,
the JSON API and canned queries all expand a query the way the index was written. `gk_snippet`
gives the passage around the hits. Both are Python, which SQL's time limit cannot stop in the
middle of a call, so what they take is bounded (gkreport/search.py: MAX_QUERY, MAX_WORD, and
MAX_TEXT, the characters of a text in which gk_snippet looks for the words), and each call
first checks the query's time limit (served_db.check_time).

At 100,000 reports a common word (培训) matches half of 700,000 sections, and Datasette's count
of a search looks up every match in `sections`: as slow as the page itself. The HTML page of
`sections` therefore takes its count from the index, which counts the same rows in a few
milliseconds; the JSON API keeps Datasette's own count. The ready-made question 全文搜索报告正文 pages
on 50 passages at a time (its `page` parameter) and its page says how many passages there are, counted
from the index the same way.
"""

from urllib.parse import parse_qs

from datasette import hookimpl
from datasette.utils import path_with_replaced_args

from gkreport.search import FTS_TABLE, MAX_TEXT, check_query, match_expression, snippet
from gkreport.served_db import check_time, refusal
from gkreport.site import NAME

SEARCHED_PAGE = f"/{NAME}/sections"
# the ready-made full-text question: 50 passages a page (metadata.yml), 政策解读 when no words are given
SEARCH_QUESTION = f"/{NAME}/search_narrative"
PAGE_SIZE = 50
DEFAULT_SEARCH = "政策解读"


def _text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _checked(query):
    check_time()
    query = _text(query)
    try:
        check_query(query)
    except ValueError as e:
        raise refusal(str(e)) from None
    return query


def escape_fts(query):
    return match_expression(_checked(query))


def gk_snippet(text, query):
    text, query = _text(text), _checked(query)
    if text is None or len(text) <= MAX_TEXT:
        return snippet(text, query)
    passage = snippet(text[:MAX_TEXT], query)
    return passage if passage.endswith("…") else passage + "…"


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)
    conn.create_function("gk_snippet", 2, gk_snippet, deterministic=True)


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def counted_by_index(scope, receive, send):
            if scope["type"] == "http" and scope.get("path") == SEARCHED_PAGE:
                args = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"))
                if args.get("_search") and "_nocount" not in args:
                    scope = dict(scope, query_string=scope["query_string"] + b"&_nocount=1")
            await app(scope, receive, send)
        return counted_by_index
    return wrap


async def count_hits(datasette, q: str) -> int:
    sql = f"select count(*) from [{FTS_TABLE}] where [{FTS_TABLE}] match escape_fts(:q)"
    return (await datasette.get_database(NAME).execute(sql, {"q": q})).first()[0]


async def search_pages(datasette, request) -> dict:
    """How many passages the full-text question found, which of them this page shows, and the pages around it."""
    q = (request.args.get("q") or "").strip() or DEFAULT_SEARCH
    try:
        page = max(int(request.args.get("page") or 1), 1)
    except ValueError:
        page = 1
    total = await count_hits(datasette, q)
    pages = -(-total // PAGE_SIZE)
    go = lambda n: datasette.urls.path(path_with_replaced_args(request, {"page": str(n)}))  # noqa: E731
    return {"q": q, "total": total, "first": (page - 1) * PAGE_SIZE + 1, "last": min(page * PAGE_SIZE, total),
            "previous": go(page - 1) if page > 1 else None, "next": go(page + 1) if page < pages else None}


@hookimpl
def extra_template_vars(template, table, request, datasette):
    if template == "query.html" and request and request.path == SEARCH_QUESTION:
        async def gk_search_pages():
            return await search_pages(datasette, request)
        return {"gk_search_pages": gk_search_pages}
    if template != "table.html" or table != "sections" or not request or not request.args.get("_search"):
        return {}

    async def gk_search_count():
        return await count_hits(datasette, request.args["_search"])

    return {"gk_search_count": gk_search_count}
