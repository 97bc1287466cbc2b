"""Rows → the answer sentence, in the question's language, from the catalogue's templates.

Every number in a sentence is read from the rows; when there are no rows the
sentence says that nothing was found, never a number.
"""

from __future__ import annotations

import re
from typing import Any

from .. import template as T
from .lexicon import bare_label, lexicon

LEVELS = {"central": ("中央", "central"), "province": ("省级", "provincial"), "city": ("市级", "city-level"),
          "county": ("县级", "county-level"), "township": ("乡镇", "township")}
CATEGORY_LABELS = {"granted": ("予以公开", "granted"), "partial": ("部分公开", "partially granted"),
                   "denied": ("不予公开", "refused"), "unable": ("无法提供", "unable to provide"),
                   "rejected": ("不予处理", "not processed"), "other": ("其他处理", "handled otherwise")}
OUTCOMES_EN = {"upheld": "upheld", "corrected": "corrected", "other": "other", "pending": "pending"}
APPLICANTS_EN = {"natural_person": "natural persons", "commercial": "businesses", "research": "research institutions",
                 "nonprofit": "nonprofits", "legal_service": "legal services", "other_org": "others",
                 "organizations": "organisations"}
MAX_LISTED = 5
COLUMNS = {"year": "年度", "value": "数值", "reports": "报告数", "agency": "机关", "province": "省份", "city": "城市",
           "county": "区县", "region": "地区", "level": "层级", "base": "基数", "share": "比例（%）", "average": "平均",
           "agencies": "机关数", "years": "年度", "reason": "理由", "category": "类别", "group_label": "分组",
           "proceeding": "程序", "upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结",
           "total": "总计", "natural_person": "自然人", "commercial": "商业企业", "research": "科研机构",
           "nonprofit": "社会公益组织", "legal_service": "法律服务机构", "other_org": "其他", "title": "标题",
           "status": "状态", "report_id": "报告编号", "heading": "章节", "body": "正文", "snippet": "摘录",
           "rule": "检查规则", "label": "检查", "checks": "次数", "severity": "严重程度", "message": "说明",
           "template": "格式", "item": "信息内容", "measure": "统计项", "first_year": "最早年度", "last_year": "最近年度",
           "new_received": "收到申请", "granted": "予以公开", "partially_granted": "部分公开", "denied": "不予公开",
           "review": "行政复议", "litigation": "行政诉讼"}


def column_label(column: str, lang: str) -> str:
    """How a result column is headed: Chinese first (with its key), the key alone in English answers."""
    zh = COLUMNS.get(column)
    return f"{zh} {column}" if zh and lang == "zh" else column


def fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")
    if isinstance(v, int):
        return f"{v:,}" if abs(v) >= 10000 else str(v)
    return str(v)


def _join(items: list[str], lang: str, total: int | None = None) -> str:
    total = len(items) if total is None else total
    shown = items[:MAX_LISTED]
    sep = "、" if lang == "zh" else ", "
    text = sep.join(shown)
    if total > len(shown):
        text += f"等{total}个" if lang == "zh" else f" and {total - len(shown)} more"
    return text


class Vars(dict):
    """The variables of an answer template, each computed from the rows when a template asks for it."""

    def __init__(self, kind: str, rows: list[dict], slots: dict, u, lang: str, ratio=None, left_out=None):
        super().__init__()
        self.kind, self.rows, self.slots, self.u, self.lang = kind, rows, slots, u, lang
        self.ratio, self.left_out = ratio, left_out
        self.lex = lexicon()

    def __missing__(self, key: str) -> str:
        name = key[:-3] if key.endswith("_en") else key
        lang = "en" if key.endswith("_en") or self.lang == "en" else "zh"
        method = getattr(self, "v_" + name, None)
        if method is not None:
            value = method(lang)
        elif self.rows and name in self.rows[0]:
            value = fmt(self.rows[0][name])
        else:
            value = ""
        self[key] = value
        return value

    # -- the question's slots

    def v_scope(self, lang):
        u = self.u
        name = ""
        if len(u.agencies) == 1:
            name = self.slots["agencies"][0]
        elif len(u.regions) == 1:
            name = u.regions[0][0].full
        if u.level:
            lvl = LEVELS[u.level][0 if lang == "zh" else 1]
            name = (name + lvl + "单位") if lang == "zh" else (f"{lvl} agencies" + (f" in {name}" if name else ""))
        if lang == "zh":
            return name
        return f" for {name}" if name else ""

    def v_years(self, lang):
        y = self.u.years
        if y.values:
            text = "、".join(map(str, y.values)) if lang == "zh" else " and ".join(map(str, y.values))
        elif y.is_range:
            text = f"{y.start}—{y.end}" if lang == "zh" else f"{y.start}–{y.end}"
        else:
            return ""
        return f"{text}年" if lang == "zh" else f" in {text}"

    def v_span(self, lang):
        years = self.v_years(lang)
        if lang == "zh":
            return years or "历年"
        return (years + ", by year") if years else " by year"

    def v_measure(self, lang):
        m = self.u.measure
        if m is None:
            return ""
        name = m.name_zh if lang == "zh" else m.name_en
        if self.u.applicant and self.u.applicant != "total" and m.family == "request":
            label = self.lex.applicant_labels.get(self.u.applicant, self.u.applicant)
            name = f"{name}（申请人：{label}）" if lang == "zh" else f"{name} from {APPLICANTS_EN[self.u.applicant]}"
        if self.u.outcome and m.family == "appeal":
            label = self.lex.outcome_labels[self.u.outcome]
            name = f"{name}（{label}）" if lang == "zh" else f"{name} ({OUTCOMES_EN[self.u.outcome]})"
        return name

    def v_unit(self, lang):
        m = self.u.measure
        if m is None:
            return ""
        if self.rows and self.rows[0].get("unit"):  # an amount of table 2, in the unit the report used
            return self.rows[0]["unit"] if lang == "zh" else {"万元": "10k yuan", "元": "yuan"}.get(self.rows[0]["unit"], "")
        if m.family == "active" and not set(self.u.item_measures or m.measures) & {"amount_10k_yuan", "amount_yuan"}:
            if lang != "zh":
                return "items"
            return "项" if "items" in (self.u.item_measures or ()) else "件"
        return m.unit_zh if lang == "zh" else m.unit_en

    def v_order_word(self, lang):
        asc = self.slots.get("order") == "asc"
        share = "share" in self.kind or self.kind.startswith("rate")
        if lang == "zh":
            return ("最低" if asc else "最高") if share else ("最少" if asc else "最多")
        return ("lowest" if asc else "highest") if share else ("fewest" if asc else "most")

    def v_terms(self, lang):
        terms = self.u.terms or ""
        if self.u.split_terms:  # the words of a phrase no report holds whole
            return "」「".join(terms.split()) if lang == "zh" else "”, “".join(terms.split())
        return terms

    def v_split_note(self, lang):
        if not self.u.split_terms:
            return ""
        return (f"（原文没有「{self.u.split_terms}」，按其中的词同在一段查找）" if lang == "zh"
                else f" (“{self.u.split_terms}” as written is in no report; its words were looked for in one passage)")

    def v_section(self, lang):
        s = next((s for s in T.SECTIONS if s.no == self.u.section), None)
        return bare_label(s.heading) if s else ""

    # -- the rows

    def v_n(self, lang):
        return str(len(self.rows))

    def v_sum(self, lang):
        return fmt(sum(r.get("value") or 0 for r in self.rows))

    def label(self, r: dict, lang: str) -> str:
        if self.kind == "rank_reports":  # a report: its agency and year
            return f"{r['agency']}{r['year']}年报告" if lang == "zh" else f"{r['agency']} {r['year']}"
        if "agency" in r and r["agency"]:
            return r["agency"]
        if "county" in r:
            return "".join(x for x in (r.get("city"), r["county"]) if x)
        if "city" in r:
            return r["city"] or r.get("province") or ""
        if "province" in r:
            return r["province"] or ("（未知）" if lang == "zh" else "(unknown)")
        if "region" in r:
            return r["region"]
        if "level" in r:
            return LEVELS.get(r["level"], (r["level"], r["level"]))[0 if lang == "zh" else 1]
        if "label" in r:
            return r["label"]
        if "reason" in r:
            return bare_label(r["reason"])
        if "year" in r:
            return f"{r['year']}年" if lang == "zh" else str(r["year"])
        return ""

    def _entries(self, lang, value_key="value", unit=True):
        u = self.v_unit(lang) if unit else ""
        out = []
        for r in self.rows:
            v = fmt(r.get(value_key))
            out.append(f"{self.label(r, lang)}（{v}{u}）" if lang == "zh" else f"{self.label(r, lang)} ({v})")
        return out

    def v_top(self, lang):
        key = "checks" if self.kind in ("checks_common", "checks_rank_agencies") else "value"
        return _join(self._entries(lang, key, unit=key == "value"), lang)

    def v_series(self, lang):
        key = "reports" if self.kind.startswith("mention") else "value"
        unit = "份" if key == "reports" else self.v_unit(lang)
        sep = "、" if lang == "zh" else ", "
        return sep.join(f"{r['year']}年{fmt(r[key])}{unit}" if lang == "zh" else f"{r['year']}: {fmt(r[key])}"
                        for r in self.rows)

    def v_series_reports(self, lang):
        sep = "、" if lang == "zh" else ", "
        return sep.join(f"{r['year']}年{r['reports']}份" if lang == "zh" else f"{r['year']}: {r['reports']}"
                        for r in self.rows)

    def v_trend_word(self, lang):
        values = [r["value"] for r in self.rows if r.get("value") is not None]
        if len(values) < 2:
            return ""
        return self._trend(lang) + self._other_reports(lang)

    def _other_reports(self, lang):
        """A sum over every report of each year compares different sets of reports when the years'
        reports differ in number: said so, with the like-for-like question (the same agencies in both)."""
        rows = [r for r in self.rows if r.get("value") is not None and r.get("reports") is not None]
        if len(rows) < 2 or len({r["reports"] for r in rows}) < 2:
            return ""
        a, b = rows[0]["year"], rows[-1]["year"]
        link = f"/gkreport/like_for_like?year_from={a}&year_to={b}"
        if lang == "zh":
            counts = "、".join(f"{r['year']}年{r['reports']}份" for r in rows)
            return (f"（注意：各年的报告份数不同，{counts}，合计不能直接相比；"
                    f"只比两年都有报告的机关，见同口径比较 {link}）")
        counts = ", ".join(f"{r['year']}: {r['reports']}" for r in rows)
        return (f" (note: the years cover different numbers of reports, {counts}, so the totals are not like for like;"
                f" the same agencies in both years: {link})")

    def _trend(self, lang):
        values = [r["value"] for r in self.rows if r.get("value") is not None]
        if "compare" in self.u.cues:  # how did it change from 2021 to 2023: the last year against the first
            return self._change(lang)
        if values[-1] > values[0]:
            return "，总体上升" if lang == "zh" else ", rising overall"
        if values[-1] < values[0]:
            return "，总体下降" if lang == "zh" else ", falling overall"
        return "，首尾持平" if lang == "zh" else ", level from first to last"

    def v_change(self, lang):
        rows = [r for r in self.rows if r.get("value") is not None]
        if len(rows) < 2:
            return ""
        return self._change(lang) + self._other_reports(lang)

    def _change(self, lang):
        rows = [r for r in self.rows if r.get("value") is not None]
        a, b = rows[0], rows[-1]
        d = b["value"] - a["value"]
        pct = f"（{d / a['value'] * 100:+.1f}%）" if a["value"] else ""
        if lang == "zh":
            word = "增加" if d > 0 else "减少" if d < 0 else "持平"
            return f"，{b['year']}年比{a['year']}年{word}" + (f"{fmt(abs(d))}{self.v_unit(lang)}{pct}" if d else "")
        word = "up" if d > 0 else "down" if d < 0 else "unchanged"
        return f"; {b['year']} vs {a['year']}: {word}" + (f" {fmt(abs(d))}" + pct.replace("（", " (").replace("）", ")")
                                                         if d else "")

    def v_compare_parts(self, lang):
        groups: dict[str, list[dict]] = {}
        for r in self.rows:
            groups.setdefault(r.get("region") or r.get("agency"), []).append(r)
        unit = self.v_unit(lang)
        parts = []
        for name, rows in groups.items():
            total = sum(r["value"] or 0 for r in rows)
            if lang == "zh":
                detail = "、".join(f"{r['year']}年{fmt(r['value'])}{unit}" for r in rows)
                parts.append(f"{name}共{fmt(total)}{unit}（{detail}）" if len(rows) > 1 else f"{name}{detail}")
            else:
                detail = ", ".join(f"{r['year']}: {fmt(r['value'])}" for r in rows)
                parts.append(f"{name} {fmt(total)} ({detail})")
        return ("；" if lang == "zh" else "; ").join(parts)

    def v_names(self, lang):
        return _join([r["agency"] for r in self.rows], lang)

    def v_top_reports(self, lang):
        if not self.rows:
            return ""
        items = [f"{r['agency']}（{r['year']}年）" if lang == "zh" else f"{r['agency']} ({r['year']})" for r in self.rows]
        return ("，如" if lang == "zh" else ", e.g. ") + _join(items, lang)

    def v_provinces_head(self, lang):
        """Where the reports come from, or (哪个省的报告最多) the provinces with the most."""
        limit = self.slots.get("limit")
        if limit and limit < 1000 and len(self.rows) == limit:
            return "报告最多的省份" if lang == "zh" else "The province" + ("s" if limit > 1 else "") + " with the most reports"
        return f"报告来自{len(self.rows)}个省份" if lang == "zh" else f"Reports come from {len(self.rows)} provinces"

    def v_top_reports_count(self, lang):
        return _join([f"{self.label(r, lang)}（{r['reports']}份）" if lang == "zh" else f"{self.label(r, lang)} ({r['reports']})"
                      for r in self.rows], lang)

    def v_parts(self, lang):
        nonzero = [r for r in self.rows if r.get("value")]
        if not nonzero:
            return "各项均为0" if lang == "zh" else "none for any reason"
        return ("、" if lang == "zh" else ", ").join(
            f"{bare_label(r['reason'])}{fmt(r['value'])}件" if lang == "zh" else f"{bare_label(r['reason'])}: {fmt(r['value'])}"
            for r in nonzero)

    def v_outcome_parts(self, lang):
        total = sum(r["value"] or 0 for r in self.rows)
        out = []
        for r in self.rows:
            zh, en = CATEGORY_LABELS.get(r["category"], (r["category"], r["category"]))
            pct = f"{(r['value'] or 0) / total * 100:.1f}%" if total else "—"
            out.append(f"{zh}{fmt(r['value'])}件（{pct}）" if lang == "zh" else f"{en} {fmt(r['value'])} ({pct})")
        return ("、" if lang == "zh" else ", ").join(out)

    def v_appeal_parts(self, lang):
        out = []
        for r in self.rows:
            if lang == "zh":
                out.append(f"{r['proceeding'].replace('·', '')}共{fmt(r['total'])}件（维持{fmt(r['upheld'])}、纠正"
                           f"{fmt(r['corrected'])}、其他{fmt(r['other'])}、尚未审结{fmt(r['pending'])}）")
            else:
                out.append(f"{r['proceeding']}: {fmt(r['total'])} (upheld {fmt(r['upheld'])}, corrected "
                           f"{fmt(r['corrected'])}, other {fmt(r['other'])}, pending {fmt(r['pending'])})")
        return ("；" if lang == "zh" else "; ").join(out)

    def v_applicant_parts(self, lang):
        r = self.rows[0]
        out = []
        for key, label in T.APPLICANT_COLUMNS[:-1]:
            name = label if lang == "zh" else APPLICANTS_EN[key]
            out.append(f"{name}{fmt(r[key])}件" if lang == "zh" else f"{name} {fmt(r[key])}")
        return ("、" if lang == "zh" else ", ").join(out)

    def v_level_parts(self, lang):
        return _join(self._entries(lang), lang)

    def v_profile(self, lang):
        out = []
        for r in self.rows:
            if lang == "zh":
                out.append(f"{r['year']}年：收到申请{fmt(r['new_received'])}件，予以公开{fmt(r['granted'])}件，部分公开"
                           f"{fmt(r['partially_granted'])}件，不予公开{fmt(r['denied'])}件；行政复议{fmt(r['review'])}件，"
                           f"行政诉讼{fmt(r['litigation'])}件")
            else:
                out.append(f"{r['year']}: {fmt(r['new_received'])} requests received, {fmt(r['granted'])} granted, "
                           f"{fmt(r['partially_granted'])} partially, {fmt(r['denied'])} refused; "
                           f"{fmt(r['review'])} reviews, {fmt(r['litigation'])} lawsuits")
        return ("；" if lang == "zh" else "; ").join(out)

    def v_active_items(self, lang):
        out = [f"{r['year']}年{r['item']}{r['measure']}{fmt(r['value'])}" if lang == "zh"
               else f"{r['year']} {r['item']} {r['measure']}: {fmt(r['value'])}" for r in self.rows]
        return ("、" if lang == "zh" else ", ").join(out[:12]) + ("等" if len(out) > 12 and lang == "zh" else "")

    def v_template_series(self, lang):
        by_year: dict[int, list[str]] = {}
        for r in self.rows:
            by_year.setdefault(r["year"], []).append(
                f"{r['template']}格式{r['reports']}份" if lang == "zh" else f"{r['template']} format {r['reports']}")
        sep = "；" if lang == "zh" else "; "
        return sep.join((f"{y}年：" if lang == "zh" else f"{y}: ") + ("、" if lang == "zh" else ", ").join(v)
                        for y, v in by_year.items())

    def v_report_years(self, lang):
        return ("、" if lang == "zh" else ", ").join(f"{r['year']}年" if lang == "zh" else str(r["year"])
                                                      for r in self.rows)

    def v_first_body(self, lang):
        body = (self.rows[0].get("body") or "").strip().replace("\n", " ")
        return body[:200] + ("…" if len(body) > 200 else "")

    # -- a report's own facts, filters

    def v_field_name(self, lang):
        f = self.u.fields[0] if self.u.fields else ""
        return FIELD_NAMES.get(f, (f, f))[0 if lang == "zh" else 1]

    def v_field_values(self, lang):
        f = self.u.fields[0] if self.u.fields else ""
        out = []
        for r in self.rows:
            v = r.get(f)
            shown = fmt(v) if v not in (None, "") else ("未写明" if lang == "zh" else "not stated")
            years = r.get("years")
            out.append(f"{shown}（{years}年报告）" if lang == "zh" and years else f"{shown} ({years})" if years else shown)
        return _join(out, lang)

    def v_filter_words(self, lang):
        words = []
        f = self.u.filters
        if f.get("status"):
            words.append(STATUS_WORDS[f["status"]][0 if lang == "zh" else 1])
        for key, zh, en in (("template", "用{}年版格式", "in the {} format"), ("table3_template", "表三用{}年版格式",
                                                                            "with table 3 in the {} format"),
                            ("table2_template", "表二用{}年版格式", "with table 2 in the {} format")):
            if f.get(key):
                words.append((zh if lang == "zh" else en).format(f[key]))
        if f.get("aggregate"):
            words.append("汇总多个单位" if lang == "zh" else "adding up several bodies")
        if f.get("source_format"):
            words.append(f"由{f['source_format']}文件读入" if lang == "zh" else f"read from {f['source_format']} files")
        for kind, negated in self.u.kinds:
            zh, en = KIND_WORDS.get(kind, (kind, kind))
            words.append(("不是" if negated else "是") + zh if lang == "zh" else ("not " if negated else "") + en)
        if not words:
            return ""
        return ("、".join(words)) if lang == "zh" else " " + ", ".join(words)

    def v_check_words(self, lang):
        rule = T.RULE_BY_KEY.get(self.u.check_rule or "")
        if rule is not None:
            return f"的检查结果为「{rule.label}」" if lang == "zh" else f"the finding “{rule.label}” ({rule.key})"
        return "的检查有警告或错误" if lang == "zh" else "warnings or errors"

    def v_severity_words(self, lang):
        rule = T.RULE_BY_KEY.get(self.u.check_rule or "")
        if rule is not None:
            return f"（检查：{rule.label}）" if lang == "zh" else f" (check: {rule.key})"
        s = self.u.severity
        if lang == "zh":
            return f"（级别为{s}）" if s else "（警告或错误）"
        return f" of severity {s}" if s else " (warnings or errors)"

    def v_severity_parts(self, lang):
        sep = "、" if lang == "zh" else ", "
        if lang == "zh":
            return sep.join(f"{r['severity']} {r['checks']}条（{r['reports']}份报告）" for r in self.rows)
        return sep.join(f"{r['severity']}: {r['checks']} in {r['reports']} reports" for r in self.rows)

    def v_extreme_word(self, lang):
        oldest = "oldest" in self.u.cues
        return ("最早" if oldest else "最新") if lang == "zh" else ("oldest" if oldest else "newest")

    # -- rates

    def v_ratio_name(self, lang):
        return self.ratio.name[lang] if self.ratio else ""

    def v_formula(self, lang):
        return self.ratio.formula[lang] if self.ratio else ""

    def v_percent_text(self, lang):
        r = self.rows[0] if self.rows else {}
        if r.get("rate") is None:
            return "无法计算（分母为0或缺少数字）" if lang == "zh" else "not computable (zero or missing denominator)"
        return f"{r['rate'] * 100:.1f}%"

    def v_rate_parts(self, lang):
        out = []
        for r in self.rows:
            label = (f"{r['year']}年" if lang == "zh" else f"{r['year']}:") if self.kind in ("rate_by_year", "rate_rank_years") \
                else self.label(r, lang)
            pct = f"{r['rate'] * 100:.1f}%" if r.get("rate") is not None else "—"
            out.append(f"{label}{pct}（{fmt(r.get('numerator'))}÷{fmt(r.get('denominator'))}）" if lang == "zh"
                       else f"{label} {pct} ({fmt(r.get('numerator'))} ÷ {fmt(r.get('denominator'))})")
        return _join(out, lang)

    def v_at_least_note(self, lang):
        n = self.u.at_least
        if n is None:
            return ""
        return f"（不少于{n}{self.v_unit(lang)}）" if lang == "zh" else f" (at least {n})"

    def v_min_base(self, lang):
        return str(self.slots.get("min_base", ""))

    def v_left_out(self, lang):
        return str(self.left_out or 0)

    def v_min_base_note(self, lang):
        base = self.slots.get("min_base")
        left = self.left_out or 0
        if lang == "zh":
            return f"只计分母不少于{base}的，另有{left}个不足{base}未列入"
        return f"counting only those with a denominator of at least {base}; {left} below it are left out"

    def v_checks_sum(self, lang):
        return fmt(sum(r.get("checks") or 0 for r in self.rows))

    def v_check_kinds(self, lang):
        parts = [f"{r['year']}年{r['label']}{r['checks']}项" if lang == "zh" else f"{r['rule']} ({r['year']}) {r['checks']}"
                 for r in self.rows]
        return _join(parts, lang)

    def v_first_messages(self, lang):
        msgs = [r["message"] for r in self.rows[:3] if r.get("message")]
        if not msgs:
            return ""
        return ("，如：" if lang == "zh" else ", e.g.: ") + ("；" if lang == "zh" else "; ").join(msgs)


COUNTS = ("report_count", "report_count_filtered", "reports_by_year", "count_agencies_with", "checks_count",
          "count_agencies_zero")
FIELD_NAMES = {"contact_phone": ("联系电话", "phone number"), "contact_fax": ("传真", "fax number"),
               "contact_postcode": ("邮编", "postcode"), "contact_address": ("地址", "address"),
               "contact_website": ("网站", "website"), "contact_email": ("电子邮箱", "email"),
               "published_date": ("发布日期", "publication date"), "title": ("标题", "title"),
               "template": ("格式（版本）", "format"), "source_format": ("文件格式", "file format"),
               "source_path": ("原文文件", "source file"), "source_url": ("原文网址", "source address"),
               "cited_format": ("依据的格式文件", "format it cites"), "scope_note": ("统计范围", "scope"),
               "period_start": ("统计期间起始日", "start of the period")}
STATUS_WORDS = {"warning": ("检查有警告", "with warnings"), "error": ("表格无法读取", "whose tables could not be read"),
                "ok": ("通过全部检查", "that pass every check")}
KIND_WORDS = {"department": ("部门", "departments"), "government": ("人民政府", "governments"),
              "general_office": ("政府办公室", "general offices")}


def list_type(t: dict) -> bool:
    """A type whose answer is a list: no rows is an answer (none had it), not a lack of data."""
    return "group by" in t["sql"] and t["id"] not in ("value", "report_field") or t["id"] in (
        "report_list", "mention_search", "checks_agency", "checks_reports")


def empty(rows: list[dict], t: dict) -> bool:
    """No rows, or an aggregate over nothing (one row of NULL sums / zero reports)."""
    kind = t["id"] if isinstance(t, dict) else t
    if kind in COUNTS and rows:
        return False
    if not rows:
        return True
    r = rows[0]
    if len(rows) == 1 and "reports" in r and r["reports"] == 0:
        return True
    figures = [k for k in ("value", "total", "average", "numerator", "denominator", "year") if k in r]
    if len(rows) == 1 and figures and all(r.get(k) is None for k in figures):
        return True
    return False


NONE_OVER_BASE = {
    "zh": "{scope}{years}没有分母不少于{min_base}的可以排名：{left_out}个的分母不足{min_base}，未列入（{formula}）。",
    "en": "Nothing{scope_en}{years_en} has a denominator of {min_base} or more to rank: {left_out} fall below it "
          "({formula_en}).",
}
NONE_FOUND = {
    "zh": "数据库中{scope}{years}的报告没有符合条件的：0项。",
    "en": "None of the reports{scope_en}{years_en} qualify: 0.",
}
NO_DATA = {
    "zh": "没有找到{scope}{years}{measure_zh}的数据：数据库中没有符合条件的报告或表格单元格。",
    "en": "No data found{scope_en}{years_en}{measure_en}: no report or table cell in the database matches.",
}


def sentence(t: dict, rows: list[dict], slots: dict, u, lang: str, ratio=None, left_out=None) -> str:
    v = Vars(t["id"], rows, slots, u, lang, ratio=ratio, left_out=left_out)
    if not rows and left_out:
        return NONE_OVER_BASE[lang].format_map(v)
    if not rows:
        return (NONE_FOUND[lang]).format_map(v)
    if empty(rows, t):
        v["measure_zh"] = ("的" + v["measure"]) if v["measure"] else ""
        v["measure_en"] = (" for " + v["measure_en"]) if u.measure else ""
        return NO_DATA[lang].format_map(v)
    text = t["answer"][lang].format_map(v)
    return _ONE_EN.sub(lambda m: f"{m.group(1)} {_SINGULAR_EN[m.group(2)]}", text) if lang == "en" else text


_SINGULAR_EN = {"reports": "report", "agencies": "agency", "requests": "request", "cases": "case",
                "provinces": "province", "checks": "check", "items": "item"}
_ONE_EN = re.compile(r"(?<![\d.,])(1) (" + "|".join(_SINGULAR_EN) + r")\b")
