"""Pseudonymisation: HMAC-SHA-256 of the normalised personnummer (SPEC §3)."""

from __future__ import annotations

import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lofte.core.pseudonym import pseudonymise, pseudonymise_many

KEY = b"an installation's secret key, 32b"
OTHER_KEY = b"another installation's secret!!!"

numbers = st.text(alphabet="0123456789", min_size=12, max_size=12)
keys = st.binary(min_size=1, max_size=64)


def test_known_value() -> None:
    # computed independently with the hmac module's one-shot digest
    expected = hmac.digest(KEY, b"191212121212", "sha256").hex()
    assert pseudonymise("191212121212", KEY) == expected
    assert len(expected) == 64


@settings(max_examples=100, deadline=None)
@given(numbers, keys)
def test_deterministic_and_hex(pnr: str, key: bytes) -> None:
    first = pseudonymise(pnr, key)
    assert first == pseudonymise(pnr, key)
    assert len(first) == 64
    assert int(first, 16) >= 0


@settings(max_examples=100, deadline=None)
@given(numbers, keys, keys)
def test_depends_on_the_key(pnr: str, key: bytes, other: bytes) -> None:
    # keys shorter than the block size are zero-padded by HMAC, so b"k" and b"k\0" coincide
    if key.rstrip(b"\0") == other.rstrip(b"\0"):
        return
    assert pseudonymise(pnr, key) != pseudonymise(pnr, other)


@settings(max_examples=100, deadline=None)
@given(numbers, numbers)
def test_different_numbers_differ(a: str, b: str) -> None:
    if a != b:
        assert pseudonymise(a, KEY) != pseudonymise(b, KEY)


@settings(max_examples=100, deadline=None)
@given(numbers)
def test_output_never_contains_the_input(pnr: str) -> None:
    pseudonym = pseudonymise(pnr, KEY)
    assert pnr not in pseudonym
    assert pnr[2:] not in pseudonym  # nor the 10-digit form


@settings(max_examples=50, deadline=None)
@given(st.lists(numbers, max_size=30))
def test_many_equals_one_by_one(column: list[str]) -> None:
    column = column + column[:5]  # repeated patients
    assert pseudonymise_many(column, KEY) == [pseudonymise(v, KEY) for v in column]
    assert pseudonymise_many(column, OTHER_KEY) != pseudonymise_many(column, KEY) or not column


@pytest.mark.parametrize("bad", ["8803200016", "19880320-0016", "19880320001x", ""])
def test_rejects_numbers_that_are_not_normalised(bad: str) -> None:
    with pytest.raises(ValueError) as caught:
        pseudonymise(bad, KEY)
    assert bad == "" or bad not in str(caught.value)
    with pytest.raises(ValueError):
        pseudonymise_many(["191212121212", bad], KEY)


def test_rejects_an_empty_key() -> None:
    with pytest.raises(ValueError):
        pseudonymise("191212121212", b"")
    with pytest.raises(ValueError):
        pseudonymise_many(["191212121212"], b"")


@settings(max_examples=100, deadline=None)
@given(st.lists(numbers, min_size=1, max_size=5), st.binary(min_size=1, max_size=200))
def test_many_equals_the_hmac_module_for_any_key_length(column: list[str], key: bytes) -> None:
    # pseudonymise_many writes HMAC out over hashlib states; keys longer than SHA-256's block
    # (64 bytes) are hashed first, shorter ones zero-padded
    expected = [hmac.digest(key, v.encode(), "sha256").hex() for v in column]
    assert pseudonymise_many(column, key) == expected
