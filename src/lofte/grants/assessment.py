"""Assessment of applications (SPEC §11): criteria with weights and a scale, assessors (patient
council members included), conflicts of interest, the score summary and the decision-meeting list.

An assessor is assigned to a call with the unit and region she comes from. Whether she may open
and score an application is decided by :func:`conflict` and the call's ``conflict_rule``: with
``"unit"`` an assessor from one of the applicant units is excluded, with ``"region"`` (the
default) also one from any applicant's region. A refusal is audited (``conflict_refused``) with
the application and the reason; the assessor sees the reason, never the application.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from lofte.grants.calls import CallError
from lofte.grants.models import (
    Application,
    Assessment,
    Call,
    CallAssessor,
    Criterion,
)

#: Justifications shorter than this are not a written justification.
MIN_JUSTIFICATION = 20


class ConflictOfInterest(CallError):
    """The assessor may not open or score the application (*jäv*)."""


def audit(action: str, user: Any, obj: Any, details: dict[str, Any], request: Any = None) -> None:
    """Record a grants event in the audit log in the name of ``user`` (a user or a plain name, as
    the command line passes it); every change the grants services make goes through here."""
    from lofte.web.audit.service import record

    username = getattr(user, "get_username", lambda: str(user or ""))()
    record(action, user=user, request=request, obj=obj, details=details, username=username)


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def add_criterion(
    call: Call, name: str, *, weight: int, scale_max: int, description: str = "", user: Any = None
) -> Criterion:
    """Add an assessment criterion to a call, with its weight (1–100) and its scale (1 to 2–10);
    refused with ``CallError`` once any application of the call has been assessed, because the
    scores given would no longer add up."""
    name = name.strip()
    if not name:
        raise CallError("ange kriteriets namn")
    if not 1 <= weight <= 100:
        raise CallError("vikten måste vara ett heltal från 1 till 100")
    if not 2 <= scale_max <= 10:
        raise CallError("skalan måste gå från 1 till mellan 2 och 10")
    if call.criteria.filter(name=name).exists():
        raise CallError(f"utlysningen har redan kriteriet {name!r}")
    if Assessment.objects.filter(application__call=call).exists():
        raise CallError("bedömningen har börjat; kriterierna kan inte längre ändras")
    criterion = Criterion.objects.create(
        call=call,
        name=name,
        weight=weight,
        scale_max=scale_max,
        description=description.strip(),
        position=call.criteria.count(),
    )
    audit("call_changed", user, call, {"criterion": name, "weight": weight, "scale": scale_max})
    return criterion


def add_assessor(
    call: Call,
    assessor_user: Any,
    *,
    unit: str,
    region: str,
    patient_council: bool = False,
    user: Any = None,
) -> CallAssessor:
    """Put a user with the assessor role on a call's panel, with the unit and region that the
    conflict-of-interest rule compares with the applicants; ``CallError`` if she lacks the role or
    is already on it."""
    from lofte.web.roles import ASSESSOR, has_role

    if not has_role(assessor_user, ASSESSOR):
        raise CallError(f"{assessor_user.get_username()} har inte rollen bedömare (assessor)")
    if call.assessors.filter(user=assessor_user).exists():
        raise CallError(f"{assessor_user.get_username()} är redan bedömare i utlysningen")
    row = CallAssessor.objects.create(
        call=call,
        user=assessor_user,
        unit=unit.strip(),
        region=region.strip(),
        patient_council=patient_council,
    )
    audit(
        "call_changed",
        user,
        call,
        {
            "assessor": assessor_user.get_username(),
            "unit": row.unit,
            "region": row.region,
            "patient_council": patient_council,
        },
    )
    return row


def assessor_of(call: Call, user: Any) -> CallAssessor | None:
    """The user's place on the call's panel, or None (also for an anonymous user): what makes her
    an assessor of this call rather than of another."""
    return call.assessors.filter(user=user).first() if user.is_authenticated else None


def conflict(application: Application, assessor: CallAssessor) -> str | None:
    """Why ``assessor`` may not assess ``application`` (Swedish), or None."""
    applicants = list(application.applicants.all())
    if assessor.unit and _norm(assessor.unit) in {_norm(a.unit) for a in applicants}:
        return f"jäv: du kommer från {assessor.unit}, som är sökande enhet i ansökan"
    regions = {a.region for a in applicants}
    if application.call.conflict_rule == "region" and assessor.region in regions:
        return (
            f"jäv: du kommer från region {assessor.region}, och utlysningen utesluter "
            "bedömare från de sökandes regioner"
        )
    return None


def require_no_conflict(
    application: Application, assessor: CallAssessor, request: Any = None
) -> None:
    """Raise :class:`ConflictOfInterest` (audited) when the assessor may not open it."""
    reason = conflict(application, assessor)
    if reason is not None:
        audit(
            "conflict_refused",
            assessor.user,
            application,
            {"call": application.call_id, "reason": reason, "rule": application.call.conflict_rule},
            request=request,
        )
        raise ConflictOfInterest(reason)


def start_assessment(call: Call, user: Any = None) -> int:
    """submitted → in assessment for every submitted application of the call."""
    if not call.criteria.exists():
        raise CallError("lägg till bedömningskriterier innan bedömningen startar")
    with transaction.atomic():
        ids = list(
            call.applications.filter(status=Application.Status.SUBMITTED).values_list(
                "pk", flat=True
            )
        )
        Application.objects.filter(pk__in=ids).update(status=Application.Status.IN_ASSESSMENT)
        audit("application_status", user, call, {"to": "in_assessment", "applications": ids})
    return len(ids)


def save_assessment(
    application: Application,
    assessor: CallAssessor,
    scores: dict[int, int],
    justification: str,
    recommendation: str,
    request: Any = None,
) -> Assessment:
    """Store (or replace) one assessor's scores; every criterion, within its scale, justified."""
    require_no_conflict(application, assessor, request)
    if application.status != Application.Status.IN_ASSESSMENT:
        raise CallError(
            f"ansökan är {application.get_status_display().lower()}; bara ansökningar under "
            "bedömning kan bedömas"
        )
    criteria = list(application.call.criteria.all())
    clean: dict[str, int] = {}
    for c in criteria:
        value = scores.get(c.pk)
        if value is None:
            raise CallError(f"ange poäng för {c.name}")
        if not 1 <= value <= c.scale_max:
            raise CallError(f"poängen för {c.name} ska vara 1–{c.scale_max}, inte {value}")
        clean[str(c.pk)] = value
    text = justification.strip()
    if len(text) < MIN_JUSTIFICATION:
        raise CallError(
            f"skriv en motivering (minst {MIN_JUSTIFICATION} tecken); poäng utan motivering "
            "sparas inte"
        )
    if recommendation not in Assessment.Recommendation.values:
        raise CallError("välj en rekommendation")
    with transaction.atomic():
        assessment, _ = Assessment.objects.update_or_create(
            application=application,
            assessor=assessor,
            defaults={
                "scores": clean,
                "justification": text,
                "recommendation": recommendation,
            },
        )
        audit(
            "assessment_saved",
            assessor.user,
            application,
            {"scores": clean, "recommendation": recommendation},
            request=request,
        )
    return assessment


@dataclass
class Summary:
    """The assessors' scores of one application."""

    n: int = 0
    #: Weighted score as a share of the maximum, 0–100 (None: not assessed).
    score: float | None = None
    #: Per criterion: (name, weight, scale, mean score or None).
    criteria: list[tuple[str, int, int, float | None]] = field(default_factory=list)
    recommendation: str = ""
    recommendations: dict[str, int] = field(default_factory=dict)
    patient_council: int = 0


def weighted(scores: dict[str, int], criteria: list[Criterion]) -> float:
    """An assessment's weighted score as a share of the maximum, 0–100: each criterion's score over
    its scale, weighted by the criterion's weight."""
    total = sum(c.weight for c in criteria)
    return 100 * sum(c.weight * scores[str(c.pk)] / c.scale_max for c in criteria) / total


def summary(application: Application) -> Summary:
    """The assessors' scores of an application summed up for the decision meeting: the mean
    per criterion, the mean weighted score of complete assessments, the recommendations."""
    criteria = list(application.call.criteria.all())
    rows = list(application.assessments.select_related("assessor"))
    labels = {k: str(v) for k, v in Assessment.Recommendation.choices}
    counts = Counter(r.recommendation for r in rows)
    return Summary(
        n=len(rows),
        score=_mean_score(criteria, rows),
        criteria=[(c.name, c.weight, c.scale_max, _mean(c, rows)) for c in criteria],
        recommendation=_most_recommended(counts, labels),
        recommendations={labels[k]: v for k, v in counts.most_common()},
        patient_council=sum(1 for r in rows if r.assessor.patient_council),
    )


def _mean(criterion: Criterion, rows: list[Assessment]) -> float | None:
    """The mean score given on one criterion by the assessments that scored it."""
    values = [r.scores[str(criterion.pk)] for r in rows if str(criterion.pk) in r.scores]
    return sum(values) / len(values) if values else None


def _mean_score(criteria: list[Criterion], rows: list[Assessment]) -> float | None:
    """The mean weighted score of the assessments that scored every criterion (None: none
    did, or the call has no criteria)."""
    complete = [r for r in rows if all(str(c.pk) in r.scores for c in criteria)]
    if not (complete and criteria):
        return None
    return sum(weighted(r.scores, criteria) for r in complete) / len(complete)


def _most_recommended(counts: Counter[str], labels: dict[str, str]) -> str:
    """The recommendation most assessors gave; a tie names the tied ones, "A / B"."""
    if not counts:
        return ""
    top = counts.most_common()
    tied = [k for k, v in top if v == top[0][1]]
    return labels[tied[0]] if len(tied) == 1 else " / ".join(labels[k] for k in tied)


@dataclass(frozen=True)
class MeetingItem:
    """One line of the decision meeting's list (*beslutsunderlag*)."""

    application: Application
    summary: Summary
    #: The pool's remaining amount before and if this and every application above it in the
    #: same area were granted in full (None: the call's year has no pool for the area).
    remaining_before: int | None
    remaining_after: int | None

    @property
    def fits(self) -> bool:
        """Whether the pool still has enough left if this application and every one above it in its
        area were granted in full (False also when the year has no pool for the area)."""
        return self.remaining_after is not None and self.remaining_after >= 0


def meeting_list(call: Call) -> list[MeetingItem]:
    """The undecided applications of a call, per area by score (best first), with the pool's
    running budget fit (its remaining amount in the ledger, less each request above)."""
    from lofte.grants import calls

    waiting = list(
        call.applications.filter(
            status__in=(Application.Status.SUBMITTED, Application.Status.IN_ASSESSMENT)
        ).prefetch_related("applicants")
    )
    summaries = {a.pk: summary(a) for a in waiting}
    waiting.sort(key=lambda a: (a.area, -(summaries[a.pk].score or -1), a.pk))
    return [
        MeetingItem(application, summaries[application.pk], before, after)
        for application, before, after in calls.running_fit(call.year, waiting)
    ]
