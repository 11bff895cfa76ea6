"""An application cites *Vad händer om…?* results (issue 16, item 4).

Only a result the public site shows may be cited: a scenario of the public grid on a public
cell that passes the disclosure gate (:mod:`lofte.web.whatif.public`). An application is read by
assessors (patient-council members among them), decision makers and, once granted, summarised
for the public, so it may carry nothing that the public site would not show; for the same
reason every healthcare region may be cited by every applicant, as every visitor sees them.

The figures are recomputed here from the instances and the public cube, never taken from the
form, and stored with the time of the compute they come from (a snapshot: an assessment must
rest on what the applicant saw). The application's page shows today's published figures beside
the snapshot, so that a later compute that changes them is visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lofte.core import whatif as core


@dataclass(frozen=True)
class Cited:
    """One result to cite: the selection and its published outcome."""

    region: str
    pathway: str
    period: str
    interval: int
    days: int
    outcome: core.Outcome


def scenario_key(interval: int, days: int) -> str:
    """The form value naming a scenario of the public what-if grid, "interval:days" (read back by
    :func:`parse_key`)."""
    return f"{interval}:{days}"


def parse_key(key: str) -> tuple[int, int] | None:
    """(interval, days) of a grid scenario's key, None for anything else."""
    grid = {scenario_key(s.interval, s.amount): (s.interval, s.amount) for s in core.PUBLIC_GRID}
    return grid.get(key)


def published(region: str, pathway: str, period: str, interval: int, days: int) -> Any:
    """The outcome the public site shows for the selection, or None (not a public cell, not
    computed, or hidden by the disclosure gate)."""
    from lofte.catalog import load
    from lofte.cube import query
    from lofte.cube import whatif as cube_whatif
    from lofte.web.whatif import public

    if not cube_whatif.public_cell(load(), region, pathway, period, cube_whatif.PUBLIC_BASIS):
        return None
    try:
        grid = public.grid(public.read_pathway(pathway), region, pathway, period)
    except (cube_whatif.NoInstances, query.CubeMissing):
        return None
    for row in grid.rows:
        for result in row.results:
            scenario = result.outcome.scenario
            if (scenario.interval, scenario.amount) == (interval, days) and result.shown:
                return result.outcome
    return None


@dataclass
class Shown:
    """A citation as the application's page shows it: the snapshot, and today's figures."""

    citation: Any
    pathway: str
    region: str
    period: str
    step: str
    before: float | None
    after: float | None
    today: Any  # the outcome published today, or None
    url: str


def shown(application: Any, lang: str) -> list[Shown]:
    """The application's citations in ``lang`` with today's published figures."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from lofte.catalog import load
    from lofte.core.period_names import period_name
    from lofte.cube.whatif import STEPS

    catalog = load()
    out = []
    for c in application.whatif_citations.all():
        pathway = catalog.pathways.get(c.pathway)
        name = (pathway.name_en if lang == "en" else pathway.name_sv) if pathway else c.pathway
        step = STEPS[c.interval].name_in(lang) if c.interval < len(STEPS) else ""
        query = urlencode({"region": c.region, "forlopp": c.pathway, "period": c.period})
        out.append(
            Shown(
                citation=c,
                pathway=name,
                region=catalog.region(c.region).name if c.region in catalog.regions else c.region,
                period=period_name(c.period, lang),
                step=step,
                before=100 * c.within_before / c.n if c.n else None,
                after=100 * c.within_after / c.n if c.n else None,
                today=published(c.region, c.pathway, c.period, c.interval, c.days),
                url=f"{reverse('whatif_public:page')}?{query}",
            )
        )
    return out
