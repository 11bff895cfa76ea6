"""Import an SVF delivery (SPEC §3): read, validate, pseudonymise, store, register.

:func:`import_delivery` is the one service the command line and the web desk call. Its outcomes:

- **rejected** – any row error: a ``Delivery`` with status ``rejected`` and its validation report
  is recorded, nothing of the file is stored. Returned, not raised (the CLI exits 1).
- **unchanged** – the file is identical (SHA-256) to an active delivery of the region: that
  delivery is returned and nothing changes.
- **imported** – a new active delivery; active deliveries of the region whose window the new
  window covers are superseded by it.
- :class:`DeliveryRefused` is raised when the new window partially overlaps an active delivery's
  window; nothing is stored.

The returned ``Delivery`` carries ``outcome`` (``imported``, ``rejected``, ``unchanged``) and a
Swedish one-line ``message``.

Ordering and durability: the delivery row is inserted inside a transaction (its primary key is
the ``delivery_id`` written into every event row), then the event file is written to a temporary
name, fsynced and renamed into place, and only then is the row pointed at the file and the
transaction committed. Until the commit nobody else sees the row; if anything fails after the file
was written, the file is removed again.

The raw personnummer exists only in memory between reading and pseudonymisation. Unexpected errors
in that stretch are re-raised as :class:`DeliveryError` naming only the exception type and the
code location, because library messages may quote the offending row.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction
from django.utils import timezone

from lofte import config
from lofte.faults import OperatorError, explain, operator_faults
from lofte.svf import store
from lofte.svf.models import Delivery
from lofte.svf.reader import DeliveryFile, DeliveryFileError, read_delivery, sha256_of
from lofte.svf.validate import MAX_ISSUES, Issue, ValidationResult, validate

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
T = TypeVar("T")

#: Steps reported through ``progress(done, PROGRESS_STEPS)``.
PROGRESS_STEPS = 6
#: What the import is doing once ``done`` steps are finished (shown by the CLI and the desk).
STEP_LABELS = {
    0: "Läser filen",
    1: "Kontrollerar raderna",
    2: "Pseudonymiserar",
    3: "Kontrollerar förloppen",
    4: "Skriver händelser",
    5: "Registrerar leveransen",
    6: "Klar",
}


class DeliveryError(Exception):
    """The delivery cannot be imported; the Swedish message says why. Nothing was stored."""


class DeliveryRefused(DeliveryError):
    """The delivery's window partially overlaps an active delivery of the same region."""


def import_delivery(
    path: str | Path,
    region: str,
    window_from: dt.date | None = None,
    window_to: dt.date | None = None,
    user: str = "",
    progress: Progress | None = None,
    today: dt.date | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Delivery:
    """Import one SVF delivery file from county ``region`` (see the module docstring).

    ``window_from``/``window_to`` are the coverage window (default: the first and last event
    date); events outside a given window are errors. ``progress(done, total)`` is called as the
    import advances. Raises ``ValueError`` for an unknown region, an inverted window or one that
    ends in the future,
    :class:`DeliveryError` (or :class:`DeliveryRefused`) when the delivery cannot be imported, and
    :class:`~lofte.faults.OperatorError` when the home stays busy with another writer
    (``on_wait`` is told when the import has to wait for it, :mod:`lofte.locking`) or the
    pseudonym key is missing.
    """
    from lofte.locking import writer_lock

    with operator_faults(), writer_lock("importen", notify=on_wait):
        config.pseudonym_key()  # a missing key stops the import before any work
        return _import_delivery(path, region, window_from, window_to, user, progress, today)


def _import_delivery(
    path: Path | str,
    region: str,
    window_from: dt.date | None,
    window_to: dt.date | None,
    user: str,
    progress: Progress | None,
    today: dt.date | None,
) -> Delivery:
    from lofte.catalog import load

    path = Path(path)
    today = today or timezone.localdate()
    report = _progress(progress)
    catalog = load()
    if region not in {str(r.code) for r in catalog.counties()}:
        raise ValueError(f"okänd region {region!r}: ange regionens länskod, t.ex. 05")
    if window_from and window_to and window_from > window_to:
        raise ValueError(
            f"periodens början {window_from.isoformat()} är efter dess slut {window_to.isoformat()}"
        )
    if window_to and window_to > today:
        # The window says the delivery is complete up to its end, which cannot be in the future
        # (ongoing pathways are measured up to it).
        raise ValueError(
            f"periodens slut {window_to.isoformat()} är efter dagens datum {today.isoformat()}"
        )
    if not path.is_file():
        raise DeliveryError(f"filen {path.name} finns inte")

    sha = sha256_of(path)
    same = _identical_active(region, sha, window_from, window_to)
    if same is not None:
        report(PROGRESS_STEPS)
        same.outcome = "unchanged"
        same.message = (
            f"{path.name} är identisk med aktiv leverans {same.pk} – ingenting har ändrats."
        )
        return same

    try:
        delivery_file = _guarded("läsning", read_delivery, path)
    except DeliveryFileError as exc:
        issue = Issue(None, None, None, str(exc), "file")
        return _reject(path.name, sha, region, window_from, window_to, user, [issue], 1, {}, 0)
    report(1)

    result: ValidationResult = _guarded(
        "validering",
        validate,
        delivery_file,
        region,
        catalog=catalog,
        today=today,
        window_from=window_from,
        window_to=window_to,
    )
    report(2)
    file_meta = delivery_file.metadata()
    if result.ok and result.rows == 0 and not (window_from and window_to):
        empty = Issue(
            None,
            None,
            None,
            "leveransen innehåller inga händelser; ange leveransens period för att leverera en "
            "tom period",
            "empty",
        )
        result.errors, result.error_count = [empty], 1
    if not result.ok:
        report(PROGRESS_STEPS)
        return _reject(
            delivery_file.name,
            sha,
            region,
            window_from or result.min_date,
            window_to or result.max_date,
            user,
            result.errors,
            result.error_count,
            file_meta,
            result.rows,
        )

    first = window_from or result.min_date
    last = window_to or result.max_date
    assert first is not None and last is not None
    _covered_or_refuse(region, first, last)

    assert result.events is not None
    events, duplicates = _guarded("pseudonymisering", _prepare_events, result.events)
    result.events = None
    report(3)
    flags, fingerprints = _guarded("kvalitetskontroll", _flag_warnings, events, catalog, region)
    report(4)

    warnings = _ignored_column_warnings(delivery_file) + result.warnings + duplicates + flags
    warnings.sort(key=lambda issue: issue.line or 0)
    delivery = _store(
        events,
        region=region,
        window=(first, last),
        file_name=delivery_file.name,
        sha=sha,
        user=user,
        rows_read=result.rows,
        duplicates=len(duplicates),
        warnings=warnings,
        file_meta=file_meta,
        window_given=(window_from is not None, window_to is not None),
        progress=report,
        fingerprints=fingerprints,
    )
    report(PROGRESS_STEPS)
    logger.info(
        "SVF-leverans %s från region %s: %d rader lagrade, %d varningar",
        delivery.pk,
        region,
        delivery.rows_stored,
        delivery.warning_count,
    )
    return delivery


# --------------------------------------------------------------------------------------------


def _progress(progress: Progress | None) -> Callable[[int], None]:
    def report(done: int) -> None:
        if progress is not None:
            progress(done, PROGRESS_STEPS)

    return report


def _guarded(step: str, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``func``; replace an unexpected exception by one that cannot quote a row.

    The original exception is dropped (not chained): messages from pyarrow and friends may
    contain the row being processed, personnummer included.
    """
    try:
        return func(*args, **kwargs)
    except (DeliveryError, DeliveryFileError, OperatorError):
        raise
    except Exception as exc:
        fault = explain(exc)
        if fault is not None:
            raise OperatorError(fault) from None
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{type(exc).__name__} i {Path(frame.filename).name}:{frame.lineno}"
    logger.error("SVF-import: internt fel vid %s (%s)", step, where)
    raise DeliveryError(f"internt fel vid {step} ({where}); ingenting har lagrats")


def _identical_active(
    region: str, sha: str, window_from: dt.date | None, window_to: dt.date | None
) -> Delivery | None:
    candidate = (
        Delivery.objects.filter(region=region, sha256=sha, status=Delivery.Status.ACTIVE)
        .order_by("-id")
        .first()
    )
    if candidate is None:
        return None
    if window_from not in (None, candidate.window_from):
        return None
    if window_to not in (None, candidate.window_to):
        return None
    from lofte.svf import integrity

    if integrity.problems([candidate]):
        # Its event file is missing or damaged: importing the file again is the remedy (the new
        # delivery supersedes the damaged one), not a no-op.
        return None
    return candidate


def _covered_or_refuse(
    region: str, first: dt.date, last: dt.date, *, lock: bool = False
) -> list[Delivery]:
    """Active deliveries of ``region`` that the window ``first``–``last`` covers.

    Raises :class:`DeliveryRefused` if one overlaps the window only partly.
    """
    active = Delivery.objects.filter(region=region, status=Delivery.Status.ACTIVE).order_by("id")
    if lock:
        active = active.select_for_update()
    covered: list[Delivery] = []
    for other in active:
        if other.window_from is None or other.window_to is None:
            continue
        if other.window_to < first or other.window_from > last:
            continue  # disjoint: both stay active
        if first <= other.window_from and other.window_to <= last:
            covered.append(other)
            continue
        raise DeliveryRefused(
            f"Leveransens period {first.isoformat()}–{last.isoformat()} överlappar delvis aktiv "
            f"leverans {other.pk} ({other.window_from.isoformat()}–"
            f"{other.window_to.isoformat()}) från region {region}. En ny leverans ersätter bara "
            "leveranser vars hela period den omfattar; leverera hela perioden "
            f"{min(first, other.window_from).isoformat()}–{max(last, other.window_to).isoformat()}"
            " eller en period som inte överlappar. Ingenting har lagrats."
        )
    return covered


def _ranks(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Each row's position in the sorted distinct values of ``column`` (nulls first, as -1).

    Sorting and comparing small integers is much cheaper than sorting strings.
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = pc.dictionary_encode(column)
    distinct = len(encoded.dictionary)
    # One slot more than there are distinct values, for null.
    rank_of = np.full(distinct + 1, -1, dtype=np.int64)
    rank_of[pc.sort_indices(encoded.dictionary).to_numpy()] = np.arange(distinct)
    indices = encoded.indices
    if indices.null_count:
        indices = pc.fill_null(indices, pa.scalar(distinct, indices.type))
    return rank_of[indices.to_numpy()]


def _pack(keys: list[np.ndarray]) -> list[np.ndarray]:
    """Fold integer sort keys (most significant first) into as few int64 words as fit.

    Mixed-radix packing keeps the lexicographic order and equality of the keys, and sorting two
    words is much faster than sorting seven keys.
    """
    words: list[np.ndarray] = []
    current: np.ndarray | None = None
    span = 1
    for key in keys:
        low = int(key.min()) if key.size else 0
        width = int(key.max()) - low + 1 if key.size else 1
        shifted = key.astype(np.int64) - low
        if current is not None and span * width < 2**62:
            current = current * width + shifted
            span *= width
        else:
            if current is not None:
                words.append(current)
            current, span = shifted, width
    if current is not None:
        words.append(current)
    return words


def _pseudonym_order(pseudonyms: pa.Array) -> np.ndarray:
    """The indices that sort distinct pseudonyms (lower-case hex, all 64 digits long).

    Sorted by their first 16 digits as integers, which is their order as strings when those
    differ; when two share them (about once in 10^7 deliveries of a million patients), by the
    strings.
    """
    if len(pseudonyms) == 0:
        return np.zeros(0, dtype=np.int64)
    prefix = _prefix_ints(pseudonyms)
    order = np.argsort(prefix)
    ordered = prefix[order]
    if (ordered[1:] != ordered[:-1]).all():
        return order
    return pc.sort_indices(pseudonyms).to_numpy()


def _prepare_events(events: pa.Table) -> tuple[pa.Table, list[Issue]]:
    """Pseudonymise, sort by patient, pathway, date and drop exact duplicate rows.

    Returns the events in the event-store schema (``delivery_id`` still 0) and one warning per
    dropped row, naming the line it duplicates.
    """
    from lofte.core.pseudonym import pseudonymise_many

    numbers = pc.dictionary_encode(events.column("personnummer").combine_chunks())
    pseudonyms = pa.array(
        pseudonymise_many(numbers.dictionary.to_pylist(), config.pseudonym_key()),
        type=pa.string(),
    )
    patient_index = numbers.indices.to_numpy()
    del numbers
    # Rank of each row's pseudonym, from the ranks of the distinct pseudonyms.
    rank_of = np.empty(len(pseudonyms), dtype=np.int64)
    rank_of[_pseudonym_order(pseudonyms)] = np.arange(len(pseudonyms))
    patient_rank = rank_of[patient_index] if len(pseudonyms) else rank_of
    table = events.drop_columns(["personnummer"])

    # One integer key per event column, most significant last (numpy.lexsort), then the line so
    # that the first occurrence of a duplicate comes first and is the one kept.
    keys = [
        patient_rank,
        _ranks(table.column("pathway")),
        table.column("event_date").cast(pa.int32()).to_numpy(),
        table.column("suffix").to_numpy(),
        _ranks(table.column("reporting_region")),
        _ranks(table.column("residence_region")),
        _ranks(table.column("unit")),
    ]
    words = _pack(keys)
    lines = table.column("line").to_numpy()
    order = np.lexsort([lines, *reversed(words)])
    rows = order.size
    same_as_previous = np.ones(max(rows - 1, 0), dtype=bool)
    for word in words:
        ordered = word[order]
        same_as_previous &= ordered[1:] == ordered[:-1]
    duplicate = np.concatenate(([False], same_as_previous)) if rows else np.zeros(0, bool)

    warnings: list[Issue] = []
    if duplicate.any():
        ordered_lines = lines[order]
        run_start = np.maximum.accumulate(np.where(duplicate, 0, np.arange(rows)))
        for pos in np.flatnonzero(duplicate).tolist():
            warnings.append(
                Issue(
                    int(ordered_lines[pos]),
                    None,
                    None,
                    f"dubblettrad, identisk med rad {int(ordered_lines[run_start[pos]])} – "
                    "borttagen",
                    "duplicate_row",
                )
            )
        warnings.sort(key=lambda issue: issue.line or 0)
        order = order[~duplicate]

    # The pseudonyms are long strings: take them once, in their final order, from the distinct
    # values rather than reordering a full column.
    table = table.take(pa.array(order)).append_column(
        "patient", pseudonyms.take(pa.array(patient_index[order]))
    )
    table = table.append_column("delivery_id", pa.array(np.zeros(table.num_rows, np.int64)))
    return table.select(store.EVENT_SCHEMA.names).cast(store.EVENT_SCHEMA), warnings


def _flag_warnings(events: pa.Table, catalog: Any, region: str) -> tuple[list[Issue], np.ndarray]:
    """The engine's quality warnings (SPEC §4) on the delivery's own events, and the
    fingerprints of its patients (:func:`_fingerprints`).

    Other regions' active deliveries take part as context, so that a patient transferred from
    another region (who has a start there) is not reported as an orphan here.
    """
    from lofte.core import event_flags
    from lofte.svf import integrity

    others = list(
        Delivery.objects.filter(status=Delivery.Status.ACTIVE)
        .exclude(region=region)
        .exclude(events_path="")
    )
    # Missing, truncated or swapped context files (cheap: no hashing here; compute hashes all).
    integrity.verify(others, hash_files=False, action="importen")
    files = [config.home() / d.events_path for d in others]
    for stale in set(_FINGERPRINTS) - {str(p.resolve()) for p in files}:
        _FINGERPRINTS.pop(stale, None)
    flags, fingerprints = _quality_flags(events, catalog, files)
    warnings = []
    for row in flags.select(["line", "flag", "detail"]).to_pylist():
        reason = event_flags.label(row["flag"])  # Swedish, as the import's other messages
        if row["detail"]:
            reason = f"{reason}: {row['detail']}"
        warnings.append(Issue(row["line"], None, None, reason, row["flag"]))
    return warnings, fingerprints


def _quality_flags(
    events: pa.Table, catalog: Any, files: list[Path]
) -> tuple[pa.Table, np.ndarray]:
    """``engine.flag_events(events, catalog, context=files)``, computed on less, and the sorted
    fingerprints of the patients of ``events``.

    The engine assembles each patient's pathway on its own, so it is handed only what can
    change a flag of ``events``:

    - of the context ``files``, those that share a patient with ``events`` (the others add no
      row to the engine's context, which takes the rows of the delivery's patients and
      pathways);
    - of ``events``, every patient and pathway that :func:`_cannot_be_flagged` does not rule
      out, and everything of a patient who also occurs in a context file;
    - without context, short patient keys and no units (:func:`_assembly_keys`).

    ``tests/svf/test_quality_check.py`` holds the result to ``flag_events`` on everything.
    """
    from lofte.svf.engine import flag_events

    patients = pc.dictionary_encode(events.column("patient").combine_chunks())
    prints = _prefix_ints(patients.dictionary)
    shared = np.zeros(prints.size, dtype=bool)
    context = []
    for path in files:
        hit = _members(prints, _file_fingerprints(path))
        if hit.any():
            context.append(path)
            shared |= hit
    patient_index = patients.indices.to_numpy()
    check = ~_cannot_be_flagged(events, patient_index, catalog) | shared[patient_index]
    if not check.all():
        events = events.filter(pa.array(check))
    if context:
        flags = flag_events(events, catalog, context=context)
    else:
        flags = flag_events(_assembly_keys(events), catalog)
    return flags, np.unique(prints)


def _cannot_be_flagged(events: pa.Table, patient_index: np.ndarray, catalog: Any) -> np.ndarray:
    """Rows of the patients' pathways that the assembly cannot flag, on their own.

    The assembly (``sql/assemble.sql``) orders a patient's events of a pathway by date, then
    start (suffix 10) before other events before end events (the pathway's end suffixes and the
    exit suffixes). A pathway with exactly one start, on its earliest date, and at most one end,
    on its latest date, is one group opened by its first event and closed by its last: no
    duplicate start, no event before the start or after the end, no end before a start.
    """
    from lofte.svf.engine import catalog_relations

    rows = events.num_rows
    if rows == 0:
        return np.zeros(0, dtype=bool)
    pathways = pc.dictionary_encode(events.column("pathway").combine_chunks())
    pathway_index = pathways.indices.to_numpy()
    suffix = events.column("suffix").to_numpy().astype(np.int64)
    if suffix.min() < 0:  # not an SVF suffix: leave everything to the engine
        return np.zeros(rows, dtype=bool)
    ends = catalog_relations(catalog)["end_suffixes"]
    ends = ends.filter(pc.is_in(ends.column("pathway"), value_set=pathways.dictionary))
    end_pathway = pc.index_in(ends.column("pathway"), value_set=pathways.dictionary)
    end_suffix = ends.column("suffix").to_numpy().astype(np.int64)
    width = int(max(suffix.max(), end_suffix.max(initial=0))) + 1
    is_end_of = np.zeros((len(pathways.dictionary), width), dtype=bool)
    is_end_of[end_pathway.to_numpy().astype(np.int64), end_suffix] = True
    is_start = suffix == 10
    is_end = is_end_of[pathway_index, suffix] & ~is_start

    key = patient_index.astype(np.int64) * len(pathways.dictionary) + pathway_index
    _, group = np.unique(key, return_inverse=True)
    groups = int(group.max()) + 1
    day = events.column("event_date").cast(pa.int32()).to_numpy().astype(np.int64)
    starts = np.bincount(group[is_start], minlength=groups)
    ends_count = np.bincount(group[is_end], minlength=groups)
    first = np.full(groups, np.iinfo(np.int64).max)
    last = np.full(groups, np.iinfo(np.int64).min)
    np.minimum.at(first, group, day)
    np.maximum.at(last, group, day)
    start_day = np.zeros(groups, dtype=np.int64)
    start_day[group[is_start]] = day[is_start]
    end_day = np.zeros(groups, dtype=np.int64)
    end_day[group[is_end]] = day[is_end]
    clean = (
        (starts == 1)
        & (ends_count <= 1)
        & (start_day == first)
        & ((ends_count == 0) | (end_day == last))
    )
    return clean[group]


def _assembly_keys(events: pa.Table) -> pa.Table:
    """``events`` with each patient replaced by a short key and the unit left out.

    The assembly partitions by patient (equality only) and never reads the unit, so its flags
    are the same; a short string is much cheaper to partition and sort than a 64-character
    pseudonym. ``tests/svf/test_quality_check.py`` holds the two to the same flags.
    """
    patients = events.column("patient").combine_chunks()
    keys = pc.cast(pc.dictionary_encode(patients).indices, pa.string())
    table = events.set_column(events.schema.get_field_index("patient"), "patient", keys)
    return table.set_column(
        table.schema.get_field_index("unit"), "unit", pa.nulls(table.num_rows, pa.string())
    )


#: Sorted patient fingerprints (:func:`_fingerprints`) of event-store files, by path. The files
#: never change once written; the fingerprints are kept for the next import in the same process
#: (the benchmark, the desk's worker), those of files no longer active are dropped.
_FINGERPRINTS: dict[str, np.ndarray] = {}


def _prefix_ints(pseudonyms: pa.Array) -> np.ndarray:
    """The first 16 hex digits of each pseudonym as an unsigned 64-bit integer."""
    from lofte.svf.engine import hex_prefix_words

    words = hex_prefix_words(pseudonyms)
    if words is None:
        raise ValueError("a pseudonym is not 64 hex digits")
    return words


def _fingerprints(patients: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The distinct pseudonyms' first 16 hex digits as unsigned 64-bit integers, sorted."""
    distinct = pc.unique(patients)
    return np.unique(_prefix_ints(distinct))


def _members(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in ``sorted_set`` (sorted, distinct)."""
    if sorted_set.size == 0:
        return np.zeros(values.size, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), sorted_set.size - 1)
    return sorted_set[at] == values


def _file_fingerprints(path: Path) -> np.ndarray:
    key = str(path.resolve())
    found = _FINGERPRINTS.get(key)
    if found is None:
        import pyarrow.parquet as pq

        column = pq.read_table(path, columns=["patient"]).column("patient")
        found = _FINGERPRINTS[key] = _fingerprints(column)
    return found


def _remember_fingerprints(path: Path, fingerprints: np.ndarray) -> None:
    """Keep the fingerprints of a file just written, for the next import in this process."""
    _FINGERPRINTS[str(path.resolve())] = fingerprints


def _ignored_column_warnings(delivery_file: DeliveryFile) -> list[Issue]:
    return [
        Issue(delivery_file.header_line, name, None, "okänd kolumn – ignoreras", "ignored_column")
        for name in delivery_file.ignored_columns
    ]


def _issues_report(
    issues: list[Issue], total: int, file_name: str
) -> tuple[list[dict[str, Any]], bool]:
    kept = issues[:MAX_ISSUES]
    return [issue.as_dict(file_name) for issue in kept], total > len(kept)


def _reject(
    file_name: str,
    sha: str,
    region: str,
    window_from: dt.date | None,
    window_to: dt.date | None,
    user: str,
    errors: list[Issue],
    error_count: int,
    file_meta: dict[str, Any],
    rows: int,
) -> Delivery:
    """Record a rejected delivery with its report; nothing of the file is stored."""
    stored, truncated = _issues_report(errors, error_count, file_name)
    delivery = Delivery.objects.create(
        region=region,
        window_from=window_from,
        window_to=window_to,
        file_name=file_name[:255],
        sha256=sha,
        status=Delivery.Status.REJECTED,
        rows_read=rows,
        error_count=error_count,
        report={
            "file": file_meta or {"name": file_name, "sha256": sha},
            "errors": stored,
            "error_count": error_count,
            "warnings": [],
            "warning_count": 0,
            "truncated": truncated,
        },
        created_by=user[:150],
    )
    delivery.outcome = "rejected"
    delivery.message = (
        f"{file_name} avvisades: {error_count} fel. Ingenting ur leveransen har lagrats."
    )
    logger.info("SVF-leverans %s från region %s avvisad: %d fel", delivery.pk, region, error_count)
    return delivery


def _register(delivery: Delivery, events_file: Path, covered: list[Delivery]) -> None:
    """Point the delivery at its event file, with the file's hash and size as written, and
    supersede the deliveries it covers."""
    delivery.events_path = store.relative_path(events_file)
    delivery.events_sha256, delivery.events_bytes = store.file_digest(events_file)
    delivery.save(update_fields=["events_path", "events_sha256", "events_bytes"])
    if covered:
        Delivery.objects.filter(pk__in=[d.pk for d in covered]).update(
            status=Delivery.Status.SUPERSEDED, superseded_by=delivery
        )


def _store(
    events: pa.Table,
    *,
    region: str,
    window: tuple[dt.date, dt.date],
    file_name: str,
    sha: str,
    user: str,
    rows_read: int,
    duplicates: int,
    warnings: list[Issue],
    file_meta: dict[str, Any],
    window_given: tuple[bool, bool],
    progress: Callable[[int], None],
    fingerprints: np.ndarray,
) -> Delivery:
    """Write the event file and register it, atomically as seen from the database."""
    stored_warnings, truncated = _issues_report(warnings, len(warnings), file_name)
    written: Path | None = None
    try:
        with transaction.atomic():
            # Checked again under the transaction: another import may have committed meanwhile.
            covered = _covered_or_refuse(region, *window, lock=True)
            delivery = Delivery.objects.create(
                region=region,
                window_from=window[0],
                window_to=window[1],
                file_name=file_name[:255],
                sha256=sha,
                status=Delivery.Status.ACTIVE,
                rows_read=rows_read,
                rows_stored=events.num_rows,
                duplicates_dropped=duplicates,
                warning_count=len(warnings),
                report={
                    "file": file_meta,
                    "window": {
                        "from": window[0].isoformat(),
                        "to": window[1].isoformat(),
                        "from_given": window_given[0],
                        "to_given": window_given[1],
                    },
                    "errors": [],
                    "error_count": 0,
                    "warnings": stored_warnings,
                    "warning_count": len(warnings),
                    "truncated": truncated,
                    "superseded": [d.pk for d in covered],
                },
                created_by=user[:150],
            )
            ids = pa.array(np.full(events.num_rows, delivery.pk, dtype=np.int64))
            events = events.set_column(0, "delivery_id", ids)
            written = store.write_events(events, store.file_name(delivery.pk, sha))
            _remember_fingerprints(written, fingerprints)
            progress(5)
            _register(delivery, written, covered)
    except BaseException:
        if written is not None:
            store.remove_events(written)
        raise
    delivery.outcome = "imported"
    replaced = ", ".join(str(d.pk) for d in covered)
    delivery.message = (
        f"Leverans {delivery.pk} från region {region} importerad: {delivery.rows_stored} "
        f"händelser, period {window[0].isoformat()}–{window[1].isoformat()}, "
        f"{delivery.warning_count} varningar."
        + (f" Ersätter leverans {replaced}." if covered else "")
    )
    return delivery
