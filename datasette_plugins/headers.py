"""Security headers on every answer of the site.

- Content-Security-Policy: scripts only from the site's own files (no inline script: the templates
  pass data to the scripts in data- attributes), no plugins, forms and fetches to the site itself,
  and pages framed only by the site itself; styles may be inline (Datasette's templates and the
  charts set styles on elements).
- The embed pages (/-/embed/…) are made to be framed by other sites: their frame-ancestors is *.
- X-Content-Type-Options: nosniff, so a download is never run as something else;
  Referrer-Policy: strict-origin-when-cross-origin, so a link out carries no query.
A policy a page sets for itself (the original files, served sandboxed) is kept as well: both apply.
Every answer that is data (JSON, CSV, XLSX) also allows any origin to read it (CORS), the site's own
pages' included (/-/ask.json, /report/<id>.json, /report/<id>/tables.csv …), as Datasette's own JSON does.
"""

from __future__ import annotations

from datasette import hookimpl

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
          "frame-ancestors {ancestors}")
EMBEDS = "/-/embed/"
DATA_TYPES = (b"application/json", b"text/csv", b"application/vnd.openxmlformats")


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    embed = path.startswith(EMBEDS)
    headers = [
        (b"content-security-policy", POLICY.format(ancestors="*" if embed else "'self'").encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
    ]
    if not embed:
        headers.append((b"x-frame-options", b"SAMEORIGIN"))  # for browsers that predate frame-ancestors
    return headers


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def with_headers(scope, receive, send):
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            ours = security_headers(scope.get("path", ""))
            names = {name for name, _ in ours}

            async def send_with_headers(event):
                if event["type"] == "http.response.start":
                    kept = [(k, v) for k, v in event.get("headers") or [] if k.lower() not in names - {
                        b"content-security-policy"}]
                    given = {bytes(k).lower(): bytes(v) for k, v in kept}
                    cors = [(b"access-control-allow-origin", b"*")] if given.get(b"content-type", b"").startswith(
                        DATA_TYPES) and b"access-control-allow-origin" not in given else []
                    event = dict(event, headers=kept + ours + cors)
                await send(event)

            await app(scope, receive, send_with_headers)
        return with_headers
    return wrap
