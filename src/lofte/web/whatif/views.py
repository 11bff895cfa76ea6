"""*Vad händer om…?* for staff: any selection in the user's scope, internal figures.

The page is a GET form (bookmarkable, no JavaScript: the site's CSP allows no inline script);
every view is written to the audit log like the desk's internal figures. Responses are never
cached (lofte.web.middleware sets ``no-store`` on every response).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lofte.catalog import load
from lofte.core import periods
from lofte.core import whatif as core
from lofte.cube import whatif
from lofte.web.audit.models import AuditEvent
from lofte.web.audit.service import record
from lofte.web.plans.models import Action
from lofte.web.plans.services import can_edit
from lofte.web.roles import DESK_ROLES, INTERNAL_ROLES, has_role, require_role
from lofte.web.whatif import services

#: Who may use the page: those who see a region's internal figures.
ROLES = INTERNAL_ROLES
#: Upper bounds of the form's numbers.
MAX_DAYS = 365


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        number = int(value) if value not in (None, "") else default
    except ValueError:
        return default
    return min(max(number, low), high)


@dataclass
class Selection:
    """The staff what-if page's choice: the desk's county, the areas it may choose, and the
    area, pathway, period, basis and scenario chosen."""

    region: str
    areas: list[str]
    area: str
    pathway: str
    pathway_choices: list[tuple[str, str]]
    basis: str
    interval: int
    kind: str
    amount: int


def _selection(request: HttpRequest, region: str, params: Any) -> Selection:
    """The page's selection from ``params``, each value within the user's scope and bounds
    (anything else falls back to the default: a bookmark never fails)."""
    require_role(request.user, ROLES)
    areas = services.areas(request.user, region)
    pathway_choices = services.allowed_pathways(request.user)
    ids = [p[0] for p in pathway_choices]
    pathway = params.get("forlopp") or ids[0]
    if pathway not in ids:
        pathway = ids[0]
    if pathway != "alla":
        services.require_pathway(request.user, pathway)
    area = params.get("omrade") or region
    if area not in areas:
        area = region
    basis = params.get("bas", "avslutande")
    if basis not in whatif.BASIS_COLUMN:
        basis = "avslutande"
    interval = _int(params.get("intervall"), 2, 0, len(core.INTERVALS) - 1)
    kind = params.get("typ", "shorten")
    if kind not in core.KINDS:
        kind = "shorten"
    amount = _int(params.get("varde"), 7, 0, 100 if kind == "slowest" else MAX_DAYS)
    return Selection(region, areas, area, pathway, pathway_choices, basis, interval, kind, amount)


def _period(params: Any, choices: list[str]) -> str:
    """The chosen period: one of ``choices``, or another period label (an older bookmark);
    anything that is not a period falls back to the latest choice, or to "" when there is none
    (no closed pathways: nothing to compute, never an error)."""
    period = str(params.get("period") or "")
    if period in choices:
        return period
    try:
        periods.parse(period)
    except ValueError:
        return choices[0] if choices else ""
    return period


def _base_context(request: HttpRequest, sel: Selection, english: bool) -> dict[str, Any]:
    """The form's choices and the selection, in the user's language."""
    catalog = load()
    return {
        "region": sel.region,
        "region_name": catalog.region(sel.region).name,
        "areas": [(a, catalog.region(a).name) for a in sel.areas],
        "area": sel.area,
        "pathways": sel.pathway_choices,
        "pathway": sel.pathway,
        "basis": sel.basis,
        "bases": list(whatif.BASIS_COLUMN),
        "steps": [(i, s.name_in("en" if english else "sv")) for i, s in enumerate(services.STEPS)],
        "interval": sel.interval,
        "kind": sel.kind,
        "amount": sel.amount,
        "desk": has_role(request.user, *DESK_ROLES),
        "computed": True,
        "citable": services.citable_actions(request.user),
    }


def _figures(
    context: dict[str, Any], table: Any, sel: Selection, period: str, english: bool
) -> None:
    """The scenario, the 7-day table and *var dagarna går* of the selection, into ``context``."""
    ids = [p[0] for p in sel.pathway_choices]
    result = services.compute(
        table,
        area=sel.area,
        pathway=sel.pathway,
        period=period,
        basis=sel.basis,
        scenario=core.Scenario(sel.interval, sel.kind, sel.amount),
        pathways=[i for i in ids if i != "alla"],
    )
    names = dict(context["pathways"])
    step_names = [name for _, name in context["steps"]]
    intervals = services.interval_cells(sel.area, sel.pathway, period, sel.basis)
    for row in intervals:
        row["label"] = row["label_en"] if english else row["label_sv"]
    context.update(
        result=result,
        outcome=result.outcome,
        table=[
            {
                "pathway": names.get(row.pathway, row.pathway),
                "n": row.n,
                "outcomes": row.outcomes,
                "best": step_names[row.best.scenario.interval] if row.best else None,
            }
            for row in result.table
        ],
        intervals=intervals,
        earlier=_earlier(period),
        earlier_name=services.period_label(_earlier(period), "en" if english else "sv"),
        longest=services.costliest(intervals),
        longest_earlier=services.costliest(intervals, "missed_earlier"),
    )


@login_required
def page(request: HttpRequest, region: str) -> HttpResponse:
    """The staff what-if page of a county's desk: a scenario on past patients beside the
    baseline, and the table of intervals shortened by seven days."""
    sel = _selection(request, region, request.GET)
    english = (get_language() or "sv").startswith("en")
    context = _base_context(request, sel, english)
    try:
        table = services.instances()
    except whatif.NoInstances:
        context["computed"] = False
        return render(request, "whatif/page.html", context)
    choices = services.period_choices(services.latest_end(table))
    period = _period(request.GET, choices)
    lang = "en" if english else "sv"
    named = [(p, services.period_label(p, lang)) for p in choices]
    if period and period not in choices:
        named.append((period, services.period_label(period, lang)))
    context.update(period=period, periods=named)
    if period:
        _figures(context, table, sel, period, english)
    record(
        AuditEvent.Action.FIGURES_VIEWED,
        request=request,
        region=region,
        details={
            "view": "whatif",
            "area": sel.area,
            "pathway": sel.pathway,
            "period": period,
            "basis": sel.basis,
            "scenario": [sel.interval, sel.kind, sel.amount],
        },
    )
    return render(request, "whatif/page.html", context)


def _earlier(period: str) -> str:
    try:
        return periods.same_period_previous_year(period)
    except ValueError:
        return ""


@login_required
@require_POST
def cite(request: HttpRequest, region: str) -> HttpResponse:
    """Cite the selection's what-if result in a plan action the user may edit. The result is
    computed again here from the instances, never taken from the form."""
    sel = _selection(request, region, request.POST)
    action = get_object_or_404(Action, pk=_int(request.POST.get("atgard"), 0, 0, 2**31 - 1))
    if not can_edit(request.user, action):
        raise PermissionDenied("ingen behörighet att ändra åtgärden")
    try:
        table = services.instances()
    except whatif.NoInstances as exc:
        raise Http404() from exc
    period = _period(request.POST, services.period_choices(services.latest_end(table)))
    patients = (
        whatif.select(table, pathway=sel.pathway, region=sel.area, period=period, basis=sel.basis)
        if period
        else []
    )
    if not patients:
        messages.error(request, _("Inga avslutade förlopp med ledtid i urvalet."))
        return redirect("whatif:page", region=region)
    outcome = core.outcome(patients, core.Scenario(sel.interval, sel.kind, sel.amount))
    citation = services.cite(request.user, action, sel, period, outcome)
    record(
        AuditEvent.Action.ACTION_CHANGED,
        request=request,
        object_type="action",
        object_id=str(action.pk),
        details={"whatif_citation": citation.pk, "url": citation.url()},
    )
    messages.success(request, _("Resultatet hänvisas nu från åtgärden."))
    return redirect("plans:action", pk=action.pk)
