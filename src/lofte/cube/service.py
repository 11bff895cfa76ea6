"""The cube as the rest of Löfte sees it: rebuild from active data, read, and where files live.

Views and the command line call these functions; none of them writes SQL of its own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.db.models import Max
from django.utils import timezone

from lofte import config
from lofte.cube import engine
from lofte.cube.engine import Progress
from lofte.cube.models import ComputeRun, RegisterCount
from lofte.svf import queries
from lofte.svf.models import Delivery


def cube_path() -> Path:
    return config.subdir("cube") / "cube.parquet"


def instances_path() -> Path:
    return config.subdir("engine") / "instances.parquet"


def event_flags_path() -> Path:
    return config.subdir("engine") / "event_flags.parquet"


def active_inputs() -> tuple[list[Path], dict[str, dt.date], list[int]]:
    """Event files, cut-offs per region and ids of the active deliveries."""
    active = Delivery.objects.filter(status=Delivery.Status.ACTIVE).order_by("id")
    home = config.home()
    files = [home / d.events_path for d in active if d.events_path]
    cutoffs = {
        row["region"]: row["cutoff"]
        for row in active.values("region").annotate(cutoff=Max("window_to"))
        if row["cutoff"] is not None
    }
    return files, cutoffs, [d.pk for d in active]


def register_rows() -> list[tuple[str, str, str, int]]:
    return list(RegisterCount.objects.values_list("region", "period", "pathway", "new_cases"))


def compute(
    progress: Progress | None = None, on_wait: Callable[[str], None] | None = None
) -> ComputeRun:
    """Rebuild instances and the cube from the active deliveries and the register (SPEC §12).

    Holds the home's writer lock (:mod:`lofte.locking`; ``on_wait`` hears when it has to wait for
    another writer). Every active event file is verified against its registered hash, size and
    row count first (:mod:`lofte.svf.integrity`): a file that differs stops the computation with
    :class:`~lofte.svf.integrity.StoreIntegrityError`, and the previous cube stays. The three
    outputs are written to unique temporary files and put into place together
    (:mod:`lofte.commit`).
    """
    from lofte import commit
    from lofte.faults import operator_faults
    from lofte.locking import writer_lock
    from lofte.svf import integrity

    with operator_faults(), writer_lock("beräkningen", notify=on_wait):
        commit.recover()
        active = list(
            Delivery.objects.filter(status=Delivery.Status.ACTIVE)
            .exclude(events_path="")
            .order_by("id")
        )
        integrity.verify(active)
        run = ComputeRun.objects.create()
        files, cutoffs, ids = active_inputs()
        from lofte.cube.aggregates import aggregate_cells

        result = engine.compute(
            files, cutoffs, register_rows(), progress=progress, extra_cells=aggregate_cells()
        )
        if progress:
            progress("write")
        targets = [
            (result.instances, instances_path()),
            (result.event_flags, event_flags_path()),
            (result.cube, cube_path()),
        ]
        from lofte.cube import audit, public

        # The site and API keep serving the previous cube until this one has passed the
        # disclosure audit (kept beside it for every publisher) and its public file is written.
        with public.publishing(cube_path()):
            moves: list[tuple[Path, Path]] = []
            try:
                for table, target in targets:
                    moves.append((_write_temporary(table, target), target))
                commit.publish(moves)
            except BaseException:
                for tmp, _ in moves:
                    with contextlib.suppress(OSError):
                        tmp.unlink()
                raise
            if progress:
                progress("audit")
            if audit.audit_stored(cube_path()).ok:
                public.ensure(cube_path())
        run.deliveries = ids
        run.instances = result.instances.num_rows
        run.cells = result.cube.num_rows
        run.cube_path = str(cube_path().relative_to(config.home()))
        run.finished_at = timezone.now()
        run.save()
        return run


def _write_temporary(table: pa.Table, path: Path) -> Path:
    """Write ``table`` completely to a unique temporary file next to ``path`` and fsync it.

    Dictionary-encoded string columns (the cube's keys) are written as Parquet stores any
    string column, dictionary pages and all, without the Arrow schema: readers get plain
    strings."""
    from lofte import commit

    tmp = commit.temporary(path)
    dictionary = any(pa.types.is_dictionary(f.type) for f in table.schema)
    try:
        pq.write_table(
            table, tmp, compression="zstd", row_group_size=256_000, store_schema=not dictionary
        )
        commit.fsync_file(tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def read_cube() -> pa.Table:
    """The stored internal cube (raises FileNotFoundError before the first compute)."""
    return pq.read_table(cube_path())


def read_report_cells(
    path: Path, regions: list[str], basis: str, detail_periods: list[str]
) -> pa.Table:
    """The cells of the cube file ``path`` that a results report looks at (``sql/report.sql``):
    treatment ``alla`` of ``regions``, SVF half-years by home region ``basis`` and the
    aggregates; every pathway only for ``detail_periods`` and below the nation."""
    return queries.fetch(
        "lofte.cube", "report.sql", "report_cells", [regions, basis, detail_periods], {"cube": path}
    )
