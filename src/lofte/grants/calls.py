"""Calls (*utlysningar*) with their timeline, and applications from draft to submitted (SPEC §11).

The timeline is a set of editable dates on the call; ``set_dates`` keeps them in order (open ≤
deadline ≤ assessment ≤ proposal ≤ decision ≤ publication ≤ interim ≤ final report). ``submit``
checks an application against the call – still open, requested amount, at least one applicant,
the eligibility rule – and refuses with a Swedish message; both outcomes are audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from lofte.grants import eligibility
from lofte.grants.models import Applicant, Application, BudgetLine, Call
from lofte.grants.reconcile import kr

#: The order the timeline's dates must keep, with their Swedish names.
TIMELINE = (
    ("opens", "ansökan öppnar"),
    ("deadline", "sista ansökningsdag"),
    ("assessment_from", "bedömning från"),
    ("assessment_to", "bedömning till"),
    ("proposal", "fördelningsförslag"),
    ("decision", "besked om medelsfördelning"),
    ("publication", "publicering av beviljade projekt"),
    ("interim_report", "delrapport"),
    ("final_report", "slutrapport"),
)

#: Seed 004, "Process för 2025 års medel för förbättringsprojekt i Sydöst". Publication is given
#: only as "April" (stored as 30 April); the final report is 15/9 in the process slide and
#: 15 november in the follow-up slide – the process slide's date is used, editable per call.
SEED_004_TIMELINE = {
    "opens": dt.date(2025, 1, 27),
    "deadline": dt.date(2025, 2, 17),
    "assessment_from": dt.date(2025, 2, 25),
    "assessment_to": dt.date(2025, 2, 26),
    "proposal": dt.date(2025, 3, 4),
    "decision": dt.date(2025, 3, 14),
    "publication": dt.date(2025, 4, 30),
    "interim_report": dt.date(2025, 9, 1),
    "final_report": dt.date(2025, 9, 15),
}
#: Seed 004, "Förslag återstående medel inom patologi och radiologi": pathology or radiology
#: applicants from at least two regions, or a care unit and radiology or pathology of one region.
SEED_004_RULE = "diagnostics_regions>=2 | care_and_diagnostics_same_region"


class CallError(ValueError):
    """A refused change or submission; the message is Swedish."""


def _audit(action: str, username: str, obj: Any, details: dict[str, Any]) -> None:
    from lofte.web.audit.service import record

    record(action, username=username, obj=obj, details=details)


def _check_order(dates: dict[str, dt.date | None]) -> None:
    names = dict(TIMELINE)
    previous: tuple[str, dt.date] | None = None
    for field, _ in TIMELINE:
        value = dates.get(field)
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            raise CallError(
                f"{names[field]} ({value:%Y-%m-%d}) kan inte ligga före "
                f"{names[previous[0]]} ({previous[1]:%Y-%m-%d})"
            )
        previous = (field, value)


def create_call(
    year: int,
    title: str,
    areas: list[str],
    *,
    timeline: dict[str, dt.date],
    eligibility_rule: str = "any",
    budget: int | None = None,
    source: str = "",
    username: str = "",
) -> Call:
    """A new call; the rule is parsed and the dates checked before anything is stored."""
    try:
        eligibility.parse(eligibility_rule)
    except eligibility.RuleError as exc:
        raise CallError(str(exc)) from None
    unknown = set(timeline) - dict(TIMELINE).keys()
    if unknown:
        raise CallError(f"okända datum i tidsplanen: {', '.join(sorted(unknown))}")
    if "opens" not in timeline or "deadline" not in timeline:
        raise CallError("tidsplanen måste ha datum för när ansökan öppnar och sista ansökningsdag")
    _check_order(dict(timeline))
    call = Call.objects.create(
        year=year,
        title=title,
        areas="; ".join(areas),
        budget=budget,
        eligibility=eligibility_rule,
        source=source,
        **timeline,
    )
    _audit("call_created", username, call, {"title": title, "rule": eligibility_rule})
    return call


def set_dates(call: Call, username: str = "", **dates: dt.date | None) -> Call:
    """Move dates of the timeline (audited with the old and new dates); order is kept."""
    names = dict(TIMELINE)
    unknown = set(dates) - names.keys()
    if unknown:
        raise CallError(f"okända datum i tidsplanen: {', '.join(sorted(unknown))}")
    if any(dates.get(f, 1) is None for f in ("opens", "deadline")):
        raise CallError("öppningsdatum och sista ansökningsdag kan inte tas bort")
    merged = {f: getattr(call, f) for f in names} | dates
    _check_order(merged)
    changes = {
        f: [str(getattr(call, f)), str(v)] for f, v in dates.items() if getattr(call, f) != v
    }
    for field, value in dates.items():
        setattr(call, field, value)
    call.save(update_fields=list(dates) or None)
    if changes:
        _audit("call_dates_changed", username, call, {"changes": changes})
    return call


def draft(
    call: Call,
    title: str,
    area: str,
    applicants: list[eligibility.Applicant],
    *,
    requested: int = 0,
    aims: str = "",
    indicators: list[str] | None = None,
    budget: list[tuple[str, int]] | None = None,
    username: str = "",
) -> Application:
    """A draft application (nothing is checked against the call until it is submitted)."""
    with transaction.atomic():
        application = Application.objects.create(
            call=call,
            title=title,
            area=area,
            requested=requested,
            aims=aims,
            indicators=list(indicators or []),
            created_by=username,
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(application=application, label=label, amount=amount)
            for label, amount in budget or []
        )
        Applicant.objects.bulk_create(
            Applicant(application=application, unit=a.unit, region=a.region, kind=a.kind)
            for a in applicants
        )
    return application


def submit(application: Application, username: str = "", now: dt.datetime | None = None) -> None:
    """draft → submitted, or ``CallError`` saying why not (the refusal is audited too)."""
    now = now or timezone.now()
    call = application.call
    problem = _submission_problem(application, call, timezone.localdate(now))
    if problem is not None:
        _audit("application_refused", username, application, {"reason": problem})
        raise CallError(problem)
    with transaction.atomic():
        application.status = Application.Status.SUBMITTED
        application.submitted_at = now
        application.save(update_fields=["status", "submitted_at"])
        _audit("application_submitted", username, application, {"call": call.pk})


def _submission_problem(application: Application, call: Call, today: dt.date) -> str | None:
    """Why the application cannot be submitted today (the first reason found), or None."""
    return (
        _timing_problem(application, call, today)
        or _request_problem(application, call)
        or _budget_lines_problem(application)
        or _content_problem(application, call)
    )


def _timing_problem(application: Application, call: Call, today: dt.date) -> str | None:
    """A draft is submitted while the call is open, between its opening and its deadline."""
    if application.status != Application.Status.DRAFT:
        return f"ansökan är redan {application.get_status_display().lower()}"
    if today < call.opens:
        return f"utlysningen öppnar först {call.opens:%Y-%m-%d}"
    if today > call.deadline:
        return f"sista ansökningsdag var {call.deadline:%Y-%m-%d}"
    return None


def _request_problem(application: Application, call: Call) -> str | None:
    """The application names one of the call's areas, a title and an amount within its
    budget."""
    areas = [a.strip() for a in call.areas.split(";") if a.strip()]
    if areas and application.area not in areas:
        return f"området {application.area} ingår inte i utlysningen ({', '.join(areas)})"
    if application.requested <= 0:
        return "ange sökt belopp i hela kronor"
    if call.budget is not None and application.requested > call.budget:
        return f"sökt belopp {kr(application.requested)} är mer än utlysningens {kr(call.budget)}"
    if not application.title.strip():
        return "ansökan saknar titel"
    return None


def _budget_lines_problem(application: Application) -> str | None:
    """Budget lines, where given, are not negative and add up to the amount requested."""
    lines = list(application.budget_lines.all())
    if lines and sum(b.amount for b in lines) != application.requested:
        return (
            f"budgetraderna summerar till {kr(sum(b.amount for b in lines))}, men sökt belopp "
            f"är {kr(application.requested)}"
        )
    if any(b.amount < 0 for b in lines):
        return "en budgetrad har negativt belopp"
    return None


def _content_problem(application: Application, call: Call) -> str | None:
    """The indicators are in the catalogue and the applicants meet the call's eligibility
    rule."""
    from lofte import catalog

    known = catalog.load().indicators
    unknown = [code for code in application.indicators if code not in known]
    if unknown:
        return f"okända indikatorer: {', '.join(unknown)} (se 'lofte catalog show indicators')"
    applicants = [
        eligibility.Applicant(a.unit, a.region, a.kind) for a in application.applicants.all()
    ]
    return eligibility.check(call.eligibility, applicants)


@dataclass(frozen=True)
class ListItem:
    """One line of the decision-meeting list (*beslutsunderlag*)."""

    application: int
    title: str
    area: str
    requested: int
    #: The pool's remaining amount if this and every application above it were granted in full.
    remaining_after: int | None
    fits: bool


def running_fit(
    year: int, applications: list[Application]
) -> list[tuple[Application, int | None, int | None]]:
    """Each application with its pool's remaining amount before it and after it, as if it and
    every application before it in the same area were granted in full (None: no pool)."""
    from lofte.grants import ledger as pools
    from lofte.grants.models import Pool

    running: dict[str, int | None] = {}
    out = []
    for application in applications:
        if application.area not in running:
            pool = Pool.objects.filter(year=year, area=application.area).first()
            running[application.area] = None if pool is None else pools.figures(pool).remaining
        before = running[application.area]
        after = None if before is None else before - application.requested
        running[application.area] = after
        out.append((application, before, after))
    return out


def decision_list(call: Call) -> list[ListItem]:
    """Submitted applications of a call by area with the pool's running budget fit."""
    waiting = call.applications.filter(status=Application.Status.SUBMITTED).order_by("area", "id")
    return [
        ListItem(
            application.pk,
            application.title,
            application.area,
            application.requested,
            after,
            after is not None and after >= 0,
        )
        for application, _before, after in running_fit(call.year, list(waiting))
    ]


def decide(
    application: Application,
    amount: int,
    *,
    username: str = "",
    override_reason: str = "",
    now: dt.datetime | None = None,
) -> Application:
    """Record the decision: 0 rejects; ≤ requested grants (partly) from the pool of the call's
    year and the application's area – beyond its budget only with ``override_reason``."""
    from lofte.grants import ledger

    if application.status not in (Application.Status.SUBMITTED, Application.Status.IN_ASSESSMENT):
        raise CallError(
            f"ansökan är {application.get_status_display().lower()}; bara inskickade ansökningar "
            "kan beslutas"
        )
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise CallError(f"beviljat belopp måste vara hela kronor ≥ 0, inte {amount!r}")
    if amount > application.requested:
        raise CallError(
            f"beviljat belopp {kr(amount)} är mer än det sökta {kr(application.requested)}"
        )
    with transaction.atomic():
        if amount > 0:
            regions = sorted({a.region for a in application.applicants.all()})
            try:
                ledger.grant(
                    application.call.year,
                    application.area,
                    amount,
                    application.title,
                    region=regions[0] if len(regions) == 1 else "",
                    username=username,
                    override_reason=override_reason,
                    application=application,
                )
            except ledger.LedgerError as exc:
                raise CallError(str(exc)) from None
        status = (
            Application.Status.REJECTED
            if amount == 0
            else Application.Status.GRANTED
            if amount == application.requested
            else Application.Status.PARTLY_GRANTED
        )
        application.status = status
        application.decided_amount = amount
        application.decided_at = now or timezone.now()
        application.save(update_fields=["status", "decided_amount", "decided_at"])
        _audit(
            "application_decided",
            username,
            application,
            {"status": status, "amount": amount, "requested": application.requested},
        )
    return application
