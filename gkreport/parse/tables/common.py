"""What the three table readers share: how values are quoted in a check."""

from __future__ import annotations

from ...model import number_text
from ..rows import EMPTY
from ..text import BLANK, Num


def fmt_values(values) -> str:
    return "，".join("空" if v is BLANK or v is EMPTY else number_text(v.value) for v in values)


def value_index(cells, i: int) -> int:
    """Where the cell at ``cells[i]`` stands among its row's values (``Row.values``: numbers and dashes)."""
    return sum(1 for c in cells[:i] if type(c) is Num or c is BLANK)
