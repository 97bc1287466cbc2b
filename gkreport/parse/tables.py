"""Read tables 2, 3 and 4 from their rows, by label, whatever the layout damage.

Rows are identified by the anchors of ``gkreport.template``; a number is only
stored in a cell when its place is certain. Everything uncertain becomes a
``Check``.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

from .. import template as T
from ..model import ActiveCell, Check, number_text
from ..rules import t3, t4, table3_equations, table4_equations
from .placement import resolve_row, resolve_rows
from .text import BLANK, Row, squash

_ITEM_LABEL_MAX = 24
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十]\)|\d+[.、]?)")


def _fmt_values(values) -> str:
    return "，".join("空" if v is BLANK else number_text(v.value) for v in values)


# --- table 2 ---------------------------------------------------------------


@dataclass
class Table2:
    template: Optional[str] = None
    cells: list[ActiveCell] = field(default_factory=list)
    items: set = field(default_factory=set)
    checks: list[Check] = field(default_factory=list)
    found: bool = False
    sources: dict[str, tuple[int, int]] = field(default_factory=dict)  # see Tables.sources


def detect_table2_format(text: str) -> Optional[str]:
    s = squash(text)
    hits = {fmt: sum(1 for w in words if w in s) for fmt, words in T.TABLE2_MARKERS.items()}
    if not any(hits.values()):
        return None
    return T.T2019 if hits[T.T2019] > hits[T.T2021] else T.T2021


_ITEM_PATTERNS = [(item, re.compile("|".join(item.anchors))) for item in T.ACTIVE_ITEMS]
# a block header names 信息内容 or a measure: one search for any of those words
_HEADER_WORDS = re.compile("|".join(re.escape(w) for w in ("信息内容",) + tuple(
    a for m in T.ACTIVE_MEASURES for a in m.anchors)))


@lru_cache(maxsize=4096)
def _header_units(label: str) -> Optional[dict[str, Optional[str]]]:
    """For a block header's label, the unit it prints for each money column; None for any other row.
    Cached: the same labels recur in every report."""
    if not _HEADER_WORDS.search(label):
        return None
    return {m.key: _unit_of(label[label.find(m.anchors[0]):])
            for m in T.ACTIVE_MEASURES if m.decimal and any(a in label for a in m.anchors)}


@lru_cache(maxsize=4096)
def _match_item(label: str) -> Optional[T.ItemDef]:
    if not label or len(label) > _ITEM_LABEL_MAX:
        return None
    return next((item for item, pattern in _ITEM_PATTERNS if pattern.search(label)), None)


def _unit_of(label: str) -> Optional[str]:
    if "万元" in label:
        return "万元"
    if "元" in label:
        return "元"
    return None


def read_table2(rows: list[Row], fmt: Optional[str]) -> Table2:
    out = Table2(template=fmt)
    header_units: dict[str, Optional[str]] = {}
    for row in rows:
        units = _header_units(row.label)
        if units is not None:
            header_units.update(units)  # a block header: the units it prints for money columns
            continue
        item = _match_item(row.label)
        if not item:
            continue
        out.found = True
        if fmt is None:
            continue
        columns = T.ACTIVE_COLUMNS[fmt].get(item.key)
        if columns is None:
            out.checks.append(Check("t2_surplus_cells", "warning",
                                    f"表二出现了{fmt}年版格式没有的行「{item.label}」，未读取。",
                                    actual=_fmt_values(row.values), location=f"active_disclosure.{item.key}"))
            continue
        out.items.add(item.key)
        values = row.values
        loc = f"active_disclosure.{item.key}"
        if len(values) != len(columns):
            rule = "t2_missing_cells" if len(values) < len(columns) else "t2_surplus_cells"
            how = "少于" if len(values) < len(columns) else "多于"
            out.checks.append(Check(
                rule, "warning",
                f"表二「{item.label}」一行有 {len(values)} 个数字，{how}应有的 {len(columns)} 格，"
                f"无法确定各数字属于哪一格，该行未读取。",
                expected=f"{len(columns)} 个数字", actual=_fmt_values(values) or "无", location=loc))
            continue
        for n, (measure, v) in enumerate(zip(columns, values)):
            if v is BLANK:
                continue
            out.sources[f"{loc}.{measure}"] = (row.line_no, n)
            unit = v.unit or header_units.get(measure) or ("万元" if measure == "amount_10k_yuan" else None)
            out.cells.append(ActiveCell(item.key, measure, v.value, unit))
    return out


# --- table 3 ---------------------------------------------------------------


@dataclass
class Table3:
    template: Optional[str] = None
    values: dict[str, dict[str, Optional[int]]] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    found: bool = False
    sources: dict[str, tuple[int, int]] = field(default_factory=dict)  # see Tables.sources


def _strip_numbering(label: str) -> str:
    return _NUMBERING.sub("", label)


_ROW_PATTERNS = [(r.key, r.weak, re.compile("|".join(f"(?:{a})" for a in r.anchors))) for r in T.REQUEST_ROWS]


@lru_cache(maxsize=16384)
def match_request_row(label: str) -> tuple[str, ...]:
    """Row keys whose anchors match a label: strong anchors first, weak only when nothing else matches."""
    strong, weak = [], []
    for key, is_weak, pattern in _ROW_PATTERNS:
        if pattern.search(label):
            (weak if is_weak else strong).append(key)
    return tuple(strong or weak)


_CANONICAL = {r.key: squash(_strip_numbering(squash(r.label))) for r in T.REQUEST_ROWS}


def fuzzy_request_row(label: str, allowed: set[str]) -> Optional[str]:
    """A damaged or cut label ('5.要求行政机关确') still names one row when it is a clear part of it."""
    core = _strip_numbering(label)
    for group in T.REQUEST_GROUP_LABELS:
        core = core.replace(group, "")
    core = re.sub(r"^\([一二三四五六七]\)|^[一二三四]、", "", core)
    if len(core) < 3:
        return None
    scores = []
    for key in allowed:
        canon = _CANONICAL[key]
        if core in canon:
            ratio = 0.6 + 0.4 * len(core) / len(canon)
        else:
            ratio = difflib.SequenceMatcher(None, core, canon).ratio()
        scores.append((ratio, key))
    scores.sort(reverse=True)
    if scores and scores[0][0] >= 0.6 and (len(scores) == 1 or scores[0][0] - scores[1][0] >= 0.15):
        return scores[0][1]
    return None


class _Assigned(NamedTuple):
    key: str
    row: Row
    label: str


def _assign_rows(rows: list[Row], checks: list[Check]) -> list[_Assigned]:
    """Give each row with numbers its row key, by its own label or by a label cut across rows."""
    assigned: list[_Assigned] = []
    used: set[str] = set()
    floating: list[Row] = []  # label-only rows seen since the last data row
    consumed: set[int] = set()
    last = -1  # the template position of the furthest row assigned so far

    def pick(keys, last: int) -> Optional[str]:
        if len(keys) == 1:  # the usual case: one row matches, and no list of the unused is worth building
            return None if keys[0] in used else keys[0]
        keys = [k for k in keys if k not in used]
        if len(keys) <= 1:
            return keys[0] if keys else None
        after = [k for k in keys if T.REQUEST_ORDER[k] > last]
        return min(after or keys, key=T.REQUEST_ORDER.__getitem__)

    for i, row in enumerate(rows):
        if not row.values:
            floating.append(row)
            continue
        label = row.label
        key = pick(match_request_row(label), last)
        if key is None:
            # the label may be cut: join it with the label-only rows around it
            before = "".join(r.label for r in floating if id(r) not in consumed)
            nxt = rows[i + 1] if i + 1 < len(rows) and not rows[i + 1].values else None
            for joined, takes in ((label + (nxt.label if nxt else ""), [nxt] if nxt else []),
                                  (before + label, [r for r in floating if id(r) not in consumed])):
                key = pick(match_request_row(joined), last)
                if key:
                    label = joined
                    consumed.update(id(r) for r in takes if r is not None)
                    break
        if key is None:
            allowed = {r.key for r in T.REQUEST_ROWS} - used
            key = fuzzy_request_row(label, allowed)
        floating = []
        if key is None:
            n = len(row.numbers)
            if n >= 5:
                checks.append(Check("t3_unplaced_row", "warning",
                                    f"表三第 {row.line_no + 1} 行的 {n} 个数字无法对应到模板中的任何一行，未读取。",
                                    actual=_fmt_values(row.values)))
            else:
                checks.append(Check("stray_numbers", "info",
                                    f"表三中有一行只有零散数字（{_fmt_values(row.values)}），不属于任何一行，已忽略。",
                                    actual=_fmt_values(row.values)))
            continue
        if id(row) in consumed:
            continue
        used.add(key)
        assigned.append(_Assigned(key, row, label))
        last = max(last, T.REQUEST_ORDER[key])
    return assigned


_request_rows_for = lru_cache(maxsize=8)(T.request_rows_for)  # the same two answers for every report
# each row's cells, in column order
_ROW_CELLS = {r.key: tuple(t3(r.key, c) for c in T.APPLICANT_KEYS) for r in T.REQUEST_ROWS}


def read_table3(rows: list[Row], fallback_fmt: Optional[str]) -> Table3:
    out = Table3()
    assigned = _assign_rows(rows, out.checks)
    if not assigned:
        return out
    out.found = True
    keys = {a.key for a in assigned}
    if keys & set(T.OTHER_SUBROWS):
        fmt = T.T2021
    elif "other_handling" in keys:
        fmt = T.T2019
    else:
        fmt = fallback_fmt or T.T2021
    out.template = fmt if keys & (set(T.OTHER_SUBROWS) | {"other_handling"}) else fallback_fmt

    width = len(T.APPLICANT_KEYS)
    damaged: dict = {}
    for a in assigned:
        values = a.row.values
        if len(values) != width:
            damaged[a.key] = [v.stored for v in values]  # None for a dash
            continue
        # a None is a cell the report left blank; a cell missing from the dict could not be read
        row_values = dict(zip(T.APPLICANT_KEYS, [v.stored for v in values]))
        out.values[a.key] = row_values
        out.sources.update({f"request_stats.{a.key}.{c}": (a.row.line_no, n) for n, c in enumerate(T.APPLICANT_KEYS)})
        if None in row_values.values():
            blanks = [T.APPLICANT_COLUMNS[n][1] for n, v in enumerate(values) if v is BLANK]
            out.checks.append(Check("t3_blank_cells", "warning",
                                    f"表三「{T.REQUEST_ROW_BY_KEY[a.key].label}」一行的"
                                    f"{'、'.join(blanks)}留空，勾稽关系按 0 计算。",
                                    location=f"request_stats.{a.key}"))
    if damaged:
        _place_damaged(out, damaged, table3_equations(fmt, keys))
    missing = [k for k in _request_rows_for(fmt) if k not in keys]
    if missing:
        labels = "、".join(T.REQUEST_ROW_BY_KEY[k].label for k in missing[:6]) + ("等" if len(missing) > 6 else "")
        out.checks.append(Check("t3_missing_rows", "warning",
                                f"表三缺少 {len(missing)} 行：{labels}。",
                                expected=f"{len(_request_rows_for(fmt))} 行", actual=f"{len(keys)} 行",
                                location="request_stats"))
    return out


def _place_damaged(out: Table3, damaged: dict[str, list], equations) -> None:
    """Rows printed with too few or too many numbers: keep the cells the arithmetic settles."""
    width = len(T.APPLICANT_KEYS)
    known = equations.values_of({"t3": out.values})  # a blank intact cell is not known either
    # a dash in a damaged row can't be placed either; only numbers take part
    numeric = {k: (_ROW_CELLS[k], [v for v in vals if v is not None]) for k, vals in damaged.items()}
    settled = resolve_rows(numeric, known, equations)
    for key, vals in damaged.items():
        row = settled.get(key, {})
        placed = [row.get(c) for c in _ROW_CELLS[key]]  # by column, None where not settled
        shown = "，".join("空" if v is None else number_text(v) for v in vals)
        how = "少于" if len(vals) < width else "多于"
        if len(row) == width:
            result = "按勾稽关系可以唯一确定每一格：" + "，".join(map(number_text, placed)) + "。"
        elif row:
            result = "按勾稽关系只能确定其中 " + str(len(row)) + " 格，其余留空。"
        else:
            result = "无法确定各数字属于哪一格，该行留空。"
        out.checks.append(Check(
            "t3_missing_cells" if len(vals) < width else "t3_surplus_cells", "warning",
            f"表三「{T.REQUEST_ROW_BY_KEY[key].label}」一行有 {len(vals)} 个数字，{how}应有的 7 格；{result}",
            expected="7 个数字", actual=shown or "无", location=f"request_stats.{key}"))
        out.values[key] = {c: v for c, v in zip(T.APPLICANT_KEYS, placed) if v is not None}
    # keep the printed order of rows
    out.values = dict(sorted(out.values.items(), key=lambda kv: T.REQUEST_ORDER[kv[0]]))


# --- table 4 ---------------------------------------------------------------


@dataclass
class Table4:
    values: dict[str, dict[str, Optional[int]]] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    found: bool = False
    sources: dict[str, tuple[int, int]] = field(default_factory=dict)  # see Tables.sources


_T4_CELLS = tuple(t4(p, o) for p, _ in T.PROCEEDINGS for o in T.OUTCOME_KEYS)  # the printed order


def read_table4(rows: list[Row]) -> Table4:
    out = Table4()
    labels: list[str] = []
    numbers: list = []
    places: list[tuple[int, int]] = []  # (line, index in its row) of each number
    for row in rows:
        label = row.label
        labels.append(label)
        if len(label) > 40:
            continue  # narrative text, not a table row
        numbers.extend(row.values)
        places.extend((row.line_no, n) for n in range(len(row.values)))
    if not numbers:
        # an empty table still shows its outcome columns; a sentence naming 行政复议 is not a table
        header_words = {w for label in labels for w in T.TABLE4_HEADER_WORDS if w in label}
        out.found = len(header_words - {"行政复议", "行政诉讼", "总计"}) >= 3
        return out
    out.found = True
    cells = _T4_CELLS
    if len(numbers) == len(cells):
        for cell, v, place in zip(cells, numbers, places):
            out.values.setdefault(cell[1], {})[cell[2]] = v.stored  # None for a dash
            out.sources[f"appeal_stats.{cell[1]}.{cell[2]}"] = place
        return out
    vals = [0 if v is BLANK else v.stored for v in numbers]
    row, feasible = resolve_row(cells, vals, None, table4_equations())
    how = "少于" if len(numbers) < len(cells) else "多于"
    if len(row) == len(cells):
        result = "按各组总计可以唯一确定每一格。"
    elif row:
        result = f"按各组总计只能确定其中 {len(row)} 格，其余留空。"
    else:
        result = "无法确定各数字属于哪一格，表四留空。"
    out.checks.append(Check("t4_cell_count", "warning",
                            f"表四（行政复议、行政诉讼）有 {len(numbers)} 个数字，{how}应有的 15 格；{result}",
                            expected="15 个数字", actual=_fmt_values(numbers), location="appeal_stats"))
    for p, _ in T.PROCEEDINGS:
        out.values[p] = {o: row[t4(p, o)] for o in T.OUTCOME_KEYS if t4(p, o) in row}
    return out
