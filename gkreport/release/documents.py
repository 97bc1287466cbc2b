"""The release's description of itself: DICTIONARY.md for people (Chinese first), datapackage.json
for programs (a Frictionless Data Package: each file with its table's fields, types, labels,
keys), both generated from the database's schema and metadata.yml (gkreport/dictionary.py)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .. import site
from ..dictionary import Table, tables
from . import DB_NAME
from .exports import LOOKUPS, exported, is_blob

# Frictionless field types for SQLite's declared types
FIELD_TYPES = (("int", "integer"), ("real", "number"), ("floa", "number"), ("doub", "number"), ("blob", "string"))


def public_tables(conn: sqlite3.Connection) -> list[Table]:
    return tables(conn, site.load_metadata(), site.NAME)


def _version() -> str:
    try:
        return version("gkreport")
    except PackageNotFoundError:
        return "?"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def dictionary_markdown(conn: sqlite3.Connection, all_tables: list[Table], rows: dict[str, int]) -> str:
    meta = site.load_metadata()
    reports = conn.execute("select count(*), min(year), max(year) from reports").fetchone()
    out = [
        f"# 数据字典 Data dictionary — {meta.get('title', '')}",
        "",
        f"由 gkreport {_version()} 于 {date.today().isoformat()} 根据数据库结构和 metadata.yml 生成。"
        f"报告 {reports[0]} 份，年度 {reports[1]}–{reports[2]}。",
        "Generated from the database's schema and metadata.yml. Every public table and column, with its Chinese label.",
        "",
        f"来源 Source：{meta.get('source', '')}  ",
        f"许可 License：{meta.get('license', '')}",
        "",
        "## 文件 Files",
        "",
        "| 文件 file | 内容 content |",
        "|---|---|",
        f"| `{DB_NAME}` | 整个 SQLite 数据库（下面所有的表，以及汇总表和全文索引）；用 `gkreport serve --db {DB_NAME}` 或任何 SQLite 工具打开 |",
        f"| `{DB_NAME}.inspect.json` | 各表行数，网站启动时读取，不必重新计数 |",
        "| `parquet/<表>.parquet` | 每张数据表一个 Parquet 文件（zstd 压缩），列的中文名称和说明在字段元数据中 |",
        "| `csv/<表>.csv` | 同样的行，CSV，UTF-8（带 BOM，Excel 可直接打开），空值为空 |",
        "| `datapackage.json` | 本字典的机器可读版本（Frictionless Data Package） |",
        "| `SHA256SUMS` | 所有文件的校验值：`sha256sum -c SHA256SUMS` |",
        "",
        "## 导出的表 Exported tables",
        "",
        "| 表 table | 名称 title | 行数 rows | 文件 files |",
        "|---|---|---:|---|",
    ]
    for t in exported(all_tables):
        out.append(f"| `{t.name}` | {_cell(t.title)} | {rows.get(t.name, 0):,} | "
                   f"`parquet/{t.name}.parquet` `csv/{t.name}.csv` |")
    out += ["", "其余的表（汇总表等）只在数据库中，由上面的表计算得出。Other tables are in the database only.", ""]
    for t in all_tables:
        kind = "查找表 lookup" if t.name in LOOKUPS else ("导出 exported" if t.name in rows else "仅在数据库中 database only")
        out += [f"## `{t.name}` — {t.title}", "", t.description, "", f"{kind}。"
                + (f"主键 primary key：{', '.join(f'`{k}`' for k in t.primary_key)}。" if t.primary_key else ""), "",
                "| 列 column | 名称 label | 类型 type | 说明 description |", "|---|---|---|---|"]
        for c in t.columns:
            note = c.description
            if c.references:
                note += f"（→ `{c.references}`）"
            if is_blob(c.type) and t.name in rows:
                note += "（二进制，不在 CSV 中 binary: not in the CSV）"
            out.append(f"| `{c.name}` | {_cell(c.label) or '（无）'} | {c.type or '—'} | {_cell(note)} |")
        out.append("")
    return "\n".join(out)


def _field_type(declared: str) -> str:
    kind = declared.lower()
    return next((t for key, t in FIELD_TYPES if key in kind), "string")


def datapackage(all_tables: list[Table], rows: dict[str, int]) -> dict:
    meta = site.load_metadata()
    resources = []
    for t in exported(all_tables):
        fields = [{"name": c.name, "type": _field_type(c.type), "title": c.label or c.name,
                   **({"description": c.description} if c.description else {})} for c in t.columns]
        schema = {"fields": fields, **({"primaryKey": t.primary_key} if t.primary_key else {})}
        keys = [{"fields": c.name, "reference": {"resource": c.references.split(".")[0],
                                                 "fields": c.references.split(".")[1]}}
                for c in t.columns if c.references and c.references.split(".")[0] in rows]
        if keys:
            schema["foreignKeys"] = keys
        for fmt, path, extra in (("csv", f"csv/{t.name}.csv", {"encoding": "utf-8-sig"}),
                                 ("parquet", f"parquet/{t.name}.parquet", {})):
            csv_fields = [f for f, c in zip(fields, t.columns) if fmt != "csv" or not is_blob(c.type)]
            resources.append({"name": t.name if fmt == "csv" else f"{t.name}-parquet", "path": path, "format": fmt,
                              "title": t.title, "description": t.description, **extra,
                              "schema": {**schema, "fields": csv_fields}, "x-rows": rows.get(t.name, 0)})
    return {"name": "gkreport", "title": meta.get("title"), "description": meta.get("source"),
            "licenses": [{"name": "other", "title": meta.get("license")}], "version": _version(),
            "created": date.today().isoformat(), "resources": resources}


def write(out: Path, conn: sqlite3.Connection, all_tables: list[Table], rows: dict[str, int]) -> None:
    (out / "DICTIONARY.md").write_text(dictionary_markdown(conn, all_tables, rows), encoding="utf-8")
    (out / "datapackage.json").write_text(json.dumps(datapackage(all_tables, rows), ensure_ascii=False, indent=2),
                                          encoding="utf-8")
