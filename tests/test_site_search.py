"""Chinese full-text search: the pair expansion, the index kept in step by the store, and the site's search."""

import sqlite3

import pytest

from gkreport import search, store
from gkreport.ingest import ingest

from conftest import EXPECTED, REPORTS
from test_site import ids  # noqa: F401  (the same fixture: sample file → report id)

SEARCH = EXPECTED["search"]


def test_expand_pairs_every_character_with_the_next():
    assert search.expand("政策\n解读、培训").split() == ["政策", "策解", "解读", "读|", "|培", "培训", "训|"]
    assert search.expand("") == ""


def test_the_index_gets_the_tokens_of_text_whose_punctuation_is_all_one_break():
    """expand() turns only the punctuation outside ASCII into breaks, and leaves runs of them; the
    tokenizer must still see exactly the tokens, at the same positions, of the text in which every
    run of punctuation is one break (search._compact)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(REPORTS.glob("*.txt"))] + [
        "政策解读、培训。", "“放管服”改革（2022年）", "a.b,,c__d--e", "——开头", "结尾……", "100%完成",
        "①项目②", "《条例》〔2021〕30号", "Ünïcode café", "数字１２３４５", "、、", "。", "x", "℃×÷→",
    ]

    def pairs(text):  # the pairs of the text with each run of punctuation made one break
        s = search._compact(text) + "|"
        return " ".join(a + b for a, b in zip(s, s[1:]))

    conn = sqlite3.connect(":memory:")
    instances = []
    for name, form in (("fast", search.expand), ("reference", pairs)):
        conn.execute(f"create virtual table {name} using fts5(body, content='', tokenize='ascii')")
        conn.executemany(f"insert into {name} (rowid, body) values (?, ?)", enumerate(map(form, texts)))
        conn.execute(f"create virtual table {name}_v using fts5vocab({name}, 'instance')")
        instances.append(conn.execute(f"select term, doc, col, offset from {name}_v order by 2, 4, 1").fetchall())
    assert len(instances[0]) > 10000
    assert instances[0] == instances[1]


@pytest.mark.parametrize("query, expression", [
    ("培训", '"培训"'),
    ("政策解读", '"政策 策解 解读"'),
    ("疫", '"疫"*'),
    ("培训 疫情", '"培训" "疫情"'),
    ('"政策 解读"', '"政策 策解 解读"'),
    ('AND OR "', '"AN ND" "OR"'),  # operators and stray quotes are plain words, never FTS syntax
    ("、、", '""'),
])
def test_match_expression(query, expression):
    assert search.match_expression(query) == expression


def test_snippet_marks_hits_across_line_breaks():
    text = "今年开展了政策\n解读和业务培训，" * 3
    out = search.snippet(text, "政策解读 培训", width=10)
    assert "<mark>政策解读</mark>" in out and "<mark>培训</mark>" in out
    assert search.snippet("没有命中的正文", "培训") == "没有命中的正文"


def _files(ids, report_ids):
    """Report ids → the sample files they came from, as expected.json names them."""
    by_id = {rid: prefix for prefix, rid in ids.items()}
    names = {c["file"][:3]: c["file"] for c in EXPECTED["reports"]}
    return sorted({names[by_id[r]] for r in report_ids})


@pytest.mark.parametrize("word", sorted(SEARCH))
async def test_table_search_finds_exactly_the_expected_reports(app, ids, word):
    r = await app.client.get(f"/gkreport/sections.json?_search={word}&_shape=array&_size=max")
    assert r.status_code == 200
    assert _files(ids, [row["report_id"] for row in r.json()]) == SEARCH[word]


@pytest.mark.parametrize("word", sorted(SEARCH))
async def test_canned_search_finds_the_same_and_highlights(app, ids, word):
    r = await app.client.get(f"/gkreport/search_narrative.json?_shape=array&q={word}")
    rows = r.json()
    assert _files(ids, [row["报告编号"] for row in rows]) == SEARCH[word]
    assert all(f"<mark>{word}</mark>" in row["摘录"] for row in rows)


async def test_the_page_counts_from_the_index_and_json_counts_as_datasette_does(app):
    html = (await app.client.get("/gkreport/sections?_search=培训")).text
    assert "共 5 行，搜索“培训”" in html
    assert (await app.client.get("/gkreport/sections.json?_search=培训")).json()["filtered_table_rows_count"] == 5


async def test_one_character_is_found(app, ids):
    r = await app.client.get("/gkreport/sections.json?_search=疫&_shape=array&_size=max")
    assert _files(ids, [row["report_id"] for row in r.json()]) == SEARCH["疫情"]


async def test_search_page_shows_the_search_box_and_hits(app):
    html = (await app.client.get("/gkreport/sections?_search=培训")).text
    assert 'name="_search"' in html and "培训" in html
    # the canned query's page shows the passage with the hit highlighted, everything else escaped
    html = (await app.client.get("/gkreport/search_narrative?q=疫情")).text
    assert '<span class="gk-snippet">' in html and "<mark>疫情</mark>" in html


async def test_markup_in_a_cell_stays_escaped(app):
    r = await app.client.get("/gkreport?sql=select+'<mark>a</mark><script>x</script>'+as+s")
    assert "<mark>a</mark>&lt;script&gt;" in r.text


def _hits(db_path, word):
    conn = sqlite3.connect(db_path)
    return conn.execute("select count(*) from sections_fts where sections_fts match ?",
                        [search.match_expression(word)]).fetchone()[0]


def test_index_follows_saves_and_deletes(tmp_path):
    db_path = tmp_path / "t.db"
    ingest([REPORTS], db_path)
    before = _hits(db_path, "培训")
    assert before > 0
    db = store.connect(db_path)
    rid = db.execute("select id from reports where source_path like '%000_%'").fetchone()[0]
    with db.atomic():
        store.delete_report(db, rid)
    assert _hits(db_path, "疫情") == 0
    assert 0 < _hits(db_path, "培训") < before
    db.close()
    # ingesting again restores exactly what was there, and forcing a re-save adds nothing twice
    ingest([REPORTS], db_path)
    ingest([REPORTS], db_path, force=True)
    assert _hits(db_path, "培训") == before and _hits(db_path, "疫情") == 1
    conn = sqlite3.connect(db_path)
    conn.execute("insert into sections_fts(sections_fts, rank) values ('integrity-check', 0)")


async def test_table_cells_are_not_searched(app, seed_db):
    """A table label every report prints finds no report through its tables: the index holds what
    the report page shows, the prose."""
    bodies = sqlite3.connect(seed_db).execute("select body from sections where section_no = 3").fetchall()
    label = "本年新收政府信息公开申请数量"
    assert sum(label in body for body, in bodies) >= 4  # printed in the table of (almost) every report
    r = await app.client.get(f"/gkreport/sections.json?_search={label}&_shape=array&_size=max")
    assert [row for row in r.json() if row["section_no"] == 3] == []


def test_prose_beside_a_table_is_searched(tmp_path):
    text = (REPORTS / sorted(p.name for p in REPORTS.glob("000_*"))[0]).read_text(encoding="utf-8")
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("三、收到和处理"))
    lines.insert(at + 1, "本年度依申请公开数量较上年明显增加，主要集中在征地拆迁领域。")
    (tmp_path / "r.txt").write_text("\n".join(lines), encoding="utf-8")
    ingest([tmp_path / "r.txt"], tmp_path / "t.db")
    conn = sqlite3.connect(tmp_path / "t.db")

    def found(word):
        return [n for n, in conn.execute(
            f"select s.section_no from {search.FTS_TABLE} f join sections s on s.rowid = f.rowid "
            f"where {search.FTS_TABLE} match ?", [search.match_expression(word)])]

    assert found("征地拆迁") == [3]
    assert found("本年新收") == []  # the table's row label, in the same section
