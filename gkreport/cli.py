"""The `gkreport` command: thin click commands over the library."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click

from . import shards
from .agency_list import agencies_command
from .extract import ExtractError, extract, supported_suffixes
from .budget import MEMORY_LIMIT_MB, OCR_MEMORY_MB, OCR_PAGE_SECONDS, TIME_LIMIT
from .review.cli import corrections_line, read_corrections, review
from .review.files import default_files
from .show import render_json, render_text
from .store import explain

# the line each outcome gets (a stored report only when something is wrong with it)
LABELS = {"failed": "失败", "skipped": "跳过", "duplicate": "重复", "unchanged": "未变化",
          "warning": "警告", "error": "表格无法读取"}


def _shard_option(ctx, param, value):
    if value is None:
        return None
    try:
        return shards.parse(value)
    except shards.ShardError as e:
        raise click.BadParameter(str(e)) from None


@click.group()
@click.version_option(package_name="gkreport")
def cli():
    """gkreport：政府信息公开工作年度报告 → SQLite 数据库 → Datasette 网站。"""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", "db_path", default="gkreport.db", show_default=True, type=click.Path(path_type=Path),
              help="SQLite 数据库文件")
@click.option("--force", is_flag=True, help="重新解析已入库且未变化的文件")
@click.option("--jobs", "-j", default=0, help="解析进程数（默认：文件多时用全部核心）")
@click.option("--quiet", "-q", is_flag=True, help="只输出汇总")
@click.option("--no-ocr", "no_ocr", is_flag=True,
              help="不识别扫描件（没有文本层的 PDF、图片），只按文件名记下机关和年度，标为无法读取")
@click.option("--time-limit", default=None, type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help=f"每个文件（压缩包中的每份报告）最多使用的 CPU 秒数，超过则该文件失败（默认 {TIME_LIMIT:g}；"
                   f"扫描件每识别一页另加 {OCR_PAGE_SECONDS:g} 秒）；等待而不计算的文件，10 倍的时间没有进展即停止")
@click.option("--memory-limit", default=MEMORY_LIMIT_MB, show_default=True, type=click.IntRange(min=64), metavar="MB",
              help=f"每个解析进程最多使用的内存（MB），超过则该文件失败（识别扫描件的进程另加 {OCR_MEMORY_MB} MB）")
@click.option("--corrections", "corrections_files", multiple=True, type=click.Path(path_type=Path),
              help="人工更正文件（YAML 或 CSV，可写多次）；不写时使用数据库旁的 corrections.yaml / corrections.csv")
@click.option("--shard", default=None, metavar="I/N", callback=_shard_option,
              help="只导入 N 份中的第 I 份文件（按路径划分），写入单独的数据库，之后用 gkreport merge 合并")
def ingest(paths, db_path, force, jobs, quiet, no_ocr, time_limit, memory_limit, corrections_files, shard):
    """读取报告文件或文件夹（递归），写入数据库。重复运行是安全的：未变化的文件会跳过。"""
    corrections, problems = read_corrections(corrections_files or default_files(db_path))
    if corrections is None:
        sys.exit(1)
    bar = None

    def on_total(n: int) -> None:
        nonlocal bar
        # a progress bar only on a terminal: logs and pipes get the per-file lines and the summary
        if sys.stderr.isatty() and n >= 20:
            from tqdm import tqdm  # imported here: it is a tenth of the start-up time of every ingest

            bar = tqdm(total=n, unit="份", desc="入库", leave=False)

    def echo(line: str) -> None:
        bar.write(line, file=sys.stderr) if bar else click.echo(line, err=True)

    def on_outcome(o) -> None:
        if bar:
            bar.update(1)
        label = LABELS.get(o.report_status or "") if o.status == "stored" else LABELS[o.status]
        if label and not (quiet and o.status != "failed"):
            echo(f"{label}  {o.path}" + (f"：{o.message}" if o.message else ""))

    try:
        from .ingest import ingest as run_ingest  # the reading pipeline: not imported for `gkreport serve`

        summary = run_ingest(paths, db_path, force=force, jobs=jobs, ocr=not no_ocr, memory_limit=memory_limit,
                             time_limit=TIME_LIMIT if time_limit is None else time_limit,
                             on_outcome=on_outcome, on_total=on_total, keep_outcomes=False,
                             corrections=corrections, shard=shard)
    except shards.ShardError as e:
        click.echo(f"失败  {e}", err=True)
        sys.exit(1)
    except sqlite3.Error as e:  # a report that can't be written fails alone; this is the database itself
        if bar:
            bar.close()
        click.echo(f"失败  {db_path}：{explain(e)}。", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        if bar:
            bar.close()
        click.echo(f"已中断  {db_path}：已提交的报告都完整保存；再次运行同一命令即可继续。", err=True)
        sys.exit(130)
    if bar:
        bar.close()
    if summary.total == summary.skipped:  # not one report file among them (nothing, or only other files)
        names = "、".join(str(p) for p in paths)
        click.echo(f"没有找到报告文件：{names} 中没有可以导入的文件（支持 {' '.join(sorted(supported_suffixes()))}）。",
                   err=True)
        click.echo(summary.line())
        sys.exit(1)
    if summary.stopped:
        click.echo(f"停止写入  {db_path}：{summary.stopped}。之后的文件都未入库。", err=True)
    if summary.unfinished:
        click.echo(f"汇总表未能更新  {db_path}：{summary.unfinished}。下次导入或启动网站时会重建。", err=True)
    for line in summary.corrections:
        click.echo(line, err=True)
    click.echo(summary.line())
    if summary.stored == 0 and summary.failed == 0 and summary.unchanged and not summary.stopped:
        click.echo("没有变化：所有文件都已入库且内容未变。")
    counts = corrections_line(db_path, problems)
    if counts:
        click.echo(counts)
    click.echo(f"数据库：{db_path}")
    if summary.failed or summary.stopped or problems:
        sys.exit(1)


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("databases", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="只输出汇总")
def merge(out, databases, quiet):
    """把分片导入（ingest --shard I/N）的各个数据库合并成一个新数据库 OUT，与一次导入全部文件的结果相同。

    例如：gkreport merge gkreport.db shard-*.db"""
    from .merge import MergeError, merge as run_merge

    bar = None

    def on_total(n: int) -> None:
        nonlocal bar
        if sys.stderr.isatty() and n >= 1000:
            from tqdm import tqdm

            bar = tqdm(total=n, unit="份", desc="合并", leave=False)

    def on_duplicate(path: str, kept: str, source: Path) -> None:
        if not quiet:
            line = f"重复  {path}（{source}）：与已收录的 {kept} 内容相同，只收录一次"
            bar.write(line, file=sys.stderr) if bar else click.echo(line, err=True)

    try:
        summary = run_merge(out, databases, on_total=on_total, on_duplicate=on_duplicate,
                            on_report=lambda: bar and bar.update(1))
    except MergeError as e:
        click.echo(f"失败  {e}", err=True)
        sys.exit(1)
    finally:
        if bar:
            bar.close()
    click.echo(summary.line())
    click.echo(f"数据库：{out}")


@cli.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--db", "db_path", default="gkreport.db", show_default=True, type=click.Path(path_type=Path),
              help="要发布的 SQLite 数据库文件")
def release(out, db_path):
    """生成发布包 OUT/：整理过的数据库和行数文件、每张数据表的 Parquet 和 CSV、数据字典、SHA256SUMS。

    例如：gkreport release release/ --db gkreport.db"""
    from .release import ReleaseError, release as run_release

    try:
        summary = run_release(out, db_path, echo=lambda line: click.echo(line, err=True))
    except ReleaseError as e:
        click.echo(f"失败  {e}", err=True)
        sys.exit(1)
    click.echo(summary.line())


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("target", type=click.Choice(["cloudrun", "fly"]))
@click.argument("release_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--install", multiple=True, help="容器中安装 gkreport 的 pip 写法（必填），如 'gkreport @ git+https://…'")
@click.argument("extra", nargs=-1, type=click.UNPROCESSED)
def publish(target, release_dir, install, extra):
    """用 datasette publish 把发布包中的数据库发布到 Cloud Run 或 Fly，网站与 gkreport serve 相同。

    其余参数原样交给 datasette publish，如 --service gkreport（Cloud Run）、--app gkreport（Fly）。"""
    from .publish import PublishError, publish as run_publish

    try:
        sys.exit(run_publish(target, release_dir, list(install), list(extra)))
    except PublishError as e:
        click.echo(f"失败  {e}", err=True)
        sys.exit(1)


@cli.command()
@click.argument("urls", nargs=-1)
@click.option("--from", "from_file", type=click.Path(dir_okay=False, path_type=Path),
              help="网址文件：每行一个网址，可在同一行写上机关名称")
@click.option("--out", default="downloads", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="下载的报告文件保存在这个文件夹")
@click.option("--db", "db_path", default="gkreport.db", show_default=True, type=click.Path(path_type=Path),
              help="SQLite 数据库文件（报告和收集记录）")
@click.option("--delay", default=1.0, show_default=True, type=click.FloatRange(min=0),
              help="同一网站两次请求之间至少间隔的秒数")
@click.option("--max-bytes", default=50_000_000, show_default=True, type=click.IntRange(min=1),
              help="单个文件的下载上限（字节），超过的不下载")
def collect(urls, from_file, out, db_path, delay, max_bytes):
    """从各机关网站收集年度报告：列表页、文章页或附件网址，下载后入库。

    例如：gkreport collect https://www.example.gov.cn/xxgk/zfxxgknb/index.html --from 网址.txt"""
    from .collect.cli import run

    sys.exit(run(urls, from_file, out, db_path, delay, max_bytes))


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def show(file, as_json):
    """解析一份报告并显示结果（元数据、三张统计表、检查），不写数据库。"""
    from .scanned import parse_extracted  # the parser: imported by the commands that read reports

    try:
        report = parse_extracted(extract(str(file), file.read_bytes()))
    except ExtractError as e:
        click.echo(f"失败  {file}：{e.message}", err=True)
        sys.exit(1)
    click.echo(render_json(report, str(file)) if as_json else render_text(report, str(file)))


@cli.command()
@click.option("--db", "db_path", default="gkreport.db", show_default=True, type=click.Path(path_type=Path),
              help="SQLite 数据库文件（不存在时先导入自带的样例报告）")
@click.option("--port", default="8001", show_default=True, help="端口（0：任选一个空闲端口）")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址（公开服务用 0.0.0.0）")
@click.option("--immutable", is_flag=True,
              help="数据库文件不会再变（如 gkreport release 的发布包）：原样只读打开，不写入任何东西")
def serve(db_path, port, host, immutable):
    """启动只读的公开网站（Datasette）：浏览、搜索、常见问题、JSON 接口。"""
    from .serving import ServeError, serve as run_site

    try:
        run_site(db_path, host=host, port=port, echo=lambda line: click.echo(line, err=True), immutable=immutable)
    except ServeError as e:
        click.echo(f"失败  {e}", err=True)
        sys.exit(1)


@cli.command()
@click.argument("question")
@click.option("--db", "db_path", default="gkreport.db", show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path), help="SQLite 数据库文件")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（类型、参数、SQL、数据行、回答、链接）")
@click.option("--model", default=None, help="可选：语言模型（llm 库的模型名），离线引擎看不懂时使用")
@click.option("--min-base", type=click.IntRange(min=0), default=None,
              help="按比率排名时只排分母不少于此数的单位（默认 30；问题里写“不少于N件”时以问题为准）")
def ask(question, db_path, as_json, model, min_base):
    """用中文或英文提问，例如：gkreport ask "上犹县政府办历年收到多少申请？" """
    from .ask.cli import run

    sys.exit(run(question, db_path, as_json=as_json, model=model, min_base=min_base))


cli.add_command(agencies_command)
cli.add_command(review)


if __name__ == "__main__":
    cli()
