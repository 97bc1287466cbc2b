"""HTTP for the collector: politely, one request at a time per host, and never for ever.

Each host has a gate: a request starts only when the one before it on that host has
ended and `delay` seconds have passed since (the larger of --delay and the site's
Crawl-delay), and robots.txt is the first thing asked of a host. Redirects are followed
here, hop by hop, each hop through its own host's gate and robots.txt, so a retry or a
hop counts as a request like any other; that is why retries are ours and not urllib3's.

Answers over `max_bytes` are given up as soon as that is known (Content-Length) or
reached (a stream without one), and the connection is closed rather than read to its end.
"""

from __future__ import annotations

import email.utils
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Optional
from urllib.parse import urljoin, urlsplit

import httpx

from . import robots as robots_txt

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0  # seconds without a byte from the server
ANSWER_SECONDS = 600.0  # one answer, however it trickles
MAX_HOPS = 10
RETRY_WAIT = 1.0  # seconds before the second attempt, doubled before each later one
RETRY_WAIT_MAX = 60.0
ATTEMPTS = {"server_error": 4, "timeout": 2, "unreachable": 2, "broken": 3}
REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(Exception):
    """A URL that could not be fetched. ``message`` is Chinese and names the problem; ``kind`` is one
    of server_error, timeout, unreachable, broken, redirect_loop, too_many_redirects, too_large,
    http_status, forbidden (robots.txt), site_closed (robots.txt unreadable), bad_url."""

    def __init__(self, kind: str, message: str, url: str = "", attempts: int = 0, status: int = 0):
        super().__init__(message)
        self.kind, self.message, self.url, self.attempts, self.status = kind, message, url, attempts, status


@dataclass
class Answer:
    url: str  # as asked
    final_url: str  # after redirects: relative links resolve against it
    status: int  # 200, or 304 when the validators still hold
    headers: httpx.Headers
    body: bytes = b""
    hops: list[str] = field(default_factory=list)  # the addresses redirected from, in order


Validators = Callable[[str], Optional[dict]]  # url → {"etag": …, "last_modified": …} or None


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


class Host:
    """One site: its gate, its connection, its robots.txt."""

    def __init__(self, name: str, client: httpx.Client):
        self.name = name
        self.client = client
        self.gate = threading.Lock()
        self.robots_lock = threading.Lock()
        self.next_start = 0.0  # time.monotonic() before which no request may start
        self.robots: Optional[robots_txt.Robots] = None
        self.down: Optional[str] = None  # the site answers nothing: why

    def wait_until(self, t: float) -> None:
        self.next_start = max(self.next_start, t)


class Fetcher:
    def __init__(self, *, delay: float, max_bytes: int, user_agent: str,
                 on_request: Optional[Callable[[str], None]] = None):
        self.delay = delay
        self.max_bytes = max_bytes
        self.user_agent = user_agent
        self.on_request = on_request
        self.hosts: dict[str, Host] = {}
        self.lock = threading.Lock()

    def close(self) -> None:
        for host in self.hosts.values():
            host.client.close()

    def host(self, url: str) -> Host:
        name = host_of(url)
        with self.lock:
            if name not in self.hosts:
                client = httpx.Client(
                    follow_redirects=False,
                    timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
                    headers={"User-Agent": self.user_agent,
                             "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                             "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"},
                    limits=httpx.Limits(max_connections=1, max_keepalive_connections=1))
                self.hosts[name] = Host(name, client)
            return self.hosts[name]

    # ------------------------------------------------------------------ robots.txt

    def robots(self, host: Host, scheme: str) -> robots_txt.Robots:
        """The site's rules, read once: the first request made to a host."""
        with host.robots_lock:
            if host.robots is None:
                url = f"{scheme}://{host.name}/robots.txt"
                try:
                    answer = self._follow(url, None, limit=5, check_robots=False,
                                          max_bytes=robots_txt.MAX_BYTES, partial=True)
                    host.robots = robots_txt.from_answer(answer.status, answer.body)
                    host.wait_until(time.monotonic() + host.robots.crawl_delay())
                except FetchError as e:
                    if e.kind == "http_status":
                        host.robots = robots_txt.from_answer(e.status, b"")
                    elif e.kind in ("redirect_loop", "too_many_redirects", "bad_url"):
                        host.robots = robots_txt.Robots()  # RFC 9309 §2.3.1.2: unavailable, as a 4xx
                    else:
                        host.robots = robots_txt.unreachable(f"robots.txt 无法读取：{e.message}")
                        if e.kind in ("unreachable", "timeout"):
                            host.down = e.message
            return host.robots

    def allowed(self, url: str) -> tuple[Host, robots_txt.Robots]:
        host = self.host(url)
        rules = self.robots(host, urlsplit(url).scheme)
        if host.down:
            raise FetchError("unreachable", host.down, url)
        if rules.closed:
            raise FetchError("site_closed", rules.closed, url)
        if not rules.allows(url):
            raise FetchError("forbidden", "robots.txt 不允许抓取此网址，已跳过", url)
        return host, rules

    # ------------------------------------------------------------------ GET

    def get(self, url: str, validators: Optional[Validators] = None) -> Answer:
        """The URL's answer after redirects: 200 with the body, or 304. Raises FetchError."""
        return self._follow(url, validators, limit=MAX_HOPS, check_robots=True, max_bytes=self.max_bytes)

    def _follow(self, url: str, validators: Optional[Validators], *, limit: int, check_robots: bool,
                max_bytes: int, partial: bool = False) -> Answer:
        chain = [url]
        current = url
        while True:
            if urlsplit(current).scheme not in ("http", "https"):
                raise FetchError("bad_url", f"不是 http(s) 网址：{current}", url)
            if check_robots:
                host, rules = self.allowed(current)
            else:
                host, rules = self.host(current), None
            cond = validators(current) if validators else None
            response, body = self._attempts(host, current, cond, max_bytes, partial,
                                            rules.crawl_delay() if rules else 0.0)
            if response.status_code in REDIRECTS and response.headers.get("location"):
                target = urljoin(current, response.headers["location"].strip())
                target = target.split("#", 1)[0]
                if target in chain:
                    loop = " → ".join(_short(u, url) for u in chain + [target])
                    raise FetchError("redirect_loop", f"重定向循环（redirect loop）：{loop}", url)
                if len(chain) > limit:
                    raise FetchError("too_many_redirects", f"重定向超过 {limit} 次（too many redirects）", url)
                chain.append(target)
                current = target
                continue
            status = response.status_code
            if status in (200, 203, 304) or (partial and 200 <= status < 300):
                return Answer(url, current, 304 if status == 304 else 200, response.headers, body, chain[:-1])
            raise FetchError("http_status", _status_message(status), url, status=status)

    def _attempts(self, host: Host, url: str, cond: Optional[dict], max_bytes: int, partial: bool,
                  crawl_delay: float) -> tuple[httpx.Response, bytes]:
        """One request, tried again after a 5xx, a timeout or a broken connection, waiting longer each time."""
        headers = {}
        if cond and cond.get("etag"):
            headers["If-None-Match"] = cond["etag"]
        if cond and cond.get("last_modified"):
            headers["If-Modified-Since"] = cond["last_modified"]
        attempt = 0
        while True:
            attempt += 1
            problem: Optional[FetchError] = None
            retry_after = None
            try:
                response, body = self._once(host, url, headers, max_bytes, partial, crawl_delay)
                if response.status_code < 500 and response.status_code != 429:
                    return response, body
                problem = FetchError("server_error", _status_message(response.status_code), url,
                                     status=response.status_code)
                retry_after = _retry_after(response.headers.get("retry-after"))
            except httpx.ConnectTimeout:
                problem = FetchError("timeout", f"连接网站 {CONNECT_TIMEOUT:.0f} 秒没有回应，超时（timeout）", url)
            except httpx.TimeoutException:
                problem = FetchError("timeout", f"等待 {READ_TIMEOUT:.0f} 秒没有响应，超时（timeout）", url)
            except httpx.ConnectError as e:
                problem = FetchError("unreachable", _connect_message(host.name, e), url)
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.DecodingError) as e:
                problem = FetchError("broken", f"连接中断（{type(e).__name__}）", url)
            except httpx.HTTPError as e:
                raise FetchError("broken", f"请求出错（{type(e).__name__}: {e}）", url) from None
            kind = problem.kind
            if attempt >= ATTEMPTS[kind]:
                problem.attempts = attempt
                if attempt > 1:
                    problem.message += f"，共试了 {attempt} 次"
                raise problem
            wait = min(RETRY_WAIT * 2 ** (attempt - 1), RETRY_WAIT_MAX)
            if retry_after is not None:
                wait = min(max(wait, retry_after), RETRY_WAIT_MAX)
            host.wait_until(time.monotonic() + wait)

    def _once(self, host: Host, url: str, headers: dict, max_bytes: int, partial: bool,
              crawl_delay: float) -> tuple[httpx.Response, bytes]:
        with host.gate:
            pause = host.next_start - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            if self.on_request:
                self.on_request(url)
            try:
                return self._send(host, url, headers, max_bytes, partial)
            finally:
                host.wait_until(time.monotonic() + max(self.delay, crawl_delay))

    def _send(self, host: Host, url: str, headers: dict, max_bytes: int, partial: bool) -> tuple[httpx.Response, bytes]:
        request = host.client.build_request("GET", url, headers=headers)
        response = host.client.send(request, stream=True)
        try:
            if not 200 <= response.status_code < 300:
                # redirects, 304 and errors: the few bytes they carry keep the connection usable
                _read_capped(response, 64 * 1024, url, cut=True)
                return response, b""
            length = response.headers.get("content-length")
            if length and length.isdigit() and int(length) > max_bytes and not partial:
                raise FetchError("too_large", _too_large(url, max_bytes, int(length)), url)
            return response, _read_capped(response, max_bytes, url, cut=partial)
        finally:
            response.close()  # unread, the connection is closed rather than drained


def _read_capped(response: httpx.Response, max_bytes: int, url: str, cut: bool = False) -> bytes:
    parts, size = [], 0
    deadline = time.monotonic() + ANSWER_SECONDS
    for chunk in response.iter_bytes():
        parts.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            if cut:
                break
            raise FetchError("too_large", _too_large(url, max_bytes, None), url)
        if time.monotonic() > deadline:
            raise FetchError("timeout", f"{ANSWER_SECONDS:.0f} 秒内没有传完，超时（timeout）", url)
    return b"".join(parts)[:max_bytes] if cut else b"".join(parts)


def _short(url: str, first: str) -> str:
    """An address as a path when it is on the same site as ``first``: the lines stay readable."""
    parts = urlsplit(url)
    if parts.netloc != urlsplit(first).netloc:
        return url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def _too_large(url: str, max_bytes: int, length: Optional[int]) -> str:
    size = f"文件大小 {_mb(length)}" if length else f"文件没有声明大小，读到 {_mb(max_bytes)} 还没有完"
    return f"{size}，超过下载上限 {_mb(max_bytes)}（--max-bytes {max_bytes}），未下载（too large）"


def _status_message(status: int) -> str:
    if status >= 500:
        return f"服务器错误（HTTP {status} server error）"
    words = {403: "禁止访问", 404: "网页不存在", 410: "网页已删除", 401: "需要登录", 429: "请求过于频繁"}
    return f"{words.get(status, '请求失败')}（HTTP {status}）"


def _connect_message(host: str, e: Exception) -> str:
    text = str(e).lower()
    if "refused" in text:
        why = "连接被拒绝，connection refused"
    elif "name or service" in text or "nodename" in text or "getaddrinfo" in text or "resolve" in text:
        why = "域名无法解析"
    elif "ssl" in text or "certificate" in text:
        why = "HTTPS 证书或加密连接出错"
    else:
        why = str(e) or type(e).__name__
    return f"无法连接网站 {host}（{why}）"


def _retry_after(value: Optional[str]) -> Optional[float]:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - time.time())
