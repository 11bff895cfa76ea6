"""Applications from the web and granted projects after the decision (SPEC §11).

- :func:`save_draft` creates or changes a draft (applicants, budget lines, indicators, actions);
- :func:`attach` stores a checked PDF/XLSX (:mod:`lofte.grants.files`), refusals audited;
- :func:`submit_report` takes an interim or final report with its A3 summary (granted → reporting);
- :func:`close` ends a project that has its final report (reporting → closed);
- :func:`send_reminders` mails applicants before their reports are due (Django's mail framework,
  once per project, report and due date — as the action plans' reminders, docs/adr/0303).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from lofte.grants import eligibility, files
from lofte.grants.assessment import audit
from lofte.grants.calls import CallError
from lofte.grants.models import (
    Applicant,
    Application,
    Attachment,
    BudgetLine,
    Call,
    GrantReminderSent,
    ProjectReport,
    WhatIfCitation,
)

GRANTED = (Application.Status.GRANTED, Application.Status.PARTLY_GRANTED)
#: Statuses of a project that has money (shown publicly, reminded, linked to indicators).
FUNDED = (*GRANTED, Application.Status.REPORTING, Application.Status.CLOSED)


def save_draft(
    call: Call,
    user: Any,
    *,
    title: str,
    area: str,
    aims: str,
    requested: int,
    applicants: list[eligibility.Applicant],
    budget: list[tuple[str, int]],
    indicators: list[str],
    actions: list[Any],
    whatif: list[Any] | None = None,
    application: Application | None = None,
    request: Any = None,
) -> Application:
    """A new draft, or the draft ``application`` changed; only drafts can be changed.
    ``whatif``: the *Vad händer om…?* results it cites (:class:`lofte.grants.whatif.Cited`,
    already checked to be published); None leaves the citations as they are."""
    if application is not None and application.status != Application.Status.DRAFT:
        raise CallError("bara utkast kan ändras")
    with transaction.atomic():
        if application is None:
            application = Application(call=call, created_by=user.get_username(), owner=user)
        application.title = title.strip()
        application.area = area
        application.aims = aims.strip()
        application.requested = requested
        application.indicators = list(indicators)
        application.save()
        application.applicants.all().delete()
        Applicant.objects.bulk_create(
            Applicant(application=application, unit=a.unit, region=a.region, kind=a.kind)
            for a in applicants
        )
        application.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(application=application, label=label, amount=amount)
            for label, amount in budget
        )
        application.actions.set(actions)
        details: dict[str, Any] = {
            "call": call.pk,
            "requested": requested,
            "applicants": len(applicants),
        }
        if whatif is not None:
            _store_whatif(application, whatif)
            details["whatif"] = [
                [c.region, c.pathway, c.period, c.interval, c.days] for c in whatif
            ]
        audit("application_saved", user, application, details, request=request)
    return application


def _computed_at() -> dt.datetime | None:
    """When the instances the what-if figures come from were computed (the file's time)."""
    from lofte.cube import service

    path = service.instances_path()
    if not path.is_file():
        return None
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)


def _store_whatif(application: Application, cited: list[Any]) -> None:
    """Replace the application's *Vad händer om…?* citations with ``cited``
    (:class:`lofte.grants.whatif.Cited`, checked to be published by the form)."""
    application.whatif_citations.all().delete()
    when = _computed_at() or timezone.now()
    WhatIfCitation.objects.bulk_create(
        WhatIfCitation(
            application=application,
            region=c.region,
            pathway=c.pathway,
            period=c.period,
            interval=c.interval,
            days=c.days,
            n=c.outcome.n,
            within_before=c.outcome.within_before,
            within_after=c.outcome.within_after,
            computed_at=when,
        )
        for c in cited
    )


def attach(
    application: Application,
    kind: str,
    name: str,
    data: bytes,
    user: Any,
    request: Any = None,
) -> Attachment:
    """Store a checked file; a refusal is audited and raised as ``CallError``."""
    return _store(
        application, kind, _checked(application, name, data, user, request), user, request
    )


def _checked(
    application: Application, name: str, data: bytes, user: Any, request: Any
) -> files.Checked:
    try:
        return files.check(name, data)
    except files.AttachmentError as exc:
        audit(
            "attachment_refused",
            user,
            application,
            {"name": files.clean_name(name), "size": len(data), "reason": str(exc)},
            request=request,
        )
        raise CallError(str(exc)) from None


def _store(
    application: Application, kind: str, checked: files.Checked, user: Any, request: Any
) -> Attachment:
    attachment = Attachment.objects.create(
        application=application,
        kind=kind,
        name=checked.name,
        file_type=checked.file_type,
        size=checked.size,
        sha256=checked.sha256,
        content=checked.content,
        uploaded_by=user.get_username(),
    )
    audit(
        "attachment_uploaded",
        user,
        application,
        {"name": checked.name, "type": checked.file_type, "size": checked.size, "kind": kind},
        request=request,
    )
    return attachment


def submit_report(
    application: Application,
    kind: str,
    summary: str,
    a3_name: str,
    a3_data: bytes,
    user: Any,
    request: Any = None,
) -> ProjectReport:
    """An interim or final report; the project goes into *återrapportering*."""
    if application.status not in (*GRANTED, Application.Status.REPORTING):
        raise CallError(
            f"ansökan är {application.get_status_display().lower()}; bara beviljade projekt "
            "återrapporteras"
        )
    if kind not in ProjectReport.Kind.values:
        raise CallError("okänd typ av rapport")
    if application.reports.filter(kind=kind).exists():
        raise CallError(f"{ProjectReport.Kind(kind).label} är redan inlämnad")
    if (
        kind == ProjectReport.Kind.FINAL
        and not application.reports.filter(kind=ProjectReport.Kind.INTERIM).exists()
    ):
        raise CallError("lämna delrapporten före slutrapporten")
    if len(summary.strip()) < 20:
        raise CallError("skriv en sammanfattning av läget (minst 20 tecken)")
    a3_kind = "interim_a3" if kind == "interim" else "final_a3"
    checked = _checked(application, a3_name, a3_data, user, request)  # refusals stay audited
    with transaction.atomic():
        a3 = _store(application, a3_kind, checked, user, request)
        report = ProjectReport.objects.create(
            application=application,
            kind=kind,
            summary=summary.strip(),
            a3=a3,
            submitted_by=user.get_username(),
        )
        if application.status != Application.Status.REPORTING:
            application.status = Application.Status.REPORTING
            application.save(update_fields=["status"])
        audit("project_reported", user, application, {"kind": kind}, request=request)
    return report


def close(application: Application, user: Any, request: Any = None) -> None:
    """Close a project under reporting once its final report is in, and audit it; ``CallError``
    otherwise, so a project cannot be closed before it has reported."""
    if application.status != Application.Status.REPORTING:
        raise CallError("bara projekt under återrapportering kan avslutas")
    if not application.reports.filter(kind=ProjectReport.Kind.FINAL).exists():
        raise CallError("projektet kan inte avslutas innan slutrapporten är inlämnad")
    application.status = Application.Status.CLOSED
    application.save(update_fields=["status"])
    audit("application_status", user, application, {"to": "closed"}, request=request)


def set_due_dates(
    application: Application,
    user: Any,
    *,
    interim: dt.date | None,
    final: dt.date | None,
    request: Any = None,
) -> None:
    """Move a project's report due dates (None: back to the call's)."""
    a, b = interim or application.call.interim_report, final or application.call.final_report
    if a and b and b < a:
        raise CallError("slutrapporten kan inte ligga före delrapporten")
    old = [str(application.interim_date), str(application.final_date)]
    application.interim_due, application.final_due = interim, final
    application.save(update_fields=["interim_due", "final_due"])
    audit(
        "application_status",
        user,
        application,
        {"due_dates": [old, [str(application.interim_date), str(application.final_date)]]},
        request=request,
    )


# --- reminders ---------------------------------------------------------------------------------


def due_reports(today: dt.date, days: int) -> list[tuple[Application, str, dt.date]]:
    """Reports of funded, open projects due within ``days`` (or overdue) and not yet in."""
    horizon = today + dt.timedelta(days=days)
    out = []
    projects = (
        Application.objects.filter(status__in=(*GRANTED, Application.Status.REPORTING))
        .select_related("call", "owner")
        .prefetch_related("reports")
        .order_by("pk")
    )
    for application in projects:
        done = {r.kind for r in application.reports.all()}
        for kind, due in (("interim", application.interim_date), ("final", application.final_date)):
            if due is not None and due <= horizon and kind not in done:
                out.append((application, kind, due))
                break  # the interim report first; the final one after it is in
    return out


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def send_reminders(today: dt.date | None = None, days: int = 14, base_url: str = "") -> int:
    """Mail each project's applicant about a report due soon or overdue; returns mails sent."""
    from django.urls import reverse

    today = today or timezone.localdate()
    base = (base_url or getattr(settings, "LOFTE_BASE_URL", "")).rstrip("/")
    names = {"interim": "delrapport", "final": "slutrapport"}
    sent = 0
    for application, kind, due in due_reports(today, days):
        owner = application.owner
        if owner is None or not owner.email:
            continue
        if GrantReminderSent.objects.filter(
            application=application, kind=kind, due_date=due
        ).exists():
            continue
        late = due < today
        subject = (
            f"Löfte: {names[kind]} {'skulle ha lämnats' if late else 'ska lämnas'} {due} – "
            f"{_one_line(application.title, 60)}"
        )
        body = "\n".join(
            [
                f"Projektets {names[kind]} {'är försenad' if late else 'ska snart lämnas'}.",
                "",
                f"Projekt: {application.title}",
                f"Utlysning: {application.call.title}",
                f"Sista dag: {due.isoformat()}",
                "",
                "Lämna rapporten med A3-sammanfattning i Löfte:",
                base + reverse("grants:application", args=[application.pk]),
                "",
                "(Automatiskt meddelande från Löfte – svara inte på det här brevet.)",
            ]
        )
        with transaction.atomic():
            GrantReminderSent.objects.create(
                application=application, kind=kind, due_date=due, recipients=[owner.email]
            )
            EmailMessage(subject=_one_line(subject, 150), body=body, to=[owner.email]).send()
            audit(
                "reminder_sent",
                "system",
                application,
                {"kind": f"grant_{kind}", "due": due.isoformat(), "recipients": 1},
            )
        sent += 1
    return sent
