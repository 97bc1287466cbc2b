"""The question box: a real database of the sample reports and variants of them, and the question file.

The variants are sample 000 (上杭县政府办 2021, a clean 2021-format report) rewritten
for other agencies and years, with new table numbers that still add up (received +
carried over = processed + carried forward; each total the sum of its parts), and
with its narrative's themes changed, ingested through gkreport.ingest like any file.

The expected answer of every question in tests/fixtures/ask_questions.yaml is the
result of the hand-written SQL beside it, run on this database: never the engine's
own output.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from gkreport import template as T

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "reports"
QUESTIONS = Path(__file__).resolve().parent / "fixtures" / "ask_questions.yaml"
BASE = "000_16db74812dfc7d92.txt"  # 上杭县人民政府办公室 2021

# (agency as titled, county or city named in the text, city stem, province, years)
VARIANTS = [
    ("上犹县人民政府办公室", "上犹县", "赣州", "江西省", [2019, 2020, 2021, 2022]),
    ("上杭县人民政府办公室", "上杭县", "龙岩", "福建省", [2022, 2023]),
    ("殷都区人民政府办公室", "殷都区", "安阳", "河南省", [2022]),
    ("福州市鼓楼区人民政府办公室", "鼓楼区", "福州", "福建省", [2021, 2022]),
    ("南京市鼓楼区人民政府办公室", "鼓楼区", "南京", "江苏省", [2022]),
    ("赣州市章贡区人民政府", "章贡区", "赣州", "江西省", [2021, 2022, 2023]),
    ("南昌市人民政府办公室", "南昌市", "南昌", "江西省", [2022, 2023]),
    ("福建省人民政府办公厅", "福建省", "福州", "福建省", [2021, 2022]),
    ("杭州市西湖区人民政府", "西湖区", "杭州", "浙江省", [2021, 2023]),
    ("长沙县人民政府办公室", "长沙县", "长沙", "湖南省", [2022, 2023]),
    ("上犹县教育局", "上犹县", "赣州", "江西省", [2022, 2023]),
    ("郑州市金水区人民政府办公室", "金水区", "郑州", "河南省", [2021, 2022]),
    ("深圳市福田区人民政府办公室", "福田区", "深圳", "广东省", [2022, 2023]),
    ("安阳市生态环境局", "安阳市", "安阳", "河南省", [2023]),
]
THEMES = ["疫情防控", "乡村振兴", "营商环境"]


def _table3(rnd: random.Random) -> dict[str, list[int]]:
    """Table 3 numbers that add up, per applicant column (6 columns, then the total)."""
    fmt = T.request_rows_for(T.T2021)
    parts = T.processed_parts(T.T2021)
    cols = len(T.APPLICANT_PARTS)
    rows = {k: [0] * cols for k in fmt}
    for c in range(cols):
        scale = 1.0 if c == 0 else 0.25
        for k in parts:
            if k == "granted":
                p, hi = 0.9, 9
            elif k == "partially_granted":
                p, hi = 0.5, 4
            else:
                p, hi = 0.22, 3
            if rnd.random() < p * scale:
                rows[k][c] = rnd.randint(1, hi)
        processed = sum(rows[k][c] for k in parts)
        rows["total_processed"][c] = processed
        rows["carried_forward"][c] = rnd.randint(0, 2) if c == 0 and rnd.random() < 0.4 else 0
        rows["carried_over"][c] = min(rnd.randint(0, 2), processed) if c == 0 and rnd.random() < 0.4 else 0
        rows["new_received"][c] = processed + rows["carried_forward"][c] - rows["carried_over"][c]
    return {k: v + [sum(v)] for k, v in rows.items()}


def _table4(rnd: random.Random) -> list[int]:
    out = []
    for _ in T.PROCEEDINGS:
        cells = [rnd.randint(1, 2) if rnd.random() < 0.25 else 0 for _ in T.OUTCOME_PARTS]
        out += cells + [sum(cells)]
    return out


def variant_text(base: str, agency: str, place: str, city: str, province: str, year: int, n: int) -> tuple[str, dict]:
    rnd = random.Random(f"{agency}{year}")
    t3 = _table3(rnd)
    t4 = _table4(rnd)
    issued, repealed, in_force = rnd.randint(0, 30), rnd.randint(0, 20), rnd.randint(20, 400)
    licensing, penalty, fees = rnd.randint(0, 900), rnd.randint(0, 50), round(rnd.uniform(0, 80), 2)
    lines = base.split("\n")
    lines[0] = f"{agency}{year}年政府信息公开工作年度报告"
    text = "\n".join(lines)
    # table 3: the 25 lines of numbers, in the template's order
    keys = iter(T.request_rows_for(T.T2021))

    def t3_line(m: re.Match) -> str:
        return m.group(1) + "\t".join(map(str, t3[next(keys)]))

    start, end = text.index("三、收到和处理政府信息公开申请情况"), text.index("四、政府信息公开行政复议")
    section = re.sub(r"^(.*?)(?:\d+\t){6}\d+$", t3_line, text[start:end], flags=re.M)
    text = text[:start] + section + text[end:]
    text = re.sub(r"^(?:0\t){14}0$", "\t".join(map(str, t4)), text, count=1, flags=re.M)
    text = re.sub(r"^行政规范性文件\t22\t29\t361$", f"行政规范性文件\t{issued}\t{repealed}\t{in_force}", text, flags=re.M)
    text = re.sub(r"^行政许可\t0", f"行政许可\t{licensing}", text, flags=re.M)
    text = re.sub(r"^行政处罚\t0", f"行政处罚\t{penalty}", text, flags=re.M)
    text = re.sub(r"^行政事业性收费\t0", f"行政事业性收费\t{fees}", text, flags=re.M)
    text = text.replace("受理政府信息公开申请 5 件，处理数 5 件",
                        f"受理政府信息公开申请 {t3['new_received'][-1]} 件，处理数 {t3['total_processed'][-1]} 件")
    text = text.replace("制发规范性文件 22 件，废止 29 件，现行有效 361 件",
                        f"制发规范性文件 {issued} 件，废止 {repealed} 件，现行有效 {in_force} 件")
    text = text.replace("疫情防控", THEMES[n % len(THEMES)])
    text = text.replace("上杭县人民政府办公室", agency).replace("上杭县", place).replace("上杭", place[:-1])
    text = text.replace("龙岩", city).replace("福建省", province)
    text = re.sub(r"20(?:19|20|21|22)(?= ?年)", str(year), text)
    return text, {"t3": t3, "t4": t4}


@lru_cache(maxsize=1)
def ask_db() -> Path:
    """The test database, built once per test session: 5 samples + the variants."""
    from gkreport.ingest import ingest

    folder = Path(tempfile.mkdtemp(prefix="gkreport-ask-"))
    src = folder / "reports"
    src.mkdir()
    for p in SAMPLES.glob("*.txt"):
        (src / p.name).write_bytes(p.read_bytes())
    base = (SAMPLES / BASE).read_text(encoding="utf-8")
    n = 0
    for agency, place, city, province, years in VARIANTS:
        for year in years:
            text, _ = variant_text(base, agency, place, city, province, year, n)
            (src / f"v{n:03d}.txt").write_text(text, encoding="utf-8")
            n += 1
    db = folder / "gkreport.db"
    summary = ingest([src], db)
    assert summary.failed == 0, summary.outcomes
    return db


@pytest.fixture(scope="session")
def db_path() -> Path:
    return ask_db()


@pytest.fixture(scope="session")
def asker(db_path):
    from gkreport.ask import Asker

    a = Asker(db_path)
    yield a
    a.close()


# ---------------------------------------------------------------------------
# The database itself: the variants were read as written


def test_variants_are_read_as_written(db_path):
    conn = sqlite3.connect(db_path)
    base = (SAMPLES / BASE).read_text(encoding="utf-8")
    text, tables = variant_text(base, "杭州市西湖区人民政府", "西湖区", "杭州", "浙江省", 2021, 0)
    rid = conn.execute("select id from reports where agency_name = '杭州市西湖区人民政府' and year = 2021").fetchone()[0]
    for key, cells in tables["t3"].items():
        row = conn.execute("select natural_person, commercial, research, nonprofit, legal_service, other_org, total "
                           "from request_stats where report_id = ? and row_key = ?", [rid, key]).fetchone()
        assert list(row) == cells, key
    n_reports = conn.execute("select count(*) from reports").fetchone()[0]
    assert n_reports == 5 + sum(len(v[4]) for v in VARIANTS)
    assert conn.execute("select count(*) from reports where status = 'ok'").fetchone()[0] >= n_reports - 4


# ---------------------------------------------------------------------------
# The question file: each question's rows against hand-written SQL, scored as ask_blind.yaml is
# (tests/ask_scoring.py: on the test database and on its two variants)


def load_questions() -> list[dict]:
    return yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))


def question_cases() -> dict:
    """The question file as the scorer's cases: a question asked after the one before it (follow: true)
    makes the two a conversation."""
    questions, conversations = [], []
    last = None  # the conversation the previous question belongs to, or the previous question
    for k, e in enumerate(load_questions()):
        case = {**e, "id": f"q{k + 1:03d}", "expect": e.get("expect", "answered"), "family": "ask_questions"}
        if e.get("follow") and last is not None:
            if "turns" not in last:
                questions.remove(last)
                last = {"id": last["id"], "turns": [last]}
                conversations.append(last)
            last["turns"].append(case)
            continue
        questions.append(case)
        last = case
    return {"questions": questions, "conversations": conversations}


def score_question_file(asker, db_path):
    from ask_scoring import Judge, asker_function, score

    judge = Judge(db_path)
    try:
        return score(question_cases(), asker_function(asker), judge)
    finally:
        judge.close()


@pytest.mark.measure
def test_question_file(asker, db_path):
    result = score_question_file(asker, db_path)
    entries = load_questions()
    n = len(entries)
    chinese = sum(1 for e in entries if re.search(r"[\u3400-\u9fff]", e["q"]) and not re.match(r"[A-Za-z]", e["q"]))
    print(result.report(f"ask_questions.yaml: {n} questions ({chinese} Chinese), test-suite accuracy"))
    right, total = result.rate()
    assert all(e.get("classes") for e in entries)
    assert n >= 150 and chinese * 3 >= n * 2 and total == n
    assert right / total >= 0.97


# ---------------------------------------------------------------------------
# The command


def test_cli_ask_text_and_json(db_path):
    from click.testing import CliRunner

    from gkreport.cli import cli

    runner = CliRunner()
    r = runner.invoke(cli, ["ask", "上犹县政府办历年收到多少申请？", "--db", str(db_path)])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("上犹县人民政府办公室") and "SQL:" in r.output and "series" in r.output
    r = runner.invoke(cli, ["ask", "2021年哪些单位被提起行政诉讼？", "--db", str(db_path), "--json"])
    out = json.loads(r.output)
    assert out["intent"] == "agencies_with" and out["params"]["year"] == 2021 and out["rows"]
    assert out["links"][0]["href"].startswith("/gkreport?sql=")
    r = runner.invoke(cli, ["ask", "今天天气怎么样", "--db", str(db_path)])
    assert r.exit_code == 1 and r.output.startswith("抱歉") and r.output.count("  · ") >= 3


def test_catalogue_has_at_least_30_types_each_with_answers_and_working_examples(asker):
    from gkreport.ask import examples
    from gkreport.ask.engine import catalogue

    types = catalogue()["types"]
    assert len(types) >= 30
    for t in types:
        assert t["answer"]["zh"] and t["answer"]["en"] and t["title"]["zh"] and t["examples"]["zh"], t["id"]
    for lang in ("zh", "en"):
        for e in examples(asker.index, lang):
            out = asker(e["question"])
            assert out["status"] in ("answered", "no_data"), (e, out["answer"])


@pytest.mark.parametrize("text,values,start,end", [
    ("2021年", [2021], None, None), ("二〇二一年", [2021], None, None), ("二零二二年度", [2022], None, None),
    ("21年", [2021], None, None), ("去年", [2022], None, None), ("今年", [2023], None, None), ("前年", [2021], None, None),
    ("2019到2022年", [], 2019, 2022), ("2019—2022年", [], 2019, 2022), ("近三年", [], 2021, 2023),
    ("最近5年", [], 2019, 2023), ("2020年以来", [], 2020, 2023), ("since 2021", [], 2021, 2023),
    ("last 2 years", [], 2022, 2023), ("between 2019 and 2021", [], 2019, 2021), ("2021年和2022年", [2021, 2022], None, None),
    ("收到2000件以上", [], None, None), ("前10名", [], None, None),
])
def test_years_in_every_form(text, values, start, end):
    from gkreport.ask.text import normalize, parse_years

    y = parse_years(normalize(text), 2023, 2019)
    assert (y.values, y.start, y.end) == (values, start, end)


@pytest.mark.parametrize("totals,figures", [(False, False), (False, True), (True, False)])
def test_question_file_without_the_summary_tables(asker, db_path, monkeypatch, totals, figures):
    """The same answers from the contract tables alone, for databases without the site's summary tables."""
    monkeypatch.setattr(asker.index, "has_totals", totals)
    monkeypatch.setattr(asker.index, "has_appeal_totals", totals)
    monkeypatch.setattr(asker.index, "has_figures", figures)
    result = score_question_file(asker, db_path)
    right, total = result.rate()
    assert right / total >= 0.97, [(i["q"], i["why"]) for i in result.items if not i["right"]]


@pytest.mark.parametrize("question,where,params", [
    ("行政复议的结果怎么样？", "proceeding = 'review'", []),
    ("2022年行政诉讼的结果分布", "proceeding like 'litigation%' and r.year = ?", [2022]),
    ("江西省行政复议的结果", "proceeding = 'review' and r.province = ?", ["江西省"]),
])
def test_outcomes_of_reviews_and_lawsuits_are_read_from_table_4_added_up(asker, db_path, question, where, params):
    """Outcomes over every report of a year or a province come from appeal_totals, and are table 4's own sums."""
    out = asker(question)
    assert out["intent"] == "breakdown_appeal" and "from appeal_totals" in out["sql"], out["sql"]
    conn = sqlite3.connect(db_path)
    expected = conn.execute(
        "select sum(f.upheld), sum(f.corrected), sum(f.other), sum(f.pending), sum(f.total) "
        f"from appeal_stats f join reports r on r.id = f.report_id where f.{where}", params).fetchone()
    conn.close()
    got = out["rows"][0]
    assert (got["upheld"], got["corrected"], got["other"], got["pending"], got["total"]) == expected
    assert expected[-1] and str(expected[-1]) in out["answer"]
