"""The cube's Wilson intervals (SPEC §5): the engine's vectorised interval is 100 × the plain
``lofte.core.stats.wilson`` to the last bit, and a share above 100 % (inclusion, where more
pathways close than the register counts new cases) has no interval."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lofte.catalog import load
from lofte.core.stats import wilson
from lofte.cube import engine
from tests.svf.engine_helpers import ev, table


@st.composite
def counts(draw) -> list[tuple[int, int]]:
    pairs = []
    for _ in range(draw(st.integers(1, 40))):
        n = draw(st.one_of(st.integers(1, 30), st.integers(1, 10**7)))
        x = draw(st.one_of(st.sampled_from([0, n]), st.integers(0, n)))
        pairs.append((x, n))
    return pairs


@settings(max_examples=200, deadline=None)
@given(counts())
def test_the_engine_interval_is_the_core_interval(pairs):
    x = np.array([p[0] for p in pairs], dtype=np.int64)
    n = np.array([p[1] for p in pairs], dtype=np.int64)
    low, high = engine.wilson_percent(x, n)
    for i, (xi, ni) in enumerate(pairs):
        core_low, core_high = wilson(xi, ni)
        assert (low[i], high[i]) == (100 * core_low, 100 * core_high)
        assert 0.0 <= low[i] <= 100 * xi / ni <= high[i] <= 100.0


@pytest.mark.usefixtures("lofte_home", "engine_config")
def test_every_share_cell_carries_the_core_interval_and_none_above_100_percent():
    events = [
        ev("p1", "brost:10", "2024-01-10", region="05", lan="05"),
        ev("p1", "brost:50", "2024-02-01", region="05", lan="05"),
        ev("p2", "brost:10", "2024-01-12", region="05", lan="05"),
        ev("p2", "brost:50", "2024-02-20", region="05", lan="05"),
        ev("p3", "brost:10", "2024-01-15", region="05", lan="05"),
        ev("p3", "brost:54", "2024-04-02", region="05", lan="05"),
    ]
    # Two breast-cancer pathways close in Jönköping in February; the register counts one new case
    # that month (inclusion 200 %) and ten in April (inclusion 10 %).
    register_rows = [("05", "2024-02", "brost", 1), ("05", "2024-04", "brost", 10)]
    cube = engine.compute(table(events), {}, register_rows, load()).cube
    catalog = load()
    shares = [
        r
        for r in cube.to_pylist()
        if catalog.indicators[r["indicator"]].unit == "percent" and r["denominator"]
    ]
    assert shares
    for r in shares:
        if r["numerator"] > r["denominator"]:
            assert r["ci_low"] is None and r["ci_high"] is None, r
        else:
            low, high = wilson(r["numerator"], r["denominator"])
            assert (r["ci_low"], r["ci_high"]) == (100 * low, 100 * high), r
    inclusion = {
        r["period"]: r
        for r in shares
        if r["indicator"] == "svf_inklusion" and r["region"] == "05" and r["pathway"] == "brost"
    }
    assert inclusion["2024-02"]["value"] == 200.0
    assert inclusion["2024-02"]["ci_low"] is None
    assert inclusion["2024-04"]["value"] == 10.0
    assert inclusion["2024-04"]["ci_low"] is not None
