"""The work of a run, by host: each host's URLs in the order they were found, one worker on a
host at a time, the hosts in parallel."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Optional

from .fetch import host_of


@dataclass
class Task:
    url: str
    role: str  # start (a URL given: list or article, read from the page), list, article, document
    title: str = ""
    found_on: Optional[str] = None
    listed_date: Optional[str] = None
    body_name: Optional[str] = None
    list_pages: int = 0  # pages of its list followed before it


class Frontier:
    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.queues: dict[str, deque[Task]] = {}
        self.busy: set[str] = set()
        self.active = 0
        self.seen: set[str] = set()
        self.total = 0

    def put(self, task: Task) -> bool:
        """Queue a URL not met before in this run; says whether it was new."""
        with self.cond:
            if task.url in self.seen:
                return False
            self.seen.add(task.url)
            self.queues.setdefault(host_of(task.url), deque()).append(task)
            self.total += 1
            self.cond.notify_all()
            return True

    def mark_seen(self, url: str) -> bool:
        """A URL reached some other way (a redirect's target); says whether it was new."""
        with self.cond:
            new = url not in self.seen
            self.seen.add(url)
            return new

    def take(self) -> Optional[Task]:
        """The next URL of a host no one is working on; None once everything is done."""
        with self.cond:
            while True:
                for host, queue in self.queues.items():
                    if queue and host not in self.busy:
                        self.busy.add(host)
                        self.active += 1
                        return queue.popleft()
                if self.active == 0:
                    self.cond.notify_all()
                    return None
                self.cond.wait()

    def done(self, task: Task) -> None:
        with self.cond:
            self.busy.discard(host_of(task.url))
            self.active -= 1
            self.cond.notify_all()
