"""The arithmetic of tables 3 and 4 (勾稽关系) as equations over cells.

One list of equations serves two purposes: the checks report the ones a
report breaks, and the parser uses them to decide where the visible numbers
of a damaged row belong (never to invent a value the equations don't force).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Optional

from .template import (APPLICANT_KEYS, APPLICANT_PARTS, OUTCOME_PARTS, PROCEEDINGS, processed_parts)

Cell = tuple[str, str, str]  # ("t3", row_key, column) or ("t4", proceeding, outcome)


@dataclass(frozen=True)
class Equation:
    rule: str
    location: str
    lhs: tuple[Cell, ...]
    rhs: tuple[Cell, ...]
    explain: str  # Chinese, what the equation says for this row/column


def t3(row: str, col: str) -> Cell:
    return ("t3", row, col)


def t4(proc: str, outcome: str) -> Cell:
    return ("t4", proc, outcome)


COLUMN_LABELS = dict(zip(APPLICANT_KEYS, ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他组织", "总计")))


class EquationSet:
    """A table's equations, compiled once per table shape: each cell gets a number, and each
    side of an equation becomes a tuple of those numbers. ``propagate`` and ``evaluate`` then
    read cell values from a list by number; a dict keyed by cell tuples has to hash the tuple
    on every look-up, and the placement search propagates once per trial placement."""

    def __init__(self, equations) -> None:
        self.equations: tuple[Equation, ...] = tuple(equations)
        self.index: dict[Cell, int] = {}  # cell → its number, in order of first appearance
        for eq in self.equations:
            for c in eq.lhs + eq.rhs:
                self.index.setdefault(c, len(self.index))
        self.sides = tuple((tuple(self.index[c] for c in eq.lhs), tuple(self.index[c] for c in eq.rhs))
                           for eq in self.equations)
        self.fetch = tuple((_fetcher(lhs), _fetcher(rhs)) for lhs, rhs in self.sides)  # for evaluate
        touching: list[list[int]] = [[] for _ in self.index]  # cell number → the equations it is in
        for n, eq in enumerate(self.equations):
            for c in eq.lhs + eq.rhs:
                touching[self.index[c]].append(n)
        self.touching = tuple(tuple(ns) for ns in touching)
        self._slots: dict[str, dict[str, dict[str, int]]] = {}  # table → row → column → cell number
        for (table, row, col), i in self.index.items():
            self._slots.setdefault(table, {}).setdefault(row, {})[col] = i

    def unknown(self) -> list:
        """Cell values with nothing known."""
        return [None] * len(self.index)

    def values_of(self, tables: dict[str, dict[str, dict[str, Optional[int]]]], missing=None) -> list:
        """The value of each cell, read from {"t3": {row: {column: value}}, "t4": …};
        ``missing`` for a cell the tables don't have."""
        values = [missing] * len(self.index)
        for table, rows in self._slots.items():
            printed = tables.get(table) or {}
            for row, columns in rows.items():
                cols = printed.get(row)
                if cols is not None:
                    for col, i in columns.items():
                        values[i] = cols.get(col, missing)
        return values


def _fetcher(cells: tuple[int, ...]):
    """values → the values of these cells, as a tuple, in one call (itemgetter gives a bare value for one cell)."""
    if len(cells) == 1:
        return lambda values, i=cells[0]: (values[i],)
    return itemgetter(*cells)


def table3_equations(fmt: str, rows) -> EquationSet:
    """R1, R2, R3 for the rows a table 3 of this format has."""
    return _table3_equations(fmt, frozenset(rows))


@lru_cache(maxsize=64)
def _table3_equations(fmt: str, rows: frozenset) -> EquationSet:
    eqs: list[Equation] = []
    parts = processed_parts(fmt)
    for col in APPLICANT_KEYS:
        eqs.append(Equation(
            "t3_received_eq_processed", f"request_stats.*.{col}",
            (t3("new_received", col), t3("carried_over", col)),
            (t3("total_processed", col), t3("carried_forward", col)),
            f"「{COLUMN_LABELS[col]}」列：本年新收 + 上年结转 应等于 办理结果总计 + 结转下年度"))
        eqs.append(Equation(
            "t3_processed_sum", f"request_stats.total_processed.{col}",
            (t3("total_processed", col),), tuple(t3(r, col) for r in parts),
            f"「{COLUMN_LABELS[col]}」列：（七）总计 应等于（一）至（六）各项之和"))
    for row in sorted(rows):
        eqs.append(Equation(
            "t3_total_column", f"request_stats.{row}.total",
            (t3(row, "total"),), tuple(t3(row, c) for c in APPLICANT_PARTS),
            "总计 应等于各类申请人之和"))
    return EquationSet(eqs)


T4_RULES = {
    "review": "t4_review_total",
    "litigation_direct": "t4_litigation_direct_total",
    "litigation_after_review": "t4_litigation_after_review_total",
}

_TABLE4_EQUATIONS = EquationSet(
    Equation(T4_RULES[proc], f"appeal_stats.{proc}.total", (t4(proc, "total"),),
             tuple(t4(proc, o) for o in OUTCOME_PARTS), f"{label}：总计 应等于维持、纠正、其他结果、尚未审结之和")
    for proc, label in PROCEEDINGS
)


def table4_equations() -> EquationSet:
    return _TABLE4_EQUATIONS


def propagate(values: list, equations: EquationSet) -> bool:
    """Fill in every cell value the equations force from the known ones (cells are non-negative integers).

    ``values`` holds one value per cell of ``equations`` (None where unknown) and is filled in place.
    Returns False when the known values contradict an equation.
    """
    sides, touching = equations.sides, equations.touching
    pending = list(range(len(sides)))  # a stack: the last equation is looked at first
    queued = [True] * len(sides)
    while pending:
        n = pending.pop()
        queued[n] = False
        lhs, rhs = sides[n]
        (ls, lu), (rs, ru) = _side(values, lhs), _side(values, rhs)
        if not lu and not ru:
            if ls != rs:
                return False
            continue
        if lu and ru:
            continue
        remainder = rs - ls if lu else ls - rs  # what the unknowns on one side must add up to
        if remainder < 0:
            return False
        if lu + ru > 1 and remainder != 0:
            continue
        unknown = [i for i in (lhs if lu else rhs) if values[i] is None]
        solved = {unknown[0]: remainder} if len(unknown) == 1 else dict.fromkeys(unknown, 0)
        # this equation now holds by construction, unless fractions made the subtraction round:
        # with whole numbers it need not be looked at again (its cells are all known now)
        done = n if type(remainder) is int else None
        for i, v in solved.items():
            values[i] = v
            for m in touching[i]:
                if not queued[m] and m != done:
                    queued[m] = True
                    pending.append(m)
    return True


def _side(values: list, cells: tuple[int, ...]) -> tuple[int, int]:
    """The known total of one side of an equation and how many of its cells are unknown
    (a plain loop: this is where the placement search spends its time)."""
    total = unknown = 0
    for i in cells:
        v = values[i]
        if v is None:
            unknown += 1
        else:
            total += v
    return total, unknown


_MISSING = object()  # a cell the tables don't have at all (a blank cell is None)


def evaluate(tables: dict[str, dict[str, dict[str, Optional[int]]]], equations: EquationSet):
    """The equations a complete set of values breaks, with both sides (blank cells count as 0).

    ``tables`` holds the values as {"t3": {row: {column: value}}, "t4": …}, None for a blank cell.
    """
    values = equations.values_of(tables, _MISSING)
    # a complete table without blanks, the usual case, needs neither test below
    some_missing, some_blank = _MISSING in values, None in values
    for eq, (fetch_lhs, fetch_rhs) in zip(equations.equations, equations.fetch):
        lhs, rhs = fetch_lhs(values), fetch_rhs(values)
        if some_missing and (_MISSING in lhs or _MISSING in rhs):
            continue  # part of the table is missing: reported as missing, not as wrong arithmetic
        if some_blank and lhs.count(None) + rhs.count(None) == len(lhs) + len(rhs):
            continue  # a row the report doesn't have
        # blanks count as 0; leaving zeros out as well (as `v or 0` did) keeps a whole total an int
        left, right = sum(filter(None, lhs)), sum(filter(None, rhs))
        if left != right:
            yield eq, left, right
