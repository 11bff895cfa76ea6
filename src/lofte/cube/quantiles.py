"""Exact quartiles and medians of the SVF cells (SPEC §5) from day histograms, with numpy.

Every quantile of the cube is a type-7 quantile (h = (n − 1)·p; the values at the 0-based ranks
⌊h⌋ and ⌈h⌉, interpolated linearly) of whole-day durations. Holistic SQL aggregates
(``QUANTILE_CONT``) buffer every value of every group of all twelve grouping sets and four period
types; at national scale that was most of the compute time and memory. Here the same numbers come
from counts instead, exactly:

* the national-end facts are read once at month level (``quantiles.sql``), with their basis,
  county, pathway, treatment and month as integer codes;
* for each of the 48 groupings (:mod:`lofte.cube.rollup`) every fact gets one integer group key,
  and :func:`order_statistics` reads the quantiles of every group off the facts:
* where a grouping's groups are few compared with its values (the coarse ones), a dense
  histogram of (group, day) is counted with ``bincount``; its row-wise cumulative counts are
  searched for the two ranks of each group (the value at rank r is the smallest day whose
  cumulative count exceeds r). Where groups are many and small (the fine ones), the packed
  (group, day) keys are sorted instead and the ranks read off directly. Both give the exact
  order statistics, NaN where a group has no value (as ``QUANTILE_CONT`` ignores NULLs).

The engine's property tests compare the cells with the reference engine
(``lofte.core.stats.quantile``) exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: (output column, input column, quantile level).
QUANTILES = (
    ("lead_p25", "lead_time_days", 0.25),
    ("lead_median", "lead_time_days", 0.5),
    ("lead_p75", "lead_time_days", 0.75),
    ("med_visit", "start_to_visit", 0.5),
    ("med_diagnosis", "visit_to_diagnosis", 0.5),
    ("med_treatment", "diagnosis_to_treatment", 0.5),
)

#: A dense histogram is used while (groups × days) stays below this many cells per value
#: (measured at national scale: above it, sorting the packed keys is faster) …
_DENSE_PER_VALUE = 1
#: … and below this many cells in all (memory: 8 bytes each, twice).
_DENSE_MAX_CELLS = 40_000_000


@dataclass
class Values:
    """Integer values prepared once for many groupings: shifted to start at 0 (in the smallest
    integer type that holds them), with their offset and range."""

    shifted: np.ndarray
    low: int
    width: int

    @classmethod
    def of(cls, values: np.ndarray) -> Values:
        if values.size == 0:
            return cls(np.zeros(0, dtype=np.int32), 0, 1)
        low = int(values.min())
        width = int(values.max()) - low + 1
        kind = np.int32 if width < 2**31 else np.int64
        return cls((values - low).astype(kind), low, width)


def order_statistics(
    group: np.ndarray,
    values: np.ndarray | Values,
    n_groups: int,
    levels: list[float],
    method: str = "auto",
) -> list[np.ndarray]:
    """Type-7 quantiles at ``levels`` of ``values`` (integers) per group id in ``0..n_groups-1``.

    Returns one float64 array of length ``n_groups`` per level; NaN for a group without values.
    ``method`` is ``"dense"`` (histogram), ``"sort"`` or ``"auto"`` (by the size of the
    histogram against the number of values).
    """
    prepared = values if isinstance(values, Values) else Values.of(np.asarray(values))
    shifted, low, width = prepared.shifted, prepared.low, prepared.width
    counts = np.bincount(group, minlength=n_groups)
    out = [np.full(n_groups, np.nan) for _ in levels]
    if shifted.size == 0:
        return out
    has = np.flatnonzero(counts)
    n = counts[has]
    cells = n_groups * width
    if method == "auto":
        dense = cells <= _DENSE_PER_VALUE * shifted.size and cells <= _DENSE_MAX_CELLS
    else:
        dense = method == "dense"
    # Packed (group, value) keys; 32-bit keys are cheaper to build and sort about twice as fast.
    kind = np.int32 if cells < 2**31 else np.int64
    packed = group.astype(kind) * kind(width) + shifted
    if dense:
        hist = np.bincount(packed, minlength=cells).reshape(n_groups, width)
        cumulative = np.cumsum(hist, axis=1)
        # Offsetting each row by more than any count makes the flattened array non-decreasing.
        step = int(shifted.size) + 1
        cumulative += (np.arange(n_groups, dtype=np.int64) * step)[:, None]
        flat = cumulative.ravel()

        def at_rank(rank: np.ndarray) -> np.ndarray:
            pos = np.searchsorted(flat, has * step + rank, side="right")
            return (pos - has * width + low).astype(np.float64)

    else:
        ordered = np.sort(packed)
        start = (np.cumsum(counts) - counts)[has]

        def at_rank(rank: np.ndarray) -> np.ndarray:
            return (ordered[start + rank] - has * width + low).astype(np.float64)

    for result, level in zip(out, levels, strict=True):
        h = (n - 1) * level
        below = np.floor(h).astype(np.int64)
        above = np.ceil(h).astype(np.int64)
        fraction = h - below
        lo = at_rank(below)
        hi = at_rank(above)
        result[has] = lo + (hi - lo) * fraction
    return out
