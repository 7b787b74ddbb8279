"""The map's code stays in small modules that each say their one job: none over 350 lines, no function
over 50 (issue 18 split timeline/maps.py, which had grown past both)."""

from __future__ import annotations

import ast

import pytest

from support import ROOT

MODULES = ["timeline/maps.py", "timeline/geo.py", "timeline/treaties.py", "timeline/places.py",
           "scripts/make_basemap.py", "scripts/make_areas.py"]


@pytest.mark.parametrize("name", MODULES)
def test_each_map_module_is_small_and_opens_with_the_one_thing_it_does(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    tree = ast.parse(text)
    assert len(text.splitlines()) <= 350
    first = ast.get_docstring(tree).splitlines()[0]
    assert first.endswith(".") and len(first) <= 105, first
    long = [(n.name, n.end_lineno - n.lineno + 1) for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > 50]
    assert long == []
