"""OCR reads a space inside a wide number ('2 1' for 21), and in text whose cells are parted by
spaces that space makes two numbers of one. A row with a number too many is put back together only
where exactly one way of joining two neighbours satisfies the row's own arithmetic."""

from __future__ import annotations

from typing import Callable, Optional

from ..text import Num, parse_number


def _joinable(a, b) -> bool:
    # digits only, and the first part not a lone 0 (OCR does not read '05' for 5)
    return type(a) is Num and type(b) is Num and a.raw.isdigit() and b.raw.isdigit() and a.raw != "0"


def rejoin(values: list, width: int, holds: Callable[[list[int]], bool]) -> Optional[list]:
    """The row's values with pairs of neighbours joined into one number so that there are ``width``
    of them and ``holds`` (the row's arithmetic) is true; None unless exactly one joining does it."""
    extra = len(values) - width
    if extra not in (1, 2):
        return None
    found: list[list] = []

    def walk(i: int, left: int, out: list) -> None:
        if len(found) > 1:
            return
        if i == len(values):
            if left == 0 and all(type(v) is Num for v in out) and holds([int(v.value) for v in out]):
                found.append(list(out))
            return
        if left and i + 1 < len(values) and _joinable(values[i], values[i + 1]):
            walk(i + 2, left - 1, out + [parse_number(values[i].raw + values[i + 1].raw)])
        walk(i + 1, left, out + [values[i]])

    walk(0, extra, [])
    return found[0] if len(found) == 1 else None
