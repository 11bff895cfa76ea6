"""Cells from other sources (imported aggregate indicators, SPEC §6) go through the same finish
as the SVF cells: they keep their values, get targets, intervals and suppression, and take their
place in the cube's key order (the empty region basis sorts last, as nulls do)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from lofte.catalog import load
from lofte.cube import engine
from tests.svf.engine_helpers import ev, table

pytestmark = pytest.mark.usefixtures("lofte_home")

KEY = ("indicator", "region_basis", "region", "pathway", "treatment", "period")


def _extra() -> pa.Table:
    rows = [
        # indicator, region, period, numerator, denominator, value
        ("pal_brytpunktssamtal", "05", "2024H1", 3, 4, 75.0),  # small: suppressed
        ("pal_brytpunktssamtal", "06", "2024H1", 40, 50, 80.0),
        ("pal_brytpunktssamtal", "sydost", "2024H1", 43, 54, 43 / 54 * 100),
        ("npe_delaktighet", "05", "2024", None, None, 66.2),  # value only: never suppressed
        ("mdk_andel", "SE", "2023", 900, 1000, 90.0),
    ]
    catalog = load()
    return pa.table(
        {
            "indicator": [r[0] for r in rows],
            "region_basis": pa.array([None] * len(rows), pa.string()),
            "region": [r[1] for r in rows],
            "region_level": [catalog.region(r[1]).level for r in rows],
            "pathway": ["alla"] * len(rows),
            "treatment": ["alla"] * len(rows),
            "period": [r[2] for r in rows],
            "period_type": ["half" if "H" in r[2] else "year" for r in rows],
            "numerator": pa.array([r[3] for r in rows], pa.int64()),
            "denominator": pa.array([r[4] for r in rows], pa.int64()),
            "value": pa.array([r[5] for r in rows], pa.float64()),
        },
        schema=engine.CELL_SCHEMA,
    )


def test_extra_cells_are_finished_and_sorted_with_the_svf_cells():
    events = [
        ev("p1", "brost:10", "2024-01-10", region="05", lan="05"),
        ev("p1", "brost:50", "2024-02-01", region="05", lan="05"),
        ev("p2", "brost:10", "2024-02-01", region="06", lan="06"),
        ev("p2", "brost:50", "2024-03-20", region="06", lan="06"),
    ]
    cube = engine.compute(table(events), {}, (), load(), extra_cells=_extra()).cube
    rows = cube.to_pylist()
    # The whole cube is in key order, the empty basis (None) after every named one.
    keys = [tuple((r[k] is None, r[k] or "") for k in KEY) for r in rows]
    assert keys == sorted(keys)
    extra = {
        (r["indicator"], r["region"], r["period"]): r for r in rows if r["region_basis"] is None
    }
    assert len(extra) == 5
    small = extra[("pal_brytpunktssamtal", "05", "2024H1")]
    assert small["suppressed"] is True and small["denominator"] == 4
    shown = extra[("mdk_andel", "SE", "2023")]
    assert shown["suppressed"] is False
    assert shown["value"] == 90.0
    assert shown["ci_low"] is not None and shown["ci_low"] < 90.0 < shown["ci_high"]
    value_only = extra[("npe_delaktighet", "05", "2024")]
    assert value_only["suppressed"] is False
    assert value_only["numerator"] is None and value_only["ci_low"] is None
    assert value_only["value"] == 66.2
    assert value_only["region_level"] == "county" and value_only["period_type"] == "year"
    # Secondary suppression: in the geography group of Sydöst 2024H1 the hidden county would be
    # recoverable from the parent, so the member with the smallest denominator (06: 50 against
    # Sydöst's 54) is hidden too, and Sydöst stays shown.
    assert extra[("pal_brytpunktssamtal", "06", "2024H1")]["suppressed"] is True
    assert extra[("pal_brytpunktssamtal", "sydost", "2024H1")]["suppressed"] is False
    # The SVF cells are all there too.
    assert any(r["indicator"] == "svf_antal_avslutade" and r["region"] == "SE" for r in rows)
