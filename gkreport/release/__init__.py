"""`gkreport release OUT/ [--db FILE]`: the database as published, in one folder.

    OUT/gkreport.db               the database, vacuumed (no free pages, one file, rollback journal)
    OUT/gkreport.db.inspect.json  its row counts, so that a site serving it starts without counting
    OUT/parquet/<table>.parquet   each table of the data (exports.TABLES), with its labels in the file
    OUT/csv/<table>.csv           the same as CSV, UTF-8 with a BOM
    OUT/DICTIONARY.md             every public table and column, labelled (Chinese first)
    OUT/datapackage.json          the same for programs (Frictionless Data Package)
    OUT/SHA256SUMS                checksums of all of it (`sha256sum -c SHA256SUMS`)

Everything is written into OUT.partial/ and renamed to OUT/ when complete: a release stopped
half-way is never taken for one. The copy's summary tables and search index are brought up to
date first if the database was built by an older version (site.prepare's check).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .. import served_db, site, store

DB_NAME = "gkreport.db"


class ReleaseError(Exception):
    """Why the release can't be made, in Chinese, naming the file or folder."""


@dataclass
class Summary:
    out: Path
    files: list[tuple[str, int]] = field(default_factory=list)  # (path in OUT, bytes)
    rows: dict[str, int] = field(default_factory=dict)  # table → rows exported
    seconds: float = 0.0

    def line(self) -> str:
        total = sum(size for _, size in self.files)
        return (f"已生成发布包 {self.out}：{len(self.files)} 个文件，共 {total / 1e6:.1f} MB；"
                f"导出 {len(self.rows)} 张表（{sum(self.rows.values())} 行），用时 {self.seconds:.0f} 秒。")


def copy_database(source: Path, target: Path) -> None:
    """A vacuumed copy of the database at target, its derived tables up to date, in one file."""
    conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        conn.execute("vacuum into ?", [str(target)])
    finally:
        conn.close()
    if not site.up_to_date(target):
        db = store.connect(target)
        store.ensure_db_shape(db)
        store.finish(db)
        db.execute("vacuum")
        db.close()
    conn = sqlite3.connect(target)
    try:
        conn.execute("pragma journal_mode = delete")
    finally:
        conn.close()


def sha256sums(folder: Path) -> list[tuple[str, int]]:
    """Write SHA256SUMS for every file under folder (but itself), as `sha256sum -c` reads it."""
    lines, files = [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        h = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
        name = path.relative_to(folder).as_posix()
        lines.append(f"{h.hexdigest()}  {name}\n")
        files.append((name, path.stat().st_size))
    (folder / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")
    return files


def release(out: str | Path, db: str | Path, echo: Optional[Callable[[str], None]] = None) -> Summary:
    """Write the release of database ``db`` into the new folder ``out``."""
    from . import documents, exports

    start = time.perf_counter()
    out, db = Path(out), Path(db)
    problem = store.file_problem(db)
    if problem:
        raise ReleaseError(problem + ("先用 gkreport ingest 生成数据库，或用 --db 指定。" if not db.exists() else ""))
    if out.exists():
        raise ReleaseError(f"{out} 已存在：发布包只写入新文件夹，请换一个名字或先删除它。")
    if not out.parent.is_dir():
        raise ReleaseError(f"{out} 所在的文件夹 {out.parent} 不存在。")
    exports.require()
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    say = echo or (lambda line: None)
    try:
        target = partial / DB_NAME
        say(f"复制并整理数据库 → {DB_NAME}")
        copy_database(db, target)
        served_db.inspect(target, site.NAME, immutable=True)  # → gkreport.db.inspect.json
        summary = Summary(out)
        conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
        try:
            tables = documents.public_tables(conn)
            for table in exports.exported(tables):
                say(f"导出 {table.name}")
                summary.rows[table.name] = exports.write_table(conn, table, partial)
            documents.write(partial, conn, tables, summary.rows)
        finally:
            conn.close()
        summary.files = sha256sums(partial)
        os.replace(partial, out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    summary.seconds = time.perf_counter() - start
    return summary
