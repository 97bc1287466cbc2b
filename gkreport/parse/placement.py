"""Where do the visible numbers of a damaged row belong?

A row that prints fewer numbers than it has cells could be missing any of
them. Each possible placement is tried against the table's equations; a value
is kept only when every placement the equations allow agrees on it.

Known values travel as the list ``EquationSet`` numbers its cells by (None where
unknown); every cell of a damaged row is in some equation (its row's total).
"""

from __future__ import annotations

from itertools import combinations
from typing import Optional, Sequence

from ..rules import Cell, EquationSet, propagate

MAX_PLACEMENTS = 5000  # beyond this the row is left unread rather than searched forever


def placements(n_values: int, n_cells: int):
    """Every way to put n_values numbers, in order, into n_cells cells (too many or too few)."""
    if n_values <= n_cells:
        for slots in combinations(range(n_cells), n_values):
            yield dict(zip(slots, range(n_values)))
    else:
        for kept in combinations(range(n_values), n_cells):
            yield dict(zip(range(n_cells), kept))


def resolve_row(cells: Sequence[Cell], values: Sequence[int], known: Optional[list],
                equations: EquationSet) -> tuple[dict[Cell, int], int]:
    """The cells of one row that every feasible placement agrees on, and how many placements were feasible.

    ``known``: the values of the equations' cells (None where unknown), or None when nothing is known.
    """
    if known is None:
        known = equations.unknown()
    slots = [equations.index[c] for c in cells]
    agreed: Optional[list] = None  # per cell of the row: the value every feasible placement gave it, else None
    feasible = 0
    for n, placement in enumerate(placements(len(values), len(cells))):
        if n >= MAX_PLACEMENTS:
            return {}, 0
        trial = known.copy()
        for slot, vi in placement.items():
            trial[slots[slot]] = values[vi]
        if not propagate(trial, equations):
            continue
        feasible += 1
        row = [trial[i] for i in slots]
        if agreed is None:
            agreed = row
        else:
            agreed = [v if v == w else None for v, w in zip(agreed, row)]
    if agreed is None:
        return {}, feasible
    return {c: v for c, v in zip(cells, agreed) if v is not None}, feasible


def _fits(shown: Sequence[int], derived: Sequence[int]) -> bool:
    """Could the printed numbers be this row with some cells left out (or some extra printed)?"""
    short, long_ = (shown, derived) if len(shown) <= len(derived) else (derived, shown)
    it = iter(long_)
    for v in short:  # each number of the shorter list, in order, somewhere further along the longer
        for w in it:
            if v == w:
                break
        else:
            return False
    return True


def resolve_rows(damaged: dict[str, tuple[Sequence[Cell], Sequence[int]]], known: list,
                 equations: EquationSet) -> dict[str, dict[Cell, int]]:
    """Resolve several damaged rows; each settled row helps settle the next.

    ``known``: the values of the equations' cells (None where unknown), from the intact rows.
    """
    known = list(known)
    settled: dict[str, dict[Cell, int]] = {}
    # rows the intact rows already force completely need no search, only a consistency test
    forced = list(known)
    if not propagate(forced, equations):
        forced = equations.unknown()
    for key, (cells, values) in damaged.items():
        slots = [equations.index[c] for c in cells]
        derived = [forced[i] for i in slots]
        if None not in derived and _fits(values, derived):
            settled[key] = dict(zip(cells, derived))
            for i, v in zip(slots, derived):
                known[i] = v
    progress = True
    while progress and len(settled) < len(damaged):
        progress = False
        for key, (cells, values) in damaged.items():
            if key in settled:
                continue
            row, feasible = resolve_row(cells, values, known, equations)
            if feasible and len(row) == len(cells):
                settled[key] = row
                _learn(known, row, equations)
                progress = True
    # rows still open keep whatever every placement agreed on
    for key, (cells, values) in damaged.items():
        if key not in settled:
            row, _ = resolve_row(cells, values, known, equations)
            settled[key] = row
    return settled


def _learn(known: list, row: dict[Cell, int], equations: EquationSet) -> None:
    for c, v in row.items():
        known[equations.index[c]] = v
