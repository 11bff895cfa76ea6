"""Exact quartiles and medians of the SVF cells (SPEC §5) from day histograms, with numpy.

Every quantile of the cube is a type-7 quantile (h = (n − 1)·p; the values at the 0-based ranks
⌊h⌋ and ⌈h⌉, interpolated linearly) of whole-day durations. Holistic SQL aggregates
(``QUANTILE_CONT``) buffer every value of every group of all twelve grouping sets and four period
types; at national scale that was most of the compute time and memory. Here the same numbers come
from counts instead, exactly. The national-end facts are read once at month level
(``quantiles.sql``), with their basis, county, pathway, treatment and month as integer codes;
each measure's values are prepared once (:class:`Values`: a missing value as one past the
largest), and for each of the 48 groupings (:mod:`lofte.cube.rollup`) every fact gets the number
of its group (:class:`Groups`). The quantiles of every group are then read off either

* the facts' (group, value) keys packed into one integer and sorted (:func:`from_sorted`: where
  groups are many and small, the fine groupings), or
* a dense histogram of (group, value) (:func:`histogram`, :func:`from_histogram`: where groups
  are few compared with the facts), whose running counts are searched for the two ranks of each
  group (the value at rank r is the smallest value whose running count exceeds r). Histograms
  add up (:func:`roll_up`), so a coarse grouping's comes from a finer grouping's without another
  pass over the facts.

Both give the exact order statistics, NaN where a group has no value (as ``QUANTILE_CONT``
ignores NULLs). The engine's property tests compare the cells with the reference engine
(``lofte.core.stats.quantile``) exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lofte.svf import tuning

#: (output column, input column, quantile level).
QUANTILES = (
    ("lead_p25", "lead_time_days", 0.25),
    ("lead_median", "lead_time_days", 0.5),
    ("lead_p75", "lead_time_days", 0.75),
    ("med_visit", "start_to_visit", 0.5),
    ("med_diagnosis", "visit_to_diagnosis", 0.5),
    ("med_treatment", "diagnosis_to_treatment", 0.5),
    # Issue 16, where the days go: the intervals' quartiles (from the same values as their
    # medians) and their medians among the pathways that missed the lead time.
    ("visit_p25", "start_to_visit", 0.25),
    ("visit_p75", "start_to_visit", 0.75),
    ("diagnosis_p25", "visit_to_diagnosis", 0.25),
    ("diagnosis_p75", "visit_to_diagnosis", 0.75),
    ("treatment_p25", "diagnosis_to_treatment", 0.25),
    ("treatment_p75", "diagnosis_to_treatment", 0.75),
    ("missed_visit", "missed_start_to_visit", 0.5),
    ("missed_diagnosis", "missed_visit_to_diagnosis", 0.5),
    ("missed_treatment", "missed_diagnosis_to_treatment", 0.5),
)


def dense_is_cheaper(cells: int, n_facts: int) -> bool:
    """Whether to count a dense histogram of ``cells`` (groups × values) rather than sort the
    ``n_facts`` facts: while there are at most ``dense_per_fact`` cells per fact (measured at
    national scale: above it, sorting is faster) and at most ``dense_max_cells`` in all
    (memory: 8 bytes each, twice); see :class:`lofte.svf.tuning.EngineConfig`."""
    config = tuning.current()
    return cells <= config.dense_per_fact * n_facts and cells <= config.dense_max_cells


@dataclass
class Values:
    """One measure's integer values prepared once for many groupings: each fact's value − ``low``
    (in 0..``width`` − 1), and ``width`` where the fact has no value, so that within a group the
    missing values sort after every value and are never ranked; ``missing``: those facts."""

    codes: np.ndarray
    low: int
    width: int
    missing: np.ndarray

    @classmethod
    def of(cls, values: np.ndarray, valid: np.ndarray | None = None) -> Values:
        """``values`` (integers) of the facts; ``valid``: which facts have one (None: all)."""
        values = np.asarray(values)
        missing = (
            np.zeros(0, dtype=np.int64) if valid is None else np.flatnonzero(~np.asarray(valid))
        )
        present = values if valid is None else values[valid]
        if present.size == 0:
            return cls(np.ones(values.size, dtype=np.int32), 0, 1, missing)
        low = int(present.min())
        width = int(present.max()) - low + 1
        kind = np.int32 if width < 2**31 else np.int64  # codes 0..width, the missing one too
        codes = (values - low).astype(kind)
        codes[missing] = width
        return cls(codes, low, width, missing)


@dataclass
class Groups:
    """Each fact's group (``of_fact``, numbered from 0) and the number of facts in each group,
    with or without a value (``size``): shared by every measure of one grouping."""

    of_fact: np.ndarray
    size: np.ndarray

    @classmethod
    def of(cls, of_fact: np.ndarray, n_groups: int) -> Groups:
        return cls(of_fact, np.bincount(of_fact, minlength=n_groups))

    @property
    def n(self) -> int:
        return int(self.size.size)


def work_array(scratch: np.ndarray | None, n: int, kind: type) -> np.ndarray:
    """``n`` elements of ``kind`` (uninitialised): the start of ``scratch`` (bytes, reused from
    call to call) where that is large enough, else new. Many groupings' passes over the facts
    reuse one array this way: where memory is slow to touch for the first time, that costs
    less than a new array per pass."""
    size = n * np.dtype(kind).itemsize
    if scratch is None or scratch.size < size:
        return np.empty(n, dtype=kind)
    return scratch[:size].view(kind)


def _type7(
    n_valid: np.ndarray,
    first: np.ndarray,
    levels: list[float],
    value_at: Callable[[np.ndarray], np.ndarray],
) -> list[np.ndarray]:
    """Type-7 quantiles at ``levels`` of groups with ``n_valid`` values each (NaN for none),
    whose values are in order from position ``first`` of some ordering where ``value_at``
    (positions) finds them (as int64). One level at a time: the temporaries stay a few times
    the number of groups."""
    has = np.flatnonzero(n_valid)
    every = has.size == n_valid.size  # (the usual case) no group to leave NaN
    n = n_valid if every else n_valid[has]
    start = first if every else first[has]
    out = []
    for level in levels:
        h = (n - 1) * level
        below = np.floor(h).astype(np.int64)
        fraction = h - below
        lo = value_at(start + below).astype(np.float64)
        hi = value_at(start + np.ceil(h).astype(np.int64)).astype(np.float64)
        if every:
            out.append(lo + (hi - lo) * fraction)
        else:
            result = np.full(n_valid.size, np.nan)
            result[has] = lo + (hi - lo) * fraction
            out.append(result)
    return out


def from_sorted(
    groups: Groups, values: Values, levels: list[float], scratch: np.ndarray | None = None
) -> list[np.ndarray]:
    """Type-7 quantiles at ``levels`` per group (float64, NaN for a group without values), from
    the facts' (group, value) keys packed into one integer and sorted: each group's values are
    then in order from where the facts of the groups before it end. The keys are built in
    ``scratch`` where that is large enough (see :func:`work_array`)."""
    shift = values.width.bit_length()  # codes 0..width, the missing one included
    kind = np.int32 if groups.n << shift <= 2**31 else np.int64
    n_valid = groups.size
    of_fact, codes = groups.of_fact, values.codes
    if values.missing.size:
        n_valid = n_valid - np.bincount(groups.of_fact[values.missing], minlength=groups.n)
    if 2 * values.missing.size > of_fact.size:
        # Most facts have no value (the pathways that missed their lead time): only those
        # with one are sorted, each group's values then start where the values before it end.
        keep = np.ones(of_fact.size, dtype=bool)
        keep[values.missing] = False
        of_fact, codes = of_fact[keep], codes[keep]
        size = n_valid
    else:  # the missing values sort after each group's values
        size = groups.size
    packed = np.left_shift(of_fact, shift, out=work_array(scratch, of_fact.size, kind))
    packed |= codes
    packed.sort()
    mask = (1 << shift) - 1

    def value_at(position: np.ndarray) -> np.ndarray:
        return (packed[position] & mask).astype(np.int64) + values.low

    return _type7(n_valid, np.cumsum(size) - size, levels, value_at)


def histogram(groups: Groups, values: Values, scratch: np.ndarray | None = None) -> np.ndarray:
    """How many facts of each group have each value: (groups, ``width`` + 1) int64, the facts
    without a value in the last column. The cell of each fact is worked out in ``scratch``
    where that is large enough (see :func:`work_array`)."""
    span = values.width + 1
    cells = groups.n * span
    kind = np.int32 if cells < 2**31 else np.int64
    packed = np.multiply(groups.of_fact, span, out=work_array(scratch, groups.of_fact.size, kind))
    packed += values.codes
    return np.bincount(packed, minlength=cells).reshape(groups.n, span)


def roll_up(counts: np.ndarray, target: np.ndarray, n_target: int) -> np.ndarray:
    """The histogram of coarser groups from ``counts`` (a :func:`histogram`): row ``i`` added
    to row ``target[i]`` of ``n_target``. Counts add up, so this equals the coarser groups'
    histogram of the facts."""
    span = counts.shape[1]
    out = np.zeros(n_target * span, dtype=np.int64)
    cells = (target.astype(np.int64)[:, None] * span + np.arange(span)).ravel()
    np.add.at(out, cells, counts.ravel())
    return out.reshape(n_target, span)


def from_histogram(counts: np.ndarray, values: Values, levels: list[float]) -> list[np.ndarray]:
    """Type-7 quantiles at ``levels`` per row of ``counts`` (a :func:`histogram` of ``values``),
    float64, NaN for a group without values.

    The running count over the flattened histogram never decreases, so one search finds the
    value at any rank of any group: rank r of a group is the first cell of its row whose running
    count exceeds the count before the row plus r (the missing values come last in the row)."""
    span = values.width + 1
    running = np.cumsum(counts.ravel())
    before = np.zeros(counts.shape[0], dtype=np.int64)
    before[1:] = running[span - 1 : -1 : span]
    n_valid = running[values.width - 1 :: span] - before

    def value_at(position: np.ndarray) -> np.ndarray:
        return np.searchsorted(running, position, side="right") % span + values.low

    return _type7(n_valid, before, levels, value_at)


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
    groups = Groups.of(np.asarray(group), n_groups)
    if method == "auto":
        dense = dense_is_cheaper(n_groups * (prepared.width + 1), groups.of_fact.size)
    else:
        dense = method == "dense"
    if dense:
        return from_histogram(histogram(groups, prepared), prepared, levels)
    return from_sorted(groups, prepared, levels)
