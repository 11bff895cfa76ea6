"""Linked counts at national scale: the linking step of SPEC §7, vectorised with numpy.

The rule and its plain reference are :func:`lofte.core.disclosure.linked_cells`; this module
computes the same set for millions of counts at once. Every count published by the cube's
cells belongs to a *family* (what is counted — indicator and role — and the region basis) and
sits in a *row*: its slice (pathway, treatment, region) and position (period). Two comparable
families (other series in the same basis, or the same series in the other basis) are linked in
a slice when they are equal in every row of the slice where both are shown, and in at least
one; where linked families meet and only one is suppressed, the other is suppressed too, and so
is a shown count of 1 to ``min_cell - 1`` that equals a suppressed count of a comparable family
in the same row.

The families are laid out once as a row × family matrix (values and each count's cell); each
step reads the current suppression, compares every comparable pair over the rows where both
are present, and returns the cells to suppress. Only slices where the suppression changed since
the last step are compared again: elsewhere nothing can have changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from lofte.core import disclosure
from lofte.cube.keys import compact, positions_of


@dataclass
class Family:
    """The counts of one series in one region basis, as published by one block's cells."""

    block: int  #: the block (indicator) whose cells publish the counts
    cells: np.ndarray  #: the publishing cell of each count (position in the block)
    row: np.ndarray  #: each count's row: slice × n_positions + position (int64)
    value: np.ndarray  #: the counts (int64)
    series: tuple[int, int]  #: (indicator code, role): what is counted
    basis: int  #: region basis code
    open: np.ndarray  #: whether each count's cell is still shown (suppression only grows)
    min_cell: int = disclosure.MIN_CELL


class Links:
    """The linking step over fixed families; :meth:`step` is called with the current flags.

    What can ever matter is worked out once, from the counts and the suppression so far (which
    only grows): a pair of families can be linked in a slice only where some row has equal
    counts in two cells that are still shown (the only rows that can ever be evidence), and the
    small-count rule only touches rows of equal counts of 1 to ``min_cell - 1`` where one cell
    is shown. Each pair keeps just those rows (all rows of its possible slices, for the evidence
    against), ordered by slice, so that a step compares far fewer rows than the families hold
    and a later step only the slices whose suppression changed. The pairs are worked out on
    ``pool``'s threads where one is given.
    """

    def __init__(
        self, families: Sequence[Family], n_positions: int, pool: Executor | None = None
    ) -> None:
        self.families = list(families)
        n_fam = self.n_fam = len(self.families)
        rows, row_id = compact(np.concatenate([f.row for f in self.families]), None)
        self.n_rows = rows.size
        _, self.slice_of_row = compact(rows // n_positions, None)
        self.n_slices = int(self.slice_of_row.max()) + 1 if rows.size else 0
        #: each family's cell in every row (-1: none) and its row ids in the order of its counts
        self.cell: list[np.ndarray] = []
        self.rows_of: list[np.ndarray] = []
        value: list[np.ndarray] = []
        is_open: list[np.ndarray] = []
        start = 0
        for family in self.families:
            ids = row_id[start : start + family.row.size]
            start += family.row.size
            self.rows_of.append(ids)
            cell = np.full(self.n_rows, -1, dtype=np.int32)
            cell[ids] = family.cells
            self.cell.append(cell)
            v = np.zeros(self.n_rows, dtype=np.int64)
            v[ids] = family.value
            value.append(v)
            o = np.zeros(self.n_rows, dtype=bool)
            o[ids] = family.open
            is_open.append(o)
        keys = [(f.series, f.basis) for f in self.families]
        #: (a, b, rows, their slices, equal, small, slice offsets) of every pair that can ever
        #: link or meet the small rule, its rows ordered by slice
        self.pairs: list[
            tuple[int, int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
        ] = []
        candidates = [
            (a, b)
            for a in range(n_fam)
            for b in range(a + 1, n_fam)
            # Two roles of one block in one basis are counts of the same cells: never mixed.
            if disclosure.comparable(keys[a], keys[b])
            and not (
                self.families[a].block == self.families[b].block
                and self.families[a].basis == self.families[b].basis
            )
        ]

        def pair(ab: tuple[int, int]) -> tuple | None:
            a, b = ab
            both = np.flatnonzero((self.cell[a] >= 0) & (self.cell[b] >= 0))
            if both.size == 0:
                return None
            va, vb = value[a][both], value[b][both]
            equal = va == vb
            oa, ob = is_open[a][both], is_open[b][both]
            live = np.zeros(self.n_slices, dtype=bool)
            live[self.slice_of_row[both[equal & oa & ob]]] = True
            limit = min(self.families[a].min_cell, self.families[b].min_cell)
            small = equal & (va > 0) & (va < limit) & (oa | ob)
            keep = live[self.slice_of_row[both]] | small
            if not keep.any():
                return None
            kept = both[keep]
            sl = self.slice_of_row[kept]
            order = np.argsort(sl, kind="stable")
            sl = sl[order]
            return (
                a,
                b,
                kept[order].astype(np.int32),
                sl.astype(np.int32),
                equal[keep][order],
                small[keep][order],
                np.searchsorted(sl, np.arange(self.n_slices + 1)),
            )

        found = pool.map(pair, candidates) if pool is not None else map(pair, candidates)
        self.pairs = [p for p in found if p is not None]
        self._dirty: np.ndarray | None = None  # slices to compare next (None: all)

    def step(
        self, flags: Sequence[np.ndarray], pool: Executor | None = None
    ) -> dict[int, np.ndarray]:
        """The cells (per block) that linking suppresses given each block's ``flags``; the pairs
        are compared on ``pool``'s threads where one is given (they are independent)."""
        hidden = []
        for j, family in enumerate(self.families):
            cell = self.cell[j]
            h = np.zeros(self.n_rows, dtype=bool)
            has = cell >= 0
            h[has] = flags[family.block][cell[has]]
            hidden.append(h)
        dirty = None if self._dirty is None else np.flatnonzero(self._dirty)

        def compare(pairs: list[tuple]) -> list[tuple[int, np.ndarray]]:
            found: list[tuple[int, np.ndarray]] = []
            for a, b, rows, s, equal, small, offsets in pairs:
                if dirty is not None:
                    keep = positions_of(offsets, dirty)
                    if keep.size == 0:
                        continue
                    rows, s, equal, small = rows[keep], s[keep], equal[keep], small[keep]
                ha, hb = hidden[a][rows], hidden[b][rows]
                mixed = ha != hb
                if not mixed.any():
                    continue
                linked = linked_slices(s, ~ha & ~hb, equal, self.n_slices)
                hit = mixed & (linked[s] | small)
                if hit.any():
                    where = rows[hit]
                    found.append((a, where[~ha[hit]]))
                    found.append((b, where[~hb[hit]]))
            return found

        halves = [self.pairs[0::2], self.pairs[1::2]]
        results = list(pool.map(compare, halves)) if pool is not None else map(compare, halves)
        add: dict[int, list[np.ndarray]] = {}
        for found in results:
            for j, where in found:
                add.setdefault(j, []).append(where)
        out: dict[int, list[np.ndarray]] = {}
        for j, parts in sorted(add.items()):
            chosen = self.cell[j][np.concatenate(parts)]
            if chosen.size:
                out.setdefault(self.families[j].block, []).append(chosen)
        return {block: np.unique(np.concatenate(parts)) for block, parts in out.items()}

    def mark_changed(
        self, flags_before: Mapping[int, np.ndarray], flags: Mapping[int, np.ndarray]
    ) -> None:
        """Remember the slices where any count's suppression differs between the two states
        (of the blocks given)."""
        changed = np.zeros(self.n_slices, dtype=bool)
        for j, family in enumerate(self.families):
            if family.block not in flags:
                continue
            before, after = flags_before[family.block], flags[family.block]
            moved = before[family.cells] != after[family.cells]
            if moved.any():
                changed[self.slice_of_row[self.rows_of[j][moved]]] = True
        self._dirty = changed


def linked_slices(
    slices: np.ndarray, shown: np.ndarray, equal: np.ndarray, n_slices: int
) -> np.ndarray:
    """For each slice, whether two series meeting in rows of ``slices`` are linked there: equal
    in every row where both are ``shown``, and shown together in at least one
    (:func:`lofte.core.disclosure.linked_cells`). The suppression and the audit both ask this."""
    evidence = np.zeros(n_slices, dtype=bool)
    evidence[slices[shown & equal]] = True
    against = np.zeros(n_slices, dtype=bool)
    against[slices[shown & ~equal]] = True
    return evidence & ~against
