"""Worker processes, supervised: each item has a time limit, each worker a memory limit, and a
worker that hangs, dies or is killed is replaced without stopping the run.

Every item (a file) is run by a forked worker process, never by the process that writes
the database, so nothing an input does can hang, crash or exhaust the writer. A worker
says which item it is on, and since when, in a slot of shared memory that only it writes.

The time limit is CPU time, kept by the kernel: as it starts an item (or a part of one) the
worker sets its RLIMIT_CPU that much above what it has used, and a worker over it is
stopped by SIGXCPU. Counted in CPU time, the same file gets the same outcome however busy
the machine is (in wall-clock time, a file that took 9 s on one run took 11 s on the next,
when other programs had the cores: stored once, failed once). A file that waits without
computing (a stalled disk, a converter that hangs) is stopped by the parent once its worker
has used no CPU time for WALL_FACTOR times the limit: it reads the slots, and the workers'
CPU time (/proc), whenever it looks for results, and kills such a worker with the process
group it leads, converters included. (A worker that computes, however slowly on a busy
machine, is left to its CPU limit.)

Either way the worker is replaced. The item it was on is handed to ``lost``, which says what
to run instead (the same file marked as failed, an archive without the member that hung);
the other items of its task are run again by another worker. The memory limit is the
worker's address space (RLIMIT_AS): an allocation over it raises MemoryError in the item
that made it, or kills the worker, and either way only that item is lost.

Results come back through a file. A pool's results came back through a pipe that holds
64 KiB, and a task of parsed reports is about 750 KiB: the writer read it in a dozen
pieces, waking up for each, and that hand-over cost it 0.2 ms a report. Written to a file
in a memory-backed folder and read in one go, the same task costs it half that.
"""

from __future__ import annotations

import collections
import ctypes
import faulthandler
import math
import multiprocessing
import os
import pickle
import resource
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator, Optional

CHUNK = 32  # items a worker takes at a time: fewer hand-overs, still small enough to spread a batch evenly
AHEAD = 2  # tasks handed to a worker at once, so that it never waits for the parent between two
# Slot layout (doubles): a change counter (odd while the worker writes), the task, the item in
# it, the part of the item (a member of an archive; -1 for the item as a whole), when it started.
# The worker writes the counter before and after the other four, so a reader sees all four or none.
_SLOT = 5
_IDLE = -1.0
_MAX_UNEXPLAINED = 2  # deaths outside any item before a task's first item is held responsible
WALL_FACTOR = 10  # wall-clock time an item may take, in multiples of its CPU time limit


def _spool_root() -> str | None:
    shm = "/dev/shm"  # tmpfs on Linux: the file never reaches a disk
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


@dataclass
class Lost:
    """An item whose worker was stopped: ``part`` is what the item had announced (-1: the item as a
    whole), ``why`` a Chinese sentence saying what happened."""

    item: Any
    part: int
    why: str


@dataclass
class _Task:
    id: int
    seqs: list[int]
    items: list
    unexplained: int = 0  # deaths of its worker while it was on none of its items


@dataclass
class _Worker:
    process: Any
    conn: Connection
    slot: int
    sent: collections.deque = field(default_factory=collections.deque)  # tasks handed over, oldest first
    cpu: Optional[int] = None  # its CPU time when last looked at (clock ticks)…
    computed_at: float = 0.0  # …and when that last changed


def _cpu_ticks(pid: int) -> Optional[int]:
    """A process's CPU time so far, in clock ticks (Linux; None elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


class _Progress:
    """The worker's side of its slot, and of its CPU time limit."""

    def __init__(self, slots, index: int, time_limit: Optional[float]):
        self.slots, self.base = slots, index * _SLOT
        self.task = 0.0
        self.item = 0.0
        self.current = -1
        self.cpu = max(1, math.ceil(time_limit)) if time_limit else None  # (RLIMIT_CPU counts whole seconds)
        self.hard = resource.getrlimit(resource.RLIMIT_CPU)[1]

    def _write(self, task: float, item: float, part: float) -> None:
        self.current = int(part)
        if self.cpu and item != _IDLE:
            used = resource.getrusage(resource.RUSAGE_SELF)
            soft = math.ceil(used.ru_utime + used.ru_stime) + self.cpu
            try:
                resource.setrlimit(resource.RLIMIT_CPU, (soft if self.hard < 0 else min(soft, self.hard), self.hard))
            except (ValueError, OSError):
                pass  # the wall-clock limit still stops it
        s, b = self.slots, self.base
        s[b] += 1
        s[b + 1], s[b + 2], s[b + 3], s[b + 4] = task, item, part, time.monotonic()
        s[b] += 1

    def start(self, task: int, item: int) -> None:
        self.task, self.item = float(task), float(item)
        self._write(self.task, self.item, -1.0)

    def part(self, n: int) -> None:
        """The item moves on to its part n (a member of an archive): its own time limit starts now."""
        self._write(self.task, self.item, float(n))

    def idle(self) -> None:
        self._write(self.task, _IDLE, -1.0)


def _die_with_parent() -> None:
    """Linux: a worker is killed when the process that started it dies, whatever it is doing
    (a worker looping in C would not notice its pipe closing)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker_main(fn: Callable, lost: Callable, setup: Optional[Callable], conn: Connection,
                 others: list[Connection], slots, index: int, spool: Optional[str], nice: int,
                 memory_limit: Optional[int], time_limit: Optional[float]) -> None:
    try:
        os.setpgid(0, 0)  # a group of its own: killing it kills the converters it started
        _die_with_parent()
        faulthandler.disable()  # a crash is the item's line; the C stack would only be noise
        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))  # nor a core file
        # the parent's ends of the pipes, its own included: while a worker holds one, it would not
        # see the pipe close when the parent dies
        for other in others:
            other.close()
        if nice:
            os.nice(nice)
        if memory_limit:
            # counted beyond the address space the worker starts with: a worker forked from a large
            # process (a long test run, a program embedding the ingest) inherits its mappings, which
            # are not the file's, and would otherwise have no room left to read anything
            memory_limit += _address_space()
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            try:
                resource.setrlimit(resource.RLIMIT_AS, (min(memory_limit, hard) if hard > 0 else memory_limit, hard))
            except (ValueError, OSError):
                pass  # a system without the limit (macOS): the time limit still stops a runaway file
        if setup:
            setup()
        progress = _Progress(slots, index, time_limit)
        while True:
            try:
                message = conn.recv()
            except EOFError:
                return
            if message is None:
                return
            task_id, items = message
            results = []
            for n, item in enumerate(items):
                progress.start(task_id, n)
                try:
                    results.append(fn(item, progress.part))
                except Exception as e:  # a bug in fn: the item is lost, as if its worker had died on it
                    why = f"读取时出错（{type(e).__name__}: {e}）"
                    results.append(fn(lost(Lost(item, progress.current, why)), progress.part))
            progress.idle()
            conn.send((task_id, _spooled(results, spool)))
    except KeyboardInterrupt:
        return


def _spooled(results: list, spool: Optional[str]) -> str | list:
    if spool:
        try:
            fd, path = tempfile.mkstemp(dir=spool, suffix=".pickle")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(results, f, pickle.HIGHEST_PROTOCOL)
            return path
        except OSError:
            pass  # the folder is full or gone: back through the pipe, which is only slower
    return results


def _unspooled(message: str | list) -> list:
    if isinstance(message, list):
        return message
    with open(message, "rb") as f:
        results = pickle.load(f)
    os.unlink(message)
    return results


def _signal_name(code: Optional[int]) -> str:
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"信号 {-code}"
    return f"退出码 {code}"


def _address_space() -> int:
    """The bytes of address space this process has mapped (0 where /proc does not say)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class Workers:
    """``n`` supervised worker processes running ``fn(item, part)`` over items; ``map`` gives the
    results of its items in order, as they are ready.

    ``fn`` calls ``part(k)`` when an item moves on to its k-th part, which then has a time limit of
    its own. When an item's worker is stopped, ``lost(Lost(...))`` returns the item to run in its
    place (it must not hit the same problem again: mark the part as failed). ``setup`` runs in each
    worker as it starts."""

    def __init__(self, n: int, fn: Callable[[Any, Callable[[int], None]], Any], *,
                 lost: Callable[[Lost], Any], time_limit: Optional[float] = 60.0,
                 memory_limit_mb: Optional[int] = 2048, nice: int = 0, setup: Optional[Callable[[], None]] = None):
        self.fn, self.lost, self.setup = fn, lost, setup
        self.time_limit = time_limit
        self.memory_limit_mb = memory_limit_mb
        self.nice = nice
        self.spool = tempfile.mkdtemp(prefix="gkreport-", dir=_spool_root())
        self._ctx = multiprocessing.get_context("fork")
        self._slots = self._ctx.RawArray("d", _SLOT * n)
        self._queue: collections.deque[_Task] = collections.deque()  # tasks not yet handed to a worker
        self._results: dict[int, Any] = {}  # seq → result, until it is given out
        self._next_seq = 0
        self._next_task = 0
        self.replaced = 0  # workers stopped and replaced (for the tests and the curious)
        self._workers: list[Optional[_Worker]] = [None] * n
        for i in range(n):
            self._start(i)

    # -- the parent's side -------------------------------------------------------------------

    def _start(self, index: int) -> None:
        base = index * _SLOT
        for k in range(_SLOT):
            self._slots[base + k] = 0.0
        self._slots[base + 2] = _IDLE
        parent_end, child_end = self._ctx.Pipe()
        others = [w.conn for w in self._workers if w is not None] + [parent_end]
        limit = self.memory_limit_mb * (1 << 20) if self.memory_limit_mb else None
        process = self._ctx.Process(target=_worker_main, name=f"gkreport-worker-{index}", daemon=True,
                                    args=(self.fn, self.lost, self.setup, child_end, others, self._slots, index, self.spool, self.nice,
                                          limit, self.time_limit))
        process.start()
        child_end.close()
        self._workers[index] = _Worker(process, parent_end, index)

    def map(self, items: Iterable) -> Iterator:
        """The results of ``items``, in order; the workers start on them at once."""
        items = list(items)
        # a small batch is cut finer, so that every worker gets a share: a batch of a few scans, each
        # a minute of OCR, would otherwise go to one worker whole
        size = max(1, min(CHUNK, len(items) // (2 * len(self._workers))))
        seqs = []
        for i in range(0, len(items), size):
            seqs.extend(self._enqueue(items[i:i + size]))
        self._dispatch()
        return self._collect(seqs)

    def _enqueue(self, items: list) -> list[int]:
        seqs = list(range(self._next_seq, self._next_seq + len(items)))
        self._next_seq += len(items)
        self._queue.append(self._task(seqs, items))
        return seqs

    def _task(self, seqs: list[int], items: list) -> _Task:
        self._next_task += 1
        return _Task(self._next_task, seqs, items)

    def _collect(self, seqs: list[int]) -> Iterator:
        for n, seq in enumerate(seqs):
            if n % CHUNK == 0:  # (each worker holds a task in hand: looking once a task is often enough)
                self._pump(0)
            while seq not in self._results:
                self._pump(self._wait_time())
            yield self._results.pop(seq)

    def _dispatch(self) -> None:
        for w in self._workers:
            while self._queue and w is not None and len(w.sent) < AHEAD:
                task = self._queue.popleft()
                try:
                    w.conn.send((task.id, task.items))
                except OSError:  # it has died: its death is seen below, and the task goes to another
                    self._queue.appendleft(task)
                    break
                w.sent.append(task)

    @property
    def wall_limit(self) -> Optional[float]:
        return self.time_limit * WALL_FACTOR if self.time_limit else None

    def _wait_time(self) -> Optional[float]:
        """Until the first item on a worker reaches the wall-clock limit (at most a second)."""
        if not self.time_limit:
            return None
        now, soonest = time.monotonic(), None
        for w in self._workers:
            state = self._slot(w)
            if state and state[1] != _IDLE:
                left = state[3] + self.wall_limit - now
                soonest = left if soonest is None else min(soonest, left)
        # (at least once a second: nothing in flight is a bug, and must not wait forever)
        return 1.0 if soonest is None else min(1.0, max(0.0, soonest) + 0.01)

    def _slot(self, w: _Worker) -> Optional[tuple[float, float, float, float]]:
        s, b = self._slots, w.slot * _SLOT
        for _ in range(100):
            before = s[b]
            state = (s[b + 1], s[b + 2], s[b + 3], s[b + 4])
            if before == s[b] and int(before) % 2 == 0:
                return state
        return None  # (a worker stopped half-way through writing it: nothing to read)

    def _pump(self, timeout: Optional[float]) -> None:
        """Hand out tasks, take in results, and deal with workers that died or ran out of time."""
        self._dispatch()
        by_conn = {w.conn: w for w in self._workers}
        by_sentinel = {w.process.sentinel: w for w in self._workers}
        for ready in wait(list(by_conn) + list(by_sentinel), timeout):
            w = by_conn.get(ready) or by_sentinel.get(ready)
            if w is None or self._workers[w.slot] is not w:
                continue  # replaced already, through its other handle
            if ready in by_conn:
                try:
                    task_id, message = w.conn.recv()
                except (EOFError, OSError):
                    self._died(w)
                    continue
                self._received(w, task_id, message)
            else:
                self._died(w)
        if self.time_limit:
            now = time.monotonic()
            for w in list(self._workers):
                state = self._slot(w)
                if not state or state[1] == _IDLE:
                    continue
                cpu = _cpu_ticks(w.process.pid)
                if cpu != w.cpu:
                    w.cpu, w.computed_at = cpu, now
                if cpu is None:
                    w.computed_at = 0.0  # (no /proc: the clock alone decides)
                if now - max(state[3], w.computed_at) > self.wall_limit:
                    self._stop(w, state, f"读取该文件已 {self.wall_limit:g} 秒没有进展（在等待文件或外部程序，不在计算），"
                                         "已停止读取")
        self._dispatch()

    def _received(self, w: _Worker, task_id: int, message) -> None:
        task = w.sent.popleft()
        assert task.id == task_id, (task.id, task_id)
        for seq, result in zip(task.seqs, _unspooled(message)):
            self._results[seq] = result

    def _drain(self, w: _Worker) -> None:
        """Take in what a stopped worker sent before it stopped."""
        while w.sent:
            try:
                if not w.conn.poll():
                    break
                task_id, message = w.conn.recv()
            except (EOFError, OSError, pickle.UnpicklingError):
                break
            self._received(w, task_id, message)

    def _died(self, w: _Worker) -> None:
        w.process.join(1)
        code = w.process.exitcode
        if code == -signal.SIGXCPU and self.time_limit:
            why = f"超过时间限制（{self.time_limit:g} 秒 CPU 时间），已停止读取（可用 --time-limit 调整）"
        else:
            why = f"读取该文件的进程意外退出（{_signal_name(code)}）：文件可能触发了读取库的错误，或超过内存上限"
            if self.memory_limit_mb:
                why += f"（{self.memory_limit_mb} MB）"
        self._stop(w, self._slot(w), why, dead=True)

    def _stop(self, w: _Worker, state, why: str, dead: bool = False) -> None:
        """Kill the worker (if it still runs) and replace it; its current item is lost, the rest
        of its tasks go back to the front of the queue."""
        if not dead:
            self._kill(w)
        self._drain(w)
        self.replaced += 1
        requeue: list[_Task] = []
        if w.sent:
            current = w.sent.popleft()
            on = state is not None and state[0] == current.id and state[1] != _IDLE
            if on:
                n = int(state[1])
                lost = Lost(current.items[n], int(state[2]), why)
                items = list(current.items)
                items[n] = self.lost(lost)
                # the items it finished went down with it: run them again, with the lost one replaced
                requeue.append(self._task(current.seqs, items))
            else:
                current.unexplained += 1
                if current.unexplained >= _MAX_UNEXPLAINED:
                    items = list(current.items)
                    items[0] = self.lost(Lost(items[0], -1, why))
                    current = self._task(current.seqs, items)
                requeue.append(current)
            requeue.extend(w.sent)
        w.conn.close()
        self._queue.extendleft(reversed(requeue))
        self._workers[w.slot] = None
        self._start(w.slot)

    def _kill(self, w: _Worker) -> None:
        pid = w.process.pid
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        w.process.join(5)

    def close(self, now: bool = False) -> None:
        """Stop the workers: once they finish what they hold (5 s at most), or ``now``."""
        workers = [w for w in self._workers if w is not None]
        self._workers = [None] * len(self._workers)
        for w in workers:
            try:
                if now:
                    self._kill(w)
                else:
                    w.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 5
        for w in workers:
            w.process.join(max(0.0, deadline - time.monotonic()))
            if w.process.exitcode is None:
                self._kill(w)
            w.conn.close()
        shutil.rmtree(self.spool, ignore_errors=True)  # results a failed run never read

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
