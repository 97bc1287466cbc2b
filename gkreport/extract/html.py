"""Web pages (.html, .htm): find the report in the page, then its paragraphs and tables.

A government page wraps the report in navigation, sidebars and footers. The
report body is the smallest element holding every section heading and table
label found on the page; the page title is added when the body lacks one.
Tables are laid on a grid by their rowspan/colspan, the way a browser does.
"""

from __future__ import annotations

import re
from typing import Optional

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.dammit import EncodingDetector

from . import ExtractError
from ..traditional import convert, has_traditional, is_traditional, to_simplified
from .grid import Layout, join_wrapped, one_line
from .script_strings import might_hold_text, script_html
from .text import decode

_DROP = ("script", "style", "noscript", "template", "head", "nav", "header", "footer", "aside", "iframe",
         "form", "select", "button", "svg", "object")
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "main",
           "blockquote", "pre", "center", "dl", "dt", "dd", "address", "figure", "figcaption", "caption",
           "tr", "td", "th", "tbody", "thead", "tfoot", "body", "html"}
# words that only the report itself prints: section headings and table labels (format spec §2–§5)
_MARKERS = tuple(re.compile(p) for p in (
    r"总体情况", r"主动公开政府信息", r"收到和处理政府信息公开申请", r"行政复议.{0,4}行政诉讼",
    r"存在的主要问题", r"其他需要报告", r"第二十条第", r"本年新收", r"申请人情况", r"结转下年"))
_TITLE = re.compile(r"(?:信息公开|政务公开).{0,12}(?:年度报告|年报)")
_SITE_SUFFIX = re.compile(r"\s*[_|｜\-—–]+\s*[^_|｜\-—–]*$")
_TAG = re.compile(r"<[^>]*>")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# a page's head and navigation can run to tens of thousands of characters before its article
PAGE_SAMPLE = 200_000
MAX_SPAN = 200  # a rowspan/colspan beyond any real report table is markup damage


def _text_of(data: bytes, name: str) -> str:
    declared = EncodingDetector.find_declared_encoding(data[:4096], is_html=True)
    if declared:
        # pages declare gb2312 but use GBK characters: GB18030 reads all three
        enc = "gb18030" if declared.lower().replace("-", "") in ("gb2312", "gbk", "gb18030") else declared
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            pass
    return decode(data, name)[0]


def _visible(tag: Tag) -> bool:
    return not _HIDDEN.search(tag.get("style", "")) and not tag.has_attr("hidden")


def _clean(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for tag in soup.find_all(style=_HIDDEN):
        tag.decompose()


def _marker_count(text: str) -> int:
    flat = re.sub(r"\s+", "", text)
    return sum(1 for m in _MARKERS if m.search(flat))


def _unwrap_scripts(soup: BeautifulSoup) -> None:
    """Put in place of each script the article it writes (document.write, html += …, a CMS's JSON),
    when that holds the report's words: the browser would have shown it there."""
    for script in soup.find_all("script"):
        code = script.string
        if not code or not might_hold_text(code):
            continue
        markup = to_simplified(script_html(code))  # (escaped in the script, so not converted with the page)
        if _marker_count(markup) < 3:
            continue
        fragment = BeautifulSoup(markup, "lxml")
        holder = fragment.body or fragment
        script.replace_with(*list(holder.contents))


def _ancestors(tag: Tag) -> list[Tag]:
    chain = [tag]
    chain.extend(tag.parents)
    return chain[::-1]


def _report_body(soup: BeautifulSoup) -> Optional[Tag]:
    """The deepest element that holds every report marker found in the page."""
    hits: dict[int, Tag] = {}
    for s in soup.find_all(string=True):
        text = re.sub(r"\s+", "", s)
        for i, m in enumerate(_MARKERS):
            if i not in hits and m.search(text) and isinstance(s.parent, Tag):
                hits[i] = s.parent
    if len(hits) < 2:
        return None
    chains = [_ancestors(t) for t in hits.values()]
    common = None
    for level in zip(*chains):
        if all(t is level[0] for t in level):
            common = level[0]
        else:
            break
    return common


def _page_title(body: Tag, head_title: Optional[str]) -> Optional[str]:
    """The report title printed outside its body: the nearest heading before it, else the <title>."""

    def title_in(tags) -> Optional[str]:
        for tag in tags:
            text = join_wrapped(tag.get_text(" "))
            if len(text) <= 60 and _TITLE.search(text):
                return text
        return None

    heading = title_in(body.find_all_previous(["h1", "h2", "h3"]))
    if heading:
        return heading
    if head_title:
        text = _SITE_SUFFIX.sub("", one_line(head_title))
        if _TITLE.search(text):
            return text
    return title_in(body.find_all_previous(class_=re.compile("title", re.I)))


def _own_rows(table: Tag) -> list[Tag]:
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _span(cell: Tag, attr: str) -> int:
    m = re.match(r"\s*(\d+)", str(cell.get(attr, "1")))
    return max(1, min(int(m.group(1)) if m else 1, MAX_SPAN))


def table_grid(table: Tag) -> list[list[str]]:
    """The cell grid of a table, merged cells resolved: text in the top-left slot, covered slots empty."""
    rows = _own_rows(table)
    grid: list[list[Optional[str]]] = [[] for _ in rows]
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while c < len(grid[r]) and grid[r][c] is not None:
                c += 1  # slot taken by a rowspan from above
            rowspan = min(_span(cell, "rowspan"), len(rows) - r)
            colspan = _span(cell, "colspan")
            text = one_line(cell.get_text(" ")) if _visible(cell) else ""
            for dr in range(rowspan):
                line = grid[r + dr]
                line.extend([None] * (c + colspan - len(line)))
                for dc in range(colspan):
                    line[c + dc] = text if dr == 0 and dc == 0 else ""
            c += colspan
    return [[x or "" for x in line] for line in grid]


class _Walker:
    """Reading order of the body: inline text gathers into a line until a block boundary."""

    def __init__(self) -> None:
        self.layout = Layout()
        self.buf: list[str] = []

    def flush(self) -> None:
        if self.buf:
            self.layout.paragraph("".join(self.buf))
            self.buf = []

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                self.buf.append(str(child))
            elif isinstance(child, Tag) and _visible(child):
                self.element(child)

    def element(self, tag: Tag) -> None:
        name = tag.name
        if name == "br":
            self.flush()
        elif name == "table":
            self.flush()
            if tag.find("table"):
                self.walk(tag)  # a layout table around the content: read its cells as blocks
            else:
                self.layout.table(table_grid(tag))
        elif name in _BLOCKS:
            self.flush()
            self.walk(tag)
            self.flush()
        else:
            self.walk(tag)


def html_text(data: bytes, name: str = "") -> str:
    page = _text_of(data, name)
    # a page in traditional characters is read in simplified ones, its report's words with them
    # (judged on its text: a style's font-family:宋体 in every cell is no simplified writing)
    if has_traditional(page, PAGE_SAMPLE) and is_traditional(_TAG.sub("", page[:PAGE_SAMPLE]), PAGE_SAMPLE):
        page = convert(page)
    soup = BeautifulSoup(page, "lxml")
    head_title = soup.title.get_text() if soup.title else None  # <head> goes with the page chrome
    _unwrap_scripts(soup)
    _clean(soup)
    body = _report_body(soup)
    if body is None:
        raise ExtractError("网页中找不到年度报告正文（没有报告的章节标题或统计表）",
                           "no annual report in the page: no section headings or report tables")
    walker = _Walker()
    walker.walk(body)
    walker.flush()
    lines = walker.layout.lines
    title = _page_title(body, head_title)
    first = next((ln for ln in lines if ln.strip()), "")
    if title and not (len(first) <= 60 and _TITLE.search(first)):
        lines[:0] = [title, ""]
    return "\n".join(lines)

