"""The event store: one immutable Parquet file per delivery under ``$LOFTE_HOME/events/``.

A file is written under a temporary name, flushed to disk (fsync) and renamed into place
atomically; the database registers it (``Delivery.events_path``) only after that, so readers –
the engine via :func:`active_event_files` – never see half a delivery. A crash can leave at most
an unregistered file, which :func:`unregistered_files` finds.

Paths are computed at call time from :mod:`lofte.config`, never at import time, so that
``LOFTE_HOME`` may change between calls (tests, several installations in one process).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from lofte import config
from lofte.commit import TMP_PREFIX, fsync_dir

#: The event-store row (docs/contracts.md).
EVENT_SCHEMA = pa.schema(
    [
        pa.field("delivery_id", pa.int64(), nullable=False),
        pa.field("line", pa.int32(), nullable=False),
        pa.field("patient", pa.string(), nullable=False),
        pa.field("pathway", pa.string(), nullable=False),
        pa.field("suffix", pa.int16(), nullable=False),
        pa.field("event_date", pa.date32(), nullable=False),
        pa.field("reporting_region", pa.string(), nullable=False),
        pa.field("residence_region", pa.string()),
        pa.field("unit", pa.string()),
    ]
)
#: Order of the rows in every event file.
SORT_KEYS = ("patient", "pathway", "event_date")

_EVENTS_DIR = "events"
_TMP_PREFIX = TMP_PREFIX


def events_dir() -> Path:
    """``$LOFTE_HOME/events``, created on use."""
    return config.subdir(_EVENTS_DIR)


def relative_path(path: Path) -> str:
    """A path under ``LOFTE_HOME`` as stored in ``Delivery.events_path``."""
    return path.resolve().relative_to(config.home()).as_posix()


def absolute_path(events_path: str) -> Path:
    """The file a ``Delivery.events_path`` points at."""
    return config.home() / events_path


def file_name(delivery_id: int, sha256: str) -> str:
    return f"delivery-{delivery_id:06d}-{sha256[:12]}.parquet"


#: Read size for hashing: large enough that hashlib releases the GIL and the loop costs nothing.
_HASH_CHUNK = 1 << 20


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size in bytes of a file, read in chunks (never whole into memory)."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb", buffering=0) as fh:
        buffer = bytearray(_HASH_CHUNK)
        view = memoryview(buffer)
        while True:
            read = fh.readinto(buffer)
            if not read:
                break
            digest.update(view[:read])
            size += read
    return digest.hexdigest(), size


def write_events(table: pa.Table, name: str) -> Path:
    """Write ``table`` (the event schema, already sorted) as ``events/<name>``, atomically.

    Returns the final path. The caller registers it in the database afterwards and calls
    :func:`remove_events` if that fails.
    """
    table = table.select(EVENT_SCHEMA.names).cast(EVENT_SCHEMA)
    directory = events_dir()
    final = directory / name
    tmp = directory / f"{_TMP_PREFIX}{uuid.uuid4().hex}-{name}"
    try:
        with open(tmp, "wb") as fh:
            pq.write_table(
                table,
                fh,
                compression="zstd",
                row_group_size=256 * 1024,
                sorting_columns=[
                    pq.SortingColumn(EVENT_SCHEMA.get_field_index(key)) for key in SORT_KEYS
                ],
            )
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(directory)
    return final


def remove_events(path: Path) -> None:
    """Delete an event file that did not get registered (missing files are fine)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    fsync_dir(path.parent)


def active_event_files() -> list[Path]:
    """The event files of all active deliveries, oldest delivery first (for the engine)."""
    from lofte.svf.models import Delivery

    paths = (
        Delivery.objects.filter(status=Delivery.Status.ACTIVE)
        .exclude(events_path="")
        .order_by("id")
        .values_list("events_path", flat=True)
    )
    return [absolute_path(p) for p in paths]


def unregistered_files() -> list[Path]:
    """Files in the event store that no delivery points at (left behind by a crash), temporary
    files included."""
    from lofte.svf.models import Delivery

    registered = {
        absolute_path(p).resolve()
        for p in Delivery.objects.exclude(events_path="").values_list("events_path", flat=True)
    }
    return sorted(
        p for p in events_dir().iterdir() if p.is_file() and p.resolve() not in registered
    )


def read_events(path: Path) -> pa.Table:
    """One event file as a table of the event schema."""
    return pq.read_table(path, schema=EVENT_SCHEMA)
