"""*Vad händer om…?* for staff: any selection in the user's scope, internal figures.

The page is a GET form (bookmarkable, no JavaScript: the site's CSP allows no inline script);
every view is written to the audit log like the desk's internal figures. Responses are never
cached (lofte.web.middleware sets ``no-store`` on every response).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from lofte.catalog import load
from lofte.core import periods
from lofte.core import whatif as core
from lofte.cube import whatif
from lofte.web.accounts.roles import DESK_ROLES, PROCESS_LEADER, has_role, require_role
from lofte.web.audit.models import AuditEvent
from lofte.web.audit.service import record
from lofte.web.whatif import services

#: Who may use the page: those who see a region's internal figures.
ROLES = DESK_ROLES | {PROCESS_LEADER}
#: Upper bounds of the form's numbers.
MAX_DAYS = 365


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        number = int(value) if value not in (None, "") else default
    except ValueError:
        return default
    return min(max(number, low), high)


@login_required
def page(request: HttpRequest, region: str) -> HttpResponse:
    require_role(request.user, ROLES)
    areas = services.areas(request.user, region)
    catalog = load()
    english = (get_language() or "sv").startswith("en")
    pathway_choices = services.allowed_pathways(request.user)
    ids = [p[0] for p in pathway_choices]
    pathway = request.GET.get("forlopp") or ids[0]
    if pathway not in ids:
        pathway = ids[0]
    if pathway != "alla":
        services.require_pathway(request.user, pathway)
    area = request.GET.get("omrade") or region
    if area not in areas:
        area = region
    basis = request.GET.get("bas", "avslutande")
    if basis not in whatif.BASIS_COLUMN:
        basis = "avslutande"
    interval = _int(request.GET.get("intervall"), 2, 0, len(core.INTERVALS) - 1)
    kind = request.GET.get("typ", "shorten")
    if kind not in core.KINDS:
        kind = "shorten"
    amount = _int(request.GET.get("varde"), 7, 0, 100 if kind == "slowest" else MAX_DAYS)
    context: dict[str, Any] = {
        "region": region,
        "region_name": catalog.region(region).name,
        "areas": [(a, catalog.region(a).name) for a in areas],
        "area": area,
        "pathways": [(i, en if english else sv) for i, sv, en in pathway_choices],
        "pathway": pathway,
        "basis": basis,
        "bases": list(whatif.BASIS_COLUMN),
        "steps": [(i, en if english else sv) for i, (_, sv, en) in enumerate(services.STEPS)],
        "interval": interval,
        "kind": kind,
        "amount": amount,
        "desk": has_role(request.user, *DESK_ROLES),
        "computed": True,
    }
    try:
        table = services.instances()
    except whatif.NoInstances:
        context["computed"] = False
        return render(request, "whatif/page.html", context)
    choices = services.period_choices(services.latest_end(table))
    period = request.GET.get("period") or (choices[0] if choices else "")
    if period not in choices and choices:
        try:
            periods.parse(period)
        except ValueError:
            period = choices[0]
    context.update(period=period, periods=choices)
    if period:
        scoped = [i for i in ids if i != "alla"]
        result = services.compute(
            table,
            area=area,
            pathway=pathway,
            period=period,
            basis=basis,
            scenario=core.Scenario(interval, kind, amount),
            pathways=scoped,
        )
        names = {i: name for i, name in context["pathways"]}
        step_names = [name for _, name in context["steps"]]
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
            intervals=services.interval_cells(area, pathway, period, basis),
            earlier=_earlier(period),
        )
        for row in context["intervals"]:
            row["label"] = row["label_en"] if english else row["label_sv"]
        context["costliest"] = services.costliest(context["intervals"])
    record(
        AuditEvent.Action.FIGURES_VIEWED,
        request=request,
        region=region,
        details={
            "view": "whatif",
            "area": area,
            "pathway": pathway,
            "period": period,
            "basis": basis,
            "scenario": [interval, kind, amount],
        },
    )
    return render(request, "whatif/page.html", context)


def _earlier(period: str) -> str:
    try:
        return periods.same_period_previous_year(period)
    except ValueError:
        return ""
