"""What the site and the API say about a figure beyond its number (issue 14, items 1–3).

- its **verdict**: :func:`status` is :func:`lofte.catalog.verdict.classify` (the rule the report
  and the gap board use) for a public cell: no traffic light on a borrowed reference, and a
  share above 100 % is a data-quality finding;
- its **series**: the source and definition of an imported value
  (:func:`lofte.cube.aggregates.series_of`), a break where either changes, and no change or
  line across a break (:func:`comparable`, :func:`segments`).
"""

from __future__ import annotations

from typing import Any

from lofte.catalog import Catalog, Indicator
from lofte.catalog.verdict import classify
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
    )


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


def reference_text() -> str:
    """Why a borrowed reference level is shown without a verdict."""
    return _(
        "Nivån är en referens lånad från ett annat register, ingen målnivå för dessa patienter; "
        "den visas utan bedömning."
    )
