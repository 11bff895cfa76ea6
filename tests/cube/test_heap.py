"""lofte.cube.heap: large arrays come from glibc's heap inside ``held()`` and from fresh mappings
outside it (glibc's own counters, ``mallinfo2``, tell which)."""

from __future__ import annotations

import ctypes

import numpy as np
import pytest

from lofte.cube import heap

pytestmark = pytest.mark.skipif(not heap.available(), reason="glibc's malloc only")

SIZE = 64 * 2**20  # above glibc's largest mmap threshold (32 MB): mapped apart by default


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def mapped_bytes() -> int:
    """Bytes glibc holds in separate mappings (one per large allocation)."""
    libc = heap._LIBC
    assert libc is not None
    libc.mallinfo2.restype = _MallInfo2
    return int(libc.mallinfo2().hblkhd)


def mapped_by_allocation() -> int:
    before = mapped_bytes()
    array = np.empty(SIZE, dtype=np.uint8)
    grown = mapped_bytes() - before
    del array
    return grown


def test_outside_a_large_array_is_mapped_apart():
    assert mapped_by_allocation() >= SIZE


def test_inside_it_comes_from_the_heap_and_the_defaults_come_back():
    with heap.held():
        assert mapped_by_allocation() == 0
        # freed and allocated again: still no mapping
        assert mapped_by_allocation() == 0
    assert mapped_by_allocation() >= SIZE


def test_nested_blocks_restore_only_at_the_outermost():
    with heap.held():
        with heap.held():
            assert mapped_by_allocation() == 0
        assert mapped_by_allocation() == 0
    assert mapped_by_allocation() >= SIZE


def test_restored_after_an_error():
    with pytest.raises(RuntimeError), heap.held():
        raise RuntimeError("boom")
    assert mapped_by_allocation() >= SIZE
