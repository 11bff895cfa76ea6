"""Keeping freed memory in the process while the engine runs (glibc only).

The engine's numpy steps allocate and free arrays of tens of megabytes, one after another. glibc
serves every allocation above 32 MB (and, by its default thresholds, many smaller ones) with a
fresh ``mmap`` and gives it back with ``munmap`` on free, so the next array of the same size
gets pages the kernel has to clear again, and on a virtual machine that hands freed memory back
to its host, pages the host has to provide again: measured at 2.5–3 ms per megabyte on the
benchmark machine, against 0.1 ms for memory the process touched before.

:func:`held` makes glibc serve large allocations from its heap and keep freed memory there for
the duration of the block (``mallopt``: no ``mmap``, no trimming), then restores glibc's default
thresholds and returns the free memory to the system (``malloc_trim``). (Setting thresholds
switches off glibc's sliding mmap threshold for the rest of the process; the fixed defaults
that stay are what glibc starts with.) Elsewhere (another C
library, or no ``mallopt``) it does nothing. The process's peak memory is unchanged in the
usual case; memory freed inside the block is reused inside it instead of being mapped anew.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# mallopt parameters of glibc's <malloc.h>.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_MMAP_MAX = -4
# glibc's defaults, restored afterwards.
_DEFAULT_TRIM_THRESHOLD = 128 * 1024
_DEFAULT_MMAP_THRESHOLD = 128 * 1024
_DEFAULT_MMAP_MAX = 65536
# "Never trim": the largest value mallopt takes (an int).
_NO_TRIM = 2**31 - 1

_lock = threading.Lock()
_depth = 0


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None
    # Only glibc has both with these meanings (musl has neither).
    if not hasattr(libc, "gnu_get_libc_version"):
        return None
    return libc


_LIBC = _libc()


def available() -> bool:
    """Whether :func:`held` changes anything on this system (glibc's malloc)."""
    return _LIBC is not None


@contextmanager
def held() -> Iterator[None]:
    """Inside the block, freed memory stays in the process for the next allocation; on leaving
    the outermost block, glibc's default thresholds are back and free memory is returned."""
    global _depth
    libc = _LIBC
    if libc is None:
        yield
        return
    with _lock:
        _depth += 1
        if _depth == 1:
            libc.mallopt(_M_MMAP_MAX, 0)
            libc.mallopt(_M_TRIM_THRESHOLD, _NO_TRIM)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                libc.mallopt(_M_MMAP_MAX, _DEFAULT_MMAP_MAX)
                libc.mallopt(_M_MMAP_THRESHOLD, _DEFAULT_MMAP_THRESHOLD)
                libc.mallopt(_M_TRIM_THRESHOLD, _DEFAULT_TRIM_THRESHOLD)
                libc.malloc_trim(0)
