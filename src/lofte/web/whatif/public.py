"""*Vad händer om…?* on the public site (issue 16): the public grid of one public cell.

A public cell is a healthcare region × pathway × half-year by home region
(:func:`lofte.cube.whatif.public_cell`); its scenarios are the fixed grid
:data:`lofte.core.whatif.PUBLIC_GRID` (every interval 7 and 14 days shorter), each shown only
where :func:`lofte.core.whatif.public_grid` lets no group of 1–4 patients be worked out from
everything public about the cell, and only where the cube publishes the cell's baseline with
exactly the counts the scenarios start from. Django-free: the view renders what this returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lofte.catalog import Catalog, load
from lofte.core import whatif as core
from lofte.cube import query, whatif

INDICATOR = "svf_andel_inom_ledtid"


@dataclass
class Choices:
    """What the visitor may pick: (id, Swedish, English) for regions and pathways; periods
    (half-years present in the public cube, latest first)."""

    regions: list[tuple[str, str, str]]
    pathways: list[tuple[str, str, str]]
    periods: list[str]


@dataclass
class Cell:
    """One interval's scenarios of the grid (in :data:`lofte.core.whatif.PUBLIC_DAYS` order)."""

    interval: int
    results: list[core.PublicResult]


@dataclass
class Grid:
    """The page's figures for one selection; ``reason`` says why nothing is shown."""

    region: str
    pathway: str
    period: str
    baseline: dict[str, Any] | None = None  # the cube's public cell
    rows: list[Cell] = field(default_factory=list)
    reason: str = ""  # "", "no_cube", "no_cell", "suppressed", "mismatch"

    @property
    def hidden(self) -> int:
        """How many scenarios of the grid are not shown (each would reveal a small group)."""
        return sum(1 for row in self.rows for r in row.results if not r.shown)

    @property
    def best(self) -> Cell | None:
        """The interval whose shown 7-day scenario moves most patients (None: none moves)."""
        found = [
            (r.outcome.moved, -row.interval, row)
            for row in self.rows
            for r in row.results
            if r.shown and r.outcome.scenario.amount == core.TABLE_DAYS and r.outcome.moved > 0
        ]
        return max(found, key=lambda f: f[:2])[2] if found else None


def choices(catalog: Catalog | None = None) -> Choices:
    """The public cells' choices; no periods before the first compute or while the cube is
    withheld."""
    catalog = catalog or load()
    regions = [(r.code, r.name, r.name) for r in catalog.healthcare_regions()]
    pathways = [(p.id, p.name_sv, p.name_en) for p in catalog.pathways.values()]
    try:
        dims = query.dims(INDICATOR)
    except query.CubeMissing:
        dims = None
    halves = sorted(dims.periods.get(whatif.PUBLIC_PERIOD_TYPE, []), reverse=True) if dims else []
    return Choices(regions, pathways, halves)


def baseline_cell(region: str, pathway: str, period: str) -> dict[str, Any] | None:
    """The cube's public ``svf_andel_inom_ledtid`` cell of the selection (None: no such cell)."""
    found = query.cells(
        query.Filters(
            indicator=INDICATOR,
            regions=[region],
            region_basis=whatif.PUBLIC_BASIS,
            pathway=pathway,
            treatment="alla",
            period_type=whatif.PUBLIC_PERIOD_TYPE,
            periods=[period],
        )
    )
    return found[0] if found else None


def read_pathway(pathway: str) -> Any:
    """The population of one pathway from the instance file, read for the request (the public
    site's processes keep no copy of the whole population); NoInstances before a compute."""
    from lofte.cube import service

    return whatif.read(service.instances_path(), pathway)


def grid(instances: Any, region: str, pathway: str, period: str) -> Grid:
    """The public grid of the cell. ``instances``: the population table
    (:func:`lofte.cube.whatif.read`, all pathways or just this one)."""
    out = Grid(region, pathway, period)
    try:
        out.baseline = baseline_cell(region, pathway, period)
    except query.CubeMissing:
        out.reason = "no_cube"
        return out
    if out.baseline is None:
        out.reason = "no_cell"
        return out
    if out.baseline["suppressed"]:
        out.reason = "suppressed"
        return out
    patients = whatif.select(
        instances, pathway=pathway, region=region, period=period, basis=whatif.PUBLIC_BASIS
    )
    within = sum(1 for p in patients if p.within)
    if (out.baseline["denominator"], out.baseline["numerator"]) != (len(patients), within):
        # the instances are not those the public cube was made from (a compute in between):
        # the scenarios would start from counts the site does not publish
        out.reason = "mismatch"
        return out
    results = whatif.public_results(patients, baseline_shown=True)
    out.rows = [
        Cell(k, [r for r in results if r.outcome.scenario.interval == k])
        for k in range(len(core.INTERVALS))
    ]
    return out


def selection(params: Any, options: Choices) -> tuple[str, str, str]:
    """(region, pathway, period) from the query string, each falling back to the first choice
    (a bookmark never fails)."""

    def pick(name: str, allowed: list[str]) -> str:
        value = params.get(name) or ""
        return value if value in allowed else (allowed[0] if allowed else "")

    return (
        pick("region", [r[0] for r in options.regions]),
        pick("forlopp", [p[0] for p in options.pathways]),
        pick("period", options.periods),
    )


def published(region: str, pathway: str, period: str, interval: int, days: int) -> Any:
    """The outcome of "``interval`` ``days`` days shorter" as the public site shows it today,
    or None: not a public cell, not a scenario of the public grid, not computed, or hidden by
    the disclosure gate (ADR 0610)."""
    scenario = (interval, days)
    grid_keys = {(s.interval, s.amount) for s in core.PUBLIC_GRID}
    if scenario not in grid_keys:
        return None
    if not whatif.public_cell(load(), region, pathway, period, whatif.PUBLIC_BASIS):
        return None
    try:
        found = grid(read_pathway(pathway), region, pathway, period)
    except (whatif.NoInstances, query.CubeMissing):
        return None
    for row in found.rows:
        for result in row.results:
            s = result.outcome.scenario
            if (s.interval, s.amount) == scenario and result.shown:
                return result.outcome
    return None
