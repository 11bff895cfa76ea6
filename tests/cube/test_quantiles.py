"""Exact type-7 quantiles from histograms and sorted keys (lofte.cube.quantiles) against the
reference definition in lofte.core.stats, on random integer groups, by both methods."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lofte.core import stats
from lofte.cube import quantiles

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


def test_wide_quantiles_rolls_up_every_level():
    facts = pa.table(
        {
            "region_basis": ["bostad"] * 5,
            "county": ["01", "01", "03", "03", "03"],
            "pathway": ["brost", "brost", "brost", "prostata", "prostata"],
            "treatment": ["kirurgi", "lakemedel", "kirurgi", "kirurgi", "kirurgi"],
            "month": ["2024-01", "2024-02", "2024-04", "2024-11", "2024-12"],
            "lead_time_days": pa.array([10, 20, 30, None, 50], pa.int32()),
            "start_to_visit": pa.array([1, 2, 3, 4, 5], pa.int32()),
            "visit_to_diagnosis": pa.array([None] * 5, pa.int32()),
            "diagnosis_to_treatment": pa.array([7, 7, 7, 7, 8], pa.int32()),
        }
    )
    table = quantiles.wide_quantiles(facts, {"01": "RS", "03": "RS"})
    rows = {
        (r["region_basis"], r["period"], r["region"], r["pathway"], r["treatment"]): r
        for r in table.to_pylist()
    }
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
