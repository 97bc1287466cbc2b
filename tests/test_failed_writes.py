"""After a failed write the search index agrees with the sections, and every input is accounted for.

A real database on a real small file system that fills up mid-ingest (a tmpfs of 3 MB, mounted
for the test: skipped where mounting is not allowed), and a real SQLite trigger that rolls a
whole transaction back."""

import os
import re
import sqlite3
import subprocess

import pytest

from gkreport import ingest as ingest_module, search, store
from gkreport.ingest import ingest

from conftest import REPORTS


def tagged_copies(folder, n):
    """n distinct reports, each with a word of its own at its end: 编号00042 is in report 42 only."""
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(REPORTS.glob("*.txt"))]
    for i in range(n):
        (folder / f"{i:04d}.txt").write_text(texts[i % 5] + f"\n附注：编号{i:05d}。\n", encoding="utf-8")


def assert_search_agrees_with_sections(db, n):
    """Every hit of every report's own word is a section that holds the word; and every stored report's
    word finds it."""
    conn = sqlite3.connect(db)
    try:
        sections = {rowid: (report_id, "".join(f"{h}{b}".split())) for rowid, report_id, h, b in
                    conn.execute("select rowid, report_id, heading, body from sections")}
        stored = {path.rsplit("/", 1)[-1][:4] for (path,) in conn.execute("select source_path from reports")}
        for i in range(n):
            word = f"编号{i:05d}"
            hits = [r for (r,) in conn.execute("select rowid from sections_fts where sections_fts match ?",
                                               [search.match_expression(word)])]
            for rowid in hits:
                assert rowid in sections, (word, rowid)  # no hit without its section
                assert word in sections[rowid][1], (word, rowid, sections[rowid][0])  # no false hit
            assert bool(hits) == (f"{i:04d}" in stored), word  # a stored report is found by its word
        assert conn.execute("select count(*) from sections_fts").fetchone()[0] == len(sections)
        assert conn.execute("pragma integrity_check").fetchall() == [("ok",)]
        conn.execute("insert into sections_fts(sections_fts, rank) values ('integrity-check', 1)")
        for table in store.CHILD_TABLES:  # nothing of a report that was not kept
            assert conn.execute(f"select count(*) from [{table}] where report_id not in (select id from reports)"
                                ).fetchone() == (0,)
    finally:
        conn.close()


@pytest.fixture
def small_disk(tmp_path):
    """A file system of 3 MB."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a 3 MB tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not allowed here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_disk_that_fills_mid_ingest_leaves_search_and_sections_in_agreement(tmp_path, small_disk, monkeypatch):
    # batches of 16 committed as they are written, so that a few commits succeed before the disk is full
    monkeypatch.setattr(ingest_module, "BATCH", 16)
    monkeypatch.setattr(ingest_module, "COMMIT_EVERY", 0.0)
    n = 300  # about 10 MB of database: three times the disk
    tagged_copies(tmp_path / "in", n)
    db = small_disk / "g.db"
    summary = ingest([tmp_path / "in"], db, jobs=2)
    assert summary.stopped and "磁盘已满" in summary.stopped, summary.stopped
    assert 0 < summary.stored < n
    assert summary.total == n  # every input accounted for, once
    failed = [o for o in summary.outcomes if o.status == "failed"]
    assert len(failed) == n - summary.stored and all("未入库" in o.message or "未处理" in o.message for o in failed)
    stored = {o.path for o in summary.outcomes if o.status == "stored"}
    conn = sqlite3.connect(db)
    try:
        assert {p for (p,) in conn.execute("select source_path from reports")} == stored  # said stored = kept
    finally:
        conn.close()
    assert_search_agrees_with_sections(db, n)


def test_the_command_says_the_disk_is_full_and_names_every_file_not_stored(tmp_path, small_disk, monkeypatch):
    from click.testing import CliRunner

    from gkreport.cli import cli

    monkeypatch.setattr(ingest_module, "BATCH", 16)
    monkeypatch.setattr(ingest_module, "COMMIT_EVERY", 0.0)
    n = 300
    tagged_copies(tmp_path / "in", n)
    db = small_disk / "g.db"
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "in"), "--db", str(db)])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    out = result.output
    assert f"停止写入  {db}：磁盘已满" in out and "Traceback" not in out
    not_stored = [line for line in out.splitlines() if line.startswith("失败  ")]
    stored = int(out.split("已入库 ")[1].split(" 份")[0])
    assert 0 < stored < n and len(not_stored) == n - stored
    assert all("磁盘已满" in line for line in not_stored)
    counts = re.search(r"已入库 (\d+) 份（[^）]*），失败 (\d+) 个，未变化 (\d+) 个，重复 (\d+) 个，跳过 (\d+) 个。", out)
    assert counts and sum(map(int, counts.groups())) == n


def test_a_transaction_rolled_back_by_sqlite_takes_its_search_rows_with_it(tmp_path):
    """RAISE(ROLLBACK) ends the whole transaction, as SQLite does itself after some I/O errors: the
    reports written since the last commit are lost, and the search rows waiting with them too."""
    n = 200  # batches of 100, 50, 25…: the one of 0140 holds a group of 32 before it, written and not committed
    tagged_copies(tmp_path / "in", n)
    db = tmp_path / "g.db"
    conn = store.connect(db)
    store.ensure_db_shape(conn)
    conn.execute("create trigger lose before insert on sections when (select source_path from reports "
                 "where id = new.report_id) like '%0140.txt' begin select raise(rollback, '整个事务回滚'); end")
    conn.conn.commit()
    conn.conn.close()
    summary = ingest([tmp_path / "in"], db, jobs=2)
    assert summary.total == n and summary.stopped is None  # not the database's fault: the run goes on
    by_path = {o.path.rsplit("/", 1)[-1]: o for o in summary.outcomes}
    assert by_path["0140.txt"].status == "failed" and "整个事务回滚" in by_path["0140.txt"].message
    lost = sorted(name for name, o in by_path.items() if o.status == "failed")
    # the group written before it in the same transaction went with it, and says so
    assert "0100.txt" in lost and all("整个事务回滚" in by_path[name].message for name in lost)
    assert by_path["0199.txt"].status == "stored"  # written after, in a new transaction
    conn = sqlite3.connect(db)
    try:
        kept = {p.rsplit("/", 1)[-1] for (p,) in conn.execute("select source_path from reports")}
    finally:
        conn.close()
    assert kept == {name for name, o in by_path.items() if o.status == "stored"} and len(kept) == n - len(lost)
    assert_search_agrees_with_sections(db, n)
