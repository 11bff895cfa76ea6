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
