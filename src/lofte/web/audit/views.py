"""The audit log viewer: filters by event, user, region and date, newest first, paged.

``rcc_admin`` sees every event. A coordinator sees the events of her own regions (deliveries,
list views and exports there), so that she can follow who looked at her region's patients.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from lofte.web.audit.forms import AuditFilterForm
from lofte.web.audit.models import AuditEvent
from lofte.web.roles import RCC_ADMIN, SVF_COORDINATOR, has_role, regions_of

PAGE_SIZE = 50


def visible_events(user: Any) -> QuerySet[AuditEvent]:
    """The events ``user`` may read (none raises PermissionDenied)."""
    events = AuditEvent.objects.select_related("user")
    if has_role(user, RCC_ADMIN):
        return events
    if has_role(user, SVF_COORDINATOR):
        return events.filter(region__in=regions_of(user)).exclude(region="")
    raise PermissionDenied("ingen behörighet till granskningsloggen")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """The audit log, filtered, for the events the user may see."""
    events = visible_events(request.user)
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["user"]:
            events = events.filter(username__iexact=data["user"].strip())
        if data["region"]:
            events = events.filter(region=data["region"].strip())
        if data["date_from"]:
            events = events.filter(at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            events = events.filter(at__lt=_day_start(data["date_to"] + dt.timedelta(days=1)))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
