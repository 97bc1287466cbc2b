"""Reports written in traditional characters (政府資訊公開…) → simplified, as a clean copy reads.

OpenCC's tw2sp turns Taiwan phrasing back into mainland phrasing as well as the characters
(政府資訊公開 → 政府信息公开, 行政規範性檔案 → 行政规范性文件, 本列資料 → 本列数据, 專案 → 项目),
which character-by-character conversion (zhconv) leaves as 资讯, 档案, 资料 and 专案; Hong Kong and
plain traditional text go through hk2s. Only a text that is mostly traditional is converted: a
simplified report quoting a traditional name stays as printed.
"""

from __future__ import annotations

import re
from functools import lru_cache

# frequent characters of these reports whose traditional and simplified forms differ
_TRADITIONAL = frozenset("國會報與個這於們時開關資為說對應發來無過經還點電體務縣區辦門處條機構當進實現計劃請議總"
                         "數據類業產鄉鎮權義衛結種價決傳從統屬標準項檢審複訴訟級規範檔訊聯繫處員網頁幣費購齊")
_SIMPLIFIED = frozenset("国会报与个这于们时开关资为说对应发来无过经还点电体务县区办门处条机构当进实现计划请议总"
                        "数据类业产乡镇权义卫结种价决传从统属标准项检审复诉讼级规范档讯联系员网页币费购齐")
SAMPLE = 6000  # characters looked at to decide
# one scan for any of them: a character class is a bitmap in the regex engine, far quicker than
# frozenset.isdisjoint over a string (which hashes every character)
_ANY_TRADITIONAL = re.compile("[" + "".join(sorted(_TRADITIONAL)) + "]")


def has_traditional(text: str, sample: int = SAMPLE) -> bool:
    """Any traditional character at all in the sample (the usual answer is no)."""
    return _ANY_TRADITIONAL.search(text, 0, sample) is not None


def is_traditional(text: str, sample: int = SAMPLE) -> bool:
    if not has_traditional(text, sample):
        return False
    part = text[:sample]
    trad = sum(map(_TRADITIONAL.__contains__, part))
    simp = sum(map(_SIMPLIFIED.__contains__, part))
    return trad >= 5 and trad > simp


# words only Taiwan phrasing uses for the report's vocabulary (信息, 文件, 数据)
_TAIWAN_WORDS = ("資訊", "檔案", "資料")


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str, sample: int = SAMPLE) -> str:
    """The text in simplified characters and mainland phrasing; unchanged unless mostly traditional
    (judged on its first ``sample`` characters). Taiwan phrasing goes through tw2sp; other
    traditional text (Hong Kong's, or character-by-character conversions, which keep 信息 and 文件)
    through hk2s, since tw2sp would take their 文件 for Taiwan's word and make it 文档."""
    return convert(text) if is_traditional(text, sample) else text


def convert(text: str) -> str:
    """Traditional → simplified, whatever the text is (see ``to_simplified``)."""
    taiwan = any(w in text for w in _TAIWAN_WORDS)
    return _converter("tw2sp" if taiwan else "hk2s").convert(text)
