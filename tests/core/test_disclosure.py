"""Disclosure control (SPEC §7): primary and secondary suppression."""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lofte.core import disclosure
from lofte.core.disclosure import primary, secondary, suppress, unsafe_groups

Key = tuple[str, ...]


def secondary_by_full_rounds(
    denominators: dict[Key, int], suppressed: set[Key], groups: list[list[Key]]
) -> set[Key]:
    """The round semantics read literally: every round looks at every group."""
    hidden = set(suppressed)
    while True:
        picks = set()
        for group in groups:
            present = {key for key in group if key in denominators}
            if len(present & hidden) == 1 and present - hidden:
                picks.add(sorted((denominators[k], k) for k in present - hidden)[0][1])
        if not picks:
            return hidden
        hidden |= picks


# --- primary ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("denominator", "suppressed"),
    [(None, False), (0, False), (1, True), (4, True), (5, False), (120, False)],
)
def test_primary(denominator: int | None, suppressed: bool) -> None:
    assert primary(denominator) is suppressed


def test_primary_with_another_threshold() -> None:
    assert primary(9, min_cell=10)
    assert not primary(10, min_cell=10)


def test_primary_rejects_negative_counts() -> None:
    with pytest.raises(ValueError):
        primary(-1)


# --- secondary: hand-written examples -----------------------------------------------------


def test_one_small_county_takes_its_smallest_sibling() -> None:
    denominators = {
        ("SE",): 200,
        ("sydost",): 60,
        ("05",): 30,
        ("06",): 27,
        ("08",): 3,
        ("syd",): 140,
        ("10",): 20,
        ("12",): 70,
        ("13",): 50,
    }
    groups = [
        [("SE",), ("sydost",), ("syd",)],
        [("sydost",), ("05",), ("06",), ("08",)],
        [("syd",), ("10",), ("12",), ("13",)],
    ]
    result = suppress(denominators, groups)
    # Kalmar (3) is hidden; Jönköping (27) is the smallest sibling, so it is hidden too;
    # the level above then has no suppressed cell and stays as it is
    assert result == {("08",), ("06",)}
    assert unsafe_groups(denominators, result, groups) == []


def test_a_suppressed_healthcare_region_cascades_to_the_next_level() -> None:
    denominators = {
        ("SE",): 100,
        ("norra",): 4,
        ("22",): 1,
        ("25",): 3,
        ("sydost",): 40,
        ("05",): 20,
        ("06",): 12,
        ("08",): 8,
        ("syd",): 56,
        ("10",): 6,
        ("12",): 30,
        ("13",): 20,
    }
    groups = [
        [("SE",), ("norra",), ("sydost",), ("syd",)],
        [("norra",), ("22",), ("25",)],
        [("sydost",), ("05",), ("06",), ("08",)],
        [("syd",), ("10",), ("12",), ("13",)],
    ]
    initial = {key for key, n in denominators.items() if primary(n)}
    assert initial == {("norra",), ("22",), ("25",)}
    # round 1: SE's group has only norra hidden -> sydost (40 < 56) is hidden;
    # round 2: sydost's own group now has one hidden cell -> Kalmar (8) is hidden
    assert secondary(denominators, initial, groups) == initial | {("sydost",), ("08",)}


def test_two_dimensions_in_rounds() -> None:
    d = {
        ("sydost", "alla"): 80, ("sydost", "brost"): 25, ("sydost", "prostata"): 55,
        ("05", "alla"): 30, ("05", "brost"): 10, ("05", "prostata"): 20,
        ("06", "alla"): 27, ("06", "brost"): 12, ("06", "prostata"): 15,
        ("08", "alla"): 23, ("08", "brost"): 3, ("08", "prostata"): 20,
    }  # fmt: skip
    regions = ["sydost", "05", "06", "08"]
    pathways = ["alla", "brost", "prostata"]
    geography = [[(r, p) for r in regions] for p in pathways]
    by_pathway = [[(r, p) for p in pathways] for r in regions]
    groups = geography + by_pathway
    result = suppress(d, groups)
    # round 1: Kalmar's breast cell (3) hides Östergötland's breast cell (10, smallest in the
    #          breast group) and Kalmar's prostate cell (20, smallest in Kalmar's group);
    # round 2: Östergötland's group hides its prostate cell (20) and, in the same round, the
    #          prostate group hides Jönköping's prostate cell (15);
    # round 3: Jönköping's group hides its breast cell (12). Nothing is left with one.
    assert result == {
        ("08", "brost"),
        ("05", "brost"),
        ("08", "prostata"),
        ("05", "prostata"),
        ("06", "prostata"),
        ("06", "brost"),
    }
    assert unsafe_groups(d, result, groups) == []


def test_ties_are_broken_by_the_key() -> None:
    d = {("a",): 10, ("b",): 2, ("c",): 7, ("d",): 7}
    assert secondary(d, {("b",)}, [[("a",), ("d",), ("b",), ("c",)]]) == {("b",), ("c",)}


def test_members_without_a_cell_do_not_count() -> None:
    d = {("parent",): 20, ("x",): 3, ("y",): 17}
    groups = [[("parent",), ("x",), ("y",), ("absent",)]]
    # "absent" is not a cell: it cannot be picked, and being listed as suppressed changes nothing
    assert secondary(d, {("x",), ("absent",)}, groups) == {("x",), ("absent",), ("y",)}


def test_a_group_without_a_candidate_stays_unsafe() -> None:
    d = {("only",): 3}
    groups = [[("only",), ("gone",)]]
    assert secondary(d, {("only",)}, groups) == {("only",)}
    assert unsafe_groups(d, {("only",)}, groups) == [[("only",), ("gone",)]]


def test_unsafe_groups() -> None:
    d = {("p",): 10, ("a",): 3, ("b",): 7}
    groups = [[("p",), ("a",), ("b",)], [("a",), ("b",)]]
    assert unsafe_groups(d, {("a",)}, groups) == groups
    assert unsafe_groups(d, {("a",), ("b",)}, groups) == []
    assert unsafe_groups(d, set(), groups) == []


# --- secondary: properties ----------------------------------------------------------------

KEYS: list[Key] = [(region, pathway) for region in ("SE", "05", "06") for pathway in "abcd"]


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[Key, int], set[Key], list[list[Key]]]:
    present = draw(st.lists(st.sampled_from(KEYS), min_size=1, unique=True))
    denominators = {key: draw(st.integers(1, 12)) for key in present}
    suppressed = set(draw(st.lists(st.sampled_from(KEYS))))
    groups = draw(st.lists(st.lists(st.sampled_from(KEYS), min_size=1, max_size=5), max_size=8))
    return denominators, suppressed, groups


@st.composite
def grids(draw: st.DrawFn) -> tuple[dict[Key, int], set[Key], list[list[Key]]]:
    """Cube-like cases: a region × pathway grid grouped along both dimensions, as in the cube."""
    regions = [f"r{i}" for i in range(draw(st.integers(2, 5)))]
    pathways = [f"p{i}" for i in range(draw(st.integers(2, 5)))]
    cells: list[Key] = [(r, p) for r in regions for p in pathways]
    denominators = {key: n for key in cells if (n := draw(st.integers(0, 15))) > 0}
    suppressed = {key for key, n in denominators.items() if n < 5}
    groups: list[list[Key]] = [[(r, p) for r in regions] for p in pathways]
    groups += [[(r, p) for p in pathways] for r in regions]
    return denominators, suppressed, groups


def distinct_present(group: Sequence[Key], denominators: dict[Key, int]) -> int:
    return len({key for key in group if key in denominators})


@settings(max_examples=250, deadline=None)
@given(st.one_of(cases(), grids()))
def test_secondary_properties(case: tuple[dict[Key, int], set[Key], list[list[Key]]]) -> None:
    denominators, suppressed, groups = case
    result = secondary(denominators, suppressed, groups)
    # only adds, and only cells that exist
    assert result >= suppressed
    assert result - suppressed <= set(denominators)
    # the rounds read literally give the same cells
    assert result == secondary_by_full_rounds(denominators, suppressed, groups)
    # no group with two or more cells is left with exactly one suppressed
    wide = [g for g in groups if distinct_present(g, denominators) >= 2]
    assert unsafe_groups(denominators, result, wide) == []
    # idempotent
    assert secondary(denominators, result, groups) == result
    # nothing added when nothing was unsafe
    if not unsafe_groups(denominators, suppressed, groups):
        assert result == suppressed


@settings(max_examples=100, deadline=None)
@given(cases(), st.randoms(use_true_random=False))
def test_independent_of_the_order_of_groups_and_members(
    case: tuple[dict[Key, int], set[Key], list[list[Key]]], rng: random.Random
) -> None:
    denominators, suppressed, groups = case
    shuffled = [list(g) for g in groups]
    for group in shuffled:
        rng.shuffle(group)
    rng.shuffle(shuffled)
    assert secondary(denominators, suppressed, shuffled) == secondary(
        denominators, suppressed, groups
    )


@settings(max_examples=100, deadline=None)
@given(cases())
def test_suppress_is_primary_then_secondary(
    case: tuple[dict[Key, int], set[Key], list[list[Key]]],
) -> None:
    denominators, _, groups = case
    initial = {key for key, n in denominators.items() if primary(n)}
    assert suppress(denominators, groups) == secondary(denominators, initial, groups)


# --- linked counts (SPEC §7: the same population under several indicators or bases) ---------


def _counts(series: str, basis: str, values: dict[str, tuple[int, bool]]):
    """Counts of one series in one slice, by period: (value, hidden)."""
    return [
        disclosure.Count((series, basis, p), (series, "den"), basis, ("brost", "alla", "05"), p, v)
        for p, (v, _hidden) in values.items()
    ]


def test_linked_series_share_their_suppression():
    mdk = _counts("mdk", "bostad", {"2024-01": (4, True), "2024-02": (11, False)})
    incl = _counts("inkl", "bostad", {"2024-01": (4, False), "2024-02": (11, False)})
    hidden = {("mdk", "bostad", "2024-01")}
    assert disclosure.linked_cells([*mdk, *incl], hidden) == {("inkl", "bostad", "2024-01")}


def test_series_that_differ_where_both_are_shown_are_not_linked():
    a = _counts("a", "bostad", {"2024-01": (7, True), "2024-02": (11, False)})
    b = _counts("b", "bostad", {"2024-01": (9, False), "2024-02": (12, False)})
    assert disclosure.linked_cells([*a, *b], {("a", "bostad", "2024-01")}) == set()


def test_a_small_shown_count_equal_to_a_hidden_one_is_hidden_without_evidence():
    a = _counts("a", "bostad", {"2024-01": (3, True)})
    b = _counts("b", "bostad", {"2024-01": (3, False)})
    assert disclosure.linked_cells([*a, *b], {("a", "bostad", "2024-01")}) == {
        ("b", "bostad", "2024-01")
    }
    # ... but not a large one: without evidence an intruder cannot tell them apart.
    c = _counts("c", "bostad", {"2024-01": (8, True)})
    d = _counts("d", "bostad", {"2024-01": (8, False)})
    assert disclosure.linked_cells([*c, *d], {("c", "bostad", "2024-01")}) == set()


def test_the_same_series_links_across_bases_other_series_only_within_one():
    same = _counts("a", "avslutande", {"2024-01": (6, True), "2024-02": (9, False)})
    other_basis = _counts("a", "bostad", {"2024-01": (6, False), "2024-02": (9, False)})
    assert disclosure.linked_cells([*same, *other_basis], {("a", "avslutande", "2024-01")}) == {
        ("a", "bostad", "2024-01")
    }
    crossed = _counts("b", "bostad", {"2024-01": (6, False), "2024-02": (9, False)})
    assert disclosure.linked_cells([*same, *crossed], {("a", "avslutande", "2024-01")}) == set()


def test_joint_suppression_alternates_until_stable():
    # A primary cell of 3 in the MDK series; its complement (the county of 6) is linked to an
    # inclusion count, which must follow, and then the inclusion group needs its own complement.
    dens = {
        ("mdk", "05"): 3,
        ("mdk", "06"): 6,
        ("mdk", "08"): 20,
        ("mdk", "sydost"): 29,
        ("inkl", "05"): 3,
        ("inkl", "06"): 6,
        ("inkl", "08"): 21,
        ("inkl", "sydost"): 30,
    }
    groups = [[(s, r) for r in ("05", "06", "08", "sydost")] for s in ("mdk", "inkl")]
    counts = [
        disclosure.Count(k, (k[0], "den"), "bostad", ("brost", "alla", k[1]), "2024", v)
        for k, v in dens.items()
    ]
    hidden = disclosure.suppress_jointly(dens, [("mdk", "05"), ("inkl", "05")], groups, counts)
    assert hidden == {("mdk", "05"), ("mdk", "06"), ("inkl", "05"), ("inkl", "06")}
    for group in groups:
        assert sum(1 for k in group if k in hidden) != 1


# --- primary, vectorised ------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(0, 40), st.integers(0, 10**9)), max_size=60),
    st.one_of(st.integers(1, 12), st.lists(st.integers(1, 12), min_size=60, max_size=60)),
)
def test_primary_array_is_primary_on_every_cell(cells: list[int | None], min_cell) -> None:
    """The engine's vectorised rule (:func:`disclosure.primary_array`) is :func:`primary` on
    every cell: small integers around every threshold, large ones, cells without a count."""
    n = len(cells)
    valid = np.array([c is not None for c in cells], dtype=bool)
    den = np.array([0 if c is None else c for c in cells], dtype=np.int64)
    per_cell = np.array(min_cell[:n] if isinstance(min_cell, list) else [min_cell] * n, np.int64)
    threshold = per_cell if isinstance(min_cell, list) else min_cell
    got = disclosure.primary_array(den, threshold, valid=valid)
    assert got.dtype == bool and got.shape == (n,)
    assert got.tolist() == [primary(c, int(m)) for c, m in zip(cells, per_cell, strict=True)]


def test_primary_array_over_all_small_integers() -> None:
    den = np.arange(0, 200, dtype=np.int64)
    for min_cell in range(1, 12):
        expected = [primary(int(d), min_cell) for d in den]
        assert disclosure.primary_array(den, min_cell).tolist() == expected
        assert disclosure.primary_array(den, min_cell, valid=den % 3 > 0).tolist() == [
            e and d % 3 > 0 for e, d in zip(expected, den.tolist(), strict=True)
        ]


def test_primary_array_rejects_negative_counts_where_they_count() -> None:
    with pytest.raises(ValueError):
        disclosure.primary_array(np.array([3, -1]))
    # A cell without a count may hold anything: it is not tested.
    assert disclosure.primary_array(np.array([3, -1]), valid=np.array([True, False])).tolist() == [
        True,
        False,
    ]
