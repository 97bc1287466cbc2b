"""Where do the visible numbers of a damaged row belong?

A row that prints fewer numbers than it has cells could be missing any of
them. Each possible placement is tried against the table's equations; a value
is kept only when every placement the equations allow agrees on it.
"""

from __future__ import annotations

from itertools import combinations
from typing import Optional, Sequence

from ..rules import Cell, Equation, propagate

MAX_PLACEMENTS = 5000  # beyond this the row is left unread rather than searched forever


def placements(n_values: int, n_cells: int):
    """Every way to put n_values numbers, in order, into n_cells cells (too many or too few)."""
    if n_values <= n_cells:
        for slots in combinations(range(n_cells), n_values):
            yield dict(zip(slots, range(n_values)))
    else:
        for kept in combinations(range(n_values), n_cells):
            yield dict(zip(range(n_cells), kept))


def resolve_row(cells: Sequence[Cell], values: Sequence[int], known: dict[Cell, int],
                equations: list[Equation]) -> tuple[dict[Cell, int], int]:
    """The cells of one row that every feasible placement agrees on, and how many placements were feasible."""
    agreed: Optional[dict[Cell, Optional[int]]] = None
    feasible = 0
    for n, placement in enumerate(placements(len(values), len(cells))):
        if n >= MAX_PLACEMENTS:
            return {}, 0
        trial = dict(known)
        for slot, vi in placement.items():
            trial[cells[slot]] = values[vi]
        solved = propagate(trial, equations)
        if solved is None:
            continue
        feasible += 1
        row = {c: solved.get(c) for c in cells}
        if agreed is None:
            agreed = row
        else:
            agreed = {c: (v if v == row[c] else None) for c, v in agreed.items()}
    if not agreed:
        return {}, feasible
    return {c: v for c, v in agreed.items() if v is not None}, feasible


def _fits(shown: Sequence[int], derived: Sequence[int]) -> bool:
    """Could the printed numbers be this row with some cells left out (or some extra printed)?"""
    short, long_ = (shown, derived) if len(shown) <= len(derived) else (derived, shown)
    it = iter(long_)
    return all(any(v == w for w in it) for v in short)


def resolve_rows(damaged: dict[str, tuple[Sequence[Cell], Sequence[int]]], known: dict[Cell, int],
                 equations: list[Equation]) -> dict[str, dict[Cell, int]]:
    """Resolve several damaged rows; each settled row helps settle the next."""
    known = dict(known)
    settled: dict[str, dict[Cell, int]] = {}
    # rows the intact rows already force completely need no search, only a consistency test
    forced = propagate(known, equations) or {}
    for key, (cells, values) in damaged.items():
        if all(c in forced for c in cells) and _fits(values, [forced[c] for c in cells]):
            settled[key] = {c: forced[c] for c in cells}
            known.update(settled[key])
    progress = True
    while progress and len(settled) < len(damaged):
        progress = False
        for key, (cells, values) in damaged.items():
            if key in settled:
                continue
            row, feasible = resolve_row(cells, values, known, equations)
            if feasible and len(row) == len(cells):
                settled[key] = row
                known.update(row)
                progress = True
    # rows still open keep whatever every placement agreed on
    for key, (cells, values) in damaged.items():
        if key not in settled:
            row, _ = resolve_row(cells, values, known, equations)
            settled[key] = row
    return settled
