"""A seeded generator of questions for the question box, each with the SQL of its answer built alongside.

Templates of questions (one figure, a series, a ranking, a rate, a comparison, a list, a report's own
facts, several questions in one, names the database lacks, years it lacks, questions the reports
cannot answer) are filled with the test database's own agencies, years and figures, and worded by a
perturbation class: plain, typos (slips of the pinyin keyboard), traditional characters, synonyms,
short names, Chinese numerals, relative years, English. The expected SQL is written from the same
slots, never from the engine; tests/test_ask_paraphrases.py scores the engine on the cases with the
same scorer as ask_blind.yaml (tests/ask_scoring.py).

    generate(db_path, seed, n) -> {"questions": [...]}
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ask_paraphrase_templates import MoreTemplates
from ask_scoring import with_ties

CLASSES = ("plain", "typo", "traditional", "synonym", "short_name", "chinese_numerals", "relative_year", "english")
_CN_DIGITS = "〇一二三四五六七八九"
# slips of a pinyin keyboard: the same sound, another character
TYPOS = {"申请": "申清", "诉讼": "诉送", "复议": "复以", "处罚": "处法", "许可": "许克", "结转": "节转", "报告": "报高",
         "单位": "单为", "公开率": "公开律", "收费": "收废", "予以": "予已"}
DEPARTMENTS = ("公安局", "财政局", "卫生健康委员会", "民政局", "交通运输局", "审计局")
DEPARTMENTS_EN = ("Public Security Bureau", "Finance Bureau", "Health Commission", "Civil Affairs Bureau")
DENIED = ("denied_state_secret", "denied_prohibited_by_law", "denied_security_stability", "denied_third_party",
          "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_query_matter")
UNABLE = ("unable_not_held", "unable_needs_creation", "unable_unclear")
REJECTED = ("rejected_petition", "rejected_duplicate", "rejected_publication", "rejected_excessive",
            "rejected_confirmation")


@dataclass(frozen=True)
class Figure:
    """A figure a question asks for: its words, and the SQL that reads it for one report."""

    key: str
    table: str  # request / appeal / active
    keys: tuple[str, ...]  # row keys, proceedings, or (item, measure …)
    zh: tuple[str, ...]
    synonyms: tuple[str, ...]
    en: str  # with {a} and {y}
    short: str  # the figure's name inside a sentence (收到的申请, 行政诉讼)
    amount: bool = False


FIGURES = (
    Figure("new_received", "request", ("new_received",), ("收到多少申请", "收到了多少件政府信息公开申请", "新收申请多少件"),
           ("受理了多少件申请", "的申请量是多少"), "How many requests did {a} receive in {y}?", "收到的申请"),
    Figure("granted", "request", ("granted",), ("予以公开多少件", "予以公开的申请有几件"), ("全部公开了几件", "同意公开了多少件"),
           "How many requests did {a} grant in full in {y}?", "予以公开的申请"),
    Figure("partially_granted", "request", ("partially_granted",), ("部分公开多少件", "部分公开的申请有几件"), ("部分公开了几件",),
           "How many requests did {a} partially grant in {y}?", "部分公开的申请"),
    Figure("denied", "request", DENIED, ("不予公开多少件", "不予公开的申请有多少"), ("拒绝公开了几件", "不公开的有多少件"),
           "How many requests did {a} refuse in {y}?", "不予公开的申请"),
    Figure("unable", "request", UNABLE, ("无法提供的申请有几件",), ("不能提供的有多少件",),
           "How many requests was {a} unable to provide in {y}?", "无法提供的申请"),
    Figure("rejected", "request", REJECTED, ("不予处理的申请有几件",), ("不处理的申请有多少件",),
           "How many requests did {a} leave not processed in {y}?", "不予处理的申请"),
    Figure("carried_forward", "request", ("carried_forward",), ("结转下年度的申请有多少",), ("转到下一年办的申请有几件",),
           "How many requests did {a} carry forward in {y}?", "结转下年度的申请"),
    Figure("review", "appeal", ("review",), ("行政复议有几件",), ("被申请复议几次",),
           "How many administrative reviews did {a} have in {y}?", "行政复议"),
    Figure("litigation", "appeal", ("litigation_direct", "litigation_after_review"), ("行政诉讼有几件", "被提起行政诉讼多少件"),
           ("被起诉了几次", "当了几次行政诉讼被告"), "How many lawsuits did {a} face in {y}?", "行政诉讼"),
    Figure("fees", "active", ("fees", "amount_10k_yuan"), ("行政事业性收费金额是多少",), ("行政收费一共多少钱",),
           "How much did {a} collect in administrative fees in {y}?", "行政事业性收费", amount=True),
    Figure("licensing", "active", ("licensing", "decisions"), ("行政许可处理决定有多少件",), ("作出了多少件行政许可决定",),
           "How many licensing decisions did {a} make in {y}?", "行政许可处理决定"),
    Figure("penalty", "active", ("penalty", "decisions"), ("行政处罚决定多少件",), ("作出了多少件处罚决定",),
           "How many penalty decisions did {a} make in {y}?", "行政处罚决定"),
)


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def figure_sql(f: Figure, agency: str, year: int | None, group_year: bool = False) -> str:
    """The SQL of one figure for an agency (and a year), as a person would write it."""
    where = f"r.agency_name = '{agency}'" + (f" and r.year = {year}" if year else "")
    head = "select r.year, " if group_year else "select "
    tail = " group by r.year order by r.year" if group_year else ""
    if f.table == "request":
        return (f"{head}sum(s.total) as value from request_stats s join reports r on r.id = s.report_id "
                f"where {where} and s.row_key in {_in(f.keys)}{tail}")
    if f.table == "appeal":
        return (f"{head}sum(a.total) as value from appeal_stats a join reports r on r.id = a.report_id "
                f"where {where} and a.proceeding in {_in(f.keys)}{tail}")
    item, measure = f.keys
    if f.amount and not group_year:
        return (f"select a.value, a.unit from active_disclosure a join reports r on r.id = a.report_id "
                f"where {where} and a.item = '{item}' and a.measure = '{measure}'")
    return (f"{head}sum(a.value) as value from active_disclosure a join reports r on r.id = a.report_id "
            f"where {where} and a.item = '{item}' and a.measure = '{measure}'{tail}")


@dataclass
class Agency:
    name: str  # as the reports name it
    kind: str
    level: str
    province: str
    city: str | None
    county: str | None
    years: list[int]
    ambiguous: bool  # another agency has the same short name (鼓楼区政府办)
    alone: bool  # the only agency of its place

    @property
    def place(self) -> str:
        return self.county or self.city or self.province


def _pinyin(word: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(word)).capitalize()


def _place_en(a: Agency) -> str:
    suffix = {"县": " County", "区": " District", "市": "", "省": ""}
    name = a.place
    stem = name[:-1] if name[-1] in suffix else name
    text = _pinyin(stem) + suffix.get(name[-1], "")
    if a.ambiguous and a.city:
        text = _pinyin(a.city[:-1]) + " " + text
    return text


def agency_names(a: Agency) -> dict[str, str]:
    """The agency as a person writes it: in full, shortened, in English."""
    prefix = (a.city or "") if a.ambiguous else ""
    short = {"general_office": prefix + a.place + "政府办", "government": prefix + a.place + "政府"}.get(a.kind)
    if a.kind == "department":
        short = a.name.replace("管委会", "")  # 上高县行政服务中心
    kind_en = {"general_office": " government office", "government": " government"}.get(a.kind)
    if a.level == "province":
        kind_en = " provincial government office"
    elif a.level == "city" and a.kind == "general_office":
        kind_en = " municipal government office"
    if a.kind == "department":
        dept = {"教育局": " Education Bureau", "生态环境局": " Ecology and Environment Bureau",
                "行政服务中心管委会": " Administrative Service Center"}
        kind_en = next((v for k, v in dept.items() if a.name.endswith(k)), None)
    english = f"the {_place_en(a)}{kind_en}" if kind_en else None
    return {"full": a.name, "short": short or a.name, "english": english,
            "region": a.place if a.alone and a.county else None}


def _agencies(conn: sqlite3.Connection) -> list[Agency]:
    rows = conn.execute("select r.agency_name, a.kind, a.level, a.province, a.city, a.county, group_concat(r.year) "
                        "from reports r join agencies a on a.id = r.agency_id group by a.id").fetchall()
    places = {}
    for _, _, _, p, c, county, _ in rows:
        key = county or c or p
        places[key] = places.get(key, 0) + 1
    out = []
    for name, kind, level, p, c, county, years in rows:
        key = county or c or p
        out.append(Agency(name, kind, level, p, c, county, sorted(int(y) for y in years.split(",")),
                          ambiguous=places[key] > 1 and kind != "department" and sum(
                              1 for r in rows if (r[5] or r[4] or r[3]) == key and r[1] == kind) > 1,
                          alone=places[key] == 1))
    return out


def _year_words(year: int, newest: int, cls: str) -> str | None:
    if cls == "chinese_numerals":
        return "".join(_CN_DIGITS[int(d)] for d in str(year)) + "年"
    if cls == "relative_year":
        return {0: "今年", 1: "去年", 2: "前年"}.get(newest - year)
    return f"{year}年"


def _traditional(text: str) -> str:
    import zhconv

    return zhconv.convert(text, "zh-tw")


def _typo(text: str, rnd: random.Random) -> str | None:
    found = [w for w in TYPOS if w in text]
    if not found:
        return None
    w = rnd.choice(found)
    return text.replace(w, TYPOS[w], 1)


class Generator(MoreTemplates):
    def __init__(self, db_path: Path, seed: int):
        self.conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        self.rnd = random.Random(seed)
        self.agencies = _agencies(self.conn)
        self.newest = self.conn.execute("select max(year) from reports").fetchone()[0]
        self.places_not_held = self._places_not_held()
        self.n = 0

    def _places_not_held(self) -> list[str]:
        from gkreport.regions import _data

        held = {r[0] for r in self.conn.execute("select distinct county from reports where county is not null")}
        held |= {r[0] for r in self.conn.execute("select distinct city from reports where city is not null")}
        held |= {r[0] for r in self.conn.execute("select distinct province from reports")}
        names = sorted({r.name for r in _data().regions.values() if len(r.name) >= 3} - held)
        # a name that is also a held place's (another 鼓楼区, 西湖区) is named with its city in the question
        return [n for n in names if not any(h.endswith(n) or n.endswith(h) for h in held)]

    def _value(self, sql: str):
        row = self.conn.execute(sql).fetchone()
        return row[0] if row else None

    def _case(self, q: str, classes: list[str], family: str, **kw) -> dict:
        self.n += 1
        return {"id": f"p{self.n:04d}", "q": q, "classes": classes or ["plain"], "family": family,
                "expect": kw.pop("expect", "answered"), "ordered": kw.pop("ordered", False), **kw}

    # -- the templates ---------------------------------------------------

    def figure(self) -> dict | None:
        a = self.rnd.choice(self.agencies)
        f = self.rnd.choice(FIGURES)
        year = self.rnd.choice(a.years)
        cls = self.rnd.choice(CLASSES)
        names = agency_names(a)
        sql = figure_sql(f, a.name, year)
        if cls == "english":
            if not names["english"]:
                return None
            q = f.en.format(a=names["english"], y=year)
        else:
            yw = _year_words(year, self.newest, cls)
            if yw is None:
                return None
            name = names["full"]
            if cls == "short_name":
                name = names["region"] if names["region"] and self.rnd.random() < 0.4 else names["short"]
                if a.ambiguous:
                    return None
            phrase = self.rnd.choice(f.synonyms if cls == "synonym" else f.zh)
            q = f"{name}{yw}{phrase}？"
            if cls == "traditional":
                q = _traditional(q)
            elif cls == "typo":
                q = _typo(q, self.rnd)
                if q is None:
                    return None
        classes = [cls] if cls != "plain" else []
        if not self._has_figure(f, a.name, year):  # the report's format has no such row (将乐县's 2019 table 2)
            return self._case(q, classes, "figure", expect="no_data", missing="measure")
        if self._value(sql) == 0:
            classes.append("zero")
        return self._case(q, classes, "figure", sql=sql)

    def _has_figure(self, f: Figure, agency: str, year: int) -> bool:
        table, col = {"request": ("request_stats", "row_key"), "appeal": ("appeal_stats", "proceeding"),
                      "active": ("active_disclosure", "item")}[f.table]
        keys = f.keys if f.table != "active" else f.keys[:1]
        extra = f" and t.measure = '{f.keys[1]}'" if f.table == "active" else ""
        return bool(self.conn.execute(
            f"select 1 from {table} t join reports r on r.id = t.report_id where r.agency_name = '{agency}' "
            f"and r.year = {year} and t.{col} in {_in(keys)}{extra} limit 1").fetchone())

    def series(self) -> dict | None:
        a = self.rnd.choice([x for x in self.agencies if len(x.years) > 1])
        f = self.rnd.choice([x for x in FIGURES if not x.amount])
        q = self.rnd.choice([f"{a.name}历年{f.zh[0]}？", f"{a.name}每年{f.zh[0]}？"])
        return self._case(q, [], "series", sql=figure_sql(f, a.name, None, group_year=True), ordered=True)

    def ranking(self) -> dict | None:
        f = self.rnd.choice([x for x in FIGURES if x.table != "active" and x.key != "carried_forward"])
        year = self.rnd.choice(sorted({y for a in self.agencies for y in a.years if y >= self.newest - 2}))
        cls = self.rnd.choice(("plain", "relative_year", "chinese_numerals"))
        yw = _year_words(year, self.newest, cls)
        table, alias, col = (("request_stats", "s", "s.row_key") if f.table == "request"
                             else ("appeal_stats", "a", "a.proceeding"))
        sql = (f"select r.agency_name, sum({alias}.total) as value from {table} {alias} join reports r on "
               f"r.id = {alias}.report_id where r.year = {year} and {col} in {_in(f.keys)} group by r.id "
               f"order by value desc, r.agency_name limit 1")
        sql = with_ties(sql)
        q = f"{yw}{f.short}最多的单位是哪个？"
        return self._case(q, [cls] if cls != "plain" else [], "ranking", sql=sql, ordered=True)

    def rate(self) -> dict | None:
        a = self.rnd.choice(self.agencies)
        year = self.rnd.choice(a.years)
        names = agency_names(a)
        sql = ("select sum(case when s.row_key in ('granted', 'partially_granted') then s.total end) as numerator, "
               "sum(case when s.row_key = 'total_processed' then s.total end) as denominator, "
               "1.0 * sum(case when s.row_key in ('granted', 'partially_granted') then s.total end) / "
               "nullif(sum(case when s.row_key = 'total_processed' then s.total end), 0) as rate "
               f"from request_stats s join reports r on r.id = s.report_id where r.agency_name = '{a.name}' "
               f"and r.year = {year}")
        if self.rnd.random() < 0.3 and names["english"]:
            return self._case(f"What was the disclosure rate of {names['english']} in {year}?", ["english"], "rate",
                              sql=sql)
        return self._case(f"{names['full']}{year}年的公开率是多少？", [], "rate", sql=sql)

    def several(self) -> dict | None:
        a = self.rnd.choice(self.agencies)
        year = self.rnd.choice(a.years)
        f1, f2 = self.rnd.sample([x for x in FIGURES if not x.amount], 2)
        q = f"{a.name}{year}年{f1.zh[0]}，{f2.zh[0]}？"
        return self._case(q, ["several_in_one"], "several",
                          sql_parts=[figure_sql(f1, a.name, year), figure_sql(f2, a.name, year)])

    def listing(self) -> dict | None:
        if self.rnd.random() < 0.5:
            province = self.rnd.choice(sorted({a.province for a in self.agencies}))
            return self._case(f"{province}有哪些单位发布了年报？", [], "list",
                              sql=f"select distinct agency_name from reports where province = '{province}'")
        year = self.rnd.choice(sorted({y for a in self.agencies for y in a.years}))
        return self._case(f"列出{year}年的所有报告", [], "list",
                          sql=f"select agency_name, year from reports where year = {year}")

    def report_fact(self) -> dict | None:
        a = self.rnd.choice(self.agencies)
        year = self.rnd.choice(a.years)
        column, word = self.rnd.choice((("contact_phone", "联系电话是多少"), ("contact_address", "地址在哪里"),
                                        ("contact_postcode", "邮编是多少"), ("title", "标题是什么")))
        sql = f"select distinct {column} from reports where agency_name = '{a.name}' and year = {year}"
        q = f"{a.name}{year}年报告的{word}？"
        if self._value(sql) in (None, ""):  # the report does not give it: said so, with no figure
            return self._case(q, [], "report_fact", expect="no_data", missing="measure")
        return self._case(q, [], "report_fact", sql=sql)

    def not_found(self) -> dict | None:
        a = self.rnd.choice([x for x in self.agencies if x.county and not x.ambiguous])
        year = self.rnd.choice(a.years)
        kind = self.rnd.random()
        if kind < 0.4:
            dept = self.rnd.choice(DEPARTMENTS)
            q, name = f"{a.county}{dept}{year}年收到多少申请？", a.county + dept
        elif kind < 0.55:
            dept = self.rnd.choice(DEPARTMENTS_EN)
            a_en = agency_names(a)["english"]
            if not a_en:
                return None
            place = a_en.removeprefix("the ").rsplit(" ", 2)[0]
            q, name = f"How many requests did the {place} {dept} receive in {year}?", dept
        else:
            place = self.rnd.choice(self.places_not_held)
            q, name = f"{place}{year}年收到多少申请？", place
        return self._case(q, ["not_in_database"] + (["english"] if q[0].isascii() else []), "not_found",
                          expect="not_found", name=name)

    def no_data(self) -> dict | None:
        a = self.rnd.choice(self.agencies)
        missing = [y for y in range(self.newest - 4, self.newest + 1) if y not in a.years]
        if not missing:
            return None
        year = self.rnd.choice(missing)
        f = self.rnd.choice(FIGURES)
        return self._case(f"{a.name}{year}年{f.zh[0]}？", [], "no_data", expect="no_data", missing="year")

    def unanswerable(self) -> dict | None:
        a = self.rnd.choice(self.agencies)
        year = self.rnd.choice(a.years)
        f = self.rnd.choice(FIGURES)
        q = self.rnd.choice((f"为什么{a.name}{year}年{f.short}这么多？", f"{a.name}有多少名工作人员？",
                             f"{a.name}{year}年的工作经费预算是多少？", f"{a.name}的工作做得好不好？"))
        return self._case(q, ["unanswerable"], "unanswerable", expect="unanswerable")

    TEMPLATES = ((figure, 8), (series, 1), (ranking, 1), (rate, 1), (several, 1), (listing, 1), (report_fact, 1),
                 (not_found, 2), (no_data, 1), (unanswerable, 1),
                 (MoreTemplates.dimension, 2), (MoreTemplates.several_listed, 1), (MoreTemplates.summed, 1),
                 (MoreTemplates.several_english, 1), (MoreTemplates.report_list, 1), (MoreTemplates.report_fact_more, 1),
                 (MoreTemplates.completion_rate, 1), (MoreTemplates.top_report, 1), (MoreTemplates.compare_places, 1),
                 (MoreTemplates.place_after, 1), (MoreTemplates.span_change, 1), (MoreTemplates.deictic, 1),
                 (MoreTemplates.split_phrase, 1), (MoreTemplates.reasons_used, 1), (MoreTemplates.asked_by_shape, 1),
                 (MoreTemplates.top_reason, 1), (MoreTemplates.applicants_each, 1), (MoreTemplates.agencies_counted, 1))

    def cases(self, n: int, conversations: int = 0) -> dict:
        templates = [t for t, w in self.TEMPLATES for _ in range(w)]
        out, seen = [], set()
        while len(out) < n:
            case = self.rnd.choice(templates)(self)
            if case is not None and case["q"] not in seen:
                seen.add(case["q"])
                out.append(case)
        convs, tries = [], 0
        while len(convs) < conversations and tries < 50 * conversations:
            tries += 1
            conv = self.conversation()
            if conv is not None:
                convs.append(conv)
        self.conn.close()
        return {"questions": out, "conversations": convs}


def generate(db_path: Path, seed: int, n: int, conversations: int = 0) -> dict:
    return Generator(db_path, seed).cases(n, conversations)
