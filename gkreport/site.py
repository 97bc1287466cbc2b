"""The public site: Datasette over the database, read-only, with our metadata, plugins and templates.

`build()` makes the Datasette app (the tests use it as it is); `serving.serve()` prepares the
database and runs it. The database is read as an ingest may be writing it (served_db), under the
name `gkreport` whatever its file is called, so the metadata and the URLs are always the same.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


import datasette_plugins

from . import assess, crosscheck, facet_counts, search, served_db, store, summaries, yamlfile
from .ask import stored as ask_names

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
    return yamlfile.load(METADATA.read_text(encoding="utf-8"))


def inspect(db_path: str | Path) -> dict:
    """Datasette's inspect data for the database (row counts, size, hash), cached beside it (served_db)."""
    return served_db.inspect(Path(db_path), NAME)


@contextmanager
def _cwd(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def up_to_date(db_path: Path) -> bool:
    """Whether the search index and everything derived from the reports (summary tables, cross-year
    checks, the assessment, the question box's names, the facets' counts) were built from the reports the file holds now: each records the change count of
    `reports` it was built at (summaries.generation), which moves with every report added,
    replaced or removed."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        names = {r[0] for r in conn.execute("select name from sqlite_master")}
        if not {"reports", "report_figures", "request_totals", "corrections", search.FTS_TABLE, summaries.DERIVED} <= names:
            return False
        versions = dict(conn.execute(f"select name, version from {summaries.DERIVED}").fetchall())
        changes = versions.get(summaries.GENERATION)
        return (changes is not None and versions.get(search.FTS_TABLE) == str(search.VERSION)
                and versions.get("summaries") == summaries.fingerprint(conn)
                and versions.get(crosscheck.DERIVED_NAME) == changes
                and versions.get(assess.NAME) == assess.stamp(conn)
                and versions.get(ask_names.NAME) == ask_names.stamp(conn)
                and versions.get(facet_counts.NAME) == facet_counts.stamp(conn))
    finally:
        conn.close()


def prepare(db_path: str | Path, echo=print) -> Path:
    """Make the database ready to serve: the bundled sample reports when there is none yet; the
    search index, summary tables and cross-year checks of this version, and of the reports it
    holds, when they were built by an older version or before the last change to the reports
    (an ingest stopped before its end, or reports changed by hand)."""
    db_path = Path(db_path).resolve()
    if not db_path.exists():
        from .ingest import ingest  # the whole reading pipeline: imported only when there is reading to do

        echo(f"没有数据库 {db_path}：先导入自带的 {len(list((SAMPLES / 'reports').glob('*')))} 份样例报告。")
        with _cwd(SAMPLES.parent):  # so the stored source paths read data/reports/…, as in the README
            summary = ingest([Path("data") / "reports"], db_path)
        echo(summary.line())
    elif not up_to_date(db_path):
        echo("汇总表、评估表、检查或搜索索引与报告不一致（由旧版本生成，或上次导入未完成）：先重建。")
        db = store.connect(db_path)
        store.ensure_db_shape(db)
        store.finish(db)
        db.close()
    return db_path


def source_roots(db_path: Path) -> list[Path]:
    """Where a report's stored source_path may be found: relative paths are relative to the folder
    the ingest ran in, which is usually the current folder, the database's, or the bundled data's."""
    return [Path.cwd(), Path(db_path).resolve().parent, SAMPLES.parent]


def _load_datasette() -> None:
    """Load Datasette without two imports the site does not need. Datasette 0.65 imports every
    installed plugin as it first loads, and datasette-mcp brings the `mcp` package with it: 1.5–9 s
    on a busy machine that only /-/mcp needs (datasette_plugins/mcp_tools.py imports the real one on
    the first request there). And the units library Datasette carries (pint, for tables with units,
    which the site has none of) imports numpy when it finds it: 0.12–0.15 s. An empty module stands
    in for datasette-mcp, and numpy is marked missing, while Datasette loads; both are importable
    again afterwards."""
    import sys
    import types

    if "datasette.plugins" in sys.modules:
        return  # loaded already (mcp_tools.py takes datasette-mcp's own hooks out)
    stand_in = types.ModuleType("datasette_mcp")
    missing = {name: value for name, value in (("datasette_mcp", stand_in), ("numpy", None))
               if name not in sys.modules}
    sys.modules.update(missing)
    try:
        import datasette.app  # noqa: F401
        from datasette.plugins import pm
    finally:
        for name in missing:
            del sys.modules[name]
    if pm.is_registered(stand_in):
        pm.unregister(stand_in)


def build(db_path: str | Path, immutable: bool = False):
    """The Datasette app for a prepared database, which an ingest may go on writing (served_db);
    ``immutable``: a file that never changes (a release), never written, not even put in WAL mode."""
    _load_datasette()
    from datasette.app import Datasette

    db_path = Path(db_path).resolve()
    ds = Datasette(
        metadata=load_metadata(),
        settings=SETTINGS,
        plugins_dir=str(PLUGINS),
        template_dir=str(PLUGINS / "templates"),
        static_mounts=[("gk-static", str(PLUGINS / "static"))],
        cors=True,
    )
    immutable = immutable or not served_db.enable_wal(db_path)
    ds.add_database(served_db.ServedDatabase(ds, db_path, NAME, immutable=immutable), name=NAME)
    ds._gkreport_source_roots = source_roots(db_path)
    return ds
