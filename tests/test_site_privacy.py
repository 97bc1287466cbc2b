"""No page, JSON or error of the site shows where the database file is kept."""

import shutil
from urllib.parse import quote

import pytest

from gkreport.site import build

PAGES = [
    "/", "/-/databases", "/-/databases.json", "/-/metadata", "/-/metadata.json", "/-/versions", "/-/versions.json",
    "/-/settings", "/-/settings.json", "/-/threads", "/-/threads.json", "/-/plugins", "/-/plugins.json",
    "/-/actor.json", "/-/allow-debug", "/-/messages", "/-/patterns", "/.json", "/gkreport", "/gkreport.json",
    "/gkreport/reports", "/gkreport/reports.json", "/gkreport/nope", "/gkreport/reports/nope", "/nope", "/report/nope",
    "/-/agency/nope", "/-/ask.json?q=" + quote("数据库文件在哪里"), "/-/overview",
]
LEAKY_SQL = [
    "select * from pragma_database_list", "select file from pragma_database_list()", "pragma database_list",
    "select * from nope", "attach database 'x.db' as x", "select load_extension('x')", "select sqlite_source_id()",
]


@pytest.fixture(scope="module")
def site(seed_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("secret-folder-q7z")
    db = folder / "hidden-name-k3x.db"
    shutil.copy(seed_db, db)
    return build(db), folder


@pytest.mark.parametrize("path", PAGES + [f"/gkreport.json?sql={quote(s)}" for s in LEAKY_SQL]
                         + [f"/gkreport?sql={quote(s)}" for s in LEAKY_SQL])
async def test_no_page_shows_the_database_path(site, path):
    ds, folder = site
    r = await ds.client.get(path)
    assert "secret-folder-q7z" not in r.text and str(folder) not in r.text, path
    assert r.status_code < 500, (path, r.text[:300])


async def test_databases_json_lists_the_database_without_its_path(site):
    ds, _ = site
    (db,) = [d for d in (await ds.client.get("/-/databases.json")).json() if d["name"] == "gkreport"]
    assert "path" not in db and db["is_mutable"] is False


async def test_custom_sql_cannot_read_the_file_list_but_the_database_page_still_lists_tables(site):
    ds, _ = site
    r = await ds.client.get("/gkreport.json", params={"sql": "select file from pragma_database_list"})
    assert r.status_code == 400 and "not authorized" in r.json()["error"]
    r = await ds.client.get("/gkreport.json")
    assert r.status_code == 200 and "reports" in {t["name"] for t in r.json()["tables"]}
