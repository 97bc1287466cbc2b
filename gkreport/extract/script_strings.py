"""The article of a web page that is not in its HTML but in a script: ``document.write('…')``, a
page built with ``html += '…'``, or a CMS's JSON (``var articleData = {"content": "<p>…"}``).

The string literals of such a script are decoded (JavaScript and JSON escapes, ``\\uXXXX``
included); those that carry markup or Chinese text are joined in order and parsed as HTML in the
script's place, as the browser would have shown them. Keys, element ids and other code strings
(no markup, no Chinese) are left out.
"""

from __future__ import annotations

import json
import re
from typing import Iterator

# a script worth decoding holds Chinese text, markup, or escapes standing for them
_HINT = re.compile(r"[\u4e00-\u9fff]|\\u[0-9a-fA-F]{4}|<\w|\\x3[cC]")
_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{1,3}|\r\n|[\s\S])")
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "\n": "", "\r": "", "\u2028": "",
           "\u2029": ""}
_CONTENT = re.compile(r"[\u4e00-\u9fff<>&]")
MAX_SCRIPT = 5_000_000  # characters: a larger inline script is a library, not an article


def might_hold_text(script: str) -> bool:
    return len(script) <= MAX_SCRIPT and bool(_HINT.search(script))


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body

    def one(m: re.Match) -> str:
        e = m.group(1)
        if e in _SIMPLE:
            return _SIMPLE[e]
        if e == "\r\n":
            return ""  # a line continuation
        if e[0] == "u":
            return chr(int(e[2:-1] if e[1] == "{" else e[1:], 16))
        if e[0] == "x" and len(e) == 3:
            return chr(int(e[1:], 16))
        if e[0] in "01234567" and (len(e) > 1 or e != "0"):
            return chr(int(e, 8))
        return "\0" if e == "0" else e

    text = _ESCAPE.sub(one, body)
    # \uD83D\uDE00: a character outside the basic plane written as its two UTF-16 halves
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def literals(script: str) -> Iterator[tuple[str, bool, bool]]:
    """Each string literal of a script, decoded; whether it is an object key (a ':' follows) and
    whether it is an object's value (a ':' goes before)."""
    i, n = 0, len(script)
    previous = ""  # the last character of code before a literal
    while i < n:
        ch = script[i]
        if ch == "/" and i + 1 < n and script[i + 1] in "/*":
            end = script.find("\n" if script[i + 1] == "/" else "*/", i + 2)
            i = n if end < 0 else end + (1 if script[i + 1] == "/" else 2)
            continue
        if ch in "'\"`":
            j = i + 1
            while j < n and script[j] != ch:
                j += 2 if script[j] == "\\" else 1
            body = script[i + 1:j]
            k = j + 1
            while k < n and script[k] in " \t\r\n":
                k += 1
            yield _unescape(body), k < n and script[k] == ":", previous == ":"
            i = j + 1
            previous = ""
            continue
        if not ch.isspace():
            previous = ch
        i += 1


def _json_strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v)


def script_html(script: str) -> str:
    """The markup and text a script writes into its page, in order ('' for none)."""
    parts = []
    for text, is_key, is_value in literals(script):
        if is_key or not _CONTENT.search(text):
            continue
        stripped = text.strip()
        if stripped[:1] in "{[" and stripped[-1:] in "}]":
            try:  # a JSON document inside a string: its own strings are the content
                parts.extend(f"<div>{s}</div>" for s in _json_strings(json.loads(stripped)) if _CONTENT.search(s))
                continue
            except ValueError:
                pass
        # the values of an object (title, source, content) are blocks of their own; the pieces of a
        # string built by concatenation are not
        parts.append(f"<div>{text}</div>" if is_value else text)
    return "".join(parts)
