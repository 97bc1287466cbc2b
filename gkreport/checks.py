"""The arithmetic rules of the format spec, run over parsed tables → findings."""

from __future__ import annotations

import re

from .model import Check, Section, Tables, number_text
from .rules import COLUMN_LABELS, T4_RULES, evaluate, table3_equations, table4_equations
from .template import (ACTIVE_ITEM_BY_KEY, ACTIVE_MEASURE_BY_KEY, OUTCOMES, PROCEEDINGS, REQUEST_ROW_BY_KEY,
                       T2019, T2021)

_OUTCOME_LABELS = dict(OUTCOMES)
_PROCEEDING_LABELS = dict(PROCEEDINGS)


# The rules computed from the tables' values alone (arithmetic_checks, narrative_checks): a report whose
# values a person corrected has these computed again on the values in force (gkreport.review.settle).
VALUE_RULES = frozenset({"t3_received_eq_processed", "t3_processed_sum", "t3_total_column", *T4_RULES.values(),
                         "negative_value", "not_integer", "t2_items_vs_decisions", "text_vs_table3"})


def arithmetic_checks(tables: Tables) -> list[Check]:
    values = {"t3": tables.requests, "t4": tables.appeals}
    out: list[Check] = []
    if tables.requests:
        fmt = tables.table3_template or T2021
        for eq, left, right in evaluate(values, table3_equations(fmt, tables.requests)):
            out.append(Check(eq.rule, "warning", f"表三{eq.explain}，但报告中是 {left} 与 {right}。",
                             expected=str(left), actual=str(right), location=eq.location))
    if tables.appeals:
        for eq, left, right in evaluate(values, table4_equations()):
            out.append(Check(eq.rule, "warning", f"表四{eq.explain}，但总计是 {left}，各项之和是 {right}。",
                             expected=str(right), actual=str(left), location=eq.location))
    out.extend(type_checks(tables))
    out.extend(items_vs_decisions(tables))
    return out


_ITEM_MEASURES = {"previous_count", "change", "decisions"}


def items_vs_decisions(tables: Tables) -> list[Check]:
    """Rule R10, log only: in a 2019 table 2, 上一年项目数量 plus 本年增/减 usually comes to 处理决定数量,
    but the two count different things (items, decisions), so a difference is noted and never a warning."""
    if tables.table2_template != T2019:
        return []
    rows: dict[str, dict[str, float]] = {}
    for cell in tables.active:
        if cell.measure in _ITEM_MEASURES:
            rows.setdefault(cell.item, {})[cell.measure] = cell.value
    out: list[Check] = []
    for item, m in rows.items():
        if len(m) < len(_ITEM_MEASURES):
            continue
        if m["previous_count"] + m["change"] != m["decisions"]:
            items, decisions = number_text(m["previous_count"] + m["change"]), number_text(m["decisions"])
            out.append(Check("t2_items_vs_decisions", "info",
                             f"表二「{ACTIVE_ITEM_BY_KEY[item].label}」的上一年项目数量加本年增/减为 {items}，"
                             f"处理决定数量为 {decisions}；两者统计口径不同，仅作提示。",
                             expected=items, actual=decisions, location=f"active_disclosure.{item}.decisions"))
    return out


def type_checks(tables: Tables) -> list[Check]:
    """Rule R7: counts are non-negative integers; only 本年增/减 may be negative, only money may have decimals."""
    out: list[Check] = []

    def bad(location: str, label: str, v, signed: bool = False) -> None:
        """A value the loops below found out of rule: negative where it can't be, or not whole."""
        if v < 0 and not signed:
            out.append(Check("negative_value", "warning", f"{label}是负数（{v}），这一格只能是非负数。",
                             actual=str(v), location=location))
        elif not float(v).is_integer():
            out.append(Check("not_integer", "warning", f"{label}不是整数（{v}），件数只能是整数。",
                             actual=str(v), location=location))

    for row, cols in tables.requests.items():
        for col, v in cols.items():
            if v is None or (type(v) is int and v >= 0):
                continue  # the common case, kept cheap
            bad(f"request_stats.{row}.{col}", f"表三「{REQUEST_ROW_BY_KEY[row].label}」的{COLUMN_LABELS[col]}", v)
    for proc, cols in tables.appeals.items():
        for outcome, v in cols.items():
            if v is None or (type(v) is int and v >= 0):
                continue
            bad(f"appeal_stats.{proc}.{outcome}", f"表四{_PROCEEDING_LABELS[proc]}的{_OUTCOME_LABELS[outcome]}", v)
    for cell in tables.active:
        measure = ACTIVE_MEASURE_BY_KEY[cell.measure]
        if (cell.value < 0 and not measure.signed) or (not measure.decimal and not float(cell.value).is_integer()):
            # (the label is only worth building for a cell that breaks the rule)
            label = f"表二「{ACTIVE_ITEM_BY_KEY[cell.item].label}」的{measure.label}"
            bad(f"active_disclosure.{cell.item}.{cell.measure}", label, cell.value, measure.signed)
    return out


# (at most 15 digits, as in the tables: a longer number is no count, and int() refuses very long ones)
_RECEIVED_IN_TEXT = re.compile(r"(?:收到|受理|接到|接收)(?:了)?(?:各类)?(?:政府)?(?:信息)?(?:公开)?申请\s*(?:共)?\s*(\d{1,15})\s*件")


def narrative_checks(sections: list[Section], tables: Tables) -> list[Check]:
    """Rule R11: a count of requests quoted in the text should match table 3. Soft: the text may
    count carried-over requests as received, so either reading passes, and a mismatch is only noted."""
    row = tables.requests.get("new_received", {})
    if row.get("total") is None:
        return []
    new = row["total"]
    carried = tables.requests.get("carried_over", {}).get("total") or 0
    for s in sections:
        m = _RECEIVED_IN_TEXT.search(s.body) if s.section_no in (0, 1, 3) else None
        if m:
            quoted = int(m.group(1))
            if quoted not in (new, new + carried):
                return [Check("text_vs_table3", "info",
                              f"正文说收到申请 {quoted} 件，表三「本年新收」为 {new} 件（加上年结转共 {new + carried} 件）。",
                              expected=str(new), actual=str(quoted), location="request_stats.new_received.total")]
            return []
    return []


def status_of(checks: list[Check], tables_readable: bool) -> str:
    if not tables_readable:
        return "error"
    if any(c.severity in ("error", "warning") for c in checks):
        return "warning"
    return "ok"
