"""Funnel plot limits: exact binomial quantiles, checked against exact rational arithmetic."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lofte.web.results.funnel import binomial_limits, binomial_quantile, funnel_rows


def exact_cdf(k: int, n: int, p: Fraction) -> Fraction:
    return sum((comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1)), Fraction(0))


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 80),
    p=st.fractions(min_value=Fraction(1, 100), max_value=Fraction(99, 100), max_denominator=100),
    q=st.sampled_from([0.001, 0.025, 0.5, 0.975, 0.999]),
)
def test_quantile_is_the_smallest_k_reaching_q(n, p, q):
    k = binomial_quantile(n, float(p), q)
    qf = Fraction(q)
    assert exact_cdf(k, n, p) >= qf * (1 - Fraction(1, 10**9))
    if k > 0:
        assert exact_cdf(k - 1, n, p) < qf


@given(n=st.integers(1, 5000), p=st.floats(0.01, 0.99), level=st.sampled_from([0.95, 0.998]))
@settings(max_examples=60, deadline=None)
def test_limits_surround_the_reference_and_narrow_with_n(n, p, level):
    low, high = binomial_limits(n, p, level)
    assert 0.0 <= low <= high <= 1.0
    # both quantiles bracket the median, which is within 1/n of p (the binomial is discrete)
    assert low <= p + 1.0 / n and high >= p - 1.0 / n
    low4, high4 = binomial_limits(4 * n, p, level)
    assert high4 - low4 <= high - low + 1.0 / n  # up to the discreteness of the binomial


def test_edges_and_bad_input():
    assert binomial_quantile(10, 0.0, 0.5) == 0
    assert binomial_quantile(10, 1.0, 0.5) == 10
    assert binomial_quantile(10, 0.5, 1.0) == 10
    with pytest.raises(ValueError):
        binomial_limits(0, 0.5, 0.95)
    with pytest.raises(ValueError):
        binomial_limits(10, 0.5, 1.0)
    with pytest.raises(ValueError):
        binomial_quantile(10, 1.5, 0.5)


def test_rows_span_the_denominators():
    rows = funnel_rows(0.8, 10, 5000)
    assert rows[0]["n"] == 10 and rows[-1]["n"] == 5000
    assert all(r["low_99_8"] <= r["low_95"] <= 80.0 <= r["high_95"] <= r["high_99_8"] for r in rows)
