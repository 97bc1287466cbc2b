"""Scoring parsed tables against expected cells: exact, missing (NULL) or wrong, and whether a check names it.

Shared by the blind layout files (test_layouts_blind.py) and the round-trip generator
(test_roundtrip.py). Cells are keyed as the schema keys them: ``request_stats.granted.total``,
``active_disclosure.fees.amount_10k_yuan``, ``appeal_stats.review.upheld``.

- exact: the stored value is the expected one (a NULL where the value is not knowable counts);
- missing: NULL where a value was expected; ``missing_unflagged`` when no warning names the cell;
- wrong: a stored value that differs from the expected one, or a value where the expected is NULL
  (the worst case); ``wrong_unflagged`` when no warning names the cell.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Optional

from gkreport import template as T

TABLE_OF = {"active_disclosure": "table2", "request_stats": "table3", "appeal_stats": "table4"}
# where a check about a whole table points (table_missing says "table3")
_TABLE_ALIASES = {v: k for k, v in TABLE_OF.items()}


def stored_cells(rows: dict[str, list[tuple]]) -> dict[str, Optional[float]]:
    """The cells of a report's rows as the store writes them (``store.child_rows`` order, or the same
    columns selected back from the database)."""
    cells: dict[str, Optional[float]] = {}
    for _rid, item, measure, value, _unit in rows.get("active_disclosure", ()):
        cells[f"active_disclosure.{item}.{measure}"] = value
    for _rid, key, *values in rows.get("request_stats", ()):
        for col, v in zip(T.APPLICANT_KEYS, values):
            cells[f"request_stats.{key}.{col}"] = v
    for _rid, proc, *values in rows.get("appeal_stats", ()):
        for col, v in zip(T.OUTCOME_KEYS, values):
            cells[f"appeal_stats.{proc}.{col}"] = v
    return cells


def expected_cells(case: dict) -> dict[str, Optional[float]]:
    """{location: value} of an expected.yaml entry (or a generated case in the same shape)."""
    out = {}
    for table in TABLE_OF:
        for key, v in (case.get(table) or {}).items():
            out[f"{table}.{key}"] = v
    return out


def _covers(location: Optional[str], cell: str) -> bool:
    if not location:
        return False
    location = _TABLE_ALIASES.get(location, location)
    if "*" in location:  # request_stats.*.total: a column of every row
        head, _, tail = location.partition("*")
        return cell.startswith(head) and cell.endswith(tail)
    return cell == location or cell.startswith(location + ".")


def flagged(cell: str, checks: Iterable[tuple[str, str, Optional[str]]]) -> bool:
    """Does a warning (or error) name this cell? ``checks``: (rule, severity, location)."""
    return any(sev in ("warning", "error") and _covers(loc, cell) for _rule, sev, loc in checks)


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


@dataclass
class Tally:
    cells: int = 0
    exact: int = 0
    missing: int = 0
    missing_unflagged: int = 0
    wrong: int = 0
    wrong_unflagged: int = 0
    tables: int = 0
    tables_not_found: int = 0
    files: int = 0
    clean_files: int = 0
    false_alarms: int = 0  # warnings on clean reports read exactly

    def add(self, other: "Tally") -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @property
    def rate(self) -> float:
        return self.exact / self.cells if self.cells else 1.0


@dataclass
class FileScore:
    tally: Tally
    wrong: list[tuple[str, object, object, bool]] = field(default_factory=list)  # cell, expected, got, flagged
    missing: list[tuple[str, object, bool]] = field(default_factory=list)
    alarms: list[tuple[str, str, Optional[str]]] = field(default_factory=list)


def score(expected: dict[str, Optional[float]], got: dict[str, Optional[float]],
          checks: list[tuple[str, str, Optional[str]]], *, clean: bool,
          ignore: Iterable[str] = ()) -> FileScore:
    """Compare every expected cell; a stored cell not expected at all (other than those ``ignore``
    names, derived ones) counts as a wrong value too. ``clean``: the report needs no warning at all
    once read exactly."""
    t = Tally(files=1, clean_files=int(clean))
    out = FileScore(t)
    for cell, want in expected.items():
        t.cells += 1
        have = got.get(cell)
        if same(want, have):
            t.exact += 1
        elif have is None:
            t.missing += 1
            f = flagged(cell, checks)
            t.missing_unflagged += not f
            out.missing.append((cell, want, f))
        else:
            t.wrong += 1
            f = flagged(cell, checks)
            t.wrong_unflagged += not f
            out.wrong.append((cell, want, have, f))
    ignored = set(ignore)
    for cell, have in got.items():
        if cell not in expected and have is not None and not any(cell.startswith(p) for p in ignored):
            t.cells += 1
            t.wrong += 1
            f = flagged(cell, checks)
            t.wrong_unflagged += not f
            out.wrong.append((cell, None, have, f))
    for table in TABLE_OF:
        known = [c for c, v in expected.items() if c.startswith(table + ".") and v is not None]
        if known:
            t.tables += 1
            t.tables_not_found += all(got.get(c) is None for c in known)
    if clean and t.exact == t.cells:
        out.alarms = [c for c in checks if c[1] in ("warning", "error")]
        t.false_alarms = len(out.alarms)
    return out


def is_clean(expected: dict[str, Optional[float]], table3_template: Optional[str]) -> bool:
    """Every cell known and the printed arithmetic holding: a report that needs no warning."""
    from gkreport.rules import evaluate, table3_equations, table4_equations

    if any(v is None for v in expected.values()):
        return False
    nested: dict[str, dict[str, dict[str, float]]] = {"t3": defaultdict(dict), "t4": defaultdict(dict)}
    for cell, v in expected.items():
        table, row, col = cell.split(".")
        if table == "request_stats":
            nested["t3"][row][col] = v
        elif table == "appeal_stats":
            nested["t4"][row][col] = v
    if nested["t3"]:
        if any(evaluate(nested, table3_equations(table3_template or T.T2021, nested["t3"]))):
            return False
    if nested["t4"] and any(evaluate(nested, table4_equations())):
        return False
    return True


def print_table(title: str, tallies: dict[str, Tally]) -> None:
    print(f"\n{title}")
    print(f"{'':28s} {'cells':>6s} {'exact%':>7s} {'missing':>7s} {'(no chk)':>8s} {'wrong':>5s} "
          f"{'(no chk)':>8s} {'tables':>6s} {'unfound':>7s} {'clean':>5s} {'alarms':>6s}")
    for name, t in tallies.items():
        print(f"{name:28s} {t.cells:6d} {100 * t.rate:7.2f} {t.missing:7d} {t.missing_unflagged:8d} {t.wrong:5d} "
              f"{t.wrong_unflagged:8d} {t.tables:6d} {t.tables_not_found:7d} {t.clean_files:5d} {t.false_alarms:6d}")
