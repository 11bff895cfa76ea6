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

from lofte.cube.keys import compact

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


class KeyCodes:
    """Integer codes of the cells' key columns, computed once per finish.

    Each column's codes follow the strings' order (code point order, as Python compares), so
    that one mixed-radix number per cell orders the cells by key. Region and period codes also
    cover the parents that the mappings name, so that a child's parent has a code even where the
    parent has no cell (only equality matters for those).
    """

    def __init__(
        self,
        codes: dict[str, np.ndarray],
        sizes: dict[str, int],
        parent: dict[str, tuple[np.ndarray, np.ndarray]],
        names: dict[str, list[str | None]],
    ) -> None:
        self.codes = codes
        self.sizes = sizes
        self.parent = parent
        #: The strings of each column in code order.
        self.names = names

    @classmethod
    def of(
        cls, cells: pa.Table, region_parent: Mapping[str, str], period_parent: Mapping[str, str]
    ) -> KeyCodes:
        codes: dict[str, np.ndarray] = {}
        sizes: dict[str, int] = {}
        parents: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        all_names: dict[str, list[str | None]] = {}
        for name in KEY_COLUMNS:
            mapping = {"region": region_parent, "period": period_parent}.get(name)
            column_codes, names = _sorted_codes(cells.column(name))
            all_names[name] = names
            sizes[name] = len(names)
            if mapping is not None:
                extra = sorted({mapping[v] for v in names if v in mapping} - set(names))
                everything = {v: i for i, v in enumerate([*names, *extra])}
                parent = np.array(
                    [everything.get(mapping[v], -1) if v in mapping else -1 for v in names],
                    dtype=np.int32,
                )
                has = parent >= 0
                parents[name] = (np.where(has, parent, 0)[column_codes], has[column_codes])
                sizes[name] = len(everything)
            codes[name] = column_codes
        return cls(codes, sizes, parents, all_names)

    @classmethod
    def from_dims(
        cls,
        codes: Mapping[str, np.ndarray],
        names: Mapping[str, list[str | None]],
        parent_of: Mapping[str, np.ndarray],
    ) -> KeyCodes:
        """Key codes that are already codes of codebooks in string order (``names``), with the
        parent code of each region and period code in ``parent_of`` (-1: no parent).

        Each column's codes are renumbered densely over the values present (and their parents),
        keeping their order, so that the group keys stay in a small integer space."""
        out_codes: dict[str, np.ndarray] = {}
        out_names: dict[str, list[str | None]] = {}
        parents: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name in KEY_COLUMNS:
            column = np.asarray(codes[name])
            size = len(names[name])
            used = np.bincount(column, minlength=size) > 0
            parent = parent_of.get(name)
            if parent is not None:
                has = parent >= 0
                used[parent[used & has]] = True
            dense = np.cumsum(used, dtype=np.int32) - 1
            out_codes[name] = dense[column]
            out_names[name] = [names[name][i] for i in np.flatnonzero(used).tolist()]
            if parent is not None:
                mapped = np.where(has, dense[np.where(has, parent, 0)], 0).astype(np.int32)
                parents[name] = (mapped[column], has[column])
        return cls(out_codes, {k: len(v) for k, v in out_names.items()}, parents, out_names)

    def column(self, name: str) -> pa.DictionaryArray:
        """Key column ``name`` as strings, dictionary-encoded: the codes (in row order) over the
        codebook (see :func:`dictionary_column`)."""
        return dictionary_column(self.codes[name], self.names[name])

    def take(self, rows: np.ndarray) -> KeyCodes:
        return KeyCodes(
            {k: v[rows] for k, v in self.codes.items()},
            self.sizes,
            {k: (p[rows], h[rows]) for k, (p, h) in self.parent.items()},
            self.names,
        )

    def __len__(self) -> int:
        return len(self.codes[KEY_COLUMNS[0]])

    def key_order(self) -> np.ndarray | None:
        """One int64 per cell ordering the cells like their key tuples, or None on overflow."""
        combined = np.zeros(len(self), dtype=np.int64)
        space = 1
        for name in KEY_COLUMNS:
            space *= self.sizes[name]
            if space >= 2**62:
                return None
            combined = combined * self.sizes[name] + self.codes[name].astype(np.int64)
        return combined

    def sort_order(self) -> np.ndarray:
        """The row order that sorts the cells by key (keys are unique)."""
        n = len(self)
        key = self.key_order()
        if key is None:
            return np.lexsort([self.codes[k] for k in reversed(KEY_COLUMNS)])
        if n and int(key.max()) < 2**62 // n:
            return np.sort(key * n + np.arange(n, dtype=np.int64)) % n
        return np.argsort(key, kind="stable")

    def group_ids(self, columns: list[str], last: str, last_codes: np.ndarray) -> np.ndarray:
        """A key over ``columns`` (each cell's own codes) followed by ``last_codes``."""
        combined = np.zeros(len(last_codes), dtype=np.int64)
        for name in [*columns, last]:
            codes = last_codes if name == last else self.codes[name]
            combined = combined * self.sizes[name] + codes.astype(np.int64)
        return combined


def dictionary_column(codes: np.ndarray, names: list[str | None]) -> pa.DictionaryArray:
    """A string column as Arrow keeps categorical data: int32 ``codes`` into ``names``; a code
    whose name is None is a null. No string is copied per row, and Parquet stores the column
    dictionary-encoded as it would the plain strings."""
    indices = np.asarray(codes, dtype=np.int32)
    missing = [i for i, n in enumerate(names) if n is None]
    mask = np.isin(indices, missing) if missing else None
    dictionary = pa.array(["" if n is None else n for n in names], pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32(), mask=mask), dictionary)


def _memberships(codes: KeyCodes, n: int) -> tuple[np.ndarray, np.ndarray, int]:
    """All (cell, group) memberships of the additive groups (see _membership_columns):
    (member_cell, member_group, number of groups)."""
    columns, n_groups = _membership_columns(codes, n)
    cells_idx = np.arange(n, dtype=np.int64)
    member_cell = np.concatenate([cells_idx[c >= 0] for c in columns])
    member_group = np.concatenate([c[c >= 0] for c in columns])
    return member_cell, member_group, n_groups


def group_memberships(
    cells: pa.Table, region_parent: Mapping[str, str], period_parent: Mapping[str, str]
) -> tuple[np.ndarray, np.ndarray, int]:
    """All (cell, group) memberships of the additive groups of ``cells`` (see _memberships)."""
    return _memberships(KeyCodes.of(cells, region_parent, period_parent), cells.num_rows)


def _flat(a: pa.Array | pa.ChunkedArray) -> pa.Array:
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


def _sorted_codes(column: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, list[str | None]]:
    """Integer codes whose order is the strings' order (code point order, as Python compares),
    and the strings in that order. A null (an imported aggregate value may lack a key part) gets
    the last code, as ``ORDER BY`` puts nulls last."""
    encoded = pc.dictionary_encode(_flat(column))
    names: list[str | None] = encoded.dictionary.to_pylist()
    order = np.argsort(np.array(names, dtype=object), kind="stable")
    rank_of_code = np.empty(len(order) + 1, dtype=np.int32)
    rank_of_code[order] = np.arange(len(order))
    rank_of_code[len(order)] = len(order)
    indices = pc.fill_null(encoded.indices, len(order)).to_numpy(zero_copy_only=False)
    codes = rank_of_code[indices]
    sorted_names = [names[i] for i in order]
    if encoded.indices.null_count:
        sorted_names.append(None)
    return codes, sorted_names


def secondary_mask(
    cells: pa.Table,
    suppressed: np.ndarray,
    additive: np.ndarray,
    region_parent: Mapping[str, str],
    period_parent: Mapping[str, str],
) -> np.ndarray:
    """Extend ``suppressed`` until no additive group has exactly one suppressed cell.

    Same rounds as :func:`lofte.core.disclosure.secondary` (see :func:`secondary_from_codes`).
    """
    if not np.any(suppressed & additive):
        return suppressed.copy()
    return secondary_from_codes(
        KeyCodes.of(cells, region_parent, period_parent),
        cells.column("denominator").to_numpy(zero_copy_only=False),
        suppressed,
        additive,
    )


def secondary_from_codes(
    all_codes: KeyCodes, denominator: np.ndarray, suppressed: np.ndarray, additive: np.ndarray
) -> np.ndarray:
    """:func:`secondary_mask` on the cells' key codes and denominators.

    Only the first round looks at every group; later rounds re-check just the groups that
    received a pick in the round before (no other group's count can have changed). Large arrays
    are ordered with ``np.sort`` on packed integers (far faster than ``argsort``).
    """
    suppressed = suppressed.copy()
    idx = np.flatnonzero(additive)
    if idx.size == 0 or not suppressed[idx].any():
        return suppressed
    suppressed[idx] = secondary_of_additive(
        all_codes.take(idx), np.asarray(denominator)[idx], suppressed[idx]
    )
    return suppressed


def secondary_of_additive(
    codes: KeyCodes, denominator: np.ndarray, suppressed: np.ndarray
) -> np.ndarray:
    """The secondary suppression of cells that are all additive: the new suppressed flags.

    ``codes``, ``denominator`` and ``suppressed`` describe the same cells in the same order.
    """
    n = len(codes)
    den = np.asarray(denominator).astype(np.int64)
    if n == 0 or not suppressed.any():
        return suppressed.copy()
    # Rank by (denominator, key): the complementary cell is the smallest, ties by key order.
    key = codes.key_order()
    low = int(den.min())
    if (
        key is not None
        and bool(np.all(np.diff(key) > 0))
        and (int(den.max()) - low + 1) < 2**62 // n
    ):
        # Cells already in key order (as the engine gives them): pack (denominator, position).
        packed = np.sort((den - low) * n + np.arange(n, dtype=np.int64))
        order = packed % n
    elif key is not None:
        order = np.lexsort((key, den))
    else:
        order = np.lexsort((*(codes.codes[k] for k in reversed(KEY_COLUMNS)), den))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)

    # Each cell's groups: one column per kind of membership, -1 where the cell has none.
    columns, n_groups = _membership_columns(codes, n)
    state = suppressed.copy()
    counts = np.zeros(n_groups, dtype=np.int64)
    for column in columns:
        hidden = column[state]
        counts += np.bincount(hidden[hidden >= 0], minlength=n_groups)
    to_check = np.arange(n_groups)
    while to_check.size:
        single = to_check[counts[to_check] == 1]
        if single.size == 0:
            break
        is_single = np.zeros(n_groups + 1, dtype=bool)  # the extra last slot stands for -1
        is_single[single] = True
        # The complementary cell of each such group: its open member of the smallest rank.
        open_cells = np.flatnonzero(~state)
        best = np.full(n_groups, n, dtype=np.int64)
        for column in columns:
            groups = column[open_cells]
            wanted = is_single[groups]
            np.minimum.at(best, groups[wanted], rank[open_cells[wanted]])
        chosen = best[single]
        chosen = chosen[chosen < n]
        if chosen.size == 0:
            break
        picks = _distinct(order[chosen], n)
        state[picks] = True
        touched = np.concatenate([column[picks] for column in columns])
        touched = touched[touched >= 0]
        to_check = _distinct(touched, n_groups)
        if touched.size > n_groups // 16:
            counts += np.bincount(touched, minlength=n_groups)
        else:
            np.add.at(counts, touched, 1)
    return state


def _ids(group_keys: np.ndarray) -> tuple[int, np.ndarray]:
    """(number of distinct groups, each key's group id 0..k-1)."""
    present, ids = compact(group_keys)
    return int(present.size), ids


def _membership_columns(codes: KeyCodes, n: int) -> tuple[list[np.ndarray], int]:
    """Each cell's additive groups as columns of group ids (-1: none), one id space for all.

    Geography and period are hierarchies: a cell belongs to its parent's group as a child and to
    its own group as the parent. Treatment and pathway are flat: all cells that differ only in
    that dimension (``alla`` included) form one group.
    """
    columns: list[np.ndarray] = []
    offset = 0
    for dim in ("region", "period"):
        others = [k for k in KEY_COLUMNS if k != dim]
        parent, has_parent = codes.parent[dim]
        # Parent and child memberships share one id space, so that "the group of parent P" is
        # the same group whether reached from P itself or from one of its children.
        keys = np.concatenate(
            [
                codes.group_ids(others, dim, parent)[has_parent],
                codes.group_ids(others, dim, codes.codes[dim]),
            ]
        )
        k, ids = _ids(keys)
        as_child = np.full(n, -1, dtype=np.int64)
        as_child[has_parent] = ids[: int(has_parent.sum())] + offset
        columns += [as_child, ids[int(has_parent.sum()) :] + offset]
        offset += k
    for flat_dim in ("treatment", "pathway"):
        others = [c for c in KEY_COLUMNS if c != flat_dim]
        k, ids = _ids(codes.group_ids(others[:-1], others[-1], codes.codes[others[-1]]))
        columns.append(ids + offset)
        offset += k
    return columns, offset


def _distinct(values: np.ndarray, bound: int) -> np.ndarray:
    """``np.unique(values)`` for integers in ``0..bound-1``, by a mask when values are many."""
    if values.size > bound // 16:
        mask = np.zeros(bound, dtype=bool)
        mask[values] = True
        return np.flatnonzero(mask)
    return np.unique(values)


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
