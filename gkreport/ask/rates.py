"""Rates and shares: numerator ÷ denominator, each named, with its formula and a 95 % Wilson interval.

The rates people ask for by name (公开率, 不予公开率, 纠错率) are the site's metrics (gkreport/assess/
metrics.yaml, the `metrics` table): their names, formulas, labels and minimum base come from there, and
rates.yaml adds only the rows of table 3 or columns of table 4 each is summed from and the words that
name it. A share asked for by its parts (自然人占收到申请的比例) is built the same way from the figure
and its base. Either way an
answer shows numerator, denominator and rate side by side, and states the formula. Rankings by a rate
leave out bodies whose denominator is under a minimum base (the metrics' `min_base`, or the question's
own: 不少于50件, at least 50 cases), and say how many were left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import template as T
from .. import yamlfile
from ..assess import metrics as M

HERE = Path(__file__).resolve().parent


def _from_metric(metric: dict) -> dict:
    """A metric's words, as the question box states them: name, formula and the parts' labels."""
    return {"name": {"zh": metric["name"], "en": metric["name_en"]},
            "formula": {"zh": metric["formula"], "en": metric["formula_en"]},
            "numerator_label": {"zh": metric["numerator_label"], "en": metric["numerator_label_en"]},
            "denominator_label": {"zh": metric["denominator_label"], "en": metric["denominator_label_en"]},
            "min_base": int(metric["min_base"])}


@lru_cache(maxsize=1)
def definitions() -> dict:
    """rates.yaml's parts of each rate, with its metric's name, formula, labels and minimum base."""
    found = yamlfile.load((HERE / "rates.yaml").read_text(encoding="utf-8"))
    metrics = M.by_key()
    for key, rate in found["rates"].items():
        rate.update(_from_metric(metrics[key]))
    return found


def default_min_base() -> int:
    """The minimum base of a ranking by a rate: the metrics' (all 30 unless metrics.yaml says otherwise)."""
    return min(int(m["min_base"]) for m in M.definitions())


# 纠错率 over the proceedings a question names is the metric of those proceedings: 行政复议纠错率 for
# review alone, 行政诉讼纠错率 for either or both kinds of lawsuit, 纠错率 for review and lawsuits together
_REVIEW = {"review"}


def _correction_metric(procs: list[str]) -> str:
    if set(procs) == _REVIEW:
        return "review_correction_rate"
    return "litigation_correction_rate" if not set(procs) & _REVIEW else "correction_rate"


@dataclass
class Ratio:
    """The parts of a rate as SQL over `f` (request_stats or appeal_stats), every value bound in params."""

    id: str | None
    name: dict  # zh, en
    formula: dict
    numerator_label: dict
    denominator_label: dict
    table: str
    num_cond: str
    num_value: str
    den_cond: str
    den_value: str
    den_minus: str | None
    where: str  # the rows either part reads, for the index
    params: dict
    # the same parts as columns of the summary table report_figures (numerator, denominator, subtracted),
    # when they are among its columns: a rate over thousands of reports from one row each
    figures: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None = None

    @property
    def numerator(self) -> str:
        return f"sum(case when {self.num_cond} then {self.num_value} end)"

    @property
    def denominator(self) -> str:
        den = f"sum(case when {self.den_cond} then {self.den_value} end)"
        if self.den_minus:
            den = f"({den} - sum(case when {self.den_cond} then {self.den_minus} end))"
        return den

    def columns(self) -> str:
        """numerator, denominator, rate (a fraction) and percent, as select columns."""
        return (f"{self.numerator} as numerator, {self.denominator} as denominator, "
                f"1.0 * {self.numerator} / nullif({self.denominator}, 0) as rate, "
                f"round(100.0 * {self.numerator} / nullif({self.denominator}, 0), 1) as percent")

    def figure_columns(self) -> str:
        """The columns of columns(), over report_figures r: a report's part is the sum of its columns, NULL
        when all of them are (as a sum over its rows of request_stats would be)."""
        num, den, minus = (f"sum({_nullsum(cols)})" for cols in self.figures)
        if self.figures[2]:
            den = f"({den} - {minus})"
        return (f"{num} as numerator, {den} as denominator, 1.0 * {num} / nullif({den}, 0) as rate, "
                f"round(100.0 * {num} / nullif({den}, 0), 1) as percent")

    def describe(self, lang: str) -> dict:
        return {"id": self.id, "name": self.name[lang], "formula": self.formula[lang],
                "numerator": self.numerator_label[lang], "denominator": self.denominator_label[lang]}


# report_figures' columns of table 3, each the sum of these rows
_FIGURE_ROWS = {
    "new_received": ("new_received",), "carried_over": ("carried_over",), "granted": ("granted",),
    "partially_granted": ("partially_granted",), "denied": tuple(r.key for r in T.REQUEST_ROWS if r.category == "denied"),
    "unable": tuple(r.key for r in T.REQUEST_ROWS if r.category == "unable"),
    "rejected": tuple(r.key for r in T.REQUEST_ROWS if r.category == "rejected"), "other_handling": ("other_handling",),
    "total_processed": ("total_processed",), "carried_forward": ("carried_forward",),
}
_FIGURE_PROCEEDINGS = {("review",): "review", ("litigation_after_review", "litigation_direct"): "litigation"}


def _nullsum(cols: tuple[str, ...]) -> str:
    if len(cols) == 1:
        return f"r.{cols[0]}"
    return (f"case when {' and '.join(f'r.{c} is null' for c in cols)} then null else "
            + " + ".join(f"coalesce(r.{c}, 0)" for c in cols) + " end")


def figure_columns_of(rows: list[str]) -> tuple[str, ...] | None:
    """The report_figures columns whose rows make up exactly these rows of table 3."""
    left, out = set(rows), []
    for col, col_rows in sorted(_FIGURE_ROWS.items(), key=lambda kv: -len(kv[1])):
        if set(col_rows) <= left:
            out.append(col)
            left -= set(col_rows)
    return tuple(out) if not left and out else None


def _appeal_figures(procs: list[str], num: str, den: str, minus: str | None):
    groups = []
    rest = set(procs)
    for key, name in _FIGURE_PROCEEDINGS.items():
        if set(key) <= rest:
            groups.append(name)
            rest -= set(key)
    if rest or not groups or num not in ("corrected", "pending", "total") or den != "total":
        return None
    return (tuple(f"{g}_{num}" for g in groups), tuple(f"{g}_total" for g in groups),
            tuple(f"{g}_{minus}" for g in groups) if minus else ())


def _rows_of(spec: dict) -> list[str]:
    if spec.get("category"):
        return [r.key for r in T.REQUEST_ROWS if r.category == spec["category"]]
    return list(spec["rows"])


def named(rate_id: str, proceedings: tuple[str, ...] | None = None) -> Ratio:
    """A rate of rates.yaml; for a rate over table 4, the proceedings the question named (else all three)."""
    d = definitions()["rates"][rate_id]
    num, den = d["numerator"], d["denominator"]
    if d["table"] == "appeal_stats":
        procs = list(proceedings or [k for k, _ in T.PROCEEDINGS])
        if rate_id == "correction_rate":
            d = dict(d, **_from_metric(M.by_key()[_correction_metric(procs)]))
        cond = "f.proceeding in (select value from json_each(:rate_proceedings))"
        return Ratio(rate_id, d["name"], d["formula"], d["numerator_label"], d["denominator_label"], "appeal_stats",
                     cond,
                     f"f.{num['column']}", cond, f"f.{den['column']}",
                     f"f.{den['minus']}" if den.get("minus") else None, cond,
                     {"rate_proceedings": json.dumps(procs)},
                     _appeal_figures(procs, num["column"], den["column"], den.get("minus")))
    num_rows, den_rows = _rows_of(num), _rows_of(den)
    return _request_ratio(rate_id, d["name"], d["formula"], d["numerator_label"], d["denominator_label"], num_rows,
                          "f.total", den_rows, "f.total")


def _request_ratio(rate_id, name, formula, num_label, den_label, num_rows, num_value, den_rows, den_value) -> Ratio:
    num_cols, den_cols = figure_columns_of(num_rows), figure_columns_of(den_rows)
    figures = (num_cols, den_cols, ()) if num_cols and den_cols and num_value == den_value == "f.total" else None
    return Ratio(rate_id, name, formula, num_label, den_label, "request_stats",
                 "f.row_key in (select value from json_each(:num_rows))", num_value,
                 "f.row_key in (select value from json_each(:den_rows))", den_value, None,
                 "f.row_key in (select value from json_each(:rate_rows))",
                 {"num_rows": json.dumps(num_rows), "den_rows": json.dumps(den_rows),
                  "rate_rows": json.dumps(list(dict.fromkeys(num_rows + den_rows)))}, figures)


def share(family: str, num_rows: list[str] | None, num_value: str, num_label: dict, den_rows: list[str] | None,
          den_value: str, den_label: dict, proceedings: list[str] | None = None) -> Ratio:
    """A share asked for by its parts: the figure and its base (rows of table 3, or proceedings of table 4)."""
    name = {"zh": f"{num_label['zh']}占{den_label['zh']}的比例", "en": f"share of {num_label['en']} in {den_label['en']}"}
    formula = {"zh": f"比例 = {num_label['zh']} ÷ {den_label['zh']}", "en": f"share = {num_label['en']} ÷ {den_label['en']}"}
    if family == "appeal":
        cond = "f.proceeding in (select value from json_each(:rate_proceedings))"
        return Ratio(None, name, formula, num_label, den_label, "appeal_stats", cond, num_value, cond, den_value, None,
                     cond, {"rate_proceedings": json.dumps(list(proceedings or []))},
                     _appeal_figures(list(proceedings or []), num_value.removeprefix("f."), den_value.removeprefix("f."),
                                     None))
    return _request_ratio(None, name, formula, num_label, den_label, num_rows, num_value, den_rows, den_value)


wilson = M.wilson  # the 95 % Wilson score interval, None when it has no meaning: the metrics' own


def words() -> list[tuple[str, str, str]]:
    """(language, word, rate id) for every word that names a rate."""
    return [(lang, w, rid) for rid, d in definitions()["rates"].items() for lang in ("zh", "en")
            for w in d["words"][lang]]
