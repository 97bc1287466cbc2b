"""`gkreport collect` against a fixture of county government websites (issue 21).

Evaluation cases written from the documentation: the issue's promises, checked on the
sites built by tests/fixture_site.py and served on 127.0.0.1 (one port per site). The
command is run as a user runs it, in a subprocess:

    gkreport collect URL... [--from FILE] [--out FOLDER] [--db FILE] [--delay SECONDS] [--max-bytes N]

What is checked, each from the server's own log or from the database:
- every report the sites hold is collected once, with its source_url, agency and year;
  nothing that is not a report is stored as one;
- robots.txt is read before anything else on a host and obeyed (RFC 9309: the longest
  matching rule decides), at most one request at a time per host, the --delay between
  two requests to a host, a User-Agent that names gkreport;
- a page answering 500 twice is retried and collected; a permanent 500, a redirect loop,
  two files over --max-bytes and a site that is down are each reported on a line naming
  the URL and the problem, while the rest goes on; a streamed oversized file is not read
  to its end; a page that never answers is given up;
- GBK/GB2312 pages are decoded (the agency names and the text read right);
- a second run sends conditional requests and downloads no body again; a report published
  afterwards is found by a third run without fetching the old ones again;
- a run killed part way resumes and ends as an uninterrupted run does;
- --from FILE with body names (also a file saved by Windows Notepad: BOM, CRLF).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_site import MAX_BYTES, Fixture, FixtureServer, build  # noqa: E402

DELAY = "0.05"
RUN_TIMEOUT = 900  # seconds for one whole run: generous, the fixture's slow parts take about 15 s

LIBRARY_AGENTS = re.compile(
    r"^(python-requests|python-urllib|python-httpx|httpx|aiohttp|urllib3|curl|wget|go-http-client|"
    r"java|okhttp|libwww-perl|scrapy|mozilla/5\.0 \(compatible; scrapy)", re.I)

PROBLEM_WORDS = {
    "server_error": r"500|服务器错误|服务器内部错误|server error|internal",
    "redirect_loop": r"重定向|跳转|redirect",
    "too_large": r"超过|过大|太大|上限|限制|max-bytes|too (large|big)|exceed|limit|size|大小",
    "dead_site": r"连接|拒绝|refused|connect|无法访问|unreachable|不可达",
    "timeout": r"超时|timed? ?out|timeout|无响应|没有响应",
}


# ---------------------------------------------------------------- running the command


def _gkreport() -> list[str]:
    exe = Path(sys.executable).with_name("gkreport")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("gkreport")
    if found:
        return [found]
    pytest.fail("the gkreport command is not installed (pip install -e .)", pytrace=False)


def _env():
    env = dict(os.environ)
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(k, None)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


class Missing(list):
    """Stands for the command (or its runs) while `gkreport collect` does not exist: any use of it
    fails the test, in the test itself, with the reason."""

    def __init__(self, why: str):
        super().__init__()
        self.why = why

    def __getattr__(self, name):
        pytest.fail(self.why, pytrace=False)


def _need(value):
    if isinstance(value, Missing):
        pytest.fail(value.why, pytrace=False)
    return value


@pytest.fixture(scope="session")
def collect_cmd():
    cmd = _gkreport()
    res = subprocess.run(cmd + ["collect", "--help"], capture_output=True, text=True, timeout=120, env=_env())
    if res.returncode != 0:
        said = (res.stderr or res.stdout).strip().splitlines()[-1:] or [""]
        return Missing(f"`gkreport collect` does not exist yet (issue 21): `gkreport collect --help` says: {said[0]}")
    return cmd + ["collect"]


@dataclasses.dataclass
class Run:
    args: list[str]
    returncode: int | None
    output: str  # stdout and stderr
    seconds: float
    first: int  # the server log's entries of this run: log[first:last]
    last: int

    def lines(self):
        return [ln for ln in re.split(r"[\r\n]+", self.output) if ln.strip()]


def collect(cmd, srv: FixtureServer, urls, db, out, *extra, delay=DELAY, timeout=RUN_TIMEOUT) -> Run:
    _need(cmd)
    args = [*cmd, *urls, "--db", str(db), "--out", str(out), "--delay", delay, "--max-bytes", str(MAX_BYTES), *extra]
    first = srv.mark()
    t0 = time.monotonic()
    try:
        res = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=_env(),
                             encoding="utf-8", errors="replace", cwd=Path(db).parent)
        code, output = res.returncode, res.stdout + "\n" + res.stderr
    except subprocess.TimeoutExpired as e:
        def text(b):
            return b.decode("utf-8", "replace") if isinstance(b, bytes) else (b or "")
        code, output = None, text(e.stdout) + "\n" + text(e.stderr) + f"\n[still running after {timeout} s: stopped]"
    seconds = time.monotonic() - t0
    time.sleep(0.3)  # let the server threads write their last log entries
    return Run(args, code, output, seconds, first, srv.mark())


# ---------------------------------------------------------------- reading the database


@dataclasses.dataclass(frozen=True)
class Row:
    id: str
    agency: str | None
    printed: str | None
    year: int | None
    source_url: str | None
    source_path: str | None
    title: str | None


def stored(db: Path) -> list[Row]:
    if not Path(db).exists():
        return []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        cols = {r[1] for r in con.execute("pragma table_info(reports)")}
        if not cols:
            return []
        printed = "agency_name_as_printed" if "agency_name_as_printed" in cols else "NULL"
        rows = con.execute(
            f"select id, agency_name, {printed}, year, source_url, source_path, title from reports").fetchall()
    finally:
        con.close()
    return [Row(*r) for r in rows]


def section_text(db: Path, report_id: str) -> str:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return "\n".join(b or "" for (b,) in con.execute(
            "select body from sections where report_id = ? order by section_no", (report_id,)))
    finally:
        con.close()


def is_body(row: Row, report) -> bool:
    names = {report.agency, report.printed}
    return row.year == report.year and (row.agency in names or row.printed in names)


def ref(srv: FixtureServer, url: str | None) -> str | None:
    """http://127.0.0.1:port/target -> site:/target (ports differ between servers)."""
    if not url:
        return url
    parts = urlsplit(url)
    try:
        site = srv.site_of_port(parts.port)
    except StopIteration:
        return url
    return f"{site}:{parts.path}" + (f"?{parts.query}" if parts.query else "")


# ---------------------------------------------------------------- robots.txt as RFC 9309 reads it


def robots_rules(text: str) -> list[tuple[str, str]]:
    """The rules of the group for user-agent * (the collector's own name is in no group)."""
    rules, agents, in_rules, mine = [], [], False, False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (s.strip() for s in line.split(":", 1))
        key = key.lower()
        if key == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value)
            mine = "*" in agents
        elif key in ("allow", "disallow"):
            in_rules = True
            if mine and value:
                rules.append((key, value))
    return rules


def robots_allows(rules, target: str) -> bool:
    best = None
    for kind, prefix in rules:
        if target.startswith(prefix):
            if best is None or len(prefix) > len(best[1]) or (len(prefix) == len(best[1]) and kind == "allow"):
                best = (kind, prefix)
    return best is None or best[0] == "allow"


def site_rules(fx: Fixture, site: str):
    route = fx.routes[site].get("/robots.txt")
    if route is None or not route.ctype.startswith("text/plain"):
        return []
    return robots_rules((fx.folder / route.file).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the fixture and the main runs


@pytest.fixture(scope="session")
def sites(tmp_path_factory) -> Fixture:
    return build(tmp_path_factory.mktemp("sites"))


@dataclasses.dataclass
class Main:
    fx: Fixture
    srv: FixtureServer
    db: Path
    out: Path
    run1: Run
    run2: Run
    run3: Run
    rows1: list[Row]
    rows2: list[Row]
    rows3: list[Row]

    def log(self, run: Run):
        return self.srv.log[run.first:run.last]


@pytest.fixture(scope="module")
def main(collect_cmd, sites, tmp_path_factory):
    """Three runs on the same database: a first one, the same again, and one after a report is published."""
    if isinstance(collect_cmd, Missing):
        yield collect_cmd
        return
    work = tmp_path_factory.mktemp("collect")
    db, out = work / "gkreport.db", work / "downloads"
    with FixtureServer(sites) as srv:
        urls = [srv.url(sites.dead_start)] + [srv.url(r) for r in sites.start]
        run1 = collect(collect_cmd, srv, urls, db, out)
        rows1 = stored(db)
        run2 = collect(collect_cmd, srv, urls, db, out)
        rows2 = stored(db)
        srv.publish_later()
        run3 = collect(collect_cmd, srv, urls, db, out)
        rows3 = stored(db)
        yield Main(sites, srv, db, out, run1, run2, run3, rows1, rows2, rows3)


def _report_problems(m: Main, rows, keys) -> list[str]:
    problems = []
    for r in m.fx.reports:
        if r.key not in keys:
            continue
        urls = set(m.srv.report_urls(r))
        at_url = [row for row in rows if row.source_url in urls]
        same_body = [row for row in rows if is_body(row, r)]
        if not at_url:
            problems.append(f"{r.title} ({r.fmt}): no report with source_url {' or '.join(sorted(urls))}; "
                            f"stored for this body and year: {[row.source_url for row in same_body]}")
            continue
        wrong = [row for row in at_url if not is_body(row, r)]
        if wrong:
            problems.append(f"{r.title}: stored as {[(row.agency, row.year) for row in wrong]}, "
                            f"not {r.agency} {r.year}")
        if r.key != "shanghang_gov_office_2021" and len(same_body) != 1:
            problems.append(f"{r.title}: stored {len(same_body)} times: {[row.source_url for row in same_body]}")
    return problems


def _collected(fx: Fixture):
    return {r.key for r in fx.reports if r.expect == "collected"}


# ---------------------------------------------------------------- every report once, nothing else


def test_every_report_is_collected_once_with_its_source_url_agency_and_year(main):
    problems = _report_problems(main, main.rows1, _collected(main.fx))
    assert not problems, "after the first run:\n" + "\n".join(problems) + "\n\noutput:\n" + main.run1.output[-3000:]


def test_nothing_but_the_reports_is_stored(main):
    fx, srv = main.fx, main.srv
    accepted = set()
    for r in fx.reports:
        if r.expect in ("collected", "allow_rule"):
            accepted |= set(srv.report_urls(r))
    extra = [row for row in main.rows1 if row.source_url not in accepted]
    assert not extra, "stored, but not a report of the sites (or without its source_url):\n" + "\n".join(
        f"{row.source_url}  {row.title!r} ({row.agency}, {row.year})" for row in extra)


def test_a_report_shown_as_a_page_and_attached_as_pdf_is_stored_once(main):
    """上杭县人民政府办公室's page holds the report as text and attaches the same report as a PDF."""
    r = main.fx.report("shanghang_gov_office_2021")
    same = [row for row in main.rows1 if is_body(row, r)]
    assert len(same) == 1, f"{r.title}: stored {len(same)} times: {[row.source_url for row in same]}"


def test_downloads_are_kept_in_the_out_folder(main):
    files = [p for p in main.out.rglob("*") if p.is_file()] if main.out.exists() else []
    assert files, f"nothing was saved in --out {main.out}"
    out = main.out.resolve()
    outside = []
    for row in main.rows1:
        if row.source_path:
            path = Path(row.source_path.split("!", 1)[0])
            if not path.is_absolute():
                path = main.db.parent / path  # the command ran in this folder
            if out not in path.resolve().parents:
                outside.append(row.source_path)
    assert not outside, f"reports whose source_path is not in --out {out}: {outside}"


# ---------------------------------------------------------------- politeness


def test_robots_txt_is_read_first_and_nothing_it_forbids_is_requested(main):
    fx, srv = main.fx, main.srv
    log = main.log(main.run1) + main.log(main.run2) + main.log(main.run3)
    problems = []
    for site in fx.routes:
        rules = site_rules(fx, site)
        for e in (e for e in log if e["site"] == site):
            if not robots_allows(rules, e["target"]):
                problems.append(f"requested what robots.txt forbids: {e['method']} {srv.url(site + ':' + e['target'])}")
    for site, targets in fx.forbidden.items():
        asked = {e["target"] for e in log if e["site"] == site}
        for t in targets:
            if t in asked:
                problems.append(f"requested {srv.url(site + ':' + t)} (forbidden by robots.txt)")
    first_run = main.log(main.run1)
    for site in fx.routes:
        mine = sorted((e for e in first_run if e["site"] == site), key=lambda e: e["start"])
        if mine and mine[0]["target"] != "/robots.txt":
            problems.append(f"first request to {srv.host(site)} was {mine[0]['target']}, before /robots.txt")
    assert not problems, "\n".join(sorted(set(problems)))


def test_robots_txt_allow_rule_longer_than_the_disallow_wins(main):
    """崇义: `Disallow: /zwgk/` then `Allow: /zwgk/xxgk/gknb/` — the report's column is allowed (RFC 9309)."""
    problems = _report_problems(main, main.rows1, {"chongyi_gov_office_2023"})
    assert not problems, "\n".join(problems)


def test_at_most_one_request_at_a_time_per_host(main):
    log = main.log(main.run1) + main.log(main.run2) + main.log(main.run3)
    overlaps = _overlaps(log, main.srv)
    assert not overlaps, "requests to one host at the same time:\n" + "\n".join(overlaps[:20])


def _overlaps(log, srv):
    found = []
    for site in {e["site"] for e in log}:
        mine = sorted((e for e in log if e["site"] == site), key=lambda e: e["start"])
        for a, b in zip(mine, mine[1:]):
            end = a["end"] if a["end"] is not None else a["start"]
            if b["start"] < end - 0.002:
                found.append(f"{srv.host(site)}: {a['target']} ({a['start']:.3f}–{end:.3f}) and "
                             f"{b['target']} (from {b['start']:.3f})")
    return found


def test_user_agent_names_gkreport_and_is_not_a_library_default(main):
    log = main.log(main.run1)
    agents = {e["user_agent"] for e in log}
    assert log, "no request reached the sites"
    bad = [a for a in agents if not a or LIBRARY_AGENTS.match(a) or "gkreport" not in a.lower()]
    assert not bad, f"User-Agent sent: {sorted(map(str, agents))}"


def test_delay_between_two_requests_to_one_host(collect_cmd, sites, tmp_path):
    """--delay 0.4: between the starts of two requests to one host (redirects and retries included)."""
    with FixtureServer(sites) as srv:
        urls = [srv.url("shangyou:/xxgk/zfxxgkndbg/index.html"), srv.url("yindu:/channels/3619.html")]
        run = collect(collect_cmd, srv, urls, tmp_path / "gk.db", tmp_path / "out", delay="0.4")
        log = srv.log[run.first:run.last]
    assert len(log) > 5, "too few requests:\n" + run.output[-2000:]
    short = []
    for site in {e["site"] for e in log}:
        mine = sorted((e for e in log if e["site"] == site), key=lambda e: e["start"])
        for a, b in zip(mine, mine[1:]):
            if b["start"] - a["start"] < 0.3:
                short.append(f"{site}: {a['target']} then {b['target']} after {b['start'] - a['start']:.3f} s")
    assert not short, "requests to one host closer than --delay 0.4:\n" + "\n".join(short)


# ---------------------------------------------------------------- errors: retried, reported, the rest goes on


def test_a_page_answering_500_twice_is_retried_and_collected(main):
    r = main.fx.report("shanghang_education_2021")
    asked = [e for e in main.log(main.run1) if e["site"] == r.site and e["target"] == r.page]
    statuses = [e["status"] for e in asked]
    assert statuses[:2] == [500, 500] and 200 in statuses, f"{r.page} was answered {statuses}"
    problems = _report_problems(main, main.rows1, {r.key})
    assert not problems, "\n".join(problems)


def test_retries_back_off(main):
    """The permanent 500 is retried, not hammered: a few attempts, waiting longer than --delay."""
    target = main.fx.failing["server_error"][0].split(":", 1)[1]
    asked = sorted((e for e in main.log(main.run1) if e["target"] == target), key=lambda e: e["start"])
    assert 2 <= len(asked) <= 10, f"{target} requested {len(asked)} times in one run"
    gaps = [b["start"] - a["start"] for a, b in zip(asked, asked[1:])]
    assert max(gaps) >= 0.5, f"retries of {target} after {[round(g, 3) for g in gaps]} s: no backoff"


def _failure_lines(run: Run, urls, kind):
    words = re.compile(PROBLEM_WORDS[kind], re.I)
    return [ln for ln in run.lines() if any(u in ln for u in urls) and words.search(ln)]


@pytest.mark.parametrize("kind", ["server_error", "redirect_loop", "too_large:pdf", "too_large:zip", "dead_site"])
def test_each_failure_is_reported_on_a_line_naming_the_url_and_the_problem(main, kind):
    fx, srv = main.fx, main.srv
    if kind == "dead_site":
        urls, words = [srv.url(fx.dead_start), f"http://{srv.host('dayu')}"], "dead_site"
    elif kind.startswith("too_large"):
        suffix = kind.split(":")[1]
        urls, words = [srv.url(r) for r in fx.failing["too_large"] if r.endswith(suffix)], "too_large"
    else:
        urls, words = [srv.url(r) for r in fx.failing[kind]], kind
    lines = _failure_lines(main.run1, urls, words)
    assert lines, (f"no line names {urls[0]} and the problem ({PROBLEM_WORDS[words]}); output:\n"
                   + main.run1.output[-4000:])


def test_the_run_goes_on_after_the_failures(main):
    """The dead site is the first URL given; 上犹 holds the permanent 500, the loop, both oversized
    files and a good report after them in its list."""
    assert "Traceback" not in main.run1.output, main.run1.output[-3000:]
    assert main.run1.returncode is not None, "the run did not finish"
    problems = _report_problems(main, main.rows1,
                                {"shangyou_gov_office_2023", "shanggao_service_centre_2021", "shanghang_health_2021"})
    assert not problems, "\n".join(problems)


def test_redirect_loop_is_not_followed_forever(main):
    targets = {r.split(":", 1)[1] for r in main.fx.failing["redirect_loop"]}
    asked = [e for e in main.log(main.run1) if e["target"] in targets]
    assert 1 <= len(asked) <= 40, f"the loop was requested {len(asked)} times"


def test_a_moved_page_is_followed_and_its_links_read_from_the_new_address(main):
    """上犹's list links the old address; 301 to the new one, whose ./P0202….wps is relative to it."""
    problems = _report_problems(main, main.rows1, {"shangyou_gov_office_2023"})
    assert not problems, "\n".join(problems)


def test_an_oversized_stream_is_not_read_to_its_end(main):
    target = next(r for r in main.fx.failing["too_large"] if r.endswith(".zip")).split(":", 1)[1]
    sent = [e["bytes"] for e in main.log(main.run1) if e["target"] == target]
    assert sent, f"{target} was not requested"
    assert max(sent) < 24 * 1024 * 1024, f"{max(sent)} bytes of {target} were read with --max-bytes {MAX_BYTES}"


def test_a_page_that_never_answers_is_given_up(collect_cmd, sites, tmp_path):
    with FixtureServer(sites) as srv:
        hang = srv.url(sites.hang)
        good = sites.report("shanggao_service_centre_2021")
        run = collect(collect_cmd, srv, [hang, srv.url(f"shanggao:{good.page}")], tmp_path / "gk.db", tmp_path / "out",
                      timeout=420)
        log = srv.log[run.first:run.last]
    assert run.returncode is not None, f"still running after {run.seconds:.0f} s"
    rows = stored(tmp_path / "gk.db")
    assert any(row.source_url in srv.report_urls(good) for row in rows), "the other report was not collected"
    attempts = [e for e in log if e["target"] == sites.hang.split(":", 1)[1]]
    assert 1 <= len(attempts) <= 5, f"the hanging page was requested {len(attempts)} times"
    assert _failure_lines(run, [hang], "timeout"), f"no line names {hang} and a timeout; output:\n" + run.output[-3000:]
    assert not _overlaps(log, srv), _overlaps(log, srv)


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize("key", ["jiangle_2020", "yindu_education_2021", "shanghang_gov_office_2021", "shanghang_2020"])
def test_gbk_and_mislabelled_pages_are_decoded(main, key):
    """将乐: GBK, only <meta> gb2312, with characters outside GB2312; 殷都: header GBK; 上杭: UTF-8 under a gb2312 <meta>."""
    r = main.fx.report(key)
    rows = [row for row in main.rows1 if row.source_url in set(main.srv.report_urls(r))]
    assert rows, f"{r.title} was not collected"
    row = rows[0]
    assert is_body(row, r), f"read as {row.agency!r} ({row.printed!r}) {row.year}, not {r.agency} {r.year}"
    assert row.title and r.printed in row.title and "\ufffd" not in row.title, f"title read as {row.title!r}"
    assert r.phrase in section_text(main.db, row.id), f"the text of {r.title} does not read {r.phrase!r}"


# ---------------------------------------------------------------- later runs


def _whole(entries) -> set[tuple[str, str]]:
    return {(e["site"], e["target"]) for e in entries if e["status"] == 200 and e["complete"]}


def _failing(fx: Fixture) -> set[tuple[str, str]]:
    return {tuple(r.split(":", 1)) for refs in fx.failing.values() for r in refs}


def test_a_second_run_downloads_nothing_again(main):
    fetched = _whole(main.log(main.run1)) - _failing(main.fx)
    again = [e for e in main.log(main.run2) if e["status"] in (200, 206) and e["target"] != "/robots.txt"
             and (e["site"], e["target"]) in fetched]
    assert not again, "downloaded again on a second run (answered 200, not 304):\n" + "\n".join(
        f"{e['method']} {main.srv.url(e['site'] + ':' + e['target'])} "
        f"(If-None-Match {e['if_none_match']!r}, If-Modified-Since {e['if_modified_since']!r})" for e in again)
    conditional = [e for e in main.log(main.run2) if e["status"] == 304]
    assert conditional, "the second run made no conditional request"
    before = {(row.id, row.source_url) for row in main.rows1}
    after = {(row.id, row.source_url) for row in main.rows2}
    assert before == after, f"the second run changed the database: {sorted(before ^ after)}"


def test_a_report_published_later_is_found_without_fetching_the_others_again(main):
    fx = main.fx
    r = fx.report("shanghang_development_2021")
    problems = _report_problems(main, main.rows3, {r.key})
    assert not problems, "\n".join(problems) + "\n\noutput:\n" + main.run3.output[-3000:]
    changed = {("shanghang", t) for t in fx.list_pages["shanghang"]}
    fetched = (_whole(main.log(main.run1)) | _whole(main.log(main.run2))) - _failing(fx) - changed
    again = [e for e in main.log(main.run3) if e["status"] in (200, 206) and e["target"] != "/robots.txt"
             and (e["site"], e["target"]) in fetched]
    assert not again, "downloaded again though unchanged:\n" + "\n".join(
        main.srv.url(e["site"] + ":" + e["target"]) for e in again)
    old = {(row.id, row.source_url) for row in main.rows1}
    now = {(row.id, row.source_url) for row in main.rows3}
    assert old <= now, f"reports lost by the later run: {sorted(old - now)}"


# ---------------------------------------------------------------- stopped and resumed


def _documents(fx: Fixture) -> set[tuple[str, str]]:
    docs = set()
    for r in fx.reports:
        if r.expect in ("collected", "allow_rule"):
            site, target = (r.document.split(":", 1) if ":" in r.document.split("/")[0] else (r.site, r.document))
            docs.add((site, target))
    return docs


def test_a_stopped_run_resumes_and_ends_as_an_uninterrupted_run(collect_cmd, sites, main, tmp_path):
    _need(collect_cmd)
    db, out = tmp_path / "gk.db", tmp_path / "out"
    docs = _documents(sites)
    with FixtureServer(sites) as srv:
        urls = [srv.url(sites.dead_start)] + [srv.url(r) for r in sites.start]
        args = [*collect_cmd, *urls, "--db", str(db), "--out", str(out), "--delay", "0.3", "--max-bytes", str(MAX_BYTES)]
        first = srv.mark()
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=_env(),
                                start_new_session=True, cwd=tmp_path)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            done = [e for e in srv.log[first:] if e["status"] == 200 and e["complete"]
                    and (e["site"], e["target"]) in docs]
            if len(done) >= 4:
                break
            time.sleep(0.05)
        if proc.poll() is not None:
            pytest.fail("the run finished (or stopped) before it could be killed part way:\n"
                        + proc.stdout.read().decode("utf-8", "replace")[-2000:])
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stdout.close()
        time.sleep(0.5)
        killed_log = srv.log[first:srv.mark()]
        resumed = collect(collect_cmd, srv, urls, db, out)
        resumed_log = srv.log[resumed.first:resumed.last]
        rows = stored(db)
        got = sorted((row.agency, row.year, ref(srv, row.source_url)) for row in rows)
    want = sorted((row.agency, row.year, ref(main.srv, row.source_url)) for row in main.rows1)
    assert got == want, ("after the resumed run:\n" + "\n".join(map(str, got)) +
                         "\n\nafter an uninterrupted run:\n" + "\n".join(map(str, want)))
    # what was downloaded whole before the kill is not downloaded again (one per host may have been in hand)
    whole = _whole(killed_log) & docs
    again = [(e["site"], e["target"]) for e in resumed_log if e["status"] == 200 and (e["site"], e["target"]) in whole]
    per_host: dict[str, int] = {}
    for site, _ in again:
        per_host[site] = per_host.get(site, 0) + 1
    assert all(n <= 1 for n in per_host.values()), f"downloaded before the kill and again after it: {again}"


# ---------------------------------------------------------------- --from FILE


def _from_file_case(collect_cmd, sites, tmp_path, text_of):
    with FixtureServer(sites) as srv:
        lines = [
            (srv.url("shanghang:/xxgk/zfxxgknb/index.html"), "上杭县人民政府"),
            (srv.url("shanggao:/xxgk/xxgkml/gknb/202201/t20220125_1567812.shtml"), "上高县行政服务中心管委会"),
            (srv.url(sites.dead_start), "大余县人民政府"),
        ]
        path = tmp_path / "县政府网站.txt"
        path.write_bytes(text_of(lines))
        run = collect(collect_cmd, srv, [], tmp_path / "gk.db", tmp_path / "out", "--from", str(path))
        rows = stored(tmp_path / "gk.db")
        want = {"shanghang_gov_office_2021", "shanghang_education_2021", "shanghang_health_2021", "shanghang_2020",
                "shanggao_service_centre_2021"}
        problems = []
        for r in sites.reports:
            urls = set(srv.report_urls(r))
            at_url = [row for row in rows if row.source_url in urls and is_body(row, r)]
            if r.key in want and not at_url:
                problems.append(f"{r.title} was not collected")
        others = [row for row in rows if ref(srv, row.source_url) is None
                  or ref(srv, row.source_url).split(":")[0] not in ("shanghang", "shanggao")]
        if others:
            problems.append(f"stored from sites not in the file: {[(row.agency, row.source_url) for row in others]}")
        dead = [srv.url(sites.dead_start), f"http://{srv.host('dayu')}"]
        if not _failure_lines(run, dead, "dead_site"):
            problems.append(f"no line names {dead[0]} and the problem")
    assert not problems, "\n".join(problems) + "\n\noutput:\n" + run.output[-3000:]


def test_from_file_with_body_names(collect_cmd, sites, tmp_path):
    _from_file_case(collect_cmd, sites, tmp_path,
                    lambda lines: "".join(f"{u}\t{name}\n" for u, name in lines).encode("utf-8"))


def test_from_file_saved_by_windows_notepad(collect_cmd, sites, tmp_path):
    """UTF-8 with a BOM, CRLF line ends, a blank line and a line without a name."""
    def text(lines):
        (u1, n1), (u2, _), (u3, n3) = lines
        return ("\ufeff" + f"{u1}\t{n1}\r\n\r\n{u2}\r\n{u3}\t{n3}\r\n").encode("utf-8")
    _from_file_case(collect_cmd, sites, tmp_path, text)
