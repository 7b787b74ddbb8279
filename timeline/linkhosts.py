"""Politeness toward each web host the link checker asks, and how long one host may keep it waiting.

So many requests at once in all and per host; a pause a host asks for (Retry-After) is waited out by
every request to it; and the waiting one host causes (its pauses and the backoff before asking it
again) is bounded, so that a host that always asks for a pause costs a run a bounded time, however
many of its addresses the content cites. A host that asks for a longer wait than is given is not
asked again in the run.
"""

from __future__ import annotations

import asyncio
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit


class Refused(Exception):
    """Not asked: the host asked another address for a wait longer than it is given (status, reason
    and why, as its answer said), or left a run of requests unanswered (status None)."""

    def __init__(self, status: int | None, reason: str, why: str):
        super().__init__(why)
        self.status, self.reason, self.why = status, reason, why


class Hosts:
    """The politeness rules of one run, host by host."""

    def __init__(self, s):
        self.all = asyncio.Semaphore(s.concurrency)
        self.per_host, self.max_wait, self.budget = s.per_host, s.max_wait, s.host_budget
        self.each, self.resume, self.spent, self.refused = {}, {}, {}, {}
        # Requests in a row a host may leave unanswered before the rest are not sent: two for each it
        # is asked at once (its first round and, as HEAD is followed by GET, the second).
        self.timeout, self.silence, self.silent = s.timeout, 2 * s.per_host, {}

    def key(self, url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}".lower()

    async def request(self, url: str, coroutine_factory):
        host = self.key(url)
        gate = self.each.setdefault(host, asyncio.Semaphore(self.per_host))
        async with gate:
            if host in self.refused:
                status, reason, why = self.refused[host]
                raise Refused(status, reason, why)
            delay = self.resume.get(host, 0) - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            async with self.all:
                return await coroutine_factory()

    def pause(self, url: str, seconds: float, status: int, reason: str) -> str | None:
        """Every request to the host waits `seconds` from now; or why not, if that is longer than
        max_wait or past the host's budget (then the host is not asked again)."""
        host, now = self.key(url), time.monotonic()
        longer = max(0.0, now + seconds - max(self.resume.get(host, 0), now))   # pauses overlap
        if seconds > self.max_wait:
            why = f"asked to wait {_said(seconds)}, longer than the {self.max_wait:g} s this check waits"
        elif self.spent.get(host, 0) + longer > self.budget:
            why = (f"asked to wait {_said(seconds)} more, past the {self.budget:g} s one host may "
                   "keep this check waiting")
        else:
            self.spent[host] = self.spent.get(host, 0) + longer
            self.resume[host] = max(self.resume.get(host, 0), now + seconds)
            return None
        self.refused[host] = (status, reason, why)
        return why

    def answered(self, url: str) -> None:
        self.silent[self.key(url)] = 0

    def unanswered(self, url: str) -> None:
        """A request timed out. A host that leaves a run of them unanswered (one that drops robots'
        requests) is not asked again: each of its addresses cost three requests of the whole timeout,
        so many at a time (24 addresses on one host: 3 minutes; 240: half an hour)."""
        host = self.key(url)
        self.silent[host] = self.silent.get(host, 0) + 1
        if self.silent[host] >= self.silence and host not in self.refused:
            self.refused[host] = (None, "", f"the host left {self.silence} requests in a row without an answer "
                                            f"within {self.timeout:g} s")

    def backoff(self, url: str, seconds: float) -> bool:
        """Whether the host's budget allows waiting `seconds` before asking it again (then spent)."""
        host = self.key(url)
        if self.spent.get(host, 0) + seconds > self.budget:
            return False
        self.spent[host] = self.spent.get(host, 0) + seconds
        return True


def _said(seconds: float) -> str:
    """A wait as a reader takes it in: a Retry-After of 400 nines was 'inf s', one of 30 a number of 28 digits."""
    return f"{seconds:.0f} s" if seconds < 86400 else "more than a day"


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():   # "²" and "５" are digits to str.isdigit, and no number to HTTP
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
