"""What `gkreport ingest` says when the database can't take the reports, or there is nothing to read:
a locked, full or read-only database, a folder that is missing, an input folder without reports.
Real databases, real locks, real read-only and full file systems (tmpfs mounts, where allowed)."""

import os
import shutil
import sqlite3
import subprocess

import pytest
from click.testing import CliRunner

from gkreport import store
from gkreport.cli import cli

from conftest import REPORTS


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "reports"
    shutil.copytree(REPORTS, target)
    return target


def mount_tmpfs(path, size="4m"):
    path.mkdir(exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not allowed here: {done.stderr.strip()}")


def unmount(path):
    subprocess.run(["umount", "-l", str(path)], check=False)


def test_an_empty_input_folder_says_nothing_was_found_and_makes_no_database(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "budget.csv").write_bytes(b"a,b\n1,2\n")  # not a report file
    db = tmp_path / "g.db"
    code, out = run("ingest", tmp_path / "empty", "--db", db)
    assert code == 1
    assert f"没有找到报告文件：{tmp_path / 'empty'} 中没有可以导入的文件" in out and ".pdf" in out
    assert not db.exists()


def test_a_locked_database_says_so(folder, tmp_path, monkeypatch):
    monkeypatch.setattr(store, "BUSY_TIMEOUT", 0.5)  # (30 s in use: another ingest's commit takes a moment)
    db = tmp_path / "g.db"
    assert run("ingest", folder, "--db", db)[0] == 0
    (folder / "004_59f3838da1fae8cc.txt").write_text("变了", encoding="utf-8")
    holder = sqlite3.connect(db)
    holder.execute("begin exclusive")  # another program writing the database
    try:
        code, out = run("ingest", folder, "--db", db, "--force")
    finally:
        holder.rollback()
        holder.close()
    assert code == 1
    assert f"失败  {db}：数据库正被另一个程序写入（等待 0.5 秒后仍被占用），可能另一个 gkreport ingest 正在运行" in out
    assert "不是 SQLite 数据库" not in out and "Traceback" not in out


def test_a_database_folder_that_does_not_exist_says_so(folder, tmp_path):
    db = tmp_path / "missing" / "g.db"
    code, out = run("ingest", folder, "--db", db)
    assert code == 1
    assert f"失败  {db}：无法打开或创建数据库文件：它所在的文件夹不存在或不可写" in out


@pytest.fixture
def read_only(tmp_path, folder):
    """A database with the samples in it, on a file system then made read-only (or, not as root, a
    database and folder without write permission)."""
    where = tmp_path / "ro"
    if os.geteuid() != 0:
        where.mkdir()
        db = where / "g.db"
        assert run("ingest", folder, "--db", db)[0] == 0
        db.chmod(0o444)
        where.chmod(0o555)
        yield db
        where.chmod(0o755)
        return
    mount_tmpfs(where)
    try:
        db = where / "g.db"
        assert run("ingest", folder, "--db", db)[0] == 0
        done = subprocess.run(["mount", "-o", "remount,ro", str(where)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"remounting read-only is not allowed here: {done.stderr.strip()}")
        yield db
    finally:
        unmount(where)


def test_a_read_only_database_says_so(read_only, folder):
    (folder / "new.txt").write_text((folder / "000_16db74812dfc7d92.txt").read_text(encoding="utf-8") + "\n附注。\n",
                                    encoding="utf-8")
    code, out = run("ingest", folder, "--db", read_only)
    assert code == 1
    assert f"失败  {read_only}：数据库是只读的（文件或它所在的文件夹不可写），无法写入" in out, out
    assert "Traceback" not in out
    # and a new database in that folder can't be made
    code, out = run("ingest", folder, "--db", read_only.with_name("new.db"))
    assert code == 1 and "无法打开或创建数据库文件" in out, out


def test_a_full_disk_says_so(tmp_path, folder):
    where = tmp_path / "full"
    mount_tmpfs(where, "1m")
    try:
        with open(where / "filler", "wb") as f:  # the disk full before the ingest begins
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        db = where / "g.db"
        code, out = run("ingest", folder, "--db", db)
    finally:
        unmount(where)
    assert code == 1
    assert f"失败  {db}：磁盘已满，数据库无法再写入" in out, out
    assert "Traceback" not in out
