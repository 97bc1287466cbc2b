"""Search hits shown highlighted: <mark> in a cell is kept, everything else in it stays escaped.

`gk_snippet` returns plain text with <mark> around each hit (so JSON users get the same marks).
A cell is rendered by escaping the whole value and then restoring only the exact <mark> tags,
so no other markup can get through, whatever a custom SQL query selects.
"""

from datasette import hookimpl
from markupsafe import Markup, escape


@hookimpl
def render_cell(value):
    if isinstance(value, str) and "<mark>" in value:
        safe = str(escape(value)).replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>")
        return Markup(f'<span class="gk-snippet">{safe}</span>')
    return None


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path("/gk-static/gk.css")]


@hookimpl
def extra_js_urls(view_name, datasette):
    # on table pages, the passages around a search's hits are marked in the browser (see gk.js)
    if view_name == "table":
        return [datasette.urls.path("/gk-static/gk.js")]
    return []
