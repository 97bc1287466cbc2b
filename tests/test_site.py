"""The public site on the sample reports: canned queries answer right, pages read in Chinese, nothing can be written."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from gkreport import template as T
from gkreport.regions import governments
from gkreport.site import build, inspect, load_metadata

from conftest import EXPECTED

CONTRACT = ["reports", "agencies", "active_disclosure", "request_stats", "appeal_stats", "sections", "checks",
            "request_rows", "active_items", "active_measures", "proceedings", "check_rules"]


@pytest.fixture(scope="module")
def ids(seed_db):
    """Sample file prefix (000…004) → report id."""
    conn = sqlite3.connect(seed_db)
    return {path.rsplit("/", 1)[-1][:3]: rid for rid, path in conn.execute("select id, source_path from reports")}


async def rows(app, query, **params):
    qs = "&".join(f"{k}={v}" for k, v in params.items())
    r = await app.client.get(f"/gkreport/{query}.json?_shape=array&{qs}")
    assert r.status_code == 200, r.text
    return r.json()


# --- canned queries: one test each, on rows -------------------------------------------------------------


async def test_litigation_by_agency(app, ids):
    got = await rows(app, "litigation_by_agency")
    assert [(r["年度"], r["机关"], r["行政诉讼数"], r["报告编号"]) for r in got] == [
        (2021, "殷都区人民政府办公室", 2, ids["002"])]
    assert await rows(app, "litigation_by_agency", year=2020) == []


async def test_refusal_reasons_by_year(app):
    got = await rows(app, "refusal_reasons_by_year")
    assert len(got) == 3 * 8  # three years, eight reasons each, in the template's order
    assert [r["不予公开理由"] for r in got[:8]] == [r.label for r in T.REQUEST_ROWS if r.category == "denied"]
    nonzero = [(r["年度"], r["不予公开理由"], r["件数"], r["占比百分比"]) for r in got if r["件数"]]
    assert nonzero == [(2021, "5.属于三类内部事务信息", 1, 100.0), (2020, "5.属于三类内部事务信息", 1, 100.0)]
    assert all(r["件数"] == 0 for r in await rows(app, "refusal_reasons_by_year", province="江西省"))


async def test_requests_by_agency(app, ids):
    latest = await rows(app, "requests_by_agency")
    assert [(r["排名"], r["机关"], r["本年新收申请"]) for r in latest] == [(1, "上犹县人民政府办公室", 7)]
    got = await rows(app, "requests_by_agency", year=2021)
    assert [(r["排名"], r["机关"], r["本年新收申请"]) for r in got] == [
        (1, "殷都区人民政府办公室", 7), (2, "上杭县人民政府办公室", 5), (3, "上高县行政服务中心管委会", 0)]


async def test_agency_history(app, ids):
    got = await rows(app, "agency_history", agency="上杭县")
    assert [(r["机关"], r["年度"], r["本年新收申请"], r["予以公开"], r["不予公开"], r["报告编号"]) for r in got] == [
        ("上杭县人民政府办公室", 2021, 5, 4, 1, ids["000"])]
    assert len(await rows(app, "agency_history", agency="县")) == 4  # every agency whose name has 县
    assert len(await rows(app, "agency_history")) == 1  # the default: one agency's history


async def test_grant_rate_by_region(app):
    # the samples are small: with the default minimum base of 30 every province is left out, and said to be
    assert await rows(app, "grant_rate_by_region") == []
    left = {r["地区"]: (r["办理总计"], r["公开率"], r["未列入的原因"]) for r in await rows(app, "grant_rate_by_region_left_out")}
    assert left == {"福建省": (13, "69.2%", "办理总计 13 件，不足最小基数 30"),
                    "河南省": (8, "100.0%", "办理总计 8 件，不足最小基数 30"),
                    "江西省": (7, "100.0%", "办理总计 7 件，不足最小基数 30")}
    html = (await app.client.get("/gkreport/grant_rate_by_region")).text
    assert "另有 3 个地区未列入排名——3 个分母不足 30" in html and "公开率 =（予以公开 + 部分公开）÷ 办理总计" in html
    got = {r["地区"]: (r["办理总计"], r["予以公开和部分公开"], r["公开率"], r["公开率百分比"])
           for r in await rows(app, "grant_rate_by_region", min_base=1)}
    assert got == {"福建省": (13, 9, "69.2%", 69.2), "河南省": (8, 8, "100.0%", 100.0), "江西省": (7, 7, "100.0%", 100.0)}
    fujian = (await rows(app, "grant_rate_by_region", min_base=1))[-1]
    assert (fujian["区间下限百分比"], fujian["区间上限百分比"]) == (42.4, 87.3)  # Wilson, 9 of 13
    cities = {r["地区"]: r["公开率百分比"] for r in await rows(app, "grant_rate_by_region", province="江西省", min_base=1)}
    assert cities == {"赣州市": 100.0}
    left = await rows(app, "grant_rate_by_region_left_out", province="江西省", min_base=1)
    assert [(r["地区"], r["公开率"], r["未列入的原因"]) for r in left] == [("宜春市", "无法计算", "无法计算（办理总计为 0）")]


async def test_grant_rate_by_region_left_out(app):
    """(the regions a ranking by 公开率 leaves out: tested with the ranking above)"""
    assert len(await rows(app, "grant_rate_by_region_left_out", min_base=9)) == 2  # 河南省 8, 江西省 7


async def test_correction_rate(app):
    got = {r["年度"]: r for r in await rows(app, "correction_rate")}
    assert set(got) == {2020, 2021, 2023}
    assert (got[2021]["行政诉讼"], got[2021]["诉讼纠正"], got[2021]["诉讼已审结"], got[2021]["诉讼纠错率百分比"],
            got[2021]["诉讼纠错率"]) == (2, 0, 2, 0.0, "0.0%")
    assert (got[2021]["诉讼区间下限百分比"], got[2021]["诉讼区间上限百分比"]) == (0.0, 65.8)  # Wilson, 0 of 2
    assert got[2021]["复议纠错率百分比"] is None and got[2021]["复议纠错率"] == "无法计算"  # no review concluded


async def test_failed_checks(app, ids):
    got = {r["报告编号"]: (r["问题数"], r["未通过的检查"]) for r in await rows(app, "failed_checks")}
    assert got == {ids["003"]: (21, "表三：缺少单元格"), ids["002"]: (2, got[ids["002"]][1]),
                   ids["001"]: (1, "表四：单元格数量")}
    assert set(got[ids["002"]][1].split(",")) == {"表二：空白单元格", "表三：缺少单元格"}
    only = await rows(app, "failed_checks", rule="t4_cell_count")
    assert [r["报告编号"] for r in only] == [ids["001"]]


async def test_fees_collected(app):
    got = [(r["年度"], r["省份"], r["填报的报告数"], r["收费金额合计万元"]) for r in await rows(app, "fees_collected")]
    # the 2019 format (将乐县, 2020) prints no amount: it is absent, not 0
    assert sorted(got) == [(2021, "江西省", 1, 0.0), (2021, "河南省", 1, 0.0), (2021, "福建省", 1, 0.0),
                           (2023, "江西省", 1, 0.0)]


async def test_normative_documents_in_force(app):
    got = [(r["机关"], r["现行有效件数"], r["本年制发件数"]) for r in await rows(app, "normative_documents_in_force")]
    # 殷都区's row could not be read (two numbers for three cells): it is left out, never guessed
    assert got == [("上杭县人民政府办公室", 361, 22), ("上犹县人民政府办公室", 35, 1), ("上高县行政服务中心管委会", 0, 0)]


async def test_search_narrative_default(app, ids):
    got = await rows(app, "search_narrative")  # default: 政策解读
    assert {r["报告编号"] for r in got} == {ids[k] for k in ("000", "001", "002", "004")}


async def test_reports_by_region(app):
    got = [(r["省份"], r["年度"], r["报告数"], r["通过检查"], r["有警告"]) for r in await rows(app, "reports_by_region")]
    assert got == [("江西省", 2023, 1, 1, 0), ("江西省", 2021, 1, 0, 1), ("河南省", 2021, 1, 0, 1),
                   ("福建省", 2021, 1, 1, 0), ("福建省", 2020, 1, 0, 1)]


async def test_applicants_by_type(app):
    got = {r["年度"]: (r["自然人"], r["总计"]) for r in await rows(app, "applicants_by_type")}
    assert got == {2023: (7, 7), 2021: (12, 12), 2020: (8, 8)}


async def test_outcomes_by_year(app):
    got = {(r["年度"], r["办理结果"]): (r["件数"], r["占比百分比"]) for r in await rows(app, "outcomes_by_year")}
    assert got[(2023, "予以公开")] == (6, 85.7) and got[(2023, "部分公开")] == (1, 14.3)
    assert got[(2021, "予以公开")] == (7, 53.8) and got[(2021, "不予公开")] == (1, 7.7)
    assert got[(2020, "无法提供")] == (2, 25.0)


async def test_common_checks(app):
    got = [(r["规则键"], r["次数"], r["报告数"]) for r in await rows(app, "common_checks")]
    assert got == [("t3_missing_cells", 22, 2), ("t2_blank_cells", 1, 1), ("t4_cell_count", 1, 1)]


async def test_like_for_like(app, years_db):
    assert await rows(app, "like_for_like") == []  # the samples: no agency has reports in two years
    years = build(years_db)
    got = [(r["年度"], r["机关数"], r["报告数"], r["本年新收申请"]) for r in await rows(years, "like_for_like")]
    assert got == [(2021, 1, 1, 5), (2023, 1, 1, 5)]  # only 上杭县, in both of the two latest years
    got = await rows(years, "like_for_like", year_from=2016, year_to=2021, province="福建省")
    assert [(r["年度"], r["机关数"]) for r in got] == [(2016, 1), (2021, 1)]


# --- the assessment's questions, on reports built for them (tests/assess_builder.py) ----------------------


async def test_missing_reports(assessed):
    app, ids = assessed
    got = await rows(app, "missing_reports", province="福建省")  # the latest year, governments
    names = {r["机关"] for r in got}
    assert got[0]["年度"] == 2024 and "福建省人民政府" in names and "厦门市人民政府" in names
    assert "武平县人民政府" not in names and "龙岩市人民政府" not in names  # both have a 2024 report
    assert len(got) == len(names) == sum(1 for g in governments() if g.province == "福建省") - 2
    earlier = {r["机关"]: r for r in await rows(app, "missing_reports", province="福建省", year=2021)}
    assert "龙岩市人民政府" in earlier and earlier["龙岩市人民政府"]["有报告的年度"] == "2024"
    bodies = await rows(app, "missing_reports", province="福建省", year=2023, kind="department")
    assert [r["机关"] for r in bodies] == ["武平县自然资源局"]  # expected since its first report, 2022


async def test_coverage_by_province(assessed):
    app, _ = assessed
    got = {(r["省份"], r["年度"]): r for r in await rows(app, "coverage_by_province")}
    fujian = sum(1 for g in governments() if g.province == "福建省")
    assert (got[("福建省", 2024)]["应当发布"], got[("福建省", 2024)]["已收录"]) == (fujian, 2)
    assert (got[("福建省", 2021)]["已收录"], got[("福建省", 2021)]["没有年报"]) == (1, fujian - 1)
    assert got[("江西省", 2024)]["已收录"] == 0


async def test_late_reports(assessed):
    app, ids = assessed
    got = await rows(app, "late_reports")
    assert [(r["报告编号"], r["逾期天数"], r["期限"]) for r in got] == [(ids[("武平县司法局", 2023)], 10, "2024-01-31")]
    assert await rows(app, "late_reports", year=2022) == []


async def test_copied_narrative(assessed):
    app, ids = assessed
    got = await rows(app, "copied_narrative")
    assert [(r["报告编号"], r["相同的报告编号"], r["与谁相同"], r["相似度"]) for r in got] == [
        (ids[("武平县自然资源局", 2022)], ids[("武平县司法局", 2022)], "其他机关同一年的报告", 1.0)]


async def test_unusual_jumps(assessed):
    app, ids = assessed
    got = await rows(app, "unusual_jumps")
    assert (ids[("武平县司法局", 2024)], 480, 6.0) in {(r["报告编号"], r["本年"], r["其他年度中位数"]) for r in got}
    assert {r["机关"] for r in got} == {"武平县司法局"} and {r["年度"] for r in got} == {2024}


async def test_metric_ranking(assessed):
    app, ids = assessed
    got = await rows(app, "metric_ranking")  # 公开率, the latest year, minimum base 30
    assert [(r["排名"], r["机关"], r["分子"], r["分母"], r["比率"]) for r in got] == [
        (1, "武平县司法局", 480, 480, "100.0%"), (2, "武平县人民政府", 25, 40, "62.5%")]
    assert (got[1]["区间下限"], got[1]["区间上限"]) == (0.4703, 0.7578)  # Wilson, 25 of 40, by hand
    assert [r["机关"] for r in await rows(app, "metric_ranking", min_base=41)] == ["武平县司法局"]
    full = await rows(app, "metric_ranking", metric="full_disclosure_rate", year=2023, min_base=1)
    assert [(r["比率名称"], r["分子"], r["分母"]) for r in full] == [("全部公开率", 6, 6), ("全部公开率", 20, 40)]
    # the reports built here leave the rows of 不予公开 out: a figure missing is no rate, never 0 %
    assert await rows(app, "metric_ranking", metric="refusal_rate", year=2023, min_base=1) == []
    html = (await app.client.get("/gkreport/metric_ranking")).text
    assert "另有 1 个机关未列入排名——1 个无法计算" in html
    html = (await app.client.get("/gkreport/metric_ranking?year=2023")).text
    assert "另有 1 个机关未列入排名——1 个分母不足 30" in html


async def test_metric_ranking_left_out(assessed):
    app, _ = assessed
    got = {r["机关"]: (r["分母"], r["比率"], r["未列入的原因"]) for r in await rows(app, "metric_ranking_left_out")}
    assert got == {"龙岩市人民政府": (0, "无法计算", "无法计算（分母为 0）")}
    more = {r["机关"]: r["未列入的原因"] for r in await rows(app, "metric_ranking_left_out", min_base=500)}
    assert more == {"龙岩市人民政府": "无法计算（分母为 0）", "武平县司法局": "分母 480，不足最小基数 500",
                    "武平县人民政府": "分母 40，不足最小基数 500"}


async def test_metric_by_year(assessed):
    app, _ = assessed
    got = {r["年度"]: r for r in await rows(app, "metric_by_year")}
    assert (got[2021]["分子"], got[2021]["分母"], got[2021]["比率"]) == (30, 45, "66.7%")
    assert got[2024]["公式"] == "公开率 =（予以公开 + 部分公开）÷ 办理总计"
    review = {r["年度"]: r["比率"] for r in await rows(app, "metric_by_year", metric="review_correction_rate")}
    assert set(review.values()) == {"无法计算"}  # no case decided in any year: never 0 % nor 100 %


async def test_compliance_ranking(assessed):
    app, ids = assessed
    got = await rows(app, "compliance_ranking", year=2023)
    assert [r["机关"] for r in got][-1] == "武平县司法局" and got[-1]["得分"] == 80
    assert (got[-1]["按时发布"], got[-1]["有联系方式"], got[-1]["得分点"]) == ("0 / 20", "10 / 10", "80 / 100")
    worst = await rows(app, "compliance_ranking", year=2023, order="asc")
    assert worst[0]["机关"] == "武平县司法局" and worst[0]["排名"] == 1
    copied = {r["机关"]: r for r in await rows(app, "compliance_ranking", year=2022)}
    assert copied["武平县自然资源局"]["正文不是照抄"] == "0 / 10" and copied["武平县司法局"]["正文不是照抄"] == "10 / 10"


def test_every_canned_query_is_tested_and_described():
    queries = load_metadata()["databases"]["gkreport"]["queries"]
    assert len(queries) >= 12
    tested = {name[len("test_"):] for name in globals() if name.startswith("test_")}
    assert set(queries) - {"search_narrative"} <= tested
    for q in queries.values():
        assert q["title"] and q["description"] and q["params"]


# --- metadata, pages -----------------------------------------------------------------------------------


def test_every_contract_table_and_column_has_a_chinese_label(seed_db):
    tables = load_metadata()["databases"]["gkreport"]["tables"]
    conn = sqlite3.connect(seed_db)
    for table in CONTRACT + ["report_figures", "region_totals", "request_totals", "appeal_totals", "regions"]:
        assert tables[table]["title"], table
        columns = [r[1] for r in conn.execute(f"pragma table_info([{table}])")]
        missing = [c for c in columns if not tables[table].get("columns", {}).get(c)]
        assert not missing, (table, missing)
    # the labels of table 3's and table 4's columns are the template's
    for key, label in T.APPLICANT_COLUMNS[:-1]:
        assert tables["request_stats"]["columns"][key].startswith(label)


async def test_home_page_is_chinese_with_search_and_queries(app):
    html = (await app.client.get("/")).text
    assert '<html lang="zh-CN">' in html and "政府信息公开工作年度报告数据库" in html
    assert 'action="/gkreport/search_narrative"' in html and "有行政诉讼的机关（按年度）" in html
    assert "共 <strong>5</strong> 份报告，来自 <strong>5</strong> 个机关，2020–2023 年度，涉及 <strong>3</strong> 个省份" in html


async def test_reports_table_opens_with_facets_and_labels(app):
    html = (await app.client.get("/gkreport/reports")).text
    for facet in ("year", "province", "level", "template", "status"):
        assert f'data-column="{facet}"' in html
    assert "福建省" in html and "年度：统计年度" in html
    r = await app.client.get("/gkreport/request_stats.json?_labels=on&_size=1&row_key=granted")
    assert r.json()["rows"][0]["row_key"] == {"value": "granted", "label": "（一）予以公开"}


async def test_report_page_lays_out_tables_and_marks_checked_cells(app, ids):
    html = (await app.client.get(f"/report/{ids['002']}")).text
    assert "殷都区人民政府办公室" in html and "三、收到和处理政府信息公开申请情况" in html
    assert "四、结转下年度继续办理" in html and "行政诉讼" in html
    # the check on request_stats.carried_forward marks that whole row: its seven cells
    flagged = html.count('data-location="request_stats.carried_forward.')
    marked = html.count('class="gk-flag" title="表三「四、结转下年度继续办理」')
    assert flagged == 7 and marked == 7
    assert 'data-location="request_stats.granted.total">3<' in html  # an unflagged cell, as printed
    # a whole-table location (appeal_stats) marks all 15 cells of 将乐县's table 4
    html = (await app.client.get(f"/report/{ids['001']}")).text
    assert html.count('class="gk-flag" title="表四') == 15
    assert "查看原文文件" in html


async def test_report_page_narrative_leaves_the_table_cells_to_the_drawn_tables(app, ids):
    for sample in ("000", "004"):  # a row per line, and a cell per line
        html = (await app.client.get(f"/report/{ids[sample]}")).text
        body = html[html.index("<h2>正文</h2>"):]
        assert "（统计表见上）" in body
        assert "行政规范性文件\t" not in body and "\t0\n" not in body
        assert "存在的主要问题及改进情况" in body  # the narrative itself stays


async def test_report_source_is_the_ingested_file(app, ids):
    r = await app.client.get(f"/report/{ids['000']}/source")
    assert r.status_code == 200 and "上杭县" in r.text
    assert (await app.client.get("/report/nonexistent")).status_code == 404


# --- JSON API, read-only and safe ---------------------------------------------------------------------


async def test_json_api_with_cors(app, ids):
    r = await app.client.get(f"/gkreport/reports/{ids['004']}.json?_shape=array")
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.json()[0]["agency_name"] == "上犹县人民政府办公室"


@pytest.mark.parametrize("sql", [
    "update reports set year = 1",
    "with x as (select 1) delete from reports",
    "attach database '/tmp/other.db' as other",
    "pragma query_only = 0",
    "select * from reports; drop table reports",
])
async def test_no_write_sql(app, sql):
    r = await app.client.get("/gkreport.json", params={"sql": sql})
    assert r.status_code in (400, 403), r.text
    count = await app.client.get("/gkreport.json?sql=select+count(*)+from+reports+where+year+%3E+1&_shape=array")
    assert list(count.json()[0].values()) == [5]


async def test_no_post(app):
    r = await app.client.post("/gkreport/litigation_by_agency", data={"year": "2021"})
    assert r.status_code == 405


async def test_select_sql_works_and_a_hostile_query_is_stopped(app):
    r = await app.client.get("/gkreport.json", params={"sql": "select count(*) as n from sections", "_shape": "array"})
    assert r.json() == [{"n": 35}]
    start = time.monotonic()
    r = await app.client.get("/gkreport.json", params={
        "sql": "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"})
    assert r.status_code == 400 and "interrupted" in r.text.lower()
    assert time.monotonic() - start < 10
    r = await app.client.get("/gkreport.json", params={"sql": "select length(zeroblob(100000000))"})
    assert r.status_code == 400


def test_inspect_file_is_written_once(seed_db):
    data = inspect(seed_db)
    assert data["gkreport"]["tables"]["reports"]["count"] == 5
    cache = Path(str(seed_db) + ".inspect.json")
    assert json.loads(cache.read_text())["inspect"] == data


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(cwd: Path, db: str) -> tuple[subprocess.Popen, str]:
    """`gkreport serve` as a user runs it, on a free port; returns once it answers."""
    port = _free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "gkreport.cli", "serve", "--db", db, "--port", str(port)],
                            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stdout.read())
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=2)
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("gkreport serve did not start")


def serve_folder(folder: Path) -> tuple[subprocess.Popen, str]:
    """A plain static server on a free port of loopback: a page of another site, in the browser tests."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return proc, url


def test_serve_from_any_folder_ingests_the_bundled_reports(tmp_path):
    proc, url = start_server(tmp_path, "site.db")
    try:
        data = json.load(urllib.request.urlopen(url + "/gkreport/reports.json?_shape=array&_col=source_path"))
        assert sorted(r["source_path"] for r in data) == sorted(
            f"data/reports/{c['file']}" for c in EXPECTED["reports"])
        assert (tmp_path / "site.db.inspect.json").exists()
    finally:
        proc.terminate()
        proc.wait(10)


async def test_question_page_reads_in_chinese(app):
    html = (await app.client.get("/gkreport/requests_by_agency?year=2021")).text
    assert "收到申请最多的机关" in html and '<label for="qp1">年度</label>' in html and "查询结果：3 行" in html
    assert "select row_number()" not in html  # the answer first; the SQL one click away
    assert "殷都区人民政府办公室" in html and ">首页</a>" in html


def test_prepare_upgrades_an_older_database_and_leaves_a_current_one_alone(tmp_path):
    from gkreport.ingest import ingest
    from gkreport.site import prepare

    from conftest import REPORTS

    db = tmp_path / "old.db"
    ingest([REPORTS], db)
    conn = sqlite3.connect(db)
    conn.executescript("drop table sections_fts; drop table derived_tables; drop table report_figures;")
    conn.close()
    prepare(db, echo=lambda line: None)
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from report_figures").fetchone() == (5,)
    assert conn.execute("select count(*) from sections_fts where sections_fts match '\"疫情\"'").fetchone() == (1,)
    conn.close()
    before = db.stat().st_mtime_ns
    prepare(db, echo=lambda line: None)
    assert db.stat().st_mtime_ns == before


async def test_database_and_row_pages_read_in_chinese(app, ids):
    html = (await app.client.get("/gkreport")).text
    assert "表三 收到和处理政府信息公开申请情况" in html and "现成的查询" in html and "下载整个 SQLite 数据库" in html
    html = (await app.client.get(f"/gkreport/reports/{ids['000']}")).text
    assert "其他表中引用这一行的记录" in html and f'href="/report/{ids["000"]}"' in html


def test_a_check_marks_its_table_row_or_cell():
    from datasette_plugins.report_page import flags_for, grid_rows
    from gkreport import layout

    def marked(location):
        checks = [{"location": location, "severity": "warning", "message": "说明"}]
        rows = grid_rows(layout.table3_grid({}, "2021"), flags_for(checks))
        return sorted(c["location"] for row in rows for c in row if c["flagged"])

    assert marked("request_stats.granted.total") == ["request_stats.granted.total"]
    assert marked("request_stats.granted") == sorted(f"request_stats.granted.{k}" for k in T.APPLICANT_KEYS)
    assert len(marked("request_stats")) == len(T.request_rows_for("2021")) * len(T.APPLICANT_KEYS)
    assert marked("appeal_stats") == []
