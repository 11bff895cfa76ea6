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
from dataclasses import dataclass

import numpy as np

from lofte.core import disclosure
from lofte.cube.keys import compact


@dataclass
class Family:
    """The counts of one series in one region basis, as published by one block's cells."""

    block: int  #: the block (indicator) whose cells publish the counts
    cells: np.ndarray  #: the publishing cell of each count (position in the block)
    row: np.ndarray  #: each count's row: slice × n_positions + position (int64)
    value: np.ndarray  #: the counts (int64)
    series: tuple[int, int]  #: (indicator code, role): what is counted
    basis: int  #: region basis code
    min_cell: int = disclosure.MIN_CELL


class Links:
    """The linking step over fixed families; :meth:`step` is called with the current flags."""

    def __init__(self, families: Sequence[Family], n_positions: int) -> None:
        self.families = list(families)
        n_fam = len(self.families)
        rows, row_id = compact(np.concatenate([f.row for f in self.families]), None)
        self.n_rows = rows.size
        _, self.slice_of_row = compact(rows // n_positions, None)
        self.n_slices = int(self.slice_of_row.max()) + 1 if rows.size else 0
        self.n_fam = n_fam
        # Column-major: each family's column is contiguous.
        self.cell = np.full((self.n_rows, n_fam), -1, dtype=np.int64, order="F")
        self.value = [np.zeros(self.n_rows, dtype=np.int64) for _ in range(n_fam)]
        #: each family's row ids, in the order of its counts
        self.rows_of: list[np.ndarray] = []
        start = 0
        for j, family in enumerate(self.families):
            ids = row_id[start : start + family.row.size]
            start += family.row.size
            self.rows_of.append(ids)
            self.cell[ids, j] = family.cells
            self.value[j][ids] = family.value
        keys = [(f.series, f.basis) for f in self.families]
        # Two roles of one block in one basis are counts of the same cells: never mixed.
        self.pairs = [
            (a, b)
            for a in range(n_fam)
            for b in range(a + 1, n_fam)
            if disclosure.comparable(keys[a], keys[b])
            and not (
                self.families[a].block == self.families[b].block
                and self.families[a].basis == self.families[b].basis
            )
        ]
        self._dirty: np.ndarray | None = None  # rows to compare next (None: all)

    def step(self, flags: Sequence[np.ndarray]) -> dict[int, np.ndarray]:
        """The cells (per block) that linking suppresses given each block's ``flags``."""
        rows = None if self._dirty is None else self._dirty
        if rows is not None and rows.size == 0:
            return {}
        # One column per family (contiguous), over the rows to compare.
        cells = [self.cell[:, j] if rows is None else self.cell[rows, j] for j in range(self.n_fam)]
        present = [c >= 0 for c in cells]
        hidden = []
        for j, family in enumerate(self.families):
            h = np.zeros(cells[j].size, dtype=bool)
            h[present[j]] = flags[family.block][cells[j][present[j]]]
            hidden.append(h)
        slice_id = self.slice_of_row if rows is None else self.slice_of_row[rows]
        add = [np.zeros(cells[j].size, dtype=bool) for j in range(self.n_fam)]
        for a, b in self.pairs:
            # Rows where both are present and not both suppressed: the only ones that matter.
            relevant = present[a] & present[b] & ~(hidden[a] & hidden[b])
            both = np.flatnonzero(relevant)
            if both.size == 0:
                continue
            ha, hb = hidden[a][both], hidden[b][both]
            mixed = ha | hb
            if not mixed.any():
                continue
            va = self.value[a][both] if rows is None else self.value[a][rows[both]]
            vb = self.value[b][both] if rows is None else self.value[b][rows[both]]
            equal = va == vb
            s = slice_id[both]
            shown = ~mixed
            against = np.zeros(self.n_slices, dtype=bool)
            against[s[shown & ~equal]] = True
            evidence = np.zeros(self.n_slices, dtype=bool)
            evidence[s[shown]] = True
            linked = evidence & ~against
            small_limit = min(self.families[a].min_cell, self.families[b].min_cell)
            small = equal & (va > 0) & (va < small_limit)
            hit = mixed & (linked[s] | small)
            if hit.any():
                where = both[hit]
                add[a][where] |= ~ha[hit]
                add[b][where] |= ~hb[hit]
        out: dict[int, list[np.ndarray]] = {}
        for j, family in enumerate(self.families):
            if add[j].any():
                out.setdefault(family.block, []).append(cells[j][add[j]])
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
        self._dirty = np.flatnonzero(changed[self.slice_of_row])
