"""Table 3 printed turned a quarter: the applicant types as its rows, the template's rows (本年新收 …
结转下年度) as its columns. Read only when the labels make the orientation certain: seven rows
named exactly by the seven applicant columns, and a header whose columns name the template's rows.
It is turned back into the template's orientation, one tab-separated line per template row."""

from __future__ import annotations

from typing import Optional

from .. import template as T
from .rows import PAGE_NUMBER, label_form
from .text import parse_number, squash

_APPLICANTS = {squash(label): key for key, label in T.APPLICANT_COLUMNS}
_RULE_GLYPHS = " |丨│"  # a rule OCR glued to a cell
_MIN_NAMED_COLUMNS = 10  # columns whose header names a row of the template (a 2019 table has 19)


def _number(cell: str):
    return parse_number(cell.strip(_RULE_GLYPHS)) if cell.strip(_RULE_GLYPHS) else None


def _applicant(cells: list[str]) -> Optional[str]:
    """The applicant column a row's label cells name (its last label cell: 法人或其他组织 → 商业企业)."""
    labels = [c for c in cells if c.strip(_RULE_GLYPHS) and _number(c) is None]
    return _APPLICANTS.get(label_form([labels[-1]]).strip(_RULE_GLYPHS)) if labels else None


def transposed_table3(lines: list[str], match_row) -> Optional[list[str]]:
    """The table's lines turned back (label, then the seven applicant cells), or None when the
    table is not a turned table 3. ``match_row`` names the template rows a label matches."""
    # a table 3 the right way round prints 科研机构 in a header of nine cells at most; turned, on a
    # row of more than fifteen (one look at one line settles most tables)
    line = next((ln for ln in lines if "科研机构" in ln), "")
    if line.count("\t") < 15:
        return None
    grid = [ln.split("\t") for ln in lines]
    data = [i for i, cells in enumerate(grid) if len(cells) >= 15 and _applicant(cells)]
    if len(data) != len(_APPLICANTS) or any(
            lines[k].strip() and not PAGE_NUMBER.match(lines[k]) for k in range(data[0], data[-1]) if k not in data):
        return None  # the seven rows one after another (a page break may stand between them)
    by_key = {_applicant(grid[i]): grid[i] for i in data}
    if set(by_key) != set(_APPLICANTS.values()):
        return None
    width = max(len(grid[i]) for i in data)
    lead = min(next((k for k, c in enumerate(grid[i]) if _number(c) is not None), width) for i in data)
    header = []  # the header's lines, just above the seven rows
    for k in range(data[0] - 1, -1, -1):
        cells = grid[k]
        if not lines[k].strip() or PAGE_NUMBER.match(lines[k]):
            continue  # a page break, in the header or below it
        if len(cells) < 2 or not "".join(cells).strip():
            break  # a line of text, not a row, is above the header
        header.insert(0, cells + [""] * (width - len(cells)))
        if len(cells) < width and cells[-1].strip():
            # a header row shorter than the grid prints a merged cell once (as Word writes rows):
            # its cells no longer stand over the columns they name
            return None
    if not header:
        return None
    # the header of the table the right way round: it says each line's cells stand in place
    out, named = ["\t".join(["申请人情况"] + [label for _, label in T.APPLICANT_COLUMNS])], 0
    for j in range(lead, width):
        # each column's own header cells, top down: a group heading (三、本年度办理结果, (三)不予公开)
        # names only the first column it spans, as it names only the first row the right way round
        parts: list[str] = []
        for cells in header:
            text = cells[j].strip()
            if text and (not parts or parts[-1] != text):  # a merged cell repeated down its rows, once
                parts.append(text)
        label = "".join(parts)
        if not label:
            return None
        named += bool(match_row(squash(label)))
        out.append("\t".join([label] + [by_key[key][j] if j < len(by_key[key]) else "" for key in T.APPLICANT_KEYS]))
    return out if named >= _MIN_NAMED_COLUMNS else None
