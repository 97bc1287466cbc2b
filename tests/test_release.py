"""`gkreport release`: the files verify against SHA256SUMS, the Parquet and CSV files hold the
database's rows, the dictionary labels every public column, and the database is the source's."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from gkreport.ingest import ingest
from gkreport.release import ReleaseError, release
from gkreport.release.exports import TABLES
from gkreport.site import load_metadata

from conftest import REPORTS
from dbcompare import differences


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """The samples, one of them changed and ingested again: rows replaced leave gaps in the rowids
    (which the search index follows), and a vacuum must keep them."""
    folder = tmp_path_factory.mktemp("release")
    inputs = folder / "reports"
    shutil.copytree(REPORTS, inputs)
    db = folder / "gkreport.db"
    ingest([inputs], db)
    first = inputs / "000_16db74812dfc7d92.txt"
    first.write_text(first.read_text(encoding="utf-8").replace("政务公开", "政务公开工作", 1), encoding="utf-8")
    assert ingest([inputs], db).stored == 1
    conn = sqlite3.connect(db)
    lowest, count = conn.execute("select min(rowid), count(*) from sections").fetchone()
    conn.close()
    assert lowest > 1  # the gaps
    return db


@pytest.fixture(scope="module")
def out(source, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out") / "release"
    summary = release(out, source)
    assert summary.rows["reports"] == 5
    return out


def _public(conn) -> dict[str, dict]:
    """Public tables (metadata.yml does not hide them, the database has them) → their column labels."""
    tables = load_metadata()["databases"]["gkreport"]["tables"]
    present = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    return {name: (meta.get("columns") or {}) for name, meta in tables.items()
            if not meta.get("hidden") and name in present}


def test_checksums_verify(out):
    listed = {}
    for line in (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, name
    if shutil.which("sha256sum"):
        r = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
    # and a changed file does not verify
    (out / "csv" / "checks.csv").write_bytes((out / "csv" / "checks.csv").read_bytes() + b"\n")
    try:
        assert hashlib.sha256((out / "csv" / "checks.csv").read_bytes()).hexdigest() != listed["csv/checks.csv"]
    finally:
        (out / "csv" / "checks.csv").write_bytes((out / "csv" / "checks.csv").read_bytes()[:-1])


def test_parquet_and_csv_hold_the_database_rows(out):
    conn = sqlite3.connect(out / "gkreport.db")
    exported = [t for t in TABLES if conn.execute("select 1 from sqlite_master where name = ?", [t]).fetchone()]
    assert {"reports", "request_stats", "sections", "checks", "regions"} <= set(exported)
    for table in exported:
        cursor = conn.execute(f"select * from [{table}] order by rowid")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r)) for r in cursor.fetchall()]
        parquet = pq.read_table(out / "parquet" / f"{table}.parquet")
        assert parquet.column_names == names
        assert parquet.to_pylist() == rows, table
        # a blob (a scanned page's image) is in the Parquet file only
        types = dict(conn.execute(f"select name, type from pragma_table_info('{table}')").fetchall())
        in_csv = [n for n in names if "blob" not in types[n].lower()]
        with open(out / "csv" / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
            read = list(csv.reader(f))
        assert read[0] == in_csv
        assert read[1:] == [["" if r[n] is None else str(r[n]) for n in in_csv] for r in rows], table
    # each column's label travels with the Parquet file
    field = pq.read_schema(out / "parquet" / "request_stats.parquet").field("natural_person")
    assert field.metadata[b"label"].decode() == "自然人"
    conn.close()


def test_the_database_is_the_source_vacuumed(source, out):
    assert differences(source, out / "gkreport.db") == []
    conn = sqlite3.connect(out / "gkreport.db")
    assert conn.execute("pragma freelist_count").fetchone()[0] == 0
    assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"
    conn.close()
    inspect = json.loads((out / "gkreport.db.inspect.json").read_text(encoding="utf-8"))
    assert inspect["inspect"]["gkreport"]["tables"]["reports"]["count"] == 5


def test_the_dictionary_labels_every_public_column(out):
    conn = sqlite3.connect(out / "gkreport.db")
    public = _public(conn)
    assert {"reports", "request_stats", "report_figures", "regions"} <= set(public)
    text = (out / "DICTIONARY.md").read_text(encoding="utf-8")
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    fields = {r["name"]: {f["name"]: f["title"] for f in r["schema"]["fields"]} for r in package["resources"]}
    for table, labels in public.items():
        assert f"## `{table}` — " in text, table
        section = text.split(f"## `{table}` — ", 1)[1].split("\n## ", 1)[0]
        for (column,) in conn.execute(f"select name from pragma_table_info('{table}')"):
            label = (labels.get(column) or "").split("：")[0].strip()
            assert label, f"{table}.{column} has no Chinese label in metadata.yml"
            assert f"| `{column}` | {label} |" in section, f"{table}.{column}"
            if f"{table}-parquet" in fields:  # the Parquet file has every column, the CSV all but blobs
                assert fields[f"{table}-parquet"][column] == label
    # hidden tables are not described
    assert "## `sections_fts" not in text and "## `derived_tables`" not in text


def test_an_outdated_database_is_released_up_to_date(source, tmp_path):
    old = tmp_path / "old.db"
    old.write_bytes(source.read_bytes())
    conn = sqlite3.connect(old)
    conn.execute("drop table report_figures")
    conn.execute("delete from derived_tables where name = 'summaries'")
    conn.commit()
    conn.close()
    release(tmp_path / "out", old)
    released = sqlite3.connect(tmp_path / "out" / "gkreport.db")
    assert released.execute("select count(*) from report_figures").fetchone()[0] == 5
    assert not sqlite3.connect(old).execute("select 1 from sqlite_master where name = 'report_figures'").fetchone()


def test_what_release_refuses(source, tmp_path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(ReleaseError, match="已存在"):
        release(tmp_path / "taken", source)
    with pytest.raises(ReleaseError, match="不存在"):
        release(tmp_path / "new", tmp_path / "missing.db")
    (tmp_path / "text.db").write_text("hello")
    with pytest.raises(ReleaseError, match="不是 SQLite"):
        release(tmp_path / "new", tmp_path / "text.db")
    assert not (tmp_path / "new").exists() and not (tmp_path / "new.partial").exists()
    r = subprocess.run([sys.executable, "-m", "gkreport.cli", "release", str(tmp_path / "taken"), "--db", str(source)],
                       capture_output=True, text=True)
    assert r.returncode == 1 and r.stderr.startswith("失败  ") and "已存在" in r.stderr
