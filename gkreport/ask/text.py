"""A question's text: normal form, Chinese numerals, years.

The normal form is what every matcher sees: NFKC (full-width digits and letters
become ASCII), traditional characters become simplified, letters lower-case,
runs of whitespace one space. Years come in every form a person writes them:
2021年, 二〇二一年, 21年, 去年/今年/前年 (relative to the newest year in the
data), 2019到2022年, 2019—2022, 近三年, 2020年以来, since 2020, last 3 years.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

MAX_CHARS = 500

_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
               "nine": 9, "ten": 10, "twenty": 20}
CN_NUMBER = r"[〇零○一二两三四五六七八九十百]+"
NUMBER = rf"(?:\d+|{CN_NUMBER}|{'|'.join(_EN_NUMBERS)})"


@lru_cache(maxsize=1)
def _zhconv():
    import zhconv

    return zhconv


def normalize(question: str) -> str:
    """NFKC, simplified characters, lower-case letters, one space between words."""
    text = unicodedata.normalize("NFKC", question or "")
    if re.search(r"[\u3400-\u9fff]", text):
        text = _zhconv().convert(text, "zh-cn")
    text = text.replace("—", "-").replace("–", "-").replace("~", "-").replace("〜", "-")
    text = _WORDS_YEAR.sub(lambda m: str(2000 + (cn_number(m.group(1)) or 0)), text)
    return re.sub(r"\s+", " ", text).strip().lower()


# 两千零二十二年, 二千零二十年: a year said in words, not digit by digit (二〇二二年)
_WORDS_YEAR = re.compile(r"[两二]千零?((?:[一二三四五六七八九]?十)?[一二三四五六七八九]?)(?=\s*年)")


def cn_number(s: str) -> int | None:
    """一 → 1, 十 → 10, 二十五 → 25, 一百 → 100, 二〇二一 → 2021 (digit by digit), 12 → 12, ten → 10."""
    s = s.strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if s in _EN_NUMBERS:
        return _EN_NUMBERS[s]
    if "十" not in s and "百" not in s:
        if all(c in _DIGITS for c in s):
            return int("".join(str(_DIGITS[c]) for c in s))
        return None
    total, current = 0, 0
    for c in s:
        if c in _DIGITS:
            current = _DIGITS[c]
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        elif c == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


# ---------------------------------------------------------------------------
# Years


@dataclass
class Years:
    """What a question says about years: a set of single years, or a range, and the words that said it."""

    values: list[int] = field(default_factory=list)  # years named one by one, in order
    start: int | None = None  # a range (either end may be open: filled from the data)
    end: int | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    relative: bool = False  # 去年, 近三年…: the answer says which years these were
    pair: bool = False  # between 2021 and 2023: the two years named, where from 2021 to 2023 is the span

    @property
    def is_range(self) -> bool:
        return self.start is not None or self.end is not None

    def __bool__(self) -> bool:
        return bool(self.values) or self.is_range


_FULL_YEAR = r"(?:19|20)\d{2}"
_CN_DIGITS = r"[〇零○一二][〇零○一二三四五六七八九]{3}"
_CN_YEAR = rf"{_CN_DIGITS}(?=\s*年)"
_YEAR_WORD = rf"(?:{_FULL_YEAR}|{_CN_YEAR})"
_RELATIVE = {"今年": 0, "本年度": 0, "this year": 0, "去年": -1, "上一年": -1, "last year": -1,
             "前年": -2, "大前年": -3, "the year before last": -2, "明年": 1, "next year": 1}

_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("range", re.compile(rf"between\s+({_FULL_YEAR})\s+and\s+({_FULL_YEAR})")),
    ("range", re.compile(rf"from\s+({_FULL_YEAR})\s+(?:to|until|through|till)\s+({_FULL_YEAR})")),
    ("range", re.compile(rf"(?:从|自)?(?<!\d)({_FULL_YEAR}|{_CN_DIGITS}|\d{{2}})\s*年?\s*(?:到|至|-)\s*({_YEAR_WORD}|\d{{2}})(?!\d)"
                         rf"\s*(?:年度|年)?(?:间|之间|期间)?")),
    ("recent", re.compile(rf"(?:近|最近|过去|前|last|past|the last|the past)\s*({NUMBER})\s*(?:个)?\s*(?:年|years)")),
    ("since", re.compile(rf"since\s+({_FULL_YEAR})|({_YEAR_WORD})\s*(?:年度|年)?\s*(?:以来|之后|以后|起)")),
    ("before", re.compile(rf"before\s+({_FULL_YEAR})|({_YEAR_WORD})\s*(?:年度|年)?\s*(?:以前|之前)")),
    ("year", re.compile(rf"(?<![\d.])({_YEAR_WORD})(?![\d%]|\.\d)(?:\s*(?:年度|年)|(?!\s*[件个条份名万元%]))")),
    ("short", re.compile(r"(?<![\d.])(\d{2})\s*年(?!代)")),
    ("relative", re.compile("|".join(sorted(map(re.escape, _RELATIVE), key=len, reverse=True)))),
)


def _year(s: str) -> int:
    s = s.strip()
    if len(s) == 2 and s.isdigit():
        return 2000 + int(s)
    return cn_number(s)


def parse_years(text: str, newest: int | None, oldest: int | None = None) -> Years:
    """Every year, range and relative year in a normalized question; the matched text goes in spans."""
    years = Years()
    named: list[tuple[int, int]] = []  # (position, year)

    def free(m: re.Match) -> bool:
        return not any(a < m.end() and m.start() < b for a, b in years.spans)

    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if not free(m):
                continue
            groups = [g for g in m.groups() if g]
            if kind == "range":
                a, b = sorted((_year(groups[0]), _year(groups[1])))
                if not (1990 <= a <= 2100 and 1990 <= b <= 2100):
                    continue
                years.start, years.end = a, b
                years.pair = m.group().startswith("between")
            elif kind == "recent":
                n = cn_number(groups[0])
                if not n or newest is None or n > 50:
                    continue
                years.start, years.end, years.relative = newest - n + 1, newest, True
            elif kind == "since":
                years.start, years.end = _year(groups[0]), newest
            elif kind == "before":
                years.start, years.end = oldest, _year(groups[0]) - 1
            elif kind in ("year", "short"):
                y = _year(groups[0])
                if not 1990 <= y <= 2100:
                    continue
                named.append((m.start(), y))
            elif kind == "relative":
                if newest is None:
                    continue
                named.append((m.start(), newest + _RELATIVE[m.group()]))
                years.relative = True
            years.spans.append(m.span())
    for _, y in sorted(named):
        if y not in years.values:
            years.values.append(y)
    years.spans.sort()
    return years
