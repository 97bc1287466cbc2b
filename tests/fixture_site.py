"""A fixture of Chinese government websites for testing `gkreport collect`.

`build(folder)` writes several county sites into `folder` (one sub-folder per site), as
their CMS would publish them, with a `manifest.json` that records, as data, which reports
the sites hold (URL, agency, year), which URLs must never be fetched and which must fail.
`FixtureServer(fixture)` serves them from real HTTP servers on 127.0.0.1, one port per
site (so each site is its own host for robots.txt and for politeness), and logs every
request (method, target, status, start and end times, User-Agent, conditional headers,
bytes sent).

The sites, modelled on the CMS that county governments use:

- 上杭县人民政府 (TRS WCM): list `index.html`, `index_1.html`, `index_2.html`, titles cut
  short in the text and whole in `title=`; reports as HTML inside `.TRS_Editor` (one also
  attached as a PDF of the same report), as a PDF (`P0202….pdf`) behind an article page that
  answers 500 twice and then 200, and a DOCX behind 「点击下载」; pages in UTF-8 whose
  `<meta>` still says gb2312 (the header is right, as browsers read it); a report published
  later (`publish_later()`), which shifts every list page by one item.
- 将乐县人民政府 (大汉 Hanweb): GBK pages declared gb2312 only in `<meta>`, text holding
  characters outside GB2312; list paginated `?uid=…&pageNum=2`; the body inside `#zoom`;
  a DOCX served by `downfile.jsp` with Content-Disposition; an article page that answers
  after 3 s; robots.txt answered by a 200 HTML "page not found".
- 殷都区人民政府 (政府网站集约化平台): list in a table, paginated `?page=2`, GBK pages
  (Content-Type header GBK, `<meta>` gb2312, an editor's name outside GB2312);
  `.xxgk_content`; a .doc kept on a separate file server (FastDFS style) that trickles it out.
- 上高县人民政府 (开普云): `#ivs_content`; a .zip holding a DOCX; robots.txt forbids the
  department sub-sites (`/bmxxgk/`), where one report is; a DOCX linked from nowhere,
  given directly as an attachment URL.
- 上犹县人民政府 (TRS, `.Custom_UnionStyle`): a .wps behind an article page that moved
  (301, its relative links resolve against the new address); a permanent 500; a redirect
  loop; a PDF over the size cap (with Content-Length) and a zip over it (chunked, no
  Content-Length, 64 MB if read to the end).
- 崇义县人民政府: robots.txt disallows `/zwgk/` and allows `/zwgk/xxgk/gknb/` (the longer,
  more specific rule wins, RFC 9309); a 通知 in the list lies under the disallowed part.
- 大余县人民政府: the site is down (connection refused).

Every list mixes reports with items that are not reports (通知, 公告, 工作要点, 法治政府
建设年度报告, a 通知 on compiling the reports that attaches the blank format).

The reports are the five sample reports of data/reports/ (rendered as HTML, DOCX with
python-docx, PDF with reportlab and WenQuanYi Zen Hei, ZIP; the .doc and .wps of
tests/fixtures/formats/), and departmental reports derived from them by putting another
body's name in the title and text (the tables are the sample's). Agency and year of each
were checked by hand with `gkreport show` on the rendered files.

Run `python tests/fixture_site.py FOLDER` to build the sites and browse them.
"""

from __future__ import annotations

import dataclasses
import email.utils
import hashlib
import html
import io
import json
import random
import select
import socket
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "reports"
WORD_FILES = REPO / "tests" / "fixtures" / "formats"
CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

SITES = {
    # key: (name, domain it models)
    "shanghang": ("上杭县人民政府", "www.shanghang.gov.cn"),
    "jiangle": ("将乐县人民政府", "www.jiangle.gov.cn"),
    "yindu": ("安阳市殷都区人民政府", "www.yindu.gov.cn"),
    "files": ("安阳市政府网站集约化平台文件服务器", "file.anyang.gov.cn"),
    "shanggao": ("上高县人民政府", "www.shanggao.gov.cn"),
    "shangyou": ("上犹县人民政府", "www.shangyou.gov.cn"),
    "chongyi": ("崇义县人民政府", "www.chongyi.gov.cn"),
    "dayu": ("大余县人民政府", "www.dayu.gov.cn"),  # down: nothing listens
}
DEAD_SITES = {"dayu"}

MAX_BYTES = 2_000_000  # the --max-bytes the tests pass; the largest real attachment is ~120 kB
BIG_STREAM_BYTES = 64 * 1024 * 1024


# ---------------------------------------------------------------- the reports


def sample(stem: str) -> str:
    return next(SAMPLES.glob(f"{stem}_*.txt")).read_text(encoding="utf-8")


def variant(stem: str, *pairs: tuple[str, str]) -> str:
    text = sample(stem)
    for old, new in pairs:
        assert old in text, (stem, old)
        text = text.replace(old, new)
    return text


def _texts() -> dict[str, str]:
    return {
        # real sample reports
        "shanghang_gov_office_2021": sample("000"),
        "jiangle_2020": sample("001"),
        "yindu_gov_office_2021": sample("002"),
        "shanggao_service_centre_2021": sample("003"),
        "shangyou_gov_office_2023": sample("004"),
        # departmental reports derived from them
        "shanghang_education_2021": variant("000", ("上杭县人民政府办公室", "上杭县教育局")),
        "shanghang_health_2021": variant("000", ("上杭县人民政府办公室", "上杭县卫生健康局")),
        "shanghang_development_2021": variant("000", ("上杭县人民政府办公室", "上杭县发展和改革局")),
        "shanghang_2020": variant(
            "001", ("将乐县", "上杭县"), ("三明市", "龙岩市"),
            ("古镛镇府前路 18 号", "临江镇北大路 12 号"), ("353300", "364200"),
            ("0598—2322653", "0597—3812008"), ("0598—2266001", "0597—3812008")),
        "jiangle_development_2020": variant(
            "001", ("将乐县 2020 年政府信息公开工作年度报告", "将乐县发展和改革局 2020 年政府信息公开工作年度报告"),
            ("现公布将乐县人民政府 2020 年", "现公布将乐县发展和改革局 2020 年")),
        "yindu_education_2021": variant("002", ("殷都区人民政府办公室", "殷都区教育局")),
        "shanggao_natural_resources_2021": variant(
            "003", ("上高县行政服务中心管委会", "上高县自然资源局"), ("上高县行政服务中心", "上高县自然资源局")),
        "shanggao_finance_2021": variant(
            "003", ("上高县行政服务中心管委会", "上高县财政局"), ("上高县行政服务中心", "上高县财政局")),
        "shangyou_yingqian_2023": variant("004", ("上犹县政府办", "上犹县营前镇人民政府")),
        "shangyou_water_2023": variant("004", ("上犹县政府办", "上犹县水利局")),
        "shangyou_statistics_2023": variant("004", ("上犹县政府办", "上犹县统计局")),
        "shangyou_education_2023": variant("004", ("上犹县政府办", "上犹县教育局")),
        "chongyi_gov_office_2023": variant(
            "004", ("上犹县政府办", "崇义县政府办"), ("上犹县", "崇义县"), ("上犹", "崇义"),
            ("犹江大道16号行政中心", "横水镇阳明路1号行政中心"), ("shangyou", "chongyi")),
    }


@dataclasses.dataclass
class Report:
    """One report the fixture holds, and what must become of it."""

    key: str
    site: str
    agency: str  # the body, by its full name
    printed: str  # the body as the title prints it
    year: int
    fmt: str  # html, pdf, docx, doc, wps, zip
    title: str
    document: str  # the target (path?query) of the file holding it: the attachment, or the page
    page: str  # the article page
    expect: str  # collected | robots | server_error | redirect_loop | too_large | later | allow_rule
    also: list[str] = dataclasses.field(default_factory=list)  # other targets accepted as source_url
    phrase: str = ""  # a phrase of its text that must be read correctly


def _reports() -> list[Report]:
    R = Report
    return [
        R("shanghang_gov_office_2021", "shanghang", "上杭县人民政府办公室", "上杭县人民政府办公室", 2021, "html",
          "上杭县人民政府办公室2021年政府信息公开工作年度报告",
          "/xxgk/zfxxgknb/202201/t20220121_1812345.htm", "/xxgk/zfxxgknb/202201/t20220121_1812345.htm",
          "collected", also=["/xxgk/zfxxgknb/202201/P020220121613095187654.pdf"], phrase="临江镇北大路"),
        R("shanghang_education_2021", "shanghang", "上杭县教育局", "上杭县教育局", 2021, "pdf",
          "上杭县教育局2021年政府信息公开工作年度报告",
          "/xxgk/zfxxgknb/202201/P020220128587120345678.pdf", "/xxgk/zfxxgknb/202201/t20220128_1816620.htm",
          "collected"),
        R("shanghang_health_2021", "shanghang", "上杭县卫生健康局", "上杭县卫生健康局", 2021, "docx",
          "上杭县卫生健康局2021年政府信息公开工作年度报告",
          "/xxgk/zfxxgknb/202201/P020220124390215674012.docx", "/xxgk/zfxxgknb/202201/t20220124_1809876.htm",
          "collected"),
        R("shanghang_2020", "shanghang", "上杭县人民政府", "上杭县", 2020, "html",
          "上杭县2020年政府信息公开工作年度报告",
          "/xxgk/zfxxgknb/202101/t20210128_1698432.htm", "/xxgk/zfxxgknb/202101/t20210128_1698432.htm",
          "collected", phrase="临江镇北大路"),
        R("shanghang_development_2021", "shanghang", "上杭县发展和改革局", "上杭县发展和改革局", 2021, "html",
          "上杭县发展和改革局2021年政府信息公开工作年度报告",
          "/xxgk/zfxxgknb/202203/t20220321_1853127.htm", "/xxgk/zfxxgknb/202203/t20220321_1853127.htm",
          "later"),
        R("jiangle_2020", "jiangle", "将乐县人民政府", "将乐县", 2020, "html",
          "将乐县2020年政府信息公开工作年度报告",
          "/art/2021/1/29/art_3862_2587123.html", "/art/2021/1/29/art_3862_2587123.html",
          "collected", phrase="古镛镇府前路"),
        R("jiangle_development_2020", "jiangle", "将乐县发展和改革局", "将乐县发展和改革局", 2020, "docx",
          "将乐县发展和改革局2020年政府信息公开工作年度报告",
          "/module/download/downfile.jsp?classid=0&filename=2101201453123.docx",
          "/art/2021/1/20/art_3862_2585410.html", "collected"),
        R("yindu_gov_office_2021", "yindu", "殷都区人民政府办公室", "殷都区人民政府办公室", 2021, "doc",
          "殷都区人民政府办公室2021年政府信息公开工作年度报告",
          "files:/group1/M00/01/3C/rBAAB2HvY0KAa1xXAAEgAKVJ9fU427.doc", "/contents/3619/198765.html",
          "collected"),
        R("yindu_education_2021", "yindu", "殷都区教育局", "殷都区教育局", 2021, "html",
          "殷都区教育局2021年政府信息公开工作年度报告",
          "/contents/3619/198102.html", "/contents/3619/198102.html", "collected", phrase="殷都政务"),
        R("shanggao_service_centre_2021", "shanggao", "上高县行政服务中心管委会", "上高县行政服务中心管委会", 2021, "zip",
          "上高县行政服务中心管委会2021年政府信息公开工作年度报告",
          "/uploadfile/2022/0125/20220125101512384.zip", "/xxgk/xxgkml/gknb/202201/t20220125_1567812.shtml",
          "collected"),
        R("shanggao_finance_2021", "shanggao", "上高县财政局", "上高县财政局", 2021, "docx",
          "上高县财政局2021年政府信息公开工作年度报告",
          "/uploadfile/2022/0127/20220127153512906.docx", "", "collected"),
        R("shanggao_natural_resources_2021", "shanggao", "上高县自然资源局", "上高县自然资源局", 2021, "docx",
          "上高县自然资源局2021年政府信息公开工作年度报告",
          "/bmxxgk/zrzyj/gknb/202201/P020220126556901238871.docx", "/bmxxgk/zrzyj/gknb/202201/t20220126_1568004.shtml",
          "robots"),
        R("shangyou_gov_office_2023", "shangyou", "上犹县人民政府办公室", "上犹县政府办", 2023, "wps",
          "上犹县政府办2023年政府信息公开工作年度报告",
          "/syxxgk/sy0108/202401/P020240116342519803452.wps", "/syxxgk/sy0108/202401/t20240116_5890123.html",
          "collected"),
        R("shangyou_yingqian_2023", "shangyou", "上犹县营前镇人民政府", "上犹县营前镇人民政府", 2023, "html",
          "上犹县营前镇人民政府2023年政府信息公开工作年度报告",
          "/xxgk/zfxxgkndbg/202401/t20240118_5890877.html", "/xxgk/zfxxgkndbg/202401/t20240118_5890877.html",
          "server_error"),
        R("shangyou_water_2023", "shangyou", "上犹县水利局", "上犹县水利局", 2023, "html",
          "上犹县水利局2023年政府信息公开工作年度报告",
          "/xxgk/zfxxgkndbg/202401/t20240119_5891234.html", "/xxgk/zfxxgkndbg/202401/t20240119_5891234.html",
          "redirect_loop"),
        R("shangyou_statistics_2023", "shangyou", "上犹县统计局", "上犹县统计局", 2023, "pdf",
          "上犹县统计局2023年政府信息公开工作年度报告",
          "/xxgk/zfxxgkndbg/202401/P020240120385521796321.pdf", "/xxgk/zfxxgkndbg/202401/t20240120_5891560.html",
          "too_large"),
        R("shangyou_education_2023", "shangyou", "上犹县教育局", "上犹县教育局", 2023, "zip",
          "上犹县教育局2023年政府信息公开工作年度报告",
          "/xxgk/zfxxgkndbg/202401/P020240122398652134587.zip", "/xxgk/zfxxgkndbg/202401/t20240122_5892011.html",
          "too_large"),
        R("chongyi_gov_office_2023", "chongyi", "崇义县人民政府办公室", "崇义县政府办", 2023, "pdf",
          "崇义县政府办2023年政府信息公开工作年度报告",
          "/zwgk/xxgk/gknb/202401/P020240119530078164521.pdf", "/zwgk/xxgk/gknb/202401/t20240119_2210456.html",
          "allow_rule"),
    ]


# ---------------------------------------------------------------- rendering


def _blocks(text: str):
    """The report's lines as paragraphs and tables (a run of lines with tab-separated cells)."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        cells = line.split("\t")
        filled = [c for c in cells if c.strip()]
        if len(filled) > 1:
            if out and out[-1][0] == "table":
                out[-1][1].append(cells)
            else:
                out.append(("table", [cells]))
        else:
            out.append(("p", line.strip()))
    return out


def report_html(text: str) -> str:
    parts = []
    for kind, val in _blocks(text):
        if kind == "p":
            parts.append(f'<p style="text-indent: 2em;">{html.escape(val)}</p>')
        else:
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>" for c in row) + "</tr>" for row in val)
            parts.append(
                '<table border="1" cellspacing="0" cellpadding="0" style="border-collapse: collapse;" '
                f'width="100%"><tbody>{rows}</tbody></table>')
    return "\n".join(parts)


def report_docx(text: str) -> bytes:
    import datetime

    import docx

    doc = docx.Document()
    for kind, val in _blocks(text):
        if kind == "p":
            doc.add_paragraph(val)
        else:
            table = doc.add_table(rows=len(val), cols=max(len(r) for r in val))
            table.style = "Table Grid"
            for i, row in enumerate(val):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell.strip()
    when = datetime.datetime(2022, 1, 20, 9, 0, 0)
    doc.core_properties.author = "Administrator"
    doc.core_properties.last_modified_by = "Administrator"
    doc.core_properties.created = when
    doc.core_properties.modified = when
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


_FONT_READY = False


def report_pdf(text: str, title: str, noise_bytes: int = 0) -> bytes:
    """The report as a text PDF (A4, WenQuanYi Zen Hei); noise_bytes adds a page with an
    incompressible picture (a scanned attachment) to make the file that big."""
    global _FONT_READY
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if not _FONT_READY:
        pdfmetrics.registerFont(TTFont("WQY", CJK_FONT, subfontIndex=0))
        _FONT_READY = True
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(title)
    c.setAuthor("WPS Office")
    width, height = A4
    y = height - 72

    def next_line(step):
        nonlocal y
        y -= step
        if y < 72:
            c.showPage()
            y = height - 72

    for kind, val in _blocks(text):
        if kind == "p":
            line = val
            while line:
                n = len(line)
                while pdfmetrics.stringWidth(line[:n], "WQY", 10.5) > width - 144:
                    n -= 1
                c.setFont("WQY", 10.5)
                c.drawString(72, y, line[:n])
                next_line(17)
                line = line[n:]
        else:
            ncol = max(len(r) for r in val)
            colw = (width - 144) / ncol
            for row in val:
                c.setFont("WQY", 7.5)
                for j, cell in enumerate(row):
                    s = cell.strip()
                    while s and pdfmetrics.stringWidth(s, "WQY", 7.5) > colw - 2:
                        s = s[:-1]
                    c.drawString(72 + j * colw, y, s)
                next_line(13)
    if noise_bytes:
        from PIL import Image
        from reportlab.lib.utils import ImageReader

        c.showPage()
        side = int((noise_bytes / 3) ** 0.5) + 1
        img = Image.frombytes("RGB", (side, side), random.Random(7).randbytes(side * side * 3))
        c.drawImage(ImageReader(img), 36, 36, width - 72, height - 72)
    c.save()
    return buf.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2022, 1, 25, 10, 15, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800  # UTF-8 names
            zf.writestr(info, data)
    return buf.getvalue()


# ---------------------------------------------------------------- routes


@dataclasses.dataclass
class Route:
    file: str  # relative to the fixture folder
    ctype: str
    modified: float  # Last-Modified, epoch seconds
    behaviour: str = "static"  # static fail_then_ok always_500 redirect slow trickle stream_big hang
    params: dict = dataclasses.field(default_factory=dict)
    headers: dict = dataclasses.field(default_factory=dict)
    weak: bool = False  # weak ETag (dynamic pages)


def ts(date: str, hm: str = "10:30") -> float:
    """Epoch seconds of a Beijing-time date and hour."""
    import datetime

    dt = datetime.datetime.fromisoformat(f"{date}T{hm}:00+08:00")
    return dt.timestamp()


class SiteBuilder:
    """Writes one site's files under the fixture folder and records their routes."""

    def __init__(self, fixture: "Fixture", site: str, routes: dict, subdir: str = ""):
        self.fx = fixture
        self.site = site
        self.routes = routes
        self.subdir = subdir

    def add(self, target: str, body: bytes, ctype: str, modified: float, **kw) -> Route:
        name = target.lstrip("/").replace("?", "@").replace("&", "+") or "index"
        path = Path(self.subdir) / self.site / name
        full = self.fx.folder / path
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_bytes(body)
        route = Route(str(path), ctype, modified, **kw)
        self.routes[target] = route
        return route

    def page(self, target, text: str, modified, encoding="utf-8", ctype=None, **kw):
        body = text.encode(encoding)
        return self.add(target, body, ctype or f"text/html; charset={encoding.upper()}", modified, **kw)


# ---------------------------------------------------------------- page templates


def _esc(s):
    return html.escape(s, quote=True)


FOOTER_LINKS = (
    '<a href="https://www.gov.cn/" target="_blank">中国政府网</a>'
    '<a href="https://www.fujian.gov.cn/" target="_blank">福建省人民政府</a>'
)


def trs_page(site_name, domain, column, title, date, source, content, meta_charset="gb2312",
             container="TRS_Editor", extra="", prev_next=("", ""), index_no="", column_path="../"):
    """A TRS WCM article page (上杭, 上犹)."""
    pn = ""
    if prev_next[0]:
        pn += f'<p>上一篇：<a href="{prev_next[0][0]}" title="{_esc(prev_next[0][1])}">{_esc(prev_next[0][1])}</a></p>'
    if prev_next[1]:
        pn += f'<p>下一篇：<a href="{prev_next[1][0]}" title="{_esc(prev_next[1][1])}">{_esc(prev_next[1][1])}</a></p>'
    inner = content if container == "TRS_Editor" else f'<div class="Custom_UnionStyle">{content}</div>'
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={meta_charset}" />
<meta http-equiv="X-UA-Compatible" content="IE=edge" />
<meta name="SiteName" content="{_esc(site_name)}" />
<meta name="SiteDomain" content="{domain}" />
<meta name="ColumnName" content="{_esc(column)}" />
<meta name="ColumnType" content="{_esc(column)}" />
<meta name="ArticleTitle" content="{_esc(title)}" />
<meta name="PubDate" content="{date} 10:30" />
<meta name="ContentSource" content="{_esc(source)}" />
<title>{_esc(title)}_{_esc(column)}_{_esc(site_name)}</title>
<link href="/images/2019/common.css" rel="stylesheet" type="text/css" />
<script type="text/javascript" src="/images/2019/jquery-1.11.3.min.js"></script>
</head>
<body>
<div class="top"><div class="w1200"><span class="fl">欢迎访问{_esc(site_name)}门户网站</span>
<span class="fr"><a href="javascript:void(0)" id="cniil_wza">无障碍浏览</a> | <a href="javascript:void(0)" id="zh_click_t">繁體</a> | <a href="/wap/">手机版</a></span></div></div>
<div class="header"><div class="logo"><a href="/"><img src="/images/2019/logo.png" alt="{_esc(site_name)}" /></a></div>
<form action="/was5/web/search" method="get" name="searchform"><input type="text" name="searchword" /><input type="submit" value="搜索" /></form></div>
<div class="nav"><ul>
<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/xxgk/">政府信息公开</a></li>
<li><a href="/bsfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjsh/">走进{_esc(site_name[:3])}</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; <a href="{column_path}">{_esc(column)}</a></div>
<div class="main w1200">
<div class="xxgk_table"><table>
<tr><td>索引号：</td><td>{index_no}</td><td>发布机构：</td><td>{_esc(source)}</td></tr>
<tr><td>生成日期：</td><td>{date}</td><td>主题分类：</td><td>{_esc(column)}</td></tr>
<tr><td>标题：</td><td colspan="3">{_esc(title)}</td></tr></table></div>
<div class="article">
<h1 class="title">{_esc(title)}</h1>
<div class="info">发布时间：{date} 10:30 &nbsp; 来源：{_esc(source)} &nbsp; 【字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</div>
<div class="article-con">
<div class="TRS_Editor">{inner}</div>
{extra}
</div>
<div class="share">分享到：<a href="javascript:void(0)" class="wx">微信</a> <a href="javascript:void(0)" class="wb">微博</a>
<a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="prev-next">{pn}</div>
</div>
<div class="sidebar"><h3>热点信息</h3><ul>
<li><a href="/xxgk/zfxxgkzn/">政府信息公开指南</a></li><li><a href="/xxgk/zfxxgkzd/">政府信息公开制度</a></li>
<li><a href="/xxgk/ysqgk/">依申请公开</a></li><li><a href="{column_path}">政府信息公开年报</a></li></ul></div>
</div>
<div class="footer"><div class="links">{FOOTER_LINKS}</div>
<p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/gywm/">关于我们</a></p>
<p>主办单位：{_esc(site_name)}办公室 &nbsp; 承办单位：{_esc(site_name[:3])}融媒体中心 &nbsp; 网站标识码：3508230001</p>
<p>ICP备案号：闽ICP备05010264号 &nbsp; 公安机关备案号：35082302000101</p>
<script type="text/javascript">document.write(unescape("%3Cspan id='_ideConac' %3E%3C/span%3E"));</script>
</div>
</body>
</html>
"""


def trs_list(site_name, column, items, page_no, pages, meta_charset="utf-8"):
    """A TRS WCM list page: index.html, index_1.html, index_2.html; items dated in <span>."""
    lis = []
    for href, title, date, truncate in items:
        text = title if not truncate or len(title) <= 22 else title[:21] + "..."
        lis.append(f'<li><a href="{href}" target="_blank" title="{_esc(title)}">{_esc(text)}</a><span>{date}</span></li>')

    def name(n):
        return "index.html" if n == 0 else f"index_{n}.html"

    nav = [f'<a href="{name(0)}">首页</a>']
    nav.append(f'<a href="{name(page_no - 1)}">上一页</a>' if page_no > 0 else "<span>上一页</span>")
    for n in range(pages):
        nav.append(f"<span class=\"current\">{n + 1}</span>" if n == page_no else f'<a href="{name(n)}">{n + 1}</a>')
    nav.append(f'<a href="{name(page_no + 1)}">下一页</a>' if page_no < pages - 1 else "<span>下一页</span>")
    nav.append(f'<a href="{name(pages - 1)}">尾页</a>')
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="{meta_charset}">
<meta name="SiteName" content="{_esc(site_name)}">
<meta name="ColumnName" content="{_esc(column)}">
<title>{_esc(column)}_{_esc(site_name)}</title>
<link rel="stylesheet" href="/images/2019/common.css">
</head>
<body>
<div class="header"><a href="/"><img src="/images/2019/logo.png" alt="{_esc(site_name)}"></a></div>
<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/xxgk/">政府信息公开</a><a href="/bsfw/">政务服务</a><a href="/hdjl/">互动交流</a></div>
<div class="main">
<div class="left-menu"><h2>政府信息公开</h2><ul>
<li><a href="/xxgk/zfxxgkzn/">政府信息公开指南</a></li><li><a href="/xxgk/zfxxgkzd/">政府信息公开制度</a></li>
<li><a href="/xxgk/fdzdgknr/">法定主动公开内容</a></li><li class="on"><a href="./">{_esc(column)}</a></li><li><a href="/xxgk/ysqgk/">依申请公开</a></li></ul></div>
<div class="right-list">
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; <a href="./">{_esc(column)}</a></div>
<ul class="list">
{chr(10).join(lis)}
</ul>
<script type="text/javascript">
var currentPage = {page_no};//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = {pages}//共多少页
</script>
<div class="page">{" ".join(nav)}</div>
</div></div>
<div class="footer"><div class="links">{FOOTER_LINKS}</div><p>主办单位：{_esc(site_name)}办公室</p></div>
</body>
</html>
"""


def hanweb_page(title, date, source, content, extra="", article_id=""):
    """A 大汉 Hanweb jcms article page (将乐): table layout, body in #zoom between ContentStart/End."""
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{_esc(title)}</title>
<meta name="ArticleTitle" content="{_esc(title)}">
<meta name="PubDate" content="{date} 16:48">
<meta name="ContentSource" content="{_esc(source)}">
<meta name="Keywords" content="政府信息公开年报">
<meta name="ColumnName" content="政府信息公开年报">
<meta name="SiteName" content="将乐县人民政府">
<meta name="SiteDomain" content="www.jiangle.gov.cn">
<meta name="SiteIdcode" content="3504280001">
<link href="/script/4/1911211014389586.css" rel="stylesheet" type="text/css">
<script language="javascript" src="/script/0/1809071126174178.js"></script>
</head>
<body leftmargin="0" topmargin="0">
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td><a href="/">首页</a> | <a href="/col/col3850/index.html">政务公开</a> | <a href="/col/col3855/index.html">政府信息公开目录</a> | <a href="/col/col3862/index.html">政府信息公开年报</a> | <a href="/col/col3870/index.html">互动交流</a></td></tr>
<tr><td>您当前的位置：<a href="/">首页</a> &gt; <a href="/col/col3855/index.html">政府信息公开目录</a> &gt; <a href="/col/col3862/index.html">政府信息公开年报</a></td></tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td class="xxgk_tb">
<table width="100%" border="1" cellspacing="0" cellpadding="4">
<tr><td>索引号：</td><td>003621451/2021-{article_id}</td><td>发布机构：</td><td>{_esc(source)}</td></tr>
<tr><td>生成日期：</td><td>{date}</td><td>公开方式：</td><td>主动公开</td></tr>
</table></td></tr>
<tr><td class="title" align="center"><!--<$[标题名称]>begin-->{_esc(title)}<!--<$[标题名称]>end--></td></tr>
<tr><td align="center">发布日期：{date} 浏览次数：<script language="javascript" src="/module/visitcount/articlehits.jsp?colid=3862&artid={article_id}"></script> 字号：〖<a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(12)">小</a>〗</td></tr>
<tr><td class="bt_content" id="zoom">
<!--ZJEG_RSS.content.begin--><meta name="ContentStart">{content}<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->
</td></tr>
<tr><td>{extra}</td></tr>
<tr><td align="right">【<a href="javascript:window.print()">打印本页</a>】 【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td align="center">主办：将乐县人民政府办公室　承办：将乐县融媒体中心　网站标识码：3504280001<br>
闽ICP备09031585号　闽公网安备 35042802000110号<br><a href="/col/col3880/index.html">网站地图</a> | <a href="/col/col3881/index.html">联系我们</a></td></tr>
</table>
</body>
</html>
"""


def hanweb_list(items, page_no, pages, uid="8741"):
    rows = "\n".join(
        f'<tr><td class="bt_link"><a href="{href}" title="{_esc(title)}" target="_blank">{_esc(title)}</a></td>'
        f'<td class="bt_time" width="90">{date}</td></tr>'
        for href, title, date, _ in items)

    def link(n):
        return "/col/col3862/index.html" if n == 1 else f"/col/col3862/index.html?uid={uid}&pageNum={n}"

    nav = [f'<a href="{link(1)}">首页</a>']
    nav.append(f'<a href="{link(page_no - 1)}">上页</a>' if page_no > 1 else "上页")
    nav.append(f'<a href="{link(page_no + 1)}">下页</a>' if page_no < pages else "下页")
    nav.append(f'<a href="{link(pages)}">尾页</a>')
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>政府信息公开年报</title>
<meta name="SiteName" content="将乐县人民政府">
<meta name="ColumnName" content="政府信息公开年报">
</head>
<body>
<table width="1000" align="center"><tr><td><a href="/">首页</a> | <a href="/col/col3850/index.html">政务公开</a> | <a href="/col/col3855/index.html">政府信息公开目录</a> | <a href="/col/col3862/index.html">政府信息公开年报</a></td></tr></table>
<table width="1000" align="center"><tr>
<td width="220" valign="top"><div class="lm"><a href="/col/col3856/index.html">政府信息公开指南</a><br><a href="/col/col3857/index.html">政府信息公开制度</a><br><a href="/col/col3862/index.html">政府信息公开年报</a></div></td>
<td valign="top"><div id="4621">
<table width="100%" border="0" cellspacing="0" cellpadding="0">
{rows}
</table>
<div class="default_pgContainer">共{pages}页 第{page_no}页 {" ".join(nav)}</div>
</div></td></tr></table>
<table width="1000" align="center"><tr><td align="center">主办：将乐县人民政府办公室　网站标识码：3504280001</td></tr></table>
</body>
</html>
"""


def jyh_page(title, date, source, content, extra=""):
    """A 政府网站集约化平台 article page (殷都): 信息索引 table and the body in .xxgk_content."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(title)}-安阳市殷都区人民政府</title>
<meta name="SiteName" content="安阳市殷都区人民政府">
<meta name="SiteDomain" content="www.yindu.gov.cn">
<meta name="SiteIDCode" content="4105050001">
<meta name="ColumnName" content="政府信息公开年报">
<meta name="ArticleTitle" content="{_esc(title)}">
<meta name="PubDate" content="{date} 09:12:45">
<meta name="ContentSource" content="{_esc(source)}">
<link rel="stylesheet" href="/static/jyh/css/base.css">
</head>
<body>
<div class="jyh-header"><div class="jyh-logo"><a href="/">安阳市殷都区人民政府</a></div>
<ul class="jyh-nav"><li><a href="/">首页</a></li><li><a href="/channels/3601.html">政务公开</a></li><li><a href="/channels/3610.html">政府信息公开</a></li><li><a href="/channels/3640.html">政务服务</a></li><li><a href="/channels/3650.html">互动交流</a></li></ul></div>
<div class="jyh-crumb">当前位置：<a href="/">首页</a> &gt; <a href="/channels/3610.html">政府信息公开</a> &gt; <a href="/channels/3619.html">政府信息公开年报</a></div>
<div class="xxgk_detail">
<table class="xxgk_index" border="1" cellspacing="0">
<tr><th>索引号</th><td>11410505MB1A02368K/2022-00137</td><th>信息分类</th><td>政府信息公开年报</td></tr>
<tr><th>发文机关</th><td>{_esc(source)}</td><th>成文日期</th><td>{date}</td></tr>
<tr><th>标题</th><td colspan="3">{_esc(title)}</td></tr>
<tr><th>发布日期</th><td>{date}</td><th>有效性</th><td>有效</td></tr></table>
<h2 class="xxgk_title">{_esc(title)}</h2>
<div class="xxgk_content" id="xxgk_content">
{content}
</div>
{extra}
<div class="xxgk_foot"><span>责任编辑：王喆</span> <a href="javascript:window.print();">[打印]</a> <a href="javascript:window.close();">[关闭]</a></div>
</div>
<div class="jyh-footer"><p><a href="/channels/3699.html">网站地图</a> | <a href="/channels/3698.html">联系我们</a></p>
<p>主办：安阳市殷都区人民政府办公室　网站标识码：4105050001　豫ICP备05011325号-1</p></div>
</body>
</html>
"""


def jyh_list(items, page_no, pages):
    rows = "\n".join(
        f'<tr><td class="l"><a href="{href}" target="_blank" title="{_esc(title)}">{_esc(title)}</a></td><td class="r">{date}</td></tr>'
        for href, title, date, _ in items)

    def link(n):
        return "/channels/3619.html" if n == 1 else f"/channels/3619.html?page={n}"

    nav = [f'<a href="{link(n)}">{n}</a>' if n != page_no else f'<span class="cur">{n}</span>' for n in range(1, pages + 1)]
    if page_no < pages:
        nav.append(f'<a href="{link(page_no + 1)}">下一页</a>')
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>政府信息公开年报-安阳市殷都区人民政府</title>
</head>
<body>
<div class="jyh-header"><a href="/">安阳市殷都区人民政府</a>
<ul class="jyh-nav"><li><a href="/">首页</a></li><li><a href="/channels/3601.html">政务公开</a></li><li><a href="/channels/3610.html">政府信息公开</a></li></ul></div>
<div class="jyh-side"><a href="/channels/3611.html">政府信息公开指南</a><a href="/channels/3612.html">政府信息公开制度</a><a href="/channels/3619.html" class="on">政府信息公开年报</a></div>
<div class="jyh-list"><h3>政府信息公开年报</h3>
<table class="list-table"><thead><tr><th>标题</th><th>发布日期</th></tr></thead><tbody>
{rows}
</tbody></table>
<div class="pagination">共 {pages} 页 {" ".join(nav)}</div></div>
<div class="jyh-footer">主办：安阳市殷都区人民政府办公室　网站标识码：4105050001</div>
</body>
</html>
"""


def kpy_page(title, date, source, content, extra=""):
    """A 开普云 article page (上高): the body in #ivs_content."""
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="SiteName" content="上高县人民政府">
<meta name="SiteDomain" content="www.shanggao.gov.cn">
<meta name="ColumnName" content="政府信息公开年报">
<meta name="ArticleTitle" content="{_esc(title)}">
<meta name="PubDate" content="{date} 11:02">
<meta name="ContentSource" content="{_esc(source)}">
<title>{_esc(title)}</title>
<link rel="stylesheet" href="/ucap/css/xxgk.css">
</head>
<body>
<div id="header"><a href="/">上高县人民政府</a><div class="menu"><a href="/">首页</a><a href="/xxgk/">信息公开</a><a href="/bsfw/">政务服务</a><a href="/hdjl/">政民互动</a></div></div>
<div class="wz">您的位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; <a href="/xxgk/xxgkml/gknb/index.shtml">政府信息公开年报</a></div>
<div class="detail">
<div class="xxgk-info"><ul><li><b>索引号：</b>014281934/2022-00045</li><li><b>发布机构：</b>{_esc(source)}</li>
<li><b>发文日期：</b>{date}</li><li><b>主题分类：</b>政府信息公开年报</li></ul></div>
<div class="title"><h1>{_esc(title)}</h1><p>发布时间：{date} 来源：{_esc(source)} 浏览量：<span id="hits">126</span></p></div>
<div id="ivs_content" class="ivs_content">
{content}
</div>
{extra}
<div class="fx">【<a href="javascript:window.print()">打印</a>】【<a href="javascript:window.close()">关闭</a>】</div>
</div>
<div id="footer"><a href="/bmxxgk/">部门信息公开</a> | <a href="/xzxxgk/">乡镇信息公开</a>
<p>主办单位：上高县人民政府办公室 网站标识码：3609230001 赣ICP备05004529号</p></div>
</body>
</html>
"""


def kpy_list(items):
    lis = "\n".join(
        f'<li><span class="date">[{date}]</span><a href="{href}" target="_blank" title="{_esc(title)}">{_esc(title)}</a></li>'
        for href, title, date, _ in items)
    return f"""<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>政府信息公开年报_上高县人民政府</title></head>
<body>
<div id="header"><a href="/">上高县人民政府</a><div class="menu"><a href="/">首页</a><a href="/xxgk/">信息公开</a></div></div>
<div class="wz">您的位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; 政府信息公开年报</div>
<div class="xxgk-left"><a href="/xxgk/xxgkml/gknb/index.shtml">政府信息公开年报</a><a href="/bmxxgk/">部门信息公开</a><a href="/xzxxgk/">乡镇信息公开</a></div>
<div class="xxgk-right"><ul class="xxgk-list">
{lis}
</ul><div class="page">共1页</div></div>
<div id="footer">主办单位：上高县人民政府办公室</div>
</body>
</html>
"""


def simple_list(site_name, column, items, meta_charset="utf-8"):
    lis = "\n".join(
        f'<li><a href="{href}" target="_blank" title="{_esc(title)}">{_esc(title)}</a><span class="time">{date}</span></li>'
        for href, title, date, _ in items)
    return f"""<!DOCTYPE html>
<html><head><meta charset="{meta_charset}"><title>{_esc(column)}-{_esc(site_name)}</title></head>
<body><div class="head"><a href="/">{_esc(site_name)}</a> <a href="/zwgk/">政务公开</a> <a href="/zwgk/xxgk/">政府信息公开</a></div>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/xxgk/">政府信息公开</a> &gt; {_esc(column)}</div>
<ul class="news-list">
{lis}
</ul>
<div class="foot">主办单位：{_esc(site_name)}办公室</div></body></html>
"""


def simple_page(site_name, title, date, source, content, container='class="xxgk_content"', extra=""):
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{_esc(title)}-{_esc(site_name)}</title>
<meta name="ArticleTitle" content="{_esc(title)}"><meta name="PubDate" content="{date}"></head>
<body><div class="head"><a href="/">{_esc(site_name)}</a> <a href="/zwgk/">政务公开</a></div>
<div class="article"><h1>{_esc(title)}</h1><div class="info">发布日期：{date}　来源：{_esc(source)}</div>
<div {container}>
{content}
</div>
{extra}
</div>
<div class="foot">主办单位：{_esc(site_name)}办公室</div></body></html>
"""


def narrative(paragraphs) -> str:
    return "\n".join(f'<p style="text-indent: 2em;">{_esc(p)}</p>' for p in paragraphs)


def attachment_p(href, text, trs=False):
    extra = f' OLDSRC="{href.lstrip(".")}" appendix="true"' if trs else ""
    return f'<p>附件：<a href="{href}"{extra} target="_blank">{_esc(text)}</a></p>'


# The non-report pages: what such columns hold besides the reports.
NOTICE_ON_REPORTS = [
    "各乡（镇）人民政府，县直各单位：",
    "根据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求，现就做好{year}年政府信息公开工作年度报告编制发布工作通知如下：",
    "一、各单位要按照新格式编制{year}年政府信息公开工作年度报告，内容包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。",
    "二、年度报告须于{next}年1月31日前在本单位政府信息公开专栏“政府信息公开年报”栏目公开，并报县政务公开办备案。",
    "三、各单位报送的数据须与政府信息公开申请办理台账一致，勾稽关系须正确。",
    "{office}",
    "{date}",
]

KEY_POINTS = [
    "为深入贯彻落实党中央、国务院关于全面推进政务公开的决策部署，进一步提升政务公开质量和实效，结合我县实际，制定本要点。",
    "一、围绕稳住经济大盘加强信息公开。及时公开助企纾困政策措施，做好政策解读和咨询服务。",
    "二、围绕保障和改善民生加强信息公开。做好教育、医疗、养老、就业等领域信息公开。",
    "三、加强政府信息管理。做好政府信息公开工作年度报告编制发布，严格执行年度报告格式要求。",
    "四、加强平台建设和监督保障。将政务公开工作纳入绩效考核，组织开展业务培训。",
]

RULE_OF_LAW = [
    "2021年，我县以习近平法治思想为指导，深入贯彻落实《法治政府建设实施纲要（2021—2025年）》，现将有关情况报告如下：",
    "一、2021年推进法治政府建设的主要举措和成效",
    "（一）加强党对法治政府建设的领导。县委常委会会议、县政府常务会议专题研究法治政府建设工作4次。",
    "（二）推进政务公开。全年主动公开政府信息12563条，受理政府信息公开申请5件，全部按时答复。",
    "二、存在的不足和原因",
    "行政执法队伍专业化水平有待提高，部分乡镇合法性审查力量薄弱。",
    "三、党政主要负责人履行推进法治建设第一责任人职责情况",
    "四、2022年推进法治政府建设的主要安排",
    "上杭县人民政府",
    "2022年1月27日",
]


def format_docx() -> bytes:
    """The blank national format as agencies pass it round: headings and empty tables."""
    text = "\n".join([
        "中华人民共和国政府信息公开工作年度报告格式",
        "一、总体情况",
        "二、主动公开政府信息情况",
        "第二十条第（一）项\t\t\t",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "规章\t\t\t",
        "行政规范性文件\t\t\t",
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况\t\t\t\t\t\t",
        "\t自然人\t法人或其他组织\t\t\t\t\t总计",
        "一、本年新收政府信息公开申请数量\t\t\t\t\t\t\t",
        "二、上年结转政府信息公开申请数量\t\t\t\t\t\t\t",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ])
    return report_docx(text)


# ---------------------------------------------------------------- the fixture


class Fixture:
    """The built sites: routes per site, the reports, and what must or must not happen."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.routes: dict[str, dict[str, Route]] = {}
        self.later_routes: dict[str, dict[str, Route]] = {}
        self.reports: list[Report] = _reports()
        self.forbidden: dict[str, list[str]] = {}  # site -> targets robots.txt forbids, linked from the pages
        self.failing: dict[str, list[str]] = {}  # expect -> ["site:target", ...] the URLs that must fail
        self.not_reports: list[str] = []  # "site:target" of linked pages that are not reports
        self.start: list[str] = []  # "site:target" given on the command line in the main run
        self.dead_start = "dayu:/zwgk/xxgkml/zfxxgknb/index.html"
        self.hang = "shanggao:/xxgk/xxgkml/gknb/202201/t20220124_1567688.shtml"
        self.list_pages: dict[str, list[str]] = {}

    # manifest ----------------------------------------------------------------
    def save(self):
        def routes(d):
            return {s: {t: dataclasses.asdict(r) for t, r in rs.items()} for s, rs in d.items()}

        data = {
            "sites": {k: {"name": v[0], "models": v[1], "down": k in DEAD_SITES} for k, v in SITES.items()},
            "reports": [dataclasses.asdict(r) for r in self.reports],
            "forbidden": self.forbidden,
            "failing": self.failing,
            "not_reports": self.not_reports,
            "start": self.start,
            "dead_start": self.dead_start,
            "hang": self.hang,
            "list_pages": self.list_pages,
            "routes": routes(self.routes),
            "later_routes": routes(self.later_routes),
            "max_bytes": MAX_BYTES,
        }
        (self.folder / "manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "Fixture":
        data = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
        fx = cls(folder)
        fx.reports = [Report(**r) for r in data["reports"]]
        for name in ("forbidden", "failing", "not_reports", "start", "dead_start", "hang", "list_pages"):
            setattr(fx, name, data[name])
        fx.routes = {s: {t: Route(**r) for t, r in rs.items()} for s, rs in data["routes"].items()}
        fx.later_routes = {s: {t: Route(**r) for t, r in rs.items()} for s, rs in data["later_routes"].items()}
        return fx

    def report(self, key) -> Report:
        return next(r for r in self.reports if r.key == key)


def build(folder) -> Fixture:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fx = Fixture(folder)
    texts = _texts()
    R = {r.key: r for r in fx.reports}
    for site in SITES:
        fx.routes[site] = {}

    def b(site) -> SiteBuilder:
        return SiteBuilder(fx, site, fx.routes[site])

    _build_shanghang(fx, b("shanghang"), texts, R)
    _build_jiangle(fx, b("jiangle"), texts, R)
    _build_yindu(fx, b("yindu"), b("files"), texts, R)
    _build_shanggao(fx, b("shanggao"), texts, R)
    _build_shangyou(fx, b("shangyou"), texts, R)
    _build_chongyi(fx, b("chongyi"), texts, R)
    fx.save()
    return fx


def _build_shanghang(fx, sb, texts, R):
    site_name, domain = SITES["shanghang"]
    col = "政府信息公开年报"
    base = "/xxgk/zfxxgknb/"
    sb.add("/robots.txt", b"User-agent: *\nDisallow: /was5/\nDisallow: /wcm/\nDisallow: /xxgk/ysqgk/\n",
           "text/plain", ts("2019-06-18"))

    def article(title, target, date, source, content, prev_next=("", ""), index_no="", extra="", builder=sb, **kw):
        page = trs_page(site_name, domain, col, title, date, source, content, meta_charset="gb2312",
                        prev_next=prev_next, index_no=index_no, extra=extra)
        # UTF-8 bytes: right in the Content-Type header, wrong in the <meta> left over from the old template
        builder.page(target, page, ts(date), encoding="utf-8", **kw)

    r1 = R["shanghang_gov_office_2021"]
    t1 = texts[r1.key]
    sb.add(r1.also[0], report_pdf(t1, r1.title), "application/pdf", ts("2022-01-21"))
    article(r1.title, r1.page, "2022-01-21", "上杭县人民政府办公室", report_html(t1), index_no="11350823003621451X/2022-00012",
            extra=attachment_p("./P020220121613095187654.pdf", "上杭县人民政府办公室2021年政府信息公开工作年度报告.pdf", trs=True),
            prev_next=(("./t20220124_1809876.htm", R["shanghang_health_2021"].title),
                       ("./t20220128_1816620.htm", R["shanghang_education_2021"].title)))

    r2 = R["shanghang_education_2021"]
    sb.add(r2.document, report_pdf(texts[r2.key], r2.title), "application/pdf", ts("2022-01-28"))
    article(r2.title, r2.page, "2022-01-28", "上杭县教育局",
            attachment_p("./P020220128587120345678.pdf", "上杭县教育局2021年政府信息公开工作年度报告.pdf", trs=True),
            index_no="11350823003621451X/2022-00019",
            prev_next=(("./t20220121_1812345.htm", r1.title), ("", "")),
            behaviour="fail_then_ok", params={"failures": 2})

    r3 = R["shanghang_health_2021"]
    sb.add(r3.document, report_docx(texts[r3.key]),
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ts("2022-01-24"))
    article(r3.title, r3.page, "2022-01-24", "上杭县卫生健康局",
            '<p style="text-indent: 2em;">上杭县卫生健康局2021年政府信息公开工作年度报告全文请见附件。</p>'
            '<p><a href="./P020220124390215674012.docx" OLDSRC="/xxgk/zfxxgknb/202201/P020220124390215674012.docx">点击下载</a></p>',
            index_no="11350823003621451X/2022-00010")

    r4 = R["shanghang_2020"]
    article(r4.title, r4.page, "2021-01-28", "上杭县人民政府办公室", report_html(texts[r4.key]),
            index_no="11350823003621451X/2021-00008")

    # not reports
    notice = "/xxgk/zfxxgknb/202112/t20211220_1789012.htm"
    fmt_docx = "/xxgk/zfxxgknb/202112/P020211220522318745601.docx"
    sb.add(fmt_docx, format_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           ts("2021-12-20"))
    body = narrative(p.format(year=2021, next=2022, office="上杭县人民政府办公室", date="2021年12月20日")
                     for p in NOTICE_ON_REPORTS)
    article("关于做好2021年政府信息公开工作年度报告编制发布工作的通知", notice, "2021-12-20", "上杭县人民政府办公室",
            body + attachment_p("./P020211220522318745601.docx", "中华人民共和国政府信息公开工作年度报告格式.docx", trs=True))
    others = {
        "/xxgk/zfxxgknb/202203/t20220315_1849001.htm": ("关于印发上杭县2022年政务公开工作要点的通知", "2022-03-15", KEY_POINTS),
        "/xxgk/zfxxgknb/202202/t20220210_1830560.htm": ("上杭县人民政府办公室关于2021年度政府网站与政务新媒体检查情况的通报", "2022-02-10",
                                                         ["按照省、市关于政府网站与政务新媒体检查工作的部署，县政府办对全县政府网站和政务新媒体开展了检查，现将情况通报如下。", "一、总体情况", "全县共有政府网站1个，政务新媒体46个，检查合格率100%。"]),
        "/xxgk/zfxxgknb/202201/t20220127_1815432.htm": ("上杭县2021年法治政府建设年度报告", "2022-01-27", RULE_OF_LAW),
        "/xxgk/zfxxgknb/202201/t20220125_1810765.htm": ("上杭县2021年国民经济和社会发展统计公报", "2022-01-25",
                                                         ["2021年，全县上下坚持以习近平新时代中国特色社会主义思想为指导，全年实现地区生产总值548.62亿元，比上年增长8.6%。", "一、综合", "二、农业", "三、工业和建筑业"]),
        "/xxgk/zfxxgknb/202201/t20220120_1806211.htm": ("上杭县人民政府关于公布2022年度政务公开工作联系人名单的公告", "2022-01-20",
                                                         ["为进一步做好政务公开工作，现将2022年度各单位政务公开工作联系人名单予以公布。", "特此公告。", "上杭县人民政府", "2022年1月20日"]),
        "/xxgk/zfxxgknb/202201/t20220118_1803398.htm": ("上杭县2021年度部门决算公开说明", "2022-01-18",
                                                         ["根据《中华人民共和国预算法》规定，现将2021年度县本级部门决算予以公开。", "一、收入支出决算总体情况"]),
        "/xxgk/zfxxgknb/202111/t20211102_1763004.htm": ("上杭县人民政府信息公开指南（2021年修订）", "2021-11-02",
                                                         ["为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。", "一、主动公开", "二、依申请公开", "三、监督和救济"]),
        "/xxgk/zfxxgknb/202109/t20210914_1732210.htm": ("上杭县人民政府办公室关于印发《上杭县政府信息公开保密审查制度》的通知", "2021-09-14",
                                                         ["各乡（镇）人民政府，县直各单位：", "《上杭县政府信息公开保密审查制度》已经县政府同意，现印发给你们，请认真贯彻执行。"]),
        "/xxgk/zfxxgknb/202106/t20210601_1690033.htm": ("上杭县2021年政务公开工作要点", "2021-06-01", KEY_POINTS),
        "/xxgk/zfxxgknb/202103/t20210310_1650021.htm": ("上杭县人民政府办公室关于调整县政务公开工作领导小组成员的通知", "2021-03-10",
                                                         ["因人事变动，经县政府研究，决定调整县政务公开工作领导小组成员。"]),
        "/xxgk/zfxxgknb/202101/t20210122_1692210.htm": ("上杭县人民政府关于2020年度政务公开工作考评情况的通报", "2021-01-22",
                                                         ["根据《上杭县2020年政务公开工作考评细则》，县政务公开办组织开展了年度考评，现通报如下。"]),
    }
    for target, (title, date, paras) in others.items():
        article(title, target, date, "上杭县人民政府办公室", narrative(paras))
    fx.not_reports += ["shanghang:" + notice, "shanghang:" + fmt_docx] + ["shanghang:" + t for t in others]

    def item(target, title, date, truncate=False):
        return ("./" + target[len(base):], title, date, truncate)

    items = [
        item("/xxgk/zfxxgknb/202203/t20220315_1849001.htm", "关于印发上杭县2022年政务公开工作要点的通知", "2022-03-15"),
        item("/xxgk/zfxxgknb/202202/t20220210_1830560.htm", "上杭县人民政府办公室关于2021年度政府网站与政务新媒体检查情况的通报", "2022-02-10", True),
        item(r2.page, r2.title, "2022-01-28", True),
        item("/xxgk/zfxxgknb/202201/t20220127_1815432.htm", "上杭县2021年法治政府建设年度报告", "2022-01-27"),
        item("/xxgk/zfxxgknb/202201/t20220125_1810765.htm", "上杭县2021年国民经济和社会发展统计公报", "2022-01-25"),
        item(r3.page, r3.title, "2022-01-24", True),
        item(r1.page, r1.title, "2022-01-21", True),
        item("/xxgk/zfxxgknb/202201/t20220120_1806211.htm", "上杭县人民政府关于公布2022年度政务公开工作联系人名单的公告", "2022-01-20", True),
        item("/xxgk/zfxxgknb/202201/t20220118_1803398.htm", "上杭县2021年度部门决算公开说明", "2022-01-18"),
        item(notice, "关于做好2021年政府信息公开工作年度报告编制发布工作的通知", "2021-12-20", True),
        item("/xxgk/zfxxgknb/202111/t20211102_1763004.htm", "上杭县人民政府信息公开指南（2021年修订）", "2021-11-02"),
        item("/xxgk/zfxxgknb/202109/t20210914_1732210.htm", "上杭县人民政府办公室关于印发《上杭县政府信息公开保密审查制度》的通知", "2021-09-14", True),
        item("/xxgk/zfxxgknb/202106/t20210601_1690033.htm", "上杭县2021年政务公开工作要点", "2021-06-01"),
        item("/xxgk/zfxxgknb/202103/t20210310_1650021.htm", "上杭县人民政府办公室关于调整县政务公开工作领导小组成员的通知", "2021-03-10", True),
        item(r4.page, r4.title, "2021-01-28"),
        item("/xxgk/zfxxgknb/202101/t20210122_1692210.htm", "上杭县人民政府关于2020年度政务公开工作考评情况的通报", "2021-01-22", True),
    ]

    def lists(items, builder, modified):
        per = 6
        pages = (len(items) + per - 1) // per
        targets = []
        for n in range(pages):
            target = base + ("index.html" if n == 0 else f"index_{n}.html")
            chunk = items[n * per:(n + 1) * per]
            builder.page(target, trs_list(site_name, col, chunk, n, pages), modified)
            targets.append(target)
        return targets

    fx.list_pages["shanghang"] = lists(items, sb, ts("2022-03-15", "17:20"))
    fx.start.append("shanghang:" + base + "index.html")

    # published later: a report at the head of the list, which shifts every list page by one item
    later = SiteBuilder(fx, "shanghang", fx.later_routes.setdefault("shanghang", {}), subdir="later")
    r16 = R["shanghang_development_2021"]
    article(r16.title, r16.page, "2022-03-21", "上杭县发展和改革局", report_html(texts[r16.key]),
            index_no="11350823003621451X/2022-00031", builder=later)
    lists([item(r16.page, r16.title, "2022-03-21", True)] + items, later, ts("2022-03-21", "16:05"))


def _build_jiangle(fx, sb, texts, R):
    # robots.txt: the CMS answers every unknown address with its "page not found" page, status 200
    not_found = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><title>页面不存在</title></head>"
                 "<body><div class=\"err\">对不起，您访问的页面不存在或已被删除！<a href=\"/\">返回首页</a></div></body></html>")
    sb.page("/robots.txt", not_found, ts("2020-08-01"), encoding="gbk", ctype="text/html")

    def article(title, target, date, source, content, extra="", art_id="", **kw):
        page = hanweb_page(title, date, source, content, extra=extra, article_id=art_id)
        # GBK bytes; only the <meta> says (gb2312); the header has no charset
        return sb.page(target, page, ts(date, "16:48"), encoding="gbk", ctype="text/html", **kw)

    r1 = R["jiangle_2020"]
    article(r1.title, r1.page, "2021-01-29", "将乐县人民政府办公室", report_html(texts[r1.key]), art_id="2587123")

    r2 = R["jiangle_development_2020"]
    sb.add(r2.document, report_docx(texts[r2.key]), "application/octet-stream", ts("2021-01-20", "14:53"),
           headers={"Content-Disposition": 'attachment; filename="2101201453123.docx"'}, weak=True)
    article(r2.title, r2.page, "2021-01-20", "将乐县发展和改革局",
            '<p>　　将乐县发展和改革局2020年政府信息公开工作年度报告详见附件。</p>',
            extra='<p>附件：<a href="/module/download/downfile.jsp?classid=0&amp;filename=2101201453123.docx">'
                  '将乐县发展和改革局2020年政府信息公开工作年度报告.docx</a></p>',
            art_id="2585410", behaviour="slow", params={"seconds": 3.0})

    others = {
        "/art/2021/3/5/art_3862_2601450.html": ("将乐县人民政府办公室关于印发2021年将乐县政务公开工作要点的通知", "2021-03-05", KEY_POINTS),
        "/art/2021/1/28/art_3862_2586980.html": ("将乐县人民政府关于2020年度政务公开工作考评情况的通报", "2021-01-28",
                                                  ["根据《将乐县2020年度政务公开工作考评细则》，现将考评情况通报如下。"]),
        "/art/2020/12/25/art_3862_2571234.html": ("关于做好2020年政府信息公开工作年度报告编制发布工作的通知", "2020-12-25",
                                                   [p.format(year=2020, next=2021, office="将乐县人民政府办公室", date="2020年12月25日") for p in NOTICE_ON_REPORTS]),
        "/art/2020/11/18/art_3862_2559801.html": ("将乐县政府信息公开申请流程图", "2020-11-18", ["申请人提出申请——登记——审核——办理——答复——送达——归档"]),
        "/art/2020/5/12/art_3862_2498760.html": ("将乐县2020年政务公开工作要点", "2020-05-12", KEY_POINTS),
        "/art/2020/3/2/art_3862_2476543.html": ("将乐县人民政府办公室关于开展2019年度政府网站工作年度报表发布工作的通知", "2020-03-02",
                                                 ["各乡（镇）人民政府，县直各单位：", "请于3月底前发布2019年度政府网站工作年度报表。"]),
    }
    for target, (title, date, paras) in others.items():
        article(title, target, date, "将乐县人民政府办公室", narrative(paras))
    fx.not_reports += ["jiangle:" + t for t in others]

    items = [
        ("/art/2021/3/5/art_3862_2601450.html", "将乐县人民政府办公室关于印发2021年将乐县政务公开工作要点的通知", "2021-03-05", False),
        (r1.page, r1.title, "2021-01-29", False),
        ("/art/2021/1/28/art_3862_2586980.html", "将乐县人民政府关于2020年度政务公开工作考评情况的通报", "2021-01-28", False),
        ("/art/2020/12/25/art_3862_2571234.html", "关于做好2020年政府信息公开工作年度报告编制发布工作的通知", "2020-12-25", False),
        (r2.page, r2.title, "2021-01-20", False),
        ("/art/2020/11/18/art_3862_2559801.html", "将乐县政府信息公开申请流程图", "2020-11-18", False),
        ("/art/2020/5/12/art_3862_2498760.html", "将乐县2020年政务公开工作要点", "2020-05-12", False),
        ("/art/2020/3/2/art_3862_2476543.html", "将乐县人民政府办公室关于开展2019年度政府网站工作年度报表发布工作的通知", "2020-03-02", False),
    ]
    # page 1 holds the four newest by the CMS's own order (it sorts by 排序号, not date)
    pages = [items[:4], items[4:]]
    targets = []
    for n, chunk in enumerate(pages, start=1):
        target = "/col/col3862/index.html" if n == 1 else f"/col/col3862/index.html?uid=8741&pageNum={n}"
        sb.page(target, hanweb_list(chunk, n, len(pages)), ts("2021-03-05", "09:00"), encoding="gbk",
                ctype="text/html", weak=n > 1)
        targets.append(target)
    fx.list_pages["jiangle"] = targets
    fx.start.append("jiangle:/col/col3862/index.html")


def _build_yindu(fx, sb, files, texts, R):
    sb.add("/robots.txt", b"User-agent: *\nDisallow: /zfxxgk/ysqgk/\nDisallow: /hdjl/\nDisallow: /search/\n"
                          b"\nSitemap: /sitemap.xml\n", "text/plain", ts("2021-05-10"))
    files.add("/robots.txt", b"<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center>"
                             b"<hr><center>nginx</center></body></html>", "text/html", ts("2021-01-01"),
              behaviour="status", params={"status": 404})

    def article(title, target, date, source, content, extra="", **kw):
        page = jyh_page(title, date, source, content, extra=extra)
        # GBK bytes, header charset=GBK, <meta> gb2312; the editor's name 王喆 is outside GB2312
        return sb.page(target, page, ts(date, "09:12"), encoding="gbk", ctype="text/html; charset=GBK", **kw)

    r1 = R["yindu_gov_office_2021"]
    doc_target = r1.document.split(":", 1)[1]
    files.add(doc_target, next(WORD_FILES.glob("002_*.doc")).read_bytes(), "application/msword", ts("2022-01-25", "09:10"),
              behaviour="trickle", params={"chunk": 8192, "interval": 0.3})
    article(r1.title, r1.page, "2022-01-25", "殷都区人民政府办公室",
            '<p style="text-indent: 2em;">殷都区人民政府办公室2021年政府信息公开工作年度报告全文见附件。</p>',
            extra=f'<div class="xxgk_fj"><p>附件：</p><ul><li><a href="http://{{{{host:files}}}}{doc_target}" target="_blank">'
                  f'殷都区人民政府办公室2021年政府信息公开工作年度报告.doc</a></li></ul></div>')

    r2 = R["yindu_education_2021"]
    article(r2.title, r2.page, "2022-01-20", "殷都区教育局", report_html(texts[r2.key]))

    others = {
        "/contents/3619/201344.html": ("殷都区2022年政务公开工作要点", "2022-04-08", KEY_POINTS),
        "/contents/3619/199870.html": ("殷都区人民政府办公室关于2021年第四季度政府网站和政务新媒体检查情况的通报", "2022-01-28",
                                       ["根据《国务院办公厅关于印发政府网站与政务新媒体检查指标、监管工作年度考核指标的通知》要求，区政府办对全区政府网站和政务新媒体进行了检查。"]),
        "/contents/3619/196512.html": ("关于做好2021年政府信息公开工作年度报告编制发布工作的通知", "2021-12-28",
                                       [p.format(year=2021, next=2022, office="殷都区人民政府办公室", date="2021年12月28日") for p in NOTICE_ON_REPORTS]),
        "/contents/3619/190023.html": ("殷都区政府信息公开指南", "2021-09-01", ["一、主动公开", "二、依申请公开"]),
        "/contents/3619/184410.html": ("殷都区2021年政务公开工作要点", "2021-05-20", KEY_POINTS),
    }
    for target, (title, date, paras) in others.items():
        article(title, target, date, "殷都区人民政府办公室", narrative(paras))
    fx.not_reports += ["yindu:" + t for t in others]

    items = [
        ("/contents/3619/201344.html", "殷都区2022年政务公开工作要点", "2022-04-08", False),
        ("/contents/3619/199870.html", "殷都区人民政府办公室关于2021年第四季度政府网站和政务新媒体检查情况的通报", "2022-01-28", False),
        (r1.page, r1.title, "2022-01-25", False),
        (r2.page, r2.title, "2022-01-20", False),
        ("/contents/3619/196512.html", "关于做好2021年政府信息公开工作年度报告编制发布工作的通知", "2021-12-28", False),
        ("/contents/3619/190023.html", "殷都区政府信息公开指南", "2021-09-01", False),
        ("/contents/3619/184410.html", "殷都区2021年政务公开工作要点", "2021-05-20", False),
    ]
    pages = [items[:3], items[3:6], items[6:]]
    targets = []
    for n, chunk in enumerate(pages, start=1):
        target = "/channels/3619.html" if n == 1 else f"/channels/3619.html?page={n}"
        sb.page(target, jyh_list(chunk, n, len(pages)), ts("2022-04-08", "09:00"), encoding="gbk",
                ctype="text/html; charset=GBK", weak=n > 1)
        targets.append(target)
    fx.list_pages["yindu"] = targets
    fx.start.append("yindu:/channels/3619.html")


def _build_shanggao(fx, sb, texts, R):
    sb.add("/robots.txt", "# robots.txt for www.shanggao.gov.cn\nUser-agent: Baiduspider\nDisallow:\n\n"
                          "User-agent: *\nDisallow: /bmxxgk/\nDisallow: /xzxxgk/\nDisallow: /ucap/\nDisallow: /manage/\n".encode(),
           "text/plain", ts("2020-09-01"))

    def article(title, target, date, source, content, extra="", **kw):
        sb.page(target, kpy_page(title, date, source, content, extra=extra), ts(date, "11:02"), **kw)

    r1 = R["shanggao_service_centre_2021"]
    name = "上高县行政服务中心管委会2021年政府信息公开工作年度报告.docx"
    sb.add(r1.document, zip_of({name: report_docx(texts[r1.key])}), "application/zip", ts("2022-01-25", "10:15"))
    article(r1.title, r1.page, "2022-01-25", "上高县行政服务中心管委会",
            '<p>为方便公众查阅，现将我中心2021年政府信息公开工作年度报告（Word版）打包提供下载。</p>',
            extra='<div class="fj">附件下载：<a href="/uploadfile/2022/0125/20220125101512384.zip">'
                  '上高县行政服务中心管委会2021年政府信息公开工作年度报告.zip</a></div>')

    r2 = R["shanggao_finance_2021"]  # linked from nowhere: given as an attachment URL
    sb.add(r2.document, report_docx(texts[r2.key]),
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ts("2022-01-27", "15:35"))

    r3 = R["shanggao_natural_resources_2021"]  # under /bmxxgk/, which robots.txt forbids
    sb.add(r3.document, report_docx(texts[r3.key]),
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ts("2022-01-26"))
    article(r3.title, r3.page, "2022-01-26", "上高县自然资源局", "",
            extra=attachment_p("./P020220126556901238871.docx", r3.title + ".docx"))
    fx.forbidden["shanggao"] = [r3.page, r3.document]

    hang = fx.hang.split(":", 1)[1]  # only given directly, in its own test
    article("上高县市场监督管理局2021年政府信息公开工作年度报告", hang, "2022-01-24", "上高县市场监督管理局", "",
            behaviour="hang")

    others = {
        "/xxgk/xxgkml/gknb/202202/t20220222_1580044.shtml": ("上高县2022年政务公开工作要点", "2022-02-22", KEY_POINTS),
        "/xxgk/xxgkml/gknb/202201/t20220110_1560312.shtml": ("上高县人民政府办公室关于2021年第四季度政府网站抽查情况的通报", "2022-01-10",
                                                             ["现将2021年第四季度全县政府网站和政务新媒体抽查情况通报如下。"]),
    }
    for target, (title, date, paras) in others.items():
        article(title, target, date, "上高县人民政府办公室", narrative(paras))
    fx.not_reports += ["shanggao:" + t for t in others]
    items = [
        ("/xxgk/xxgkml/gknb/202202/t20220222_1580044.shtml", "上高县2022年政务公开工作要点", "2022-02-22", False),
        (r3.page, r3.title, "2022-01-26", False),
        (r1.page, r1.title, "2022-01-25", False),
        ("/xxgk/xxgkml/gknb/202201/t20220110_1560312.shtml", "上高县人民政府办公室关于2021年第四季度政府网站抽查情况的通报", "2022-01-10", False),
    ]
    sb.page("/xxgk/xxgkml/gknb/index.shtml", kpy_list(items), ts("2022-02-22", "11:02"))
    fx.list_pages["shanggao"] = ["/xxgk/xxgkml/gknb/index.shtml"]
    fx.start += ["shanggao:/xxgk/xxgkml/gknb/index.shtml", "shanggao:" + r1.page, "shanggao:" + r2.document]


def _build_shangyou(fx, sb, texts, R):
    site_name, domain = SITES["shangyou"]
    col = "政府信息公开工作年度报告"
    sb.add("/robots.txt", b"User-agent: *\nDisallow: /was5/\nDisallow: /wcm/\nDisallow: /wap/\n", "text/plain",
           ts("2022-11-02"))

    def article(title, target, date, source, content, extra="", **kw):
        page = trs_page(site_name, domain, col, title, date, source, content, meta_charset="utf-8",
                        container="Custom_UnionStyle", extra=extra, column_path="/xxgk/zfxxgkndbg/")
        return sb.page(target, page, ts(date), **kw)

    r1 = R["shangyou_gov_office_2023"]
    old = "/xxgk/zfxxgkndbg/202401/t20240116_5890123.html"
    sb.add(r1.document, next(WORD_FILES.glob("004_*.wps")).read_bytes(), "application/vnd.ms-works", ts("2024-01-16"))
    article(r1.title, r1.page, "2024-01-16", "上犹县人民政府办公室",
            '<p style="text-indent: 2em;">上犹县政府办2023年政府信息公开工作年度报告</p>'
            '<p><a href="./P020240116342519803452.wps" OLDSRC="/syxxgk/sy0108/202401/P020240116342519803452.wps">点击下载</a></p>')
    sb.add(old, b"<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n<center><h1>301 Moved Permanently</h1></center>\r\n"
                b"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", "text/html", ts("2024-01-16"),
           behaviour="redirect", params={"status": 301, "location": r1.page})
    r1.also = [old]  # the listed address

    r2 = R["shangyou_yingqian_2023"]
    sb.add(r2.page, b"<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n"
                    b"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", "text/html", ts("2024-01-18"),
           behaviour="status", params={"status": 500})

    r3 = R["shangyou_water_2023"]
    moved = "/syxxgk/sy0108/202401/t20240119_5891234.html"
    for a, z in ((r3.page, moved), (moved, r3.page)):
        sb.add(a, b"<html><head><title>302 Found</title></head><body><center><h1>302 Found</h1></center><hr><center>nginx</center></body></html>",
               "text/html", ts("2024-01-19"), behaviour="redirect", params={"status": 302, "location": z})

    r4 = R["shangyou_statistics_2023"]
    sb.add(r4.document, report_pdf(texts[r4.key], r4.title, noise_bytes=int(MAX_BYTES * 1.3)), "application/pdf",
           ts("2024-01-20"))
    article(r4.title, r4.page, "2024-01-20", "上犹县统计局", "",
            extra=attachment_p("./P020240120385521796321.pdf", r4.title + "（含附表扫描件）.pdf", trs=True))

    r5 = R["shangyou_education_2023"]
    head = zip_of({r5.title + ".docx": report_docx(texts[r5.key])})
    sb.add(r5.document, head, "application/zip", ts("2024-01-22"), behaviour="stream_big",
           params={"size": BIG_STREAM_BYTES})
    article(r5.title, r5.page, "2024-01-22", "上犹县教育局", "",
            extra=attachment_p("./P020240122398652134587.zip", r5.title + "（含佐证材料）.zip", trs=True))
    fx.failing = {
        "server_error": ["shangyou:" + r2.page],
        "redirect_loop": ["shangyou:" + r3.page, "shangyou:" + moved],
        "too_large": ["shangyou:" + r4.document, "shangyou:" + r5.document],
    }

    others = {
        "/xxgk/zfxxgkndbg/202402/t20240226_5921004.html": ("上犹县2024年政务公开工作要点", "2024-02-26", KEY_POINTS),
        "/xxgk/zfxxgkndbg/202312/t20231222_5862210.html": ("上犹县人民政府办公室关于做好2023年政府信息公开工作年度报告编制和发布工作的通知", "2023-12-22",
                                                          [p.format(year=2023, next=2024, office="上犹县人民政府办公室", date="2023年12月22日") for p in NOTICE_ON_REPORTS]),
        "/xxgk/zfxxgkndbg/202310/t20231016_5801120.html": ("上犹县人民政府关于2023年第三季度政务公开工作情况的通报", "2023-10-16",
                                                          ["现将2023年第三季度全县政务公开工作情况通报如下。"]),
    }
    for target, (title, date, paras) in others.items():
        article(title, target, date, "上犹县人民政府办公室", narrative(paras))
    fx.not_reports += ["shangyou:" + t for t in others]

    items = [
        ("./202402/t20240226_5921004.html", "上犹县2024年政务公开工作要点", "2024-02-26", False),
        ("./202401/t20240122_5892011.html", r5.title, "2024-01-22", False),
        ("./202401/t20240120_5891560.html", r4.title, "2024-01-20", False),
        ("./202401/t20240119_5891234.html", r3.title, "2024-01-19", False),
        ("./202401/t20240118_5890877.html", r2.title, "2024-01-18", False),
        ("./202401/t20240116_5890123.html", r1.title, "2024-01-16", False),
        ("./202312/t20231222_5862210.html", "上犹县人民政府办公室关于做好2023年政府信息公开工作年度报告编制和发布工作的通知", "2023-12-22", True),
        ("./202310/t20231016_5801120.html", "上犹县人民政府关于2023年第三季度政务公开工作情况的通报", "2023-10-16", False),
    ]
    targets = []
    for n, chunk in enumerate([items[:5], items[5:]]):
        target = "/xxgk/zfxxgkndbg/" + ("index.html" if n == 0 else f"index_{n}.html")
        sb.page(target, trs_list(site_name, col, chunk, n, 2), ts("2024-02-26", "15:00"))
        targets.append(target)
    fx.list_pages["shangyou"] = targets
    fx.start.append("shangyou:/xxgk/zfxxgkndbg/index.html")


def _build_chongyi(fx, sb, texts, R):
    sb.add("/robots.txt", b"User-agent: *\nDisallow: /zwgk/\nAllow: /zwgk/xxgk/gknb/\nDisallow: /search/\n", "text/plain",
           ts("2023-03-01"))
    r1 = R["chongyi_gov_office_2023"]
    sb.add(r1.document, report_pdf(texts[r1.key], r1.title), "application/pdf", ts("2024-01-19"))
    sb.page(r1.page, simple_page("崇义县人民政府", r1.title, "2024-01-19", "崇义县人民政府办公室",
                                 attachment_p("./P020240119530078164521.pdf", r1.title + ".pdf")), ts("2024-01-19"))
    notice = "/zwgk/tzgg/202312/t20231225_2198765.html"  # under /zwgk/ but not /zwgk/xxgk/gknb/: forbidden
    sb.page(notice, simple_page("崇义县人民政府", "关于做好2023年政府信息公开工作年度报告编制和发布工作的通知", "2023-12-25",
                                "崇义县人民政府办公室",
                                narrative(p.format(year=2023, next=2024, office="崇义县人民政府办公室", date="2023年12月25日")
                                          for p in NOTICE_ON_REPORTS)), ts("2023-12-25"))
    items = [
        ("/zwgk/xxgk/gknb/202401/t20240119_2210456.html", r1.title, "2024-01-19", False),
        (notice, "关于做好2023年政府信息公开工作年度报告编制和发布工作的通知", "2023-12-25", False),
    ]
    sb.page("/zwgk/xxgk/gknb/index.html", simple_list("崇义县人民政府", "政府信息公开年报", items), ts("2024-01-19"))
    fx.forbidden["chongyi"] = [notice]
    fx.not_reports.append("chongyi:" + notice)
    fx.list_pages["chongyi"] = ["/zwgk/xxgk/gknb/index.html"]
    fx.start.append("chongyi:/zwgk/xxgk/gknb/index.html")


# ---------------------------------------------------------------- the server


def http_date(t: float) -> str:
    return email.utils.formatdate(t, usegmt=True)


class FixtureServer:
    """Serves a built fixture: one ThreadingHTTPServer per site on 127.0.0.1, port 0."""

    def __init__(self, fixture: Fixture):
        self.fx = fixture
        self.routes = {site: dict(rs) for site, rs in fixture.routes.items()}
        self.log: list[dict] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.counters: dict[tuple, int] = {}
        self.servers: dict[str, ThreadingHTTPServer] = {}
        self.threads: list[threading.Thread] = []
        self.ports: dict[str, int] = {}
        self.bodies: dict[tuple, bytes] = {}

    # addresses ------------------------------------------------------------
    def host(self, site: str) -> str:
        return f"127.0.0.1:{self.ports[site]}"

    def url(self, ref: str) -> str:
        """'site:/target' -> http://127.0.0.1:port/target"""
        site, target = ref.split(":", 1)
        return f"http://{self.host(site)}{target}"

    def report_urls(self, report: Report) -> list[str]:
        def full(t):
            return self.url(t if ":" in t.split("/")[0] else f"{report.site}:{t}")
        return [full(report.document)] + [full(t) for t in report.also]

    def site_of_port(self, port: int) -> str:
        return next(s for s, p in self.ports.items() if p == port)

    # lifecycle ------------------------------------------------------------
    def start(self):
        for site in SITES:
            if site in DEAD_SITES:
                # a port nobody listens on: bind, note, close
                with socket.socket() as s:
                    s.bind(("127.0.0.1", 0))
                    self.ports[site] = s.getsockname()[1]
                continue
            server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self, site))
            server.daemon_threads = True
            self.servers[site] = server
            self.ports[site] = server.server_address[1]
            t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def stop(self):
        self.stopping.set()
        for server in self.servers.values():
            server.shutdown()
            server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def publish_later(self):
        """The later report goes online: its article page, and the list pages shifted by one item."""
        with self.lock:
            for site, rs in self.fx.later_routes.items():
                self.routes[site].update(rs)
                for target in rs:
                    self.bodies.pop((site, target), None)

    # content --------------------------------------------------------------
    def body(self, site, target, route: Route) -> bytes:
        key = (site, target)
        with self.lock:
            if key not in self.bodies:
                data = (self.fx.folder / route.file).read_bytes()
                for other in SITES:
                    data = data.replace(f"{{{{host:{other}}}}}".encode(), self.host(other).encode())
                self.bodies[key] = data
            return self.bodies[key]

    def etag(self, route: Route, body: bytes) -> str:
        tag = f'"{int(route.modified):x}-{len(body):x}-{hashlib.md5(body).hexdigest()[:8]}"'
        return "W/" + tag if route.weak else tag

    def requests(self, since: int = 0, site: str | None = None):
        with self.lock:
            entries = list(self.log[since:])
        return [e for e in entries if site is None or e["site"] == site]

    def mark(self) -> int:
        with self.lock:
            return len(self.log)


def _make_handler(server: FixtureServer, site: str):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "nginx"
        sys_version = ""
        timeout = 60

        def log_message(self, *args):
            pass

        def version_string(self):
            return "nginx"

        # every request: find the route, answer, log
        def do_GET(self):
            self._handle(head=False)

        def do_HEAD(self):
            self._handle(head=True)

        def do_POST(self):
            self.entry = self._entry()
            self._send_simple(405, b"Method Not Allowed")

        def _entry(self):
            entry = {
                "site": site,
                "host": server.host(site),
                "method": self.command,
                "target": self.path,
                "status": None,
                "start": time.monotonic(),
                "end": None,
                "wall": time.time(),
                "user_agent": self.headers.get("User-Agent"),
                "if_none_match": self.headers.get("If-None-Match"),
                "if_modified_since": self.headers.get("If-Modified-Since"),
                "range": self.headers.get("Range"),
                "bytes": 0,
                "complete": False,
            }
            with server.lock:
                server.log.append(entry)
            return entry

        def _write(self, data: bytes) -> bool:
            t = time.monotonic()
            try:
                self.wfile.write(data)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
                self.close_connection = True
                return False
            # the client cannot have had these bytes before t: the request lasted at least till then
            self.entry["end"] = t
            return True

        def _head_bytes(self, status, headers):
            lines = [f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}"]
            lines.append("Server: nginx")
            lines.append(f"Date: {http_date(time.time())}")
            for k, v in headers.items():
                lines.append(f"{k}: {v}")
            return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

        def _send_simple(self, status, body, ctype="text/html", extra=None):
            headers = {"Content-Type": ctype, "Content-Length": str(len(body))}
            headers.update(extra or {})
            self.entry["status"] = status
            payload = self._head_bytes(status, headers) + (b"" if self.command == "HEAD" else body)
            if self._write(payload):
                self.entry["bytes"] = 0 if self.command == "HEAD" else len(body)
                self.entry["complete"] = True

        def _handle(self, head):
            self.entry = entry = self._entry()
            with server.lock:
                route = server.routes[site].get(self.path)
                key = (site, self.path)
                server.counters[key] = server.counters.get(key, 0) + 1
                count = server.counters[key]
            if route is None:
                body = (b"<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center>"
                        b"<hr><center>nginx</center></body></html>")
                return self._send_simple(404, body)
            b = route.behaviour
            p = route.params
            if b == "status":
                return self._send_simple(p["status"], server.body(site, self.path, route), route.ctype)
            if b == "redirect":
                loc = p["location"]
                return self._send_simple(p["status"], server.body(site, self.path, route), route.ctype,
                                         {"Location": f"http://{server.host(site)}{loc}" if loc.startswith("/") else loc})
            if b == "fail_then_ok" and count <= p["failures"]:
                return self._send_simple(500, b"<html><head><title>500 Internal Server Error</title></head><body>"
                                              b"<center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center></body></html>")
            if b == "hang":
                return self._hang()
            if b == "slow":
                if server.stopping.wait(p["seconds"]):
                    return
            body = server.body(site, self.path, route)
            headers = {
                "Content-Type": route.ctype,
                "Last-Modified": http_date(route.modified),
                "ETag": server.etag(route, body),
                "Accept-Ranges": "bytes",
            }
            headers.update(route.headers)
            if self._not_modified(headers, route):
                entry["status"] = 304
                h = {k: v for k, v in headers.items() if k in ("ETag", "Last-Modified")}
                h["Content-Length"] = "0"  # harmless, and keeps keep-alive clients in step
                if self._write(self._head_bytes(304, h)):
                    entry["complete"] = True
                return
            entry["status"] = 200
            if b == "stream_big":
                return self._stream(headers, body, p["size"], head)
            headers["Content-Length"] = str(len(body))
            if head:
                if self._write(self._head_bytes(200, headers)):
                    entry["complete"] = True
                return
            if b == "trickle":
                if not self._write(self._head_bytes(200, headers)):
                    return
                for i in range(0, len(body), p["chunk"]):
                    if server.stopping.wait(p["interval"]):
                        return
                    if not self._write(body[i:i + p["chunk"]]):
                        return
                    entry["bytes"] += len(body[i:i + p["chunk"]])
                entry["complete"] = True
                return
            # whole responses go in 64 kB pieces, so an aborted download shows how much was sent
            payload = self._head_bytes(200, headers)
            if not self._write(payload):
                return
            for i in range(0, len(body), 65536):
                if not self._write(body[i:i + 65536]):
                    return
                entry["bytes"] += len(body[i:i + 65536])
            entry["complete"] = True

        def _not_modified(self, headers, route: Route) -> bool:
            inm = self.headers.get("If-None-Match")
            if inm is not None:
                mine = headers["ETag"].removeprefix("W/")
                tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
                return "*" in tags or mine in tags
            ims = self.headers.get("If-Modified-Since")
            if ims:
                try:
                    when = email.utils.parsedate_to_datetime(ims).timestamp()
                except (TypeError, ValueError, IndexError):
                    return False
                return int(when) >= int(route.modified)
            return False

        def _stream(self, headers, head_bytes, size, head):
            """Chunked, no Content-Length: the zip's bytes, then filler, until `size` or the client hangs up."""
            headers["Transfer-Encoding"] = "chunked"
            if not self._write(self._head_bytes(200, headers)):
                return
            if head:
                self._write(b"0\r\n\r\n")
                return
            rnd = random.Random(21)
            sent = 0
            data = head_bytes
            while sent < size:
                if server.stopping.is_set():
                    return
                piece = data if data else rnd.randbytes(65536)
                data = b""
                if not self._write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n"):
                    return
                sent += len(piece)
                self.entry["bytes"] = sent
            if self._write(b"0\r\n\r\n"):
                self.entry["complete"] = True

        def _hang(self):
            """Read the request, never answer; note until when the client was still waiting."""
            self.close_connection = True
            deadline = time.monotonic() + 900
            sock = self.connection
            self.entry["end"] = time.monotonic()
            while time.monotonic() < deadline and not server.stopping.is_set():
                r, _, _ = select.select([sock], [], [], 0.1)
                if r:
                    try:
                        if sock.recv(1, socket.MSG_PEEK) == b"":
                            return
                    except OSError:
                        return
                self.entry["end"] = time.monotonic()  # still connected at this moment

    return Handler


# ---------------------------------------------------------------- browse it


def main(argv):
    folder = Path(argv[1] if len(argv) > 1 else "fixture-sites")
    fx = build(folder)
    with FixtureServer(fx) as srv:
        print(f"Sites built in {folder} (manifest.json lists the reports and the traps).")
        for ref in fx.start:
            print("  ", srv.url(ref))
        print("   dead:", srv.url(fx.dead_start))
        print("Ctrl+C to stop.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main(sys.argv)
