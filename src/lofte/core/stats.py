"""Statistics of the indicators, SPEC §5.

Shares are ``100 × numerator / denominator`` at full precision and are rounded half-up only
for presentation. Every share carries a 95 % Wilson score interval; a change between two periods
is significant when the pooled two-proportion z-test gives p < 0.05. Quartiles interpolate
linearly between order statistics (R type 7, numpy's default); a median of an even count is
the mean of the two middle values. The report's annex describes these methods.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal

Z_95 = 1.959963984540054  # standard normal quantile 0.975

# enough digits for any finite float at any sensible number of decimals
_ROUNDING = Context(prec=400, rounding=ROUND_HALF_UP)


def _check_counts(numerator: int, denominator: int) -> None:
    if denominator <= 0:
        raise ValueError(f"denominator must be positive, got {denominator}")
    if not 0 <= numerator <= denominator:
        raise ValueError(f"numerator {numerator} is outside 0–{denominator}")


def wilson(numerator: int, denominator: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of ``numerator / denominator`` as proportions (0–1)."""
    _check_counts(numerator, denominator)
    n = denominator
    p = numerator / n
    z2 = z * z
    scale = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / scale
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n)) / scale
    # the bounds are exactly 0 and 1 at the extremes; rounding must not push them past
    low = 0.0 if numerator == 0 else max(0.0, centre - half)
    high = 1.0 if numerator == n else min(1.0, centre + half)
    return low, high


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test of x1/n1 against x2/n2.

    Without variation (pooled share 0 or 1) there is no evidence of a difference: p = 1.
    """
    _check_counts(x1, n1)
    _check_counts(x2, n2)
    pooled = (x1 + x2) / (n1 + n2)
    if pooled <= 0.0 or pooled >= 1.0:
        return 1.0
    se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    z = (x1 / n1 - x2 / n2) / se
    return math.erfc(abs(z) / math.sqrt(2.0))


def _sorted_checked(values: Sequence[float]) -> list[float]:
    if len(values) == 0:
        raise ValueError("no values")
    ordered = sorted(values)
    # NaN compares false both ways and would silently corrupt the order
    if any(v != v for v in ordered):
        raise ValueError("values contain NaN")
    return ordered


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0 ≤ q ≤ 1) by linear interpolation, h = (n − 1)·q (R type 7)."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile level must be in 0–1, got {q}")
    ordered = _sorted_checked(values)
    h = (len(ordered) - 1) * q
    low = math.floor(h)
    fraction = h - low
    below = ordered[low]
    if fraction == 0.0:
        return float(below)
    above = ordered[low + 1]
    return below + (above - below) * fraction


def median(values: Sequence[float]) -> float:
    """The median; for an even count the mean of the two middle values."""
    ordered = _sorted_checked(values)
    middle, odd = divmod(len(ordered), 2)
    if odd:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def percent(numerator: float, denominator: float) -> float:
    """100 × numerator / denominator at full precision (multiplied first, as the engine does)."""
    if denominator == 0:
        raise ValueError("percent of a zero denominator")
    return 100.0 * numerator / denominator


def round_half_up(x: float, decimals: int = 1) -> float:
    """Round for presentation, halves away from zero on the shortest decimal form of ``x``.

    Binary floats make ``round(2.25, 1) == 2.2``; users expect 2.3, so the value is rounded as
    it is written (``repr``): 0.05 → 0.1, 2.25 → 2.3, 72.45 → 72.5.
    """
    if not math.isfinite(x):
        return x
    exponent = Decimal(1).scaleb(-decimals)
    rounded = float(Decimal(repr(x)).quantize(exponent, context=_ROUNDING))
    # + 0.0 turns -0.0 (from e.g. -0.04) into 0.0, which is what a table should show
    return rounded + 0.0
