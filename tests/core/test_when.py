"""The NÄR-text parser: the forms the seed plans use, by hand, and properties of any text."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lofte.core.when import parse

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        ("2024-2025", D(2024, 1, 1), D(2025, 12, 31)),
        ("2024- 2025", D(2024, 1, 1), D(2025, 12, 31)),
        ("2024–2026", D(2024, 1, 1), D(2026, 12, 31)),
        ("2024-25", D(2024, 1, 1), D(2025, 12, 31)),
        ("2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("Under 2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("Q1 2025", D(2025, 1, 1), D(2025, 3, 31)),
        ("Q3-Q4 2025", D(2025, 7, 1), D(2025, 12, 31)),
        ("Q4 2024-Q1 2025", D(2024, 10, 1), D(2025, 3, 31)),
        ("2025Q2", D(2025, 4, 1), D(2025, 6, 30)),
        ("1:a kvartalet 2026", D(2026, 1, 1), D(2026, 3, 31)),
        ("VT 2025", D(2025, 1, 1), D(2025, 6, 30)),
        ("HT 2025", D(2025, 7, 1), D(2025, 12, 31)),
        ("Hösten 2025", D(2025, 7, 1), D(2025, 12, 31)),
        ("Våren 2024", D(2024, 1, 1), D(2024, 6, 30)),
        ("Första halvåret 2025", D(2025, 1, 1), D(2025, 6, 30)),
        ("andra halvåret 2024", D(2024, 7, 1), D(2024, 12, 31)),
        ("2025H2", D(2025, 7, 1), D(2025, 12, 31)),
        ("H1 2026", D(2026, 1, 1), D(2026, 6, 30)),
        ("juni 2025", D(2025, 6, 1), D(2025, 6, 30)),
        ("Maj-juni 2025", D(2025, 5, 1), D(2025, 6, 30)),
        ("februari 2024", D(2024, 2, 1), D(2024, 2, 29)),
        ("2024-12", D(2024, 12, 1), D(2024, 12, 31)),
        ("2025-06-30", D(2025, 6, 30), D(2025, 6, 30)),
        ("2025-01-15 – 2025-03-01", D(2025, 1, 15), D(2025, 3, 1)),
        ("Start Q3 2025", D(2025, 7, 1), None),
        ("Fr.o.m. 2025", D(2025, 1, 1), None),
        ("Senast juni 2025", None, D(2025, 6, 30)),
        ("T.o.m. 2026", None, D(2026, 12, 31)),
    ],
)
def test_dates_from_the_forms_plans_use(text: str, start: dt.date | None, due: dt.date | None):
    when = parse(text)
    assert (when.start, when.due) == (start, due)
    assert when.text == text
    assert not when.recurring


@pytest.mark.parametrize(
    "text",
    [
        "Kontinuerligt",
        "kontinuerligt",
        "Löpande",
        "2 ggr/år",
        "2 gånger per år",
        "Årligen",
        "Återkommande",
        "varje termin",
        "1 ggr/termin",
        "Kvartalsvis",
    ],
)
def test_recurring_kept_as_recurring(text: str):
    when = parse(text)
    assert when.recurring
    assert when.recurrence
    assert when.start is None and when.due is None


def test_recurring_with_a_year_has_both():
    when = parse("Löpande under 2025")
    assert when.recurring and when.recurrence == "Löpande"
    assert (when.start, when.due) == (D(2025, 1, 1), D(2025, 12, 31))


@pytest.mark.parametrize(
    "text", ["", "Pågår", "Efter beslut i styrgruppen", "2025-02-30", "sepsis", "HT", None]
)
def test_no_guess_without_a_year(text: str | None):
    when = parse(text)
    assert when.start is None and when.due is None


@given(st.text(max_size=60))
def test_never_raises_and_start_not_after_due(text: str):
    when = parse(text)
    if when.start and when.due:
        assert when.start <= when.due
    assert when.text == text.strip()


years = st.integers(min_value=2000, max_value=2090)  # the parser reads years 1900-2099


@given(years, st.integers(1, 4), st.sampled_from(["Q{q} {y}", "{y}Q{q}", "Q{q}-{y}", "q{q} {y}"]))
def test_quarters(year: int, quarter: int, form: str):
    when = parse(form.format(q=quarter, y=year))
    first = 3 * quarter - 2
    assert when.start == D(year, first, 1)
    assert when.due == D(year, first + 2, calendar.monthrange(year, first + 2)[1])


@given(years, st.integers(0, 5))
def test_year_ranges(year: int, span: int):
    when = parse(f"{year}-{year + span}" if span else str(year))
    assert when.start == D(year, 1, 1)
    assert when.due == D(year + span, 12, 31)


@given(st.dates(D(2000, 1, 1), D(2099, 12, 31)), st.dates(D(2000, 1, 1), D(2099, 12, 31)))
def test_date_ranges(a: dt.date, b: dt.date):
    first, last = min(a, b), max(a, b)
    when = parse(f"{first.isoformat()} – {last.isoformat()}")
    assert (when.start, when.due) == (first, last)


@given(years, st.sampled_from([("VT", 1), ("HT", 7), ("H1", 1), ("H2", 7), ("Våren", 1)]))
def test_half_years(year: int, form: tuple[str, int]):
    word, first = form
    when = parse(f"{word} {year}")
    assert when.start == D(year, first, 1)
    assert when.due == D(year, first + 5, 30 if first == 1 else 31)
