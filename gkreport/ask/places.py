"""Every place in China a question may name, whether or not the database has a report from it.

The names index (entities.py) knows the regions that have reports. A question about a place
that has none (北京市海淀区, 广州市, Haidian District) must not be read as a question about
nothing — or worse, about every place: it names a place the database lacks, and the answer
says so. These are the places of the gazetteer the parser uses (gkreport/regions.py: provinces,
prefectures and counties), as `place` words in Chinese (full names of three characters or more,
and the short names of provinces) and in English (pinyin, with and without County/District/City).
"""

from __future__ import annotations

from functools import lru_cache

from .entities import Region, english_names, stem_of


def region_of(r) -> Region:
    """The gazetteer's record as the names index's Region."""
    if r.level == "province":
        return Region("province", r.province, None, None)
    if r.level == "city":
        return Region("city", r.province, r.name, None)
    return Region("county", r.province, r.city, r.name)


@lru_cache(maxsize=1)
def gazetteer() -> tuple[tuple[str, str, Region], ...]:
    """(language, word, region) for every place of the gazetteer: its name, a province's short name, and
    its English names. Two-character names (城区, 和县, 古县) are left out: they occur inside other words."""
    from ..regions import _data

    out = []
    for r in _data().regions.values():
        reg = region_of(r)
        stem = stem_of(r.name, r.level)
        if len(r.name) >= 3:
            out.append(("zh", r.name, reg))
        if r.level == "province" and len(stem) >= 2 and stem != r.name:
            out.append(("zh", stem, reg))
        for word in english_names(r.name, stem, bare=False):
            out.append(("en", word, reg))
    return tuple(out)
