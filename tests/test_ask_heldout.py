"""The question box scored on a second set written apart from the engine (tests/fixtures/ask_heldout.yaml).

240 questions and 18 conversations, written from the documentation by someone who had read neither
the engine nor the first set (ask_blind.yaml), with hand-written SQL over the test database. The
engine was not tuned on this set's sentences: it measures whether what the engine does carries over.
Scored exactly as ask_blind.yaml (tests/ask_scoring.py), with the same targets: at least 97 %
overall and every question right in the classes not_in_database, unanswerable and zero
(`pytest tests/test_ask_heldout.py -s` prints accuracy per class, per family and every failure).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ask_scoring import filter_of, missing_differs, score_fixture

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "ask_heldout.yaml"


def test_a_missing_filter_is_named_or_given_by_its_value():
    assert filter_of("year") == ("year", None)
    assert filter_of("2019") == ("year", 2019) and filter_of(2019) == ("year", 2019)
    assert filter_of("county") == ("level", "county")
    answer = {"status": "no_data", "missing": "year", "recognized": {"years": [2019]}, "answer": "没有2019年的报告"}
    assert missing_differs("year", answer) is None
    assert missing_differs("2019", answer) is None
    assert missing_differs("2021", dict(answer, answer="", recognized={"years": [2019]})) is not None
    assert missing_differs("2019", dict(answer, missing="measure")) is not None


@pytest.mark.measure
def test_heldout_questions(ask_asker, ask_judge):
    result = score_fixture(FIXTURE, ask_asker, ask_judge)
    assert len([i for i in result.items if not i["turn"]]) >= 200
