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


def pytest_configure(config):
    config.addinivalue_line("markers", "measure: a test that measures (a generator's rate per class, a question set's "
                                       "accuracy): what it prints is shown at the end of every run")


def pytest_terminal_summary(terminalreporter):
    """The tables the measuring tests print, after the run, whether or not it runs them in several
    processes (-n: pytest-xdist shows no output of its workers) and whether or not they passed."""
    shown = []
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            if "measure" in getattr(report, "keywords", {}) and report.when in ("setup", "call") and report.capstdout:
                shown.append((report.nodeid, report.when, report.capstdout))
    if shown:
        terminalreporter.section("measures")
        for nodeid, when, text in sorted(shown):
            terminalreporter.write_line(f"[{nodeid}{' (setup)' if when == 'setup' else ''}]")
            terminalreporter.write_line(text.rstrip() + "\n")


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


@pytest.fixture(scope="session")
def years_db(tmp_path_factory):
    """The sample reports and 上杭县's report again for 2016–2019 and 2023 (its years changed in the text):
    years 2016–2021 and 2023 with none for 2022, one agency with reports in several years, 70 passages."""
    from gkreport.ingest import ingest

    folder = tmp_path_factory.mktemp("years")
    source = folder / "reports"
    source.mkdir()
    for f in REPORTS.iterdir():
        (source / f.name).write_bytes(f.read_bytes())
    text = (REPORTS / "000_16db74812dfc7d92.txt").read_text(encoding="utf-8")
    for year in (2016, 2017, 2018, 2019, 2023):
        changed = text.replace("2022", str(year + 1)).replace("2021", str(year)).replace("2020", str(year - 1))
        (source / f"shanghang_{year}.txt").write_text(changed, encoding="utf-8")
    path = folder / "years.db"
    summary = ingest([source], path)
    assert summary.failed == 0
    return path


@pytest.fixture(scope="session")
def assessed(tmp_path_factory):
    """武平县司法局 2021–2024 (本年新收 5, 7, 6, 480; 2023 published 10 days late), 武平县人民政府 2021–2024
    (40 requests a year, 25 disclosed), 武平县自然资源局 2022 (section 1 and 5 of 司法局 2022, published a week
    later), 龙岩市人民政府 2024 only."""
    from assess_builder import build, narrative, prose, report
    from gkreport.site import build as site

    copied = narrative(prose("司法局 2022", 800))
    reports = [report("武平县司法局", y, figures={"new_received": n}, published=date,
                      **(copied if y == 2022 else {}))
               for y, n, date in [(2021, 5, "2022-01-20"), (2022, 7, "2023-01-20"), (2023, 6, "2024-02-10"),
                                  (2024, 480, "2025-01-20")]]
    reports += [report("武平县人民政府", y, figures={"new_received": 40, "granted": 20, "partial": 5},
                       published=f"{y + 1}-03-20") for y in range(2021, 2025)]
    reports += [report("武平县自然资源局", 2022, published="2023-01-27", **copied),
                report("龙岩市人民政府", 2024, figures={"new_received": 0}, published="2025-03-01")]
    path = build(tmp_path_factory.mktemp("assessed") / "assessed.db", reports)
    return site(path), {(r[0].meta.agency_name, r[0].meta.year): r[0].id for r in reports}


@pytest.fixture(scope="session")
def ask_judge():
    """The scorer of the question box's fixtures over the question-box test database and its variants."""
    from ask_scoring import Judge
    from test_ask import ask_db

    j = Judge(ask_db())
    yield j
    j.close()


@pytest.fixture(scope="session")
def ask_asker():
    """The question box over the question-box test database (tests/test_ask.py: ask_db)."""
    from gkreport.ask import Asker
    from test_ask import ask_db

    a = Asker(ask_db())
    yield a
    a.close()


@pytest.fixture(scope="session")
def ask_conn():
    """A connection to the question-box test database, for the SQL a test writes itself."""
    import sqlite3

    from test_ask import ask_db

    c = sqlite3.connect(ask_db())
    yield c
    c.close()
