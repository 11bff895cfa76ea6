"""A verified event store: every registered event file is what was registered (issue 12).

When a delivery is registered, the database records its event file's SHA-256, size in bytes and
row count (``Delivery.events_sha256``, ``events_bytes``, ``rows_stored``). :func:`verify` checks
the active files against them before compute reads them – size first (a truncated file is found
without reading it), then the hash, streamed on a few threads (hashlib releases the GIL;
:attr:`lofte.svf.tuning.EngineConfig.hash_workers`), then the row count in the Parquet footer –
and stops with :class:`StoreIntegrityError`, a Swedish message naming delivery, region and file,
when one differs or is missing.

:func:`check` is ``lofte check``: the whole home, database ↔ files (every registered file of
active and superseded deliveries), files no delivery points at, temporary files of interrupted
writers, an interrupted publish of compute results; :func:`repair` (``--repair``) removes the
temporary and unregistered files after listing them and finishes an interrupted publish. A file
whose content differs is never "repaired": the delivery has to be imported again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lofte import commit, config
from lofte.faults import OperatorError
from lofte.svf import store, tuning
from lofte.svf.models import Delivery


class StoreIntegrityError(OperatorError):
    """A registered event file is missing or differs from what was registered."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a registered event file (Swedish ``reason``)."""

    delivery: int
    region: str
    status: str
    path: str
    reason: str

    def message(self) -> str:
        return (
            f"leverans {self.delivery} (region {_region_label(self.region)}), fil "
            f"{self.path}: {self.reason}"
        )


def _region_label(code: str) -> str:
    try:
        from lofte.catalog import load

        names = {str(r.code): r.name for r in load().counties()}
    except Exception:  # the catalogue itself may be what is broken
        names = {}
    name = names.get(code)
    return f"{code} {name}" if name else code


def _expected(delivery: Delivery) -> tuple[Path, str]:
    path = store.absolute_path(delivery.events_path)
    return path, config.display_path(path)


def _check_one(delivery: Delivery, hash_files: bool = True) -> Problem | None:
    """The first thing wrong with one delivery's event file, or None (without ``hash_files``
    only presence and size are checked)."""
    path, shown = _expected(delivery)

    def problem(reason: str) -> Problem:
        return Problem(delivery.pk, delivery.region, delivery.status, shown, reason)

    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return problem("filen saknas i händelselagret")
    except OSError as exc:
        return problem(f"filen kan inte läsas ({exc.strerror})")
    if not delivery.events_sha256 or delivery.events_bytes is None:
        return problem("leveransen saknar registrerad kontrollsumma (importera den på nytt)")
    if size != delivery.events_bytes:
        return problem(
            f"filen är {size} byte men registrerades med {delivery.events_bytes} byte "
            "(avkortad eller utbytt)"
        )
    if not hash_files:
        return None
    try:
        sha, _ = store.file_digest(path)
    except OSError as exc:
        return problem(f"filen kan inte läsas ({exc.strerror})")
    if sha != delivery.events_sha256:
        return problem("filens innehåll har ändrats sedan den registrerades (SHA-256 stämmer inte)")
    try:
        import pyarrow.parquet as pq

        rows = pq.ParquetFile(path).metadata.num_rows
    except Exception:
        return problem("filen är ingen läsbar Parquet-fil")
    if rows != delivery.rows_stored:
        return problem(
            f"filen har {rows} rader men leveransen registrerades med {delivery.rows_stored}"
        )
    return None


def problems(deliveries: Sequence[Delivery], hash_files: bool = True) -> list[Problem]:
    """What is wrong with the event files of ``deliveries`` (in their order)."""
    todo = [d for d in deliveries if d.events_path]
    if not todo:
        return []
    if not hash_files:
        found = [_check_one(d, hash_files=False) for d in todo]
    else:
        with ThreadPoolExecutor(max_workers=min(tuning.current().hash_workers, len(todo))) as pool:
            found = list(pool.map(_check_one, todo))
    return [p for p in found if p is not None]


def verify(
    deliveries: Sequence[Delivery], *, hash_files: bool = True, action: str = "beräkningen"
) -> None:
    """Raise :class:`StoreIntegrityError` unless every event file is as registered (``action``
    names what stops: compute, whose previous cube then stays, or an import)."""
    found = problems(deliveries, hash_files=hash_files)
    if not found:
        return
    lines = "\n".join(f"  - {p.message()}" for p in found)
    kept = (
        "och den förra kuben är orörd" if action == "beräkningen" else "och ingenting har lagrats"
    )
    raise StoreIntegrityError(
        f"händelselagret stämmer inte med databasen, så {action} avbröts {kept}:\n{lines}\n"
        "Importera de berörda leveranserna på nytt (eller återställ filerna från "
        "säkerhetskopian) och kör 'lofte check'."
    )


# --- lofte check -------------------------------------------------------------------------------


@dataclass
class Report:
    """What ``lofte check`` found (paths relative to ``LOFTE_HOME``, escaped for display)."""

    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    unregistered: list[Path] = field(default_factory=list)
    temporary: list[Path] = field(default_factory=list)
    interrupted_publish: bool = False
    removed: list[Path] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing wrong that matters for compute or that ``--repair`` would remove (a damaged
        file of a superseded delivery is reported, but is only history)."""
        active = [p for p in self.problems if p.status == Delivery.Status.ACTIVE]
        return not (active or self.unregistered or self.temporary or self.interrupted_publish)


def _temporary_files() -> list[Path]:
    """Litter of interrupted writers anywhere a writer of Löfte writes."""
    home = config.home()
    found: list[Path] = []
    for directory in (home, home / "events", home / "cube", home / "engine", home / "export"):
        if not directory.is_dir():
            continue
        for path in directory.iterdir():
            name = path.name
            if path.is_file() and (name.startswith(commit.TMP_PREFIX) or name.endswith(".tmp")):
                found.append(path)
    secret = home / "secret"
    if secret.is_dir():
        found += [p for p in secret.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
    spill = home / "tmp"  # DuckDB's spill directory, empty unless a compute was killed
    if spill.is_dir():
        found += [p for p in spill.rglob("*") if p.is_file()]
    return sorted(found)


def check() -> Report:
    """Verify the whole home (see the module docstring); changes nothing."""
    deliveries = list(Delivery.objects.exclude(events_path="").order_by("id"))
    report = Report(checked=len(deliveries))
    report.problems = problems(deliveries)
    report.temporary = _temporary_files()
    temporary = set(report.temporary)
    report.unregistered = [p for p in store.unregistered_files() if p not in temporary]
    report.interrupted_publish = commit.pending()
    return report


def repair() -> Report:
    """:func:`check`, then remove temporary and unregistered files and finish an interrupted
    publish, under the writer lock (nothing else writes meanwhile). ``removed`` and
    ``recovered`` say what was done; problems of registered files remain."""
    from lofte.locking import writer_lock

    with writer_lock("reparationen"):
        report = check()
        if report.interrupted_publish:
            report.recovered = commit.recover()
            report.interrupted_publish = False
            # Files the publish moved are no longer temporary.
            report.temporary = [p for p in report.temporary if p.exists()]
        for path in [*report.temporary, *report.unregistered]:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            report.removed.append(path)
        for directory in {p.parent for p in report.removed}:
            commit.fsync_dir(directory)
        report.temporary, report.unregistered = [], []
    return report


def describe(paths: Iterable[Path]) -> list[str]:
    return [config.display_path(p) for p in paths]


__all__ = [
    "Problem",
    "Report",
    "StoreIntegrityError",
    "check",
    "describe",
    "problems",
    "repair",
    "verify",
]
