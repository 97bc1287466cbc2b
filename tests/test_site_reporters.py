"""The site as a newsroom uses it: names instead of ids, forms that offer what exists, downloads that open
in Excel, every page as JSON (and the README's JSON examples all true), the report page's table 3 and
checks, search past 50 passages, and a home page that says what is here."""

from __future__ import annotations

import csv
import io
import re
import shlex
import sqlite3
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from gkreport import template as T
from gkreport.site import build, load_metadata

from datasette_plugins.charts import QUERIES as CHART_QUERIES
from datasette_plugins.check_advice import ADVICE
from datasette_plugins.ui import size_text

README = Path(__file__).resolve().parent.parent / "README.md"
HEX_ID = re.compile(r"(?<![0-9A-Za-z])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{12,16}(?![0-9A-Za-z])")


@pytest.fixture(scope="module")
def db(seed_db):
    conn = sqlite3.connect(seed_db)
    conn.row_factory = sqlite3.Row
    return conn


@pytest.fixture(scope="module")
def shanggao(db):
    """上高县's report: 21 problems with table 3, a table 3 in the 2019 format, and a hint."""
    return dict(db.execute("select * from reports where agency_name like '上高县%'").fetchone())


def shown_text(html: str) -> str:
    """What a reader sees of a page: no tags, no attributes, no scripts or styles, no code and no small print."""
    html = re.sub(r"(?is)<(script|style|code|small|textarea|pre)\b.*?</\1>", " ", html)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"(?:https?://)?[\w.-]*/[\w./~%?=&+-]*", " ", text)  # addresses and file paths


# --- names, not ids ------------------------------------------------------------------------------------


async def test_reports_and_agencies_are_listed_by_name_linking_to_their_pages(app, db):
    report = db.execute("select id, title, agency_id, agency_name from reports where id in (select report_id from checks) "
                        "limit 1").fetchone()
    html = (await app.client.get("/gkreport/reports")).text
    assert f'<a href="/report/{report["id"]}" title="{report["id"]}">{report["title"]}</a>' in html
    assert f'<a href="/-/agency/{report["agency_id"]}" title="{report["agency_id"]}">{report["agency_name"]}</a>' in html
    html = (await app.client.get("/gkreport/checks")).text  # a report's checks: the report by its title
    assert f'href="/report/{report["id"]}"' in html and "<em>" not in html
    html = (await app.client.get("/gkreport/agencies")).text  # an agency's region: by name, linking to it
    code, name = db.execute("select r.code, r.name from agencies a join regions r on r.code = a.adcode").fetchone()
    assert f'<a href="/gkreport/regions/{code}" title="{code}">{name}</a>' in html
    for path in ("/gkreport/reports", "/gkreport/checks", "/gkreport/request_stats", "/gkreport/report_figures",
                 "/gkreport/agencies", "/gkreport/sections", f"/gkreport/reports/{report['id']}", "/-/agency/"
                 + report["agency_id"], f"/report/{report['id']}"):
        assert not HEX_ID.findall(shown_text((await app.client.get(path)).text)), path


async def test_question_results_link_names_and_keep_ids_in_the_links(app, db):
    yindu = db.execute("select id, agency_id from reports where agency_name like '殷都区%'").fetchone()
    html = (await app.client.get("/gkreport/litigation_by_agency")).text
    assert f'<a href="/-/agency/{yindu["agency_id"]}" title="{yindu["agency_id"]}">殷都区人民政府办公室</a>' in html
    assert f'<a href="/report/{yindu["id"]}" title="{yindu["id"]}">查看报告</a>' in html
    assert ">机关编号<" not in html and not HEX_ID.findall(shown_text(html))
    rows = (await app.client.get("/gkreport/litigation_by_agency.json?_shape=array")).json()
    assert rows[0]["机关编号"] == yindu["agency_id"] and rows[0]["报告编号"] == yindu["id"]  # the JSON keeps them
    html = (await app.client.get("/gkreport", params={"sql": "select report_id, count(*) as n from checks group by 1"})).text
    assert f'href="/report/{yindu["id"]}"' in html and not HEX_ID.findall(shown_text(html))


async def test_coded_values_read_in_chinese(app):
    html = (await app.client.get("/gkreport/reports")).text
    assert '<span class="gk-code" title="county">县级</span>' in html and '<span class="gk-code" title="warning">有警告</span>' in html
    facets = html[html.index('class="facet-results"'):]
    assert "县级" in facets and "有警告" in facets and ">county<" not in facets
    html = (await app.client.get("/gkreport/checks")).text
    assert '<span class="gk-code" title="request_stats.carried_forward">表三「四、结转下年度继续办理」一行</span>' in html
    assert ">rule<" not in html and "检查规则" in html or "规则" in html


# --- forms offer what exists ---------------------------------------------------------------------------


async def test_question_forms_offer_the_values_that_exist(app, db):
    html = (await app.client.get("/gkreport/requests_by_agency")).text
    years = [str(y) for (y,) in db.execute("select distinct year from reports order by year desc")]
    assert re.findall(r'<option value="(\d{4})"', html) == years
    provinces = sorted(p for (p,) in db.execute("select distinct province from reports"))
    select = html[html.index('name="province"'):]
    assert re.findall(r'<option value="([^"]+)"', select.split("</select>")[0]) == provinces
    html = (await app.client.get("/gkreport/failed_checks")).text
    rules = html[html.index('name="rule"'):].split("</select>")[0]
    assert len(re.findall(r'<option value="[a-z0-9_]+"', rules)) == len(T.RULES) and "表三：缺少单元格" in rules
    formats = html[html.index('name="template"'):].split("</select>")[0]
    assert ">2021 年格式<" in formats and ">2019 年试行格式<" in formats
    html = (await app.client.get("/gkreport/refusal_reasons_by_year")).text
    assert ">县级<" in html[html.index('name="level"'):].split("</select>")[0]


async def test_a_value_not_accepted_gets_a_message_saying_what_is(app):
    html = (await app.client.get("/gkreport/requests_by_agency?year=abc")).text
    assert "年度「abc」无法识别，应为四位数的年份，如 2021。数据中有：2023、2021、2020。" in html
    html = (await app.client.get("/gkreport/requests_by_agency?year=2019")).text
    assert "数据中没有年度为「2019」的报告。有：2023、2021、2020" in html
    r = await app.client.get("/gkreport/requests_by_agency.json?year=abc")
    assert r.status_code == 400 and r.json()["parameters"] == ["year"] and "四位数的年份" in r.json()["error"]
    r = await app.client.get("/gkreport/refusal_reasons_by_year.json?level=villages")
    assert r.status_code == 400 and "county（县级）" in r.json()["error"]
    r = await app.client.get("/gkreport/failed_checks.csv?rule=no_such_rule")
    assert r.status_code == 400
    assert (await app.client.get("/gkreport/requests_by_agency.json?year=2019&_shape=array")).json() == []
    assert (await app.client.get("/gkreport/refusal_reasons_by_year.json?level=county")).status_code == 200


# --- downloads -----------------------------------------------------------------------------------------


def offered_csv(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*\.csv[^"]*)"', html)]


async def test_every_csv_offered_is_a_file_with_a_bom(app, shanggao):
    pages = ["/gkreport/reports", "/gkreport/checks?report_id=" + shanggao["id"], "/gkreport/requests_by_agency",
             "/gkreport/refusal_reasons_by_year?province=江西省", "/gkreport?sql=select+year+from+reports",
             f"/report/{shanggao['id']}"]
    links = set()
    for path in pages:
        found = offered_csv((await app.client.get(path)).text)
        assert found, path
        links |= set(found)
    chart = (await app.client.get("/-/overview.json")).json()["charts"][0]
    links.add(chart["csv"])  # what a chart offers under it (gk-charts.js builds the same address)
    for link in links:
        r = await app.client.get(link)
        assert r.status_code == 200, link
        assert r.content.startswith(b"\xef\xbb\xbf"), link
        assert r.headers["content-type"] == "text/csv; charset=utf-8", link
        assert r.headers["content-disposition"].startswith("attachment; filename="), link
        assert "filename*=UTF-8''" in r.headers["content-disposition"], link
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert len(rows) >= 2, link


async def test_streamed_csv_also_starts_with_the_bom(app):
    r = await app.client.get("/gkreport/sections.csv?_stream=1&_size=max")
    assert r.content.startswith(b"\xef\xbb\xbf") and r.content.count(b"\xef\xbb\xbf") == 1
    assert r.content.decode("utf-8-sig").count("\n") > 35


async def test_every_ready_made_question_and_chart_offers_xlsx(app):
    from openpyxl import load_workbook

    queries = {**load_metadata()["databases"]["gkreport"]["queries"], **CHART_QUERIES}
    for name, query in queries.items():
        html = (await app.client.get(f"/gkreport/{name}")).text
        data = (await app.client.get(f"/gkreport/{name}.json")).json()
        assert f'href="/gkreport/{name}.xlsx' in html or not data["rows"], name  # offered beside any answer
        r = await app.client.get(f"/gkreport/{name}.xlsx")
        assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"], name
        assert "attachment" in r.headers["content-disposition"], name
        sheet = load_workbook(io.BytesIO(r.content)).active
        assert sheet.cell(1, 1).value == query["title"]
        assert [c.value for c in sheet[3]][:len(data["columns"])] == data["columns"], name
        got = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
        assert got == [list(r) for r in data["rows"]], name  # numbers stay numbers
    overview = (await app.client.get("/-/overview")).text
    assert "gk-charts.js" in overview  # the charts' foot links .xlsx of their question (gk-charts.js)
    js = (await app.client.get("/-/charts/gk-charts.js")).text
    assert 'class="gk-chart-xlsx"' in js


async def test_numbers_are_marked_to_be_right_aligned(app):
    html = (await app.client.get("/gkreport/requests_by_agency?year=2021")).text
    cells = re.findall(r'<td class="col-[^" ]+( gk-num)?">(.*?)</td>', html, flags=re.S)
    assert (" gk-num", "7") in cells and (" gk-num", "2021") in cells
    assert not [v for num, v in cells if "殷都区" in v and num]  # a name is not a number
    assert 'class="col-year type-int"' in (await app.client.get("/gkreport/reports")).text
    css = (await app.client.get("/gk-static/gk.css")).text
    assert re.search(r"td\.type-int[^{]*td\.gk-num[^{]*\{ text-align: right;", css)


# --- every page as JSON, as the README says ------------------------------------------------------------


def readme_requests() -> list[str]:
    """Every address the README's curl examples fetch, with their -d and --data-urlencode parameters."""
    out = []
    for line in README.read_text(encoding="utf-8").splitlines():
        if not line.startswith("curl ") or "$SITE" not in line and "127.0.0.1:8001" not in line:
            continue
        words = shlex.split(line.split("#")[0] if " # " in line else line)
        url = next(w for w in words if "$SITE" in w or "127.0.0.1:8001" in w)
        url = url.replace("$SITE", "").replace("http://127.0.0.1:8001", "")
        params = [words[i + 1] for i, w in enumerate(words) if w in ("-d", "--data-urlencode")]
        if params:
            url += ("&" if "?" in url else "?") + urlencode(parse_qsl("&".join(params)))
        out.append(url)
    return out


async def test_every_json_example_of_the_readme_answers(app, db):
    """The README's ids are those of the sample reports, which a fresh `gkreport serve` ingests."""
    requests = readme_requests()
    assert len(requests) >= 25
    for url in requests:
        path = urlsplit(url).path
        r = await app.client.get(url)
        assert r.status_code == 200, (url, r.text[:200])
        assert r.headers.get("access-control-allow-origin") == "*", (url, r.headers)
        if path.endswith(".csv"):
            assert r.content.startswith(b"\xef\xbb\xbf"), url
            continue
        if path.endswith(".xlsx"):
            assert r.content.startswith(b"PK"), url
            continue
        data = r.json()
        assert data or data == [], url
    for address in re.findall(r'src="https://SITE(/[^"]+)"', README.read_text(encoding="utf-8")):  # the embeds
        assert (await app.client.get(address)).status_code == 200, address
    ids = re.findall(r"/report/([0-9a-f]{16})", README.read_text(encoding="utf-8"))
    known = {r[0] for r in db.execute("select id from reports")}
    assert ids and set(ids) <= known


async def test_every_page_answers_as_json_with_dot_json(app, db):
    report, agency = db.execute("select id, agency_id from reports limit 1").fetchone()
    for page in ["/", "/gkreport", "/gkreport/reports", f"/gkreport/reports/{report}", "/gkreport/requests_by_agency",
                 f"/report/{report}", f"/-/agency/{agency}", "/-/overview", f"/-/embed/agency/{agency}",
                 "/-/embed/chart/year_totals"]:
        r = await app.client.get(("" if page == "/" else page) + ".json" if page != "/" else "/.json")
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), page
        assert r.headers["access-control-allow-origin"] == "*", page
    data = (await app.client.get(f"/report/{report}.json")).json()
    assert data["report"]["id"] == report and set(data["tables"]) == {"table2", "table3", "table4"}
    agency_data = (await app.client.get(f"/-/agency/{agency}.json")).json()
    assert agency_data["agency"]["id"] == agency and agency_data["reports"][0]["report_id"]
    overview = (await app.client.get("/-/overview.json")).json()
    assert [c["chart"] for c in overview["charts"]] == ["year_totals", "refusal_reasons", "top_regions"]
    assert sum(r["报告数"] for r in overview["charts"][0]["rows"]) == 5
    assert (await app.client.get("/report/0000000000000000.json")).status_code == 404


# --- the report page -----------------------------------------------------------------------------------


async def test_table_3_is_laid_out_with_its_group_headings(app, db):
    html = (await app.client.get("/report/" + db.execute(
        "select id from reports where table3_template = '2021' limit 1").fetchone()[0])).text
    table3 = html[html.index("表三　收到和处理政府信息公开申请情况"):html.index("表四　")]
    results = [r for r in T.request_rows_for("2021") if T.REQUEST_ROW_BY_KEY[r].group]
    assert f'<th rowspan="{len(results)}">三、本年度办理结果</th>' in table3
    assert '<th rowspan="8">（三）不予公开</th>' in table3 and '<th rowspan="3">（四）无法提供</th>' in table3
    assert '<th rowspan="5">（五）不予处理</th>' in table3 and '<th rowspan="3">（六）其他处理</th>' in table3
    assert '<th colspan="3" rowspan="3">项目</th>' in table3 and '<th colspan="5">法人或其他组织</th>' in table3
    assert '<th>2.重复申请</th>' in table3  # under its group heading, as printed
    assert table3.count('<td ') == len(T.request_rows_for("2021")) * 7
    html_2019 = (await app.client.get("/report/" + db.execute(
        "select id from reports where table3_template = '2019' limit 1").fetchone()[0])).text
    table3 = html_2019[html_2019.index("表三　收到"):html_2019.index("表四　")]
    assert '<th colspan="2">（六）其他处理</th>' in table3  # one row in the 2019 format


async def test_checks_are_grouped_counted_alike_and_say_what_to_do(app, shanggao):
    html = (await app.client.get(f"/report/{shanggao['id']}")).text
    assert "检查发现的问题（21 个）" in html and shanggao["warning_count"] == 21
    assert html.count('<li class="gk-check-warning">') == 1  # 21 rows, one rule: one line
    line = html[html.index('<li class="gk-check-warning">'):]
    assert "表三：缺少单元格</strong>（21 处：表三「（一）予以公开」、" in line and "各一行）" in line
    assert "怎么办：" + ADVICE["t3_missing_cells"] in line
    assert "另有 1 条提示（不算问题）" in html and "表格格式不一致" in html
    failed = (await app.client.get("/gkreport/failed_checks.json?_shape=array")).json()
    assert next(r["问题数"] for r in failed if r["报告编号"] == shanggao["id"]) == 21
    data = (await app.client.get(f"/report/{shanggao['id']}.json")).json()
    assert data["checks"]["problem_count"] == 21 and data["checks"]["hint_count"] == 1
    common = (await app.client.get("/gkreport/common_checks.json?_shape=array")).json()
    total = (await app.client.get("/gkreport.json", params={
        "sql": "select sum(warning_count) as n from reports", "_shape": "array"})).json()[0]["n"]
    assert sum(r["次数"] for r in common) == total  # every page counts problems the same way


def test_every_rule_says_what_a_reader_should_do():
    for rule in T.RULES:
        assert len(re.findall(r"[\u4e00-\u9fff]", ADVICE.get(rule.key, ""))) >= 15, rule.key


# --- search past 50 passages ---------------------------------------------------------------------------


async def test_search_pages_past_50_passages_and_says_how_many(years_db):
    app = build(years_db)
    conn = sqlite3.connect(years_db)
    total = conn.execute("select count(*) from sections_fts where sections_fts match '\"公开\"'").fetchone()[0]
    assert total > 50
    html = (await app.client.get("/gkreport/search_narrative?q=公开")).text
    assert f"共 {total} 段正文含有“公开”，这是第 1–50 段" in html
    assert 'href="/gkreport/search_narrative?q=%E5%85%AC%E5%BC%80&amp;page=2" rel="next"' in html
    first = (await app.client.get("/gkreport/search_narrative.json?q=公开&_shape=array")).json()
    second = (await app.client.get("/gkreport/search_narrative.json?q=公开&page=2&_shape=array")).json()
    assert len(first) == 50 and len(second) == total - 50
    key = lambda r: (r["报告编号"], r["章节"], r["摘录"])  # noqa: E731
    assert not {key(r) for r in first} & {key(r) for r in second}
    html = (await app.client.get("/gkreport/search_narrative?q=公开&page=2")).text
    assert f"这是第 51–{total} 段" in html and 'rel="prev"' in html and 'rel="next"' not in html


# --- the home page -------------------------------------------------------------------------------------


async def test_home_page_says_what_how_much_and_where_to_start(app, db, seed_db):
    html = (await app.client.get("/")).text
    intro = shown_text(html[html.index('<div class="gk-intro">'):html.index("</div>", html.index('class="gk-intro"'))])
    lines = [line.strip() for line in intro.split("\n") if line.strip().startswith(("这是什么", "有多少", "从哪里开始"))]
    assert len(lines) == 3
    reports, agencies, provinces = db.execute(
        "select count(*), count(distinct agency_id), count(distinct province) from reports").fetchone()
    assert f"共 {reports} 份报告，来自 {agencies} 个机关，2020–2023 年度，涉及 {provinces} 个省份" in re.sub(r"\s+", " ", intro)
    for href in ('href="/-/ask"', 'href="/gkreport/reports"', 'href="/gkreport/search_narrative"',
                 'href="/gkreport.db"'):
        assert href in html[html.index('class="gk-intro"'):], href
    size = Path(seed_db).stat().st_size
    assert size_text(size) in intro and re.search(r"\d{4}-\d{2}-\d{2} 生成", intro)
    assert str(Path(seed_db).parent) not in html and "seeds.db" not in html  # never where the file lies
    r = await app.client.get("/gkreport.db")
    assert r.status_code == 200 and r.content == Path(seed_db).read_bytes()


async def test_errors_read_in_chinese_with_datasettes_words_after(app):
    r = await app.client.get("/gkreport/no_such_table")
    assert r.status_code == 404 and "<h1>找不到页面</h1>" in r.text
    assert '没有这张表<br><small lang="en">Table not found</small>' in r.text
    html = (await app.client.get("/gkreport", params={"sql": "select missing_column from reports"})).text
    assert '没有名为「missing_column」的列<br><small lang="en">no such column: missing_column</small>' in html
    html = (await app.client.get("/gkreport", params={"sql": "delete from reports"})).text
    assert "只能执行 SELECT 查询（只读）" in html


def test_translated_templates_follow_the_installed_datasette():
    """Each Datasette template the site overrides (and each script copied from it) says which version it
    was translated from; when Datasette is upgraded this fails until each is compared with the new one."""
    import datasette
    from datasette.version import __version__

    ours = Path(__file__).resolve().parent.parent / "datasette_plugins"
    upstream = Path(datasette.__file__).parent / "templates"
    overrides = [p for p in (ours / "templates").glob("*.html") if (upstream / p.name).exists() and p.name != "index.html"]
    assert len(overrides) >= 12
    copies = [ours / "static" / name for name in ("datasette-table.js", "close-menus.js", "sql-editor.js")]
    for path in overrides + copies:
        assert f"Datasette {__version__}'s" in path.read_text(encoding="utf-8").split("\n", 2)[0], path.name
