"""The patient lists' titles and column headings come from gettext (issue 17, ADR 0725)."""

from __future__ import annotations

from django.utils import translation

from lofte.web.desk import services


def headings(slug: str, lang: str) -> list[str]:
    with translation.override(lang):
        return [str(column.label) for column in services.LISTS[slug].columns]


def test_headings_in_both_languages() -> None:
    assert headings("utanfor-ledtid", "sv")[:3] == ["Pseudonym", "Vårdförlopp", "Start"]
    # context "desk column": the site's "Start" (the home page) and "Vårdförlopp" ("Care
    # pathway" on the results pages) do not leak into the list headings
    assert headings("utanfor-ledtid", "en")[:3] == ["Pseudonym", "Pathway", "Start"]
    assert headings("snart-over-malet", "en")[-5:-3] == ["Days left", "Last day within target"]


def test_every_list_is_translated() -> None:
    for kind in services.LISTS.values():
        with translation.override("sv"):
            swedish = [str(kind.title), str(kind.description), *headings(kind.slug, "sv")]
        with translation.override("en"):
            english = [str(kind.title), str(kind.description), *headings(kind.slug, "en")]
        same = {s for s, e in zip(swedish, english, strict=True) if s == e}
        # the few words that are the same in English
        assert same <= {"Pseudonym", "Start", "KVÅ", "Problem"}, same
