"""The public site: Datasette over the database, read-only, with our metadata, plugins and templates.

`build()` makes the Datasette app (the tests use it as it is); `serve()` prepares the
database and runs it. The database is opened immutable, under the name `gkreport`
whatever its file is called, so the metadata and the URLs are always the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import yaml

import datasette_plugins

from . import crosscheck, search, store, summaries

NAME = "gkreport"
PLUGINS = Path(datasette_plugins.__file__).resolve().parent
METADATA = PLUGINS / "metadata.yml"
SAMPLES = Path(__file__).resolve().parent / "data"  # holds reports/, the bundled sample reports

# Public and read-only: every query has a time limit and a row limit, so a long or hostile query is
# stopped instead of holding the site; facet suggestions (many extra queries per page) are off.
SETTINGS = {
    "sql_time_limit_ms": 3000,
    "max_returned_rows": 1000,
    "default_page_size": 50,
    "facet_time_limit_ms": 500,
    "suggest_facets": False,
    "default_facet_size": 35,  # all 31 provinces and the few unknowns in one list
    "num_sql_threads": 3,
    "allow_download": True,
    "default_cache_ttl": 300,
}


def load_metadata() -> dict:
    return yaml.safe_load(METADATA.read_text(encoding="utf-8"))


def _fingerprint(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def inspect(db_path: Path) -> dict:
    """Datasette's inspect data (row counts, size, hash) for the database, cached in a file beside it.

    Counting the rows of every table takes seconds at 100,000 reports; done once per version of the
    file, start-up is instant. The hash stands for the file's size and time, which change with it.
    """
    db_path = Path(db_path)
    cache = db_path.with_name(db_path.name + ".inspect.json")
    fingerprint = _fingerprint(db_path)
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("fingerprint") == fingerprint:
            return cached["inspect"]
    except (OSError, ValueError, KeyError):
        pass
    conn = sqlite3.connect(f"file:{db_path}?immutable=1", uri=True)
    try:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
        counts = {}
        for t in tables:
            try:
                counts[t] = {"count": conn.execute(f"select count(*) from [{t}]").fetchone()[0]}
            except sqlite3.DatabaseError:  # contentless full-text tables cannot be counted
                counts[t] = {"count": 0}
    finally:
        conn.close()
    data = {NAME: {"hash": hashlib.sha256(fingerprint.encode()).hexdigest(), "size": db_path.stat().st_size,
                   "file": db_path.name, "tables": counts}}
    try:
        cache.write_text(json.dumps({"fingerprint": fingerprint, "inspect": data}), encoding="utf-8")
    except OSError:
        pass  # a read-only folder: count again next time
    return data


@contextmanager
def _cwd(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def _up_to_date(db_path: Path) -> bool:
    """Whether the search index and everything derived from the reports (summary tables, cross-year
    checks) were built from the reports the file holds now: each records the change count of
    `reports` it was built at (summaries.generation), which moves with every report added,
    replaced or removed."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        names = {r[0] for r in conn.execute("select name from sqlite_master")}
        if not {"reports", "report_figures", "request_totals", search.FTS_TABLE, summaries.DERIVED} <= names:
            return False
        versions = dict(conn.execute(f"select name, version from {summaries.DERIVED}").fetchall())
        changes = versions.get(summaries.GENERATION)
        return (changes is not None and versions.get(search.FTS_TABLE) == str(search.VERSION)
                and versions.get("summaries") == summaries.fingerprint(conn)
                and versions.get(crosscheck.DERIVED_NAME) == changes)
    finally:
        conn.close()


def prepare(db_path: str | Path, echo=print) -> Path:
    """Make the database ready to serve: the bundled sample reports when there is none yet; the
    search index, summary tables and cross-year checks of this version, and of the reports it
    holds, when they were built by an older version or before the last change to the reports
    (an ingest stopped before its end, or reports changed by hand)."""
    from .ingest import ingest

    db_path = Path(db_path).resolve()
    if not db_path.exists():
        echo(f"没有数据库 {db_path}：先导入自带的 {len(list((SAMPLES / 'reports').glob('*')))} 份样例报告。")
        with _cwd(SAMPLES.parent):  # so the stored source paths read data/reports/…, as in the README
            summary = ingest([Path("data") / "reports"], db_path)
        echo(summary.line())
    elif not _up_to_date(db_path):
        echo("汇总表、检查或搜索索引与报告不一致（由旧版本生成，或上次导入未完成）：先重建。")
        db = store.connect(db_path)
        store.ensure_db_shape(db)
        store.finish(db)
        db.close()
    return db_path


def source_roots(db_path: Path) -> list[Path]:
    """Where a report's stored source_path may be found: relative paths are relative to the folder
    the ingest ran in, which is usually the current folder, the database's, or the bundled data's."""
    return [Path.cwd(), Path(db_path).resolve().parent, SAMPLES.parent]


def build(db_path: str | Path, inspect_data: Optional[dict] = None):
    """The Datasette app for a prepared database."""
    from datasette.app import Datasette
    from datasette.database import Database

    db_path = Path(db_path).resolve()
    ds = Datasette(
        metadata=load_metadata(),
        settings=SETTINGS,
        plugins_dir=str(PLUGINS),
        template_dir=str(PLUGINS / "templates"),
        static_mounts=[("gk-static", str(PLUGINS / "static"))],
        inspect_data=inspect_data if inspect_data is not None else inspect(db_path),
        cors=True,
    )
    ds.add_database(Database(ds, path=str(db_path), is_mutable=False), name=NAME)
    ds._gkreport_source_roots = source_roots(db_path)
    return ds


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001, echo=print) -> None:
    import uvicorn

    db_path = prepare(db_path, echo)
    ds = build(db_path)
    # Datasette runs the plugins' start-up hooks on the first request, inside the server's event
    # loop, so that tasks they start live as long as the server
    echo(f"网站：http://{host}:{port}/    （数据库 {db_path}，只读；Ctrl+C 停止）")
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
