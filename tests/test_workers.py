"""The worker pool hands results back in order, through spool files or, failing those, the pipe."""

import os
import shutil

from gkreport.workers import CHUNK, Workers


def test_results_come_back_in_order_and_the_spool_is_emptied():
    items = [f"第{i}份" for i in range(3 * CHUNK + 5)]  # several chunks and a short last one
    workers = Workers(2)
    try:
        assert list(workers.map(len, items)) == [len(s) for s in items]
        assert os.listdir(workers.spool) == []  # each chunk's file is removed once read
    finally:
        workers.close()
    assert not os.path.exists(workers.spool)


def test_without_a_spool_folder_results_come_through_the_pipe():
    workers = Workers(2)
    try:
        shutil.rmtree(workers.spool)  # e.g. a full or cleaned-up /dev/shm
        assert list(workers.map(str.upper, ["a", "b", "c"])) == ["A", "B", "C"]
    finally:
        workers.close()


def _niceness(_) -> int:
    return os.nice(0)


def test_workers_run_at_the_priority_they_were_given():
    own = os.nice(0)
    workers = Workers(2, nice=3)
    try:
        assert set(workers.map(_niceness, range(2 * CHUNK))) == {min(own + 3, 19)}
    finally:
        workers.close()
    assert os.nice(0) == own  # this process keeps its own
