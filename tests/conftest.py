import json
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
