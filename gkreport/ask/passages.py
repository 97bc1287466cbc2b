"""Passages of the reports' prose that mention what a question is about, for answers that have no figure.

A question the reports cannot answer (为什么…), or one not understood, still shows where the reports
talk about its matter: the words it names (the figure's own words, a topic, the words nothing else
read), searched for in the narrative of the reports it is about, then of every report. A word that
is not found whole is tried by its shorter pieces (人员流动性大 → 人员流动, 流动性, 流动).
"""

from __future__ import annotations

import re
import sqlite3

from .. import search
from .engine import catalogue, region_params
from .understand import Understanding

MAX_HITS = 5
_FAMILY_WORDS = {"request": "申请", "appeal": "诉讼"}
_RATE_WORDS = {"disclosure_rate": "予以公开", "refusal_rate": "不予公开", "correction_rate": "纠错",
               "completion_rate": "办结"}
_PROCEEDING_WORDS = {"review": "复议", "litigation_direct": "诉讼", "litigation_after_review": "诉讼"}


def matter_words(u: Understanding) -> list[str]:
    """What the question is about, as words of the reports' prose."""
    words: list[str] = []
    words += u.topics
    if u.rate in _RATE_WORDS:  # 公开率是0: the passages on what the rate counts
        words.append(_RATE_WORDS[u.rate])
    if u.terms:
        words.append(u.terms)
    m = u.measure
    if m is not None:
        if m.family == "request":
            name = m.name_zh.removesuffix("的申请").removesuffix("的政府信息公开申请")
            if m.key not in ("new_received", "requests") and 2 <= len(name) <= 6:
                words.append(name)
            words.append("申请")
        elif m.family == "appeal":
            words += [_PROCEEDING_WORDS[p] for p in m.proceedings]
        else:
            words.append(m.name_zh)
    words += [w for w in u.leftover if re.fullmatch(r"[\u3400-\u9fff]{2,}", w)]
    return list(dict.fromkeys(w for w in words if w))


def _pieces(word: str) -> list[str]:
    """The word, then its pieces of four, three and two characters."""
    out = [word]
    if re.fullmatch(r"[\u3400-\u9fff]+", word):
        for n in (4, 3, 2):
            out += [word[i:i + n] for i in range(len(word) - n + 1)]
    return list(dict.fromkeys(out))


def _scope(u: Understanding, with_years: bool) -> tuple[list[str], dict]:
    frags = catalogue()["fragments"]["scope"]
    conds, params = [], {}
    if len(u.agencies) == 1:
        conds.append(frags["agency"])
        params["agency_id"] = u.agencies[0][0]
    elif len(u.regions) == 1:
        r = u.regions[0][0]
        conds.append(frags[r.level])
        params.update({k: v for k, v in region_params(r).items() if v or r.level == "county" and k == "city"})
    if with_years and u.years.values:
        conds.append("r.year in (select value from json_each(:years))")
        import json

        params["years"] = json.dumps(u.years.values)
    return conds, params


SCOPED_SECTIONS = 400  # a question about one agency or place reads its reports' prose itself, not the index


def _scoped(conn: sqlite3.Connection, conds: list[str], params: dict) -> list[tuple] | None:
    """The sections of the reports a question is about, when they are few: a word is looked for in them
    directly (the full-text index would list every report that uses a common word such as 申请)."""
    if not conds:
        return None
    rows = conn.execute(f"select s.report_id, r.agency_name, r.year, s.heading, s.body from reports r "
                        f"join sections s on s.report_id = r.id where {' and '.join(conds)} "
                        f"order by r.year desc, s.position limit {SCOPED_SECTIONS + 1}", params).fetchall()
    return rows if len(rows) <= SCOPED_SECTIONS else None


def _matching(conn: sqlite3.Connection, piece: str, conds: list[str], params: dict, sections) -> list[tuple]:
    if sections is not None:
        return [row for row in sections if piece in "".join((row[4] or "").split())][:MAX_HITS]
    where = " and ".join([f"{search.FTS_TABLE} match :match"] + conds)
    try:
        return conn.execute(
            f"select s.report_id, r.agency_name, r.year, s.heading, s.body from {search.FTS_TABLE} "
            f"join sections s on s.rowid = {search.FTS_TABLE}.rowid join reports r on r.id = s.report_id "
            f"where {where} limit :n", {**params, "match": search.match_expression(piece), "n": MAX_HITS}).fetchall()
    except sqlite3.OperationalError:
        return []


def find(conn: sqlite3.Connection, u: Understanding, db_name: str, words: list[str] | None = None) -> list[dict]:
    if not conn.execute("select 1 from sqlite_master where name = ?", [search.FTS_TABLE]).fetchone():
        return []
    words = words if words is not None else matter_words(u)
    hits: list[dict] = []
    seen: set[tuple] = set()
    scopes = [(c, p, _scoped(conn, c, p)) for c, p in (_scope(u, True), _scope(u, False))] + [([], {}, None)]
    for word in words[:4]:
        for piece in _pieces(word):
            found = False
            for conds, params, sections in scopes:
                rows = _matching(conn, piece, conds, params, sections)
                for rid, agency, year, heading, body in rows:
                    if (rid, heading) in seen:
                        continue
                    seen.add((rid, heading))
                    hits.append({"word": piece, "report_id": rid, "agency": agency, "year": year, "heading": heading,
                                 "snippet": search.snippet(body, piece), "href": f"/{db_name}/reports/{rid}"})
                    found = True
                    break
                if found:
                    break
            if found:
                break
        if len(hits) >= MAX_HITS:
            break
    return hits[:MAX_HITS]


def words_in(conn: sqlite3.Connection, phrase: str, longest: int = 8) -> list[str]:
    """A phrase no passage holds whole (网站适老化改造), cut into words the reports use that stand together in
    one passage (网站适老化, 改造): of the ways to cut it, the fewest words first, then the longest first word,
    the first that some passage holds. [] when the phrase is not one run of Chinese characters or no way to
    cut it into two or more words finds a passage."""
    if not re.fullmatch(r"[\u3400-\u9fff]{4,24}", phrase or ""):
        return []

    def found(words: list[str]) -> bool:
        try:
            return conn.execute(f"select 1 from {search.FTS_TABLE} where {search.FTS_TABLE} match ? limit 1",
                                [search.match_expression(" ".join(words))]).fetchone() is not None
        except sqlite3.OperationalError:
            return False

    used = {}
    for i in range(len(phrase)):
        for k in range(2, min(longest, len(phrase) - i) + 1):
            piece = phrase[i:i + k]
            if piece != phrase and piece not in used:
                used[piece] = found([piece])

    def ways(i: int, depth: int) -> list[list[str]]:
        if i >= len(phrase):
            return [[]]
        if depth == 0:
            return []
        out = []
        for k in range(min(longest, len(phrase) - i), 1, -1):
            if used.get(phrase[i:i + k]):
                out += [[phrase[i:i + k]] + rest for rest in ways(i + k, depth - 1)]
        if not out:  # a character no word covers is left out
            out = ways(i + 1, depth)
        return out

    for way in sorted(ways(0, 4), key=lambda w: (-sum(map(len, w)), len(w), [-len(x) for x in w]))[:12]:
        if len(way) > 1 and found(way):
            return way
    return []
