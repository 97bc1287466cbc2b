"""robots.txt as RFC 9309 reads it, by Protego (Scrapy's parser).

The longest matching rule decides, so `Allow: /zwgk/xxgk/gknb/` under `Disallow: /zwgk/`
allows the report column; Python's urllib.robotparser takes the first matching rule and
would forbid it. What the answer for /robots.txt means (RFC 9309 §2.3.1): a 4xx is no
rules at all, a 5xx or no answer forbids the whole site, and only the first 500 KiB are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from protego import Protego

AGENT = "gkreport"  # the product token matched against User-agent lines
MAX_BYTES = 500 * 1024
MAX_CRAWL_DELAY = 30.0  # seconds: a larger Crawl-delay would stop a run; such a site is slow, not closed


@dataclass
class Robots:
    rules: Optional[Protego] = None
    closed: Optional[str] = None  # why the whole site is out of bounds (its robots.txt could not be read)

    def allows(self, url: str) -> bool:
        if self.closed:
            return False
        return self.rules is None or self.rules.can_fetch(url, AGENT)

    def crawl_delay(self) -> float:
        delay = self.rules.crawl_delay(AGENT) if self.rules else None
        return min(float(delay), MAX_CRAWL_DELAY) if delay else 0.0


def from_answer(status: int, body: bytes) -> Robots:
    """The rules of a site from the answer to its /robots.txt (after redirects)."""
    if 200 <= status < 300:
        return Robots(Protego.parse(body[:MAX_BYTES].decode("utf-8", "replace")))
    if 400 <= status < 500:
        return Robots()
    return Robots(closed=f"robots.txt 返回 HTTP {status}，按 robots 协议视为全站禁止抓取")


def unreachable(problem: str) -> Robots:
    return Robots(closed=problem)
