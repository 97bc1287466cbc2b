"""A report's three tables as files: /report/<id>/tables.csv and /report/<id>/tables.xlsx.

Laid out like the printed tables (gkreport.layout's grids, the same the report page draws): each
table under its title, headers spanning the columns they span in print, values as numbers. Charts
offer their data as CSV through their canned query (/gkreport/<query>.csv), see charts.py.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import Response

from gkreport import layout

from datasette_plugins.report_page import _report, grid_rows, table_values

TITLES = [("表二", "主动公开政府信息情况"), ("表三", "收到和处理政府信息公开申请情况"),
          ("表四", "政府信息公开行政复议、行政诉讼情况")]


def cell_value(cell: dict):
    """A value cell's number (the grid prints 12,345 and — for a blank), a header's text."""
    text = cell["text"]
    if cell["header"]:
        return text
    if text in ("—", ""):
        return None
    plain = text.replace(",", "")
    for kind in (int, float):
        try:
            return kind(plain)
        except ValueError:
            pass
    return text


async def report_tables(datasette, report_id: str) -> tuple[dict, list[tuple[str, list[list[dict]]]]]:
    """The report and its three tables as rows of cells ({text, header, colspan}), as printed."""
    db, report = await _report(datasette, report_id)
    active, requests, appeals = await table_values(db, report_id)
    grids = [layout.table2_grid(active, report["table2_template"]),
             layout.table3_grid(requests, report["table3_template"]), layout.table4_grid(appeals)]
    return report, [(f"{no}　{title}", grid_rows(grid, {})) for (no, title), grid in zip(TITLES, grids)]


def to_csv(report: dict, tables) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([report.get("title") or report.get("agency_name") or report["id"]])
    for title, rows in tables:
        w.writerow([])
        w.writerow([title])
        for row in rows:
            line = []
            for cell in row:
                v = cell_value(cell)
                line += [v] + [""] * (cell["colspan"] - 1)
            w.writerow(line)
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read the Chinese as UTF-8


def to_xlsx(report: dict, tables) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="F3F3F3")
    for title, rows in tables:
        ws = wb.create_sheet(title.split("　")[0])
        ws.cell(1, 1, title).font = Font(bold=True, size=12)
        ws.cell(2, 1, report.get("title") or report.get("agency_name") or report["id"])
        for r, row in enumerate(rows, start=4):
            c = 1
            for cell in row:
                x = ws.cell(r, c, cell_value(cell))
                x.border = border
                if cell["header"]:
                    x.fill, x.alignment = fill, Alignment(wrap_text=True, vertical="center")
                else:
                    x.number_format = "#,##0.##"
                if cell["colspan"] > 1:
                    ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + cell["colspan"] - 1)
                c += cell["colspan"]
        ws.column_dimensions["A"].width = 36
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _attachment(report: dict, ext: str) -> dict:
    name = f"{report['id']}-tables.{ext}"
    return {"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"}


async def tables_csv(request, datasette):
    report, tables = await report_tables(datasette, request.url_vars["report_id"])
    return Response(to_csv(report, tables), content_type="text/csv; charset=utf-8", headers=_attachment(report, "csv"))


async def tables_xlsx(request, datasette):
    report, tables = await report_tables(datasette, request.url_vars["report_id"])
    return Response(to_xlsx(report, tables), headers=_attachment(report, "xlsx"),
                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@hookimpl
def register_routes():
    return [
        (r"^/report/(?P<report_id>[0-9A-Za-z_-]{1,64})/tables\.csv$", tables_csv),
        (r"^/report/(?P<report_id>[0-9A-Za-z_-]{1,64})/tables\.xlsx$", tables_xlsx),
    ]
