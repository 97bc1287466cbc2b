"""The arithmetic of tables 3 and 4 (勾稽关系) as equations over cells.

One list of equations serves two purposes: the checks report the ones a
report breaks, and the parser uses them to decide where the visible numbers
of a damaged row belong (never to invent a value the equations don't force).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
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


def table3_equations(fmt: str, rows) -> list[Equation]:
    """R1, R2, R3 for the rows a table 3 of this format has."""
    return list(_table3_equations(fmt, frozenset(rows)))


@lru_cache(maxsize=64)
def _table3_equations(fmt: str, rows: frozenset) -> tuple[Equation, ...]:
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
    return tuple(eqs)


T4_RULES = {
    "review": "t4_review_total",
    "litigation_direct": "t4_litigation_direct_total",
    "litigation_after_review": "t4_litigation_after_review_total",
}


def table4_equations() -> list[Equation]:
    return [
        Equation(T4_RULES[proc], f"appeal_stats.{proc}.total", (t4(proc, "total"),),
                 tuple(t4(proc, o) for o in OUTCOME_PARTS), f"{label}：总计 应等于维持、纠正、其他结果、尚未审结之和")
        for proc, label in PROCEEDINGS
    ]


def propagate(known: dict[Cell, int], equations: list[Equation]) -> Optional[dict[Cell, int]]:
    """Every cell value the equations force from the known ones (cells are non-negative integers).

    Returns None when the known values contradict an equation.
    """
    values = dict(known)
    touching: dict[Cell, list[int]] = {}
    for n, eq in enumerate(equations):
        for c in eq.lhs + eq.rhs:
            touching.setdefault(c, []).append(n)
    pending = list(range(len(equations)))
    queued = set(pending)
    while pending:
        n = pending.pop()
        queued.discard(n)
        eq = equations[n]
        sides = []
        for side in (eq.lhs, eq.rhs):
            total, unknown = 0, []
            for c in side:
                v = values.get(c)
                if v is None:
                    unknown.append(c)
                else:
                    total += v
            sides.append((total, unknown))
        (ls, lu), (rs, ru) = sides
        if not lu and not ru:
            if ls != rs:
                return None
            continue
        if lu and ru:
            continue
        total_a, unknown = (ls, lu) if lu else (rs, ru)
        remainder = (rs if lu else ls) - total_a  # what the unknowns on one side must add up to
        if remainder < 0:
            return None
        solved = {unknown[0]: remainder} if len(unknown) == 1 else (
            {c: 0 for c in unknown} if remainder == 0 else {})
        for c, v in solved.items():
            values[c] = v
            for m in touching.get(c, ()):
                if m not in queued:
                    queued.add(m)
                    pending.append(m)
    return values


def evaluate(values: dict[Cell, Optional[int]], equations: list[Equation]):
    """The equations a complete set of values breaks, with both sides (blank cells count as 0)."""
    for eq in equations:
        cells = eq.lhs + eq.rhs
        if not any(values.get(c) is not None for c in cells):
            continue  # a row the report doesn't have
        if any(c not in values for c in cells):
            continue  # part of the table is missing: reported as missing, not as wrong arithmetic
        left = sum(values[c] or 0 for c in eq.lhs)
        right = sum(values[c] or 0 for c in eq.rhs)
        if left != right:
            yield eq, left, right
