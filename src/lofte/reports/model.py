"""The report model (SPEC §9): every figure the report shows, taken from the cube.

:func:`build` reads the stored indicator cube, the catalogue and the import history and returns a
:class:`Report`, a tree of plain dataclasses that the HTML, PDF and XLSX renderings all print
from (and that is written as ``model.json``). It is the only place numbers come from; the
renderings format, they never compute. Suppressed cells enter the model without their numbers
(``value``, ``numerator`` and ``denominator`` are None), so nothing downstream can show them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import pyarrow as pa

from lofte.catalog import Catalog, Indicator, load
from lofte.catalog.verdict import JUDGED, classify, over_100_below
from lofte.core import periods
from lofte.reports.types import (
    ALPHA,
    BOTTLENECK_STEPS,
    COVERAGE_OF,
    BottleneckRow,
    Cell,
    Change,
    IndicatorSection,
    PathwayRow,
    PromiseSection,
    QualityRow,
    SeriesBreak,
    comparable,
    compare,
)

__all__ = ["JUDGED", "classify"]  # the one verdict rule, re-exported for the report's users

#: The actions linked to a gap: ``(indicator, region, today) -> [GapAction, ...]``.
GapActions = Callable[[str, str, "dt.date | None"], list[Any]]
_gap_actions: GapActions | None = None


def provide_gap_actions(provider: GapActions | None) -> None:
    """Install (None: remove) what finds the actions linked to a gap. The action plans
    (``lofte.web.plans``) install theirs when Django starts, so that the report never imports
    the web layer; without it every gap reads *Ingen åtgärd registrerad*."""
    global _gap_actions
    _gap_actions = provider


#: How many half-years the trend charts cover.
TREND_HALVES = 8
#: SVF indicators are reported by the patient's home region.
BASIS = "bostad"
#: Indicators shown in their own tables or charts rather than as a section of their own.
DETAIL_INDICATORS = (
    "svf_ledtid_p25",
    "svf_ledtid_p75",
    "svf_antal_avslutade",
    "svf_median_start_till_besok",
    "svf_median_besok_till_diagnos",
    "svf_median_diagnos_till_behandling",
    # Issue 16: the intervals' quartiles and medians among those who missed (desk, cube).
    *(
        f"svf_{kind}_{step}"
        for kind in ("p25", "p75", "missad_median")
        for step in ("start_till_besok", "besok_till_diagnos", "diagnos_till_behandling")
    ),
    # Väntande över ledtid is a count at each month's end (ADR 0650): no half-year cells.
    "svf_pagaende_over_ledtid",
)


class ReportError(ValueError):
    """The report cannot be made (user-facing Swedish message; exit status 1)."""


@dataclass
class Gap:
    """A region's value below its target (not met, or between a low and a high target)."""

    indicator: str
    name_sv: str
    name_en: str
    promise: int | None
    region: str
    period: str
    value: float | None
    unit: str
    target: float | None
    target_high: float | None
    status: str
    #: The active actions of the action plans linked to this gap (from ``lofte.web.plans.gaps``
    #: through :func:`provide_gap_actions`: the same list the gap board shows); empty: *Ingen
    #: åtgärd registrerad*.
    actions: list[Any] = field(default_factory=list)


@dataclass
class SourceEntry:
    """One series a figure of the report comes from: indicator, source, periods, last import."""

    indicator: str
    source: str
    periods: list[str]
    imported: str  # ISO date of the latest import
    synthetic: bool
    #: The definition the series follows where it is not the catalogue's ("" = the catalogue's).
    definition: str = ""


@dataclass
class Report:
    """The whole report model of a healthcare region and half-year (``model.json``)."""

    healthcare_region: str
    period: str
    period_start: str
    period_end: str
    generated: str
    synthetic: bool
    min_cell: int
    regions: dict[str, str]  # code → name, in report order: counties, healthcare region, nation
    counties: list[str]
    promises: list[PromiseSection]
    gaps: list[Gap]
    sources: list[SourceEntry]
    quality: list[QualityRow]
    #: Data-quality measures that belong to no promise (the cancer register's coverage): shown
    #: in the caveats, never as a promise's indicator.
    data_quality: list[IndicatorSection] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The model as plain JSON data (``model.json``)."""
        return asdict(self)

    def sections(self) -> list[IndicatorSection]:
        """Every indicator section of every promise, in report order."""
        return [s for p in self.promises for s in p.indicators]


# --- reading the cube -------------------------------------------------------------------------


def _clean(x: Any) -> Any:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return x


class CubeIndex:
    """The cube rows a report needs, by (indicator, region, pathway, period), and the shares
    above 100 % below each parent region (:func:`lofte.catalog.verdict.over_100_below`)."""

    def __init__(
        self, rows: list[dict[str, Any]], over_100: dict[tuple[Any, ...], list[str]] | None = None
    ) -> None:
        self.over_100 = over_100 or {}
        self.rows: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        self.periods: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            key = (row["indicator"], row["region"], row["pathway"], row["period"])
            self.rows[key] = row
            if row["pathway"] == "alla":
                self.periods[row["indicator"]].add(row["period"])

    def get(
        self, indicator: str, region: str, period: str, pathway: str = "alla"
    ) -> dict[str, Any] | None:
        """The cube row of an indicator, region, period and pathway (None: no row)."""
        return self.rows.get((indicator, region, pathway, period))

    def children_over_100(self, row: dict[str, Any] | None) -> list[str]:
        """The shown regions below ``row``'s region whose share is above 100 % in the same
        indicator, basis, pathway, treatment and period (empty: none, or no row)."""
        if row is None:
            return []
        keys = ("region", "indicator", "region_basis", "pathway", "treatment", "period")
        return self.over_100.get(tuple(row[k] for k in keys), [])


def select(
    cube: pa.Table,
    regions: list[str],
    report_period: str,
    previous: str,
    catalog: Catalog | None = None,
) -> CubeIndex:
    """Only the rows the report uses: its regions, treatment ``alla``, SVF half-years by home
    region, every pathway only for the healthcare region's report period and a year before.

    :func:`lofte.reports.service.read_report_cube` already reads about this much; the rule is
    applied here again so that the model is right for any cube it is given. The cube may hold
    the other counties too (:func:`lofte.reports.service.read_report_cube` reads them): they
    only tell which parents have a share above 100 % below them (with ``catalog``).
    """
    wanted = set(regions)
    detail = {report_period, previous}
    rows = [
        row
        for row in cube.to_pylist()
        if row["treatment"] == "alla"
        and (
            (row["region_basis"] == BASIS and row["period_type"] == "half")
            or row["region_basis"] is None
        )
        and (row["pathway"] == "alla" or (row["region"] != "SE" and row["period"] in detail))
    ]
    over_100 = over_100_below(rows, catalog) if catalog is not None else None
    return CubeIndex([row for row in rows if row["region"] in wanted], over_100)


# --- cells ------------------------------------------------------------------------------------


SeriesMap = dict[tuple[str, str, str], Any]  # (indicator, region, period) → aggregates.Series


def hidden_by(row: dict[str, Any] | None) -> str | None:
    """ "disclosure" for a cube cell that disclosure control hid, None otherwise.

    The report does not say which rule hid a cell (fewer than ``min_cell``, or hidden so that
    another cannot be worked out): beside a shown total the two marks pin counts down (a shown
    6 over one cell of each kind can only be 1 + 5; ADR 0721), so every hidden cell prints the
    same dash with a note naming both rules."""
    if row is None or not row["suppressed"]:
        return None
    return "disclosure"


def make_cell(
    row: dict[str, Any] | None,
    region: str,
    period: str,
    indicator: Indicator,
    catalog: Catalog,
    series: SeriesMap | None = None,
    over_100_children: list[str] | None = None,
) -> Cell:
    """A cube ``row`` as a report cell with its verdict against the target; a suppressed row
    without its numbers, a missing one (None) as *missing*. ``series`` names the series of an
    imported value; ``over_100_children`` the shown regions below it above 100 %
    (:meth:`CubeIndex.children_over_100`), which make a shown share a data-quality finding."""
    target = catalog.target_for(indicator.code, region, period)
    found = (series or {}).get((indicator.code, region, period))
    label = None if found is None else found.label()
    if row is None:
        low, high = (None, None) if target is None else target.levels()
        return Cell(
            region, period, None, None, None, None, None, False, low, high, "missing", label
        )
    suppressed = bool(row["suppressed"])
    target_low, target_high = _clean(row["target"]), _clean(row["target_high"])
    if suppressed:
        value = numerator = denominator = ci_low = ci_high = None
        below = []
    else:
        value = _clean(row["value"])
        numerator = _clean(row["numerator"])
        below = list(over_100_children or []) if indicator.unit == "percent" else []
        # A median's n is not published (Indicator.publishes_n, SPEC §7).
        denominator = _clean(row["denominator"]) if indicator.publishes_n else None
        ci_low, ci_high = _clean(row.get("ci_low")), _clean(row.get("ci_high"))
    status = classify(
        value,
        suppressed,
        target_low,
        target_high,
        indicator.direction,
        None if target is None else target.kind,
        indicator.unit,
        child_over_100=bool(below),
    )
    reason = hidden_by(row)
    return Cell(
        region,
        period,
        value,
        numerator,
        denominator,
        ci_low,
        ci_high,
        suppressed,
        target_low,
        target_high,
        status,
        label,
        hidden_by=reason,
        over_100_children=below if value is not None else [],
    )


def _end(label: str) -> dt.date:
    return periods.parse(label).end


def shown_period(
    index: CubeIndex, indicator: Indicator, regions: list[str], report_period: str
) -> str | None:
    """The report period for SVF; for aggregates the latest period up to it with figures."""
    if indicator.source == "svf":
        return report_period
    end = _end(report_period)
    candidates = [
        p
        for p in index.periods.get(indicator.code, ())
        if _end(p) <= end and any(index.get(indicator.code, r, p) for r in regions)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (_end(p), -len(p)))


def trend_periods(index: CubeIndex, indicator: Indicator, shown: str, report_period: str) -> list:
    """The periods of the trend chart: the last eight half-years for SVF; for an aggregate the
    periods of the kind shown within the same span, oldest first."""
    if indicator.source == "svf":
        return periods.range_of(periods.shift(report_period, -(TREND_HALVES - 1)), report_period)
    first_end = _end(periods.shift(report_period, -TREND_HALVES))
    kind = periods.parse(shown).kind
    chosen = [
        p
        for p in index.periods.get(indicator.code, ())
        if periods.parse(p).kind == kind and first_end < _end(p) <= _end(shown)
    ]
    return sorted(chosen, key=_end)


def indicator_section(
    index: CubeIndex,
    indicator: Indicator,
    regions: list[str],
    counties: list[str],
    report_period: str,
    catalog: Catalog,
    series: SeriesMap | None = None,
) -> IndicatorSection:
    """One indicator of the report: its cells in the period shown (the report period, or an
    aggregate's latest period up to it), its trend, the change from a year earlier and the
    test of the highest against the lowest region. ``regions`` end with the healthcare region
    and the nation."""
    shown = shown_period(index, indicator, regions, report_period)
    target = catalog.target_for(indicator.code, regions[-2], report_period)
    t_low, t_high = (None, None) if target is None else target.levels()
    section = IndicatorSection(
        code=indicator.code,
        name_sv=indicator.name_sv,
        name_en=indicator.name_en,
        description_sv=indicator.description_sv,
        description_en=indicator.description_en,
        unit=indicator.unit,
        direction=indicator.direction,
        source=indicator.source,
        target=t_low,
        target_high=t_high,
        target_source=indicator.target_source,
        period=shown,
        cells=[],
        trend=[],
        changes=[],
        difference_p=None,
        target_kind=None if target is None else target.kind,
        target_source_en=indicator.target_source_en,
        additive=indicator.additive,
    )
    if shown is None:
        return section
    section.cells = [_cell(index, indicator, r, shown, catalog, series) for r in regions]
    _add_trend(section, index, indicator, regions, report_period, catalog, series)
    previous = periods.same_period_previous_year(shown)
    for cell in section.cells:
        before = _cell(index, indicator, cell.region, previous, catalog, series)
        section.changes.append(yearly_change(cell, before, indicator))
    shown_counties = [c for c in section.cells if c.region in counties and c.value is not None]
    if len(shown_counties) >= 2:
        high = max(shown_counties, key=lambda c: c.value or 0.0)
        low = min(shown_counties, key=lambda c: c.value or 0.0)
        if comparable(high, low):
            section.difference_p = compare(high, low, indicator.unit)
    return section


def _cell(
    index: CubeIndex,
    indicator: Indicator,
    region: str,
    period: str,
    catalog: Catalog,
    series: SeriesMap | None,
) -> Cell:
    """The report cell of an indicator, region and period (pathway ``alla``), a parent's
    verdict withheld where a region below it is above 100 % (ADR 0504)."""
    row = index.get(indicator.code, region, period)
    below = index.children_over_100(row)
    return make_cell(row, region, period, indicator, catalog, series, below)


def _better(value: float | None, before: float | None, direction: str | None) -> bool | None:
    """Whether ``value`` is better than ``before`` by the indicator's direction; None when
    they are equal, either is missing or the indicator has no direction."""
    if value is None or before is None or value == before or direction is None:
        return None
    up = value > before
    return up if direction == "higher_better" else not up


def _add_trend(
    section: IndicatorSection,
    index: CubeIndex,
    indicator: Indicator,
    regions: list[str],
    report_period: str,
    catalog: Catalog,
    series: SeriesMap | None,
) -> None:
    """The section's trend cells, each region's runs of one series numbered as segments, and
    the breaks between them."""
    assert section.period is not None
    last: dict[str, Cell] = {}
    for p in trend_periods(index, indicator, section.period, report_period):
        for r in regions:
            row = index.get(indicator.code, r, p)
            if row is None:
                continue
            cell = _cell(index, indicator, r, p, catalog, series)
            before = last.get(r)
            if before is not None:
                cell.segment = before.segment
                if before.series != cell.series:
                    cell.segment += 1
                    found = series or {}
                    section.breaks.append(
                        SeriesBreak(
                            r,
                            p,
                            found.get((indicator.code, r, before.period)),
                            found.get((indicator.code, r, p)),
                        )
                    )
            last[r] = cell
            section.trend.append(cell)


def yearly_change(cell: Cell, before: Cell, indicator: Indicator) -> Change:
    """A region's ``cell`` against ``before``, the same period a year earlier: tested where
    both are shares with counts, and better or worse by the indicator's direction."""
    broken = before.series != cell.series and "missing" not in (cell.status, before.status)
    if not comparable(cell, before):
        # No "året före" across a break of source or definition, nor for a data-quality
        # finding: the previous figure is not shown beside this one and nothing is tested.
        before = replace(before, value=None, numerator=None, denominator=None, suppressed=False)
    p_value = compare(cell, before, indicator.unit)
    return Change(
        region=cell.region,
        period=cell.period,
        previous_period=before.period,
        value=cell.value,
        previous=before.value,
        p_value=p_value,
        significant=p_value is not None and p_value < ALPHA,
        better=_better(cell.value, before.value, indicator.direction),
        previous_suppressed=before.suppressed,
        previous_hidden_by=before.hidden_by,
        series_break=broken,
    )


def pathway_table(
    index: CubeIndex, hr: str, report_period: str, catalog: Catalog
) -> list[PathwayRow]:
    """One row per pathway of region ``hr`` (a county or the healthcare region)."""
    share_ind = catalog.indicator("svf_andel_inom_ledtid")
    rows: list[PathwayRow] = []
    for pathway in catalog.pathways.values():
        row = _pathway_row(index, hr, report_period, pathway, share_ind, catalog)
        if row is not None:
            rows.append(row)
    return rows


def _pathway_row(
    index: CubeIndex,
    hr: str,
    report_period: str,
    pathway: Any,
    share_ind: Indicator,
    catalog: Catalog,
) -> PathwayRow | None:
    """A pathway's share within the lead time (with its change from a year earlier), median
    and steps in region ``hr``; None when the cube has neither share nor median."""
    median = index.get("svf_ledtid_median", hr, report_period, pathway.id)
    share = index.get("svf_andel_inom_ledtid", hr, report_period, pathway.id)
    if median is None and share is None:
        return None
    now, then = _share_cells(index, hr, report_period, pathway.id, share_ind, catalog)
    p_value = compare(now, then, "percent") if now and then else None
    step_rows = [index.get(code, hr, report_period, pathway.id) for code, _ in BOTTLENECK_STEPS]
    return PathwayRow(
        pathway=pathway.id,
        name_sv=pathway.name_sv,
        name_en=pathway.name_en,
        # n of the share itself: a median's n is not published (SPEC §7)
        n=None if now is None or now.suppressed else now.denominator,
        share=None if now is None else now.value,
        share_suppressed=bool(now and now.suppressed),
        has_lead_time=share is not None,
        median=_shown_value(median),
        previous_share=None if then is None else then.value,
        change_pp=_difference(now, then),
        p_value=p_value,
        significant=p_value is not None and p_value < ALPHA,
        share_hidden_by=None if now is None else now.hidden_by,
        median_hidden_by=hidden_by(median),
        steps=[_shown_value(r) for r in step_rows],
        steps_hidden_by=[hidden_by(r) for r in step_rows],
    )


def _share_cells(
    index: CubeIndex, hr: str, period: str, pathway: str, share_ind: Indicator, catalog: Catalog
) -> tuple[Cell | None, Cell | None]:
    """A pathway's share within the lead time in ``period`` and a year earlier (None: no row)."""
    previous = periods.same_period_previous_year(period)
    share = index.get(share_ind.code, hr, period, pathway)
    before = index.get(share_ind.code, hr, previous, pathway)
    now = make_cell(share, hr, period, share_ind, catalog) if share else None
    then = make_cell(before, hr, previous, share_ind, catalog) if before else None
    return now, then


def _shown_value(row: dict[str, Any] | None) -> float | None:
    """A cube row's value, None where the row is missing or suppressed."""
    return None if row is None or row["suppressed"] else _clean(row["value"])


def _difference(now: Cell | None, then: Cell | None) -> float | None:
    """``now`` minus ``then`` where both have a value."""
    if now is None or then is None or now.value is None or then.value is None:
        return None
    return now.value - then.value


def bottleneck(index: CubeIndex, regions: list[str], report_period: str) -> list[BottleneckRow]:
    """Every region's *ingående ledtider* in the report period."""
    out = []
    for r in regions:
        steps: list[float | None] = []
        reasons: list[str | None] = []
        for code, _ in BOTTLENECK_STEPS:
            row = index.get(code, r, report_period)
            hidden = row is None or bool(row["suppressed"])
            steps.append(None if hidden or row is None else _clean(row["value"]))
            reasons.append(hidden_by(row))
        out.append(BottleneckRow(r, steps, reasons))
    return out


# --- the operational database: sources and data quality ----------------------------------------


def series_map(catalog: Catalog) -> SeriesMap:
    """The series (source, definition) of every imported figure (:mod:`lofte.cube.aggregates`)."""
    from lofte.cube.aggregates import series_of

    return series_of(catalog)


def _is_synthetic(text: str) -> bool:
    from lofte.cube.aggregates import Series

    return Series(text).synthetic


def sources(codes: set[str], regions: list[str]) -> list[SourceEntry]:
    """One entry per indicator and series (source, and definition where it is not the
    catalogue's): the annex names each series a figure of the report comes from."""
    from lofte.cube.aggregates import Series
    from lofte.cube.models import AggregateValue

    found: dict[tuple[str, Series], tuple[set[str], dt.datetime]] = {}
    values = AggregateValue.objects.filter(
        current=True, indicator__in=codes, region__in=regions
    ).select_related("batch")
    for v in values:
        key = (v.indicator, Series(v.source, v.definition))
        seen, latest = found.get(key, (set(), v.batch.created_at))
        seen.add(v.period)
        found[key] = (seen, max(latest, v.batch.created_at))
    return [
        SourceEntry(
            indicator=ind,
            source=series.source,
            periods=sorted(ps, key=lambda p: (_end(p), p)),
            imported=latest.date().isoformat(),
            synthetic=series.synthetic,
            definition=series.definition,
        )
        for (ind, series), (ps, latest) in sorted(
            found.items(), key=lambda item: (item[0][0], item[0][1].label())
        )
    ]


def quality(counties: list[str]) -> list[QualityRow]:
    """Each county's SVF deliveries as the data-quality annex counts them."""
    from lofte.svf.models import Delivery

    rows = []
    for code in counties:
        deliveries = list(Delivery.objects.filter(region=code))
        active = [d for d in deliveries if d.status == Delivery.Status.ACTIVE]
        rejected = [d for d in deliveries if d.status == Delivery.Status.REJECTED]
        windows = [d.window_to for d in active if d.window_to is not None]
        delivered = [d.created_at for d in deliveries]
        kinds, counted = warning_kinds(active)
        rows.append(
            QualityRow(
                region=code,
                active=len(active),
                rejected=len(rejected),
                data_to=max(windows).isoformat() if windows else None,
                rows=sum(d.rows_stored for d in active),
                warnings=sum(d.warning_count for d in active),
                errors=sum(d.error_count for d in rejected),
                last_delivered=max(delivered).date().isoformat() if delivered else None,
                warning_kinds=kinds,
                warnings_counted=counted,
            )
        )
    return rows


def warning_kinds(deliveries: list[Any]) -> tuple[dict[str, int], int]:
    """Warnings per kind of ``deliveries`` (most first) and how many warnings that counts: a
    delivery's recorded counts (``report["warning_kinds"]``) where it has them, else the
    warnings it stored (all of them unless the list was cut at the check's maximum)."""
    kinds: dict[str, int] = defaultdict(int)
    counted = 0
    for d in deliveries:
        report = d.report or {}
        recorded = report.get("warning_kinds")
        if isinstance(recorded, dict):
            items = [(str(k), int(v)) for k, v in recorded.items()]
        else:
            items = [(str(w.get("code") or "other"), 1) for w in report.get("warnings", [])]
        for kind, n in items:
            kinds[kind] += n
            counted += n
    return dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))), counted


def synthetic_inputs() -> bool:
    """Whether any active delivery or current aggregate value is synthetic (the demo's)."""
    from lofte.cube.models import AggregateValue
    from lofte.svf.models import Delivery

    if Delivery.objects.filter(
        status=Delivery.Status.ACTIVE, file_name__startswith="SYNTETISK_"
    ).exists():
        return True
    return any(
        _is_synthetic(s)
        for s in AggregateValue.objects.filter(current=True).values_list("source", flat=True)
    )


# --- the whole report -------------------------------------------------------------------------


def check_arguments(healthcare_region: str, period: str, catalog: Catalog) -> None:
    """Raise :class:`ReportError` (in Swedish) unless ``healthcare_region`` is one and
    ``period`` a half-year."""
    region = catalog.regions.get(healthcare_region)
    if region is None or region.level != "healthcare_region":
        codes = ", ".join(r.code for r in catalog.healthcare_regions())
        raise ReportError(f"okänd sjukvårdsregion '{healthcare_region}' – välj en av: {codes}")
    try:
        parsed = periods.parse(period)
    except ValueError:
        raise ReportError(f"ogiltig period '{period}' – ange ett halvår, t.ex. 2025H1") from None
    if parsed.kind != "half":
        raise ReportError(f"perioden '{period}' är inget halvår – ange t.ex. 2025H1 eller 2025H2")


def build(
    healthcare_region: str,
    period: str,
    cube: pa.Table,
    catalog: Catalog | None = None,
    today: dt.date | None = None,
    instances: pa.Table | None = None,
) -> Report:
    """The report model of a healthcare region and half-year from the (internal) cube, and the
    engine's ``instances`` for the what-if table (none: no table)."""
    catalog = catalog or load()
    check_arguments(healthcare_region, period, catalog)
    counties = sorted(catalog.children(healthcare_region))
    regions = [*counties, healthcare_region, "SE"]
    index = select(cube, regions, period, periods.same_period_previous_year(period), catalog)
    if not any(index.get(code, healthcare_region, period) for code in index.periods):
        raise ReportError(
            f"kuben har inga SVF-uppgifter för {healthcare_region} {period} – har data för "
            "perioden importerats och 'lofte compute' körts?"
        )
    data_quality = _data_quality_sections(index, regions, counties, period, catalog)
    scope = Scope(
        index,
        healthcare_region,
        period,
        counties,
        catalog,
        series_map(catalog),
        coverage={s.code: s for s in data_quality},
        quality=quality(counties),
    )
    promises = [promise_section(scope, number, instances) for number in sorted(catalog.promises)]
    codes = {s.code for p in promises for s in p.indicators if s.source == "aggregate"}
    parsed = periods.parse(period)
    return Report(
        healthcare_region=healthcare_region,
        period=period,
        period_start=parsed.start.isoformat(),
        period_end=parsed.end.isoformat(),
        generated=(today or dt.date.today()).isoformat(),
        synthetic=synthetic_inputs(),
        min_cell=max(i.min_cell for i in catalog.indicators.values() if i.source == "svf"),
        regions={r: catalog.region(r).name for r in regions},
        counties=counties,
        promises=promises,
        gaps=gaps(promises, catalog, today),
        sources=sources(codes, regions),
        quality=scope.quality,
        data_quality=data_quality,
    )


def _data_quality_sections(
    index: CubeIndex, regions: list[str], counties: list[str], period: str, catalog: Catalog
) -> list[IndicatorSection]:
    """The data-quality measures that belong to no promise (the cancer register's coverage)."""
    return [
        indicator_section(index, i, regions, counties, period, catalog)
        for i in catalog.indicators.values()
        if i.promise is None and i.code not in DETAIL_INDICATORS
    ]


@dataclass(frozen=True)
class Scope:
    """What every section of one report is built from."""

    index: CubeIndex
    healthcare_region: str
    period: str
    counties: list[str]
    catalog: Catalog
    series: SeriesMap
    #: The data-quality measures by code (the cancer register's coverage), for the caveats.
    coverage: dict[str, IndicatorSection] = field(default_factory=dict)
    quality: list[QualityRow] = field(default_factory=list)

    @property
    def regions(self) -> list[str]:
        """The report's regions in report order: counties, healthcare region, nation."""
        return [*self.counties, self.healthcare_region, "SE"]


def promise_section(scope: Scope, number: int, instances: pa.Table | None) -> PromiseSection:
    """One promise: its indicators with their narrative and, for the lead-time promise, the
    per-pathway tables, the *ingående ledtider* and the what-if table."""
    from lofte.reports import narrative

    catalog, index, hr, period = scope.catalog, scope.index, scope.healthcare_region, scope.period
    promise = catalog.promises[number]
    indicators = [
        i
        for i in catalog.indicators.values()
        if i.promise == number and i.code not in DETAIL_INDICATORS
    ]
    section = PromiseSection(number, promise.text_sv, promise.text_en, [])
    for indicator in indicators:
        s = indicator_section(
            index, indicator, scope.regions, scope.counties, period, catalog, scope.series
        )
        coverage = scope.coverage.get(COVERAGE_OF.get(indicator.code, ""))
        s.narrative = narrative.indicator_sentences(s, scope.counties, hr, coverage)
        section.indicators.append(s)
    own = {s.code: s for s in section.indicators}
    section.caveats = narrative.caveat_sentences(
        section, {**scope.coverage, **own}, scope.quality, hr
    )
    if not any(i.source == "svf" for i in indicators) or number != _lead_time_promise(catalog):
        return section
    section.pathway_table = pathway_table(index, hr, period, catalog)
    section.pathway_tables = {
        r: pathway_table(index, r, period, catalog) for r in [*scope.counties, hr]
    }
    section.bottleneck = bottleneck(index, scope.regions, period)
    section.bottleneck_narrative = narrative.bottleneck_sentences(section.bottleneck, hr)
    if instances is not None:
        section.whatif = _whatif(index, hr, period, instances, catalog)
    return section


def gaps(promises: list[PromiseSection], catalog: Catalog, today: dt.date | None) -> list[Gap]:
    """Every region's value below its target (not met, or between a low and a high target),
    with the actions the action plans link to it."""
    out = [
        Gap(
            indicator=s.code,
            name_sv=s.name_sv,
            name_en=s.name_en,
            promise=catalog.indicator(s.code).promise,
            region=c.region,
            period=c.period,
            value=c.value,
            unit=s.unit,
            target=c.target,
            target_high=c.target_high,
            status=c.status,
        )
        for p in promises
        for s in p.indicators
        for c in s.cells
        if c.region != "SE" and c.status in ("not_met", "partial")
    ]
    for gap in out:
        gap.actions = [] if _gap_actions is None else _gap_actions(gap.indicator, gap.region, today)
    return out


def _whatif(index: CubeIndex, hr: str, period: str, instances: pa.Table, catalog: Catalog) -> Any:
    """The what-if block (issue 16), each pathway's row gated by its published lead-time cell."""
    from lofte.reports import whatif

    shown = {}
    for pathway in catalog.pathways:
        cell = index.get("svf_andel_inom_ledtid", hr, period, pathway)
        shown[pathway] = cell is not None and not cell["suppressed"]
    return whatif.build(hr, period, instances, shown, catalog)


def _lead_time_promise(catalog: Catalog) -> int | None:
    """The promise that the SVF lead-time indicator belongs to (1 in Sydöst's set)."""
    indicator = catalog.indicators.get("svf_andel_inom_ledtid")
    return None if indicator is None else indicator.promise
