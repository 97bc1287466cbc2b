"""Corrections files: YAML or CSV, one entry per cell, read into checked entries and written back.

An entry names a report by the sha256 of its file's bytes (a renamed or moved file keeps its
corrections) and a cell by the database's keys, then gives either the corrected `value` or
`confirm: true` (the parsed value was checked and is right), with `author`, `date` and
`evidence` (a page, a quotation, a note), and optionally the `page` of the source it was read on.

    - report_sha256: 8bd73a45…0143
      table: request_stats          # request_stats (表三), appeal_stats (表四), active_disclosure (表二)
      row: total_processed          # row_key / proceeding; for table 2, item: and measure:
      column: total
      value: 7
      author: 李卫东
      date: 2024-03-19
      evidence: 原表总计印错，按分项合计

A CSV has the same columns (table 2's cell as `row` = `item/measure`, `column` = `value`, or `row` =
item and `column` = measure); rows with neither a value nor confirm are left out, as in the file
`gkreport review --csv` writes for a reviewer to fill in. A file that can't be read at all is an
error before anything is ingested; an entry that is wrong is reported on its own, and the others apply.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

import yaml

from .. import template as T
from ..locations import TABLE_WORDS, Cell, describe_location, known_keys

Number = Union[int, float]

FIELDS = ("report_sha256", "table", "row", "column", "value", "confirm", "author", "date", "evidence", "page")
TABLE_NAMES = {**{t: t for t in TABLE_WORDS}, **{w: t for t, w in TABLE_WORDS.items()},
               "table2": "active_disclosure", "table3": "request_stats", "table4": "appeal_stats"}
YES = {"1", "true", "yes", "on", "y", "是", "对", "确认", "√", "✓"}
NO = {"", "0", "false", "no", "off", "n", "否"}
_SHA = re.compile(r"[0-9a-f]{64}")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


class CorrectionsError(Exception):
    """A corrections file that can't be read at all: the message names the file and the problem."""


@dataclass(frozen=True)
class Entry:
    sha256: str
    cell: Cell
    value: Optional[Number]  # the corrected value; for a confirmation, the value confirmed (None: as parsed)
    confirm: bool
    author: str
    date: str
    evidence: str
    page: Optional[int]
    source: str  # the file's name: an entry belongs to the file it came from
    where: str  # 「corrections.yaml 第 3 条（第 12 行）」, for messages


@dataclass
class CorrectionsFile:
    path: Path
    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line for each entry that can't be used
    # cells whose entry is wrong this time: what the database holds for them from this file is kept
    unusable: set[tuple[str, Cell]] = field(default_factory=set)

    @property
    def name(self) -> str:
        return self.path.name


def default_files(db_path: Path) -> list[Path]:
    """corrections.yaml (or .yml) and corrections.csv beside the database, those that exist."""
    folder = Path(db_path).resolve().parent
    yaml_file = next((folder / n for n in ("corrections.yaml", "corrections.yml") if (folder / n).is_file()), None)
    return [p for p in (yaml_file, folder / "corrections.csv") if p is not None and p.is_file()]


def read(path: Path) -> CorrectionsFile:
    """Read and check a corrections file (YAML by default, CSV by its suffix)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CorrectionsError(f"{path}：更正文件不存在（corrections file not found）") from None
    except OSError as e:
        raise CorrectionsError(f"{path}：无法读取更正文件（{e.strerror}）") from None
    out = CorrectionsFile(path)
    raw = _csv_rows(path, data) if path.suffix.lower() == ".csv" else _yaml_rows(path, data)
    for where, fields in raw:
        _check(out, where, fields)
    return out


def _decode(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on a Chinese system saves CSV in GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorrectionsError(f"{path}：不是 UTF-8 或 GBK 编码的文本")


def _yaml_rows(path: Path, data: bytes) -> list[tuple[str, dict]]:
    text = _decode(path, data)
    try:
        entries = yaml.safe_load(text)
        nodes = yaml.compose(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f"第 {mark.line + 1} 行：" if mark else ""
        raise CorrectionsError(f"{path}：{at}YAML 格式有误（{getattr(e, 'problem', None) or e}）") from None
    if entries is None:
        return []
    if isinstance(entries, dict) and isinstance(entries.get("corrections"), list):
        entries, nodes = entries["corrections"], next(v for k, v in nodes.value if k.value == "corrections")
    if not isinstance(entries, list):
        raise CorrectionsError(f"{path}：应为更正条目的列表（每条以「- report_sha256: …」开头）")
    rows = []
    for n, (entry, node) in enumerate(zip(entries, nodes.value), 1):
        where = f"{path.name} 第 {n} 条（第 {node.start_mark.line + 1} 行）"
        rows.append((where, entry if isinstance(entry, dict) else {"?": entry}))
    return rows


def _csv_rows(path: Path, data: bytes) -> list[tuple[str, dict]]:
    reader = csv.DictReader(io.StringIO(_decode(path, data), newline=""))
    missing = [f for f in ("report_sha256", "table", "row", "column") if f not in (reader.fieldnames or [])]
    if missing:
        raise CorrectionsError(f"{path}：CSV 缺少列 {'、'.join(missing)}（第一行应是列名："
                               f"{','.join(FIELDS)}）")
    rows = []
    for row in reader:
        fields = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if not fields.get("value") and fields.get("confirm", "").lower() in NO:
            if fields.get("evidence") or fields.get("author"):
                rows.append((f"{path.name} 第 {reader.line_num} 行", {**fields, "_unfilled": True}))
            continue  # a cell listed for review and left as it was
        rows.append((f"{path.name} 第 {reader.line_num} 行", fields))
    return rows


def _check(out: CorrectionsFile, where: str, fields: dict) -> None:
    """One entry read and checked: added to the file's entries, or its problem to the problems."""
    problems: list[str] = []
    cell, sha = None, str(fields.get("report_sha256") or fields.get("sha256") or "").strip().lower()
    if "?" in fields:
        out.problems.append(f"{where}：不是「键: 值」形式的条目")
        return
    if fields.get("_unfilled"):
        out.problems.append(f"{where}：填了依据或作者，但没有填 value（更正值）或 confirm（确认），未使用")
        return
    if not _SHA.fullmatch(sha):
        problems.append("report_sha256 应为原文件的 sha256（64 位十六进制，见 reports.sha256）")
    try:
        cell = _cell(fields)
    except ValueError as e:
        problems.append(str(e))
    confirm_text = str(fields.get("confirm", "")).strip().lower()
    if confirm_text not in YES | NO:
        problems.append(f"confirm「{fields.get('confirm')}」应为 true 或 false")
    confirm = confirm_text in YES
    value = None
    raw = fields.get("value")
    if raw is not None and str(raw).strip() != "":
        try:
            value = number(raw)
            if cell:
                check_fits(cell, value)
        except ValueError as e:
            problems.append(str(e))
    elif not confirm:
        problems.append("没有更正值 value（确认解析值无误请写 confirm: true）")
    author, evidence = str(fields.get("author") or "").strip(), str(fields.get("evidence") or "").strip()
    if not author:
        problems.append("没有写核对人 author")
    if not evidence:
        problems.append("没有写依据 evidence（页码、原文引文或说明）")
    date = _date(fields.get("date"))
    if date is None:
        problems.append(f"日期 date「{fields.get('date') or ''}」应写成 2024-03-18 这样的年月日")
    page = None
    if str(fields.get("page") or "").strip():
        try:
            page = int(str(fields["page"]).strip())
        except ValueError:
            problems.append(f"页码 page「{fields['page']}」应为整数")
    if problems:
        out.problems.append(f"{where}：" + "；".join(problems))
        if cell and _SHA.fullmatch(sha):
            out.unusable.add((sha, cell))
        return
    out.entries.append(Entry(sha, cell, value, confirm, author, date, evidence, page, out.name, where))


def _cell(fields: dict) -> Cell:
    table_text = str(fields.get("table") or "").strip()
    table = TABLE_NAMES.get(table_text)
    if table is None:
        raise ValueError(f"表 table「{table_text}」不存在，应为 request_stats（表三）、appeal_stats（表四）"
                         "或 active_disclosure（表二）")
    row = str(fields.get("row") or fields.get("item") or fields.get("row_key") or fields.get("proceeding") or "").strip()
    column = str(fields.get("column") or "").strip()
    if table == "active_disclosure":
        measure = str(fields.get("measure") or "").strip()
        if re.search(r"[/.]", row):
            row, measure = re.split(r"[/.]", row, maxsplit=1)
        if not measure and column not in ("", "value"):
            measure = column  # row = item, column = measure
        elif measure and column not in ("", "value", measure):
            raise ValueError(f"表二的格由 item 和 measure 确定，column 应为 value（现为「{column}」）")
        column = measure
    rows, columns = known_keys(table)
    words = TABLE_WORDS[table]
    if row not in rows:
        raise ValueError(f"{words}没有行「{row}」{_did_you_mean(row, rows)}")
    if column not in columns:
        what = "measure" if table == "active_disclosure" else "column"
        raise ValueError(f"{words}没有列 {what}「{column}」{_did_you_mean(column, columns)}")
    return Cell(table, row, column)


def _did_you_mean(word: str, choices: set[str]) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.75)
    return f"，是不是「{close[0]}」？" if close else f"（可用：{'、'.join(sorted(choices))}）"


def number(raw) -> Number:
    if isinstance(raw, bool):
        raise ValueError(f"更正值 value「{raw}」不是数字")
    if isinstance(raw, (int, float)):
        number = raw
    else:
        text = str(raw).strip().replace(",", "").replace("，", "")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"更正值 value「{raw}」不是数字") from None
    if number != number or number in (float("inf"), float("-inf")) or abs(number) >= 1e15:
        raise ValueError(f"更正值 value「{raw}」不是可以存入的数字")
    return int(number) if float(number).is_integer() else float(number)


def check_fits(cell: Cell, value: Number) -> None:
    """What the format allows in the cell: counts are whole and not negative; table 2's 本年增/减 may be
    negative, its amounts of money may have decimals."""
    if cell.table == "active_disclosure":
        measure = T.ACTIVE_MEASURE_BY_KEY[cell.column]
        signed, decimal = measure.signed, measure.decimal
    else:
        signed = decimal = False
    name = describe_location(cell.location)
    if value < 0 and not signed:
        raise ValueError(f"{name}不能是负数（value 为 {value}）")
    if not decimal and not float(value).is_integer():
        raise ValueError(f"{name}是件数，应为整数（value 为 {value}）")


def _date(raw) -> Optional[str]:
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    found = _DATE.fullmatch(str(raw or "").strip())
    if not found:
        return None
    try:
        return dt.date(*map(int, found.groups())).isoformat()
    except ValueError:
        return None


# ---------------------------------------------------------------------------
# Writing entries (gkreport review adds what a reviewer typed to a corrections file)


def entry_fields(e: Entry) -> dict:
    """An entry as the file's keys: table 2's cell as item and measure."""
    if e.cell.table == "active_disclosure":
        where = {"item": e.cell.row, "measure": e.cell.column, "column": "value"}
    else:
        where = {"row": e.cell.row, "column": e.cell.column}
    what = {"confirm": True} if e.confirm else {}
    if e.value is not None:
        what["value"] = e.value
    return {"report_sha256": e.sha256, "table": e.cell.table, **where, **what, "author": e.author,
            "date": e.date, "evidence": e.evidence, **({"page": e.page} if e.page else {})}


def append(path: Path, entries: list[Entry]) -> None:
    """Add entries at the end of a corrections file (made if there is none), leaving what it holds as it is."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        new = not path.exists() or not path.stat().st_size
        with open(path, "a", encoding="utf-8-sig" if new else "utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\r\n")
            if new:
                writer.writeheader()
            for e in entries:
                fields = entry_fields(e)
                if e.cell.table == "active_disclosure":
                    fields = {**fields, "row": f"{e.cell.row}/{e.cell.column}", "column": "value"}
                writer.writerow({k: ("true" if v is True else v) for k, v in fields.items() if k in FIELDS})
        return
    text = path.read_text(encoding="utf-8-sig") if path.exists() else "# 人工核对的更正（gkreport ingest 导入时应用）\n"
    if text and not text.endswith("\n"):
        text += "\n"
    for e in entries:
        text += "\n" + yaml.safe_dump([entry_fields(e)], allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(text, encoding="utf-8")
