"""Every hand-checked value of the sample reports comes out exactly; damage is flagged, and only damage."""

import pytest

import expected_values as ev
from conftest import EXPECTED, parse_file, seed_path

CASES = EXPECTED["reports"]
IDS = [c["file"][:3] for c in CASES]


@pytest.fixture(params=CASES, ids=IDS)
def case(request):
    c = request.param
    return c, parse_file(str(seed_path(c["file"])))


def test_metadata(case):
    ev.check_metadata(*case)


def test_table2(case):
    ev.check_table2(*case)


def test_table3(case):
    ev.check_table3(*case)


def test_table4(case):
    ev.check_table4(*case)


def test_arithmetic(case):
    ev.check_arithmetic(*case)


def test_damage_is_flagged(case):
    ev.check_damage_flagged(*case)
