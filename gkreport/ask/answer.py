"""Rows → the answer sentence, in the question's language, from the catalogue's templates.

Every number in a sentence is read from the rows; when there are no rows the
sentence says that nothing was found, never a number.
"""

from __future__ import annotations

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

    def __init__(self, kind: str, rows: list[dict], slots: dict, u, lang: str):
        super().__init__()
        self.kind, self.rows, self.slots, self.u, self.lang = kind, rows, slots, u, lang
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
        return (m.unit_zh if lang == "zh" else m.unit_en) if m else ""

    def v_base_name(self, lang):
        b = self.u.base
        if b is None:
            return ""
        if b is self.u.measure or b.family == "appeal":
            return ("全部" + (b.name_zh if lang == "zh" else "")) if lang == "zh" else "all " + b.name_en
        return b.name_zh if lang == "zh" else b.name_en

    def v_order_word(self, lang):
        asc = self.slots.get("order") == "asc"
        share = "share" in self.kind
        if lang == "zh":
            return ("最低" if asc else "最高") if share else ("最少" if asc else "最多")
        return ("lowest" if asc else "highest") if share else ("fewest" if asc else "most")

    def v_terms(self, lang):
        return self.u.terms or ""

    def v_section(self, lang):
        s = next((s for s in T.SECTIONS if s.no == self.u.section), None)
        return bare_label(s.heading) if s else ""

    # -- the rows

    def v_n(self, lang):
        return str(len(self.rows))

    def v_sum(self, lang):
        return fmt(sum(r.get("value") or 0 for r in self.rows))

    def label(self, r: dict, lang: str) -> str:
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
        key = "checks" if self.kind == "checks_common" else "value"
        return _join(self._entries(lang, key, unit=key == "value"), lang)

    def v_top_share(self, lang):
        return _join([f"{self.label(r, lang)}（{fmt(r['share'])}%，{fmt(r['value'])}/{fmt(r['base'])}）" if lang == "zh"
                      else f"{self.label(r, lang)} ({fmt(r['share'])}%, {fmt(r['value'])}/{fmt(r['base'])})"
                      for r in self.rows], lang)

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
        if values[-1] > values[0]:
            return "，总体上升" if lang == "zh" else ", rising overall"
        if values[-1] < values[0]:
            return "，总体下降" if lang == "zh" else ", falling overall"
        return "，首尾持平" if lang == "zh" else ", level from first to last"

    def v_change(self, lang):
        rows = [r for r in self.rows if r.get("value") is not None]
        if len(rows) < 2:
            return ""
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
            groups.setdefault(r.get("agency") or r.get("region"), []).append(r)
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

    def v_first_messages(self, lang):
        msgs = [r["message"] for r in self.rows[:3] if r.get("message")]
        if not msgs:
            return ""
        return ("，如：" if lang == "zh" else ", e.g.: ") + ("；" if lang == "zh" else "; ").join(msgs)


def empty(rows: list[dict], kind: str) -> bool:
    """No rows, or an aggregate over nothing (one row of NULL sums / zero reports)."""
    if not rows:
        return True
    r = rows[0]
    if len(rows) == 1 and "reports" in r and r["reports"] == 0 and kind not in ("report_count", "reports_by_year"):
        return True
    if len(rows) == 1 and set(r) & {"value", "total", "average"} and all(
            r.get(k) is None for k in ("value", "total", "average") if k in r):
        return True
    return False


NO_DATA = {
    "zh": "没有找到{scope}{years}{measure_zh}的数据：数据库中没有符合条件的报告或表格单元格。",
    "en": "No data found{scope_en}{years_en}{measure_en}: no report or table cell in the database matches.",
}


def sentence(t: dict, rows: list[dict], slots: dict, u, lang: str) -> str:
    v = Vars(t["id"], rows, slots, u, lang)
    if empty(rows, t["id"]):
        v["measure_zh"] = ("的" + v["measure"]) if v["measure"] else ""
        v["measure_en"] = (" for " + v["measure_en"]) if u.measure else ""
        return NO_DATA[lang].format_map(v)
    return t["answer"][lang].format_map(v)
