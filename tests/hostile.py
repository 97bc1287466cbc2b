"""Damaged and hostile input files for `gkreport ingest`, made from a seed.

Evaluation cases written from the documentation (README: "gkreport ingest" and
"Input formats"; issue 14): each case is one file, written under its own folder
`cNNNNN/`, with what the ingest must do with it where that is certain:

- ``stored``: a report that is readable (the damage leaves its title and narrative
  whole; "a report whose tables can't be read is still stored");
- ``not_stored``: garbage, empty, special files, bombs, escaping archive members;
- ``any``: either is acceptable, but the file must still be accounted for.

    from hostile import generate
    cases = generate(20261202, 1000, Path("/tmp/cases"))

The files are made from the five sample reports (data/reports/), each given a new
agency and year so that no case is the same report as a sample or as another case
(a report re-dated and re-attributed is a different report), rendered as .txt .md
.html .htm .docx .pdf, from the two Word 97 fixtures (tests/fixtures/formats/),
and from the real PDFs and Word template of /work/shared/corpus/peers/ when that
folder exists (GKREPORT_PEERS overrides it). Deterministic for a given seed.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import random
import re
import shutil
import socket
import stat
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "data" / "reports").glob("*.txt"))
EXPECTED = json.loads((ROOT / "tests" / "fixtures" / "expected.json").read_text("utf-8"))
WORD97 = ROOT / "tests" / "fixtures" / "formats"
PEERS = Path(os.environ.get("GKREPORT_PEERS", "/work/shared/corpus/peers"))
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

STORED, NOT_STORED, ANY = "stored", "not_stored", "any"
DATE = (2022, 3, 1, 9, 0, 0)  # every zip member's time stamp, so that the bytes repeat
MB = 1 << 20


@dataclass
class Member:
    """A file inside an archive (nested archives: ``inner.zip!x.txt``)."""

    name: str  # as the ingest should show it after ``archive.zip!``
    expect: str

    @property
    def leaf(self) -> str:
        return re.split(r"[/!\\]", self.name)[-1]


@dataclass
class Case:
    path: Path  # may hold surrogate escapes (names that are not UTF-8)
    cls: str
    variant: str
    fmt: str  # txt md html htm docx pdf doc wps zip other
    expect: str  # stored / not_stored / any
    members: list[Member] = field(default_factory=list)  # archives only
    units: tuple[int, int] = (1, 1)  # how many inputs it may count for in the summary
    group: str | None = None  # duplicates: exactly one of a group is stored
    flagged: bool = False  # when stored, its status must not be 'ok' (a table-3 cell was changed)
    status: str | None = None  # when stored, the status it must have
    alone: bool = True  # the only input under its case folder
    must_not_exist: list[Path] = field(default_factory=list)  # archive escape targets
    agency: str | None = None
    year: int | None = None
    rel: Path = Path()  # path relative to the generated folder

    @property
    def case_dir(self) -> str:
        return self.rel.parts[0]


# ---------------------------------------------------------------- the reports

# How each sample prints its agency (read off the files) and the rest of its identity.
PRINTED = {
    "000_16db74812dfc7d92.txt": "上杭县人民政府办公室",
    "001_08fe1e56ee831c9d.txt": "将乐县人民政府",
    "002_dc17ca86c1b8bf45.txt": "殷都区人民政府办公室",
    "003_93984f495c0e3205.txt": "上高县行政服务中心管委会",
    "004_59f3838da1fae8cc.txt": "上犹县政府办",
}
DEPTS = [
    "教育局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源局",
    "生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局",
    "文化和旅游局", "卫生健康局", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局",
    "统计局", "医疗保障局", "林业局", "城市管理局", "信访局", "发展和改革局", "工业和信息化局",
    "科学技术局", "体育局", "行政审批局", "数据资源管理局", "乡村振兴局", "人民防空办公室",
    "机关事务管理局", "民族宗教事务局", "档案馆", "住房公积金管理中心", "供销合作社联合社",
    "地方金融监督管理局", "粮食和物资储备局", "融媒体中心",
]


@dataclass(frozen=True)
class Ident:
    sample: str
    agency: str
    year: int
    shared: bool = False  # handed to several 'any' cases once the unique ones run out


def _sample_info(name: str) -> dict:
    for r in EXPECTED["reports"]:
        if r["file"] == name:
            return r
    raise KeyError(name)


def _years(name: str) -> list[int]:
    y = _sample_info(name)["year"]
    # the 2019 format was used for the 2019 and 2020 reports, the 2021 format since
    return [2019, 2020] if y <= 2020 else [2021, 2022, 2023, 2024]


def _identities(rng: random.Random) -> tuple[list[Ident], list[Ident]]:
    idents = []
    for s in SAMPLES:
        info = _sample_info(s.name)["region"]
        for year in _years(s.name):
            for place in (info["county"], info["city"]):
                for d in DEPTS:
                    idents.append(Ident(s.name, place + d, year))
    rng.shuffle(idents)
    shared = [Ident(i.sample, i.agency, i.year, True) for i in idents[:15]]
    return idents[15:], shared


@lru_cache(maxsize=None)
def sample_text(name: str) -> str:
    return (ROOT / "data" / "reports" / name).read_text("utf-8")


@lru_cache(maxsize=4096)
def report_text(ident: Ident) -> str:
    """The sample re-attributed to ident.agency and re-dated to ident.year."""
    text = sample_text(ident.sample)
    old_year = _sample_info(ident.sample)["year"]
    printed = PRINTED[ident.sample]
    if ident.sample.startswith("001_"):  # its title prints only the county
        text = text.replace("将乐县 2020 年政府信息公开工作年度报告", f"{printed} 2020 年政府信息公开工作年度报告", 1)
    text = text.replace(printed, ident.agency)
    shift = {str(old_year + k): str(ident.year + k) for k in (-1, 0, 1)}
    return re.sub(r"(?<!\d)(\d{4})(?=\s*年)", lambda m: shift.get(m.group(1), m.group(1)), text)


def title_of(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    t = lines[0]
    if "年度报告" not in t:  # 003 and 004 break their title over two lines
        t += lines[1]
    return t


def blocks(text: str) -> list[tuple[str, object]]:
    """('title'|'h'|'p', str) and ('t', rows): tab-separated lines are table rows."""
    out: list[tuple[str, object]] = []
    rows: list[list[str]] = []
    lines = text.splitlines()
    title = title_of(text)
    out.append(("title", title))
    skipping = True
    for ln in lines:
        if skipping:  # the title lines
            if ln.strip() and ln.strip() in title:
                continue
            if not ln.strip():
                continue
            skipping = False
        if "\t" in ln:
            cells = [c.strip() for c in ln.split("\t")]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                rows.append(cells)
            continue
        if rows:
            out.append(("t", rows))
            rows = []
        s = ln.strip()
        if not s:
            continue
        out.append(("h" if re.match(r"^[一二三四五六七八九十]+、", s) else "p", s))
    if rows:
        out.append(("t", rows))
    return out


# ---------------------------------------------------------------- renderings

def render_md(text: str) -> str:
    out = []
    for kind, val in blocks(text):
        if kind == "title":
            out.append(f"# {val}\n")
        elif kind == "h":
            out.append(f"## {val}\n")
        elif kind == "p":
            out.append(f"{val}\n")
        else:
            n = max(len(r) for r in val)
            for i, r in enumerate(val):
                out.append("| " + " | ".join(r + [""] * (n - len(r))) + " |")
                if i == 0:
                    out.append("|" + "---|" * n)
            out.append("")
    return "\n".join(out) + "\n"


def html_body(text: str, span: dict | None = None) -> str:
    """The report as the article part of a page. span: {'attr': 'colspan', 'value': '…', 'where': 'first'|'all'}."""
    out = []
    for kind, val in blocks(text):
        if kind == "title":
            out.append(f'<h1 class="title">{escape(val)}</h1>')
        elif kind == "h":
            out.append(f"<p><strong>{escape(val)}</strong></p>")
        elif kind == "p":
            out.append(f'<p style="text-indent:2em">{escape(val)}</p>')
        else:
            t3 = any("本年新收" in c for r in val for c in r)
            out.append('<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse">')
            for ri, r in enumerate(val):
                cells = []
                for ci, c in enumerate(r):
                    attr = ""
                    if span and t3 and (span["where"] == "all" or (ri, ci) == (0, 0)):
                        attr = f' {span["attr"]}="{span["value"]}"'
                    cells.append(f"<td{attr}>{escape(c)}</td>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</table>")
    return "\n".join(out)


def render_html(text: str, charset: str = "utf-8", body: str | None = None, meta: str | None = None) -> str:
    """A county government's page: navigation, sidebar, the report, the footer."""
    t = title_of(text)
    place = t[:3]
    body = html_body(text) if body is None else body
    meta = meta or f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{meta}
<title>{escape(t)}_{place}人民政府</title>
<link rel="stylesheet" href="/css/main.css">
</head>
<body>
<div class="head"><div class="logo">{place}人民政府</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>
<div class="main">
<div class="side"><h3>信息公开</h3><ul><li>政府信息公开指南</li><li>政府信息公开制度</li><li>法定主动公开内容</li><li>政府信息公开年报</li></ul></div>
<div class="article" id="zoom">
{body}
<div class="info">来源：{escape(t[:-len("政府信息公开工作年度报告")] if t.endswith("政府信息公开工作年度报告") else t)}　　【字体：大 中 小】　　打印本页</div>
</div>
</div>
<div class="foot">主办单位：{place}人民政府办公室　　网站标识码：3608240001　　赣ICP备05004411号　　公网安备 36082402000101号</div>
</body>
</html>
"""


def _zip_normalize(data: bytes, edit=None) -> bytes:
    """Rewrite a zip with fixed time stamps (and one member edited): the same bytes every time."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if edit and info.filename == "word/document.xml":
                blob = edit(blob)
            dst.writestr(zipfile.ZipInfo(info.filename, DATE), blob, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _docx_table_xml(rows: list[list[str]]) -> str:
    """A table as Word writes it: a grid, borders, one paragraph per cell."""
    n = max(len(r) for r in rows)
    w = 8300 // n
    out = ['<w:tbl xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
           '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
           "</w:tblPr><w:tblGrid>" + f'<w:gridCol w:w="{w}"/>' * n + "</w:tblGrid>"]
    for r in rows:
        out.append("<w:tr>")
        for c in r + [""] * (n - len(r)):
            t = f'<w:r><w:t xml:space="preserve">{escape(c, quote=False)}</w:t></w:r>' if c else ""
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p>{t}</w:p></w:tc>')
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


@lru_cache(maxsize=256)
def render_docx(text: str) -> bytes:
    import docx
    from docx.oxml import parse_xml
    from docx.shared import Pt

    d = docx.Document()
    body = d.element.body
    for kind, val in blocks(text):
        if kind == "title":
            p = d.add_paragraph()
            r = p.add_run(val)
            r.bold = True
            r.font.size = Pt(16)
        elif kind in ("h", "p"):
            d.add_paragraph(val)
        else:
            body.insert(len(body) - 1, parse_xml(_docx_table_xml(val)))  # before the section properties
    buf = io.BytesIO()
    d.save(buf)
    return _zip_normalize(buf.getvalue())


def docx_edit(data: bytes, fn) -> bytes:
    return _zip_normalize(data, lambda b: fn(b.decode("utf-8")).encode("utf-8"))


@lru_cache(maxsize=1)
def _pdf_font() -> str:
    from reportlab.pdfbase import pdfmetrics

    if CJK_FONT.exists():
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont("WQY", str(CJK_FONT), subfontIndex=0))
        return "WQY"
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


@lru_cache(maxsize=256)
def render_pdf(text: str) -> bytes:
    from reportlab import rl_config

    rl_config.invariant = 1
    rl_config.useA85 = 0
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _pdf_font()
    body = ParagraphStyle("b", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK", firstLineIndent=21)
    head = ParagraphStyle("h", parent=body, firstLineIndent=0, spaceBefore=6)
    title = ParagraphStyle("t", parent=body, fontSize=16, leading=24, alignment=1, firstLineIndent=0)
    cell = ParagraphStyle("c", fontName=font, fontSize=7, leading=9, wordWrap="CJK")
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=50, rightMargin=50, topMargin=60, bottomMargin=60,
                            invariant=1, title="", author="", creator="")
    story = []
    for kind, val in blocks(text):
        if kind == "title":
            story += [Paragraph(escape(val), title), Spacer(1, 8)]
        elif kind == "h":
            story.append(Paragraph(escape(val), head))
        elif kind == "p":
            story.append(Paragraph(escape(val), body))
        else:
            n = max(len(r) for r in val)
            data = [[Paragraph(escape(c), cell) if len(c) > 4 else c for c in r] + [""] * (n - len(r)) for r in val]
            widths = [(A4[0] - 100) / n] * n
            t = Table(data, colWidths=widths)
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   ("FONT", (0, 0), (-1, -1), font, 7)]))
            story += [Spacer(1, 4), t, Spacer(1, 4)]
    doc.build(story)
    return buf.getvalue()


# ---------------------------------------------------------------- hand-made PDFs

def pdf_build(objs: dict[int, bytes], root: int = 1, trailer_extra: bytes = b"", startxref: int | None = None,
              eof: bool = True, header: bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n") -> bytes:
    out = bytearray(header)
    offs = {}
    for num in sorted(objs):
        offs[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref_at = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for i in range(1, size):
        out += b"%010d 00000 n \n" % offs[i] if i in offs else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n" % (
        size, root, trailer_extra, xref_at if startxref is None else startxref)
    if eof:
        out += b"%%EOF\n"
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"", length: bytes | None = None) -> bytes:
    ln = b"%d" % len(data) if length is None else length
    return b"<< /Length " + ln + extra + b" >>\nstream\n" + data + b"\nendstream"


HELLO = b"BT /F1 18 Tf 72 720 Td (2023 Annual Report on Government Information Disclosure) Tj ET"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _simple_pdf(content: bytes = HELLO, **kw) -> dict[int, bytes]:
    return {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        4: _stream(content, **kw),
        5: FONT,
    }


def pdf_append_update(base: bytes, objs: dict[int, bytes], root: int, prev: int | None = None) -> bytes:
    """An incremental update (a new xref section and trailer) appended to base."""
    m = re.findall(rb"startxref\s+(\d+)", base)
    old = int(m[-1]) if prev is None else prev
    size = max(int(x) for x in re.findall(rb"/Size (\d+)", base))
    size = max(size, max(objs) + 1)
    out = bytearray(base if base.endswith(b"\n") else base + b"\n")
    offs = {}
    for num in sorted(objs):
        offs[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for num in sorted(objs):
        out += b"%d 1\n%010d 00000 n \n" % (num, offs[num])
    out += b"trailer\n<< /Size %d /Root %d 0 R /Prev %010d >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, old, xref_at)
    return bytes(out)


def pdf_catalog(pdf: bytes) -> tuple[int, bytes]:
    m = re.search(rb"(\d+) 0 obj\s*(<<(?:(?!endobj).)*?/Type\s*/Catalog(?:(?!endobj).)*?>>)\s*endobj", pdf, re.S)
    return int(m.group(1)), m.group(2)


# ---------------------------------------------------------------- damage

def flip(rng: random.Random, data: bytes, k: int, lo: int = 0, hi: int | None = None) -> bytes:
    b = bytearray(data)
    hi = len(b) if hi is None else hi
    for _ in range(k):
        i = rng.randrange(lo, hi)
        b[i] ^= rng.randrange(1, 256)
    return bytes(b)


def zero_range(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    n = rng.choice([1, 16, 512, 4096, len(b) // 3])
    i = rng.randrange(0, max(1, len(b) - n))
    b[i:i + n] = bytes(min(n, len(b) - i))
    return bytes(b)


def garbage(rng: random.Random, n: int, avoid: bytes = b"PK\x05\x06") -> bytes:
    g = rng.randbytes(n)
    return g.replace(avoid, b"\0\0\0\0") if avoid else g


# ---------------------------------------------------------------- the generator

class Gen:
    def __init__(self, seed: int, folder: Path, n: int):
        self.rng = random.Random(seed)
        self.folder = folder
        self.n = n
        self.unique, self.shared = _identities(random.Random(seed + 1))
        self.used: set[Ident] = set()
        self.big_left = max(1, n // 1000)  # 10 MB files: one per 1,000 cases
        self.root = os.geteuid() == 0
        self.word97 = bool(shutil.which("soffice") or shutil.which("libreoffice") or shutil.which("catdoc")
                           or shutil.which("antiword"))
        self.peers = sorted(PEERS.glob("**/*.pdf")) if PEERS.is_dir() else []
        tpl = PEERS / "govnianbao" / "政务公开年报模版.docx"
        self.template_docx = tpl if tpl.exists() else None

    # identities
    def ident(self, sample: str | None = None, pred=None) -> Ident:
        for i, idt in enumerate(self.unique):
            if idt in self.used or (sample and idt.sample != sample) or (pred and not pred(idt)):
                continue
            self.used.add(idt)
            return idt
        pool = [s for s in self.shared if (not sample or s.sample == sample) and (not pred or pred(s))] or self.shared
        return self.rng.choice(pool)

    def text(self, idt: Ident) -> str:
        return report_text(idt)

    def expect(self, idt: Ident, want: str) -> str:
        """'stored' is certain only for a report no other case shares."""
        return ANY if (want == STORED and idt.shared) else want

    # writing
    def write(self, d: Path, name: str | bytes, data: bytes) -> Path:
        p = os.path.join(os.fsencode(d), name if isinstance(name, bytes) else os.fsencode(name))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        return Path(os.fsdecode(p))

    def case(self, path: Path, cls: str, variant: str, fmt: str, expect: str, **kw) -> Case:
        c = Case(path=path, cls=cls, variant=variant, fmt=fmt, expect=expect, **kw)
        c.rel = Path(os.path.relpath(os.fsdecode(path), self.folder))
        return c

    def rendered(self, idt: Ident, fmt: str) -> bytes:
        t = self.text(idt)
        if fmt == "txt":
            return t.encode("utf-8")
        if fmt == "md":
            return render_md(t).encode("utf-8")
        if fmt in ("html", "htm", "shtml"):
            return render_html(t).encode("utf-8")
        if fmt == "docx":
            return render_docx(t)
        if fmt == "pdf":
            return render_pdf(t)
        raise ValueError(fmt)

    def report_name(self, idt: Ident, fmt: str) -> str:
        return f"{idt.agency}{idt.year}年政府信息公开工作年度报告.{fmt}"


def _after(text_bytes: bytes, marker: str) -> int:
    i = text_bytes.find(marker.encode("utf-8"))
    return i + len(marker.encode("utf-8")) if i >= 0 else -1


# ---- class: damage -------------------------------------------------------

def v_damage(g: Gen, d: Path, fmt: str, kind: str) -> list[Case]:
    rng = g.rng
    if fmt in ("doc", "wps"):
        return _damage_word97(g, d, fmt, kind)
    if fmt == "peerpdf":
        return _damage_peer(g, d, kind)
    if fmt == "zip":
        return _damage_zip(g, d, kind)
    idt = g.ident()
    data = g.rendered(idt, fmt)
    name = g.report_name(idt, fmt)
    text = fmt in ("txt", "md", "html", "htm")
    expect = ANY
    if kind == "flip_many":
        data = flip(rng, data, rng.choice([1, 3, 10, 50, 300]))
    elif kind == "flip_one_in_prose" and text:
        # one byte of a character in section five (after every table) made invalid
        start = max(data.rfind("五、".encode()), len(data) * 3 // 4)
        cands = [i for i in range(start, len(data) - 3) if data[i] >= 0xE4 and data[i] <= 0xE9]
        i = rng.choice(cands)
        data = data[:i + 1] + b"\xff" + data[i + 2:]
        expect = STORED
    elif kind == "flip_one_in_prose":  # docx/pdf: one flip anywhere
        data = flip(rng, data, 1)
    elif kind == "truncate":
        cut = rng.randrange(1, len(data))
        if text:
            keep = _after(data, "二、主动公开政府信息情况")
            if 0 <= keep < len(data) and rng.random() < 0.6:
                cut = rng.randrange(keep + 20, len(data))  # the title and section one are whole
                expect = STORED
        data = data[:cut]
    elif kind == "truncate_mid_char" and text:
        keep = _after(data, "五、")
        keep = keep if keep > 0 else len(data) * 3 // 4
        cands = [i for i in range(keep, len(data)) if 0x80 <= data[i] < 0xC0 and data[i - 1] >= 0xE0]
        data = data[:rng.choice(cands)]  # cut after the first byte of a three-byte character
        expect = STORED
    elif kind == "truncate_mid_char":
        data = data[:len(data) - rng.randrange(1, 200)]
    elif kind == "zeros":
        data = zero_range(rng, data)
    elif kind == "append_garbage":
        data = data + garbage(rng, rng.choice([1, 100, 4096, 60000]))
        if fmt in ("docx", "pdf"):
            expect = STORED  # readers find the end record / startxref before the junk (Word and viewers do)
    elif kind == "prepend_garbage":
        data = garbage(rng, rng.choice([1, 512, 4096])) + data
    else:
        raise ValueError(kind)
    p = g.write(d, name, data)
    return [g.case(p, "damage", f"{fmt}:{kind}", fmt, g.expect(idt, expect), agency=idt.agency, year=idt.year)]


def _word97_patched(g: Gen, fmt: str) -> tuple[bytes, Ident | None]:
    """A Word 97 fixture with its agency and year changed in place (same length, UTF-16LE)."""
    if fmt == "doc":
        src, sample, printed, n = WORD97 / "002_dc17ca86c1b8bf45.doc", "002_dc17ca86c1b8bf45.txt", "殷都区人民政府办公室", 10
    else:
        src, sample, printed, n = WORD97 / "004_59f3838da1fae8cc.wps", "004_59f3838da1fae8cc.txt", "上犹县政府办", 6
    data = src.read_bytes()
    idt = g.ident(sample, lambda i: len(i.agency) == n)
    if len(idt.agency) != n:
        return data, None
    old_year = _sample_info(sample)["year"]
    data = data.replace(printed.encode("utf-16-le"), idt.agency.encode("utf-16-le"))
    data = data.replace(f"{old_year}年".encode("utf-16-le"), f"{idt.year}年".encode("utf-16-le"))
    return data, idt


def _damage_word97(g: Gen, d: Path, fmt: str, kind: str) -> list[Case]:
    rng = g.rng
    data, idt = _word97_patched(g, fmt)
    expect = ANY
    if kind == "patched_only":  # not damaged: the converter must read it
        expect = (STORED if g.word97 else NOT_STORED) if idt and not idt.shared else ANY
    elif kind == "flip_many":
        data = flip(rng, data, rng.choice([1, 10, 100]))
    elif kind == "truncate":
        data = data[:rng.randrange(1, len(data))]
    elif kind == "zeros":
        data = zero_range(rng, data)
    elif kind == "append_garbage":
        data = data + garbage(rng, rng.choice([100, 4096]))
    else:
        data = garbage(rng, 512) + data
    name = g.report_name(idt, fmt) if idt else f"年报.{fmt}"
    p = g.write(d, name, data)
    return [g.case(p, "damage", f"{fmt}:{kind}", fmt, expect)]


def _damage_peer(g: Gen, d: Path, kind: str) -> list[Case]:
    rng = g.rng
    if not g.peers:
        idt = g.ident()
        src, data = "rendered.pdf", g.rendered(idt, "pdf")
    else:
        srcp = rng.choice(g.peers)
        src, data = srcp.name, srcp.read_bytes()
    if kind == "flip_many":
        data = flip(rng, data, rng.choice([1, 10, 100, 1000]))
    elif kind == "truncate":
        data = data[:rng.randrange(1, len(data))]
    elif kind == "zeros":
        data = zero_range(rng, data)
    elif kind == "append_garbage":
        data = data + garbage(rng, rng.choice([10, 4096]))
    else:
        data = garbage(rng, 1024) + data
    p = g.write(d, src, data)
    # the same real report in several damaged copies: stored once at most, so 'any'
    return [g.case(p, "damage", f"peer-pdf:{kind}", "pdf", ANY)]


def _damage_zip(g: Gen, d: Path, kind: str) -> list[Case]:
    rng = g.rng
    members = []
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for fmt in ("txt", "docx"):
            idt = g.ident()
            name = f"年报/{g.report_name(idt, fmt)}"
            z.writestr(zipfile.ZipInfo(name, DATE), g.rendered(idt, fmt), zipfile.ZIP_DEFLATED)
            members.append(Member(name, ANY))
    data = buf.getvalue()
    if kind == "flip_many":
        data = flip(rng, data, rng.choice([1, 10, 100]))
    elif kind == "truncate":
        data = data[:rng.randrange(1, len(data))]
    elif kind == "zeros":
        data = zero_range(rng, data)
    elif kind == "append_garbage":
        data = data + garbage(rng, rng.choice([100, 4096]))
        members = [Member(m.name, STORED) for m in members]
    else:
        data = garbage(rng, 512) + data  # zip readers allow data before the archive (self-extractors)
    p = g.write(d, "2022年度政府信息公开工作年度报告.zip", data)
    return [g.case(p, "damage", f"zip:{kind}", "zip", ANY, members=members, units=(1, 2))]


def v_other_document(g: Gen, d: Path) -> list[Case]:
    """Not an annual report: a county's 政务公开工作要点, downloaded into the same folder."""
    idt = g.ident()
    place = idt.agency[:3]
    text = (f"{place}{idt.year}年政务公开工作要点\n\n"
            f"为深入贯彻落实《中华人民共和国政府信息公开条例》，进一步做好{idt.year}年政务公开工作，结合我县实际，制定本要点。\n\n"
            "一、围绕稳住经济大盘加强政务公开\n\n（一）加强政策解读。各单位出台重要政策文件时，同步起草解读材料。\n\n"
            "二、围绕保障和改善民生加强政务公开\n\n（二）做好就业、教育、医疗、养老等领域信息公开。\n\n"
            "三、加强政务公开平台建设\n\n（三）优化政府网站信息公开专栏。\n\n"
            f"{place}人民政府办公室\n{idt.year}年4月20日\n")
    p = g.write(d, f"{place}{idt.year}年政务公开工作要点.txt", text.encode("utf-8"))
    return [g.case(p, "damage", "txt:other_document", "txt", NOT_STORED)]


def v_garbage(g: Gen, d: Path, fmt: str) -> list[Case]:
    rng = g.rng
    data = garbage(rng, rng.choice([17, 1000, 65536]), avoid=b"")
    if fmt == "txt" and rng.random() < 0.5:
        data = bytes(rng.choice(b"abcdefghij \n") for _ in range(3000))  # text, not a report
    p = g.write(d, f"附件{rng.randrange(1, 9)}.{fmt}", data)
    return [g.case(p, "damage", f"{fmt}:garbage", fmt if fmt != "bin" else "other", NOT_STORED)]


# ---- class: numbers and spans ---------------------------------------------

NUMBERS = [
    ("19_digits", "9223372036854775808"),  # 2^63: one past SQLite's largest integer
    ("20_digits", "18446744073709551616"),
    ("30_digits", "1" + "0" * 29),
    ("400_digits", "9" * 400),
    ("1e308", "1e308"),
    ("1e309", "1e309"),
    ("negative", "-3"),
    ("negative_19_digits", "-9223372036854775809"),
    ("separators", "1,234,567"),
    ("fullwidth_separators", "１，２３４"),
    ("fullwidth_19_digits", "９" * 19),
    ("decimal", "5.5"),
]


def _replace_number_after(text: str, label: str, value: str) -> str:
    i = text.find(label)
    m = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])").search(text, i)
    return text[:m.start()] + value + text[m.end():]


def v_number(g: Gen, d: Path, fmt: str, which: int, table: int) -> list[Case]:
    label_name, value = NUMBERS[which]
    idt = g.ident()
    text = g.text(idt)
    if table == 3:  # the applications received from natural persons: the row's 总计 no longer adds up
        text = _replace_number_after(text, "本年新收政府信息公开申请数量", value)
    else:  # table 2: the fees collected (万元)
        text = _replace_number_after(text, "行政事业性收费", value)
    if fmt == "txt":
        data = text.encode("utf-8")
    elif fmt == "md":
        data = render_md(text).encode("utf-8")
    elif fmt == "html":
        data = render_html(text).encode("utf-8")
    elif fmt == "docx":
        data = render_docx(text)
    else:
        data = render_pdf(text)
    p = g.write(d, g.report_name(idt, fmt), data)
    return [g.case(p, "numbers_spans", f"{fmt}:table{table}:{label_name}", fmt, g.expect(idt, STORED),
                   flagged=(table == 3), agency=idt.agency, year=idt.year)]


SPANS = ["2147483647", "1000000000", "65536", "99999999999999999999", "-1", "-2147483648", "0", "abc", "1e9"]


def v_html_span(g: Gen, d: Path, attr: str, value: str, where: str) -> list[Case]:
    idt = g.ident()
    text = g.text(idt)
    body = html_body(text, {"attr": attr, "value": value, "where": where})
    data = render_html(text, body=body).encode("utf-8")
    fmt = g.rng.choice(["html", "htm"])
    p = g.write(d, g.report_name(idt, fmt), data)
    return [g.case(p, "numbers_spans", f"html:{attr}={value}:{where}", fmt, g.expect(idt, STORED),
                   agency=idt.agency, year=idt.year)]


def _first_table3_tc(xml: str) -> tuple[int, int]:
    i = xml.find("本年新收")
    t = xml.rfind("<w:tbl>", 0, i)
    return t, xml.find("</w:tbl>", i)


def v_docx_span(g: Gen, d: Path, kind: str, value: str) -> list[Case]:
    idt = g.ident()
    text = g.text(idt)

    def edit(xml: str) -> str:
        t0, t1 = _first_table3_tc(xml)
        if t0 < 0:
            t0, t1 = xml.find("<w:tbl>"), xml.find("</w:tbl>")
        tbl = xml[t0:t1]
        if kind == "gridSpan_first":
            tbl = tbl.replace("<w:tcPr>", f'<w:tcPr><w:gridSpan w:val="{value}"/>', 1)
        elif kind == "gridSpan_all":
            tbl = tbl.replace("<w:tcPr>", f'<w:tcPr><w:gridSpan w:val="{value}"/>')
        elif kind == "vMerge_continue_first_row":
            tbl = tbl.replace("<w:tcPr>", "<w:tcPr><w:vMerge/>", 3)
        elif kind == "vMerge_restart_all":
            tbl = tbl.replace("<w:tcPr>", '<w:tcPr><w:vMerge w:val="restart"/>')
        elif kind == "vMerge_bogus":
            tbl = tbl.replace("<w:tcPr>", f'<w:tcPr><w:vMerge w:val="{value}"/>')
        elif kind == "vMerge_long_chain":  # 20,000 rows that each continue the cell above
            row = '<w:tr><w:tc><w:tcPr><w:tcW w:w="1000" w:type="dxa"/><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>'
            k = tbl.rfind("</w:tr>") + len("</w:tr>")
            tbl = tbl[:k] + row * 20000 + tbl[k:]
        elif kind == "tblGrid_huge":  # 100,000 grid columns
            tbl = re.sub(r"<w:tblGrid>.*?</w:tblGrid>",
                         "<w:tblGrid>" + '<w:gridCol w:w="10"/>' * 100000 + "</w:tblGrid>", tbl, 1, re.S)
        elif kind == "gridCol_width":
            tbl = re.sub(r'<w:gridCol w:w="\d+"/>', f'<w:gridCol w:w="{value}"/>', tbl)
        return xml[:t0] + tbl + xml[t1:]

    data = docx_edit(render_docx(text), edit)
    p = g.write(d, g.report_name(idt, "docx"), data)
    # a span is clamped or ignored in no time; 20,000 rows or 100,000 grid columns may honestly
    # take longer than the per-file time limit
    expect = ANY if kind in ("vMerge_long_chain", "tblGrid_huge") else g.expect(idt, STORED)
    return [g.case(p, "numbers_spans", f"docx:{kind}={value}", "docx", expect,
                   agency=idt.agency, year=idt.year)]


def v_deep_html(g: Gen, d: Path, kind: str) -> list[Case]:
    idt = g.ident()
    text = g.text(idt)
    body = html_body(text)
    n = 60000
    if kind == "div_around_report":
        body = "<div>" * n + body + "</div>" * n
    elif kind == "div_in_sidebar":
        body = "<div class='share'>" + "<div><span>" * (n // 2) + "分享到" + "</span></div>" * (n // 2) + "</div>" + body
    elif kind == "unclosed_inline":
        body = body + "<b><i><font>" * (n // 3)
    elif kind == "nested_tables":
        body = "<table><tr><td>" * 2000 + body + "</td></tr></table>" * 2000
    data = render_html(text, body=body).encode("utf-8")
    p = g.write(d, g.report_name(idt, "html"), data)
    return [g.case(p, "numbers_spans", f"html:deep:{kind}", "html", ANY)]


def v_long_line(g: Gen, d: Path, kind: str) -> list[Case]:
    rng = g.rng
    idt = g.ident()
    text = g.text(idt)
    if kind == "html_10mb_line" and g.big_left > 0:
        g.big_left -= 1
        # a minified page (no newline at all) with a screenshot pasted inline as base64, 10 MB
        img = "data:image/png;base64," + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                                                   for _ in range(1000)) * 10000
        body = html_body(text).replace("\n", "") + f'<p><img src="{img}" alt="截图"></p>'
        data = render_html(text, body=body).replace("\n", "").encode("utf-8")
        p = g.write(d, g.report_name(idt, "html"), data)
        return [g.case(p, "numbers_spans", "html:10MB_single_line", "html", g.expect(idt, STORED),
                       agency=idt.agency, year=idt.year)]
    # a report followed by one line of 300 kB (a pasted row of dashes)
    data = (text + "\n" + "—" * 100000 + "\n").encode("utf-8")
    p = g.write(d, g.report_name(idt, "txt"), data)
    return [g.case(p, "numbers_spans", "txt:300kB_line_after_report", "txt", g.expect(idt, STORED),
                   agency=idt.agency, year=idt.year)]


# ---- class: pdf structure --------------------------------------------------

def v_pdf(g: Gen, d: Path, kind: str) -> list[Case]:
    rng = g.rng
    expect, status, name = ANY, None, f"年报{rng.randrange(100)}.pdf"
    idt = None
    if kind == "pages_kids_loop":
        o = _simple_pdf()
        o[2] = b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>"
        data = pdf_build(o)
    elif kind == "pages_two_node_loop":
        o = _simple_pdf()
        o[2] = b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>"
        o[6] = b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1 >>"
        data = pdf_build(o)
    elif kind == "page_parent_loop":
        o = _simple_pdf()
        o[3] = b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
        data = pdf_build(o)
    elif kind == "self_reference":  # an object whose value is a reference to itself
        o = _simple_pdf()
        o[3] = b"<< /Type /Page /Parent 2 0 R /MediaBox 6 0 R /Resources 6 0 R /Contents 6 0 R >>"
        o[6] = b"6 0 R"
        data = pdf_build(o)
    elif kind == "two_object_reference_loop":
        o = _simple_pdf()
        o[3] = o[3].replace(b"/Contents 4 0 R", b"/Contents 6 0 R")
        o[6] = b"7 0 R"
        o[7] = b"6 0 R"
        data = pdf_build(o)
    elif kind == "outlines_loop":
        o = _simple_pdf()
        o[1] = b"<< /Type /Catalog /Pages 2 0 R /Outlines 6 0 R /PageMode /UseOutlines >>"
        o[6] = b"<< /Type /Outlines /First 7 0 R /Last 8 0 R /Count 2 >>"
        o[7] = b"<< /Title (a) /Parent 6 0 R /Next 8 0 R /First 7 0 R /Dest [3 0 R /Fit] >>"
        o[8] = b"<< /Title (b) /Parent 6 0 R /Next 7 0 R /Prev 7 0 R /Dest [3 0 R /Fit] >>"
        data = pdf_build(o)
    elif kind in ("outlines_loop_on_report", "update_chain_loop_on_report"):
        idt = g.ident()
        base = render_pdf(g.text(idt))
        cat_num, cat = pdf_catalog(base)
        hi = max(int(x) for x in re.findall(rb"(\d+) 0 obj", base))
        a, b, c = hi + 1, hi + 2, hi + 3
        if kind == "outlines_loop_on_report":
            newcat = cat[:-2] + b" /Outlines %d 0 R >>" % a
            data = pdf_append_update(base, {
                cat_num: newcat,
                a: b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count 2 >>" % (b, c),
                b: b"<< /Title (\xfe\xff\x4e\x00\x30\x01) /Parent %d 0 R /Next %d 0 R /First %d 0 R >>" % (a, c, b),
                c: b"<< /Title (b) /Parent %d 0 R /Next %d 0 R /Prev %d 0 R >>" % (a, b, b),
            }, cat_num)
            expect = g.expect(idt, STORED)  # every viewer shows such a file; the outline is not the report
        else:
            # update 1 points back to the original, update 2 to update 1; then update 1 is made to
            # point to update 2: a chain of /Prev that loops and never reaches the original
            x0 = int(re.findall(rb"startxref\s+(\d+)", base)[-1])
            first = pdf_append_update(base, {cat_num: cat}, cat_num)
            second = pdf_append_update(first, {cat_num: cat}, cat_num)
            x2 = int(re.findall(rb"startxref\s+(\d+)", second)[-1])
            data = second.replace(b"/Prev %010d" % x0, b"/Prev %010d" % x2, 1)
            name = g.report_name(idt, "pdf")
    elif kind == "xref_into_itself":
        o = _simple_pdf()
        base = pdf_build(o)
        x = int(re.findall(rb"startxref\s+(\d+)", base)[-1])
        data = base.replace(b"startxref\n%d" % x, b"startxref\n%d" % (x + 9))  # into the middle of the table
    elif kind == "xref_prev_self":
        o = _simple_pdf()
        base = pdf_build(o)
        x = int(re.findall(rb"startxref\s+(\d+)", base)[-1])
        data = base.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % x)
    elif kind == "xrefstream_prev_self":
        o = _simple_pdf()
        body = pdf_build(o).split(b"xref\n")[0]
        at = len(body)
        offs = [m.start() for m in re.finditer(rb"\d+ 0 obj", body)]
        rows = b"\x00\x00\x00\x00\x00\xff\xff" + b"".join(b"\x01" + struct.pack(">I", off) + b"\x00\x00" for off in offs)
        rows += b"\x01" + struct.pack(">I", at) + b"\x00\x00"
        xs = b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Prev %d /Length %d >>\nstream\n" % (at, len(rows))
        data = body + xs + rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % at
    elif kind == "length_too_long":
        data = pdf_build(_simple_pdf(length=b"999999999"))
    elif kind == "length_negative":
        data = pdf_build(_simple_pdf(length=b"-40"))
    elif kind == "length_too_short":
        data = pdf_build(_simple_pdf(length=b"3"))
    elif kind == "length_indirect_self":
        o = _simple_pdf(length=b"4 0 R")
        data = pdf_build(o)
    elif kind == "length_on_report":  # a real report whose first stream's /Length is wrong
        idt = g.ident()
        base = render_pdf(g.text(idt))
        m = re.search(rb"/Length (\d+)", base)
        data = base[:m.start(1)] + str(int(m.group(1)) * 7 + 13).encode() + base[m.end(1):]
        name = g.report_name(idt, "pdf")
    elif kind == "empty_pages_5000":
        o = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
             2: b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (i + 3) for i in range(5000)) + b"] /Count 5000 >>"}
        for i in range(5000):
            o[i + 3] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
        data = pdf_build(o)
    elif kind == "deep_array":
        data = pdf_build(_simple_pdf(content=b"[" * 50000 + b"]" * 50000 + b" " + HELLO))
    elif kind == "deep_dict":
        o = _simple_pdf()
        o[3] = o[3][:-2] + b" /X " + b"<< /A " * 20000 + b">> " * 20000 + b">>"
        data = pdf_build(o)
    elif kind == "huge_object_number":
        o = _simple_pdf()
        base = pdf_build(o)
        data = base.replace(b"/Size 6", b"/Size 2147483647").replace(b"xref\n0 6", b"xref\n0 2147483647")
    elif kind == "ruling_lines_grid":  # ten pages of 240 by 240 ruling lines 3.1 pt apart: 57,600 cells a page
        lines = b"".join(b"40 %.1f m 555 %.1f l S\n" % (50 + i * 3.1, 50 + i * 3.1) for i in range(240))
        lines += b"".join(b"%.1f 50 m %.1f 794 l S\n" % (40 + i * 2.15, 40 + i * 2.15) for i in range(240))
        comp = zlib.compress(b"0.1 w\n" + lines + HELLO, 9)
        o = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
             2: b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (i + 6) for i in range(10)) + b"] /Count 10 >>",
             4: _stream(comp, extra=b" /Filter /FlateDecode"), 5: FONT}
        for i in range(10):
            o[i + 6] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
        data = pdf_build(o)
    elif kind == "infinite_matrix":
        data = pdf_build(_simple_pdf(content=b"1e308 0 0 1e308 1e308 1e308 cm " + HELLO + b" 1e400 0 0 1 0 0 cm " + HELLO))
    elif kind == "no_eof_no_xref":
        data = pdf_build(_simple_pdf()).split(b"xref\n")[0]
    elif kind == "scan_named":
        # a page that is only a picture, no text layer, its file name naming the agency and year:
        # "stored as status = error … with the agency and year when the file name gives them"
        idt = g.ident()
        w = h = 64
        img = zlib.compress(bytes(rng.randrange(256) for _ in range(w * h)), 9)
        o = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
             2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
             3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
             4: _stream(b"q 495 0 0 742 50 50 cm /Im1 Do Q"),
             5: _stream(img, extra=b" /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode")}
        data = pdf_build(o)
        name = g.report_name(idt, "pdf")
        expect, status = g.expect(idt, STORED), "error"
    else:
        raise ValueError(kind)
    p = g.write(d, name, data)
    return [g.case(p, "pdf_structure", kind, "pdf", expect, status=status if expect == STORED else None,
                   agency=idt.agency if idt else None, year=idt.year if idt else None)]


# ---- class: bombs -----------------------------------------------------------

@lru_cache(maxsize=None)
def _deflated(size: int, byte: bytes = b"\0", level: int = 9) -> tuple[bytes, int]:
    """A raw deflate stream of `size` repeated bytes, and its CRC."""
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    chunk = byte * MB
    out = []
    crc = 0
    left = size
    while left:
        n = min(left, MB)
        out.append(c.compress(chunk[:n]))
        crc = zlib.crc32(chunk[:n], crc)
        left -= n
    out.append(c.flush())
    return b"".join(out), crc


def zip_raw(entries: list[tuple[bytes, bytes, int, int, int, int]], comment: bytes = b"") -> bytes:
    """A zip from (name bytes, compressed data, method, crc, uncompressed size, flags)."""
    out = bytearray()
    central = bytearray()
    dt = (DATE[3] << 11) | (DATE[4] << 5) | (DATE[5] // 2)
    dd = ((DATE[0] - 1980) << 9) | (DATE[1] << 5) | DATE[2]
    for name, comp, method, crc, usize, flags in entries:
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, dt, dd, crc, len(comp), usize, len(name), 0)
        out += name + comp
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, method, dt, dd, crc, len(comp),
                               usize, len(name), 0, 0, 0, 0, 0x20 if not name.endswith(b"/") else 0x10, off)
        central += name
    cd_at = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), cd_at, len(comment))
    return bytes(out + comment)


def _entry(name: str | bytes, data: bytes, flags: int | None = None) -> tuple:
    nb = name if isinstance(name, bytes) else name.encode("utf-8")
    if flags is None:
        flags = 0 if (isinstance(name, bytes) or name.isascii()) else 0x800
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    comp = c.compress(data) + c.flush()
    return (nb, comp, 8, zlib.crc32(data), len(data), flags)


def _zip(files: list[tuple[str | bytes, bytes]]) -> bytes:
    return zip_raw([_entry(n, b) for n, b in files])


def v_bomb(g: Gen, d: Path, kind: str) -> list[Case]:
    rng = g.rng
    fmt, expect, members, units, must_not = "zip", ANY, [], (1, 1), []
    name = "政府信息公开年报.zip"
    if kind == "zip_ratio":  # 150 MB of zeros in 150 kB, beside a real report
        idt = g.ident()
        comp, crc = _deflated(150 * MB)
        rep = g.rendered(idt, "txt")
        data = zip_raw([(b"bomb.txt", comp, 8, crc, 150 * MB, 0), _entry(g.report_name(idt, "txt"), rep)])
        members = [Member("bomb.txt", NOT_STORED), Member(g.report_name(idt, "txt"), ANY)]
        units = (1, 2)
    elif kind == "zip_ratio_lying_size":  # the header says 1 kB, the stream inflates to 150 MB
        comp, crc = _deflated(150 * MB)
        data = zip_raw([("年报.txt".encode(), comp, 8, crc, 1024, 0x800)])
        members = [Member("年报.txt", NOT_STORED)]
    elif kind == "zip_member_over_100mb_text":  # 120 MB of spaces after a report: over 100 MB
        comp, crc = _deflated(120 * MB, b" ")
        data = zip_raw([("年报.txt".encode(), comp, 8, crc, 120 * MB, 0x800)])
        members = [Member("年报.txt", NOT_STORED)]
    elif kind == "zip_many_members":
        n = 2500
        data = zip_raw([(b"f/%05d.txt" % i, b"\x03\x00", 8, 0, 0, 0) for i in range(n)])
        members = [Member("f/%05d.txt" % i, NOT_STORED) for i in range(n)]
        units = (1, n)
    elif kind == "zip_of_zips_42":  # 16 archives of one 150 MB member each, deflated twice
        comp, crc = _deflated(150 * MB)
        inner = zip_raw([(b"0.txt", comp, 8, crc, 150 * MB, 0)])
        data = _zip([(f"{i:02d}.zip", inner) for i in range(16)])
        members = [Member(f"{i:02d}.zip!0.txt", NOT_STORED) for i in range(16)]
        units = (1, 32)
    elif kind in ("zip_nested_deep", "zip_nested_two"):
        idt = g.ident()
        leaf = g.report_name(idt, "txt")
        depth = 6 if kind == "zip_nested_deep" else 2
        blob = _zip([(leaf, g.rendered(idt, "txt"))])
        names = [leaf]
        for k in range(depth - 1, 0, -1):
            blob = _zip([(f"第{k}层.zip", blob)])
            names.insert(0, f"第{k}层.zip")
        data = blob
        mname = "!".join(names)
        # README: nested archives up to 3 levels
        members = [Member(mname, NOT_STORED if depth > 4 else g.expect(idt, STORED))]
        units = (1, depth)
    elif kind in ("zip_escape_dotdot", "zip_escape_absolute", "zip_escape_backslash"):
        idt, ok = g.ident(), g.ident()
        target_name = f"escape_{hashlib.sha1(os.fsencode(d)).hexdigest()[:10]}.txt"
        if kind == "zip_escape_dotdot":
            bad = "../../" + target_name
            must_not = [(d / bad).resolve(), d.parent / target_name, d / target_name]
        elif kind == "zip_escape_absolute":
            bad = "/tmp/" + target_name
            must_not = [Path(bad)]
        else:
            bad = "..\\..\\" + target_name
            must_not = [(d.parent.parent / target_name)]
        data = _zip([(bad, g.rendered(idt, "txt")), (g.report_name(ok, "txt"), g.rendered(ok, "txt"))])
        members = [Member(bad, NOT_STORED if kind != "zip_escape_backslash" else ANY),
                   Member(g.report_name(ok, "txt"), g.expect(ok, STORED))]
        units = (1, 2)
    elif kind == "zip_gbk_name":  # made on a Chinese Windows: names in GBK, no UTF-8 flag
        idt = g.ident()
        mname = f"{idt.year}年/{g.report_name(idt, 'txt')}"
        data = zip_raw([(f"{idt.year}年/".encode("gbk"), b"\x03\x00", 8, 0, 0, 0),
                        _entry(mname.encode("gbk"), g.rendered(idt, "txt"), flags=0)])
        members = [Member(mname, g.expect(idt, STORED))]
    elif kind == "zip_empty":
        data = zip_raw([])
        expect = NOT_STORED
    elif kind == "zip_only_folders":
        data = zip_raw([(n.encode(), b"\x03\x00", 8, 0, 0, 0x800) for n in ("2021年/", "2022年/", "2022年/附件/")])
        expect = NOT_STORED
    elif kind == "zip_macosx":  # zipped on a Mac: __MACOSX/._ resource forks beside the report
        idt = g.ident()
        rn = g.report_name(idt, "docx")
        fork = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(60)
        data = _zip([(rn, g.rendered(idt, "docx")), ("__MACOSX/._" + rn, fork), (".DS_Store", b"\x00\x00\x00\x01Bud1" + bytes(100))])
        members = [Member(rn, g.expect(idt, STORED)), Member("__MACOSX/._" + rn, NOT_STORED), Member(".DS_Store", NOT_STORED)]
        units = (1, 3)
    elif kind == "zip_claims_encrypted":
        idt = g.ident()
        e = list(_entry(g.report_name(idt, "txt"), g.rendered(idt, "txt")))
        e[5] |= 1
        data = zip_raw([tuple(e)])
        members = [Member(g.report_name(idt, "txt"), NOT_STORED)]
    elif kind in ("docx_billion_laughs", "docx_laughs_in_report", "docx_1gb_xml", "docx_xxe"):
        fmt = "docx"
        idt = g.ident()
        base = render_docx(g.text(idt))
        name = g.report_name(idt, "docx")
        ents = '<!ENTITY lol "lol">' + "".join(
            f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
        if kind == "docx_billion_laughs":
            xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE w:document [' + ents + ']>'
                   '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                   '<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
            data = docx_edit(base, lambda _x: xml)
            expect = NOT_STORED
        elif kind == "docx_laughs_in_report":
            def edit(x: str) -> str:
                x = x.replace("?>", "?>\n<!DOCTYPE w:document [" + ents + "]>", 1)
                return x.replace("<w:body>", "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", 1)
            data = docx_edit(base, edit)
        elif kind == "docx_xxe":
            def edit(x: str) -> str:
                x = x.replace("?>", '?>\n<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
                return x.replace("<w:body>", "<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p>", 1)
            data = docx_edit(base, edit)
        else:  # document.xml of 10^9 bytes, deflated into under 1 MB
            src = zipfile.ZipFile(io.BytesIO(base))
            head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w='
                    '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>').encode()
            tail = b"<w:p/></w:body></w:document>"
            pad = 10 ** 9 - len(head) - len(tail)
            # head, spaces and tail as one deflate stream: blocks ending in full flushes, then a final one
            c1 = zlib.compressobj(9, zlib.DEFLATED, -15)
            part1 = c1.compress(head) + c1.flush(zlib.Z_FULL_FLUSH)
            c2 = zlib.compressobj(9, zlib.DEFLATED, -15)
            part3 = c2.compress(tail) + c2.flush()
            body_stream = part1 + _deflated_nonfinal(pad) + part3
            crc = _crc_concat(head, pad, tail)
            entries = []
            for info in src.infolist():
                if info.filename == "word/document.xml":
                    entries.append((b"word/document.xml", body_stream, 8, crc, 10 ** 9, 0))
                else:
                    entries.append(_entry(info.filename, src.read(info.filename)))
            data = zip_raw(entries)
            expect = NOT_STORED
    elif kind == "pdf_flate_bomb":  # a content stream of 300 MB of spaces
        fmt = "pdf"
        raw, _crc = _deflated(300 * MB, b" ")
        comp = b"\x78\xda" + raw + struct.pack(">I", _adler_spaces(300 * MB))
        data = pdf_build(_simple_pdf(content=comp, extra=b" /Filter /FlateDecode"))
        name = f"年报{rng.randrange(100)}.pdf"
    else:
        raise ValueError(kind)
    p = g.write(d, name, data)
    return [g.case(p, "bombs", kind, fmt, expect, members=members, units=units, must_not_exist=must_not)]


@lru_cache(maxsize=None)
def _deflated_nonfinal(size: int) -> bytes:
    """Spaces as raw deflate blocks ending in a full flush (not final), to be followed by more."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b" " * MB
    out, left = [], size
    while left:
        n = min(left, MB)
        out.append(c.compress(chunk[:n]))
        left -= n
    out.append(c.flush(zlib.Z_FULL_FLUSH))
    return b"".join(out)


@lru_cache(maxsize=None)
def _crc_spaces(size: int) -> int:
    crc, chunk, left = 0, b" " * MB, size
    while left:
        n = min(left, MB)
        crc = zlib.crc32(chunk[:n], crc)
        left -= n
    return crc


def _crc_concat(head: bytes, pad: int, tail: bytes) -> int:
    crc = zlib.crc32(head)
    chunk, left = b" " * MB, pad
    while left:
        n = min(left, MB)
        crc = zlib.crc32(chunk[:n], crc)
        left -= n
    return zlib.crc32(tail, crc)


@lru_cache(maxsize=None)
def _adler_spaces(size: int) -> int:
    a, chunk, left = 1, b" " * MB, size
    while left:
        n = min(left, MB)
        a = zlib.adler32(chunk[:n], a)
        left -= n
    return a


# ---- class: names --------------------------------------------------------

def v_name(g: Gen, d: Path, kind: str) -> list[Case]:
    rng = g.rng
    idt = g.ident()
    fmt = "txt"
    data = g.rendered(idt, fmt)
    expect = g.expect(idt, STORED)
    base = g.report_name(idt, "txt")
    names: list[str | bytes]
    alone = True
    if kind == "not_utf8_ff_fe":
        names = [b"\xff\xfe.txt"]
    elif kind == "not_utf8_gbk_bytes":  # a GBK name unpacked on Linux
        names = [base.encode("gbk")]
    elif kind == "not_utf8_lone_continuation":
        names = [b"\xe5\xb9\xb4\xe6\x8a\xa5\x80\x80" + f"{idt.year}.txt".encode()]
    elif kind == "long_name":  # 250 bytes: the longest a Linux file name can be, nearly
        stem = (idt.agency + "关于" + base[:-4]) * 10
        while len((stem + ".txt").encode()) > 250:
            stem = stem[:-1]
        names = [stem + ".txt"]
    elif kind == "deep_path":  # a path of about 3,000 bytes, under 4,096
        names = ["/".join(["附件目录第%02d层" % i + "x" * 60 for i in range(30)]) + "/" + base]
    elif kind == "newline":
        names = [base.replace("年", "年\n", 1)]
    elif kind == "carriage_return_and_tab":
        names = [base.replace("年", "\r\t", 1)]
    elif kind == "escape_sequence":
        names = ["\x1b[2J\x1b[31m" + base]
    elif kind == "spaces":
        names = ["  " + base.replace("年", " 年 ") + ""]
    elif kind == "trailing_space":
        names = [base + " "]
        expect = ANY  # the suffix is '.txt ', not '.txt'
    elif kind == "leading_dash":
        names = [rng.choice(["-rf.txt", "--db=x.txt", "-", "-.txt", "--help.txt"])]
        if names[0] == "-":
            expect = ANY
    elif kind == "only_suffix":
        names = [rng.choice([".txt", ".pdf", ".docx", ".html"])]
        fmt = names[0][1:]
        data = g.rendered(idt, fmt)
        expect = ANY  # a name that is only a suffix is a hidden file with no suffix
    elif kind == "colon_and_bang":  # the separators of the ingest's own lines, in a name
        names = [base.replace("年政府", "年：政府", 1).replace(".txt", "!.txt")]
    elif kind == "markup_and_sql":
        names = [rng.choice(["<img src=x onerror=alert(1)>.txt", "'; drop table reports; --.txt",
                             "$(touch pwned).txt", "%s%n%x.txt", "{0}{1}.txt"])]
    elif kind == "nfc_nfd_pair":  # two files whose names differ only in Unicode normalization
        nm = f"绿化局_lǜhuà_{idt.year}年报.txt"
        a, b = unicodedata.normalize("NFC", nm), unicodedata.normalize("NFD", nm)
        idt2 = g.ident()
        pa = g.write(d, a, data)
        pb = g.write(d, b, g.rendered(idt2, "txt"))
        return [g.case(pa, "names", "nfc", "txt", expect, alone=False, agency=idt.agency, year=idt.year),
                g.case(pb, "names", "nfd", "txt", g.expect(idt2, STORED), alone=False,
                       agency=idt2.agency, year=idt2.year)]
    elif kind == "fullwidth_suffix":
        names = [base[:-4] + "．ｔｘｔ"]
        expect = ANY
    elif kind == "upper_suffix":
        names = [base[:-4] + rng.choice([".TXT", ".Txt"])]
    elif kind == "pdf_not_utf8":
        fmt = "pdf"
        data = g.rendered(idt, "pdf")
        names = [base[:-4].encode("gbk") + b".pdf"]
    else:
        raise ValueError(kind)
    out = []
    for nm in names:
        p = g.write(d, nm, data)
        out.append(g.case(p, "names", kind, fmt, expect, alone=alone, agency=idt.agency, year=idt.year))
    return out


# ---- class: encodings -------------------------------------------------------

def v_encoding(g: Gen, d: Path, kind: str) -> list[Case]:
    rng = g.rng
    idt = g.ident()
    text = g.text(idt)
    fmt = "txt"
    expect = g.expect(idt, STORED)
    if kind == "utf16le_bom":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    elif kind == "utf16be_bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    elif kind == "utf16le_no_bom":
        data = text.encode("utf-16-le")
    elif kind == "utf16be_no_bom":
        data = text.encode("utf-16-be")
    elif kind == "utf16le_truncated":  # an odd number of bytes, cut in section five
        data = b"\xff\xfe" + text.encode("utf-16-le")
        data = data[:len(data) - 2 * rng.randrange(1, 40) - 1]
    elif kind == "utf8_bom":
        data = b"\xef\xbb\xbf" + text.encode("utf-8")
    elif kind == "utf8_bom_crlf":
        data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    elif kind == "cr_only":  # old Mac line ends
        data = text.replace("\n", "\r").encode("utf-8")
        expect = ANY  # line ends the README does not speak of
    elif kind == "gb18030":
        data = text.encode("gb18030")
    elif kind == "gbk_md":
        fmt = "md"
        data = render_md(text).encode("gbk", errors="replace")
    elif kind in ("utf8_truncated_mid_char", "gb18030_truncated_mid_char"):
        enc = kind.split("_")[0]
        # cut in the last tenth (after every table), after the first byte of a Chinese character
        j = rng.choice([k for k in range(len(text) * 9 // 10, len(text)) if "\u4e00" <= text[k] <= "\u9fff"])
        data = text[:j].encode(enc) + text[j].encode(enc)[:1]
    elif kind == "big5_traditional":
        import zhconv
        data = zhconv.convert(text, "zh-hant").encode("big5", errors="replace")
        expect = ANY  # not a documented encoding
    elif kind == "utf32":
        data = text.encode("utf-32")
        expect = ANY
    elif kind == "mixed_utf8_gbk":
        half = len(text) // 2
        data = text[:half].encode("utf-8") + text[half:].encode("gbk", errors="replace")
        expect = ANY
    elif kind == "bom_then_binary":
        data = b"\xef\xbb\xbf" + garbage(rng, 4096, avoid=b"")
        expect = NOT_STORED
    elif kind == "utf16_bom_then_binary":
        data = b"\xff\xfe" + garbage(rng, 4096, avoid=b"")
        expect = NOT_STORED
    elif kind == "html_declares_gb2312_has_gb18030_chars":
        fmt = "html"
        text2 = text + "\n（注：本报告涉及的人名“王𠮷”、“李镕”按原文照录。）\n"
        data = render_html(text2, charset="gb2312").encode("gb18030")
    elif kind == "html_meta_utf8_body_gbk":
        fmt = "html"
        data = render_html(text, charset="utf-8").encode("gbk", errors="replace")
        expect = ANY
    elif kind == "html_no_charset_gbk":
        fmt = "htm"
        data = render_html(text, meta="<meta name='keywords' content='年报'>").encode("gbk", errors="replace")
    elif kind == "html_utf16":
        fmt = "html"
        data = b"\xff\xfe" + render_html(text, charset="utf-16").encode("utf-16-le")
    else:
        raise ValueError(kind)
    p = g.write(d, g.report_name(idt, fmt), data)
    return [g.case(p, "encodings", kind, fmt, expect, agency=idt.agency, year=idt.year)]


# ---- class: special files --------------------------------------------------

def v_special(g: Gen, d: Path, kind: str) -> list[Case]:
    d.mkdir(parents=True, exist_ok=True)
    rng = g.rng
    if kind == "fifo":
        p = d / "report.txt"
        os.mkfifo(p)
        return [g.case(p, "special", kind, "txt", NOT_STORED)]
    if kind in ("link_dev_zero", "link_dev_urandom", "link_dev_null"):
        p = d / rng.choice(["年报.txt", "年报.pdf", "report.docx"])
        os.symlink("/dev/" + kind.split("_")[-1], p)
        return [g.case(p, "special", kind, p.suffix[1:], NOT_STORED)]
    if kind == "link_loop_pair":
        a, b = d / "a年报.txt", d / "b年报.txt"
        os.symlink(b.name, a)
        os.symlink(a.name, b)
        return [g.case(a, "special", kind, "txt", NOT_STORED, alone=False),
                g.case(b, "special", kind, "txt", NOT_STORED, alone=False)]
    if kind == "link_self":
        p = d / "self.pdf"
        os.symlink(p.name, p)
        return [g.case(p, "special", kind, "pdf", NOT_STORED)]
    if kind == "link_dangling":
        p = d / "年报.docx"
        os.symlink("/nonexistent/gkreport/年报.docx", p)
        return [g.case(p, "special", kind, "docx", NOT_STORED)]
    if kind == "link_dir_loop":  # links back to its own folder and to the folder above, beside a report
        idt = g.ident()
        p = g.write(d, g.report_name(idt, "txt"), g.rendered(idt, "txt"))
        os.symlink(".", d / "loop")
        os.symlink("..", d / "up")
        # a link to a folder is not a file: it may be passed over in silence or named as skipped
        return [g.case(p, "special", kind, "txt", g.expect(idt, STORED), alone=False, agency=idt.agency, year=idt.year),
                g.case(d / "loop", "special", kind + ":link", "other", NOT_STORED, alone=False, units=(0, 1)),
                g.case(d / "up", "special", kind + ":link", "other", NOT_STORED, alone=False, units=(0, 1))]
    if kind == "unreadable":
        idt = g.ident()
        p = g.write(d, g.report_name(idt, "txt"), g.rendered(idt, "txt"))
        os.chmod(p, 0)
        # root reads it anyway: then it is an ordinary report
        return [g.case(p, "special", kind + ("_as_root" if g.root else ""), "txt",
                       g.expect(idt, STORED) if g.root else NOT_STORED, agency=idt.agency, year=idt.year)]
    if kind == "unreadable_folder":
        idt = g.ident()
        sub = d / "锁定"
        p = g.write(sub, g.report_name(idt, "txt"), g.rendered(idt, "txt"))
        os.chmod(sub, 0)
        # not root: the file cannot even be listed, so it need not be named (the folder may be)
        return [g.case(p, "special", kind + ("_as_root" if g.root else ""), "txt",
                       g.expect(idt, STORED) if g.root else ANY, units=(1, 1) if g.root else (0, 1),
                       agency=idt.agency, year=idt.year)]
    if kind.startswith("empty_"):
        fmt = kind.split("_", 1)[1]
        p = g.write(d, f"年报.{fmt}", b"")
        return [g.case(p, "special", kind, fmt, NOT_STORED)]
    if kind == "whitespace_only":
        p = g.write(d, "年报.txt", b" \n\t\r\n" * 100 + "\u3000".encode() * 50)
        return [g.case(p, "special", kind, "txt", NOT_STORED)]
    if kind == "folder_named_like_file":
        idt = g.ident()
        sub = d / rng.choice(["x.pdf", "年报.docx", "2022.zip", "报告.txt"])
        p = g.write(sub, g.report_name(idt, "txt"), g.rendered(idt, "txt"))
        return [g.case(p, "special", kind, "txt", g.expect(idt, STORED), agency=idt.agency, year=idt.year)]
    if kind == "socket":
        p = d / "s.txt"
        if len(os.fsencode(p)) < 100:
            s = socket.socket(socket.AF_UNIX)
            s.bind(os.fsencode(p))
            s.close()
            return [g.case(p, "special", kind, "txt", NOT_STORED)]
        return v_special(g, d, "fifo")
    if kind in ("sparse_txt", "sparse_pdf"):  # 3 GB on paper, nothing on disk
        fmt = kind.split("_")[1]
        p = d / f"年报.{fmt}"
        with open(p, "wb") as f:
            f.write(b"%PDF-1.4\n" if fmt == "pdf" else "二〇二二年政府信息公开工作年度报告\n".encode())
            f.truncate(3 << 30)
        if os.stat(p).st_blocks * 512 > MB:  # a file system without holes: do not fill the disk
            os.unlink(p)
            p = g.write(d, f"年报.{fmt}", b"\0" * 4096)
        return [g.case(p, "special", kind, fmt, NOT_STORED)]
    raise ValueError(kind)


# ---- class: duplicates ------------------------------------------------------

def v_duplicate(g: Gen, d: Path, fmts: tuple[str, ...], gid: str) -> list[Case]:
    idt = g.ident()
    out = []
    for k, fmt in enumerate(fmts):
        dk = d.parent / f"{d.name}" if k == 0 else g.next_dir()
        if fmt == "zipmember":
            rn = g.report_name(idt, "txt")
            p = g.write(dk, "年报合集.zip", _zip([(rn, g.rendered(idt, "txt"))]))
            out.append(g.case(p, "duplicates", "+".join(fmts), "zip", ANY, members=[Member(rn, ANY)], group=gid,
                              agency=idt.agency, year=idt.year))
            continue
        real = fmt.split(":")[0]
        name = g.report_name(idt, real) if k == 0 else f"下载({k}).{real}" if ":copy" in fmt else g.report_name(idt, real)
        p = g.write(dk, name, g.rendered(idt, real))
        out.append(g.case(p, "duplicates", "+".join(fmts), real, ANY, group=gid, agency=idt.agency, year=idt.year))
    if idt.shared:
        for c in out:
            c.group = None  # other cases share this report: nothing certain about the group
    return out


# ---- class: wrong suffixes ------------------------------------------------

def v_suffix(g: Gen, d: Path, kind: str) -> list[Case]:
    """A file whose suffix lies: "The content decides over the suffix"."""
    real, suffix = kind.split("_as_")
    idt: Ident | None = None
    expect = STORED
    if real == "htmlpage404":  # the server's error page saved under the report's name
        data = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>404 页面不存在</title></head><body>"
                "<h1>抱歉，您访问的页面不存在或已被删除！</h1><p><a href='/'>返回首页</a></p></body></html>").encode()
        expect = NOT_STORED
    elif real == "doc":
        data, idt = _word97_patched(g, "doc")
        if idt is None:
            expect = ANY
        elif not g.word97:
            expect = NOT_STORED
    elif real == "targz":
        import tarfile
        idt = g.ident()
        buf = io.BytesIO()
        blob = g.rendered(idt, "txt")
        with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.USTAR_FORMAT) as t:
            ti = tarfile.TarInfo(g.report_name(idt, "txt"))
            ti.size, ti.mtime = len(blob), 1646096400
            t.addfile(ti, io.BytesIO(blob))
        data = buf.getvalue()
        data = data[:4] + b"\0\0\0\0" + data[8:]  # the gzip header's time stamp
        expect = ANY  # an archive format the README does not list
    else:
        idt = g.ident()
        data = g.rendered(idt, real)
        if real == "txt" and suffix == "html":
            expect = ANY  # plain text read as a web page: no markup to find the report in
        if real == "docx" and suffix == "zip":
            expect = ANY  # a Word file is a zip: it may be opened as an archive of XML members
    if suffix in ("none", "jpg", "pdf.exe"):
        expect = ANY if expect == STORED else expect  # not a suffix the ingest reads
    if idt is not None:
        expect = g.expect(idt, expect)
        stem = g.report_name(idt, "x")[:-2]
    else:
        stem = "政府信息公开工作年度报告"
    name = stem if suffix == "none" else f"{stem}.{suffix}"
    p = g.write(d, name, data)
    units = (1, 20) if suffix == "zip" else (1, 1)
    return [g.case(p, "suffixes", kind, suffix, expect, units=units,
                   agency=idt.agency if idt and expect == STORED else None,
                   year=idt.year if idt and expect == STORED else None)]


# ---------------------------------------------------------------- the plan

DAMAGE_KINDS = ["flip_many", "flip_one_in_prose", "truncate", "truncate_mid_char", "zeros", "append_garbage",
                "prepend_garbage"]


def _variants() -> dict[str, list]:
    v: dict[str, list] = {}
    dmg = []
    for fmt in ("txt", "md", "html", "htm", "docx", "pdf"):
        for k in DAMAGE_KINDS:
            dmg.append((v_damage, fmt, k))
    for fmt in ("doc", "wps"):
        for k in ("patched_only", "flip_many", "truncate", "zeros", "append_garbage", "prepend_garbage"):
            dmg.append((v_damage, fmt, k))
    for k in ("flip_many", "truncate", "zeros", "append_garbage", "prepend_garbage"):
        dmg.append((v_damage, "peerpdf", k))
        dmg.append((v_damage, "zip", k))
    for fmt in ("txt", "pdf", "docx", "html", "doc", "zip", "bin"):
        dmg.append((v_garbage, fmt))
    dmg.append((v_other_document,))
    v["damage"] = dmg
    ns = []
    for i in range(len(NUMBERS)):
        for fmt in ("txt", "md", "html", "docx", "pdf"):
            ns.append((v_number, fmt, i, 3))
        ns.append((v_number, "txt", i, 2))
    for val in SPANS:
        ns.append((v_html_span, "colspan", val, "first"))
        ns.append((v_html_span, "rowspan", val, "first"))
        ns.append((v_docx_span, "gridSpan_first", val))
    for val in ("2147483647", "1000000", "-1"):
        ns.append((v_html_span, "colspan", val, "all"))
        ns.append((v_html_span, "rowspan", val, "all"))
        ns.append((v_docx_span, "gridSpan_all", val))
    for k, val in (("vMerge_continue_first_row", ""), ("vMerge_restart_all", ""), ("vMerge_bogus", "-1"),
                   ("vMerge_long_chain", ""), ("tblGrid_huge", ""), ("gridCol_width", "-2147483648"),
                   ("gridCol_width", "99999999999999999999")):
        ns.append((v_docx_span, k, val))
    for k in ("div_around_report", "div_in_sidebar", "unclosed_inline", "nested_tables"):
        ns.append((v_deep_html, k))
    ns.append((v_long_line, "html_10mb_line"))
    ns.append((v_long_line, "txt_300kb_line"))
    v["numbers_spans"] = ns
    v["pdf_structure"] = [(v_pdf, k) for k in (
        "pages_kids_loop", "pages_two_node_loop", "page_parent_loop", "self_reference", "two_object_reference_loop",
        "outlines_loop", "outlines_loop_on_report", "update_chain_loop_on_report", "xref_into_itself",
        "xref_prev_self", "xrefstream_prev_self", "length_too_long", "length_negative", "length_too_short",
        "length_indirect_self", "length_on_report", "empty_pages_5000", "deep_array", "deep_dict",
        "huge_object_number", "ruling_lines_grid", "infinite_matrix", "no_eof_no_xref", "scan_named")]
    v["bombs"] = [(v_bomb, k) for k in (
        "zip_ratio", "zip_ratio_lying_size", "zip_member_over_100mb_text", "zip_many_members", "zip_of_zips_42",
        "zip_nested_deep", "zip_nested_two", "zip_escape_dotdot", "zip_escape_absolute", "zip_escape_backslash",
        "zip_gbk_name", "zip_empty", "zip_only_folders", "zip_macosx", "zip_claims_encrypted",
        "docx_billion_laughs", "docx_laughs_in_report", "docx_1gb_xml", "docx_xxe", "pdf_flate_bomb")]
    v["names"] = [(v_name, k) for k in (
        "not_utf8_ff_fe", "not_utf8_gbk_bytes", "not_utf8_lone_continuation", "long_name", "deep_path", "newline",
        "carriage_return_and_tab", "escape_sequence", "spaces", "trailing_space", "leading_dash", "only_suffix",
        "colon_and_bang", "markup_and_sql", "nfc_nfd_pair", "fullwidth_suffix", "upper_suffix", "pdf_not_utf8")]
    v["encodings"] = [(v_encoding, k) for k in (
        "utf16le_bom", "utf16be_bom", "utf16le_no_bom", "utf16be_no_bom", "utf16le_truncated", "utf8_bom",
        "utf8_bom_crlf", "cr_only", "gb18030", "gbk_md", "utf8_truncated_mid_char", "gb18030_truncated_mid_char",
        "big5_traditional", "utf32", "mixed_utf8_gbk", "bom_then_binary", "utf16_bom_then_binary",
        "html_declares_gb2312_has_gb18030_chars", "html_meta_utf8_body_gbk", "html_no_charset_gbk", "html_utf16")]
    v["special"] = [(v_special, k) for k in (
        "fifo", "link_dev_zero", "link_dev_urandom", "link_dev_null", "link_loop_pair", "link_self",
        "link_dangling", "link_dir_loop", "unreadable", "unreadable_folder", "empty_txt", "empty_md", "empty_pdf",
        "empty_docx", "empty_html", "empty_zip", "empty_doc", "whitespace_only", "folder_named_like_file", "socket",
        "sparse_txt", "sparse_pdf")]
    v["duplicates"] = [(v_duplicate, f) for f in (
        ("txt", "txt:copy"), ("txt", "docx"), ("txt", "pdf"), ("html", "docx"), ("md", "txt"), ("pdf", "pdf:copy"),
        ("txt", "zipmember"), ("txt", "html", "pdf"))]
    v["suffixes"] = [(v_suffix, k) for k in (
        "html_as_doc", "html_as_pdf", "docx_as_doc", "docx_as_pdf", "pdf_as_docx", "pdf_as_txt", "pdf_as_doc",
        "doc_as_docx", "htmlpage404_as_pdf", "htmlpage404_as_docx", "txt_as_html", "txt_as_none", "pdf_as_none",
        "pdf_as_jpg", "pdf_as_pdf.exe", "docx_as_zip", "targz_as_zip", "md_as_txt", "html_as_shtml", "txt_as_md")]
    return v


# how often each class is drawn once every variant has appeared
WEIGHTS = {"damage": 30, "numbers_spans": 14, "pdf_structure": 9, "bombs": 8, "names": 9, "encodings": 10,
           "special": 7, "duplicates": 6, "suffixes": 7}


def _size(v) -> int:
    fn = v[0]
    if fn is v_duplicate:
        return len(v[1])
    if fn is v_special and v[1] == "link_loop_pair":
        return 2
    if fn is v_special and v[1] == "link_dir_loop":
        return 3
    if fn is v_name and v[1] == "nfc_nfd_pair":
        return 2
    return 1


def generate(seed: int, n: int, folder: Path) -> list[Case]:
    """Write n hostile or damaged inputs into folder; return what the ingest must do with each."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    g = Gen(seed, folder, n)
    rng = g.rng
    variants = _variants()
    first = [(cls, v) for cls, vs in variants.items() for v in vs]
    rng.shuffle(first)
    classes = list(WEIGHTS)
    weights = [WEIGHTS[c] for c in classes]
    cases: list[Case] = []
    counter = [0]

    def next_dir() -> Path:
        d = folder / f"c{counter[0]:05d}"
        counter[0] += 1
        return d

    g.next_dir = next_dir  # type: ignore[attr-defined]
    k = 0
    while len(cases) < n:
        if k < len(first):
            cls, v = first[k]
        else:
            cls = rng.choices(classes, weights)[0]
            v = rng.choice(variants[cls])
        k += 1
        if _size(v) > n - len(cases):
            continue
        d = next_dir()
        if v[0] is v_duplicate:
            made = v[0](g, d, v[1], f"dup{len(cases):05d}")
        else:
            made = v[0](g, d, *v[1:])
        cases.extend(made)
    return cases


def folder_bytes(folder: Path) -> int:
    """Bytes on disk (sparse files count for what they hold)."""
    total = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        for f in filenames:
            try:
                st = os.lstat(os.path.join(dirpath, f))
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                total += min(st.st_size, st.st_blocks * 512)
    return total


if __name__ == "__main__":  # python tests/hostile.py SEED N FOLDER
    import sys
    from collections import Counter

    cs = generate(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
    print(Counter(c.cls for c in cs))
    print(Counter(c.expect for c in cs))
    print(f"{folder_bytes(Path(sys.argv[3])) / MB:.1f} MB")
