"""Table 3, 收到和处理政府信息公开申请情况: rows by their labels' anchors, the seven applicant
columns by the cells' places where the layout shows them, else by the count, else by arithmetic."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

from ... import template as T
from ...model import Check, number_text
from ...rules import t3, table3_equations
from .. import columns
from ..placement import resolve_rows
from ..rows import EMPTY, Row, placed_cells
from ..text import BLANK, Num, squash
from .blanks import apply, settle
from .common import fmt_values, is_value, not_counts, uncountable, value_index
from .split_digits import rejoin

# a numbering prefix: 一、 (三) 4. — and OCR's l. or I. for 1.
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十]\)|[\dlI]+[.、,，]?)")
WIDTH = len(T.APPLICANT_KEYS)
_COLUMN_NAMES = dict(T.APPLICANT_COLUMNS)


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
    return _fuzzy_request_row(label, frozenset(allowed))


@lru_cache(maxsize=4096)
def _fuzzy_request_row(label: str, allowed: frozenset) -> Optional[str]:
    # cached: difflib over every allowed row is dear, and the same damaged labels recur
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


def _blank_row(row: Row) -> bool:
    """A labelled row whose seven value cells are all printed empty (or dashes)."""
    cells = row.cells
    return cells is not None and len(cells) > WIDTH and bool(row.labels) and \
        all(c is EMPTY or c is BLANK for c in cells[-WIDTH:])


class _Aligned:
    """``_aligned(rows)``, worked out the first time it is asked: most tables print every row whole,
    and then where their cells stand does not matter."""

    def __init__(self, rows: list[Row]):
        self.rows, self.value = rows, None

    def __bool__(self) -> bool:
        if self.value is None:
            self.value = _aligned(self.rows)
        return self.value


def _assign_rows(rows: list[Row], checks: list[Check], aligned: _Aligned) -> list[_Assigned]:
    """Give each row with numbers its row key, by its own label or by a label cut across rows; in a
    layout that keeps cells in their columns, a row printed wholly blank is a row too."""
    assigned: list[_Assigned] = []
    used: set[str] = set()
    floating: list[Row] = []  # label-only rows seen since the last data row
    consumed: set[int] = set()
    last = -1  # the template position of the furthest row assigned so far
    subrows: list = []  # whether the table prints the sub-rows of （六）, worked out when a blank row asks

    def has_subrows() -> bool:
        if not subrows:
            subrows.append(any(set(match_request_row(r.label)) & set(T.OTHER_SUBROWS) for r in rows))
        return subrows[0]

    def pick(keys, last: int) -> Optional[str]:
        if len(keys) == 1:  # the usual case: one row matches, and no list of the unused is worth building
            return None if keys[0] in used else keys[0]
        keys = [k for k in keys if k not in used]
        if len(keys) <= 1:
            return keys[0] if keys else None
        after = [k for k in keys if T.REQUEST_ORDER[k] > last]
        return min(after or keys, key=T.REQUEST_ORDER.__getitem__)

    for i, row in enumerate(rows):
        blank = not row.values and _blank_row(row) and bool(aligned)
        if not row.values and not blank:
            floating.append(row)
            continue
        label = row.label
        if blank:
            # only its own label names a blank row; a weak anchor only when the label is that row's
            # whole label, and （六）其他处理 only where no sub-rows follow it (there it is a group's label)
            key = next((k for k in match_request_row(label) if k not in used and (
                not T.REQUEST_ROW_BY_KEY[k].weak or
                (_strip_numbering(label) == _CANONICAL[k] and not (k == "other_handling" and has_subrows())))), None)
            if key is None:
                key = fuzzy_request_row(label, {r.key for r in T.REQUEST_ROWS if not r.weak} - used)
            if key is None:
                floating.append(row)
                continue
            floating = []
            used.add(key)
            assigned.append(_Assigned(key, row, label))
            last = max(last, T.REQUEST_ORDER[key])
            continue
        key = pick(match_request_row(label), last)
        if key is not None and len(_strip_numbering(label)) <= 2 and i + 1 < len(rows):
            # a bare '2.其他' names 3.其他 only if it is not the first line of a label wrapped onto
            # the next line ('2.其他' + '法律行政法规禁止公开')
            nxt = rows[i + 1]
            if not nxt.values and not _blank_row(nxt) and not _NUMBERING.match(nxt.label):
                other = pick(match_request_row(label + nxt.label), last)
                if other and other != key and not T.REQUEST_ROW_BY_KEY[other].weak:
                    key, label = other, label + nxt.label
                    consumed.add(id(nxt))
        if key is None or T.REQUEST_ROW_BY_KEY[key].weak:
            # the label may be cut: join it with the label-only rows around it (a weak match,
            # （六）其他处理 of '（六）其他处理 1.申请人无正当理', gives way to a strong one)
            before = "".join(r.label for r in floating if id(r) not in consumed)
            following = []  # the label-only rows right after it (a wrapped label's other lines)
            for r in rows[i + 1:i + 4]:
                # a numbered line opens the next label, unless this row has no label at all
                # (PDF text prints some rows' numbers on the line before their label)
                if r.values or _blank_row(r) or ((label or following) and _NUMBERING.match(r.label)):
                    break  # (a numbered line opens the next label)
                following.append(r)
            tries = [(label + "".join(r.label for r in following[:k]), following[:k])
                     for k in range(1, len(following) + 1)]
            # the next line first, then the lines before, then more lines after; lines before that
            # are a whole label of their own are a row printed blank, not the start of this one
            # (a weak match gives way only to the lines after it: lines before a （七）总计 are rows of
            # their own printed blank, never the start of its label)
            if key is None and not _names_a_row(before, used):
                tries.insert(min(1, len(tries)), (before + label, [r for r in floating if id(r) not in consumed]))
            weak = key
            key = None
            for joined, takes in tries:
                key = pick(match_request_row(joined), last)
                if key and (weak is None or not T.REQUEST_ROW_BY_KEY[key].weak):
                    label = joined
                    consumed.update(id(r) for r in takes)
                    break
                key = None
            key = key or weak
        if key is None:
            allowed = {r.key for r in T.REQUEST_ROWS} - used
            key = fuzzy_request_row(label, allowed)
        floating = []
        if key is None:
            n = len(row.numbers)
            if n >= 5:
                checks.append(Check("t3_unplaced_row", "warning",
                                    f"表三第 {row.line_no + 1} 行的 {n} 个数字无法对应到模板中的任何一行，未读取。",
                                    actual=fmt_values(row.values)))
            else:
                checks.append(Check("stray_numbers", "info",
                                    f"表三中有一行只有零散数字（{fmt_values(row.values)}），不属于任何一行，已忽略。",
                                    actual=fmt_values(row.values)))
            continue
        if id(row) in consumed:
            continue
        used.add(key)
        assigned.append(_Assigned(key, row, label))
        last = max(last, T.REQUEST_ORDER[key])
    # a row printed with its label and no number at all (every cell blank, and the layout keeps no
    # empty cells): a row still missing whose label alone, no part of another's, names it
    taken = {id(a.row) for a in assigned} | consumed
    for i, row in enumerate(rows):
        if row.values or id(row) in taken:
            continue
        labels = [row.label]  # alone, then with the lines a wrapped label goes on over
        for r in rows[i + 1:i + 4]:
            if r.values or id(r) in taken or _NUMBERING.match(r.label) or match_request_row(r.label):
                break
            labels.append(labels[-1] + r.label)
        for label in labels:
            key = next((k for k in match_request_row(label) if k not in used and (
                not T.REQUEST_ROW_BY_KEY[k].weak or
                (_strip_numbering(label) == _CANONICAL[k] and not (k == "other_handling" and has_subrows())))), None)
            if key is not None and _whole_label(label, key):
                used.add(key)
                taken.add(id(row))
                assigned.append(_Assigned(key, row, label))
                break
    return assigned


def _names_a_row(label: str, used: set) -> bool:
    return bool(label) and any(not T.REQUEST_ROW_BY_KEY[k].weak and _whole_label(label, k)
                               for k in match_request_row(label) if k not in used)


def _whole_label(label: str, key: str) -> bool:
    """Is the label the row's whole label (group words and numbering aside), not a piece of it?"""
    core = _strip_numbering(label)
    if core == _CANONICAL[key]:
        return True
    for group in T.REQUEST_GROUP_LABELS:
        core = core.replace(group, "")
    core = re.sub(r"^\([一二三四五六七]\)|^[一二三四]、", "", core)
    canon = _CANONICAL[key]
    if core.endswith(canon):
        # what goes before it is a group label's remains ('本年度' of a wrapped 三、本年度办理结果)
        rest = re.sub(r"\([一二三四五六七]\)", "", core[:-len(canon)])
        if not rest or any(rest in g for g in ("本年度办理结果",) + T.REQUEST_GROUP_LABELS):
            return True
    return len(core) >= 0.8 * len(canon) and difflib.SequenceMatcher(None, core, canon).ratio() >= 0.8


_request_rows_for = lru_cache(maxsize=8)(T.request_rows_for)  # the same two answers for every report
# each row's cells, in column order
_ROW_CELLS = {r.key: tuple(t3(r.key, c) for c in T.APPLICANT_KEYS) for r in T.REQUEST_ROWS}


_LEGAL_COLUMNS = tuple(label for _, label in T.APPLICANT_COLUMNS[1:-1])  # 商业企业 … 其他


def _header_in_place(row: Row) -> bool:
    """A header row naming the five 法人或其他组织 columns right where the value cells sit (sixth to
    second from the end)."""
    cells = row.cells
    if cells is None or len(cells) < WIDTH:
        return False
    tail = cells[-WIDTH + 1:-1]
    return all(isinstance(c, str) and word in squash(c) for c, word in zip(tail, _LEGAL_COLUMNS))


def _aligned(rows: list[Row]) -> bool:
    """Does the layout keep each cell in its column? The header names the applicant columns where
    the values sit, or several rows print all seven numbers as their last seven cells (and none
    prints them elsewhere); and every row is as wide as the others of its block (web pages, PDF
    grids, pipe tables) or, as Word writes rows (a merged cell once), has no empty cell between its
    label and its value cells. Text whose empty cells were dropped or shifted (most PDF extracts,
    OCR) is read by the count of its numbers instead: there an empty cell after a label may stand
    for a number that was lost."""
    complete = 0
    header = False
    blocks: dict[int, list[tuple[int, bool]]] = {}  # block → (width, gap) of each row with cells
    for row in rows:
        cells = row.cells
        if cells is None:
            continue
        if not (row.values or _blank_row(row)):
            header = header or _header_in_place(row)
            blocks.setdefault(row.block, []).append((len(cells), False))  # a label row has the block's width too
            continue
        if len(row.values) > WIDTH:
            return False
        if len(row.values) == WIDTH:
            if not all(is_value(c) for c in cells[-WIDTH:]):
                return False
            complete += 1
        head = cells[:-WIDTH]
        labelled = [i for i, c in enumerate(head) if isinstance(c, str)]
        gap = bool(labelled) and any(c is EMPTY for c in head[labelled[-1] + 1:])
        blocks.setdefault(row.block, []).append((len(cells), gap))
    if not (complete >= 3 or header):
        return False
    # a block of one row (the end of a table a page break cut off) fits when it is as wide as a
    # block of several rows all of one width
    grid_widths = {shapes[0][0] for shapes in blocks.values() if len(shapes) >= 2 and len({w for w, _ in shapes}) == 1}
    for shapes in blocks.values():
        uniform = len({w for w, _ in shapes}) == 1 and (len(shapes) >= 2 or shapes[0][0] in grid_widths)
        if not uniform and any(gap for _, gap in shapes):
            return False
    return True


class _SpacedColumns:
    """For space-aligned text: the seven columns, from the rows printing all seven numbers or the
    header words over them, worked out when a row first needs them."""

    def __init__(self, rows: list[Row]):
        self.rows = rows
        self.columns: Optional[list] = None
        self.done = False

    def place(self, row: Row) -> Optional[list]:
        if not self.done:
            self.done = True
            complete = [r.raw for r in self.rows if r.raw is not None and len(r.values) == WIDTH]
            self.columns = columns.from_complete_rows(complete, WIDTH) if complete else None
            if self.columns is None:
                headers = [r.raw for r in self.rows if r.raw is not None and not r.values]
                self.columns = columns.from_headers(headers, _HEADER_WORDS)
        if self.columns is None or not row.values:
            return None
        where = columns.place(row.raw, len(row.values), self.columns)
        if where is None:
            return None
        out: list = [EMPTY] * WIDTH
        for k, v in zip(where, row.values):
            out[k] = v
        return out


_HEADER_WORDS = tuple(label for _, label in T.APPLICANT_COLUMNS)  # 自然人 … 总计


def _value_places(row: Row, values: list) -> list:
    """For each of the seven cells read, where its value stands among the row's values (None for a
    blank, or a reading not taken from them in order)."""
    if values is row.values:
        return list(range(WIDTH))
    cells = row.cells
    if cells is not None and len(cells) > WIDTH and all(x is y for x, y in zip(values, cells[-WIDTH:])):
        start = len(cells) - WIDTH
        return [value_index(cells, start + k) if type(v) is Num else None for k, v in enumerate(values)]
    nums = iter(n for n, v in enumerate(row.values))  # space-aligned: the numbers in order, blanks between
    out = []
    for v in values:
        out.append(next(nums, None) if is_value(v) else None)
    return out if len(row.values) == sum(1 for v in values if is_value(v)) else [None] * WIDTH


def _in_place(row: Row) -> Optional[list]:
    """The row's seven value cells by their places (its last seven cells), or None when a label sits there."""
    cells = row.cells
    if cells is None or len(cells) <= WIDTH:
        return None
    tail = cells[-WIDTH:]
    if any(isinstance(c, str) for c in tail):
        return None
    return list(tail)


def read_table3(rows: list[Row], fallback_fmt: Optional[str]) -> Table3:
    out = Table3()
    aligned = _Aligned(rows)
    assigned = _assign_rows(rows, out.checks, aligned)
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

    damaged: dict = {}
    blanks: dict[str, list[str]] = {}  # row → the columns printed blank (empty or a dash)
    spaced = _SpacedColumns(rows)
    for a in assigned:
        if not a.row.values and not _blank_row(a.row):
            values = [EMPTY] * WIDTH  # printed wholly blank, without its empty cells
        else:
            values = a.row.values
            # (a test by identity: `BLANK in values` would call each number's generated __eq__)
            if len(values) != WIDTH or any(v is BLANK for v in values):
                values = (_in_place(a.row) if aligned else None) or placed_cells(a.row, WIDTH) or \
                    a.row.values_for(WIDTH)
        if len(values) != WIDTH and a.row.raw is not None:
            values = spaced.place(a.row) or values
        where = f"表三「{T.REQUEST_ROW_BY_KEY[a.key].label}」一行"
        if len(values) > WIDTH and a.row.cells is None and (joined := rejoin(values, WIDTH, _row_adds_up)):
            out.checks.append(Check(
                "t3_digits_joined", "info",
                f"{where}有 {len(values)} 个数字，多于应有的 7 格：其中相邻的数字是一个数被空格断开"
                f"（识别的文字常见），只有一种合并方式能使该行总计等于各项之和，按此读取。",
                expected="7 个数字", actual=fmt_values(values), location=f"request_stats.{a.key}"))
            values = joined
        if len(values) != WIDTH:
            out.checks.extend(not_counts(values, where, f"request_stats.{a.key}"))
            # None for a dash, or a value that is no count: neither takes part in the placement
            damaged[a.key] = [None if uncountable(v) else v.stored for v in values]
            continue
        # a None is a cell the report left blank; a cell missing from the dict could not be read (a
        # number too long or not whole: NULL with its check, never settled by the arithmetic)
        stored = [v.stored for v in values]
        row_values = out.values[a.key] = dict(zip(T.APPLICANT_KEYS, stored))
        for col, v in zip(T.APPLICANT_KEYS, values):
            if uncountable(v):
                del row_values[col]
                out.checks.extend(not_counts([v], where, f"request_stats.{a.key}.{col}"))
        out.sources.update({f"request_stats.{a.key}.{c}": (a.row.line_no, n)
                            for c, n in zip(T.APPLICANT_KEYS, _value_places(a.row, values))
                            if n is not None and c in row_values})
        if None in row_values.values():
            blanks[a.key] = [col for col, v in row_values.items() if v is None]
    equations = table3_equations(fmt, keys)
    if damaged:
        _place_damaged(out, damaged, equations)
    if blanks:
        _settle_blanks(out, blanks, equations)
    missing = [k for k in _request_rows_for(fmt) if k not in keys]
    if missing:
        labels = "、".join(T.REQUEST_ROW_BY_KEY[k].label for k in missing[:6]) + ("等" if len(missing) > 6 else "")
        out.checks.append(Check("t3_missing_rows", "warning",
                                f"表三缺少 {len(missing)} 行：{labels}。",
                                expected=f"{len(_request_rows_for(fmt))} 行", actual=f"{len(keys)} 行",
                                location="request_stats"))
    return out


def _row_adds_up(cells: list[int]) -> bool:
    return sum(cells[:-1]) == cells[-1]


def _settle_blanks(out: Table3, blanks: dict[str, list[str]], equations) -> None:
    """Blank cells take the value the arithmetic forces (0 for a zero left blank); the others stay
    NULL, flagged."""
    settled = settle({"t3": out.values}, [t3(k, c) for k, cols in blanks.items() for c in cols], equations)
    for key, cols in blanks.items():
        out.checks += apply(out.values[key], {c: settled[t3(key, c)] for c in cols if t3(key, c) in settled},
                            {c: _COLUMN_NAMES[c] for c in cols}, rule="t3_blank_cells",
                            where=f"表三「{T.REQUEST_ROW_BY_KEY[key].label}」一行", basis="勾稽关系",
                            location=f"request_stats.{key}")


def _place_damaged(out: Table3, damaged: dict[str, list], equations) -> None:
    """Rows printed with too few or too many numbers: keep the cells the arithmetic settles."""
    width = WIDTH
    known = equations.values_of({"t3": out.values})  # a blank intact cell is not known either
    # a dash in a damaged row can't be placed either; only numbers take part
    # (a row of far more numbers than cells is no row of this table damaged, but another table's
    # row read as one, a table 3 turned a quarter: picking seven of them would be a guess)
    numeric = {k: (_ROW_CELLS[k], [v for v in vals if v is not None]) for k, vals in damaged.items()
               if len(vals) <= width + 2}
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
