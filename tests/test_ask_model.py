"""The optional model backend, with a fake model registered with `llm`: no key, no network."""

from __future__ import annotations

import json
import sqlite3

import pytest

llm = pytest.importorskip("llm")

from gkreport.ask import Asker  # noqa: E402
from gkreport.ask.model import ModelBackend, backend, single_select  # noqa: E402
from test_ask import ask_db  # noqa: E402

UNREAD = "请给我讲讲上犹县政府办那年拿到手的东西"  # nothing the offline engine can read as a question


class FakeModel(llm.Model):
    """Answers every prompt with the next reply of `replies`; keeps the prompts it was shown."""

    model_id = "gkreport-fake"
    can_stream = False
    replies: list[str] = []
    prompts: list[str] = []

    def execute(self, prompt, stream, response, conversation=None):
        FakeModel.prompts.append(prompt.prompt)
        yield FakeModel.replies.pop(0) if FakeModel.replies else "{}"


class FakePlugin:
    @llm.hookimpl
    def register_models(self, register):
        register(FakeModel())


@pytest.fixture(scope="module", autouse=True)
def fake_model():
    llm.plugins.pm.register(FakePlugin(), name="gkreport-fake-model")
    yield
    llm.plugins.pm.unregister(name="gkreport-fake-model")


def reply(obj) -> None:
    FakeModel.replies = [json.dumps(obj, ensure_ascii=False)]


def ask_with(question: str, **kw) -> dict:
    asker = Asker(ask_db(), model=ModelBackend("gkreport-fake", **kw))
    try:
        return asker(question)
    finally:
        asker.close()


def hand(sql: str):
    return sqlite3.connect(ask_db()).execute(sql).fetchall()


def test_no_model_unless_configured(monkeypatch):
    monkeypatch.delenv("GKREPORT_ASK_MODEL", raising=False)
    assert backend() is None and backend(plugin_config={}) is None
    monkeypatch.setenv("GKREPORT_ASK_MODEL", "gkreport-fake")
    b = backend()
    assert b.model_id == "gkreport-fake" and not b.allow_sql
    assert backend(plugin_config={"model": "other", "allow_sql": True}).allow_sql


def test_engine_first_model_only_when_not_understood():
    FakeModel.prompts.clear()
    reply({"intent": "value", "slots": {"measure": "granted"}})
    out = ask_with("上犹县政府办2023年予以公开多少件？")
    assert out["source"] == "engine" and not FakeModel.prompts


def test_model_chooses_type_and_slots_checked_then_our_sql_runs():
    reply({"intent": "value", "slots": {"measure": "new_received", "agency": "上犹县政府办", "years": [2022]}})
    out = ask_with(UNREAD)
    assert out["status"] == "answered" and out["source"] == "model" and out["intent"] == "value"
    assert "语言模型" in out["answer"]
    assert ":agency_id" in out["sql"] and out["params"]["year"] == 2022
    expected = hand("select sum(s.total) from request_stats s join reports r on r.id = s.report_id "
                    "where r.agency_name = '上犹县人民政府办公室' and r.year = 2022 and s.row_key = 'new_received'")
    assert out["rows"][0]["value"] == expected[0][0]
    # the model was shown the catalogue and what the engine recognized
    assert "agencies_with" in FakeModel.prompts[-1] and "上犹县人民政府办公室" in FakeModel.prompts[-1]


@pytest.mark.parametrize("bad", [
    {"intent": "drop_everything", "slots": {}},
    {"intent": "value", "slots": {"measure": "bribes"}},
    {"intent": "value", "slots": {"measure": "new_received", "agency": "不存在的单位"}},
    {"intent": "value", "slots": {"measure": "new_received", "years": [1850]}},
    {"intent": "compare_agencies", "slots": {"measure": "new_received"}},  # lacks the agencies it needs
    {"intent": None},
    "not json at all",
])
def test_a_reply_that_fails_the_checks_is_never_answered(bad):
    FakeModel.replies = [bad if isinstance(bad, str) else json.dumps(bad, ensure_ascii=False)]
    out = ask_with(UNREAD)
    assert out["status"] == "not_understood" and not out["rows"] and len(out["examples"]) == 3


def test_free_sql_is_ignored_unless_opted_in():
    reply({"sql": "select count(*) as n from reports"})
    out = ask_with(UNREAD)
    assert out["status"] == "not_understood" and out["source"] == "engine"


def test_free_sql_opt_in_runs_one_select_read_only_and_is_labelled():
    reply({"sql": "select year, count(*) as n from reports group by year order by year"})
    out = ask_with(UNREAD, allow_sql=True)
    assert out["status"] == "answered" and out["source"] == "model_sql"
    assert "语言模型编写" in out["answer"]
    assert [(r["year"], r["n"]) for r in out["rows"]] == hand(
        "select year, count(*) from reports group by year order by year")
    assert out["links"][0]["href"].startswith("/gkreport?sql=")


@pytest.mark.parametrize("sql", [
    "delete from reports",
    "select 1; drop table reports",
    "with x as (select 1) delete from reports",
    "attach database ':memory:' as m",
    "pragma writable_schema = 1",
    "update reports set year = 0",
])
def test_free_sql_that_is_not_a_single_select_is_refused(sql):
    assert single_select(sql) is None
    reply({"sql": sql})
    out = ask_with(UNREAD, allow_sql=True)
    assert out["status"] == "not_understood" and out["source"] == "engine"
    assert hand("select count(*) from reports")[0][0] > 0


def test_free_sql_runs_under_a_time_limit():
    reply({"sql": "with recursive c(n) as (select 1 union all select n + 1 from c) select count(*) from c"})
    out = ask_with(UNREAD, allow_sql=True, time_limit_s=0.2)
    assert out["status"] == "not_understood" and "interrupted" in out.get("model_error", "")


async def test_site_uses_the_model_from_the_environment(monkeypatch):
    from gkreport.site import build

    monkeypatch.setenv("GKREPORT_ASK_MODEL", "gkreport-fake")
    app = build(ask_db())
    reply({"intent": "series", "slots": {"measure": "litigation", "region": "江西省"}})
    r = await app.client.get("/-/ask.json", params={"q": UNREAD})
    out = r.json()
    assert out["source"] == "model" and out["intent"] == "series"
    expected = hand("select r.year, sum(a.total) from appeal_stats a join reports r on r.id = a.report_id "
                    "where r.province = '江西省' and a.proceeding like 'litigation%' group by r.year order by r.year")
    assert [(x["year"], x["value"]) for x in out["rows"]] == expected
