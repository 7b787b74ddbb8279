"""scripts/lighthouse.py measures the site as a real host serves it: compressed, with the 404 page
for a missing address, and long-lived caching only for the assets whose URLs carry a content hash."""

from __future__ import annotations

import gzip
import http.client
import http.server
import importlib.util
import sys
import threading

import pytest

from support import ROOT

spec = importlib.util.spec_from_file_location("lighthouse_script", ROOT / "scripts" / "lighthouse.py")
lighthouse = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lighthouse)


@pytest.fixture
def server(tmp_path):
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>home</title>" + "x" * 2000, encoding="utf-8")
    (tmp_path / "404.html").write_text("<!DOCTYPE html><title>missing</title>", encoding="utf-8")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "style.css").write_text("body{}" * 100, encoding="utf-8")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            lambda *a: lighthouse.Handler(*a, directory=str(tmp_path)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def _get(port, path, gzip_ok=True):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_pages_are_served_gzipped_to_a_browser_that_accepts_it(server):
    response, body = _get(server, "/")
    assert response.status == 200 and response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body).decode().endswith("x" * 2000) and len(body) < 200
    assert response.getheader("Cache-Control") == "no-cache"
    plain, body = _get(server, "/", gzip_ok=False)
    assert plain.getheader("Content-Encoding") is None and body.endswith(b"x" * 2000)


def test_hashed_assets_are_cached_for_a_year(server):
    response, _ = _get(server, "/static/style.css?v=abc123")
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("Content-Type") == "text/css"


def test_a_missing_address_gets_the_404_page(server):
    response, body = _get(server, "/no-such-page/")
    assert response.status == 404 and b"<title>missing</title>" in gzip.decompress(body)


def test_every_page_kind_is_scored():
    assert set(lighthouse.PAGES) >= {"home", "event", "theme", "era", "bibliography", "print", "map", "data", "404",
                                     "print (an era)", "print (a theme)", "print (zh)", "print (ru)"}
    assert lighthouse.CATEGORIES == ("performance", "accessibility", "best-practices", "seo")


def test_every_page_it_scores_is_a_page_of_the_bundled_site(site):
    # A renamed era or theme would otherwise be scored as the 404 page, silently.
    for kind, path in lighthouse.PAGES.items():
        page = path if path.endswith(".html") else path + "index.html"
        assert page in site.files, kind


def test_report_names_are_plain_file_names():
    assert lighthouse.slug("page (method)") == "page--method"
    assert lighthouse.slug("404") == "404"


def _fake_lighthouse(tmp_path, categories, audits=None):
    """A stand-in for the lighthouse command that writes the given report where it is told to."""
    report = {"categories": categories, "audits": audits or {
        "largest-contentful-paint": {"numericValue": 1000}, "total-blocking-time": {"numericValue": 0},
        "cumulative-layout-shift": {"numericValue": 0}}}
    script = tmp_path / "fake_lighthouse.py"
    script.write_text("import json, sys\n"
                      "out = [a.split('=', 1)[1] for a in sys.argv if a.startswith('--output-path=')][0]\n"
                      f"open(out, 'w').write(json.dumps({report!r}))\n", encoding="utf-8")
    return [sys.executable, str(script)]


def test_a_run_scores_each_category_out_of_100(tmp_path):
    command = _fake_lighthouse(tmp_path, {c: {"score": 0.97} for c in lighthouse.CATEGORIES})
    scores = lighthouse.score(command, "http://127.0.0.1:1/", tmp_path / "r.json")
    assert [scores[c] for c in lighthouse.CATEGORIES] == [97, 97, 97, 97] and scores["lcp_ms"] == 1000


def test_a_category_lighthouse_could_not_score_fails_the_run_with_the_audits_that_erred(tmp_path):
    # On a busy machine Lighthouse can time out gathering a page's links and score SEO as null.
    categories = {c: {"score": 1} for c in lighthouse.CATEGORIES} | {"seo": {"score": None}}
    audits = {"crawlable-anchors": {"errorMessage": "AnchorElements gatherer encountered an error: PROTOCOL_TIMEOUT"}}
    command = _fake_lighthouse(tmp_path, categories, audits)
    with pytest.raises(RuntimeError, match="seo not scored.*crawlable-anchors.*PROTOCOL_TIMEOUT"):
        lighthouse.score(command, "http://127.0.0.1:1/", tmp_path / "r.json")
