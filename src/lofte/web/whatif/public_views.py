"""*Vad händer om…?* on the public site: the fixed grid of one public cell, no login.

A GET form (bookmarkable, no script). What is shown is decided in :mod:`lofte.web.whatif.public`;
a scenario that may not be shown is a "–" with the rule beside it. Nothing internal is read
except the instances the scenarios are computed from, and no count leaves unless it passes the
gate.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from lofte.catalog import load
from lofte.core import whatif as core
from lofte.core.disclosure import MIN_CELL
from lofte.core.period_names import period_name
from lofte.cube import whatif
from lofte.web.whatif import public


def _lang() -> str:
    return "en" if (get_language() or "sv").startswith("en") else "sv"


def _named(options: list[tuple[str, str, str]], lang: str) -> list[tuple[str, str]]:
    return [(i, en if lang == "en" else sv) for i, sv, en in options]


def _figures(region: str, pathway: str, period: str) -> public.Grid:
    try:
        table = public.read_pathway(pathway)
    except whatif.NoInstances:
        return public.Grid(region, pathway, period, reason="no_cube")
    return public.grid(table, region, pathway, period)


def _rows(grid: public.Grid, lang: str) -> list[dict[str, Any]]:
    steps = [step.name_in(lang) for step in whatif.STEPS]
    best = grid.best
    return [
        {
            "interval": row.interval,
            "name": steps[row.interval],
            "best": best is not None and best.interval == row.interval,
            "results": [
                (r.outcome.scenario.amount, r.outcome if r.shown else None) for r in row.results
            ],
        }
        for row in grid.rows
    ]


def page(request: HttpRequest) -> HttpResponse:
    """The public grid of the chosen healthcare region, pathway and half-year."""
    lang = _lang()
    catalog = load()
    options = public.choices(catalog)
    region, pathway, period = public.selection(request.GET, options)
    grid = (
        _figures(region, pathway, period)
        if period
        else public.Grid(region, pathway, period, reason="no_cube")
    )
    return render(
        request,
        "whatif/public.html",
        {
            "regions": _named(options.regions, lang),
            "pathways": _named(options.pathways, lang),
            "periods": [(p, period_name(p, lang)) for p in options.periods],
            "region": region,
            "pathway": pathway,
            "period": period,
            "region_name": catalog.region(region).name if region else "",
            "pathway_name": dict(_named(options.pathways, lang)).get(pathway, pathway),
            "period_name": period_name(period, lang) if period else "",
            "grid": grid,
            "rows": _rows(grid, lang),
            "days": core.PUBLIC_DAYS,
            "min_cell": MIN_CELL,
        },
    )
