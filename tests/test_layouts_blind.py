"""The evaluation files of fixtures/layouts/ (70 whole reports in the layouts and damage real reports
come in, with every expected cell written from the documentation): read through the real pipeline,
every cell compared (``layouts_score``: ingest's ``parse_file``, written to SQLite and read back).

The test prints, per class of layout or damage, the exact-cell rate, the missing cells (and those
no check names), the wrong values (and those no check names), the tables not found, and the
warnings on clean reports read exactly (false alarms); and it checks each file's agency, year and
templates. ``pytest tests/test_layouts_blind.py -s``; ``GKREPORT_LAYOUTS_DIR=DIR`` scores another
folder in the same format (or ``python -m tests.layouts_score DIR``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import layouts_score as ls

FOLDER = Path(os.environ.get("GKREPORT_LAYOUTS_DIR")
              or Path(__file__).resolve().parent / "fixtures" / "layouts").resolve()


@pytest.fixture(scope="module")
def score(tmp_path_factory):
    return ls.score_folder(FOLDER, tmp_path_factory.mktemp("layouts"))


@pytest.mark.measure
def test_every_layout_is_read(score):
    ls.print_score(f"layout files of {FOLDER.name}, per class", score)
    assert not score.meta_misses, "agency, year or template not as expected"
    assert score.total.tables_not_found == 0, "a whole table was not read"
    assert score.total.wrong_unflagged == 0, "a wrong value without a check"
    assert score.total.rate >= ls.MIN_EXACT, f"{100 * score.total.rate:.2f} % of cells exact"


def test_a_wrong_value_fails_the_scorer(score):
    """The scorer counts a changed stored value as wrong and unflagged, so the thresholds can fail."""
    import cell_score as cs

    case, fs, _meta = next((c, f, m) for c, f, m in score.results if f.tally.exact == f.tally.cells and f.tally.cells)
    expected = cs.expected_cells(case)
    cell = next(c for c, v in expected.items() if v is not None)
    got = dict(expected, **{cell: expected[cell] + 1})
    s = cs.score(expected, got, [], clean=False)
    assert (s.tally.wrong, s.tally.wrong_unflagged, s.tally.exact) == (1, 1, s.tally.cells - 1)
