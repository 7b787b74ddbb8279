"""An event's list item is rendered once for the list pages at every depth (its era's, its themes', their
later pages), the way back to the root put in after; a theme whose item asks more of its root than to
link with it is rendered for each root, as before."""

from __future__ import annotations

import shutil
from collections import Counter

from support import ROOT
from timeline import templating
from timeline.build import render_site
from timeline.pages import Limits

SMALL = Limits(list_page_size=2, home_limit=3)   # lists continue on page/2/ and on: roots ../../ and ../../../../


def _items_rendered(monkeypatch) -> Counter:
    """(event id, heading) -> how many times its list item was rendered from now on."""
    made: Counter = Counter()
    render = templating.render

    def counted(env, name, context):
        if name == "partials/event_item.html":
            made[context["entry"].id, context["heading"]] += 1
        return render(env, name, context)
    monkeypatch.setattr(templating, "render", counted)
    return made


def test_an_events_list_item_is_rendered_once_for_the_list_pages_at_every_depth(site_dir, monkeypatch):
    made = _items_rendered(monkeypatch)
    result = render_site(site_dir(), limits=SMALL)
    assert result.ok
    deep = [path for path in result.files if "/page/" in path]
    assert deep and any(path.count("/") == 2 for path in result.files if path.startswith("themes/"))
    # Every event is in an era's list, most at two depths (the first page of one list, a later page of another).
    assert {eid for eid, heading in made if heading == "h2"} == {e.id for e in result.timeline.entries}
    assert set(made.values()) == {1}, [key for key, n in made.items() if n > 1]


def test_each_list_page_links_its_items_from_its_own_depth(site_dir):
    result = render_site(site_dir(), limits=SMALL)
    entry = result.timeline.by_theme["territory"][2]     # on the theme's second page
    second = result.files["themes/territory/page/2/index.html"].decode()
    assert f'href="../../../../events/{entry.id}/index.html"' in second
    era = result.timeline.by_era[entry.era.id]
    first = result.files[f"eras/{entry.era.id}/index.html"].decode()
    if entry in era[:2]:
        assert f'href="../../events/{entry.id}/index.html"' in first
    assert "\0" not in second and "\0" not in first


def test_an_item_that_tests_its_root_is_rendered_for_each_root(site_dir, tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    item = templates / "partials" / "event_item.html"
    item.write_text(item.read_text() + '{% if root == "../../" %}<!-- shallow -->{% endif %}'
                                       '{% if root|length > 6 %}<!-- deep -->{% endif %}\n')
    made = _items_rendered(monkeypatch)
    result = render_site(site_dir(), templates=templates, limits=SMALL)
    assert result.ok, result.errors
    first, second = (result.files[f"themes/territory/{page}index.html"].decode() for page in ("", "page/2/"))
    assert "<!-- shallow -->" in first and "<!-- deep -->" not in first
    assert "<!-- deep -->" in second and "<!-- shallow -->" not in second
    assert "\0" not in first + second
    assert max(made.values()) > 1   # each root its own


def test_an_item_that_changes_its_root_as_text_is_rendered_for_each_root(site_dir, tmp_path):
    # A method of str (upper, replace) made the mark into other text: the item was kept with it, and every
    # list showed it, control character and all, where the root should be.
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    item = templates / "partials" / "event_item.html"
    item.write_text(item.read_text() + '<!-- {{ root|upper }}|{{ root.replace(".", "x") }} -->\n')
    result = render_site(site_dir(), templates=templates, limits=SMALL)
    assert result.ok, result.errors
    second = result.files["themes/territory/page/2/index.html"].decode()
    assert "<!-- ../../../../|xx/xx/xx/xx/ -->" in second and "\0" not in second


def test_a_print_part_that_changes_its_root_as_text_is_rendered_for_each_document(site_dir, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    part = templates / "partials" / "print_event.html"
    part.write_text(part.read_text() + '<!-- root:{{ root|upper }} -->\n')
    result = render_site(site_dir(), templates=templates)
    assert result.ok, result.errors
    views = {path: page.decode() if isinstance(page, bytes) else page for path, page in result.files.items()
             if path.endswith(".html") and "print" in path}
    assert views and all("\0" not in page for page in views.values())
    import re
    roots = {root for page in views.values() for root in re.findall(r"<!-- root:(.*?) -->", page)}
    assert roots and all(re.fullmatch(r"(\.\./)+", root) for root in roots), roots
