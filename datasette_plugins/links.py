"""Names, not ids: wherever a report, an agency or a region is listed, its name links to its page.

A report's page is /report/<id>, an agency's /-/agency/<id>; other rows a key points to (a region, a
row of table 3, a check rule) link to their row in the database. The id stays in the link's address
and its tooltip. Keys that a foreign key expands arrive as {"value", "label"}; the others (custom SQL,
the ready-made questions' 报告编号 and 机关编号) are looked up, one indexed read each.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from gkreport.site import NAME

# columns of the ready-made questions: the report's id, and the agency's id that its name links to
REPORT_ID = "报告编号"
AGENCY_ID = "机关编号"
AGENCY_NAME = "机关"
COPY_RULE = "copied_narrative"  # its checks' `expected` is the other report's id
NAMES = {
    "report": ("select coalesce(title, agency_name, id) from reports where id = ?", "/report/{}"),
    "agency": ("select coalesce(name, id) from agencies where id = ?", "/-/agency/{}"),
}


def _agency_name_in(table: str | None, row, keys) -> str | None:
    """The agency's name when the row itself holds it (agency_name, or the roster's name)."""
    if "agency_name" in keys:
        return row["agency_name"]
    return row["name"] if table == "roster" and "name" in keys else None


def link(href: str, text, title: str = "") -> Markup:
    tip = f' title="{escape(title)}"' if title else ""
    return Markup(f'<a href="{escape(href)}"{tip}>{escape(text)}</a>')


def safe_url(url) -> str | None:
    """A link taken from the data is followed only when it is http(s): never javascript:, data: or a path."""
    if isinstance(url, str):
        url = url.strip()
        if url.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in url):
            return url
    return None


async def name_of(datasette, kind: str, key: str) -> str | None:
    sql, _ = NAMES[kind]
    found = (await datasette.get_database(NAME).execute(sql, [key])).first()
    return found[0] if found else None


def named_link(datasette, kind: str, key, label=None):
    """The name linking to the page of the report or agency `key`; looked up when no label came with it."""
    _, path = NAMES[kind]
    href = datasette.urls.path(path.format(key))

    async def looked_up():
        name = await name_of(datasette, kind, key)
        return link(href, name or key, key) if name else None

    return link(href, label, key) if label else looked_up


_foreign_keys: dict[str, dict[str, str]] = {}


def row_link(datasette, table: str, column: str, key, label):
    """A key of a lookup table or of the regions, as its label linking to its row (the key in the tooltip)."""

    async def linked():
        if table not in _foreign_keys:
            fks = await datasette.get_database(NAME).foreign_keys_for_table(table)
            _foreign_keys[table] = {fk["column"]: fk["other_table"] for fk in fks}
        other = _foreign_keys[table].get(column)
        if other is None:
            return None
        return link(datasette.urls.row(NAME, other, tilde_encode(str(key))), label or key, str(key))

    return linked


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if database != NAME or value is None:
        return None
    keys = row.keys() if hasattr(row, "keys") else []
    if isinstance(value, dict):  # a key its foreign key expanded: {"value": key, "label": name}
        key, label = value["value"], value["label"]
        if column in ("report_id", "agency_id"):
            return named_link(datasette, column[:-3], key, label)
        return row_link(datasette, table, column, key, label)
    if table == "reports" and column == "title" and "id" in keys:
        return named_link(datasette, "report", row["id"], value)
    if table == "agencies" and column == "name" and "id" in keys:
        return named_link(datasette, "agency", row["id"], value)
    if table == "roster" and column == "name" and "agency_id" in keys:
        return named_link(datasette, "agency", row["agency_id"], value)
    if column == "source_url":
        url = safe_url(value)
        return link(url, value) if url else Markup(f"{escape(value)}")
    if column == "agency_id" and isinstance(value, str) and (name := _agency_name_in(table, row, keys)):
        return named_link(datasette, "agency", value, name)  # a body of the roster may have no agencies row
    if column in ("report_id", "agency_id") and isinstance(value, str):
        return named_link(datasette, column[:-3], value)
    if table is None and column.endswith(REPORT_ID) and isinstance(value, str):
        return link(datasette.urls.path(f"/report/{value}"), "查看报告", value)
    if table == "checks" and column == "expected" and "rule" in keys and row["rule"] == COPY_RULE:
        return Markup(f'<a class="gk-id" href="{escape(datasette.urls.path(f"/report/{value}"))}">{escape(value)}</a>')
    if table is None and column == AGENCY_NAME and AGENCY_ID in keys and row[AGENCY_ID]:
        return named_link(datasette, "agency", row[AGENCY_ID], value)
    return None
