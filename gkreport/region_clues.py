"""Where a report's contact details place its agency: postcode, telephone area code, website domain.

For bodies the division data does not list (综合实验区, 新区, 开发区 and their 管委会), the report's
own clues give the province and city. Each clue gives the region codes it allows:

- telephone area code: ``phonenumbers`` (Google's libphonenumber, maintained), whose geocoder
  names the province and city of a Chinese landline's area code (0597 → 福建省龙岩市; a code
  shared by several cities names them all);
- postcode: ``data/postcodes.csv``, prefixes of China Post's codes (two digits → province, four
  → prefecture city), merged from the MIT-licensed china-region package (its source and the
  merge are described in the file);
- website domain: a label of a government site's domain that is the pinyin of a place
  (www.shangyou.gov.cn → 上犹县).
"""

from __future__ import annotations

import csv
import functools
import re
from importlib import resources

_DIGITS = re.compile(r"\d+")
_DOMAIN_WORDS = {"www", "gov", "cn", "com", "net", "org", "zwgk", "xxgk", "http", "https", "zfxxgk", "gk"}


def _regions():
    from .regions import _data

    return _data()


@functools.lru_cache(maxsize=1)
def _by_name() -> tuple[dict, dict]:
    """Province code by name, and (province, city name) → city code."""
    d = _regions()
    provinces = {r.name: c for c, r in d.regions.items() if r.level == "province"}
    cities = {(r.province, r.name): c for c, r in d.regions.items() if r.level == "city"}
    return provinces, cities


@functools.lru_cache(maxsize=1)
def _postcodes() -> dict[str, tuple[str, str]]:
    text = resources.files("gkreport").joinpath("data/postcodes.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {r["prefix"]: (r["province"], r["city"]) for r in rows}


def _codes(province: str, cities: list[str]) -> tuple[str, ...]:
    provinces, city_codes = _by_name()
    found = tuple(city_codes[province, c] for c in cities if (province, c) in city_codes)
    if found:
        return found
    return (provinces[province],) if province in provinces else ()


def postcode_places(postcode: str | None) -> tuple[str, ...]:
    if not postcode or not postcode.isdigit() or len(postcode) != 6:
        return ()
    table = _postcodes()
    hit = table.get(postcode[:4]) or table.get(postcode[:2])
    if not hit:
        return ()
    province, city = hit
    return _codes(province, [city] if city else [])


def phone_places(phone: str | None) -> tuple[str, ...]:
    """A landline's area code → its city (or the cities sharing the code); mobiles say nothing."""
    digits = "".join(_DIGITS.findall(phone or ""))
    if not digits.startswith("0") or not 10 <= len(digits) <= 12:
        return ()
    import phonenumbers
    from phonenumbers import geocoder

    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return ()
    where = geocoder.description_for_number(number, "zh")
    provinces, _ = _by_name()
    province = next((p for p in sorted(provinces, key=len, reverse=True) if where.startswith(p)), None)
    if province is None:
        return ()
    rest = where[len(province):]
    return _codes(province, [c for c in rest.split("、") if c] if rest else [])


@functools.lru_cache(maxsize=1)
def _pinyin_index() -> dict[str, tuple[str, ...]]:
    """Pinyin of each city's and county's name without its suffix (上犹县 → shangyou) → codes."""
    from pypinyin import lazy_pinyin

    from .regions import _UNIT_SUFFIX

    index: dict[str, tuple[str, ...]] = {}
    for code, r in _regions().regions.items():
        if r.level == "province":
            continue
        stem = _UNIT_SUFFIX.sub("", r.name)
        if len(stem) >= 2:
            key = "".join(lazy_pinyin(stem))
            index[key] = index.get(key, ()) + (code,)
    return index


def website_places(website: str | None) -> tuple[str, ...]:
    """A government site's domain label that spells a place's name in pinyin."""
    if not website:
        return ()
    host = re.sub(r"^[a-z]+://", "", website.lower()).split("/")[0].split(":")[0]
    if not host.endswith(".gov.cn"):
        return ()
    labels = [x for x in host.split(".") if x not in _DOMAIN_WORDS]
    index = _pinyin_index()
    return tuple(c for label in labels for c in index.get(label, ()))
