"""A report's own page, /report/<id>: the report as a reader knows it.

Metadata, the assessment (rates, timeliness, compliance score and its parts, copies, last year's
figures: assessment.py), the three statistical tables laid out as printed (gkreport.layout's grids,
with the template's Chinese labels; table 3 with its group headings, table3_layout.py), every check
highlighted on the cells it concerns and listed once per rule with what to do about it
(check_advice.py), the narrative, and the source. /report/<id>.json is the same as JSON. Also /report/<id>/source, the original file, served only when a file with the
stored sha256 is found (so nothing but ingested sources can be read through it).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from gkreport import layout
from gkreport.narrative import narrative
from gkreport.site import NAME, source_roots

from datasette_plugins.assessment import mark_last_year, report_assessment
from datasette_plugins.check_advice import grouped
from datasette_plugins.json_pages import json_page, wants_json
from datasette_plugins.labels import LEVEL, STATUS, TEMPLATE
from datasette_plugins.links import safe_url
from datasette_plugins.table3_layout import table3_rows

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


def grid_rows(grid: layout.Grid, flags: dict[str, list[dict]]) -> list[list[dict]]:
    """Rows of cells for the template: blank header cells widen the header before them, as printed."""
    width = max(len(r) for r in grid)
    rows = []
    for row in grid:
        cells: list[dict] = []
        for cell in row:
            if cell.header and not cell.text and cells and cells[-1]["header"] and cells[-1]["text"]:
                cells[-1]["colspan"] += 1
                continue
            found = cell_checks(cell.location, flags)
            cells.append({"text": cell.text, "header": cell.header, "colspan": 1, "rowspan": 1, "location": cell.location,
                          "flagged": bool(found), "title": "；".join(c["message"] for c in found)})
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


async def report_data(datasette, report_id: str) -> tuple[object, dict, dict]:
    """Everything the report page shows: the report's row, its three tables, its checks and its narrative."""
    db, report = await _report(datasette, report_id)
    rid = report["id"]
    checks = await _rows(db, "select c.*, k.label as rule_label from checks c left join check_rules k "
                             "on k.key = c.rule where c.report_id = ? order by c.id", [rid])
    active, requests, appeals = await table_values(db, rid)
    sections = await _rows(db, "select section_no, heading, body from sections where report_id = ? order by position",
                           [rid])
    # values read from a scan by OCR: location → page and confidence
    ocr = {r["location"]: r for r in await _rows(
        db, "select location, page, confidence, kept from ocr_cells where report_id = ?", [rid])} \
        if await db.table_exists("ocr_cells") else {}
    return db, report, {"checks": checks, "active": active, "requests": requests, "appeals": appeals,
                        "sections": sections, "ocr": ocr,
                        "assessment": await report_assessment(db, report, checks)}


def mark_ocr(rows: list[list[dict]], ocr: dict[str, dict]) -> list[list[dict]]:
    """Cells whose value was read from a scan carry ``ocr`` (the template marks them) and say where in their title."""
    for row in rows:
        for cell in row:
            read = ocr.get(cell.get("location") or "")
            if read:
                cell["ocr"] = read
                said = f"文字识别：第 {read['page']} 页，置信度 {read['confidence']:.2f}"
                cell["title"] = "；".join(filter(None, [said, cell.get("title")]))
    return rows


def report_json(datasette, report: dict, parts: dict) -> dict:
    rid = report["id"]
    return {
        "report": report,
        "tables": {"table2": parts["active"], "table3": parts["requests"], "table4": parts["appeals"]},
        "checks": {**grouped(parts["checks"]), "all": parts["checks"]},
        "sections": parts["sections"],
        **parts["assessment"],
        "links": {"page": datasette.urls.path(f"/report/{rid}"),
                  "tables_csv": datasette.urls.path(f"/report/{rid}/tables.csv"),
                  "tables_xlsx": datasette.urls.path(f"/report/{rid}/tables.xlsx"),
                  "agency": datasette.urls.path(f"/-/agency/{report['agency_id']}") if report["agency_id"] else None},
    }


async def report_page(request, datasette):
    db, report, parts = await report_data(datasette, request.url_vars["report_id"])
    if wants_json(request):
        return json_page(report_json(datasette, report, parts))
    flags = flags_for(parts["checks"])
    active, requests, appeals = parts["active"], parts["requests"], parts["appeals"]
    tables = [
        ("表二", "主动公开政府信息情况", grid_rows(layout.table2_grid(active, report["table2_template"]), flags),
         bool(active)),
        ("表三", "收到和处理政府信息公开申请情况",
         table3_rows(requests, report["table3_template"], lambda location: cell_checks(location, flags)),
         bool(requests)),
        ("表四", "政府信息公开行政复议、行政诉讼情况", grid_rows(layout.table4_grid(appeals), flags), bool(appeals)),
    ]
    assessment = parts["assessment"]
    if assessment["year_over_year"]:
        for _, _, rows, _ in tables[1:]:
            mark_last_year(rows, assessment["year_over_year"]["cells"])
    context = {
        "report": report,
        "status_label": STATUS.get(report["status"], report["status"]),
        "level_label": LEVEL.get(report["level"], report["level"] or "—"),
        "template_label": TEMPLATE.get(report["template"], report["template"]),
        "table_labels": [TEMPLATE.get(report[k], report[k] or "—") for k in ("table2_template", "table3_template")],
        "tables": [{"no": no, "title": title, "rows": mark_ocr(rows, parts["ocr"]) if present else None,
                    "scan_pages": sorted({r["page"] for loc, r in parts["ocr"].items() if loc.startswith(key + ".")})}
                   for (no, title, rows, present), key in zip(tables, TABLE_KEYS)],
        "scanned": bool(parts["ocr"]),
        "checks": grouped(parts["checks"]),
        "sections": [dict(s, body=narrative(s["body"])) for s in parts["sections"]],
        "source_url": safe_url(report["source_url"]),
        "has_source_file": find_source(report, db.path) is not None,
        "database": NAME,
        "assessment": assessment,
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
        (r"^/report/(?P<report_id>[0-9A-Za-z_-]{1,64})(\.(?P<format>json))?$", report_page),
        (r"^/report/(?P<report_id>[0-9A-Za-z_-]{1,64})/source$", report_source),
        (r"^/report/(?P<report_id>[0-9A-Za-z_-]{1,64})/page/(?P<page>[0-9]{1,3})\.webp$", scan_page),
    ]
