"""`gkreport serve` given something it cannot serve: one clear Chinese line, a non-zero exit, no traceback."""

import socket
import subprocess
import sys

import pytest

from test_site import start_server


def serve(tmp_path, *args) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-m", "gkreport.cli", "serve", *map(str, args)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout + proc.stderr


def one_clear_line(out: str, *words: str) -> None:
    lines = [x for x in out.splitlines() if x.strip()]
    assert len(lines) == 1, out
    assert "Traceback" not in out and lines[0].startswith("失败  "), out
    for w in words:
        assert w in lines[0], out


def test_a_database_in_a_folder_that_does_not_exist(tmp_path):
    code, out = serve(tmp_path, "--db", tmp_path / "missing" / "folder" / "x.db", "--port", 0)
    assert code != 0
    one_clear_line(out, "文件夹", str(tmp_path / "missing" / "folder"), "不存在")
    assert not (tmp_path / "missing").exists()  # nothing made on the way


def test_a_file_that_is_not_a_database(tmp_path):
    (tmp_path / "notes.db").write_text("这不是数据库\n" * 100, encoding="utf-8")
    code, out = serve(tmp_path, "--db", tmp_path / "notes.db", "--port", 0)
    assert code != 0
    one_clear_line(out, "notes.db", "不是 SQLite 数据库")
    assert (tmp_path / "notes.db").read_text(encoding="utf-8") == "这不是数据库\n" * 100  # left as it was


def test_a_folder_given_as_the_database(tmp_path):
    code, out = serve(tmp_path, "--db", tmp_path, "--port", 0)
    assert code != 0
    one_clear_line(out, "是一个文件夹")


@pytest.mark.parametrize("port", ["abc", "70000", "-1", "80.5"])
def test_a_port_that_is_not_a_port(tmp_path, port):
    code, out = serve(tmp_path, "--db", tmp_path / "x.db", "--port", port)
    assert code != 0
    one_clear_line(out, "端口", port, "0–65535")
    assert not (tmp_path / "x.db").exists()  # refused before the sample reports were ingested


def test_a_port_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, out = serve(tmp_path, "--db", tmp_path / "x.db", "--port", port)
    assert code != 0
    one_clear_line(out, f"端口 {port} 已被占用")


def test_an_address_that_is_not_this_machines(tmp_path):
    code, out = serve(tmp_path, "--db", tmp_path / "x.db", "--port", 0, "--host", "192.0.2.1")  # TEST-NET-1
    assert code != 0
    one_clear_line(out, "192.0.2.1", "不是本机的地址")


def test_a_good_database_still_serves(seed_db, tmp_path):
    proc, url = start_server(tmp_path, str(seed_db))
    proc.terminate()
    out = proc.communicate(timeout=10)[0]
    assert "网站：http://127.0.0.1:" in out and "Traceback" not in out
