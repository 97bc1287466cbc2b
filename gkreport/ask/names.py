"""Which agencies and regions a question names, and which names it uses that the database lacks.

A name is read as a chain of places (福建省 龙岩市 上杭县; Fuzhou Gulou), each inside the one
before, followed by what kind of body it is: nothing (the place itself), its government or general
office (政府, 政府办, government office), or a department (公安局, 教育局, Education Bureau). The
chain and the body are matched against the database. A name that reads as a body or a place but
matches nothing there is *unknown*, and the question is not answered with anybody else's figures:
北京市海淀区 (a place with no report), 南昌市西湖区 (the database's 西湖区 is Hangzhou's),
上杭县公安局 (上杭县's only report is its general office's), 国家税务总局 (no central body).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from .entities import Agency, Index, Region, Token, qualified_name

# a body after a place: 公安局, 卫生健康委员会, 卫健委, 行政服务中心 … (read from words nothing else claims)
_BODY = re.compile(r"^的?([\u4e00-\u9fff]{1,10}?(?:委员会|管委会|管理委员会|办公室|办公厅|总局|局|委|厅|中心|署|院|所|站|队|部))"
                   r"(?![\u4e00-\u9fff]*?(?:委员会|局|委|厅|中心)(?:$|[^\u4e00-\u9fff]))")
_TOWNSHIP = re.compile(r"^([\u4e00-\u9fff]{1,4}?(?:街道|镇|乡))(?=人民政府|政府|办事处|$|[^\u4e00-\u9fff])")
# 列出所有政府部门, every government department: departments are what is listed
_LISTED = re.compile(r"(?:所有|全部|每个|各个|哪些|哪几个|列出|\bevery|\ball|\bwhich|\blist|\beach)\s*(?:的)?\s*"
                     r"(?:government\s+|政府|工作)?$")
_ASKING = re.compile(r"几|多少|哪|什么|怎么")
_LEAD = re.compile(r"^(?:来自|出自|源自|属于|隶属于?|位于|地处|是|在|由|从)+")
_PLACE_RUN = re.compile(r"^的?([\u4e00-\u9fff]{2,6}?(?:省|自治区|自治州|市|县|区|旗))$")
_CENTRAL_RUN = re.compile(r"^(?:国务院|国家|中华人民共和国)[\u4e00-\u9fff]{0,10}?(?:总局|局|部|署|委员会|委|院|办公厅|办公室|办)?$")
_EN_BODY = re.compile(r"^(?:(?!and |in |of the |for |did |does |do |has |have |had |was |were |receive|get |got )"
                      r"[a-z'\-]+ ){0,4}(?:bureau|commission|department|administration|committee|agency|authority|"
                      r"center|centre|office|ministry)s?\b")
_EN_CENTRAL = re.compile(r"\b(?:ministry of (?:[a-z]+)(?: and [a-z]+)?|state council(?: [a-z]+)?|"
                         r"national [a-z ]{2,40}?(?:administration|commission|bureau))\b")
_GOVERNMENT = {"government": "general_office", "general_office": "government"}
_GAP = re.compile(r"^(?:\s|'s|’s)*$")


@dataclass
class Unknown:
    """A name that reads as a body or a place but matches nothing in the database."""

    text: str
    kind: str  # place, agency, central, township
    region: Region | None = None  # the known place it lies in (上杭县 for 上杭县公安局)
    start: int = 0


@dataclass
class Names:
    agencies: list[list[str]] = field(default_factory=list)  # each mention: its candidate agency ids
    regions: list[list[Region]] = field(default_factory=list)
    unknown: list[Unknown] = field(default_factory=list)
    mention_text: dict[int, str] = field(default_factory=dict)
    kinds: list[tuple[str, bool]] = field(default_factory=list)  # a kind of body asked about (部门), and if negated
    covered: list[tuple[int, int]] = field(default_factory=list)  # the text read as names


def _level_of(a: Agency) -> str:
    return "county" if a.county else "city" if a.city else "province"


def within(r: Region, outer: Region) -> bool:
    return (r.province == outer.province and (outer.city is None or r.city == outer.city)
            and (outer.county is None or r.county == outer.county))


def agency_in(a: Agency, r: Region) -> bool:
    return a.province == r.province and (r.city is None or a.city == r.city) and (r.county is None or a.county == r.county)


@dataclass
class _Word:
    start: int
    end: int
    text: str
    meanings: list[tuple[str, object]]

    def of(self, *kinds: str) -> list:
        return [v for k, v in self.meanings if k in kinds]


def _words(tokens: list[Token]) -> list[_Word]:
    words: dict[tuple[int, int], _Word] = {}
    for t in tokens:
        w = words.setdefault((t.start, t.end), _Word(t.start, t.end, t.text, []))
        w.meanings.append((t.kind, t.value))
    return sorted(words.values(), key=lambda w: w.start)


def _adjacent(text: str, a: int, b: int) -> bool:
    return a <= b and bool(_GAP.match(text[a:b]))


_OUTER_GAP = re.compile(r"^\s*(?:,|in|of|in the|of the)\s*$")


def _outer_after(text: str, chain: list[_Word], nxt: _Word) -> bool:
    """An English name's next place, after a comma, in or of, is the place that holds it."""
    if not nxt.of("region", "place") or nxt.of("agency") or not _OUTER_GAP.match(text[chain[-1].end:nxt.start]):
        return False
    inner = chain[0].of("region", "place")
    return any(within(r, o) and r != o for r in inner for o in nxt.of("region", "place"))


def _chain_regions(chain: list[_Word]) -> tuple[list[Region], list[Region], Region | None]:
    """The database regions the chain can name (innermost), the gazetteer places it can name, and the
    deepest database region that is certainly part of it."""
    options = [[(r, True) for r in w.of("region")] + [(r, False) for r in w.of("place")] for w in chain]
    db_inner, other_inner, known = [], [], None
    for combo in itertools.product(*options):
        if all(within(combo[i + 1][0], combo[i][0]) and combo[i + 1][0] != combo[i][0] for i in range(len(combo) - 1)):
            if all(in_db for _, in_db in combo):
                db_inner.append(combo[-1][0])
            else:
                other_inner.append(combo[-1][0])
                prefix = [r for r, in_db in itertools.takewhile(lambda x: x[1], combo)]
                if prefix and (known is None or len(prefix) > 0):
                    known = prefix[-1]
    if not db_inner and not other_inner:  # places that do not nest: 南昌市 西湖区 (Hangzhou's)
        firsts = [r for r, in_db in options[0] if in_db]
        known = firsts[0] if len(firsts) == 1 else None
    return list(dict.fromkeys(db_inner)), list(dict.fromkeys(other_inner)), known


def _agencies_of_kind(idx: Index, region: Region, kind: str) -> list[str]:
    return [a.id for a in idx.agencies.values() if a.kind == kind and agency_in(a, region) and _level_of(a) == region.level]


def _body_agencies(idx: Index, region: Region | None, body: str) -> list[str]:
    """Agencies (in the region, if one is given) whose name ends with the body's name or starts, after
    the place, with it (行政服务中心 for 行政服务中心管委会)."""
    body = body.removeprefix("的")
    out = []
    for a in idx.agencies.values():
        if region is not None and not agency_in(a, region):
            continue
        rest = _strip_places(a)
        if a.name.endswith(body) or rest.startswith(body) or (len(body) >= 4 and body in rest):
            out.append(a.id)
    return out


def _strip_places(a: Agency) -> str:
    name = a.name
    for p in (a.province, a.city, a.county):
        if p and name.startswith(p):
            name = name[len(p):]
    return name


def resolve(text: str, tokens: list[Token], idx: Index, lang: str) -> Names:
    """Agencies, regions and unknown names of a (normalized, masked) question."""
    out = Names()
    words = _words(tokens)
    used: set[int] = set()
    k = 0
    while k < len(words):
        w = words[k]
        if k in used:
            k += 1
            continue
        if w.of("region", "place") and not w.of("agency"):
            chain, j = [w], k + 1
            while j < len(words) and words[j].of("region", "place") and not words[j].of("agency") \
                    and _adjacent(text, chain[-1].end, words[j].start):
                chain.append(words[j])
                j += 1
            # Gulou District in Fuzhou, Gulou District, Nanjing: the place it lies in, written after it
            while lang == "en" and j < len(words) and _outer_after(text, chain, words[j]):
                chain.insert(0, words[j])
                j += 1
            used.update(range(k, j))
            _read_chain(out, text, chain, words, j, used, idx, lang)
            k = j
            continue
        if w.of("agency"):
            mention = list(dict.fromkeys(w.of("agency")))
            out.agencies.append(mention)
            out.mention_text[id(mention)] = w.text
            out.covered.append((w.start, w.end))
        elif w.of("central"):
            tail = _tail(text, w.end, words, k + 1)
            end = w.end + len(tail[0]) if tail[0] else (tail[1].end if tail[1] is not None else w.end)
            if tail[1] is not None:
                used.add(words.index(tail[1]))
            out.unknown.append(Unknown(text[w.start:end], "central", None, w.start))
            out.covered.append((w.start, end))
        elif w.of("body"):
            found = _body_agencies(idx, None, w.of("body")[0])
            if found:
                mention = list(dict.fromkeys(found))
                out.agencies.append(mention)
                out.mention_text[id(mention)] = w.text
            else:
                out.unknown.append(Unknown(w.text, "agency", None, w.start))
            out.covered.append((w.start, w.end))
        elif w.of("kind"):
            before = text[max(0, w.start - 6):w.start]
            negated = bool(re.search(r"(?:不是|而不是|除了|并非|非|not(?: an?| the)?|other than)\s*$", before))
            listed = w.of("kind")[0] == "department" and _LISTED.search(text[max(0, w.start - 24):w.start])
            if negated or listed or re.search(r"(?:是|属于|为|\bare|\bis|\bas)\s*$", before):
                out.kinds.append((w.of("kind")[0], negated))
        k += 1
    _unread_names(out, text, tokens, idx, lang)
    _distribute_kinds(out, text, words, idx)
    return out


def _tail(text: str, end: int, words: list[_Word], j: int) -> tuple[str, _Word | None]:
    """What follows a name: a body read from unread text (公安局), or the next word if it adjoins."""
    nxt = words[j] if j < len(words) else None
    if nxt is not None and _adjacent(text, end, nxt.start):
        return "", nxt
    stop = nxt.start if nxt is not None else len(text)
    run = text[end:stop]
    m = _BODY.match(run)
    if m and not re.search(r"[\s,，。？?！!；;：:]", m.group(0)):
        return m.group(0), None
    m = _TOWNSHIP.match(run)
    if m:
        return m.group(1), None
    return "", None


def _read_chain(out: Names, text: str, chain: list[_Word], words: list[_Word], j: int, used: set[int],
                idx: Index, lang: str) -> None:
    db, other, known = _chain_regions(chain)
    start, end = min(w.start for w in chain), max(w.end for w in chain)
    body_text, nxt = _tail(text, end, words, j)
    kind = None
    body_agencies: list[str] | None = None
    if nxt is not None and nxt.of("kind") and not nxt.of("region", "place"):
        kind = nxt.of("kind")[0]
        used.add(j)
        body_end = nxt.end
    elif nxt is not None and nxt.of("body"):
        body = nxt.of("body")[0]
        used.add(j)
        body_end = nxt.end
        body_text = body
        body_agencies = _body_agencies(idx, db[0], body) if len(db) == 1 else []
    elif nxt is not None and nxt.of("agency") and len(db) >= 1:
        # 江西省上犹县政府办: the places narrow the agency named after them
        inside = [a for a in nxt.of("agency") if any(agency_in(idx.agencies[a], r) for r in db)]
        used.add(j)
        mention = list(dict.fromkeys(inside or nxt.of("agency")))
        if inside:
            out.agencies.append(mention)
            out.mention_text[id(mention)] = text[start:nxt.end]
        else:
            out.unknown.append(Unknown(text[start:nxt.end], "agency", db[0] if len(db) == 1 else None, start))
        out.covered.append((start, nxt.end))
        return
    elif body_text:
        body_end = end + len(body_text)
        if re.search(r"(?:街道|镇|乡)$", body_text):
            out.unknown.append(Unknown(text[start:body_end], "township", db[0] if len(db) == 1 else known, start))
            out.covered.append((start, body_end))
            return
        body_agencies = _body_agencies(idx, db[0], body_text) if len(db) == 1 else []
    else:
        body_end = end
    name = text[start:body_end]
    out.covered.append((start, body_end))
    if lang == "en" and len(db) > 1:  # the Gulou District government office in Nanjing
        after = next((i for i in range(j, len(words)) if words[i].start >= body_end), None)
        if after is not None and after not in used and _OUTER_GAP.match(text[body_end:words[after].start]):
            inside = [r for r in db if any(within(r, o) and r != o for o in words[after].of("region"))]
            if inside and not words[after].of("agency"):
                db = inside
                used.add(after)
                out.covered.append((body_end, words[after].end))
    if not db:
        out.unknown.append(Unknown(name, "agency" if (kind or body_text) else "place", known, start))
        return
    if kind is not None:
        found = [a for r in db for a in _agencies_of_kind(idx, r, kind)]
        if not found and kind in _GOVERNMENT:  # 长沙县政府 when only its general office reports, and back
            found = [a for r in db for a in _agencies_of_kind(idx, r, _GOVERNMENT[kind])]
        if found:
            mention = list(dict.fromkeys(found))
            out.agencies.append(mention)
            out.mention_text[id(mention)] = name
        else:
            out.unknown.append(Unknown(name, "agency", db[0] if len(db) == 1 else None, start))
        return
    if body_agencies is not None:
        if body_agencies:
            mention = list(dict.fromkeys(body_agencies))
            out.agencies.append(mention)
            out.mention_text[id(mention)] = name
        else:
            out.unknown.append(Unknown(name, "agency", db[0] if len(db) == 1 else None, start))
        return
    mention = list(db)
    out.regions.append(mention)
    out.mention_text[id(mention)] = name


def _unread_names(out: Names, text: str, tokens: list[Token], idx: Index, lang: str) -> None:
    """Names in text no word claims: a township (临江镇), a body without a place (教育局), a central body."""
    covered = [False] * len(text)
    for t in tokens:
        for i in range(t.start, t.end):
            covered[i] = True
    for a, b in out.covered:
        for i in range(a, min(b, len(text))):
            covered[i] = True
    if lang == "en":
        for m in _EN_CENTRAL.finditer(text):
            if not any(covered[m.start():m.end()]):
                out.unknown.append(Unknown(m.group(0), "central", None, m.start()))
        # a Chinese name written in an English question (Shangyou 教育局) is read as in a Chinese one
    for m in re.finditer(r"[\u4e00-\u9fff]+", "".join(c if not covered[i] else " " for i, c in enumerate(text))):
        run, start = m.group(0), m.start()
        if _ASKING.search(run):  # 制定了几部: a question's words, never a name
            continue
        lead = _LEAD.match(run)
        if lead:  # 来自省级单位: the verb before a name is no part of it
            run, start = run[lead.end():], start + lead.end()
            if not run:
                continue
        t = _TOWNSHIP.match(run)
        if t and not _before_kind_only(text, start + t.end(), tokens):
            out.unknown.append(Unknown(t.group(1), "township", None, start))
            continue
        if t:
            out.unknown.append(Unknown(t.group(1) + _kind_after(text, start + t.end(), tokens), "township", None, start))
            continue
        end = start + len(run)
        if end < len(text) and text[end] in "省市县区旗" and not _PLACE_RUN.match(run):
            run, end = run + text[end], end + 1  # 台湾 + 省, the suffix read as a word of its own (各省)
        place = _PLACE_RUN.match(run)
        if place and place.group(1) == run.strip("的"):  # 台湾省, 赵县…: a place the gazetteer does not list
            out.unknown.append(Unknown(place.group(1) + _kind_after(text, end, tokens), "place", None, start))
            continue
        if _CENTRAL_RUN.match(run) and len(run) >= 3:
            out.unknown.append(Unknown(run + _kind_after(text, start + len(run), tokens), "central", None, start))
            continue
        body = _BODY.match(run)
        if body and body.group(1) == run.strip("的") and len(body.group(1)) >= 3:
            found = _body_agencies(idx, None, body.group(1))
            if found:
                mention = list(dict.fromkeys(found))
                out.agencies.append(mention)
                out.mention_text[id(mention)] = body.group(1)
            else:
                out.unknown.append(Unknown(body.group(1), "agency", None, start))


def _kind_after(text: str, end: int, tokens: list[Token]) -> str:
    t = next((t for t in tokens if t.start == end and t.kind == "kind"), None)
    return t.text if t else ""


def _before_kind_only(text: str, end: int, tokens: list[Token]) -> bool:
    return any(t.start == end and t.kind == "kind" for t in tokens)


def _distribute_kinds(out: Names, text: str, words: list[_Word], idx: Index) -> None:
    """上杭县和上犹县政府办: a place joined to an agency named by its kind is that kind of body too."""
    if not out.regions or not out.agencies:
        return
    kinds = {idx.agencies[a].kind for m in out.agencies for a in m}
    if len(kinds) != 1:
        return
    kind = next(iter(kinds))
    for mention in list(out.regions):
        name = out.mention_text.get(id(mention), "")
        pos = text.find(name)
        after = text[pos + len(name):pos + len(name) + 8] if pos >= 0 else ""
        if not re.match(r"^\s*(?:和|与|及|、|跟|同|and|or)", after):
            continue
        found = [a for r in mention for a in _agencies_of_kind(idx, r, kind)]
        if len(found) == 1:
            out.regions.remove(mention)
            out.agencies.insert(0, found)
            out.mention_text[id(found)] = name


_GENERIC = re.compile(r"人民政府办公室|人民政府办公厅|人民政府|政府办|办公室|办公厅|委员会|管委会|[省市区县镇乡]")


def _core(name: str) -> set[str]:
    """The pairs of characters that tell a name apart: 上杭, 公安 of 上杭县公安局 (not 县公, 政府)."""
    out = set()
    for piece in _GENERIC.split(name):
        out |= {piece[i:i + 2] for i in range(len(piece) - 1)}
    return out


def _labels(idx: Index) -> list[tuple[Agency, str, set[str]]]:
    """Every agency with its qualified name and the distinctive pairs of it, worked out once per index."""
    if idx.labels is None:
        idx.labels = [(a, qualified_name(a), _core(qualified_name(a))) for a in idx.agencies.values()]
    return idx.labels


def closest(u_text: str, unknown: Unknown, idx: Index, n: int = 5) -> list[str]:
    """The database's names nearest an unknown one: the agencies of its place, then those that share a
    distinctive part of its name (南昌市西湖区 → 杭州市西湖区人民政府, 南昌市人民政府办公室)."""
    target = _core(unknown.text)
    scored = []
    for a, label, core in _labels(idx):
        score = len(target & core)
        if unknown.region is not None and agency_in(a, unknown.region):
            score += 10 + (unknown.region.level == _level_of(a))
        if score:
            scored.append((-score, label))
    scored.sort()
    return [label for _, label in scored[:n]]
