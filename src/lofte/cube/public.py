"""The public cube file: only what the public may see, laid out to be read in place.

The results site and the API never hold the cube in memory. They read the few row groups a
request needs from a **public cube file** beside the internal one
(``cube/public/cube-<mtime>-<size>.parquet``), written once per version of ``cube.parquet``:

- it holds :func:`lofte.cube.blanking.public_file_view` of the cube and nothing else: numerator,
  denominator, value, interval and ``meets_target`` of suppressed cells are blank on disk, so
  a serving process never reads an unsuppressed value (SPEC §7);
- it is written only when the disclosure audit of the cube passes
  (:func:`lofte.cube.audit.require_safe_stored`), and every serving process runs the same gate
  (the verdict is kept beside the cube, so that costs a hash of the file);
- its rows are sorted by :data:`SORT_KEYS` in row groups of :data:`ROW_GROUP_ROWS`, and a small
  index beside it (``….json``) names each group's first row and length (:data:`GROUP_KEYS`)
  and the choices per indicator (what :func:`lofte.cube.query.dims` returns). A query looks up
  its group, reads the one or two row groups that hold it, and slices.

``compute`` writes the file right after the cube (:func:`ensure`); a serving process that finds
none (a cube written by an older Löfte, or by hand) writes it itself, under a lock so that one
process does the work. The name carries the source's mtime and size, so a file is never
rewritten in place: a new cube gets a new file, and the previous ones are removed.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lofte.cube.blanking import public_file_view

#: The columns a public cell has, in this order (the API documents the same list).
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
#: Rows per Parquet row group: a site query (one group, a few hundred cells) reads one or two.
ROW_GROUP_ROWS = 2048
#: Bumped when the layout of the file or of its index changes (old files are then rewritten).
#: 3: no compression (a row group decodes about twice as fast; the file is about a third
#: larger, and it lives in the page cache, not in the processes).
LAYOUT = 3
_STRINGS = (*COLUMNS[:8],)  # the key columns: strings, dictionary-encoded in the file

_log = logging.getLogger(__name__)


def source_key(cube: Path) -> tuple[int, int]:
    """(mtime in ns, size) of the internal cube file: what names its public file."""
    stat = cube.stat()
    return stat.st_mtime_ns, stat.st_size


def _directories(cube: Path) -> list[Path]:
    """Where public files may live: beside the cube, else (a read-only home) a private temp dir."""
    import hashlib

    tag = hashlib.sha256(str(cube.resolve()).encode()).hexdigest()[:16]
    private = Path(tempfile.gettempdir()) / f"lofte-public-{os.getuid()}"
    if not private.is_dir():
        with suppress(OSError):
            private.mkdir(mode=0o700)
    return [cube.parent / "public", private / tag]


def file_name(key: tuple[int, int]) -> str:
    return f"cube-{LAYOUT}-{key[0]:x}-{key[1]:x}.parquet"


def index_path(path: Path) -> Path:
    return path.with_suffix(".json")


def find(cube: Path, key: tuple[int, int]) -> Path | None:
    """The public file of this cube version, when one has been written."""
    for directory in _directories(cube):
        path = directory / file_name(key)
        if path.is_file() and index_path(path).is_file():
            return path
    return None


def is_ready(cube: Path) -> bool:
    """Whether serving ``cube`` needs no heavy work: it has a public file (written only after
    its disclosure audit passed, whose verdict is kept beside the cube), or there is no cube."""
    try:
        key = source_key(cube)
    except FileNotFoundError:
        return True
    return find(cube, key) is not None


_held: set[Path] = set()  # cubes whose publication lock this process holds (publishing)
_usable: set[Path] = set()  # directories found writable by this process


def _writable(directory: Path) -> bool:
    if directory in _usable and directory.is_dir():
        return True
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / f".probe-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError:
        return False
    _usable.add(directory)
    return True


def _lock_directory(cube: Path) -> Path:
    for directory in _directories(cube):
        if _writable(directory):
            return directory
    raise OSError(f"ingen skrivbar katalog för den publika kuben ({cube.parent})")


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    with open(directory / ".lock", "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def publishing(cube: Path) -> Iterator[None]:
    """Hold the publication lock while a new cube is written, audited and its public file
    written (``compute``): serving processes keep serving the previous version meanwhile
    (:func:`busy`) instead of auditing or deriving the new one themselves."""
    with _locked(_lock_directory(cube)):
        _held.add(cube)
        try:
            yield
        finally:
            _held.discard(cube)


def busy(cube: Path) -> bool:
    """Whether another process holds the publication lock (a new cube is being published)."""
    try:
        directory = _lock_directory(cube)
        with open(directory / ".lock", "a+b") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(fh, fcntl.LOCK_UN)
    except OSError:
        return False
    return False


def ensure(cube: Path) -> Path:
    """The public file of the current ``cube`` (written first when missing).

    Raises :class:`lofte.cube.audit.DisclosureError` when the cube's public view fails the
    disclosure audit (nothing is written then), :class:`FileNotFoundError` without a cube."""
    if cube in _held:
        return _ensure(cube, _lock_directory(cube))
    directory = _lock_directory(cube)
    with _locked(directory):
        return _ensure(cube, directory)


def _ensure(cube: Path, directory: Path) -> Path:
    from lofte.cube import audit

    key = source_key(cube)
    # The publication gate (SPEC §7), run for every version a process serves; the verdict is
    # computed once per cube file and kept beside it.
    audit.require_safe_stored(cube, what="Resultaten")
    found = find(cube, key)
    if found is not None:
        return found
    if source_key(cube) != key:  # replaced meanwhile: the caller asks again
        raise FileNotFoundError(str(cube))
    path = directory / file_name(key)
    write(cube, path)
    _prune(directory, keep=path)
    return path


def _prune(directory: Path, keep: Path) -> None:
    """Remove the public files of earlier versions (a reader holding one open keeps reading)."""
    for old in directory.glob("cube-*.parquet"):
        if old != keep:
            old.unlink(missing_ok=True)
            index_path(old).unlink(missing_ok=True)


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """Each row's rank among the column's sorted distinct values (nulls as ""), and the values."""
    if not pa.types.is_dictionary(column.type):
        column = column.dictionary_encode()
    column = column.unify_dictionaries()
    dictionary = column.chunk(0).dictionary.to_pylist() if column.num_chunks else []
    values = sorted({"" if v is None else v for v in dictionary} | {""})
    rank_of = {v: i for i, v in enumerate(values)}
    lookup = np.array([rank_of["" if v is None else v] for v in [*dictionary, None]], np.int64)
    parts = [
        np.asarray(c.indices.fill_null(len(dictionary)).to_numpy(zero_copy_only=False))
        for c in column.chunks
    ]
    indices = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    return lookup[indices], values


def write(cube: Path, out: Path) -> dict[str, Any]:
    """Write the public file of ``cube`` to ``out`` (and its index beside it); returns the index.

    Both files are written beside their targets, synced and renamed: readers see whole files
    only, and the Parquet file (renamed last) appears only once its index exists."""
    raw = pq.read_table(cube, read_dictionary=[c for c in _STRINGS if c in _schema_names(cube)])
    present = [c for c in COLUMNS if c in raw.column_names]
    table = public_file_view(raw).select(present)
    del raw
    for name in COLUMNS:  # an older cube file: the column is simply empty
        if name not in present:
            table = table.append_column(name, pa.nulls(table.num_rows, pa.string()))
    table = table.select(list(COLUMNS))
    coded = {k: _codes(table.column(k)) for k in SORT_KEYS}
    order = _order([coded[k] for k in SORT_KEYS])
    table = table.take(pa.array(order))
    ranks = {k: coded[k][0][order] for k in SORT_KEYS}
    del order
    index = _index(table.num_rows, ranks, {k: coded[k][1] for k in SORT_KEYS})
    index["source"] = list(source_key(cube))
    _replace(index_path(out), json.dumps(index, ensure_ascii=False).encode())
    tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")
    pq.write_table(
        table,
        tmp,
        compression="none",  # decoding, not the disk, is what a query waits for
        row_group_size=ROW_GROUP_ROWS,
        store_schema=False,  # key columns read back as plain strings
    )
    _sync_replace(tmp, out)
    return index


def _order(coded: list[tuple[np.ndarray, list[str]]]) -> np.ndarray:
    """The stable sort order of the rows by the coded keys, first key first."""
    if np.prod([float(len(values) + 1) for _, values in coded]) < 2.0**62:
        composite = np.zeros(len(coded[0][0]), np.int64)
        for ranks, values in coded:  # one packed integer key: one argsort
            composite = composite * (len(values) + 1) + ranks
        return np.argsort(composite, kind="stable")
    return np.lexsort([ranks for ranks, _ in reversed(coded)])


def _schema_names(path: Path) -> list[str]:
    return list(pq.read_schema(path).names)


def _index(n: int, ranks: dict[str, np.ndarray], values: dict[str, list[str]]) -> dict[str, Any]:
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
        for k in GROUP_KEYS:
            r = ranks[k]
            change[1:] |= r[1:] != r[:-1]
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], n)
    groups = []
    periods: dict[str, dict[str, set[str]]] = {}
    period_values = values["period"]
    for start, stop in zip(starts.tolist(), ends.tolist(), strict=True):
        key = [values[k][int(ranks[k][start])] for k in GROUP_KEYS]
        groups.append([*key, start, stop - start])
        indicator, _, pathway, treatment, ptype = key
        per = periods.setdefault(indicator, {})
        if pathway == "alla" and treatment == "alla":
            found = np.unique(ranks["period"][start:stop])
            per.setdefault(ptype, set()).update(period_values[int(i)] for i in found)
    dims: dict[str, dict[str, Any]] = {}
    for indicator, basis, pathway, treatment, _ptype, _s, _n in groups:
        d = dims.setdefault(indicator, {"bases": set(), "pathways": set(), "treatments": set()})
        d["bases"].add(basis)
        d["pathways"].add(pathway)
        d["treatments"].add(treatment)
    return {
        "layout": LAYOUT,
        "rows": n,
        "row_group_rows": ROW_GROUP_ROWS,
        "groups": groups,
        "dims": {
            indicator: {
                "bases": sorted(d["bases"]),
                "pathways": sorted(d["pathways"], key=lambda x: (x != "alla", x)),
                "treatments": sorted(d["treatments"], key=lambda x: (x != "alla", x)),
                "periods": {
                    t: sorted(periods[indicator][t])
                    for t in PERIOD_TYPES
                    if t in periods.get(indicator, {})
                },
            }
            for indicator, d in dims.items()
        },
    }


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    _sync_replace(tmp, path)


def _sync_replace(tmp: Path, path: Path) -> None:
    try:
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_index(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(index_path(path).read_text(encoding="utf-8"))
    return data


def main() -> None:  # pragma: no cover - `python -m lofte.cube.public`, used by `lofte serve`
    """Write the public file of the current cube when it is missing (exit 0 without a cube)."""
    from lofte import config
    from lofte.cube import audit

    try:
        ensure(config.home() / "cube" / "cube.parquet")
    except FileNotFoundError:
        return
    except audit.DisclosureError as err:
        _log.error("%s", err)


if __name__ == "__main__":  # pragma: no cover
    main()
