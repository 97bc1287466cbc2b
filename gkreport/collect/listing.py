"""List pages: the links to reports, their dates, and the list's other pages.

The report links are recognised by their titles (titles.py), taken from the link's
``title=`` when its text is cut short (「上杭县教育局2021年政府信息公开工作...」). A
link straight to a file (「…年度报告.pdf」) is a document; any other is an article page.

Pagination without JavaScript: the links of the pager (下一页, 尾页, 2, 3, …) whose
address is another page of the same list: ``index_1.html`` beside ``index.html``, or
the same address with another query (``?page=2``, ``?uid=8741&pageNum=2``). TRS lists
whose pager is written by a script give its page count (``createPageHTML(5, 0,
"index", "html")``, ``var countPage = 5``), from which the pages are named.
"""

from __future__ import annotations

import re
from typing import Iterator, Optional
from urllib.parse import parse_qsl, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from .files import link_document_suffix
from .state import Link
from .titles import clean_title, is_report_title

MAX_LIST_PAGES = 300  # pages of one list followed; a pager that never ends is a trap
_PAGER_WORDS = {"下一页", "下页", "后页", "尾页", "末页", "最后一页", "首页", "第一页", "上一页", "上页", "前页",
                "next", "last", "first", "prev", "previous", "»", "›", ">", ">>", "<<", "«", "‹"}
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_SCRIPTED_PAGER = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,"
                             r"\s*['\"](\w+)['\"]")
_PAGE_COUNT = re.compile(r"\bcountPage\s*=\s*(\d+)")
_PAGED_NAME = re.compile(r"^(.*?)(?:[_-]\d+)?(\.\w+)$")
_PREV_NEXT = re.compile(r"^\s*(?:上一篇|下一篇|上一条|下一条|上篇|下篇)")


def anchors(soup: BeautifulSoup) -> Iterator[Tag]:
    """Every link of the page, and those of the lists some CMS (Hanweb) keep as XML in a <script>."""
    yield from soup.find_all("a", href=True)
    for script in soup.find_all("script", attrs={"type": re.compile("xml", re.I)}):
        inner = (script.string or "").replace("<![CDATA[", "").replace("]]>", "")
        if "<a" in inner:
            yield from BeautifulSoup(inner, "lxml").find_all("a", href=True)


def href(a: Tag, base: str) -> Optional[str]:
    target = (a.get("href") or "").strip()
    if not target or target.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    url = urljoin(base, target).split("#", 1)[0]
    return url if urlsplit(url).scheme in ("http", "https") else None


def link_title(a: Tag) -> str:
    """The title a link gives: its text, or its title= when that says more (the text is often cut
    short). A cut text keeps its 「...」, for is_report_title to know."""
    text = re.sub(r"\s+", "", a.get_text(" "))
    full = clean_title(a.get("title") or "")
    if full and (is_report_title(full) or len(full) > len(clean_title(text))):
        return full
    return text


def item_date(a: Tag) -> Optional[str]:
    """The date beside a link in its list item (<li>, table row), as an ISO date."""
    node: Optional[Tag] = a
    for _ in range(3):
        node = node.parent if node is not None else None
        if node is None or node.name in ("ul", "ol", "table", "tbody", "body"):
            return None
        m = _DATE.search(node.get_text(" "))
        if m:
            year, month, day = (int(x) for x in m.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def report_links(soup: BeautifulSoup, base: str) -> list[Link]:
    """The page's links to reports, in page order, each address once."""
    found: dict[str, Link] = {}
    for a in anchors(soup):
        url = href(a, base)
        if not url or url in found or _is_prev_next(a):
            continue
        title = link_title(a)
        if not is_report_title(title):
            continue
        role = "document" if link_document_suffix(url, a.get_text(" ")) else "article"
        found[url] = Link(url, role, clean_title(title), item_date(a))
    return list(found.values())


def _is_prev_next(a: Tag) -> bool:
    """An article's 上一篇 / 下一篇 links: the column's neighbours, not a list."""
    parent = a.parent
    return parent is not None and bool(_PREV_NEXT.match(parent.get_text(" ")))


def other_pages(soup: BeautifulSoup, base: str, html: str) -> list[str]:
    """The addresses of the list's other pages that this page links or names."""
    pages: dict[str, None] = {}
    for a in anchors(soup):
        text = a.get_text(" ").strip().lower()
        if not (text in _PAGER_WORDS or text.isdigit() or _PAGER_WORDS & set(text.split())):
            continue
        url = href(a, base)
        if url and url != base and same_list(base, url):
            pages[url] = None
    for url in scripted_pages(base, html):
        pages.setdefault(url, None)
    return [u for u in pages if u != base]


def same_list(base: str, url: str) -> bool:
    """Whether ``url`` is another page of the list at ``base``."""
    a, b = urlsplit(base), urlsplit(url)
    if (a.scheme, a.netloc) != (b.scheme, b.netloc):
        return False
    if a.path == b.path:
        return a.query != b.query and any(v.isdigit() for _, v in parse_qsl(b.query))
    folder_a, _, name_a = a.path.rpartition("/")
    folder_b, _, name_b = b.path.rpartition("/")
    if folder_a != folder_b:
        return False
    ma, mb = _PAGED_NAME.match(name_a or "index.html"), _PAGED_NAME.match(name_b)
    return bool(ma and mb and ma.groups() == mb.groups())


def scripted_pages(base: str, html: str) -> list[str]:
    """The pages a TRS pager script would link: name.ext, name_1.ext, … name_{n-1}.ext."""
    m = _SCRIPTED_PAGER.search(html)
    if m:
        count, name, ext = int(m.group(1)), m.group(3), m.group(4)
    else:
        m = _PAGE_COUNT.search(html)
        own = _PAGED_NAME.match(urlsplit(base).path.rpartition("/")[2] or "index.html")
        if not m or not own or not own.group(1).startswith("index"):
            return []
        count, name, ext = int(m.group(1)), "index", own.group(2).lstrip(".")
    count = min(count, MAX_LIST_PAGES)
    names = [f"{name}.{ext}"] + [f"{name}_{n}.{ext}" for n in range(1, count)]
    return [urljoin(base, n) for n in names]
