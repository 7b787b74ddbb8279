"""Load on loopback: 50 clients fetch continuously while 20 rebuilds happen.

Every response must be complete and come from one whole build; the server's memory and threads
must stay flat. Runs in about 10 s and never skips.
"""

from __future__ import annotations

import http.client
import io
import re
import threading
import time
from pathlib import Path

import pytest

from support import FakeResult
from timeline import serve

pytestmark = pytest.mark.slow

CLIENTS = 50
REBUILDS = 20
NAMES = ["index.html", "404.html", "style.css"] + [f"events/e{i:02d}/index.html" for i in range(20)]
SCRIPT = re.compile(rb"<script id=\"timeline-preview-reload\">.*?</script>\n", re.S)


def page(name: str, build: int) -> bytes:
    if name.endswith(".css"):
        return f"/* BUILD {build} START */\n".encode() + b"p { margin: 0 }\n" * 500 + f"/* BUILD {build} END */".encode()
    filler = "".join(f"<p>{name} paragraph {i} of build {build}</p>\n" for i in range(400))
    return (f"<!doctype html><html><body><h1>BUILD {build} START</h1>\n{filler}"
            f"<footer>BUILD {build} END</footer></body></html>").encode()




class SlowWholeSiteBuilder:
    """Rewrites every file in place, slowly, so a reader let in mid-build would see a mix."""

    def __init__(self, out: Path):
        self.out, self.builds = out, 0

    def __call__(self) -> FakeResult:
        self.builds += 1
        for name in NAMES:
            path = self.out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as f:
                data = page(name, self.builds)
                f.write(data[: len(data) // 2])
                f.flush()
                time.sleep(0.0005)
                f.write(data[len(data) // 2:])
        return FakeResult(written=len(NAMES), pages=len(NAMES))


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def test_fifty_clients_during_twenty_rebuilds_get_whole_builds_only(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    builder = SlowWholeSiteBuilder(out)
    stop = threading.Event()
    problems: list[str] = []
    fetched: set[str] = set()
    builds_seen: set[int] = set()
    responses = [0] * CLIENTS

    with serve.PreviewServer(builder, out, log=io.StringIO()) as server:
        host, port = server._httpd.server_address[:2]

        def client(k: int) -> None:
            newest = 0
            i = k
            while not stop.is_set():
                name = NAMES[i % len(NAMES)]
                i += 1
                url = "/" + (name[: -len("index.html")] if name.endswith("/index.html") else name)
                try:
                    conn = http.client.HTTPConnection(host, port, timeout=30)
                    conn.request("GET", url)
                    resp = conn.getresponse()
                    body = resp.read()
                    conn.close()
                except Exception as exc:  # noqa: BLE001 - every failure is a finding
                    problems.append(f"{url}: {type(exc).__name__}: {exc}")
                    continue
                responses[k] += 1
                plain = SCRIPT.sub(b"", body, count=1)
                found = re.search(rb"BUILD (\d+) START", plain)
                build = int(found.group(1)) if found else -1
                if resp.status != 200 or plain != page(name, build):
                    problems.append(f"{url}: status {resp.status}, {len(body)} bytes, not one whole build {build}")
                elif build < newest:
                    problems.append(f"{url}: build {build} after this client already saw build {newest}")
                else:
                    newest = build
                    fetched.add(name)
                    builds_seen.add(build)

        threads_before = threading.active_count()
        clients = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(CLIENTS)]
        for t in clients:
            t.start()
        rss_warm = None
        started = time.monotonic()
        for n in range(REBUILDS):
            time.sleep(0.2)
            server.rebuild()
            if n == 4:
                rss_warm = rss_bytes()
        time.sleep(0.3)
        stop.set()
        for t in clients:
            t.join(30)
        elapsed = time.monotonic() - started
        rss_end = rss_bytes()
        assert wait_for(lambda: threading.active_count() <= threads_before, 5), "request threads leaked"

    assert builder.builds == REBUILDS + 1
    assert not problems, f"{len(problems)} bad responses, e.g. {problems[:5]}"
    assert all(responses), "a client starved"
    assert sum(responses) > 20 * CLIENTS, f"only {sum(responses)} responses in {elapsed:.1f} s"
    assert fetched == set(NAMES)
    assert len(builds_seen) >= REBUILDS // 2, f"clients saw only builds {sorted(builds_seen)}"
    growth = rss_end - rss_warm
    assert growth < 30 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB over {REBUILDS - 5} rebuilds"


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False
