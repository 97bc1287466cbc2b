"""Zip archives: the reports inside, read in memory and never written to disk.

Members are named "archive.zip!folder/report.pdf" (nested: "a.zip!b.zip!c.docx").
Limits on members, sizes, compression ratio and nesting keep a hostile archive
from exhausting memory; a member that breaks one is reported and skipped, and the
rest of the archive goes on.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterator, Optional

from . import ExtractError, suffix_of

MAX_MEMBERS = 2000           # files in one archive
MAX_MEMBER_BYTES = 100 << 20  # one report, uncompressed
MAX_TOTAL_BYTES = 500 << 20   # everything read from one archive, nested ones included
MAX_RATIO = 100               # uncompressed / compressed: a report never compresses like a bomb
MAX_DEPTH = 3                 # archives inside archives
SEPARATOR = "!"


def outer_path(path: str) -> str:
    """The file on disk that holds a member path: "a/b.zip!c/d.pdf" → "a/b.zip"."""
    m = re.match(rf"(.*?\.zip){SEPARATOR}", path, re.I)
    return m.group(1) if m else path


@dataclass
class Member:
    path: str                   # "archive.zip!folder/report.pdf"
    data: Optional[bytes] = None
    error: Optional[str] = None  # why the member was not read (Chinese, for the user)
    skipped: bool = False  # not read because it is not a report file (the error says what it is)


@dataclass
class _Budget:
    left: int = MAX_TOTAL_BYTES  # shared by nested archives: depth must not multiply the cap


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name. Without the UTF-8 flag Python reads names as cp437; Chinese
    Windows tools write them in GBK (or UTF-8 without saying so)."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for enc in ("utf-8", "gb18030"):
        try:
            decoded = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8" or any("\u4e00" <= ch <= "\u9fff" for ch in decoded):
            return decoded
    return name


def _unsafe(name: str) -> bool:
    """Absolute, drive-letter or parent-relative paths would escape any folder they were extracted to."""
    p = name.replace("\\", "/")
    return p.startswith("/") or (len(p) > 1 and p[1] == ":") or ".." in PurePosixPath(p).parts


def _unwanted(name: str, suffixes: set[str]) -> Optional[str]:
    """Why a member is not read, when it is not: a hidden file, the Mac's resource forks, another kind of file."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if not parts:
        return "没有文件名，未读取"
    if any(part == "__MACOSX" for part in parts):
        return "macOS 附加的元数据（__MACOSX），不是报告，未读取"
    if any(part.startswith(".") for part in parts):
        return "隐藏文件，未读取"
    suffix = suffix_of(parts[-1])
    if suffix in suffixes or suffix == ".zip":  # nested archives are opened too
        return None
    return f"不是报告文件（{suffix or '没有扩展名'}），未读取"


def members(path: str, data: bytes, suffixes: set[str], _depth: int = 0,
            _budget: Optional[_Budget] = None) -> Iterator[Member]:
    """Every report file in the archive at ``path`` (its bytes), nested archives expanded."""
    budget = _budget or _Budget()
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in z.infolist() if not i.is_dir()]
    except _DAMAGED as e:
        raise ExtractError(f"压缩包已损坏或不是 zip 格式，无法读取（{e}）", f"damaged or not a zip archive: {e}") from None
    if len(infos) > MAX_MEMBERS:
        raise ExtractError(f"压缩包中有 {len(infos)} 个文件，超过上限 {MAX_MEMBERS} 个，未读取",
                           f"{len(infos)} members: more than {MAX_MEMBERS}")
    with z:
        for info in infos:
            name = member_name(info)
            shown = f"{path}{SEPARATOR}{name.replace(chr(92), '/')}"
            if _unsafe(name):
                yield Member(shown, error="压缩包中的路径指向压缩包以外（含“..”或绝对路径），已跳过")
                continue
            unwanted = _unwanted(name, suffixes)
            if unwanted:
                yield Member(shown, error=unwanted, skipped=True)
                continue
            problem = _check(info, budget, _depth)
            if problem:
                yield Member(shown, error=problem)
                continue
            try:
                with z.open(info) as f:
                    content = f.read(MAX_MEMBER_BYTES + 1)  # the header's size can lie
            except _DAMAGED as e:
                yield Member(shown, error=f"压缩包中的文件已损坏，无法解压（{type(e).__name__}: {e}）")
                continue
            if len(content) > MAX_MEMBER_BYTES or len(content) > budget.left:
                yield Member(shown, error="压缩包中的文件解压后过大，已跳过")
                continue
            budget.left -= len(content)
            if suffix_of(name) == ".zip":
                inside = 0
                try:
                    for member in members(shown, content, suffixes, _depth + 1, budget):
                        inside += 1
                        yield member
                except ExtractError as e:
                    yield Member(shown, error=e.message)
                    continue
                if not inside:
                    yield Member(shown, error=empty_reason(content))
            else:
                yield Member(shown, content)


# what a damaged archive raises, from zipfile and the decompressors under it: a bad header
# (BadZipFile, ValueError for a negative seek, struct.error), an unknown method or version
# (NotImplementedError), a damaged deflate, bzip2 or lzma stream (zlib.error, OSError, EOFError,
# LZMAError), a bad password (RuntimeError)
_DAMAGED: tuple[type[Exception], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ValueError, NotImplementedError, RuntimeError, OSError,
    EOFError, KeyError, IndexError, struct.error)
try:
    import lzma

    _DAMAGED += (lzma.LZMAError,)
except ImportError:  # a Python built without lzma reads no lzma members either
    pass


def empty_reason(data: bytes) -> str:
    """Why an archive gave no report to read, for its line (Chinese)."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except _DAMAGED:
        return "压缩包中没有可读的报告文件"
    if not infos:
        return "压缩包是空的，没有任何文件"
    files = [i for i in infos if not i.is_dir()]
    if not files:
        return f"压缩包中只有文件夹（{len(infos)} 个），没有文件"
    return f"压缩包中没有报告文件：{len(files)} 个文件都不是支持的格式（或是隐藏文件）"


def _check(info: zipfile.ZipInfo, budget: _Budget, depth: int) -> Optional[str]:
    if info.flag_bits & 0x1:
        return "压缩包中的文件有密码，无法读取"
    if suffix_of(info.filename) == ".zip" and depth + 1 > MAX_DEPTH:
        return f"压缩包嵌套超过 {MAX_DEPTH} 层，已跳过"
    if info.file_size > MAX_MEMBER_BYTES or info.file_size > budget.left:
        return "压缩包中的文件解压后过大，已跳过"
    if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return "压缩包中的文件压缩比异常（疑似压缩炸弹），已跳过"
    return None
