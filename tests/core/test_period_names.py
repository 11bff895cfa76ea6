"""Periods in words: every kind in both languages, and partly covered periods marked."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lofte.core import periods
from lofte.core.period_names import data_end, is_complete, period_name


@pytest.mark.parametrize(
    ("label", "lang", "expected"),
    [
        ("2022H2", "sv", "andra halvåret 2022"),
        ("2022H1", "sv", "första halvåret 2022"),
        ("2022H2", "en", "second half of 2022"),
        ("2024Q3", "sv", "tredje kvartalet 2024"),
        ("2024Q4", "en", "fourth quarter of 2024"),
        ("2024-03", "sv", "mars 2024"),
        ("2024-03", "en", "March 2024"),
        ("2025", "sv", "2025"),
    ],
)
def test_long_names(label, lang, expected):
    assert period_name(label, lang) == expected


@pytest.mark.parametrize(
    ("label", "lang", "expected"),
    [
        ("2022H2", "sv", "jul–dec 2022"),
        ("2024Q2", "sv", "apr–jun 2024"),
        ("2024Q2", "en", "Apr–Jun 2024"),
        ("2024-05", "sv", "maj 2024"),
    ],
)
def test_short_names(label, lang, expected):
    assert period_name(label, lang, short=True) == expected


def test_a_year_the_data_cover_only_in_part_names_its_months():
    end = dt.date(2026, 6, 30)
    assert period_name("2026", "sv", data_end=end) == "2026 (jan–jun)"
    assert period_name("2026", "en", data_end=end) == "2026 (Jan–Jun)"
    assert period_name("2025", "sv", data_end=end) == "2025"
    assert period_name("2026H1", "sv", data_end=end) == "första halvåret 2026"
    assert period_name("2026H2", "sv", data_end=dt.date(2026, 9, 30)) == (
        "andra halvåret 2026 (jul–sep)"
    )
    assert period_name("2026Q1", "sv", data_end=dt.date(2026, 1, 31)) == (
        "första kvartalet 2026 (jan)"
    )
    assert not is_complete("2026", end) and is_complete("2026H1", end)


def test_data_end_is_the_end_of_the_newest_finest_period():
    present = {"year": ["2025", "2026"], "half": ["2025H2", "2026H1"], "month": ["2026-06"]}
    assert data_end(present) == dt.date(2026, 6, 30)
    assert data_end({"year": ["2024", "2025"]}) == dt.date(2025, 12, 31)
    assert data_end({}) is None


def test_something_that_is_not_a_period_is_left_alone():
    assert period_name("banana", "sv") == "banana"


@given(
    st.sampled_from(periods.KINDS),
    st.integers(1990, 2100),
    st.integers(1, 12),
    st.sampled_from(["sv", "en"]),
)
def test_names_are_distinct_and_never_jargon(kind, year, number, lang):
    """Different periods of a kind get different names, and no name carries 'H1' or 'Q3'."""
    per_year = {"year": 1, "half": 2, "quarter": 4, "month": 12}[kind]
    number = (number - 1) % per_year + 1
    label = {
        "year": f"{year}",
        "half": f"{year}H{number}",
        "quarter": f"{year}Q{number}",
        "month": f"{year}-{number:02d}",
    }[kind]
    name = period_name(label, lang)
    following = period_name(periods.shift(label, 1), lang)
    assert name != following
    assert str(year) in name
    assert "H1" not in name and "H2" not in name and "Q" not in name


def test_a_coarse_kind_that_lags_does_not_cut_the_finer_ones():
    """An indicator whose years stop at 2025 while its months reach June 2026."""
    present = {"year": ["2025"], "half": ["2026H1"], "month": ["2026-06"]}
    assert data_end(present) == dt.date(2026, 6, 30)
