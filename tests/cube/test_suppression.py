"""The vectorised cube suppression must equal the plain reference rule of lofte.core.disclosure."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from lofte.catalog import load
from lofte.core import disclosure, periods
from lofte.cube import reference as cube_reference
from lofte.cube import suppression
from lofte.cube.engine import region_parents
from lofte.svf import tuning

from . import vectorised

REGIONS = ["SE", "sydost", "05", "06", "08", "syd", "07", "12"]
PATHWAYS = ["alla", "brost", "prostata"]
TREATMENTS = ["alla", "kirurgi", "lakemedel"]
PERIODS = ["2024", "2024H1", "2024Q1", "2024Q2", "2024-01", "2024-02"]
INDICATORS = ["svf_andel_inom_ledtid", "svf_antal_avslutade"]

key = st.tuples(
    st.sampled_from(INDICATORS),
    st.just("avslutande"),
    st.sampled_from(REGIONS),
    st.sampled_from(PATHWAYS),
    st.sampled_from(TREATMENTS),
    st.sampled_from(PERIODS),
)
cubes = st.dictionaries(key, st.integers(1, 12), min_size=1, max_size=120)


reference_groups = cube_reference.additive_groups


def as_table(cells):
    keys = sorted(cells)
    cols = list(zip(*keys, strict=True))
    names = suppression.KEY_COLUMNS
    data = {n: pa.array(c, pa.string()) for n, c in zip(names, cols, strict=True)}
    data["denominator"] = pa.array([cells[k] for k in keys], pa.int64())
    return keys, pa.table(data)


@settings(max_examples=200, deadline=None)
@given(cubes)
def test_vectorised_secondary_equals_reference(cells):
    catalog = load()
    parents = region_parents(catalog)
    keys, table = as_table(cells)
    period_parent = {p: periods.parent(p) for p in PERIODS if periods.parent(p)}
    primary = vectorised.primary_mask(table, {}, default_min=5)
    fast = vectorised.secondary_mask(
        table, primary, np.ones(len(keys), dtype=bool), parents, period_parent
    )
    groups = reference_groups(keys, parents)
    initial = [k for k in keys if disclosure.primary(cells[k])]
    slow = disclosure.secondary(cells, initial, groups)
    assert {k for k, hidden in zip(keys, fast, strict=True) if hidden} == slow
    # and the result is safe: no group with exactly one suppressed cell and another one shown
    unsafe = [g for g in disclosure.unsafe_groups(cells, slow, groups) if len(g) > 1]
    assert unsafe == []
    assert (
        vectorised.unsafe_group_count(
            table, fast, np.ones(len(keys), dtype=bool), parents, period_parent
        )
        == 0
    )


@settings(max_examples=100, deadline=None)
@given(cubes, st.randoms(use_true_random=False))
def test_row_order_and_non_additive_rows_do_not_matter(cells, rnd):
    """The engine's cells come sorted by key; any other order (and rows outside the additive
    set) must give the same suppression as the sorted additive cells alone."""
    catalog = load()
    parents = region_parents(catalog)
    keys, table = as_table(cells)
    period_parent = {p: periods.parent(p) for p in PERIODS if periods.parent(p)}
    expected = vectorised.secondary_mask(
        table, vectorised.primary_mask(table, {}), np.ones(len(keys), bool), parents, period_parent
    )
    # Non-additive copies under another indicator, then everything shuffled.
    extra = [("svf_ledtid_median", *k[1:]) for k in keys]
    all_keys = keys + extra
    dens = [cells[k] for k in keys] + [cells[k] for k in keys]
    perm = list(range(len(all_keys)))
    rnd.shuffle(perm)
    cols = list(zip(*[all_keys[i] for i in perm], strict=True))
    data = {n: pa.array(c, pa.string()) for n, c in zip(suppression.KEY_COLUMNS, cols, strict=True)}
    data["denominator"] = pa.array([dens[i] for i in perm], pa.int64())
    shuffled = pa.table(data)
    additive = np.array([i < len(keys) for i in perm])
    got = vectorised.secondary_mask(
        shuffled, vectorised.primary_mask(shuffled, {}), additive, parents, period_parent
    )
    want = {k for k, hidden in zip(keys, expected, strict=True) if hidden}
    assert {all_keys[i] for i, h in zip(perm, got, strict=True) if h and i < len(keys)} == want
    # non-additive cells keep their primary suppression only
    for i, h in zip(perm, got, strict=True):
        if i >= len(keys):
            assert h == (dens[i] < 5)


def test_single_small_county_pulls_its_smallest_sibling():
    catalog = load()
    cells = {
        ("svf_antal_avslutade", "avslutande", r, "alla", "alla", "2024"): n
        for r, n in {"SE": 100, "sydost": 30, "05": 3, "06": 12, "08": 15}.items()
    }
    keys, table = as_table(cells)
    hidden = vectorised.secondary_mask(
        table,
        vectorised.primary_mask(table, {}),
        np.ones(len(keys), dtype=bool),
        region_parents(catalog),
        {},
    )
    shown = {k[2] for k, h in zip(keys, hidden, strict=True) if h}
    assert shown == {"05", "06"}


def test_key_codes_keep_nulls_and_sort_them_last():
    """Imported aggregate values may lack key parts; they must survive the sort unchanged."""
    table = pa.table(
        {
            "indicator": ["b", "a", "a", "a"],
            "region_basis": [None, "bostad", None, "avslutande"],
            "region": ["05", "SE", "05", "06"],
            "pathway": ["alla"] * 4,
            "treatment": ["alla"] * 4,
            "period": ["2024"] * 4,
        }
    )
    codes = vectorised.key_codes_of(table, {"05": "sydost"}, {})
    order = codes.sort_order()
    ordered = codes.take(order)
    assert ordered.column("region_basis").to_pylist() == ["avslutande", "bostad", None, None]
    assert ordered.column("indicator").to_pylist() == ["a", "a", "a", "b"]
    assert ordered.column("region").to_pylist() == ["06", "SE", "05", "05"]


basis_key = st.tuples(
    st.sampled_from(INDICATORS),
    st.sampled_from(["avslutande", "bostad"]),
    st.sampled_from(REGIONS),
    st.sampled_from(PATHWAYS),
    st.sampled_from(TREATMENTS),
    st.sampled_from(PERIODS),
)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(basis_key, st.integers(1, 12), min_size=1, max_size=150))
def test_secondary_in_parts_equals_the_whole(cells):
    """Each indicator's cells suppressed on their own (as lofte.cube.engine.finish_blocks does,
    on threads) give exactly the rounds of the whole: no additive group crosses indicators."""
    catalog = load()
    _, table = as_table(cells)
    period_parent = {p: periods.parent(p) for p in PERIODS if periods.parent(p)}
    codes = vectorised.key_codes_of(table, region_parents(catalog), period_parent)
    den = table.column("denominator").to_numpy()
    primary = den < 5
    whole = vectorised.secondary_of_additive(codes, den, primary)
    parts = primary.copy()
    for indicator in np.unique(codes.codes["indicator"]):
        rows = np.flatnonzero(codes.codes["indicator"] == indicator)
        parts[rows] = vectorised.secondary_of_additive(codes.take(rows), den[rows], primary[rows])
    assert parts.tolist() == whole.tolist()


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(basis_key, st.integers(1, 12), min_size=1, max_size=150))
def test_group_ids_of_a_large_key_space_are_the_same(cells):
    """Above a size, the group keys' space is not counted through but sorted (as it is for whole
    cubes of many indicators); the groups and the suppression must not change."""
    catalog = load()
    _, table = as_table(cells)
    period_parent = {p: periods.parent(p) for p in PERIODS if periods.parent(p)}
    codes = vectorised.key_codes_of(table, region_parents(catalog), period_parent)
    den = table.column("denominator").to_numpy()
    counted = suppression._membership_columns(codes, codes.key_order())
    hidden = vectorised.secondary_of_additive(codes, den, den < 5)
    with tuning.using(tuning.EngineConfig(counting_max_space=0)):
        sorted_ = suppression._membership_columns(codes, codes.key_order())
        assert vectorised.secondary_of_additive(codes, den, den < 5).tolist() == hidden.tolist()
    assert sorted_[1] == counted[1]
    for a, b in zip(sorted_[0], counted[0], strict=True):
        assert a.dtype == b.dtype == np.int32 and a.tolist() == b.tolist()
