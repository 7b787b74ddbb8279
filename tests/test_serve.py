"""The preview server, in-process with a fake builder on a free port."""

from __future__ import annotations

import argparse
import contextlib
import gc
import http.client
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from support import FakeResult
from timeline import serve
from timeline.cli import cmd_serve, serve_arguments
from timeline.serve.hosts import is_loopback
from timeline.serve.watch import Debouncer
from timeline.diagnostics import Diagnostic

ROOT = Path(__file__).resolve().parent.parent

PAGES = {
    "index.html": "<!doctype html><html><body><h1>Home {n}</h1><!-- not the end: </body> --></body></html>",
    "events/treaty/index.html": "<!doctype html><html><body><h1>Treaty {n}</h1></body></html>",
    "404.html": "<!doctype html><html><body><h1>Lost page {n}</h1></body></html>",
    "style.css": "body {{ color: black }} /* {n} </body> */",
    "events.json": '{{"build": {n}}}',
    "bare.html": "<p>no body tag {n}</p>",
}




class FakeBuilder:
    """Writes PAGES with the build number; can fail, raise, or pause halfway through writing."""

    def __init__(self, out: Path):
        self.out = out
        self.calls = 0
        self.fail_with: list[Diagnostic] | None = None
        self.raise_exc: Exception | None = None
        self.pause: threading.Event | None = None
        self.paused = threading.Event()
        self.warnings: list[Diagnostic] = []

    def __call__(self) -> FakeResult:
        self.calls += 1
        if self.raise_exc is not None:
            raise self.raise_exc
        if self.fail_with is not None:
            return FakeResult(ok=False, diagnostics=self.fail_with)
        for i, (name, text) in enumerate(PAGES.items()):
            path = self.out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text.format(n=self.calls), encoding="utf-8")
            if i == 0 and self.pause is not None:
                self.paused.set()
                self.pause.wait(10)
        return FakeResult(diagnostics=list(self.warnings), pages=len(PAGES), written=len(PAGES))


@pytest.fixture
def site(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    return out


@pytest.fixture
def server(site):
    builder = FakeBuilder(site)
    log = io.StringIO()
    with serve.PreviewServer(builder, site, log=log) as srv:
        srv.fake, srv.logged = builder, log
        yield srv


def get(srv: serve.PreviewServer, path: str, method: str = "GET"):
    """Send `path` byte for byte, as urllib would normalise away `..`."""
    host, port = srv._httpd.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


# --- serving --------------------------------------------------------------------------------------

def test_reload_script_goes_only_into_served_html_before_the_last_body(server, site):
    on_disk = {name: (site / name).read_bytes() for name in PAGES}

    status, headers, body = get(server, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert body.count(b'id="timeline-preview-reload"') == 1
    # the script sits after the commented "</body>" and right before the real, last one
    assert body.index(b"timeline-preview-reload") > body.index(b"not the end")
    assert body.endswith(b"</script>\n</body></html>")
    assert int(headers["Content-Length"]) == len(body)
    assert body.replace(body[body.index(b"<script"):body.rindex(b"</body>")], b"") == on_disk["index.html"]

    _, _, bare = get(server, "/bare.html")
    assert bare.startswith(on_disk["bare.html"]) and b"timeline-preview-reload" in bare

    for name in ("style.css", "events.json"):
        status, _, body = get(server, "/" + name)
        assert status == 200 and body == on_disk[name], name

    assert {name: (site / name).read_bytes() for name in PAGES} == on_disk


def test_directory_urls_serve_index_and_redirect_without_slash(server):
    status, _, body = get(server, "/events/treaty/")
    assert status == 200 and b"<h1>Treaty 1</h1>" in body

    status, headers, _ = get(server, "/events/treaty?x=1")
    assert status == 301 and headers["Location"] == "/events/treaty/?x=1"

    # "//host" in a Location header would send the browser to another site
    (server.site_dir / "evil.example").mkdir()
    status, headers, _ = get(server, "//evil.example")
    assert status == 301 and headers["Location"] == "/evil.example/"


def test_unknown_path_gets_the_sites_404_page(server):
    status, headers, body = get(server, "/no/such/page/")
    assert status == 404
    assert b"<h1>Lost page 1</h1>" in body and b"timeline-preview-reload" in body
    assert get(server, "/missing.css")[0] == 404
    assert get(server, "/no/such", "HEAD")[0] == 404


def test_a_missing_address_gets_the_404_page_of_the_folder_it_is_in(server, site):
    """A site in several languages has a 404 page in each language's folder: the nearest one above
    the address is served, as the page in that address's language."""
    (site / "zh" / "events").mkdir(parents=True)
    (site / "zh" / "404.html").write_text('<!doctype html><html lang="zh-Hans"><body><h1>找不到</h1></body></html>',
                                          encoding="utf-8")
    for path in ("/zh/events/nope/", "/zh/nope", "/zh/events/treaty/x.css"):
        status, _, body = get(server, path)
        assert status == 404 and "<h1>找不到</h1>".encode() in body and b"timeline-preview-reload" in body, path
    for path in ("/events/nope/", "/zho/events/", "/nope/zh/"):
        status, _, body = get(server, path)
        assert status == 404 and b"<h1>Lost page 1</h1>" in body, path
    (site / "zh" / "404.html").unlink()
    assert b"<h1>Lost page 1</h1>" in get(server, "/zh/events/nope/")[2]


def test_without_a_404_page_a_plain_one_still_carries_the_reload_script(server, site):
    (site / "404.html").unlink()
    status, _, body = get(server, "/nothing")
    assert status == 404 and b"404" in body and b"timeline-preview-reload" in body


@pytest.mark.parametrize("path", [
    "/../secret.txt",
    "/events/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E%2Fsecret.txt",
    "/events/..%2f..%2fsecret.txt",
    "/..%5csecret.txt",
    "/leak.txt",
    "/leakdir/secret.txt",
])
def test_nothing_outside_the_site_is_served(server, site, path):
    (site.parent / "secret.txt").write_text("TOP SECRET")
    (site / "leak.txt").symlink_to(site.parent / "secret.txt")
    (site / "leakdir").symlink_to(site.parent)
    status, _, body = get(server, path)
    assert status in (403, 404)
    assert b"TOP SECRET" not in body


def test_a_symlink_inside_the_site_is_served(server, site):
    (site / "alias.css").symlink_to(site / "style.css")
    assert get(server, "/alias.css")[:1] == (200,)


# --- builds ---------------------------------------------------------------------------------------

def test_a_request_during_a_build_waits_for_the_whole_new_build(server):
    fake = server.fake
    fake.pause = threading.Event()
    builder = threading.Thread(target=server.rebuild)
    builder.start()
    assert fake.paused.wait(5), "the build never started"
    # index.html of build 2 is on disk now, events/treaty is still from build 1
    got = {}
    reader = threading.Thread(target=lambda: got.update(zip(("status", "h", "body"), get(server, "/events/treaty/"))))
    reader.start()
    reader.join(0.4)
    assert reader.is_alive(), "a request was answered from a half-built site"
    fake.pause.set()
    reader.join(5)
    builder.join(5)
    assert got["status"] == 200 and b"<h1>Treaty 2</h1>" in got["body"]


def test_failed_build_shows_an_escaped_overlay_over_the_last_good_site_until_fixed(server):
    fake = server.fake
    fake.fail_with = [
        Diagnostic("site_src/events/1858-aigun.yaml", 7, None, "title", "bad <script>alert(1)</script> & more"),
        Diagnostic("site_src/site.yaml", None, None, None, "only a warning", "warning"),
    ]
    assert server.rebuild() is False

    status, _, body = get(server, "/events/treaty/")
    assert status == 200 and b"<h1>Treaty 1</h1>" in body, "the last good site must stay"
    assert b'id="timeline-preview-errors"' in body
    assert b"site_src/events/1858-aigun.yaml:7</strong>: title: bad &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in body
    assert b"<script>alert(1)" not in body
    assert b"only a warning" not in body
    assert "site_src/events/1858-aigun.yaml:7: title: bad <script>" in server.logged.getvalue()
    assert get(server, "/nowhere")[2].count(b"timeline-preview-errors") == 1

    fake.fail_with = None
    assert server.rebuild() is True
    status, _, body = get(server, "/events/treaty/")
    assert b"<h1>Treaty 3</h1>" in body and b"timeline-preview-errors" not in body


def test_the_overlay_is_english_closable_and_announced(server):
    """Its text is English on a page in any language; a real button and Esc close it (the browser
    test tries them); its alert is filled once the page has loaded, so that it is read out."""
    server.fake.fail_with = [Diagnostic("site_src/events/a.yaml", 2, None, None, "bad")]
    assert server.rebuild() is False
    body = get(server, "/")[2].decode()
    overlay = body[body.index(f'<section id="{serve.OVERLAY_ID}"'):body.index("</section>")]
    assert 'lang="en"' in overlay.split(">", 1)[0] and 'aria-labelledby="' in overlay.split(">", 1)[0]
    assert '<button type="button"' in overlay and ">Close<" in overlay and '"Escape"' in overlay
    assert re.search(r'<p role="alert"[^>]*></p>', overlay)


def test_errors_print_at_every_failed_build_and_warnings_only_when_new(server):
    old = Diagnostic("site_src/sources.yaml", 3, None, "x-1999", "source is not cited by any event", "warning")
    new = Diagnostic("site_src/sources.yaml", 9, None, "y-2001", "source is not cited by any event", "warning")
    error = Diagnostic("site_src/events/a.yaml", 2, None, "date", "not a date")
    server.fake.warnings = [old]
    server.rebuild()
    server.fake.warnings = [old, new]
    server.rebuild()
    server.fake.fail_with = [error]
    server.rebuild()
    server.rebuild()
    log = server.logged.getvalue()
    assert log.count(str(old)) == 1 and log.count(str(new)) == 1
    assert log.count(str(error)) == 2
    assert "1 warning(s) shown before are not repeated" in log


def test_an_exception_in_the_builder_does_not_kill_the_server(server):
    server.fake.raise_exc = RuntimeError("template 'event.html' exploded")
    server.changed()
    assert wait_until(lambda: server.fake.calls == 2)
    assert wait_until(lambda: b"timeline-preview-errors" in get(server, "/")[2])
    status, _, body = get(server, "/")
    assert status == 200 and b"Home 1" in body
    assert b"RuntimeError: template &#x27;event.html&#x27; exploded" in body
    log = server.logged.getvalue()
    # one line saying what and where, not a traceback burying the build messages
    assert "Traceback" not in log
    assert "RuntimeError: template 'event.html' exploded (raised in " in log and "test_serve.py:" in log

    server.fake.raise_exc = None
    server.changed()
    assert wait_until(lambda: b"Home 3" in get(server, "/")[2])
    assert b"timeline-preview-errors" not in get(server, "/")[2]


def test_a_file_error_in_the_build_names_the_file_without_a_traceback(server, tmp_path):
    """A dangling symlink in events/ (REDTEAM 16): the loader should report it, but whatever escapes
    reaches the overlay and the log as file: message."""
    missing = tmp_path / "site_src" / "events" / "gone.yaml"
    server.fake.raise_exc = FileNotFoundError(2, "No such file or directory", str(missing))
    assert server.rebuild() is False
    log = server.logged.getvalue()
    assert "Traceback" not in log
    assert f"\n{missing}: No such file or directory\n" in log
    body = get(server, "/")[2]
    assert f"<strong>{missing}</strong>: No such file or directory".encode() in body


def test_long_poll_answers_when_a_build_finishes(server):
    generation = server.generation
    answer = {}
    poll = threading.Thread(target=lambda: answer.setdefault("r", get(server, f"{serve.RELOAD_PATH}?since={generation}")))
    poll.start()
    poll.join(0.3)
    assert poll.is_alive(), "the long-poll must wait for a build"
    server.changed()
    poll.join(5)
    assert answer["r"][0] == 200 and int(answer["r"][2]) == generation + 1


def test_ten_changes_within_100_ms_give_one_build(server):
    for _ in range(10):
        server.changed()
        time.sleep(0.01)
    time.sleep(server.quiet * 4)
    assert server.fake.calls == 2


def test_garbage_is_collected_once_the_editor_is_idle_not_during_a_burst(site, monkeypatch):
    collected = []
    builder = FakeBuilder(site)
    monkeypatch.setattr(gc, "collect", lambda *a: collected.append(builder.calls))
    with serve.PreviewServer(builder, site, idle_collect=0.3, log=io.StringIO()) as server:
        server.changed()
        assert wait_until(lambda: builder.calls == 2)
        time.sleep(0.15)
        server.changed()  # a new change before the idle moment: build again, collect only after it
        assert wait_until(lambda: builder.calls == 3)
        assert collected == []
        assert wait_until(lambda: collected == [3])
        time.sleep(0.5)
        assert collected == [3]  # once per idle moment, not again and again


def test_what_the_caches_hold_is_out_of_the_collector_s_sight_while_a_save_builds(site):
    """A full collection during a build walks every object the memo holds (half a second at 10,000
    events): the objects alive when a save's build starts are frozen for it, and thawed when the
    editor is idle (then collected) or the server stops."""
    frozen = []
    builder = FakeBuilder(site)
    held = [object() for _ in range(1000)]  # what the caches would hold
    with serve.PreviewServer(lambda: frozen.append(gc.get_freeze_count()) or builder(), site,
                             idle_collect=0.3, log=io.StringIO()) as server:
        assert frozen == [0]   # the first build, before serving: nothing to spare it yet
        server.changed()
        assert wait_until(lambda: builder.calls == 2)
        assert frozen[1] >= len(held)
        assert wait_until(lambda: gc.get_freeze_count() == 0)   # idle: thawed, and collected
        server.changed()
        assert wait_until(lambda: builder.calls == 3)
    assert frozen[2] >= len(held) and gc.get_freeze_count() == 0


# --- watching -------------------------------------------------------------------------------------

@contextlib.contextmanager
def watching(tmp_path, **options):
    """A preview watching site_src/ (with events/a.yaml) under tmp_path; options: PreviewServer's."""
    src, out = tmp_path / "site_src", tmp_path / "out"
    (src / "events").mkdir(parents=True)
    out.mkdir()
    (src / "events" / "a.yaml").write_text("title: A\n")
    builder, log = FakeBuilder(out), io.StringIO()
    with serve.PreviewServer(builder, out, watch=[src], log=log, **options) as srv:
        srv.fake, srv.logged = builder, log
        time.sleep(0.2)  # let the observer settle before the test makes events
        yield srv, src


@pytest.fixture
def watched(tmp_path):
    with watching(tmp_path) as both:
        yield both


def test_a_burst_of_saves_gives_one_rebuild(tmp_path):
    """Once a second file changes, the saves are a burst (a checkout, "save all") that may go on: the
    build waits for the quiet moment, however long after the first each later save comes."""
    with watching(tmp_path, quiet=0.5, settle=0.05) as (srv, src):
        (src / "events" / "a.yaml").write_text("title: A0\n")
        for i in range(5):
            (src / "events" / f"b{i}.yaml").write_text(f"title: B{i}\n")
            time.sleep(srv.settle * 3)
        assert wait_until(lambda: srv.fake.calls >= 2)
        time.sleep(srv.quiet * 2)
        assert srv.fake.calls == 2


def test_a_save_that_ended_builds_after_a_moment_not_the_whole_quiet_wait(tmp_path):
    """A file written and closed, or renamed into place, is a whole save: its build starts `settle`
    seconds after it, not `quiet` (which waits out saves made of several events)."""
    with watching(tmp_path, quiet=2.0, settle=0.02) as (srv, src):
        started = time.monotonic()
        (src / "events" / "a.yaml").write_text("title: A saved\n")
        assert wait_until(lambda: srv.fake.calls == 2, timeout=1.5)
        assert time.monotonic() - started < srv.quiet
        time.sleep(0.2)
        started = time.monotonic()
        (src / "events" / "b.yaml.tmp").write_text("title: B\n")   # an editor's atomic save
        os.replace(src / "events" / "b.yaml.tmp", src / "events" / "b.yaml")
        assert wait_until(lambda: srv.fake.calls == 3, timeout=1.5)
        assert time.monotonic() - started < srv.quiet
        time.sleep(0.2)
        started = time.monotonic()
        (src / "events" / "b.yaml.Xk3Jq1").write_text("title: B again\n")   # Kate's, under a name not ignored
        os.replace(src / "events" / "b.yaml.Xk3Jq1", src / "events" / "b.yaml")
        assert wait_until(lambda: srv.fake.calls == 4, timeout=1.5)
        assert time.monotonic() - started < srv.quiet


def test_a_file_still_being_written_or_moved_away_waits_for_the_quiet_moment(tmp_path):
    """Until a save ends, the build waits `quiet` seconds after the last event: a file open for
    writing, or moved away to a backup name before its new version is written (as Vim saves), is
    not built half-done."""
    with watching(tmp_path, quiet=0.6, settle=0.02) as (srv, src):
        event = src / "events" / "a.yaml"
        with open(event, "w") as handle:
            handle.write("title: ")
            handle.flush()
            time.sleep(0.25)
            assert srv.fake.calls == 1, "built while the file was still being written"
            handle.write("A written slowly\n")
        assert wait_until(lambda: srv.fake.calls == 2, timeout=3)
        time.sleep(srv.quiet * 2)
        assert srv.fake.calls == 2
        for backup in ("a.yaml~", "a.yaml.old"):   # an ignored name, and one that is not
            calls = srv.fake.calls
            event.rename(src / "events" / backup)
            time.sleep(0.25)
            assert srv.fake.calls == calls, f"built while the event file was moved away to {backup}"
            event.write_text("title: A again\n")
            (src / "events" / backup).unlink()
            assert wait_until(lambda: srv.fake.calls == calls + 1, timeout=3)
            time.sleep(srv.quiet * 2)
            assert srv.fake.calls == calls + 1


def test_only_one_file_s_ended_save_builds_soon():
    """A save that ended builds `settle` seconds after it when it is the only file changed; a file
    whose save goes on, or a second file changed, waits for the quiet moment."""
    acted = []
    debounce = Debouncer(lambda: acted.append(time.monotonic()), quiet=1.5, idle_after=60, settle=0.02)
    thread = threading.Thread(target=debounce.run, daemon=True)
    thread.start()
    try:
        for events in ([("a.yaml", False), ("b.yaml", True)], [("a.yaml", True), ("b.yaml", True)]):
            started, count = time.monotonic(), len(acted)
            for name, settled in events:
                debounce.changed(name, settled)
            time.sleep(0.3)
            assert len(acted) == count
            assert wait_until(lambda: len(acted) > count, timeout=5) and acted[-1] - started >= 1.5
        started = time.monotonic()
        debounce.changed("a.yaml")
        debounce.changed("a.yaml", settled=True)   # the same file's save ended: its last event counts
        assert wait_until(lambda: len(acted) == 3, timeout=1.0)
        debounce.changed("a.yaml.Xk3Jq1", settled=True)   # a temporary file written, then renamed into place
        debounce.changed("a.yaml.Xk3Jq1", renamed=True)
        debounce.changed("a.yaml", settled=True)
        assert wait_until(lambda: len(acted) == 4, timeout=1.0)
        started = time.monotonic()
        debounce.changed("b.yaml", renamed=True)   # moved onto a watched name, unwritten: gone from there
        debounce.changed("b.yaml.old", settled=True)
        time.sleep(0.3)
        assert len(acted) == 4
        assert wait_until(lambda: len(acted) == 5, timeout=5) and acted[-1] - started >= 1.5
        started = time.monotonic()
        debounce.changed("c.yaml", settled=True)
        debounce.changed("c.yaml")   # then moved out of the watched folders: gone, and still a change
        time.sleep(0.3)
        assert len(acted) == 5
        assert wait_until(lambda: len(acted) == 6, timeout=5) and acted[-1] - started >= 1.5
    finally:
        debounce.stop()
        thread.join(5)


def test_editor_swap_and_backup_files_do_not_rebuild(watched):
    srv, src = watched
    for name in (".a.yaml.swp", ".a.yaml.swx", "a.yaml~", ".#a.yaml", "#a.yaml#", "4913", "a.yaml___jb_tmp___"):
        (src / "events" / name).write_text("junk")
        (src / "events" / name).unlink()
    time.sleep(srv.quiet * 5)
    assert srv.fake.calls == 1
    (src / "events" / "b.yaml").write_text("title: B\n")  # and a real save still does
    assert wait_until(lambda: srv.fake.calls == 2)


def test_the_build_output_is_not_watched(tmp_path):
    src = tmp_path / "site_src"
    out = src / "_preview"  # even when it sits inside a watched folder
    out.mkdir(parents=True)
    builder = FakeBuilder(out)
    with serve.PreviewServer(builder, out, watch=[src], ignore=[tmp_path / "build"], log=io.StringIO()) as srv:
        srv.rebuild()
        (tmp_path / "build").mkdir()
        (tmp_path / "build" / "x.html").write_text("x")
        time.sleep(srv.quiet * 5)
        assert builder.calls == 2, "writing the output must not trigger another build"


@pytest.mark.parametrize("poll", [False, True], ids=["events", "polling"])
def test_a_symlinked_events_folder_is_watched_through_its_link(tmp_path, poll):
    """REDTEAM 4: watchdog does not follow a linked folder; the preview watches its target too."""
    src, out, elsewhere = tmp_path / "site_src", tmp_path / "out", tmp_path / "elsewhere"
    (elsewhere / "deeper").mkdir(parents=True)
    (elsewhere / "deeper" / "a.yaml").write_text("title: A\n")
    src.mkdir()
    out.mkdir()
    (src / "events").symlink_to(elsewhere)
    (src / "loop").symlink_to(src)  # a link back up the tree is already watched, and not followed
    builder = FakeBuilder(out)
    with serve.PreviewServer(builder, out, watch=[src], poll=poll, log=io.StringIO()) as srv:
        time.sleep(0.3)
        (elsewhere / "deeper" / "a.yaml").write_text("title: A edited\n")
        assert wait_until(lambda: builder.calls == 2, timeout=5), "an edit behind the link did not rebuild"
        time.sleep(srv.quiet * 6)
        (src / "more").mkdir()  # a link made while the preview runs is followed from the next build on
        (src / "more" / "link").symlink_to(tmp_path / "later", target_is_directory=True)
        (tmp_path / "later").mkdir()
        assert wait_until(lambda: builder.calls >= 3, timeout=5)
        time.sleep(srv.quiet * 6 + (1.5 if poll else 0.3))
        calls = builder.calls
        (tmp_path / "later" / "b.yaml").write_text("title: B\n")
        assert wait_until(lambda: builder.calls > calls, timeout=5), "a folder linked later is not watched"


@pytest.mark.parametrize("poll", [False, True], ids=["events", "polling"])
def test_a_content_folder_replaced_or_removed_is_said_and_watched_again(tmp_path, poll):
    """`mv site_src old && cp -r old site_src`: inotify follows the folder moved away, not its name.
    The preview notices another folder in its place, says so, builds from it and watches it (and no
    longer the one moved away); a folder removed is said, and watched again once it is back."""
    with watching(tmp_path, poll=poll) as (srv, src):
        old = tmp_path / "old"
        src.rename(old)
        shutil.copytree(old, src)
        assert wait_until(lambda: "watching" in srv.logged.getvalue(), timeout=5), srv.logged.getvalue()
        assert wait_until(lambda: srv.fake.calls >= 2, timeout=5)
        time.sleep(srv.quiet * 3)
        calls = srv.fake.calls
        (src / "events" / "a.yaml").write_text("title: A in the copy\n")
        assert wait_until(lambda: srv.fake.calls > calls, timeout=5), "an edit in the new folder did not rebuild"
        time.sleep(srv.quiet * 3 + (1.5 if poll else 0))
        calls = srv.fake.calls
        (old / "events" / "a.yaml").write_text("title: A in the old one\n")
        time.sleep(srv.quiet * 5 + (1.5 if poll else 0))
        assert srv.fake.calls == calls, "the folder moved away is still watched"

        shutil.rmtree(src)
        assert wait_until(lambda: "is gone" in srv.logged.getvalue(), timeout=5), srv.logged.getvalue()
        (src / "events").mkdir(parents=True)
        (src / "events" / "a.yaml").write_text("title: A again\n")
        assert wait_until(lambda: "is back" in srv.logged.getvalue(), timeout=5), srv.logged.getvalue()
        time.sleep(srv.quiet * 3 + (1.5 if poll else 0))
        calls = srv.fake.calls
        (src / "events" / "a.yaml").write_text("title: A edited\n")
        assert wait_until(lambda: srv.fake.calls > calls, timeout=5), "an edit in the folder made again did not rebuild"


def test_polling_observer_sees_changes(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    builder = FakeBuilder(out)
    with serve.PreviewServer(builder, out, watch=[src], poll=True, log=io.StringIO()) as srv:
        from watchdog.observers.polling import PollingObserver

        assert isinstance(srv.watcher.observer, PollingObserver)
        (src / "new.yaml").write_text("title: New\n")
        assert wait_until(lambda: builder.calls == 2, timeout=5)


@pytest.mark.parametrize("name,ignored", [
    (".1689-nerchinsk.yaml.swp", True), ("1689-nerchinsk.yaml~", True), (".#1689-nerchinsk.yaml", True),
    ("4913", True), (".x.yaml.swx", True), ("#notes.md#", True), ("x.yaml.kate-swp", True), (".git/index", True),
    ("1689-nerchinsk.yaml", False), ("site.yaml", False), ("about.md", False), ("event.html", False),
])
def test_is_ignored(name, ignored):
    assert serve.is_ignored(Path("/work/site_src/events") / name) is ignored


def test_the_benchmark_measures_save_to_reloaded_page(watched):
    """scripts/bench.py's helper, which times the preview from an editor's save to the reloaded page."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from bench import measure_reload_latency
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    srv, src = watched
    latencies = measure_reload_latency(
        srv, lambda i: (src / "events" / "a.yaml").write_text(f"title: A{i}\n"), samples=3)
    assert len(latencies) == 3
    assert all(srv.settle <= t < 5 for t in latencies), latencies
    assert srv.fake.calls == 4


def test_the_print_views_and_exports_are_made_when_asked_for_as_a_full_build_has_them(site_dir, tmp_path):
    """The preview leaves its print views (megabytes each) and its exports to make when a browser asks."""
    from timeline.build import build_site
    from timeline.incremental import Memo
    src, out, memo = site_dir(), tmp_path / "out", Memo()
    assert build_site(src, tmp_path / "full", use_cache=False).ok
    with serve.PreviewServer(lambda: build_site(src, out, memo=memo, on_demand=True), out,
                             log=io.StringIO()) as srv:
        assert not (out / "print").exists()
        status, headers, body = get(srv, "/print/")
        _, _, home = get(srv, "/")
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert body == (tmp_path / "full" / "print" / "index.html").read_bytes().replace(
            b"</body>", _injected(home) + b"</body>")
        era = next(p for p in (tmp_path / "full" / "print" / "eras").iterdir())
        assert get(srv, f"/print/eras/{era.name}/index.html")[0] == 200
        status, headers, _ = get(srv, f"/print/eras/{era.name}?x=1")
        assert status == 301 and headers["Location"] == f"/print/eras/{era.name}/?x=1"
        assert get(srv, "/print/eras/nowhere/")[0] == 404
        assert not (out / "events.json").exists()
        for name, ctype in (("events.json", "application/json; charset=utf-8"), ("feed.xml", "application/xml; charset=utf-8"),
                            ("places.geojson", "application/geo+json")):
            status, headers, body = get(srv, f"/{name}")
            assert (status, headers["Content-Type"]) == (200, ctype)
            assert body == (tmp_path / "full" / name).read_bytes()
        # A file asked for as a folder is not found, as static hosts (and Python's http.server) answer it:
        # served, its relative links resolved a level too deep. A folder's own index.html is served.
        assert get(srv, "/events.json/")[0] == get(srv, "/static/style.css/")[0] == get(srv, "/feed.xml/")[0] == 404
        assert get(srv, "/print/index.html/")[0] == get(srv, "/index.html/")[0] == 404   # made when asked, or written
        assert get(srv, "/print/index.html")[0] == get(srv, "/index.html")[0] == 200


def test_a_theme_mistake_in_a_page_made_when_asked_for_is_shown_and_the_preview_goes_on(site_dir, tmp_path):
    from timeline.build import build_site
    from timeline.incremental import Memo
    src, out, memo, templates = site_dir(), tmp_path / "out", Memo(), tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    text = (templates / "print.html").read_text(encoding="utf-8")
    (templates / "print.html").write_text(text.replace("{% block main %}", "{% block main %}{{ doc.no.such }}", 1),
                                          encoding="utf-8")
    with serve.PreviewServer(lambda: build_site(src, out, templates=templates, memo=memo, on_demand=True), out,
                             log=io.StringIO()) as srv:
        assert srv.errors == []   # the build itself does not make the print views
        status, headers, body = get(srv, "/print/")
        assert status == 500 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert b"/print/ could not be made</h1>" in body and b"template error" in body
        assert re.search(rb"<strong>(templates/)?print\.html", body)   # never an absolute path
        assert get(srv, "/")[0] == 200


def test_the_404_pages_links_work_at_any_depth_in_each_language(tmp_path):
    """The preview serves its site at "/", so its 404 pages, shown at any address, link from there:
    their stylesheet, icon and links resolve from /zh/events/nope/ as from /404.html."""
    from html.parser import HTMLParser
    from urllib.parse import urljoin, urlsplit

    from support import multilingual
    from timeline.cli import preview_builder

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            self.found += [value for name, value in attrs if name in ("href", "src") and value]

    src, out = multilingual(tmp_path / "site_src"), tmp_path / "out"
    out.mkdir()
    with serve.PreviewServer(preview_builder(src, ROOT / "templates", out), out, log=io.StringIO()) as srv:
        assert srv.errors == []
        for lang, folder in (("en", ""), ("zh-Hans", "zh/"), ("ru", "ru/")):
            for address in (f"/{folder}events/nope/", f"/{folder}print/eras/nope/deeper", f"/{folder}nope.html"):
                status, _, body = get(srv, address)
                assert status == 404 and f'<html lang="{lang}"'.encode() in body, address
                links = Links()
                links.found = []
                links.feed(body.decode("utf-8"))
                local = [urljoin(address, href) for href in links.found
                         if not urlsplit(href).scheme and not href.startswith("#")]
                assert len(local) > 10 and "#main" in links.found, address   # its skip link stays on the page
                for url in local:
                    assert get(srv, urlsplit(url).path)[0] == 200, (address, url)


def test_a_page_made_when_asked_for_that_fails_says_so_in_the_terminal_and_shows_its_error(site_dir, tmp_path,
                                                                                           capsys):
    """The build itself succeeds (the print view is made when asked for), so the error can only be
    told when a browser asks: in the terminal, as `timeline check` gives it, once a build, and on the
    page, which is the error and nothing else."""
    from timeline.cli import main, preview_builder
    src, out, templates = site_dir(), tmp_path / "out", tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    with open(templates / "partials" / "print_event.html", "a", encoding="utf-8") as partial:
        partial.write("{{ no_such_thing }}\n")
    assert main(["check", "--src", str(src), "--templates", str(templates), "--no-cache"]) == 1
    checked = [line for line in capsys.readouterr().err.splitlines() if "no_such_thing" in line]
    assert len(checked) == 1 and checked[0].startswith("templates/partials/print_event.html:")
    out.mkdir()
    log = io.StringIO()
    with serve.PreviewServer(preview_builder(src, templates, out), out, log=log) as srv:
        assert srv.errors == [] and "built in" in log.getvalue()
        status, headers, body = get(srv, "/print/")
        assert status == 500 and headers["Content-Type"] == "text/html; charset=utf-8"
        said = log.getvalue().splitlines()
        assert checked[0] in said and any(line.startswith("/print/") for line in said), said
        text = body.decode()
        assert text.startswith("<!DOCTYPE html>") and '<html lang="en">' in text and "<title>" in text
        assert "templates/partials/print_event.html:" in text and "no_such_thing" in text
        assert "Build failed" not in text and "last good site" not in text
        assert get(srv, "/print/")[0] == 500 and log.getvalue().count(checked[0]) == 1   # once a build
        assert get(srv, "/")[0] == 200


def _injected(page: bytes) -> bytes:
    """What the preview put before a served page's last </body>: its reload script."""
    start = page.rindex(b"<script")
    return page[start:page.rindex(b"</body>")]


# --- the command --------------------------------------------------------------------------------

def test_port_in_use_is_a_one_line_message_with_a_free_port(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(serve.PortInUse) as info:
            serve.PreviewServer(lambda: FakeResult(), tmp_path, port=port)
        assert info.value.suggestion and info.value.suggestion != port

        parser = argparse.ArgumentParser()
        serve_arguments(parser)
        (tmp_path / "site_src").mkdir()
        args = parser.parse_args(["--src", str(tmp_path / "site_src"), "--port", str(port)])
        assert cmd_serve(args) == 1
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0, err
    assert f"port {port}" in err and "in use" in err and "--port " in err
    assert "Traceback" not in err


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1", "LOCALHOST", "localhost.", "localhost", "::1", "[::1]",
                                  "127.0.0.2", "0x7f.1", "::ffff:127.0.0.1", "app.localhost"])
def test_every_spelling_of_loopback_is_loopback(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "example.org", "localhost.example.org",
                                  "127.0.0.1.example.org", "[::2]", ""])
def test_other_addresses_are_not_loopback(host):
    assert not is_loopback(host)


def test_defaults():
    parser = argparse.ArgumentParser()
    serve_arguments(parser)
    args = parser.parse_args([])
    assert (args.src, args.templates, args.host, args.port, args.poll) == (
        "site_src", None, "127.0.0.1", 8000, False)


def test_the_preview_uses_the_theme_a_build_would_and_refuses_a_mistyped_one(tmp_path, monkeypatch, capsys):
    """Run from another folder, the preview showed the templates/ of the working folder where a build
    of the same content uses those beside it; a mistyped --templates was silently ignored."""
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (project / "site_src").mkdir(parents=True)
    (project / "templates").mkdir()
    (project / "templates" / "index.html").write_text("", encoding="utf-8")
    (elsewhere / "templates").mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    seen = []
    monkeypatch.setattr("timeline.cli._preview_server", lambda serve, args, src, templates, out: seen.append(templates))
    parser = argparse.ArgumentParser()
    serve_arguments(parser)
    assert cmd_serve(parser.parse_args(["--src", str(project / "site_src")])) == 1   # no server: stops there
    assert seen == [project / "templates"]
    assert cmd_serve(parser.parse_args(["--src", str(project / "site_src"), "--templates", "templtes"])) == 1
    # A folder that is no theme would be watched whole (a home folder), and rebuilt from at every write in it.
    assert cmd_serve(parser.parse_args(["--src", str(project / "site_src"), "--templates", str(tmp_path)])) == 1
    assert seen == [project / "templates"]
    err = capsys.readouterr().err
    assert "error: templtes: no templates folder here (use --templates)" in err and "Traceback" not in err
    assert f"error: {tmp_path}: not a theme: it has none of the page templates" in err


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_run_warns_off_loopback_and_ctrl_c_removes_its_temp_folder(tmp_path, stop_signal):
    temp = tmp_path / "tmp"
    temp.mkdir()
    (tmp_path / "site_src").mkdir()
    code = "import sys; from timeline.cli import main; sys.exit(main(['serve', *sys.argv[1:]]))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "--src", str(tmp_path / "site_src"), "--host", "0.0.0.0", "--port", "0"],
        cwd=tmp_path, env={**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(ROOT)},
        stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        for line in proc.stderr:
            lines.append(line)
            if line.startswith("serving on"):
                break
        assert any(line.startswith("serving on") for line in lines), "".join(lines)
        # Compiled templates are kept in the user's cache folder (compiled.py), not here.
        assert len(list(temp.iterdir())) == 1, "the preview builds into its own temporary folder"
        proc.send_signal(stop_signal)
        rest = proc.communicate(timeout=10)[1]
    finally:
        proc.kill()
    err = "".join(lines) + rest
    assert proc.returncode == 0, err
    assert "reachable from the network" in err
    assert "KeyboardInterrupt" not in err
    assert list(temp.iterdir()) == []


@pytest.mark.parametrize("host", ["127.1", "LOCALHOST", "[::1]"])
def test_run_does_not_warn_about_the_network_for_a_loopback_spelling(tmp_path, host):
    if host == "[::1]" and not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    (tmp_path / "site_src").mkdir()
    code = "import sys; from timeline.cli import main; sys.exit(main(['serve', *sys.argv[1:]]))"
    proc = subprocess.Popen([sys.executable, "-c", code, "--src", "site_src", "--host", host, "--port", "0"],
                            cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE,
                            text=True)
    lines = []
    try:
        for line in proc.stderr:
            lines.append(line)
            if line.startswith(("serving on", "error")):
                break
        proc.send_signal(signal.SIGINT)
        lines.append(proc.communicate(timeout=10)[1])
    finally:
        proc.kill()
    err = "".join(lines)
    if "cannot listen" in err and host == "[::1]":
        pytest.skip("cannot bind ::1 here")
    assert "serving on" in err and "reachable from the network" not in err, err
