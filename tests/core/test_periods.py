"""Reporting periods (SPEC §4 rule 12): year, half, quarter and month labels."""

from __future__ import annotations

import datetime
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lofte.core.periods import (
    Period,
    children,
    contains,
    labels_for,
    last_complete_half,
    parent,
    parse,
    range_of,
    same_period_previous_year,
    shift,
)

ONE_DAY = datetime.timedelta(days=1)

dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2200, 12, 31))


@st.composite
def labels(draw: st.DrawFn) -> str:
    """A label of any kind, taken from a random date."""
    return draw(st.sampled_from(labels_for(draw(dates))))


# --- parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "kind", "start", "end"),
    [
        ("2024", "year", "2024-01-01", "2024-12-31"),
        ("2024H1", "half", "2024-01-01", "2024-06-30"),
        ("2024H2", "half", "2024-07-01", "2024-12-31"),
        ("2024Q1", "quarter", "2024-01-01", "2024-03-31"),
        ("2024Q2", "quarter", "2024-04-01", "2024-06-30"),
        ("2024Q3", "quarter", "2024-07-01", "2024-09-30"),
        ("2024Q4", "quarter", "2024-10-01", "2024-12-31"),
        ("2024-02", "month", "2024-02-01", "2024-02-29"),
        ("2023-02", "month", "2023-02-01", "2023-02-28"),
        ("1900-02", "month", "1900-02-01", "1900-02-28"),
        ("2024-12", "month", "2024-12-01", "2024-12-31"),
    ],
)
def test_parse(label: str, kind: str, start: str, end: str) -> None:
    assert parse(label) == Period(
        label=label,
        kind=kind,
        start=datetime.date.fromisoformat(start),
        end=datetime.date.fromisoformat(end),
    )


@pytest.mark.parametrize(
    "label",
    ["", "24", "2024H3", "2024H0", "2024h1", "2024Q5", "2024Q0", "2024q1", "2024-13", "2024-00",
     "2024-1", "2024-001", "2024M03", "0000", " 2024", "2024 ", "202４", "2024-Q1", "20240"],
)  # fmt: skip
def test_parse_rejects_bad_labels(label: str) -> None:
    with pytest.raises(ValueError, match="expected YYYY, YYYYH1"):
        parse(label)


def test_period_is_frozen() -> None:
    period = parse("2024Q1")
    with pytest.raises(AttributeError):
        period.label = "2024Q2"


# --- hierarchy ----------------------------------------------------------------------------


def test_labels_for() -> None:
    assert labels_for(datetime.date(2024, 3, 31)) == ("2024", "2024H1", "2024Q1", "2024-03")
    assert labels_for(datetime.date(2024, 7, 1)) == ("2024", "2024H2", "2024Q3", "2024-07")
    assert labels_for(datetime.date(2024, 12, 31)) == ("2024", "2024H2", "2024Q4", "2024-12")


def test_children_and_parent() -> None:
    assert children("2024") == ["2024H1", "2024H2"]
    assert children("2024H2") == ["2024Q3", "2024Q4"]
    assert children("2024Q2") == ["2024-04", "2024-05", "2024-06"]
    assert children("2024-05") == []
    assert parent("2024-05") == "2024Q2"
    assert parent("2024Q3") == "2024H2"
    assert parent("2024H1") == "2024"
    assert parent("2024") is None


@settings(max_examples=150, deadline=None)
@given(dates)
def test_every_date_lies_in_its_four_periods(d: datetime.date) -> None:
    four = labels_for(d)
    assert [parse(label).kind for label in four] == ["year", "half", "quarter", "month"]
    for label in four:
        assert contains(label, d)
        assert parse(label).start <= d <= parse(label).end
    # and not in the neighbouring periods
    for label in four:
        assert not contains(shift(label, 1), d)
        assert not contains(shift(label, -1), d)
    # each is the parent of the next
    assert [parent(label) for label in four[1:]] == list(four[:-1])


@settings(max_examples=150, deadline=None)
@given(labels())
def test_children_partition_the_parent(label: str) -> None:
    period = parse(label)
    kids = [parse(child) for child in children(label)]
    if period.kind == "month":
        assert kids == []
        return
    assert kids[0].start == period.start
    assert kids[-1].end == period.end
    for before, after in itertools.pairwise(kids):
        assert before.end + ONE_DAY == after.start
    assert all(parent(kid.label) == label for kid in kids)
    assert (
        sum((kid.end - kid.start).days + 1 for kid in kids) == (period.end - period.start).days + 1
    )


# --- arithmetic ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "n", "expected"),
    [
        ("2024H1", -2, "2023H1"),
        ("2024H1", -1, "2023H2"),
        ("2024H2", 1, "2025H1"),
        ("2024Q1", -1, "2023Q4"),
        ("2024Q4", 5, "2026Q1"),
        ("2024-01", -1, "2023-12"),
        ("2024-12", 13, "2026-01"),
        ("2024", -10, "2014"),
        ("2024Q3", 0, "2024Q3"),
    ],
)
def test_shift(label: str, n: int, expected: str) -> None:
    assert shift(label, n) == expected


@settings(max_examples=150, deadline=None)
@given(labels(), st.integers(-500, 500))
def test_shift_inverse(label: str, n: int) -> None:
    moved = shift(label, n)
    assert parse(moved).kind == parse(label).kind
    assert shift(moved, -n) == label
    # shifting is additive, one step at a time
    assert shift(shift(label, n), 1) == shift(label, n + 1)


@settings(max_examples=150, deadline=None)
@given(labels(), st.integers(1, 40))
def test_shift_moves_forward_in_time(label: str, n: int) -> None:
    assert parse(shift(label, n)).start > parse(label).end
    assert parse(shift(label, 1)).start == parse(label).end + ONE_DAY


def test_shift_out_of_range() -> None:
    with pytest.raises(ValueError, match="out of range"):
        shift("9999Q4", 1)
    with pytest.raises(ValueError, match="out of range"):
        shift("0001", -1)


def test_same_period_previous_year() -> None:
    assert same_period_previous_year("2025H1") == "2024H1"
    assert same_period_previous_year("2025Q3") == "2024Q3"
    assert same_period_previous_year("2025-02") == "2024-02"
    assert same_period_previous_year("2025") == "2024"


@settings(max_examples=100, deadline=None)
@given(labels())
def test_same_period_previous_year_is_a_shift_by_one_year(label: str) -> None:
    per_year = {"year": 1, "half": 2, "quarter": 4, "month": 12}[parse(label).kind]
    assert same_period_previous_year(label) == shift(label, -per_year)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2025-07-01", "2025H1"),
        ("2025-06-30", "2024H2"),  # the last day of H1 is not over yet
        ("2025-12-31", "2025H1"),
        ("2026-01-01", "2025H2"),
        ("2025-03-10", "2024H2"),
    ],
)
def test_last_complete_half(today: str, expected: str) -> None:
    assert last_complete_half(datetime.date.fromisoformat(today)) == expected


@settings(max_examples=100, deadline=None)
@given(dates)
def test_last_complete_half_is_the_latest_ended(today: datetime.date) -> None:
    half = last_complete_half(today)
    assert parse(half).end < today
    assert parse(shift(half, 1)).end >= today


def test_range_of() -> None:
    assert range_of("2024Q3", "2025Q2") == ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    assert range_of("2024-11", "2025-01") == ["2024-11", "2024-12", "2025-01"]
    assert range_of("2024H1", "2024H1") == ["2024H1"]
    with pytest.raises(ValueError, match="mixes"):
        range_of("2024H1", "2024Q4")
    with pytest.raises(ValueError, match="ends before"):
        range_of("2024H2", "2024H1")


@settings(max_examples=100, deadline=None)
@given(labels(), st.integers(0, 30))
def test_range_of_is_consecutive_shifts(first: str, n: int) -> None:
    assert range_of(first, shift(first, n)) == [shift(first, i) for i in range(n + 1)]


def test_contains() -> None:
    assert contains("2024H1", datetime.date(2024, 6, 30))
    assert not contains("2024H1", datetime.date(2024, 7, 1))
    assert contains("2024-02", datetime.date(2024, 2, 29))
