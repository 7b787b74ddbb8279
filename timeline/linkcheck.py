"""Ask web servers whether cited addresses still answer, politely, and say honestly what came back.

The client is httpx (async): it speaks HTTP/1.1 and TLS with certificate checks, has separate connect
and read timeouts and streams bodies, so this module only decides what to ask and how to read the
answer. Only `timeline links` imports it; a build never touches the network.

Each address ends in one kind:
- ok: it answers 2xx (perhaps through temporary redirects);
- redirected: it answers 2xx after a permanent redirect (301/308): the file should name the new address;
- broken: 404, 410 or another 4xx, no such host, a redirect loop, a private address or a redirect to one
  (never asked: see fields.private), or a name that resolves here to one (linknames);
- blocked: 401/403, or 429 that outlasts the retries or asks for a longer wait than is given: the page
  may be fine, the site refuses robots;
- unreachable: timeouts, TLS and connection errors (after retries), 5xx (502-504 after retries).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import quote_from_bytes, urljoin, urlsplit

import httpx

from . import __version__
# Asked first: the client's own error for such an address came wrapped (ExceptionGroup), a network failure's look.
from .fields import private, private_host, unusable as _unusable
from .linkhosts import Hosts as _Hosts, Refused, retry_after as _retry_after
from .linknames import NO_SUCH_HOST, Names, routed, transport as pinned

KINDS = ("ok", "redirected", "broken", "blocked", "unreachable")
USER_AGENT = (f"timeline-links/{__version__} (link checker of a sourced timeline of Sino-Russian relations; "
              f"python-httpx/{httpx.__version__})")
RETRY = {429, 502, 503, 504}
PERMANENT = {301, 308}
REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class Settings:
    timeout: float = 15.0       # seconds for each request, connect to last byte read
    concurrency: int = 16       # requests in flight in all
    per_host: int = 6           # requests in flight to one host: as many connections as a browser opens
    retries: int = 2            # further tries after a 429/502/503/504, timeout or connection error
    backoff: float = 1.0        # first wait before a retry, doubled each time
    max_wait: float = 60.0      # the longest Retry-After waited for: a longer one is not, nor its host asked again
    host_budget: float = 120.0  # seconds of pauses and backoff one host may cost a run, however many addresses
    max_redirects: int = 10
    body_cap: int = 64 * 1024   # bytes of a body read at most
    user_agent: str = USER_AGENT
    trust_env: bool = True      # honour HTTP(S)_PROXY and NO_PROXY
    allow_private: bool = False  # ask loopback and private-network addresses too (the tests' local servers)


@dataclass(frozen=True)
class Outcome:
    kind: str
    message: str
    status: int | None = None
    new_url: str | None = None   # for "redirected": where the permanent redirect leads


def check(urls, settings: Settings = Settings(), transport: httpx.AsyncBaseTransport | None = None,
          done: dict | None = None) -> dict:
    """{url: Outcome} for every address, checked concurrently. Each outcome is also put in `done` as it
    comes, so that a run stopped by Ctrl-C (KeyboardInterrupt, raised here) keeps what it found."""
    done = {} if done is None else done

    def job():
        asyncio.run(_check_all(list(dict.fromkeys(urls)), settings, transport, done))
        return {url: done[url] for url in dict.fromkeys(urls)}
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return job()
    # Called from inside an event loop (a test run beside Playwright's, say): a thread gets its own.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(job).result()


async def _check_all(urls: list[str], s: Settings, transport, done: dict) -> None:
    limits = httpx.Limits(max_connections=s.concurrency, max_keepalive_connections=s.concurrency)
    hosts, names = _Hosts(s), Names(s.trust_env, s.allow_private)
    async with httpx.AsyncClient(headers={"User-Agent": s.user_agent, "Accept": "*/*"}, timeout=s.timeout,
                                 limits=limits, follow_redirects=False, trust_env=s.trust_env,
                                 event_hooks={"response": [_keep_answer]},
                                 transport=transport or pinned(names, limits, s.trust_env)) as client:
        names.proxied = routed(client)

        async def one(url):
            done[url] = await _guarded(client, url, s, hosts, names)
        await asyncio.gather(*(one(url) for url in urls))
    _unless_no_name_resolves(done)


NO_NAME_RESOLVES = 3   # hosts, each "no such host", that make the lookups themselves the suspect


def _unless_no_name_resolves(done: dict) -> None:
    """Every one of several hosts "does not exist": this machine's name lookups fail (offline behind a
    resolver that answers no name, as in a sandbox), not the sites; said so, not counted as broken."""
    hosts = {urlsplit(url).hostname for url in done}
    if len(hosts) < NO_NAME_RESOLVES or any(o.message != "no such host" for o in done.values()):
        return
    why = (f"no such host, as for every one of the {len(hosts)} hosts asked: this machine's name lookups fail "
           "(offline?); not counted as broken")
    for url in done:
        done[url] = Outcome("unreachable", why)


async def _guarded(client, url: str, s: Settings, hosts: _Hosts, names: Names) -> Outcome:
    """One address's trouble, whatever it is, is reported with it and never stops the others."""
    try:
        return await _check_one(client, url, s, hosts, names)
    except Exception as exc:   # noqa: BLE001 (the report names it)
        return Outcome("unreachable", f"could not be checked ({type(exc).__name__}: {exc})")


async def _check_one(client, url: str, s: Settings, hosts: _Hosts, names: Names) -> Outcome:
    """Follow redirects by hand, to tell permanent from temporary ones and to catch loops."""
    chain, current, moved_to, unbroken = [url], url, None, True
    if (unusable := _unusable(url)) is not None:
        return Outcome("broken", f"not a usable address ({unusable})")
    if not s.allow_private and (why := _private(url) or await names.private(url)):
        return Outcome("broken", f"a private address, not asked ({why}): readers elsewhere cannot open it")
    for _ in range(s.max_redirects + 1):
        answer = await _ask(client, current, s, hosts)
        if isinstance(answer, Outcome):
            return _after(answer, chain)
        status, reason, location = answer
        if status in REDIRECTS and location:
            target = urljoin(current, location)
            if urlsplit(target).scheme not in ("http", "https"):
                return Outcome("broken", f"{status} redirects to '{target}', not a web address", status)
            if (unusable := _unusable(target)) is not None:
                return Outcome("broken", f"{status} redirects to '{target}', not a usable address ({unusable})", status)
            if not s.allow_private and (why := _private(target) or await names.private(target)):
                return Outcome("broken", f"{status} redirects to a private address, not asked: {target} ({why})",
                               status)
            if target in chain:
                return Outcome("broken", f"redirect loop: {' -> '.join(chain + [target])}", status)
            # The new address worth writing down is where the unbroken run of permanent redirects leads.
            unbroken = unbroken and status in PERMANENT
            moved_to = target if unbroken else moved_to
            chain.append(target)
            current = target
            continue
        return _after(_classify(status, reason, moved_to, url), chain)
    return Outcome("broken", f"more than {s.max_redirects} redirects", None)


def _private(url: str) -> str | None:
    """fields.private, and the same of the host as the client reads it (its IDNA mapping may differ)."""
    try:
        return private(url) or private_host(httpx.URL(url).host)
    except httpx.InvalidURL:
        return None


def _location(headers: httpx.Headers) -> str | None:
    """The Location header as an address, its bytes outside printable ASCII percent-encoded as they
    came, as browsers and curl send them (httpx reads such bytes as Latin-1, and a request sent them
    again as UTF-8: a Windows-1251 path was asked for as another, and found missing)."""
    raw = next((value for name, value in headers.raw if name.lower() == b"location"), None)
    return None if raw is None else quote_from_bytes(raw.strip(), safe=_PRINTABLE)


_PRINTABLE = "".join(map(chr, range(0x21, 0x7F)))


def _after(outcome: Outcome, chain: list[str]) -> Outcome:
    if len(chain) > 1 and outcome.kind != "redirected":
        return Outcome(outcome.kind, f"{outcome.message} (after a redirect to {chain[-1]})", outcome.status,
                       outcome.new_url)
    return outcome


def _classify(status: int, reason: str, moved_to: str | None, url: str) -> Outcome:
    said = f"{status} {reason}".strip()
    if 200 <= status < 300:
        if moved_to and moved_to != url:
            return Outcome("redirected", f"moved permanently to {moved_to}: put the new address in the file",
                           status, moved_to)
        return Outcome("ok", said, status)
    if status in (401, 403, 429):
        return Outcome("blocked", f"{said}: the site refuses automated checks; open the page in a browser",
                       status)
    if 400 <= status < 500:
        return Outcome("broken", said, status)
    # A status HTTP does not define (LinkedIn's 999 to robots) is unexpected, as a 1xx or 3xx here is.
    return Outcome("unreachable", said if 500 <= status < 600 else f"unexpected answer {said}", status)


async def _ask(client, url: str, s: Settings, hosts: _Hosts):
    """(status, reason, Location) of one address, or an Outcome when there was no usable answer.
    HEAD first; GET when HEAD fails (some servers refuse or mishandle it: an error status, a HEAD left
    unanswered or a connection dropped). 429, 502-504 answers and network errors are retried with
    backoff; a Retry-After is waited for by every request to the host, within the host's budget."""
    method, tries, failure, owed, spent = "HEAD", 0, None, False, False
    while tries <= s.retries or owed:
        owed = False
        try:
            status, reason, headers = await hosts.request(url, lambda: _fetch(client, method, url, s))
        except Refused as exc:
            return _refused(exc.status, exc.reason, exc.why, failure, tries)
        except (httpx.TimeoutException, TimeoutError, httpx.HTTPError, httpx.InvalidURL) as exc:
            failure = _failure(exc, s)
            if isinstance(exc, httpx.TimeoutException | TimeoutError):
                hosts.unanswered(url)
            if failure.kind == "broken":
                return failure
            if method == "HEAD" and _mishandled_head(exc):
                # Asked again at once with GET, even past the last try: the server may answer only that.
                method, owed, tries = "GET", True, tries + 1
                continue
        else:
            hosts.answered(url)
            if method == "HEAD" and status >= 400 and status not in RETRY:
                method = "GET"   # not counted as a retry: it is a different question
                continue
            if status not in RETRY:
                return status, reason, _location(headers)
            failure = (status, reason)
            # For every address on the host, and after this one's last try too.
            if (wait := _retry_after(headers.get("retry-after"))) is not None and \
                    (why := hosts.pause(url, wait, status, reason)) is not None:
                return _refused(status, reason, why, own=True)
        tries += 1
        if tries <= s.retries:
            if spent := not hosts.backoff(url, s.backoff * 2 ** (tries - 1)):
                break
            await asyncio.sleep(s.backoff * 2 ** (tries - 1))
    return _gave_up(failure, tries, f" (not asked again: the {s.host_budget:g} s one host may keep this check "
                                    "waiting are spent)" if spent else "")


def _refused(status: int | None, reason: str, why: str, failure=None, tries: int = 0, own: bool = False) -> Outcome:
    """The host asked for a longer wait than it is given: in this answer (own), or in another
    address's, after this one had failed so many tries (or before it was asked)."""
    if status is None:   # the host answers nothing (linkhosts.Hosts.unanswered)
        return _gave_up(failure, tries, f" (not asked again: {why})") if failure is not None else \
            Outcome("unreachable", f"not asked: {why}; check again later")
    said = f"{status} {reason}".strip()
    if failure is not None:
        return _gave_up(failure, tries, f" (not asked again: the server answered {said} to another address "
                                        f"and {why})")
    kind, advice = ("blocked", "open the page in a browser or check again later") if status == 429 else \
        ("unreachable", "check again later")
    if own:
        return Outcome(kind, f"{said}: the server {why}; {advice}", status)
    return Outcome(kind, f"not asked: the server answered {said} to another address and {why}; {advice}")


def _gave_up(failure, tries: int, note: str) -> Outcome:
    after = f"after {tries} {'try' if tries == 1 else 'tries'}{note}"
    if isinstance(failure, tuple):
        status, reason = failure
        if status == 429:
            return Outcome("blocked", f"429 {reason} {after}: the site refuses automated checks; open the page "
                                      "in a browser", status)
        return Outcome("unreachable", f"{status} {reason} {after}", status)
    return Outcome(failure.kind, f"{failure.message} {after}", failure.status)


def _failure(exc: Exception, s: Settings) -> Outcome:
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return Outcome("unreachable", f"no answer within {s.timeout:g} s")
    return _network_error(exc)


def _mishandled_head(exc: Exception) -> bool:
    """The server took the HEAD and then kept silent or hung up: many answer GET all the same. A
    connection never made is no answer about HEAD."""
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return False
    return isinstance(exc, httpx.TimeoutException | TimeoutError | httpx.ReadError) or \
        isinstance(exc, httpx.RemoteProtocolError) and "location header" not in str(exc)


async def _fetch(client, method: str, url: str, s: Settings):
    request = client.build_request(method, url)
    async with asyncio.timeout(s.timeout):   # the whole exchange, not each read: a trickle ends too
        try:
            response = await client.send(request, stream=True)
        except httpx.InvalidURL:
            # httpx makes a redirect's next request even when it follows none, and fails on a Location it
            # cannot ask (javascript:, mailto:): the answer was that redirect, for _check_one to judge (it
            # blamed the address cited, 'not a usable address', in httpx's words).
            if (answer := request.extensions.get(_ANSWER)) is None:
                raise
            return answer
        try:
            # Read to the end (HEAD has nothing to read), so that the connection is kept for the next
            # request to the host; but no more than body_cap: closing a stream unread drops the connection
            # and the rest is never sent.
            read = 0
            async for chunk in response.aiter_raw():
                read += len(chunk)
                if read >= s.body_cap:
                    break
            return response.status_code, response.reason_phrase, response.headers
        finally:
            await response.aclose()


_ANSWER = "timeline.answer"   # the request's extensions keep its answer's status line and headers (_fetch)


async def _keep_answer(response: httpx.Response) -> None:
    response.request.extensions[_ANSWER] = response.status_code, response.reason_phrase, response.headers


def _network_error(exc: Exception) -> Outcome:
    cause, seen = exc, 0
    while cause is not None and seen < 10:
        if isinstance(cause, socket.gaierror):
            if cause.errno in NO_SUCH_HOST:
                return Outcome("broken", "no such host")
            return Outcome("unreachable", f"the host's name could not be looked up ({cause.strerror})")
        if isinstance(cause, ssl.SSLError):
            return Outcome("unreachable", f"TLS error: {cause.reason or cause}")
        cause, seen = cause.__cause__ or cause.__context__, seen + 1
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return Outcome("broken", f"not a usable address ({exc})")
    if isinstance(exc, httpx.RemoteProtocolError) and "location header" in str(exc):
        # httpx reads a redirect's Location even when it does not follow it, and names it so
        return Outcome("broken", f"redirects to an address that is not one ({exc})")
    return Outcome("unreachable", f"{type(exc).__name__}: {exc or 'connection failed'}")
