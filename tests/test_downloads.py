"""Downloads (datasette_plugins/downloads.py): a report's three tables as CSV and XLSX, laid out as printed."""

import csv
import io
import sqlite3

import pytest



@pytest.fixture(scope="module")
def shanghang(seed_db):
    conn = sqlite3.connect(seed_db)
    return conn.execute("select report_id from report_figures where agency_name = '上杭县人民政府办公室'").fetchone()[0]


async def test_report_page_links_its_downloads(app, shanghang):
    html = (await app.client.get(f"/report/{shanghang}")).text
    assert f'href="/report/{shanghang}/tables.csv"' in html and f'href="/report/{shanghang}/tables.xlsx"' in html
    assert "该机关历年图表" in html


async def test_csv_has_the_three_tables_as_printed(app, shanghang):
    r = await app.client.get(f"/report/{shanghang}/tables.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    titles = [row[0] for row in lines if row and row[0].startswith("表")]
    assert titles == ["表二　主动公开政府信息情况", "表三　收到和处理政府信息公开申请情况",
                      "表四　政府信息公开行政复议、行政诉讼情况"]
    header = next(row for row in lines if row and row[0] == "项目")
    assert header[1] == "自然人" and header[-1] == "总计"
    granted = next(row for row in lines if row and row[0] == "（一）予以公开")
    assert granted[-1] == "4"  # 上杭县 granted 4 of its 5 requests
    table4 = lines[lines.index(["表四　政府信息公开行政复议、行政诉讼情况"]) + 1:]
    assert table4[0][0] == "行政复议" and table4[0][5] == "行政诉讼" and len(table4[-1]) == 15


async def test_xlsx_has_one_sheet_per_table_with_numbers_and_merged_headers(app, shanghang):
    from openpyxl import load_workbook

    r = await app.client.get(f"/report/{shanghang}/tables.xlsx")
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["表二", "表三", "表四"]
    t3 = wb["表三"]
    cells = {row[0].value: [c.value for c in row] for row in t3.iter_rows(min_row=4)}
    granted = next(v for k, v in cells.items() if k == "（一）予以公开")
    assert granted[-1] == 4 and isinstance(granted[-1], int)
    t4 = wb["表四"]
    assert t4.cell(4, 1).value == "行政复议" and t4.cell(4, 6).value == "行政诉讼"
    assert "A4:E4" in {str(m) for m in t4.merged_cells.ranges}
    assert (await app.client.get("/report/nothing/tables.xlsx")).status_code == 404
