"""The site keeps answering while an ingest writes the database it serves: the old data until a
commit, the new data after, never an error."""

import json
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from test_ingest import copies
from test_site import start_server

from conftest import REPORTS

PAGES = [
    "/",
    "/gkreport",
    "/gkreport/reports?_sort_desc=year",
    "/gkreport/reports.json?_shape=array&_size=5&_sort=id",
    "/gkreport/sections?_search=" + urllib.parse.quote("培训"),
    "/gkreport/requests_by_agency",
    "/gkreport/report_figures.json?_shape=array&_size=3",
    "/-/overview",
    "/-/ask.json?q=" + urllib.parse.quote("2021年收到申请最多的机关"),
]
COUNT = "/gkreport.json?_shape=array&sql=" + urllib.parse.quote("select count(*) as n from reports")


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_site_answers_during_an_ingest_into_its_database(tmp_path):
    db = tmp_path / "live.db"
    subprocess.run([sys.executable, "-m", "gkreport.cli", "ingest", str(REPORTS), "--db", str(db), "-q"],
                   check=True, capture_output=True)
    proc, url = start_server(tmp_path, str(db))
    src = copies(tmp_path, 400)
    failures, counts, done = [], [[] for _ in range(4)], threading.Event()

    def load(n: int) -> None:
        i = n
        while not done.is_set():
            for path in (PAGES[i % len(PAGES)], COUNT):
                status, body = get(url + path)
                if status != 200:
                    failures.append((path, status, body[:300]))
                elif path == COUNT:
                    counts[n].append(json.loads(body)[0]["n"])
            i += 1

    threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
    try:
        for t in threads:
            t.start()
        ingest = subprocess.run([sys.executable, "-m", "gkreport.cli", "ingest", str(src), "--db", str(db), "-q"],
                                capture_output=True, text=True, timeout=600)
        time.sleep(1)  # the site under load a little longer, after the ingest's last commit
        done.set()
        for t in threads:
            t.join(120)
        assert ingest.returncode == 0, ingest.stderr[-2000:]
        assert failures == []
        # every client saw the reports grow, never shrink nor jump back: a commit is seen whole or not at all
        for seen in counts:
            assert len(seen) > 3 and seen == sorted(seen)
        assert min(seen[0] for seen in counts) < 405 and all(seen[-1] == 405 for seen in counts)
        assert len({n for seen in counts for n in seen}) > 2  # some of the ingest's commits were seen between

        # the new data, everywhere: the tables, the summaries, the counts of the home page
        status, body = get(url + "/gkreport/report_figures.json?_shape=array&_size=1000&_col=report_id")
        assert status == 200 and len(json.loads(body)) == 405
        deadline = time.monotonic() + 30
        while b"<strong>405</strong>" not in get(url + "/")[1] and time.monotonic() < deadline:
            time.sleep(0.2)  # the counts are redone on a thread after a commit
        assert b"<strong>405</strong>" in get(url + "/")[1]
        rid = sqlite3.connect(db).execute("select id from reports where source_path like '%0399.txt'").fetchone()[0]
        status, body = get(url + f"/report/{rid}")
        assert status == 200 and "附注 399".encode() in body
    finally:
        done.set()
        proc.terminate()
        proc.wait(10)


async def test_the_database_is_downloaded_only_when_the_file_alone_holds_it(seed_db, tmp_path):
    import shutil

    from gkreport.site import build

    db = tmp_path / "dl.db"
    shutil.copy(seed_db, db)
    ds = build(db)  # puts the file in WAL mode
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        assert writer.execute("pragma journal_mode").fetchone()[0] == "wal"
        writer.execute("update reports set title = title || '（修订）' where rowid = 1")  # a commit, in the log
        r = await ds.client.get("/gkreport.db")
        assert r.status_code == 503 and "正在写入新数据" in r.text and r.headers["retry-after"] == "60"
        writer.execute("pragma wal_checkpoint(truncate)")  # what an ingest does at its end
        r = await ds.client.get("/gkreport.db")
        assert r.status_code == 200 and 'filename="gkreport.db"' in r.headers["content-disposition"]
        copy = tmp_path / "copy.db"
        copy.write_bytes(r.content)
        got = sqlite3.connect(copy)
        assert got.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert got.execute("select title from reports where rowid = 1").fetchone()[0].endswith("（修订）")
    finally:
        writer.close()
