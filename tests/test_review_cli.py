"""gkreport review: the cells to check with their source, from a file, an archive, a PDF, a scan; the CSV
round trip; and a session on a real terminal."""

from __future__ import annotations

import csv
import io
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import yaml
from PIL import Image

import renderings
from gkreport.ingest import ingest
from gkreport.review.files import read

from reviewing import (SHANGHANG, SHANGYOU, YINDU, cell, checks, gk, out, report_id, rows, sha, workspace)


def review_csv(ws, *args) -> list[dict]:
    proc = gk(["review", "--db", ws.db, "--csv", ws.root / "待核对.csv", *args], cwd=ws.root)
    assert proc.returncode == 0, out(proc)
    with open(ws.root / "待核对.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_without_the_source_file_the_stored_text_is_shown(tmp_path):
    ws = workspace(tmp_path)
    ingest([ws.reports], ws.db)
    shutil.move(ws.reports, tmp_path / "别处")
    proc = gk(["review", "--db", ws.db], cwd=ws.root)
    assert proc.returncode == 0, out(proc)
    text = re.sub(r"\s+", " ", proc.stdout)
    assert f"原文来自数据库中保存的正文（找不到原文件 {ws.reports}/上杭县" in text
    assert "▶ 30 │ 行政规范性文件 22 29" in text and "29 │ 规章 0 0 0" in text  # lines of the stored text
    assert "表三「（七）总计」一行" in text and "总计：解析值 9" in text


def test_a_report_inside_an_archive_is_read_from_the_archive(tmp_path):
    ws = workspace(tmp_path, SHANGHANG)
    with zipfile.ZipFile(ws.reports / "2021年报.zip", "w") as z:
        z.write(ws.reports / SHANGHANG.name, "附件/上杭.txt")
    (ws.reports / SHANGHANG.name).unlink()
    ingest([ws.reports], ws.db)
    found = review_csv(ws)
    in_force = next(r for r in found if r["row"] == "normative_documents/in_force")
    assert "行政规范性文件  22  29" in in_force["source_lines"]
    assert "未读出（空）" in in_force["reason"] and in_force["parsed_value"] == ""
    proc = gk(["review", "--db", ws.db], cwd=ws.root)
    assert f"原文来自文件 {ws.reports}/2021年报.zip!附件/上杭.txt" in proc.stdout


def test_a_pdf_gives_the_page_of_each_row(tmp_path):
    ws = workspace(tmp_path, SHANGYOU)
    pdf = ws.reports / "上犹.pdf"
    pages: dict = {}  # the page each table starts on, as rendered
    pdf.write_bytes(renderings.render(SHANGYOU.read_text(encoding="utf-8"), "pdf", pages))
    (ws.reports / SHANGYOU.name).unlink()
    ingest([ws.reports], ws.db)
    found = {(r["table"], r["row"], r["column"]): r for r in review_csv(ws)}
    assert found[("request_stats", "new_received", "total")]["source_page"] == str(pages["table3"])
    # table 3 is printed across a page break, after 「4.保护第三方合法权益」
    assert found[("request_stats", "total_processed", "total")]["source_page"] == str(pages["table3"] + 1)
    assert found[("appeal_stats", "review", "total")]["source_page"] == str(pages["table4"])
    assert "（七）总计" in found[("request_stats", "total_processed", "total")]["source_lines"]


def _scan() -> bytes:
    """A 'scan': a page that is only a picture of some text, no text layer."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    picture = Image.new("RGB", (400, 560), "white")
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawImage(ImageReader(picture), 50, 50, 400, 560)
    c.showPage()
    c.drawImage(ImageReader(picture), 50, 50, 400, 560)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_a_scan_not_read_is_reviewed_from_images_of_its_pages(tmp_path):
    ws = workspace(tmp_path, SHANGYOU)
    (ws.reports / "洪泽区人民政府2023年政府信息公开工作年度报告.pdf").write_bytes(_scan())
    ingest([ws.reports], ws.db, ocr=False)  # --no-ocr: stored by its name, every value unread
    scan = [r for r in review_csv(ws) if r["agency"] == "洪泽区人民政府"]
    # every cell of the 2021 format is blank: table 2's 10, table 3's 25 rows of 7, table 4's 15
    assert len(scan) == 10 + 25 * 7 + 15
    images = scan[0]["page_images"].split("\n")
    assert [Path(p).name for p in images] == [f"{scan[0]['report_id']}-第{n}页.png" for n in (1, 2)]
    assert Path(images[0]).parent == ws.root / "核对页面图片"
    with Image.open(images[0]) as im:
        assert im.size[0] > 500 and im.format == "PNG"
    assert all(r["page_images"] == scan[0]["page_images"] and r["source_lines"] == "" for r in scan)
    proc = gk(["review", "--db", ws.db, "--report", scan[0]["report_id"], "--images", tmp_path / "图"], cwd=ws.root)
    assert "扫描件页面图片：" in proc.stdout and str(tmp_path / "图") in proc.stdout


def test_a_scan_read_by_ocr_is_reviewed_from_its_pages_and_corrected(tmp_path):
    """上犹县's damaged report printed, and its pages of tables 3 and 4 scanned: the review names the page
    each value was read on and writes out the pages as the ingest kept them; a correction of the
    printed 9 applies to the value the OCR read, and the report page says both."""
    import scans

    ws = workspace(tmp_path, SHANGYOU)
    pages: dict = {}
    printed = tmp_path / "printed.pdf"
    printed.write_bytes(renderings.render(SHANGYOU.read_text(encoding="utf-8"), "pdf", pages))
    images = scans.render_pages(printed)
    kept = sorted({pages["table3"], pages["table3"] + 1, pages["table4"]})
    (ws.reports / SHANGYOU.name).unlink()
    scan = ws.reports / "上犹县政府办2023年报告（扫描件）.pdf"
    scan.write_bytes(scans.image_pdf([images[p - 1] for p in kept]))
    ingest([ws.reports], ws.db, jobs=1)
    assert cell(ws.db, scan, "request_stats", "total_processed", "total") == 9  # as printed, read by OCR
    found = {(r["table"], r["row"], r["column"]): r for r in review_csv(ws)}
    total = found[("request_stats", "total_processed", "total")]
    assert total["source_page"] == str(kept.index(pages["table3"] + 1) + 1)  # its page in the scan
    written = total["page_images"].split("\n")
    assert [Path(p).suffix for p in written] == [".webp"] * len(kept)  # the pages the ingest kept
    assert all(Path(p).read_bytes()[:4] == b"RIFF" for p in written)
    assert re.search(r"▶\d+ │ .*七.*总计.*7(  0){5}  9", total["source_lines"])  # the line the OCR read
    total.update(value="7", author="李卫东", date="2024-03-19", evidence="扫描件第 2 页，按分项合计")
    with open(ws.root / "已填.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(total))
        w.writeheader()
        w.writerow(total)
    proc = gk(["ingest", "reports", "--db", ws.db, "--corrections", "已填.csv"], cwd=ws.root)
    assert proc.returncode == 0, out(proc)
    assert cell(ws.db, scan, "request_stats", "total_processed", "total") == 7

    from gkreport.site import build
    import asyncio
    from bs4 import BeautifulSoup

    html = asyncio.run(build(ws.db).client.get(f"/report/{report_id(ws.db, scan)}")).text
    td = BeautifulSoup(html, "lxml").select_one('td[data-location="request_stats.total_processed.total"]')
    assert td.get_text() == "7改识"
    assert "人工更正：解析值 9，更正为 7。依据：扫描件第 2 页" in td["title"] and "文字识别：第 2 页" in td["title"]


def test_confirmations_from_the_csv(tmp_path):
    ws = workspace(tmp_path, YINDU)
    ingest([ws.reports], ws.db)
    listed = review_csv(ws)
    carried = [r for r in listed if r["row"] == "carried_forward"]
    assert len(carried) == 7 and {r["parsed_value"] for r in carried} == {"0"}
    for r in carried:
        r.update(confirm="是", author="王晓燕", date="2024-03-20", evidence="新收7＋上年结转1＝办理8＋结转0")
    with open(ws.root / "已填.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(listed[0]))
        w.writeheader()
        w.writerows(listed)
    proc = gk(["ingest", "reports", "--db", ws.db, "--corrections", "已填.csv"], cwd=ws.root)
    assert proc.returncode == 0, out(proc)
    assert "已确认 7 格" in proc.stdout
    (missing,) = checks(ws.db, YINDU, "t3_missing_cells")
    assert missing["settled_by"]
    assert not [r for r in review_csv(ws) if r["row"] == "carried_forward"]


# ---------------------------------------------------------------- on a terminal


class Terminal:
    """gkreport running on a pseudo-terminal, as a person at a terminal runs it."""

    def __init__(self, args: list, cwd: Path):
        self.master, slave = pty.openpty()
        env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8", COLUMNS="200")
        self.proc = subprocess.Popen([str(Path(sys.executable).with_name("gkreport")), *map(str, args)], cwd=cwd,
                                     env=env, stdin=slave, stdout=slave, stderr=slave, close_fds=True)
        os.close(slave)
        self.seen = ""

    def until(self, pattern: str, timeout: float = 60) -> str:
        """Read until the screen's text ends with what matches pattern; the text since the last call."""
        start, end = len(self.seen), time.monotonic() + timeout
        while not re.search(pattern + r"\s*$", self.seen[start:]):
            left = end - time.monotonic()
            assert left > 0, f"no {pattern!r} on the terminal:\n{self.seen[-2000:]}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:
                    break
        return self.seen[start:]

    def type(self, text: str) -> None:
        os.write(self.master, (text + "\r").encode("utf-8"))

    def wait(self) -> int:
        try:
            while select.select([self.master], [], [], 5)[0]:
                self.seen += os.read(self.master, 65536).decode("utf-8", "replace")
        except OSError:
            pass
        return self.proc.wait(timeout=60)


def test_a_session_on_a_terminal_writes_and_applies_corrections(tmp_path):
    ws = workspace(tmp_path, SHANGYOU, YINDU)
    ingest([ws.reports], ws.db)
    term = Terminal(["review", "--db", ws.db], ws.root)
    term.until(r"核对人（写入每条更正的 author）( \[[^\]]*\])?:")
    term.type("李卫东")
    answered, row = 0, ""
    while True:
        screen = term.until(r"→ 值:")
        asked = re.findall(r"■ (表.「[^」]*」)", screen)
        row = asked[-1] if asked else row
        column = re.findall(r"\n\s+(\S+)：解析值 (\S+)", screen)[-1]
        if (row, column[0]) == ("表三「（一）予以公开」", "总计"):
            term.type("=")
            term.until(r"依据（页码、原文引文或说明）:")
            term.type("予以公开 6 件，与原文相同")
            answered += 1
        elif (row, column[0]) == ("表三「（七）总计」", "总计"):
            term.type("七")  # not a number: asked again
            assert "不是数字" in term.until(r"→ 值:")
            term.type("-7")
            assert "不能是负数" in term.until(r"→ 值:")
            term.type("7")
            term.until(r"依据（页码、原文引文或说明） \[予以公开 6 件，与原文相同\]:")  # the one before, offered
            term.type("原表总计印错，按分项合计")
            answered += 1
        elif row.startswith("表四"):
            term.type("n")  # the next report
            screen = term.until(r"→ 值:")
            assert "【殷都区人民政府办公室 2021 年度】" in screen
            if re.findall(r"\n\s+(\S+)：解析值 (\S+)", screen)[-1][1].startswith("空"):  # a cell not read
                term.type("=")  # nothing to confirm: asked again
                assert "无法确认" in term.until(r"→ 值:")
            term.type("q")
            break
        else:
            term.type("")
    assert term.wait() == 0, term.seen[-2000:]
    assert answered == 2
    assert "已把 2 条写入" in term.seen and "已应用到数据库" in term.seen
    written = yaml.safe_load((ws.root / "corrections.yaml").read_text(encoding="utf-8"))
    assert [(e["row"], e["column"], e.get("value"), e.get("confirm"), e["author"], e["evidence"]) for e in written] == [
        ("granted", "total", None, True, "李卫东", "予以公开 6 件，与原文相同"),
        ("total_processed", "total", 7, None, "李卫东", "原表总计印错，按分项合计")]
    assert all(e["report_sha256"] == sha(SHANGYOU) and re.fullmatch(r"\d{4}-\d\d-\d\d", e["date"]) for e in written)
    assert cell(ws.db, SHANGYOU, "request_stats", "total_processed", "total") == 7
    assert {c["status"] for c in rows(ws.db, "select status from corrections")} == {"corrected", "confirmed"}
    assert all(c["settled_by"] for c in checks(ws.db, SHANGYOU, "t3_processed_sum"))
    # the file is what the database holds: an ingest with it changes nothing
    proc = gk(["ingest", "reports", "--db", ws.db], cwd=ws.root)
    assert proc.returncode == 0 and cell(ws.db, SHANGYOU, "request_stats", "total_processed", "total") == 7
    assert len(read(ws.root / "corrections.yaml").entries) == 2
    assert report_id(ws.db, SHANGYOU)
