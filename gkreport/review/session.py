"""The cells to review as a person sees them: printed with their source lines, written as a CSV to
fill in, or asked one by one on a terminal with the answers written to a corrections file."""

from __future__ import annotations

import csv
from itertools import groupby
from pathlib import Path
from typing import Callable, Iterator

import click

from ..layout import fmt_value
from ..locations import column_label, describe_location
from .files import Entry, append, check_fits, number, read
from .listing import UNREAD, Item
from .run import apply_files

CSV_FIELDS = ("report_sha256", "report_id", "agency", "year", "table", "row", "column", "cell", "parsed_value",
              "reason", "source_page", "source_lines", "page_images", "value", "confirm", "author", "date", "evidence")
CONFIRM_WORDS = {"=", "y", "ok", "确认", "对", "无误"}
QUIT_WORDS = {"q", "quit", "退出"}
NEXT_WORDS = {"n", "next", "下一份"}


def shown(value) -> str:
    return "空" if value is None else fmt_value(value)


def _who(report: dict) -> str:
    return f"{report['agency_name'] or '机关不详'} {report['year'] or '年度不详'} 年度" if report["year"] else \
        (report["agency_name"] or "机关不详")


def _rows(items: list[Item]) -> Iterator[tuple[dict, list[tuple[tuple[str, str], list[Item]]]]]:
    """Items by report, then by table row (the cells of a row share their source lines)."""
    for _, of_report in groupby(items, key=lambda i: i.report["id"]):
        of_report = list(of_report)
        yield of_report[0].report, [(key, list(cells)) for key, cells in
                                    groupby(of_report, key=lambda i: (i.cell.table, i.cell.row))]


def _shared(cells: list[Item]) -> list[str]:
    """The reasons every cell of a row has: said once for the row."""
    common = set(cells[0].reasons)
    for item in cells[1:]:
        common &= set(item.reasons)
    return [r for r in cells[0].reasons if r in common and r != UNREAD]


def _report_lines(report: dict, source) -> list[str]:
    out = [f"【{_who(report)}】{report['source_path'] or ''}（报告编号 {report['id']}，sha256 {(report['sha256'] or '')[:12]}…）",
           f"  原文来自{source.origin}" if source else ""]
    if source and source.page_images:
        out.append("  扫描件页面图片：" + "、".join(source.page_images))
    return [line for line in out if line]


def _row_lines(cells: list[Item], context: int) -> list[str]:
    first = cells[0]
    row = f"{first.cell.table}.{first.cell.row}"
    page = first.source.page_of(first.cell) if first.source else None
    out = [f"  ■ {describe_location(row)}" + (f"（原文第 {page} 页）" if page else "")]
    out += [f"    问题：{r}" for r in _shared(cells)]
    shown = first.source.around(first.cell, context) if first.source else []
    if shown:
        out.append("    原文：")
        out += [f"    {'▶' if target else ' '}{n:>5} │ {text}" for n, text, target in shown]
    return out


def _cell_line(item: Item, shared: list[str]) -> str:
    own = [r for r in item.reasons if r not in shared]
    return (f"    · {column_label(item.cell.table, item.cell.column)}：解析值 {shown(item.parsed_value)}"
            + (f"；{'；'.join(own)}" if own else ""))


def write_text(items: list[Item], echo: Callable[[str], None], context: int = 2) -> None:
    if not items:
        echo("没有需要核对的格：读不出的格和检查发现的问题都已更正或确认。")
        return
    reports = 0
    for report, rows in _rows(items):
        reports += 1
        echo("")
        for line in _report_lines(report, rows[0][1][0].source):
            echo(line)
        for _, cells in rows:
            for line in _row_lines(cells, context):
                echo(line)
            shared = _shared(cells)
            for item in cells:
                echo(_cell_line(item, shared))
    echo(f"\n共 {len(items)} 格待核对（{reports} 份报告）。写下更正：在终端上运行 gkreport review，"
         "或 gkreport review --csv 待核对.csv 填写后用 gkreport ingest … --corrections 待核对.csv 读回。")


def csv_row(item: Item, context: int = 2) -> dict:
    cell, source = item.cell, item.source
    row, column = cell.row, cell.column
    if cell.table == "active_disclosure":
        row, column = f"{cell.row}/{cell.column}", "value"
    shown = source.around(cell, context) if source else []
    return {
        "report_sha256": item.report["sha256"], "report_id": item.report["id"], "agency": item.report["agency_name"],
        "year": item.report["year"], "table": cell.table, "row": row, "column": column, "cell": item.name,
        "parsed_value": "" if item.parsed_value is None else fmt_value(item.parsed_value),
        "reason": "；".join(item.reasons), "source_page": (source.page_of(cell) if source else None) or "",
        "source_lines": "\n".join(f"{'▶' if target else ' '}{n} │ {text}" for n, text, target in shown),
        "page_images": "\n".join(source.page_images) if source else "",
        "value": "", "confirm": "", "author": "", "date": "", "evidence": "",
    }


def write_csv(items: list[Item], path: Path, context: int = 2) -> None:
    """UTF-8 with a BOM (Excel reads the Chinese), one cell a row; value, confirm, author, date and
    evidence left for the reviewer. Rows left blank are not corrections when the file is read back."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS, lineterminator="\r\n")
        writer.writeheader()
        for item in items:
            writer.writerow(csv_row(item, context))


# ---------------------------------------------------------------------------
# On a terminal


def run_session(items: list[Item], db_path: Path, target: Path, author: str, date: str, context: int = 2) -> int:
    """Ask for each cell; write what was answered to ``target`` and apply it. Returns the exit status.
    q, Ctrl+C or the end of the input stop the session: what was answered before is kept."""
    if not items:
        write_text(items, click.echo)
        return 0
    click.echo(f"共 {len(items)} 格待核对。每格输入更正的数字；输入 = 表示解析值无误（确认）；"
               "直接回车跳过；输入 n 跳到下一份报告；输入 q 结束（已输入的会保存）。")
    session = _Session(target, author, date, context)
    try:
        for report, rows in _rows(items):
            click.echo("")
            for line in _report_lines(report, rows[0][1][0].source):
                click.echo(line)
            session.ask_report(report, rows)
    except (_Quit, click.Abort, EOFError):
        click.echo("")
    if not session.entries:
        click.echo("没有写下更正。")
        return 0
    append(target, session.entries)
    click.echo(f"已把 {len(session.entries)} 条写入 {target}。")
    corrections = read(target)
    for line in corrections.problems:
        click.echo(f"更正有误  {line}", err=True)
    for line in apply_files(db_path, [corrections]):
        click.echo(line, err=True)
    click.echo(f"已应用到数据库 {db_path}（值在表中更新，检查已按现行值重新计算）。")
    return 1 if corrections.problems else 0


class _Quit(Exception):
    pass


_NEXT = object()


class _Session:
    def __init__(self, target: Path, author: str, date: str, context: int):
        self.target, self.author, self.date, self.context = target, author, date, context
        self.entries: list[Entry] = []
        self.evidence = None  # the last evidence typed, offered again for the next cell

    def ask_report(self, report: dict, rows) -> None:
        for _, cells in rows:
            for line in _row_lines(cells, self.context):
                click.echo(line)
            shared = _shared(cells)
            for item in cells:
                answer = _ask(item, shared)
                if answer is _NEXT:
                    return
                if answer == "":
                    continue
                self.evidence = click.prompt("    依据（页码、原文引文或说明）", default=self.evidence)
                confirm = answer == "="
                page = item.source.page_of(item.cell) if item.source else None
                self.entries.append(Entry(report["sha256"], item.cell, None if confirm else answer, confirm,
                                          self.author, self.date, self.evidence, page, self.target.name, "终端核对"))


def _ask(item: Item, shared: list[str]):
    """The number typed, "=" for a confirmation, "" to skip, _NEXT for the next report; q stops (_Quit)."""
    while True:
        text = click.prompt(_cell_line(item, shared).replace("    · ", "    ") + "\n    → 值", default="",
                            show_default=False).strip()
        if text.lower() in QUIT_WORDS:
            raise _Quit
        if text.lower() in NEXT_WORDS:
            return _NEXT
        if text in CONFIRM_WORDS and item.parsed_value is None:
            click.echo("    这一格没有读出数值，无法确认；请输入原文中的数值，或直接回车跳过")
            continue
        if text in CONFIRM_WORDS or not text:
            return "=" if text else ""
        try:
            value = number(text)
            check_fits(item.cell, value)
            return value
        except ValueError as e:
            click.echo(f"    {e}；请重新输入")
