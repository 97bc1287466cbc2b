"""Ready-made questions that list many rows show them a hundred at a time (their `page` parameter).

A ranking or a list of every missing report could hold 1,000 rows a page; at 100,000 reports the
page took 0.6-1.4 s on a busy machine, mostly in making 16,000 cells of HTML (each passed through
the plugins that render cells). A hundred rows a page, with links to the pages before and after,
keep every page quick; the JSON API pages the same way (`page=2`), and ranks go on counting across
pages (they are computed over every row, then a page is taken).
"""

from __future__ import annotations

import re

from datasette import hookimpl
from datasette.utils import path_with_replaced_args

from gkreport.site import NAME

PAGE_SIZE = 100
PAGED = ("missing_reports", "unusual_jumps", "metric_ranking", "metric_ranking_left_out", "compliance_ranking")
# how each of them ends (metadata.yml), so that all its rows can be counted (rankings.py)
PAGE_CLAUSE = (f"limit {PAGE_SIZE} offset {PAGE_SIZE} * "
               "(max(coalesce(cast(nullif(trim(:page), '') as integer), 1), 1) - 1)")
_PAGE = re.compile(r"[1-9]\d{0,5}")


def every_row(sql: str) -> str:
    """A paged question's SQL without its paging: every row it lists."""
    if not sql.rstrip().endswith(PAGE_CLAUSE):
        raise ValueError("not a paged question")
    return sql.rstrip()[:-len(PAGE_CLAUSE)]


def page_number(value: str | None) -> int:
    """The page asked for (1 when none, or one the page's check refuses: query_page.py says why)."""
    value = (value or "").strip()
    return int(value) if _PAGE.fullmatch(value) else 1


@hookimpl
def extra_template_vars(template, request, datasette):
    if template != "query.html" or not request or request.path not in {f"/{NAME}/{q}" for q in PAGED}:
        return {}
    page = page_number(request.args.get("page"))
    go = lambda n: datasette.urls.path(path_with_replaced_args(request, {"page": str(n)}))  # noqa: E731
    return {"gk_pages": {"page": page, "size": PAGE_SIZE, "first": (page - 1) * PAGE_SIZE + 1,
                         "previous": go(page - 1) if page > 1 else None, "next": go(page + 1)}}
