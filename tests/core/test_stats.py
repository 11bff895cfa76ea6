"""Statistics (SPEC §5): percent, rounding, quartiles, Wilson interval, two-proportion test."""

from __future__ import annotations

import math
import statistics
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lofte.core.stats import (
    Z_95,
    median,
    percent,
    quantile,
    round_half_up,
    two_proportion_test,
    wilson,
)


@st.composite
def counts(draw: st.DrawFn) -> tuple[int, int]:
    denominator = draw(st.integers(1, 100_000))
    return draw(st.integers(0, denominator)), denominator


# --- Wilson score interval ----------------------------------------------------------------


def wilson_by_quadratic(x: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The interval as the roots in p of (p̂ − p)² = z² p (1 − p) / n (textbook derivation)."""
    p_hat = x / n
    a = 1 + z * z / n
    b = -(2 * p_hat + z * z / n)
    c = p_hat * p_hat
    root = math.sqrt(b * b - 4 * a * c)
    return (-b - root) / (2 * a), (-b + root) / (2 * a)


def test_wilson_known_values() -> None:
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=5e-5)
    assert high == pytest.approx(0.9433, abs=5e-5)
    assert wilson(0, 10) == (0.0, pytest.approx(0.2775, abs=5e-5))
    assert wilson(10, 10) == (pytest.approx(0.7225, abs=5e-5), 1.0)
    # Newcombe (1998), Table I: 81/263 → 0.2553–0.3662
    low, high = wilson(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


@settings(max_examples=150, deadline=None)
@given(counts())
def test_wilson_agrees_with_the_quadratic(case: tuple[int, int]) -> None:
    x, n = case
    expected = wilson_by_quadratic(x, n)
    assert wilson(x, n) == pytest.approx(expected, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(counts())
def test_wilson_contains_the_estimate_and_stays_in_0_1(case: tuple[int, int]) -> None:
    x, n = case
    low, high = wilson(x, n)
    assert 0.0 <= low <= x / n <= high <= 1.0
    # symmetric under swapping successes and failures
    mirrored_low, mirrored_high = wilson(n - x, n)
    assert low == pytest.approx(1 - mirrored_high, abs=1e-12)
    assert high == pytest.approx(1 - mirrored_low, abs=1e-12)


def test_wilson_wider_with_larger_z() -> None:
    low95, high95 = wilson(30, 60)
    low99, high99 = wilson(30, 60, z=2.5758)
    assert low99 < low95 and high99 > high95


@pytest.mark.parametrize(("x", "n"), [(0, 0), (1, 0), (-1, 10), (11, 10), (3, -5)])
def test_wilson_rejects_bad_counts(x: int, n: int) -> None:
    with pytest.raises(ValueError):
        wilson(x, n)


# --- two-proportion test ------------------------------------------------------------------


def p_value_by_chi_square(x1: int, n1: int, x2: int, n2: int) -> float:
    """Pearson's χ² on the 2×2 table (1 df, no continuity correction) equals z² of the test."""
    observed = [[x1, n1 - x1], [x2, n2 - x2]]
    total = n1 + n2
    columns = [x1 + x2, total - x1 - x2]
    chi2 = 0.0
    for row, n in zip(observed, (n1, n2), strict=True):
        for cell, column in zip(row, columns, strict=True):
            expected = n * column / total
            chi2 += (cell - expected) ** 2 / expected
    return math.erfc(math.sqrt(chi2 / 2))


def test_two_proportion_known_values() -> None:
    assert two_proportion_test(80, 100, 40, 100) < 1e-6
    assert two_proportion_test(80, 100, 40, 100) == pytest.approx(7.74e-9, rel=0.01)
    assert two_proportion_test(50, 100, 52, 100) > 0.7
    assert two_proportion_test(50, 100, 52, 100) == pytest.approx(0.7773, abs=1e-4)
    assert two_proportion_test(50, 100, 50, 100) == 1.0


def test_two_proportion_without_variation() -> None:
    assert two_proportion_test(0, 10, 0, 20) == 1.0
    assert two_proportion_test(10, 10, 20, 20) == 1.0


@settings(max_examples=150, deadline=None)
@given(counts(), counts())
def test_two_proportion_agrees_with_chi_square(a: tuple[int, int], b: tuple[int, int]) -> None:
    (x1, n1), (x2, n2) = a, b
    pooled = (x1 + x2) / (n1 + n2)
    p = two_proportion_test(x1, n1, x2, n2)
    assert 0.0 <= p <= 1.0
    if 0 < pooled < 1:
        assert p == pytest.approx(p_value_by_chi_square(x1, n1, x2, n2), rel=1e-6, abs=1e-12)
    else:
        assert p == 1.0


@settings(max_examples=150, deadline=None)
@given(counts(), counts())
def test_two_proportion_is_symmetric(a: tuple[int, int], b: tuple[int, int]) -> None:
    (x1, n1), (x2, n2) = a, b
    p = two_proportion_test(x1, n1, x2, n2)
    assert two_proportion_test(x2, n2, x1, n1) == pytest.approx(p, rel=1e-12, abs=1e-300)
    # and under swapping successes and failures
    mirrored = two_proportion_test(n1 - x1, n1, n2 - x2, n2)
    assert mirrored == pytest.approx(p, rel=1e-9, abs=1e-300)


def test_two_proportion_rejects_bad_counts() -> None:
    with pytest.raises(ValueError):
        two_proportion_test(5, 0, 1, 2)
    with pytest.raises(ValueError):
        two_proportion_test(1, 2, 3, 2)


# --- quantiles ----------------------------------------------------------------------------


def quantile_exact(values: list[int], q: float) -> Fraction:
    """R type 7 in exact arithmetic: position 1 + (n − 1)q in the 1-based sorted list."""
    ordered = sorted(values)
    position = 1 + (len(ordered) - 1) * Fraction(q)
    below = int(position)  # 1-based index of the order statistic at or below
    weight = position - below
    if weight == 0:
        return Fraction(ordered[below - 1])
    return (1 - weight) * ordered[below - 1] + weight * ordered[below]


def test_quantile_known_values() -> None:
    days = [3, 7, 8, 5, 12, 14, 21, 13, 18]
    assert quantile(days, 0.25) == 7.0
    assert quantile(days, 0.5) == 12.0
    assert quantile(days, 0.75) == 14.0
    assert quantile([1, 2, 3, 4], 0.25) == 1.75  # numpy.quantile([1, 2, 3, 4], 0.25)
    assert quantile([1, 2, 3, 4], 0.75) == 3.25
    assert quantile([10], 0.3) == 10.0
    assert quantile([4, 1], 0.0) == 1.0
    assert quantile([4, 1], 1.0) == 4.0


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 400), min_size=1, max_size=60), st.floats(0.0, 1.0))
def test_quantile_agrees_with_exact_order_statistics(values: list[int], q: float) -> None:
    assert quantile(values, q) == pytest.approx(float(quantile_exact(values, q)), abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 400), min_size=2, max_size=60))
def test_quartiles_agree_with_the_standard_library(values: list[int]) -> None:
    # statistics.quantiles(method="inclusive") is R type 7 as well
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    assert quantile(values, 0.25) == pytest.approx(q1)
    assert quantile(values, 0.5) == pytest.approx(q2)
    assert quantile(values, 0.75) == pytest.approx(q3)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 400), min_size=1, max_size=60))
def test_median(values: list[int]) -> None:
    assert median(values) == statistics.median(values)
    assert median(values) == quantile(values, 0.5)


def test_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    assert median([1, 10, 4, 3]) == 3.5
    assert median([5, 6]) == 5.5


@pytest.mark.parametrize("q", [-0.1, 1.1])
def test_quantile_rejects_bad_levels(q: float) -> None:
    with pytest.raises(ValueError):
        quantile([1, 2], q)


def test_quantile_rejects_empty_and_nan() -> None:
    with pytest.raises(ValueError):
        quantile([], 0.5)
    with pytest.raises(ValueError):
        median([])
    with pytest.raises(ValueError):
        median([1.0, math.nan, 2.0])


# --- percent and rounding -----------------------------------------------------------------


def test_percent() -> None:
    assert percent(1, 3) == 100 * 1 / 3
    assert percent(9, 10) == 90.0
    assert percent(0, 7) == 0.0
    with pytest.raises(ValueError):
        percent(1, 0)


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (0.05, 1, 0.1),
        (2.25, 1, 2.3),
        (72.45, 1, 72.5),
        (72.44999, 1, 72.4),
        (0.15, 1, 0.2),
        (1.005, 2, 1.01),
        (99.95, 1, 100.0),
        (66.66666666666667, 1, 66.7),
        (2.5, 0, 3.0),
        (-2.25, 1, -2.3),  # halves go away from zero
        (-0.04, 1, 0.0),  # no "-0.0" in a table
        (1e300, 1, 1e300),
        (12.0, 1, 12.0),
    ],
)
def test_round_half_up(x: float, decimals: int, expected: float) -> None:
    result = round_half_up(x, decimals)
    assert result == expected
    assert math.copysign(1.0, result) == math.copysign(1.0, expected)


def test_round_half_up_passes_non_finite_through() -> None:
    assert math.isnan(round_half_up(math.nan))
    assert round_half_up(math.inf) == math.inf


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 1000), st.integers(1, 1000))
def test_round_half_up_of_a_percent_is_within_half_a_step(num: int, den: int) -> None:
    value = percent(num, den)
    assert abs(round_half_up(value) - value) <= 0.05 + 1e-9
