"""Malformed and hostile requests to the preview: each gets a 4xx status line, never a closed
connection or a traceback in the log, and the server goes on serving `/` afterwards.

Raw bytes over a socket, as http.client would refuse to send most of them.
"""

from __future__ import annotations

import io
import socket
import threading
import time

import pytest

from support import FakeResult
from timeline import serve
from timeline.serve.server import LONG_POLL_SECONDS, SOCKET_TIMEOUT_SECONDS

ANSWER_WITHIN = 10.0  # seconds; a hang fails the test instead of blocking the suite


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    site = tmp_path_factory.mktemp("hostile") / "site"
    (site / "events" / "a").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><body><h1>Home</h1></body>")
    (site / "events" / "a" / "index.html").write_text("<!doctype html><body>A</body>")
    log = io.StringIO()
    with serve.PreviewServer(lambda: FakeResult(), site, log=log) as srv:
        srv.logged = log
        yield srv


def exchange(srv: serve.PreviewServer, request: bytes, timeout: float = ANSWER_WITHIN) -> bytes:
    """Send raw bytes and read the whole answer (the server closes after one response)."""
    host, port = srv._httpd.server_address[:2]
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def status_of(answer: bytes) -> int:
    line = answer.split(b"\r\n", 1)[0]
    assert line.startswith(b"HTTP/1."), f"no status line, got {answer[:80]!r}"
    return int(line.split()[1])


def get(srv, target: str | bytes, host: str | None = None) -> bytes:
    if isinstance(target, str):
        target = target.encode()
    host = host if host is not None else "127.0.0.1:%d" % srv._httpd.server_address[1]
    return exchange(srv, b"GET " + target + b" HTTP/1.1\r\nHost: " + host.encode() + b"\r\nConnection: close\r\n\r\n")


def still_serves(srv) -> None:
    answer = get(srv, "/")
    assert status_of(answer) == 200 and b"<h1>Home</h1>" in answer
    assert "Traceback" not in srv.logged.getvalue(), srv.logged.getvalue()


MALFORMED_TARGETS = [
    "/" + "a" * 300,                                # one name longer than any file name (ENAMETOOLONG)
    "/events/" + "a" * 300 + "/",
    "/a" * 2500,                                    # 2,500 levels: the path is longer than PATH_MAX
    "/" + "%61" * 300,                              # the same, percent-encoded
    "/events/a/" + "b" * 256 + ".html",
    serve.RELOAD_PATH + "?since=--1",
    serve.RELOAD_PATH + "?since=%C2%B2",            # a superscript two: str.isdigit() says yes, int() no
    serve.RELOAD_PATH + "?since=" + "9" * 5000,     # beyond int()'s 4,300-digit limit
    serve.RELOAD_PATH + "?since=1e3",
    serve.RELOAD_PATH + "?since=",
    serve.RELOAD_PATH + "?since=%00",
    "*",                                            # not a path at all
    "events/a/",                                    # relative
]


@pytest.mark.parametrize("target", MALFORMED_TARGETS, ids=lambda t: t[:40])
def test_a_malformed_path_gets_a_4xx_and_the_server_goes_on(preview, target):
    assert 400 <= status_of(get(preview, target)) < 500
    still_serves(preview)


RAW_REQUESTS = [
    b"GET /\r\n\r\n",                                          # HTTP/0.9: no status line could be sent
    b"GET\r\n\r\n",
    b"GET / HTTP/1.1 extra\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET / HTTP/x.y\r\nHost: 127.0.0.1\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc",
    b"DELETE /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: " + b"y" * 70000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(150)) + b"Host: 127.0.0.1\r\n\r\n",
    b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET / HTTP/1.1\r\n\r\n",                                 # HTTP/1.1 without Host
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.1\r\n\r\n",
]


@pytest.mark.parametrize("request_bytes", RAW_REQUESTS, ids=lambda r: r[:30].decode("latin-1"))
def test_a_malformed_request_gets_a_4xx_and_the_server_goes_on(preview, request_bytes):
    assert 400 <= status_of(exchange(preview, request_bytes)) < 500
    still_serves(preview)


@pytest.mark.parametrize("host", [
    "evil.example", "evil.example:{port}", "localhost.evil.example:{port}", "127.0.0.1.evil.example",
    "10.0.0.1:{port}", "127.0.0.1:1", "localhost:1", "[::1]:1", "", "127.0.0.1:{port}:{port}",
    "127.0.0.1:99999", "[::1", "a b", "user@127.0.0.1", "127.0.0.1/x",
])
def test_a_host_that_is_not_this_preview_is_refused_against_dns_rebinding(preview, host):
    port = preview._httpd.server_address[1]
    answer = get(preview, "/", host.format(port=port))
    assert status_of(answer) in (400, 421), answer[:200]
    assert b"<h1>Home</h1>" not in answer
    still_serves(preview)


def test_an_absolute_uri_naming_another_host_is_refused(preview):
    answer = get(preview, "http://evil.example/")
    assert status_of(answer) in (400, 421) and b"<h1>Home</h1>" not in answer
    port = preview._httpd.server_address[1]
    assert status_of(get(preview, f"http://127.0.0.1:{port}/")) == 200


@pytest.mark.parametrize("host", [
    "127.0.0.1", "127.0.0.1:{port}", "localhost", "LOCALHOST:{port}", "localhost.:{port}", "[::1]:{port}",
    "[::1]", "127.0.0.2:{port}", "app.localhost:{port}",
])
def test_loopback_names_with_the_right_port_or_none_are_served(preview, host):
    port = preview._httpd.server_address[1]
    assert status_of(get(preview, "/", host.format(port=port))) == 200


def test_an_http_1_0_request_without_host_is_served(preview):
    assert status_of(exchange(preview, b"GET / HTTP/1.0\r\n\r\n")) == 200


def test_idle_and_http_0_9_clients_are_dropped_after_the_socket_timeout(tmp_path):
    assert 0 < SOCKET_TIMEOUT_SECONDS <= 30
    (tmp_path / "index.html").write_text("<body>hi</body>")
    log = io.StringIO()
    with serve.PreviewServer(lambda: FakeResult(), tmp_path, socket_timeout=0.5, log=log) as srv:
        host, port = srv._httpd.server_address[:2]
        idle = socket.create_connection((host, port), timeout=5)
        half = socket.create_connection((host, port), timeout=5)
        half.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers never finished
        started = time.monotonic()
        for sock in (idle, half):
            sock.recv(100)  # returns b"" (closed) or a 408, never blocks for the whole 5 s
            sock.close()
        assert time.monotonic() - started < 3
        assert "Traceback" not in log.getvalue()


def test_a_long_poll_outlasts_the_socket_timeout_and_is_answered_by_the_next_build(tmp_path):
    """The timeout is on socket reads and writes; a long-poll waits (up to 25 s) without either."""
    assert 0 < SOCKET_TIMEOUT_SECONDS < LONG_POLL_SECONDS
    (tmp_path / "index.html").write_text("<body>hi</body>")
    with serve.PreviewServer(lambda: FakeResult(), tmp_path, socket_timeout=0.3, log=io.StringIO()) as srv:
        since = srv.generation
        timer = threading.Timer(1.0, srv.rebuild)
        timer.start()
        try:
            answer = get(srv, f"{serve.RELOAD_PATH}?since={since}")
        finally:
            timer.join()
    assert status_of(answer) == 200 and answer.endswith(str(since + 1).encode())


def test_listening_on_every_interface_admits_address_literals_but_still_no_foreign_name(tmp_path):
    (tmp_path / "index.html").write_text("<body><h1>Home</h1></body>")
    with serve.PreviewServer(lambda: FakeResult(), tmp_path, host="0.0.0.0", log=io.StringIO()) as srv:
        assert not srv.loopback_only
        port = srv._httpd.server_address[1]
        for name in (f"192.0.2.7:{port}", f"127.0.0.1:{port}", f"{socket.gethostname()}:{port}"):
            assert status_of(get(srv, "/", name)) == 200, name
        for name in ("evil.example", f"evil.example:{port}", "192.0.2.7:1"):
            assert status_of(get(srv, "/", name)) == 421, name


@pytest.mark.parametrize("spelling", ["LOCALHOST", "127.1", "localhost"])
def test_what_was_bound_decides_loopback_not_its_spelling(tmp_path, spelling):
    with serve.PreviewServer(lambda: FakeResult(), tmp_path, host=spelling, log=io.StringIO()) as srv:
        assert srv.loopback_only


def test_head_gives_the_length_of_the_page_but_not_the_page(preview):
    port = preview._httpd.server_address[1]
    full = get(preview, "/")
    head = exchange(preview, b"HEAD / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port)
    length = int(full.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    assert status_of(head) == 200 and head.endswith(b"\r\n\r\n")
    assert b"Content-Length: %d\r\n" % length in head and length == len(full.split(b"\r\n\r\n", 1)[1])


@pytest.mark.parametrize("name", [".timeline-build", ".timeline-build.lock", ".timeline-staging-x/0-1", ".hidden"])
def test_the_builds_own_hidden_files_are_not_served(preview, name):
    """Second red team: the preview served /.timeline-build (the build's record). Hidden files are the
    writer's bookkeeping, never part of the site."""
    target = preview.site_dir / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("{}")
    answer = exchange(preview, f"GET /{name} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    assert answer.split(b"\r\n", 1)[0].split()[1] == b"404", answer[:80]
