"""Chinese full-text search over the narrative: text and queries expanded into overlapping character pairs.

SQLite's FTS5 tokenizers do not segment Chinese: `unicode61` makes a whole run of
characters one token, and `trigram` cannot match a two-character word. So the
index is written over an expanded form of the text, in which every character is
paired with the next one (政策解读 → 政策 策解 解读). Punctuation breaks the
pairs, and the characters on either side of it stand alone (读、培 → 读 培). A
query is expanded the same way into an FTS5 phrase, so a word matches exactly
where its characters stand together in the text:

- two or more characters: the phrase of their pairs (政策解读 → "政策 策解 解读");
- one character: a prefix query ("疫"*), which finds it as the first half of a
  pair, or alone before punctuation.

Whitespace is dropped before pairing: between Chinese characters it is layout
(the line breaks of extracted PDFs). Letters and digits are paired like Chinese,
so 12345 and "open" are found inside longer strings too. The expansion is a few
C-level string operations per text, cheap enough to run inside each report's
write transaction.
"""

from __future__ import annotations

import re
from array import array
from operator import add

from . import summaries
from .narrative import narrative

# the version of what is indexed: the index is rebuilt when it changes (see ensure_index)
VERSION = 2

_BREAK = re.compile(r"[\W_]+")
_TERM = re.compile(r'"([^"]*)"?|(\S+)')


def _compact(text: str) -> str:
    """Whitespace dropped, every run of punctuation one break."""
    return _BREAK.sub("|", "".join(text.split()))


# The punctuation of Chinese prose, which the index's tokenizer (ascii) would take for part of a word.
_CJK_PUNCTUATION = "，。、；：？！“”‘’（）《》〈〉〔〕【】「」『』—…·％"
_OTHER_BREAK = re.compile(r"[^\x00-\x7f\w]")  # any other character outside ASCII that is not part of a word
assert not any(c.isalnum() for c in _CJK_PUNCTUATION)


def _index_form(text: str) -> str:
    """What ``_compact`` gives, as the index's tokenizer reads it: the same tokens at the same positions.

    The tokenizer breaks words at every ASCII character that is not a letter or a digit, so those
    may stay, and a run of breaks is as good as one (a pair of two breaks makes no token). Only the
    punctuation outside ASCII must become a break: a few plain replacements do it for prose, in
    two thirds of the time of the pattern, which is left for text with any other such character."""
    s = "".join(text.split())
    for mark in _CJK_PUNCTUATION:
        if mark in s:
            s = s.replace(mark, "|")
    return _BREAK.sub("|", s) if _OTHER_BREAK.search(s) else s


def expand(text: str | None) -> str:
    """The form of a text that goes into the index: "ab bc cd d|" for "abcd"."""
    if not text:
        return ""
    # code points as 32-bit integers, so that the pairs are laid out by two slice assignments in C:
    # three times faster than joining pairs made one by one, and this runs for every report
    chars = array("I")
    chars.frombytes((_index_form(text) + "|").encode("utf-32-le"))  # a last character stands alone
    out = array("I", b" \0\0\0" * (3 * (len(chars) - 1)))
    out[0::3] = chars[:-1]
    out[1::3] = chars[1:]
    return out.tobytes().decode("utf-32-le")


def index_row(heading: str | None, body: str | None) -> tuple[bytes, bytes]:
    """A section as the index holds it: its heading and its prose, without the cells of the
    tables printed in it (narrative.py), expanded into pairs; as UTF-8, which the index reads
    as it is (see store.TEXT_AS_UTF8 for why bytes)."""
    return expand(heading).encode(), expand(narrative(body, note="")).encode()


def _phrase(term: str) -> str:
    t = _compact(term).strip("|")
    if not t:
        return ""
    if len(t) == 1:
        return f'"{t}"*'
    return '"' + " ".join(map(add, t, t[1:])) + '"'


def _terms(query: str | None) -> list[str]:
    return [quoted or bare for quoted, bare in _TERM.findall(query or "")]


def match_expression(query: str | None) -> str:
    """A user's query → an FTS5 MATCH expression over the expanded text.

    Words separated by spaces must all occur; a "quoted phrase" must occur as it is.
    Nothing a user types can be an FTS5 syntax error: every term is quoted and
    holds only letters, digits and Chinese characters.
    """
    phrases = [p for p in map(_phrase, _terms(query)) if p]
    # an empty phrase matches nothing: the answer to a query with no words in it
    return " ".join(phrases) if phrases else '""'


# What the site's SQL functions take (datasette_plugins/search.py). Looking for the words costs the
# length of the text times that of the longest word, in one call that holds the whole Python
# process: a 48-character word in 200,000 characters took 0.25 s, in 20 MB half a minute; at these
# sizes a few hundredths of a second. Narrative sections run to a few thousand characters.
MAX_QUERY = 200
MAX_WORD = 50
MAX_TEXT = 20_000


def check_query(query: str | None) -> None:
    """ValueError, in Chinese, for a query longer than the site's SQL functions take."""
    if query is None:
        return
    if len(query) > MAX_QUERY:
        raise ValueError(f"搜索词太长：最多 {MAX_QUERY} 个字符。Search text over {MAX_QUERY} characters.")
    if any(len(w) > MAX_WORD for term in _terms(query) for w in _compact(term).split("|")):
        raise ValueError(f"搜索的词太长：每个词最多 {MAX_WORD} 个字。A search word over {MAX_WORD} characters.")


def _pattern(query: str | None) -> re.Pattern | None:
    words = {w for term in _terms(query) for w in _compact(term).split("|") if w}
    if not words:
        return None
    # a word may be broken by whitespace in the text (line breaks), as the index allows
    alternatives = (r"\s*".join(map(re.escape, w)) for w in sorted(words, key=len, reverse=True))
    return re.compile("|".join(alternatives), re.IGNORECASE)


_HAN_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_SPACE = re.compile(r"\s+")


def snippet(text: str | None, query: str | None, width: int = 60) -> str | None:
    """The passage of text around the first match, as plain text with each match wrapped in <mark>.

    The site escapes everything else when it shows the passage (datasette_plugins/highlight.py).
    """
    if text is None:
        return None
    pattern = _pattern(query)
    found = pattern.search(text) if pattern else None
    if not found:
        return _SPACE.sub(" ", text[: width * 2]).strip() + ("…" if len(text) > width * 2 else "")
    start = max(0, found.start() - width)
    end = min(len(text), found.end() + width)
    passage = _HAN_SPACE.sub("", text[start:end])
    body = _SPACE.sub(" ", pattern.sub(lambda m: "<mark>" + m.group() + "</mark>", passage)).strip()
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


# ---------------------------------------------------------------------------
# The index: a contentless FTS5 table over the expanded headings and bodies of
# `sections` (their prose: see index_row), its rowids those of `sections`.
# Contentless, because the expanded text is three times the size of the text and
# is never shown: the site shows `sections.body`. Rows are written by store.write (expanded in the ingest
# workers) and removed by store.delete_report, in the report's own transaction.

FTS_TABLE = "sections_fts"
INSERT = f"insert into [{FTS_TABLE}] (rowid, heading, body) values (?, ?, ?)"


# FTS5 holds the terms of rows not yet written to the index in memory, and writes them out as a
# new segment when they pass this size (1 MiB by default) or the transaction commits. Each segment
# is later merged into larger ones, so fewer, larger segments halve what an ingest spends on the index.
HASH_SIZE = 16 << 20


def ensure_index(conn) -> None:
    """Create the index; rebuild it from `sections` when it is new or was built by another VERSION."""
    exists = conn.execute("select 1 from sqlite_master where name = ?", [FTS_TABLE]).fetchone()
    if exists and summaries.recorded(conn, FTS_TABLE) == str(VERSION):
        _configure(conn)
        return
    conn.execute(f"drop table if exists [{FTS_TABLE}]")
    conn.execute(f"create virtual table [{FTS_TABLE}] using fts5(heading, body, content='', tokenize='ascii')")
    _configure(conn)
    conn.executemany(INSERT, ((rowid, *index_row(h, b)) for rowid, h, b in
                              conn.execute("select rowid, heading, body from sections")))
    summaries.record(conn, FTS_TABLE, str(VERSION))


def _configure(conn) -> None:
    # (stored in the index's own config table, so an index made by an earlier version gets it too)
    row = conn.execute(f"select v from [{FTS_TABLE}_config] where k = 'hashsize'").fetchone()
    if row is None or row[0] != HASH_SIZE:
        conn.execute(f"insert into [{FTS_TABLE}] ([{FTS_TABLE}], rank) values ('hashsize', ?)",
                     [HASH_SIZE])


def _rows(conn, report_id: str):
    for rowid, heading, body in conn.execute("select rowid, heading, body from sections where report_id = ?",
                                             [report_id]).fetchall():
        yield rowid, *index_row(heading, body)


def unindex_report(conn, report_id: str) -> None:
    # a contentless table forgets a row when told the same tokens it was given
    conn.executemany(f"insert into [{FTS_TABLE}] ([{FTS_TABLE}], rowid, heading, body) values ('delete', ?, ?, ?)",
                     _rows(conn, report_id))
