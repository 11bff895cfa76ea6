"""The report's charts: one Vega-Lite specification per chart, built as plain dicts from the model.

The same dict is embedded in the HTML (rendered by the vendored vega-embed) and converted to SVG
for the PDF by vl-convert, so both show one definition. Suppressed and missing cells are left out
of the chart data: a chart never carries a hidden number.

The conventions every chart keeps, in both languages (issue 14):

- **Reference lines** have one legend entry each and the same look everywhere: the nation solid
  grey, a target dashed, the high target of a low/high pair dotted; every target level is drawn.
  Their values are in the legend, never written on the plot, so no label sits under a line.
- **Value labels** of bars stand in a column right of the plot, outside every line.
- **Shares run from 0 to 100 %**; days and counts from 0. A share above 100 % (a data-quality
  finding, issue 14 item 3) has no bar and no point on the line: its row says *Datakvalitet, se
  text* and the trend marks it with a hollow triangle at the top of the axis (ADR 0731).
- **A missing or hidden period breaks the line**: every region has a point for every period,
  null where there is no figure, and the line mark breaks its path there. A change of source or
  definition starts a new line, and a dashed vertical rule marked *Ny serie* in the legend
  stands at the new series' first period (ADR 0732).
- **Colours** are from the Okabe–Ito palette (safe for colour-blind readers); no region is drawn
  in red; the healthcare region is the thick dark-blue line, the nation grey.
- **Numbers** on axes follow the language (Swedish: decimal comma, space between thousands).

The specs are built by :mod:`lofte.charts.spec`, the module the public site uses too (issue 17);
this module gathers the report's rows and words. They are written out as plain dicts rather than
with Altair: building 94 charts through Altair's schema validation and deep copies took about a
second per language.
"""

from __future__ import annotations

from typing import Any

from lofte.charts import spec
from lofte.charts.spec import COUNTY_COLOURS, Reference
from lofte.core import period_names, periods
from lofte.core.period_names import period_name
from lofte.reports import texts
from lofte.reports.model import Report
from lofte.reports.present import MARKS
from lofte.reports.types import BOTTLENECK_STEPS, Cell, IndicatorSection, PromiseSection

__all__ = ["COUNTY_COLOURS", "WIDTH", "all_charts", "bottleneck", "comparison", "trend"]

WIDTH = spec.PRINT_WIDTH


def _label(value: float | None, unit: str, lang: str) -> str:
    return texts.number(value, unit, lang)


def _axis_title(section: IndicatorSection, lang: str) -> str:
    return texts.t(f"unit_{section.unit}", lang)


def _region_tips(lang: str, *more: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"field": "region", "type": "nominal", "title": texts.t("region", lang)},
        *more,
        {"field": "label", "type": "nominal", "title": texts.t("value", lang)},
    ]


def _quality_words(lang: str) -> str:
    """The words for a share above 100 % ("Datakvalitet, se text"); the value stands beside."""
    return texts.t("status_data_quality", lang)


def _no_value(cell: Cell, lang: str) -> str:
    """The mark of a region without a figure, as its table prints it: the dash of a cell hidden
    by disclosure control (either rule; ADR 0721), or *Uppgift saknas*."""
    if cell.suppressed:
        return MARKS["disclosure"]
    return texts.t("status_missing", lang)


def references(section: IndicatorSection, lang: str, national: bool) -> list[Reference]:
    """The reference lines of an indicator: the nation (bar charts) and every target level."""
    unit, out = section.unit, []
    nation = next((c for c in section.cells if c.region == "SE"), None)
    # a count of the nation is the sum of all regions: no yardstick for one region's count
    if national and unit != "count" and nation is not None and nation.value is not None:
        label = f"{texts.t('national', lang)} {_label(nation.value, unit, lang)}"
        out.append(Reference(nation.value, label, "national"))
    # a level borrowed from another register is a labelled reference, not a target (item 2)
    borrowed = section.target_kind == "reference"
    if section.target is not None:
        word = "target_low" if section.target_high is not None else "target"
        word = "reference_level" if borrowed else word
        label = f"{texts.t(word, lang)} {_label(section.target, unit, lang)}"
        out.append(Reference(section.target, label, "target"))
    if section.target_high is not None:
        word = "reference_level" if borrowed else "target_high"
        label = f"{texts.t(word, lang)} {_label(section.target_high, unit, lang)}"
        out.append(Reference(section.target_high, label, "target_high"))
    return out


def comparison(section: IndicatorSection, report: Report, lang: str) -> dict[str, Any] | None:
    """Bars per region (counties and healthcare region); the nation and the targets as lines."""
    names = texts.region_names(report.regions, lang)
    if all(c.value is None for c in section.cells if c.region != "SE"):
        return None
    # a region without a figure keeps its row, with the table's mark instead of a bar
    rows = [
        {
            "region": names[c.region],
            "value": c.value,
            "label": _label(c.value, section.unit, lang)
            if c.value is not None
            else _no_value(c, lang),
            "level": "healthcare_region" if c.region == report.healthcare_region else "county",
        }
        for c in section.cells
        if c.region != "SE"
    ]
    order = [names[c.region] for c in section.cells if c.region != "SE"]
    colour = {
        "field": "level",
        "type": "nominal",
        "scale": {
            "domain": ["county", "healthcare_region"],
            "range": [spec.BAR_LIGHT, spec.BAR_DARK],
        },
        "legend": None,
    }
    bars = spec.Bars(
        rows, "region", order, colour, _axis_title(section, lang), section.unit,
        _region_tips(lang), _quality_words(lang),
    )  # fmt: skip
    title = texts.t("comparison_title", lang, period=period_name(section.period or "", lang))
    frame = {"width": WIDTH, "height": 26 * len(order), "title": title}
    return spec.print_frame(
        spec.comparison(bars, references(section, lang, national=True), "print", frame), lang
    )


def _period_key(label: str) -> tuple[Any, ...]:
    p = periods.parse(label)
    return (p.end, p.start)


def _trend_points(
    section: IndicatorSection, report: Report, lang: str, labels: list[str]
) -> tuple[list[str], list[dict[str, Any]]]:
    """The regions drawn and a point per region and period (null where there is no figure)."""
    names = texts.region_names(report.regions, lang)
    shown = {(c.region, c.period): c for c in section.trend if c.value is not None}
    # a count of the nation is the sum of all regions: no line beside one region's count
    regions = [
        r
        for r in report.regions
        if any((r, p) in shown for p in labels) and not (r == "SE" and section.unit == "count")
    ]
    points = []
    for r in regions:
        segment = 0
        for p in labels:
            cell = shown.get((r, p))
            # a change of source or definition starts a new segment: no line joins the two
            segment = cell.segment if cell is not None else segment
            points.append(
                {
                    "region": names[r],
                    "segment": f"{r}#{segment}",
                    "period": period_names.period_name(p, lang, short=True),
                    "value": None if cell is None else cell.value,
                    "label": "" if cell is None else _label(cell.value, section.unit, lang),
                    "thick": r == report.healthcare_region,
                }
            )
    return regions, points


def _line_colours(regions: list[str], report: Report) -> list[str]:
    """The healthcare region dark blue, the nation grey, the counties Okabe–Ito in turn."""
    counties = iter(COUNTY_COLOURS)
    return [
        spec.AREA
        if r == report.healthcare_region
        else spec.NATION
        if r == "SE"
        else next(counties, "#666666")
        for r in regions
    ]


def trend(section: IndicatorSection, report: Report, lang: str) -> dict[str, Any] | None:
    """A line per region over the trend periods, broken where a period has no figure or the
    series changes (marked); every target level as a line."""
    if len({c.period for c in section.trend if c.value is not None}) < 2:
        return None
    labels = sorted({c.period for c in section.trend}, key=_period_key)
    regions, points = _trend_points(section, report, lang, labels)
    names = texts.region_names(report.regions, lang)
    colour = {
        "field": "region",
        "type": "nominal",
        "sort": [names[r] for r in regions],
        "scale": {"domain": [names[r] for r in regions], "range": _line_colours(regions, report)},
        "title": None,
        "legend": {"orient": "bottom", "columns": 2, "symbolType": "stroke"},
    }
    stroke = {
        "strokeWidth": {
            "field": "thick",
            "type": "nominal",
            "scale": {"domain": [False, True], "range": [1.5, 3.5]},
            "legend": None,
        }
    }
    period_tip = {"field": "period", "type": "ordinal", "title": texts.t("period", lang)}
    lines = spec.Lines(
        points, "region", "period",
        [period_names.period_name(p, lang, short=True) for p in labels],
        colour, _axis_title(section, lang), section.unit, _region_tips(lang, period_tip), stroke,
        texts.t("series_break_short", lang).capitalize(), _quality_words(lang),
    )  # fmt: skip
    frame = {"width": WIDTH, "height": 180, "title": texts.t("trend_title", lang)}
    refs = references(section, lang, national=False)
    return spec.print_frame(spec.trend(lines, refs, "print", frame), lang)


def bottleneck(promise: PromiseSection, report: Report, lang: str) -> dict[str, Any] | None:
    """The *ingående ledtider*: stacked bars of the three steps' medians per region."""
    names = texts.region_names(report.regions, lang)
    steps = [texts.t(key, lang) for _, key in BOTTLENECK_STEPS]
    rows = [
        {
            "region": names[row.region],
            "step": step,
            "order": i,
            "days": days,
            "label": texts.number(days, "days", lang, with_unit=False),
        }
        for row in promise.bottleneck
        for i, (step, days) in enumerate(zip(steps, row.steps, strict=True))
        if days is not None
    ]
    if not rows:
        return None
    order = [names[r.region] for r in promise.bottleneck]
    tips = [
        {"field": "region", "type": "nominal", "title": texts.t("region", lang)},
        {"field": "step", "type": "nominal"},
        {"field": "label", "type": "nominal", "title": texts.t("median_days", lang)},
    ]
    title = texts.t("bottleneck_title", lang, period=period_name(report.period, lang))
    frame = {"width": WIDTH, "height": 26 * len(order), "title": title}
    chart = spec.stacked_bars(rows, order, steps, texts.t("median_days", lang), tips, frame)
    return spec.print_frame(chart, lang)


def all_charts(report: Report, lang: str) -> dict[str, dict[str, Any]]:
    """Every chart of the report by id (``cmp-<code>``, ``trend-<code>``, ``bottleneck-<n>``)."""
    charts: dict[str, dict[str, Any]] = {}
    for promise in report.promises:
        for section in promise.indicators:
            if section.period is None:
                continue
            spec = comparison(section, report, lang)
            if spec:
                charts[f"cmp-{section.code}"] = spec
            spec = trend(section, report, lang)
            if spec:
                charts[f"trend-{section.code}"] = spec
        if promise.bottleneck:
            spec = bottleneck(promise, report, lang)
            if spec:
                charts[f"bottleneck-{promise.number}"] = spec
    return charts
