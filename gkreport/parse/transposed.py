"""Table 3 printed turned a quarter: the applicant types as its rows, the template's rows (本年新收 …
结转下年度) as its columns. Read only when the labels make the orientation certain: seven rows
named exactly by the seven applicant columns, and a header whose columns name the template's rows.
It is turned back into the template's orientation, one tab-separated line per template row."""

from __future__ import annotations

from typing import Optional

from .. import template as T
from .text import parse_number, squash

_APPLICANTS = {squash(label): key for key, label in T.APPLICANT_COLUMNS}
_MIN_NAMED_COLUMNS = 10  # columns whose header names a row of the template (a 2019 table has 19)


def _applicant(cells: list[str]) -> Optional[str]:
    """The applicant column a row's label cells name (its last label cell: 法人或其他组织 → 商业企业)."""
    labels = [c for c in cells if c.strip() and parse_number(c) is None]
    return _APPLICANTS.get(squash(labels[-1])) if labels else None


def transposed_table3(lines: list[str], match_row) -> Optional[list[str]]:
    """The table's lines turned back (label, then the seven applicant cells), or None when the
    table is not a turned table 3. ``match_row`` names the template rows a label matches."""
    if sum(1 for ln in lines if ln.count("\t") >= 15) < 7:
        return None  # a table 3 the right way round has at most nine cells a line
    grid = [ln.split("\t") for ln in lines]
    data = [i for i, cells in enumerate(grid) if len(cells) >= 15 and _applicant(cells)]
    if len(data) != len(_APPLICANTS) or data != list(range(data[0], data[0] + len(data))):
        return None
    by_key = {_applicant(grid[i]): grid[i] for i in data}
    if set(by_key) != set(_APPLICANTS.values()):
        return None
    width = max(len(grid[i]) for i in data)
    lead = min(next((k for k, c in enumerate(grid[i]) if parse_number(c) is not None), width) for i in data)
    header = []  # the header's lines, just above the seven rows
    for cells in reversed(grid[:data[0]]):
        if not "".join(cells).strip():
            break
        header.insert(0, cells + [""] * (width - len(cells)))
        if len(cells) < width and cells[-1].strip():
            # a header row shorter than the grid prints a merged cell once (as Word writes rows):
            # its cells no longer stand over the columns they name
            return None
    if not header:
        return None
    out, named = [], 0
    for j in range(lead, width):
        parts = []
        for r, cells in enumerate(header):
            text = cells[j].strip()
            if not text and any(h[j].strip() for h in header[r + 1:]):
                # a group heading spans the columns to its right, whose own labels are lower down
                text = next((cells[k].strip() for k in range(j - 1, lead - 1, -1) if cells[k].strip()), "")
            if text:
                parts.append(text)
        label = "".join(parts)
        if not label:
            return None
        named += bool(match_row(squash(label)))
        out.append("\t".join([label] + [by_key[key][j] if j < len(by_key[key]) else "" for key in T.APPLICANT_KEYS]))
    return out if named >= _MIN_NAMED_COLUMNS else None
