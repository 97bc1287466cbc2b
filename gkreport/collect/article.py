"""Article pages: the report in the page, or the attachments that hold it.

The CMS that Chinese government sites run put an article's text in a container of their
own (TRS: .TRS_Editor, .Custom_UnionStyle; Hanweb: #zoom; 开普云: #ivs_content; the
national intensive platform: .xxgk_content; …). When that text is the report itself
(its section headings and its statistical tables), the page is kept as the report: the
container under the article's title, as a UTF-8 page. Otherwise the report is in the
article's attachments: links to .pdf, .doc, .docx, .wps or .zip files (or a download
script naming one) whose text is the report's title or says nothing else (点击下载).

A page that holds the report and attaches it too (the same report as a PDF) gives the
page alone: one report, once.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Optional

from bs4 import BeautifulSoup, Tag

from .files import link_document_suffix
from .listing import anchors, href, report_links
from .state import Link
from .titles import clean_title, is_report_title, may_be_report_file

CONTAINERS = (
    ".TRS_Editor", ".TRS_UEDITOR", ".Custom_UnionStyle", "#zoom", "#Zoom", "#ivs_content", ".ivs_content",
    ".xxgk_content", "#xxgk_content", "#UCAP-CONTENT", ".bt_content", "#fontzoom", ".article-con",
    ".article_con", ".article-content", ".pages_content", ".wzcon", ".news_content", "#content", ".content",
)
# a report's section headings, and the labels only its statistical tables print
_SECTIONS = tuple(re.compile(p) for p in (
    r"总体情况", r"主动公开政府信息(?:情况)?", r"收到和处理政府信息公开申请", r"行政复议.{0,4}行政诉讼",
    r"存在的主要问题", r"其他需要报告"))
_TABLES = tuple(re.compile(p) for p in (r"第二十条第", r"本年新收", r"申请人情况", r"结转下年", r"予以公开"))
_SITE_SUFFIX = re.compile(r"\s*[_|｜\-—–]+\s*[^_|｜\-—–]*$")
_DROP = ("script", "style", "noscript", "iframe", "form", "button", "select")


@dataclass
class Article:
    title: str
    report_html: Optional[str] = None  # the page as the report, when it holds one
    attachments: list[Link] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # links to other reports, when the page is a list after all


def read_article(soup: BeautifulSoup, url: str, link_title: str = "") -> Article:
    title = article_title(soup, link_title)
    body = container(soup)
    article = Article(title)
    if body is not None and holds_report(body.get_text(" ")):
        article.report_html = report_page(title, body, url)
        return article
    article.attachments = attachments(soup, url)
    if not article.attachments:
        if body is None and holds_report(soup.get_text(" ")):
            article.report_html = report_page(title, soup.body or soup, url)  # a layout no container names
        else:
            article.links = report_links(soup, url)
    return article


def article_title(soup: BeautifulSoup, link_title: str = "") -> str:
    """The article's title: its ArticleTitle <meta>, else a heading or the <title> that names a report,
    else the title it was linked by."""
    meta = soup.find("meta", attrs={"name": re.compile(r"^ArticleTitle$", re.I)})
    candidates = [meta.get("content", "") if meta else ""]
    candidates += [h.get_text(" ") for h in soup.find_all(["h1", "h2"], limit=4)]
    if soup.title:
        candidates.append(_SITE_SUFFIX.sub("", soup.title.get_text(" ").strip()))
    for text in candidates:
        if is_report_title(text):
            return clean_title(text)
    if is_report_title(link_title):
        return clean_title(link_title)
    return clean_title(next((c for c in candidates if c.strip()), link_title))


def container(soup: BeautifulSoup) -> Optional[Tag]:
    """The element a CMS keeps the article's text in: the longest match of the first selector that matches."""
    for selector in CONTAINERS:
        found = [t for t in soup.select(selector) if t.get_text(strip=True)]
        if found:
            return max(found, key=lambda t: len(t.get_text(strip=True)))
    return None


def holds_report(text: str) -> bool:
    """The report itself, not a note that it is attached: its sections and its tables' labels."""
    text = re.sub(r"\s+", "", text)
    sections = sum(1 for p in _SECTIONS if p.search(text))
    tables = sum(1 for p in _TABLES if p.search(text))
    return sections >= 3 and tables >= 2


def attachments(soup: BeautifulSoup, url: str) -> list[Link]:
    found: dict[str, Link] = {}
    for a in anchors(soup):
        target = href(a, url)
        text = a.get_text(" ")
        if not target or target in found:
            continue
        marked = a.has_attr("oldsrc") or a.get("appendix") == "true"
        if not (link_document_suffix(target, text) or (marked and link_document_suffix(a.get("oldsrc", ""))) ):
            continue
        title = a.get("title") or text
        if may_be_report_file(title):
            found[target] = Link(target, "document", clean_title(title))
    return list(found.values())


def report_page(title: str, body: Tag, url: str) -> str:
    """The report as a page of its own, in UTF-8: the title, then the container."""
    for tag in body.find_all(_DROP):
        tag.decompose()
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n"
        f"<meta name=\"source_url\" content=\"{html.escape(url, quote=True)}\">\n"
        f"</head><body>\n<h1>{html.escape(title)}</h1>\n{body}\n</body></html>\n")
