"""One bad file never costs a batch: real hostile files, the real command, real worker processes
stopped by real signals. Each bad input gets one line saying what happened, the others are stored,
nothing hangs and nothing ends in a traceback."""

import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
import zlib

import pytest

from conftest import REPORTS, query
from renderings import render

SAMPLES = sorted(p.name for p in REPORTS.glob("*.txt"))
SAMPLE = (REPORTS / SAMPLES[0]).read_text(encoding="utf-8")
PARAGRAPH = "本机关认真贯彻落实政府信息公开条例，持续深化政务公开工作，不断提升政务公开质量和实效。\n"


def ingest(*args, timeout=300):
    done = subprocess.run([sys.executable, "-m", "gkreport.cli", "ingest", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr[-2000:]
    return done


def twins(said: dict[str, str]) -> set[str]:
    """The files said to be a report already stored from a file of another format (same agency, year and tables)."""
    return {name for name, line in said.items() if line.startswith("重复") and "三张统计表的数字完全相同" in line}


def lines(done) -> dict[str, str]:
    """The outcome lines, by the file name they end in: {name: 'label  …：message'}."""
    out = {}
    for line in done.stderr.splitlines():
        m = re.match(r"^(\S+)  (.*?)(?:：(.*))?$", line)
        if m:
            out[m.group(2).rsplit("/", 1)[-1]] = f"{m.group(1)} {m.group(3) or ''}"
    return out


def longer(text: str, paragraphs: int) -> str:
    """The report with its first section made longer."""
    at = text.index("二、主动公开")
    return text[:at] + PARAGRAPH * paragraphs + text[at:]


def damaged_zip(kind: str) -> bytes:
    """An archive of two reports damaged as downloads get damaged, checked to break zipfile itself the
    way that used to stop the whole ingest: a deflate stream that fails (zlib.error), or a directory
    that puts a member before the start of the file (ValueError: negative seek value)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in SAMPLES[:2]:
            z.writestr(name, (REPORTS / name).read_bytes())
    data = bytearray(out.getvalue())
    if kind == "zlib":
        rnd = random.Random(14)
        while True:
            candidate = bytearray(data)
            at = rnd.randrange(60, 2000)
            candidate[at:at + 4] = bytes(rnd.randrange(256) for _ in range(4))
            try:
                with zipfile.ZipFile(io.BytesIO(bytes(candidate))) as z:
                    z.read(z.infolist()[0])
            except zlib.error:
                return bytes(candidate)
            except Exception:  # noqa: BLE001 — another kind of damage: try another place
                pass
    end = data.rindex(b"PK\x05\x06")
    offset = int.from_bytes(data[end + 16:end + 20], "little")
    data[end + 16:end + 20] = (offset + 1000).to_bytes(4, "little")  # the directory said to start later
    with pytest.raises(ValueError, match="negative seek"):
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
            z.read(z.infolist()[0])
    return bytes(data)


def huge_span_docx(text: str = SAMPLE, span: str = "2147483647") -> bytes:
    """A Word rendering of a report whose first table cell spans 2,147,483,647 columns (an 18 GB grid)."""
    data = render(text, "docx")
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "word/document.xml":
                body = body.decode().replace("<w:tc>", f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>', 1).encode()
            z.writestr(info, body)
    return out.getvalue()


def looping_pdf() -> bytes:
    """243 bytes: the catalog's page tree is an object that refers to another that refers back."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def plain_zip(entries: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def test_hostile_files_each_get_one_line_and_the_rest_is_stored(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(REPORTS, folder)
    new_received = "一、本年新收政府信息公开申请数量\t5\t"
    assert new_received in SAMPLE
    hostile = {
        # a number of 20 digits in a cell (OverflowError), and one of 400 quoted in the text
        "big_numbers.txt": SAMPLE.replace(new_received, "一、本年新收政府信息公开申请数量\t12345678901234567890\t")
        .replace("二、主动公开", f"全年收到申请{'9' * 400}件。\n二、主动公开", 1).encode(),
        "zlib.zip": damaged_zip("zlib"),
        "seek.zip": damaged_zip("seek"),
        "span.docx": huge_span_docx(),
        "loop.pdf": looping_pdf(),
        "truncated.txt": SAMPLE.encode()[:-1],  # the last character, 。, cut in the middle
        "utf16.txt": longer(SAMPLE, 40).encode("utf-16-le"),  # no BOM, nearly all Chinese
        "empty.zip": plain_zip({}),
        "folders.zip": plain_zip({"年报/": b"", "年报/2023/": b""}),
    }
    assert SAMPLE.endswith("。")
    for name, data in hostile.items():
        (folder / name).write_bytes(data)
    os.mkfifo(folder / "pipe.txt")  # reading it would wait forever
    os.symlink("pipe.txt", folder / "to_pipe.txt")
    os.symlink("/dev/zero", folder / "zero.txt")  # reading it would never end
    os.symlink("loop_link.txt", folder / "loop_link.txt")
    with open(os.path.join(os.fsencode(folder), b"\xff\xfe-report.txt"), "wb") as f:  # a name that is not UTF-8
        f.write(longer(SAMPLE, 1).encode())
    # the files, the two links and the loop, the FIFO and the odd name; each damaged archive holds two reports
    inputs = len(SAMPLES) + len(hostile) + 5 + 2
    db = tmp_path / "g.db"
    start = time.monotonic()
    done = ingest(folder, "--db", db, "--memory-limit", 1024)
    assert time.monotonic() - start < 120  # no loop, no hang
    assert done.returncode == 1  # some failed
    said = lines(done)
    expected = {
        "big_numbers.txt": ("警告", "超过 15 位"),
        "zlib.zip": ("失败", "已损坏"),
        "seek.zip": ("失败", "已损坏"),
        "loop.pdf": ("失败", "互相引用，形成循环"),
        "truncated.txt": ("警告", "截断"),
        "empty.zip": ("跳过", "压缩包是空的"),
        "folders.zip": ("跳过", "只有文件夹"),
        "pipe.txt": ("跳过", "命名管道"),
        "to_pipe.txt": ("跳过", "指向命名管道（FIFO）的链接"),
        "zero.txt": ("跳过", "指向字符设备的链接"),
        "loop_link.txt": ("跳过", "符号链接循环"),
    }
    for name, (label, words) in expected.items():
        assert any(k == name or k.startswith(name + "!") for k in said), (name, said)
        line = next(v for k, v in said.items() if k == name or k.startswith(name + "!"))
        assert line.startswith(label) and words in line, (name, line)
    # read and stored: the docx, the UTF-16 file, the one with a name that is not UTF-8 (shown with U+FFFD)
    stored = {p.rsplit("/", 1)[-1]: status for p, status in query(db, "select source_path, status from reports")}
    # read: stored, or found to be the same report as one stored in another format (a 重复 line naming it)
    read = set(stored) | twins(said)
    assert {"span.docx", "utf16.txt", "\ufffd\ufffd-report.txt", "big_numbers.txt", "truncated.txt"} <= read
    assert "\ufffd\ufffd-report.txt" in done.stdout + done.stderr or "\ufffd\ufffd-report.txt" in stored
    big = query(db, "select s.natural_person, s.total from request_stats s join reports r on r.id = s.report_id "
                    "where r.source_path like '%big_numbers.txt' and s.row_key = 'new_received'")
    assert big == [(None, 5)]  # NULL where the number was, with its check
    assert query(db, "select count(*) from checks c join reports r on r.id = c.report_id "
                     "where r.source_path like '%big_numbers.txt' and c.rule = 'value_out_of_range'") == [(1,)]
    assert query(db, "select count(*) from checks c join reports r on r.id = c.report_id "
                     "where r.source_path like '%truncated.txt' and c.rule = 'text_truncated'") == [(1,)]
    # every input accounted for, once
    m = re.search(r"已入库 (\d+) 份.*失败 (\d+) 个，未变化 (\d+) 个，重复 (\d+) 个，跳过 (\d+) 个。", done.stdout)
    assert m and inputs == sum(int(m.group(i)) for i in range(1, 6)), done.stdout
    assert int(m.group(5)) == 6  # the FIFO, two links, the loop, the two archives without reports
    assert query(db, "pragma integrity_check") == [("ok",)]


@pytest.fixture(scope="module")
def slow_pdf(tmp_path_factory):
    """A real report as a PDF of over a hundred pages: seconds of CPU time to read (over 1 s), whatever the machine."""
    path = tmp_path_factory.mktemp("slow") / "000_slow.pdf"
    path.write_bytes(render(longer(SAMPLE, 1500), "pdf"))
    return path


def with_samples(tmp_path, *files):
    folder = tmp_path / "in"
    shutil.copytree(REPORTS, folder)
    for f in files:
        shutil.copy(f, folder)
    return folder


def test_a_file_over_the_time_limit_fails_alone(tmp_path, slow_pdf):
    folder = with_samples(tmp_path, slow_pdf)
    db = tmp_path / "g.db"
    start = time.monotonic()
    done = ingest(folder, "--db", db, "--time-limit", 1)
    assert time.monotonic() - start < 60
    assert done.returncode == 1
    assert lines(done)["000_slow.pdf"] == "失败 超过时间限制（1 秒 CPU 时间），已停止读取（可用 --time-limit 调整）"
    assert query(db, "select count(*) from reports") == [(len(SAMPLES),)]


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSEGV])
def test_a_worker_killed_in_the_middle_of_a_file_costs_that_file_alone(tmp_path, slow_pdf, sig):
    folder = with_samples(tmp_path, slow_pdf)
    db = tmp_path / "g.db"
    proc = subprocess.Popen([sys.executable, "-m", "gkreport.cli", "ingest", str(folder), "--db", str(db), "-j", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        worker = None
        while time.monotonic() < deadline:  # the one worker, once it is well into the slow file (its first)
            children = _children(proc.pid)
            if children and _cpu_seconds(children[0]) > 1.0:
                worker = children[0]
                break
            time.sleep(0.1)
        assert worker, "no worker busy on the slow file"
        os.kill(worker, sig)
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert "Traceback" not in out + err
    assert proc.returncode == 1
    said = lines(subprocess.CompletedProcess([], proc.returncode, out, err))
    assert said["000_slow.pdf"].startswith(f"失败 读取该文件的进程意外退出（{sig.name}）"), said
    assert query(db, "select count(*) from reports") == [(len(SAMPLES),)]
    assert f"已入库 {len(SAMPLES)} 份" in out


def test_a_file_over_the_memory_limit_fails_alone(tmp_path):
    folder = with_samples(tmp_path)
    (folder / "huge.txt").write_bytes(longer(SAMPLE, 250_000).encode())  # 31 MB of text: over 500 MB to parse
    db = tmp_path / "g.db"
    done = ingest(folder, "--db", db, "--memory-limit", 128)  # beyond what a worker starts with
    assert done.returncode == 1
    line = lines(done)["huge.txt"]
    assert line.startswith("失败") and "内存" in line and "--memory-limit" in line, line
    assert query(db, "select count(*) from reports") == [(len(SAMPLES),)]
    # and with room enough, the same file is read
    again = ingest(folder, "--db", db, "--memory-limit", 4096)
    assert again.returncode == 0 and "已入库 1 份" in again.stdout


def test_every_file_is_read_or_skipped_with_a_line(tmp_path):
    """Damaged text, odd names and suffixes, other kinds of files: what can be read is, the rest has a line."""
    folder = tmp_path / "in"
    folder.mkdir()
    prose = SAMPLE.index("全面落实")
    flipped = bytearray(SAMPLE.encode())
    flipped[len(SAMPLE[:prose].encode()) + 1] ^= 0x40  # one byte of 全 damaged: not UTF-8 any more
    new_received = "一、本年新收政府信息公开申请数量\t5\t"
    files = {
        "flipped.txt": bytes(flipped),
        "pdf_saved_as.txt": render(SAMPLE, "pdf"),
        "trailing_space.txt ": longer(SAMPLE, 2).encode(),
        "全角后缀．ｔｘｔ": longer(SAMPLE, 3).encode(),
        "span_abc.docx": huge_span_docx(longer(SAMPLE, 6), "abc"),  # python-docx reads these as int(): ValueError
        "span_1e9.docx": huge_span_docx(longer(SAMPLE, 7), "1e9"),
        "half_a_request.txt": longer(SAMPLE, 4).replace(new_received, "一、本年新收政府信息公开申请数量\t5.5\t").encode(),
        "budget.csv": b"a,b\n1,2\n",
        ".hidden.txt": SAMPLE.encode(),
        "mac.zip": plain_zip({"__MACOSX/._r.txt": b"\0\5\26\7", ".DS_Store": b"\0\0\0\1Bud1", "r.txt": longer(SAMPLE, 5).encode()}),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    db = tmp_path / "g.db"
    done = ingest(folder, "--db", db)
    said = lines(done)
    stored = {p.rsplit("/", 1)[-1]: (rid, status) for p, rid, status in query(db, "select source_path, id, status from reports")}
    assert {"flipped.txt", "pdf_saved_as.txt", "trailing_space.txt ", "全角后缀．ｔｘｔ", "span_abc.docx",
            "span_1e9.docx", "half_a_request.txt", "mac.zip!r.txt"} <= set(stored) | twins(said), (stored, said)
    # read as the PDF it is: stored as one, or its tables equal to a report stored from a text file
    assert (query(db, "select source_format from reports where source_path like '%pdf_saved_as.txt'") == [("pdf",)]
            or "pdf_saved_as.txt" in twins(said))
    assert query(db, "select c.rule, c.actual from checks c join reports r on r.id = c.report_id "
                     "where r.source_path like '%flipped.txt' and c.rule = 'text_damaged'") == [("text_damaged", "1")]
    half = stored["half_a_request.txt"][0]
    assert query(db, "select natural_person, total from request_stats where report_id = ? and row_key = 'new_received'",
                 [half]) == [(None, 5)]  # a count of 5.5 is no count: NULL, with its check
    assert query(db, "select count(*) from checks where report_id = ? and rule = 'not_integer'", [half]) == [(1,)]
    assert said["budget.csv"] == "跳过 不是报告文件（.csv），未读取"
    assert said[".hidden.txt"] == "跳过 隐藏文件，未读取"
    assert said["._r.txt"].startswith("跳过 macOS 附加的元数据")  # (mac.zip!__MACOSX/._r.txt)
    assert said["mac.zip!.DS_Store"] == "跳过 隐藏文件，未读取"
    m = re.search(r"已入库 (\d+) 份.*失败 (\d+) 个，未变化 (\d+) 个，重复 (\d+) 个，跳过 (\d+) 个。", done.stdout)
    assert m and sum(int(m.group(i)) for i in range(1, 6)) == len(files) + 2  # the archive's three files, not it
    assert query(db, "select count(*) from request_stats where typeof(total) not in ('integer', 'null')") == [(0,)]
