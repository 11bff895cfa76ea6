"""Web pages of the grants (SPEC §11): calls, applications, assessment, decisions, follow-up.

Who may do what (roles of SPEC §1, ``lofte.web.roles``):

- ``rcc_admin``: everything – calls and their timeline, criteria and assessors, starting the
  assessment, moving report due dates, closing projects, the ledger and the summary;
- ``applicant``: her own applications (draft, submit, attachments, reports, decision letter);
- ``assessor``: the applications of the calls she is assigned to, unless she has a conflict of
  interest (refused with 403 and audited, ``conflict_refused``);
- ``decision_maker``: the decision-meeting list, decisions and letters, the ledger;
- ``statistician``: reads calls, the meeting list, the ledger and the summary.

Changes go through the services (:mod:`lofte.grants.calls`, ``assessment``, ``followup``), which
audit them; a refusal there (``CallError``) is shown as a message, never as a traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lofte.core import i18n
from lofte.grants import (
    application_page,
    assessment,
    calls,
    eligibility,
    followup,
    ledger,
    outcomes,
)
from lofte.grants import whatif as grant_whatif
from lofte.grants.application_page import OPEN_FOR_DECISION
from lofte.grants.assessment import audit
from lofte.grants.calls import CallError
from lofte.grants.files import CONTENT_TYPES
from lofte.grants.forms import (
    TIMELINE_LABELS,
    ApplicantRows,
    ApplicationForm,
    AssessmentForm,
    AssessorForm,
    AttachmentForm,
    BudgetRows,
    CallForm,
    CriterionForm,
    DecisionForm,
    DueDatesForm,
    PaymentForm,
    ReportForm,
    TimelineForm,
    WhatIfRows,
)
from lofte.grants.models import Application, Attachment, Call, Pool, ProjectReport
from lofte.web.roles import (
    APPLICANT,
    ASSESSOR,
    DECISION_MAKER,
    RCC_ADMIN,
    RCC_STATISTICIAN,
    has_role,
    roles_of,
    signed_in_user,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

GRANT_ROLES = (APPLICANT, ASSESSOR, DECISION_MAKER, RCC_ADMIN, RCC_STATISTICIAN)
#: Roles that see every submitted application and the decision-meeting list.
OVERSEERS = (DECISION_MAKER, RCC_ADMIN, RCC_STATISTICIAN)


def _require(request: HttpRequest, *roles: str) -> None:
    if not has_role(request.user, *roles):
        raise PermissionDenied("ingen behörighet")


def _admin(request: HttpRequest) -> bool:
    return has_role(request.user, RCC_ADMIN)


def _call_areas(call: Call) -> list[str]:
    return [a.strip() for a in call.areas.split(";") if a.strip()]


def _timeline(call: Call) -> list[tuple[StrPromise, Any]]:
    return [(TIMELINE_LABELS[f], getattr(call, f)) for f, _w in calls.TIMELINE]


def _carry_out(
    request: HttpRequest,
    form: Form,
    action: Callable[[dict[str, Any]], Any],
    done: str,
    then: Callable[[Any], HttpResponse],
    field: str | None = None,
    refusals: tuple[type[Exception], ...] = (CallError,),
) -> HttpResponse | None:
    """A POSTed form carried out by a grants service, the same way on every page: a valid
    form's cleaned data go to ``action`` (a service, which audits what it changes); the
    service's refusal becomes an error on ``field`` (None: the whole form), its success the
    message ``done`` and ``then(result)`` (a redirect). None: show the form again."""
    if not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except refusals as exc:
        form.add_error(field, str(exc))
        return None
    messages.success(request, done)
    return then(result)


# --- calls -------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The grants start page: every call, and by role the applicant's own applications, the calls
    the assessor sits on and the form for a new call (rcc_admin)."""
    _require(request, *GRANT_ROLES)
    user = signed_in_user(request)
    roles = roles_of(user)
    mine = (
        Application.objects.filter(owner=user).select_related("call").order_by("-id")
        if APPLICANT in roles
        else Application.objects.none()
    )
    assigned = Call.objects.filter(assessors__user=user) if ASSESSOR in roles else None
    form = CallForm(initial={"year": timezone.localdate().year}) if RCC_ADMIN in roles else None
    return render(
        request,
        "grants/home.html",
        {
            "calls": Call.objects.order_by("-year", "-id"),
            "mine": mine,
            "assigned": assigned,
            "form": form,
            "today": timezone.localdate(),
            "overseer": has_role(user, *OVERSEERS),
        },
    )


@login_required
@require_POST
def call_create(request: HttpRequest) -> HttpResponse:
    """Create a call from the new-call form (rcc_admin) and go to its page; an invalid form or a
    refusal shows the start page again with the errors."""
    _require(request, RCC_ADMIN)
    form = CallForm(request.POST)

    def create(data: dict[str, Any]) -> Call:
        call = calls.create_call(
            data["year"],
            data["title"].strip(),
            [a.strip() for a in data["areas"].split(";") if a.strip()],
            timeline={f: data[f] for f, _w in calls.TIMELINE if data.get(f)},
            eligibility_rule=data["eligibility"],
            budget=data["budget"],
            username=request.user.get_username(),
        )
        call.conflict_rule = data["conflict_rule"]
        call.save(update_fields=["conflict_rule"])
        return call

    done = _carry_out(
        request,
        form,
        create,
        _("Utlysningen skapades."),
        lambda call: redirect("grants:call", pk=call.pk),
    )
    if done:
        return done
    return render(
        request,
        "grants/home.html",
        {
            "calls": Call.objects.order_by("-year", "-id"),
            "mine": Application.objects.none(),
            "form": form,
            "today": timezone.localdate(),
            "overseer": True,
        },
        status=400,
    )


def _visible_applications(request: HttpRequest, call: Call) -> Any:
    user = request.user
    qs = call.applications.prefetch_related("applicants").order_by("area", "id")
    if has_role(user, *OVERSEERS):
        return qs.exclude(status=Application.Status.DRAFT)
    if has_role(user, ASSESSOR) and assessment.assessor_of(call, user) is not None:
        return qs.exclude(status__in=(Application.Status.DRAFT, Application.Status.SUBMITTED))
    if has_role(user, APPLICANT):
        return qs.filter(owner=signed_in_user(request))
    return qs.none()


def _call_page(request: HttpRequest, call: Call, **forms: Any) -> HttpResponse:
    admin = _admin(request)
    me = assessment.assessor_of(call, request.user) if has_role(request.user, ASSESSOR) else None
    rows = []
    for application in _visible_applications(request, call):
        conflict = assessment.conflict(application, me) if me is not None else None
        rows.append((application, conflict))
    initial = {f: getattr(call, f) for f, _w in calls.TIMELINE}
    today = timezone.localdate()
    return render(
        request,
        "grants/call.html",
        {
            "call": call,
            "timeline": _timeline(call),
            "rule": eligibility.describe(call.eligibility),
            "areas": _call_areas(call),
            "criteria": call.criteria.all(),
            "assessors": call.assessors.select_related("user") if admin else None,
            "rows": rows,
            "me": me,
            "admin": admin,
            "overseer": has_role(request.user, *OVERSEERS),
            "can_apply": has_role(request.user, APPLICANT) and today <= call.deadline,
            "timeline_form": forms.get("timeline_form")
            or (TimelineForm(initial=initial) if admin else None),
            "criterion_form": forms.get("criterion_form") or (CriterionForm() if admin else None),
            "assessor_form": forms.get("assessor_form") or (AssessorForm() if admin else None),
            "submitted": call.applications.filter(status=Application.Status.SUBMITTED).count(),
        },
        status=400 if forms else 200,
    )


@login_required
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A call's page: its timeline, rule, criteria and the applications the user may see, with
    conflicts marked for an assessor and the set-up forms for rcc_admin."""
    _require(request, *GRANT_ROLES)
    return _call_page(request, get_object_or_404(Call, pk=pk))


@login_required
@require_POST
def call_dates(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a call's timeline (rcc_admin); a refusal shows the call's page with the errors."""
    _require(request, RCC_ADMIN)
    call = get_object_or_404(Call, pk=pk)
    form = TimelineForm(request.POST)
    done = _carry_out(
        request,
        form,
        lambda d: calls.set_dates(call, request.user.get_username(), **d),
        _("Tidsplanen sparades."),
        lambda _r: redirect("grants:call", pk=call.pk),
    )
    if done:
        return done
    call.refresh_from_db()
    return _call_page(request, call, timeline_form=form)


@login_required
@require_POST
def call_criterion(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an assessment criterion to a call (rcc_admin); refused once the assessment has begun."""
    _require(request, RCC_ADMIN)
    call = get_object_or_404(Call, pk=pk)
    form = CriterionForm(request.POST)
    done = _carry_out(
        request,
        form,
        lambda d: assessment.add_criterion(
            call,
            d["name"],
            weight=d["weight"],
            scale_max=d["scale_max"],
            description=d["description"],
            user=request.user,
        ),
        _("Kriteriet lades till."),
        lambda _r: redirect("grants:call", pk=call.pk),
    )
    return done or _call_page(request, call, criterion_form=form)


@login_required
@require_POST
def call_assessor(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a user, named by user name, on a call's panel of assessors (rcc_admin)."""
    _require(request, RCC_ADMIN)
    call = get_object_or_404(Call, pk=pk)
    form = AssessorForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        person = get_user_model().objects.filter(username=d["username"].strip()).first()
        if person is None:
            form.add_error("username", _("Det finns ingen användare med det namnet."))
        else:
            try:
                assessment.add_assessor(
                    call,
                    person,
                    unit=d["unit"],
                    region=d["region"],
                    patient_council=d["patient_council"],
                    user=request.user,
                )
            except CallError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Bedömaren lades till."))
                return redirect("grants:call", pk=call.pk)
    return _call_page(request, call, assessor_form=form)


@login_required
@require_POST
def call_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a call's submitted applications to assessment (rcc_admin) and say how many went."""
    _require(request, RCC_ADMIN)
    call = get_object_or_404(Call, pk=pk)
    try:
        n = assessment.start_assessment(call, request.user)
    except CallError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)d ansökningar gick till bedömning.") % {"n": n})
    return redirect("grants:call", pk=call.pk)


# --- applications ------------------------------------------------------------------------------


def _rows_initial(application: Application | None) -> tuple[list[dict], list[dict], list[dict]]:
    if application is None:
        return [], [], []
    people = [
        {"unit": a.unit, "region": a.region, "kind": a.kind} for a in application.applicants.all()
    ]
    lines = [{"label": b.label, "amount": b.amount} for b in application.budget_lines.all()]
    cited = [
        {
            "region": c.region,
            "pathway": c.pathway,
            "period": c.period,
            "scenario": grant_whatif.scenario_key(c.interval, c.days),
        }
        for c in application.whatif_citations.all()
    ]
    return people, lines, cited


def _application_forms(
    request: HttpRequest, call: Call, application: Application | None
) -> tuple[ApplicationForm, Any, Any, Any]:
    if request.method == "POST":
        return (
            ApplicationForm(request.POST, call=call),
            ApplicantRows(request.POST, prefix="sokande"),
            BudgetRows(request.POST, prefix="budget"),
            WhatIfRows(request.POST, prefix="vadhanderom"),
        )
    people, lines, cited = _rows_initial(application)
    initial: dict[str, Any] = {}
    if application is not None:
        initial = {
            "title": application.title,
            "area": application.area,
            "aims": application.aims,
            "requested": application.requested,
            "indicators": application.indicators,
            "actions": list(application.actions.all()),
        }
    return (
        ApplicationForm(initial=initial, call=call),
        ApplicantRows(initial=people, prefix="sokande"),
        BudgetRows(initial=lines, prefix="budget"),
        WhatIfRows(initial=cited, prefix="vadhanderom"),
    )


def _save_application(
    request: HttpRequest, call: Call, application: Application | None
) -> HttpResponse | None:
    form, people, budget, whatif_rows = _application_forms(request, call, application)
    if all(f.is_valid() for f in (form, people, budget, whatif_rows)):
        applicants = [
            eligibility.Applicant(r["unit"].strip(), r["region"], r["kind"] or "other")
            for r in people.cleaned_data
            if r.get("unit", "").strip()
        ]
        lines = [
            (r["label"].strip(), r["amount"])
            for r in budget.cleaned_data
            if r.get("label", "").strip()
        ]
        d = form.cleaned_data
        saved = followup.save_draft(
            call,
            request.user,
            title=d["title"],
            area=d["area"],
            aims=d["aims"],
            requested=d["requested"],
            applicants=applicants,
            budget=lines,
            indicators=d["indicators"],
            actions=list(d["actions"]),
            whatif=[r["cited"] for r in whatif_rows.cleaned_data if r.get("cited")],
            application=application,
            request=request,
        )
        messages.success(request, _("Utkastet sparades. Skicka in ansökan när den är klar."))
        return redirect("grants:application", pk=saved.pk)
    return render(
        request,
        "grants/application_form.html",
        {
            "call": call,
            "application": application,
            "form": form,
            "people": people,
            "budget": budget,
            "whatif_rows": whatif_rows,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new application to a call (applicant), until the call's deadline: GET shows the empty
    form, POST saves the draft."""
    _require(request, APPLICANT)
    call = get_object_or_404(Call, pk=pk)
    if timezone.localdate() > call.deadline:
        messages.error(
            request, _("Sista ansökningsdag var %(date)s.") % {"date": call.deadline.isoformat()}
        )
        return redirect("grants:call", pk=call.pk)
    response = _save_application(request, call, None)
    assert response is not None
    return response


def _may_open(request: HttpRequest, application: Application) -> str:
    """How the user sees the application: "owner", "overseer", "assessor"; else 403/404."""
    user = request.user
    if application.owner_id == user.pk and has_role(user, APPLICANT):
        return "owner"
    if application.status == Application.Status.DRAFT:
        if _admin(request):
            return "overseer"
        raise Http404("ingen sådan ansökan")
    if has_role(user, *OVERSEERS):
        return "overseer"
    if has_role(user, ASSESSOR):
        me = assessment.assessor_of(application.call, user)
        if me is not None and application.status != Application.Status.SUBMITTED:
            try:
                assessment.require_no_conflict(application, me, request)
            except assessment.ConflictOfInterest as exc:
                raise PermissionDenied(str(exc)) from None
            return "assessor"
    raise PermissionDenied("ingen behörighet till ansökan")


def _get_application(pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("call", "owner").prefetch_related(
            "applicants", "budget_lines"
        ),
        pk=pk,
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An application's page as the user may see it (:func:`_may_open`); its owner also edits her
    draft here (POST, or GET with ``?andra``)."""
    _require(request, *GRANT_ROLES)
    application = _get_application(pk)
    how = _may_open(request, application)
    if request.method == "POST":
        if how != "owner" or application.status != Application.Status.DRAFT:
            raise PermissionDenied("bara den sökande ändrar sitt utkast")
        response = _save_application(request, application.call, application)
        assert response is not None
        return response
    if how == "owner" and application.status == Application.Status.DRAFT and "andra" in request.GET:
        return _save_application(request, application.call, application) or redirect(
            "grants:application", pk=pk
        )
    return _application_page(request, application, how)


def _application_page(
    request: HttpRequest, application: Application, how: str, **forms: Form
) -> HttpResponse:
    """Render an application's page for the signed-in user, who sees it as ``how``
    (:func:`_may_open`); ``forms`` are POSTed forms shown again with their errors (status 400).
    What the page says is built by :func:`lofte.grants.application_page.context`."""
    user = request.user
    viewer = application_page.Viewer(
        how=how,
        admin=_admin(request),
        decision_maker=has_role(user, DECISION_MAKER),
        assessor=assessment.assessor_of(application.call, user) if how == "assessor" else None,
    )
    lang = i18n.language(get_language() or "sv")
    return render(
        request,
        "grants/application.html",
        application_page.context(application, viewer, lang, forms),
        status=400 if forms else 200,
    )


def _owner_application(request: HttpRequest, pk: int) -> Application:
    _require(request, *GRANT_ROLES)
    application = _get_application(pk)
    if _may_open(request, application) != "owner":
        raise PermissionDenied("bara den sökande")
    return application


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit the owner's draft; a refusal (deadline passed, not eligible, budget that does not add
    up…) is shown as a message."""
    application = _owner_application(request, pk)
    try:
        calls.submit(application, request.user.get_username())
    except CallError as exc:
        messages.error(request, _("Ansökan kunde inte skickas in: %(reason)s.") % {"reason": exc})
    else:
        messages.success(request, _("Ansökan är inskickad."))
    return redirect("grants:application", pk=pk)


@login_required
@require_POST
def application_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a file to the owner's draft; a file refused by its content shows the page with the
    error."""
    application = _owner_application(request, pk)
    if application.status != Application.Status.DRAFT:
        raise PermissionDenied("bilagor läggs till medan ansökan är ett utkast")
    form = AttachmentForm(request.POST, request.FILES)
    done = _carry_out(
        request,
        form,
        lambda d: followup.attach(
            application, "application", d["file"].name, _read(d["file"]), request.user, request
        ),
        _("Bilagan laddades upp."),
        lambda _r: redirect("grants:application", pk=pk),
        field="file",
    )
    return done or _application_page(request, application, "owner", attach_form=form)


def _read(upload: Any) -> bytes:
    """The upload's bytes, reading at most one byte beyond the limit."""
    from lofte.grants import files

    data = upload.read(files.MAX_BYTES + 1)
    return bytes(data)


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """Download an attached file, for whoever may open its application; the name is made safe for
    the header."""
    _require(request, *GRANT_ROLES)
    item = get_object_or_404(Attachment.objects.select_related("application__call"), pk=pk)
    _may_open(request, item.application)
    response = HttpResponse(bytes(item.content), content_type=CONTENT_TYPES[item.file_type])
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in item.name)
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response


# --- assessment and decisions --------------------------------------------------------------------


@login_required
@require_POST
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the assessor's scores of an application, unless she has a conflict of interest (403,
    audited)."""
    _require(request, ASSESSOR)
    application = _get_application(pk)
    me = assessment.assessor_of(application.call, request.user)
    if me is None:
        raise PermissionDenied("du är inte bedömare i den här utlysningen")
    try:
        assessment.require_no_conflict(application, me, request)
    except assessment.ConflictOfInterest as exc:
        raise PermissionDenied(str(exc)) from None
    form = AssessmentForm(request.POST, criteria=list(application.call.criteria.all()))
    done = _carry_out(
        request,
        form,
        lambda d: assessment.save_assessment(
            application, me, form.scores(), d["justification"], d["recommendation"], request
        ),
        _("Bedömningen sparades."),
        lambda _r: redirect("grants:application", pk=pk),
    )
    return done or _application_page(request, application, "assessor", assessment_form=form)


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision meeting's list for a call: the undecided applications by area and score with
    the pool's running fit, then those already decided."""
    _require(request, *OVERSEERS)
    call = get_object_or_404(Call, pk=pk)
    items = assessment.meeting_list(call)
    decided = (
        call.applications.exclude(status__in=(*OPEN_FOR_DECISION, Application.Status.DRAFT))
        .prefetch_related("applicants")
        .order_by("area", "-decided_amount", "id")
    )
    pools = [r for r in ledger.ledger(call.year) if r.area in _call_areas(call)]
    return render(
        request,
        "grants/meeting.html",
        {
            "call": call,
            "items": items,
            "decided": decided,
            "pools": pools,
            "can_decide": has_role(request.user, DECISION_MAKER),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a decision (decision maker) and return to the meeting's list; going beyond the pool
    needs a written reason."""
    _require(request, DECISION_MAKER)
    application = _get_application(pk)
    form = DecisionForm(request.POST)
    done = _carry_out(
        request,
        form,
        lambda d: calls.decide(
            application,
            d["amount"],
            username=request.user.get_username(),
            override_reason=d["override_reason"],
        ),
        _("Beslutet registrerades."),
        lambda _r: redirect("grants:meeting", pk=application.call_id),
    )
    return done or _application_page(request, application, "overseer", decision_form=form)


@login_required
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision letter as PDF, for the owner and the overseers of a decided application; its
    creation is audited."""
    from lofte.grants import letter as letters

    _require(request, *GRANT_ROLES)
    application = _get_application(pk)
    how = _may_open(request, application)
    if how == "assessor" or application.decided_amount is None:
        raise Http404("inget beslut")
    pdf = letters.render(application, "en" if get_language() == "en" else "sv")
    audit("letter_created", request.user, application, {"bytes": len(pdf)}, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="beslut-{application.pk}.pdf"'
    return response


# --- follow-up ----------------------------------------------------------------------------------


@login_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand in the owner's interim or final report with its A3 sheet."""
    application = _owner_application(request, pk)
    form = ReportForm(request.POST, request.FILES)
    kind = ProjectReport.Kind(form.cleaned_data["kind"]).label if form.is_valid() else ""
    done = _carry_out(
        request,
        form,
        lambda d: followup.submit_report(
            application,
            d["kind"],
            d["summary"],
            d["a3"].name,
            _read(d["a3"]),
            request.user,
            request,
        ),
        _("%(kind)s är inlämnad.") % {"kind": kind},
        lambda _r: redirect("grants:application", pk=pk),
    )
    return done or _application_page(request, application, "owner", report_form=form)


@login_required
@require_POST
def due_dates(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a granted project's report due dates (rcc_admin)."""
    _require(request, RCC_ADMIN)
    application = _get_application(pk)
    form = DueDatesForm(request.POST)
    done = _carry_out(
        request,
        form,
        lambda d: followup.set_due_dates(
            application,
            request.user,
            interim=d["interim_due"],
            final=d["final_due"],
            request=request,
        ),
        _("Datumen för återrapporteringen sparades."),
        lambda _r: redirect("grants:application", pk=pk),
    )
    return done or _application_page(request, application, "overseer", due_form=form)


@login_required
@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    """A payment to a granted project (rcc_admin), never above what it was granted."""
    _require(request, RCC_ADMIN)
    application = _get_application(pk)
    form = PaymentForm(request.POST)

    def pay_out(data: dict[str, Any]) -> None:
        if not application.decided_amount:
            raise ledger.LedgerError("projektet har inte beviljats något belopp")
        regions = application.regions()
        ledger.pay(
            application.call.year,
            application.area,
            data["amount"],
            data["label"] or application.title,
            region=regions[0] if len(regions) == 1 else "",
            username=request.user.get_username(),
            application=application,
        )

    done = _carry_out(
        request,
        form,
        pay_out,
        _("Utbetalningen bokfördes."),
        lambda _r: redirect("grants:application", pk=pk),
        refusals=(ledger.LedgerError,),
    )
    return done or _application_page(request, application, "overseer", payment_form=form)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a project whose final report is in (rcc_admin)."""
    _require(request, RCC_ADMIN)
    application = _get_application(pk)
    try:
        followup.close(application, request.user, request)
    except CallError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Projektet är avslutat."))
    return redirect("grants:application", pk=pk)


@login_required
def ledger_page(request: HttpRequest) -> HttpResponse:
    """The pools of one year (``?ar=``, default the latest year with a call or a pool) with their
    budget, granted, paid and remaining sums, for the overseers."""
    _require(request, *OVERSEERS)
    years = sorted(
        {y for y in Call.objects.values_list("year", flat=True)}
        | set(Pool.objects.values_list("year", flat=True)),
        reverse=True,
    )
    try:
        year = int(request.GET.get("ar") or (years[0] if years else timezone.localdate().year))
    except ValueError:
        year = years[0] if years else timezone.localdate().year
    return render(
        request,
        "grants/ledger.html",
        {"rows": ledger.ledger(year), "year": year, "years": years},
    )


@login_required
def summary_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    """The year's summary workbook for Socialstyrelsen (XLSX), for rcc_admin, statisticians and
    decision makers; audited."""
    import tempfile
    from pathlib import Path

    from lofte.grants import summary

    _require(request, RCC_ADMIN, RCC_STATISTICIAN, DECISION_MAKER)
    with tempfile.TemporaryDirectory(prefix="lofte-grants-") as tmp:
        path = Path(tmp) / "summary.xlsx"
        counts = summary.write_xlsx(year, path)
        data = path.read_bytes()
    audit("grant_summary", request.user, None, {"year": year, "rows": counts}, request=request)
    response = HttpResponse(data, content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = (
        f'attachment; filename="stimulansmedel-{year}-socialstyrelsen.xlsx"'
    )
    return response


# --- public -------------------------------------------------------------------------------------


def public_projects(request: HttpRequest) -> HttpResponse:
    """The granted projects, for everyone (no login, no person names)."""
    projects = outcomes.public_projects()
    years: dict[int, dict[str, Any]] = {}
    for p in projects:
        year = years.setdefault(p.year, {"total": 0, "areas": {}})
        year["total"] += p.amount
        year["areas"].setdefault(p.area, []).append(p)
    return render(
        request,
        "grants/public.html",
        {"years": sorted(years.items(), reverse=True), "today": dt.date.today()},
    )
