"""The fast engine's cube equals the plain reference cube in every column (SPEC §5, §7, §8).

:mod:`lofte.svf.reference` assembles the pathways and counts each cell one at a time;
:mod:`lofte.cube.reference` finishes the cells (suppression, interval, target and verdict,
region level, period type) with the plain rules. Hypothesis draws histories large enough that
cells of 5 and more sit beside cells of 1–4, so that secondary and linked suppression happen.
The tuned engine and the plain one (every optimisation off, :mod:`lofte.svf.tuning`) both.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lofte.catalog import load
from lofte.cube import engine as cube_engine
from lofte.cube import reference as cube_reference
from lofte.cube.register import register_cells
from lofte.svf import reference
from tests.engine_configs import CONFIGS

from ..svf.engine_helpers import table
from .test_linked_suppression import COUNTIES, REGISTER, cohorts

KEYS = ("indicator", "region_basis", "region", "pathway", "treatment", "period")


def _equal(fast, slow) -> bool:
    if isinstance(slow, float) and isinstance(fast, float):
        return math.isclose(fast, slow, rel_tol=1e-12, abs_tol=1e-12)
    return fast == slow


@pytest.mark.parametrize("config", [c for c, _ in CONFIGS], ids=[n for _, n in CONFIGS])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=cohorts(),
    cut=st.one_of(st.none(), st.dates(dt.date(2024, 3, 1), dt.date(2024, 8, 31))),
)
def test_every_column_of_the_cube_equals_the_reference(config, events, cut):
    # With a cut-off the cube has väntande över ledtid too (counts at each month's end).
    cutoffs = {} if cut is None else dict.fromkeys(COUNTIES, cut)
    catalog = load()
    cube = cube_engine.compute(table(events), cutoffs, REGISTER, catalog, config=config).cube
    fast = {tuple(r[k] for k in KEYS): r for r in cube.to_pylist()}
    instances, _ = reference.assemble(events, catalog, cutoffs)
    slow = cube_reference.finished(
        reference.cells(instances, catalog, register_cells(REGISTER, catalog)), catalog
    )
    assert fast.keys() == slow.keys()
    columns = set(cube.column_names) - set(KEYS)
    assert columns == set(next(iter(slow.values()))), "a cube column the reference lacks"
    event("some cell suppressed" if any(r["suppressed"] for r in slow.values()) else "none")
    for key, row in slow.items():
        for column, value in row.items():
            assert _equal(fast[key][column], value), (key, column, fast[key][column], value)
