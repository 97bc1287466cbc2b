"""What the tests of human review share: the damaged reports, a workspace to ingest them in, the command."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import yaml

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "review"
SAMPLES = ROOT / "data" / "reports"
SHANGHANG = FIX / "reports" / "上杭县人民政府办公室2021年政府信息公开工作年度报告.txt"  # 000 damaged
SHANGYOU = FIX / "reports" / "上犹县政府办2023年政府信息公开工作年度报告.txt"  # 004 damaged
YINDU = SAMPLES / "002_dc17ca86c1b8bf45.txt"
JIANGLE = SAMPLES / "001_08fe1e56ee831c9d.txt"


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def workspace(root: Path, *files: Path) -> SimpleNamespace:
    reports = root / "reports"
    reports.mkdir(parents=True)
    for f in files or (SHANGHANG, SHANGYOU):
        shutil.copyfile(f, reports / f.name)
    return SimpleNamespace(root=root, reports=reports, db=root / "gk.db")


def entry(path: Path, table: str, row: str, column: str, value=None, *, confirm: bool = False,
          author: str = "周婷", date: str = "2024-05-06", evidence: str = "对照原文核对") -> dict:
    e = {"report_sha256": sha(path), "table": table, "row": row, "column": column}
    if value is not None:
        e["value"] = value
    if confirm:
        e["confirm"] = True
    return {**e, "author": author, "date": date, "evidence": evidence}


def write_yaml(path: Path, entries: list[dict]) -> Path:
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def gk(args: list, cwd: Path, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    script = Path(sys.executable).with_name("gkreport")
    return subprocess.run([str(script)] + [str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=300, **kw)


def out(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout + proc.stderr


def rows(db: Path, sql: str, params=()) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def one(db: Path, sql: str, params=()):
    found = rows(db, sql, params)
    return next(iter(found[0].values())) if found else None


def report_id(db: Path, path: Path) -> str:
    return one(db, "select id from reports where sha256 = ?", [sha(path)])


def cell(db: Path, path: Path, table: str, row: str, column: str):
    rid = report_id(db, path)
    if table == "active_disclosure":
        return one(db, "select value from active_disclosure where report_id = ? and item = ? and measure = ?",
                   [rid, row, column])
    key = "row_key" if table == "request_stats" else "proceeding"
    return one(db, f"select [{column}] from {table} where report_id = ? and {key} = ?", [rid, row])


def checks(db: Path, path: Path, rule: str | None = None) -> list[dict]:
    sql = "select * from checks where report_id = ?" + (" and rule = ?" if rule else "") + " order by id"
    return rows(db, sql, [report_id(db, path)] + ([rule] if rule else []))
