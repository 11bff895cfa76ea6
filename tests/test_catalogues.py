"""Every gettext catalogue Löfte ships (the Django apps' and core's ``lofte_core``): the committed
``.mo`` is its compiled ``.po`` (Django and :mod:`lofte.core.i18n` read only the ``.mo``),
nothing is left fuzzy or untranslated, and the sources of the figures Löfte ships have English
(issue 14: English throughout the English report)."""

from __future__ import annotations

import csv
import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

import lofte
from lofte.cube import aggregates

SRC = Path(lofte.__file__).resolve().parent
CATALOGUES = sorted(SRC.glob("**/locale/en/LC_MESSAGES/*.po"))  # django.po, core's lofte_core.po


def compiled(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        return dict(gettext.GNUTranslations(fh)._catalog)  # type: ignore[attr-defined]


def test_the_catalogues_are_found() -> None:
    apps = {p.relative_to(SRC).parts[0] for p in CATALOGUES}
    assert {"core", "cube", "grants", "reports", "web"} <= apps


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs msgfmt (Debian: gettext)")
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(SRC).parents[3]))
def test_the_committed_mo_is_the_compiled_po(po: Path, tmp_path: Path) -> None:
    out = tmp_path / po.with_suffix(".mo").name
    subprocess.run(["msgfmt", "-o", str(out), str(po)], check=True)
    assert compiled(out) == compiled(po.with_suffix(".mo"))


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(SRC).parents[3]))
def test_no_message_is_fuzzy_or_untranslated(po: Path) -> None:
    entries = po.read_text(encoding="utf-8").split("\n\n")[1:]  # the first is the header
    fuzzy = [e for e in entries if "#, fuzzy" in e and not e.startswith("#~")]
    empty = [e for e in entries if e.rstrip().endswith('msgstr ""') and not e.startswith("#~")]
    assert not fuzzy and not empty


def _shipped_sources() -> set[str]:
    from lofte.demo import aggregates as demo

    with aggregates.example_path().open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    texts = {r["source"] for r in rows} | {r["definition"] for r in rows} | {demo.SOURCE}
    return texts - {""}


def test_every_shipped_source_has_english() -> None:
    """The seeds' sources and the demo's are worded in English in the English renderings; an
    imported source that the catalogue does not know is shown as written (a proper name)."""
    with translation.override("sv"):
        assert {str(t) for t in aggregates.SHIPPED_TEXTS} == _shipped_sources()
    for text in _shipped_sources():
        english = aggregates.source_text(text, "en")
        assert english and english != text
        assert aggregates.source_text(text, "sv") == text
    assert aggregates.source_text("Nationellt kvalitetsregister X", "en") == (
        "Nationellt kvalitetsregister X"
    )
    series = aggregates.Series(
        "Sirona, Granskning av de sex cancerlöftena i Sydöstra sjukvårdsregionen, 2025",
        "Endast slutenvården",
    )
    with translation.override("sv"):  # the label's language is the argument, not the active one
        assert series.label("en") == (
            "Sirona, auditors' review of the six cancer promises in the South East healthcare "
            "region, 2025 (inpatient care only)"
        )


def test_the_what_if_intervals_are_named_by_gettext() -> None:
    """Issue 17, one translation mechanism: the intervals' names are message ids of the cube's
    catalogue, in the language asked for whatever language is active."""
    from lofte.cube.whatif import STEPS

    with translation.override("en"):
        assert [s.name_in("sv") for s in STEPS] == [
            "Välgrundad misstanke → första besök",
            "Första besök → diagnosbesked",
            "Diagnosbesked → behandlingsstart",
        ]
    assert [s.name_in("en") for s in STEPS] == [
        "Suspicion → first visit",
        "First visit → diagnosis",
        "Diagnosis → treatment",
    ]
