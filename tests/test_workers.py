"""The supervised workers: results in order through spool files, and an item that hangs, crashes or
exhausts its worker costs that item alone. Real forked processes, stopped by real signals."""

import ctypes
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from gkreport.workers import CHUNK, Lost, Workers


def _len(item, part):
    return len(item)


def _upper(item, part):
    return item.upper()


def _lost(lost: Lost):
    """What the tests run instead of a lost item: a marker saying what happened to it."""
    return ("lost", lost.item, lost.part, lost.why)


def _behave(item, part):
    """An item says what its worker does with it."""
    if isinstance(item, tuple) and item[0] == "lost":
        return item
    if item == "loop":
        while True:  # a parser that never returns
            pass
    if item == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    if item == "segfault":
        ctypes.string_at(0)  # a crash in C: a real segmentation fault
    if item == "raise":
        raise RuntimeError("解析器的错误")
    if item == "memory":
        try:
            bytearray(1 << 30)  # 1 GiB, over the limit
        except MemoryError:
            return "MemoryError"
        return "allocated"
    if item == "sleep":
        time.sleep(600)  # waiting for something, not computing
    if item.startswith("archive"):
        for n in range(4):  # parts with a time limit of their own: the third of them hangs
            part(n)
            if n == 2 and item == "archive-hangs":
                while True:
                    pass
            _burn(0.6)
        return "archive read"
    return item.upper()


def _burn(seconds: float) -> None:
    """Compute for this much CPU time."""
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass


def test_results_come_back_in_order_and_the_spool_is_emptied():
    items = [f"第{i}份" for i in range(3 * CHUNK + 5)]  # several chunks and a short last one
    workers = Workers(2, _len, lost=_lost)
    try:
        assert list(workers.map(items)) == [len(s) for s in items]
        assert os.listdir(workers.spool) == []  # each chunk's file is removed once read
        assert workers.replaced == 0
    finally:
        workers.close()
    assert not os.path.exists(workers.spool)


def test_without_a_spool_folder_results_come_through_the_pipe():
    workers = Workers(2, _upper, lost=_lost)
    try:
        shutil.rmtree(workers.spool)  # e.g. a full or cleaned-up /dev/shm
        assert list(workers.map(["a", "b", "c"])) == ["A", "B", "C"]
    finally:
        workers.close()


def _niceness(_, part) -> int:
    return os.nice(0)


def test_workers_run_at_the_priority_they_were_given():
    own = os.nice(0)
    workers = Workers(2, _niceness, lost=_lost, nice=3)
    try:
        assert set(workers.map(range(2 * CHUNK))) == {min(own + 3, 19)}
    finally:
        workers.close()
    assert os.nice(0) == own  # this process keeps its own


@pytest.mark.parametrize("bad, why", [
    ("loop", "超过时间限制（2 秒 CPU 时间）"),
    ("sleep", "读取该文件已 20 秒没有进展（在等待文件或外部程序，不在计算）"),
    ("sigkill", "读取该文件的进程意外退出（SIGKILL）"),
    ("segfault", "读取该文件的进程意外退出（SIGSEGV）"),
    ("raise", "读取时出错（RuntimeError: 解析器的错误）"),
])
def test_an_item_that_hangs_or_kills_its_worker_costs_that_item_alone(bad, why):
    # the bad item in the middle of a chunk: the items before it, whose results went down with the
    # worker, and those after it are all still read
    items = [f"r{i}" for i in range(10)] + [bad] + [f"s{i}" for i in range(CHUNK + 10)]
    start = time.monotonic()
    workers = Workers(2, _behave, lost=_lost, time_limit=2)
    try:
        results = list(workers.map(items))
        replaced = workers.replaced
    finally:
        workers.close()
    assert results[:10] == [f"R{i}" for i in range(10)] and results[11:] == [f"S{i}" for i in range(CHUNK + 10)]
    marker, item, part, message = results[10]
    assert (marker, item, part) == ("lost", bad, -1) and message.startswith(why), message
    assert replaced == (0 if bad == "raise" else 1)  # an exception leaves its worker standing
    assert time.monotonic() - start < 60


def test_a_worker_over_its_memory_limit_fails_the_item_and_goes_on():
    workers = Workers(1, _behave, lost=_lost, memory_limit_mb=512)
    try:
        assert list(workers.map(["a", "memory", "b"])) == ["A", "MemoryError", "B"]
    finally:
        workers.close()
    unlimited = Workers(1, _behave, lost=_lost, memory_limit_mb=None)
    try:
        assert list(unlimited.map(["memory"])) == ["allocated"]  # the limit was what stopped it
    finally:
        unlimited.close()


def test_each_part_of_an_item_has_its_own_time_limit_and_is_lost_alone():
    # four parts of 0.6 s of CPU time: 2.4 s in all, over a limit of 1 s for the whole, within it for each part
    workers = Workers(1, _behave, lost=_lost, time_limit=1)
    try:
        assert list(workers.map(["archive"])) == ["archive read"]
    finally:
        workers.close()
    workers = Workers(1, _behave, lost=_lost, time_limit=1)
    try:
        (result,) = list(workers.map(["archive-hangs"]))
    finally:
        workers.close()
    assert result[:3] == ("lost", "archive-hangs", 2)  # the part it was on


def test_a_workers_external_kill_is_seen_and_its_item_reported(tmp_path):
    """A worker killed from outside (kill -9 by a person, the OOM killer) while it reads an item."""
    workers = Workers(1, _behave, lost=_lost, time_limit=60)
    try:
        results = workers.map(["a", "loop", "b"])  # handed to the worker at once
        (worker,) = workers._workers
        time.sleep(1)  # it is on the loop now
        os.kill(worker.process.pid, signal.SIGKILL)
        assert list(results) == ["A", ("lost", "loop", -1, "读取该文件的进程意外退出（SIGKILL）：文件可能触发了"
                                                        "读取库的错误，或超过内存上限（2048 MB）"), "B"]
    finally:
        workers.close()


def test_workers_die_with_the_process_that_started_them(tmp_path):
    """A killed ingest leaves no worker behind, even one stuck in a loop."""
    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        from test_workers import _behave, _lost
        from gkreport.workers import Workers
        workers = Workers(2, _behave, lost=_lost, time_limit=600)
        results = workers.map(["loop", "loop"])
        print(" ".join(str(w.process.pid) for w in workers._workers), flush=True)
        time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in proc.stdout.readline().split()]
    started = {p: _started(p) for p in pids}  # a pid freed by a worker may be another process's seconds later
    assert len(pids) == 2 and all(_alive(p) for p in pids)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 30  # (a loaded machine takes its time to tear a process down)
    while any(_alive(p, started[p]) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p, started[p]) for p in pids)


def _started(pid: int):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1].split()[19]  # starttime: field 22 of proc(5)
    except FileNotFoundError:
        return None


def _alive(pid: int, started=None) -> bool:
    """Running and not a zombie; with ``started``, still the process that was started then."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().split(") ")[1].split()
    except FileNotFoundError:
        return False
    return fields[0] != "Z" and (started is None or fields[19] == started)
