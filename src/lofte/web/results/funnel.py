"""Funnel plot control limits: exact binomial quantiles around a reference proportion.

For a unit with denominator ``n`` and the national proportion ``p``, the limits at level ``level``
are the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of Binomial(n, p) divided by ``n``
(Spiegelhalter 2005, exact binomial limits). A unit outside them differs from the nation by more
than chance at that level.
"""

from __future__ import annotations

import math

import numpy as np


def binomial_quantile(n: int, p: float, q: float) -> int:
    """The smallest ``k`` with P(X ≤ k) ≥ ``q`` for X ~ Binomial(n, p).

    The probabilities are summed exactly in log space over the window that holds all but a
    negligible (< 1e-30) part of the mass, so large ``n`` stays cheap.
    """
    if n < 0 or not 0.0 <= p <= 1.0 or not 0.0 <= q <= 1.0:
        raise ValueError(f"bad binomial quantile arguments: n={n} p={p} q={q}")
    if p == 0.0 or q == 0.0 or n == 0:
        return 0
    if p == 1.0:
        return n
    sd = math.sqrt(n * p * (1.0 - p))
    lo = max(0, math.floor(n * p - 12.0 * sd - 12.0))
    hi = min(n, math.ceil(n * p + 12.0 * sd + 12.0))
    k = np.arange(lo, hi + 1, dtype=np.float64)
    lgamma = np.vectorize(math.lgamma, otypes=[np.float64])
    log_pmf = (
        math.lgamma(n + 1.0)
        - lgamma(k + 1.0)
        - lgamma(n - k + 1.0)
        + k * math.log(p)
        + (n - k) * math.log1p(-p)
    )
    cdf = np.cumsum(np.exp(log_pmf))
    # a relative tolerance keeps a quantile that sits exactly on a CDF step where it belongs
    index = int(np.searchsorted(cdf, q * (1.0 - 1e-12), side="left"))
    return min(lo + index, n)


def binomial_limits(n: int, p: float, level: float) -> tuple[float, float]:
    """Lower and upper control limits (proportions 0–1) for denominator ``n``."""
    if n <= 0:
        raise ValueError(f"denominator must be positive, got {n}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    tail = (1.0 - level) / 2.0
    return binomial_quantile(n, p, tail) / n, binomial_quantile(n, p, 1.0 - tail) / n


def funnel_rows(
    p: float, n_min: int, n_max: int, levels: tuple[float, ...] = (0.95, 0.998), points: int = 60
) -> list[dict[str, float]]:
    """Limit curves (percent) over denominators ``n_min``…``n_max`` for a Vega-Lite layer."""
    n_min = max(1, n_min)
    n_max = max(n_min + 1, n_max)
    grid = sorted({round(float(x)) for x in np.geomspace(n_min, n_max, points)})
    rows: list[dict[str, float]] = []
    for n in grid:
        row: dict[str, float] = {"n": n}
        for level in levels:
            low, high = binomial_limits(n, p, level)
            tag = f"{level * 100:g}".replace(".", "_")
            row[f"low_{tag}"] = 100.0 * low
            row[f"high_{tag}"] = 100.0 * high
        rows.append(row)
    return rows
