"""Exact type-7 quantiles from histograms and sorted keys (lofte.cube.quantiles) against the
reference definition in lofte.core.stats, on random integer groups, by both methods."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lofte.core import periods, stats
from lofte.cube import quantiles, rollup
from lofte.svf import tuning

LEVELS = [0.0, 0.25, 0.5, 0.75, 1.0]

groups_and_values = st.lists(
    st.tuples(st.integers(0, 6), st.integers(-3, 40)), min_size=0, max_size=80
)


@pytest.mark.parametrize("method", ["dense", "sort", "auto"])
@settings(max_examples=150, deadline=None)
@given(rows=groups_and_values)
def test_order_statistics_match_reference(method, rows):
    n_groups = 8
    group = np.array([g for g, _ in rows], dtype=np.int64)
    values = np.array([v for _, v in rows], dtype=np.int64)
    results = quantiles.order_statistics(group, values, n_groups, LEVELS, method=method)
    for level, result in zip(LEVELS, results, strict=True):
        for g in range(n_groups):
            members = [v for gg, v in rows if gg == g]
            if not members:
                assert math.isnan(result[g])
            else:
                assert result[g] == stats.quantile(members, level), (g, level, members)


def _hierarchy_and_names():
    """Small codebooks (in string order) and their hierarchy for the roll-up."""
    names = {
        "region_basis": ["avslutande", "bostad"],
        "region": ["01", "03", "RS", "SE"],
        "pathway": ["alla", "brost", "prostata"],
        "treatment": ["alla", "kirurgi", "lakemedel"],
    }
    months = ["2024-01", "2024-02", "2024-04", "2024-11", "2024-12"]
    labels = {m: periods.labels_for(periods.parse(m).start) for m in months}
    names["period"] = sorted({label for ls in labels.values() for label in ls})
    code = {k: {v: i for i, v in enumerate(n)} for k, n in names.items()}
    kinds = ("year", "half", "quarter", "month")
    h = rollup.Hierarchy(
        n_basis=2,
        counties=np.array([0, 1]),
        county_parent=np.array([2, 2]),
        nation=3,
        n_pathway=3,
        all_pathways=0,
        n_treatment=3,
        all_treatments=0,
        months=np.array([code["period"][m] for m in months]),
        month_parent={
            kind: np.array([code["period"][labels[m][i]] for m in months])
            for i, kind in enumerate(kinds)
        },
    )
    return h, names, code


def test_wide_cells_roll_up_every_level():
    h, names, code = _hierarchy_and_names()
    keys = {
        "region_basis": [1] * 5,
        "county": [code["region"][c] for c in ("01", "01", "03", "03", "03")],
        "pathway": [
            code["pathway"][p] for p in ("brost", "brost", "brost", "prostata", "prostata")
        ],
        "treatment": [
            code["treatment"][t] for t in ("kirurgi", "lakemedel", "kirurgi", "kirurgi", "kirurgi")
        ],
        "month": [
            code["period"][m] for m in ("2024-01", "2024-02", "2024-04", "2024-11", "2024-12")
        ],
    }
    facts = pa.table(
        {
            **{k: pa.array(v, pa.int32()) for k, v in keys.items()},
            "lead_time_days": pa.array([10, 20, 30, None, 50], pa.int32()),
            "start_to_visit": pa.array([1, 2, 3, 4, 5], pa.int32()),
            "visit_to_diagnosis": pa.array([None] * 5, pa.int32()),
            "diagnosis_to_treatment": pa.array([7, 7, 7, 7, 8], pa.int32()),
            "missed_start_to_visit": pa.array([None, None, 3, None, 5], pa.int32()),
            "missed_visit_to_diagnosis": pa.array([None] * 5, pa.int32()),
            "missed_diagnosis_to_treatment": pa.array([None, None, 7, None, 8], pa.int32()),
        }
    )
    # One closed instance per fact; n_within counts the lead times of at most 20 days.
    counts = pa.table(
        {
            **{k: pa.array(v, pa.int32()) for k, v in keys.items()},
            **{m: pa.array([1] * 5, pa.int64()) for m in rollup.MEASURES if m != "n_within"},
            "n_within": pa.array([1, 1, 0, 0, 0], pa.int64()),
        }
    )
    wide = rollup.wide_cells(counts, facts, h)
    decoded = [
        {
            **{k: names["period" if k == "period" else k][int(wide[k][i])] for k in rollup.KEYS},
            **{k: wide[k][i] for k in wide if k not in rollup.KEYS},
        }
        for i in range(wide["period"].size)
    ]
    rows = {
        (r["region_basis"], r["period"], r["region"], r["pathway"], r["treatment"]): {
            k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()
        }
        for r in decoded
    }
    table = pa.Table.from_pylist(decoded)
    assert len(rows) == table.num_rows  # one row per cell
    se_year = rows[("bostad", "2024", "SE", "alla", "alla")]
    assert se_year["lead_median"] == stats.quantile([10, 20, 30, 50], 0.5) == 25.0
    assert se_year["lead_p25"] == stats.quantile([10, 20, 30, 50], 0.25)
    assert se_year["med_visit"] == 3.0
    assert se_year["med_diagnosis"] is None
    # The intervals' quartiles, and their medians among the facts that missed (issue 16).
    assert (se_year["visit_p25"], se_year["visit_p75"]) == (2.0, 4.0)
    assert se_year["missed_visit"] == 4.0 and se_year["missed_treatment"] == 7.5
    assert se_year["missed_diagnosis"] is None
    assert rows[("bostad", "2024Q1", "RS", "brost", "alla")]["lead_median"] == 15.0
    assert rows[("bostad", "2024H2", "03", "prostata", "kirurgi")]["lead_median"] == 50.0
    assert rows[("bostad", "2024Q4", "03", "prostata", "kirurgi")]["med_treatment"] == 7.5
    # A group whose only lead time is missing still has a row (it has a national end).
    assert rows[("bostad", "2024-11", "03", "prostata", "kirurgi")]["lead_median"] is None
    assert rows[("bostad", "2024-11", "03", "prostata", "kirurgi")]["med_visit"] == 4.0
    # The counts are sums over every level.
    assert rows[("bostad", "2024", "SE", "alla", "alla")]["n_closed"] == 5
    assert rows[("bostad", "2024", "SE", "alla", "alla")]["n_within"] == 2
    assert rows[("bostad", "2024Q1", "RS", "brost", "alla")]["n_closed"] == 2
    assert rows[("bostad", "2024H2", "03", "alla", "kirurgi")]["n_closed"] == 2
    assert rows[("bostad", "2024-02", "01", "brost", "lakemedel")]["n_within"] == 1
    # The cells come in key order: basis, region, pathway, treatment, period.
    order = [
        tuple(int(wide[k][i]) for k in ("region_basis", "region", "pathway", "treatment", "period"))
        for i in range(wide["period"].size)
    ]
    assert order == sorted(order)
    # 2 geography × … : SE, RS and two counties; periods: 1 year, 2 halves, 3 quarters, 3 months
    assert {k[1] for k in rows} == {
        "2024",
        "2024H1",
        "2024H2",
        "2024Q1",
        "2024Q2",
        "2024Q4",
        "2024-01",
        "2024-02",
        "2024-04",
        "2024-11",
        "2024-12",
    }


facts_with_missing = st.lists(
    st.tuples(st.integers(0, 6), st.one_of(st.none(), st.integers(-3, 40))), max_size=80
)


@settings(max_examples=150, deadline=None)
@given(rows=facts_with_missing, coarse=st.lists(st.integers(0, 2), min_size=7, max_size=7))
def test_missing_values_sorted_dense_and_rolled_up_match_reference(rows, coarse):
    """Facts without a value are never ranked, by either method; a histogram rolled up into
    coarser groups gives the coarser groups' quantiles."""
    group = np.array([g for g, _ in rows], dtype=np.int64)
    valid = np.array([v is not None for _, v in rows], dtype=bool)
    raw = np.array([0 if v is None else v for _, v in rows], dtype=np.int64)
    values = quantiles.Values.of(raw, valid)
    groups = quantiles.Groups.of(group, 7)
    scratch = np.empty(8 * len(rows), dtype=np.uint8)  # a reused work array, as the roll-up does
    counts = quantiles.histogram(groups, values, scratch)
    target = np.array(coarse)
    found = {
        "sorted": (quantiles.from_sorted(groups, values, LEVELS, scratch), range(7), None),
        "dense": (quantiles.from_histogram(counts, values, LEVELS), range(7), None),
        "rolled up": (
            quantiles.from_histogram(quantiles.roll_up(counts, target, 3), values, LEVELS),
            range(3),
            target,
        ),
    }
    for method, (results, ids, parent) in found.items():
        for level, result in zip(LEVELS, results, strict=True):
            for g in ids:
                members = [
                    v
                    for gg, v in rows
                    if v is not None and (gg == g if parent is None else parent[gg] == g)
                ]
                if not members:
                    assert math.isnan(result[g]), (method, g)
                else:
                    assert result[g] == stats.quantile(members, level), (method, g, level)


_MEASURE_VALUES = st.one_of(st.none(), st.integers(0, 30))
#: The measures besides the lead time (which is never missing).
_OTHER_MEASURES = len(dict.fromkeys(s for _, s, _ in quantiles.QUANTILES)) - 1


@pytest.mark.parametrize("dense_per_fact", [0, 10**9])
@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 1),  # basis
            st.integers(0, 1),  # county
            st.integers(1, 2),  # pathway
            st.integers(1, 2),  # treatment
            st.integers(0, 4),  # month
            st.integers(0, 60),  # lead time (never missing)
            *[_MEASURE_VALUES] * _OTHER_MEASURES,
        ),
        min_size=1,
        max_size=40,
    )
)
def test_wide_cells_quantiles_match_reference_by_every_path(dense_per_fact, rows):
    """Every cell's quartiles and medians equal the reference quantile of its facts' values,
    whether all groupings sort the facts (0) or all count dense histograms, rolled up from
    finer groupings' wherever one has one (10**9)."""
    h, _, code = _hierarchy_and_names()
    months = ["2024-01", "2024-02", "2024-04", "2024-11", "2024-12"]
    measures = list(dict.fromkeys(s for _, s, _ in quantiles.QUANTILES))
    columns = list(zip(*rows, strict=True))
    keys = {
        "region_basis": pa.array(columns[0], pa.int32()),
        "county": pa.array(columns[1], pa.int32()),
        "pathway": pa.array(columns[2], pa.int32()),
        "treatment": pa.array(columns[3], pa.int32()),
        "month": pa.array([code["period"][months[m]] for m in columns[4]], pa.int32()),
    }
    facts = pa.table(
        {**keys, **{m: pa.array(columns[5 + i], pa.int32()) for i, m in enumerate(measures)}}
    )
    counts = pa.table(
        {**keys, **{m: pa.array([1] * len(rows), pa.int64()) for m in rollup.MEASURES}}
    )
    with tuning.using(tuning.EngineConfig(dense_per_fact=dense_per_fact)):
        wide = rollup.wide_cells(counts, facts, h)

    members: dict[tuple[int, ...], list[tuple]] = {}
    for row in rows:
        basis, county, pathway, treatment, month = row[:5]
        labels = periods.labels_for(periods.parse(months[month]).start)
        for region in (county, code["region"]["RS"], code["region"]["SE"]):
            for p in (pathway, 0):
                for t in (treatment, 0):
                    for label in labels:
                        cell = (basis, region, p, t, code["period"][label])
                        members.setdefault(cell, []).append(row[5:])
    assert wide["period"].size == len(members)
    for i in range(wide["period"].size):
        cell = tuple(
            int(wide[k][i]) for k in ("region_basis", "region", "pathway", "treatment", "period")
        )
        for name, source, level in quantiles.QUANTILES:
            got = wide[name][i]
            present = [m[measures.index(source)] for m in members[cell]]
            present = [v for v in present if v is not None]
            if present:
                assert got == stats.quantile(present, level), (cell, name)
            else:
                assert math.isnan(got), (cell, name)
