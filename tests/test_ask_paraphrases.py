"""The question box on generated questions: templates × perturbation classes (tests/ask_paraphrases.py).

A fixed seed and a few hundred questions here; more with GKREPORT_ASK_CASES=5000 (and another seed
with GKREPORT_ASK_SEED). Scored as ask_blind.yaml is (tests/ask_scoring.py), with the rate per class:

    GKREPORT_ASK_CASES=5000 pytest tests/test_ask_paraphrases.py -s
"""

from __future__ import annotations

import pytest

import os

from ask_paraphrases import generate
from ask_scoring import Judge, asker_function, score
from test_ask import ask_db

CASES = int(os.environ.get("GKREPORT_ASK_CASES", "400"))
SEED = int(os.environ.get("GKREPORT_ASK_SEED", "15"))


@pytest.mark.measure
def test_generated_questions():
    from gkreport.ask import Asker

    db = ask_db()
    cases = generate(db, SEED, CASES, conversations=CASES // 20)
    asker, judge = Asker(db), Judge(db)
    try:
        result = score(cases, asker_function(asker), judge)
    finally:
        asker.close()
        judge.close()
    print(result.report(f"generated questions (seed {SEED}, {CASES} cases) — test-suite accuracy"))
    right, n = result.rate()
    assert len([i for i in result.items if not i["turn"]]) == CASES and right / n >= 0.97
    for cls in ("not_in_database", "unanswerable", "zero"):
        r, k = result.rate(lambda i, cls=cls: cls in i["classes"])
        assert r == k, f"{cls}: {r}/{k}"
