"""The parts of `gkreport collect` that the county fixture (test_collect.py) does not reach:
titles, pagers and layouts of other CMS, charsets, robots.txt answers, file names, the URL
file, and the HTTP layer against a real server on 127.0.0.1 (Retry-After, Crawl-delay,
compressed bombs, redirect chains, conditional requests)."""

from __future__ import annotations

import gzip
import sqlite3
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from gkreport.collect import Collector, read_file
from gkreport.collect.article import holds_report, read_article
from gkreport.collect.decode import decode_page
from gkreport.collect.fetch import Fetcher, FetchError
from gkreport.collect.files import answer_kind, path_for
from gkreport.collect.listing import other_pages, report_links
from gkreport.collect.robots import from_answer
from gkreport.collect.titles import is_report_title, may_be_report_file, report_year

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_site import report_docx, report_html, sample, zip_of  # noqa: E402

# ---------------------------------------------------------------- titles


@pytest.mark.parametrize("title", [
    "上杭县人民政府办公室2021年政府信息公开工作年度报告",
    "上杭县教育局2021年政府信息公开工作...",  # cut short, with the year
    "2022年度政府信息公开工作年度报告",
    "将乐县二〇二〇年政府信息公开工作年度报告.pdf",
    "殷都区2021年政府信息公开年报",
    "上犹县营前镇人民政府2023年政务公开工作年度报告",
    "上杭县2021年政府信息公开工作年度报告（更正版）",
])
def test_report_titles(title):
    assert is_report_title(title)


@pytest.mark.parametrize("title", [
    "关于做好2021年政府信息公开工作年度报告编制发布工作的通知",
    "中华人民共和国政府信息公开工作年度报告格式",
    "上杭县2021年法治政府建设年度报告",
    "将乐县人民政府办公室关于开展2019年度政府网站工作年度报表发布工作的通知",
    "图解：上杭县2021年政府信息公开工作年度报告",
    "政府信息公开工作年度报告",  # no year: which one is it?
    "上杭县2022年政务公开工作要点",
])
def test_not_report_titles(title):
    assert not is_report_title(title)


def test_year_in_chinese_numerals():
    assert report_year("将乐县二〇二〇年政府信息公开工作年度报告") == 2020
    assert report_year("上杭县2021年政府信息公开工作年度报告") == 2021


def test_attachment_texts():
    assert may_be_report_file("点击下载")
    assert may_be_report_file("附件：P020220128587120345678.pdf")
    assert may_be_report_file("上杭县教育局2021年政府信息公开工作年度报告.pdf")
    assert not may_be_report_file("中华人民共和国政府信息公开工作年度报告格式.docx")
    assert not may_be_report_file("政府信息公开申请表.doc")


# ---------------------------------------------------------------- list pages


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def test_report_links_take_the_full_title_and_the_date():
    html = """<ul>
      <li><a href="./202201/t1.htm" title="上杭县教育局2021年政府信息公开工作年度报告">上杭县教育局2021年政府信息公开工...</a><span>2022-01-28</span></li>
      <li><span class="date">[2022年1月25日]</span><a href="/f/a.pdf">上高县财政局2021年政府信息公开工作年度报告.pdf</a></li>
      <li><a href="./202112/t2.htm" title="关于做好2021年政府信息公开工作年度报告编制发布工作的通知">关于做好2021年政府信息公开工作年度报告编...</a></li>
      <li><a href="./202201/t3.htm">上杭县卫生健康局2021年政府信息公开工作...</a>2022-01-24</li>
      <li><a href="./202112/t4.htm">上杭县2021年政府信息公开工作年度报告编...</a></li>
    </ul>"""
    links = report_links(soup(html), "http://a.gov.cn/xxgk/gknb/index.html")
    assert [(k.url, k.role, k.title, k.listed_date) for k in links] == [
        ("http://a.gov.cn/xxgk/gknb/202201/t1.htm", "article", "上杭县教育局2021年政府信息公开工作年度报告", "2022-01-28"),
        ("http://a.gov.cn/f/a.pdf", "document", "上高县财政局2021年政府信息公开工作年度报告", "2022-01-25"),
        # cut short without a title=: read when the cut is inside the report's name, not after it
        ("http://a.gov.cn/xxgk/gknb/202201/t3.htm", "article", "上杭县卫生健康局2021年政府信息公开工作", "2022-01-24"),
    ]


def test_prev_and_next_links_of_an_article_are_not_followed_as_a_list():
    html = ('<div><p>上一篇：<a href="t1.htm">上杭县教育局2021年政府信息公开工作年度报告</a></p>'
            '<p>下一篇：<a href="t2.htm">上杭县卫生健康局2021年政府信息公开工作年度报告</a></p></div>')
    assert report_links(soup(html), "http://a.gov.cn/x/t0.htm") == []


def test_pager_links_of_the_same_list_only():
    base = "http://a.gov.cn/xxgk/gknb/index.html"
    html = """<div class="page"><a href="index.html">首页</a><a href="index_1.html">2</a><a href="index_2.html">下一页</a>
      <a href="/zwgk/index_1.html">下一页</a><a href="http://b.gov.cn/xxgk/gknb/index_1.html">2</a>
      <a href="index_1.html">政府信息公开指南</a></div>"""
    assert other_pages(soup(html), base, html) == [
        "http://a.gov.cn/xxgk/gknb/index_1.html", "http://a.gov.cn/xxgk/gknb/index_2.html"]
    q = "http://b.gov.cn/channels/3619.html"
    html = '<a href="/channels/3619.html?page=2">2</a><a href="/channels/3619.html?page=3">尾页</a><a href="/channels/3620.html">3</a>'
    assert other_pages(soup(html), q, html) == [q + "?page=2", q + "?page=3"]


def test_a_pager_written_by_a_script_gives_its_pages():
    base = "http://a.gov.cn/xxgk/gknb/index.html"
    html = '<div id="page"><script>createPageHTML(4, 0, "index", "html");</script></div>'
    assert other_pages(soup(html), base, html) == [f"http://a.gov.cn/xxgk/gknb/index_{n}.html" for n in (1, 2, 3)]


def test_a_hanweb_list_kept_as_xml_in_a_script():
    html = """<div id="4621"><script type="text/xml"><datastore><recordset>
      <record><![CDATA[<li><a href="/art/2021/1/29/art_3862_2587123.html" title="将乐县2020年政府信息公开工作年度报告">将乐县2020年政府信息公开工作年度报告</a><span>2021-01-29</span></li>]]></record>
      <record><![CDATA[<li><a href="/art/2021/3/5/art_3862_2601450.html">将乐县2021年政务公开工作要点</a></li>]]></record>
    </recordset></datastore></script></div>"""
    links = report_links(soup(html), "http://www.jiangle.gov.cn/col/col3862/index.html")
    assert [(k.url, k.listed_date) for k in links] == [
        ("http://www.jiangle.gov.cn/art/2021/1/29/art_3862_2587123.html", "2021-01-29")]


# ---------------------------------------------------------------- article pages

REPORT_TEXT = sample("000")


@pytest.mark.parametrize("wrapper", [
    '<div class="TRS_Editor">{}</div>', '<td id="zoom">{}</td>', '<div id="ivs_content">{}</div>',
    '<div class="xxgk_content">{}</div>', '<div class="TRS_Editor"><div class="Custom_UnionStyle">{}</div></div>',
])
def test_the_report_inside_a_cms_container_is_the_page_kept(wrapper):
    body = wrapper.format(report_html(REPORT_TEXT))
    page = f"""<html><head><meta name="ArticleTitle" content="上杭县人民政府办公室2021年政府信息公开工作年度报告"></head>
      <body><div class="nav"><a href="/">首页</a></div><table><tr>{body}</tr></table>
      <p>附件：<a href="./P1.pdf">上杭县人民政府办公室2021年政府信息公开工作年度报告.pdf</a></p>
      <div class="footer">主办单位：上杭县人民政府办公室</div></body></html>"""
    article = read_article(soup(page), "http://a.gov.cn/x/t1.htm")
    assert article.report_html is not None
    assert article.attachments == []  # the same report attached: kept once, as the page
    kept = soup(article.report_html)
    assert kept.title.get_text() == "上杭县人民政府办公室2021年政府信息公开工作年度报告"
    assert "主办单位" not in kept.get_text() and "首页" not in kept.get_text()
    assert "本年新收" in kept.get_text()


def test_a_note_that_the_report_is_attached_is_not_the_report():
    note = ("本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
            "存在的主要问题及改进情况、其他需要报告的事项六部分组成。全文见附件。")
    assert not holds_report(note)
    page = f"""<html><head><title>上杭县卫生健康局2021年政府信息公开工作年度报告_上杭县人民政府</title></head><body>
      <div class="TRS_Editor"><p>{note}</p><p><a href="./P2.docx">点击下载</a></p></div>
      <p>附件：<a href="/blank.docx">中华人民共和国政府信息公开工作年度报告格式.docx</a></p>
      <p><a href="/module/download/downfile.jsp?classid=0&amp;filename=21012.docx">上杭县卫生健康局2021年政府信息公开工作年度报告.docx</a></p>
      </body></html>"""
    article = read_article(soup(page), "http://a.gov.cn/x/t3.htm")
    assert article.report_html is None
    assert article.title == "上杭县卫生健康局2021年政府信息公开工作年度报告"
    assert [k.url for k in article.attachments] == [
        "http://a.gov.cn/x/P2.docx", "http://a.gov.cn/module/download/downfile.jsp?classid=0&filename=21012.docx"]


def test_a_report_in_a_layout_no_container_names():
    page = f"<html><body><div class='wrap'><div class='zw-x'>{report_html(REPORT_TEXT)}</div></div></body></html>"
    assert read_article(soup(page), "http://a.gov.cn/x/t1.htm").report_html is not None


# ---------------------------------------------------------------- charsets


def test_utf8_bytes_under_a_gb2312_meta_are_read_as_utf8():
    page = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>上杭县临江镇北大路</p>'
    assert decode_page(page.encode("utf-8"), "text/html") == (page, "utf-8")


def test_gbk_characters_outside_gb2312_under_a_gb2312_meta():
    page = '<meta charset="gb2312"><p>责任编辑：王喆　镕　堃</p>'
    data = page.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")
    assert decode_page(data, "text/html")[0] == page
    assert decode_page(data, "text/html; charset=GBK")[0] == page


# ---------------------------------------------------------------- robots.txt answers


def test_robots_answers_as_rfc_9309_reads_them():
    rules = from_answer(200, b"User-agent: *\nDisallow: /zwgk/\nAllow: /zwgk/xxgk/gknb/\nCrawl-delay: 90\n")
    assert rules.allows("http://a.gov.cn/zwgk/xxgk/gknb/t1.html")
    assert not rules.allows("http://a.gov.cn/zwgk/tzgg/t1.html")
    assert rules.crawl_delay() == 30.0  # capped
    assert from_answer(404, b"").allows("http://a.gov.cn/anything")
    closed = from_answer(503, b"")
    assert not closed.allows("http://a.gov.cn/") and "503" in closed.closed
    page_not_found = "<html><title>页面不存在</title><body>对不起，您访问的页面不存在</body></html>".encode("gbk")
    assert from_answer(200, page_not_found).allows("http://a.gov.cn/xxgk/")


# ---------------------------------------------------------------- files


def test_files_stay_in_the_out_folder(tmp_path):
    out = tmp_path / "out"
    for url in ("http://a.gov.cn/../../etc/passwd.pdf", "http://a.gov.cn/%2e%2e/%2e%2e/x.pdf",
                "http://a.gov.cn:8080/a/..%2f..%2fb.pdf", "http://a.gov.cn/"):
        path = path_for(out, url, ".pdf").resolve()
        assert out.resolve() in path.parents, url
    one = path_for(out, "http://a.gov.cn/module/downfile.jsp?id=1", ".docx")
    two = path_for(out, "http://a.gov.cn/module/downfile.jsp?id=2", ".docx")
    assert one != two and one.suffix == ".docx" and one.parent == out / "a.gov.cn" / "module"
    assert path_for(out, "http://a.gov.cn:8080/x/", ".html") == out / "a.gov.cn_8080" / "x" / "index.html"


def test_what_an_answer_is():
    docx = report_docx("上杭县2021年政府信息公开工作年度报告\n一、总体情况")
    assert answer_kind("http://a/downfile.jsp?classid=0", "application/octet-stream",
                       'attachment; filename="2101201453123.docx"', docx) == ("document", ".docx")
    word_html = b"<html><body><p>\xe6\x8a\xa5\xe5\x91\x8a</p></body></html>"
    assert answer_kind("http://a/r.doc", "application/msword", "", word_html, linked_as_document=True) == \
        ("document", ".doc")
    assert answer_kind("http://a/t1.shtml", "text/html", "", b"<!DOCTYPE html><html></html>") == ("page", ".shtml")
    assert answer_kind("http://a/x/1234", "text/html; charset=utf-8", "", b"<html></html>") == ("page", ".html")


# ---------------------------------------------------------------- the file of URLs


def test_a_url_file_in_gbk_with_names_on_either_side(tmp_path):
    path = tmp_path / "urls.txt"
    path.write_bytes("# 三个县\r\n上杭县人民政府 http://a.gov.cn/gknb/\r\nhttp://b.gov.cn/gknb/,将乐县人民政府\r\n"
                     "\r\n大余县人民政府\r\n".encode("gbk"))
    starts, problems = read_file(path)
    assert [(s.url, s.body_name, s.line) for s in starts] == [
        ("http://a.gov.cn/gknb/", "上杭县人民政府", 2), ("http://b.gov.cn/gknb/", "将乐县人民政府", 3)]
    assert len(problems) == 1 and "第 5 行" in problems[0] and "大余县人民政府" in problems[0]


# ---------------------------------------------------------------- HTTP against a real server


class Site:
    """A server on 127.0.0.1 answering from a dict of routes: path → (status, headers, body) or a
    function of the request handler returning one; every request logged with its time."""

    def __init__(self, routes: dict):
        self.routes = routes
        self.log: list[dict] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                site.log.append({"path": self.path, "start": time.monotonic(), "headers": dict(self.headers)})
                route = site.routes.get(self.path, (404, {}, b"not found"))
                status, headers, body = route(self) if callable(route) else route
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def paths(self):
        return [e["path"] for e in self.log]


@pytest.fixture
def site():
    made = []

    def make(routes):
        made.append(Site(routes))
        return made[-1]

    yield make
    for s in made:
        s.close()


def fetcher(delay=0.0, max_bytes=1_000_000):
    return Fetcher(delay=delay, max_bytes=max_bytes, user_agent="gkreport/test (+http://127.0.0.1/)")


def test_retry_after_is_waited_for(site):
    answers = iter([(503, {"Retry-After": "2"}, b"busy"), (200, {"Content-Type": "text/plain"}, b"ok")])
    s = site({"/robots.txt": (404, {}, b""), "/a": lambda h: next(answers)})
    f = fetcher()
    assert f.get(s.base + "/a").body == b"ok"
    starts = [e["start"] for e in s.log if e["path"] == "/a"]
    assert len(starts) == 2 and starts[1] - starts[0] >= 1.9


def test_crawl_delay_of_robots_txt_spaces_the_requests(site):
    s = site({"/robots.txt": (200, {}, b"User-agent: *\nCrawl-delay: 1\n"), "/a": (200, {}, b"a"), "/b": (200, {}, b"b")})
    f = fetcher(delay=0.0)
    f.get(s.base + "/a")
    f.get(s.base + "/b")
    starts = [e["start"] for e in s.log]
    assert s.paths() == ["/robots.txt", "/a", "/b"]
    assert all(b - a >= 0.95 for a, b in zip(starts, starts[1:]))


def test_a_site_whose_robots_txt_fails_is_not_crawled(site):
    s = site({"/robots.txt": (500, {}, b"error"), "/a": (200, {}, b"a")})
    with pytest.raises(FetchError) as e:
        fetcher().get(s.base + "/a")
    assert e.value.kind == "site_closed" and "robots.txt" in e.value.message
    assert set(s.paths()) == {"/robots.txt"}


def test_a_robots_txt_that_redirects_for_ever_is_no_rules(site):
    s = site({"/robots.txt": (302, {"Location": "/robots2.txt"}, b""),
              "/robots2.txt": (302, {"Location": "/robots.txt"}, b""), "/a": (200, {}, b"a")})
    assert fetcher().get(s.base + "/a").body == b"a"
    assert s.paths() == ["/robots.txt", "/robots2.txt", "/a"]


def test_a_compressed_answer_is_capped_as_it_is_unpacked(site):
    bomb = gzip.compress(b"\0" * 5_000_000)  # 5 kB on the wire
    s = site({"/robots.txt": (404, {}, b""), "/bomb.pdf": (200, {"Content-Encoding": "gzip"}, bomb)})
    with pytest.raises(FetchError) as e:
        fetcher(max_bytes=1_000_000).get(s.base + "/bomb.pdf")
    assert e.value.kind == "too_large" and "--max-bytes" in e.value.message


def test_a_redirect_chain_longer_than_the_limit(site):
    routes = {"/robots.txt": (404, {}, b"")}
    for n in range(15):
        routes[f"/r{n}"] = (302, {"Location": f"/r{n + 1}"}, b"")
    s = site(routes)
    with pytest.raises(FetchError) as e:
        fetcher().get(s.base + "/r0")
    assert e.value.kind == "too_many_redirects"
    assert len([p for p in s.paths() if p != "/robots.txt"]) == 11  # the first request and 10 hops


def test_conditional_requests_send_the_validators(site):
    def page(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Last-Modified": "Fri, 21 Jan 2022 02:30:00 GMT"}, b"<html></html>"

    s = site({"/robots.txt": (404, {}, b""), "/p": page})
    f = fetcher()
    first = f.get(s.base + "/p")
    assert first.status == 200 and first.headers["etag"] == '"v1"'
    second = f.get(s.base + "/p", lambda url: {"etag": '"v1"', "last_modified": first.headers["last-modified"]})
    assert second.status == 304 and second.body == b""
    asked = s.log[-1]["headers"]
    assert asked["If-None-Match"] == '"v1"' and asked["If-Modified-Since"] == "Fri, 21 Jan 2022 02:30:00 GMT"
    assert asked["User-Agent"].startswith("gkreport/")


# ---------------------------------------------------------------- a whole run on layouts the fixture lacks


def test_a_run_over_a_scripted_pager_and_a_column_of_years(site, tmp_path):
    """A TRS list whose pager is only a script, a report page without a known container, and an
    item that leads to a column of its own (a year's reports) rather than to a report."""
    text = sample("000").replace("上杭县人民政府办公室", "长汀县人民政府办公室")
    other = sample("001").replace("将乐县", "连城县")
    title1 = "长汀县人民政府办公室2021年政府信息公开工作年度报告"
    title2 = "连城县2020年政府信息公开工作年度报告"
    listing = """<html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body><ul>{}</ul>
      <div id="page"><script>createPageHTML(2, {}, "index", "html");</script></div></body></html>"""
    routes = {
        "/robots.txt": (404, {}, b""),
        "/gknb/index.html": (200, {"Content-Type": "text/html"}, listing.format(
            '<li><a href="./2020/">2020年政府信息公开年报</a></li>', 0).encode()),
        "/gknb/index_1.html": (200, {"Content-Type": "text/html"}, listing.format(
            f'<li><a href="./t1.html" title="{title1}">{title1[:16]}...</a><span>2022-01-20</span></li>', 1).encode()),
        "/gknb/2020/": (200, {"Content-Type": "text/html"}, (
            '<html><head><meta charset="utf-8"><title>2020年政府信息公开年报</title></head><body>'
            f'<ul><li><a href="./t2.html">{title2}</a></li>'
            f'<li><a href="../x.html">连城县2020年政务公开工作要点</a></li></ul></body></html>').encode()),
        "/gknb/2020/t2.html": (200, {"Content-Type": "text/html"}, (
            f'<html><head><meta charset="utf-8"><title>{title2}</title></head><body><div id="zoom">'
            f'<p>全文见附件。</p></div><p><a href="./t2.zip">附件：{title2}.zip</a></p></body></html>').encode()),
        "/gknb/t1.html": (200, {"Content-Type": "text/html; charset=GBK"}, (
            f'<html><head><meta charset="gbk"><title>{title1}</title></head><body>'
            f'<div class="wrapper"><div class="rich">{report_html(text)}</div></div></body></html>').encode("gbk")),
        "/gknb/2020/t2.zip": (200, {"Content-Type": "application/zip"},
                              zip_of({f"{title2}.docx": report_docx(other)})),
    }
    s = site(routes)
    lines = []
    db, out = tmp_path / "gk.db", tmp_path / "out"
    collector = Collector(db, out, delay=0.0, max_bytes=5_000_000, echo=lines.append)
    from gkreport.collect import Start

    result = collector.run([Start(s.base + "/gknb/index.html", "长汀县人民政府")])
    assert result.ingest is not None and result.ingest.stored == 2, lines
    con = sqlite3.connect(db)
    rows = sorted(con.execute("select agency_name, year, source_url from reports").fetchall())
    assert rows == [("连城县人民政府", 2020, s.base + "/gknb/2020/t2.zip"),
                    ("长汀县人民政府办公室", 2021, s.base + "/gknb/t1.html")]
    outcomes = dict(con.execute("select url, outcome from collect_urls").fetchall())
    roles = dict(con.execute("select url, role from collect_urls").fetchall())
    assert roles[s.base + "/gknb/index.html"] == "list" and roles[s.base + "/gknb/2020/"] == "list"
    assert outcomes[s.base + "/gknb/index_1.html"] == "list"
    assert outcomes[s.base + "/gknb/2020/"] == "list"  # an article page that was a list after all
    assert outcomes[s.base + "/gknb/2020/t2.html"] == "article"
    assert outcomes[s.base + "/gknb/t1.html"] == "stored"
    assert s.base + "/x.html" not in outcomes  # 工作要点: not a report, never asked
    dates = dict(con.execute("select url, listed_date from collect_urls").fetchall())
    assert dates[s.base + "/gknb/t1.html"] == "2022-01-20"
    assert not [ln for ln in lines if ln.startswith("失败")], lines
