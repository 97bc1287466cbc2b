"""The files an ingest is given: folders walked, special files and link loops set aside, names made showable.

Nothing here opens a file: reading is for the worker processes (ingest.py), so that no
input can hang or exhaust the process that writes the database. What this module
decides from a file's metadata alone: whether it is a report file at all (its suffix),
and whether it can be read as one (a regular file; not a FIFO, a device, a socket, a
link to one of those, or a link that leads back to itself). Every file under a folder is
an input: one that is not read (another kind of file, a hidden one) is skipped with a line.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import PurePath
from typing import Iterable, Iterator, Optional

from .extract import suffix_of, supported_suffixes


@dataclass
class Input:
    path: str  # as the file system names it: bytes that are not UTF-8 are kept as surrogates (os.fsdecode)
    shown: str  # as it is shown and stored: those bytes as U+FFFD, so that it can be printed and stored
    size: int = 0
    status: Optional[str] = None  # "skipped" or "failed" when it is not to be read, with the reason why
    message: str = ""


def shown_name(path: str) -> str:
    """A path that can be printed and stored as UTF-8: any byte of the name that is not UTF-8
    becomes U+FFFD (os.fsdecode keeps it as a lone surrogate, which neither survives)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


_KINDS = ((stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"),
          (stat.S_ISSOCK, "套接字"), (stat.S_ISDIR, "文件夹"))


def _special(mode: int, link: bool) -> str:
    kind = next((name for test, name in _KINDS if test(mode)), "特殊文件")
    return f"{'指向' if link else '是'}{kind}{'的链接' if link else ''}，不是普通文件，已跳过"


def examine(path: str, named: bool = False, is_link: Optional[bool] = None) -> Input:
    """One path: readable as a file, or skipped or failed with the reason."""
    shown = shown_name(path)
    if is_link is None:
        is_link = os.path.islink(path)
    try:
        st = os.stat(path)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return Input(path, shown, status="skipped", message="符号链接循环（链接最终指向自己），已跳过")
        if e.errno == errno.ENOENT:
            why = "符号链接指向的文件不存在" if is_link else "文件不存在"
            return Input(path, shown, status="failed", message=why)
        return Input(path, shown, status="failed", message=f"无法读取文件（{e.strerror}）")
    if not stat.S_ISREG(st.st_mode):
        return Input(path, shown, status="skipped", message=_special(st.st_mode, is_link))
    if named and suffix_of(path) not in supported_suffixes():
        suffix = suffix_of(shown)
        return Input(path, shown, status="failed", message=f"不支持的文件类型「{suffix or '无扩展名'}」")
    return Input(path, shown, st.st_size)


def discover(paths: Iterable[str | os.PathLike]) -> Iterator[Input]:
    """Every report file under the given paths, in a stable order: folders recursively, names sorted,
    hidden files and folders left out. A path named directly is always an input, whatever it is."""
    suffixes = supported_suffixes()
    for p in paths:
        p = os.fspath(PurePath(p))  # as a path names it: "./reports/" is "reports", as stored before
        if os.path.isdir(p):
            yield from _walk(p, suffixes)
        else:
            yield examine(p, named=True)


def _walk(folder: str, suffixes: set[str]) -> Iterator[Input]:
    """A folder's files, then its subfolders', each in the order of their names."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        yield Input(folder, shown_name(folder), status="failed", message=f"无法读取文件夹（{e.strerror}）")
        return
    subfolders = []
    for entry in entries:
        name = entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if name.startswith("."):
            yield _skipped(entry.path, "隐藏文件夹，未读取" if is_dir else "隐藏文件，未读取")
            continue
        if is_dir:
            subfolders.append(entry.path)
            continue
        # string operations, not a Path per name: a folder may hold a hundred thousand files
        suffix = suffix_of(name)
        if suffix not in suffixes:
            yield _skipped(entry.path, _not_a_report(entry, suffix))
            continue
        try:
            if entry.is_file(follow_symlinks=False):  # a regular file (no system call: the folder listing says so)
                yield Input(entry.path, shown_name(entry.path), entry.stat(follow_symlinks=False).st_size)
                continue
            link = entry.is_symlink()
        except OSError:
            link = None
        yield examine(entry.path, is_link=link)
    for path in subfolders:
        yield from _walk(path, suffixes)


def _skipped(path: str, why: str) -> Input:
    return Input(path, shown_name(path), status="skipped", message=why)


def _not_a_report(entry: os.DirEntry, suffix: str) -> str:
    try:
        if entry.is_symlink() and entry.is_dir():
            return "指向文件夹的符号链接，未跟随"  # (followed, a link could lead back up: a loop)
    except OSError:
        pass
    return f"不是报告文件（{suffix or '没有扩展名'}），未读取"
