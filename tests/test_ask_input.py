"""Malformed input to /-/ask.json and /-/ask: 400 with a Chinese sentence, never 500; well-formed
follow-up contexts with odd values still answer."""

import json
import random
import re
from urllib.parse import quote

import pytest

from gkreport.site import build

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def app(seed_db):
    return build(seed_db)


async def get(app, query: str):
    return await app.client.get("/-/ask.json" + query)


def bad(r, *words):
    assert r.status_code == 400, r.text
    out = r.json()
    assert out["status"] in ("invalid", "refused") and HAN.search(out["answer"]) and out["sql"] is None
    for w in words:
        assert w in out["answer"], out["answer"]
    return out


@pytest.mark.parametrize("query, words", [
    ("", ["缺少问题"]),
    ("?q=", ["缺少问题"]),
    ("?q=%20%20", ["缺少问题"]),
    ("?context=%7B%7D", ["缺少问题"]),
    ("?q=" + quote("收到多少申请" * 100), ["太长"]),
    ("?q=%FF%FE", ["UTF-8"]),
    ("?q=%E4%B8", ["UTF-8"]),
    ("?q=%ED%A0%80", ["UTF-8"]),
    ("?q=abc%00", ["控制字符"]),
    ("?q=a&q=b", ["只能给一次"]),
    ("?q=abc&lang=xx", ["zh 或 en"]),
    ("?q=abc&context=%7Bbad", ["不是有效的 JSON"]),
    ("?q=abc&context=[1,2]", ["JSON 对象"]),
    ("?q=abc&context=5", ["JSON 对象"]),
    ("?q=abc&context=null", ["JSON 对象"]),
    ("?q=abc&context=" + quote('{"intent": 5, "slots": "x"}'), ["intent"]),
    ("?q=" + quote("2022年呢") + "&context=" + quote('{"intent": "figure", "slots": {"years": 5}}'), ["years"]),
    ("?q=" + quote("2022年呢") + "&context=" + quote(
        '{"slots": {"agencies": [1, 2], "regions": "x", "measure": [1]}}'), ["agencies", "measure", "regions"]),
    ("?q=" + quote("呢") + "&context=" + quote('{"slots": {"years": {"values": [99999999999999999999]}}}'), ["years"]),
    ("?q=" + quote("上杭县呢") + "&context=" + quote('{"slots": {"regions": [{"province": 5}]}}'), ["regions"]),
    ("?q=abc&context=" + quote(json.dumps({"slots": {"terms": "x" * 5000}})), ["太长"]),
])
async def test_malformed_input_is_400_with_a_chinese_sentence(app, query, words):
    bad(await get(app, query), *words)


async def test_the_page_says_so_too(app):
    r = await app.client.get("/-/ask?q=abc&context=%7Bbad")
    assert r.status_code == 400 and "context 不是有效的 JSON" in r.text


async def test_a_context_passed_back_as_it_came_still_answers(app):
    first = (await app.client.get("/-/ask.json", params={"q": "2021年哪些单位被提起行政诉讼？"})).json()
    r = await app.client.get("/-/ask.json", params={"q": "2020年呢？", "context": json.dumps(first["context"])})
    assert r.status_code == 200 and r.json()["slots"]["years"]["values"] == [2020]


def odd_value(rnd: random.Random):
    return rnd.choice([None, True, 0, -1, 2 ** 70, 1e308, "", "x", "上杭县", "\u202e", [], [None], ["a", 1], {}, {"a": []},
                       [{"level": "county", "province": "江西省", "city": None, "county": None}], {"values": [2021]},
                       {"values": [], "start": 2030, "end": 1990}, "asc", "litigation", "granted"])


async def test_seeded_contexts_never_give_500(app):
    """A few hundred generated contexts, each slot given a value of some type: every answer is 200 or 400."""
    rnd = random.Random(14)
    slots = ["measure", "row_keys", "item_measures", "base", "applicant", "outcome", "level", "section", "terms",
             "agency_ids", "agencies", "regions", "years", "cues", "order", "limit", "other"]
    statuses = set()
    for _ in range(300):
        ctx = {k: odd_value(rnd) for k in rnd.sample(slots, rnd.randint(1, 6))}
        if rnd.random() < 0.7:
            ctx = {"intent": rnd.choice(["figure", "agencies_with", None, 7]), "slots": ctx}
        q = rnd.choice(["2022年呢？", "上杭县政府办呢", "what about 2020?", "呢", "收到多少申请"])
        r = await app.client.get("/-/ask.json", params={"q": q, "context": json.dumps(ctx)})
        assert r.status_code in (200, 400), (ctx, r.text[:300])
        if r.status_code == 400:
            bad(r)
        statuses.add(r.status_code)
    assert statuses == {200, 400}
