"""Round trip: fill the national template with random values, lay the report out the ways reports
are published, damage it, and keep what a correct reading must give.

A case is one whole report (title, preface with contact details, the six sections, tables 2, 3
and 4, a signature and a date) in one layout, with zero or more kinds of damage:

layouts   tab (a row per line, cells between tabs), cell_per_line (Word saved as text), spaced (columns
          aligned with spaces), pipe (Markdown pipe tables: marker, docling or MinerU style), grid
          (ASCII grid tables), html (rowspan/colspan), docx (merged cells), pdf (ruled tables)
damage    blank (zero cells left empty), traditional (the whole report in traditional characters),
          pages (page-number lines and blank lines inside tables, or a table cut by a page break),
          wrapped (labels over two or three lines, the number of a row cut from its label), ocr
          (what OCR of a scanned table gives), script (a web page whose article is in a script
          string), mixed (a 2019 table 3 beside a 2021 table 2 in a report of 2021 or later)

The values are random but obey the template's arithmetic (勾稽关系); zeros are common, large
numbers are printed with thousands separators in some cases, 万元 amounts have decimals and
本年增/减 is signed. ``expected`` holds what a correct reading stores: the printed value, and
for a blank cell 0 only when the arithmetic forces it (worked out here with an exact linear
program, independently of the parser), else None.
"""

from __future__ import annotations

import html
import io
import json
import random
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

import renderings as R
from renderings import Table

from gkreport import template as T

LAYOUTS = ("tab", "cell_per_line", "spaced", "pipe", "grid", "html", "docx", "pdf")
DAMAGES = ("blank", "traditional", "pages", "wrapped", "ocr", "script", "mixed", "transposed")
# the kinds of damage each layout can carry
APPLIES = {
    "blank": set(LAYOUTS),
    "traditional": set(LAYOUTS),
    "pages": {"tab", "cell_per_line", "spaced", "pipe", "grid", "pdf"},
    "wrapped": {"tab", "cell_per_line", "spaced", "pipe", "html", "docx"},
    "ocr": {"tab", "pipe", "spaced"},
    "script": {"html"},
    "mixed": set(LAYOUTS),
    # table 3 turned a quarter, under a header that stands over its columns (a tab layout's full grid)
    "transposed": {"tab", "pipe", "html"},
}
# PDFs are slow to make and read: fewer of them
LAYOUT_WEIGHTS = {"tab": 14, "cell_per_line": 14, "spaced": 14, "pipe": 16, "grid": 10, "html": 16, "docx": 10,
                  "pdf": 6}

AGENCIES = (
    # (name as printed, address, postcode, phone)
    ("上杭县人民政府办公室", "福建省龙岩市上杭县临江镇北大路12号", "364200", "0597-3812008"),
    ("淮安市人民政府", "江苏省淮安市清江浦区健康东路1号", "223001", "0517-83606150"),
    ("洪泽区人民政府", "江苏省淮安市洪泽区洪泽湖大道90号", "223100", "0517-87290606"),
    ("将乐县人民政府", "福建省三明市将乐县古镛镇三华北路8号", "353300", "0598-2321026"),
    ("上犹县人民政府办公室", "江西省赣州市上犹县东山镇沿湖路1号", "341200", "0797-8532011"),
    ("安阳市殷都区人民政府办公室", "河南省安阳市殷都区铁西路999号", "455004", "0372-3170112"),
    ("宁波市江北区人民政府", "浙江省宁波市江北区人民路132号", "315020", "0574-87652233"),
    ("成都市武侯区人民政府", "四川省成都市武侯区武侯祠大街1号", "610041", "028-85553333"),
    ("长沙市财政局", "湖南省长沙市岳麓区岳麓大道218号", "410013", "0731-88665432"),
    ("广东省交通运输厅", "广东省广州市白云路27号", "510101", "020-83730000"),
)

SECTION_TEXT = {
    1: "本年度，我单位坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
       "围绕中心工作，持续深化政务公开，推进决策、执行、管理、服务、结果公开。",
    2: "全年通过门户网站主动公开政府信息，及时发布政策文件和解读材料，做好重点领域信息公开。",
    3: "严格按照法定程序和时限办理政府信息公开申请，依法规范答复。",
    4: "本年度因政府信息公开引起的行政复议、行政诉讼情况如下。",
    5: "存在的主要问题：一是公开内容的规范性有待提高；二是解读形式较为单一。改进情况：加强业务培训，丰富解读形式。",
    6: "本年度未收取信息处理费。无其他需要报告的事项。",
}
HEADINGS = {s.no: s.heading for s in T.SECTIONS}


# --- values ----------------------------------------------------------------------------------


def _count(rng: random.Random, dense: bool, big: bool) -> int:
    r = rng.random()
    if r < (0.35 if dense else 0.7):
        return 0
    if big and r > 0.9:
        return rng.randint(1000, 60000)
    return rng.randint(1, 9) if r < 0.85 else rng.randint(10, 400)


def table2_values(rng: random.Random, fmt: str, big: bool) -> dict[str, float]:
    out = {}
    for item, measures in T.ACTIVE_COLUMNS[fmt].items():
        for m in measures:
            md = T.ACTIVE_MEASURE_BY_KEY[m]
            if md.decimal:
                v = rng.choice((0, 0, round(rng.uniform(0, 50), 2), round(rng.uniform(0, 9999), 1),
                                float(rng.randint(1, 5000)), round(rng.uniform(1000, 99999), 2) if big else 3.5))
                if m == "amount_yuan" and rng.random() < 0.5:
                    v = float(rng.randint(0, 30000000))
            elif md.signed:
                v = rng.choice((0, rng.randint(-300, -1), rng.randint(1, 900)))
            else:
                v = _count(rng, True, big)
            out[f"active_disclosure.{item}.{m}"] = v
    return out


def table3_values(rng: random.Random, fmt: str, big: bool) -> dict[str, int]:
    dense = rng.random() < 0.4
    parts = T.processed_parts(fmt)
    cols = T.APPLICANT_PARTS
    v: dict[tuple[str, str], int] = {}
    used_cols = [c for c in cols if c == "natural_person" or rng.random() < (0.6 if dense else 0.25)]
    for row in parts:
        for c in cols:
            v[row, c] = _count(rng, dense, big) if c in used_cols and (row == "granted" or rng.random() < 0.5) else 0
    for c in cols:
        v["total_processed", c] = sum(v[r, c] for r in parts)
        v["carried_over", c] = rng.choice((0, 0, 0, rng.randint(0, 5)))
        v["carried_forward", c] = rng.choice((0, 0, rng.randint(0, 6)))
        received = v["total_processed", c] + v["carried_forward", c] - v["carried_over", c]
        if received < 0:
            v["carried_over", c] += received
            received = 0
        v["new_received", c] = received
    out = {}
    for row in T.request_rows_for(fmt):
        for c in cols:
            out[f"request_stats.{row}.{c}"] = v[row, c]
        out[f"request_stats.{row}.total"] = sum(v[row, c] for c in cols)
    return out


def table4_values(rng: random.Random, big: bool) -> dict[str, int]:
    out = {}
    for proc, _ in T.PROCEEDINGS:
        parts = [0 if rng.random() < 0.6 else rng.randint(1, 30 if not big else 3000) for _ in T.OUTCOME_PARTS]
        for o, x in zip(T.OUTCOME_PARTS, parts):
            out[f"appeal_stats.{proc}.{o}"] = x
        out[f"appeal_stats.{proc}.total"] = sum(parts)
    return out


# --- the arithmetic, for blank cells ---------------------------------------------------------


def equations(t3fmt: str) -> list[tuple[list[str], list[str]]]:
    """The template's 勾稽关系 as (left cells, right cells) with the sums equal."""
    eqs = []
    rows = T.request_rows_for(t3fmt)
    for row in rows:
        eqs.append(([f"request_stats.{row}.total"], [f"request_stats.{row}.{c}" for c in T.APPLICANT_PARTS]))
    for c in T.APPLICANT_KEYS:
        cell = lambda r: f"request_stats.{r}.{c}"  # noqa: E731
        eqs.append(([cell("total_processed")], [cell(r) for r in T.processed_parts(t3fmt)]))
        eqs.append(([cell("new_received"), cell("carried_over")], [cell("total_processed"), cell("carried_forward")]))
    for proc, _ in T.PROCEEDINGS:
        eqs.append(([f"appeal_stats.{proc}.total"], [f"appeal_stats.{proc}.{o}" for o in T.OUTCOME_PARTS]))
    return eqs


def _propagate_signs(open_: set[str], eqs) -> set[str]:
    """Drop the cells an equation forces to 0: its open cells all on one side (the printed cells balance)."""
    open_ = set(open_)
    changed = True
    while changed:
        changed = False
        for lhs, rhs in eqs:
            left, right = [c for c in lhs if c in open_], [c for c in rhs if c in open_]
            if bool(left) != bool(right):
                open_ -= set(left) | set(right)
                changed = True
    return open_


def unforced(blank: set[str], eqs) -> set[str]:
    """The blank cells (printed empty, each really 0) that some other non-negative filling of the
    blanks, keeping every printed cell, would make non-zero: those a reader cannot know.

    A blank x can be non-zero iff some d >= 0 over the blanks with d_x > 0 keeps every equation,
    i.e. A d = 0 for the equations restricted to the blanks. First sign propagation (an equation
    whose open cells are all on one side forces them to 0), then an exact linear program for each
    cell left open."""
    open_ = _propagate_signs(blank, eqs)
    while True:
        free: set[str] = set()
        forced = None
        for x in sorted(open_):
            if x in free:
                continue
            d = _feasible_direction(sorted(open_), eqs, x)
            if d is None:
                forced = x
                break
            free |= {c for c, val in d.items() if val > 0}
        if forced is None:
            return free
        open_ = _propagate_signs(open_ - {forced}, eqs)


def _feasible_direction(cells: list[str], rows, x: str) -> Optional[dict[str, Fraction]]:
    """A d >= 0 over ``cells`` with A d = 0 and d_x = 1, by phase one of the simplex method (exact)."""
    index = {c: i for i, c in enumerate(cells)}
    n = len(cells)
    constraints = []
    for lhs, rhs in rows:
        coef = [Fraction(0)] * n
        touched = False
        for c in lhs:
            if c in index:
                coef[index[c]] += 1
                touched = True
        for c in rhs:
            if c in index:
                coef[index[c]] -= 1
                touched = True
        if touched:
            constraints.append((coef, Fraction(0)))
    unit = [Fraction(0)] * n
    unit[index[x]] = Fraction(1)
    constraints.append((unit, Fraction(1)))
    m = len(constraints)
    # tableau: n variables, m artificials; minimise the sum of the artificials
    tab = [coef + [Fraction(int(i == k)) for k in range(m)] + [b] for i, (coef, b) in enumerate(constraints)]
    basis = [n + i for i in range(m)]
    width = n + m
    obj = [Fraction(0)] * (width + 1)
    for i in range(m):
        for j in range(width + 1):
            obj[j] -= tab[i][j]
    for j in range(n, width):
        obj[j] += 1  # artificials cost 1; reduced costs after subtracting the rows
    while True:
        col = next((j for j in range(width) if obj[j] < 0), None)  # Bland's rule
        if col is None:
            break
        best = None
        for i in range(m):
            if tab[i][col] > 0:
                ratio = tab[i][-1] / tab[i][col]
                if best is None or ratio < best[0] or (ratio == best[0] and basis[i] < basis[best[1]]):
                    best = (ratio, i)
        if best is None:
            break
        i = best[1]
        p = tab[i][col]
        tab[i] = [v / p for v in tab[i]]
        for k in range(m):
            if k != i and tab[k][col] != 0:
                f = tab[k][col]
                tab[k] = [a - f * b for a, b in zip(tab[k], tab[i])]
        f = obj[col]
        obj = [a - f * b for a, b in zip(obj, tab[i])]
        basis[i] = col
    if -obj[-1] != 0:
        return None  # the artificials can't all leave: no such d
    d = {c: Fraction(0) for c in cells}
    for i, b in enumerate(basis):
        if b < n:
            d[cells[b]] = tab[i][-1]
    return d


# --- the case --------------------------------------------------------------------------------


@dataclass
class Case:
    n: int
    layout: str
    damages: tuple[str, ...]
    year: int
    t2fmt: str
    t3fmt: str
    agency: tuple
    values: dict
    blank: set = field(default_factory=set)  # cells printed empty
    thousands: bool = False
    style: str = ""  # the variant of the layout (pipe: marker/docling/mineru; tab: own/grid cells)
    rng_seed: int = 0

    @property
    def name(self) -> str:
        return f"{self.n:05d}_{self.layout}_{'+'.join(self.damages) or 'clean'}"

    @property
    def expected(self) -> dict[str, Optional[float]]:
        open_ = unforced(self.blank, equations(self.t3fmt)) if self.blank else set()
        out = {}
        for cell, v in self.values.items():
            if cell in self.blank and (cell.startswith("active_disclosure") or cell in open_):
                out[cell] = None
            else:
                out[cell] = v
        return out

    @property
    def clean(self) -> bool:
        return all(v is not None for v in self.expected.values())


def make_case(n: int, seed: int) -> Case:
    rng = random.Random(seed * 1_000_003 + n)
    layout = rng.choices(LAYOUTS, weights=[LAYOUT_WEIGHTS[x] for x in LAYOUTS])[0]
    possible = [d for d in DAMAGES if layout in APPLIES[d]]
    r = rng.random()
    if r < 0.15:
        damages: tuple = ()
    elif r < 0.6:
        damages = (rng.choice(possible),)
    else:
        damages = tuple(sorted(rng.sample(possible, min(len(possible), rng.choice((2, 2, 3))))))
    fmt2019 = rng.random() < 0.3
    year = rng.choice((2019, 2020)) if fmt2019 else rng.choice((2021, 2022, 2023, 2024))
    if fmt2019 and "mixed" in damages:
        damages = tuple(d for d in damages if d != "mixed")
    if "transposed" in damages and layout == "tab":
        # a label wrapped onto lines of its own would stand between the turned table's header rows
        damages = tuple(d for d in damages if d != "wrapped")
    t2fmt = T.T2019 if fmt2019 else T.T2021
    t3fmt = T.T2019 if fmt2019 or "mixed" in damages else T.T2021
    big = rng.random() < 0.3
    values = {**table2_values(rng, t2fmt, big), **table3_values(rng, t3fmt, big), **table4_values(rng, big)}
    case = Case(n, layout, damages, year, t2fmt, t3fmt, rng.choice(AGENCIES), values,
                thousands=big and rng.random() < 0.6, rng_seed=rng.randint(0, 1 << 30))
    if "blank" in damages:
        pattern = rng.choice(("all", "t3", "legal", "t2t3", "t3t4", "t4"))
        for cell, v in values.items():
            if v != 0:
                continue
            table, row, col = cell.split(".")
            if pattern == "all" or \
                    (table == "request_stats" and pattern in ("t3", "t2t3", "t3t4")) or \
                    (table == "request_stats" and pattern == "legal" and col in T.APPLICANT_PARTS[1:]) or \
                    (table == "active_disclosure" and pattern == "t2t3") or \
                    (table == "appeal_stats" and pattern in ("t3t4", "t4")):
                case.blank.add(cell)
    styles = {"pipe": ("marker", "docling", "mineru"), "tab": ("own", "grid"), "html": ("plain", "word"),
              "spaced": ("aligned",), "grid": ("ascii", "box"),
              # a Word table's cells: tab-led (Word to text), or bare as Word's plain-text export and
              # pdftotext give them
              "cell_per_line": ("tabbed", "word_text", "pdftotext")}
    case.style = rng.choice(styles.get(layout, ("",)))
    if "transposed" in damages and layout == "tab":
        case.style = "grid"
    if case.style == "pdftotext" and "blank" in damages:
        # pdftotext leaves no trace of an empty cell: a row's blanks can't be placed by anyone, and
        # the readers of text that drops them (space-separated, OCR) are measured elsewhere
        case.damages = tuple(d for d in damages if d != "blank")
        case.blank = set()
    return case


# --- printed text of a cell ------------------------------------------------------------------


def number_text(v, thousands: bool) -> str:
    if isinstance(v, float) and not v.is_integer():
        s = f"{v:,.2f}" if thousands else f"{v:.2f}"
        return s.rstrip("0").rstrip(".") if "." in s else s
    v = int(v)
    return f"{v:,}" if thousands and abs(v) >= 1000 else str(v)


def cell_text(case: Case, cell: str) -> str:
    if cell in case.blank:
        return ""
    v = case.values[cell]
    s = number_text(v, case.thousands)
    return s


# --- the official tables ---------------------------------------------------------------------

T2_HEADS = {
    T.T2021: [("（一）", ["rules", "normative_documents"], ["本年制发件数", "本年废止件数", "现行有效件数"]),
              ("（五）", ["licensing"], ["本年处理决定数量"]),
              ("（六）", ["penalty", "coercion"], ["本年处理决定数量"]),
              ("（八）", ["fees"], ["本年收费金额（单位：万元）"])],
    T.T2019: [("（一）", ["rules", "normative_documents"], ["本年新制作数量", "本年新公开数量", "对外公开总数量"]),
              ("（五）", ["licensing", "other_services"], ["上一年项目数量", "本年增/减", "处理决定数量"]),
              ("（六）", ["penalty", "coercion"], ["上一年项目数量", "本年增/减", "处理决定数量"]),
              ("（八）", ["fees"], ["上一年项目数量", "本年增/减"]),
              ("（九）", ["procurement"], ["采购项目数量", "采购总金额（万元）"])],
}
T2_LABELS = {"rules": "规章", "normative_documents": "行政规范性文件", "licensing": "行政许可",
             "other_services": "其他对外管理服务事项", "penalty": "行政处罚", "coercion": "行政强制",
             "fees": "行政事业性收费", "procurement": "政府集中采购"}


def table2(case: Case) -> Table:
    t = Table(name="table2")
    for clause, items, heads in T2_HEADS[case.t2fmt]:
        t.add_row([(f"第二十条第{clause}项", 1, 4)])
        t.add_row([("信息内容", 1, 1)] + [(h, 1, 1) for h in heads[:-1]] + [(heads[-1], 1, 4 - len(heads))])
        for item in items:
            label = T2_LABELS[item] if not (case.t2fmt == T.T2019 and item == "normative_documents") else "规范性文件"
            vals = [cell_text(case, f"active_disclosure.{item}.{m}") for m in T.ACTIVE_COLUMNS[case.t2fmt][item]]
            t.add_row([(label, 1, 1)] + [(v, 1, 1) for v in vals[:-1]] + [(vals[-1], 1, 4 - len(vals))])
    return t


T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
GROUP = "三、本年度办理结果"
SUBGROUPS = {"denied": "（三）不予公开", "unable": "（四）无法提供", "rejected": "（五）不予处理", "other": "（六）其他处理"}


def table3(case: Case) -> Table:
    t = Table(name="table3")
    t.add_row([(T3_NOTE, 3, 3), ("申请人情况", 1, 7)])
    t.add_row([("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)], start_col=3)
    t.add_row([(x, 1, 1) for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")], start_col=4)
    rows = T.request_rows_for(case.t3fmt)
    in_group = [r for r in rows if T.REQUEST_ROW_BY_KEY[r].group]
    previous_sub = None
    for key in rows:
        row = T.REQUEST_ROW_BY_KEY[key]
        vals = [(cell_text(case, f"request_stats.{key}.{c}"), 1, 1) for c in T.APPLICANT_KEYS]
        if not row.group:
            t.add_row([(row.label, 1, 3)] + vals)
            continue
        items, col = [], 1
        if key == in_group[0]:
            items.append((GROUP, len(in_group), 1))
            col = 0
        if row.group == GROUP:  # （一）（二）（七）, and （六） of the 2019 form
            items.append((row.label, 1, 2))
        else:
            if row.group != previous_sub:
                items.append((row.group, sum(1 for r in rows if T.REQUEST_ROW_BY_KEY[r].group == row.group), 1))
            else:
                col = 2 if col == 1 else col
            items.append((row.label, 1, 1))
        previous_sub = row.group
        t.add_row(items + vals, start_col=col if items and items[0][0] != GROUP else 0)
    return t


def table3_turned(case: Case) -> Table:
    """Table 3 turned a quarter, as some reports print it: the applicant types as its rows, the
    template's rows as its columns under a three-level header."""
    t = Table(name="table3")
    rows = T.request_rows_for(case.t3fmt)
    in_group = [r for r in rows if T.REQUEST_ROW_BY_KEY[r].group]
    t.cells.append(R.Cell("申请人情况", 0, 0, 3, 2))
    previous_sub = None
    for j, key in enumerate(rows, start=2):
        row = T.REQUEST_ROW_BY_KEY[key]
        if not row.group:
            t.cells.append(R.Cell(row.label, 0, j, 3, 1))
            continue
        if key == in_group[0]:
            t.cells.append(R.Cell(GROUP, 0, j, 1, len(in_group)))
        if row.group == GROUP:
            t.cells.append(R.Cell(row.label, 1, j, 2, 1))
        else:
            if row.group != previous_sub:
                span = sum(1 for r in rows if T.REQUEST_ROW_BY_KEY[r].group == row.group)
                t.cells.append(R.Cell(row.group, 1, j, 1, span))
            t.cells.append(R.Cell(row.label, 2, j, 1, 1))
        previous_sub = row.group
    t.cells.append(R.Cell("自然人", 3, 0, 1, 2))
    t.cells.append(R.Cell("法人或其他组织", 4, 0, 5, 1))
    for i, (_, label) in enumerate(T.APPLICANT_COLUMNS[1:-1]):
        t.cells.append(R.Cell(label, 4 + i, 1, 1, 1))
    t.cells.append(R.Cell("总计", 9, 0, 1, 2))
    for i, col in enumerate(T.APPLICANT_KEYS):
        for j, key in enumerate(rows, start=2):
            t.cells.append(R.Cell(cell_text(case, f"request_stats.{key}.{col}"), 3 + i, j, 1, 1))
    return t


def table4(case: Case) -> Table:
    t = Table(name="table4")
    outcomes = [label for _, label in T.OUTCOMES]
    t.add_row([("行政复议", 1, 5), ("行政诉讼", 1, 10)])
    t.add_row([(o, 2, 1) for o in outcomes] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)])
    t.add_row([(o, 1, 1) for o in outcomes * 2], start_col=5)
    t.add_row([(cell_text(case, f"appeal_stats.{p}.{o}"), 1, 1) for p, _ in T.PROCEEDINGS for o in T.OUTCOME_KEYS])
    return t


def blocks(case: Case) -> list:
    """The report as paragraphs (str) and tables, in reading order."""
    name, address, postcode, phone = case.agency
    out: list = [f"{name}{case.year}年政府信息公开工作年度报告",
                 f"本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》要求，"
                 f"由{name}编制。报告所列数据的统计期限自{case.year}年1月1日起至{case.year}年12月31日止。"
                 f"如对本报告有任何疑问，请与{name}联系（地址：{address}；邮编：{postcode}；电话：{phone}）。"]
    for no in range(1, 7):
        out.append(HEADINGS[no])
        out.append(SECTION_TEXT[no])
        if no == 2:
            out.append(table2(case))
        elif no == 3 and "transposed" in case.damages:
            out += [T3_NOTE, table3_turned(case)]
        elif no == 3:
            out.append(table3(case))
        elif no == 4:
            out.append(table4(case))
    out += [name, f"{case.year + 1}年1月{10 + case.n % 18}日"]
    return out


# --- damage to the printed text --------------------------------------------------------------


def _map_text(blocks_: list, fn) -> list:
    out = []
    for b in blocks_:
        if isinstance(b, str):
            out.append(fn(b))
        else:
            t = Table(name=b.name)
            t.cells = [R.Cell(fn(c.text), c.row, c.col, c.rowspan, c.colspan) for c in b.cells]
            out.append(t)
    return out


def traditional(blocks_: list, rng: random.Random) -> list:
    import opencc

    converter = opencc.OpenCC(rng.choice(("s2twp", "s2hk", "s2t")))
    return _map_text(blocks_, converter.convert)


_NUMBERED = ("一、", "二、", "四、", "1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.")


def wrap_labels(blocks_: list, rng: random.Random) -> list:
    """Long labels over two or three lines; a numbered label sometimes cut right after its number."""
    def wrap(s: str) -> str:
        if len(s) < 8 or any(ch.isdigit() for ch in s[-1:]) or rng.random() < 0.3:
            return s
        if s.startswith(_NUMBERED) and rng.random() < 0.4:
            k = s.index("、") + 1 if "、" in s[:3] else s.index(".") + 1
            return s[:k] + "\n" + s[k:]
        cuts = sorted(rng.sample(range(2, len(s) - 1), 1 if len(s) < 20 else 2))
        parts, last = [], 0
        for c in cuts:
            parts.append(s[last:c])
            last = c
        parts.append(s[last:])
        return "\n".join(parts)

    out = []
    for b in blocks_:
        if isinstance(b, str):
            out.append(b)
            continue
        t = Table(name=b.name)
        t.cells = [R.Cell(wrap(c.text) if not _is_value(c.text) else c.text, c.row, c.col, c.rowspan, c.colspan)
                   for c in b.cells]
        out.append(t)
    return out


def _is_value(s: str) -> bool:
    return not s or s.replace(",", "").replace(".", "").lstrip("-+").isdigit()


# characters OCR reads as a look-alike, in the template's labels (the parser undoes each)
_OCR_CHARS = {"已": "己", "日": "曰", "结": "绐", "政": "玫", "计": "汁", "处": "夂", "申": "甲", "补": "朴"}


def ocr_label(s: str, rng: random.Random) -> str:
    """What OCR does to a label: a look-alike character, 1 read as l, a stray space."""
    for a, b in _OCR_CHARS.items():
        if a in s and rng.random() < 0.5:
            s = s.replace(a, b)
    if s[:2] in ("1.", "1、") and rng.random() < 0.5:
        s = "l" + s[1:]
    if len(s) > 6 and rng.random() < 0.3:
        k = rng.randint(2, len(s) - 2)
        s = s[:k] + " " + s[k:]
    return s


def ocr_number(s: str, rng: random.Random) -> str:
    """The digits of a number broken by a space, as OCR reads a wide cell."""
    digits = s.replace(",", "")
    if len(digits) >= 3 and digits.isdigit() and rng.random() < 0.4:
        k = rng.randint(1, len(digits) - 1)
        return digits[:k] + " " + digits[k:]
    return s


# --- grids -----------------------------------------------------------------------------------


def full_grid(t: Table, repeat: bool = False) -> list[list[str]]:
    """Every slot of the table: a merged cell's text in its first slot, the others empty (or the
    text again, as docling repeats it)."""
    grid = [[""] * t.width for _ in range(t.height)]
    for c in t.cells:
        for dr in range(c.rowspan):
            for dc in range(c.colspan):
                if (dr == 0 and dc == 0) or repeat:
                    grid[c.row + dr][c.col + dc] = c.text
    return grid


def word_cells(t: Table, r: int) -> list[str]:
    """The cells of row r as Word writes them: a horizontally merged cell once, a vertically merged
    one empty below its first row."""
    covering = sorted((c for c in t.cells if c.row <= r < c.row + c.rowspan), key=lambda c: c.col)
    return [c.text if c.row == r else "" for c in covering]


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, n: int, right: bool = False) -> str:
    gap = " " * max(0, n - _width(s))
    return gap + s if right else s + gap


# --- text layouts ----------------------------------------------------------------------------


@dataclass
class Lines:
    """Lines of a text layout; ``table_rows`` marks where each table row starts (for page breaks)."""

    lines: list[str] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)  # indices where a page break may go (inside tables)


def _first_and_rest(s: str) -> tuple[str, list[str]]:
    parts = s.split("\n")
    return parts[0], parts[1:]


def tab_lines(t: Table, style: str, out: Lines, ocr: Optional[random.Random]) -> None:
    grid = full_grid(t) if style == "grid" else None
    for r in range(t.height):
        cells = grid[r] if grid else word_cells(t, r)
        firsts, rests = [], []
        for c in cells:
            first, rest = _first_and_rest(c)
            firsts.append(first)
            rests += rest
        if ocr:
            firsts = [_ocr_cell(c, ocr, glue=True) for c in firsts]
        if r:
            out.breaks.append(len(out.lines))
        out.lines.append("\t".join(firsts))
        out.lines += rests  # the rest of a wrapped label on lines of its own, as PDF text has it


def _ocr_cell(c: str, rng: random.Random, glue: bool) -> str:
    if _is_value(c):
        c = ocr_number(c, rng)
    else:
        c = ocr_label(c, rng)
    if glue and c and rng.random() < 0.12:
        c = rng.choice(("丨" + c, c + " |", "| " + c, c + "丨"))
    return c


def cell_per_line_lines(t: Table, style: str, out: Lines, wrap: int) -> None:
    """Each cell on a line of its own. ``tabbed``: led by a tab, rows parted by blank lines (Word
    to text). ``word_text`` (Word's plain-text export): no tab, labels wrapped at ``wrap``
    characters, an empty line for an empty cell and for each slot under a vertically merged one,
    rows parted by blank lines. ``pdftotext``: no tab, labels wrapped, an empty cell not printed at
    all, no blank lines."""
    for r in range(t.height):
        if r:
            out.breaks.append(len(out.lines))
        for c in word_cells(t, r):
            if style == "tabbed":
                first, rest = _first_and_rest(c)
                out.lines.append("\t" + first)
                out.lines += rest
            elif c or style == "word_text":
                out.lines += _wrapped(c.replace("\n", ""), wrap) if not _is_value(c) else [c]
        if style != "pdftotext":
            out.lines.append("")


def _wrapped(s: str, wrap: int) -> list[str]:
    """A label cut into lines of ``wrap`` full-width characters (an ASCII character is half one)."""
    lines, line = [], ""
    for ch in s:
        if _width(line + ch) > 2 * wrap:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line]


def spaced_lines(t: Table, out: Lines, ocr: Optional[random.Random]) -> None:
    """Columns aligned with spaces (as pdftotext -layout): labels at the left, each value and each
    header word right-aligned in its column, an empty cell only spaces."""
    values_from = {"table2": 1, "table3": 3, "table4": 0}[t.name]
    grid = full_grid(t)
    label_w = max((_width(" ".join(x for x in row[:values_from] if x).split("\n")[0]) for row in grid), default=0)
    col_w = max(_width(x.replace("\n", "")) for row in grid for x in row[values_from:]) + 2
    for r, row in enumerate(grid):
        label = " ".join(_first_and_rest(x)[0] for x in row[:values_from] if x)
        rests = [line for x in row[:values_from] for line in _first_and_rest(x)[1]]
        if ocr:
            label = ocr_label(label, ocr)
        if r:
            out.breaks.append(len(out.lines))
        cells = [x.replace("\n", "") for x in row[values_from:]]
        out.lines.append((_pad(label, label_w) + "".join(_pad(x, col_w, right=True) for x in cells)).rstrip())
        out.lines += rests


def pipe_lines(t: Table, style: str, out: Lines, ocr: Optional[random.Random]) -> None:
    grid = full_grid(t, repeat=(style == "docling"))
    for r, row in enumerate(grid):
        cells = [x.replace("\n", "<br>" if style == "marker" else " ") for x in row]
        if ocr:
            cells = [_ocr_cell(x, ocr, glue=False) for x in cells]
        bars = ["|"] * (len(cells) + 1)
        if ocr:
            bars = [b if ocr.random() > 0.15 else "丨" for b in bars]
        line = bars[0] + "".join(f" {x} {b}" for x, b in zip(cells, bars[1:]))
        if r:
            out.breaks.append(len(out.lines))
        out.lines.append(line)
        if r == 0:
            out.lines.append("|" + "---|" * len(cells))


def grid_lines(t: Table, style: str, out: Lines) -> None:
    grid = full_grid(t)
    widths = [max(_width(x.replace("\n", "")) for x in col) for col in zip(*grid)]
    h, v, cross = ("-", "|", "+") if style == "ascii" else ("─", "│", "┼")
    rule = cross + cross.join(h * (w + 2) for w in widths) + cross
    out.lines.append(rule)
    for r, row in enumerate(grid):
        if r:
            out.breaks.append(len(out.lines))
        out.lines.append(v + v.join(" " + _pad(x.replace("\n", ""), w) + " " for x, w in zip(row, widths)) + v)
        out.lines.append(rule)


def text_layout(case: Case, blocks_: list, rng: random.Random) -> str:
    ocr = rng if "ocr" in case.damages else None
    md = case.layout == "pipe"
    wrap = rng.randint(6, 10)  # the width a cell-per-line export wraps its labels at
    out = Lines()
    for k, b in enumerate(blocks_):
        if isinstance(b, str):
            if ocr and k >= len(blocks_) - 1:
                b = b.replace("日", "曰") if rng.random() < 0.5 else b
            heading = b in _HEADING_TEXTS
            out.lines.append(("# " if k == 0 else "## " if heading else "") + b if md else b)
            out.lines.append("")
            continue
        start = len(out.lines)
        if case.layout == "tab":
            tab_lines(b, case.style, out, ocr)
        elif case.layout == "cell_per_line":
            cell_per_line_lines(b, case.style, out, wrap)
        elif case.layout == "spaced":
            spaced_lines(b, out, ocr)
        elif case.layout == "pipe" and case.style == "mineru":
            out.lines.append("<html><body>" + _html_table(b, "plain").replace("\n", "") + "</body></html>")
        elif case.layout == "pipe":
            pipe_lines(b, case.style, out, ocr)
        else:
            grid_lines(b, case.style, out)
        if "pages" in case.damages and b.name in ("table2", "table3") and len(out.breaks) > 2:
            at = rng.choice([i for i in out.breaks if i > start + 2] or [out.breaks[-1]])
            page = rng.choice((f"- {k} -", f"第 {k} 页 共 9 页", f"—{k}—", f"{k}/9"))
            insert = ["", page, ""]
            if md and case.style != "mineru":
                # a page break ends the pipe table; the rest is a new table, its first row taken as a header
                row_len = out.lines[at].count("|") - 1
                insert = ["", page, ""] + [out.lines[at], "|" + "---|" * max(row_len, 1)]
                out.lines[at:at + 1] = insert
            else:
                out.lines[at:at] = insert
        out.breaks = []
        out.lines.append("")
    return "\n".join(out.lines) + "\n"


_HEADING_TEXTS = set(HEADINGS.values())


# --- web pages, Word, PDF --------------------------------------------------------------------


def _html_cell(text: str, style: str) -> str:
    inner = "<br>".join(html.escape(x) for x in text.split("\n")) or "&nbsp;"
    if style == "word":
        return f'<p class="MsoNormal" align="center"><span style="font-size:10.5pt;font-family:宋体">{inner}</span></p>'
    return inner


def _html_table(t: Table, style: str) -> str:
    out = ['<table border="1" cellspacing="0" style="border-collapse:collapse">']
    for r in range(t.height):
        tds = []
        for c in sorted((c for c in t.cells if c.row == r), key=lambda c: c.col):
            span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + \
                   (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
            tds.append(f"<td{span}>{_html_cell(c.text, style)}</td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def html_page(case: Case, blocks_: list, rng: random.Random) -> bytes:
    title = blocks_[0]
    parts = []
    for b in blocks_[1:]:
        parts.append(f"<p>{html.escape(b)}</p>" if isinstance(b, str) else _html_table(b, case.style))
    article = "\n".join(parts)
    if "script" in case.damages:
        how = rng.choice(("docwrite", "concat", "json", "json_ascii"))
        if how == "docwrite":
            js = article.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("</", "<\\/")
            article = f"<script type=\"text/javascript\">document.write('{js}');</script>"
        elif how == "concat":
            lines = [ln.replace("\\", "\\\\").replace("'", "\\'") for ln in article.split("\n")]
            body = "\n".join(f"  html += '{ln}';" for ln in lines)
            article = ("<div id=\"zoom\"></div>\n<script>\n  var html = '';\n" + body +
                       "\n  document.getElementById('zoom').innerHTML = html;\n</script>")
        else:
            data = json.dumps({"id": 1000 + case.n, "title": title, "content": article},
                              ensure_ascii=(how == "json_ascii")).replace("</", "<\\/")
            article = (f"<div id=\"content\"></div>\n<script>var articleData = {data};\n"
                       "document.getElementById('content').innerHTML = articleData.content;</script>")
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}_政府信息公开</title>
<script>var siteName = "政府信息公开平台";</script></head>
<body><div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/ysq/">依申请公开</a></div>
<div class="main"><div class="side"><h3>政府信息公开年报</h3><ul><li><a href="/a/1.html">往年年报</a></li></ul></div>
<div class="article"><h1>{html.escape(title)}</h1>
<div class="info">发布时间：{case.year + 1}-01-20 来源：本网</div>
<div class="TRS_Editor">
{article}
</div></div></div>
<div class="footer">主办单位：{html.escape(case.agency[0])} 网站标识码 0000000000</div></body></html>
"""
    return page.encode("utf-8")


def docx_bytes(blocks_: list) -> bytes:
    import docx

    doc = docx.Document()
    for b in blocks_:
        if isinstance(b, str):
            doc.add_paragraph(b)
            continue
        table = doc.add_table(rows=b.height, cols=b.width)
        table.style = "Table Grid"
        # the cells once, before any merge: table.cell() works them all out again at every call
        slots = table._cells
        for c in b.cells:
            cell = slots[c.row * b.width + c.col]
            if c.rowspan > 1 or c.colspan > 1:
                cell = cell.merge(slots[(c.row + c.rowspan - 1) * b.width + c.col + c.colspan - 1])
            lines = c.text.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:  # a wrapped label: more paragraphs in its cell
                cell.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def pdf_bytes(blocks_: list, footer: Optional[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    if "CJK" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("CJK", str(R.CJK_FONT), subfontIndex=0))
    body = ParagraphStyle("body", fontName="CJK", fontSize=11, leading=17, wordWrap="CJK", firstLineIndent=22)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=1, firstLineIndent=0)
    cell = ParagraphStyle("cell", fontName="CJK", fontSize=7.5, leading=9, wordWrap="CJK")
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=70, rightMargin=70, topMargin=60, bottomMargin=60)

    def on_page(canvas, _doc):
        if footer:
            canvas.setFont("CJK", 9)
            canvas.drawCentredString(A4[0] / 2, 30, footer.format(n=canvas.getPageNumber()))

    story, pages = [], {}
    for k, b in enumerate(blocks_):
        if isinstance(b, str):
            story.append(Paragraph(html.escape(b), title if k == 0 else body))
        elif b.name == "table3":
            cut = next((c.row for c in b.cells if c.text.startswith("4.")), b.height // 2)
            story += [R._pdf_table(b, 0, cut, doc.width, cell, pages), PageBreak(),
                      R._pdf_table(b, cut, b.height, doc.width, cell, pages)]
        else:
            story.append(R._pdf_table(b, 0, b.height, doc.width, cell, pages))
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()


# --- a case as a file ------------------------------------------------------------------------

SUFFIX = {"tab": ".txt", "cell_per_line": ".txt", "spaced": ".txt", "pipe": ".md", "grid": ".txt",
          "html": ".html", "docx": ".docx", "pdf": ".pdf"}


def render(case: Case) -> tuple[str, bytes]:
    """The case as a file: its name and its bytes."""
    rng = random.Random(case.rng_seed)
    blocks_ = blocks(case)
    if "wrapped" in case.damages:
        blocks_ = wrap_labels(blocks_, rng)
    if "traditional" in case.damages:
        blocks_ = traditional(blocks_, rng)
    name = case.name + SUFFIX[case.layout]
    if case.layout == "html":
        return name, html_page(case, blocks_, rng)
    if case.layout == "docx":
        return name, docx_bytes(blocks_)
    if case.layout == "pdf":
        footer = rng.choice(("- {n} -", "第 {n} 页")) if "pages" in case.damages else None
        return name, pdf_bytes(blocks_, footer)
    text = text_layout(case, blocks_, rng)
    encoding = rng.choice(("utf-8", "utf-8", "gb18030", "utf-16")) if case.layout in ("tab", "cell_per_line") \
        else "utf-8"
    if encoding == "utf-16":
        text = text.replace("\n", "\r\n")
    return name, text.encode(encoding)
