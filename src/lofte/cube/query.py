"""Read-only queries on the PUBLIC cube for the results site and the JSON API.

Nothing of the cube is held in memory. Each process reads, in place, the public cube file that
:mod:`lofte.cube.public` writes once per version of the stored cube: the cube as the public
sees it (SPEC §7: suppressed cells lose numerator, denominator, value, interval and
``meets_target`` on disk), sorted by (indicator, region basis, pathway, treatment, period type,
period, region) in small row groups, with an index of where each (indicator, basis, pathway,
treatment, period type) group starts. A query looks the group up, reads the one to three row
groups that hold it (a few thousand rows, a few milliseconds) and filters regions and periods
vectorised in Arrow. What a process keeps is the open file, its footer and the index (a few
MB) and the groups it read last (at most :data:`CACHE_BYTES`); the operating system's page
cache holds the file once for all processes.

A new cube is picked up at the next call: every call compares the stored cube's (path, mtime,
size) with the version being served, and a process after ``fork`` opens its own handle. The
publication gate (the disclosure audit, :class:`CubeWithheld`) runs for each version a process
serves. Views call these functions; none of them reads the cube files themselves.
"""

from __future__ import annotations

import logging
import os
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lofte.cube import public
from lofte.cube.blanking import public_view
from lofte.cube.public import COLUMNS, GROUP_KEYS, PERIOD_TYPES, ROW_GROUP_ROWS, SORT_KEYS

__all__ = [
    "COLUMNS",
    "GROUP_KEYS",
    "MAX_LIMIT",
    "PERIOD_TYPES",
    "SORT_KEYS",
    "CubeMissing",
    "CubeWithheld",
    "Filters",
    "IndicatorDims",
    "available",
    "cells",
    "clear_cache",
    "count",
    "counted_cells",
    "dims",
    "indicators",
    "select",
    "version",
]

MAX_LIMIT = 10_000
#: Rows read at a time by a page of cells that spans several groups (an API query without an
#: indicator, say): what one request holds in memory, whatever the file's size. A multiple of
#: the public file's row-group size, so that chunks start on row-group boundaries.
CHUNK_ROWS = 32 * ROW_GROUP_ROWS
#: Bytes of decoded row groups a process keeps for the groups it read last (a page asks for
#: the same group more than once, and neighbouring selections share groups).
CACHE_BYTES = 32 * 1024 * 1024
#: The columns that vary inside a group; the others are the group's key (:data:`GROUP_KEYS`),
#: the same in every row, so a query for one whole group reads only these from the file.
VALUE_COLUMNS = tuple(c for c in COLUMNS if c not in GROUP_KEYS)
#: What a suppressed cell must not show (SPEC §7).
BLANKED = ("numerator", "denominator", "value", "ci_low", "ci_high", "meets_target")
#: The columns :meth:`Filters.row_mask` looks at: keys, never blanked.
ROW_KEYS = ("region", "region_level", "period")

Group = tuple[str, str, str, str, str]


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

    def row_columns(self) -> tuple[str, ...]:
        """The columns :meth:`row_mask` looks at (none: every row of a group matches)."""
        used = {
            "region": self.regions is not None,
            "region_level": self.region_level is not None,
            "period": any(f is not None for f in (self.periods, self.period_from, self.period_to)),
        }
        return tuple(name for name in ROW_KEYS if used[name])

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
class _Served:
    """One process's handle on one version of the public cube file: an open file (its footer
    parsed once) and the group index; no cells."""

    key: tuple[str, int, int]
    pid: int
    path: Path
    file: pq.ParquetFile
    row_starts: np.ndarray  # first row of each row group, and the row count at the end
    groups: dict[tuple[str, str, str, str, str], tuple[int, int]]
    dims: dict[str, IndicatorDims]
    by_indicator: dict[str, list[tuple[str, str, str, str, str]]]
    empty: pa.Table
    read_lock: threading.Lock = field(default_factory=threading.Lock)
    # Recently read groups (decoded and blanked), at most CACHE_BYTES of row groups in all,
    # keyed by (span, whether only the value columns were read).
    recent: OrderedDict[tuple[tuple[int, int], bool], tuple[pa.Table, int]] = field(
        default_factory=OrderedDict
    )
    recent_bytes: int = 0


_log = logging.getLogger(__name__)
_lock = threading.Lock()
_loaded: _Served | None = None


def _file_key(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise CubeMissing(str(path)) from None
    return (str(path), stat.st_mtime_ns, stat.st_size)


def _open(path: Path) -> _Served:
    from lofte.cube import audit

    for _attempt in range(3):
        try:
            # The publication gate (SPEC §7) runs inside: a leaking cube gets no public file.
            public_file = public.ensure(path)
            index = public.read_index(public_file)
            # The handle keeps the file open, so a later prune cannot pull it away while this
            # version is served. Reads are small: no pre-buffering, no thread pool (both
            # measured slower for one row group).
            handle = pq.ParquetFile(public_file, pre_buffer=False)
        except audit.DisclosureError as err:
            _log.error("%s", err)
            raise CubeWithheld(str(err)) from None
        except FileNotFoundError:  # the cube (or its public file) was replaced meanwhile
            _file_key(path)  # CubeMissing when it is gone
            continue
        except OSError as err:  # no directory to write the public file in: an operator fault
            _log.error("Den publika kuben kan inte skrivas: %s", err)
            raise CubeMissing(str(path)) from None
        break
    else:
        raise CubeMissing(str(path))
    meta = handle.metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    row_starts = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
    groups: dict[tuple[str, str, str, str, str], tuple[int, int]] = {}
    by_indicator: dict[str, list[tuple[str, str, str, str, str]]] = {}
    for indicator, basis, pathway, treatment, ptype, start, length in index["groups"]:
        k = (indicator, basis, pathway, treatment, ptype)
        groups[k] = (start, length)
        by_indicator.setdefault(indicator, []).append(k)
    dims = {
        indicator: IndicatorDims(
            bases=d["bases"],
            pathways=d["pathways"],
            treatments=d["treatments"],
            periods=d["periods"],
        )
        for indicator, d in index["dims"].items()
    }
    # (Schema.empty_table would import pandas into every serving process)
    empty = pa.Table.from_batches([], schema=handle.schema_arrow).select(list(COLUMNS))
    return _Served(
        key=(str(path), *index["source"]),
        pid=os.getpid(),
        path=public_file,
        file=handle,
        row_starts=row_starts,
        groups=groups,
        dims=dims,
        by_indicator=by_indicator,
        empty=empty,
    )


def _read(
    served: _Served, spans: list[tuple[int, int]], group: Group | None = None, keep: bool = True
) -> pa.Table:
    """The rows of ``spans`` (first row, length; ascending, not overlapping), read from the row
    groups that hold them, blanked once more (a public file is already blank; this makes sure).
    A single span (one group, or one indicator's adjacent groups) is kept for reuse.

    With ``group`` (the one group the single span is), only :data:`VALUE_COLUMNS` are read: the
    key columns are that group's key in every row (:func:`_with_keys` adds them back).
    ``keep=False``: not kept (the chunks of a long scan would push out what the site reuses)."""
    if not spans:
        return served.empty if group is None else served.empty.select(list(VALUE_COLUMNS))
    key = (spans[0], group is not None) if len(spans) == 1 and keep else None
    if key is not None:
        with served.read_lock:
            hit = served.recent.get(key)
            if hit is not None:
                served.recent.move_to_end(key)
                return hit[0]
    starts = served.row_starts
    wanted: list[int] = []
    for span in spans:
        for rg in _row_groups(starts, span):
            if not wanted or wanted[-1] != rg:
                wanted.append(rg)
    columns = list(COLUMNS if group is None else VALUE_COLUMNS)
    with served.read_lock:
        table = served.file.read_row_groups(wanted, columns=columns, use_threads=False)
    # Where each wanted row group begins inside ``table``.
    offset: dict[int, int] = {}
    at = 0
    for rg in wanted:
        offset[rg] = at
        at += int(starts[rg + 1] - starts[rg])
    parts = []
    for start, length in spans:
        rg = int(np.searchsorted(starts, start, side="right")) - 1
        parts.append(table.slice(offset[rg] + start - int(starts[rg]), length))
    joined = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
    out = public_view(joined) if group is None else _blank(joined, group[0])
    cost = table.nbytes  # a slice keeps its row groups' buffers alive: count them all
    if key is not None and cost <= CACHE_BYTES // 4:
        with served.read_lock:
            served.recent[key] = (out, cost)
            served.recent_bytes += cost
            while served.recent_bytes > CACHE_BYTES:
                _, (_, freed) = served.recent.popitem(last=False)
                served.recent_bytes -= freed
    return out


def _no_n() -> frozenset[str]:
    """Indicators whose n is not published (medians and quartiles, SPEC §7)."""
    from lofte.catalog import load

    return frozenset(code for code, i in load().indicators.items() if not i.publishes_n)


def _blank(table: pa.Table, indicator: str) -> pa.Table:
    """:func:`lofte.cube.blanking.public_view` of one indicator's value columns: what a suppressed
    cell must not show is blank, and the whole n column where the indicator publishes none."""
    hidden = table.column("suppressed")
    any_hidden = bool(pc.any(hidden).as_py())
    no_n = indicator in _no_n()
    for name in BLANKED:
        col = table.column(name)
        if no_n and name == "denominator":
            col = pa.nulls(len(col), col.type)
        elif any_hidden:
            col = pc.if_else(hidden, pa.nulls(len(col), col.type), col)
        else:
            continue
        table = table.set_column(table.column_names.index(name), name, col)
    return table


def _with_keys(table: pa.Table, group: Group) -> pa.Table:
    """A group's value columns with its key columns added back, in :data:`COLUMNS` order (a
    key stored as null, e.g. the basis of an aggregate, is "" in the index and null here)."""
    n = table.num_rows
    for name, value in zip(GROUP_KEYS, group, strict=True):
        column = pa.nulls(n, pa.string()) if value == "" else pa.array([value] * n, pa.string())
        table = table.append_column(name, column)
    return table.select(list(COLUMNS))


_paths: dict[tuple[str | None, str], Path] = {}


def _cube_path() -> Path:
    """:func:`lofte.cube.service.cube_path`, remembered per LOFTE_HOME (it resolves and mkdirs)."""
    marker = (os.environ.get("LOFTE_HOME"), os.getcwd())
    path = _paths.get(marker)
    if path is None:
        from lofte.cube import service  # service imports Django models; query must not need them

        path = _paths[marker] = service.cube_path()
    return path


def _current() -> _Served:
    """The public cube file being served, opened afresh when the stored cube changed (or in a
    new process after ``fork``)."""
    global _loaded
    key = _file_key(_cube_path())
    loaded = _loaded
    pid = os.getpid()
    if loaded is not None and loaded.key == key and loaded.pid == pid:
        return loaded
    with _lock:
        if _loaded is not None and _loaded.pid != pid:
            # A forked worker: the parent checked its version (the gate) and parsed the index;
            # only the file handle must be the process's own.
            try:
                _loaded = _reopened(_loaded)
            except OSError:  # that version's file is gone meanwhile
                _loaded = None
        if _loaded is not None and _loaded.key == key:
            return _loaded
        if _loaded is not None and public.busy(Path(key[0])):
            # A new cube is being published (audited, its public file written): keep serving
            # the previous version until that is done, rather than waiting or doing it twice.
            return _loaded
        _loaded = _open(Path(key[0]))
        return _loaded


def _reopened(served: _Served) -> _Served:
    return replace(
        served,
        pid=os.getpid(),
        file=pq.ParquetFile(served.path, pre_buffer=False),
        read_lock=threading.Lock(),
        recent=OrderedDict(),
        recent_bytes=0,
    )


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


def _selected(filters: Filters) -> tuple[pa.Table, Group | None]:
    """The matching rows, and the group's key when the filters name one whole group (then the
    table has only :data:`VALUE_COLUMNS`)."""
    served = _current()
    spans, group = _spans(served, filters)
    return _matching(served, spans, group, filters), group


def _matching(
    served: _Served, spans: list[tuple[int, int]], group: Group | None, filters: Filters
) -> pa.Table:
    """The rows of ``spans`` that match ``filters`` (:func:`_read`, then the row filters)."""
    table = _read(served, spans, group)
    mask = filters.row_mask(table)
    return table if mask is None else table.filter(mask)


def _spans(served: _Served, filters: Filters) -> tuple[list[tuple[int, int]], Group | None]:
    """The rows (first, length; ascending, adjacent ones joined) of the groups that can hold
    matching cells, and the group's key when the filters name one whole group."""
    wanted = (
        filters.indicator,
        filters.region_basis,
        filters.pathway,
        filters.treatment,
        filters.period_type,
    )
    group: Group | None = None
    if all(w is not None for w in wanted):  # the site's queries: one group, a dict lookup
        group = wanted  # type: ignore[assignment]
        found = served.groups.get(group)  # type: ignore[arg-type]
        spans = [found] if found else []
    else:
        candidates = (
            served.by_indicator.get(filters.indicator, [])
            if filters.indicator is not None
            else list(served.groups)
        )
        spans = sorted(served.groups[k] for k in candidates if filters.group_matches(k))
    return _merged(spans), group


def _chunks(spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """``spans`` cut at every multiple of :data:`CHUNK_ROWS`."""
    for start, length in spans:
        at, end = start, start + length
        while at < end:
            stop = min(end, (at // CHUNK_ROWS + 1) * CHUNK_ROWS)
            yield at, stop - at
            at = stop


def _page(
    served: _Served, spans: list[tuple[int, int]], filters: Filters, offset: int, limit: int
) -> tuple[int, pa.Table]:
    """How many rows of ``spans`` match ``filters``, and the matching rows ``offset`` to
    ``offset + limit``, reading a chunk at a time. Without row filters the count is the spans'
    length and only the chunks that hold the page are read."""
    columns = filters.row_columns()
    if not columns:
        total = sum(length for _, length in spans)
        wanted: list[tuple[int, int]] = []
        skip = offset
        for start, length in spans:  # the page's rows, as spans
            if skip >= length:
                skip -= length
                continue
            take = min(length - skip, limit - sum(n for _, n in wanted))
            if take <= 0:
                break
            wanted.append((start + skip, take))
            skip = 0
        parts = [_read(served, [chunk], keep=False) for chunk in _chunks(wanted)]
        return total, pa.concat_tables(parts) if parts else served.empty
    total, parts = 0, []
    for chunk in _chunks(spans):
        # Counted on the filtered key columns alone (never blanked); whole rows only where
        # the page lies.
        matches = int(pc.sum(filters.row_mask(_keys(served, chunk, columns))).as_py() or 0)
        first, total = total, total + matches
        begin, end = max(offset - first, 0), min(offset + limit - first, matches)
        if begin < end:
            table = _read(served, [chunk], keep=False)
            table = table.filter(filters.row_mask(table))
            parts.append(table.slice(begin, end - begin))
    return total, pa.concat_tables(parts) if parts else served.empty


def _keys(served: _Served, span: tuple[int, int], columns: tuple[str, ...]) -> pa.Table:
    """Key ``columns`` (of :data:`ROW_KEYS`) of the rows of ``span``, as stored."""
    groups = _row_groups(served.row_starts, span)
    with served.read_lock:
        table = served.file.read_row_groups(list(groups), columns=list(columns), use_threads=False)
    return table.slice(span[0] - int(served.row_starts[groups.start]), span[1])


def _row_groups(starts: np.ndarray, span: tuple[int, int]) -> range:
    """The row groups (first rows ``starts``) that hold the rows of ``span`` (first, length)."""
    start, length = span
    first = int(np.searchsorted(starts, start, side="right")) - 1
    last = int(np.searchsorted(starts, start + length - 1, side="right")) - 1
    return range(first, last + 1)


def select(filters: Filters) -> pa.Table:
    """The public cells matching ``filters`` as an Arrow table in :data:`SORT_KEYS` order."""
    table, group = _selected(filters)
    return table if group is None else _with_keys(table, group)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Adjacent spans joined (groups of one indicator lie side by side)."""
    out: list[tuple[int, int]] = []
    for start, length in spans:
        if out and out[-1][0] + out[-1][1] == start:
            out[-1] = (out[-1][0], out[-1][1] + length)
        else:
            out.append((start, length))
    return out


def count(filters: Filters) -> int:
    """How many public cells match."""
    return _selected(filters)[0].num_rows


def cells(filters: Filters, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Public cells matching ``filters`` in a stable order, as dicts of :data:`COLUMNS`."""
    return counted_cells(filters, limit, offset)[1]


def counted_cells(
    filters: Filters, limit: int | None = None, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """How many public cells match, and those of the page (``limit``, ``offset``) as dicts.

    A page of more than one group is read a chunk at a time (:func:`_page`): an API query
    without an indicator must not hold the whole cube in one process."""
    served = _current()
    spans, group = _spans(served, filters)
    if limit is not None:
        offset, limit = max(0, int(offset)), max(0, min(int(limit), MAX_LIMIT))
        if group is None:
            total, table = _page(served, spans, filters, offset, limit)
            return total, rows(table)
    table = _matching(served, spans, group, filters)
    total = table.num_rows
    if limit is not None:
        table = table.slice(offset, limit)
    return total, rows(table, group)


def rows(table: pa.Table, group: Group | None = None) -> list[dict[str, Any]]:
    """``table``'s rows as dicts of :data:`COLUMNS` (column by column: faster than
    ``Table.to_pylist``), the key of ``group`` added when the table holds only its values."""
    keys = dict(zip(GROUP_KEYS, group, strict=True)) if group is not None else {}
    columns = [
        repeat(None if keys[name] == "" else keys[name])
        if name in keys
        else table.column(name).to_pylist()
        for name in COLUMNS
    ]
    # repeat() of a key column is endless: the value columns set the length
    return [dict(zip(COLUMNS, values, strict=True)) for values in zip(*columns, strict=False)]
