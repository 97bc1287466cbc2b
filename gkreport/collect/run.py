"""One collect run: from the URLs given to reports in the database.

Workers take the URLs host by host (frontier.py). A list page gives report links and its
other pages; an article page gives the report (its own text, or its attachments); a
document is saved in --out. Every step is recorded in the collect_* tables as it happens
(state.py), so that the next run asks each URL conditionally and, where nothing changed,
walks on from what it recorded (the links of a page, the file a URL was saved to). What
was downloaded is ingested at the end of the run, each report with its source_url; a run
stopped before that leaves its downloads for the next run to ingest.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from bs4 import BeautifulSoup

from .article import article_title, read_article
from .decode import decode_page
from .fetch import Answer, Fetcher, FetchError
from .files import answer_kind, path_for, save
from .frontier import Frontier, Task
from .listing import MAX_LIST_PAGES, other_pages, report_links
from .sources import Start
from .state import Link, State
from .titles import is_report_title

WORKERS = 8  # hosts worked on at once; each host still gets one request at a time
DEFAULT_CONTACT = "https://pypi.org/project/gkreport/"


def user_agent() -> str:
    """Names the program and where its operator can be reached (GKREPORT_CONTACT: a URL or an e-mail)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        own = version("gkreport")
    except PackageNotFoundError:
        own = "dev"
    contact = os.environ.get("GKREPORT_CONTACT") or DEFAULT_CONTACT
    # (ASCII only: HTTP headers are)
    return f"gkreport/{own} (+{contact}; collects annual government information disclosure reports)"


@dataclass
class Counts:
    requests: int = 0
    lists: int = 0
    articles: int = 0
    not_modified: int = 0
    downloaded: int = 0
    forbidden: int = 0
    failed: int = 0
    not_found: int = 0

    def line(self, urls: int) -> str:
        return (f"网址 {urls} 个，请求 {self.requests} 次：列表页 {self.lists} 页，文章页 {self.articles} 个，"
                f"下载报告文件 {self.downloaded} 个，未变化 {self.not_modified} 个，"
                f"robots.txt 禁止 {self.forbidden} 个，失败 {self.failed} 个。")


@dataclass
class Result:
    counts: Counts
    urls: int
    ingest: Optional[object] = None  # ingest.Summary of what was downloaded
    not_reports: int = 0
    interrupted: bool = False
    lines: list[str] = field(default_factory=list)


class Collector:
    def __init__(self, db_path: Path, out: Path, *, delay: float, max_bytes: int,
                 echo: Callable[[str], None], on_progress: Optional[Callable[[int, int], None]] = None):
        self.db_path = Path(db_path)
        self.out = Path(out)
        self.echo_lock = threading.Lock()
        self._echo = echo
        self.on_progress = on_progress
        self.counts = Counts()
        self.count_lock = threading.Lock()
        self.state = State(self.db_path)
        self.fetcher = Fetcher(delay=delay, max_bytes=max_bytes, user_agent=user_agent(), on_request=self._requested)
        self.frontier = Frontier()
        self.finished = 0
        self.to_ingest: dict[str, tuple[str, str]] = {}  # file → (source_url, the URL its state is under)

    # ------------------------------------------------------------------ the run

    def run(self, starts: list[Start]) -> Result:
        run_id = self.state.start_run(len(starts))
        for s in starts:
            self.frontier.put(Task(s.url, "start", body_name=s.body_name))
        workers = [threading.Thread(target=self._work, daemon=True, name=f"collect-{n}") for n in range(WORKERS)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        self.fetcher.close()
        result = Result(self.counts, self.frontier.total)
        if self.to_ingest:
            self._ingest(result)
        self.state.end_run(run_id, {**vars(self.counts),
                                    "stored": result.ingest.stored if result.ingest else 0})  # type: ignore[attr-defined]
        self.state.close()
        return result

    def _work(self) -> None:
        while (task := self.frontier.take()) is not None:
            try:
                self.process(task)
            except Exception as e:  # a page we misread must not stop the other sites
                self.state.failed(task.url, f"处理时出错（{type(e).__name__}: {e}）")
                self._problem("失败", task, f"处理时出错（{type(e).__name__}: {e}）", "failed")
            finally:
                self.frontier.done(task)
                with self.count_lock:
                    self.finished += 1
                    finished = self.finished
                if self.on_progress:
                    with self.echo_lock:  # the bar and the lines share the terminal
                        self.on_progress(finished, self.frontier.total)

    # ------------------------------------------------------------------ one URL

    def process(self, task: Task) -> None:
        self.state.seen(task.url, role=task.role, title=task.title, found_on=task.found_on,
                        listed_date=task.listed_date, body_name=task.body_name)
        try:
            answer = self.fetcher.get(task.url, self.state.validators)
        except FetchError as e:
            if e.kind == "forbidden":
                self.state.became(task.url, "forbidden", problem=e.message)
                self._problem("跳过", task, e.message, "forbidden")
            else:
                self.state.failed(task.url, e.message, e.status or None)
                self._problem("失败", task, e.message, "failed")
            return
        final = answer.final_url
        if final != task.url:
            self.state.became(task.url, "redirected")
            self.state.redirected(task.url, final)
            self.state.seen(final, role=task.role, title=task.title, found_on=task.found_on,
                            listed_date=task.listed_date, body_name=task.body_name)
            self.frontier.mark_seen(final)
        if answer.status == 304:
            self.state.checked(final, 304)
            self._count("not_modified")
            self.replay(task, final)
            return
        self.read(task, answer)

    def read(self, task: Task, answer: Answer) -> None:
        final, data, headers = answer.final_url, answer.body, answer.headers
        self.state.fetched(final, final_url=final, http_status=200, headers=headers, size=len(data),
                           sha256=hashlib.sha256(data).hexdigest())
        kind, suffix = answer_kind(final, headers.get("content-type", ""), headers.get("content-disposition", ""),
                                   data, linked_as_document=task.role == "document")
        if kind == "document":
            self.keep(task, final, answer, data, suffix)
            return
        text, _ = decode_page(data, headers.get("content-type"))
        soup = BeautifulSoup(text, "lxml")
        role = task.role
        if role == "start":
            role = "article" if is_report_title(article_title(soup)) else "list"
            self.state.seen(final, role=role)
        if role == "list":
            self.read_list(task, answer, soup, text)
        else:
            self.read_article(task, answer, soup, suffix)

    def read_list(self, task: Task, answer: Answer, soup: BeautifulSoup, text: str,
                  links: Optional[list[Link]] = None) -> None:
        final = answer.final_url
        links = report_links(soup, final) if links is None else links
        pages = other_pages(soup, final, text) if task.list_pages < MAX_LIST_PAGES else []
        children = links + [Link(p, "list") for p in pages]
        self.state.set_links(final, children)
        self.state.became(final, "list", headers=answer.headers)
        self._count("lists")
        self.follow(task, final, children)
        if not children and task.role == "start":
            self._problem("提示", task, "这一页没有找到年度报告的链接（标题含年份和“政府信息公开工作年度报告”或“年报”）",
                          "not_found")

    def read_article(self, task: Task, answer: Answer, soup: BeautifulSoup, suffix: str) -> None:
        final = answer.final_url
        article = read_article(soup, final, task.title)
        if article.report_html is not None:
            self.state.set_links(final, [])
            self.keep(task, final, answer, article.report_html.encode("utf-8"), suffix)
            return
        if article.attachments:
            self.state.set_links(final, article.attachments)
            self.state.became(final, "article", headers=answer.headers)
            self._count("articles")
            self.follow(task, final, article.attachments)
            return
        if article.links and task.role != "document":  # a page of report links: a list after all
            self.state.seen(final, role="list")
            self.read_list(task, answer, soup, "", links=article.links)
            return
        problem = "页面中没有找到报告正文，也没有报告附件"
        self.state.became(final, "no_report", headers=answer.headers, problem=problem)
        self._problem("提示", task, problem, "not_found")

    def keep(self, task: Task, final: str, answer: Answer, data: bytes, suffix: str) -> None:
        """A report file (or a page that is the report): saved, to be ingested."""
        path = path_for(self.out, final, suffix)
        save(path, data)
        self.state.became(final, "downloaded", headers=answer.headers, file=str(path))
        self._count("downloaded")
        self._pending(path, task.url, final)

    def replay(self, task: Task, final: str) -> None:
        """A URL unchanged since the last run: what it was then, without its body."""
        row = self.state.get(final)
        outcome = row["outcome"] if row else None
        if outcome in ("list", "article"):
            self._count("lists" if outcome == "list" else "articles")
            self.follow(task, final, self.state.links(final))
        elif outcome == "downloaded":
            self._pending(Path(row["file"]), task.url, final)

    def follow(self, task: Task, page: str, links: list[Link]) -> None:
        for link in links:
            pages = task.list_pages + 1 if link.role == "list" else 0
            if pages > MAX_LIST_PAGES:
                continue
            self.frontier.put(Task(link.url, link.role, link.title, found_on=page, listed_date=link.listed_date,
                                   body_name=task.body_name, list_pages=pages))

    # ------------------------------------------------------------------ ingest

    def _ingest(self, result: Result) -> None:
        from ..extract.archive import outer_path
        from ..ingest import ingest

        best: dict[str, tuple[str, Optional[str], Optional[str]]] = {}
        rank = {"stored": 3, "duplicate": 2, "not_report": 1}

        def on_outcome(o) -> None:
            source_url, state_url = self.to_ingest[outer_path(o.path)]
            outcome = {"stored": "stored", "unchanged": "stored", "duplicate": "duplicate"}.get(o.status, "not_report")
            if outcome == "not_report":
                result.not_reports += 1
                self.echo(f"不是报告  {source_url}（{o.path}）：{o.message}")
            if rank[outcome] >= rank[best.get(state_url, ("not_report",))[0]] or state_url not in best:
                best[state_url] = (outcome, o.report_id, o.message or None)

        result.ingest = ingest(list(self.to_ingest), self.db_path, on_outcome=on_outcome, keep_outcomes=False,
                               source_urls={path: src for path, (src, _) in self.to_ingest.items()})
        for url, (outcome, report_id, message) in best.items():
            self.state.became(url, outcome, report_id=report_id, problem=message if outcome != "stored" else None)

    # ------------------------------------------------------------------ bookkeeping

    def _pending(self, path: Path, source_url: str, state_url: str) -> None:
        with self.count_lock:
            self.to_ingest[str(path)] = (source_url, state_url)

    def _requested(self, url: str) -> None:
        self._count("requests")

    def _count(self, name: str) -> None:
        with self.count_lock:
            setattr(self.counts, name, getattr(self.counts, name) + 1)

    def _problem(self, label: str, task: Task, message: str, count: str) -> None:
        self._count(count)
        name = f"（{task.body_name}）" if task.body_name else ""
        self.echo(f"{label}  {task.url}{name}：{message}")

    def echo(self, line: str) -> None:
        with self.echo_lock:
            self._echo(line)
