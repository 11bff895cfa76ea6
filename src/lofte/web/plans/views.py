"""Staff pages of the action plans (SPEC §10) and the gap board.

Every staff role reads; changes go through :mod:`lofte.web.plans.services`, which decides who may
change what. A refused change answers 403 and is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lofte.web.plans import gaps, services
from lofte.web.plans.forms import ActionCreateForm, ActionFilterForm, ActionUpdateForm, PlanForm
from lofte.web.plans.models import (
    OPEN,
    Action,
    ActionLink,
    Area,
    Goal,
    Plan,
    StatusUpdate,
)
from lofte.web.plans.planfile import format_sheet, safe_cell
from lofte.web.roles import PROCESS_LEADER, has_role, regions_of, sees_internal, signed_in_user

PAGE_SIZE = 50


def _reader(request: HttpRequest) -> None:
    if not services.can_read(request.user):
        raise PermissionDenied("ingen behörighet till handlingsplanerna")


def _actions() -> QuerySet[Action]:
    return Action.objects.select_related("goal__area__plan").prefetch_related(
        "links", "responsible_users"
    )


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """Every plan with its counts; the new-plan form for admins."""
    _reader(request)
    rows = {row["id"]: row for row in _summaries()}
    plans = [(plan, rows.get(plan.slug, {})) for plan in Plan.objects.order_by("name")]
    form = PlanForm() if services.can_admin(request.user) else None
    return render(request, "plans/plan_list.html", {"plans": plans, "form": form})


def _summaries() -> list[dict[str, Any]]:
    from lofte.web.plans.planfile import summaries

    return summaries()


@login_required
@require_POST
def plan_create(request: HttpRequest) -> HttpResponse:
    """Create an empty plan (RCC admin only)."""
    _reader(request)
    if not services.can_admin(request.user):
        raise PermissionDenied("bara rcc_admin skapar planer")
    form = PlanForm(request.POST)
    if not form.is_valid():
        rows = {row["id"]: row for row in _summaries()}
        plans = [(plan, rows.get(plan.slug, {})) for plan in Plan.objects.order_by("name")]
        return render(request, "plans/plan_list.html", {"plans": plans, "form": form}, status=400)
    data = form.cleaned_data
    plan = services.create_plan(
        request.user,
        slug=data["slug"],
        name=data["name"],
        organisation=data["organisation"],
        period=data["period"],
        region=data["region"],
        request=request,
    )
    area = Area.objects.create(plan=plan, position=0, name=data["area"])
    Goal.objects.create(area=area, position=0, text=data["goal"])
    messages.success(request, _("Planen skapades."))
    return redirect("plans:plan", slug=plan.slug)


@login_required
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A plan with its areas, goals and actions."""
    _reader(request)
    plan = get_object_or_404(Plan, slug=slug)
    areas = plan.areas.prefetch_related(
        Prefetch("goals__actions", queryset=_actions().order_by("position"))
    )
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "areas": areas,
            "today": dt.date.today(),
            "admin": services.can_admin(request.user),
        },
    )


def filter_actions(form: ActionFilterForm, today: dt.date) -> QuerySet[Action]:
    """The actions that the filter form selects (none if it is invalid)."""
    actions = _actions()
    if not form.is_valid():
        return actions.none()
    data = form.cleaned_data
    if data["plan"]:
        actions = actions.filter(goal__area__plan=data["plan"])
    if data["area"]:
        actions = actions.filter(goal__area=data["area"])
    if data["status"]:
        actions = actions.filter(status=data["status"])
    if data["responsible"]:
        text = data["responsible"].strip()
        actions = actions.filter(
            Q(responsible__icontains=text) | Q(responsible_users__username__iexact=text)
        ).distinct()
    for kind in ("region", "pathway", "indicator"):
        if data[kind]:
            actions = actions.filter(
                pk__in=ActionLink.objects.filter(kind=kind, code=data[kind]).values("action")
            )
    if data["due"] == "quarter":
        start, end = services.quarter_bounds(today)
        actions = actions.filter(status__in=OPEN, due_date__gte=start, due_date__lte=end)
    elif data["due"] == "overdue":
        actions = actions.filter(status__in=OPEN, due_date__lt=today)
    return actions.order_by(
        "goal__area__plan__name", "goal__area__position", "goal__position", "position"
    )


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    """The filtered action list, a page at a time."""
    _reader(request)
    today = dt.date.today()
    form = ActionFilterForm(request.GET)
    actions = filter_actions(form, today)
    page = Paginator(actions, PAGE_SIZE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "plans/action_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "today": today},
    )


def _update_form(action: Action) -> ActionUpdateForm:
    return ActionUpdateForm(
        initial={
            "status": action.status,
            "date": dt.date.today(),
            "start_date": action.start_date,
            "due_date": action.due_date,
        }
    )


def _action_page(
    request: HttpRequest, action: Action, form: Any, status: int = 200
) -> HttpResponse:
    history = action.updates.select_related("user").order_by("-date", "-id")
    return render(
        request,
        "plans/action_detail.html",
        {
            "action": action,
            "plan": action.plan,
            "activities": action.activities.all(),
            "history": history,
            "links": {kind: action.codes(kind) for kind in ("indicator", "region", "pathway")},
            "projects": action.grant_projects.exclude(status="draft").select_related("call"),
            "form": form,
            "can_edit": services.can_edit(request.user, action),
            "today": dt.date.today(),
        },
        status=status,
    )


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An action with its history; POST records a status update."""
    _reader(request)
    action = get_object_or_404(_actions(), pk=pk)
    if request.method == "POST":
        if not services.can_edit(request.user, action):
            raise PermissionDenied("ingen behörighet att ändra åtgärden")
        form = ActionUpdateForm(request.POST)
        if not form.is_valid():
            return _action_page(request, action, form, status=400)
        data = form.cleaned_data
        services.update_action(
            action,
            request.user,
            status=data["status"],
            comment=data["comment"],
            start_date=data["start_date"],
            due_date=data["due_date"],
            date=data["date"],
            request=request,
        )
        messages.success(request, _("Åtgärden uppdaterades."))
        return redirect("plans:action", pk=action.pk)
    editable = services.can_edit(request.user, action)
    return _action_page(request, action, _update_form(action) if editable else None)


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    """*Mina åtgärder*: the open actions the user is responsible for, overdue and due first."""
    _reader(request)
    today = dt.date.today()
    mine = _actions().filter(responsible_users=signed_in_user(request), status__in=OPEN)
    soon = today + dt.timedelta(days=30)
    groups = [
        ("overdue", _("Försenade"), mine.filter(due_date__lt=today).order_by("due_date")),
        (
            "soon",
            _("Ska vara klara inom 30 dagar"),
            mine.filter(due_date__gte=today, due_date__lte=soon).order_by("due_date"),
        ),
        (
            "later",
            _("Övriga pågående och planerade"),
            mine.filter(Q(due_date__gt=soon) | Q(due_date__isnull=True)).order_by("due_date"),
        ),
    ]
    scope = None
    if has_role(request.user, PROCESS_LEADER):
        scope = regions_of(request.user)
    return render(
        request,
        "plans/my_actions.html",
        {"groups": groups, "today": today, "scope": scope},
    )


# --- the gap board --------------------------------------------------------------------------


def _healthcare_regions() -> list[Any]:
    from lofte.catalog import load

    return list(load().healthcare_regions())


def _default_region(user: Any, regions: list[str]) -> str:
    """The healthcare region of the user's scope when she has one; for RCC staff the region of
    the newest written report; else the first."""
    from lofte.catalog import load
    from lofte.reports.store import list_reports
    from lofte.web.roles import NATIONAL_ROLES

    if not has_role(user, *NATIONAL_ROLES):
        catalog = load()
        parents = {catalog.regions[c].parent for c in regions_of(user) if c in catalog.regions}
        own = [code for code in regions if code in parents]
        if own:
            return own[0]
    written = [r.healthcare_region for r in list_reports() if r.healthcare_region in regions]
    return written[0] if written else regions[0]


def _board_args(request: HttpRequest) -> tuple[str, str]:
    regions = [r.code for r in _healthcare_regions()]
    hr = request.GET.get("region") or ""
    if hr not in regions:
        hr = _default_region(request.user, regions)
    period = (request.GET.get("period") or "").strip() or gaps.latest_period(hr)
    return hr, period


def _board_rows(
    request: HttpRequest, hr: str, period: str, today: dt.date | None = None
) -> list[gaps.GapRow]:
    """The board's rows, the costliest interval's counts marked for readers with the region's
    internal figures only (SPEC §1: viewers and assessors see no unsuppressed figures)."""
    rows = gaps.board(hr, period, today)
    return gaps.show_counts(rows, lambda region: sees_internal(request.user, region))


@login_required
def gap_board(request: HttpRequest) -> HttpResponse:
    """The gap board: the report's gaps for a region and half-year with their actions."""
    _reader(request)
    hr, period = _board_args(request)
    today = dt.date.today()
    error = None
    rows: list[gaps.GapRow] = []
    try:
        rows = _board_rows(request, hr, period, today)
    except ValueError as exc:  # ReportError: a user-facing Swedish message
        error = str(exc)
    only_open = request.GET.get("utan") == "1"
    shown = [r for r in rows if r.without_action] if only_open else rows
    from lofte.web import providers

    projects = providers.projects_by_gap()
    for r in shown:
        r.projects = projects.get((r.indicator, r.region), [])  # type: ignore[attr-defined]
    return render(
        request,
        "plans/gap_board.html",
        {
            "rows": shown,
            "total": len(rows),
            "without": sum(1 for r in rows if r.without_action),
            "overdue": sum(1 for r in rows if r.overdue),
            "region": hr,
            "period": period,
            "regions": _healthcare_regions(),
            "error": error,
            "only_open": only_open,
            "today": today,
            "lang": get_language(),
        },
        status=400 if error else 200,
    )


@login_required
def gap_board_xlsx(request: HttpRequest) -> HttpResponse:
    """The gap board as an XLSX workbook."""
    _reader(request)
    hr, period = _board_args(request)
    try:
        rows = _board_rows(request, hr, period)
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    data = gap_workbook(rows, hr, period)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="avvikelser-{hr}-{period}.xlsx"'
    return response


def _costliest_text(row: gaps.GapRow) -> str:
    """Issue 16: the interval whose 7 days less moves most of the gap's patients, in words for
    the workbook; its counts only for a reader with the region's internal figures."""
    if row.costliest is None:
        return ""
    from lofte.cube.whatif import STEPS

    name = STEPS[row.costliest.interval].name_in("sv")
    if not row.costliest_counts:
        return name
    o = row.costliest.outcome
    return f"{name} (+{o.moved} av {o.n} inom ledtiden)"


def gap_workbook(rows: list[gaps.GapRow], hr: str, period: str) -> bytes:
    """The gap rows as an XLSX workbook (bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Avvikelser"
    head = [
        "Indikator", "Kod", "Region", "Period", "Värde", "Målnivå", "Målnivå (hög)", "Status",
        "Avstånd till målnivån", "Statistiskt säkerställd", "Perioder i följd under målnivån",
        "Åtgärder", "Ansvar", "Åtgärdsstatus", "Klart senast", "Försenad", "Utan åtgärd",
        _("Störst effekt om 7 dagar kortare (aritmetik på tidigare patienter, inte en prognos)"),
    ]  # fmt: skip
    ws.append([f"Avvikelser mot målnivå – {hr} {period}"])
    ws.append(head)
    for r in rows:
        significant = {True: "ja", False: "nej", None: "–"}[r.significant]
        ws.append(
            [
                safe_cell(v)
                for v in (
                    r.name_sv,
                    r.indicator,
                    r.region_name,
                    r.period,
                    r.value,
                    r.target,
                    r.target_high,
                    r.status,
                    r.shortfall,
                    significant,
                    r.periods_below,
                    "\n".join(f"{a.plan}/{a.ref}: {a.title}" for a in r.actions),
                    "\n".join(a.owner for a in r.actions),
                    "\n".join(a.status_label for a in r.actions),
                    "\n".join(a.due or "–" for a in r.actions),
                    "ja" if r.overdue else "",
                    "ja" if r.without_action else "",
                    _costliest_text(r),
                )
            ]
        )
    ws["A1"].font = Font(bold=True)
    format_sheet(ws, header_row=2)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _may_act_on_gap(user: Any, region: str) -> bool:
    if services.can_admin(user):
        return True
    if not has_role(user, PROCESS_LEADER):
        return False
    counties = regions_of(user)
    return region in set(counties) | services._parents(counties)


@login_required
def gap_detail(request: HttpRequest) -> HttpResponse:
    """One gap: link an existing action to it, or create a new action from it."""
    _reader(request)
    from lofte.catalog import load

    catalog = load()
    indicator = request.GET.get("indicator", "")
    region = request.GET.get("region", "")
    if indicator not in catalog.indicators or region not in catalog.regions:
        raise PermissionDenied("okänd indikator eller region")
    allowed = _may_act_on_gap(request.user, region)
    linked = gaps.gap_actions(indicator, region, with_users=True)
    linked_ids = {a.pk for a in linked}
    related = catalog.lineage(region) + sorted(catalog.children(region))
    candidates = [
        a
        for a in _actions()
        .filter(status__in=OPEN)
        .filter(pk__in=ActionLink.objects.filter(kind="region", code__in=related).values("action"))
        .order_by("goal__area__plan__slug", "goal__area__position", "goal__position", "position")
        if a.pk not in linked_ids and services.can_edit(request.user, a)
    ]
    goals_qs = Goal.objects.select_related("area__plan").order_by(
        "area__plan__slug", "area__position", "position"
    )
    name = catalog.indicator(indicator).name_sv
    form = ActionCreateForm(
        initial={
            "title": _("Åtgärd för %(indicator)s i %(region)s")
            % {"indicator": name, "region": catalog.region(region).name},
            "indicator": indicator,
            "region": region,
            "due_date": services.quarter_bounds(dt.date.today())[1] + dt.timedelta(days=92),
        },
        goals=goals_qs,
    )
    return render(
        request,
        "plans/gap_detail.html",
        {
            "indicator": catalog.indicator(indicator),
            "region": catalog.region(region),
            "linked": linked,
            "candidates": candidates,
            "form": form if allowed else None,
            "allowed": allowed,
            "back": request.GET.get("tillbaka", ""),
        },
    )


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("tillbaka", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


@login_required
@require_POST
def gap_link(request: HttpRequest) -> HttpResponse:
    """Link an existing action to a gap; audited."""
    _reader(request)
    from lofte.catalog import load

    catalog = load()
    action = get_object_or_404(_actions(), pk=request.POST.get("action") or 0)
    indicator = request.POST.get("indicator", "")
    region = request.POST.get("region", "")
    if indicator not in catalog.indicators or region not in catalog.regions:
        raise PermissionDenied("okänd indikator eller region")
    if not services.can_edit(request.user, action):
        raise PermissionDenied("ingen behörighet att ändra åtgärden")
    services.link_gap(action, request.user, indicator, region, request=request)
    messages.success(request, _("Åtgärden kopplades till avvikelsen."))
    return redirect(_back(request, reverse("plans:action", args=[action.pk])))


@login_required
@require_POST
def action_create(request: HttpRequest) -> HttpResponse:
    """Create an action from a gap; audited."""
    _reader(request)
    region = request.POST.get("region", "")
    if not _may_act_on_gap(request.user, region) and not services.can_admin(request.user):
        raise PermissionDenied("ingen behörighet att skapa åtgärder här")
    goals_qs = Goal.objects.select_related("area__plan")
    form = ActionCreateForm(request.POST, goals=goals_qs)
    if not form.is_valid():
        messages.error(request, _("Åtgärden kunde inte skapas: kontrollera fälten."))
        return redirect(
            reverse("plans:gap") + f"?indicator={request.POST.get('indicator', '')}&region={region}"
        )
    data = form.cleaned_data
    action = services.create_action(
        data["goal"],
        request.user,
        title=data["title"],
        responsible=data["responsible"],
        users=[request.user] if has_role(request.user, PROCESS_LEADER) else [],
        status=data["status"],
        start_date=data["start_date"],
        due_date=data["due_date"],
        indicators=[data["indicator"]] if data["indicator"] else [],
        regions=[data["region"]] if data["region"] else [],
        request=request,
    )
    messages.success(request, _("Åtgärden skapades."))
    return redirect("plans:action", pk=action.pk)


def followup_blocks(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Per process leader: her open actions (and those updated in the quarter) with the latest
    update of the quarter, or None."""
    from django.contrib.auth import get_user_model

    leaders = get_user_model().objects.filter(groups__name=PROCESS_LEADER).order_by("username")
    blocks = []
    for leader in leaders:
        actions = list(
            _actions()
            .filter(Q(responsible_users=leader))
            .filter(Q(status__in=OPEN) | Q(updates__date__gte=start, updates__date__lte=end))
            .distinct()
            .order_by("due_date")
        )
        updates = {
            u.action_id: u
            for u in StatusUpdate.objects.filter(
                action__in=actions, date__gte=start, date__lte=end
            ).order_by("date", "id")
        }
        blocks.append({"leader": leader, "rows": [(a, updates.get(a.pk)) for a in actions]})
    return blocks


def _quarter(request: HttpRequest) -> tuple[str, dt.date, dt.date]:
    from lofte.core import periods

    start, end = services.quarter_bounds(dt.date.today())
    label = request.GET.get("kvartal", "")
    if label:
        try:
            parsed = periods.parse(label)
            if parsed.kind == "quarter":
                start, end = parsed.start, parsed.end
        except ValueError:
            pass
    return f"{start.year}Q{(start.month - 1) // 3 + 1}", start, end


@login_required
def followup(request: HttpRequest) -> HttpResponse:
    """Quarterly follow-up: per process leader, her open actions and what was reported in the
    quarter (an action without an update this quarter stands out)."""
    from lofte.core import periods

    _reader(request)
    quarter, start, end = _quarter(request)
    return render(
        request,
        "plans/followup.html",
        {
            "blocks": followup_blocks(start, end),
            "quarter": quarter,
            "previous": periods.shift(quarter, -1),
            "next": periods.shift(quarter, 1),
            "start": start,
            "end": end,
            "today": dt.date.today(),
        },
    )


@login_required
def followup_xlsx(request: HttpRequest) -> HttpResponse:
    """The quarter's follow-up per process leader as an XLSX workbook."""
    from openpyxl import Workbook

    _reader(request)
    quarter, start, end = _quarter(request)
    wb = Workbook()
    ws = wb.active
    ws.title = f"Uppföljning {quarter}"
    ws.append(
        ["Processledare", "Plan", "Id", "Åtgärd", "Ansvarig (vem)", "Status", "Klart senast",
         "Försenad", "Uppdaterad under kvartalet", "Status vid uppdateringen", "Kommentar"]
    )  # fmt: skip
    today = dt.date.today()
    for block in followup_blocks(start, end):
        for action, update in block["rows"]:
            ws.append(
                [
                    safe_cell(v)
                    for v in (
                        block["leader"].get_username(),
                        action.goal.area.plan.slug,
                        action.ref,
                        action.title,
                        action.responsible,
                        str(action.get_status_display()),
                        action.due_date.isoformat() if action.due_date else "",
                        "ja" if action.is_overdue(today) else "",
                        update.date.isoformat() if update else "",
                        str(update.get_status_display()) if update else "",
                        update.comment if update else "",
                    )
                ]
            )
    format_sheet(ws, header_row=1)
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="uppfoljning-{quarter}.xlsx"'
    return response
