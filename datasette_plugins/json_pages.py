"""The site's own pages as JSON: /report/<id>.json, /-/agency/<id>.json, /-/overview.json and the embeds'.

Each page's view builds its data once; the HTML page renders it and the .json address returns it, with
CORS (any web page may read it, like the rest of the API) and keys in English, as in the database.
"""

from __future__ import annotations

import json

from datasette.utils.asgi import Response


def json_page(data: dict) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, default=str), content_type="application/json; charset=utf-8",
                    headers={"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Authorization",
                             "Access-Control-Expose-Headers": "Link"})


def wants_json(request) -> bool:
    return request.url_vars.get("format") == "json"
