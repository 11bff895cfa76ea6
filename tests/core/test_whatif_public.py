"""The public what-if grid against an intruder (issue 16, SPEC §7).

The intruder sees everything public about one cell (pathway × healthcare region × half-year,
home-region basis): the cube's n and baseline count within the lead time, and every scenario of
the public grid the site or the report shows. He adds and subtracts those numbers in every way
(coefficients −1, 0 and 1 on every number, all combinations) and knows exactly which patients
each number counts. Any combination that counts a group of 1–4 patients that the cube's own
two numbers did not already give is a leak. Written independently of
:func:`lofte.core.whatif.derivable_small`: on the patients themselves, not on atoms and spans.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lofte.core import whatif as core

MIN = 5


@st.composite
def cells(draw) -> list[core.Patient]:
    """5–30 patients whose lead times lie near their target, so that 7 and 14 days move some
    of them and not others; intervals are missing at random."""
    target = draw(st.sampled_from([18, 28, 33, 42]))
    patients = []
    for _ in range(draw(st.integers(5, 30))):
        intervals = tuple(
            draw(st.one_of(st.none(), st.integers(0, 25))) for _ in range(len(core.INTERVALS))
        )
        lead = sum(v for v in intervals if v is not None) + draw(st.integers(0, 6))
        lead = max(lead, target - 10 + draw(st.integers(0, 30)))
        patients.append(core.Patient(lead, target, intervals))  # type: ignore[arg-type]
    return patients


def indicator(people: frozenset[int], n: int) -> np.ndarray:
    vector = np.zeros(n, dtype=np.int64)
    vector[list(people)] = 1
    return vector


def intruder(numbers: list[frozenset[int]], n: int) -> set[tuple[int, ...]]:
    """Every group of 1–4 patients whose size is a sum of the public numbers with coefficients
    −1, 0, 1 (as 0/1 tuples over the patients)."""
    vectors = np.array([indicator(s, n) for s in numbers])
    coefficients = np.array(list(itertools.product((-1, 0, 1), repeat=len(numbers))))
    combined = coefficients @ vectors  # every sum and difference, one row each
    people = combined.sum(axis=1)
    groups = combined[
        ((combined == 0) | (combined == 1)).all(axis=1) & (people > 0) & (people < MIN)
    ]
    return {tuple(int(x) for x in row) for row in groups}


def public_numbers(patients: list[core.Patient], results: list[core.PublicResult]) -> list:
    everyone = frozenset(range(len(patients)))
    baseline = core.within_set(patients, None)
    shown = [core.within_set(patients, r.outcome.scenario) for r in results if r.shown]
    return [everyone, baseline, *shown]


@given(cells())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_group_of_one_to_four_follows_from_what_the_site_shows(patients):
    results = core.public_grid(patients, baseline_shown=True)
    numbers = public_numbers(patients, results)
    n = len(patients)
    cube_alone = intruder(numbers[:2], n)
    assert intruder(numbers, n) <= cube_alone
    # the plain pairwise rule holds too: each shown count differs from nobody, n, the
    # baseline and every other shown scenario by 0 or at least 5 (one that moves nobody
    # repeats the baseline's count)
    for i, a in enumerate(numbers[2:], start=2):
        if len(a) == len(numbers[1]):
            continue
        for b in [frozenset(), *numbers[:i]]:
            diff = abs(len(a) - len(b))
            assert diff == 0 or diff >= MIN, [len(s) for s in numbers]


@given(cells())
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_scenario_is_hidden_only_when_showing_it_would_leak(patients):
    """The gate is no stricter than it must be: a hidden scenario, added to those shown before
    it in the grid's order, would give the intruder a new group of 1–4, or its count would lie
    1–4 from another public count of the cell."""
    results = core.public_grid(patients, baseline_shown=True)
    n = len(patients)
    everyone, baseline = frozenset(range(n)), core.within_set(patients, None)
    admitted: list[frozenset[int]] = []
    for r in results:
        candidate = core.within_set(patients, r.outcome.scenario)
        if r.shown:
            admitted.append(candidate)
            continue
        others = [frozenset(), everyone, baseline, *admitted]
        close = [abs(len(candidate) - len(o)) for o in others if len(o) != len(candidate)]
        found = core.derivable_small([*admitted, candidate], [everyone, baseline])
        assert (found is not None and 0 < len(found) < MIN) or min(close, default=MIN) < MIN


def test_fourteen_days_is_hidden_when_it_moves_one_to_four_more_than_seven():
    """within(14) − within(7) = 3: the patients whose lead time lies 8–14 days over target."""
    patients = [core.Patient(30, 30, (10, 10, 10))] * 10  # within already
    patients += [core.Patient(35, 30, (10, 10, 15))] * 6  # 5 over: moved by 7
    patients += [core.Patient(41, 30, (14, 14, 14))] * 3  # 11 over: moved by 14 only
    patients += [core.Patient(60, 30, (20, 20, 20))] * 8  # 30 over: never moved
    results = core.public_grid(patients, baseline_shown=True)
    shown = {(r.outcome.scenario.interval, r.outcome.scenario.amount): r.shown for r in results}
    assert shown[(0, 7)] and shown[(2, 7)]
    # the second and third interval's 7 days move the same 6: shown, equal to the first
    assert all(not shown[(k, 14)] for k in range(3))
    moved = {r.outcome.scenario.amount: r.outcome.moved for r in results if r.shown}
    assert moved == {7: 6}


def test_two_intervals_whose_difference_is_small_are_not_both_shown():
    """Shortening the first interval moves 9, the third 6: their difference is 3 people (those
    whose first interval is long enough but whose third is not), so only the first is shown."""
    patients = [core.Patient(30, 30, (10, 10, 10))] * 10
    patients += [core.Patient(35, 30, (10, 10, 10))] * 6  # moved by either
    patients += [core.Patient(35, 30, (10, 10, 2))] * 3  # moved by the first only
    patients += [core.Patient(60, 30, (20, 20, 20))] * 8
    results = core.public_grid(patients, baseline_shown=True, grid=core.PUBLIC_GRID[:3])
    assert [r.shown for r in results] == [True, True, False]
    assert [r.outcome.moved for r in results] == [9, 9, 6]


def test_nothing_is_shown_without_the_baseline_or_with_fewer_than_five():
    patients = [core.Patient(35, 30, (10, 10, 15))] * 6 + [core.Patient(60, 30, (20, 20, 20))] * 6
    assert any(r.shown for r in core.public_grid(patients, baseline_shown=True))
    assert not any(r.shown for r in core.public_grid(patients, baseline_shown=False))
    assert not any(r.shown for r in core.public_grid(patients[:4], baseline_shown=True))


def test_the_intruder_search_finds_a_sum_no_difference_shows():
    """N = 19, W0 = 5, A = W0 + 5, B = W0 + 5 other: every pairwise difference is 0, 5 or
    more, yet N − A − B + W0 = 4 patients moved by neither."""
    n = 19
    everyone = frozenset(range(n))
    w0 = frozenset(range(5))
    a = w0 | frozenset(range(5, 10))
    b = w0 | frozenset(range(10, 15))
    found = core.derivable_small([a, b], [everyone, w0])
    assert found == frozenset(range(15, 19))
    assert core.derivable_small([a], [everyone, w0]) is None
