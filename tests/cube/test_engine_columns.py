"""The fast engine's cube equals the plain reference cube in every column (SPEC §5, §7, §8).

:mod:`lofte.svf.reference` assembles the pathways and counts each cell one at a time;
:mod:`lofte.cube.reference` finishes the cells (suppression, interval, target and verdict,
region level, period type) with the plain rules. Hypothesis draws histories large enough that
cells of 5 and more sit beside cells of 1–4, so that secondary and linked suppression happen.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, event, given, settings

from lofte.catalog import load
from lofte.cube import engine as cube_engine
from lofte.cube import reference as cube_reference
from lofte.cube.register import register_cells
from lofte.svf import reference

from ..svf.engine_helpers import table
from .test_linked_suppression import REGISTER, cohorts

KEYS = ("indicator", "region_basis", "region", "pathway", "treatment", "period")


def _equal(fast, slow) -> bool:
    if isinstance(slow, float) and isinstance(fast, float):
        return math.isclose(fast, slow, rel_tol=1e-12, abs_tol=1e-12)
    return fast == slow


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts())
def test_every_column_of_the_cube_equals_the_reference(events):
    catalog = load()
    cube = cube_engine.compute(table(events), {}, REGISTER, catalog).cube
    fast = {tuple(r[k] for k in KEYS): r for r in cube.to_pylist()}
    instances, _ = reference.assemble(events, catalog)
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
