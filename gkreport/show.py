"""One parsed report as a person reads it in a terminal, or as JSON."""

from __future__ import annotations

import json
import unicodedata

from .layout import Grid, table2_grid, table3_grid, table4_grid
from .model import ParsedReport
from .template import ACTIVE_MEASURES, APPLICANT_KEYS, OUTCOME_KEYS

ALL_COLUMNS = APPLICANT_KEYS + OUTCOME_KEYS + tuple(m.key for m in ACTIVE_MEASURES)

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}


def width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def render_grid(grid: Grid, flagged: set[str]) -> str:
    cols = max(len(r) for r in grid)
    widths = [0] * cols
    texts = []
    for row in grid:
        cells = []
        for i, c in enumerate(row):
            t = c.text + ("*" if c.location in flagged else "")
            cells.append(t)
            widths[i] = max(widths[i], width(t))
        texts.append(cells)
    lines = []
    for cells in texts:
        lines.append("  ".join(t + " " * (widths[i] - width(t)) for i, t in enumerate(cells)).rstrip())
    return "\n".join(lines)


def _flagged(report: ParsedReport) -> set[str]:
    """Cells a check concerns: a row-level location flags every cell of that row."""
    out = set()
    for c in report.checks:
        if c.location and c.severity != "info":
            out.add(c.location)
            parts = c.location.split(".")
            if len(parts) == 2:
                out.update(f"{c.location}.{col}" for col in ALL_COLUMNS)
    return out


def active_by_item(report: ParsedReport) -> dict:
    out: dict = {}
    for a in report.tables.active:
        out.setdefault(a.item, {})[a.measure] = a.value
    return out


def render_text(report: ParsedReport, path: str = "") -> str:
    m, t = report.meta, report.tables
    flagged = _flagged(report)
    status = {"ok": "通过", "warning": "有警告", "error": "表格无法读取"}[report.status]
    c = m.contact
    lines = [
        f"文件      {path}" if path else "",
        f"标题      {m.title or '—'}",
        f"机关      {m.agency_name or '—'}" + (f"（原文：{m.agency_name_as_printed}）"
                                              if m.agency_name_as_printed and m.agency_name_as_printed != m.agency_name else ""),
        f"年度      {m.year or '—'}",
        f"格式      {report.template}（表二 {t.table2_template or '—'}，表三 {t.table3_template or '—'}）",
        f"发布日期  {m.published_date or '—'}",
        f"联系方式  " + "，".join(x for x in (
            c.phone and f"电话 {c.phone}", c.postcode and f"邮编 {c.postcode}", c.address and f"地址 {c.address}",
            c.website and f"网站 {c.website}") if x) if any((c.phone, c.postcode, c.address, c.website)) else "联系方式  —",
        f"状态      {status}",
        f"编号      {report.id}",
        "",
        "章节：" + "；".join(f"{s.section_no if s.section_no is not None else '·'} {s.heading or '（开头）'}"
                           for s in report.sections),
        "",
        "表二  主动公开政府信息情况",
        render_grid(table2_grid(active_by_item(report), t.table2_template), flagged) if t.found["table2"] else "（未找到）",
        "",
        "表三  收到和处理政府信息公开申请情况",
        render_grid(table3_grid(t.requests, t.table3_template), flagged) if t.found["table3"] else "（未找到）",
        "",
        "表四  政府信息公开行政复议、行政诉讼情况",
        render_grid(table4_grid(t.appeals), flagged) if t.found["table4"] else "（未找到）",
        "",
        f"检查（{len(report.checks)} 条）" + ("：" if report.checks else "：全部通过"),
    ]
    for ch in report.checks:
        lines.append(f"  [{SEVERITY[ch.severity]}] {ch.rule}  {ch.message}")
    if flagged:
        lines.append("（带 * 的格子是检查发现问题的位置）")
    return "\n".join(x for x in lines if x is not None).lstrip("\n")


def render_json(report: ParsedReport, path: str = "") -> str:
    d = report.to_dict()
    d["source_path"] = path or None
    return json.dumps(d, ensure_ascii=False, indent=2)
