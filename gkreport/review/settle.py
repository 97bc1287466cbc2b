"""A corrected report's checks: the parser's, computed again where a correction changed what they rest on.

A check the values decide (an equation of tables 3 and 4, a negative count, the text against
table 3: checks.VALUE_RULES) is computed again, with gkreport.checks, on the values in force when a
corrected cell is among the cells it rests on. Then:

- it still fails: the check as computed on the values in force replaces the parser's;
- it holds: the parser's check stays, with `settled_by` naming the corrections that settled it;
- a value it needs is still unknown: the parser's check stays as it was.

A check about damage in the printed table (a row with too few numbers, a table with a cell too many)
is settled when a person vouched for every cell it concerns, by correcting or confirming each.
A correction that breaks an equation the parser found whole brings a new check. Unknown cells
(NULL) count as unknown, never as 0, so a correction never raises a false alarm about them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .. import template as T
from ..checks import VALUE_RULES, arithmetic_checks, narrative_checks
from ..layout import fmt_value
from ..locations import Cell, cells_at, describe_location
from ..model import ActiveCell, Check, Section, Tables
from ..rules import table3_equations, table4_equations
from .db import IN_FORCE, Stored

_TABLE_OF = {"t3": "request_stats", "t4": "appeal_stats"}


class Values:
    """A report's three tables as read from the database: (table, row) → column → value (None: NULL)."""

    def __init__(self, rows: dict[str, list[dict]], table3_template: Optional[str]):
        self.rows: dict[tuple[str, str], dict[str, object]] = {}
        for r in rows.get("active_disclosure", []):
            self.rows.setdefault(("active_disclosure", r["item"]), {})[r["measure"]] = r["value"]
        for table, key in (("request_stats", "row_key"), ("appeal_stats", "proceeding")):
            for r in rows.get(table, []):
                self.rows[(table, r[key])] = {c: v for c, v in r.items() if c not in ("report_id", key)}
        # a 2021 table 3 has no （六）其他处理 row of its own: the database's is the sum of its sub-rows
        self.derived = table3_template == T.T2021

    def get(self, cell: Cell):
        return self.rows.get((cell.table, cell.row), {}).get(cell.column)

    def has_row(self, cell: Cell) -> bool:
        return (cell.table, cell.row) in self.rows

    def has(self, cell: Cell) -> bool:
        """The cell is there: table 2 keeps a row per cell, tables 3 and 4 a row per printed row."""
        row = self.rows.get((cell.table, cell.row))
        return row is not None and (cell.table != "active_disclosure" or cell.column in row)

    def set(self, cell: Cell, value) -> None:
        row = self.rows.setdefault((cell.table, cell.row), {})
        if cell.table != "active_disclosure" and not row:
            row.update(dict.fromkeys(T.APPLICANT_KEYS if cell.table == "request_stats" else T.OUTCOME_KEYS))
        row[cell.column] = value

    def tables(self, table2_template: Optional[str], table3_template: Optional[str]) -> Tables:
        """As the checks take them; a NULL cell is left out, which they count as unknown."""
        def known(table: str) -> dict[str, dict]:
            return {row: {c: v for c, v in cols.items() if v is not None}
                    for (t, row), cols in self.rows.items() if t == table
                    and not (self.derived and table == "request_stats" and row == "other_handling")}

        active = [ActiveCell(item, m, v) for item, cols in known("active_disclosure").items() for m, v in cols.items()]
        return Tables(table2_template=table2_template, table3_template=table3_template, active=active,
                      requests=known("request_stats"), appeals=known("appeal_stats"))


@dataclass
class Settled:
    check: Check
    settled_by: Optional[str] = None


def settle(parsed_checks: list[Check], in_force: Values, entries: list[Stored], sections: list[Section],
           formats: dict[str, Optional[str]], table2_template: Optional[str],
           table3_template: Optional[str]) -> list[Settled]:
    corrected = {e.cell: e for e in entries if e.status == "corrected"}
    vouched = {e.cell: e for e in entries if e.status in IN_FORCE}
    tables = in_force.tables(table2_template, table3_template)
    now = {(c.rule, c.location): c for c in arithmetic_checks(tables) + narrative_checks(sections, tables)}
    rests_on = dependencies(tables)
    out: list[Settled] = []
    recomputed: set[tuple[str, Optional[str]]] = set()
    for c in parsed_checks:
        key = (c.rule, c.location)
        if c.rule in VALUE_RULES:
            cells = rests_on(c)
            changed = [corrected[x] for x in cells if x in corrected]
            if not changed:
                out.append(Settled(c))
            elif key in now:
                out.append(Settled(now[key]))
            elif cells and all(in_force.get(x) is not None for x in cells):
                out.append(Settled(c, settled_by(changed)))
            else:
                out.append(Settled(c))
            recomputed.add(key)
            continue
        cells = cells_at(c.location, formats)
        if cells and all(x in vouched for x in cells):
            out.append(Settled(c, settled_by([vouched[x] for x in cells])))
        else:
            out.append(Settled(c))
    for key, c in now.items():  # an equation the parser found whole that a correction broke
        if key not in recomputed and any(x in corrected for x in rests_on(c)):
            out.append(Settled(c))
    return out


def dependencies(tables: Tables):
    """check → the cells its value rule reads."""
    equations = {}
    fmt = tables.table3_template or T.T2021
    for eq in table3_equations(fmt, tables.requests).equations + table4_equations().equations:
        equations[(eq.rule, eq.location)] = [Cell(_TABLE_OF[t], row, col) for t, row, col in eq.lhs + eq.rhs]

    def rests_on(c: Check) -> list[Cell]:
        if (c.rule, c.location) in equations:
            return equations[(c.rule, c.location)]
        cell = Cell.at(c.location or "")
        if c.rule == "t2_items_vs_decisions" and cell:
            return [Cell(cell.table, cell.row, m) for m in ("previous_count", "change", "decisions")]
        if c.rule == "text_vs_table3":
            return [Cell("request_stats", "new_received", "total"), Cell("request_stats", "carried_over", "total")]
        return [cell] if cell else []

    return rests_on


def settled_by(entries: list[Stored]) -> str:
    """Which corrections settled a check, in words: the cells, the values, who and when."""
    corrected = [e for e in entries if e.status == "corrected"]
    lead = "已由人工更正解决：" if corrected else "已经人工核对确认："
    return lead + "；".join(describe_entry(e) for e in {e.id: e for e in entries}.values())


def describe_entry(e: Stored) -> str:
    where, who = describe_location(e.location), f"{e.author}，{e.date}"
    if e.status == "corrected" and e.parsed_value is None:
        return f"{where} 未读出，补为 {fmt_value(e.value)}（{who}）"
    if e.status == "corrected":
        return f"{where} 由 {fmt_value(e.parsed_value)} 更正为 {fmt_value(e.value)}（{who}）"
    return f"{where} {fmt_value(e.value)} 经核对无误（{who}）"
