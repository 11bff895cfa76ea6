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
    indicators = cells.column("indicator").to_pylist()
    limits = np.array([min_cell.get(i, default_min) for i in indicators], dtype=np.int64)
    den = cells.column("denominator").to_numpy(zero_copy_only=False)
    return np.asarray(den < limits)


def _factorize(parts: list[pa.Array | pa.ChunkedArray]) -> np.ndarray:
    """Integer group ids for rows with equal values in all ``parts`` (strings)."""
    joined = pc.binary_join_element_wise(*parts, "\x1f")
    encoded = pc.dictionary_encode(joined)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)


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
    regions = col["region"].to_pylist()
    periods_ = col["period"].to_pylist()
    parent_region = pa.array([region_parent.get(r, "") for r in regions], pa.string())
    parent_period = pa.array([period_parent.get(p, "") for p in periods_], pa.string())
    has_region_parent = np.array([r in region_parent for r in regions], dtype=bool)
    has_period_parent = np.array([p in period_parent for p in periods_], dtype=bool)

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
        (["indicator", "region_basis", "pathway", "treatment", "period"], parent_region,
         col["region"], has_region_parent),
        (["indicator", "region_basis", "region", "pathway", "treatment"], parent_period,
         col["period"], has_period_parent),
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


def _flat(a: pa.Array | pa.ChunkedArray) -> pa.Array:
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


def secondary_mask(
    cells: pa.Table,
    suppressed: np.ndarray,
    additive: np.ndarray,
    region_parent: Mapping[str, str],
    period_parent: Mapping[str, str],
) -> np.ndarray:
    """Extend ``suppressed`` until no additive group has exactly one suppressed cell."""
    suppressed = suppressed.copy()
    idx = np.flatnonzero(additive)
    if idx.size == 0 or not suppressed[idx].any():
        return suppressed
    sub = cells.take(pa.array(idx))
    den = sub.column("denominator").to_numpy(zero_copy_only=False).astype(np.int64)
    # Rank by (denominator, key): the complementary cell is the smallest, ties by key order.
    order = pc.sort_indices(
        sub.append_column("_den", pa.array(den)),
        sort_keys=[("_den", "ascending"), *[(k, "ascending") for k in KEY_COLUMNS]],
    ).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))

    member_cell, member_group, n_groups = group_memberships(sub, region_parent, period_parent)
    # Membership rows sorted by (group, rank) once: the first unsuppressed row of a group is then
    # its complementary candidate.
    sort = np.lexsort((rank[member_cell], member_group))
    member_cell, member_group = member_cell[sort], member_group[sort]

    state = suppressed[idx]
    while True:
        counts = np.bincount(member_group, weights=state[member_cell], minlength=n_groups)
        single = counts == 1
        candidates = single[member_group] & ~state[member_cell]
        if not candidates.any():
            break
        groups = member_group[candidates]
        first = np.unique(groups, return_index=True)[1]
        state[member_cell[candidates][first]] = True
    suppressed[idx] = state
    return suppressed


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
