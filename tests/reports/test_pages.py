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


def test_the_gaps_table_never_starts_at_a_page_foot(pdfs):
    """The gaps chapter starts where at least its heading, introduction and first rows fit:
    never a heading with one row at the foot of a page and the table on the next."""
    for lang, word in (("sv", "Avvikelser mot målnivå"), ("en", "Gaps against target")):
        pages = pdfs[lang].pages
        # (page 1 names the chapter in its table of contents)
        at = next(i for i, page in enumerate(pages) if i > 0 and word in page.extract_text())
        rows = re.findall(r"^\d+ ", pages[at].extract_text().split(word, 1)[1], re.M)
        assert len(rows) >= 3 or at == len(pages) - 1, (lang, at + 1, rows)
    template = (Path(TEMPLATES) / "report.typ").read_text(encoding="utf-8")
    assert "#needspace(5.5cm)\n= #d.labels.gaps" in template


@pytest.mark.parametrize(("filler_cm", "heading_page"), [(18.0, 2), (12.0, 1)])
def test_needspace_moves_what_follows_only_when_it_does_not_fit(filler_cm, heading_page):
    """The template's ``needspace``: with 7.5 cm left (A4, 2 cm margins) a 10 cm need moves the
    heading to the next page; with 13.5 cm left it stays on the page."""
    import typst

    template = (Path(TEMPLATES) / "report.typ").read_text(encoding="utf-8")
    definition = re.search(r"^#let needspace\(height\) = \{.*?^\}", template, re.M | re.S)
    assert definition is not None
    source = (
        '#set page(paper: "a4", margin: 2cm)\n'
        + definition.group(0)
        + f"\n#block(height: {filler_cm}cm)[Fyllnad]\n#needspace(10cm)\n= Rubriken\n"
    )
    reader = PdfReader(io.BytesIO(typst.compile(source.encode())))
    found = [i + 1 for i, page in enumerate(reader.pages) if "Rubriken" in page.extract_text()]
    assert found == [heading_page]
