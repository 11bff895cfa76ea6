"""Read-only queries on the PUBLIC cube for the results site and the JSON API.

The stored cube is read once per file version (path, mtime, size) and blanked with
:func:`lofte.cube.export.public_view` (SPEC §7: suppressed cells lose numerator, denominator,
value, interval and ``meets_target``). Nothing unsuppressed is kept after the load, so nothing
internal is reachable from here. The public table is sorted by (indicator, region basis, pathway,
treatment, period type, period, region) and indexed by its first five keys: a query takes the
zero-copy slices of the matching groups and filters regions and periods vectorised in Arrow, so
a page or an API call touches a few hundred rows of a national cube of millions.
Views call these functions; none of them writes SQL or reads the cube file themselves.
"""

from __future__ import annotations

import logging
import os
import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lofte.cube.export import public_view

# The columns a public cell has, in this order (the API documents the same list).
COLUMNS = (
    "indicator",
    "region",
    "region_level",
    "region_basis",
    "pathway",
    "treatment",
    "period",
    "period_type",
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "suppressed",
    "target",
    "target_high",
    "meets_target",
)
PERIOD_TYPES = ("year", "half", "quarter", "month")
GROUP_KEYS = ("indicator", "region_basis", "pathway", "treatment", "period_type")
SORT_KEYS = (*GROUP_KEYS, "period", "region")
MAX_LIMIT = 10_000


class CubeMissing(LookupError):
    """No cube has been computed yet."""


class CubeWithheld(CubeMissing):
    """A cube exists but its public view fails the disclosure audit: nothing of it is served."""


@dataclass(frozen=True)
class Filters:
    """A selection of public cells. ``None`` means "any"; sequences mean "one of"."""

    indicator: str | None = None
    regions: Sequence[str] | None = None
    region_level: str | None = None
    region_basis: str | None = None  # "" selects the cells without a basis (aggregates)
    pathway: str | None = None
    treatment: str | None = None
    period_type: str | None = None
    periods: Sequence[str] | None = None
    period_from: str | None = None
    period_to: str | None = None

    def group_matches(self, key: tuple[str, str, str, str, str]) -> bool:
        """Whether a group (see :data:`GROUP_KEYS`) can hold matching cells."""
        wanted = (self.indicator, self.region_basis, self.pathway, self.treatment, self.period_type)
        return all(w is None or w == k for w, k in zip(wanted, key, strict=True))

    def row_mask(self, table: pa.Table) -> pa.Array | None:
        """A boolean mask of the row filters (regions, level, periods), or None for all rows."""
        masks = []
        if self.regions is not None:
            masks.append(
                pc.is_in(table.column("region"), pa.array(list(self.regions), pa.string()))
            )
        if self.region_level is not None:
            masks.append(pc.equal(table.column("region_level"), self.region_level))
        if self.periods is not None:
            masks.append(
                pc.is_in(table.column("period"), pa.array(list(self.periods), pa.string()))
            )
        if self.period_from is not None:
            masks.append(pc.greater_equal(table.column("period"), self.period_from))
        if self.period_to is not None:
            masks.append(pc.less_equal(table.column("period"), self.period_to))
        if not masks:
            return None
        mask = masks[0]
        for more in masks[1:]:
            mask = pc.and_(mask, more)
        return pc.fill_null(mask, False)


@dataclass
class IndicatorDims:
    """What exists in the public cube for one indicator: the choices the site offers."""

    bases: list[str] = field(default_factory=list)  # "" for aggregates without a basis
    pathways: list[str] = field(default_factory=list)
    treatments: list[str] = field(default_factory=list)
    periods: dict[str, list[str]] = field(default_factory=dict)  # period type → sorted periods


@dataclass
class _Loaded:
    key: tuple[str, int, int]
    table: pa.Table
    groups: dict[tuple[str, str, str, str, str], tuple[int, int]]
    dims: dict[str, IndicatorDims]
    by_indicator: dict[str, list[tuple[str, str, str, str, str]]] = field(default_factory=dict)


_log = logging.getLogger(__name__)
_lock = threading.Lock()
_loaded: _Loaded | None = None


def _file_key(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise CubeMissing(str(path)) from None
    return (str(path), stat.st_mtime_ns, stat.st_size)


def _ranks(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """Lexicographic rank of each value (nulls as ""), and the sorted distinct values."""
    encoded = pc.fill_null(column, "").combine_chunks().dictionary_encode()
    values = encoded.dictionary.to_pylist()
    order = sorted(range(len(values)), key=values.__getitem__)
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values))
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    return rank[indices], [values[i] for i in order]


def _load(path: Path, key: tuple[str, int, int]) -> _Loaded:
    from lofte.cube import audit

    try:
        # The publication gate (SPEC §7): the verdict is computed once per cube file.
        audit.require_safe_stored(path, what="Resultaten")
    except audit.DisclosureError as err:
        _log.error("%s", err)
        raise CubeWithheld(str(err)) from None
    raw = pq.read_table(path)
    present = [c for c in COLUMNS if c in raw.column_names]
    table = public_view(raw).select(present)
    del raw
    for name in COLUMNS:  # an older cube file: the column is simply empty
        if name not in present:
            table = table.append_column(name, pa.nulls(table.num_rows, pa.string()))
    table = table.select(list(COLUMNS))
    ranked = [_ranks(table.column(k)) for k in SORT_KEYS]
    order = np.lexsort([r for r, _ in reversed(ranked)])
    table = table.take(pa.array(order))
    group_ranks = [r[order] for r, _ in ranked[: len(GROUP_KEYS)]]
    n = table.num_rows
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
        for r in group_ranks:
            change[1:] |= r[1:] != r[:-1]
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], n)
    groups: dict[tuple[str, str, str, str, str], tuple[int, int]] = {}
    for start, stop in zip(starts.tolist(), ends.tolist(), strict=True):
        k = tuple(values[r[start]] for (_, values), r in zip(ranked, group_ranks, strict=False))
        groups[k] = (start, stop - start)
    by_indicator: dict[str, list[tuple[str, str, str, str, str]]] = {}
    for k in groups:
        by_indicator.setdefault(k[0], []).append(k)
    return _Loaded(
        key=key, table=table, groups=groups, dims=_dims(table, groups), by_indicator=by_indicator
    )


def _dims(
    table: pa.Table, groups: dict[tuple[str, str, str, str, str], tuple[int, int]]
) -> dict[str, IndicatorDims]:
    sets: dict[str, tuple[set[str], set[str], set[str], dict[str, set[str]]]] = {}
    period = table.column("period")
    for (indicator, basis, pathway, treatment, ptype), (start, length) in groups.items():
        b, p, t, per = sets.setdefault(indicator, (set(), set(), set(), {}))
        b.add(basis)
        p.add(pathway)
        t.add(treatment)
        if pathway == "alla" and treatment == "alla":
            per.setdefault(ptype, set()).update(pc.unique(period.slice(start, length)).to_pylist())
    return {
        indicator: IndicatorDims(
            bases=sorted(b),
            pathways=sorted(p, key=lambda x: (x != "alla", x)),
            treatments=sorted(t, key=lambda x: (x != "alla", x)),
            periods={k: sorted(per[k]) for k in PERIOD_TYPES if k in per},
        )
        for indicator, (b, p, t, per) in sets.items()
    }


_paths: dict[tuple[str | None, str], Path] = {}


def _cube_path() -> Path:
    """:func:`lofte.cube.service.cube_path`, remembered per LOFTE_HOME (it resolves and mkdirs)."""
    marker = (os.environ.get("LOFTE_HOME"), os.getcwd())
    path = _paths.get(marker)
    if path is None:
        from lofte.cube import service  # service imports Django models; query must not need them

        path = _paths[marker] = service.cube_path()
    return path


def _current() -> _Loaded:
    """The loaded public cube, reloaded when the file changed."""
    global _loaded
    key = _file_key(_cube_path())
    loaded = _loaded
    if loaded is not None and loaded.key == key:
        return loaded
    with _lock:
        if _loaded is None or _loaded.key != key:
            _loaded = None  # let the old table go before the new one is built
            _loaded = _load(Path(key[0]), key)
        return _loaded


def clear_cache() -> None:
    """Forget the loaded cube (tests, or a forced reload)."""
    global _loaded
    with _lock:
        _loaded = None


def available() -> bool:
    """Whether a computed cube exists."""
    try:
        _current()
    except CubeMissing:
        return False
    return True


def version() -> str:
    """A short identifier of the cube file version (for ETags and caches)."""
    path, mtime, size = _current().key
    return f"{zlib.crc32(path.encode()):08x}-{mtime:x}-{size:x}"


def dims(indicator: str) -> IndicatorDims | None:
    """The choices present in the public cube for ``indicator`` (None when it has no cells).

    Periods are those of the ``alla``/``alla`` cells, per period type.
    """
    return _current().dims.get(indicator)


def indicators() -> list[str]:
    """Indicators that have at least one cell."""
    return sorted(_current().dims)


def select(filters: Filters) -> pa.Table:
    """The public cells matching ``filters`` as an Arrow table in :data:`SORT_KEYS` order."""
    loaded = _current()
    wanted = (
        filters.indicator,
        filters.region_basis,
        filters.pathway,
        filters.treatment,
        filters.period_type,
    )
    if all(w is not None for w in wanted):  # the site's queries: one group, a dict lookup
        found = loaded.groups.get(wanted)  # type: ignore[arg-type]
        spans = [found] if found else []
    else:
        candidates = (
            loaded.by_indicator.get(filters.indicator, [])
            if filters.indicator is not None
            else list(loaded.groups)
        )
        spans = [loaded.groups[k] for k in candidates if filters.group_matches(k)]
    parts = [loaded.table.slice(start, length) for start, length in spans]
    if not parts:
        return loaded.table.slice(0, 0)
    table = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
    mask = filters.row_mask(table)
    return table if mask is None else table.filter(mask)


def count(filters: Filters) -> int:
    """How many public cells match."""
    return select(filters).num_rows


def cells(filters: Filters, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Public cells matching ``filters`` in a stable order, as dicts of :data:`COLUMNS`."""
    table = select(filters)
    if limit is not None:
        table = table.slice(max(0, int(offset)), max(0, min(int(limit), MAX_LIMIT)))
    return table.to_pylist()
