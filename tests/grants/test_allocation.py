"""Allocation by key: whole kronor, exact sums, monotone in the weights (SPEC §11)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lofte import catalog
from lofte.grants.allocation import (
    AllocationError,
    allocate,
    parse_key,
    parse_weights,
    population_key,
)

weights = st.one_of(
    st.integers(min_value=0, max_value=10**9),
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
    st.fractions(min_value=0, max_value=1000, max_denominator=97),
)
keys = st.lists(weights, min_size=1, max_size=25).filter(lambda ws: sum(map(Fraction, ws)) > 0)
totals = st.integers(min_value=0, max_value=10**12)


@given(keys, totals)
def test_parts_are_whole_kronor_summing_to_the_total(ws: list, total: int) -> None:
    key = {f"r{i}": w for i, w in enumerate(ws)}
    parts = allocate(total, key)
    assert list(parts) == list(key)
    assert sum(parts.values()) == total
    weight_sum = sum(map(Fraction, ws))
    for part, amount in parts.items():
        assert isinstance(amount, int)
        quota = total * Fraction(key[part]) / weight_sum
        assert quota - 1 < amount < quota + 1  # never further than a krona from the exact quota
        if key[part] == 0:
            assert amount == 0


@given(keys, totals)
def test_a_larger_weight_never_gets_less(ws: list, total: int) -> None:
    key = {f"r{i}": w for i, w in enumerate(ws)}
    parts = allocate(total, key)
    for a in key:
        for b in key:
            if Fraction(key[a]) > Fraction(key[b]):
                assert parts[a] >= parts[b]
            if Fraction(key[a]) == Fraction(key[b]):
                assert abs(parts[a] - parts[b]) <= 1


def test_the_sydost_key_of_seed_004() -> None:
    # "Fördela 5 miljoner enligt SÖSR nyckeltal (2,2+1,5+1,1)": quotas 2 291 666,67 / 1 562 500 /
    # 1 145 833,33; the krona left over goes to the largest remainder (,67).
    w = parse_weights("(2,2+1,5+1,1)")
    parts = allocate(5_000_000, dict(zip(["05", "06", "08"], w, strict=True)))
    assert parts == {"05": 2_291_667, "06": 1_562_500, "08": 1_145_833}


def test_ties_go_to_the_part_named_first() -> None:
    assert allocate(2, {"a": 1, "b": 1, "c": 1}) == {"a": 1, "b": 1, "c": 0}
    assert allocate(2, {"c": 1, "b": 1, "a": 1}) == {"c": 1, "b": 1, "a": 0}


def test_population_key_from_the_catalogue() -> None:
    cat = catalog.load()
    counties = cat.children("sydost")
    key = population_key((c, cat.region(c).population) for c in counties)
    parts = allocate(22_000_000, key)
    assert sum(parts.values()) == 22_000_000
    biggest = max(counties, key=lambda c: cat.region(c).population)
    assert parts[biggest] == max(parts.values())


@pytest.mark.parametrize(
    ("total", "key", "words"),
    [
        (-1, {"a": 1}, "negativt"),
        (10, {}, "tom"),
        (10, {"a": 0, "b": 0}, "noll"),
        (10, {"a": -1, "b": 2}, "negativ vikt"),
        (1.5, {"a": 1}, "heltal"),
    ],
)
def test_bad_keys_and_totals_are_refused_in_words(total: object, key: dict, words: str) -> None:
    with pytest.raises(AllocationError, match=words):
        allocate(total, key)  # type: ignore[arg-type]


def test_parsing_keys() -> None:
    assert parse_key("05=2,2; 06=1,5 08=1.1") == {
        "05": Decimal("2.2"),
        "06": Decimal("1.5"),
        "08": Decimal("1.1"),
    }
    with pytest.raises(AllocationError, match="två gånger"):
        parse_key("05=1;05=2")
    with pytest.raises(AllocationError, match="region=vikt"):
        parse_key("05:1")
    with pytest.raises(AllocationError, match="ogiltig nyckel"):
        parse_weights("2,2 + x")
