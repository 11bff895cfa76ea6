"""Reminder mails: before an action's due date and when it has passed (Django's mail framework).

``send_reminders(today, days=14)`` mails each linked account with an e-mail address about every
open action of hers that is due within ``days`` (*förfaller snart*) or overdue (*försenad*),
once per action, kind and due date (:class:`ReminderSent`), so that running it daily — from
cron or a systemd timer as ``lofte plans remind`` — sends each reminder once; a moved due date
gives a new one. Where the mails go is Django's ``EMAIL_BACKEND`` (settings: SMTP from the
environment, files under ``LOFTE_HOME/mail`` otherwise; the tests use the in-memory backend).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from lofte.web.audit.models import AuditEvent
from lofte.web.audit.service import record
from lofte.web.plans.models import OPEN, Action, ReminderSent

SUBJECTS = {
    ReminderSent.Kind.DUE_SOON: "Löfte: åtgärd ska vara klar {due} – {title}",
    ReminderSent.Kind.OVERDUE: "Löfte: försenad åtgärd (skulle vara klar {due}) – {title}",
}


def _one_line(text: str, limit: int = 80) -> str:
    """Text for a mail header: no line breaks (header injection), at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _body(action: Action, kind: str, url: str) -> str:
    state = "är försenad" if kind == ReminderSent.Kind.OVERDUE else "ska snart vara klar"
    lines = [
        f"Åtgärden {state}.",
        "",
        f"Åtgärd: {action.title}",
        f"Plan: {action.plan.name} ({action.plan.organisation})",
        f"Mål: {action.goal.text}",
        f"Ansvarig: {action.responsible or '–'}",
        f"Status: {action.get_status_display()}",
        f"Klart senast: {action.due_date.isoformat() if action.due_date else '–'}",
        "",
        "Uppdatera status, kommentar eller datum i Löfte:",
        url,
        "",
        "(Automatiskt meddelande från Löfte – svara inte på det här brevet.)",
    ]
    return "\n".join(lines)


def due_actions(today: dt.date, days: int) -> list[tuple[Action, ReminderSent.Kind]]:
    """Open actions due within ``days`` of ``today`` or overdue, with the reminder's kind."""
    horizon = today + dt.timedelta(days=days)
    actions = (
        Action.objects.filter(status__in=OPEN, due_date__isnull=False, due_date__lte=horizon)
        .select_related("goal__area__plan")
        .prefetch_related("responsible_users")
        .order_by("due_date", "pk")
    )
    return [
        (a, ReminderSent.Kind.OVERDUE if a.due_date < today else ReminderSent.Kind.DUE_SOON)
        for a in actions
        if a.due_date is not None
    ]


def send_reminders(today: dt.date | None = None, days: int = 14, base_url: str = "") -> int:
    """Send the reminders that are due; returns how many mails went out."""
    from django.urls import reverse

    today = today or dt.date.today()
    base = base_url or getattr(settings, "LOFTE_BASE_URL", "")
    sent = 0
    for action, kind in due_actions(today, days):
        assert action.due_date is not None
        recipients = sorted({u.email for u in action.responsible_users.all() if u.email})
        if not recipients:
            continue
        if ReminderSent.objects.filter(action=action, kind=kind, due_date=action.due_date).exists():
            continue
        url = base.rstrip("/") + reverse("plans:action", args=[action.pk])
        subject = SUBJECTS[kind].format(
            due=action.due_date.isoformat(), title=_one_line(action.title, 60)
        )
        message = EmailMessage(
            subject=_one_line(subject, 150),
            body=_body(action, kind, url),
            to=recipients,
        )
        with transaction.atomic():
            ReminderSent.objects.create(
                action=action, kind=kind, due_date=action.due_date, recipients=recipients
            )
            message.send(fail_silently=False)
            record(
                AuditEvent.Action.REMINDER_SENT,
                username="system",
                obj=action,
                details={
                    "plan": action.plan.slug,
                    "action": action.ref,
                    "kind": str(kind),
                    "due": action.due_date.isoformat(),
                    "recipients": len(recipients),
                },
            )
        sent += 1
    return sent


def remind_task(*args: Any, **kwargs: Any) -> int:
    """Entry point for a scheduler (cron, systemd timer, django-tasks worker)."""
    return send_reminders(*args, **kwargs)
