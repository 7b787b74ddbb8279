"""Arbitrary input never escapes as a traceback: it is a build or a list of clean diagnostics."""

from __future__ import annotations

import datetime as dt
import shutil

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import GOOD
from timeline.build import render_site
from timeline.content import EVENT_FIELDS

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=30), st.dates(min_value=dt.date(1, 1, 1)),
                    st.sampled_from(["1689-08-27", "1858-02-30", "2025-06", "1650~", "julian", "major",
                                     "territory", "[@mancall-1971]", "mancall-1971", "<script>x</script>"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)
keys = st.one_of(st.sampled_from(sorted(EVENT_FIELDS)), st.text(max_size=10))
event_docs = st.one_of(values, st.dictionaries(keys, values, max_size=12))
raw_text = st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("latin-1")))

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check(tmp_path, name: str, text: str) -> None:
    src = tmp_path / "site_src"
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(GOOD, src)
    (src / name).parent.mkdir(parents=True, exist_ok=True)
    (src / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    result = render_site(src)  # must not raise
    if result.ok:
        assert result.files["index.html"].startswith(b"<!DOCTYPE html>")
    else:
        assert result.errors or result.warnings
        for d in result.diagnostics:
            assert d.path and d.message and "Traceback" not in d.message


@SETTINGS
@given(doc=event_docs)
def test_arbitrary_event_structures(tmp_path, doc):
    _check(tmp_path, "events/1700-fuzz.yaml", yaml.safe_dump(doc, allow_unicode=True))


@SETTINGS
@given(text=raw_text)
def test_arbitrary_event_text(tmp_path, text):
    _check(tmp_path, "events/1700-fuzz.yaml", text.replace("\x00", ""))


@SETTINGS
@given(doc=st.dictionaries(st.text(max_size=12), values, max_size=5))
def test_arbitrary_sources_file(tmp_path, doc):
    _check(tmp_path, "sources/fuzz.yaml", yaml.safe_dump(doc, allow_unicode=True))


@SETTINGS
@given(doc=values)
def test_arbitrary_site_file(tmp_path, doc):
    _check(tmp_path, "site.yaml", yaml.safe_dump(doc, allow_unicode=True))
