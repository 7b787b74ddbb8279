"""Seventh outside tester: `timeline new` beside a broken site.yaml, the link checker's messages about
redirects and answers it cannot use, translated titles written as Markdown, and Old Style dates the
Chinese and Russian editions must write (some marked xfail: their fix is in a module of the lead's)."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from timeline import dates
from timeline.cli import main
from timeline.linkcheck import Settings, check

# ----------------------------------------------------------------------------------------------------
# timeline new, when site.yaml cannot be used


@pytest.mark.parametrize("site_yaml", [
    "title: [unclosed\n",                                   # a YAML syntax error
    "- a list\n- not a mapping\n",                          # no site at all
    "\xff\xfe",                                             # not UTF-8
])
def test_new_says_that_site_yaml_was_not_read_and_what_went_unchecked(site_yaml, site_dir, capsys):
    """It wrote the event without a word, its theme and date unchecked, as if site.yaml were fine."""
    src = site_dir()
    (src / "site.yaml").write_bytes(site_yaml.encode("utf-8", "surrogateescape") if site_yaml != "\xff\xfe"
                                    else b"\xff\xfe")
    assert main(["new", "Treaty of Bura", "1727-09-01", "--theme", "diplomcy"]) == 0
    out, err = capsys.readouterr()
    assert "created site_src/events/1727-treaty-of-bura.yaml" in out
    assert "site_src/site.yaml" in err and "warning" in err
    assert "the span and theme ids were not checked" in err


def test_new_names_the_errors_of_site_yaml_with_their_line(site_dir, capsys):
    src = site_dir()
    text = (src / "site.yaml").read_text(encoding="utf-8")
    (src / "site.yaml").write_text(text.replace("span: {start: 1689, end: 2025}", "span: {start: 2025, end: 1689}"),
                                   encoding="utf-8")
    assert main(["new", "Treaty of Bura", "1727-09-01"]) == 0
    err = capsys.readouterr().err
    line = text[:text.index("span:")].count("\n") + 1
    assert f"site_src/site.yaml:{line}: span:" in err
    assert "the span and theme ids were not checked" in err


def test_new_says_nothing_of_a_site_yaml_with_only_warnings(site_dir, capsys):
    src = site_dir()
    text = (src / "site.yaml").read_text(encoding="utf-8")
    (src / "site.yaml").write_text(text.replace("subtitle: ", "subtitle: See [@mancall-1971]. ", 1), encoding="utf-8")
    assert main(["new", "Treaty of Bura", "1727-09-01"]) == 0
    assert capsys.readouterr().err == ""


# ----------------------------------------------------------------------------------------------------
# timeline links: what a server answers that is not a page


class _Answers(BaseHTTPRequestHandler):
    routes: dict = {}

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        status, headers = self.routes.get(self.path, (404, {}))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD


@pytest.fixture
def answers():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield lambda path: f"http://127.0.0.1:{server.server_address[1]}{path}"
    server.shutdown()
    server.server_close()


FAST = Settings(timeout=2, retries=0, backoff=0.01, max_wait=2.0, trust_env=False, allow_private=True)


@pytest.mark.parametrize("location", ["javascript:alert(1)", "mailto:someone@example.org", "data:text/html,x"])
def test_a_redirect_to_something_not_a_web_address_is_named_as_the_redirect(location, answers):
    """It said the cited address itself was 'not a usable address (For absolute URLs, path must be empty
    or begin with '/')', as httpx put it, when the address was fine and its redirect was not."""
    _Answers.routes = {"/r": (302, {"Location": location})}
    url = answers("/r")
    outcome = check([url], FAST)[url]
    assert outcome.kind == "broken"
    assert "redirects to" in outcome.message and location in outcome.message
    assert "not a usable address (For absolute" not in outcome.message


@pytest.mark.parametrize("value", ["9" * 400, "9" * 30])
def test_a_retry_after_past_all_reason_is_said_in_words_not_as_inf_or_thirty_digits(value, answers):
    _Answers.routes = {"/busy": (429, {"Retry-After": value})}
    url = answers("/busy")
    outcome = check([url], FAST)[url]
    assert outcome.kind == "blocked"
    assert "inf" not in outcome.message and not re.search(r"[0-9]{10}", outcome.message)
    assert "longer than the 2 s this check waits" in outcome.message


def test_a_status_http_does_not_have_is_said_to_be_unexpected(answers):
    """LinkedIn answers robots 999: the message was the bare number."""
    _Answers.routes = {"/odd": (999, {})}
    url = answers("/odd")
    outcome = check([url], FAST)[url]
    assert outcome.kind == "unreachable" and outcome.message.startswith("unexpected answer 999")


def test_a_cache_entry_whose_fields_have_the_wrong_types_is_ignored(tmp_path):
    from timeline.links import read_cache
    path = tmp_path / "links.json"
    good = {"kind": "ok", "message": "200 OK", "status": 200, "new_url": None, "checked": "2026-12-01T00:00:00Z"}
    path.write_text(json.dumps({"version": 1, "links": {
        "https://a.org/": good,
        "https://b.org/": {**good, "status": "200"},
        "https://c.org/": {**good, "new_url": {"a": 1}},
        "https://d.org/": {**good, "status": True},
    }}), encoding="utf-8")
    results, note = read_cache(path)
    assert note is None and list(results) == ["https://a.org/"]


# ----------------------------------------------------------------------------------------------------
# Translations: a title is plain text


@pytest.mark.parametrize("title, said", [
    ("Нерчинский договор [@mancall-1971]", "citation"),
    ("[Нерчинский договор](https://example.org/)", "Markdown link"),
])
def test_a_translated_title_written_as_markdown_is_a_warning_at_its_line(title, said, tmp_path, capsys):
    """A title is shown as typed, its citation or link too; site.yaml's labels warn of it, translated
    titles did not."""
    from support import multilingual
    src = multilingual(tmp_path / "site_src")
    path = src / "translations/ru/events/1689-treaty-of-nerchinsk.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Нерчинский договор", f"title: '{title}'"), encoding="utf-8")
    assert main(["check", "--src", str(src)]) == 0
    err = capsys.readouterr().err
    assert f"{path.relative_to(tmp_path)}:1: title: warning: " in err.replace(str(tmp_path) + "/", "")
    assert said in err


def test_a_translated_label_of_site_yaml_written_as_markdown_is_a_warning_at_its_line(tmp_path, capsys):
    """site.yaml's English labels warn of a citation shown as typed; their translations did not."""
    from support import multilingual
    src = multilingual(tmp_path / "site_src")
    path = src / "translations/ru/site.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{label: Торговля,", "{label: 'Торговля [@mancall-1971]',"), encoding="utf-8")
    assert main(["check", "--src", str(src)]) == 0
    err = capsys.readouterr().err
    line = text[:text.index("Торговля")].count("\n") + 1
    assert f"translations/ru/site.yaml:{line}: themes.trade.label: warning: plain text: the citation of " \
           "'mancall-1971' would be shown as typed" in err


def test_an_english_title_written_as_markdown_is_a_warning_at_its_line(site_dir, capsys):
    src = site_dir()
    path = src / "events/1689-treaty-of-nerchinsk.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Treaty of Nerchinsk", "title: 'Treaty of Nerchinsk [@mancall-1971]'"),
                    encoding="utf-8")
    main(["check"])
    assert "1689-treaty-of-nerchinsk.yaml:1: title: warning: " in capsys.readouterr().err


# ----------------------------------------------------------------------------------------------------
# Old Style dates in the Chinese and Russian editions (dates.py, dateforms.py: the lead's)


@pytest.mark.parametrize("code", ["zh-Hans", "ru"])
def test_an_old_style_leap_day_the_gregorian_calendar_lacks_is_written_in_every_language(code):
    """29 February 1700 O.S. (a Julian leap day; the Gregorian 1700 has none) raised ValueError in Babel,
    a traceback from check and build of any site with a Chinese or Russian edition."""
    date = dates.parse("1700-02-29", "julian")
    assert date.gregorian == (1700, 3, 11)
    shown = dates.display_in(date, code)
    expected = {"zh-Hans": ("2月29日", "3月11日", "1700"), "ru": ("29 февраля", "11 марта", "1700")}[code]
    assert all(part in shown for part in expected), shown
    assert "2000" not in shown


@pytest.mark.parametrize("text", ["1700", "1700-01-01"])
def test_a_span_of_one_date_is_that_date_in_english(text):
    date = dates.parse(text)
    assert dates.display_span(date, date) == date.display()


# ----------------------------------------------------------------------------------------------------
# timeline links: a host that never answers


class _Silent(BaseHTTPRequestHandler):
    """Takes every request and answers none (a host that drops robots' requests on the floor)."""
    hits = 0
    release = threading.Event()

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        type(self).hits += 1
        self.release.wait(30)

    do_GET = do_HEAD


def test_a_host_that_answers_nothing_is_not_asked_for_each_of_its_addresses_in_turn():
    """24 addresses on a host that never answers took 3 minutes (each 3 requests of 15 s, 6 at a time),
    and 240 would take half an hour: after a run of requests left unanswered, its other addresses are
    not asked, and say why."""
    _Silent.hits, _Silent.release = 0, threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Silent)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        urls = [f"http://127.0.0.1:{server.server_address[1]}/page-{i}" for i in range(30)]
        outcomes = check(urls, Settings(timeout=0.3, retries=2, backoff=0.01, per_host=3, trust_env=False,
                                        allow_private=True))
    finally:
        _Silent.release.set()
        server.shutdown()
        server.server_close()
    assert {o.kind for o in outcomes.values()} == {"unreachable"}
    assert _Silent.hits <= 12                  # 30 addresses x 3 requests before
    unasked = [o for o in outcomes.values() if o.message.startswith("not asked")]
    assert len(unasked) >= 20
    assert unasked[0].message == ("not asked: the host left 6 requests in a row without an answer within 0.3 s; "
                                  "check again later")


def test_a_link_in_a_translation_is_checked_at_its_line(tmp_path, answers, capsys, monkeypatch):
    """A translator's link (to a Russian archive's page, say) is published in the Russian edition, and
    `timeline links` never asked it: only the English texts were read."""
    from support import multilingual
    from timeline.cli import make_parser
    from timeline.links import cmd_links
    _Answers.routes = {"/fine": (200, {})}
    src = multilingual(tmp_path / "site_src")
    monkeypatch.chdir(tmp_path)
    path = src / "translations/ru/events/1689-treaty-of-nerchinsk.yaml"
    text = path.read_text(encoding="utf-8")
    gone, fine = answers("/gone"), answers("/fine")
    sources = (src / "sources.yaml").read_text(encoding="utf-8")
    (src / "sources.yaml").write_text(sources.replace("https://example.org/page", fine), encoding="utf-8")
    text = text.replace("  Граница прошла по Аргуни", f"  См. [архив]({gone}) и [текст]({fine}).\n\n  Граница прошла по Аргуни")
    path.write_text(text, encoding="utf-8")
    line = text[:text.index("См. [архив]")].count("\n") + 1
    status = cmd_links(make_parser().parse_args(["links", "--src", "site_src"]), FAST)
    out, err = capsys.readouterr()
    assert status == 1
    assert f"site_src/translations/ru/events/1689-treaty-of-nerchinsk.yaml:{line}: body: {gone}: 404 Not Found" in err
    assert "1 broken" in out


def test_new_refuses_a_date_no_era_covers_as_check_would_refuse_the_file(site_dir, capsys):
    """The span held it, so the file was written, and check then said 'no era in site.yaml covers 1695'."""
    src = site_dir()
    text = (src / "site.yaml").read_text(encoding="utf-8")
    (src / "site.yaml").write_text(text.replace("label: Early, start: 1689", "label: Early, start: 1700"),
                                   encoding="utf-8")
    (src / "events/1689-treaty-of-nerchinsk.yaml").unlink()
    assert main(["new", "Embassy", "1695"]) == 1
    assert "date: no era in site.yaml covers 1695 (early: 1700–1916, late: 1917–2025)" in capsys.readouterr().err
    assert not (src / "events/1695-embassy.yaml").exists()
    assert main(["new", "Embassy", "1700"]) == 0


@pytest.mark.parametrize("title_line", ["title: yes", "title: [a, b]", ""])
def test_an_english_title_that_is_wrong_or_missing_is_one_error_not_one_more_per_translation(title_line, tmp_path,
                                                                                            capsys):
    """Each translation also said 'the English event has no title to translate' of an English title
    that check had already refused (`title: yes`) or found missing."""
    from support import multilingual
    src = multilingual(tmp_path / "site_src")
    path = src / "events/1689-treaty-of-nerchinsk.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Treaty of Nerchinsk", title_line), encoding="utf-8")
    assert main(["check", "--src", str(src)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if "warning" not in line and "failed" not in line]
    assert len(errors) == 1 and "events/1689-treaty-of-nerchinsk.yaml" in errors[0] and "title" in errors[0]


def test_february_1918_old_style_is_refused_as_each_of_its_days_is():
    assert dates.julian_too_late(dates.parse("1918-02-01", "julian"))
    assert dates.julian_too_late(dates.parse("1918-02", "julian"))


def test_old_style_january_1918_and_the_year_1918_are_still_old_style():
    """January 1918 O.S. (1-31 January, 14 January - 13 February N.S.) and the year, which began Old Style, stay
    allowed; so does 31 January 1918 O.S., the last Old Style day."""
    for text in ("1918-01", "1918", "1918-01-31"):
        assert not dates.julian_too_late(dates.parse(text, "julian")), text


def test_an_english_title_with_a_markdown_link_and_a_page_description_with_a_citation_are_warnings(site_dir, capsys):
    """Both were published as typed without a word; a title without either is not warned about."""
    src = site_dir()
    path = src / "events/1689-treaty-of-nerchinsk.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Treaty of Nerchinsk", "title: '[Treaty](https://example.org) of Nerchinsk'"),
                    encoding="utf-8")
    about = src / "pages/about.md"
    about.write_text(about.read_text(encoding="utf-8").replace("description: What this fixture is.",
                                                               "description: 'See [@mancall-1971]'"), encoding="utf-8")
    main(["check"])
    err = capsys.readouterr().err
    assert "1689-treaty-of-nerchinsk.yaml:1: title: warning: plain text: a Markdown link" in err
    assert "pages/about.md:3: description: warning: plain text: the citation of 'mancall-1971'" in err
    assert err.count("plain text") == 2


def test_an_empty_required_field_is_called_empty_and_a_yes_no_value_is_named_as_one(site_dir, capsys):
    """A scaffold's `themes: []` was 'missing required field' though the field is there; `title: yes` was
    'got 'True'', which YAML made of what was typed."""
    src = site_dir()
    path = src / "events/1689-treaty-of-nerchinsk.yaml"
    text = path.read_text(encoding="utf-8").replace("title: Treaty of Nerchinsk", "title: yes")
    path.write_text(text.replace("themes: [territory, diplomacy]", "themes: []"), encoding="utf-8")
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "themes: required field 'themes' is empty" in err and "missing required field 'themes'" not in err
    assert "title: expected text, got true (YAML reads an unquoted yes, no, on, off, true or false so" in err
