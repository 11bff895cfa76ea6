"""The report's charts: one Vega-Lite specification per chart, built as plain dicts from the model.

The same dict is embedded in the HTML (rendered by the vendored vega-embed) and converted to SVG
for the PDF by vl-convert, so both show one definition. Suppressed and missing cells are left out
of the chart data: a chart never carries a hidden number.

The conventions every chart keeps, in both languages (issue 14):

- **Reference lines** have one legend entry each and the same look everywhere: the nation solid
  grey, a target dashed, the high target of a low/high pair dotted; every target level is drawn.
  Their values are in the legend, never written on the plot, so no label sits under a line.
- **Value labels** of bars stand in a column right of the plot, outside every line.
- **Shares start at 0** (and end at 100 % or above the largest value); days and counts from 0.
- **A missing or hidden period breaks the line**: every region has a point for every period,
  null where there is no figure, and the line mark breaks its path there.
- **Colours** are from the Okabe–Ito palette (safe for colour-blind readers); no region is drawn
  in red; the healthcare region is the thick dark-blue line, the nation grey.
- **Numbers** on axes follow the language (Swedish: decimal comma, space between thousands).

The specs are written out by hand rather than with Altair: building 94 charts through Altair's
schema validation and deep copies took about a second per language.
"""

from __future__ import annotations

from typing import Any, TypedDict

from lofte.core import period_names, periods
from lofte.core.period_names import period_name
from lofte.reports import texts
from lofte.reports.model import BOTTLENECK_STEPS, IndicatorSection, PromiseSection, Report

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
WIDTH = 280
#: Measured and drawn with the same font in the SVG for the PDF (Typst finds it on the system).
FONT = "DejaVu Sans"
#: Okabe–Ito: distinguishable with every common colour-vision deficiency. Vermillion (#D55E00),
#: the palette's red, is left out: red reads as "bad" and no region is bad by its colour.
COUNTY_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#F0E442", "#999933")
HEALTHCARE_REGION = "#0072B2"
NATION = "#7F7F7F"
REFERENCE = "#1D1D1D"
#: Bars: counties light, the healthcare region dark (the same blues in both chart kinds).
BAR_COUNTY = "#7FB8DA"
BAR_HEALTHCARE_REGION = "#0072B2"
#: Reference lines: (dash pattern, colour) by kind; the legend lists them in this order.
REFERENCE_STYLE = {
    "national": ([1, 0], NATION),
    "target": ([6, 4], REFERENCE),
    "target_high": ([2, 2], REFERENCE),
}
STEP_COLOURS = ("#9ECAE1", "#4292C6", "#08519C")
#: d3-format locales: the report's numbers as the text prints them.
LOCALES = {
    "sv": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0kr"]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", " SEK"]},
}


def _label(value: float | None, unit: str, lang: str) -> str:
    return texts.number(value, unit, lang)


def _axis_title(section: IndicatorSection, lang: str) -> str:
    return texts.t(f"unit_{section.unit}", lang)


def _finish(spec: dict[str, Any], lang: str) -> dict[str, Any]:
    """Schema, font, the language's number format and a quiet view, the same in every chart."""
    return {
        "$schema": SCHEMA,
        **spec,
        "config": {
            "font": FONT,
            "locale": {"number": LOCALES[lang]},
            "view": {"stroke": None},
            "axis": {"labelFontSize": 10, "titleFontSize": 10, "labelColor": "#333333"},
            "legend": {"labelFontSize": 10, "symbolStrokeWidth": 2, "labelLimit": 260},
            "title": {"fontSize": 12, "anchor": "start"},
        },
    }


def _scale(unit: str, values: list[float]) -> dict[str, Any]:
    """Shares from 0 to 100 % (or above the largest value, inclusion can pass 100 %); other
    units from 0."""
    if unit == "percent":
        top = max([100.0, *values])
        return {"domain": [0, top], "nice": False}
    return {"zero": True, "nice": True}


def references(section: IndicatorSection, lang: str, national: bool) -> list[dict[str, Any]]:
    """The reference lines of an indicator: the nation (bar charts) and every target level."""
    unit, out = section.unit, []
    nation = next((c for c in section.cells if c.region == "SE"), None)
    # a count of the nation is the sum of all regions: no yardstick for one region's count
    if national and unit != "count" and nation is not None and nation.value is not None:
        out.append(
            {
                "what": f"{texts.t('national', lang)} {_label(nation.value, unit, lang)}",
                "value": nation.value,
                "kind": "national",
            }
        )
    # a level borrowed from another register is a labelled reference, not a target (item 2)
    borrowed = getattr(section, "target_kind", None) == "reference"
    if section.target is not None:
        key = "target_low" if section.target_high is not None else "target"
        key = "reference_level" if borrowed else key
        out.append(
            {
                "what": f"{texts.t(key, lang)} {_label(section.target, unit, lang)}",
                "value": section.target,
                "kind": "target",
            }
        )
    if section.target_high is not None:
        out.append(
            {
                "what": texts.t("reference_level" if borrowed else "target_high", lang)
                + f" {_label(section.target_high, unit, lang)}",
                "value": section.target_high,
                "kind": "target_high",
            }
        )
    return out


def _reference_layer(rules: list[dict[str, Any]], channel: str) -> dict[str, Any]:
    """Lines at the reference values, one legend entry each (dash and colour by kind)."""
    names = [r["what"] for r in rules]
    dashes = [REFERENCE_STYLE[r["kind"]][0] for r in rules]
    colours = [REFERENCE_STYLE[r["kind"]][1] for r in rules]
    legend = {"orient": "bottom", "title": None, "symbolType": "stroke", "direction": "vertical"}
    return {
        "data": {"values": rules},
        "mark": {"type": "rule", "strokeWidth": 2},
        "encoding": {
            channel: {"field": "value", "type": "quantitative"},
            "strokeDash": {
                "field": "what",
                "type": "nominal",
                "scale": {"domain": names, "range": dashes},
                "legend": legend,
            },
            "color": {
                "field": "what",
                "type": "nominal",
                "scale": {"domain": names, "range": colours},
                "legend": legend,
            },
            "tooltip": [{"field": "what", "type": "nominal"}],
        },
    }


class _Bar(TypedDict):
    """One region's bar of the comparison chart (a row of its Vega-Lite data)."""

    region: str
    value: float
    label: str
    level: str


def comparison(section: IndicatorSection, report: Report, lang: str) -> dict[str, Any] | None:
    """Bars per region (counties and healthcare region); the nation and the targets as lines."""
    names = texts.region_names(report.regions, lang)
    data: list[_Bar] = [
        {
            "region": names[c.region],
            "value": c.value,
            "label": _label(c.value, section.unit, lang),
            "level": "healthcare_region" if c.region == report.healthcare_region else "county",
        }
        for c in section.cells
        if c.region != "SE" and c.value is not None
    ]
    if not data:
        return None
    order = [names[c.region] for c in section.cells if c.region != "SE"]
    rules = references(section, lang, national=True)
    title = texts.t("comparison_title", lang, period=period_name(section.period or "", lang))
    scale = _scale(section.unit, [d["value"] for d in data] + [r["value"] for r in rules])
    y = {
        "field": "region",
        "type": "nominal",
        "sort": order,
        "title": None,
        "axis": {"labelLimit": 220},
    }
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "bar", "height": {"band": 0.7}},
            "encoding": {
                "y": y,
                "x": {
                    "field": "value",
                    "type": "quantitative",
                    "title": _axis_title(section, lang),
                    "scale": scale,
                },
                "color": {
                    "field": "level",
                    "type": "nominal",
                    "scale": {
                        "domain": ["county", "healthcare_region"],
                        "range": [BAR_COUNTY, BAR_HEALTHCARE_REGION],
                    },
                    "legend": None,
                },
                "tooltip": [
                    {"field": "region", "type": "nominal", "title": texts.t("region", lang)},
                    {"field": "label", "type": "nominal", "title": texts.t("value", lang)},
                ],
            },
        },
        {
            # the values in a column right of the plot: no line can cross them
            "mark": {"type": "text", "align": "left", "baseline": "middle", "fontSize": 10},
            "encoding": {"y": y, "x": {"value": WIDTH + 6}, "text": {"field": "label"}},
        },
    ]
    if rules:
        layers.append(_reference_layer(rules, "x"))
    return _finish(
        {
            "width": WIDTH,
            "height": 26 * len(order),
            "title": title,
            "data": {"values": data},
            "layer": layers,
            "resolve": {"scale": {"color": "independent", "strokeDash": "independent"}},
        },
        lang,
    )


def _period_key(label: str) -> tuple[Any, ...]:
    p = periods.parse(label)
    return (p.end, p.start)


def trend(section: IndicatorSection, report: Report, lang: str) -> dict[str, Any] | None:
    """A line per region over the trend periods, broken where a period has no figure; every
    target level as a line."""
    names = texts.region_names(report.regions, lang)
    shown = {(c.region, c.period): c for c in section.trend if c.value is not None}
    if len({p for _, p in shown}) < 2:
        return None
    labels = sorted({c.period for c in section.trend}, key=_period_key)
    axis_labels = {p: period_names.period_name(p, lang, short=True) for p in labels}
    # a count of the nation is the sum of all regions: no line beside one region's count
    regions = [
        r
        for r in report.regions
        if any((r, p) in shown for p in labels) and not (r == "SE" and section.unit == "count")
    ]
    data = []
    for r in regions:
        segment = 0
        for p in labels:
            cell = shown.get((r, p))
            # a change of source or definition starts a new segment: no line joins the two
            segment = getattr(cell, "segment", segment) if cell is not None else segment
            data.append(
                {
                    "region": names[r],
                    "segment": f"{r}#{segment}",
                    "period": axis_labels[p],
                    "value": None if cell is None else cell.value,
                    "label": "" if cell is None else _label(cell.value, section.unit, lang),
                    "thick": r == report.healthcare_region,
                }
            )
    colours = []
    counties = iter(COUNTY_COLOURS)
    for r in regions:
        if r == report.healthcare_region:
            colours.append(HEALTHCARE_REGION)
        elif r == "SE":
            colours.append(NATION)
        else:
            colours.append(next(counties, "#666666"))
    rules = references(section, lang, national=False)
    values = [c.value for c in shown.values() if c.value is not None]
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": data},
            # a null value breaks the path: no line is drawn across a missing period
            "mark": {"type": "line", "point": True, "invalid": "break-paths-show-domains"},
            "encoding": {
                "x": {
                    "field": "period",
                    "type": "ordinal",
                    "sort": [axis_labels[p] for p in labels],
                    "scale": {"domain": [axis_labels[p] for p in labels]},
                    "title": None,
                    "axis": {"labelAngle": 0 if all(len(p) == 4 for p in labels) else -40},
                },
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": _axis_title(section, lang),
                    "scale": _scale(section.unit, values + [r["value"] for r in rules]),
                },
                "color": {
                    "field": "region",
                    "type": "nominal",
                    "sort": [names[r] for r in regions],
                    "scale": {"domain": [names[r] for r in regions], "range": colours},
                    "title": None,
                    "legend": {"orient": "bottom", "columns": 2, "symbolType": "stroke"},
                },
                "detail": {"field": "segment", "type": "nominal"},
                "strokeWidth": {
                    "field": "thick",
                    "type": "nominal",
                    "scale": {"domain": [False, True], "range": [1.5, 3.5]},
                    "legend": None,
                },
                "tooltip": [
                    {"field": "region", "type": "nominal", "title": texts.t("region", lang)},
                    {"field": "period", "type": "ordinal", "title": texts.t("period", lang)},
                    {"field": "label", "type": "nominal", "title": texts.t("value", lang)},
                ],
            },
        }
    ]
    if rules:
        layers.append(_reference_layer(rules, "y"))
    return _finish(
        {
            "width": WIDTH,
            "height": 180,
            "title": texts.t("trend_title", lang),
            "layer": layers,
            "resolve": {"scale": {"color": "independent", "strokeDash": "independent"}},
        },
        lang,
    )


def bottleneck(promise: PromiseSection, report: Report, lang: str) -> dict[str, Any] | None:
    """The *ingående ledtider*: stacked bars of the three steps' medians per region."""
    names = texts.region_names(report.regions, lang)
    steps = [texts.t(key, lang) for _, key in BOTTLENECK_STEPS]
    data = [
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
    if not data:
        return None
    order = [names[r.region] for r in promise.bottleneck]
    return _finish(
        {
            "width": WIDTH,
            "height": 26 * len(order),
            "title": texts.t("bottleneck_title", lang, period=period_name(report.period, lang)),
            "data": {"values": data},
            "mark": {"type": "bar", "height": {"band": 0.7}},
            "encoding": {
                "y": {
                    "field": "region",
                    "type": "nominal",
                    "sort": order,
                    "title": None,
                    "axis": {"labelLimit": 220},
                },
                "x": {
                    "aggregate": "sum",
                    "field": "days",
                    "type": "quantitative",
                    "title": texts.t("median_days", lang),
                    "stack": "zero",
                    "scale": {"zero": True},
                },
                "color": {
                    "field": "step",
                    "type": "nominal",
                    "sort": steps,
                    "scale": {"domain": steps, "range": list(STEP_COLOURS)},
                    "title": None,
                    "legend": {"orient": "bottom"},
                },
                "order": {"field": "order", "type": "quantitative"},
                "tooltip": [
                    {"field": "region", "type": "nominal", "title": texts.t("region", lang)},
                    {"field": "step", "type": "nominal"},
                    {"field": "label", "type": "nominal", "title": texts.t("median_days", lang)},
                ],
            },
        },
        lang,
    )


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
