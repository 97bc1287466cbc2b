"""Tables written as markup inside a text → the tab-separated rows the parser reads.

What PDF converters emit: Markdown pipe tables (MinerU, marker, docling, pdfplumber's markdown),
ASCII and box-drawing grid tables, and whole HTML tables on one line (MinerU). Each row keeps
every cell, empty ones included, so a cell's column stays known; a line break printed inside a
cell (``<br>``) is dropped, as the cell is one label. OCR'd tables whose rules were read as ``|``
or ``丨`` are pipe rows too.
"""

from __future__ import annotations

import re

# a pipe row: opens with a rule and holds at least two more
_PIPE_ROW = re.compile(r"^\s*[|丨│┃]")
_SEPARATOR = re.compile(r"^\s*[|丨│┃+]?\s*:?[-=─━]{2,}:?\s*(?:[|丨│┃+┼]\s*:?[-=─━]{2,}:?\s*)*[|丨│┃+┼]?\s*$")
_GRID_RULE = re.compile(r"^\s*[+┌├└╔╠╚┼][-=─━+┬┼┴┐┤┘╗╣╝┌├└]+\s*$")
_RULES = re.compile(r"[|丨│┃]")
_BR = re.compile(r"<br\s*/?>", re.I)
_TABLE = re.compile(r"<table[\s>].*?</table>", re.I | re.S)
_MARKS = ("|", "丨", "│", "<table", "<TABLE", "┃")


def has_markup_tables(text: str) -> bool:
    return any(m in text for m in _MARKS)


def _pipe_cells(line: str) -> list[str]:
    s = line.strip()
    cells = _RULES.split(s)
    # the rules at both ends open and close the row: no cells outside them
    if cells and not cells[0].strip():
        cells = cells[1:]
    if cells and not cells[-1].strip():
        cells = cells[:-1]
    return [_BR.sub("", c).replace("\t", " ").strip() for c in cells]


def _html_rows(fragment: str) -> list[str]:
    from bs4 import BeautifulSoup

    from ..extract.html import table_grid

    soup = BeautifulSoup(fragment, "lxml")
    lines = []
    for table in soup.find_all("table"):
        for row in table_grid(table):
            cells = [" ".join(c.split()) for c in row]
            if any(cells):
                lines.append("\t".join(cells))
        lines.append("")
    return lines


def tables_to_rows(text: str) -> str:
    """The text with its markup tables as tab-separated rows (other lines unchanged)."""
    if not has_markup_tables(text):
        return text
    if "<table" in text or "<TABLE" in text:
        text = _TABLE.sub(lambda m: "\n" + "\n".join(_html_rows(m.group(0))) + "\n", text)
    out: list = []  # lines, and for a pipe row its cells
    rules: list[int] = []  # where each rule of a grid table stood among ``out``
    for line in text.split("\n"):
        if _PIPE_ROW.match(line) and "\t" not in line:  # (a tab row whose first cell OCR glued a rule to is no pipe row)
            if _SEPARATOR.match(line):
                continue  # the line under a Markdown header row
            cells = _pipe_cells(line)
            if len(cells) >= 2 or (cells and len(_RULES.findall(line)) >= 2):
                out.append(cells)
                continue
        elif _GRID_RULE.match(line):
            rules.append(len(out))
            continue  # the rules between the rows of a grid table
        out.append(line)
    if len(rules) >= 4:
        out = _join_wrapped_cells(out, rules)
    return "\n".join(line if isinstance(line, str) else
                     "\t".join(line) if len(line) >= 2 else line[0] + "\t" for line in out)


def _join_wrapped_cells(out: list, rules: list[int]) -> list:
    """A grid table that rules off every row (pandoc's grid tables) prints a cell too long for its
    column over several lines of the row: the lines between two rules are one row, each column's
    text joined. (A table ruled only around its header keeps one row a line.)"""
    joined: list = []
    bounds = set(rules)
    i = 0
    while i < len(out):
        line = out[i]
        if isinstance(line, str) or i not in bounds:
            joined.append(line)
            i += 1
            continue
        j = i + 1  # the row's lines run to the next rule, all pipe rows of the same width
        while j < len(out) and j not in bounds and not isinstance(out[j], str) and len(out[j]) == len(line):
            j += 1
        if j not in bounds:
            joined.extend(out[i:j])  # not closed by a rule: rows of their own
        else:
            joined.append(["".join(parts) for parts in zip(*out[i:j])])
        i = j
    return joined
