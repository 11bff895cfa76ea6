"""Who may change which action, and the changes themselves (each one in the history and the
audit log).

- ``rcc_admin`` edits every action and creates plans and actions.
- A ``process_leader`` edits the actions she is linked to as responsible, and those in her
  scope: an action linked to one of her counties or to their healthcare region, and — when her
  scope names pathways — to one of those pathways. Anyone else gets HTTP 403, which the staff
  middleware (``lofte.web.middleware``) writes to the audit log with the path.
- Every staff role (SPEC §1: "viewer: + plans") reads plans and actions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from lofte.web.audit.models import AuditEvent
from lofte.web.audit.service import record
from lofte.web.plans.models import Action, ActionLink, Goal, Plan, Status, StatusUpdate
from lofte.web.roles import (
    APPLICANT,
    PROCESS_LEADER,
    RCC_ADMIN,
    ROLES,
    has_role,
    pathways_of,
    regions_of,
)

#: Roles that read plans (every staff role; applicants are clinic staff outside the RCC).
READ_ROLES = frozenset(ROLES) - {APPLICANT}


def can_read(user: Any) -> bool:
    """Whether the user may read action plans."""
    return has_role(user, *READ_ROLES)


def can_admin(user: Any) -> bool:
    """Whether the user administers plans (RCC admin)."""
    return has_role(user, RCC_ADMIN)


def _parents(counties: list[str]) -> set[str]:
    from lofte.catalog import load

    catalog = load()
    out = set()
    for code in counties:
        region = catalog.regions.get(code)
        if region is not None and region.parent:
            out.add(region.parent)
    return out


def in_scope(user: Any, action: Action) -> bool:
    """The action concerns a county of the user's scope (or its healthcare region) and, when the
    scope names pathways, one of them."""
    if not has_role(user, PROCESS_LEADER):
        return False
    counties = regions_of(user)
    if not counties:
        return False
    links = list(action.links.all())
    regions = {link.code for link in links if link.kind == ActionLink.Kind.REGION}
    if not regions & (set(counties) | _parents(counties)):
        return False
    pathways = pathways_of(user)
    if pathways is None:
        return True
    return bool({link.code for link in links if link.kind == ActionLink.Kind.PATHWAY} & pathways)


def is_responsible(user: Any, action: Action) -> bool:
    """Whether the user is one of the action's responsible users."""
    return bool(getattr(user, "pk", None)) and action.responsible_users.filter(pk=user.pk).exists()


def can_edit(user: Any, action: Action) -> bool:
    """Whether the user may update the action (admin, its owner or a process leader in scope)."""
    if can_admin(user):
        return True
    if not has_role(user, PROCESS_LEADER):
        return False
    return is_responsible(user, action) or in_scope(user, action)


def _audit_region(action: Action) -> str:
    codes = action.codes(ActionLink.Kind.REGION)
    return codes[0] if len(codes) == 1 and len(codes[0]) <= 8 else ""


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def update_action(
    action: Action,
    user: Any,
    *,
    status: str,
    comment: str = "",
    start_date: dt.date | None = None,
    due_date: dt.date | None = None,
    date: dt.date | None = None,
    request: Any = None,
    synthetic: bool = False,
    username: str = "",
) -> StatusUpdate:
    """Record a dated status update (with comment and changed dates) and audit it."""
    if status not in Status.values:
        raise ValueError(f"okänd status '{status}'")
    changes: dict[str, list[Any]] = {}
    if status != action.status:
        changes["status"] = [action.status, status]
    if start_date != action.start_date:
        changes["start_date"] = [_iso(action.start_date), _iso(start_date)]
    if due_date != action.due_date:
        changes["due_date"] = [_iso(action.due_date), _iso(due_date)]
    action.status = status
    action.start_date = start_date
    action.due_date = due_date
    action.save(update_fields=["status", "start_date", "due_date", "updated_at"])
    if getattr(user, "is_authenticated", False):
        username = user.get_username()
    username = username or "system"
    update = StatusUpdate.objects.create(
        action=action,
        date=date or dt.date.today(),
        status=status,
        comment=comment,
        user=user if getattr(user, "is_authenticated", False) else None,
        username=username,
        changes=changes,
        synthetic=synthetic,
    )
    record(
        AuditEvent.Action.ACTION_CHANGED,
        user=user if getattr(user, "is_authenticated", False) else None,
        username=username,
        request=request,
        obj=action,
        region=_audit_region(action),
        details={
            "plan": action.plan.slug,
            "action": action.ref,
            "status": status,
            "changes": changes,
            "comment": comment[:200],
        },
    )
    return update


def next_ref(plan: Plan, prefix: str = "N") -> str:
    """The first free reference ``<prefix><n>`` of the plan."""
    taken = set(Action.objects.filter(goal__area__plan=plan).values_list("ref", flat=True))
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


@transaction.atomic
def create_action(
    goal: Goal,
    user: Any,
    *,
    title: str,
    responsible: str = "",
    users: list[Any] | None = None,
    status: str = Status.PLANERAS,
    start_date: dt.date | None = None,
    due_date: dt.date | None = None,
    indicators: list[str] | None = None,
    regions: list[str] | None = None,
    pathways: list[str] | None = None,
    note: str = "",
    request: Any = None,
) -> Action:
    """Create an action under ``goal`` with its links; audited."""
    plan = goal.area.plan
    position = goal.actions.count()
    action = Action.objects.create(
        goal=goal,
        position=position,
        ref=next_ref(plan),
        title=title,
        status=status,
        responsible=responsible,
        start_date=start_date,
        due_date=due_date,
        note=note,
    )
    if users:
        action.responsible_users.set(users)
    set_links(action, indicators or [], regions or [], pathways or [])
    StatusUpdate.objects.create(
        action=action,
        date=dt.date.today(),
        status=status,
        comment="Åtgärden skapades",
        user=user,
        username=user.get_username(),
    )
    record(
        AuditEvent.Action.ACTION_CREATED,
        request=request,
        user=user,
        obj=action,
        region=_audit_region(action),
        details={
            "plan": plan.slug,
            "action": action.ref,
            "title": title[:200],
            "indicators": indicators or [],
            "regions": regions or [],
        },
    )
    return action


def set_links(
    action: Action, indicators: list[str], regions: list[str], pathways: list[str]
) -> None:
    """Link the action to the given indicators, regions and pathways (adding only)."""
    for kind, codes in (
        (ActionLink.Kind.INDICATOR, indicators),
        (ActionLink.Kind.REGION, regions),
        (ActionLink.Kind.PATHWAY, pathways),
    ):
        for code in codes:
            ActionLink.objects.get_or_create(action=action, kind=kind, code=code)


@transaction.atomic
def link_gap(action: Action, user: Any, indicator: str, region: str, request: Any = None) -> None:
    """Link an existing action to a gap (indicator × region) and audit it."""
    set_links(action, [indicator], [region], [])
    record(
        AuditEvent.Action.ACTION_CHANGED,
        request=request,
        user=user,
        obj=action,
        region=region[:8],
        details={
            "plan": action.plan.slug,
            "action": action.ref,
            "linked": {"indicator": indicator, "region": region},
        },
    )


@transaction.atomic
def create_plan(
    user: Any,
    *,
    slug: str,
    name: str,
    organisation: str,
    period: str = "",
    region: str = "",
    request: Any = None,
) -> Plan:
    """Create a plan (its period parsed from the text as written); audited."""
    from lofte.core import when

    parsed = when.parse(period)
    plan = Plan.objects.create(
        slug=slug,
        name=name,
        organisation=organisation,
        period=period,
        period_start=parsed.start,
        period_end=parsed.due,
        region=region,
    )
    record(
        AuditEvent.Action.PLAN_CREATED,
        request=request,
        user=user,
        obj=plan,
        object_id=plan.slug,
        region=region if len(region) <= 8 else "",
        details={"name": name, "organisation": organisation},
    )
    return plan


def quarter_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the calendar quarter of ``today``."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = dt.date(today.year, first_month, 1)
    end_month = first_month + 2
    end = (
        dt.date(today.year + 1, 1, 1) if end_month == 12 else dt.date(today.year, end_month + 1, 1)
    ) - dt.timedelta(days=1)
    return start, end
