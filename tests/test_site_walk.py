"""Every page a visitor can reach from the home page reads in Chinese, walked in real headless Chromium.

The walk starts at the home page of `gkreport serve` (a free port on loopback) and follows its links,
one page of each kind (a table, a row of each table, a report, an agency …), then adds what a reader
does next: each ready-made question with its parameters filled in, a search, a question asked, the
SQL console with a query, and two addresses that do not exist. On every page it reads the text a
person sees and collects every offence with its page:

- an English word (outside what a page marks as English on purpose, `lang="en"`, and outside code:
  SQL, column keys in `<code>`), say Datasette's own Apply, rows, Powered by, or a coded value such
  as warning or county;
- an HTML tag printed as text (`<p>` shown instead of drawn);
- a hex id (a report's or an agency's) shown where its name should be, rather than as a small
  detail (`<small>`) or inside a link's address.

The test fails listing them all, page by page. Screenshots of the home page, a table, a ready-made
question and a report are saved in the test's temporary folder.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from urllib.parse import urlencode, urlsplit

from gkreport.site import load_metadata

from datasette_plugins.charts import QUERIES as CHART_QUERIES
from test_browser import browser, site  # noqa: F401  (fixtures: `gkreport serve` and Chromium)

# Latin words that are names or formats, not English: the formats of files and data, the site's tools
ALLOWED = {"sql", "sqlite", "csv", "json", "xlsx", "excel", "api", "datasette", "echarts", "apache", "cors",
           "utf", "kb", "mb", "gb", "gbk", "pdf", "txt", "md", "html", "docx", "doc", "wps", "zip", "word", "sha",
           "gkreport"}
URLISH = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+|[\w.-]*/[\w./~%?=&+-]*")  # addresses and file paths
WORD = re.compile(r"[A-Za-z0-9_]+")  # then split at "_"; a part with a digit is an id or a number (hex ids below)
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
HEX_ID = re.compile(r"(?<![0-9A-Za-z])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{12,16}(?![0-9A-Za-z])")
MAX_PAGES = 160

# the visible text of a page, node by node: text, placeholders, the words on buttons and in drop-downs
VISIBLE_TEXT = """() => {
  const SKIP = "script,style,noscript,template,code,pre,textarea,.CodeMirror,[lang='en'],[lang^='en-']";
  const visible = el => el.checkVisibility({checkVisibilityCSS: true});
  const where = el => {
    const c = el.closest("[class]");
    return el.tagName.toLowerCase() + (c ? "." + String(c.className).trim().split(/\\s+/)[0] : "");
  };
  const out = [];
  const add = (el, text) => {
    text = (text || "").trim();
    if (text && !el.closest(SKIP)) out.push({text, where: where(el), small: !!el.closest("small,.gk-id")});
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (el && visible(el)) add(el, n.nodeValue);
  }
  document.querySelectorAll("input, button, select").forEach(el => {
    if (!visible(el)) return;
    if (el.tagName === "SELECT") el.querySelectorAll("option").forEach(o => add(el, o.textContent));
    else if (["submit", "button", "reset"].includes(el.type)) add(el, el.value);
    if (el.placeholder && !el.value) add(el, el.placeholder);
  });
  return out;
}"""

LINKS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"


def offences(texts: list[dict]) -> list[str]:
    found = []
    for t in texts:
        text = t["text"]
        plain = URLISH.sub(" ", text)
        for tag in TAG.findall(text):
            found.append(f"HTML 标签 {tag!r}（{t['where']}）")
        for run in WORD.findall(plain):
            for word in run.split("_"):
                if word and not re.search(r"\d", word) and word.lower() not in ALLOWED:
                    found.append(f"英文 {word!r}（{t['where']}：{text[:60]!r}）")
        if not t["small"]:
            for hex_id in HEX_ID.findall(plain):
                found.append(f"编号代替名称 {hex_id}（{t['where']}）")
    return found


def kind_of(path: str) -> str:
    """One page of each kind is enough: every row of a table, every report, every agency reads alike."""
    path = re.sub(r"^/gkreport/([^/]+)/.+$", r"/gkreport/\1/*", path)
    return re.sub(r"^/(report|-/agency|-/embed/agency)/[^/]+$", r"/\1/*", path)


def walkable(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return False
    return not re.search(r"\.(json|csv|xlsx|db)$|/source$|^/-/(charts|static)/|^/gk-static/", parts.path)


def sample_values(db_path) -> dict[str, str]:
    """A value that exists in the database for each parameter a ready-made question takes."""
    conn = sqlite3.connect(db_path)
    one = lambda sql: str(conn.execute(sql).fetchone()[0])  # noqa: E731
    values = {
        "year": one("select max(year) from reports"),
        "province": one("select province from reports where province is not null order by year desc limit 1"),
        "level": one("select level from reports where level is not null limit 1"),
        "agency": one("select substr(agency_name, 1, 3) from reports limit 1"),
        "agency_id": one("select agency_id from reports where agency_id is not null limit 1"),
        "rule": one("select rule from checks where severity = 'warning' limit 1"),
        "severity": "warning",
        "q": "培训",
        "page": "1",
        "min_base": "30",
    }
    conn.close()
    return values


def with_parameters(page, url: str, samples: dict[str, str]) -> str:
    """The question's address with each parameter of its form filled: the first choice a drop-down
    offers, else a value from the database."""
    fields = page.evaluate("""() => Array.from(document.querySelectorAll("form.sql [name]"), el => ({
        name: el.name, choices: el.tagName === "SELECT" ? Array.from(el.options, o => o.value).filter(Boolean) : []}))""")
    params = {}
    for f in fields:
        if f["name"].startswith("_") or f["name"] in ("sql", "csrftoken"):
            continue
        value = f["choices"][0] if f["choices"] else samples.get(f["name"])
        assert value is not None, f"no value to try for the parameter {f['name']} of {url}"
        params[f["name"]] = value
    return url + "?" + urlencode(params) if params else ""


def test_every_page_from_the_home_page_reads_in_chinese(site, browser, seed_db, tmp_path):  # noqa: F811
    queries = {**load_metadata()["databases"]["gkreport"]["queries"], **CHART_QUERIES}
    canned = set(queries)
    tables = [r[0] for r in sqlite3.connect(seed_db).execute(
        "select name from sqlite_master where type = 'table' and name not like 'sections_fts%' "
        "and name not like 'sqlite_%' and name not in ('derived_tables', 'narrative_sketches')")]  # (bookkeeping, hidden)
    samples = sample_values(seed_db)
    extra = [  # what a reader does next, beyond the links
        ("/gkreport/sections?" + urlencode({"_search": "培训"}), "search"),
        ("/-/ask?" + urlencode({"q": "哪些单位被提起行政诉讼？"}), "ask"),
        ("/gkreport?" + urlencode({"sql": "select year, count(*) as n from reports group by year"}), "sql"),
        ("/gkreport/no_such_table", "404"),
        ("/report/0000000000000000", "404"),
    ]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.set_default_timeout(20000)
    queue: list[tuple[str, str]] = [(site + "/", "home")] + [(site + p, why) for p, why in extra]
    seen_kinds: set[str] = set()
    visited: dict[str, dict] = {}
    shots = {"home": "1-home", "/gkreport/reports": "2-table", "/gkreport/requests_by_agency?": "3-query",
             "/report/*": "4-report"}
    while queue and len(visited) < MAX_PAGES:
        url, why = queue.pop(0)
        parts = urlsplit(url)
        key = kind_of(parts.path) + ("?" if why == "parameters" else "") if why != "404" else "404 " + parts.path
        if why in ("link", "home") and key in seen_kinds:
            continue
        seen_kinds.add(key)
        response = page.goto(url, wait_until="load")
        if page.locator(".gk-chart").count():
            page.wait_for_function("() => Array.from(document.querySelectorAll('.gk-chart'))"
                                   ".every(c => c.dataset.ready && c.dataset.compared)")
        status = response.status if response else 0
        texts = page.evaluate(VISIBLE_TEXT)
        found = offences(texts)
        if why == "404":
            assert status == 404, url
        elif status != 200:
            found.append(f"HTTP {status}")
        visited[url] = {"why": why, "kind": key, "status": status, "offences": found}
        for pattern, name in shots.items():
            if status == 200 and (key == pattern or (why == "home" and pattern == "home")) and not (tmp_path / f"{name}.png").exists():
                page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
        for link in page.evaluate(LINKS):
            link = link.split("#")[0]
            if walkable(link, site) and link not in visited:
                queue.append((link, "link"))
        name = parts.path.rsplit("/", 1)[-1]
        if why == "link" and parts.path == f"/gkreport/{name}" and name in canned and not parts.query:
            filled = with_parameters(page, url, samples)
            if filled:
                queue.insert(0, (filled, "parameters"))

    report = {url: v for url, v in visited.items()}
    (tmp_path / "walk.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    counts = Counter({url: len(v["offences"]) for url, v in visited.items()})
    total = sum(counts.values())
    print(f"\n{len(visited)} pages walked, {total} offences on {sum(1 for c in counts.values() if c)} pages "
          f"(details: {tmp_path / 'walk.json'})")
    for url, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if n:
            print(f"{n:5d}  {url[len(site):]}")

    # the walk reached every kind of page
    kinds = {v["kind"] for v in visited.values()}
    paths = {urlsplit(u).path for u in visited}
    assert len(visited) >= 40, len(visited)
    missing = [t for t in tables if f"/gkreport/{t}" not in paths]
    assert not missing, f"tables not reached from the home page: {missing}"
    assert not [q for q in canned if f"/gkreport/{q}" not in paths], "ready-made questions not reached"
    with_params = {urlsplit(u).path for u, v in visited.items() if v["why"] == "parameters"}
    assert not [q for q in canned if queries[q]["params"] and f"/gkreport/{q}" not in with_params], \
        "questions not tried with parameters"
    for k in ("/report/*", "/-/agency/*", "/-/overview", "/-/ask", "/gkreport", "/gkreport/reports/*"):
        assert k in kinds, k
    for name in shots.values():
        assert (tmp_path / f"{name}.png").stat().st_size > 10000, name

    worst = [f"{url[len(site):]}: " + "；".join(v["offences"][:6]) for url, v in visited.items() if v["offences"]]
    assert not total, f"{total} offences on {len(worst)} pages:\n" + "\n".join(worst[:40])
    page.close()


ALIGNMENT = """() => Array.from(document.querySelectorAll("table td"), td => {
  const text = td.innerText.trim();
  return /^-?[\\d,]+(\\.\\d+)?%?$/.test(text) ? getComputedStyle(td).textAlign : null;
}).filter(Boolean)"""


def test_numbers_are_right_aligned_in_every_table(site, browser, seed_db):  # noqa: F811
    """Every cell that holds a number is right-aligned: Datasette's tables, the questions' answers, the
    report's three tables, an agency's reports, the answer of a question asked."""
    report, agency = sqlite3.connect(seed_db).execute("select id, agency_id from reports limit 1").fetchone()
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    for path in ("/gkreport/request_stats", "/gkreport/report_figures", "/gkreport/requests_by_agency?year=2021",
                 "/gkreport?sql=select+year,+count(*)+from+reports+group+by+year", f"/report/{report}",
                 f"/-/agency/{agency}", "/-/ask?q=2021年各省收到多少申请"):
        page.goto(site + path)
        aligned = page.evaluate(ALIGNMENT)
        assert aligned, path
        assert set(aligned) == {"right"}, (path, sorted(set(aligned)))
    page.close()
