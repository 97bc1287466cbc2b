"""The hand-checked values of the sample reports (fixtures/expected.json), asserted on a parsed report.

One comparison for every source format: the .txt originals and their HTML, DOCX
and PDF renderings must give exactly these values, and the same damage flags.
"""

import re

from gkreport import template as T
from gkreport.show import active_by_item


def check_metadata(c: dict, r) -> None:
    assert r.meta.agency_name == c["agency"]
    if "agency_as_printed" in c:
        assert r.meta.agency_name_as_printed == c["agency_as_printed"]
    assert r.meta.agency_name_as_printed in r.text
    assert r.meta.year == c["year"]
    assert r.template == c["template"]
    assert r.tables.table2_template == c["table2_template"]
    assert r.tables.table3_template == c["table3_template"]
    if "published_date" in c:
        assert r.meta.published_date == c["published_date"]
    for key, value in c.get("contact", {}).items():
        assert getattr(r.meta.contact, key) == value


def check_table2(c: dict, r, cells_kept: bool = True) -> None:
    """``cells_kept``: the layout keeps an empty cell in its place. Where it does not (catdoc drops
    the empty cells at the end of a row), a row printed with a blank cell can't be placed: it is
    absent, and a warning names it."""
    got = active_by_item(r)
    expected = dict(c["active_disclosure"])
    if not cells_kept:
        fmt = c["table2_template"]
        warned = {k.location for k in r.checks if k.severity == "warning"}
        for item, measures in list(expected.items()):
            if item not in got and len(measures) < len(T.ACTIVE_COLUMNS[fmt][item]):
                assert f"active_disclosure.{item}" in warned, item
                del expected[item]
    assert set(got) == set(expected)  # an item the report can't place is absent, never zero
    for item, measures in expected.items():
        assert got[item] == {m: float(v) for m, v in measures.items()}, item


def check_table3(c: dict, r) -> None:
    expected = c["request_stats"]
    rows = T.request_rows_for(c["table3_template"])
    assert set(r.tables.requests) == set(rows)
    for key in rows:
        for col in T.APPLICANT_KEYS:
            want = 0 if expected == "all zero" else expected.get(key, {}).get(col, 0)
            assert r.tables.requests[key].get(col) == want, (key, col)


def check_table4(c: dict, r) -> None:
    expected = c["appeal_stats"]
    for proc, _ in T.PROCEEDINGS:
        for outcome in T.OUTCOME_KEYS:
            want = 0 if expected == "all zero" else expected[proc][outcome]
            assert r.tables.appeals[proc][outcome] == want, (proc, outcome)


def check_arithmetic(c: dict, r) -> None:
    arithmetic = [k for k in r.checks if k.rule.startswith(("t3_received", "t3_total", "t3_processed", "t4_review",
                                                             "t4_litigation"))]
    assert (not arithmetic) == c["arith_ok"], arithmetic


def _locations_for(description: str) -> tuple[str, ...]:
    """Where a 'must_flag' note points, read off the template labels it quotes."""
    if "review/litigation" in description:
        return ("appeal_stats",)
    for item in T.ACTIVE_ITEMS:
        if item.label in description:
            return (f"active_disclosure.{item.key}",)
    for row in T.REQUEST_ROWS:
        if re.sub(r"^[一二三四]、", "", row.label) in description:
            return (f"request_stats.{row.key}",)
    if "本年度办理结果" in description:
        return tuple(f"request_stats.{k}" for k in T.processed_parts(T.T2019) + ("total_processed",))
    raise AssertionError(f"unknown must_flag note: {description}")


def check_damage_flagged(c: dict, r, rendered: bool = False) -> None:
    """The damage is recorded as a warning where it lies. ``rendered``: a web page, Word file or PDF
    made from the sample, which prints a row that lost numbers with empty cells in their place: a
    blank cell the arithmetic settles is read, with a note (info) there instead."""
    severities = ("warning", "info") if rendered else ("warning",)
    warned = {k.location for k in r.checks if k.severity in severities}
    for note in c.get("must_flag", []):
        for location in _locations_for(note):
            assert location in warned, (note, location, warned)
    if not c.get("must_flag"):
        # a false alarm is a defect too
        assert [k for k in r.checks if k.severity != "info"] == []
        assert r.status == "ok"
    elif not rendered:
        assert r.status == "warning"


ALL_CHECKS = (check_metadata, check_table2, check_table3, check_table4, check_arithmetic, check_damage_flagged)
