"""What the region desk (:mod:`lofte.web.desk`) reads from the engine outputs.

The statements are in ``sql/desk.sql``; the files are those :mod:`lofte.cube.service` names. These
functions return patient-level rows unscoped and unpseudonymised: the desk checks the user's
regions and pathways and shortens the pseudonyms before anything is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lofte.cube import service
from lofte.svf import queries

#: Columns of a cube cell that the desk's internal figures show.
FIGURE_COLUMNS = (
    "indicator",
    "region_basis",
    "period",
    "numerator",
    "denominator",
    "value",
    "suppressed",
    "target",
    "target_high",
    "meets_target",
)


class NotComputed(Exception):
    """The engine has not been run yet (no instances, event-flags or cube file)."""


def computed() -> bool:
    """Whether the engine has written its instances file."""
    return service.instances_path().exists()


def _existing(path: Path) -> Path:
    if not path.exists():
        raise NotComputed()
    return path


def _rows(key: str, params: Sequence[Any], **tables: Any) -> list[dict[str, Any]]:
    return queries.rows("lofte.cube", "desk.sql", key, params, tables)


def closed_outside_target(region: str) -> list[dict[str, Any]]:
    """Closed pathways started in ``region`` whose lead time exceeds the target, newest end
    first, with the delivery and line of their start and end."""
    instances = _existing(service.instances_path())
    return _rows("closed_outside_target", [region], instances=instances)


def ongoing(region: str) -> list[dict[str, Any]]:
    """Pathways started in ``region`` and ongoing at its cut-off, with their waiting time, the
    date of the extended marker and the delivery and line of the start."""
    instances = _existing(service.instances_path())
    return _rows("ongoing", [region], instances=instances)


def flagged_events(event_files: Sequence[str | Path]) -> list[dict[str, Any]]:
    """The engine's warnings on the events of ``event_files`` (event-store files), with the
    event's patient, by delivery, line and flag."""
    flags = _existing(service.event_flags_path())
    if not event_files:
        return []
    return _rows("flagged_events", [], event_flags=flags, events=list(event_files))


def region_cells(region: str, pathway: str, period_type: str) -> list[dict[str, Any]]:
    """The stored cube's cells of ``region`` and ``pathway`` for every treatment together
    (``alla``) and periods of ``period_type``: :data:`FIGURE_COLUMNS`, unsuppressed values."""
    import pyarrow.parquet as pq

    path = _existing(service.cube_path())
    table = pq.read_table(
        path,
        filters=[
            ("region", "=", region),
            ("pathway", "=", pathway),
            ("treatment", "=", "alla"),
            ("period_type", "=", period_type),
        ],
        columns=list(FIGURE_COLUMNS),
    )
    return list(table.to_pylist())
