"""Vectorised suppression on whole tables of cells, for the tests only.

The engine suppresses blocks that are already coded (:class:`lofte.cube.suppression.KeyCodes`
from its codebooks); these helpers code a table of string keys and run the same classes on
it, so that the tests can hold them to the plain rules of :mod:`lofte.core.disclosure`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lofte.cube.suppression import (
    KEY_COLUMNS,
    BlockSuppression,
    KeyCodes,
    Secondary,
    _key,
    _membership_columns,
)


def primary_mask(cells: pa.Table, min_cell: Mapping[str, int], default_min: int = 5) -> np.ndarray:
    """Cells whose denominator (or count) is below the indicator's minimum cell size."""
    codes = pa.array(list(min_cell), pa.string())
    limits = pa.array(list(min_cell.values()), pa.int64())
    index = pc.index_in(cells.column("indicator"), value_set=codes)
    limit = pc.fill_null(pc.take(limits, index), default_min).to_numpy(zero_copy_only=False)
    den = cells.column("denominator").to_numpy(zero_copy_only=False)
    return np.asarray(den < limit)


def key_codes_of(
    cells: pa.Table, region_parent: Mapping[str, str], period_parent: Mapping[str, str]
) -> KeyCodes:
    """Key codes of a table of cells with string key columns."""
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
            known = [v for v in names if v is not None and v in mapping]
            extra = sorted({mapping[v] for v in known} - set(names))
            everything = {v: i for i, v in enumerate([*names, *extra])}
            parent = np.array(
                [
                    everything.get(mapping[v], -1) if v is not None and v in mapping else -1
                    for v in names
                ],
                dtype=np.int32,
            )
            has = parent >= 0
            parents[name] = (np.where(has, parent, 0)[column_codes], has[column_codes])
            sizes[name] = len(everything)
        codes[name] = column_codes
    return KeyCodes(codes, sizes, parents, all_names)


def _memberships(codes: KeyCodes, n: int) -> tuple[np.ndarray, np.ndarray, int]:
    """All (cell, group) memberships of the additive groups (see _membership_columns):
    (member_cell, member_group, number of groups)."""
    columns, n_groups = _membership_columns(codes, _key(codes))
    cells_idx = np.arange(n, dtype=np.int64)
    member_cell = np.concatenate([cells_idx[c >= 0] for c in columns])
    member_group = np.concatenate([c[c >= 0] for c in columns])
    return member_cell, member_group, n_groups


def group_memberships(
    cells: pa.Table, region_parent: Mapping[str, str], period_parent: Mapping[str, str]
) -> tuple[np.ndarray, np.ndarray, int]:
    """All (cell, group) memberships of the additive groups of ``cells`` (see _memberships)."""
    return _memberships(key_codes_of(cells, region_parent, period_parent), cells.num_rows)


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
        key_codes_of(cells, region_parent, period_parent),
        cells.column("denominator").to_numpy(zero_copy_only=False),
        suppressed,
        additive,
    )


def secondary_from_codes(
    all_codes: KeyCodes,
    denominator: np.ndarray,
    suppressed: np.ndarray,
    additive: np.ndarray,
    key: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`secondary_mask` on the cells' key codes and denominators (the new flags).

    ``key`` is ``all_codes.key_order()`` where the caller has it already (see
    :class:`BlockSuppression`)."""
    if not (suppressed & additive).any():
        return suppressed.copy()
    return BlockSuppression(all_codes, denominator, suppressed, additive, key).flags


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


def secondary_of_additive(
    codes: KeyCodes,
    denominator: np.ndarray,
    suppressed: np.ndarray,
    key: np.ndarray | None = None,
) -> np.ndarray:
    """The secondary suppression of cells that are all additive: the new suppressed flags.

    ``codes``, ``denominator`` and ``suppressed`` describe the same cells in the same order;
    ``key`` is ``codes.key_order()`` where the caller has it already (see :class:`Secondary`).
    """
    if len(codes) == 0 or not suppressed.any():
        return suppressed.copy()
    return Secondary(codes, denominator, suppressed, key).state
