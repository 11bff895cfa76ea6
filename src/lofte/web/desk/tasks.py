"""Background work started from the web: delivery imports, compute and reports (django-tasks).

Each task gets the id of a :class:`lofte.web.desk.models.Job` and writes its progress there;
the page polls the job's JSON status. In production the tasks run in ``manage.py db_worker``
(database backend, started by ``lofte serve``); tests use the immediate backend or run the
worker in-process.

A task never lets an unexpected exception's message reach the job or the log: messages of
libraries that read the delivery may quote a row, personnummer included. Only the exception type
is kept.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from lofte import config
from lofte.web.audit.models import AuditEvent
from lofte.web.audit.service import record
from lofte.web.desk.models import Job

logger = logging.getLogger(__name__)

COMPUTE_STAGES = ["assemble", "cells", "suppression", "write"]
COMPUTE_LABELS = {
    "assemble": "Bygger vårdförlopp",
    "cells": "Beräknar indikatorer",
    "suppression": "Röjandekontroll",
    "write": "Sparar kuben",
}


def _update(job_id: int, **fields: Any) -> None:
    Job.objects.filter(pk=job_id).update(updated_at=timezone.now(), **fields)


def enqueue(job: Job) -> None:
    """Start ``job``'s task once the transaction that created it is committed."""
    runner = {
        Job.Kind.IMPORT: run_import,
        Job.Kind.COMPUTE: run_compute,
        Job.Kind.REPORT: run_report,
    }[Job.Kind(job.kind)]
    job_id = job.pk

    def start() -> None:
        result = runner.enqueue(job_id)
        _update(job_id, task_id=str(result.id))

    transaction.on_commit(start)


def _internal_error(job: Job, step: str, exc: BaseException) -> None:
    from lofte.faults import explain

    message = explain(exc)
    if message is not None:
        # An operator fault (full disk, busy home, damaged event store, missing key): say what.
        logger.error("Jobb %s (%s): %s", job.pk, job.kind, message)
        _update(job.pk, status=Job.Status.FAILED, message=f"Kunde inte slutföras: {message}")
        return
    where = type(exc).__name__
    logger.error("Jobb %s (%s): internt fel vid %s (%s)", job.pk, job.kind, step, where)
    _update(
        job.pk,
        status=Job.Status.FAILED,
        message=f"Internt fel vid {step} ({where}). Kontakta RCC:s administratör.",
    )


# --- import ---------------------------------------------------------------------------------


def would_supersede(job: Job, path: Path) -> list[dict[str, Any]]:
    """The active deliveries the upload would supersede (empty: nothing to confirm).

    When the window is not given it is the file's first and last event date, so the file is read
    and validated once here; a file with errors needs no confirmation (it will be rejected).
    """
    from lofte.svf.models import Delivery
    from lofte.svf.reader import DeliveryFileError, read_delivery, sha256_of

    active = Delivery.objects.filter(region=job.region, status=Delivery.Status.ACTIVE)
    if not active.exists() or active.filter(sha256=sha256_of(path)).exists():
        return []
    first, last = job.window_from, job.window_to
    if first is None or last is None:
        from lofte.catalog import load
        from lofte.svf.validate import validate

        try:
            result = validate(
                read_delivery(path),
                job.region,
                catalog=load(),
                today=timezone.localdate(),
                window_from=first,
                window_to=last,
            )
        except DeliveryFileError:
            return []
        if not result.ok or result.min_date is None or result.max_date is None:
            return []
        first, last = first or result.min_date, last or result.max_date
    covered = active.filter(window_from__gte=first, window_to__lte=last).order_by("id")
    return [
        {
            "id": d.pk,
            "file_name": d.file_name,
            "window_from": d.window_from.isoformat() if d.window_from else None,
            "window_to": d.window_to.isoformat() if d.window_to else None,
            "rows": d.rows_stored,
        }
        for d in covered
    ]


@task()
def run_import(job_id: int) -> str:
    """Import the uploaded delivery of job ``job_id`` (asks first if it would supersede)."""
    from lofte.svf.deliveries import PROGRESS_STEPS, STEP_LABELS

    job = Job.objects.select_related("user").get(pk=job_id)
    if job.finished:
        return str(job.status)
    path = config.home() / job.upload_path
    _update(job_id, status=Job.Status.RUNNING, done=0, total=PROGRESS_STEPS, step=STEP_LABELS[0])
    keep_file = False
    try:
        if not job.confirmed:
            covered = would_supersede(job, path)
            if covered:
                keep_file = True
                ids = ", ".join(str(d["id"]) for d in covered)
                _update(
                    job_id,
                    status=Job.Status.CONFIRM,
                    supersedes=covered,
                    step="",
                    message=f"Leveransen ersätter aktiv leverans {ids}. Bekräfta för att "
                    "importera.",
                )
                return Job.Status.CONFIRM
        return _import(job, path)
    except Exception as exc:
        _internal_error(job, "import", exc)
        return Job.Status.FAILED
    finally:
        if not keep_file:
            path.unlink(missing_ok=True)
            _update(job_id, upload_path="")


def _import(job: Job, path: Path) -> str:
    """Import the job's file and audit the outcome; the job's new status."""
    from lofte.svf.deliveries import (
        PROGRESS_STEPS,
        STEP_LABELS,
        DeliveryError,
        DeliveryRefused,
        import_delivery,
    )

    job_id, user = job.pk, job.user

    def progress(done: int, total: int) -> None:
        _update(job_id, done=done, total=total, step=STEP_LABELS.get(done, ""))

    try:
        delivery = import_delivery(
            path,
            job.region,
            window_from=job.window_from,
            window_to=job.window_to,
            user=user.get_username() if user else "",
            progress=progress,
        )
    except DeliveryRefused as exc:
        _update(job_id, status=Job.Status.FAILED, message=str(exc))
        record(
            AuditEvent.Action.DELIVERY_REFUSED,
            user=user,
            region=job.region,
            object_type="Job",
            object_id=job_id,
            details={"file": job.file_name, "reason": str(exc)},
        )
        return Job.Status.FAILED
    except (DeliveryError, ValueError) as exc:
        _update(job_id, status=Job.Status.FAILED, message=str(exc))
        return Job.Status.FAILED
    _audit_import(job, delivery)
    _update(
        job_id,
        status=Job.Status.DONE,
        delivery=delivery,
        done=PROGRESS_STEPS,
        step=STEP_LABELS[6],
        message=delivery.message,
    )
    return Job.Status.DONE


def _audit_import(job: Job, delivery: Any) -> None:
    """Audit an import's outcome (imported, rejected or unchanged) with its counts."""
    action = {
        "imported": AuditEvent.Action.DELIVERY_IMPORTED,
        "rejected": AuditEvent.Action.DELIVERY_REJECTED,
        "unchanged": AuditEvent.Action.DELIVERY_UNCHANGED,
    }[delivery.outcome]
    record(
        action,
        user=job.user,
        obj=delivery,
        region=job.region,
        details={
            "file": delivery.file_name,
            "outcome": delivery.outcome,
            "rows": delivery.rows_stored,
            "errors": delivery.error_count,
            "warnings": delivery.warning_count,
            "superseded": (delivery.report or {}).get("superseded", []),
        },
    )


def discard_upload(job: Job) -> None:
    """Cancel a job waiting for confirmation and remove its uploaded file."""
    if job.upload_path:
        (config.home() / job.upload_path).unlink(missing_ok=True)
    _update(job.pk, status=Job.Status.CANCELLED, upload_path="", message="Avbruten.")


# --- compute and report ---------------------------------------------------------------------


@task()
def run_compute(job_id: int) -> str:
    """Rebuild pathway instances and the cube (``lofte compute``)."""
    from lofte.cube import service

    job = Job.objects.select_related("user").get(pk=job_id)
    _update(job_id, status=Job.Status.RUNNING, done=0, total=len(COMPUTE_STAGES))
    seen: list[str] = []

    def stage(name: str) -> None:
        seen.append(name)
        _update(job_id, done=len(seen), step=COMPUTE_LABELS.get(name, name))

    try:
        from lofte.web.audit.catalog import record_changes

        record_changes(user=job.user)
        run = service.compute(progress=stage)
    except Exception as exc:
        _internal_error(job, "beräkning", exc)
        return Job.Status.FAILED
    message = f"Beräknat: {run.instances} vårdförlopp, {run.cells} celler."
    _update(job_id, status=Job.Status.DONE, done=len(COMPUTE_STAGES), step="", message=message)
    record(
        AuditEvent.Action.COMPUTE,
        user=job.user,
        object_type="ComputeRun",
        object_id=run.pk,
        details={"instances": run.instances, "cells": run.cells, "deliveries": run.deliveries},
    )
    return Job.Status.DONE


@task()
def run_report(job_id: int) -> str:
    """Write the results report of a healthcare region and period (SPEC §9)."""
    from lofte.reports.service import ReportError, write_report

    job = Job.objects.select_related("user").get(pk=job_id)
    region, period = job.params.get("healthcare_region", ""), job.params.get("period", "")
    _update(job_id, status=Job.Status.RUNNING, done=0, total=1, step="Skriver rapporten")
    try:
        written = write_report(region, period, out=None)
    except ReportError as exc:
        # Bad request (no cube, no data for the period, unknown region): say why, in Swedish.
        _update(job_id, status=Job.Status.FAILED, message=f"Rapporten kunde inte skrivas: {exc}")
        return Job.Status.FAILED
    except Exception as exc:
        _internal_error(job, "rapport", exc)
        return Job.Status.FAILED
    _update(
        job_id,
        status=Job.Status.DONE,
        done=1,
        step="",
        message=f"Rapporten för {region} {period} är skriven.",
    )
    record(
        AuditEvent.Action.REPORT,
        user=job.user,
        region=region,
        details={"period": period, "written": str(written) if written is not None else ""},
    )
    return Job.Status.DONE
