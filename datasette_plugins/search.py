"""Chinese search in SQL: Datasette's `escape_fts` replaced by our pair expansion, and `gk_snippet`.

Datasette wraps every table-page search and `?_search=` in `escape_fts(:search)`. Registering
ours last (trylast) means it replaces the core function on every connection, so the search box,
the JSON API and canned queries all expand a query the way the index was written.
"""

from datasette import hookimpl

from gkreport.search import match_expression, snippet


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, match_expression, deterministic=True)
    conn.create_function("gk_snippet", 2, snippet, deterministic=True)
