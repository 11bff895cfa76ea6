"""The wide cells' key order (lofte.cube.rollup._sorted): the parts of all groupings come out as
one set of columns sorted by (basis, region, pathway, treatment, period), rows intact, whether
the key space is ordered by counting, by sorting or (past 62 bits) by a lexicographic sort."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lofte.cube import keys as key_space
from lofte.cube import rollup
from lofte.cube.quantiles import QUANTILES
from lofte.svf import tuning
from lofte.svf.tuning import EngineConfig

NAMES = [*rollup.KEYS, *rollup.MEASURES, *(q for q, _, _ in QUANTILES)]


def _parts(keys: list[tuple[int, ...]], sizes: list[int]) -> list[dict[str, np.ndarray]]:
    """The rows split into parts of the given sizes; every measure carries the row's number."""
    parts, start = [], 0
    for size in sizes:
        rows = keys[start : start + size]
        part = {
            k: np.array([r[i] for r in rows], dtype=np.int32) for i, k in enumerate(rollup.KEYS)
        }
        number = np.arange(start, start + len(rows))
        for name in NAMES[len(rollup.KEYS) :]:
            kind = np.float64 if name.startswith(("lead", "med")) else np.int64
            part[name] = number.astype(kind)
        parts.append(part)
        start += size
    return parts


code = st.integers(0, 6)
large = st.integers(0, 2**31 - 1)


@pytest.mark.parametrize("max_space", [None, 0])
@settings(max_examples=60, deadline=None)
@given(
    keys=st.sets(st.one_of(st.tuples(*[code] * 5), st.tuples(*[large] * 5)), max_size=40),
    cuts=st.lists(st.integers(0, 10), max_size=5),
)
def test_sorted_puts_every_row_in_key_order(max_space, keys, cuts):
    rows = list(keys)
    sizes = [*cuts, len(rows)]
    parts = [p for p in _parts(rows, sizes) if p["region_basis"].size] or _parts([], [0])
    # max_space 0 forces the sorting path of keys.compact.
    config = None if max_space is None else EngineConfig(counting_max_space=max_space)
    with tuning.using(config):
        out = rollup._sorted(parts)
    expected = sorted(rows)
    got = list(zip(*(out[k].tolist() for k in rollup.KEYS), strict=True))
    assert got == expected
    # Every other column moved with its row.
    number = {r: i for i, r in enumerate(rows)}
    for name in NAMES[len(rollup.KEYS) :]:
        assert out[name].tolist() == [number[r] for r in expected]


def test_compact_by_counting_and_by_sorting_agree():
    rng = np.random.default_rng(7)
    key = rng.integers(0, 10_000, size=3_000)
    present, ids = key_space.compact(key, 10_000)
    expected_present, expected_ids = np.unique(key, return_inverse=True)
    assert np.array_equal(present, expected_present) and np.array_equal(ids, expected_ids)
