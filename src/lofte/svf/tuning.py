"""Every tuning knob of the engine in one place (:class:`EngineConfig`).

None of these settings changes a single cell of the cube: they choose between ways of computing
the same numbers (threads or not, a dense histogram or a sort, counting or sorting group keys, a
mask or a sort for distinct values) and how memory is handled. :meth:`EngineConfig.plain`
switches every optimisation off — one thread everywhere (numpy pools, DuckDB, Parquet reads,
hashing), no overlap, sorts only, glibc's default heap — so that the property tests can hold the
tuned engine and the plain one to the same reference (``tests/svf/test_engine_property.py``,
``tests/cube/test_engine_columns.py`` and the other engine property tests run both). Why each
default is what it is: docs/adr/0703 (quantiles), 0704 (group keys), 0706 (threads), 0707
(memory), 0740 (one configuration for both engines).

It lives in :mod:`lofte.svf` because both engines read it: the pathway assembly and the event
store (svf) and the cube (cube, a layer above). The engine reads the configuration in force with
:func:`current`; :func:`lofte.cube.engine.compute` puts the one it is given in force for the run
(:func:`using`). A process runs one compute at a time (docs/adr/0201), so one setting per
process is enough, and the engine's worker threads see it without passing it down every call.
The process's default is built once, on first use, by :meth:`EngineConfig.from_environment`
(the one place that reads ``LOFTE_DUCKDB_MEMORY_LIMIT``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

#: The environment variable that caps DuckDB's memory (e.g. ``3GB``; README, *Configuration*).
MEMORY_LIMIT_VARIABLE = "LOFTE_DUCKDB_MEMORY_LIMIT"


@dataclass(frozen=True)
class EngineConfig:
    """How the engine computes (never what)."""

    #: Threads for independent numpy work: quantiles of the groupings, the scatter to key
    #: order, preparing and finishing the indicator blocks, the linking steps. numpy releases
    #: the GIL in most of it; more threads than cores only cost memory (ADR 0706).
    workers: int = 2
    #: Threads reading the event-store files and coding their columns before assembly (the
    #: Parquet reader and the coding release the GIL); also whether each Parquet read uses
    #: Arrow's own thread pool (only when more than one).
    read_workers: int = 2
    #: Threads hashing event files when the store is verified (hashlib releases the GIL; the
    #: disk, not the CPU, is the limit above a few).
    hash_workers: int = 4
    #: Overlap independent steps on a side thread (the register's cells while DuckDB
    #: assembles, DuckDB's decoding while numpy rolls up, the medians' blocks while counts are
    #: linked). Off: the same steps one after the other.
    overlap: bool = True
    #: DuckDB's threads (None: DuckDB's default, one per core).
    duckdb_threads: int | None = None
    #: DuckDB's memory cap (e.g. ``3GB``; None: DuckDB's default); above it DuckDB spills to
    #: ``LOFTE_HOME/tmp``. The process default comes from ``LOFTE_DUCKDB_MEMORY_LIMIT``.
    duckdb_memory_limit: str | None = None
    #: Quantiles from a dense day histogram when it has at most this many cells (groups ×
    #: values) and at most ``dense_per_fact`` cells per fact; otherwise from a sort (ADR 0703).
    dense_max_cells: int = 40_000_000
    dense_per_fact: int = 1
    #: Group keys are numbered by counting (a flag array over the key space) up to this key
    #: space, by sorting above it (ADR 0704).
    counting_max_space: int = 32_000_000
    #: Distinct values and group counts of the secondary suppression by a mask or ``bincount``
    #: over the whole group space when the values are more than 1/``mask_divisor`` of it, else
    #: by a sort or ``np.add.at`` (0: always the latter; ADR 0704).
    mask_divisor: int = 16
    #: Strings per slice when the pseudonyms' hex digits are packed into words (4 MiB of digits
    #: at 64 characters each: no large temporary array).
    hex_slice: int = 65_536
    #: Keep freed arrays in the process for the next step instead of returning them to the
    #: system after each (glibc's mallopt, :mod:`lofte.cube.heap`; ADR 0707).
    hold_heap: bool = True

    @classmethod
    def plain(cls) -> EngineConfig:
        """Every optimisation off: one thread everywhere, no overlap, quantiles, keys and
        distinct values by sorting, glibc's default heap."""
        return cls(
            workers=1,
            read_workers=1,
            hash_workers=1,
            overlap=False,
            duckdb_threads=1,
            dense_max_cells=0,
            counting_max_space=0,
            mask_divisor=0,
            hold_heap=False,
        )

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> EngineConfig:
        """The defaults, with DuckDB's memory cap from ``LOFTE_DUCKDB_MEMORY_LIMIT``."""
        environ = os.environ if environ is None else environ
        return cls(duckdb_memory_limit=environ.get(MEMORY_LIMIT_VARIABLE) or None)

    def by_mask(self, values: int, space: int) -> bool:
        """Whether ``values`` integers in ``0..space-1`` are handled by a mask over the space
        (:attr:`mask_divisor`) rather than by a sort."""
        return self.mask_divisor > 0 and values > space // self.mask_divisor


_lock = threading.Lock()
_current: EngineConfig | None = None


def current() -> EngineConfig:
    """The configuration in force (the process default: :meth:`EngineConfig.from_environment`,
    built on first use)."""
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                _current = EngineConfig.from_environment()
    return _current


@contextmanager
def using(config: EngineConfig | None) -> Iterator[EngineConfig]:
    """Put ``config`` in force (None: keep the one in force) for the block."""
    global _current
    if config is None:
        yield current()
        return
    before = current()
    with _lock:
        _current = config
    try:
        yield config
    finally:
        with _lock:
            _current = before
