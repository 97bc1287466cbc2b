"""Names a question can use, read from the database: agencies (and their short forms), regions, years.

One `Index` per database file, built on first use: the agencies that have
reports, every short form a person writes for them (上犹县政府办, 上犹县府办,
上犹县政府办公室 for 上犹县人民政府办公室), the regions that have reports with
their short forms (江西, 赣州, 上犹) and English names in pinyin (Jiangxi,
Shangyou County), and the years present. The matcher finds the longest known
word at each place in a question; words it cannot place are tried by their
pinyin, which is how 申清 (a slip of the pinyin keyboard) is read as 申请.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache

from .lexicon import Lexicon, lexicon

_PROVINCE_SUFFIX = re.compile(r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
_UNIT_SUFFIX = re.compile(r"(?:自治县|自治州|自治旗|林区|特区|地区|市|县|区|旗|盟)$")
_EN_SUFFIX = {"省": "province", "市": "city", "县": "county", "区": "district", "旗": "banner", "州": "prefecture",
              "盟": "league", "自治区": "autonomous region"}
_EN_OVERRIDES = {"陕西": "shaanxi", "内蒙古": "inner mongolia", "西藏": "tibet", "香港": "hong kong",
                 "澳门": "macau"}
_ALIASES = (
    (re.compile(r"人民政府办公室$"), ("政府办公室", "政府办", "府办")),
    (re.compile(r"人民政府办公厅$"), ("政府办公厅", "办公厅")),
    (re.compile(r"人民政府$"), ("政府",)),
    (re.compile(r"管理委员会$"), ("管委会",)),
    (re.compile(r"管委会$"), ("管理委员会",)),
    (re.compile(r"街道办事处$"), ("街道办", "街道")),
)


# the state's own bodies (国务院办公厅, 国家税务总局): named before a body, never a place
CENTRAL_WORDS = ("国务院", "国家", "中华人民共和国", "中央")


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    province: str | None
    city: str | None
    county: str | None
    level: str | None
    kind: str | None


@dataclass(frozen=True)
class Region:
    level: str  # province / city / county
    province: str
    city: str | None
    county: str | None

    @property
    def name(self) -> str:
        return self.county or self.city or self.province

    @property
    def full(self) -> str:
        return "".join(p for p in (self.province, self.city, self.county) if p)


@dataclass
class Token:
    kind: str  # measure, applicant, outcome, active_measure, section, level, cue, agency, region, kind
    value: object
    start: int
    end: int
    text: str
    corrected_from: str | None = None


@dataclass
class Index:
    years: list[int] = field(default_factory=list)
    agencies: dict[str, Agency] = field(default_factory=dict)
    zh: dict[str, list[tuple[str, object]]] = field(default_factory=dict)
    en: dict[str, list[tuple[str, object]]] = field(default_factory=dict)
    max_zh: int = 1
    max_en: int = 1
    has_totals: bool = False  # the site's summary table request_totals is there
    has_figures: bool = False  # and report_figures
    has_appeal_totals: bool = False  # and appeal_totals (table 4 added up)
    _pinyin: dict | None = None
    _english: set | None = None
    by_name: dict[str, list[str]] = field(default_factory=dict)
    labels: list | None = None  # (agency, qualified name, its distinctive pairs), for the closest names (names.py)

    @property
    def newest(self) -> int | None:
        return self.years[-1] if self.years else None

    @property
    def oldest(self) -> int | None:
        return self.years[0] if self.years else None

    def add(self, lang: str, word: str, meaning: tuple[str, object]) -> None:
        table = self.zh if lang == "zh" else self.en
        meanings = table.setdefault(word, [])
        if meaning not in meanings:
            meanings.append(meaning)

    def ids_named(self, name: str) -> list[str]:
        """The agencies of this name, as the reports or the agencies table give it (an answer's row names
        its agency by the reports' agency_name)."""
        return self.by_name.get(name, [])

    def english_words(self) -> set[str]:
        """The single English words the index knows (five letters or more), for reading misspellings."""
        if self._english is None:
            self._english = {w for w in self.en if " " not in w and len(w) >= 5 and w.isalpha()}
        return self._english

    # -- matching -----------------------------------------------------------

    def scan(self, text: str) -> list[Token]:
        """The known words of a text: the reading that leaves the fewest characters unread, then the one with
        the fewest (so the longest) words. Chinese is read by characters, English by whole words. The best
        reading, not the longest word first: 平利县政府办 + 和 is not 和平 + 利县….
        """
        n = len(text)
        # best[i] = (characters left unread, words) for text[i:], and the step taken at i
        best: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        step: list[tuple[int, list[Token]]] = [(1, [])] * (n + 1)
        for i in range(n - 1, -1, -1):
            c = text[i]
            if "a" <= c <= "z" and (i == 0 or not text[i - 1].isalpha()):
                end = i
                while end < n and (text[end].isalpha() or text[end] in "'-"):
                    end += 1
                options = [((best[end][0] + end - i, best[end][1]), end, [])]
                for tokens in self._scan_en_all(text, i):
                    e = tokens[0].end
                    options.append(((best[e][0], best[e][1] + 1), e, tokens))
            else:
                unread = 0 if c in " ,.?!，。？！、；;:：\"'“”（）()" else 1
                options = [((best[i + 1][0] + unread, best[i + 1][1]), i + 1, [])]
                for length in range(min(self.max_zh, n - i), 0, -1):
                    meanings = self.zh.get(text[i:i + length])
                    if meanings:
                        e = i + length
                        options.append(((best[e][0], best[e][1] + 1), e,
                                        [Token(k, v, i, e, text[i:e]) for k, v in meanings]))
            cost, end, tokens = min(options, key=lambda o: o[0])
            best[i], step[i] = cost, (end, tokens)
        out: list[Token] = []
        i = 0
        while i < n:
            end, tokens = step[i]
            out.extend(tokens)
            i = end
        return out

    def _scan_en_all(self, text: str, i: int) -> list[list[Token]]:
        """Every English phrase the lexicon knows that starts at i (longest first)."""
        words = list(re.finditer(r"[a-z][a-z'\-]*\.?|\d+", text[i:i + 120]))
        found = []
        for count in range(min(self.max_en, len(words)), 0, -1):
            span = words[:count]
            if any(text[i + a.end():i + b.start()].strip() for a, b in zip(span, span[1:])):
                continue
            phrase = " ".join(w.group().rstrip(".") for w in span)
            meanings = self.en.get(phrase) or self.en.get(_EN_SAME.sub(lambda m: _EN_SAME_AS[m.group()], phrase))
            if meanings:
                end = i + span[-1].end()
                found.append([Token(k, v, i, end, text[i:end]) for k, v in meanings])
        return found

    def pinyin_index(self) -> dict[tuple[str, ...], set[str]]:
        """Pinyin (no tones) of every Chinese word of two or more characters → the words."""
        if self._pinyin is None:
            index: dict[tuple[str, ...], set[str]] = {}
            for word in self.zh:
                if 2 <= len(word) <= 12 and all("\u3400" <= ch <= "\u9fff" for ch in word):
                    index.setdefault(sounds(word), set()).add(word)
            self._pinyin = index
        return self._pinyin

    def correct(self, text: str, tokens: list[Token], protect: list[tuple[int, int]] = ()) -> list[tuple[int, int, str]]:
        """Runs of Chinese characters no word covers, read by their pinyin: (start, end, the word meant).
        A piece starts where no word does and may run on over the words after it (节转 + 下年度 → 结转下年度);
        the protected spans (a body's name: 行政服务中心) are left as written."""
        covered = [False] * len(text)
        ends = set()
        for t in tokens:
            ends.add(t.end)
            for k in range(t.start, t.end):
                covered[k] = True
        for a, b in protect:
            for k in range(a, b):
                covered[k] = True
                ends.discard(k + 1)
        fixes = []
        index = None
        for m in re.finditer(r"[\u3400-\u9fff]{2,}", text):
            a, b = m.span()
            i = a
            while i < b - 1:
                if covered[i]:
                    i += 1
                    continue
                found = None
                for length in range(min(8, b - i), 1, -1):
                    piece = text[i:i + length]
                    if covered[i + length - 1] and (i + length) not in ends or any(
                            a <= k < b_ for k in range(i, i + length) for a, b_ in protect):
                        continue
                    index = index if index is not None else self.pinyin_index()
                    words = index.get(sounds(piece))
                    if words and len(words) == 1:
                        word = next(iter(words))
                        # a slip of the keyboard keeps most of the word: 申清 for 申请, never 里有 for 理由
                        same = sum(a == b for a, b in zip(word, piece))
                        if word != piece and 2 * same >= len(word):
                            found = (i, i + length, word)
                            break
                if found:
                    fixes.append(found)
                    i = found[1]
                else:
                    i += 1
        return fixes


# English words a phrase may use for the lexicon's own (repeated applications is repeated requests)
_EN_SAME_AS = {"application": "request", "applications": "requests", "applicant requests": "requests"}
_EN_SAME = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _EN_SAME_AS), key=len, reverse=True)) + r")\b")


@lru_cache(maxsize=20000)
def pinyin(word: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(word))


_FUZZY = ((re.compile(r"^([zcs])h"), r"\1"), (re.compile(r"ng$"), "n"))


@lru_cache(maxsize=20000)
def sounds(word: str) -> tuple[str, ...]:
    """Pinyin as a keyboard slips: zh/z, ch/c, sh/s and -ng/-n read alike (乡村振新 sounds like 乡村振兴)."""
    out = []
    for syllable in pinyin(word):
        for pattern, repl in _FUZZY:
            syllable = pattern.sub(repl, syllable)
        out.append(syllable)
    return tuple(out)


def english_names(name: str, stem: str, bare: bool = True) -> list[str]:
    """English names of a region: Jiangxi, Jiangxi Province, Shangyou County, Ganzhou, Ganzhou City.
    bare=False leaves out the name without its suffix when it is short enough to be an English word."""
    base = _EN_OVERRIDES.get(stem) or "".join(pinyin(stem))
    suffix = name[len(stem):]
    names = [base] if bare or len(base) >= 5 else []
    if suffix in _EN_SUFFIX:
        names.append(f"{base} {_EN_SUFFIX[suffix]}")
    if suffix == "市":
        names.append(f"{base} municipality")
    return names


def stem_of(name: str, level: str) -> str:
    if level == "province":
        return _PROVINCE_SUFFIX.sub("", name) or name
    stem = _UNIT_SUFFIX.sub("", name)
    return stem if len(stem) >= 2 else name


def qualified_name(a: Agency) -> str:
    """The name with the places that tell it from its namesakes: 福州市鼓楼区人民政府办公室."""
    prefix = "".join(p for p in (a.province, a.city) if p and not a.name.startswith(p))
    return prefix + a.name if a.county or a.city and not a.name.startswith(a.city) else a.name


def agency_aliases(name: str, province: str | None, city: str | None) -> set[str]:
    """The forms a person writes an agency's name in: 上犹县政府办 for 上犹县人民政府办公室, and so on."""
    forms = {name}
    for prefix in (city, province, (province or "") + (city or "")):
        if prefix and not name.startswith(prefix) and not name.startswith((province or "-"), ):
            forms.add(prefix + name)
    for prefix in (province, city, province and stem_of(province, "province")):
        for f in list(forms):
            if prefix and f.startswith(prefix) and len(f) > len(prefix) + 2:
                forms.add(f[len(prefix):])
    for f in list(forms):
        for pattern, replacements in _ALIASES:
            if pattern.search(f):
                forms.update(pattern.sub(r, f) for r in replacements)
    return {f for f in forms if len(f) >= 3}


def build_index(conn: sqlite3.Connection) -> Index:
    lex: Lexicon = lexicon()
    idx = Index()
    columns = {r[1] for r in conn.execute("select * from pragma_table_info('request_totals')")}
    idx.has_totals = {"year", "province", "level", "row_key", "reports", "total"} <= columns
    columns = {r[1] for r in conn.execute("select * from pragma_table_info('appeal_totals')")}
    idx.has_appeal_totals = {"year", "province", "level", "proceeding", "reports", "total"} <= columns
    columns = {r[1] for r in conn.execute("select * from pragma_table_info('report_figures')")}
    idx.has_figures = {"report_id", "agency_id", "agency_name", "year", "province", "city", "county", "level",
                       "new_received", "review_total", "litigation_total", "fees_10k_yuan"} <= columns
    idx.years = [r[0] for r in conn.execute("select distinct year from reports where year is not null order by year")]
    for row in conn.execute(
            "select a.id, a.name, a.province, a.city, a.county, a.level, a.kind from agencies a "
            "where a.id in (select agency_id from reports)"):
        idx.agencies[row[0]] = Agency(*row)
    printed: dict[str, set[str]] = {}
    for agency_id, name, as_printed in conn.execute(
            "select distinct agency_id, agency_name, agency_name_as_printed from reports where agency_id is not null"):
        printed.setdefault(agency_id, set()).update(n for n in (name, as_printed) if n)
    for agency in idx.agencies.values():
        for name in {agency.name} | printed.get(agency.id, set()):
            idx.by_name.setdefault(name, []).append(agency.id)

    region_words: set[str] = set()
    regions: set[Region] = set()
    for province, city, county in conn.execute("select distinct province, city, county from reports "
                                               "where province is not null"):
        regions.add(Region("province", province, None, None))
        if city:
            regions.add(Region("city", province, city, None))
        if county:
            regions.add(Region("county", province, city, county))
    for region in regions:
        stem = stem_of(region.name, region.level)
        for word in {region.name, stem, region.full}:
            if len(word) >= 2 and word not in lex.zh:
                idx.add("zh", word, ("region", region))
                region_words.add(word)
        for word in english_names(region.name, stem):
            idx.add("en", word, ("region", region))

    for agency in idx.agencies.values():
        names = {agency.name} | printed.get(agency.id, set())
        for name in names:
            for alias in agency_aliases(name, agency.province, agency.city):
                if alias not in region_words and alias not in lex.zh:
                    idx.add("zh", alias, ("agency", agency.id))

    for lang, table in (("zh", lex.zh), ("en", lex.en)):
        for word, meanings in table.items():
            for m in meanings:
                idx.add(lang, word, m)
    # places with no report: a question naming one is told so (places.py)
    from .places import gazetteer

    for lang, word, region in gazetteer():
        table = idx.zh if lang == "zh" else idx.en
        if region not in regions and word not in lex.zh and word not in lex.en and \
                not any(k == "agency" for k, _ in table.get(word, ())):
            idx.add(lang, word, ("place", region))
    for word in CENTRAL_WORDS:
        if word not in idx.zh:
            idx.add("zh", word, ("central", word))
    idx.max_zh = max(map(len, idx.zh), default=1)
    idx.max_en = max((w.count(" ") + 1 for w in idx.en), default=1)
    return idx
