"""The question box's names index while an ingest writes the database the site serves: the first question
after a commit is answered from the index of the data before, while the new one is built on a thread
(gkreport/ask/indexes.py); once built, the names the commit added are known."""

from __future__ import annotations

import shutil
import time

from gkreport.ask import indexes
from gkreport.ingest import ingest
from datasette_plugins.ask import _database
from gkreport.site import build
from test_ask import BASE, SAMPLES, ask_db, variant_text

NEW = ("宁化县人民政府办公室", "宁化县", "三明", "福建省", 2022)  # a body the test database has no report from
QUESTION = "宁化县政府办2022年收到多少申请？"


def _wait(condition, seconds: float = 60.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


async def test_a_commit_is_answered_from_the_old_index_until_the_new_one_is_built(tmp_path):
    db_path = tmp_path / "served.db"
    shutil.copyfile(ask_db(), db_path)
    ds = build(db_path)
    db = _database(ds)
    first = (await ds.client.get("/-/ask.json", params={"q": QUESTION})).json()
    assert first["status"] == "not_found"  # 宁化县 is a place with no report yet
    before = indexes.current(db.path)

    agency, place, city, province, year = NEW
    text, tables = variant_text((SAMPLES / BASE).read_text(encoding="utf-8"), agency, place, city, province, year, 99)
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "ninghua.txt").write_text(text, encoding="utf-8")
    assert ingest([tmp_path / "new"], db_path).failed == 0
    old_hash = db.hash
    assert _wait(lambda: db.follow() or db.hash != old_hash)  # the site noticed the commit
    assert _wait(lambda: db.hash != old_hash)

    during = (await ds.client.get("/-/ask.json", params={"q": QUESTION})).json()
    # answered at once, from the index of the data before the commit: the new body is not known yet
    assert during["status"] == "not_found"
    assert _wait(lambda: not indexes.rebuilding(db.path))
    after_index = indexes.current(db.path)
    assert after_index is not before

    after = (await ds.client.get("/-/ask.json", params={"q": QUESTION})).json()
    assert after["status"] == "answered" and after["slots"]["agencies"] == [agency]
    assert after["rows"][0]["value"] == tables["t3"]["new_received"][-1]
    # and the index is built once per version: asking again changes nothing
    await ds.client.get("/-/ask.json", params={"q": QUESTION})
    assert indexes.current(db.path) is after_index and not indexes.rebuilding(db.path)
