"""Serving a release: the Dockerfile's steps and the `datasette publish` recipe, run by hand (there
is no Docker here): the files the image takes, its checks, and its command on a free port of
loopback, then the pages; and that the release's files are the same after serving."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from gkreport import publish
from gkreport.release import release

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent  # the gkreport and datasette commands of this environment


def _instructions(name: str) -> list[str]:
    """The Dockerfile's instructions of one kind, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in text.splitlines() if line.startswith(name + " ")]


@pytest.fixture(scope="module")
def released(seed_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("deploy") / "release"
    release(out, seed_db)
    return out


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


def _start(cmd: str, cwd: Path, env: dict, pattern: str) -> tuple[subprocess.Popen, str]:
    # a session of its own: the shell and the server it starts are stopped together (_stop)
    proc = subprocess.Popen(["sh", "-c", cmd], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + 90
    for line in proc.stdout:
        found = re.search(pattern, line)
        if found:
            return proc, found.group(1).rstrip("/")
        if time.monotonic() > deadline:
            break
    _stop(proc)
    raise AssertionError(f"the server did not start: {cmd}")


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(10)


def _pages_answer(url: str) -> bytes:
    client = httpx.Client(base_url=url, timeout=60)
    for _ in range(100):
        try:
            if client.get("/").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    for path in ("/", "/gkreport/reports.json?_shape=array", "/gkreport/litigation_by_agency.json?year=2021",
                 "/report/fb295f0ceafe3f7c", "/llms.txt", "/gkreport/sections?_search=培训"):
        assert client.get(path).status_code == 200, path
    asked = client.get("/-/ask.json", params={"q": "2021年哪些单位被提起行政诉讼？"}).json()
    assert asked["status"] == "answered" and asked["rows"]
    return client.get("/gkreport.db").content


def test_the_dockerfile_by_hand(released, tmp_path):
    srv = tmp_path / "srv" / "gkreport"
    srv.mkdir(parents=True)
    # what the image takes from the repository is there, and .dockerignore lets it through
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8")
    for copy in _instructions("COPY"):
        *sources, target = copy.split()
        for source in sources:
            assert f"!{source.rstrip('/')}" in ignore.replace("/\n", "\n"), source
            if source.startswith("release/"):
                (srv / Path(source).name).write_bytes((released / Path(source).name).read_bytes())
            else:
                assert (ROOT / source).exists(), source
    # the image's check of the release, then its command, with this machine's paths and a free port
    checks = [r for r in _instructions("RUN") if "/srv/gkreport" in r]
    assert checks
    for run in checks:
        subprocess.run(["sh", "-c", run.replace("/srv/gkreport", str(srv))], check=True)
    before = _digests(srv)
    cmd = json.loads(_instructions("CMD")[0])
    assert cmd[:2] == ["sh", "-c"] and "--immutable" in cmd[2]
    line = cmd[2].replace("/srv/gkreport", str(srv)).replace("0.0.0.0", "127.0.0.1").replace("exec gkreport",
                                                                                            f"exec {BIN}/gkreport")
    proc, url = _start(line, srv, dict(os.environ, PORT="0"), r"网站：(\S+)")
    try:
        downloaded = _pages_answer(url)
    finally:
        _stop(proc)
    assert downloaded == (released / "gkreport.db").read_bytes()
    assert _digests(srv) == before  # nothing written, not even the row counts
    assert sorted(p.name for p in srv.iterdir()) == sorted(before)  # no -wal, -shm or journal left


def test_datasette_publish_by_hand(released):
    """What `gkreport publish` has `datasette publish` build: its folder and Dockerfile, the Dockerfile's
    `datasette inspect`, and its command, run here (the gkreport it installs is this one)."""
    from datasette.utils import temporary_docker_directory

    o = publish.options(install=["gkreport"])
    with open(o["metadata"]) as metadata, temporary_docker_directory(
            [str(released / "gkreport.db")], "gkreport", metadata, o["extra_options"], None, o["template_dir"],
            o["plugins_dir"], o["static"], o["install"], False, None, "secret") as folder:
        folder = Path(folder)
        dockerfile = (folder / "Dockerfile").read_text()
        inspect = re.search(r"^RUN (datasette inspect .*)$", dockerfile, re.M).group(1)
        subprocess.run(f"{BIN}/{inspect}", shell=True, cwd=folder, check=True)
        cmd = re.search(r"^CMD (.*)$", dockerfile, re.M).group(1)
        assert "--setting sql_time_limit_ms 3000" in cmd and "--plugins-dir plugins/" in cmd
        cmd = cmd.replace("$PORT", "0").replace("0.0.0.0", "127.0.0.1").replace("datasette serve",
                                                                                f"{BIN}/datasette serve", 1)
        proc, url = _start(cmd, folder, dict(os.environ), r"Uvicorn running on (http://\S+)")
        try:
            downloaded = _pages_answer(url)
        finally:
            _stop(proc)
        assert downloaded == (released / "gkreport.db").read_bytes()


def test_the_publish_command_line(released, tmp_path):
    args = publish.command("cloudrun", released, ["gkreport @ git+https://example.org/gkreport.git"],
                           ["--service", "gkreport"])
    assert args[:4] == ["datasette", "publish", "cloudrun", str(released / "gkreport.db")]
    assert args[-2:] == ["--service", "gkreport"] and "gkreport @ git+https://example.org/gkreport.git" in args
    gk = [sys.executable, "-m", "gkreport.cli"]
    r = subprocess.run([*gk, "publish", "cloudrun", str(released)], capture_output=True, text=True)
    assert r.returncode == 1 and r.stderr.startswith("失败  需要 --install")
    r = subprocess.run([*gk, "serve", "--immutable", "--db", str(tmp_path / "none.db")], capture_output=True, text=True)
    assert r.returncode == 1 and "不存在" in r.stderr
    old = tmp_path / "old.db"
    old.write_bytes((released / "gkreport.db").read_bytes())
    with sqlite3.connect(old) as conn:
        conn.execute("delete from derived_tables")
    r = subprocess.run([*gk, "serve", "--immutable", "--db", str(old)], capture_output=True, text=True)
    assert r.returncode == 1 and "不是这个版本的" in r.stderr
