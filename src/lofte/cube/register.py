"""Cancer-register aggregates (*nya cancerfall*, SPEC §6) as denominators of ``svf_inklusion``.

The register arrives per county, pathway and month or year. A cell (region, period, pathway) gets
a denominator only where the register *fully covers* the period for every county of the region:
every month of the period is reported, or — for a year — the county reported that whole year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyarrow as pa

from lofte.catalog import Catalog
from lofte.core import periods

REGISTER_SCHEMA = pa.schema(
    [
        ("region", pa.string()),
        ("region_level", pa.string()),
        ("period", pa.string()),
        ("period_type", pa.string()),
        ("pathway", pa.string()),
        ("new_cases", pa.int64()),
    ]
)


def register_cells(
    rows: Iterable[tuple[str, str, str, int]], catalog: Catalog
) -> dict[tuple[str, str, str], int]:
    """(county, period, pathway, new_cases) rows → {(region, period, pathway): new_cases}.

    Regions at every level and pathway ``alla`` are included; cells not fully covered are left
    out (no denominator, so no inclusion figure rather than a misleading one).
    """
    # county → period → pathway → new cases
    monthly: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    yearly: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    months_covered: dict[str, set[str]] = defaultdict(set)
    years_reported: dict[str, set[str]] = defaultdict(set)
    for county, period, pathway, new_cases in rows:
        kind = periods.parse(period).kind
        if kind == "month":
            cell = monthly[county][period]
            cell[pathway] = cell.get(pathway, 0) + new_cases
            months_covered[county].add(period)
        elif kind == "year":
            cell = yearly[county][period]
            cell[pathway] = cell.get(pathway, 0) + new_cases
            years_reported[county].add(period)
        else:
            raise ValueError(f"registerperiod måste vara månad eller år: {period}")

    # Candidate periods: every period that contains a reported month or year.
    candidates: set[str] = set()
    for months in months_covered.values():
        for m in months:
            candidates.update(periods.labels_for(periods.parse(m).start))
    for years in years_reported.values():
        candidates.update(years)

    def county_value(county: str, period: str) -> dict[str, int] | None:
        """New cases per pathway of one county for one period, or None if not covered."""
        p = periods.parse(period)
        if p.kind == "year" and period in years_reported[county]:
            return dict(yearly[county][period])
        months = _months_of(period)
        if not set(months) <= months_covered[county]:
            return None
        out: dict[str, int] = defaultdict(int)
        for m in months:
            for pw, n in monthly[county][m].items():
                out[pw] += n
        return dict(out)

    counties = [r.code for r in catalog.counties()]
    per_county: dict[tuple[str, str], dict[str, int] | None] = {
        (c, p): county_value(c, p) for c in counties for p in candidates
    }
    result: dict[tuple[str, str, str], int] = {}
    for region in ["SE", *[r.code for r in catalog.healthcare_regions()], *counties]:
        members = _counties_under(catalog, region)
        for period in candidates:
            values = [per_county[(c, period)] for c in members]
            if any(v is None for v in values):
                continue
            totals: dict[str, int] = defaultdict(int)
            for v in values:
                for pw, n in (v or {}).items():
                    totals[pw] += n
            if not totals:
                continue
            for pw, n in totals.items():
                result[(region, period, pw)] = n
            result[(region, period, "alla")] = sum(totals.values())
    return result


def as_table(cells: dict[tuple[str, str, str], int], catalog: Catalog) -> pa.Table:
    """The register cells as the Arrow relation ``register_cells`` that the cube SQL joins."""
    level = {r.code: r.level for r in catalog.regions.values()}
    keys = sorted(cells)
    return pa.Table.from_pydict(
        {
            "region": [k[0] for k in keys],
            "region_level": [level[k[0]] for k in keys],
            "period": [k[1] for k in keys],
            "period_type": [periods.parse(k[1]).kind for k in keys],
            "pathway": [k[2] for k in keys],
            "new_cases": [cells[k] for k in keys],
        },
        schema=REGISTER_SCHEMA,
    )


def _months_of(period: str) -> list[str]:
    children = periods.children(period)
    if not children:
        return [period]
    return [m for child in children for m in _months_of(child)]


def _counties_under(catalog: Catalog, region: str) -> list[str]:
    kids = catalog.children(region)
    if not kids:
        return [region]
    return [c for k in kids for c in _counties_under(catalog, k)]
