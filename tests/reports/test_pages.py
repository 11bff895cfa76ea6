"""The PDF's pages (issue 14, Build 7): chapters flow instead of each starting a page, so no
page is left half empty where the content could have flowed, and Typst's layout converges
(the page numbers count up; a layout that did not converge printed "1" on every page)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from lofte import django_setup
from lofte.reports import charts, pdf, present
from lofte.reports.html import TEMPLATES
from lofte.reports.model import build

from .test_reading import cube_table

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]

#: The page's content area in points (A4, top margin 2.2 cm, bottom 2 cm: the footer is below).
CM = 72 / 2.54
TOP, BOTTOM = 841.89 - 2.2 * CM, 2.0 * CM


@pytest.fixture(autouse=True)
def django_is_set_up(monkeypatch):
    monkeypatch.setattr(django_setup, "_ready", True)


def filled(page) -> float:
    """How far down the content area the page's text reaches (0 empty, 1 full)."""
    lowest = [TOP]

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        y = cm[5] + tm[5] * cm[3]
        if text.strip() and BOTTOM < y < TOP:
            lowest[0] = min(lowest[0], y)

    page.extract_text(visitor_text=visit)
    return (TOP - lowest[0]) / (TOP - BOTTOM)


@pytest.fixture(scope="module")
def pdfs(django_db_setup, django_db_blocker) -> dict[str, PdfReader]:
    from lofte.catalog import load

    with django_db_blocker.unblock():
        report = build("sydost", "2025H1", cube_table(), load())
        out = {}
        for lang in ("sv", "en"):
            specs = charts.all_charts(report, lang)
            out[lang] = PdfReader(
                io.BytesIO(pdf.render(present.present(report, lang, specs), specs))
            )
    return out


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_page_numbers_count_up(pdfs, lang):
    word = {"sv": "Sida", "en": "Page"}[lang]
    numbers = [re.findall(rf"{word} (\d+)", page.extract_text())[-1] for page in pdfs[lang].pages]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    assert len(numbers) > 5


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_page_is_left_half_empty(pdfs, lang):
    """Every page between the title page and the last is at least half full: a chapter starts
    where the previous one ends, and only a block that must not be split (a heading with its
    first figure, a table with its notes) moves to the next page."""
    pages = pdfs[lang].pages
    fill = [round(filled(page), 2) for page in pages]
    assert [i + 1 for i, f in enumerate(fill[1:-1], 1) if f < 0.5] == [], fill


def test_chapters_do_not_force_a_page_break():
    """The template never breaks a page at a chapter (only after the title page): a break that
    depended on where the heading lands made Typst's layout not converge."""
    template = (Path(TEMPLATES) / "report.typ").read_text(encoding="utf-8")
    assert template.count("pagebreak(") == 1
    assert "#pagebreak()\n= #d.labels.findings" in template
