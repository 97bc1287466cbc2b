"""The question box on the site: /-/ask.json, the /-/ask page, the menu link and the home page box."""

from __future__ import annotations

import json
import re
import sqlite3
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from gkreport.site import build
from test_ask import ask_db


@pytest.fixture(scope="module")
def app():
    return build(ask_db())


async def ask_json(app, q, **params):
    r = await app.client.get("/-/ask.json", params={"q": q, **params})
    assert r.status_code == 200
    return r.json()


async def test_json_answer_has_intent_slots_sql_rows_sentence_and_links(app):
    out = await ask_json(app, "2021年哪些单位被提起行政诉讼？")
    assert out["status"] == "answered" and out["intent"] == "agencies_with"
    assert out["slots"]["measure"] == "litigation" and out["slots"]["years"]["values"] == [2021]
    assert out["sql"].lower().startswith("select") and out["params"]["year"] == 2021
    assert out["rows"] and "殷都区人民政府办公室" in {r["agency"] for r in out["rows"]}
    assert "殷都区人民政府办公室" in out["answer"]
    # the link opens the same query in Datasette, with its parameters, and gives the same rows
    href = out["links"][0]["href"]
    assert href.startswith("/gkreport?")
    query = {k: v[0] for k, v in parse_qs(urlparse(href).query).items()}
    assert query["sql"] == out["sql"] and query["year"] == "2021"
    r = await app.client.get(href.replace("/gkreport?", "/gkreport.json?") + "&_shape=array")
    assert r.status_code == 200
    assert sorted(x["agency"] for x in r.json()) == sorted(x["agency"] for x in out["rows"])


async def test_follow_up_reuses_the_previous_agency(app):
    first = await ask_json(app, "上犹县政府办历年收到多少申请？")
    assert first["intent"] == "series" and len(first["rows"]) == 5
    second = await ask_json(app, "2022年呢？", context=json.dumps(first["context"], ensure_ascii=False))
    assert second["intent"] == "value" and second["slots"]["agencies"] == ["上犹县人民政府办公室"]
    assert second["rows"][0]["value"] == next(r["value"] for r in first["rows"] if r["year"] == 2022)


async def test_values_are_bound_never_pasted(app):
    hostile = "上犹县政府办2022年收到多少申请'; drop table reports; --"
    out = await ask_json(app, hostile)
    assert "drop" not in out["sql"].lower() and "上犹" not in out["sql"]
    assert out["status"] == "answered"
    out = await ask_json(app, "哪些报告提到\"疫情' or 1=1 --\"")
    assert "疫情" not in out["sql"] and "1=1" not in out["sql"]
    assert all(isinstance(v, (str, int, float)) for v in out["params"].values())


async def test_a_question_the_data_cannot_answer_says_what_it_saw_offers_examples_and_passages(app):
    out = await ask_json(app, "上犹县政府办的营商环境怎么样呢")
    assert out["status"] == "unanswerable"
    assert out["answer"].startswith("数据库里没有能回答这个问题的数据") and "上犹县人民政府办公室" in out["answer"]
    assert len(out["examples"]) == 3
    for q in out["examples"]:  # the examples offered are questions that work
        assert (await ask_json(app, q))["status"] in ("answered", "no_data")
    assert out["search_hits"] and "<mark>营商环境</mark>" in out["search_hits"][0]["snippet"]
    assert not out["rows"] and out["sql"] is None
    en = await ask_json(app, "What is the weather like today?")
    assert en["status"] == "not_understood" and en["answer"].startswith("Sorry")


async def test_ambiguous_name_gets_a_choice(app):
    out = await ask_json(app, "鼓楼区政府办2022年收到多少申请")
    assert out["status"] == "clarify" and len(out["choices"]) == 2
    answers = [await ask_json(app, c["question"]) for c in out["choices"]]
    assert all(a["status"] == "answered" for a in answers)
    assert len({a["rows"][0]["value"] for a in answers} | {None}) >= 2


async def test_long_question_is_refused_politely(app):
    r = await app.client.get("/-/ask.json", params={"q": "收到多少申请" * 100})
    out = r.json()
    assert r.status_code == 400 and out["status"] == "refused" and "太长" in out["answer"] and out["sql"] is None


async def test_page_is_a_conversation_with_examples_that_work(app):
    r = await app.client.get("/-/ask")
    assert r.status_code == 200
    html = r.text
    assert "提问" in html and 'id="gk-ask-form"' in html and "/gk-static/ask.js" in html
    assert "/-/ask.json" in html
    r = await app.client.get("/-/ask", params={"q": "2021年哪些单位被提起行政诉讼？"})
    assert r.status_code == 200 and "殷都区人民政府办公室" in r.text and "<table" in r.text
    js = await app.client.get("/gk-static/ask.js")
    assert js.status_code == 200 and "context" in js.text


async def test_menu_and_home_page_lead_to_the_question_box(app):
    r = await app.client.get("/")
    assert r.status_code == 200
    assert 'href="/-/ask"' in r.text  # the menu
    box = r.text.split('<section class="gk-ask-home">', 1)[1].split("</section>", 1)[0]  # the box on the home page
    examples = [unquote(q) for q in re.findall(r'href="/-/ask\?q=([^"]+)"', box)]
    assert 'action="/-/ask"' in box and len(examples) >= 4
    for q in examples:
        assert (await ask_json(app, q))["status"] == "answered", q


async def test_canned_query_link_where_one_fits(app):
    out = await ask_json(app, "2021年哪些单位被提起行政诉讼？")
    hrefs = [l["href"] for l in out["links"]]
    assert any(h.startswith("/gkreport/litigation_by_agency?") and "year=2021" in h for h in hrefs)
    r = await app.client.get(next(h for h in hrefs if "litigation_by_agency" in h))
    assert r.status_code == 200


async def test_english_question_gets_an_english_answer(app):
    out = await ask_json(app, "Which provinces refuse the most requests as internal affairs?")
    assert out["lang"] == "en" and out["intent"] == "rank_provinces"
    assert out["answer"].startswith("Provinces with the most")
    conn = sqlite3.connect(ask_db())
    top = conn.execute("select r.province, sum(s.total) v from request_stats s join reports r on r.id = s.report_id "
                       "where s.row_key = 'denied_internal_affairs' group by r.province order by v desc, r.province"
                       ).fetchone()
    assert (out["rows"][0]["province"], out["rows"][0]["value"]) == top


async def test_json_answer_sends_the_same_cors_headers_as_the_json_api(app):
    api = await app.client.get("/gkreport/reports.json?_shape=array&_size=1")
    ask = await app.client.get("/-/ask.json", params={"q": "2021年哪些单位被提起行政诉讼？"})
    assert api.headers.get("access-control-allow-origin") == "*"
    for header in ("access-control-allow-origin", "access-control-allow-headers", "access-control-expose-headers"):
        assert ask.headers.get(header) == api.headers.get(header), header


def readme_questions() -> list[str]:
    """The questions the README's "Asking a question" section shows: gkreport ask "…" and /-/ask.json?q=…,
    and its list of example questions (each line of its examples block)."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = text.split("## Asking a question", 1)[1].split("\n## ", 1)[0]
    found = re.findall(r'gkreport ask "([^"]+)"', section) + re.findall(r"ask\.json\?q=([^'&\s]+)", section)
    block = re.search(r"<!-- example questions -->\n```text\n(.*?)```", section, re.S)
    found += [line.strip() for line in (block.group(1).splitlines() if block else ()) if line.strip()]
    return list(dict.fromkeys(q for q in found if re.search(r"[\u4e00-\u9fffA-Za-z]{2}", q)))


@pytest.mark.parametrize("database", ["test", "samples"])
async def test_every_example_question_is_answered(database, seed_db):
    """The examples of the home page, of the ask page, and of the README: each answers with status answered."""
    site = build(ask_db() if database == "test" else seed_db)
    home = (await site.client.get("/")).text
    box = home.split('<section class="gk-ask-home">', 1)[1].split("</section>", 1)[0]
    questions = [unquote(q) for q in re.findall(r'href="/-/ask\?q=([^"]+)"', box)]
    page = (await site.client.get("/-/ask")).text
    questions += [q for q in re.findall(r'data-q="([^"]+)"', page)]
    if database == "test":
        questions += readme_questions()
    assert len(questions) >= 15
    for q in dict.fromkeys(questions):
        out = await ask_json(site, q)
        assert out["status"] == "answered", (q, out["status"], out["answer"])


async def test_min_base_is_a_parameter_of_the_json_api(app):
    out = await ask_json(app, "2023年各单位公开率排名", min_base="35")
    assert out["rate"]["min_base"] == 35
    bad = await app.client.get("/-/ask.json", params={"q": "2023年各单位公开率排名", "min_base": "三十"})
    assert bad.status_code == 400 and "min_base" in bad.json()["answer"]
