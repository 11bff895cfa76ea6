"""Formula neutralisation (OWASP CSV injection): one rule for every CSV and XLSX writer."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lofte.core.spreadsheet import FORMULA_TRIGGERS, is_formula_like, neutralise


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x";"klicka")',
        "=1+1",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1",
        "\r=1",
        "-",
        "+",
        "=",
    ],
)
def test_formula_like_text_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [
        "Region Östergötland",
        "2024-03",
        "SE2321000131-E000000000001",
        "",
        "–",  # the suppression dash (U+2013) is no trigger
        "-12",
        "+3,5",
        "-0.25",
        "-1e5",
        "a=b",
        12,
        -12,
        -0.5,
        None,
        True,
        dt.date(2024, 1, 1),
    ],
)
def test_ordinary_values_and_numbers_stay(value):
    assert neutralise(value) == value


@given(st.text())
def test_nothing_neutralised_starts_a_formula(text):
    safe = neutralise(text)
    assert isinstance(safe, str)
    assert not safe or safe[0] not in FORMULA_TRIGGERS or not is_formula_like(safe)
    # Only ever a prefix: the text itself is kept whole.
    assert safe.endswith(text) and len(safe) - len(text) in (0, 1)
