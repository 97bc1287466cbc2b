"""The question box scored on questions written without reading the engine (tests/fixtures/ask_blind.yaml).

337 questions and 37 conversations, written from the documentation with hand-written SQL over the
test database (tests/test_ask.py: ask_db). Scored as text-to-SQL is measured (tests/ask_scoring.py):
the engine's SQL and the expected SQL must agree on the test database and on two variants of it
(figures shuffled between reports; ties, NULLs and zero denominators). Prints accuracy per class,
per family and overall, and every failure (`pytest tests/test_ask_blind.py -s`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ask_scoring import score_fixture, variant_paths
from test_ask import ask_db

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "ask_blind.yaml"


def test_the_variants_change_the_figures_and_keep_the_reports():
    import sqlite3

    paths = variant_paths(str(ask_db()))
    conns = {n: sqlite3.connect(p) for n, p in paths.items()}
    cells = "select report_id, row_key, total from request_stats order by report_id, row_key"
    original = conns["original"].execute(cells).fetchall()
    for name in ("shuffled", "edges"):
        rows = conns[name].execute(cells).fetchall()
        assert [r[:2] for r in rows] == [r[:2] for r in original]  # the same reports and rows
        changed = sum(a[2] != b[2] for a, b in zip(rows, original))
        assert changed > len(rows) // 10, (name, changed)
        # the summary tables were rebuilt from the changed figures
        assert conns[name].execute(
            "select count(*) from report_figures f join request_stats s on s.report_id = f.report_id "
            "and s.row_key = 'new_received' where f.new_received is not s.total").fetchone()[0] == 0
    edges = conns["edges"]
    assert edges.execute("select count(*) from request_stats where total is null").fetchone()[0] > 0
    assert edges.execute("select count(*) from request_stats where row_key = 'total_processed' and total = 0"
                         ).fetchone()[0] >= 3
    # ties: some year has two reports with the same number of requests received
    assert edges.execute("select count(*) from (select year, new_received from report_figures "
                         "group by 1, 2 having count(*) > 1)").fetchone()[0] > 0
    for c in conns.values():
        c.close()


@pytest.mark.measure
def test_blind_questions(ask_asker, ask_judge):
    result = score_fixture(FIXTURE, ask_asker, ask_judge)
    assert len([i for i in result.items if not i["turn"]]) >= 200 and len(result.conversations) >= 30
