"""`gkreport agencies`: every agency with its report years and likely duplicates.

A duplicate is the same body stored twice, e.g. once as 上犹县政府办 and once as
上犹县人民政府办公室, or once with its region settled and once ambiguous. Two
agencies are flagged when their regions agree (same adcode, or one of them has
none) and their names say the same thing once 人民/政府办/办公室 forms are
evened out, or, within one adcode, when the names are at most two edits apart.
Edits here are insertions (市场监管局 / 市场监督管理局) plus at most one
substitution in names of 8+ characters: two county bureaus such as 民政局 and
财政局 differ by one character and are not the same body.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .regions import resolve_agency

if TYPE_CHECKING:
    import sqlite_utils

LEVELS = {"central": "中央", "province": "省级", "city": "市级", "county": "县级", "township": "乡级"}
KINDS = {"government": "政府", "general_office": "政府办公室", "department": "部门",
         "township": "乡镇街道", "other": "其他"}


def _key(name: str) -> str:
    """Name with the spelling variants that don't change the body removed."""
    s = resolve_agency(name).name if name else ""
    s = re.sub(r"\s+", "", s).replace("人民", "")
    s = re.sub(r"政府办公室$|政府办$|府办$", "政府办", s)
    s = s.replace("管理委员会", "管委会").replace("街道办事处", "街道")
    return s


def _edits(a: str, b: str, cap: int = 2) -> int:
    """Levenshtein distance, or cap + 1 once it is known to exceed cap."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > cap:
            return cap + 1
        prev = cur
    return prev[-1]


def _near(a: str, b: str) -> bool:
    d = _edits(a, b)
    if d > 2:
        return False
    substitutions = d - abs(len(a) - len(b))
    return substitutions == 0 or (substitutions == 1 and min(len(a), len(b)) >= 8)


def list_agencies(db: sqlite_utils.Database) -> list[dict]:
    """Agencies with their sorted report years and ids of possible duplicates."""
    years: dict[str, set] = defaultdict(set)
    if db["reports"].exists():
        for row in db.query("select agency_id, year from reports"):
            if row["year"] is not None:
                years[row["agency_id"]].add(row["year"])
    cols = ("id", "name", "province", "city", "county", "adcode", "level", "kind")
    agencies = [{c: row.get(c) for c in cols} for row in db["agencies"].rows] if db["agencies"].exists() else []
    keys = {a["id"]: _key(a["name"] or "") for a in agencies}
    by_key: dict[str, list[dict]] = defaultdict(list)
    by_code: dict[str | None, list[dict]] = defaultdict(list)
    for a in agencies:
        by_key[keys[a["id"]]].append(a)
        by_code[a["adcode"]].append(a)

    out = []
    for a in sorted(agencies, key=lambda a: (a["adcode"] or "", a["name"] or "", a["id"])):
        dups = set()
        for b in by_key[keys[a["id"]]]:
            if not (a["adcode"] and b["adcode"]) or a["adcode"] == b["adcode"]:
                dups.add(b["id"])
        if a["adcode"]:
            for b in by_code[a["adcode"]]:
                if _near(keys[a["id"]], keys[b["id"]]):
                    dups.add(b["id"])
        dups.discard(a["id"])
        out.append({**a, "years": sorted(years.get(a["id"], ())), "possible_duplicates": sorted(dups)})
    return out


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    fmt = lambda r: "  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths)).rstrip()
    return "\n".join([fmt(headers), fmt(["-" * w for w in widths]), *map(fmt, rows)])


@click.command("agencies")
@click.option("--db", "db_path", default="gkreport.db", show_default=True,
              type=click.Path(dir_okay=False), help="SQLite 数据库文件")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def agencies_command(db_path: str, as_json: bool) -> None:
    """列出所有机关、所属地区、报告年度和可能重复的机关。"""
    if not Path(db_path).exists():
        raise click.ClickException(f"数据库文件不存在：{db_path}")
    import sqlite_utils  # here: every command loads this module, and an ingest starts its workers first

    db = sqlite_utils.Database(db_path)
    if not db["agencies"].exists():
        raise click.ClickException(f"数据库中没有 agencies 表：{db_path}")
    agencies = list_agencies(db)
    if as_json:
        click.echo(json.dumps(agencies, ensure_ascii=False, indent=2))
        return
    names = {a["id"]: a["name"] for a in agencies}
    rows = [[
        a["name"] or "",
        "".join(p for p in (a["province"], a["city"], a["county"]) if p) or "（未确定）",
        LEVELS.get(a["level"], a["level"] or ""),
        KINDS.get(a["kind"], a["kind"] or ""),
        "、".join(str(y) for y in a["years"]),
        "；".join(f"{names.get(i, '')}（{i}）" for i in a["possible_duplicates"]),
    ] for a in agencies]
    click.echo(_table(["机关", "地区", "层级", "类型", "年度", "可能重复"], rows))
    click.echo(f"共 {len(agencies)} 个机关，其中 {sum(1 for a in agencies if a['possible_duplicates'])} 个可能重复。")
