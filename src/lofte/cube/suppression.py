"""Disclosure control of the cube at national scale: SPEC §7, vectorised with numpy.

The rule itself (and its plain reference implementation) lives in :mod:`lofte.core.disclosure`;
this module applies exactly the same round semantics to millions of cells at once:

* primary: a cell whose denominator is below its indicator's ``min_cell`` is suppressed;
* secondary, for additive indicators (percent and count: their denominators add up): in every
  additive group — a parent and its children along geography (SE → healthcare regions →
  counties), treatment (``alla`` → types), pathway (``alla`` → pathways) and period (year →
  halves → quarters → months) — either no cell or at least two cells are suppressed. Each round,
  every group with exactly one suppressed cell suppresses its unsuppressed member with the
  smallest (denominator, key); rounds repeat until no such group remains.

Property tests check that this module and the reference agree exactly.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Cell key, in the order that breaks ties between equal denominators.
KEY_COLUMNS = ("indicator", "region_basis", "region", "pathway", "treatment", "period")


def primary_mask(cells: pa.Table, min_cell: Mapping[str, int], default_min: int = 5) -> np.ndarray:
    """Cells whose denominator (or count) is below the indicator's minimum cell size."""
    codes = pa.array(list(min_cell), pa.string())
    limits = pa.array(list(min_cell.values()), pa.int64())
    index = pc.index_in(cells.column("indicator"), value_set=codes)
    limit = pc.fill_null(pc.take(limits, index), default_min).to_numpy(zero_copy_only=False)
    den = cells.column("denominator").to_numpy(zero_copy_only=False)
    return np.asarray(den < limit)


def _factorize(parts: list[pa.Array | pa.ChunkedArray]) -> np.ndarray:
    """Integer group ids for rows with equal values in all ``parts`` (strings).

    Each column is dictionary-encoded on its own and the codes are combined arithmetically into
    one int64 per row (the dimensions are small: tens of regions, hundreds of periods), which
    is far cheaper than joining strings for millions of cells.
    """
    combined = np.zeros(len(parts[0]), dtype=np.int64)
    for part in parts:
        encoded = pc.dictionary_encode(_flat(part))
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        combined = combined * (len(encoded.dictionary) + 1) + codes
    return np.unique(combined, return_inverse=True)[1].astype(np.int64)


def group_memberships(
    cells: pa.Table, region_parent: Mapping[str, str], period_parent: Mapping[str, str]
) -> tuple[np.ndarray, np.ndarray, int]:
    """All (cell, group) memberships of the additive groups, with one id space for all groups.

    Geography and period are hierarchies: a cell belongs to its parent's group as a child and to
    its own group as the parent. Treatment and pathway are flat: all cells that differ only in
    that dimension (``alla`` included) form one group. Returns (member_cell, member_group,
    number of groups).
    """
    col = {name: _flat(cells.column(name)) for name in KEY_COLUMNS}
    parent_region, has_region_parent = _lookup(col["region"], region_parent)
    parent_period, has_period_parent = _lookup(col["period"], period_parent)

    n = cells.num_rows
    cells_idx = np.arange(n, dtype=np.int64)
    member_cell: list[np.ndarray] = []
    member_group: list[np.ndarray] = []
    offset = 0

    def add(ids: np.ndarray, cell_ids: np.ndarray) -> None:
        nonlocal offset
        member_cell.append(cell_ids)
        member_group.append(ids + offset)
        offset += int(ids.max(initial=-1)) + 1

    for base, parent, own, has_parent in (
        (
            ["indicator", "region_basis", "pathway", "treatment", "period"],
            parent_region,
            col["region"],
            has_region_parent,
        ),
        (
            ["indicator", "region_basis", "region", "pathway", "treatment"],
            parent_period,
            col["period"],
            has_period_parent,
        ),
    ):
        # Parent and child memberships share one id space, so that "the group of parent P" is
        # the same group whether reached from P itself or from one of its children.
        parts = [pa.concat_arrays([col[b], col[b]]) for b in base]
        parts.append(pa.concat_arrays([parent, own]))
        ids = _factorize(parts)
        keep = np.concatenate([has_parent, np.ones(n, dtype=bool)])
        add(ids[keep], np.concatenate([cells_idx, cells_idx])[keep])
    for flat_dim in ("treatment", "pathway"):
        add(_factorize([col[k] for k in KEY_COLUMNS if k != flat_dim]), cells_idx)
    return np.concatenate(member_cell), np.concatenate(member_group), offset


def _lookup(values: pa.Array, mapping: Mapping[str, str]) -> tuple[pa.Array, np.ndarray]:
    """Vectorised ``mapping.get(v, "")`` and whether ``v`` is a key, for a string column."""
    keys = pa.array(list(mapping), pa.string())
    targets = pa.array(list(mapping.values()), pa.string())
    index = pc.index_in(values, value_set=keys)
    found = pc.is_valid(index).to_numpy(zero_copy_only=False)
    mapped = pc.fill_null(pc.take(targets, index), "")
    return _flat(mapped), np.asarray(found, dtype=bool)


def _flat(a: pa.Array | pa.ChunkedArray) -> pa.Array:
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


def _sorted_codes(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Integer codes whose order is the strings' order (code point order, as Python compares)."""
    encoded = pc.dictionary_encode(_flat(column))
    order = pc.array_sort_indices(encoded.dictionary).to_numpy()
    rank_of_code = np.empty(len(order), dtype=np.int64)
    rank_of_code[order] = np.arange(len(order))
    return rank_of_code[encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)]


def secondary_mask(
    cells: pa.Table,
    suppressed: np.ndarray,
    additive: np.ndarray,
    region_parent: Mapping[str, str],
    period_parent: Mapping[str, str],
) -> np.ndarray:
    """Extend ``suppressed`` until no additive group has exactly one suppressed cell.

    Same rounds as :func:`lofte.core.disclosure.secondary`. Only the first round looks at every
    group; later rounds re-check just the groups that received a pick in the round before
    (no other group's count can have changed).
    """
    suppressed = suppressed.copy()
    idx = np.flatnonzero(additive)
    if idx.size == 0 or not suppressed[idx].any():
        return suppressed
    sub = cells.take(pa.array(idx))
    den = sub.column("denominator").to_numpy(zero_copy_only=False).astype(np.int64)
    # Rank by (denominator, key): the complementary cell is the smallest, ties by key order.
    keys = [_sorted_codes(sub.column(k)) for k in reversed(KEY_COLUMNS)]
    order = np.lexsort((*keys, den))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))

    member_cell, member_group, n_groups = group_memberships(sub, region_parent, period_parent)
    # Membership rows sorted by (group, rank): a group's rows are one contiguous block whose first
    # unsuppressed row is its complementary candidate.
    sort = np.argsort(member_group * len(idx) + rank[member_cell])
    member_cell, member_group = member_cell[sort], member_group[sort]
    block_start = np.searchsorted(member_group, np.arange(n_groups))
    block_end = np.append(block_start[1:], len(member_group))
    # The groups of each cell, for updating counts after a pick.
    by_cell = np.argsort(member_cell, kind="stable")
    cell_start = np.searchsorted(member_cell[by_cell], np.arange(len(idx)))
    cell_end = np.append(cell_start[1:], len(by_cell))

    state = suppressed[idx]
    counts = np.bincount(member_group, weights=state[member_cell], minlength=n_groups)
    to_check = np.arange(n_groups)
    while to_check.size:
        single = to_check[counts[to_check] == 1]
        if single.size == 0:
            break
        rows = _ranges(block_start[single], block_end[single])
        open_rows = rows[~state[member_cell[rows]]]
        if open_rows.size == 0:
            break
        # The first open row of each group (rows are in (group, rank) order).
        first = np.unique(member_group[open_rows], return_index=True)[1]
        picks = np.unique(member_cell[open_rows[first]])
        state[picks] = True
        touched = member_group[by_cell[_ranges(cell_start[picks], cell_end[picks])]]
        np.add.at(counts, touched, 1)
        to_check = np.unique(touched)
    suppressed[idx] = state
    return suppressed


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(s, e)`` for every pair, vectorised."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return np.arange(total, dtype=np.int64) + offsets


def unsafe_group_count(
    cells: pa.Table,
    suppressed: np.ndarray,
    additive: np.ndarray,
    region_parent: Mapping[str, str],
    period_parent: Mapping[str, str],
) -> int:
    """Number of additive groups with exactly one suppressed cell and another cell shown."""
    idx = np.flatnonzero(additive)
    if idx.size == 0:
        return 0
    sub = cells.take(pa.array(idx))
    state = suppressed[idx]
    member_cell, member_group, n_groups = group_memberships(sub, region_parent, period_parent)
    size = np.bincount(member_group, minlength=n_groups)
    hidden = np.bincount(member_group, weights=state[member_cell], minlength=n_groups)
    return int(((hidden == 1) & (size > 1)).sum())
