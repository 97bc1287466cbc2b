"""A web page's bytes → text, the way a browser reads them.

The charset of the HTTP header comes first, then the page's own <meta>, then a guess
(charset-normalizer). Government sites still declare gb2312 for pages in GBK, whose
characters (喆, 镕, 堃 in names) are outside GB2312: every Chinese national charset is
read as GB18030, which holds all of them. Bytes that are valid UTF-8 are read as UTF-8
whatever the page says: pages moved to UTF-8 often keep the <meta gb2312> of their old
template, GB18030 would read those bytes without an error (as nonsense), and GBK text is
practically never valid UTF-8.
"""

from __future__ import annotations

import codecs
import re
from typing import Optional

from bs4.dammit import EncodingDetector

_CHINESE = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312", "csgb2312", "gb_2312-80"}
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _codec(name: Optional[str]) -> Optional[str]:
    if not name:
        return None
    name = name.strip().lower()
    if name in _CHINESE:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def header_charset(content_type: Optional[str]) -> Optional[str]:
    m = _HEADER_CHARSET.search(content_type or "")
    return m.group(1) if m else None


def decode_page(data: bytes, content_type: Optional[str] = None) -> tuple[str, str]:
    """The page's text and the codec it was read with."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, "replace"), codec.replace("-sig", "")
    if not data.isascii():
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    meta = EncodingDetector.find_declared_encoding(data[:8192], is_html=True)
    for declared in (header_charset(content_type), meta):
        codec = _codec(declared)
        if codec:
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                continue
    try:
        return data.decode("gb18030"), "gb18030"  # what a Chinese page is when it is not UTF-8
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best), _codec(best.encoding) or best.encoding
    return data.decode("gb18030", "replace"), "gb18030"
