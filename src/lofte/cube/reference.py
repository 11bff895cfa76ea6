"""The whole cube, every column, written plainly: the reference the fast engine is held to.

:func:`lofte.svf.reference.cells` gives each cell's counts and value (SPEC §5). This module
finishes them as the cube publishes them, one cell at a time in plain Python, from the same
rules the engine applies in bulk:

- ``suppressed``: :func:`lofte.core.disclosure.suppress_jointly` over the additive groups of
  SPEC §7 (:func:`additive_groups`) and every published count (:func:`published_counts`);
- ``ci_low`` / ``ci_high``: :func:`lofte.core.stats.wilson` for a share whose numerator lies
  within its denominator (inclusion above 100 % has no interval);
- ``target`` / ``target_high`` / ``meets_target``: the catalogue's target for the indicator,
  region and period, judged by :func:`lofte.catalog.verdict.classify` (no verdict on a borrowed
  reference or on a share above 100 %);
- ``region_level`` / ``period_type``: from the catalogue and the period's label.

Slow by design; for property tests on small histories only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from lofte.catalog import verdict
from lofte.catalog.model import Catalog
from lofte.core import disclosure, periods, stats
from lofte.cube.engine import region_parents

#: A cube cell's key: (indicator, region_basis, region, pathway, treatment, period).
Key = tuple[str, str, str, str, str, str]
#: A cell's counts and value as :func:`lofte.svf.reference.cells` gives them.
Counts = tuple[int | None, int | None, float | None]


def additive_groups(
    keys: list[Key], region_parent: Mapping[str, str], stocks: frozenset[str] = frozenset()
) -> list[list[Key]]:
    """The additive groups of SPEC §7: a parent and its children in geography and periods, and
    all treatments and all pathways of one cell, per indicator and region basis. ``stocks`` are
    indicators counted at a cut-off (ADR 0650): they have no groups along the periods."""
    groups: dict[tuple, set[Key]] = defaultdict(set)
    for key in keys:
        ind, basis, region, pathway, treatment, period = key
        groups[("geo", ind, basis, pathway, treatment, period, region)].add(key)
        if region in region_parent:
            groups[("geo", ind, basis, pathway, treatment, period, region_parent[region])].add(key)
        if ind not in stocks:
            groups[("per", ind, basis, region, pathway, treatment, period)].add(key)
            parent = periods.parent(period)
            if parent:
                groups[("per", ind, basis, region, pathway, treatment, parent)].add(key)
        groups[("trt", ind, basis, region, pathway, period)].add(key)
        groups[("pw", ind, basis, region, treatment, period)].add(key)
    return [sorted(g) for g in groups.values()]


def suppressed_cells(cells: Mapping[Key, Counts], catalog: Catalog) -> set[Key]:
    """The cells SPEC §7 hides, from the cells' own counts."""
    denominators: dict[Key, int] = {}
    initial: list[Key] = []
    counts: list[disclosure.Count[Key]] = []
    for key, (numerator, denominator, _) in sorted(cells.items()):
        if denominator is None:
            continue
        info = catalog.indicators[key[0]]
        if disclosure.primary(denominator, info.min_cell):
            initial.append(key)
        if not (info.additive and info.publishes_n):
            continue  # not summed, or its n is not published: primary suppression only
        denominators[key] = denominator
        counts.extend(published_counts(key, numerator, denominator))
    stocks = frozenset(c for c, i in catalog.indicators.items() if not i.additive_over_periods)
    groups = additive_groups(sorted(denominators), region_parents(catalog), stocks)
    return disclosure.suppress_jointly(denominators, initial, groups, counts)


def published_counts(
    key: Key, numerator: int | None, denominator: int
) -> list[disclosure.Count[Key]]:
    """The counts one cell publishes: its denominator and, where it has one, its numerator."""
    ind, basis, region, pathway, treatment, period = key
    where = (pathway, treatment, region)
    out = [disclosure.Count(key, (ind, "den"), basis, where, period, denominator)]
    if numerator is not None:
        out.append(disclosure.Count(key, (ind, "num"), basis, where, period, numerator))
    return out


def finished(cells: Mapping[Key, Counts], catalog: Catalog) -> dict[Key, dict[str, Any]]:
    """Every cube column of every cell (the key columns aside)."""
    hidden = suppressed_cells(cells, catalog)
    out: dict[Key, dict[str, Any]] = {}
    for key, (numerator, denominator, value) in cells.items():
        indicator, _, region, _, _, period = key
        info = catalog.indicators[indicator]
        ci_low = ci_high = None
        if (
            info.unit == "percent"
            and numerator is not None
            and denominator is not None
            and 0 <= numerator <= denominator
            and denominator > 0
        ):
            low, high = stats.wilson(numerator, denominator)
            ci_low, ci_high = low * 100, high * 100
        target = catalog.target_for(indicator, region, period)
        level, level_high = (None, None) if target is None else target.levels()
        # The one verdict rule: none on a borrowed reference, none on a share above 100 %.
        meets = verdict.meets_target(
            verdict.classify(
                value,
                False,
                level,
                level_high,
                info.direction,
                None if target is None else target.kind,
                info.unit,
            )
        )
        out[key] = {
            "numerator": numerator,
            "denominator": denominator,
            "value": value,
            "ci_low": ci_low,
            "ci_high": ci_high,
            "suppressed": key in hidden,
            "target": level,
            "target_high": level_high,
            "meets_target": meets,
            "region_level": catalog.region(region).level if region in catalog.regions else None,
            "period_type": periods.parse(period).kind,
        }
    return out
