"""A report's own page, /report/<id>: the report as a reader knows it.

Metadata, the three statistical tables laid out as printed (gkreport.layout's grids, with the
template's Chinese labels), every check highlighted on the cells it concerns, the narrative,
and the source. Also /report/<id>/source, the original file, served only when a file with the
stored sha256 is found (so nothing but ingested sources can be read through it).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from gkreport import layout
from gkreport.narrative import narrative
from gkreport.site import NAME, source_roots

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS = {"ok": "通过检查", "warning": "有警告", "error": "表格无法读取"}
LEVEL = {"central": "中央", "province": "省级", "city": "市级", "county": "县级", "township": "乡镇"}
MAX_SOURCE_BYTES = 50_000_000
TABLE_KEYS = ("active_disclosure", "request_stats", "appeal_stats")  # the tables 表二, 表三, 表四 are stored in


def flags_for(checks: list[dict]) -> dict[str, list[dict]]:
    """Location prefix → the checks about it: a table (appeal_stats), a row
    (request_stats.carried_forward) or one cell (request_stats.granted.total)."""
    out: dict[str, list[dict]] = {}
    for c in checks:
        if c["location"] and c["severity"] != "info":
            out.setdefault(c["location"], []).append(c)
    return out


def cell_checks(location: str | None, flags: dict[str, list[dict]]) -> list[dict]:
    if not location:
        return []
    parts = location.split(".")
    found = []
    for n in range(1, len(parts) + 1):
        found += flags.get(".".join(parts[:n]), [])
    return found


def grid_rows(grid: layout.Grid, flags: dict[str, list[dict]], ocr: dict[str, dict] | None = None) -> list[list[dict]]:
    """Rows of cells for the template: blank header cells widen the header before them, as printed.
    ``ocr``: location → the ocr_cells row of a value read from a scan, which the cell then shows."""
    width = max(len(r) for r in grid)
    rows = []
    for row in grid:
        cells: list[dict] = []
        for cell in row:
            if cell.header and not cell.text and cells and cells[-1]["header"] and cells[-1]["text"]:
                cells[-1]["colspan"] += 1
                continue
            found = cell_checks(cell.location, flags)
            read = (ocr or {}).get(cell.location or "")
            title = "；".join(c["message"] for c in found)
            if read:
                title = "；".join(filter(None, [f"文字识别（OCR）：第 {read['page']} 页，置信度 {read['confidence']:.2f}", title]))
            cells.append({"text": cell.text, "header": cell.header, "colspan": 1, "location": cell.location,
                          "flagged": bool(found), "title": title, "ocr": read})
        cells[-1]["colspan"] += width - sum(c["colspan"] for c in cells)
        rows.append(cells)
    return rows


async def _rows(db, sql, params):
    return [dict(r) for r in (await db.execute(sql, params)).rows]


def find_source(report: dict, db_path: str) -> Path | None:
    stored = report.get("source_path")
    if not stored or not report.get("sha256"):
        return None
    for root in source_roots(Path(db_path)):
        path = (root / stored).resolve()
        try:
            if path.is_file() and path.stat().st_size <= MAX_SOURCE_BYTES and \
                    hashlib.sha256(path.read_bytes()).hexdigest() == report["sha256"]:
                return path
        except OSError:
            continue
    return None


async def _report(datasette, report_id: str) -> tuple:
    db = datasette.get_database(NAME)
    found = await _rows(db, "select * from reports where id = ?", [report_id])
    if not found:
        raise NotFound(f"没有编号为 {report_id} 的报告")
    return db, found[0]


async def table_values(db, report_id: str) -> tuple[dict, dict, dict]:
    """A report's three tables keyed as layout.py draws them: item → measure, row → column, proceeding → outcome."""
    active: dict = {}
    for r in await _rows(db, "select item, measure, value from active_disclosure where report_id = ?", [report_id]):
        active.setdefault(r["item"], {})[r["measure"]] = r["value"]
    requests = {r.pop("row_key"): r for r in await _rows(
        db, "select * from request_stats where report_id = ?", [report_id])}
    appeals = {r.pop("proceeding"): r for r in await _rows(
        db, "select * from appeal_stats where report_id = ?", [report_id])}
    return active, requests, appeals


async def report_page(request, datasette):
    db, report = await _report(datasette, request.url_vars["report_id"])
    rid = report["id"]
    checks = await _rows(db, "select c.*, k.label as rule_label from checks c left join check_rules k "
                             "on k.key = c.rule where c.report_id = ? order by c.id", [rid])
    flags = flags_for(checks)
    active, requests, appeals = await table_values(db, rid)
    ocr = {r["location"]: r for r in await _rows(
        db, "select location, page, confidence, kept from ocr_cells where report_id = ?", [rid])} \
        if await db.table_exists("ocr_cells") else {}
    tables = [
        ("表二", "主动公开政府信息情况", layout.table2_grid(active, report["table2_template"]), bool(active)),
        ("表三", "收到和处理政府信息公开申请情况", layout.table3_grid(requests, report["table3_template"]),
         bool(requests)),
        ("表四", "政府信息公开行政复议、行政诉讼情况", layout.table4_grid(appeals), bool(appeals)),
    ]
    sections = [dict(s, body=narrative(s["body"])) for s in await _rows(
        db, "select section_no, heading, body from sections where report_id = ? order by position", [rid])]
    context = {
        "report": report,
        "status_label": STATUS.get(report["status"], report["status"]),
        "level_label": LEVEL.get(report["level"], report["level"] or "—"),
        "tables": [{"no": no, "title": title, "rows": grid_rows(grid, flags, ocr) if present else None,
                    "scan_pages": sorted({r["page"] for loc, r in ocr.items() if loc.startswith(table + ".")})}
                   for (no, title, grid, present), table in zip(tables, TABLE_KEYS)],
        "scanned": bool(ocr),
        "checks": [dict(c, severity_label=SEVERITY.get(c["severity"], c["severity"])) for c in checks],
        "sections": sections,
        "has_source_file": find_source(report, db.path) is not None,
        "database": NAME,
    }
    return Response.html(await datasette.render_template("report.html", context, request=request))


async def report_source(request, datasette):
    db, report = await _report(datasette, request.url_vars["report_id"])
    path = find_source(report, db.path)
    if path is None:
        raise NotFound("原文文件不在服务器上")
    text_types = {"txt": "text/plain", "md": "text/markdown", "html": "text/html"}
    content_type = text_types.get(report["source_format"], "application/octet-stream")
    if content_type != "application/octet-stream":
        content_type += f"; charset={report['encoding'] or 'utf-8'}"
    # served as a download, never rendered in the site's origin
    return Response(path.read_bytes(), content_type=content_type,
                    headers={"Content-Disposition": f'inline; filename="{rid_name(report)}"',
                             "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"})


async def scan_page(request, datasette):
    """A page of a scanned report as it was read (upright, levelled, 800 px wide), from scan_pages."""
    db, report = await _report(datasette, request.url_vars["report_id"])
    rows = await _rows(db, "select image from scan_pages where report_id = ? and page = ?",
                       [report["id"], int(request.url_vars["page"])]) if await db.table_exists("scan_pages") else []
    if not rows:
        raise NotFound("没有这一页的扫描图片")
    return Response(rows[0]["image"], content_type="image/webp",
                    headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"})


def rid_name(report: dict) -> str:
    return f"{report['id']}.{report['source_format'] or 'bin'}"


@hookimpl
def register_routes():
    return [
        (r"^/report/(?P<report_id>[0-9A-Za-z_-]{1,64})$", report_page),
        (r"^/report/(?P<report_id>[0-9A-Za-z_-]{1,64})/source$", report_source),
        (r"^/report/(?P<report_id>[0-9A-Za-z_-]{1,64})/page/(?P<page>[0-9]{1,3})\.webp$", scan_page),
    ]


@hookimpl
def render_cell(row, value, column, table, datasette):
    """Links to the report's page: a report's title in the reports table, and 报告编号 in canned queries."""
    if table == "reports" and column == "title" and "id" in row.keys():
        report_id = row["id"]
    elif column == "报告编号" and isinstance(value, str):
        report_id = value
    else:
        return None
    href = datasette.urls.path(f"/report/{report_id}")
    return Markup(f'<a href="{escape(href)}" title="查看报告原貌">{escape(value or report_id)}</a>')
