import json
import sqlite3
from functools import lru_cache
from pathlib import Path

import pytest

from gkreport.extract import extract
from gkreport.parse import parse_report

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "data" / "reports"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def parse_file(path: str):
    return parse_report(extract(path, Path(path).read_bytes()).text)


def query(db, sql, params=()):
    """Rows of a query on a database file, through a connection of its own."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def seed_path(name: str) -> Path:
    return REPORTS / name


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory):
    """A real database built by ingesting the bundled sample reports."""
    from gkreport.ingest import ingest

    path = tmp_path_factory.mktemp("db") / "seeds.db"
    summary = ingest([REPORTS], path)
    assert summary.failed == 0
    return path


@pytest.fixture(scope="session")
def app(seed_db):
    """The real site (Datasette with our plugins and metadata) over the sample database."""
    from gkreport.site import build

    return build(seed_db)
