"""`gkreport ingest --shard I/N` and `gkreport merge`: the shares of an input, merged, give the
database a single run over the whole input gives, row for row over every table (dbcompare)."""

from __future__ import annotations

import io
import re
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gkreport import crosscheck, shards
from gkreport.ingest import discover, ingest
from gkreport import merge as merge_module
from gkreport.merge import MergeError, merge
from gkreport.search import match_expression

from conftest import REPORTS
from dbcompare import differences
from renderings import render

SHANGHANG = REPORTS / "000_16db74812dfc7d92.txt"


def _other_share(name: str, folder: Path, avoid: int, n: int) -> Path:
    """A path in folder, named after name, whose share (of n) is not ``avoid``."""
    for k in range(100):
        path = folder / f"copy{n}_{k}_{name}"
        if shards.share_of(str(path), n) != avoid:
            return path
    raise AssertionError("no such name")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Reports in folders and subfolders: the samples, one agency over several years (cross-year
    checks), copies of one report under other paths in other shares (duplicates), the same report
    as a web page, an archive of two reports, and two files that are not reports."""
    root = tmp_path_factory.mktemp("corpus") / "in"
    (root / "sub" / "deeper").mkdir(parents=True)
    for f in REPORTS.iterdir():
        (root / f.name).write_bytes(f.read_bytes())
    text = SHANGHANG.read_text(encoding="utf-8")
    for year in (2017, 2018, 2019, 2023):
        changed = text.replace("2022", str(year + 1)).replace("2021", str(year)).replace("2020", str(year - 1))
        (root / "sub" / f"shanghang_{year}.txt").write_text(changed, encoding="utf-8")
    first = root / SHANGHANG.name
    for n in (2, 3):  # the copy is in another share than the first, whether there are 2 or 3 shares
        _other_share(SHANGHANG.name, root / "sub" / "deeper", shards.share_of(str(first), n), n).write_bytes(
            first.read_bytes())
    (root / "sub" / "page.html").write_bytes(render((REPORTS / "004_59f3838da1fae8cc.txt").read_text(encoding="utf-8"),
                                                    "html"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for year in (2016, 2015):
            changed = text.replace("2022", str(year + 1)).replace("2021", str(year)).replace("2020", str(year - 1))
            z.writestr(f"年报/{year}.txt", changed.encode("utf-8"))
    (root / "sub" / "archive.zip").write_bytes(buffer.getvalue())
    (root / "sub" / "empty.txt").write_bytes(b"")
    (root / "sub" / "notes.txt").write_text("会议通知：明天上午九点开会。", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def single(corpus, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("single") / "single.db"
    summary = ingest([corpus], path)
    # the two copies, and the web page of sample 004 (the same report in another format): duplicates
    assert summary.failed == 2 and summary.duplicates == 3
    return path


def _shares(corpus: Path, folder: Path, n: int) -> list[Path]:
    paths = []
    for i in range(1, n + 1):
        path = folder / f"share-{i}-of-{n}.db"
        ingest([corpus], path, shard=shards.Shard(i, n))
        paths.append(path)
    return paths


@pytest.mark.parametrize("n,workers", [(1, False), (2, False), (3, True), (40, False)])
def test_merged_shares_equal_a_single_run(corpus, single, tmp_path, monkeypatch, n, workers):
    parts = _shares(corpus, tmp_path, n)
    if workers:  # as for a large merge: the reports read in worker processes
        monkeypatch.setattr(merge_module, "WORKERS_FROM", 1)
        monkeypatch.setattr(merge_module, "BATCH", 4)
    summary = merge(tmp_path / "merged.db", parts)
    assert differences(single, tmp_path / "merged.db") == []
    assert summary.reports == _count(single, "select count(*) from reports")
    if n in (2, 3):
        # a copy landed in another share than the first copy, and was left out as a single run leaves it
        assert summary.duplicates
        copies = [(path, kept) for path, kept, _ in summary.duplicates if not path.endswith("page.html")]
        assert copies and all(kept.endswith(SHANGHANG.name) and "deeper" in path for path, kept in copies)


def test_the_comparison_sees_what_it_must(corpus, single, tmp_path):
    """The merged database is a real test of the merge: it holds cross-year checks, duplicates, an
    archive's members, derived tables; and dbcompare reports a change of one value or one row order."""
    parts = _shares(corpus, tmp_path, 3)
    merged = tmp_path / "merged.db"
    merge(merged, parts)
    cross_year = ", ".join(f"'{r}'" for r in crosscheck.RULES)
    assert _count(merged, f"select count(*) from checks where rule in ({cross_year})") > 0
    assert _count(merged, "select count(*) from reports where source_path like '%archive.zip!%'") == 2
    assert _count(merged, "select count(*) from report_figures") == _count(merged, "select count(*) from reports")
    for term in ("公开", "培训", "政"):
        assert _search(merged, term) == _search(single, term) != []
    changed = tmp_path / "changed.db"
    changed.write_bytes(merged.read_bytes())
    conn = sqlite3.connect(changed)
    conn.execute("update request_totals set total = total + 1 where rowid = 3")
    conn.commit()
    assert any(d.startswith("request_totals") for d in differences(single, changed))
    # the same rows in another order: another rowid for each
    conn.execute("create table t as select * from agencies order by id desc")
    conn.execute("delete from agencies")
    conn.execute("insert into agencies select * from t")
    conn.execute("drop table t")
    conn.commit()
    conn.close()
    assert [d for d in differences(single, changed) if d.startswith("agencies")]


def test_every_file_is_in_exactly_one_share(corpus, tmp_path):
    names = [i.shown for i in discover([corpus])]
    taken = [shards.select(names, shards.Shard(i, 4)) for i in range(1, 5)]
    assert sorted(i for share in taken for i in share) == list(range(len(names)))
    parts = _shares(corpus, tmp_path, 4)
    recorded = [shards.read(sqlite3.connect(p)) for p in parts]
    assert sorted(pos for r in recorded for pos in r.positions.values()) == list(range(len(names)))
    assert all(r.finished and r.inputs == len(names) for r in recorded)


def test_a_share_is_chosen_by_path_alone():
    """A file added to the input goes to its own share; the other files stay in theirs."""
    paths = [f"reports/{i:03d}.pdf" for i in range(200)]
    grown = sorted(paths + ["reports/050a.pdf"])
    for n in range(1, 9):
        share = shards.Shard(1 + n // 2, n)
        before = {paths[i] for i in shards.select(paths, share)}
        after = {grown[i] for i in shards.select(grown, share)}
        assert after - before <= {"reports/050a.pdf"} and before <= after
    sizes = [len(shards.select(paths, shards.Shard(i, 8))) for i in range(1, 9)]
    assert sum(sizes) == 200 and min(sizes) >= 10  # every share gets a fair part


@pytest.mark.parametrize("text,message", [("3", "I/N"), ("0/3", "1 到 N"), ("4/3", "1 到 N"), ("a/b", "I/N"),
                                          ("1/0", "至少为 1")])
def test_a_share_that_is_not_one(text, message):
    with pytest.raises(shards.ShardError, match=message):
        shards.parse(text)


def test_merge_refuses_what_is_not_one_input(corpus, tmp_path):
    parts = _shares(corpus, tmp_path, 3)
    cases = [
        (parts[:2], "缺少分片：第 3/3 份"),
        ([parts[0], parts[1], parts[1]], "给了两次"),
    ]
    copy = tmp_path / "copy.db"
    copy.write_bytes(parts[1].read_bytes())
    cases.append(([parts[0], parts[1], copy, parts[2]], "第 2/3 份分片给了两次"))
    other = tmp_path / "other-input"
    other.mkdir()
    (other / "a.txt").write_bytes(SHANGHANG.read_bytes())
    ingest([other], tmp_path / "other.db", shard=shards.Shard(2, 3))
    cases.append(([parts[0], tmp_path / "other.db", parts[2]], "不是同一次分片导入"))
    unfinished = tmp_path / "unfinished.db"
    unfinished.write_bytes(parts[2].read_bytes())
    with sqlite3.connect(unfinished) as conn:
        conn.execute("update shard set finished = null")
    cases.append(([parts[0], parts[1], unfinished], "没有运行完"))
    foreign = tmp_path / "foreign.db"
    foreign.write_bytes(parts[0].read_bytes())
    with sqlite3.connect(foreign) as conn:
        conn.execute("create table notes (text)")
        conn.execute("insert into notes values ('a note')")
    cases.append(([foreign, parts[1], parts[2]], "表 notes"))
    text = tmp_path / "text.db"
    text.write_text("not a database")
    cases.append(([text], "不是 SQLite 数据库"))
    cases.append(([tmp_path / "missing.db"], "不存在"))
    for inputs, message in cases:
        out = tmp_path / "out.db"
        with pytest.raises(MergeError, match=message):
            merge(out, inputs)
        assert not out.exists() and not list(tmp_path.glob("out.db*"))
    merge(tmp_path / "out.db", parts)
    with pytest.raises(MergeError, match="已存在"):
        merge(tmp_path / "out.db", parts)


def test_a_share_database_takes_only_its_share(corpus, tmp_path):
    path = tmp_path / "s.db"
    ingest([corpus], path, shard=shards.Shard(1, 2))
    with pytest.raises(shards.ShardError, match="第 1/2 份分片的数据库，不能再导入第 2/2 份"):
        ingest([corpus], path, shard=shards.Shard(2, 2))
    with pytest.raises(shards.ShardError, match="是分片数据库"):
        ingest([corpus], path)
    whole = tmp_path / "whole.db"
    ingest([REPORTS], whole)
    with pytest.raises(shards.ShardError, match="不分片导入"):
        ingest([corpus], whole, shard=shards.Shard(1, 2))
    # run again, the same share: nothing new, and still mergeable
    again = ingest([corpus], path, shard=shards.Shard(1, 2))
    assert again.stored == 0 and shards.read(sqlite3.connect(path)).finished


def test_databases_built_whole_are_merged_after_the_shares(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    names = sorted(REPORTS.iterdir())
    for f in names[:2]:
        (a / f.name).write_bytes(f.read_bytes())
    for f in names[2:]:
        (b / f.name).write_bytes(f.read_bytes())
    ingest([a], tmp_path / "a.db")
    ingest([b], tmp_path / "b.db")
    ingest([a, b], tmp_path / "both.db")
    merge(tmp_path / "merged.db", [tmp_path / "a.db", tmp_path / "b.db"])
    assert differences(tmp_path / "both.db", tmp_path / "merged.db") == []


def test_the_commands(corpus, single, tmp_path):
    gk = [sys.executable, "-m", "gkreport.cli"]
    for i in (1, 2):
        r = subprocess.run([*gk, "ingest", str(corpus), "--db", str(tmp_path / f"s{i}.db"), "--shard", f"{i}/2", "-q"],
                           capture_output=True, text=True)
        assert "已入库" in r.stdout, r.stderr
    r = subprocess.run([*gk, "merge", str(tmp_path / "m.db"), str(tmp_path / "s1.db"), str(tmp_path / "s2.db")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    # the copy of 上杭 in the other share, and the web page of 004 when it is not in the share of its text
    assert "已合并 2 个数据库" in r.stdout and re.search(r"重复 [12] 份", r.stdout)
    assert "重复  " in r.stderr and "只收录一次" in r.stderr
    assert differences(single, tmp_path / "m.db") == []
    r = subprocess.run([*gk, "merge", str(tmp_path / "m2.db"), str(tmp_path / "s1.db")], capture_output=True, text=True)
    assert r.returncode == 1 and r.stderr.startswith("失败  缺少分片：第 2/2 份")
    r = subprocess.run([*gk, "ingest", str(corpus), "--db", str(tmp_path / "x.db"), "--shard", "3/2"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "I 在 1 到 N 之间" in r.stderr
    r = subprocess.run([*gk, "ingest", str(corpus), "--db", str(tmp_path / "s1.db")], capture_output=True, text=True)
    assert r.returncode == 1 and "是分片数据库" in r.stderr


def _count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def _search(db: Path, term: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select rowid, rank from sections_fts where sections_fts match ? order by rank, rowid",
                            [match_expression(term)]).fetchall()
    finally:
        conn.close()
