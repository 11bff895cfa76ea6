"""Further registrations (35 after the first 35, 25 after the first 25, ...) only add rows.

The generator writes about 7 events per pathway: beyond the measurement points, the further
registrations real deliveries carry. These tests draw the data set with and without them and
check that SPEC §4 assembles exactly the same instances, points and warnings from both, and
that the files differ only by the added rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

import numpy as np
import pytest

from lofte.catalog import load
from lofte.catalog.model import INFO_SUFFIXES
from lofte.demo import generate, story
from lofte.demo.generate import _world
from lofte.demo.simulate import EPOCH, Simulation, simulate

from .demo_reading import TODAY, Event, assemble, read_rows

CUTOFF = date(2026, 6, 30)
ADDED = {22, 25, 35, 40}


@pytest.fixture
def no_further(monkeypatch):
    monkeypatch.setattr(story, "FURTHER", dict.fromkeys(story.FURTHER, 0.0))
    monkeypatch.setattr(story, "FURTHER_22_DIAGNOSTIC", 0.0)


def _simulate(seed: int = 7, scale: float = 0.01) -> Simulation:
    return simulate(_world(load(), seed, CUTOFF, scale))


@pytest.fixture(scope="module")
def with_further() -> Simulation:
    return _simulate()


@pytest.fixture
def without_further(no_further) -> Simulation:
    return _simulate()


def _events(sim: Simulation) -> list[Event]:
    """The simulated events as the files give them, one delivery per reporting region."""
    inst, events = sim.instances, sim.events
    codes = np.array(sim.world.counties)
    prefixes = np.array([p.prefix for p in sim.world.pathways])
    return [
        Event(
            patient=str(inst.patient[i]),
            prefix=str(prefixes[inst.pathway[i]]),
            suffix=int(s),
            day=EPOCH + timedelta(days=int(d)),
            reporter=str(codes[r]),
            lan=str(codes[inst.home[i]]),
            delivery=str(codes[r]),
        )
        for i, s, d, r in zip(
            events.instance, events.suffix, events.day, events.reporter, strict=True
        )
    ]


def _story(sim: Simulation):
    """Per instance what SPEC §5 uses: start, end, end code, first 25/40, 35 and 44 flags."""
    cat = load()
    instances, warnings = assemble(_events(sim), cat)
    rows = []
    for i in instances:
        on_or_before_end = {s for s, d in i.points.items() if i.end is None or d <= i.end}
        rows.append(
            (
                i.patient,
                i.pathway,
                i.start,
                i.starter,
                i.end,
                i.end_suffix,
                i.finisher,
                i.points.get(25),
                i.points.get(40),
                35 in on_or_before_end,
                44 in on_or_before_end,
            )
        )
    return sorted(rows, key=repr), {k: dict(v) for k, v in warnings.items()}


def _delivery_warnings(sim: Simulation) -> dict[str, dict[str, int]]:
    """Warnings of each region's delivery checked on its own, as the import first sees it."""
    cat = load()
    by_region = defaultdict(list)
    for event in _events(sim):
        by_region[event.delivery].append(event)
    return {
        region: dict(assemble(events, cat)[1].get(region, {}))
        for region, events in by_region.items()
    }


def test_first_registrations_are_drawn_exactly_as_without_further_ones(
    with_further, without_further
):
    first = with_further.events.instance.shape[0] - with_further.further
    assert with_further.further > 0 and without_further.further == 0
    for name in ("instance", "suffix", "day", "reporter", "unit", "injected"):
        got = getattr(with_further.events, name)[:first]
        np.testing.assert_array_equal(got, getattr(without_further.events, name), err_msg=name)
    np.testing.assert_array_equal(with_further.duplicate_rows, without_further.duplicate_rows)
    np.testing.assert_array_equal(with_further.instances.end, without_further.instances.end)


def test_further_registrations_follow_the_first_and_stay_inside_the_pathway(with_further):
    sim = with_further
    inst, events = sim.instances, sim.events
    added = slice(events.instance.shape[0] - sim.further, None)
    k, suffix, day = events.instance[added], events.suffix[added], events.day[added]
    assert set(np.unique(suffix).tolist()) == ADDED and ADDED <= INFO_SUFFIXES
    assert (day > inst.start[k]).all()
    assert (day <= np.minimum(inst.end[k], sim.world.cutoff)).all()
    first = {25: inst.d25, 35: inst.d35, 40: inst.d40}
    for point, days in first.items():
        mask = suffix == point
        assert (days[k[mask]] >= 0).all(), f"a further {point} only where there is a first one"
        assert (day[mask] > days[k[mask]]).all()
    moved = inst.transfer[k]
    assert moved.any() and (day[moved] <= inst.d90[k[moved]]).all()
    assert (events.reporter[added][moved] == inst.starter[k[moved]]).all()
    mask = suffix == 22
    assert (day[mask] > inst.d25[k[mask]]).all() and (day[mask] < inst.d40[k[mask]]).all()
    assert (inst.d25[k[mask]] >= 0).all() and (inst.d40[k[mask]] >= 0).all()
    # Never a copy of another row of the same instance (that would be an exact duplicate row).
    keys = np.c_[events.instance, events.suffix, events.day][events.injected == ""]
    assert np.unique(keys, axis=0).shape[0] == keys.shape[0]
    # Mostly on weekdays, like the other points.
    assert (((day + 3) % 7) >= 5).mean() < 0.05


def test_spec_assembly_gives_the_same_instances_points_and_warnings(with_further, without_further):
    instances, warnings = _story(with_further)
    assert (instances, warnings) == _story(without_further)
    assert any(warnings.values())
    # A receiving region's delivery has no start of a transferred patient: further rows there
    # would be new orphans in its own quality report.
    alone = _delivery_warnings(with_further)
    assert alone == _delivery_warnings(without_further)
    assert alone["05"]["orphan"] > alone["05"].get("slut_fore_start", 0), "91s are orphans there"
    per_instance = with_further.events.instance.shape[0] / len(with_further.instances)
    assert per_instance > 6.5


def test_files_only_gain_rows_and_keep_errors_warnings_and_register(
    tmp_path, monkeypatch, no_further
):
    monkeypatch.setattr(story, "QUICK_SCALE", 0.005)
    before = generate(tmp_path / "without", quick=True, today=TODAY)
    monkeypatch.undo()  # the further registrations back, at the same small scale
    monkeypatch.setattr(story, "QUICK_SCALE", 0.005)
    after = generate(tmp_path / "with", quick=True, today=TODAY)

    assert after.instances == before.instances and after.events > before.events * 1.4
    assert after.register_path.read_bytes() == before.register_path.read_bytes(), (
        "the register (svf_inklusion's denominator) is drawn exactly as before"
    )
    for old, new in zip(before.deliveries, after.deliveries, strict=True):
        assert old.path.name == new.path.name
        assert (old.format, old.encoding, old.delimiter) == (
            new.format,
            new.encoding,
            new.delimiter,
        )
        assert old.expected_errors == new.expected_errors
        assert old.injected_warnings == new.injected_warnings
        if not old.expected_valid:
            continue
        rows_before = Counter(tuple(sorted(r.items())) for r in read_rows(old.path))
        rows_after = Counter(tuple(sorted(r.items())) for r in read_rows(new.path))
        assert not rows_before - rows_after, "every row of the file is still there"
        gained = {int(dict(r)["kva"][3:]) for r in rows_after - rows_before}
        assert gained <= ADDED
        assert new.rows == old.rows + sum((rows_after - rows_before).values())
