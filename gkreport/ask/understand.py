"""Reading one question: its years, names, figures, fields, filters and the words that shape it.

`understand()` reads the normalized question in passes, each masking what it read so the next does
not read it again: report formats (2019年版 is a format, not a year), a minimum base (不少于30件),
years, quoted words, a limit (前10名); then the known words of the names index (the report
format's terms, the database's names, the gazetteer's places), slips of the keyboard corrected by
their pinyin (申清 → 申请) or spelling (requets → requests); then the names (names.py), and what is
left: the figure asked about, its applicant or outcome, a report field, a filter, a rate, the cue
words, and the families of questions the reports cannot answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import template as T
from .entities import Index, Region, Token
from .lexicon import Measure, lexicon
from .names import Unknown, resolve
from .text import NUMBER, Years, cn_number, normalize, parse_years

_LIMIT = re.compile(rf"(?:排名前|排前|前|top|first|the top)\s*({NUMBER})\s*(?:名|个|位|家|强|大)?(?![年\d])"
                    rf"|(?<![\d年哪])({NUMBER})\s*(?:个|家|名)(?=单位|部门|机关|省份|省|城市|市|区县|县)")
_QUOTED = re.compile(r"[「“\"『‘']([^」”\"』’']{1,40})[」”\"』’']")
_STOP_TAIL = re.compile(r"(?:的报告|的年报|报告|的内容|内容|的情况|情况|这方面|这一方面|方面|这一块|这块|相关|的事情|的事|的|了|吗|呢|过|没有|有哪些|哪些|是哪些)+$")
_STOP_HEAD = re.compile(r"^(?:了|过|到|及|有|关于|有关|的)+")
_EN_STOP = {"the", "a", "an", "which", "what", "reports", "report", "of", "in", "their", "text", "do", "does", "any",
            "how", "many", "and", "or", "about", "that", "those", "its", "say", "says", "are", "is", "was", "were",
            "from", "these", "them", "only", "also", "with", "for", "to", "by", "at", "on", "did", "has", "have", "had",
            "be", "been", "it", "this", "there", "all", "much", "get", "got", "give", "given", "show", "tell", "me",
            "please", "list", "year", "years", "one", "ones", "each", "per", "than", "who", "whom", "whose", "when",
            "where", "why", "can", "could", "would", "should", "will", "our", "your", "they", "them", "out"}
# 2019年版, 2021 format, 表三…2019年版: a format of the report, never a year
_TEMPLATE = re.compile(r"(?:(表\s*[二三]|table\s*[23])[^，,。？?]{0,12}?)?(?<!\d)(2019|2021)\s*年?\s*(?:的)?(?:新|旧|老)?(?:版|版本|格式|模板|式样|format|template|version)")
_TEMPLATE_WORDS = {"新格式": "2021", "新版格式": "2021", "旧格式": "2019", "旧版格式": "2019", "试行格式": "2019"}
# 不少于30件, 至少30件, at least 30 cases: the smallest denominator a ranking by a rate counts
# 不少于30件, 至少30件, 超过30件, at least 30 cases: a threshold — the smallest denominator of a ranking by a
# rate, or the smallest figure of a list (收到申请超过30件的单位)
_AT_LEAST = re.compile(r"(?:办理总计|总计|基数|分母|办理量|办件)?\s*(?:(不少于|不低于|至少|大于等于|≥|>=|满)|(超过|多于|大于|高于|>))"
                       r"\s*(\d+)\s*(?:件|个|份)?(?:以上)?"
                       r"|(\d+)\s*件(?:及)?以上|(?:(at least|no fewer than|no less than)|(more than|over|above))\s+(\d+)"
                       r"\s*(?:cases|requests|processed)?|minimum(?: base)? of\s+(\d+)")
# carried over into 2024 / 结转到2024年: the report of the year before
_INTO_YEAR = re.compile(r"(carr(?:y|ied) (?:over|forward) (?:in)?to|结转(?:到|至|入))\s*(\d{4})\s*年?")
_PREVIOUS_YEAR = re.compile(r"比上一?年(?:度)?|(?:than|on|from) the previous year|year[- ]on[- ]year")
_REPORT_ID = re.compile(r"(?<![0-9a-z])[0-9a-f]{16}(?![0-9a-z])")
_DOC_NUMBER = re.compile(r"[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*\d+\s*号?")
_CARRIED = re.compile(r"从?上一?年度?(?=结转|转结|转来|遗留|剩余|剩下|未办结|没办完)")
_SHIFT = re.compile(r"(第二年|次年|后一年|the year after|the following year|a year later)"
                    r"|(?<![转到至入])(前一年|头一年|the year before|a year earlier)")
_SINGULAR = re.compile(r"哪个|哪一个|哪家|哪一家|哪一年|哪年|哪个省|哪座|哪份|哪一份|是谁|谁(?:最|更)|"
                       r"\bwhich (?:agency|province|city|county|district|year|department|office|body|government|region|one)\b"
                       r"|\bwho\b|\bwhat (?:agency|province|city|year|report)\b|\bwhich report\b"
                       r"|\bwhat (?:was|is) the (?:most|main|largest|biggest|highest|lowest|least|top)\b")
_PLURAL = re.compile(r"哪些|哪几|前\s*\d|前[一二三四五六七八九十两]|\btop\b|\bwhich (?:agencies|provinces|cities|counties|"
                     r"districts|years|departments|offices|bodies)\b")
_DEICTIC = re.compile(r"(?:我们|咱们|俺们|我|咱|本)(?:这个|这)?(?:省|市|县|区|镇|乡|街道)(?!政府|人民政府|委|局|级)"
                      r"|\b(?:our|my) (?:province|city|county|district|town|township)\b")
_DEICTIC_LEVEL = {"省": "province", "市": "city", "县": "county", "区": "county"}
_WHICH_REASONS = re.compile(r"(?:什么|哪些|哪几[种类个]?|哪种)(?:理由|原因|情形)|(?:理由|原因)(?:都)?(?:是什么|有哪些|是哪些)"
                            r"|\b(?:what|which) (?:reasons|grounds)\b|\bon what grounds\b")
_SEVERITY = {"error": re.compile(r"(?<![a-z])errors?(?![a-z])|错误"), "warning": re.compile(r"(?<![a-z])warnings?(?![a-z])|警告"),
             "info": re.compile(r"(?<![a-z])info(?![a-z])|提示|信息级")}
_EXISTS = re.compile(r"有没有|有无|是否有|是否存在|\b(?:are there|is there)\b")
_RANK_ALL = re.compile(r"排名|排序|排个序|排行|排一下|各省|各市|各县|各区县|各地|每个省|每个城市|每个县|\brank(?:ed|ing|s)?\b"
                       r"|\b(?:by|each|every|per) (?:province|city|county|agency)\b")
# the words that shape a question, which a follow-up keeps when it says nothing of its shape
SHAPE_CUES = {"trend", "rank_desc", "rank_asc", "compare", "share", "average", "breakdown", "results", "applicants",
              "list", "count", "how_many", "zero", "group_agency", "group_province", "group_city", "group_county",
              "group_year", "group_level", "total", "reports", "database", "mention", "checks", "template",
              "years_word", "newest", "oldest"}
NAME_KINDS = ("agency", "region", "place", "kind", "body", "central")


@dataclass
class Understanding:
    question: str
    text: str = ""
    lang: str = "zh"
    years: Years = field(default_factory=Years)
    measure: Measure | None = None
    measures: list[Measure] = field(default_factory=list)  # every figure named, in order (several in one)
    measure_spans: list[tuple[int, int]] = field(default_factory=list)  # where each of them was named
    asked_item_measures: tuple[str, ...] = ()  # table 2's measures the question itself names (项目, 金额)
    base: Measure | None = None
    applicant: str | None = None
    applicants: list[str] = field(default_factory=list)  # every applicant type named (自然人和企业各有多少)
    applicant_spans: list[tuple[int, int]] = field(default_factory=list)
    outcome: str | None = None
    item_measures: tuple[str, ...] = ()
    agencies: list[list[str]] = field(default_factory=list)  # each mention: its candidate agency ids
    regions: list[list[Region]] = field(default_factory=list)
    mention_text: dict[int, str] = field(default_factory=dict)  # id(mention) → the words that named it
    unknown: list[Unknown] = field(default_factory=list)  # names the database lacks
    kinds: list[tuple[str, bool]] = field(default_factory=list)  # 哪些单位是部门: (kind, negated)
    level: str | None = None
    section: int | None = None
    cues: set[str] = field(default_factory=set)
    limit: int | None = None
    min_base: int | None = None
    at_least: int | None = None  # a threshold the question sets on the figure (收到申请超过30件的单位)
    terms: str | None = None  # words to search for in the narrative
    terms_span: tuple[int, int] | None = None  # where the words to search for stand in the question
    split_terms: str | None = None  # the phrase no report holds whole, when terms are its words
    topics: list[str] = field(default_factory=list)  # narrative topics named in English
    fields: list[str] = field(default_factory=list)  # report fields asked for (contact_phone …)
    filters: dict[str, Any] = field(default_factory=dict)  # status, aggregate, template, table3_template …
    rate: str | None = None  # a rate of rates.yaml
    unanswerable: list[str] = field(default_factory=list)  # why, future, opinion, not_held
    corrections: list[tuple[str, str]] = field(default_factory=list)
    leftover: list[str] = field(default_factory=list)  # words nothing recognized
    inherited: list[str] = field(default_factory=list)
    measure_defaulted: bool = False  # the figure was not named: 申请 alone, or an applicant or outcome alone
    features: set[str] = field(default_factory=set)
    into_year: int | None = None
    deictic: str = ""  # 我们县, our city: a place named only by where the asker is
    used_only: bool = False  # which reasons: those used, not every row at 0
    year_shift: int = 0  # the year after (+1) or before (-1) the one of the question before
    singular: bool = False  # 哪个单位最多, which agency: one answer, not a ranking
    rank_all: bool = False  # 排名, 排个序, rank: every body, not the first ten
    candidates: list[str] = field(default_factory=list)  # the agencies of a name chosen between
    severity: str | None = None  # the checks of one severity (How many checks are errors?)
    check_rule: str | None = None  # one check named by what it finds (逾期发布: published_late)
    report_id: str | None = None  # a report named by its id (reports.id)

    def recognized(self, idx: Index) -> dict:
        """What was understood, for the answer (and for a question that was not)."""
        out: dict[str, Any] = {}
        if self.measure:
            out["measure"] = self.measure.key
        if self.rate:
            out["rate"] = self.rate
        for k in ("applicant", "outcome", "level", "terms"):
            if getattr(self, k):
                out[k] = getattr(self, k)
        if self.agencies:
            out["agencies"] = [[idx.agencies[a].name for a in m] for m in self.agencies]
        if self.regions:
            out["regions"] = [[r.full for r in m] for m in self.regions]
        if self.unknown:
            out["unknown"] = [n.text for n in self.unknown]
        if self.years:
            out["years"] = self.years.values or [self.years.start, self.years.end]
        if self.fields:
            out["fields"] = self.fields
        if self.filters:
            out["filters"] = self.filters
        if self.corrections:
            out["corrections"] = [f"{a}→{b}" for a, b in self.corrections]
        cues = sorted(c for c in self.cues if c != "follow")
        if cues:
            out["cues"] = cues
        return out

    @property
    def has_scope(self) -> bool:
        return bool(self.agencies or self.regions or self.level)


def language(question: str) -> str:
    han = len(re.findall(r"[\u3400-\u9fff]", question))
    latin = len(re.findall(r"[A-Za-z]", question))
    return "en" if latin > 2 * han else "zh"


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        for k in range(a, b):
            chars[k] = " "
    return "".join(chars)


def _english(text: str) -> str:
    """Possessives dropped (Nanchang's Xihu District → nanchang xihu district), people's → peoples."""
    text = re.sub(r"\bpeople['’]s\b", "peoples", text)
    return re.sub(r"(?<=[a-z])['’]s\b", "", text)


def understand(question: str, idx: Index, context: dict | None = None) -> Understanding:
    from .followup import inherit

    u = Understanding(question=question, lang=language(question))
    text = normalize(question)
    if u.lang == "en" or re.search(r"[a-z]['’]s\b", text):
        text = _english(text)
    u.text = text
    masked = _read_templates(u, text)
    masked = _read_min_base(u, masked)
    rid = _REPORT_ID.search(masked)
    if rid:  # report fb295f0ceafe3f7c: the id the site and the JSON show, resolved against the database
        u.report_id = rid.group()
        masked = mask(masked, [rid.span()])
    for m in _DEICTIC.finditer(masked):  # 我们县, our city: a place the question itself does not name
        u.deictic = u.deictic or m.group()
        masked = mask(masked, [m.span()])
    m = _INTO_YEAR.search(masked)
    if m:  # carried over into 2024 is what the 2023 report carried forward
        u.into_year = int(m.group(2))
        word = "carried forward in" if u.lang == "en" else "结转下年度"
        masked = masked[:m.start()] + f" {word} {u.into_year - 1}{'' if u.lang == 'en' else '年'} " + masked[m.end():]
    # the year after / 第二年: a year counted from the one the question before was about (followup.py)
    for m in _SHIFT.finditer(masked):
        u.year_shift = 1 if m.group(1) else -1
        masked = mask(masked, [m.span()])
    # 从上一年结转过来的: table 3's row 上年结转, not the year before
    masked = _CARRIED.sub(lambda m: " " * (len(m.group()) - 2) + "上年", masked)
    # 比上一年增加了多少: the report's own change on its previous year, not the year before the newest
    # 国办函〔2020〕109号: the year of a document's number is no year asked about
    masked = _DOC_NUMBER.sub(lambda x: " " * len(x.group()), masked)
    u.years = parse_years(_PREVIOUS_YEAR.sub(lambda x: " " * len(x.group()), masked), idx.newest, idx.oldest)
    masked = mask(masked, u.years.spans)
    quoted = [q.group(1).strip() for q in _QUOTED.finditer(masked)]
    masked = re.sub(r"[「」“”\"『』‘’]", " ", masked)
    lm = _LIMIT.search(masked)
    if lm:
        u.limit = cn_number(lm.group(1) or lm.group(2))
        masked = mask(masked, [lm.span()])
    tokens = idx.scan(masked)
    fixes = idx.correct(masked, tokens, _body_runs(masked, tokens)) if re.search(r"[\u3400-\u9fff]", masked) else []
    fixes += correct_english(masked, tokens, idx, _capitalized(question))
    if fixes:
        chars = list(masked)
        for a, b, word in sorted(fixes, reverse=True):
            u.corrections.append((masked[a:b], word))
            chars[a:b] = list(word)
        masked = "".join(chars)
        tokens = idx.scan(masked)
    tokens = _narrative_terms(u, masked, tokens, quoted)
    # the words searched for name nobody (政府网站 is a topic, not a body)
    names = resolve(mask(masked, [u.terms_span]) if u.terms_span else masked, tokens, idx, u.lang)
    if u.lang == "en":
        names.unknown += _capitalized_unknowns(u.question, masked, tokens, names.covered, idx)
    u.agencies, u.regions, u.unknown = names.agencies, names.regions, names.unknown
    if u.deictic:  # 我们县…长沙的: the county of that name, not the city
        level = _DEICTIC_LEVEL.get(re.sub(r"[^省市县区]", "", u.deictic)[-1:])
        for k, mention in enumerate(u.regions):
            fits = [r for r in mention if r.level == level]
            if len(mention) > 1 and fits:
                u.regions[k] = fits
                u.mention_text[id(fits)] = u.mention_text.get(id(mention), "")
    u.mention_text, u.kinds = names.mention_text, names.kinds
    _read_tokens(u, [t for t in tokens if t.kind not in NAME_KINDS])
    u.leftover = _leftover(masked, tokens, names.covered)
    _not_held_by_shape(u)
    if context:
        inherit(u, context, idx)
    from .engine import features

    u.features = features(u, idx)
    return u


_BODY_END = re.compile(r"委员会|管委会|中心|办公室|局|委|厅|镇|乡|街道")


def _body_runs(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Runs no word covers, up to where they end like a body's or a township's name (行政服务中心 of
    行政服务中心的): kept as written, never corrected."""
    covered = [False] * len(text)
    for t in tokens:
        for k in range(t.start, t.end):
            covered[k] = True
    runs = re.finditer(r"[\u4e00-\u9fff]+", "".join(" " if covered[i] else c for i, c in enumerate(text)))
    out = []
    for m in runs:
        ends = [b.end() for b in _BODY_END.finditer(m.group())]
        if ends and ends[-1] >= 3:
            out.append((m.start(), m.start() + ends[-1]))
    return out


_NOT_NAMES = {"china", "chinese", "english", "i", "covid", "foi", "ok", "pdf", "ipv6", "prc", "please"}


def _capitalized_unknowns(question: str, text: str, tokens: list[Token], covered_spans, idx: Index) -> list[Unknown]:
    """A Capitalized word of an English question that nothing read (Taiwan, Xiong'an) is a name: one the
    database lacks, never a word to skip (a question about it must not be answered for everybody)."""
    covered = [False] * len(text)
    for a, b in [(t.start, t.end) for t in tokens] + list(covered_spans):
        for k in range(a, min(b, len(text))):
            covered[k] = True
    # the n-th time a word is written in the question is the n-th time it stands in the normalized text
    places: dict[str, list[bool]] = {}
    for m in re.finditer(r"[a-z][a-z0-9'\-]*", text):
        places.setdefault(m.group(), []).append(not any(covered[m.start():m.end()]))
    seen: dict[str, int] = {}
    out = []
    sentence_start = True
    for m in re.finditer(r"[A-Za-z][A-Za-z0-9'\-]*|[.?!]", question):
        word = m.group()
        if word in ".?!":
            sentence_start = True
            continue
        low = word.lower()
        k = seen.get(low, 0)
        seen[low] = k + 1
        unread = places.get(low, [])
        if word[0].isupper() and not sentence_start and k < len(unread) and unread[k] and low not in _EN_STOP \
                and low not in _NOT_NAMES and low not in idx.en:
            out.append(Unknown(word, "place", None, m.start()))
        sentence_start = False
    return out


# Dimensions the reports do not hold, told by how the question is put rather than by one word: requests
# sent by a channel (网上提交, by post), requests about a subject (关于征地拆迁的申请, requests concerning
# land), requests from a kind of applicant the tables do not count (来自记者的申请, requests from journalists).
_CHANNEL = re.compile(r"(?:网上|在线|线上|网络|网站|邮寄|信函|信件|来信|当面|现场|窗口|电话|传真|电子邮件|邮件)"
                      r"(?:提交|申请|提出|递交|寄送|寄来|方式|渠道)"
                      r"|\b(?:by (?:mail|post|email|e-mail|fax|phone|telephone)|over the phone|in person"
                      r"|via (?:the )?(?:website|internet|web|email|e-mail|mail|post))\b")
_SUBJECT = re.compile(r"(?:关于|涉及|有关|针对)([\u4e00-\u9fff]{2,12}?)(?:方面|问题|事项|领域)?(?:的|之)?"
                      r"(?:政府信息公开|信息公开)?申请"
                      r"|\b(?:requests?|applications?)\b(?:\s+\w+){0,2}?\s+(?:about|concerning|regarding|on|related to|"
                      r"relating to|involving|concerned|concern|concerns|involved)\s+([a-z][\w\s\-]{2,40})")
_FROM = re.compile(r"来自([\u4e00-\u9fff]{2,8}?)(?:的)?(?:申请|提出)|由([\u4e00-\u9fff]{2,8}?)(?:提出|提交)"
                   r"|\b(?:requests?|applications?|applied|filed|made)\b[^?.]{0,30}?\bfrom\s+([a-z][\w\-]+(?:\s[a-z][\w\-]+)?)")


# how many people do the work (几个人专门负责): staff, not applicants (多少人申请)
_STAFF = re.compile(r"(?:几|多少)(?:个|名|位)?(?:人|工作人员)(?:在|来)?(?:专门|专职|专人|具体)?(?:负责|从事|承担|管理?|做)")
# 申请里有多少是问征收拆迁的: requests by what they asked about
# 帮我向上杭县政府办提交一个申请, can you file a request for me: something to do, not a question of the reports
_TASK = re.compile(r"(?:帮|替|代)(?:我|忙)(?!查|看|找|问|算|数|统计|列|比|说)[^？?。，,]{0,16}?"
                   r"(?:提交|递交|写(?:一份|一封|一个|个)?(?:申请|信)|起草|投诉|举报|发送|寄出|提出申请|去申请|申请一下|申请公开)"
                   r"|\b(?:can|could|would|will) you (?:please )?(?:file|submit|send|write|draft|apply|make|lodge)\b")
_ABOUT = re.compile(r"是(?:问|关于|涉及|有关|针对|要)([\u4e00-\u9fff]{2,12}?)的")
_MONEY = re.compile(r"多少钱|金额|多少元|万元|\b(?:how much money|amount|yuan)\b")
_AMOUNT_ITEMS = ("fees", "procurement")  # the only items of table 2 with an amount
_SHAPE_OF_A_LIST = {"list", "rank_desc", "rank_asc", "count", "reports", "database", "group_agency", "group_province",
                    "group_city", "group_county", "group_year", "group_level", "mention", "checks"}


def _not_held_by_shape(u: Understanding) -> None:
    """A figure asked by a channel, a subject or a kind of applicant the tables do not count; an amount of an
    item of table 2 that counts decisions only; a total of the whole country, which the database does not cover."""
    m = u.measure
    if u.unanswerable == ["not_held.budget"] and m is not None and m.family == "active" and m.item in _AMOUNT_ITEMS:
        u.unanswerable = []  # spent on centralised procurement: an amount table 2 holds, not a budget
    if u.unanswerable or "mention" in u.cues:
        return
    if _STAFF.search(u.text):
        u.unanswerable.append("not_held.staff")
        return
    if _TASK.search(u.text):
        u.unanswerable.append("not_held.task")
        return
    if m is not None and m.family == "active" and m.item not in _AMOUNT_ITEMS and (any(
            k in ("amount_10k_yuan", "amount_yuan") for k in u.asked_item_measures) or _MONEY.search(u.text)):
        u.unanswerable.append("not_held.amount")
        return
    if "national" in u.cues and (m is not None or u.rate) and not u.has_scope and not u.cues & _SHAPE_OF_A_LIST:
        u.unanswerable.append("not_held.national")
        return
    if m is None or m.family != "request":
        return
    unread = " ".join(u.leftover)

    def names_unread(m: re.Match) -> bool:
        words = " ".join(g for g in m.groups() if g)
        return any(w in unread for w in re.findall(r"[\u3400-\u9fff]{2,}|[a-z]{3,}", words))

    if _CHANNEL.search(u.text):
        u.unanswerable.append("not_held.channel")
    elif any(names_unread(m) for m in _SUBJECT.finditer(u.text)) or any(names_unread(m) for m in _ABOUT.finditer(u.text)):
        u.unanswerable.append("not_held.subject")
    elif any(names_unread(m) for m in _FROM.finditer(u.text)) and not u.applicant:
        u.unanswerable.append("not_held.origin")


def _read_templates(u: Understanding, text: str) -> str:
    spans = []
    for m in _TEMPLATE.finditer(text):
        key = "template"
        if m.group(1):
            key = "table3_template" if re.search(r"三|3", m.group(1)) else "table2_template"
        u.filters[key] = m.group(2)
        spans.append((m.start(2), m.end()))
    for word, value in _TEMPLATE_WORDS.items():
        k = text.find(word)
        if k >= 0:
            u.filters.setdefault("template", value)
            spans.append((k, k + len(word)))
    return mask(text, spans)


def _read_min_base(u: Understanding, text: str) -> str:
    m = _AT_LEAST.search(text)
    if not m:
        return text
    g = m.groups()
    n = int(next(x for x in (g[2], g[3], g[6], g[7]) if x))
    strict = bool(g[1] or g[5])
    u.at_least = n + 1 if strict else n
    u.min_base = u.at_least
    return mask(text, [m.span()])


_EN_COMMON = {"which", "there", "their", "about", "those", "these", "where", "other", "agency", "agencies", "county",
              "district", "city", "province", "office", "government", "reports", "report", "requests", "request"}


def _capitalized(question: str) -> set[str]:
    """The words of an English question written with a capital inside a sentence: names, not slips."""
    out, start = set(), True
    for m in re.finditer(r"[A-Za-z][A-Za-z'\-]*|[.?!]", question):
        if m.group() in ".?!":
            start = True
            continue
        if m.group()[0].isupper() and not start:
            out.add(m.group().lower())
        start = False
    return out


def correct_english(text: str, tokens: list[Token], idx: Index, names: set[str] = frozenset()) -> list[tuple[int, int, str]]:
    """English words no word covers, read as the lexicon's word one letter away (requets → requests); a
    capitalized word is a name and left as written (Taiwan is not Tai'an)."""
    covered = [False] * len(text)
    for t in tokens:
        for k in range(t.start, t.end):
            covered[k] = True
    vocabulary = idx.english_words()
    fixes = []
    for m in re.finditer(r"[a-z]{5,}", text):
        if any(covered[m.start():m.end()]) or m.group() in vocabulary or m.group() in _EN_COMMON:
            continue
        word = m.group()
        # a name is read only as a place of the database (Yindu is Yindou, 殷都; Taiwan is not Tai'an)
        among = [v for v in vocabulary if any(k == "region" for k, _ in idx.en[v])] if word in names else vocabulary
        # a slip is never read as a place the database lacks (admin is not Aimin): that would be a name not found
        among = [v for v in among if not idx.en.get(v) or any(k != "place" for k, _ in idx.en[v])]
        near = [v for v in among if abs(len(v) - len(word)) <= 1 and _one_edit(word, v)]
        if len(near) == 1:
            fixes.append((m.start(), m.end(), near[0]))
    return fixes


def _one_edit(a: str, b: str) -> bool:
    """a and b differ by one letter added, dropped, changed, or two neighbours swapped."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])
    if len(a) > len(b):
        a, b = b, a
    return any(a == b[:i] + b[i + 1:] for i in range(len(b)))


def _narrative_terms(u: Understanding, text: str, tokens: list[Token], quoted: list[str]) -> list[Token]:
    """After 提到/mention: the words to search for; the tokens inside them name nothing."""
    cue = next((t for t in tokens if t.kind == "cue" and t.value == "mention"), None)
    if cue is None and any(t.kind == "cue" and t.value == "reports" for t in tokens):
        cue = next((t for t in tokens if t.kind == "cue" and t.value == "mention_weak"), None)
        if cue is not None:
            u.cues.add("mention")
    if cue is None:
        return tokens
    if quoted:
        u.terms = " ".join(quoted)
    else:
        rest = re.split(r"[,，。.？?！!;；:：]", text[cue.end:])[0]
        if u.lang == "en":
            # the reports' own words for what an English question names: pandemic → 疫情, lawsuits → 行政诉讼
            topics = [t.value for t in tokens if t.kind == "topic" and t.start >= cue.end]
            topics += [prose_word(lexicon().measures[t.value]) for t in tokens if t.kind == "measure"
                       and t.start >= cue.end and not lexicon().measures[t.value].generic]
            han = re.findall(r"[\u3400-\u9fff]+", rest)
            words = topics or han or [w for w in re.findall(r"[a-z][a-z0-9\-']*", rest) if w not in _EN_STOP]
            terms = " ".join(words)
        else:
            terms = _STOP_HEAD.sub("", _STOP_TAIL.sub("", rest.strip())).strip()
            if not terms:  # 疫情被哪些报告提到
                before = re.split(r"[,，。？?！!;；]", text[:cue.start])[-1]
                terms = _STOP_TAIL.sub("", re.sub(r"(?:被|在)?(?:哪些|哪个|哪份|多少份?)?报告?$", "", before)).strip()
        u.terms = terms or None
    if u.terms and not quoted:
        # 哪些省份 after 涉及 is a question, not words to search for
        inner = [t for t in tokens if t.start >= cue.end and t.kind in ("cue", "unanswerable")]
        rest = u.terms
        for t in sorted(inner, key=lambda t: -len(t.text)):
            rest = rest.replace(t.text, "")
        if not re.search(r"[\u3400-\u9fff]{2,}|[a-z0-9]{2,}", rest):
            u.terms = None
            u.cues.discard("mention")
            return tokens
        # 网站IPv6改造: words of two scripts are searched for as two words, each anywhere in a passage
        u.terms = re.sub(r"(?<=[\u3400-\u9fff])(?=[a-z0-9])|(?<=[a-z0-9])(?=[\u3400-\u9fff])", " ", u.terms)
    if not u.terms:
        return tokens
    start = cue.end
    end = start + len(re.split(r"[,，。.？?！!;；:：]", text[cue.end:])[0])
    u.terms_span = (start, end)
    return [t for t in tokens if not (t.start >= start and t.end <= end) or t.kind == "cue"]


def prose_word(m: Measure) -> str:
    """How the reports' prose names a figure: 行政诉讼, 不予公开, 行政许可."""
    return m.name_zh.removesuffix("的政府信息公开申请").removesuffix("的申请").split("（")[0]


def _read_tokens(u: Understanding, tokens: list[Token]) -> None:
    lex = lexicon()
    measures: list[tuple[int, Measure]] = []
    item_measures: list[str] = []
    for t in tokens:
        if t.kind == "measure":
            measures.append((t.start, lex.measures[t.value]))
            if not lex.measures[t.value].generic:
                u.measure_spans.append((t.start, t.end))
        elif t.kind == "applicant":
            u.applicant = u.applicant or t.value
            if t.value not in u.applicants:
                u.applicants.append(t.value)
                u.applicant_spans.append((t.start, t.end))
        elif t.kind == "outcome":
            u.outcome = u.outcome or t.value
        elif t.kind == "active_measure":
            item_measures.extend(lex.active_measure_also[t.value])
        elif t.kind == "section":
            u.section = u.section or int(t.value)
        elif t.kind == "level":
            u.level = u.level or t.value
        elif t.kind == "cue":
            u.cues.add(t.value)
        elif t.kind == "rate":
            u.rate = u.rate or t.value
        elif t.kind == "field" and t.value not in u.fields:
            u.fields.append(t.value)
        elif t.kind == "filter":
            if t.value.startswith("status_"):
                u.filters["status"] = t.value.removeprefix("status_")
            elif t.value.startswith("source_"):
                u.filters["source_format"] = t.value.removeprefix("source_")
            else:
                u.filters[t.value] = 1
        elif t.kind == "unanswerable" and t.value not in u.unanswerable:
            u.unanswerable.append(t.value)
        elif t.kind == "check_rule":
            u.check_rule = u.check_rule or t.value
            u.cues.add("checks")
        elif t.kind == "topic" and t.value not in u.topics:
            u.topics.append(t.value)
    choose_measure(u, measures, item_measures)
    u.asked_item_measures = tuple(dict.fromkeys(item_measures))
    if u.topics and u.measure is None and not u.terms and u.cues & {"list", "reports"} and not u.fields:
        # 哪些报告说明没有收取信息处理费: a topic of the prose, asked of the reports, is a search
        u.terms = " ".join(u.topics)
        u.cues.add("mention")
    # 都是什么理由: the reasons used, unless the question itself asks how many of each
    u.used_only = bool(_WHICH_REASONS.search(u.text)) and not u.cues & {"how_many", "each"}
    t = u.text
    if _EXISTS.search(t) and "reports" in u.cues and u.measure is None and not u.fields:
        u.cues.add("list")  # 有没有汇总的报告: which reports there are (and none is an answer)
    if "checks" in u.cues:  # errors, 警告, info: checks of that severity, not every failed check
        u.severity = next((k for k, rx in _SEVERITY.items() if rx.search(t)), None)
    u.rank_all = bool(_RANK_ALL.search(t))
    u.singular = bool(_SINGULAR.search(t)) and not _PLURAL.search(t) and not u.rank_all
    y = u.years
    if "compare" in u.cues and y.pair and not y.values:
        # "the change between 2021 and 2023": the two years, not the years between them (from 2021 to 2023,
        # 2021到2023年: the span, year by year)
        u.years = Years(values=[y.start, y.end], spans=y.spans)


def choose_measure(u: Understanding, found: list[tuple[int, Measure]], item_measures: list[str]) -> None:
    lex = lexicon()
    precise = [(p, m) for p, m in found if not m.generic]
    u.measures = list(dict.fromkeys(m for _, m in sorted(precise, key=lambda pm: pm[0])))
    if not precise and u.outcome:
        precise = [(0, lex.measures["appeals"])]
        u.measure_defaulted = True
    if not precise:
        if found or u.applicant:
            u.measure = lex.measures["new_received"]
            u.measure_defaulted = True
        return
    ranked = sorted(precise, key=lambda pm: (-pm[1].specificity, pm[0]))
    first = ranked[0][1]
    same = [m for _, m in precise if m.family == first.family]
    if first.family == "appeal" and len(same) > 1:
        procs = tuple(dict.fromkeys(p for m in same for p in m.proceedings))
        first = lex.measures["appeals"] if len(procs) == 3 else first
    elif first.family == "request" and len(same) > 1:
        bases = [m for m in same if m.key in ("new_received", "total_processed", "carried_over")]
        others = [m for m in same if m not in bases]
        if "share" in u.cues and bases and others:
            u.base = bases[0]
            first = sorted(others, key=lambda m: -m.specificity)[0]
        elif others and all(m.category is None for m in others) and len({m.key for m in others}) > 1 \
                and all(len(m.row_keys) == 1 for m in others) \
                and len({T.REQUEST_ROW_BY_KEY[m.row_keys[0]].category for m in others}) == 1:
            keys = tuple(dict.fromkeys(m.row_keys[0] for m in others))
            first = Measure("+".join(keys), "request", "、".join(m.name_zh.removesuffix("的申请") for m in others)
                            + "的申请", " and ".join(m.name_en for m in others), "件", "requests", row_keys=keys,
                            specificity=3)
        elif others:
            first = sorted(others, key=lambda m: -m.specificity)[0]
    if first.family == "active":
        u.item_measures = tuple(dict.fromkeys(item_measures)) or first.measures
    u.measure = first


def _leftover(text: str, tokens: list[Token], covered_spans: list[tuple[int, int]]) -> list[str]:
    covered = [False] * len(text)
    for a, b in [(t.start, t.end) for t in tokens] + covered_spans:
        for k in range(a, min(b, len(text))):
            covered[k] = True
    chars = "".join(c if not covered[i] else " " for i, c in enumerate(text))
    words = re.findall(r"[\u3400-\u9fff]{2,}|[a-z]{3,}", chars)
    stop = r"^(?:多少|哪些|什么|怎么|是否|有没有|一下|请问|是多少|有多少|收到了|的|了|吗|呢|在|和|与|及|中|是|有|年|被)+|(?:的|了|吗|呢|是|有|多少|什么)+$"
    return [w for w in (re.sub(stop, "", w) for w in words) if len(w) >= 2 and w not in _EN_STOP]
