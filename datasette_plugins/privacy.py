"""No page or JSON shows where the database file is kept.

Datasette shows the full path of each database on /-/databases, and /-/threads lists the server's
tasks with the files of their code; custom SQL could read it from `pragma_database_list` (refused
to custom SQL in safety.py). /-/databases is served here without the paths; /-/threads is off.
"""

from datasette import hookimpl
from datasette.utils.asgi import Response
from datasette.views.special import JsonDataView


def public_databases(datasette) -> list[dict]:
    return [{k: v for k, v in d.items() if k != "path"} for d in datasette._connected_databases()]


async def hidden():
    return Response.text("此页不公开。Not public.", status=404)


@hookimpl
def register_routes(datasette):
    return [(r"^/-/databases(\.(?P<format>json))?$",
             JsonDataView.as_view(datasette, "databases.json", lambda: public_databases(datasette))),
            (r"^/-/threads(\.(?P<format>json))?$", hidden)]
