"""Every tuning knob of the engine in one place (:class:`EngineConfig`).

None of these settings changes a single cell of the cube: they choose between ways of computing
the same numbers (threads or not, a dense histogram or a sort, counting or sorting group keys)
and how memory is handled. :meth:`EngineConfig.plain` switches every optimisation off — one
thread, sorts only, glibc's default heap — so that the property tests can hold the tuned engine
and the plain one to the same reference (``tests/cube/test_engine_columns.py``). Why each
default is what it is: docs/adr/0703 (quantiles), 0704 (group keys), 0706 (threads), 0707
(memory).

The engine reads the configuration in force with :func:`current`; :func:`lofte.cube.engine.compute`
puts the one it is given in force for the run (:func:`using`). A process runs one compute at a
time (docs/adr/0201), so one setting per process is enough, and the engine's worker threads see
it without passing it down every call.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class EngineConfig:
    """How the engine computes (never what)."""

    #: Threads for independent numpy work: quantiles of the groupings, the scatter to key
    #: order, preparing and finishing the indicator blocks, the linking steps. numpy releases
    #: the GIL in most of it; more threads than cores only cost memory (ADR 0706).
    workers: int = 2
    #: Overlap independent steps on a side thread (the register's cells while DuckDB
    #: assembles, DuckDB's decoding while numpy rolls up, the medians' blocks while counts are
    #: linked). Off: the same steps one after the other.
    overlap: bool = True
    #: DuckDB's threads (None: DuckDB's default, one per core).
    duckdb_threads: int | None = None
    #: Quantiles from a dense day histogram when it has at most this many cells (groups ×
    #: values) and at most ``dense_per_fact`` cells per fact; otherwise from a sort (ADR 0703).
    dense_max_cells: int = 40_000_000
    dense_per_fact: int = 1
    #: Group keys are numbered by counting (a flag array over the key space) up to this key
    #: space, by sorting above it (ADR 0704).
    counting_max_space: int = 32_000_000
    #: Keep freed arrays in the process for the next step instead of returning them to the
    #: system after each (glibc's mallopt, :mod:`lofte.cube.heap`; ADR 0707).
    hold_heap: bool = True

    @classmethod
    def plain(cls) -> EngineConfig:
        """Every optimisation off: one thread, no overlap, quantiles and keys by sorting,
        glibc's default heap."""
        return cls(
            workers=1,
            overlap=False,
            duckdb_threads=1,
            dense_max_cells=0,
            counting_max_space=0,
            hold_heap=False,
        )


_lock = threading.Lock()
_current = EngineConfig()


def current() -> EngineConfig:
    """The configuration in force."""
    return _current


@contextmanager
def using(config: EngineConfig | None) -> Iterator[EngineConfig]:
    """Put ``config`` in force (None: keep the one in force) for the block."""
    global _current
    if config is None:
        yield _current
        return
    with _lock:
        before, _current = _current, config
    try:
        yield config
    finally:
        with _lock:
            _current = before
