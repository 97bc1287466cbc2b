"""The sample reports as agencies publish them: a web page, a Word file and a PDF.

Each sample .txt (data/reports) is read into paragraphs and tables, and each table
is laid out the official way (format spec §3–§5): table 3's three-row header with
its merged cells and its group labels spanning their rows, table 4's header over
15 columns. The numbers are the sample's own cells, damage included: a row that
prints five numbers for seven cells keeps its empty cells. The PDF breaks table 3
across two pages inside a merged group, as Word does.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

from gkreport import template as T

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # Debian: fonts-wqy-zenhei
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
GROUP = "三、本年度办理结果"


@dataclass
class Cell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    cells: list[Cell] = field(default_factory=list)
    name: str = ""  # table2/table3/table4 for the report's statistical tables

    @property
    def height(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def width(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def add_row(self, items: list[tuple[str, int, int]], start_col: int = 0) -> None:
        """Cells of a new row, left to right from start_col: (text, rowspan, colspan)."""
        r, c = max((x.row for x in self.cells), default=-1) + 1, start_col
        for text, rowspan, colspan in items:
            self.cells.append(Cell(text, r, c, rowspan, colspan))
            c += colspan


Block = Union[str, Table]


# --- reading the sample text --------------------------------------------------


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def _is_number(s: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(\.\d+)?", s.strip()))


def read_blocks(text: str) -> list[Union[str, list[list[str]]]]:
    """Paragraphs and raw tables (rows of cell texts) in the sample's two table layouts."""
    lines = text.replace("\r\n", "\n").split("\n")
    tabbed = [ln for ln in lines if "\t" in ln]
    per_line = sum(1 for ln in tabbed if len([c for c in ln.split("\t") if c.strip()]) <= 1) > 0.8 * len(tabbed)
    blocks: list = []
    rows: Optional[list[list[str]]] = None
    row: list[str] = []

    def close() -> None:
        nonlocal rows, row
        if row and rows is not None:
            rows.append(row)
        if rows:
            blocks.append(rows)
        rows, row = None, []

    for i, line in enumerate(lines):
        if per_line:  # one cell per tab-led line, rows between blank lines, untabbed lines continue a cell
            if line.startswith("\t"):
                rows = rows if rows is not None else []
                row.append(line[1:])
            elif not line.strip():
                if row and rows is not None:
                    rows.append(row)
                row = []
            elif row:
                row[-1] += line
            else:
                close()
                blocks.append(line.strip())
        else:  # a row per line; blank lines inside a table are page breaks of the PDF it came from
            if "\t" in line:
                rows = rows if rows is not None else []
                rows.append(line.split("\t"))
            elif not line.strip():
                following = next((ln for ln in lines[i + 1:] if ln.strip()), "")
                if "\t" not in following:
                    close()
            else:
                close()
                blocks.append(line.strip())
    close()
    return blocks


# --- official layouts -----------------------------------------------------------


def _labels_values(cells: list[str]) -> tuple[list[tuple[int, str]], list[str]]:
    labels = [(i, c.strip()) for i, c in enumerate(cells) if c.strip() and not _is_number(c)]
    rest = cells[labels[-1][0] + 1:] if labels else cells
    values = [c.strip() for c in rest]
    while values and not values[0]:
        values.pop(0)
    while values and not values[-1]:
        values.pop()
    return labels, values


def table2(rows: list[list[str]]) -> Table:
    t = Table(name="table2")
    measures = 3
    for cells in rows:
        filled = [c.strip() for c in cells if c.strip()]
        if not filled:
            continue
        if "第二十条" in filled[0]:
            t.add_row([(filled[0], 1, 4)])
        elif "信息内容" in filled[0]:
            measures = max(1, len(filled) - 1)
            heads = filled[1:] or [""]
            t.add_row([(filled[0], 1, 1)] + [(h, 1, 1) for h in heads[:-1]] + [(heads[-1], 1, 4 - len(heads))])
        else:
            start = next(i for i, c in enumerate(cells) if c.strip())
            values = [c.strip() for c in cells[start + 1:]][:measures]
            values += [""] * (measures - len(values))  # a missing number stays an empty cell
            t.add_row([(filled[0], 1, 1)] + [(v, 1, 1) for v in values[:-1]] + [(values[-1], 1, 4 - measures)])
    return t


def _row_key(labels: list[tuple[int, str]]) -> tuple[Optional[T.RequestRowDef], str]:
    """The template row a sample row prints, by its labels' anchors, and the label that named it."""
    for strong in (True, False):
        for _, label in reversed(labels):
            s = _squash(label)
            for r in T.REQUEST_ROWS:
                if r.weak != strong and any(re.search(a, s) for a in r.anchors):
                    return r, re.sub(r"^[(（][一二三四五六七][)）]\s*(?=\d)", "", label)
    return None, ""


def table3(rows: list[list[str]]) -> Table:
    start = next(i for i, cells in enumerate(rows) if any("本年新收" in _squash(c) for c in cells))
    parsed: list[list] = []  # [group, subgroup, label, values]
    for cells in rows[start:]:
        labels, values = _labels_values(cells)
        row, label = _row_key(labels)
        if row is None and not values:
            text = "".join(c for _, c in labels)
            if parsed and not any(g in _squash(text) for g in T.REQUEST_GROUP_LABELS):
                parsed[-1][2] += text  # the rest of a label wrapped onto its own row
            continue
        if row is None:  # numbers with no label: kept where they stand, in the group around them
            group, sub = (parsed[-1][0], parsed[-1][1]) if parsed else (None, None)
        elif not row.group:
            group, sub = None, None
        elif row.group == GROUP:
            group, sub = GROUP, None
        else:
            group, sub = GROUP, row.group
        parsed.append([group, sub, label, values])
    for k in range(len(parsed) - 1, 0, -1):  # a stray row between groups belongs to neither
        if parsed[k - 1][2] == "" and parsed[k][0] != parsed[k - 1][0]:
            parsed[k - 1][:2] = [None, None]

    t = Table(name="table3")
    t.add_row([(T3_NOTE, 3, 3), ("申请人情况", 1, 7)])
    t.add_row([("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)], start_col=3)
    t.add_row([(x, 1, 1) for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")], start_col=4)
    for k, (group, sub, label, values) in enumerate(parsed):
        values = values + [""] * (7 - len(values))
        if group is None:
            t.add_row([(label, 1, 3)] + [(v, 1, 1) for v in values])
            continue
        items: list[tuple[str, int, int]] = []
        col = 2 if sub else 1  # where this row's first own cell sits when the groups span from above
        if sub and parsed[k - 1][1] != sub:
            items.append((sub, _run(parsed, k, 1), 1))
            col = 1
        if k == 0 or parsed[k - 1][0] != group:
            items.insert(0, (group, _run(parsed, k, 0), 1))
            col = 0
        items.append((label, 1, 1 if sub else 2))
        t.add_row(items + [(v, 1, 1) for v in values], start_col=col)
    return t


def _run(parsed: list[list], k: int, level: int) -> int:
    n = 1
    while k + n < len(parsed) and parsed[k + n][level] == parsed[k][level]:
        n += 1
    return n


def table4(rows: list[list[str]]) -> Table:
    t = Table(name="table4")
    outcomes = [label for _, label in T.OUTCOMES]
    t.add_row([("行政复议", 1, 5), ("行政诉讼", 1, 10)])
    t.add_row([(o, 2, 1) for o in outcomes] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)])
    t.add_row([(o, 1, 1) for o in outcomes * 2], start_col=5)
    for cells in rows:
        _, values = _labels_values(cells)
        if sum(_is_number(v) for v in values) >= 5:
            t.add_row([(v, 1, 1) for v in values])
    return t


def plain(rows: list[list[str]]) -> Table:
    t = Table()
    for cells in rows:
        t.add_row([(c.strip(), 1, 1) for c in cells])
    return t


def report_blocks(text: str) -> list[Block]:
    out: list[Block] = []
    for b in read_blocks(text):
        if isinstance(b, str):
            out.append(b)
            continue
        flat = _squash("".join("".join(r) for r in b))
        if "本年新收" in flat:
            out.append(table3(b))
        elif "第二十条" in flat:
            out.append(table2(b))
        elif "行政复议" in flat and any(sum(_is_number(c) for c in r) >= 10 for r in b):
            out.append(table4(b))
        else:
            out.append(plain(b))
    return out


def title_lines(blocks: list[Block]) -> int:
    """How many leading paragraphs make up the title (it wraps over two lines in some samples)."""
    for k, b in enumerate(blocks[:3]):
        if isinstance(b, str) and ("报告" in b or "年报" in b):
            return k + 1
    return 1


# --- HTML ----------------------------------------------------------------------------


def to_html(blocks: list[Block], encoding: str = "utf-8") -> bytes:
    """A government page: navigation, a sidebar listing other reports, the title above the article."""
    n = title_lines(blocks)
    title = "<br>\n".join(html.escape(b) for b in blocks[:n] if isinstance(b, str))
    body = []
    for b in blocks[n:]:
        body.append(f"<p>{html.escape(b)}</p>" if isinstance(b, str) else _html_table(b))
    declared = "gb2312" if encoding != "utf-8" else "utf-8"  # GBK pages declare gb2312
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={declared}">
<title>{html.escape(''.join(b for b in blocks[:n] if isinstance(b, str)))}_政府信息公开平台</title>
<script>var nav = "主动公开 依申请公开";</script></head>
<body><div class="top"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/ysq">依申请公开</a></li></ul></div>
<div class="main"><div class="side"><h3>政府信息公开年报</h3><ul>
<li><a href="/a/1.html">某县人民政府2019年政府信息公开工作年度报告</a></li></ul></div>
<div class="article"><h1 class="title">{title}</h1>
<div class="info">发布时间：2022-01-20 来源：本网 【字体：大 中 小】</div>
<div class="TRS_Editor">
{chr(10).join(body)}
</div></div></div>
<div class="footer">主办单位：某某人民政府办公室 网站标识码 0000000000</div></body></html>
"""
    return page.encode(encoding)


def _html_table(t: Table) -> str:
    out = ['<table border="1" cellspacing="0">']
    for r in range(t.height):
        tds = []
        for c in sorted((c for c in t.cells if c.row == r), key=lambda c: c.col):
            span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + \
                   (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
            tds.append(f"<td{span}>{html.escape(c.text) or '&nbsp;'}</td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


# --- DOCX ----------------------------------------------------------------------------


def to_docx(blocks: list[Block]) -> bytes:
    import docx

    doc = docx.Document()
    for b in blocks:
        if isinstance(b, str):
            doc.add_paragraph(b)
            continue
        table = doc.add_table(rows=b.height, cols=b.width)
        table.style = "Table Grid"
        for c in b.cells:
            cell = table.cell(c.row, c.col)
            if c.rowspan > 1 or c.colspan > 1:
                cell = cell.merge(table.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
            cell.text = c.text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------


def _pdf_table(t: Table, first_row: int, stop_row: int, width: float, style, pages: dict):
    """Rows [first_row, stop_row) of a table; a merged cell cut by the range continues empty, as in Word."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as RLTable

    class Marked(RLTable):
        def drawOn(self, canvas, x, y, _sW=0):
            if t.name and first_row == 0:
                pages.setdefault(t.name, canvas.getPageNumber())
            return super().drawOn(canvas, x, y, _sW)

    n = stop_row - first_row
    data = [[""] * t.width for _ in range(n)]
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for c in t.cells:
        top, bottom = max(c.row, first_row), min(c.row + c.rowspan, stop_row)
        if top >= bottom:
            continue
        if c.row >= first_row:
            data[c.row - first_row][c.col] = Paragraph(html.escape(c.text), style)
        if bottom - top > 1 or c.colspan > 1:
            commands.append(("SPAN", (c.col, top - first_row), (c.col + c.colspan - 1, bottom - first_row - 1)))
    labels = 3 if t.name == "table3" else (1 if t.name == "table2" else 0)
    label_w = [width * 0.16] * labels if t.name == "table3" else [width * 0.3] * labels
    rest = (width - sum(label_w)) / (t.width - labels)
    return Marked(data, colWidths=label_w + [rest] * (t.width - labels), style=commands)


def to_pdf(blocks: list[Block], pages: Optional[dict] = None) -> bytes:
    """A text PDF with the CJK font embedded. ``pages`` receives the page each report table starts on."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    pages = {} if pages is None else pages
    if "CJK" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("CJK", str(CJK_FONT), subfontIndex=0))
    body = ParagraphStyle("body", fontName="CJK", fontSize=11, leading=17, wordWrap="CJK", firstLineIndent=22)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=1, firstLineIndent=0)
    cell = ParagraphStyle("cell", fontName="CJK", fontSize=7.5, leading=9, wordWrap="CJK")
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=70, rightMargin=70, topMargin=60, bottomMargin=60)
    story = []
    n = title_lines(blocks)
    for k, b in enumerate(blocks):
        if isinstance(b, str):
            story.append(Paragraph(html.escape(b), title if k < n else body))
        elif b.name == "table3":
            # Word breaks a long table inside a merged group: read across the break
            cut = next((c.row for c in b.cells if c.text.startswith("4.")), b.height // 2)
            story += [_pdf_table(b, 0, cut, doc.width, cell, pages), PageBreak(),
                      _pdf_table(b, cut, b.height, doc.width, cell, pages)]
        else:
            story.append(_pdf_table(b, 0, b.height, doc.width, cell, pages))
    doc.build(story)
    return out.getvalue()


def render(text: str, fmt: str, pages: Optional[dict] = None) -> bytes:
    blocks = report_blocks(text)
    if fmt == "html":
        return to_html(blocks)
    if fmt == "html-gbk":
        return to_html(blocks, "gb18030")
    if fmt == "docx":
        return to_docx(blocks)
    if fmt == "pdf":
        return to_pdf(blocks, pages)
    raise ValueError(fmt)
