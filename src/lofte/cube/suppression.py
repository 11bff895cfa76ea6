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

from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa

from lofte.cube.keys import compact
from lofte.svf import tuning

#: Cell key, in the order that breaks ties between equal denominators.
KEY_COLUMNS = ("indicator", "region_basis", "region", "pathway", "treatment", "period")


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

    def column(self, name: str, index_type: pa.DataType | None = None) -> pa.DictionaryArray:
        """Key column ``name`` as strings, dictionary-encoded: the codes (in row order) over the
        codebook (see :func:`dictionary_column`)."""
        return dictionary_column(self.codes[name], self.names[name], index_type)

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
            combined *= self.sizes[name]
            combined += self.codes[name]
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


def dictionary_column(
    codes: np.ndarray, names: Sequence[str | None], index_type: pa.DataType | None = None
) -> pa.DictionaryArray:
    """A string column as Arrow keeps categorical data: ``codes`` into ``names``; a code whose
    name is None is a null. No string is copied per row, and Parquet stores the column
    dictionary-encoded as it would the plain strings. The indices are ``index_type`` (a signed
    integer type; by default the narrowest that holds ``len(names)`` codes)."""
    index_type = index_type or index_type_for(len(names))
    indices = np.asarray(codes).astype(index_type.to_pandas_dtype(), copy=False)
    missing = [i for i, n in enumerate(names) if n is None]
    mask = np.isin(indices, missing) if missing else None
    dictionary = pa.array(["" if n is None else n for n in names], pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(indices, index_type, mask=mask), dictionary)


def index_type_for(size: int) -> pa.DataType:
    """The narrowest signed integer type for dictionary indices ``0..size-1``."""
    for kind in (pa.int8(), pa.int16()):
        if size <= np.iinfo(kind.to_pandas_dtype()).max + 1:
            return kind
    return pa.int32()


class BlockSuppression:
    """Cells' suppressed flags with the secondary suppression among the additive ones, which
    can be extended by more suppressed cells (linked counts, :class:`Secondary`).

    Where every cell is additive (an indicator's block, as the engine finishes them) the cells
    are suppressed as they are, without a copy of their codes; otherwise the additive ones are
    taken out first. A block without additive cells keeps its flags as given."""

    def __init__(
        self,
        codes: KeyCodes,
        denominator: np.ndarray,
        suppressed: np.ndarray,
        additive: np.ndarray,
        key: np.ndarray | None = None,
    ) -> None:
        self.flags = suppressed.copy()
        self.additive = additive
        self.secondary: Secondary | None = None
        self.idx = None if additive.all() else np.flatnonzero(additive)
        if not additive.any():
            return
        den = np.asarray(denominator)
        if self.idx is not None:
            codes, den, key = codes.take(self.idx), den[self.idx], None
        sub = self.flags if self.idx is None else self.flags[self.idx]
        self.secondary = Secondary(codes, den, sub, key)
        self._copy_back()

    def _copy_back(self) -> None:
        assert self.secondary is not None
        if self.idx is None:
            self.flags = self.secondary.state.copy()
        else:
            self.flags[self.idx] = self.secondary.state

    def extend(self, cells: np.ndarray) -> None:
        """Suppress ``cells`` too and complete the secondary suppression again."""
        self.flags[cells] = True
        if self.secondary is None:
            return
        if self.idx is None:
            self.secondary.extend(cells)
        else:
            self.secondary.extend(np.searchsorted(self.idx, cells[self.additive[cells]]))
        self._copy_back()

    def release(self) -> None:
        """Let the group memberships go once nothing more will be suppressed."""
        self.secondary = None


class Secondary:
    """Secondary suppression of cells that are all additive, kept so that it can be extended.

    Every open cell was open from the start, so in a group with exactly one suppressed member the
    open member of the smallest rank is the group's first initially open member, or its second
    when the first is the suppressed one. These two are found once for every group (one sort of
    the open cells' memberships); then each round only looks at the groups that can have become
    single: all in the first round, later only the groups of the cells picked in the round before
    (no other group's count can have changed). :meth:`extend` suppresses more cells (linked
    counts) and runs the rounds again from their groups only: the two smallest initially open
    members stay right, since a group with exactly one suppressed member can have lost at most
    that one of them.
    """

    def __init__(
        self,
        codes: KeyCodes,
        denominator: np.ndarray,
        suppressed: np.ndarray,
        key: np.ndarray | None = None,
    ) -> None:
        self.n = len(codes)
        key = _key(codes) if key is None else key
        order = _rank_order(key, np.asarray(denominator).astype(np.int64))
        # Each cell's groups: one column per kind of membership, -1 where the cell has none.
        self.columns, self.n_groups = _membership_columns(codes, key)
        hidden_cells = np.flatnonzero(suppressed)
        hidden = np.concatenate([column[hidden_cells] for column in self.columns])
        self.counts = np.bincount(hidden[hidden >= 0], minlength=self.n_groups)
        # The last slot stands for "no cell": it counts as suppressed, so that it is never picked.
        self._state = np.append(suppressed, True)
        self.first, self.second = _two_smallest(
            self.columns, order, np.flatnonzero(~suppressed), self.n_groups
        )
        del order
        self._rounds(np.flatnonzero(self.counts == 1))

    @property
    def state(self) -> np.ndarray:
        """The suppressed flags (a view: copy before changing)."""
        return self._state[: self.n]

    def extend(self, cells: np.ndarray) -> None:
        """Suppress ``cells`` as well, then complete the secondary suppression again."""
        cells = cells[~self._state[cells]]
        if cells.size == 0:
            return
        self._state[cells] = True
        self._rounds(self._count(cells))

    def _count(self, picks: np.ndarray) -> np.ndarray:
        """Add newly suppressed cells to their groups' counts; the groups touched."""
        touched = np.concatenate([column[picks] for column in self.columns])
        touched = touched[touched >= 0]
        if tuning.current().by_mask(touched.size, self.n_groups):
            self.counts += np.bincount(touched, minlength=self.n_groups)
        else:
            np.add.at(self.counts, touched, 1)
        to_check = _distinct(touched, self.n_groups)
        return to_check[self.counts[to_check] == 1]

    def _rounds(self, single: np.ndarray) -> None:
        n, state = self.n, self._state
        while single.size:
            candidate = self.first[single]
            chosen = np.where(state[candidate], self.second[single], candidate)
            chosen = chosen[chosen < n]
            if chosen.size == 0:
                break
            picks = _distinct(chosen, n)
            state[picks] = True
            # Only the groups that received a pick can have changed their count.
            single = self._count(picks)


def _key(codes: KeyCodes) -> np.ndarray:
    """The cells' mixed-radix keys (:meth:`KeyCodes.key_order`), which also name the groups."""
    key = codes.key_order()
    if key is None:
        raise ValueError("the cells' key space does not fit in 62 bits")
    return key


def _rank_order(key: np.ndarray, den: np.ndarray) -> np.ndarray:
    """The cells ordered by (denominator, key): the order in which they are complementary."""
    n = key.size
    bits = n.bit_length()
    low = int(den.min())
    if int(den.max()) - low < 2 ** (62 - bits) and bool(np.all(np.diff(key) > 0)):
        # Cells already in key order (as the engine gives them): pack (denominator, position)
        # into one integer, as np.sort is far faster than a lexsort or argsort.
        packed = (den - low) << bits
        packed |= np.arange(n, dtype=np.int64)
        packed.sort()
        return packed & ((1 << bits) - 1)
    return np.lexsort((key, den))


def _two_smallest(
    columns: list[np.ndarray], order: np.ndarray, cells: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each group's members among ``cells`` of the smallest and the second smallest rank (the
    cells' position in ``order``), as cell indices; ``order.size`` where there is none.

    The (group, rank) memberships are packed into one int64 each (group ids are int32 and ranks
    below 2**28) and sorted: then each group's members are adjacent, in rank order.
    """
    n = order.size
    bits = n.bit_length()
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)
    cell_rank = rank[cells]
    packed = np.empty(len(columns) * cells.size, dtype=np.int64)
    for i, column in enumerate(columns):
        part = packed[i * cells.size : (i + 1) * cells.size]
        np.left_shift(column[cells], bits, out=part, dtype=np.int64)
        part |= cell_rank
    packed.sort()
    packed = packed[np.searchsorted(packed, 0) :]  # a missing membership (-1) packs negative
    group = packed >> bits
    head = _run_starts(group)
    # The heads of the groups with a second member.
    pair = head[np.diff(head, append=packed.size) > 1]
    low_bits = (1 << bits) - 1
    first = np.full(n_groups, n, dtype=np.int32)
    at_head = packed[head]
    first[at_head >> bits] = order[at_head & low_bits]
    second = np.full(n_groups, n, dtype=np.int32)
    second[group[pair]] = order[packed[pair + 1] & low_bits]
    return first, second


def _membership_columns(codes: KeyCodes, key: np.ndarray) -> tuple[list[np.ndarray], int]:
    """Each cell's additive groups as columns of group ids (-1: none), one id space for all.

    Geography and period are hierarchies: a cell belongs to its parent's group as a child and to
    its own group as the parent. Treatment and pathway are flat: all cells that differ only in
    that dimension (``alla`` included) form one group.

    A group is named by a key in the space of the cells' own keys (``key``, see :func:`_key`):
    a parent's group by the parent's key, which a child reaches by changing its own digit of
    that dimension to the parent's; a flat group by the key with that dimension's digit set to
    zero. Group ids are int32 (at most 2**28 cells, so that ids and ranks pack into an int64).
    """
    n = key.size
    if n >= 2**28:
        raise ValueError(f"{n} cells: at most 2**28 cells are suppressed at once")
    stride: dict[str, int] = {}
    space = 1
    for name in reversed(KEY_COLUMNS):
        stride[name] = space
        space *= codes.sizes[name]
    columns: list[np.ndarray] = []
    offset = 0
    for dim in ("region", "period"):
        parent, has_parent = codes.parent[dim]
        parent_key = parent.astype(np.int64)
        parent_key -= codes.codes[dim]
        parent_key *= stride[dim]
        parent_key += key
        (to_parent, own), k = _dense_ids([parent_key[has_parent], key], space)
        to_parent += offset
        own += offset
        as_child = np.full(n, -1, dtype=np.int32)
        as_child[has_parent] = to_parent
        columns += [as_child, own]
        offset += k
    for flat_dim in ("treatment", "pathway"):
        flat_key = codes.codes[flat_dim].astype(np.int64)
        flat_key *= -stride[flat_dim]
        flat_key += key
        (ids,), k = _dense_ids([flat_key], space)
        ids += offset
        columns.append(ids)
        offset += k
    return columns, offset


def _dense_ids(keys: list[np.ndarray], space: int) -> tuple[list[np.ndarray], int]:
    """Group keys in ``0..space-1`` renumbered densely (int32, in key order) over all arrays of
    ``keys`` together (:func:`lofte.cube.keys.compact`), and the number of distinct keys."""
    present, ids = compact(np.concatenate(keys), space)
    parts = np.split(ids.astype(np.int32, copy=False), np.cumsum([k.size for k in keys[:-1]]))
    return parts, int(present.size)


def _distinct(values: np.ndarray, bound: int) -> np.ndarray:
    """``np.unique(values)`` for integers in ``0..bound-1``: by a mask when values are many,
    else by a sort."""
    if tuning.current().by_mask(values.size, bound):
        mask = np.zeros(bound, dtype=bool)
        mask[values] = True
        return np.flatnonzero(mask)
    ordered = np.sort(values)
    return ordered[_run_starts(ordered)]


def _run_starts(values: np.ndarray) -> np.ndarray:
    """The positions where a run of equal ``values`` starts."""
    start = np.empty(values.size, dtype=bool)
    start[:1] = True
    np.not_equal(values[1:], values[:-1], out=start[1:])
    return np.flatnonzero(start)
