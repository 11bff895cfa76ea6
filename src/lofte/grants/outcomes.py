"""Granted projects in public and next to their indicators (SPEC §11, issue 15 item 6).

- :func:`public_projects`: the granted projects for the results site – title, year, area,
  regions, amount, status and linked indicators; never a person's name (no applicant units, no
  accounts, no assessments);
- :func:`projects_for`: the funded projects linked to an indicator (and a region), for the gap
  board and an indicator's page;
- :func:`before_after`: for a closed project, each linked indicator in each applicant county in the
  half-year before the project started (the decision) and the first half-year after its final
  report, compared with the report's rule (two-proportion test, p < 0.05, shares with counts
  only; suppressed cells stay hidden). The words say whether the indicator moved, never that the
  project moved it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from lofte.grants.models import Application

FUNDED = (
    Application.Status.GRANTED,
    Application.Status.PARTLY_GRANTED,
    Application.Status.REPORTING,
    Application.Status.CLOSED,
)


@dataclass
class Comparison:
    """One linked indicator for one applicant county, the half-year before a project and the first
    one after it, with the test of the change and whether it went the better way."""

    indicator: str
    region: str
    before_period: str
    after_period: str
    before: float | None
    after: float | None
    unit: str
    p_value: float | None
    significant: bool
    #: True when the change goes the indicator's better way, False the worse, None unknown.
    better: bool | None


@dataclass
class PublicProject:
    """A granted project as the public list shows it: no person names, the regions named, and the
    before/after comparisons of a closed project."""

    pk: int
    title: str
    year: int
    area: str
    regions: list[str]
    region_names: list[str]
    amount: int
    status: str
    status_label: str
    indicators: list[str]
    synthetic: bool
    comparisons: list[Comparison] = field(default_factory=list)


def half_of(day: dt.date) -> str:
    """The half-year ("2025H1") a day falls in."""
    from lofte.core import periods

    return periods.labels_for(day)[1]


def project_periods(application: Application) -> tuple[str, str] | None:
    """(the half-year before the project, the first half-year after it), or None."""
    from lofte.core import periods

    start = application.decided_at
    end = application.final_date
    if start is None or end is None:
        return None
    return (
        periods.shift(half_of(start.date()), -1),
        periods.shift(half_of(end), 1),
    )


def _cube_rows(indicators: list[str], regions: list[str], wanted: list[str]) -> dict[tuple, Any]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from lofte.cube.service import cube_path

    path = cube_path()
    if not path.exists() or not indicators or not regions:
        return {}
    table = pq.read_table(path, filters=[("indicator", "in", indicators)])
    mask = pc.and_(
        pc.and_(
            pc.is_in(table["region"], value_set=pa.array(regions)),
            pc.is_in(table["period"], value_set=pa.array(wanted)),
        ),
        pc.and_(pc.equal(table["pathway"], "alla"), pc.equal(table["treatment"], "alla")),
    )
    rows = {}
    for row in table.filter(mask).to_pylist():
        if row.get("region_basis") not in (None, "bostad"):
            continue
        rows[(row["indicator"], row["region"], row["period"])] = row
    return rows


def before_after(application: Application) -> list[Comparison]:
    """The linked indicators before and after a closed project, per applicant county."""
    from lofte.catalog import load
    from lofte.reports import model, types

    if application.status != Application.Status.CLOSED:
        return []
    spans = project_periods(application)
    if spans is None:
        return []
    before_p, after_p = spans
    catalog = load()
    codes = [c for c in application.indicators if c in catalog.indicators]
    regions = [r for r in application.regions() if r in catalog.regions]
    rows = _cube_rows(codes, regions, [before_p, after_p])
    out = []
    for code in codes:
        indicator = catalog.indicator(code)
        for region in regions:
            b = model.make_cell(
                rows.get((code, region, before_p)), region, before_p, indicator, catalog
            )
            a = model.make_cell(
                rows.get((code, region, after_p)), region, after_p, indicator, catalog
            )
            p = types.compare(a, b, indicator.unit)
            better = None
            if a.value is not None and b.value is not None and a.value != b.value:
                up = a.value > b.value
                if indicator.direction is not None:
                    better = up if indicator.direction == "higher_better" else not up
            out.append(
                Comparison(
                    code,
                    region,
                    before_p,
                    after_p,
                    b.value,
                    a.value,
                    indicator.unit,
                    p,
                    p is not None and p < types.ALPHA,
                    better,
                )
            )
    return out


def _public(application: Application, names: dict[str, str]) -> PublicProject:
    regions = application.regions()
    return PublicProject(
        pk=application.pk,
        title=application.title,
        year=application.call.year,
        area=application.area,
        regions=regions,
        region_names=[names.get(r, r) for r in regions],
        amount=application.decided_amount or 0,
        status=application.status,
        status_label=str(application.get_status_display()),
        indicators=list(application.indicators),
        synthetic=application.synthetic,
    )


def _region_names() -> dict[str, str]:
    from lofte.catalog import load

    return {code: r.name for code, r in load().regions.items()}


def public_projects(year: int | None = None, indicator: str | None = None) -> list[PublicProject]:
    """Funded projects, newest year first, by area and title."""
    qs = (
        Application.objects.filter(status__in=FUNDED)
        .select_related("call")
        .prefetch_related("applicants")
        .order_by("-call__year", "area", "title", "pk")
    )
    if year is not None:
        qs = qs.filter(call__year=year)
    names = _region_names()
    out = []
    for application in qs:
        if indicator is not None and indicator not in application.indicators:
            continue
        project = _public(application, names)
        if indicator is not None:
            project.comparisons = [c for c in before_after(application) if c.indicator == indicator]
        out.append(project)
    return out


def projects_by_gap() -> dict[tuple[str, str], list[PublicProject]]:
    """Funded projects keyed by (indicator, region) for every applicant county and the regions
    that contain it (a county's project also belongs to its healthcare region's gap)."""
    from lofte.catalog import load

    names = _region_names()
    out: dict[tuple[str, str], list[PublicProject]] = {}
    qs = (
        Application.objects.filter(status__in=FUNDED)
        .select_related("call")
        .prefetch_related("applicants")
        .order_by("-call__year", "title", "pk")
    )
    catalog = load()
    for application in qs:
        if not application.indicators:
            continue
        project = _public(application, names)
        covered = {up for r in project.regions for up in catalog.lineage(r) if r in names}
        for code in application.indicators:
            for region in covered:
                out.setdefault((code, region), []).append(project)
    return out
