"""What the three table readers share: how values are quoted in a check, and which values are no count."""

from __future__ import annotations

from ...model import Check, number_text
from ..rows import EMPTY
from ..text import BLANK, MAX_DIGITS, Num, TooLong


def fmt_values(values) -> str:
    return "，".join("空" if v is BLANK or v is EMPTY else v.raw if type(v) is TooLong else number_text(v.value)
                    for v in values)


def is_value(c) -> bool:
    """A cell that is one of its row's values (``Row.values``): a number, a number too long to keep, a dash."""
    return type(c) is Num or c is BLANK or type(c) is TooLong


def value_index(cells, i: int) -> int:
    """Where the cell at ``cells[i]`` stands among its row's values (``Row.values``: numbers and dashes)."""
    return sum(1 for c in cells[:i] if is_value(c))


def too_long(values, where: str, location: str) -> list[Check]:
    """A check for each number of the row too long to be a count or a sum (it is left NULL)."""
    return [Check("value_out_of_range", "warning",
                  f"{where}中的数字「{v.raw}」超过 {MAX_DIGITS} 位，不可能是件数或金额，也无法准确存储：未读取，留空。",
                  actual=v.raw, location=location)
            for v in values if type(v) is TooLong]


def uncountable(v) -> bool:
    """A value tables 3 and 4 can't hold: a number too long, or not whole (件数 are whole numbers)."""
    return type(v) is TooLong or (type(v) is Num and type(v.stored) is float)


def not_counts(values, where: str, location: str) -> list[Check]:
    """Checks for the values of a table 3 or 4 row that are left NULL: too long, or not whole. A
    count of 5.5 is no count: 5 or 55, or a misplaced point, the value is not read with confidence."""
    return too_long(values, where, location) + [
        Check("not_integer", "warning", f"{where}中的数字「{v.raw}」不是整数，件数只能是整数：未读取，留空。",
              actual=v.raw, location=location)
        for v in values if type(v) is Num and type(v.stored) is float]
