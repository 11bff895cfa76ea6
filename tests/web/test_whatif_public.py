"""The public *Vad händer om…?* page (issue 16): the fixed grid of a public cell, each scenario
shown only where the gate lets it, "–" with the rule otherwise; nothing for a suppressed or
non-public selection; no login; sv and en."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from lofte.core import whatif as core
from lofte.cube import query, whatif
from tests.web.test_whatif_page import computed_home  # noqa: F401

pytestmark = [pytest.mark.usefixtures("lofte_home"), pytest.mark.django_db]

URL = "whatif_public:page"
CELL = {"region": "sydost", "forlopp": "brost", "period": "2024H1"}


@pytest.fixture(autouse=True)
def fresh_cube():
    query.clear_cache()
    yield
    query.clear_cache()
    translation.deactivate()  # the English requests leave their language active


def cells_of(html: str) -> dict[tuple[int, int], str]:
    """(interval, days) → the cell's text."""
    out = {}
    for interval, row in re.findall(r'<tr data-interval="(\d)">(.*?)</tr>', html, re.S):
        for days, text in re.findall(r'<td class="num" data-days="(\d+)">(.*?)</td>', row, re.S):
            out[(int(interval), int(days))] = re.sub(r"<[^>]+>", " ", text).split()
    return out


def test_the_grid_shows_exactly_what_the_gate_lets_through(client, computed_home):  # noqa: F811
    response = client.get(reverse(URL), CELL)
    assert response.status_code == 200
    html = response.content.decode()
    patients = whatif.select(
        whatif.read_table(computed_home.instances), pathway="brost", region="sydost",
        period="2024H1", basis="bostad",
    )  # fmt: skip
    results = core.public_grid(patients, baseline_shown=True)
    assert len(patients) == 20
    shown = {(r.outcome.scenario.interval, r.outcome.scenario.amount): r for r in results}
    # the history is built so that the gate shows some scenarios and hides others
    assert {k for k, r in shown.items() if r.shown} == {(0, 7), (0, 14), (2, 14)}
    table = cells_of(html)
    assert set(table) == set(shown)
    for key, result in shown.items():
        if result.shown:
            share = f"{result.outcome.share_after:.1f}".replace(".", ",")
            assert table[key][:2] == [share, "%"], key
            assert f"+{result.outcome.moved}" in table[key]
        else:
            assert table[key] == ["–¹"], key
    assert 'id="whatif-rule"' in html and "färre än 5 patienter" in html
    assert "inte en prognos" in html
    assert "6 av 20 avslutade förlopp" in html


def test_the_page_is_in_english(client, computed_home):  # noqa: F811
    client.cookies["django_language"] = "en"
    html = client.get(reverse(URL), CELL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not a forecast" in html
    assert "days faster" in html
    assert "first half of 2024" in html
    assert "fewer than 5 patients" in html


def test_nothing_is_shown_for_a_suppressed_baseline(client, computed_home):  # noqa: F811
    # the other healthcare regions have no patients: no cell at all
    html = client.get(reverse(URL), {**CELL, "region": "norra"}).content.decode()
    assert 'id="whatif-none"' in html and 'data-interval="' not in html
    assert "fler inom" not in html


def test_a_selection_outside_the_public_cells_falls_back(client, computed_home):  # noqa: F811
    """A county, a year or another pathway's id are not public cells: the first choice is shown
    instead, never the county's figures."""
    html = client.get(reverse(URL), {"region": "05", "period": "2024", "forlopp": "x"})
    text = html.content.decode()
    assert html.status_code == 200
    assert 'value="05"' not in text
    assert "2024H1" in text


def test_no_figures_before_a_compute(client):
    html = client.get(reverse(URL)).content.decode()
    assert 'id="whatif-none"' in html
