"""The page of one application: what it shows, and which forms it offers to whom.

The view (:func:`lofte.grants.views.application_detail` and the POST views that show the page
again with a form's errors) parses the request – who the viewer is, in which language, which
bound form failed – and renders ``grants/application.html`` with :func:`context`. The rules of
who may do what at which status are one plain function, :func:`offers`, that needs neither the
request nor the database, the way the results site's page models are built (ADR 0720).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.forms import Form

from lofte.grants import assessment, eligibility, followup, ledger, outcomes
from lofte.grants import whatif as grant_whatif
from lofte.grants.forms import (
    AssessmentForm,
    AttachmentForm,
    DecisionForm,
    DueDatesForm,
    PaymentForm,
    ReportForm,
)
from lofte.grants.models import Application, Attachment, CallAssessor, Pool

#: Statuses at which a decision maker may still decide an application.
OPEN_FOR_DECISION = (Application.Status.SUBMITTED, Application.Status.IN_ASSESSMENT)
#: Statuses of a granted project that still reports (report forms, due dates).
REPORTING = (*followup.GRANTED, Application.Status.REPORTING)


@dataclass(frozen=True)
class Viewer:
    """Who looks at an application: ``how`` is the view's verdict ("owner", "overseer" or
    "assessor"), the flags are the viewer's roles, ``assessor`` her place in the call's panel
    when she opens it as an assessor."""

    how: str
    admin: bool
    decision_maker: bool
    assessor: CallAssessor | None = None


@dataclass(frozen=True)
class Offers:
    """The forms and buttons an application's page offers the viewer; ``report`` is the kind
    of project report the owner may hand in next ("interim", "final"), or None."""

    attach: bool
    assess: bool
    decide: bool
    report: str | None
    due_dates: bool
    pay: bool
    close: bool
    submit: bool


def next_report(handed_in: Collection[str]) -> str | None:
    """The project report due next, given the kinds already handed in: the interim report
    first, then the final one, then none."""
    if len(handed_in) >= 2:
        return None
    return "final" if "interim" in handed_in else "interim"


def offers(viewer: Viewer, status: str, handed_in: Collection[str], paid: bool) -> Offers:
    """What the viewer may do at the application's ``status``: the owner edits, attaches and
    submits her draft and reports on a granted project; an assessor scores while the call is
    in assessment; a decision maker decides an open application; rcc_admin moves due dates,
    pays a granted amount (``paid``: one was decided) and closes a reporting project."""
    owner = viewer.how == "owner"
    draft = status == Application.Status.DRAFT
    reporting = status in REPORTING
    return Offers(
        attach=owner and draft,
        assess=viewer.assessor is not None and status == Application.Status.IN_ASSESSMENT,
        decide=viewer.decision_maker and status in OPEN_FOR_DECISION,
        report=next_report(handed_in) if owner and reporting else None,
        due_dates=viewer.admin and reporting,
        pay=viewer.admin and paid,
        close=viewer.admin and status == Application.Status.REPORTING,
        submit=owner and draft,
    )


def pool_row(year: int, area: str) -> ledger.PoolRow | None:
    """The ledger line of the pool an application is paid from, if that pool was imported."""
    pool = Pool.objects.filter(year=year, area=area).first()
    return None if pool is None else ledger.row(pool)


def _assessment_form(application: Application, mine: Any, bound: Form | None) -> Form:
    """The assessor's form: the one she just posted, else her earlier assessment to edit."""
    if bound is not None:
        return bound
    initial: dict[str, Any] = {}
    if mine is not None:
        initial = {"justification": mine.justification, "recommendation": mine.recommendation}
        initial |= {f"score_{k}": v for k, v in mine.scores.items()}
    return AssessmentForm(initial=initial, criteria=list(application.call.criteria.all()))


def _forms(
    application: Application, offer: Offers, mine: Any, bound: Mapping[str, Form]
) -> dict[str, Form | None]:
    """The page's forms: a form posted with errors (``bound``) is shown again in place of a
    fresh one; a fresh one only where ``offer`` allows it."""
    due = {"interim_due": application.interim_date, "final_due": application.final_date}
    return {
        "attach_form": bound.get("attach_form") or (AttachmentForm() if offer.attach else None),
        "assessment_form": _assessment_form(application, mine, bound.get("assessment_form"))
        if offer.assess
        else None,
        "decision_form": bound.get("decision_form")
        or (DecisionForm(initial={"amount": application.requested}) if offer.decide else None),
        "report_form": (bound.get("report_form") or ReportForm(initial={"kind": offer.report}))
        if offer.report
        else None,
        "due_form": bound.get("due_form")
        or (DueDatesForm(initial=due) if offer.due_dates else None),
        "payment_form": bound.get("payment_form")
        or (PaymentForm(initial={"label": application.title[:300]}) if offer.pay else None),
    }


def _oversight(application: Application, overseer: bool) -> dict[str, Any]:
    """What only overseers see: the assessments and their summary, the pool, the payments."""
    if not overseer:
        return {"summary": None, "assessments": None, "pool": None, "payments": None}
    return {
        "summary": assessment.summary(application),
        "assessments": application.assessments.select_related("assessor__user"),
        "pool": pool_row(application.call.year, application.area),
        "payments": application.ledger_entries.filter(kind="payment"),
    }


def _content(application: Application, lang: str) -> dict[str, Any]:
    """What every viewer sees: the applicants, budget, indicators, linked plan actions, cited
    what-if results, attachments and the before/after comparison of a closed project."""
    from lofte.catalog import load

    catalog = load()
    return {
        "applicants": [
            (a, eligibility.KINDS.get(a.kind, a.kind)) for a in application.applicants.all()
        ],
        "budget": application.budget_lines.all(),
        "indicators": [
            (c, catalog.indicators[c].name_sv if c in catalog.indicators else c)
            for c in application.indicators
        ],
        "actions": application.actions.select_related("goal__area__plan"),
        "whatif": grant_whatif.shown(application, lang),
        "attachments": application.attachments.filter(kind=Attachment.Kind.APPLICATION),
        "comparisons": outcomes.before_after(application),
        "budget_sum": sum(b.amount for b in application.budget_lines.all()),
    }


def context(
    application: Application, viewer: Viewer, lang: str, bound: Mapping[str, Form]
) -> dict[str, Any]:
    """The template context of ``grants/application.html`` for ``viewer`` in ``lang``
    ("sv"/"en"); ``bound`` holds a POSTed form that failed, by its context name."""
    status = application.status
    mine = None
    if viewer.assessor is not None:
        mine = application.assessments.filter(assessor=viewer.assessor).first()
    reports = {r.kind: r for r in application.reports.select_related("a3")}
    offer = offers(viewer, status, reports, bool(application.decided_amount))
    return {
        "application": application,
        "call": application.call,
        "how": viewer.how,
        "mine": mine,
        "decided": status in (*followup.FUNDED, Application.Status.REJECTED),
        "reports": reports,
        "can_close": offer.close,
        "can_submit": offer.submit,
        **_content(application, lang),
        **_oversight(application, viewer.how == "overseer"),
        **_forms(application, offer, mine, bound),
    }
