"""More templates of the question generator (tests/ask_paraphrases.py), one family for each way of reading a
question the engine has: a dimension the reports do not hold, several questions in one (cut at 、, summed with
加起来, each with 分别, joined in English), lists of reports and agencies (哪几份, 有没有…的报告, all agencies),
a report's own facts (the format it cites, its scope, a field left blank), failed checks counted, 办结率, the
report that ranks first, regions compared, English names with the holding place after them, a span of years
and its change, a place named only as 我们县, a phrase no report holds whole, the reasons used, and
follow-ups (它/its, the year after, a rate after a series, the year it was highest, the reports counted).

Each template writes its question from the test database's agencies and years and its expected SQL from the
same slots, never from the engine.
"""

from __future__ import annotations

import random

from ask_scoring import with_ties

# a figure asked by a dimension the reports do not hold: sex, age, channel, subject, persons, officials, what
# happened after, months, time taken, budgets ({a} an agency, {y} a year)
DIMENSIONS_ZH = (
    "{a}{y}年收到的申请中男性申请人有多少？", "{a}{y}年的申请人里女的多还是男的多？", "{a}{y}年申请人的平均年龄是多少？",
    "{a}{y}年网上申请有多少件？", "{a}{y}年通过信函提交的申请有几件？", "{a}{y}年当面申请的有多少？",
    "{a}{y}年的申请都是问什么内容的？", "{a}{y}年收到的申请主要涉及哪个领域？", "起诉{a}的原告是谁？",
    "{a}哪位工作人员办理的申请最多？", "{a}{y}年被拒绝的申请人后来有多少提起了复议？", "{a}{y}年每个月收到多少申请？",
    "{a}{y}年第一季度收到多少申请？", "{a}{y}年信息公开工作经费是多少？", "{a}的负责人是谁？",
    "{a}{y}年答复一件申请平均用多少天？", "{a}{y}年的申请人里有多少外地人？",
)
DIMENSIONS_EN = (
    "How many women applied to {a} in {y}?", "How many requests did {a} receive online in {y}?",
    "How many requests were sent to {a} by mail in {y}?", "What topics did requests to {a} ask about in {y}?",
    "Who were the plaintiffs in the lawsuits against {a}?", "Which official at {a} handled the most requests?",
    "How many applicants refused by {a} in {y} later went on to sue?", "How many requests did {a} receive per month in {y}?",
    "What was the average age of applicants to {a} in {y}?", "How long did {a} take to answer a request in {y}?",
)
# groups of table 3 a question may add up or ask one by one: (words, rows)
GROUPS = (("予以公开", ("granted",)), ("部分公开", ("partially_granted",)),
          ("不予公开", "denied"), ("无法提供", "unable"), ("不予处理", "rejected"))
LEVEL_WORDS = {"province": "省级", "city": "市级", "county": "县级"}
REPORT_FILTERS = (("汇总全县情况", "is_aggregate = 1"), ("检查有警告", "status = 'warning'"),
                  ("用2019年版格式", "template = '2019'"))
TOPIC_WORDS = ("政策解读", "培训", "营商环境", "乡村振兴", "政务公开", "政府网站", "新闻发布会", "疫情防控")
PROVINCES_EN = {"福建省": "Fujian", "江西省": "Jiangxi", "河南省": "Henan", "浙江省": "Zhejiang", "湖南省": "Hunan",
                "广东省": "Guangdong", "江苏省": "Jiangsu"}
PLACES_EN = {("福州市", "鼓楼区"): ("Gulou District in Fuzhou", "Gulou District, Fuzhou", "the Gulou District government office in Fuzhou"),
             ("南京市", "鼓楼区"): ("Gulou District in Nanjing", "Gulou District, Nanjing", "the Gulou District government office in Nanjing")}


def _rows_sql(rows) -> str:
    if isinstance(rows, str):
        return f"s.row_key in (select key from request_rows where category = '{rows}')"
    return "s.row_key in (" + ", ".join(f"'{r}'" for r in rows) + ")"


def _request_sum(agency: str, year: int, rows) -> str:
    return (f"select sum(s.total) as value from request_stats s join reports r on r.id = s.report_id "
            f"where r.agency_name = '{agency}' and r.year = {year} and {_rows_sql(rows)}")


RATE_SQL = ("sum(case when s.row_key in ('granted', 'partially_granted') then s.total end) as numerator, "
            "sum(case when s.row_key = 'total_processed' then s.total end) as denominator, "
            "1.0 * sum(case when s.row_key in ('granted', 'partially_granted') then s.total end) / "
            "nullif(sum(case when s.row_key = 'total_processed' then s.total end), 0) as rate")


class MoreTemplates:
    """Templates mixed into ask_paraphrases.Generator (self.rnd, self.agencies, self.conn, self._case …)."""

    rnd: random.Random

    def dimension(self) -> dict | None:
        from ask_paraphrases import agency_names

        a = self.rnd.choice(self.agencies)
        year = self.rnd.choice(a.years)
        if self.rnd.random() < 0.35:
            name = agency_names(a)["english"]
            if not name:
                return None
            q = self.rnd.choice(DIMENSIONS_EN).format(a=name, y=year)
            return self._case(q, ["unanswerable", "english"], "unanswerable", expect="unanswerable")
        name = agency_names(a)["short"] if not a.ambiguous else a.name
        q = self.rnd.choice(DIMENSIONS_ZH).format(a=name, y=year)
        return self._case(q, ["unanswerable"], "unanswerable", expect="unanswerable")

    def several_listed(self) -> dict | None:
        """Three figures asked one after another, cut at 、."""
        from ask_paraphrases import FIGURES, figure_sql

        a = self.rnd.choice(self.agencies)
        year = self.rnd.choice(a.years)
        figures = self.rnd.sample([f for f in FIGURES if not f.amount], 3)
        q = f"{a.name}{year}年" + "、".join(f.zh[0] for f in figures)
        return self._case(q, ["several_in_one"], "several", sql_parts=[figure_sql(f, a.name, year) for f in figures])

    def summed(self) -> dict | None:
        """Two figures added up (加起来, 一共), or asked each (分别)."""
        a = self.rnd.choice(self.agencies)
        year = self.rnd.choice(a.years)
        if self.rnd.random() < 0.3:
            sql = (f"select sum(f.total) as value from appeal_stats f join reports r on r.id = f.report_id "
                   f"where r.agency_name = '{a.name}' and r.year = {year}")
            word = self.rnd.choice(("加起来", "一共", "合计"))
            return self._case(f"{a.name}{year}年行政复议和行政诉讼{word}有多少件？", ["several_in_one"], "several", sql=sql)
        (w1, r1), (w2, r2) = self.rnd.sample(GROUPS, 2)
        if self.rnd.random() < 0.5:
            rows = _keys(r1) + _keys(r2)
            return self._case(f"{a.name}{year}年{w1}和{w2}的申请加起来有多少件？", ["several_in_one"], "several",
                              sql=_request_sum(a.name, year, rows))
        return self._case(f"{a.name}{year}年{w1}的和{w2}的分别是多少？", ["several_in_one"], "several",
                          sql_parts=[_request_sum(a.name, year, r1), _request_sum(a.name, year, r2)])

    def several_english(self) -> dict | None:
        from ask_paraphrases import agency_names

        a = self.rnd.choice(self.agencies)
        name = agency_names(a)["english"]
        if not name:
            return None
        year = self.rnd.choice(a.years)
        second, rows = self.rnd.choice((("fully granted", ("granted",)), ("partly granted", ("partially_granted",)),
                                        ("refused", "denied"), ("fully disclosed", ("granted",))))
        q = f"How many requests did {name} receive in {year}, and how many were {second}?"
        return self._case(q, ["several_in_one", "english"], "several",
                          sql_parts=[_request_sum(a.name, year, ("new_received",)), _request_sum(a.name, year, rows)])

    def report_list(self) -> dict | None:
        """哪几份 asks which reports; 有没有…的报告 lists those there are; all agencies of a province."""
        kind = self.rnd.random()
        if kind < 0.3:
            province = self.rnd.choice(sorted({a.province for a in self.agencies}))
            return self._case(f"{province}的年报有哪几份？", [], "list",
                              sql=f"select agency_name, year from reports where province = '{province}'")
        if kind < 0.5:
            level = self.rnd.choice(sorted(LEVEL_WORDS))
            return self._case(f"{LEVEL_WORDS[level]}单位的报告有哪几份？", ["synonym"], "list",
                              sql=f"select agency_name, year from reports where level = '{level}'")
        if kind < 0.75:
            words, cond = self.rnd.choice(REPORT_FILTERS)
            return self._case(f"有没有{words}的报告？", ["synonym"], "list",
                              sql=f"select agency_name, year from reports where {cond}")
        province = self.rnd.choice(sorted({a.province for a in self.agencies}))
        return self._case(f"List all agencies in {PROVINCES_EN[province]} that published reports", ["english"], "list",
                          sql=f"select distinct agency_name from reports where province = '{province}'")

    def report_fact_more(self) -> dict | None:
        """The format a report cites, its scope, a field it may leave blank; and its failed checks counted."""
        a = self.rnd.choice(self.agencies)
        year = self.rnd.choice(a.years)
        where = f"agency_name = '{a.name}' and year = {year}"
        if self.rnd.random() < 0.35:
            sql = (f"select count(*) from checks c join reports r on r.id = c.report_id where r.{where} "
                   f"and c.severity in ('warning', 'error')")
            classes = ["zero"] if self._value(sql) == 0 else []
            return self._case(f"{a.name}{year}年的报告有几条警告？", classes, "report_fact", sql=sql)
        column, words = self.rnd.choice((("cited_format", "依据的是哪个文件的格式"), ("scope_note", "统计了哪些单位"),
                                         ("contact_website", "网址是什么"), ("contact_email", "电子邮箱是什么")))
        q = f"{a.name}{year}年那份报告{words}？"
        sql = f"select {column} from reports where {where} and {column} is not null and {column} <> ''"
        if self._value(sql) is None:
            return self._case(q, [], "report_fact", expect="no_data", missing="measure")
        return self._case(q, [], "report_fact", sql=sql)

    def completion_rate(self) -> dict | None:
        a = self.rnd.choice(self.agencies)
        year = self.rnd.choice(a.years)
        sql = ("select sum(case when s.row_key = 'total_processed' then s.total end) as numerator, "
               "sum(case when s.row_key in ('new_received', 'carried_over') then s.total end) as denominator "
               f"from request_stats s join reports r on r.id = s.report_id where r.agency_name = '{a.name}' "
               f"and r.year = {year}")
        return self._case(f"{a.name}{year}年依申请公开的办结率是多少？", ["synonym"], "rate", sql=sql)

    def top_report(self) -> dict | None:
        from ask_paraphrases import FIGURES

        f = self.rnd.choice([x for x in FIGURES if x.table != "active" and x.key != "carried_forward"])
        year = self.rnd.choice(sorted({y for a in self.agencies for y in a.years}))
        table, alias, col = (("request_stats", "s", "s.row_key") if f.table == "request"
                             else ("appeal_stats", "a", "a.proceeding"))
        keys = "(" + ", ".join(f"'{k}'" for k in f.keys) + ")"
        sql = (f"select r.agency_name, r.year, sum({alias}.total) as value from {table} {alias} join reports r on "
               f"r.id = {alias}.report_id where r.year = {year} and {col} in {keys} group by r.id "
               f"order by value desc, r.agency_name limit 1")
        sql = with_ties(sql)
        return self._case(f"{year}年{f.short}最多的是哪份报告？", [], "ranking", sql=sql, ordered=True)

    def compare_places(self) -> dict | None:
        """Two counties named by their place alone: each answered with its one agency."""
        from ask_paraphrases import _place_en

        alone = [a for a in self.agencies if a.alone and a.county and not a.ambiguous]
        a, b = self.rnd.sample(alone, 2)
        years = sorted(set(a.years) & set(b.years))
        if not years:
            return None
        year = self.rnd.choice(years)
        sql = (f"select r.agency_name, s.total from request_stats s join reports r on r.id = s.report_id "
               f"where r.year = {year} and s.row_key = 'new_received' and r.agency_name in ('{a.name}', '{b.name}')")
        if self.rnd.random() < 0.4:
            return self._case(f"Compare requests received by {_place_en(a)} and {_place_en(b)} in {year}",
                              ["english"], "compare", sql=sql)
        return self._case(f"{a.county}和{b.county}{year}年收到的申请比一比", ["short_name"], "compare", sql=sql)

    def place_after(self) -> dict | None:
        """An English name with the place that holds it written after it (Gulou District in Fuzhou)."""
        from ask_paraphrases import FIGURES, figure_sql

        a = self.rnd.choice([x for x in self.agencies if (x.city, x.county) in PLACES_EN])
        year = self.rnd.choice(a.years)
        f = self.rnd.choice([x for x in FIGURES if x.table != "active"])
        name = self.rnd.choice(PLACES_EN[(a.city, a.county)])
        return self._case(f.en.format(a=name, y=year), ["english"], "figure", sql=figure_sql(f, a.name, year))

    def span_change(self) -> dict | None:
        """How a figure changed from one year to another: the span, year by year."""
        a = self.rnd.choice([x for x in self.agencies if len(x.years) >= 3])
        first, last = a.years[0], a.years[-1]
        sql = (f"select r.year, s.total from request_stats s join reports r on r.id = s.report_id where "
               f"r.agency_name = '{a.name}' and s.row_key = 'new_received' and r.year between {first} and {last} "
               f"order by r.year")
        return self._case(f"{a.name}从{first}年到{last}年收到的申请有什么变化？", [], "series", sql=sql, ordered=True)

    def deictic(self) -> dict | None:
        """我们县: a place the question names only by where the asker is."""
        a = self.rnd.choice([x for x in self.agencies if x.alone and x.county])
        year = self.rnd.choice(a.years)
        if self.rnd.random() < 0.5:
            return self._case(f"我们县{year}年收到多少申请？", [], "other", expect="not_understood")
        return self._case(f"我们县{year}年有人申请信息公开吗？{a.county}的", [], "other",
                          sql=_request_sum(a.name, year, ("new_received",)))

    def split_phrase(self) -> dict | None:
        """Two topics run together, as no report writes them: each looked for in one passage."""
        w1, w2 = self.rnd.sample(TOPIC_WORDS, 2)
        phrase = w1 + w2
        if self.conn.execute("select 1 from sections where replace(body, ' ', '') like ?", [f"%{phrase}%"]).fetchone():
            return None
        sql = (f"select distinct r.agency_name, r.year from sections s join reports r on r.id = s.report_id "
               f"where replace(s.body, ' ', '') like '%{w1}%' and replace(s.body, ' ', '') like '%{w2}%'")
        if not self.conn.execute(sql).fetchone():
            return None
        return self._case(f"哪些报告提到了{phrase}？", [], "narrative", sql=sql)

    def reasons_used(self) -> dict | None:
        a = self.rnd.choice(self.agencies)
        year = self.rnd.choice(a.years)
        sql = (f"select q.label, s.total from request_stats s join reports r on r.id = s.report_id join request_rows q "
               f"on q.key = s.row_key where r.agency_name = '{a.name}' and r.year = {year} and q.category = 'denied' "
               f"and s.total > 0")
        classes = [] if self._value(sql) is not None else ["zero"]
        return self._case(f"{a.name}{year}年不予公开的都是什么理由？", classes, "breakdown", sql=sql)

    def asked_by_shape(self) -> dict | None:
        """A figure asked by a channel, a subject or a kind of applicant, told by how the question is put."""
        a = self.rnd.choice(self.agencies)
        year = self.rnd.choice(a.years)
        q = self.rnd.choice((
            f"{a.name}{year}年有多少申请是{self.rnd.choice(('网上', '在线', '邮寄', '当面', '电话'))}提交的？",
            f"{a.name}{year}年关于{self.rnd.choice(('征地拆迁', '房屋登记', '环境污染', '工程招标'))}的申请有多少件？",
            f"{a.name}{year}年来自{self.rnd.choice(('记者', '学生', '农民'))}的申请有多少？"))
        return self._case(q, ["unanswerable"], "unanswerable", expect="unanswerable")

    def top_reason(self) -> dict | None:
        year = self.rnd.choice(sorted({y for a in self.agencies for y in a.years}))
        sql = (f"select q.label, sum(s.total) as value from request_stats s join reports r on r.id = s.report_id "
               f"join request_rows q on q.key = s.row_key where r.year = {year} and q.category = 'denied' "
               f"group by q.key order by value desc, q.sort_order limit 1")
        sql = with_ties(sql)
        q = self.rnd.choice((f"{year}年不予公开的理由中哪个最多？",
                             f"What was the most common reason for refusing requests in {year}?"))
        return self._case(q, ["english"] if q.isascii() else [], "ranking", sql=sql, ordered=True)

    def applicants_each(self) -> dict | None:
        a = self.rnd.choice(self.agencies)
        year = self.rnd.choice(a.years)
        (w1, c1), (w2, c2) = self.rnd.sample((("自然人", "natural_person"), ("商业企业", "commercial"),
                                              ("科研机构", "research"), ("法律服务机构", "legal_service")), 2)
        parts = [f"select s.{c} from request_stats s join reports r on r.id = s.report_id where r.agency_name = "
                 f"'{a.name}' and r.year = {year} and s.row_key = 'new_received'" for c in (c1, c2)]
        return self._case(f"{a.name}{year}年{w1}和{w2}各提出了多少申请？", ["several_in_one"], "several", sql_parts=parts)

    def agencies_counted(self) -> dict | None:
        """How many agencies had none (零申请); which agency's reports fail the most checks."""
        year = self.rnd.choice(sorted({y for a in self.agencies for y in a.years}))
        if self.rnd.random() < 0.5:
            sql = (f"select count(distinct r.agency_id) from request_stats s join reports r on r.id = s.report_id "
                   f"where r.year = {year} and s.row_key = 'new_received' and s.total = 0")
            classes = ["zero"] if self._value(sql) == 0 else []
            return self._case(f"{year}年有多少个单位零申请？", classes, "other", sql=sql)
        sql = (f"select r.agency_name, count(*) as n from checks c join reports r on r.id = c.report_id "
               f"where r.year = {year} and c.severity in ('warning', 'error') group by r.agency_id "
               f"order by n desc, r.agency_name limit 1")
        if self._value(sql) is None:
            return None
        sql = with_ties(sql)
        return self._case(f"{year}年哪个单位的报告检查问题最多？", [], "ranking", sql=sql, ordered=True)

    # -- conversations --------------------------------------------------

    def conversation(self) -> dict | None:
        kind = self.rnd.randrange(4)
        a = self.rnd.choice(self.agencies)
        turn = self._turn
        if kind == 0:  # the top agency of a year, then its rate that year (它, its)
            year = self.rnd.choice(sorted({y for x in self.agencies for y in x.years}))
            top = self.conn.execute(
                "select r.agency_name from request_stats s join reports r on r.id = s.report_id where r.year = ? "
                "and s.row_key = 'new_received' order by s.total desc, r.agency_name limit 1", [year]).fetchone()[0]
            first = with_ties(f"select r.agency_name, s.total from request_stats s join reports r on r.id = s.report_id "
                              f"where r.year = {year} and s.row_key = 'new_received' order by s.total desc, r.agency_name limit 1")
            rate = (f"select {RATE_SQL} from request_stats s join reports r on r.id = s.report_id "
                    f"where r.agency_name = '{top}' and r.year = {year}")
            english = self.rnd.random() < 0.4
            return {"id": self._conv_id(), "turns": [
                turn(f"Which agency received the most requests in {year}?" if english else f"{year}年哪个单位收到的申请最多？",
                     first, ordered=True),
                turn("What was its disclosure rate that year?" if english else "它的公开率是多少？", rate)]}
        if kind == 1:  # a year, then the year after
            years = [y for y in a.years if y + 1 in a.years]
            if not years:
                return None
            year = years[0]
            english = self.rnd.random() < 0.4
            from ask_paraphrases import agency_names

            name = agency_names(a)["english"] if english else a.name
            if not name:
                return None
            return {"id": self._conv_id(), "turns": [
                turn(f"How many requests did {name} receive in {year}?" if english else f"{name}{year}年收到多少申请？",
                     _request_sum(a.name, year, ("new_received",))),
                turn("And the year after?" if english else "第二年呢？", _request_sum(a.name, year + 1, ("new_received",)))]}
        if kind == 2:  # a series, its rate year by year, the year it was highest
            if len(a.years) < 2:
                return None
            series = (f"select r.year, s.total from request_stats s join reports r on r.id = s.report_id "
                      f"where r.agency_name = '{a.name}' and s.row_key = 'new_received' order by r.year")
            rates = (f"select r.year, {RATE_SQL} from request_stats s join reports r on r.id = s.report_id "
                     f"where r.agency_name = '{a.name}' group by r.year")
            return {"id": self._conv_id(), "turns": [
                turn(f"{a.name}历年收到多少申请？", series, ordered=True), turn("公开率呢？", rates, ordered=True),
                turn("哪一年最高？", with_ties(f"select * from ({rates}) order by rate desc, year limit 1"), ordered=True)]}
        year = self.rnd.choice(sorted({y for x in self.agencies for y in x.years}))
        return {"id": self._conv_id(), "turns": [
            turn("数据库里有多少份报告？", "select count(*) from reports"),
            turn(f"其中{year}年的呢？", f"select count(*) from reports where year = {year}"),
            turn("都有哪些？", f"select agency_name, year from reports where year = {year}")]}

    def _turn(self, q: str, sql: str, ordered: bool = False) -> dict:
        return {"q": q, "classes": ["follow_up"], "expect": "answered", "sql": sql, "ordered": ordered}

    def _conv_id(self) -> str:
        self.n_conv = getattr(self, "n_conv", 0) + 1
        return f"pc{self.n_conv:03d}"


def _keys(rows) -> list[str]:
    """The rows of table 3 a group names: its own keys, or every row of its category."""
    from gkreport import template as T

    return [r.key for r in T.REQUEST_ROWS if r.category == rows] if isinstance(rows, str) else list(rows)
