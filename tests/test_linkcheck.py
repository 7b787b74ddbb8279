"""`timeline links`, the checker of external addresses, against scripted servers on the loopback address.

(tests/test_links.py is another thing: it checks the links inside a built site.) A guard for the whole
module refuses any name lookup or connection that would leave this machine, so these tests can never
reach the real web; a name under .invalid (RFC 2606) is answered "no such host" by the guard itself.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import httpx
import pytest

from timeline import links
from timeline.cli import main
from timeline.linkcheck import Outcome, Settings, _retry_after, check

# Timeouts generous enough for a loaded two-core machine: a test must not fail because it was slow.
FAST = Settings(timeout=1.5, retries=2, backoff=0.05, max_wait=2.0, trust_env=False, allow_private=True)
HUGE = 200 * 1024 * 1024


def _loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


@pytest.fixture(scope="module", autouse=True)
def guard():
    """Every name looked up and every address connected to; anything off this machine fails the test."""
    seen = SimpleNamespace(asked=[], connected=[], leaks=[])
    real_lookup, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        seen.asked.append(name)
        if name.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if not _loopback(name):
            seen.leaks.append(name)
            raise AssertionError(f"looking up {name} would leave this machine")
        return real_lookup(host, *args, **kwargs)

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            seen.connected.append(address[0])
            if not _loopback(address[0]):
                seen.leaks.append(address[0])
                raise AssertionError(f"connecting to {address[0]} would leave this machine")
        return real_connect(sock, address)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket, "getaddrinfo", getaddrinfo)
        mp.setattr(socket.socket, "connect", connect)
        for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            mp.delenv(var, raising=False)
        yield seen
    # The checker reports any exception with its address, so a refused attempt is also counted here.
    assert seen.leaks == [], f"tried to leave the machine: {seen.leaks}"


class Tally:
    """Requests in flight, across servers, and the most seen at once."""

    def __init__(self):
        self.lock, self.now, self.peak = threading.Lock(), 0, 0


class Server:
    """A web server on 127.0.0.1 answering from a script; it logs (method, path, time, user agent,
    the client's port: one per connection)."""

    def __init__(self, tally: Tally | None = None):
        self.log, self.sent, self.tally, self.peak, self.now = [], 0, tally or Tally(), 0, 0
        self.stop, self.release = threading.Event(), threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_HEAD(self):
                owner.handle(self, "HEAD")

            def do_GET(self):
                owner.handle(self, "GET")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def hits(self, path: str, method: str | None = None) -> list:
        return [r for r in self.log if r[1] == path and method in (None, r[0])]

    def close(self):
        self.stop.set()
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(self, h, method: str):
        path = h.path
        with self.tally.lock:
            earlier = len(self.hits(path))
            self.log.append((method, path, time.monotonic(), h.headers.get("User-Agent"), h.client_address[1]))
        self.answer(h, method, path, earlier)

    def working(self, seconds: float):
        """Counted as in flight from the request read to before the answer is sent: strictly inside
        the time the client holds its slot."""
        with self.tally.lock:
            self.tally.now += 1
            self.tally.peak = max(self.tally.peak, self.tally.now)
            self.now += 1
            self.peak = max(self.peak, self.now)
        self.stop.wait(seconds)
        with self.tally.lock:
            self.tally.now -= 1
            self.now -= 1

    def answer(self, h, method, path, earlier):
        redirects = {"/moved": (301, "/ok"), "/moved-308": (308, "/ok"), "/temporary": (302, "/ok"),
                     "/moved-then-temporary": (301, "/temporary"), "/moved-to-gone": (301, "/gone"),
                     "/loop-a": (302, "/loop-b"), "/loop-b": (302, "/loop-a")}
        path = path.split("?")[0]
        fixed = {"/ok": 200, "/fine": 200, "/gone": 404, "/gone-410": 410, "/login": 401, "/forbidden": 403,
                 "/error": 500, "/bad-request": 400}
        if path in redirects:
            status, target = redirects[path]
            return self.reply(h, status, {"Location": target})
        if path.startswith("/chain/"):
            return self.reply(h, 302, {"Location": f"/chain/{int(path[7:]) + 1}"})
        if path in fixed:
            return self.reply(h, fixed[path])
        if path == "/busy-then-ok":
            return self.reply(h, 429, {"Retry-After": "1"}) if earlier == 0 else self.reply(h, 200)
        if path == "/busy":
            return self.reply(h, 429, {"Retry-After": "0"})
        if path == "/busy-superscript":   # a digit to str.isdigit, no number to HTTP
            return self.reply(h, 429, {"Retry-After": "\u00b2"})
        if path == "/to-cp1251":   # an older Russian site's Location, in Windows-1251 bytes (sent as Latin-1 text)
            return self.reply(h, 302, {"Location": "/cp1251-\xed\xee\xe2\xee\xf1\xf2\xe8"})
        if path.lower() == "/cp1251-%ed%ee%e2%ee%f1%f2%e8":   # as curl and browsers ask for it
            return self.reply(h, 200)
        if path == "/bad-location":
            return self.reply(h, 302, {"Location": "http://[::1/x"})
        if path.startswith("/always-busy/"):
            return self.reply(h, 429, {"Retry-After": "1"})
        if path == "/busy-for-an-hour":
            return self.reply(h, 429, {"Retry-After": "3600"})
        if path == "/unavailable-then-ok":
            return self.reply(h, 503) if earlier == 0 else self.reply(h, 200)
        if path in ("/no-head", "/huge"):
            if method == "HEAD":
                return self.reply(h, 405)
            if path == "/no-head":
                return self.reply(h, 200)
            return self.endless(h)
        if path == "/stall":   # until released
            self.release.wait(30)
            return self.reply(h, 200)
        if path == "/slow":
            self.stop.wait(6)
            return self.reply(h, 200)
        if path.startswith("/head-hangs") and method == "HEAD":   # a server that mishandles HEAD: no answer
            self.stop.wait(6)
            return self.reply(h, 200)
        if path == "/head-drops" and method == "HEAD":   # or the connection closed without one
            h.close_connection = True
            return None
        if path.startswith(("/head-hangs", "/head-drops")):
            return self.reply(h, 200)
        if path.startswith("/delay"):
            self.working(0.1)
            return self.reply(h, 200)
        return self.reply(h, 404)

    def reply(self, h, status: int, headers: dict | None = None):
        h.send_response(status)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.send_header("Content-Length", "0")
        h.end_headers()

    def endless(self, h):
        h.send_response(200)
        h.send_header("Content-Length", str(HUGE))
        h.end_headers()
        chunk = b"x" * 65536
        try:
            while self.sent < HUGE and not self.stop.is_set():
                h.wfile.write(chunk)
                self.sent += len(chunk)
        except OSError:
            h.close_connection = True


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.close()


SCRIPT = {
    # path: (kind, words in the message)
    "/ok": ("ok", "200 OK"),
    "/moved": ("redirected", "moved permanently to"),
    "/moved-308": ("redirected", "moved permanently to"),
    "/temporary": ("ok", "200 OK (after a redirect to"),
    "/moved-then-temporary": ("redirected", "/temporary: put the new address in the file"),
    "/moved-to-gone": ("broken", "404 Not Found (after a redirect to"),
    "/loop-a": ("broken", "redirect loop: "),
    "/chain/0": ("broken", "more than 10 redirects"),
    "/gone": ("broken", "404 Not Found"),
    "/gone-410": ("broken", "410 Gone"),
    "/bad-request": ("broken", "400 Bad Request"),
    "/login": ("blocked", "401 Unauthorized: the site refuses automated checks"),
    "/forbidden": ("blocked", "403 Forbidden: the site refuses automated checks"),
    "/busy-then-ok": ("ok", "200 OK"),
    "/busy": ("blocked", "429 Too Many Requests after 3 tries"),
    "/busy-superscript": ("blocked", "429 Too Many Requests after 3 tries"),
    "/to-cp1251": ("ok", "200 OK (after a redirect to"),
    "/bad-location": ("broken", "redirects to an address that is not one"),
    "/unavailable-then-ok": ("ok", "200 OK"),
    "/error": ("unreachable", "500 Internal Server Error"),
    "/no-head": ("ok", "200 OK"),
    "/huge": ("ok", "200 OK"),
    "/slow": ("unreachable", "no answer within 1.5 s after 3 tries"),
    "/head-hangs": ("ok", "200 OK"),
    "/head-drops": ("ok", "200 OK"),
}


@pytest.fixture(scope="module")
def results(server):
    """Every scripted address checked in one run, as `timeline links` does."""
    urls = [server.url(path) for path in SCRIPT]
    urls += [server.url("/ok", scheme="https"), "http://no-such-host.invalid/page", "http://127.0.0.1:99999/page"]
    started = time.monotonic()
    outcomes = check(urls, FAST)
    return SimpleNamespace(outcomes=outcomes, seconds=time.monotonic() - started)


@pytest.mark.parametrize("path", list(SCRIPT))
def test_each_scripted_answer_gets_its_honest_kind(results, server, path):
    kind, words = SCRIPT[path]
    outcome = results.outcomes[server.url(path)]
    assert outcome.kind == kind, outcome
    assert words in outcome.message, outcome


def test_a_permanent_redirect_names_the_address_to_put_in_the_file(results, server):
    assert results.outcomes[server.url("/moved")].new_url == server.url("/ok")
    assert results.outcomes[server.url("/moved-308")].status == 200
    # Past a temporary redirect the new address is the last permanent one, not the temporary target.
    assert results.outcomes[server.url("/moved-then-temporary")].new_url == server.url("/temporary")
    assert results.outcomes[server.url("/temporary")].new_url is None


def test_a_tls_handshake_against_a_plain_port_is_unreachable_not_broken(results, server):
    outcome = results.outcomes[server.url("/ok", scheme="https")]
    assert outcome.kind == "unreachable" and "TLS error" in outcome.message, outcome


def test_a_name_that_does_not_exist_is_broken_at_once_and_nothing_leaves_the_machine(results, guard):
    outcome = results.outcomes["http://no-such-host.invalid/page"]
    assert (outcome.kind, outcome.message) == ("broken", "no such host")
    assert guard.asked.count("no-such-host.invalid") == 1   # not retried: the answer is final
    assert guard.connected and all(_loopback(a) for a in guard.connected)


def test_an_address_whose_port_is_none_is_broken_at_once(results):
    outcome = results.outcomes["http://127.0.0.1:99999/page"]
    assert (outcome.kind, outcome.message) == ("broken", "not a usable address (Port out of range 0-65535)")


def test_request_loops_are_bounded(results, server):
    a, b = server.url("/loop-a"), server.url("/loop-b")
    assert results.outcomes[a].message == f"redirect loop: {a} -> {b} -> {a}"
    assert len(server.hits("/loop-a")) == 1 and len(server.hits("/loop-b")) == 1
    chain = [r for r in server.log if r[1].startswith("/chain/")]
    assert len(chain) == 11
    # Retries stop: three tries for a site that keeps saying 429, one for a plain 404 (and one GET).
    assert len(server.hits("/busy")) == 3
    assert sorted(r[0] for r in server.hits("/gone")) == ["GET", "GET", "HEAD", "HEAD"]   # /moved-to-gone too
    assert len(server.hits("/slow")) == 3


def test_retry_after_is_waited_for_before_asking_again(results, server):
    first, second = server.hits("/busy-then-ok")[:2]
    assert second[2] - first[2] >= 0.9
    # 503 without Retry-After: backoff only.
    assert len(server.hits("/unavailable-then-ok")) == 2


def test_head_is_asked_first_and_get_when_the_server_refuses_head(results, server):
    assert [r[0] for r in server.hits("/no-head")] == ["HEAD", "GET"]
    assert [r[0] for r in server.hits("/ok")][0] == "HEAD"


def test_a_head_left_unanswered_or_dropped_is_asked_again_with_get(results, server):
    # Second tester: a HEAD that hung was asked three times and called unreachable.
    assert [r[0] for r in server.hits("/head-hangs")] == ["HEAD", "GET"]
    assert [r[0] for r in server.hits("/head-drops")] == ["HEAD", "GET"]
    # A server silent to GET as well: the GET takes the remaining tries.
    assert [r[0] for r in server.hits("/slow")] == ["HEAD", "GET", "GET"]


def test_a_head_timeout_is_followed_by_a_get_even_with_no_retries(server):
    url = server.url("/head-hangs-alone")
    outcome = check([url], Settings(timeout=1, retries=0, trust_env=False, allow_private=True))[url]
    assert outcome.kind == "ok", outcome
    assert [r[0] for r in server.hits("/head-hangs-alone")] == ["HEAD", "GET"]


def test_no_more_of_a_body_than_the_cap_is_read(results, server):
    # The server would send 200 MB; the checker reads 64 KiB and hangs up (socket buffers take some more).
    assert server.sent < HUGE // 10


def test_every_request_says_who_is_asking(results, server):
    agents = {r[3] for r in server.log}
    assert len(agents) == 1 and agents.pop().startswith("timeline-links/")


def test_connections_are_kept_and_reused_for_the_next_address_on_the_host(server):
    urls = [server.url(f"/fine?{i}") for i in range(12)] + [server.url(f"/no-head?{i}") for i in range(4)]
    check(urls, Settings(timeout=5, per_host=2, trust_env=False, allow_private=True))
    ports = {r[4] for r in server.log if "?" in r[1]}
    assert len([r for r in server.log if "?" in r[1]]) == 20 and len(ports) <= 2


def test_a_retry_after_longer_than_max_wait_is_not_waited_for_nor_its_host_asked_again(server):
    # Outside tester: a host answering 429 with a long Retry-After cost every address its wait.
    busy, other = server.url("/busy-for-an-hour"), server.url("/not-asked-after-an-hour")
    started = time.monotonic()
    outcomes = check([busy, other], Settings(timeout=1, retries=2, backoff=0.05, max_wait=0.3, per_host=1,
                                             trust_env=False, allow_private=True))
    assert time.monotonic() - started < 2
    assert outcomes[busy] == Outcome("blocked", "429 Too Many Requests: the server asked to wait 3600 s, longer "
                                     "than the 0.3 s this check waits; open the page in a browser or check again "
                                     "later", 429)
    assert outcomes[other] == Outcome("blocked", "not asked: the server answered 429 Too Many Requests to another "
                                      "address and asked to wait 3600 s, longer than the 0.3 s this check waits; "
                                      "open the page in a browser or check again later")
    assert len(server.hits("/busy-for-an-hour")) == 1 and server.hits("/not-asked-after-an-hour") == []


def test_the_waiting_one_host_causes_is_bounded_however_many_of_its_addresses_are_cited():
    # Outside tester: a host always answering 429 with a short Retry-After cost each address its pauses.
    busy = Server()
    try:
        urls = [busy.url(f"/always-busy/{i}") for i in range(18)]
        started = time.monotonic()
        outcomes = check(urls, Settings(timeout=2, retries=2, backoff=0.05, max_wait=2, host_budget=1.5,
                                        trust_env=False, allow_private=True))
        took = time.monotonic() - started
    finally:
        busy.close()
    assert {o.kind for o in outcomes.values()} == {"blocked"}
    assert took < 3 and len(busy.log) == 12   # two rounds of 6 (the host's share), then no more
    said = [o.message for o in outcomes.values()]
    assert sum("asked to wait 1 s more, past the 1.5 s one host may keep this check waiting" in m for m in said) == 18
    # The second round's six were told to wait too long; the first six, asked once, are not asked again;
    # the last six are not asked at all.
    assert sum(m.startswith("429 Too Many Requests: the server asked to wait 1 s more") for m in said) == 6
    assert sum(m.startswith("429 Too Many Requests after 1 try (not asked again: the server answered 429 Too Many "
                            "Requests to another address and asked") for m in said) == 6
    assert sum(m.startswith("not asked: the server answered 429") for m in said) == 6
    # Still polite: nothing was asked of the host during the pause it asked for.
    times = sorted(r[2] for r in busy.log)
    assert times[6] - times[5] >= 0.9


def test_requests_in_flight_are_bounded_per_host_and_overall():
    tally = Tally()
    one, two = Server(tally), Server(tally)
    try:
        urls = [s.url(f"/delay/{i}") for s in (one, two) for i in range(12)]
        outcomes = check(urls, Settings(timeout=2, concurrency=4, per_host=3, trust_env=False, allow_private=True))
    finally:
        one.close()
        two.close()
    assert {o.kind for o in outcomes.values()} == {"ok"}
    assert one.peak <= 3 and two.peak <= 3
    assert 2 <= tally.peak <= 4


PRIVATE = [
    # (address, why)
    ("http://127.0.0.1:8080/admin", "127.0.0.1 is a loopback address"),
    ("http://localhost/", "'localhost' names this machine"),
    ("http://intranet.localhost./", "'intranet.localhost' names this machine"),
    ("http://10.1.2.3/", "10.1.2.3 is a private-network address"),
    ("http://172.20.0.1/", "172.20.0.1 is a private-network address"),
    ("http://192.168.0.1/router", "192.168.0.1 is a private-network address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),   # cloud metadata
    ("http://[::1]/", "::1 is a loopback address"),
    ("http://[fd12:3456::1]/", "fd12:3456::1 is a private-network address"),
    ("http://[fe80::1]/", "fe80::1 is a link-local address"),
    ("http://[::ffff:10.0.0.1]/", "10.0.0.1 is a private-network address"),
    ("http://0.0.0.0/", "0.0.0.0 is not a public address"),
    ("http://2130706433/", "127.0.0.1 is a loopback address"),    # what the resolver makes of it
    ("http://0x7f.1/", "127.0.0.1 is a loopback address"),
    ("http://127\u30020\u30020\u30021/", "127.0.0.1 is a loopback address"),   # ideographic full stops
    ("http://100.64.0.1/", "100.64.0.1 is not a public address"),      # shared address space (carrier NAT)
    ("http://224.0.0.1/", "224.0.0.1 is not a public address"),
    ("http://[ff02::1]/", "ff02::1 is not a public address"),
    # Outside tester: an IPv4 address inside an IPv6 one was judged as the IPv6 (public), and asked: on a
    # network with NAT64 (64:ff9b::/96) or a 6to4 relay (2002::/16) the request reaches that IPv4 address.
    ("http://[64:ff9b::a9fe:a9fe]/", "169.254.169.254 is a link-local address"),
    ("http://[64:ff9b::10.0.0.1]/", "10.0.0.1 is a private-network address"),
    ("http://[2002:7f00:1::]/", "127.0.0.1 is a loopback address"),
    ("http://[64:ff9b:1::a00:1]/", "64:ff9b:1::a00:1 is not a public address"),   # local-use NAT64 (RFC 8215)
    ("http://[fec0::1]/", "fec0::1 is not a public address"),      # site-local, deprecated but still routed
    ("http://[::127.0.0.1]/", "::7f00:1 is not a public address"),   # IPv4-compatible (deprecated): some stacks send it on as IPv4
]


class Scripted:
    """A transport that answers from a dict {url: (status, Location)} and logs what it was asked:
    names of the public web, with nothing leaving the machine."""

    def __init__(self, answers: dict):
        self.answers, self.asked = answers, []
        self.transport = httpx.MockTransport(self.answer)

    def answer(self, request):
        self.asked.append(str(request.url))
        status, location = self.answers.get(str(request.url), (404, None))
        # A stream of its own: the checker streams each body, and a Response given content is read already.
        return httpx.Response(status, headers={"Location": location} if location else {},
                              stream=httpx.ByteStream(b""))


@pytest.mark.parametrize("target, why", [p for p in PRIVATE if p[0].isascii()])   # a Location is ASCII
def test_a_redirect_to_a_private_address_is_broken_and_not_followed(target, why):
    # Outside tester: a public address redirecting to 169.254.169.254 had the checker ask the cloud's metadata.
    web = Scripted({"https://public.example/page": (302, target)})
    outcome = check(["https://public.example/page"], Settings(trust_env=False), web.transport)
    assert outcome["https://public.example/page"] == Outcome(
        "broken", f"302 redirects to a private address, not asked: {target} ({why})", 302)
    assert web.asked == ["https://public.example/page"]


@pytest.mark.parametrize("address, why", PRIVATE)
def test_a_private_address_cited_is_broken_and_not_asked(address, why):
    web = Scripted({})
    outcome = check([address], Settings(trust_env=False), web.transport)
    assert outcome[address] == Outcome("broken", f"a private address, not asked ({why}): readers elsewhere cannot "
                                                 "open it")
    assert web.asked == []


def test_public_addresses_and_redirects_among_them_are_followed():
    web = Scripted({"https://public.example/page": (301, "http://8.8.8.8/page"), "http://8.8.8.8/page": (200, None),
                    "http://[2001:4860:4860::8888]/x": (302, "https://cafe.example/"), "https://cafe.example/": (200, None)})
    outcome = check(["https://public.example/page", "http://[2001:4860:4860::8888]/x"], Settings(trust_env=False),
                    web.transport)
    assert outcome["https://public.example/page"].kind == "redirected"
    assert outcome["http://[2001:4860:4860::8888]/x"].kind == "ok"


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    """The checker's own look-up of names (linknames.Names) as a dict {host: [address, ...]} (a name
    it lacks is unknown), and the names it asked: the scripted transports' names stay on this machine."""
    from timeline import linknames
    table = {"asked": [], "real": linknames._addresses}

    async def addresses(host):
        table["asked"].append(host)
        return table.get(host, [])
    monkeypatch.setattr(linknames, "_addresses", addresses)
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return table


@pytest.mark.parametrize("found, why", [
    (["10.0.0.5"], "10.0.0.5, a private-network address"),
    (["93.184.215.14", "169.254.169.254"], "169.254.169.254, a link-local address"),   # one of several is enough
    (["::1"], "::1, a loopback address"),
    (["fe80::1%eth0"], "fe80::1, a link-local address"),
])
def test_a_name_that_resolves_to_a_private_address_is_not_asked(dns, found, why):
    # Outside tester: the guard judged addresses as written, so a DNS name for the metadata service passed.
    dns["intranet.example.org"] = found
    web = Scripted({})
    url = "https://intranet.example.org/wiki"
    outcome = check([url, url + "/2"], Settings(), web.transport)
    assert outcome[url] == Outcome("broken", f"a private address, not asked ('intranet.example.org' resolves here "
                                             f"to {why}): readers elsewhere cannot open it")
    assert web.asked == [] and dns["asked"] == ["intranet.example.org"]   # looked up once a run


def test_a_redirect_to_a_name_that_resolves_privately_is_not_followed(dns):
    dns["public.example.org"], dns["metadata.example.org"] = ["93.184.215.14"], ["169.254.169.254"]
    web = Scripted({"https://public.example.org/a": (302, "http://metadata.example.org/latest/")})
    outcome = check(["https://public.example.org/a"], Settings(), web.transport)
    assert outcome["https://public.example.org/a"] == Outcome(
        "broken", "302 redirects to a private address, not asked: http://metadata.example.org/latest/ "
                  "('metadata.example.org' resolves here to 169.254.169.254, a link-local address)", 302)
    assert web.asked == ["https://public.example.org/a"]


def _awaited(coroutine):
    """asyncio.run in a thread of its own: a browser test run before may have left this one's loop running."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_the_system_resolver_is_asked_for_every_address_of_a_name(dns):
    assert "127.0.0.1" in _awaited(dns["real"]("localhost"))
    with pytest.raises(socket.gaierror):
        _awaited(dns["real"]("no-such-host.invalid"))


def test_names_that_resolve_publicly_or_not_at_all_are_asked(dns):
    dns["public.example.org"] = ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    web = Scripted({"https://public.example.org/a": (200, None), "https://unknown.example.org/": (200, None)})
    outcome = check(["https://public.example.org/a", "https://unknown.example.org/"], Settings(), web.transport)
    assert {url: o.kind for url, o in outcome.items()} == {"https://public.example.org/a": "ok",
                                                           "https://unknown.example.org/": "ok"}


def test_the_resolver_is_not_asked_with_the_guard_off_or_through_a_proxy(dns, monkeypatch):
    from timeline.linknames import Names
    dns["intranet.example.org"] = ["10.0.0.5"]
    web = Scripted({"https://intranet.example.org/": (200, None)})
    assert check(["https://intranet.example.org/"], Settings(allow_private=True), web.transport)[
        "https://intranet.example.org/"].kind == "ok"
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.org:3128")
    assert _awaited(Names(True, False).private("https://intranet.example.org/")) is None   # the proxy resolves
    assert _awaited(Names(False, False).private("https://intranet.example.org/")) is not None
    monkeypatch.setenv("NO_PROXY", "example.org")
    assert _awaited(Names(True, False).private("https://intranet.example.org/")) is not None
    assert dns["asked"] == ["intranet.example.org", "intranet.example.org"]


def test_links_with_the_guard_on_asks_no_private_address_and_check_warns_of_the_cited_ones(site_dir, server,
                                                                                             capsys):
    src = _site(site_dir, server)
    asked = len(server.log)
    status, out, err = _run(capsys, "--json", settings=Settings(trust_env=False))
    assert len(server.log) == asked
    kinds = {item["url"]: (item["kind"], item["message"]) for item in json.loads(out)["links"]}
    assert set(kinds.values()) == {("broken", "a private address, not asked (127.0.0.1 is a loopback address): "
                                              "readers elsewhere cannot open it")}
    from timeline.content import load
    from timeline.diagnostics import Report
    report = Report()
    load(src, report)
    assert [str(d) for d in report.sorted() if "private" in str(d)] == [
        f"site_src/sources.yaml:{line}: {key}.URL: warning: '{server.url(path)}' is a private address (127.0.0.1 is "
        "a loopback address): readers elsewhere cannot open it, and timeline links does not ask it"
        for line, key, path in ((12, "example-web", "/fine"), (17, "gone-page", "/gone"),
                                (22, "moved-page", "/moved"), (27, "kept-page", "/gone-410"))]


def test_retry_after_is_read_as_seconds_or_as_a_date():
    assert _retry_after("7") == 7
    assert 50 < _retry_after(time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 60))) <= 60
    assert _retry_after("soon") is None and _retry_after(None) is None
    assert _retry_after("\u00b2") is None and _retry_after("\uff15") is None and _retry_after("\u0661") is None


# ---- the command, on content whose addresses point at the local server ----

def _site(site_dir, server):
    return site_dir({
        "sources.yaml": f"""
            mancall-1971:
              type: book
              title: "Russia and China"
              issued: 1971
            nerchinsk-treaty:
              type: treaty
              title: Treaty of Nerchinsk
              issued: 1689-08-27
            example-web:
              type: webpage
              title: An example page
              URL: {server.url("/fine")}
              accessed: 2026-11-28
            gone-page:
              type: webpage
              title: A page that went away
              URL: {server.url("/gone")}
              accessed: 2024-03-15
            moved-page:
              type: webpage
              title: A page that moved
              URL: {server.url("/moved")}
              accessed: 2024-03-15
            kept-page:
              type: webpage
              title: A page with a copy
              URL: {server.url("/gone-410")}
              accessed: 2024-03-15
              archived: https://web.archive.org/web/20240315000000/https://example.org/kept
        """,
        "events/1864-dated.yaml": f"""
            title: A dated event
            date: 1864-10-07
            themes: [diplomacy]
            significance: notable
            summary: "Dated [@example-web; @gone-page; @moved-page; @kept-page]."
            body: |
              First line.

              See [the record]({server.url("/forbidden")}) and <{server.url("/fine")}>
              and again {server.url("/gone")} here.
        """,
        "pages/about.md": f"""
            ---
            title: About
            ---
            Cites [@mancall-1971].

            A [moved link]({server.url("/moved")}).
        """,
    })


def _run(capsys, *argv, settings=Settings(allow_private=True)):
    """`timeline links` as the command runs it, asking the local servers (private addresses) unless told."""
    from timeline.cli import make_parser
    status = links.cmd_links(make_parser().parse_args(["links", "--src", "site_src", *argv]), settings)
    out, err = capsys.readouterr()
    return status, out, err


def test_links_reports_every_problem_at_the_line_that_holds_the_address(site_dir, server, capsys):
    _site(site_dir, server)
    status, out, err = _run(capsys)
    today = datetime.now(timezone.utc).date().isoformat()
    gone, ok = server.url("/gone"), server.url("/ok")
    assert status == 1
    assert err.splitlines() == [
        f"site_src/events/1864-dated.yaml:9: body: warning: {server.url('/forbidden')}: 403 Forbidden: the site "
        f"refuses automated checks; open the page in a browser (checked {today})",
        f"site_src/events/1864-dated.yaml:10: body: {gone}: 404 Not Found (checked {today})",
        f"site_src/pages/about.md:6: warning: {server.url('/moved')}: moved permanently to {ok}: put the new "
        f"address in the file (checked {today})",
        f"site_src/sources.yaml:17: gone-page: URL: 404 Not Found (checked {today}); look for a copy at "
        f"https://web.archive.org/web/20240315/{gone} and, if it is the page you read, name it as archived:",
        f"site_src/sources.yaml:22: moved-page: warning: URL: moved permanently to {ok}: put the new address "
        f"in the file (checked {today})",
        f"site_src/sources.yaml:27: kept-page: URL: 410 Gone (checked {today})",
    ]
    assert out.strip() == ("5 addresses in 8 places: 1 ok (0 found ok within 30d, not fetched again), "
                           "1 redirected, 2 broken, 1 blocked, 0 unreachable")


def test_warn_only_reports_the_same_and_exits_0(site_dir, server, capsys):
    _site(site_dir, server)
    status, out, err = _run(capsys, "--warn-only")
    assert status == 0 and "404 Not Found" in err and "2 broken" in out


def test_json_gives_each_address_its_kind_places_and_date(site_dir, server, capsys):
    _site(site_dir, server)
    status, out, err = _run(capsys, "--json")
    assert status == 1 and err == ""
    data = json.loads(out)
    assert data["summary"] == {"addresses": 5, "places": 8, "cached": 0, "ok": 1, "redirected": 1, "broken": 2,
                               "blocked": 1, "unreachable": 0}
    by_url = {item["url"]: item for item in data["links"]}
    gone = by_url[server.url("/gone")]
    assert gone["kind"] == "broken" and gone["status"] == 404
    assert gone["places"] == [{"path": "site_src/sources.yaml", "line": 17, "field": "gone-page"},
                              {"path": "site_src/events/1864-dated.yaml", "line": 10, "field": "body"}]
    assert gone["wayback"] == f"https://web.archive.org/web/20240315/{server.url('/gone')}"
    assert by_url[server.url("/moved")]["new_url"] == server.url("/ok")
    assert datetime.fromisoformat(gone["checked"]).tzinfo is not None


def test_an_address_found_ok_recently_is_not_fetched_again_and_all_ignores_that(site_dir, server, capsys):
    src = _site(site_dir, server)
    cache = src.parent / ".cache" / "timeline" / "links.json"
    assert _run(capsys)[0] == 1
    assert json.loads(cache.read_text())["version"] == links.CACHE_VERSION
    heads = lambda path: len(server.hits(path, "HEAD"))   # noqa: E731
    ok, gone = heads("/fine"), heads("/gone")
    status, out, _ = _run(capsys)
    assert heads("/fine") == ok            # fresh and ok: taken from the cache
    assert heads("/gone") == gone + 1    # broken: asked again, it may be back
    assert "(1 found ok within 30d, not fetched again)" in out
    _run(capsys, "--all")
    assert heads("/fine") == ok + 1
    # Older than --max-age: asked again.
    _run(capsys, "--max-age", "0d")
    assert heads("/fine") == ok + 2
    assert [p.name for p in cache.parent.iterdir()] == ["links.json"]   # written atomically, no leftovers


def test_ctrl_c_keeps_what_was_found_says_so_in_a_line_and_exits_130(site_dir, capsys):
    """Outside tester: Ctrl-C during `timeline links` kept nothing, so the next run asked everything again."""
    import signal
    import subprocess
    import sys
    from support import ROOT
    stalling = Server()
    try:
        src = _site(site_dir, stalling)
        site_dir({"pages/stalled.md": f"---\ntitle: Stalled\n---\nA [stalled link]({stalling.url('/stall')}).\n"})
        # As a terminal's Ctrl-C finds it: a test runner started in the background ignores SIGINT, and
        # its children inherit that.
        code = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
                "from timeline.cli import make_parser\nfrom timeline.links import cmd_links\n"
                "from timeline.linkcheck import Settings\n"
                "sys.exit(cmd_links(make_parser().parse_args(sys.argv[1:]), "
                "Settings(trust_env=False, allow_private=True)))")
        proc = subprocess.Popen([sys.executable, "-c", code, "links", "--src", "site_src"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        answered = lambda: all(stalling.hits(p) for p in ("/fine", "/ok", "/stall")) and all(   # noqa: E731
            stalling.hits(p, "GET") for p in ("/gone", "/gone-410", "/forbidden"))
        deadline = time.monotonic() + 30
        while not answered() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        time.sleep(0.5)   # for the checker to take in the last answers
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        cache = src.parent.resolve() / ".cache" / "timeline" / "links.json"
        assert (proc.returncode, out) == (130, ""), err
        assert err.splitlines() == [f"timeline links: interrupted: 5 of 6 addresses asked; their results are kept "
                                    f"in {cache}"]
        kept = json.loads(cache.read_text())["links"]
        assert {url[url.index("/", 8):]: r["kind"] for url, r in kept.items()} == {
            "/fine": "ok", "/gone": "broken", "/moved": "redirected", "/gone-410": "broken", "/forbidden": "blocked"}
        # The next run does not ask again what was found ok, and asks what the interruption left.
        stalling.release.set()
        heads = len(stalling.hits("/fine", "HEAD"))
        status, out, err = _run(capsys)
        assert len(stalling.hits("/fine", "HEAD")) == heads and len(stalling.hits("/stall")) == 2
        assert status == 1 and out.startswith("6 addresses in 9 places: 2 ok (1 found ok within 30d")
    finally:
        stalling.close()


def test_a_result_older_than_max_age_or_from_the_future_is_not_trusted():
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    def result(kind, when):
        return links.Result(kind, "", 200, None, when.isoformat())
    assert links.is_fresh(result("ok", now - timedelta(days=29)), now, timedelta(days=30))
    assert not links.is_fresh(result("ok", now - timedelta(days=31)), now, timedelta(days=30))
    assert not links.is_fresh(result("ok", now + timedelta(days=1)), now, timedelta(days=30))
    assert not links.is_fresh(result("blocked", now), now, timedelta(days=30))


@pytest.mark.parametrize("text, why", [
    ("{not json", "not readable"),
    ('{"version": 0, "links": {}}', "not a version 1 link cache"),
    ('[1, 2]', "not a version 1 link cache"),
    ('{"version": 1, "links": ' + "[" * 100_000 + "]" * 100_000 + "}", "not readable (RecursionError)"),
    (b"\xff{}", "not UTF-8 text"),
])
def test_a_corrupt_or_old_cache_is_ignored_and_replaced(site_dir, server, capsys, text, why):
    src = _site(site_dir, server)
    cache = src.parent / ".cache" / "timeline" / "links.json"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(text if isinstance(text, bytes) else text.encode())
    status, out, err = _run(capsys)
    assert f"warning: {cache}: ignored, {why}" in err
    assert "0 found ok within 30d" in out
    assert json.loads(cache.read_text())["version"] == links.CACHE_VERSION


def test_a_named_pipe_in_the_caches_place_is_ignored_not_waited_on(site_dir, server, capsys):
    src = _site(site_dir, server)
    cache = src.parent / ".cache" / "timeline" / "links.json"
    cache.parent.mkdir(parents=True)
    os.mkfifo(cache)
    status, out, err = _run(capsys)   # opening the pipe to read blocked until a writer came: for ever
    assert f"warning: {cache}: ignored, cannot read: a named pipe (FIFO), not a file" in err


@pytest.mark.parametrize("linked", [".cache", ".cache/timeline", ".cache/timeline/links.json"])
def test_a_linked_cache_folder_or_file_is_neither_read_nor_written_through(site_dir, server, capsys, tmp_path, linked):
    # Red team (fourth): a .cache/timeline linked to another folder had its links.json replaced there.
    src = _site(site_dir, server)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "timeline").mkdir(parents=True)
    kept = json.dumps({"version": links.CACHE_VERSION, "links": {}})
    for victim in (elsewhere / "links.json", elsewhere / "timeline" / "links.json"):
        victim.write_text(kept)
    link = src.parent / linked
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(elsewhere / "timeline" / "links.json" if linked.endswith(".json") else
                    elsewhere / "timeline" if linked.endswith("timeline") else elsewhere)
    status, out, err = _run(capsys)
    assert status == 1 and "Traceback" not in err
    assert f"{link} is a link" in err
    for victim in (elsewhere / "links.json", elsewhere / "timeline" / "links.json"):
        assert victim.read_text() == kept
    assert link.is_symlink()


def test_a_cache_entry_that_is_not_a_result_is_dropped(tmp_path):
    path = tmp_path / "links.json"
    good = {"kind": "ok", "message": "200 OK", "status": 200, "new_url": None, "checked": "2026-11-30T10:00:00Z"}
    path.write_text(json.dumps({"version": 1, "links": {
        "https://a.example/": good, "https://b.example/": {**good, "kind": "fine"},
        "https://c.example/": {**good, "checked": "yesterday"}, "https://d.example/": {"kind": "ok"},
        "https://e.example/": "ok"}}))
    results, note = links.read_cache(path)
    assert note is None and list(results) == ["https://a.example/"]


@pytest.mark.parametrize("age, says", [
    ("a month", "'a month' is not an age such as 30d"),
    ("99999999999999999999d", "'99999999999999999999d' is longer than"),  # second red team: OverflowError
    ("1000000000d", "'1000000000d' is longer than"),                      # just past what timedelta holds
    ("9" * 5000, "'" + "9" * 5000 + "' is longer than"),                   # past int()'s digit limit
    ("\u0661d", "'\u0661d' is not an age"),   # fourth tester: an Arabic-Indic one was taken for 1 day
    ("\uff17d", "'\uff17d' is not an age"),   # a full-width seven
])
def test_a_bad_max_age_is_a_usage_error(site_dir, capsys, age, says):
    site_dir()
    assert main(["links", "--max-age", age]) == 2
    err = capsys.readouterr().err
    assert f"--max-age: {says}" in err and "Traceback" not in err
    assert links.parse_age("12h") == timedelta(hours=12) and links.parse_age("2w") == timedelta(weeks=2)
    assert links.parse_age("7") == timedelta(days=7)


def test_content_with_errors_is_reported_and_nothing_is_fetched(site_dir, server, capsys):
    site_dir({"events/1864-dated.yaml": f"""
        title: A dated event
        date: 1864-13-07
        themes: [diplomacy]
        significance: notable
        summary: "See <{server.url('/never')}> [@example-web]."
    """})
    status, out, err = _run(capsys)
    assert status == 1 and "site_src/events/1864-dated.yaml:2: date:" in err and "fix the content first" in err
    assert server.hits("/never") == []


def test_archived_copies_are_not_checked(site_dir, server, capsys, guard):
    _site(site_dir, server)
    _run(capsys)
    assert "web.archive.org" not in guard.asked and "example.org" not in guard.asked


def test_markdown_links_are_found_where_cmark_finds_them():
    text = ("A [link](https://a.example/x) and <https://b.example/>, a bare https://c.example/y,\n"
            "[@key, p. 3], `https://code.example/` in code, [mail](mailto:x@y.example) and "
            "[again](https://a.example/x).")
    found = links.markdown_links(text)
    assert [url for _, url in found] == ["https://a.example/x", "https://b.example/", "https://c.example/y",
                                        "https://a.example/x"]
    assert [text.count("\n", 0, offset) for offset, _ in found] == [0, 0, 0, 1]
    found = links.markdown_links("Intro.\n\nSee [the treaty](https://ru.example/wiki/Айгунский_договор).")
    assert found == [(25, "https://ru.example/wiki/%D0%90%D0%B9%D0%B3%D1%83%D0%BD%D1%81%D0%BA%D0%B8%D0%B9_"
                          "%D0%B4%D0%BE%D0%B3%D0%BE%D0%B2%D0%BE%D1%80")]


def test_no_address_at_all_is_fine(site_dir, capsys):
    site_dir({"sources.yaml": """
        mancall-1971: {type: book, title: R, issued: 1971}
        nerchinsk-treaty: {type: treaty, title: T, issued: 1689}
        example-web: {type: webpage, title: E}
    """})
    status, out, _ = _run(capsys)
    assert status == 0 and out.startswith("0 addresses in 0 places")
    assert os.path.exists("site_src/../.cache/timeline/links.json")


# ---- archived copies: validated, shown beside the live link, exported ----

ARCHIVED_OK = [
    "https://web.archive.org/web/20240315093000/https://example.org/kept",
    "https://web.archive.org/web/20240315/https://example.org/kept?x=1",
    "https://web.archive.org/web/20240315093000id_/http://example.org/kept",
    "http://web.archive.org/web/2024/example.org/kept",
    "https://archive.ph/AbC12",
    "https://archive.today/2024.03.15-093000/https://example.org/kept",
    "https://archive.is/xYz9Q/",
]
ARCHIVED_BAD = [
    "https://example.org/archive/copy",                      # not an archive
    "https://web.archive.org/web/*/https://example.org/kept",  # a search, not a capture
    "https://web.archive.org/web/20240315093000/",            # a capture of nothing
    "https://web.archive.org/https://example.org/kept",       # no timestamp
    "https://archive.org/details/somebook",                   # the Internet Archive's library, not a copy
    "https://archive.ph/",
    "https://archive.ph.evil.example/AbC12",
    "ftp://web.archive.org/web/2024/https://example.org/",
    "javascript:alert(1)",
]


def _source_with(archived: str, url: bool = True) -> str:
    live = "URL: https://example.org/kept\n  accessed: 2024-03-15\n  " if url else ""
    return ("mancall-1971: {type: book, title: R, issued: 1971}\n"
            "nerchinsk-treaty: {type: treaty, title: T, issued: 1689}\n"
            "example-web:\n"
            "  type: webpage\n"
            "  title: E\n"
            f"  {live}archived: '{archived}'\n")


def _check_content(src):
    from timeline.content import load
    from timeline.diagnostics import Report
    report = Report()
    content = load(src, report)
    return content, [str(d) for d in report.errors]


@pytest.mark.parametrize("address", ARCHIVED_OK)
def test_a_wayback_or_archive_today_copy_is_accepted(site_dir, address):
    content, errors = _check_content(site_dir({"sources.yaml": _source_with(address)}))
    assert errors == []
    assert content.sources["example-web"].fields["archived"] == address
    assert content.sources["example-web"].lines == {"URL": 6, "archived": 8}


@pytest.mark.parametrize("address", ARCHIVED_BAD)
def test_any_other_archived_address_is_an_error_at_its_line(site_dir, address):
    _, errors = _check_content(site_dir({"sources.yaml": _source_with(address)}))
    assert errors == [f"site_src/sources.yaml:8: example-web.archived: '{address}' is not an archived copy: give "
                      "a Wayback Machine capture (https://web.archive.org/web/<timestamp>/<address>) or an "
                      "archive.today one (https://archive.ph/<id>)"]


@pytest.mark.parametrize("address", ["http://127.0.0.1:99999/page", "https://[::1/page", "https://example.org:x/"])
def test_an_address_with_no_usable_port_or_host_is_an_error_at_its_line(site_dir, address):
    """`check` passed these, and `links` could only call them unreachable."""
    text = _source_with("https://archive.ph/AbC12").replace("https://example.org/kept", address)
    _, errors = _check_content(site_dir({"sources.yaml": text}))
    assert errors == [f"site_src/sources.yaml:6: example-web.URL: '{address}' is not an http(s) URL"]


def test_the_old_archive_url_field_is_unknown_and_points_to_archived(site_dir):
    text = _source_with(ARCHIVED_OK[0]).replace("archived:", "archive_url:")
    _, errors = _check_content(site_dir({"sources.yaml": text}))
    assert errors == ["site_src/sources.yaml:8: example-web.archive_url: unknown field (did you mean 'archived'?)"]


def test_the_archived_copy_is_shown_beside_the_live_link_in_notes_and_bibliography(site_dir):
    from timeline import sources as fmt
    copy = ARCHIVED_OK[0]
    content, _ = _check_content(site_dir({"sources.yaml": _source_with(copy)}))
    source = content.sources["example-web"]
    live = '<a href="https://example.org/kept">https://example.org/kept</a>'
    aside = f'(accessed 15 March 2024; <a href="{copy}">archived copy</a>)'
    assert str(fmt.note(source)) == f"“E,” {live} {aside}."
    assert str(fmt.bibliography(source)) == f"“E.” {live} {aside}."   # Chicago: the full stop inside the quotation mark
    content, _ = _check_content(site_dir({"sources.yaml": _source_with(copy, url=False)}))
    assert str(fmt.note(content.sources["example-web"])) == f'“E,” <a href="{copy}">archived copy</a>.'


def test_an_archived_address_is_escaped_in_the_page(site_dir):
    from timeline import sources as fmt
    copy = 'https://web.archive.org/web/2024/https://example.org/"onmouseover=alert(1)'
    content, errors = _check_content(site_dir({"sources.yaml": _source_with(copy)}))
    assert errors == []
    html = str(fmt.note(content.sources["example-web"]))
    assert '"onmouseover' not in html and "&#34;onmouseover=alert(1)" in html


def test_pages_the_print_view_and_the_csl_export_carry_the_archived_copy(site_dir, tmp_path):
    from timeline.build import build_site
    copy = ARCHIVED_OK[0]
    src = site_dir({"sources.yaml": _source_with(copy)})
    result = build_site(src, tmp_path / "out")
    assert result.ok, [str(d) for d in result.diagnostics]
    link = f'<a href="{copy}">archived copy</a>'
    for page in ("sources/index.html", "print/index.html", "events/1864-dated/index.html"):
        assert link in (tmp_path / "out" / page).read_text(encoding="utf-8"), page
    item = next(i for i in json.loads((tmp_path / "out" / "sources.json").read_text()) if i["id"] == "example-web")
    assert item["custom"] == {"archived": copy} and item["URL"] == "https://example.org/kept"


def test_links_help_lists_every_option(capsys):
    from timeline.cli import make_parser
    with pytest.raises(SystemExit) as exc:
        make_parser().parse_args(["links", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for option in ("--src", "--max-age", "--all", "--json", "--warn-only"):
        assert option in out, option


def test_a_build_never_loads_the_http_client(tmp_path):
    import subprocess
    import sys
    from support import GOOD, ROOT
    code = ("import sys; from timeline.build import build_site; "
            f"assert build_site({str(GOOD)!r}, {str(tmp_path / 'out')!r}).ok; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'httpcore', 'timeline.links')"
            " or m in ('timeline.links', 'timeline.linkcheck')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_an_unexpected_error_is_reported_with_its_address_and_the_others_are_checked(server, monkeypatch):
    from timeline import linkcheck
    real = linkcheck._classify

    def classify(status, reason, moved_to, url):
        if url.endswith("/gone"):
            raise UnicodeError("odd header")
        return real(status, reason, moved_to, url)
    monkeypatch.setattr(linkcheck, "_classify", classify)
    outcomes = check([server.url("/gone"), server.url("/ok")], FAST)
    assert outcomes[server.url("/gone")] == linkcheck.Outcome(
        "unreachable", "could not be checked (UnicodeError: odd header)")
    assert outcomes[server.url("/ok")].kind == "ok"


def test_checking_works_when_called_inside_a_running_event_loop(server):
    import asyncio

    async def inside():
        return check([server.url("/ok")], FAST)
    found = []
    # In a thread of its own: the test runner's thread may already have a loop (Playwright's).
    thread = threading.Thread(target=lambda: found.append(asyncio.run(inside())))
    thread.start()
    thread.join(30)
    assert found and found[0][server.url("/ok")].kind == "ok"


def test_every_address_of_the_bundled_content_is_gathered_at_the_line_that_holds_it():
    # Gathering only: nothing is fetched (this machine, like CI's tests, has no web to ask).
    from support import ROOT
    from timeline.content import load
    from timeline.diagnostics import Report
    content = load(ROOT / "site_src", Report())
    places = links.gather(content)
    written = {s.fields["URL"] for s in content.sources.values() if s.fields.get("URL")}
    assert written and written <= set(places)
    for url, where in places.items():
        for place in where:
            with open(place.path, encoding="utf-8") as f:   # as the loader named it: from the working folder
                lines = f.read().splitlines()
            assert url in lines[place.line - 1], (url, place)


def test_the_pdf_prints_the_archived_copy_as_a_link(site_dir, tmp_path):
    import shutil
    import subprocess
    from support import require_tool
    from timeline.build import build_site
    require_tool(shutil.which("pdftohtml") is not None, "poppler tools missing (apt-get install poppler-utils)")
    try:
        from timeline import pdf
    except (ImportError, OSError):
        require_tool(False, "weasyprint not installed: pip install -e '.[pdf]'")
    copy = ARCHIVED_OK[0]
    out = tmp_path / "out"
    assert build_site(site_dir({"sources.yaml": _source_with(copy)}), out).ok
    made = pdf.write_pdf(out, out / pdf.PDF_NAME, "a4")
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-q", str(made.path)], capture_output=True,
                         text=True, check=True).stdout
    assert f'<a href="{copy}">' in xml and "archived copy" in xml


def _stand_ins(monkeypatch, port: int, refusing=()) -> list:
    """Public addresses connected to reach the server at 127.0.0.1:port instead (those in refusing
    refuse); any other look-up of a name answers the loopback address, as a rebinding resolver would.
    Returns the (address, port) connected to, and the names the system was asked for after them."""
    system, guarded, connected = socket.getaddrinfo, socket.socket.connect, []

    def rebinding(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        connected.append(("looked up", name))
        return system("127.0.0.1", *args, **kwargs)

    def connect(sock, address):
        connected.append(address[:2])
        if address[0] in refusing:
            raise ConnectionRefusedError(111, "Connection refused")
        return guarded(sock, ("127.0.0.1", port) if address[1] == port else address)
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return connected


def test_a_name_is_connected_to_at_the_address_judged_not_at_a_second_look_up(dns, monkeypatch):
    # Red team: the guard looked a name up and httpx looked it up again to connect, so a resolver that
    # answers a public address first and a private one next (DNS rebinding) got a private address asked.
    server = Server()
    try:
        dns["moving.example.org"] = ["93.184.215.14"]   # the checker's look-up: a public address
        connected = _stand_ins(monkeypatch, server.port)
        url = f"http://moving.example.org:{server.port}/ok"
        outcome = check([url], Settings(timeout=5, retries=0, trust_env=False))
    finally:
        server.close()
    assert outcome[url].kind == "ok" and server.hits("/ok")
    assert connected == [("93.184.215.14", server.port)] and dns["asked"] == ["moving.example.org"]


def test_a_names_next_address_is_tried_when_one_refuses_ipv4_first(dns, monkeypatch):
    server = Server()
    try:
        dns["two.example.org"] = ["2606:2800:21f:cb07:6820:80da:af6b:8b2c", "93.184.215.15", "93.184.215.14"]
        connected = _stand_ins(monkeypatch, server.port, refusing={"93.184.215.15"})
        url = f"http://two.example.org:{server.port}/ok"
        outcome = check([url], Settings(timeout=5, retries=0, trust_env=False))
    finally:
        server.close()
    assert outcome[url].kind == "ok"
    assert connected == [("93.184.215.15", server.port), ("93.184.215.14", server.port)]


def test_a_name_the_look_up_cannot_resolve_now_is_unreachable_not_broken(monkeypatch):
    from timeline import linknames

    async def failing(host):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    monkeypatch.setattr(linknames, "_addresses", failing)
    url = "http://busy-resolver.example.org/"
    outcome = check([url], Settings(timeout=2, retries=0, trust_env=False))
    assert outcome[url] == Outcome("unreachable", "the host's name could not be looked up "
                                                  "(Temporary failure in name resolution) after 1 try")


def test_a_name_whose_look_up_failed_for_now_is_looked_up_again_when_retried(monkeypatch):
    # Red team: a failed look-up was kept for the run, so every retry (and every other address on the
    # host) failed at once with it, and the backoff that was to give the resolver time gave it none.
    from timeline import linknames
    server, asked = Server(), []

    async def flaky(host):
        asked.append(host)
        if len(asked) == 1:
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return ["93.184.215.14"]
    monkeypatch.setattr(linknames, "_addresses", flaky)
    try:
        _stand_ins(monkeypatch, server.port)
        url = f"http://flaky.example.org:{server.port}/ok"
        outcome = check([url], Settings(timeout=5, retries=2, backoff=0.05, trust_env=False))
    finally:
        server.close()
    assert outcome[url].kind == "ok" and server.hits("/ok")
    assert asked == ["flaky.example.org", "flaky.example.org"]


@pytest.mark.parametrize("no_proxy, url, proxied", [
    (".example.org", "https://example.org/", True),             # urllib reads it as example.org too; httpx not
    (".example.org", "https://intranet.example.org/", False),
    ("http://intranet.example.org", "http://intranet.example.org/", False),   # httpx takes a scheme, urllib not
    ("example.org", "https://intranet.example.org/", False),
])
def test_a_name_is_judged_here_exactly_when_the_client_connects_to_it_itself(dns, monkeypatch, no_proxy, url, proxied):
    # Red team: the guard read NO_PROXY with urllib, the client with httpx, and they differ: a name httpx
    # sends through the proxy (which resolves it) was judged by this machine's resolver, and one it
    # connects to itself was left unjudged until the connection refused it as a network error.
    import httpx
    from timeline.linknames import Names, routed
    dns["example.org"] = dns["intranet.example.org"] = ["10.0.0.5"]
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.org:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example.org:3128")
    monkeypatch.setenv("NO_PROXY", no_proxy)
    names = Names(True, False)
    names.proxied = routed(httpx.AsyncClient(trust_env=True))
    assert (_awaited(names.private(url)) is None) == proxied


def _tls_server(tmp_path, name: str):
    """An HTTPS server on 127.0.0.1 whose certificate (self-signed, the trust anchor) is for name alone."""
    import ssl
    import subprocess
    key, cert = tmp_path / f"{name}.key", tmp_path / f"{name}.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}"],
                   check=True, capture_output=True)

    class Ok(BaseHTTPRequestHandler):
        def do_HEAD(self):
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, cert


@pytest.mark.parametrize("certified, kind", [("secure.example.org", "ok"), ("other.example.org", "unreachable")])
def test_a_pinned_https_connection_checks_the_certificate_against_the_name_not_the_address(
        dns, monkeypatch, tmp_path, certified, kind):
    # Red team: the connection goes to the address the look-up judged; the certificate must still be the
    # name's (an address in its place would pass any certificate for that address, or none at all).
    httpd, cert = _tls_server(tmp_path, certified)
    try:
        dns["secure.example.org"] = ["93.184.215.14"]
        connected = _stand_ins(monkeypatch, httpd.server_address[1])
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        url = f"https://secure.example.org:{httpd.server_address[1]}/"
        outcome = check([url], Settings(timeout=5, retries=0, trust_env=True))
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert outcome[url].kind == kind, outcome[url]
    assert connected[0] == ("93.184.215.14", httpd.server_address[1])
    if kind != "ok":
        assert "certificate" in outcome[url].message.lower() or "hostname" in outcome[url].message.lower()


def test_an_idn_name_is_looked_up_once_by_its_ascii_form_and_connected_to_as_judged(dns, monkeypatch):
    # Red team: the guard and the connection must name the host alike (its punycode), or the name is looked
    # up twice, judged under one form and connected to under another.
    server = Server()
    try:
        dns["xn--bcher-kva.example.org"] = ["93.184.215.14"]
        connected = _stand_ins(monkeypatch, server.port)
        urls = [f"http://bücher.example.org:{server.port}/ok", f"http://xn--bcher-kva.example.org:{server.port}/ok?2",
                f"http://BÜCHER.example.org:{server.port}/ok?3"]
        outcome = check(urls, Settings(timeout=5, retries=0, trust_env=False))
    finally:
        server.close()
    assert [outcome[url].kind for url in urls] == ["ok", "ok", "ok"]
    assert dns["asked"] == ["xn--bcher-kva.example.org"]
    assert {address for address in connected if address[0] != "looked up"} == {("93.184.215.14", server.port)}


def test_when_no_name_at_all_can_be_looked_up_the_addresses_are_unreachable_not_broken(monkeypatch):
    # A machine offline behind a resolver that answers "no such name" for every name (a sandbox, a
    # captive network) reported each of the bundled site's 243 addresses broken, with a Wayback hint.
    from timeline import linknames

    async def no_name(host):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    monkeypatch.setattr(linknames, "_addresses", no_name)
    urls = [f"https://site-{i}.invalid/page" for i in range(3)] + ["https://site-0.invalid/other"]
    outcomes = check(urls, FAST)
    assert {o.kind for o in outcomes.values()} == {"unreachable"}
    assert "every one of the 3 hosts" in outcomes[urls[0]].message
    # one name that does not exist among names that do is still broken (see the test above)
