"""What `gkreport serve` imports before its first page: not datasette-mcp and the mcp package (only
/-/mcp needs them, and imports them on its first request), not the reading pipeline, not numpy.
Run in a process of its own, as the site starts; then /-/mcp answers from that same process."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

if importlib.util.find_spec("datasette_mcp") is None:  # Python 3.10: no /-/mcp (see test_mcp.py)
    pytest.skip("datasette-mcp is not installed", allow_module_level=True)

SCRIPT = r"""
import asyncio, json, sys
from gkreport.site import build, prepare
ds = build(prepare(sys.argv[1], echo=lambda *_: None))
loaded = lambda: {m: m in sys.modules for m in ("mcp", "datasette_mcp", "numpy", "gkreport.ingest", "gkreport.parse")}

async def main():
    home = await ds.client.get("/")
    before = loaded()
    mcp = await ds.client.post("/-/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                               headers={"Accept": "application/json, text/event-stream",
                                        "MCP-Protocol-Version": "2025-06-18"})
    print(json.dumps({"home": home.status_code, "before": before, "mcp": mcp.status_code,
                      "tools": [t["name"] for t in mcp.json()["result"]["tools"]] if mcp.status_code == 200 else mcp.text,
                      "after": loaded()}))

asyncio.run(main())
"""


def test_the_site_starts_without_what_its_first_page_does_not_need(seed_db, tmp_path):
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(seed_db)], capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["home"] == 200
    assert result["before"] == {"mcp": False, "datasette_mcp": False, "numpy": False, "gkreport.ingest": False,
                                "gkreport.parse": False}
    assert result["mcp"] == 200, result["tools"]
    assert {"ask", "litigation_by_agency", "execute_sql"} <= set(result["tools"])
    assert result["after"]["mcp"] and result["after"]["datasette_mcp"]
