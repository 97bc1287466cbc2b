"""Worker processes that run a function over a batch, and hand each chunk of results back through a file.

A pool's results come back through a pipe that holds 64 KiB, and a chunk of parsed
reports is about 750 KiB: the writer read it in a dozen pieces, waking up for
each, and that hand-over cost it 0.2 ms a report. Written to a file in a
memory-backed folder and read in one go, the same chunk costs it half that.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import tempfile
from typing import Callable, Iterable, Iterator, Sequence

CHUNK = 32  # items a worker takes at a time: fewer hand-overs, still small enough to spread a batch evenly


def _spool_root() -> str | None:
    shm = "/dev/shm"  # tmpfs on Linux: the file never reaches a disk
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def _run_chunk(args: tuple[Callable, str, Sequence]) -> str | list:
    fn, spool, items = args
    results = [fn(item) for item in items]
    try:
        fd, path = tempfile.mkstemp(dir=spool, suffix=".pickle")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(results, f, pickle.HIGHEST_PROTOCOL)
        return path
    except OSError:
        return results  # the folder is full or gone: back through the pipe, which is only slower


def _lower_priority(nice: int) -> None:
    if nice:
        os.nice(nice)


class Workers:
    """``n`` forked processes, ``nice`` steps below this one in priority; ``map`` gives the results of
    a batch in order, as they are ready."""

    def __init__(self, n: int, nice: int = 0):
        self.n = n
        self.spool = tempfile.mkdtemp(prefix="gkreport-", dir=_spool_root())
        self.pool = multiprocessing.get_context("fork").Pool(n, initializer=_lower_priority, initargs=(nice,))

    def map(self, fn: Callable, items: Sequence) -> Iterator:
        # the pool starts on every chunk now; the caller reads the results when it is ready for them
        # a small batch is cut finer, so that every worker gets a share: a batch of a few scans, each
        # a minute of OCR, would otherwise go to one worker whole
        size = max(1, min(CHUNK, len(items) // (2 * self.n)))
        chunks = self.pool.imap(_run_chunk, [(fn, self.spool, items[i:i + size])
                                             for i in range(0, len(items), size)])
        return self._results(chunks)

    @staticmethod
    def _results(chunks: Iterable[str | list]) -> Iterator:
        for chunk in chunks:
            if isinstance(chunk, list):
                yield from chunk
                continue
            with open(chunk, "rb") as f:
                results = pickle.load(f)
            os.unlink(chunk)
            yield from results

    def close(self) -> None:
        self.pool.close()
        self.pool.join()
        shutil.rmtree(self.spool, ignore_errors=True)  # chunks a failed run never read
