"""`gkreport ingest` and `gkreport show` end to end, on real files and a real SQLite database."""

import json
import fcntl
import os
import pty
import re
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time

import pytest
from click.testing import CliRunner

from gkreport import ingest as ingest_module, store, summaries
from gkreport.cli import cli

from conftest import FIXTURES, REPORTS


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def query(db, sql, params=()):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def dump(db):
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def indexed_columns(db):
    """(table, columns) of every index the database has that SQLite did not make for a key."""
    return {(t, tuple(c for (c,) in query(db, "select name from pragma_index_info(?)", [name])))
            for name, t in query(db, "select name, tbl_name from sqlite_master where type = 'index' "
                                     "and name not like 'sqlite_autoindex%'")}


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "reports"
    shutil.copytree(REPORTS, target)
    return target


def test_ingest_builds_the_contract_tables(folder, tmp_path):
    db = tmp_path / "g.db"
    code, out = run("ingest", folder, "--db", db)
    assert code == 0, out
    assert "已入库 5 份（其中有警告 3 份，表格无法读取 0 份），失败 0 个，未变化 0 个。" in out
    assert query(db, "select count(*) from reports") == [(5,)]
    per_report = dict(query(db, "select r.table3_template, count(*) / count(distinct s.report_id) from request_stats s "
                                "join reports r on r.id = s.report_id group by 1"))
    assert per_report == {"2021": 26, "2019": 23}  # 2021: 25 rows + the derived other_handling
    assert query(db, "select count(*) from reports where agency_id is null") == [(0,)]
    assert query(db, "pragma foreign_key_check") == []
    # section bodies reach the writer as UTF-8 bytes: they are stored as text all the same
    assert query(db, "select typeof(body), count(*) from sections group by 1") == [("text", 35)]
    assert "政府信息公开" in query(db, "select body from sections where section_no = 1 limit 1")[0][0]
    # a first ingest builds the readers' indexes after its writes: they are all there at the end
    assert {(t, tuple(cols)) for t, cols in store.INDEXES} <= indexed_columns(db)
    assert query(db, "select status, count(*) from reports group by status") == [("ok", 2), ("warning", 3)]
    # checks carry a Chinese sentence and a stable rule
    rules = {r for (r,) in query(db, "select distinct rule from checks")}
    assert {"t4_cell_count", "t2_blank_cells", "t3_missing_cells"} <= rules
    assert query(db, "select count(*) from checks where message not glob '*[一-龥]*'") == [(0,)]


def test_rerun_changes_nothing_and_says_so(folder, tmp_path):
    db = tmp_path / "g.db"
    run("ingest", folder, "--db", db)
    before = dump(db)
    code, out = run("ingest", folder, "--db", db)
    assert code == 0
    assert "未变化 5 个" in out and "没有变化" in out
    assert dump(db) == before


def test_changed_file_replaces_its_old_version(folder, tmp_path):
    db = tmp_path / "g.db"
    run("ingest", folder, "--db", db)
    path = folder / "004_59f3838da1fae8cc.txt"
    (old_id,) = query(db, "select id from reports where source_path = ?", [str(path)])[0]
    path.write_text(path.read_text(encoding="utf-8").replace("\t行政规范性文件\n\t1\n\t1\n\t35",
                                                            "\t行政规范性文件\n\t2\n\t1\n\t36"), encoding="utf-8")
    code, out = run("ingest", folder, "--db", db)
    assert "已入库 1 份" in out and "未变化 4 个" in out
    rows = query(db, "select id from reports where source_path = ?", [str(path)])
    assert len(rows) == 1 and rows[0][0] != old_id
    assert query(db, "select count(*) from request_stats where report_id = ?", [old_id]) == [(0,)]
    assert query(db, "select value from active_disclosure where report_id = ? and item = 'normative_documents' "
                     "and measure = 'in_force'", [rows[0][0]]) == [(36.0,)]
    assert query(db, "select count(*) from reports") == [(5,)]


def test_force_reparses(folder, tmp_path):
    db = tmp_path / "g.db"
    run("ingest", folder, "--db", db)
    code, out = run("ingest", folder, "--db", db, "--force")
    assert "已入库 5 份" in out and "未变化 0 个" in out
    assert query(db, "select count(*) from reports") == [(5,)]
    assert query(db, "select count(*) from sections") == query(db, "select count(*) from sections")


def test_bad_files_get_one_line_each_and_the_batch_goes_on(folder, tmp_path):
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (folder / "notes.md").write_text("# 会议纪要\n\n今天讨论了食堂的菜单。\n", encoding="utf-8")
    shutil.copy(FIXTURES / "truncated_section3.txt", folder / "truncated.txt")
    db = tmp_path / "g.db"
    code, out = run("ingest", folder, "--db", db)
    assert code == 1
    lines = out.splitlines()
    assert any("失败" in x and "empty.txt" in x and "文件为空" in x for x in lines)
    assert any("失败" in x and "image.txt" in x and "二进制" in x for x in lines)
    assert any("失败" in x and "notes.md" in x and "不是政府信息公开工作年度报告" in x for x in lines)
    assert any("警告" in x and "truncated.txt" in x and "不完整" in x for x in lines)
    assert "已入库 6 份（其中有警告 4 份，表格无法读取 0 份），失败 3 个，未变化 0 个。" in out
    assert query(db, "select count(*) from reports") == [(6,)]


def test_report_without_readable_tables_is_stored_as_error(tmp_path):
    text = (REPORTS / "000_16db74812dfc7d92.txt").read_text(encoding="utf-8")
    start, end = text.index("第二十条第（一）项"), text.index("五、存在的主要问题")
    damaged = text[:start] + "（表格无法显示）\n\n" + text[end:]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.txt").write_text(damaged, encoding="utf-8")
    db = tmp_path / "g.db"
    code, out = run("ingest", tmp_path / "in", "--db", db)
    assert code == 0 and "表格无法读取 1 份" in out
    assert query(db, "select status from reports") == [("error",)]
    bodies = [b for (b,) in query(db, "select body from sections where section_no = 1")]
    assert "全面落实上级政务公开工作任务" in bodies[0]


def test_gbk_and_utf16_files_in_one_folder(tmp_path):
    (tmp_path / "in").mkdir()
    text = (REPORTS / "004_59f3838da1fae8cc.txt").read_text(encoding="utf-8")
    (tmp_path / "in" / "gbk.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "in" / "u16.txt").write_bytes(text.encode("utf-16"))
    db = tmp_path / "g.db"
    code, out = run("ingest", tmp_path / "in", "--db", db)
    assert code == 0
    # the same document twice: stored once, the second copy said to be a duplicate
    assert query(db, "select agency_name, encoding from reports") in ([("上犹县人民政府办公室", "gb18030")],
                                                                       [("上犹县人民政府办公室", "utf-16 (BOM)")])
    assert "未变化 1 个" in out


def test_no_progress_bar_when_not_a_terminal(folder, tmp_path):
    code, out = run("ingest", folder, "--db", tmp_path / "g.db")
    assert "\r" not in out and "it/s" not in out and "份/s" not in out


def copies(tmp_path, n):
    """A folder of n distinct reports: the samples in turn, each with a note of its own."""
    src = tmp_path / "many"
    src.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(REPORTS.glob("*.txt"))]
    for i in range(n):
        (src / f"{i:04d}.txt").write_text(texts[i % 5] + f"\n附注 {i}\n", encoding="utf-8")
    return src


def test_progress_bar_on_a_terminal(tmp_path):
    src = copies(tmp_path, 30)
    leader, follower = pty.openpty()  # stderr is a terminal, stdout a pipe, as in `gkreport ingest … | tee log`
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a terminal 100 columns wide
    proc = subprocess.run([sys.executable, "-m", "gkreport.cli", "ingest", str(src), "--db", str(tmp_path / "g.db"),
                           "-q"], stdout=subprocess.PIPE, stderr=follower, timeout=120)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is closed once everything written to it is read
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert proc.returncode == 0
    assert re.search(r"入库: +\d+%\|.*\| \d+/30 \[", shown.decode()), shown[-300:]
    assert "已入库 30 份" in proc.stdout.decode()


def test_killed_run_leaves_every_stored_report_whole(tmp_path):
    src = copies(tmp_path, 600)
    db = tmp_path / "g.db"
    proc = subprocess.Popen([sys.executable, "-m", "gkreport.cli", "ingest", str(src), "--db", str(db), "-j", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        time.sleep(0.2)
        try:
            if query(db, "select count(*) from reports")[0][0] >= 50:
                break
        except sqlite3.OperationalError:
            pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = query(db, "select id, table3_template, template from reports")
    assert 0 < len(stored) < 600
    for rid, t3, template in stored:
        n_rows = query(db, "select count(*) from request_stats where report_id = ?", [rid])[0][0]
        assert n_rows == {"2021": 26, "2019": 23}[t3], rid
        assert query(db, "select count(*) from sections where report_id = ?", [rid])[0][0] == 7
        assert query(db, "select count(*) from appeal_stats where report_id = ?", [rid])[0][0] == 3
    assert query(db, "pragma integrity_check") == [("ok",)]
    assert ("reports", ("year",)) not in indexed_columns(db)  # the killed first run was to build it at its end
    # and the next run finishes the job
    code, out = run("ingest", src, "--db", db)
    assert code == 0, [x for x in out.splitlines() if "失败" in x][:3]
    assert query(db, "select count(*) from reports") == [(600,)]
    assert {(t, tuple(cols)) for t, cols in store.INDEXES} <= indexed_columns(db)


def test_show_prints_the_tables_and_the_checks():
    code, out = run("show", REPORTS / "002_dc17ca86c1b8bf45.txt")
    assert code == 0
    assert "殷都区人民政府办公室" in out and "2021" in out
    assert "表三  收到和处理政府信息公开申请情况" in out
    line = next(x for x in out.splitlines() if x.startswith("（二）部分公开"))
    assert line.split()[1:] == ["5", "0", "0", "0", "0", "0", "5"]
    # 3, 3 and a blank cell: the row is read, and every cell of it the check concerns is marked
    assert re.search(r"^行政规范性文件\s+3\*\s+3\*\s+—\*$", out, re.M)
    assert "[警告] t2_blank_cells" in out


def test_show_json_is_the_parsed_report():
    code, out = run("show", REPORTS / "001_08fe1e56ee831c9d.txt", "--json")
    data = json.loads(out)
    assert data["meta"]["agency_name"] == "将乐县人民政府"
    assert data["tables"]["requests"]["unable_not_held"]["total"] == 2
    assert data["checks"][0]["rule"] == "t4_cell_count"


def test_show_a_file_that_is_not_a_report(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"")
    code, out = run("show", path)
    assert code == 1 and "文件为空" in out


def test_search_index_stays_whole_when_a_report_is_replaced_in_the_same_run(folder, tmp_path):
    db = tmp_path / "g.db"
    # the same folder twice: each report is written, then replaced by itself before the batch commits
    code, out = run("ingest", folder, folder, "--db", db)
    assert code == 0
    conn = sqlite3.connect(db)
    try:
        conn.execute("insert into sections_fts(sections_fts, rank) values ('integrity-check', 1)")
        hits = conn.execute("select count(*) from sections_fts where sections_fts match '\"培训\"'").fetchone()
    finally:
        conn.close()
    assert query(db, "select count(*) from reports") == [(5,)]
    assert hits[0] > 0


def test_ingest_leaves_the_garbage_collector_as_it_found_it(folder, tmp_path):
    import gc

    from gkreport.ingest import ingest

    assert gc.get_freeze_count() == 0
    ingest([folder], tmp_path / "g.db")
    assert gc.get_freeze_count() == 0  # what it froze for the run is collectable again


def test_outcomes_can_be_streamed_instead_of_kept(folder, tmp_path):
    from gkreport.ingest import ingest

    seen = []
    summary = ingest([folder], tmp_path / "g.db", on_outcome=seen.append, keep_outcomes=False)
    assert summary.outcomes == [] and summary.stored == len(seen) == 5
    assert {o.status for o in seen} == {"stored"}


def test_batches_cover_every_file_once_and_shrink_towards_the_end():
    for n in (0, 1, 31, 256, 600, 2000):
        bounds = list(ingest_module.batch_bounds(n))
        assert [a for a, _ in bounds] == [0, *(b for _, b in bounds)][:len(bounds)]  # each starts where the last stopped
        assert (bounds[-1][1] if bounds else 0) == n
        sizes = [b - a for a, b in bounds]
        assert max(sizes, default=0) <= ingest_module.BATCH
        if n >= 2 * ingest_module.BATCH:
            # the writer's last batch, written after the workers are done, is small
            assert sizes[-1] <= ingest_module.TAIL and sizes == sorted(sizes, reverse=True)


def test_each_batch_of_the_tail_is_committed_before_the_next_is_written(tmp_path, monkeypatch):
    # small batches, so that 40 files make full batches and a tail: 8, 8, 8, then 8 halving to 2
    monkeypatch.setattr(ingest_module, "BATCH", 8)
    monkeypatch.setattr(ingest_module, "TAIL", 2)
    src, db = copies(tmp_path, 40), tmp_path / "g.db"
    bounds = list(ingest_module.batch_bounds(40))
    tail_ends = [b for a, b in bounds if b - a < ingest_module.BATCH][:-1]
    assert len(tail_ends) >= 2
    visible = []  # reports another connection sees as each report is written

    def seen(_outcome):
        reader = sqlite3.connect(db, timeout=0)
        try:
            visible.append(reader.execute("select count(*) from reports").fetchone()[0])
        finally:
            reader.close()

    ingest_module.ingest([src], db, jobs=2, on_outcome=seen)
    assert len(visible) == 40
    for end in tail_ends:
        assert visible[end] == end, (end, visible)  # the tail batch before this report is committed
    assert visible[tail_ends[0] - 1] < tail_ends[0] - 1  # the full batches wait for COMMIT_EVERY


def test_a_report_the_database_refuses_fails_alone_and_leaves_no_rows(tmp_path):
    src, db_path = copies(tmp_path, 40), tmp_path / "g.db"  # the first group of 32 holds the refused one
    db = store.connect(db_path)
    store.ensure_db_shape(db)
    # a trigger refuses one file's report, as a full disk or a broken constraint would refuse it
    db.execute("create trigger refuse before insert on sections when (select source_path from reports "
               "where id = new.report_id) like '%0005.txt' begin select raise(abort, '拒绝写入'); end")
    db.conn.commit()
    db.conn.close()
    summary = ingest_module.ingest([src], db_path, jobs=2)
    failed = [o for o in summary.outcomes if o.status == "failed"]
    assert [o.path.rsplit("/", 1)[-1] for o in failed] == ["0005.txt"]
    assert "写入数据库失败" in failed[0].message and "拒绝写入" in failed[0].message
    assert summary.stored == 39
    assert query(db_path, "select count(*) from reports") == [(39,)]
    for table in store.CHILD_TABLES:  # nothing of the refused report was kept
        assert query(db_path, f"select count(*) from [{table}] where report_id not in (select id from reports)") == [(0,)]
    hits = query(db_path, "select count(*) from sections_fts where sections_fts match '政务'")[0][0]
    assert hits and query(db_path, "select count(*) from sections_fts")[0][0] == query(db_path, "select count(*) from sections")[0][0]


def test_workers_on_a_new_database_store_what_one_process_stores(tmp_path):
    src = copies(tmp_path, 80)  # enough files for the worker processes
    one, many = tmp_path / "one.db", tmp_path / "many.db"
    assert run("ingest", src, "--db", one, "-j", "1")[0] == 0
    assert run("ingest", src, "--db", many, "-j", "2")[0] == 0
    for sql in ("select id, source_path, status, warning_count from reports order by id",
                "select * from request_stats order by report_id, row_key",
                "select report_id, rule, message from checks order by report_id, rule, message",
                "select count(*) from sections_fts where sections_fts match '\"政务\"'"):
        assert query(one, sql) == query(many, sql)
    assert query(many, "select count(*) from reports") == [(80,)]
    code, out = run("ingest", src, "--db", many, "-j", "2")  # and a re-run finds every file stored
    assert code == 0 and "未变化 80 个" in out


def test_a_database_path_that_is_not_a_database_says_so_and_is_left_alone(folder, tmp_path):
    db = tmp_path / "notes.db"
    db.write_text("这不是数据库\n", encoding="utf-8")
    code, out = run("ingest", folder, "--db", db)
    assert code == 1
    assert f"失败  {db}：无法用作数据库" in out and "Traceback" not in out
    assert db.read_text(encoding="utf-8") == "这不是数据库\n"


def test_request_totals_added_up_alongside_match_those_added_up_in_the_transaction(tmp_path):
    src = copies(tmp_path, 80)
    db_path = tmp_path / "g.db"
    assert run("ingest", src, "--db", db_path)[0] == 0  # its request_totals were added up on a thread
    order = "select * from request_totals order by year, province, level, row_key"
    alongside = query(db_path, order)
    assert len(alongside) >= 5 * 24 and sum(r[4] for r in alongside) == query(db_path, "select count(*) from request_stats")[0][0]
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("delete from derived_tables where name = 'summaries'")
        summaries.rebuild(conn)  # no RequestTotals: the same query inside the transaction
        conn.commit()
    finally:
        conn.close()
    assert query(db_path, order) == alongside
    rows = summaries.RequestTotals(str(db_path)).result()  # on its own, it gives those rows too
    assert rows is not None and sorted(rows, key=lambda r: tuple("" if v is None else str(v) for v in r[:4])) == \
        sorted(alongside, key=lambda r: tuple("" if v is None else str(v) for v in r[:4]))
    # and the summaries were recorded as up to date, so a re-run does not add them up again
    code, out = run("ingest", src, "--db", db_path)
    assert code == 0 and "未变化 80 个" in out
    assert query(db_path, order) == alongside


def test_report_figures_add_up_the_rows_of_each_category(folder, tmp_path):
    db = tmp_path / "g.db"
    assert run("ingest", folder, "--db", db)[0] == 0
    for column, category in (("denied", "denied"), ("unable", "unable"), ("rejected", "rejected")):
        expected = dict(query(db, "select s.report_id, sum(s.total) from request_stats s "
                                  "join request_rows q on q.key = s.row_key where q.category = ? "
                                  "group by s.report_id", [category]))
        got = dict(query(db, f"select report_id, {column} from report_figures"))
        assert got == {rid: expected.get(rid) for rid in got} and len(got) == 5
    assert query(db, "select count(*) from report_figures f join request_stats s on s.report_id = f.report_id "
                     "and s.row_key = 'new_received' where f.new_received is not s.total") == [(0,)]
    assert query(db, "select count(*) from report_figures where new_received is not null") == [(5,)]
