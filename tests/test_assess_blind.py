"""The assessment measures scored on reports built for the purpose by someone who had not read the code:
tests/fixtures/assess/ (51 reports of 13 bodies over 2021–2024 in reports/, the expected results in
expected.yaml, how each case was built in README.md).

Everything compared here is read from expected.yaml: publication dates, deadlines and days late,
公开率 with its numerator and denominator or 「无法计算」, the copies and the pairs that must not be
flagged, the unusual figure and its controls, the one coverage gap, the rankings at a minimum base of
30 with their 95 % Wilson intervals and the bodies left out, and the rubric parts each report meets or
fails (`either` where two readings are defensible). Each test gathers every difference before it
asserts, so a failure lists them all.
"""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES

FIX = FIXTURES / "assess"
EXPECTED = yaml.safe_load((FIX / "expected.yaml").read_text(encoding="utf-8"))
REPORTS = EXPECTED["reports"]
TOLERANCE = 0.0001  # expected.yaml: Wilson bounds to 4 decimals, z = 1.959964 or 1.96


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, datetime.date) else value


@pytest.fixture(scope="module")
def assess_db(tmp_path_factory) -> Path:
    from gkreport.ingest import ingest

    path = tmp_path_factory.mktemp("assess") / "assess.db"
    summary = ingest([FIX / "reports"], path)
    assert summary.failed == 0
    return path


@pytest.fixture(scope="module")
def conn(assess_db):
    c = sqlite3.connect(assess_db)
    c.row_factory = sqlite3.Row
    yield c
    c.close()


@pytest.fixture(scope="module")
def by_file(conn) -> dict[str, dict]:
    """File name → its stored report (every file of expected.yaml must be stored)."""
    out = {Path(r["source_path"]).name: dict(r) for r in conn.execute("select * from reports")}
    assert sorted(out) == sorted(r["file"] for r in REPORTS)
    return out


@pytest.fixture(scope="module")
def app(assess_db):
    from gkreport.site import build

    return build(assess_db)


def _checks(conn, rule: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in conn.execute("select * from checks where rule = ?", [rule]):
        out.setdefault(r["report_id"], []).append(dict(r))
    return out


def test_publication_dates(by_file):
    wrong = [(e["file"], e["date_as_printed"], by_file[e["file"]]["published_date"]) for e in REPORTS
             if by_file[e["file"]]["published_date"] != _iso(e["published"])]
    assert not wrong, f"{len(REPORTS) - len(wrong)}/{len(REPORTS)} publication dates right; wrong: {wrong}"


def test_deadlines_and_days_late(conn, by_file):
    stored = {r["report_id"]: dict(r) for r in conn.execute("select * from timeliness")}
    wrong = []
    for e in REPORTS:
        got = stored.get(by_file[e["file"]]["id"])
        if got is None:
            wrong.append((e["file"], "no row in timeliness"))
            continue
        deadlines = [d.strip() for d in str(_iso(e["deadline"])).split(" or ")]
        late = None if e["late"] is None else int(e["late"])
        if got["deadline"] not in deadlines or got["late"] != late or got["days_late"] != e["days_late"]:
            wrong.append((e["file"], (deadlines, late, e["days_late"]),
                          (got["deadline"], got["late"], got["days_late"])))
    assert not wrong, wrong


def test_late_reports_have_an_info_check_with_the_days_late(conn, by_file):
    checks = _checks(conn, "published_late")
    expected = {by_file[e["file"]]["id"]: e["days_late"] for e in EXPECTED["late"]}
    got = {rid: [(c["severity"], c["actual"]) for c in cs] for rid, cs in checks.items()}
    assert got == {rid: [("info", str(days))] for rid, days in expected.items()}
    for edge in EXPECTED["not_late_edge_cases"]:
        assert by_file[edge["file"]]["id"] not in checks, edge["why"]


def test_late_reports_question(conn, by_file):
    """The ready-made question of late reports lists exactly the late ones, latest first by days late."""
    from gkreport.site import load_metadata

    sql = load_metadata()["databases"]["gkreport"]["queries"]["late_reports"]["sql"]
    rows = conn.execute(sql, {"year": "", "province": ""}).fetchall()
    assert [(r["报告编号"], r["逾期天数"]) for r in rows] == [
        (by_file[e["file"]]["id"], e["days_late"]) for e in EXPECTED["late"]]


def test_grant_rate_or_cannot_be_computed(conn, by_file):
    stored = {r["report_id"]: dict(r) for r in conn.execute(
        "select * from metric_values where metric = 'disclosure_rate'")}
    wrong = []
    for e in REPORTS:
        got = stored.get(by_file[e["file"]]["id"])
        parts = e["grant_rate_parts"]
        if got is None or (got["numerator"], got["denominator"]) != (parts["numerator"], parts["denominator"]):
            wrong.append((e["file"], parts, got))
        elif e["grant_rate"] == "无法计算":
            if got["rate"] is not None or got["rate_text"] != "无法计算":
                wrong.append((e["file"], "无法计算", got["rate"], got["rate_text"]))
        elif got["rate"] is None or abs(got["rate"] - e["grant_rate"]) > 0.00005:
            wrong.append((e["file"], e["grant_rate"], got["rate"]))
    assert not wrong, wrong


async def test_zero_denominators_read_cannot_be_computed_on_the_report_page(app, by_file):
    zero = [e for e in REPORTS if e["grant_rate"] == "无法计算"]
    assert zero
    for e in zero:
        rid = by_file[e["file"]]["id"]
        data = (await app.client.get(f"/report/{rid}.json")).json()
        rate = {m["metric"]: m for m in data["metrics"]}["disclosure_rate"]
        assert (rate["rate"], rate["rate_text"], rate["denominator"]) == (None, "无法计算", 0)
        html = (await app.client.get(f"/report/{rid}")).text
        row = html[html.index('data-metric="disclosure_rate"'):]
        row = row[:row.index("</tr>")]
        assert "无法计算" in row and "0%" not in row and "100%" not in row


def test_copies_are_flagged_naming_the_report_copied(conn, by_file):
    checks = _checks(conn, "copied_narrative")
    files = {v["id"]: k for k, v in by_file.items()}
    flagged = {files[rid] for rid in checks}
    must = {c["report"] for c in EXPECTED["copies"]["flagged"]}
    may = {e["file"] for e in REPORTS if "not_copied" in (e["compliance"].get("either") or [])}
    assert must <= flagged, f"copies not flagged: {must - flagged}"
    assert flagged <= must | may, f"flagged but not copies: {flagged - must - may}"
    for c in EXPECTED["copies"]["flagged"]:
        (check,) = checks[by_file[c["report"]]["id"]]
        other = by_file[c["of"]]
        assert check["severity"] == "info"
        assert check["expected"] == other["id"]  # the other report, by its id …
        assert other["agency_name"] in check["message"] and str(other["year"]) in check["message"]  # … and by name
        assert abs(float(check["actual"]) - c["jaccard"]) < 0.05  # the share in common (shingle size may differ)
        assert float(check["actual"]) >= 0.9


def test_pairs_that_must_not_be_flagged(conn, by_file):
    pairs = {frozenset((r["report_id"], r["other_id"])) for r in conn.execute("select * from copied_reports")}
    wrong = []
    for c in EXPECTED["copies"]["not_flagged"]:
        a, b = (by_file[f]["id"] for f in c["reports"])
        if frozenset((a, b)) in pairs:
            wrong.append((c["reports"], c["why"]))
    assert not wrong, wrong


def test_the_unusual_figure_and_its_controls(conn, by_file):
    checks = _checks(conn, "unusual_figure")
    for must in EXPECTED["unusual"]["must_flag"]:
        found = checks.get(by_file[must["report"]]["id"], [])
        assert any(c["location"] == must["figure"] for c in found), (must, found)
        assert all(c["severity"] == "info" for c in found)
    spec = EXPECTED["unusual"]["must_not_flag"]
    named = {s["body"] for s in spec if s["body"] != "every other body"}
    by_body: dict[str, list[dict]] = {}
    for e in REPORTS:
        by_body.setdefault(e["body"], []).append(e)
    wrong = []
    for s in spec:
        if s["body"] == "every other body":
            figures = tuple(s["figures"])
            bodies = [b for b in by_body if b not in named]
            flagged_must = {m["report"] for m in EXPECTED["unusual"]["must_flag"]}
            for body in bodies:
                for e in by_body[body]:
                    if e["file"] in flagged_must:
                        continue
                    for c in checks.get(by_file[e["file"]]["id"], []):
                        if (c["location"] or "").split(".")[:2] in [["request_stats", f] for f in figures]:
                            wrong.append((e["file"], c["location"], c["message"]))
            continue
        years = None if "2021-2023" not in str(s["figures"]) else {2021, 2022, 2023}
        for e in by_body[s["body"]]:
            if years is None or e["year"] in years:
                for c in checks.get(by_file[e["file"]]["id"], []):
                    wrong.append((e["file"], c["location"], c["message"]))
    assert not wrong, wrong


def test_coverage_gap(conn):
    bodies = {b["name"] for b in EXPECTED["bodies"]}
    years = EXPECTED["coverage"]["years"]
    got = {(r["agency_name"], r["year"]): r["report_id"] for r in conn.execute(
        f"select * from coverage where agency_name in ({', '.join('?' * len(bodies))})", sorted(bodies))}
    wanted = {(b, y) for b in bodies for y in years}
    assert wanted <= set(got), f"no coverage row for {sorted(wanted - set(got))}"
    missing = sorted(k for k in wanted if got[k] is None)
    assert missing == sorted((m["body"], m["year"]) for m in EXPECTED["coverage"]["missing"])
    assert len(wanted) - len(missing) == EXPECTED["coverage"]["present"]


def test_governments_without_a_report_question(conn):
    """「哪些政府没有发布年报」: none of the fixture's four governments in any year; 武平县司法局 is no government."""
    from gkreport.site import load_metadata

    from datasette_plugins.paging import every_row

    sql = every_row(load_metadata()["databases"]["gkreport"]["queries"]["missing_reports"]["sql"])  # every page
    governments = {b["name"] for b in EXPECTED["bodies"] if b["kind"] == "government"}
    for year in EXPECTED["coverage"]["years"]:
        for province in ("福建省", "江西省"):
            rows = [dict(r) for r in conn.execute(sql, {"year": str(year), "province": province, "kind": ""})]
            assert rows, (year, province)  # the other governments of the province, from the division data
            names = {r["机关"] for r in rows}
            assert not names & governments, (year, province, names & governments)
            assert all(r["省份"] == province and r["年度"] == year for r in rows)


async def _ranking(app, year: int, min_base: int | None = None) -> tuple[list[dict], list[dict]]:
    qs = f"metric=disclosure_rate&year={year}" + (f"&min_base={min_base}" if min_base is not None else "")
    kept = await app.client.get(f"/gkreport/metric_ranking.json?_shape=array&{qs}")
    left = await app.client.get(f"/gkreport/metric_ranking_left_out.json?_shape=array&{qs}")
    assert kept.status_code == 200 and left.status_code == 200, (kept.text, left.text)
    return kept.json(), left.json()


async def test_rankings_with_a_minimum_base_and_wilson_intervals(app):
    spec = EXPECTED["ranking"]
    wrong = []
    for year in (y for y in spec if isinstance(y, int)):
        for min_base in (None, spec["min_base"]):  # the default is 30
            kept, left = await _ranking(app, year, min_base)
            want = spec[year]["kept"]
            got = [(r["机关"], r["分子"], r["分母"]) for r in kept]
            if got != [(k["body"], k["numerator"], k["denominator"]) for k in want]:
                wrong.append((year, "kept", got))
                continue
            for r, k in zip(kept, want):
                for ours, theirs in (("比率数值", "rate"), ("区间下限", "wilson_low"), ("区间上限", "wilson_high")):
                    if abs(r[ours] - k[theirs]) > TOLERANCE:
                        wrong.append((year, k["body"], theirs, r[ours], k[theirs]))
            got_left = sorted((r["机关"], r["分母"] or 0) for r in left)
            if got_left != sorted((x["body"], x["denominator"]) for x in spec[year]["left_out"]):
                wrong.append((year, "left out", got_left))
    assert not wrong, wrong


async def test_ranking_page_says_how_many_were_left_out(app):
    spec = EXPECTED["ranking"]
    for year in (y for y in spec if isinstance(y, int)):
        html = (await app.client.get(f"/gkreport/metric_ranking?metric=disclosure_rate&year={year}")).text
        assert f"另有 {spec[year]['left_out_count']} 个机关" in html, year


def test_compliance_parts(conn, by_file):
    parts = ("on_time", "six_sections", "three_tables", "arithmetic", "not_copied", "contact_details")
    stored = {r["report_id"]: dict(r) for r in conn.execute("select * from compliance")}
    wrong = []
    for e in REPORTS:
        got = stored.get(by_file[e["file"]]["id"])
        if got is None:
            wrong.append((e["file"], "no row in compliance"))
            continue
        c = e["compliance"]
        for part in parts:
            if part in (c.get("either") or []):
                continue
            want = 1 if part in c["meets"] else 0 if part in c["fails"] else None
            if want is not None and got[part] != want:
                wrong.append((e["file"], part, want, got[part]))
        assert 0 <= got["score"] <= 100
    assert not wrong, wrong
