"""`gkreport review`, and the corrections part of `gkreport ingest`'s command line."""

from __future__ import annotations

import datetime as dt
import getpass
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Optional, Sequence

import click

from .db import STATUS
from .files import CorrectionsError, CorrectionsFile, default_files, read


def read_corrections(paths: Sequence[Path]) -> tuple[Optional[list[CorrectionsFile]], int]:
    """The files read and checked, each unusable entry said on a line; None when a file can't be read at all."""
    files, problems = [], 0
    for path in paths:
        try:
            f = read(path)
        except CorrectionsError as e:
            click.echo(f"失败  {e}；没有导入任何文件", err=True)
            return None, 0
        for line in f.problems:
            click.echo(f"更正有误  {line}", err=True)
        problems += len(f.problems)
        files.append(f)
    return files, problems


def corrections_line(db_path: Path, problems: int = 0) -> str:
    """更正：… one line of counts, after the ingest's summary ("" when there are no corrections)."""
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            counts = dict(conn.execute("select status, count(*) from corrections group by status").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        counts = {}
    if not counts and not problems:
        return ""
    applied = f"已更正 {counts.get('corrected', 0)} 格，已确认 {counts.get('confirmed', 0)} 格"
    others = [f"{STATUS[k]} {n} 条" for k, n in counts.items() if k not in ("corrected", "confirmed")]
    wrong = [f"有误未使用 {problems} 条"] if problems else []
    return f"更正：{applied}" + (f"；{'，'.join(others + wrong)}（见上）" if others or wrong else "") + "。"


def _default_author() -> str:
    try:
        name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return ""


@click.command()
@click.option("--db", "db_path", default="gkreport.db", show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path), help="SQLite 数据库文件")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="把待核对的格写成 CSV（填写 value 或 confirm 后用 gkreport ingest --corrections 读回）")
@click.option("--corrections", "corrections_path", type=click.Path(dir_okay=False, path_type=Path),
              help="交互核对时写入的更正文件（默认：数据库旁的 corrections.yaml）")
@click.option("--report", "reports", multiple=True, help="只核对这些报告（报告编号或 sha256 的开头，可写多次）")
@click.option("--interactive/--no-interactive", default=None,
              help="逐格提问并写入更正（默认：在终端上运行且没有 --csv 时）")
@click.option("--context", default=2, show_default=True, type=click.IntRange(0, 20), help="每格显示原文上下几行")
@click.option("--images", "images_dir", type=click.Path(file_okay=False, path_type=Path),
              help="扫描件的页面图片保存在这个文件夹（默认：CSV 或数据库旁的「核对页面图片」）")
def review(db_path, csv_path, corrections_path, reports, interactive, context, images_dir):
    """列出需要人工核对的格（读不出的空格、检查有问题的格）及其原文上下行，并写下更正。

    例如：gkreport review --csv 待核对.csv，填写后 gkreport ingest 报告文件夹 --corrections 待核对.csv"""
    from .listing import list_cells
    from .session import run_session, write_csv, write_text

    images_dir = images_dir or (csv_path.parent if csv_path else db_path.parent) / "核对页面图片"
    items = list_cells(db_path, reports, context=context, images_dir=images_dir)
    if interactive is None:
        interactive = csv_path is None and sys.stdin.isatty() and sys.stdout.isatty()
    if csv_path:
        write_csv(items, csv_path, context)
        click.echo(f"已写出 {len(items)} 格待核对：{csv_path}（填写 value 更正，或 confirm 填 true 确认解析值无误；"
                   f"再运行 gkreport ingest … --corrections {csv_path}）")
        return
    if not interactive:
        write_text(items, click.echo, context)
        return
    target = corrections_path or next(iter(default_files(db_path)), db_path.resolve().parent / "corrections.yaml")
    author = click.prompt("核对人（写入每条更正的 author）", default=_default_author() or None)
    sys.exit(run_session(items, db_path, target, author, dt.date.today().isoformat(), context))
