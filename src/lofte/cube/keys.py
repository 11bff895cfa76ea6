"""Integer group keys, shared by the roll-up and the suppression."""

from __future__ import annotations

import numpy as np

from lofte.svf import tuning


def compact(keys: np.ndarray, space: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct ``keys`` in ascending order, each key's index among them), like
    ``np.unique(keys, return_inverse=True)``; where the key space (``space``, or the largest
    key + 1) is small (:attr:`~lofte.svf.tuning.EngineConfig.counting_max_space`: above it,
    counting would need more memory than sorting), by marking the keys present in a flag array
    and numbering the marks."""
    if keys.size == 0:
        return keys.astype(np.int64), np.zeros(0, dtype=np.int64)
    space = int(keys.max()) + 1 if space is None else space
    if space > tuning.current().counting_max_space:
        present, ids = np.unique(keys, return_inverse=True)
        return present, ids.astype(np.int64)
    seen = np.zeros(space, dtype=bool)
    seen[keys] = True
    lookup = np.cumsum(seen, dtype=np.int32 if space < 2**31 else np.int64) - 1
    return np.flatnonzero(seen), lookup[keys]


def positions_of(offsets: np.ndarray, which: np.ndarray) -> np.ndarray:
    """The positions of groups ``which`` in an array ordered by group, where group ``g`` holds
    positions ``offsets[g]`` to ``offsets[g + 1] - 1`` (a CSR layout), concatenated in order."""
    lo, hi = offsets[which], offsets[which + 1]
    lengths = hi - lo
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.repeat(lo - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
