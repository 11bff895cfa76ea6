"""The codebooks of the engine's integer codes (lofte.svf.engine): codes sort like the strings,
equal strings share a code, whichever path builds the book — the general one (hashing and
sorting strings) or the one for 64-digit lowercase hex pseudonyms (four 64-bit words)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lofte.svf import engine, tuning
from lofte.svf.tuning import EngineConfig

hex_digits = st.text("0123456789abcdef", min_size=1, max_size=4)


@st.composite
def pseudonyms(draw) -> list[str]:
    """64-digit hex strings that often share their first 16 digits, or all of them."""
    prefixes = draw(st.lists(hex_digits, min_size=1, max_size=3))
    out = []
    for _ in range(draw(st.integers(1, 25))):
        head = draw(st.sampled_from(prefixes)).ljust(16, "0")
        tail = draw(hex_digits).rjust(48, draw(st.sampled_from("0f")))
        out.append(head + tail)
    return out


def _general(strings: list[str]) -> tuple[list[str], list[int]]:
    book = sorted(set(strings))
    code = {s: i for i, s in enumerate(book)}
    return book, [code[s] for s in strings]


def _chunks(strings: list[str], cuts: int) -> list[pa.DictionaryArray]:
    size = max(1, len(strings) // (cuts + 1))
    parts = [strings[i : i + size] for i in range(0, len(strings), size)]
    return [pc.dictionary_encode(pa.array(p, pa.string())) for p in parts]


@pytest.mark.parametrize("slice_size", [3, 65_536])
@settings(max_examples=150, deadline=None)
@given(strings=pseudonyms(), cuts=st.integers(0, 3))
def test_hex_book_orders_and_merges_like_the_strings(slice_size, strings, cuts):
    chunks = _chunks(strings, cuts)
    with tuning.using(EngineConfig(hex_slice=slice_size)):  # 3: every step crosses slices
        book, (maps,) = engine._sorted_book([chunks])
        hex_book = engine._hex_book(pa.array(strings, pa.string()))
    expected_book, _ = _general([s for c in chunks for s in c.dictionary.to_pylist()])
    assert book.to_pylist() == expected_book
    decoded = [
        book[int(m[i])].as_py()
        for c, m in zip(chunks, maps, strict=True)
        for i in c.indices.to_pylist()
    ]
    assert decoded == strings
    # Only two different strings with the same first 16 digits leave it to the general path.
    heads = {}
    for value in set(strings):
        heads.setdefault(value[:16], set()).add(value)
    shared = any(len(values) > 1 for values in heads.values())
    assert (hex_book is None) is shared
    if hex_book is not None:
        assert hex_book[0].to_pylist() == expected_book


@settings(max_examples=60, deadline=None)
@given(strings=st.lists(st.text(min_size=0, max_size=70), min_size=1, max_size=20))
def test_other_strings_take_the_general_path(strings):
    array = pa.array(strings, pa.string())
    hex_like = all(len(s) == 64 and set(s) <= set("0123456789abcdef") for s in strings)
    assert (engine._hex_book(array) is None) is not hex_like
    book, _ = engine._sorted_book([_chunks(strings, 1)])
    assert book.to_pylist() == sorted(set(strings))


def test_upper_case_and_sliced_arrays():
    a = "a" * 64
    assert engine._hex_book(pa.array([a, a.upper()])) is None
    sliced = pa.array(["x", "0" * 64, "f" * 64, "1" * 64])[1:]
    book, position = engine._hex_book(sliced)
    assert book.to_pylist() == ["0" * 64, "1" * 64, "f" * 64]
    assert np.array_equal(position, [0, 2, 1])
