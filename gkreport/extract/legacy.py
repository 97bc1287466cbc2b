"""Old Word (.doc) and WPS (.wps) files, through whichever converter is installed.

No Python library reads the Word 97 binary format well, so a converter does:
LibreOffice turns the file into .docx (tables and merged cells kept, then read by
the .docx extractor); catdoc and antiword give plain text, with catdoc keeping
table cells apart by tabs. Kingsoft WPS files use the same binary format.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable, Optional

from . import ExtractError

TIMEOUT = 120  # seconds: LibreOffice's first start is slow, a hung conversion must not stop the batch
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

MISSING = ("无法读取 .doc/.wps 文件：没有安装转换工具。请安装以下任意一个："
           "LibreOffice（apt-get install libreoffice-writer-nogui，效果最好，保留表格合并单元格）、"
           "catdoc（apt-get install catdoc）或 antiword（apt-get install antiword）")
MISSING_EN = ("no converter for .doc/.wps installed: install LibreOffice (libreoffice-writer-nogui), "
              "catdoc or antiword")


def _run(args: list[str], cwd: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, timeout=TIMEOUT,
                          env={**os.environ, "HOME": cwd, "LC_ALL": "C.UTF-8"})


def _libreoffice(exe: str, src: Path) -> str:
    from .docx import docx_text

    work = src.parent
    # a private profile: parallel workers must not share (and lock) one LibreOffice profile
    _run([exe, f"-env:UserInstallation=file://{work}/profile", "--headless", "--norestore", "--nolockcheck",
          "--convert-to", "docx", "--outdir", str(work / "out"), str(src)], str(work))
    out = work / "out" / (src.stem + ".docx")
    if not out.exists():
        raise ExtractError("LibreOffice 无法转换该文件（文件可能已损坏）", "LibreOffice could not convert the file")
    return docx_text(out.read_bytes())


def _catdoc(exe: str, src: Path) -> str:
    # -f ascii keeps table cells apart by tabs; -d utf-8 keeps the Chinese; -w leaves paragraphs unwrapped
    done = _run([exe, "-f", "ascii", "-d", "utf-8", "-w", str(src)], str(src.parent))
    return done.stdout.decode("utf-8", "replace")


def _antiword(exe: str, src: Path) -> str:
    done = _run([exe, "-m", "UTF-8.txt", "-w", "0", str(src)], str(src.parent))
    lines = []
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        s = line.strip()
        # antiword draws a table row as |cell|cell|: the parser reads tab-separated cells
        lines.append("\t".join(c.strip() for c in s[1:-1].split("|")) if s.startswith("|") and s.endswith("|")
                     else line)
    return "\n".join(lines)


CONVERTERS: tuple[tuple[str, tuple[str, ...], Callable[[str, Path], str]], ...] = (
    ("LibreOffice", ("soffice", "libreoffice"), _libreoffice),
    ("catdoc", ("catdoc",), _catdoc),
    ("antiword", ("antiword",), _antiword),
)


def available() -> Optional[tuple[str, str, Callable[[str, Path], str]]]:
    for label, exes, run in CONVERTERS:
        for exe in exes:
            found = shutil.which(exe)
            if found:
                return label, found, run
    return None


def legacy_text(data: bytes, suffix: str) -> str:
    """The text of a .doc/.wps file, read by the best converter installed."""
    if not data.startswith(OLE_MAGIC):
        raise ExtractError(f"不是有效的 {suffix} 文件（不是 Word 97–2003 / WPS 格式，或文件已损坏）",
                           f"not a valid {suffix} file (not the Word 97-2003 / WPS binary format)")
    converter = available()
    if converter is None:
        raise ExtractError(MISSING, MISSING_EN)
    label, exe, run = converter
    with tempfile.TemporaryDirectory(prefix="gkreport-") as tmp:
        src = Path(tmp) / "report.doc"  # a fixed name: nothing from the archive or file name touches the disk
        src.write_bytes(data)
        try:
            text = run(exe, src)
        except subprocess.TimeoutExpired:
            raise ExtractError(f"{label} 转换超时（{TIMEOUT} 秒）", f"{label} timed out") from None
    if not text.strip():
        raise ExtractError(f"{label} 没能从文件中读出文字（文件可能已损坏）", f"{label} read no text from the file")
    return text
