"""Contrast, computed from the theme's own colours (site.yaml and style.css) with WCAG 2's relative
luminance: every theme colour at least 3:1 against the page in both schemes (1.4.11, non-text
contrast: chart marks, swatches, tag borders), every text colour at least 4.5:1 (1.4.3)."""

from __future__ import annotations

import re

import pytest
import yaml

from support import ROOT

CSS = (ROOT / "templates" / "static" / "style.css").read_text(encoding="utf-8")
SITE = yaml.safe_load((ROOT / "site_src" / "site.yaml").read_text(encoding="utf-8"))


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(colour: str, base: str, share: float) -> str:
    """color-mix(in srgb, colour share, base): what a tinted background looks like."""
    parts = [round(int(colour[i:i + 2], 16) * share + int(base[i:i + 2], 16) * (1 - share)) for i in (1, 3, 5)]
    return "#" + "".join(f"{p:02x}" for p in parts)


def variables(block: str) -> dict[str, str]:
    return {name: value.lower() for name, value in re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", block)}


def schemes(css: str) -> dict[str, dict[str, str]]:
    """The custom properties of :root in light, and with the dark scheme's overrides."""
    light = variables(re.search(r"^:root\s*\{(.*?)\}", css, re.S | re.M)[1])
    dark_block = re.search(r"@media \(prefers-color-scheme: dark\)\s*\{\s*:root\s*\{(.*?)\}", css, re.S)
    return {"light": light, "dark": {**light, **variables(dark_block[1])}}


def theme_colours(site: dict) -> dict[str, dict[str, str]]:
    """Each theme's colour in each scheme: `colour` in light, `colour_dark` (else `colour`) in dark."""
    return {"light": {t["id"]: t["colour"].lower() for t in site["themes"]},
            "dark": {t["id"]: t.get("colour_dark", t["colour"]).lower() for t in site["themes"]}}


TEXT = ("fg", "muted", "link", "accent")
SURFACES = ("bg", "card")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_theme_colour_stands_out_three_to_one_from_the_page(scheme):
    page = schemes(CSS)[scheme]
    low = {(tid, surface): round(ratio(colour, page[surface]), 2)
           for tid, colour in theme_colours(SITE)[scheme].items() for surface in SURFACES
           if ratio(colour, page[surface]) < 3}
    assert low == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_colour_reads_four_and_a_half_to_one(scheme):
    page = schemes(CSS)[scheme]
    pairs = {(text, surface): ratio(page[text], page[surface]) for text in TEXT for surface in SURFACES}
    # A theme tag's label is the text colour on a 12% tint of the theme colour (see .theme-tag).
    for tid, colour in theme_colours(SITE)[scheme].items():
        pairs[("fg", f"tag {tid}")] = ratio(page["fg"], mix(colour, page["bg"], 0.12))
    assert {pair: round(r, 2) for pair, r in pairs.items() if r < 4.5} == {}


def test_the_contrast_check_catches_the_colours_it_was_written_against():
    """Guards the arithmetic: the energy orange of the first edition was 2.78:1 on the light page,
    and the ideology purple 2.06:1 on the dark one (as an outside review measured them)."""
    assert round(ratio("#e08214", "#fdfcf9"), 2) == 2.78
    assert round(ratio("#762a83", "#16181c"), 2) == 2.06
    assert ratio("#000000", "#ffffff") == pytest.approx(21)
    assert mix("#ff0000", "#ffffff", 0.12) == "#ffe0e0"


def test_the_css_of_each_scheme_is_parsed_not_assumed():
    found = schemes(CSS)
    assert set(TEXT + SURFACES) <= set(found["light"]) and found["light"]["bg"] != found["dark"]["bg"]
    assert len(theme_colours(SITE)["dark"]) == len(SITE["themes"]) >= 9


def test_pages_give_each_theme_its_colour_for_each_scheme(site):
    """The dark colours reach the reader: every page defines --t-<id> per scheme, and whatever is
    drawn in a theme's colour (chart marks and bars, swatches, tags) takes it from there."""
    page = site.files["index.html"].decode()
    colours = theme_colours(SITE)
    style = re.search(r"<style>(.*?)</style>", page, re.S)[1]
    light = dict(re.findall(r"--t-([a-z0-9-]+):\s*(#[0-9a-f]{6})", style.split("@media")[0]))
    dark = dict(re.findall(r"--t-([a-z0-9-]+):\s*(#[0-9a-f]{6})", style.split("prefers-color-scheme: dark")[1]))
    assert light == colours["light"] and dark == colours["dark"]
    # No inline style or chart mark names a fixed theme colour that the scheme cannot change.
    assert re.findall(r'style="--theme: #', page) == []
    for tid, colour in colours["light"].items():
        if f'fill="{colour}"' in page:
            assert f'[fill="{colour}"]' in style and f"var(--t-{tid})" in style
