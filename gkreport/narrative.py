"""The prose of a section, without the table cells the report prints inside it.

Sections 2–4 of the national format are mostly tables, and their cells reach the
stored section text as lines that carry tabs (PDF rows, Word cells). The report
page draws those tables from the statistics and shows only the prose around them;
the search index holds that same prose, so that a search finds what a reader can
see, and a table label that every report prints (本年新收政府信息公开申请数量)
does not make every report a hit.
"""

from __future__ import annotations

TABLE_NOTE = "（统计表见上）"


def narrative(body: str | None, note: str = TABLE_NOTE) -> str:
    """A section's text with its table cells (the lines that carry tabs, and a short wrapped cell
    between two of them) replaced by one ``note`` per table; with ``note=""`` they are dropped."""
    if not body or "\t" not in body:
        return (body or "").strip()
    lines = body.split("\n")
    tabbed = ["\t" in line for line in lines]
    out: list[str] = []
    in_table = False
    for i, line in enumerate(lines):
        if tabbed[i] or (0 < i < len(lines) - 1 and tabbed[i - 1] and tabbed[i + 1] and len(line.strip()) <= 4):
            while out and not out[-1].strip():
                out.pop()  # rows of a table are separated by blank lines: one note for them all
            if not in_table and note:
                out.append(note)
            in_table = True
        elif not in_table or line.strip():
            out.append(line)
            in_table = False
    return "\n".join(out).strip()
