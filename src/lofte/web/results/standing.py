"""What the site and the API say about a figure beyond its number (issue 14, items 1–3).

- its **verdict**: :func:`status` is :func:`lofte.catalog.verdict.classify` (the rule the report
  and the gap board use) for a public cell: no traffic light on a borrowed reference, and a
  share above 100 % is a data-quality finding, and so is a parent's (healthcare region's,
  nation's) share where a shown region below it is above 100 % (:func:`mark_parents`, ADR 0504);
- its **series**: the source and definition of an imported value
  (:func:`lofte.cube.aggregates.series_of`), a break where either changes, and no change or
  line across a break (:func:`comparable`, :func:`segments`).
"""

from __future__ import annotations

from typing import Any

from lofte.catalog import Catalog, Indicator
from lofte.catalog.verdict import classify, over_100_below
from lofte.core import periods
from lofte.web.results.i18n import _

SeriesMap = dict[tuple[str, str, str], Any]


_series_cache: dict[str, Any] = {}


def series_map() -> SeriesMap:
    """The series of every imported figure (empty when nothing is imported).

    Building it reads every current imported value (about 90 ms on the national demo), so it is
    kept per process under a signature of the imports: the newest import's id and time. Only an
    import adds or replaces values, so an import (in any process) changes the signature and the
    next page reads the new map."""
    from django.db.models import Max

    from lofte.cube.aggregates import series_of
    from lofte.cube.models import AggregateImport

    signature = AggregateImport.objects.aggregate(
        newest=Max("id"),
        at=Max("created_at"),
    )
    if _series_cache.get("signature") != signature:
        _series_cache.update(signature=signature, series=series_of())
    series: SeriesMap = _series_cache["series"]
    return series


def target_kind(cat: Catalog, ind: Indicator, region: str, period: str) -> str | None:
    """The kind of the target in force for a cell (None without a target)."""
    target = cat.target_for(ind.code, region, period)
    return None if target is None else target.kind


def status(cat: Catalog, ind: Indicator, cell: dict[str, Any] | None) -> str:
    """The verdict of a public cell (see :func:`lofte.catalog.verdict.classify`)."""
    if cell is None:
        return "missing"
    return classify(
        cell["value"],
        bool(cell["suppressed"]),
        cell.get("target"),
        cell.get("target_high"),
        ind.direction,
        target_kind(cat, ind, cell["region"], cell["period"]),
        ind.unit,
        child_over_100=bool(cell.get("over_100_children")),
    )


#: The cell keys a parent shares with the regions below it (besides the period).
_PARENT_KEYS = ("indicator", "region_basis", "pathway", "treatment", "period")


def mark_parents(cat: Catalog, cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``cells`` (public cells, changed in place and returned) with each shown parent share
    that counts a region above 100 % marked: ``over_100_children`` names those regions and
    ``meets_target`` is None (no verdict, ADR 0504); every other cell gets an empty list.

    The regions below are read from the public cube (one group per indicator, basis, pathway,
    treatment and period type, only the periods of the parents shown): hidden cells have no
    published value, so only shown ones count."""
    from lofte.cube import query

    wanted: dict[tuple[Any, ...], set[str]] = {}
    for cell in cells:
        cell["over_100_children"] = []
        ind = cat.indicators.get(cell["indicator"])
        if ind is None or ind.unit != "percent" or cell["suppressed"] or cell["value"] is None:
            continue
        if cell["region_level"] not in ("healthcare_region", "nation"):
            continue
        group = tuple(cell[k] for k in ("indicator", "region_basis", "pathway", "treatment"))
        wanted.setdefault((*group, cell["period_type"]), set()).add(cell["period"])
    for (indicator, basis, pathway, treatment, ptype), chosen in wanted.items():
        below = query.cells(
            query.Filters(
                indicator=indicator,
                region_basis=basis or "",
                pathway=pathway,
                treatment=treatment,
                period_type=ptype,
                periods=sorted(chosen),
            )
        )
        found = over_100_below(below, cat, _PARENT_KEYS)
        for cell in cells:
            key = (cell["region"], *(cell[k] for k in _PARENT_KEYS))
            if key in found and cell["period_type"] == ptype:
                cell["over_100_children"] = found[key]
                cell["meets_target"] = None
    return cells


def series_of_cell(series: SeriesMap, ind: Indicator, region: str, period: str) -> Any:
    """The series (source, definition) of an imported figure, or None."""
    return series.get((ind.code, region, period))


def comparable(
    series: SeriesMap, ind: Indicator, region: str, period: str, other: str, values: tuple
) -> bool:
    """Whether ``period`` and ``other`` of a region may be compared: one series, and neither
    value a share above 100 %."""
    if any(ind.exceeds_whole(v) for v in values):
        return False
    return series.get((ind.code, region, period)) == series.get((ind.code, region, other))


def series_break(series: SeriesMap, ind: Indicator, region: str, period: str) -> bool:
    """The figure starts a new series: the period before it (same kind) has another one."""
    now = series.get((ind.code, region, period))
    if now is None:  # most figures: computed, not imported (no period arithmetic needed)
        return False
    before = series.get((ind.code, region, periods.shift(period, -1)))
    return before is not None and now != before


def segments(series: SeriesMap, ind: Indicator, region: str, labels: list[str]) -> list[int]:
    """Per period of ``labels`` (in order), the run of one series it belongs to: a line is
    drawn within a run, never across a break."""
    out, run, last = [], 0, None
    for label in labels:
        found = series.get((ind.code, region, label))
        if found is not None and last is not None and found != last:
            run += 1
        if found is not None:
            last = found
        out.append(run)
    return out


def verdict_words(state: str) -> tuple[str, str]:
    """(words, css modifier) of a status for the start page's cards."""
    return {
        "met": (_("Når målnivån"), "yes"),
        "partial": (_("Når den lägsta målnivån"), "yes"),
        "not_met": (_("Når inte målnivån"), "no"),
        "no_target": (_("Ingen fastställd målnivå"), "none"),
        "reference": (_("Referensnivå lånad från ett annat register, ingen bedömning"), "none"),
        "data_quality": (
            _("Datakvalitet: fler avslutade SVF än nya cancerfall i registret, ingen bedömning"),
            "none",
        ),
        "suppressed": (_("Kan inte bedömas: värdet saknas eller är dolt"), "none"),
        "missing": (_("Kan inte bedömas: värdet saknas eller är dolt"), "none"),
    }[state]


def over_100_text() -> str:
    """Why a share above 100 % is shown as a finding, with its likely causes."""
    return _(
        "Fler avslutade SVF än nya cancerfall i cancerregistret är ett datakvalitetsfynd, "
        "ingen andel, och bedöms inte mot målnivån. Troliga orsaker: eftersläpning eller "
        "ofullständig täckning i cancerregistret, och SVF för patienter som inte fick någon "
        "cancerdiagnos."
    )


def over_100_parent_text(cat: Catalog, cells: list[dict[str, Any]], period_name: Any = str) -> str:
    """Which shown parents get no verdict because of a region above 100 % below them, naming
    the regions (empty when none)."""
    from lofte.web.results import presentation as fmt

    parts = []
    for cell in cells:
        children = cell.get("over_100_children") or []
        if children:
            parts.append(
                _("%(region)s (%(period)s) räknar in %(children)s")
                % {
                    "region": fmt.region_name(cat, cell["region"]),
                    "period": period_name(cell["period"]),
                    "children": ", ".join(fmt.region_name(cat, c) for c in children),
                }
            )
    if not parts:
        return ""
    return _(
        "Andelen för en sjukvårdsregion eller riket bedöms inte heller när en region under den "
        "är över 100 %%: en bedömning skulle vila på datafelet. %(parents)s."
    ) % {"parents": "; ".join(parts)}


def reference_text() -> str:
    """Why a borrowed reference level is shown without a verdict."""
    return _(
        "Nivån är en referens lånad från ett annat register, ingen målnivå för dessa patienter; "
        "den visas utan bedömning."
    )
