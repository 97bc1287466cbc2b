"""The URLs a run starts from: given on the command line, or a file of them (--from FILE).

One URL a line, with the body's name beside it if you like, before or after it
(separated by a tab, spaces or a comma). Blank lines and lines starting with # are
skipped. The file may be UTF-8 with or without a BOM (as Windows Notepad saves it), or
GBK, with Windows or Unix line ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

_URL = re.compile(r"https?://[^\s,，、;；\"'<>]+", re.I)
_SEPARATORS = " \t,，、;；|"


@dataclass
class Start:
    url: str
    body_name: Optional[str] = None
    line: Optional[int] = None  # its line in the file


class SourceError(Exception):
    pass


def read_file(path: Path) -> tuple[list[Start], list[str]]:
    """The URLs of the file, and a problem line for each line that holds none."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SourceError(f"无法读取网址文件 {path}（{e.strerror}）") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", "replace")
    starts, problems = [], []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _URL.search(line)
        if not m:
            problems.append(f"{path} 第 {n} 行没有网址（http:// 或 https:// 开头），已跳过：{line[:60]}")
            continue
        name = (line[:m.start()] + " " + line[m.end():]).strip(_SEPARATORS + " ")
        starts.append(Start(m.group(0), name or None, n))
    return starts, problems


def given(urls: list[str]) -> tuple[list[Start], list[str]]:
    starts, problems = [], []
    for url in urls:
        if _URL.fullmatch(url.strip()):
            starts.append(Start(url.strip()))
        else:
            problems.append(f"「{url}」不是网址（应以 http:// 或 https:// 开头），已跳过")
    return starts, problems
