"""The data dictionary: every public table and column of a database, with its Chinese label and
description from metadata.yml and its type and keys from the database's own schema.

A table is public when the database has it and metadata.yml does not hide it (the search index,
the collect_* and shard tables, derived_tables are hidden); every column of a public table is
listed, labelled or not, so a column added without a label shows as one. metadata.yml writes a
column as 「名称：说明」: the part before the colon is its label. Used by `gkreport release`
(DICTIONARY.md, datapackage.json) and /llms.txt.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Optional

COLON = "："  # full-width, as metadata.yml writes it


@dataclass
class Column:
    name: str
    type: str  # as declared in the schema: text, integer, real, float, blob …
    label: Optional[str]  # Chinese, from metadata.yml
    description: str = ""
    primary_key: bool = False
    references: Optional[str] = None  # "table.column"


@dataclass
class Table:
    name: str
    title: str
    description: str
    columns: list[Column] = field(default_factory=list)

    @property
    def primary_key(self) -> list[str]:
        return [c.name for c in self.columns if c.primary_key]


def split_label(text: Optional[str]) -> tuple[Optional[str], str]:
    """「编号：报告的固定编号…」 → ("编号", "报告的固定编号…")."""
    if not text:
        return None, ""
    label, _, description = str(text).partition(COLON)
    return label.strip(), description.strip()


def _hidden_or_internal(conn: sqlite3.Connection, name: str, meta: dict) -> bool:
    if name.startswith("sqlite_") or meta.get("hidden"):
        return True
    sql = conn.execute("select sql from sqlite_master where name = ?", [name]).fetchone()[0] or ""
    if sql.lower().startswith("create virtual table"):
        return True
    # a full-text table's own tables
    return any(name.startswith(v + "_") for (v,) in conn.execute(
        "select name from sqlite_master where sql like 'create virtual table%'"))


def tables(conn: sqlite3.Connection, metadata: dict, database: str = "gkreport") -> list[Table]:
    """The public tables of the database: those metadata.yml lists first, in its order, then the rest by name."""
    described = (metadata.get("databases", {}).get(database, {}) or {}).get("tables", {}) or {}
    present = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' order by name")]
    order = [t for t in described if t in present] + [t for t in present if t not in described]
    out = []
    for name in order:
        meta = described.get(name) or {}
        if _hidden_or_internal(conn, name, meta):
            continue
        labels = meta.get("columns") or {}
        keys = {row[3]: f"{row[2]}.{row[4] or 'rowid'}" for row in conn.execute(f"pragma foreign_key_list([{name}])")}
        table = Table(name, meta.get("title") or name, meta.get("description") or "")
        for _, column, kind, _, _, pk in conn.execute(f"pragma table_info([{name}])"):
            label, description = split_label(labels.get(column))
            table.columns.append(Column(column, (kind or "").lower(), label, description, bool(pk), keys.get(column)))
        out.append(table)
    return out
