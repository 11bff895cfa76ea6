"""The demo's synthetic aggregate values (issue 14): non-additive counts are never summed, and
synthetic values never pose as the seeds' sourced series."""

from __future__ import annotations

from datetime import date

from lofte.catalog import load
from lofte.demo import aggregates


def test_open_studies_of_a_region_are_not_the_sum_of_its_counties():
    cat = load()
    rows = aggregates.rows(date(2025, 12, 31), seed=7, catalog=cat)
    studies = {
        (r["region"], r["period"]): int(r["value"])
        for r in rows
        if r["indicator"] == "studier_oppna"
    }
    assert studies
    checked = 0
    for (region, period), count in studies.items():
        info = cat.region(region)
        if info.level == "county":
            continue
        kids = cat.children(region) if region != "SE" else [c.code for c in cat.counties()]
        parts = [studies[(k, period)] for k in kids]
        # Distinct studies: at least the county with most, at most every county's own.
        assert max(parts) <= count <= sum(parts), (region, period)
        checked += 1
    assert checked
    # One study open in several counties is one study: some parent is strictly below the sum.
    assert any(
        studies[(hr.code, p)] < sum(studies[(k, p)] for k in cat.children(hr.code))
        for hr in cat.healthcare_regions()
        for p in {p for _, p in studies}
    )


def test_synthetic_rows_are_their_own_series():
    rows = aggregates.rows(date(2025, 12, 31), seed=7)
    assert {r["source"] for r in rows} == {aggregates.SOURCE}
    assert all(r["definition"] == "" for r in rows)
