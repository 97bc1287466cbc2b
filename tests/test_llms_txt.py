"""/llms.txt: the site described for programs, every link on it answering."""

from __future__ import annotations

import importlib.util
import re
import sqlite3
from urllib.parse import urlsplit

from gkreport.site import load_metadata

LINK = re.compile(r"\]\((http[^)\s]+)\)")


async def test_llms_txt_links_every_question_and_table_and_each_answers(app, seed_db):
    r = await app.client.get("/llms.txt")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert text.startswith("# 政府信息公开工作年度报告数据库\n\n> ")
    meta = load_metadata()["databases"]["gkreport"]
    links = LINK.findall(text)
    paths = {urlsplit(link).path for link in links}
    for name in meta["queries"]:
        assert f"/gkreport/{name}.json" in paths, name
    conn = sqlite3.connect(seed_db)
    present = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
    for name, table in meta["tables"].items():
        if name in present:
            assert (f"/gkreport/{name}.json" in paths) == (not table.get("hidden")), name
    assert "request_stats.json" in text and "natural_person（自然人）" in text
    assert "报告 5 份" in text
    assert ("/-/mcp" in paths) == (importlib.util.find_spec("datasette_mcp") is not None)
    for link in links:
        parts = urlsplit(link)
        if parts.path == "/-/mcp":
            continue  # POST only: tests/test_mcp.py
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        answer = await app.client.get(target)
        assert answer.status_code == 200, link
