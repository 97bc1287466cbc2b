"""One job's share of the input (`gkreport ingest --shard I/N`), and what a share records for `merge`.

A file belongs to share ``sha256(path) mod N``: the path is known before the file is read, so
each of N jobs reads only its own files (sharding by content would have every job read every
file to hash it). The same report under two paths may land in two shares; `merge` keeps the copy
a single run would have kept, so nothing is lost either way. A path's share does not depend on
the other files: files added later go to their own shares, and the shares already built keep
theirs.

A share's database records, beside its reports, where each of its files stands in the whole
input (`shard_files`) and which share it is (`shard`), so that `merge` can write the reports in
the order a single run would have, and check that it was given every share of one input.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

SHARD_TABLE = "shard"
FILES_TABLE = "shard_files"
TABLES = (SHARD_TABLE, FILES_TABLE)


class ShardError(ValueError):
    """A share that can't be taken or written: the message says why, in Chinese."""


@dataclass(frozen=True)
class Shard:
    number: int  # 1 … shards
    shards: int

    def __str__(self) -> str:
        return f"{self.number}/{self.shards}"


@dataclass
class Recorded:
    """What a share's database says of itself."""

    shard: Shard
    inputs: int  # files in the whole input, every share's
    inputs_sha256: str  # of the whole input's paths, in order: the same input for every share
    finished: bool  # the last ingest of this share ran to its end
    positions: dict[str, int]  # this share's files: path → position in the whole input


def parse(text: str) -> Shard:
    """ "2/8" → the second of eight shares; ShardError for anything else."""
    number, sep, shards = str(text).strip().partition("/")
    try:
        n, total = int(number), int(shards)
    except ValueError:
        raise ShardError(f"分片「{text}」无效：应写作 I/N，如 2/8 表示共 8 份中的第 2 份。") from None
    if not sep or total < 1 or not 1 <= n <= total:
        raise ShardError(f"分片「{text}」无效：N 至少为 1，I 在 1 到 N 之间（第一份是 1/N）。")
    return Shard(n, total)


def share_of(path: str, shards: int) -> int:
    """The share (1 … shards) a file belongs to, by its path as given."""
    digest = hashlib.sha256(path.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % shards + 1


def select(paths: Sequence[str], shard: Shard) -> list[int]:
    """The positions in ``paths`` of the files of this share."""
    return [i for i, p in enumerate(paths) if share_of(p, shard.shards) == shard.number]


def inputs_digest(paths: Sequence[str]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


def read(conn: sqlite3.Connection) -> Optional[Recorded]:
    """The share a database was built as, or None for a database built without --shard."""
    if not conn.execute("select 1 from sqlite_master where name = ?", [SHARD_TABLE]).fetchone():
        return None
    row = conn.execute(f"select shard, shards, inputs, inputs_sha256, finished from [{SHARD_TABLE}]").fetchone()
    if row is None:
        return None
    positions = dict(conn.execute(f"select path, position from [{FILES_TABLE}]").fetchall())
    return Recorded(Shard(row[0], row[1]), row[2], row[3], bool(row[4]), positions)


def check_target(conn: sqlite3.Connection, shard: Optional[Shard], db_path: str | Path) -> None:
    """ShardError when an ingest would mix shares in one database: a share's database takes only
    that share, and a database of reports ingested whole takes no share."""
    try:
        has_reports = conn.execute("select 1 from reports limit 1").fetchone() is not None
    except sqlite3.OperationalError:
        has_reports = False  # a new database
    recorded = read(conn) if has_reports or shard else None
    if recorded is None:
        if shard and has_reports:
            raise ShardError(f"{db_path} 已有不分片导入的报告：每一份分片请导入到新的数据库文件。")
        return
    if shard is None:
        raise ShardError(f"{db_path} 是分片数据库（第 {recorded.shard} 份）：继续导入请同样加上 "
                         f"--shard {recorded.shard}，合并请用 gkreport merge。")
    if shard != recorded.shard:
        raise ShardError(f"{db_path} 是第 {recorded.shard} 份分片的数据库，不能再导入第 {shard} 份：每一份分片用自己的数据库文件。")


def record(conn: sqlite3.Connection, shard: Shard, paths: Sequence[str], positions: Sequence[int]) -> None:
    """Write which share this is and where its files stand in the whole input (replacing what an
    earlier run of the same share wrote: the input may have grown since), as not yet finished
    (``finished``). Commits."""
    with conn:
        conn.execute(f"create table if not exists [{SHARD_TABLE}] (shard integer, shards integer, "
                     "inputs integer, inputs_sha256 text, finished text)")
        conn.execute(f"create table if not exists [{FILES_TABLE}] (position integer primary key, path text)")
        conn.execute(f"delete from [{SHARD_TABLE}]")
        conn.execute(f"insert into [{SHARD_TABLE}] values (?, ?, ?, ?, null)",
                     [shard.number, shard.shards, len(paths), inputs_digest(paths)])
        conn.execute(f"delete from [{FILES_TABLE}]")
        conn.executemany(f"insert into [{FILES_TABLE}] values (?, ?)", ((i, paths[i]) for i in positions))


def finished(conn: sqlite3.Connection) -> None:
    """Mark the share's ingest as run to its end: every file of it stored, unchanged or failed. Commits."""
    with conn:
        conn.execute(f"update [{SHARD_TABLE}] set finished = datetime('now')")
