"""The daily reminder run as a scheduled background task (django-tasks, database backend).

``schedule_daily()`` puts one :func:`daily_reminders` in the queue for the next morning at
``REMINDER_HOUR`` (Stockholm time) unless one is already waiting; each run sends the reminders
that are due and queues the next day's run, so the worker that ``lofte serve`` starts keeps the
chain going. ``lofte plans remind --daily`` starts it; cron running ``lofte plans remind`` is the
alternative for installations without the worker. Sending twice is harmless: each reminder is
sent once per action, kind and due date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import default_task_backend, task

REMINDER_HOUR = 7


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    """The next ``REMINDER_HOUR``:00 in the installation's time zone after ``now``."""
    local = timezone.localtime(now or timezone.now())
    candidate = local.replace(hour=REMINDER_HOUR, minute=0, second=0, microsecond=0)
    if candidate <= local:
        candidate += dt.timedelta(days=1)
    return candidate


@task()
def daily_reminders(days: int = 14) -> int:
    """Send the due-date reminders of plans and grants, then schedule the next run."""
    from lofte.web import providers
    from lofte.web.plans.reminders import send_reminders

    try:
        return send_reminders(days=days) + providers.project_reminders(days)
    finally:
        schedule_daily(days, chained=True)


def _waiting() -> bool:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return False
    return DBTaskResult.objects.filter(
        task_path=daily_reminders.module_path, status="READY"
    ).exists()


def schedule_daily(days: int = 14, *, chained: bool = False, now: Any = None) -> Any:
    """Queue the next daily run (None when the backend cannot defer or one is waiting)."""
    if not default_task_backend.supports_defer:
        return None
    if not chained and _waiting():
        return None
    return daily_reminders.using(run_after=next_run(now)).enqueue(days=days)
