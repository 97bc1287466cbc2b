"""What the collector knows between runs, in the database beside the reports.

- ``collect_urls``: every URL met, one row each: what it is (list page, article page, document),
  where it was found, its validators (ETag, Last-Modified) for the next run's conditional
  request, the file it was saved to, what it became (the report it was stored as, or the
  problem), and when it was first seen, last checked and last changed.
- ``collect_links``: the links each page was followed to, so that a page answering 304 Not
  Modified is walked again without being downloaded.
- ``collect_runs``: one row per run, with its counts.

Every change is committed at once: a run that is killed keeps what it had downloaded.
"""

from __future__ import annotations

import datetime
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

SCHEMA = """
create table if not exists collect_urls (
    url text primary key,
    host text,
    role text,            -- list, article, document, or start (not yet known)
    title text,           -- the link's title where it was found
    body_name text,       -- the body named beside the URL in --from FILE
    found_on text,        -- the page it was found on (null for a URL given)
    listed_date text,     -- the date the list gave the item
    outcome text,         -- what it became: list, article, downloaded, stored, duplicate, not_report,
                          -- no_report, redirected, failed, forbidden
    final_url text,       -- after redirects
    http_status integer,
    etag text,
    last_modified text,
    content_type text,
    size integer,
    sha256 text,
    file text,            -- where it was saved (in --out)
    report_id text,       -- the report it was stored as
    problem text,         -- why it failed, in Chinese
    first_seen text,
    last_checked text,
    last_changed text
);
create index if not exists idx_collect_urls_outcome on collect_urls(outcome);
create table if not exists collect_links (
    page text,
    url text,
    role text,
    title text,
    listed_date text,
    primary key (page, url)
);
create table if not exists collect_runs (
    id integer primary key,
    started text,
    finished text,
    urls_given integer,
    requests integer,
    not_modified integer,
    downloaded integer,
    stored integer,
    failed integer,
    forbidden integer
);
"""

REPLAYABLE = ("list", "article", "stored", "duplicate", "not_report", "no_report")


def now() -> str:
    return datetime.datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass
class Link:
    url: str
    role: str  # list, article, document
    title: str = ""
    listed_date: Optional[str] = None


class State:
    """The collect_* tables, written from the collector's threads through one connection."""

    def __init__(self, db_path: str | Path):
        self.conn = sqlite3.connect(str(db_path), timeout=60, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.lock = threading.Lock()
        with self.lock:
            self.conn.executescript(SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def _exec(self, sql: str, params: Iterable = ()) -> None:
        with self.lock:
            self.conn.execute(sql, tuple(params))

    def get(self, url: str) -> Optional[sqlite3.Row]:
        with self.lock:
            return self.conn.execute("select * from collect_urls where url = ?", (url,)).fetchone()

    def seen(self, url: str, *, role: str, title: str = "", found_on: Optional[str] = None,
             listed_date: Optional[str] = None, body_name: Optional[str] = None) -> None:
        """A URL met in this run: added, or its listing brought up to date."""
        self._exec(
            "insert into collect_urls (url, host, role, title, body_name, found_on, listed_date, first_seen) "
            "values (?, ?, ?, ?, ?, ?, ?, ?) on conflict(url) do update set "
            "role = case when excluded.role = 'start' then collect_urls.role else excluded.role end, "
            "title = coalesce(nullif(excluded.title, ''), collect_urls.title), "
            "body_name = coalesce(excluded.body_name, collect_urls.body_name), "
            "found_on = coalesce(excluded.found_on, collect_urls.found_on), "
            "listed_date = coalesce(excluded.listed_date, collect_urls.listed_date)",
            (url, _host(url), role, title, body_name, found_on, listed_date, now()))

    def validators(self, url: str) -> Optional[dict]:
        """The ETag and Last-Modified to send, when what the URL became can be had without its body."""
        row = self.get(url)
        if row is None or not (row["etag"] or row["last_modified"]):
            return None
        replayable = row["outcome"] in REPLAYABLE or (
            row["outcome"] == "downloaded" and row["file"] and os.path.exists(row["file"]))
        return {"etag": row["etag"], "last_modified": row["last_modified"]} if replayable else None

    def fetched(self, url: str, *, final_url: str, http_status: int, headers, size: int, sha256: str) -> None:
        """An answer with a body: its validators are kept only once its outcome is (``became``)."""
        self._exec(
            "update collect_urls set final_url = ?, http_status = ?, content_type = ?, size = ?, "
            "last_changed = case when sha256 is ? then last_changed else ? end, sha256 = ?, "
            "etag = null, last_modified = null, last_checked = ?, problem = null where url = ?",
            (final_url, http_status, headers.get("content-type"), size, sha256, now(), sha256, now(), url))

    def became(self, url: str, outcome: str, *, headers=None, file: Optional[str] = None,
               report_id: Optional[str] = None, problem: Optional[str] = None) -> None:
        sets = ["outcome = ?", "problem = ?", "last_checked = ?"]
        params: list = [outcome, problem, now()]
        if headers is not None:
            sets += ["etag = ?", "last_modified = ?"]
            params += [headers.get("etag"), headers.get("last-modified")]
        if file is not None:
            sets.append("file = ?")
            params.append(file)
        if report_id is not None:
            sets.append("report_id = ?")
            params.append(report_id)
        self._exec(f"update collect_urls set {', '.join(sets)} where url = ?", [*params, url])

    def checked(self, url: str, http_status: int) -> None:
        """304 Not Modified: nothing changed but the time it was last asked."""
        self._exec("update collect_urls set http_status = ?, last_checked = ?, problem = null where url = ?",
                   (http_status, now(), url))

    def redirected(self, url: str, final_url: str) -> None:
        self._exec("update collect_urls set final_url = ? where url = ?", (final_url, url))

    def failed(self, url: str, problem: str, http_status: Optional[int] = None) -> None:
        self._exec("update collect_urls set outcome = 'failed', problem = ?, http_status = ?, last_checked = ? "
                   "where url = ?", (problem, http_status, now(), url))

    def set_links(self, page: str, links: list[Link]) -> None:
        with self.lock:
            self.conn.execute("begin")
            self.conn.execute("delete from collect_links where page = ?", (page,))
            self.conn.executemany(
                "insert or replace into collect_links (page, url, role, title, listed_date) values (?, ?, ?, ?, ?)",
                [(page, k.url, k.role, k.title, k.listed_date) for k in links])
            self.conn.execute("commit")

    def links(self, page: str) -> list[Link]:
        with self.lock:
            rows = self.conn.execute("select url, role, title, listed_date from collect_links where page = ?",
                                     (page,)).fetchall()
        return [Link(r["url"], r["role"], r["title"] or "", r["listed_date"]) for r in rows]

    def start_run(self, urls_given: int) -> int:
        with self.lock:
            cur = self.conn.execute("insert into collect_runs (started, urls_given) values (?, ?)", (now(), urls_given))
            return cur.lastrowid

    def end_run(self, run_id: int, counts: dict) -> None:
        cols = ("requests", "not_modified", "downloaded", "stored", "failed", "forbidden")
        self._exec(f"update collect_runs set finished = ?, {', '.join(f'{c} = ?' for c in cols)} where id = ?",
                   (now(), *(counts.get(c, 0) for c in cols), run_id))


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc.lower()
