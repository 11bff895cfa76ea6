"""The DuckDB engine must agree exactly with the reference engine on random event histories.

Hypothesis draws small, dense histories (few patients, pathways and regions, dates around a
lead-time version change and a year boundary, every suffix possible) so that duplicate starts,
orphans, ends after ends, transfers, exits and ongoing pathways all occur often. Each property
runs on the tuned and on the plain engine (``engine_config``, ``tests/engine_configs.py``).
"""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import given
from hypothesis import strategies as st

from lofte.catalog import load
from lofte.cube import engine as cube_engine
from lofte.cube import register
from lofte.svf import engine, reference
from tests.engine_configs import examples

from .engine_helpers import table

SUFFIXES = [
    5,
    10,
    10,
    10,
    22,
    25,
    25,
    35,
    35,
    40,
    40,
    44,
    50,
    52,
    54,
    58,
    59,
    60,
    70,
    72,
    73,
    74,
    76,
    78,
    90,
    91,
]
PATHWAYS = ["brost", "kolorektal", "aos", "prostata", "melanom"]
REGIONS = ["05", "06", "08", "07", "01"]
START = dt.date(2023, 11, 1)

event = st.fixed_dictionaries(
    {
        "patient": st.sampled_from(["a", "b", "c", "d"]),
        "pathway": st.sampled_from(PATHWAYS),
        "suffix": st.sampled_from(SUFFIXES),
        "event_date": st.integers(0, 150).map(lambda d: START + dt.timedelta(days=d)),
        "reporting_region": st.sampled_from(REGIONS),
        "residence_region": st.one_of(st.none(), st.sampled_from(REGIONS)),
    }
)
histories = st.lists(event, min_size=0, max_size=60)
cutoffs = st.fixed_dictionaries({r: st.just(dt.date(2024, 4, 30)) for r in REGIONS[:3]})


def numbered(events: list[dict]) -> list[dict]:
    return [
        {**e, "delivery_id": 1 + i % 2, "line": i + 2, "unit": None} for i, e in enumerate(events)
    ]


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


#: Histories crowded into a few days: several starts and ends on one day, where rule 2's order
#: within the day decides which start opens an instance and which end closes it.
crowded = st.lists(
    st.fixed_dictionaries(
        {
            "patient": st.sampled_from(["a", "b"]),
            "pathway": st.sampled_from(PATHWAYS[:2]),
            "suffix": st.sampled_from([10, 10, 10, 25, 35, 40, 50, 52, 54, 72, 73, 90]),
            "event_date": st.integers(0, 3).map(lambda d: START + dt.timedelta(days=d)),
            "reporting_region": st.sampled_from(REGIONS[:2]),
            "residence_region": st.one_of(st.none(), st.sampled_from(REGIONS[:2])),
        }
    ),
    min_size=0,
    max_size=40,
)


def test_instances_and_flags_agree(engine_config):
    @examples(engine_config, 80)
    @given(st.one_of(histories, crowded), cutoffs)
    def agree(raw, cut):
        _instances_and_flags_agree(raw, cut)

    agree()


def _instances_and_flags_agree(raw, cut):
    events = numbered(raw)
    catalog = load()
    fast_table, fast_flag_table = engine.instances_and_flags(table(events), cut)
    fast = fast_table.to_pylist()
    slow, slow_flags = reference.assemble(events, catalog, cut)
    assert len(fast) == len(slow)
    for f, s in zip(
        fast,
        sorted(slow, key=lambda r: (r["patient"], r["pathway"], r["instance_no"])),
        strict=True,
    ):
        for key, value in s.items():
            assert _same(f[key], value), (key, f, s)
    fast_flags = sorted(
        (r["delivery_id"], r["line"], r["flag"]) for r in fast_flag_table.to_pylist()
    )
    assert fast_flags == sorted((f["delivery_id"], f["line"], f["flag"]) for f in slow_flags)


register_rows = st.lists(
    st.tuples(
        st.sampled_from(REGIONS),
        st.sampled_from(["2023-12", "2024-01", "2024-02", "2024-03", "2023"]),
        st.sampled_from(["brost", "kolorektal", "prostata"]),
        st.integers(0, 12),
    ),
    max_size=25,
)


def test_cells_agree(engine_config):
    @examples(engine_config, 60)
    @given(histories, register_rows)
    def agree(raw, reg):
        _cells_agree(raw, reg)

    agree()


def _cells_agree(raw, reg):
    events = numbered(raw)
    catalog = load()
    result = cube_engine.compute(table(events), {}, reg, catalog)
    fast = {
        (
            r["indicator"],
            r["region_basis"],
            r["region"],
            r["pathway"],
            r["treatment"],
            r["period"],
        ): (r["numerator"], r["denominator"], r["value"])
        for r in result.cube.to_pylist()
    }
    instances, _ = reference.assemble(events, catalog)
    slow = reference.cells(instances, catalog, register.register_cells(reg, catalog))
    assert fast.keys() == slow.keys()
    for key, (num, den, value) in slow.items():
        f_num, f_den, f_value = fast[key]
        assert (f_num, f_den) == (num, den), key
        assert _same(f_value, value), (key, f_value, value)
