"""`gkreport collect` on a terminal: the lines it prints, the progress bar, the exit status."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Optional

import click

from .run import Collector
from .sources import SourceError, given, read_file


def run(urls, from_file: Optional[Path], out: Path, db_path: Path, delay: float, max_bytes: int) -> int:
    starts, problems = given(list(urls))
    if from_file is not None:
        try:
            listed, bad_lines = read_file(from_file)
        except SourceError as e:
            click.echo(f"失败  {e}", err=True)
            return 1
        starts += listed
        problems += bad_lines
    for line in problems:
        click.echo(f"跳过  {line}", err=True)
    if not starts:
        click.echo("没有要收集的网址：请给出网址，或用 --from 指定网址文件。", err=True)
        return 2

    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(starts), unit="个网址", desc="收集", leave=False)

    def echo(line: str) -> None:
        if bar is not None:
            bar.write(line, file=sys.stderr)
        else:
            click.echo(line, err=True)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.total = total
            bar.update(done - bar.n)

    try:
        collector = Collector(db_path, out, delay=delay, max_bytes=max_bytes, echo=echo, on_progress=progress)
        result = collector.run(starts)
    except sqlite3.DatabaseError as e:
        if bar is not None:
            bar.close()
        click.echo(f"失败  {db_path}：无法用作数据库，不是 SQLite 数据库文件或已损坏（{e}）。", err=True)
        return 1
    except KeyboardInterrupt:
        if bar is not None:
            bar.close()
        click.echo("已中断。已下载的文件和记录都保存了：再次运行同一命令，会从中断处继续。", err=True)
        return 130
    if bar is not None:
        bar.close()
    click.echo(result.counts.line(result.urls))
    if result.ingest is not None:
        click.echo(result.ingest.line())
    else:
        click.echo("没有新下载的报告，数据库中的报告没有变化。")
    click.echo(f"数据库：{db_path}    下载文件夹：{out}")
    return 1 if result.counts.failed or result.not_reports else 0
