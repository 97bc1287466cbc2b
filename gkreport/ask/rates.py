"""Rates and shares: numerator ÷ denominator, each named, with its formula and a 95 % Wilson interval.

The rates people ask for by name (公开率, 不予公开率, 纠错率) are data, in rates.yaml; a share asked for
by its parts (自然人占收到申请的比例) is built the same way from the figure and its base. Either way an
answer shows numerator, denominator and rate side by side, and states the formula. Rankings by a rate
leave out bodies whose denominator is under a minimum base (rates.yaml `min_base`, or the question's
own: 不少于50件, at least 50 cases), and say how many were left out.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .. import template as T

HERE = Path(__file__).resolve().parent
Z95 = 1.959963984540054


@lru_cache(maxsize=1)
def definitions() -> dict:
    return yaml.safe_load((HERE / "rates.yaml").read_text(encoding="utf-8"))


def default_min_base() -> int:
    return int(definitions()["min_base"])


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

    def describe(self, lang: str) -> dict:
        return {"id": self.id, "name": self.name[lang], "formula": self.formula[lang],
                "numerator": self.numerator_label[lang], "denominator": self.denominator_label[lang]}


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
        cond = "f.proceeding in (select value from json_each(:rate_proceedings))"
        return Ratio(rate_id, d["name"], d["formula"], num["label"], den["label"], "appeal_stats", cond,
                     f"f.{num['column']}", cond, f"f.{den['column']}",
                     f"f.{den['minus']}" if den.get("minus") else None, cond,
                     {"rate_proceedings": json.dumps(procs)})
    num_rows, den_rows = _rows_of(num), _rows_of(den)
    return Ratio(rate_id, d["name"], d["formula"], num["label"], den["label"], "request_stats",
                 "f.row_key in (select value from json_each(:num_rows))", "f.total",
                 "f.row_key in (select value from json_each(:den_rows))", "f.total", None,
                 "f.row_key in (select value from json_each(:rate_rows))",
                 {"num_rows": json.dumps(num_rows), "den_rows": json.dumps(den_rows),
                  "rate_rows": json.dumps(list(dict.fromkeys(num_rows + den_rows)))})


def share(family: str, num_rows: list[str] | None, num_value: str, num_label: dict, den_rows: list[str] | None,
          den_value: str, den_label: dict, proceedings: list[str] | None = None) -> Ratio:
    """A share asked for by its parts: the figure and its base (rows of table 3, or proceedings of table 4)."""
    name = {"zh": f"{num_label['zh']}占{den_label['zh']}的比例", "en": f"share of {num_label['en']} in {den_label['en']}"}
    formula = {"zh": f"比例 = {num_label['zh']} ÷ {den_label['zh']}", "en": f"share = {num_label['en']} ÷ {den_label['en']}"}
    if family == "appeal":
        cond = "f.proceeding in (select value from json_each(:rate_proceedings))"
        return Ratio(None, name, formula, num_label, den_label, "appeal_stats", cond, num_value, cond, den_value, None,
                     cond, {"rate_proceedings": json.dumps(list(proceedings or []))})
    return Ratio(None, name, formula, num_label, den_label, "request_stats",
                 "f.row_key in (select value from json_each(:num_rows))", num_value,
                 "f.row_key in (select value from json_each(:den_rows))", den_value, None,
                 "f.row_key in (select value from json_each(:rate_rows))",
                 {"num_rows": json.dumps(num_rows), "den_rows": json.dumps(den_rows),
                  "rate_rows": json.dumps(list(dict.fromkeys(num_rows + den_rows)))})


def wilson(numerator, denominator, z: float = Z95) -> tuple[float, float] | None:
    """The 95 % Wilson score interval of numerator/denominator, or None when it has no meaning."""
    if numerator is None or denominator is None or denominator <= 0 or numerator < 0 or numerator > denominator:
        return None
    n, p = float(denominator), numerator / denominator
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return round(max(0.0, centre - half), 6), round(min(1.0, centre + half), 6)


def words() -> list[tuple[str, str, str]]:
    """(language, word, rate id) for every word that names a rate."""
    return [(lang, w, rid) for rid, d in definitions()["rates"].items() for lang in ("zh", "en")
            for w in d["words"][lang]]
