"""Downloads that open right in Excel: every CSV a file with a UTF-8 BOM, the ready-made questions also as XLSX.

Datasette sends its CSV (of a table, a question or a custom query) as UTF-8 without a BOM, often as
text/plain: a browser shows it as text and Excel reads the Chinese as mojibake. Every answer whose address
ends in .csv therefore leaves as text/csv with a byte-order mark and a Content-Disposition naming the file
(its Chinese name too), streamed CSV included. A ready-made question — and so each chart, which reads
one — is also offered as .xlsx: one sheet, the question's title over a bold header row, numbers as numbers.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import Response

from gkreport.site import NAME

from datasette_plugins.labels import table_title

BOM = "\ufeff".encode("utf-8")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def disposition(ascii_name: str, name: str) -> str:
    """attachment, with a plain fallback name and the real (Chinese) one for browsers that read RFC 5987."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", ascii_name) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def _title(datasette, stem: str) -> str:
    """A download's Chinese name: the question's title or the table's."""
    if stem == NAME:
        return "SQL 查询结果"
    queries = datasette.metadata("queries", database=NAME) or {}
    query = queries.get(stem) or {}
    if query.get("title"):
        return query["title"]
    from datasette_plugins.charts import QUERIES
    return (QUERIES.get(stem) or {}).get("title") or table_title(stem)


def csv_names(datasette, path: str) -> tuple[str, str]:
    stem = path.rsplit("/", 1)[-1][: -len(".csv")] or NAME
    return f"{stem}.csv", f"{_title(datasette, stem)}.csv"


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def csv_as_file(scope, receive, send):
            path = scope.get("path", "") if scope["type"] == "http" else ""
            if not path.endswith(".csv"):
                await app(scope, receive, send)
                return
            held = {}

            async def send_csv(event):
                if event["type"] == "http.response.start":
                    if event.get("status") != 200:  # an error page stays as it is
                        await send(event)
                        return
                    held["start"] = event
                    return
                if event["type"] == "http.response.body" and "start" in held:
                    start, body = held.pop("start"), event.get("body", b"")
                    headers = [(k, v) for k, v in start.get("headers") or []]
                    names = {bytes(k).lower() for k, _ in headers}
                    add_bom = not body.startswith(BOM)
                    if add_bom:
                        body = BOM + body
                        headers = [(k, str(int(v) + len(BOM)).encode() if bytes(k).lower() == b"content-length" else v)
                                   for k, v in headers]
                    headers = [(k, v) for k, v in headers if bytes(k).lower() != b"content-type"]
                    headers.append((b"content-type", b"text/csv; charset=utf-8"))
                    if b"content-disposition" not in names:
                        headers.append((b"content-disposition", disposition(*csv_names(datasette, path)).encode()))
                    await send(dict(start, headers=headers))
                    event = dict(event, body=body)
                await send(event)

            await app(scope, receive, send_csv)
        return csv_as_file
    return wrap


def to_xlsx(title: str, columns: list[str], rows, note: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME_BAD.sub("_", title)[:31] or "data"
    ws.cell(1, 1, title).font = Font(bold=True, size=12)
    if note:
        ws.cell(2, 1, note)
    header = 3
    for c, name in enumerate(columns, start=1):
        cell = ws.cell(header, c, name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r, row in enumerate(rows, start=header + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c, value)
            if isinstance(value, (int, float)):
                cell.number_format = "#,##0.##" if isinstance(value, float) else "#,##0"
    ws.freeze_panes = ws.cell(header + 1, 1)
    for c, name in enumerate(columns, start=1):
        width = max([len(str(name))] + [len(str(row[c - 1] or "")) for row in rows[:200]])
        ws.column_dimensions[ws.cell(header, c).column_letter].width = min(max(8, width * 1.8), 60)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_xlsx(datasette, columns, rows, query_name, request, data):
    title = _title(datasette, query_name)
    note = "结果超过 1,000 行，只含前 1,000 行；请加条件缩小范围。" if data.get("truncated") else ""
    params = {k: request.args.get(k) for k in request.args.keys() if not k.startswith("_") and request.args.get(k)}
    if params:
        note = ("条件：" + "，".join(f"{k} = {v}" for k, v in params.items()) + "。" + note).strip()
    body = to_xlsx(title, list(columns), [list(r) for r in rows], note)
    return Response(body, content_type=XLSX,
                    headers={"Content-Disposition": disposition(f"{query_name}.xlsx", f"{title}.xlsx")})


def can_render_xlsx(query_name):
    return bool(query_name)


@hookimpl
def register_output_renderer(datasette):
    return {"extension": "xlsx", "render": render_xlsx, "can_render": can_render_xlsx}
