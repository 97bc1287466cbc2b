"""Blank cells (printed empty or as a dash) whose value the template's arithmetic forces.

A report that leaves its zero cells blank prints a row total, or a column's （七）总计, that only
adds up when the blanks are 0; a blank is read as that value only when every non-negative
filling of the blanks that keeps the equations gives it (``rules.propagate``: an equation with
one open cell fixes it, an equation whose open cells are all on one side and already balance
sets them to 0). Anything else stays NULL with a check.
"""

from __future__ import annotations

from typing import Iterable

from ...model import Check, number_text
from ...rules import Cell, EquationSet, propagate


def settle(tables: dict, blanks: Iterable[Cell], equations: EquationSet) -> dict[Cell, float]:
    """The blank cells the arithmetic settles, with their values. ``tables``: the values read so far
    ({"t3": {row: {column: value}}, …}, None for a blank)."""
    blanks = [c for c in blanks if c in equations.index]
    if not blanks:
        return {}
    known = equations.values_of(tables)
    # an equation whose cells are all printed and which the report breaks says nothing about a
    # blank (the checks report it); left in, it would stop every derivation
    broken = [n for n, (lhs, rhs) in enumerate(equations.sides)
              if all(known[i] is not None for i in lhs + rhs)
              and sum(known[i] for i in lhs) != sum(known[i] for i in rhs)]
    if broken:
        equations = EquationSet(eq for n, eq in enumerate(equations.equations) if n not in broken)
        blanks = [c for c in blanks if c in equations.index]
        known = equations.values_of(tables)
    if not propagate(known, equations):
        return {}  # the printed cells contradict each other around the blanks: nothing is certain
    return {c: known[equations.index[c]] for c in blanks if known[equations.index[c]] is not None}


def apply(row: dict, settled: dict[str, float], names: dict[str, str], *, rule: str, where: str, basis: str,
          location: str) -> list[Check]:
    """Store in ``row`` (column → value) the blank cells ``settled`` gives values for, and say so:
    a 0 the arithmetic forces is a note (a zero left blank is a way of filling the template), any
    other value a warning, a blank left open a warning. ``names``: the blank columns, each with its
    printed name; ``where``: the row as a sentence names it; ``basis``: what settles it."""
    zero, other, open_ = [], [], []
    for col in names:
        v = settled.get(col)
        if v is None:
            open_.append(col)
            continue
        row[col] = v
        (zero if v == 0 else other).append(col)
    checks = []
    if zero:
        checks.append(Check(rule, "info", f"{where}的{'、'.join(names[c] for c in zero)}留空，"
                                          f"按{basis}只能是 0，已按 0 读取。", location=location))
    if other:
        shown = "，".join(f"{names[c]} {number_text(row[c])}" for c in other)
        checks.append(Check(rule, "warning", f"{where}有留空的单元格，按{basis}应为：{shown}，已按此读取。",
                            location=location))
    if open_:
        checks.append(Check(rule, "warning", f"{where}的{'、'.join(names[c] for c in open_)}留空，"
                                             f"{basis}无法确定其数值，未读取。", location=location))
    return checks
