"""Plain-text reports (.txt, .md): bytes → text, in whatever encoding they come in."""

from __future__ import annotations

import codecs
import re

from . import ExtractError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# what Chinese text in UTF-16 reads as: CJK characters and punctuation, full-width forms, ASCII, Latin-1
_PLAUSIBLE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\x20-\x7e\t\n\r\xa0-\xff]")


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte is zero for the ASCII parts (digits, tabs, newlines).
    Text that is nearly all Chinese has few of those: then it is the byte order in which the
    sample reads as Chinese text (read the other way, or as UTF-16 at all when it is not, it is
    characters from all over the code space)."""
    sample = data[:4000]
    if len(sample) < 4 or b"\x00" not in sample:  # (one scan for a zero byte settles nearly every file)
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.2 and even < 0.05:
        return "utf-16-le"
    if even > 0.2 and odd < 0.05:
        return "utf-16-be"
    sample = sample[: len(sample) // 2 * 2]
    for enc in ("utf-16-le", "utf-16-be"):
        text = sample.decode(enc, "replace")
        if len(_PLAUSIBLE.findall(text)) > 0.9 * len(text):
            return enc
    return None


def _decoded(data: bytes, encoding: str) -> tuple[str, bool]:
    """The text, and whether the file ended in the middle of a character: then it is read up to
    its last whole character (a download cut short). Any other undecodable byte raises."""
    try:
        return data.decode(encoding), False
    except UnicodeDecodeError as e:
        if e.end < len(e.object) or e.reason not in ("unexpected end of data", "incomplete multibyte sequence",
                                                     "truncated data"):
            raise
        return e.object[:e.start].decode(encoding), True


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\ufffd]")


def _is_text(s: str) -> bool:
    """Decoded binary shows itself as control characters and replacement marks."""
    if not s:
        return False
    sample = s[:20000]
    return len(_CONTROL.findall(sample)) / len(sample) < 0.01


_NOT_CONTROL = bytes(b for b in range(256) if not (b <= 0x08 or 0x0e <= b <= 0x1f))


def _is_text_bytes(data: bytes, text: str) -> bool:
    """``_is_text`` for text decoded from UTF-8 or GB18030, counted over the whole file on its bytes:
    a control character is one byte in both (no byte of a multi-byte character is below 0x30), and
    deleting every other byte is a single table look-up per byte, where the pattern is a step of the
    regex engine per character."""
    if not text:
        return False
    marks = len(data.translate(None, _NOT_CONTROL)) + text.count("\ufffd")
    return marks / len(text) < 0.01


_DAMAGED = re.compile("\ufffd+")


def _nearly(data: bytes) -> tuple[str, str, bool, int] | None:
    """UTF-8 or GB18030 text with a few damaged places (a byte flipped breaks one character, which
    reads as up to three U+FFFD), as read with U+FFFD for them."""
    best = None
    for enc in ("utf-8", "gb18030"):
        text = data.decode(enc, "replace")
        bad = len(_DAMAGED.findall(text))
        if bad <= max(1, len(text) // DAMAGE_RATE) and _is_text(text) and (best is None or bad < best[3]):
            best = (text, enc, False, bad)
    return best


def decode(data: bytes, name: str = "") -> tuple[str, str]:
    """The text and the encoding it was in (see ``decode_text``)."""
    text, encoding, _, _ = decode_text(data, name)
    return text, encoding


# A text in UTF-8 or GB18030 but for a few bytes (damaged in a download or a copy) is read with
# U+FFFD for them, up to one damaged place in this many characters: more, and it is not that text.
DAMAGE_RATE = 1000


def decode_text(data: bytes, name: str = "") -> tuple[str, str, bool, int]:
    """The text, the encoding it was in, whether the file was cut off in the middle of a character,
    and how many bytes could not be decoded. Chinese government files come as UTF-8 (with or
    without BOM), GB18030/GBK/GB2312, or UTF-16; try those exactly, then those with a few damaged
    bytes, before asking a detector."""
    if not data.strip():
        raise ExtractError("文件为空", "empty file")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text, truncated = _decoded(data, enc)
            except UnicodeDecodeError:
                break  # a BOM, then something else: let the content decide
            return text, enc.replace("-sig", "") + " (BOM)", truncated, 0
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            text, truncated = _decoded(data, utf16)
            if _is_text(text):
                return text, utf16, truncated, 0
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8000]:
        raise ExtractError("二进制文件，不是文本", "binary file, not text")
    for enc in ("utf-8", "gb18030"):
        try:
            text, truncated = _decoded(data, enc)
        except UnicodeDecodeError:
            continue
        if _is_text_bytes(data, text):
            return text, enc, truncated, 0
    damaged = _nearly(data)
    if damaged:
        return damaged
    from charset_normalizer import from_bytes  # (only here: nearly every file is settled above, and it is slow to load)

    best = from_bytes(data).best()
    if best is not None and _is_text(str(best)):
        return str(best), best.encoding, False, 0
    raise ExtractError("无法识别文件编码，可能是二进制文件", "unknown encoding, probably binary")
