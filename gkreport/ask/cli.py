"""`gkreport ask QUESTION`: the answer, the table behind it, the SQL and its parameters."""

from __future__ import annotations

import json
from pathlib import Path

import click

from . import Asker
from .answer import fmt

MAX_ROWS = 20


def render_text(out: dict) -> str:
    zh = out["lang"] == "zh"
    lines = [out["answer"]]
    for e in out["examples"]:
        lines.append(f"  · {e}")
    for c in out["choices"]:
        lines.append(f"  · {c['question']}")
    if out["search_hits"]:
        lines.append("")
        lines.append("正文中的相关段落：" if zh else "Passages that use these words:")
        for h in out["search_hits"]:
            snippet = (h["snippet"] or "").replace("<mark>", "【").replace("</mark>", "】")
            lines.append(f"  · {h['agency']} {h['year']}：{snippet}")
    if out["rows"]:
        cols = out["columns"]
        lines += ["", "\t".join(cols)]
        for r in out["rows"][:MAX_ROWS]:
            lines.append("\t".join(fmt(r.get(c)) if not isinstance(r.get(c), str) else r[c][:60] for c in cols))
        if len(out["rows"]) > MAX_ROWS:
            lines.append(f"…（共 {len(out['rows'])} 行）" if zh else f"… ({len(out['rows'])} rows)")
    if out.get("rate"):
        r = out["rate"]
        lines.append(("计算方法：" if zh else "Formula: ") + r["formula"])
        if r.get("min_base") is not None:
            lines.append(f"只排分母不少于{r['min_base']}的，{r.get('left_out') or 0}个不足，未列入。" if zh else
                         f"Only denominators of {r['min_base']} or more are ranked; {r.get('left_out') or 0} left out.")
    for p in out.get("parts") or ():
        lines += ["", render_text(p)]
    if out["sql"]:
        lines += ["", ("问题类型：" if zh else "Question type: ") + f"{out['intent']}（{out['intent_title']}）",
                  "SQL:", out["sql"]]
        if out["params"]:
            lines.append(("参数：" if zh else "Parameters: ") + json.dumps(out["params"], ensure_ascii=False))
    return "\n".join(lines)


def run(question: str, db_path: Path, *, as_json: bool = False, model: str | None = None,
        min_base: int | None = None) -> int:
    from .model import backend

    asker = Asker(db_path, model=backend(model) if model else backend())
    try:
        out = asker(question, min_base=min_base)
    finally:
        asker.close()
    click.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str) if as_json else render_text(out))
    return 0 if out["status"] in ("answered", "no_data", "clarify") else 1
