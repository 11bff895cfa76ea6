"""The cube's verdict (:func:`lofte.catalog.verdict.meets_array`) is the one verdict rule,
:func:`~lofte.catalog.verdict.classify` with :func:`~lofte.catalog.verdict.meets_target`, on
every figure (issue 17, Build 3: one definition of each rule)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lofte.catalog.model import JUDGED_KINDS, TARGET_KINDS
from lofte.catalog.verdict import classify, meets_array, meets_target

# Values and targets that meet at the boundary (equal), sit on either side of it and of 100 %.
numbers = st.one_of(
    st.none(),
    st.sampled_from([0.0, 49.5, 50.0, 80.0, 99.9, 100.0, 100.1, 250.0]),
    st.floats(-10, 300, allow_nan=False),
)
figures = st.lists(
    st.tuples(
        numbers,  # value
        numbers,  # target (low)
        st.sampled_from(["higher_better", "lower_better"]),
        st.sampled_from([*TARGET_KINDS, None]),
        st.sampled_from(["percent", "days", "count", ""]),
    ),
    max_size=50,
)


def _array(values: list[float | None]) -> np.ndarray:
    return np.array([math.nan if v is None else v for v in values], dtype=np.float64)


@settings(max_examples=300, deadline=None)
@given(figures)
def test_meets_array_is_the_verdict_rule_on_every_figure(rows) -> None:

    value = _array([r[0] for r in rows])
    target = _array([r[1] for r in rows])
    lower_better = np.array([r[2] == "lower_better" for r in rows], dtype=bool)
    judged = np.array([r[3] in JUDGED_KINDS for r in rows], dtype=bool)
    percent = np.array([r[4] == "percent" for r in rows], dtype=bool)
    meets, verdict = meets_array(value, target, lower_better, judged, percent)
    got = [bool(m) if v else None for m, v in zip(meets.tolist(), verdict.tolist(), strict=True)]
    expected = [meets_target(classify(v, False, t, None, d, k, u)) for v, t, d, k, u in rows]
    assert got == expected
