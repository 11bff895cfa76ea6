"""Vega-Lite specifications of every chart of the report and the site, from plain data.

Callers pass rows (dicts) and words; nothing here reads the catalogue, the cube or a translation.
A chart is built for one of two looks:

- ``"print"`` (the report: HTML and, drawn by :mod:`lofte.reports.svg`, the PDF): fixed width,
  DejaVu Sans, the language's number format, reference lines with one dashed-line legend.
- ``"site"`` (the public site): the container's width, larger type, a tooltip on every mark, one
  key entry per mark (zones, regions, chosen area, nation) under the chart for a phone's width.

The conventions both looks keep (issues 14 and 17, ADR 0730–0733):

- **Shares run from 0 to 100 %.** A share above 100 % (inclusion: more closed pathways than the
  register's new cases) is a data-quality finding, not a share: it gets no bar and no point on
  the line; its row says so in words and the trend marks it at the top of the axis
  (:func:`is_over_100`, :func:`data_quality_layers`). Days and counts start at 0.
- **A missing or hidden period breaks the line** (null values break the path) and so does a
  change of source or definition: one line per unbroken run (``segment``), and a vertical
  dashed rule marks where each new series starts (:func:`series_breaks`), with a legend entry.
- **No region in red**; the colours are colour-blind safe (Okabe–Ito, then Tableau without red).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

Look = Literal["print", "site"]
Spec = dict[str, Any]

PRINT_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
SITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
#: The report's plot width; its value labels stand in a column just right of it.
PRINT_WIDTH = 280
#: Measured and drawn with the same font in the SVG for the PDF (Typst finds it on the system).
PRINT_FONT = "DejaVu Sans"

#: Okabe–Ito: distinguishable with every common colour-vision deficiency. Vermillion (#D55E00),
#: the palette's red, is left out: red reads as "bad" and no region is bad by its colour.
COUNTY_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#F0E442", "#999933")
#: The healthcare region of the report and the chosen area of the site: thick dark blue.
AREA = "#0072B2"
NATION = "#7F7F7F"
REFERENCE = "#1D1D1D"
#: Bars: counties (or all regions) light, the healthcare region / chosen area dark.
BAR_LIGHT = "#7FB8DA"
BAR_DARK = AREA
#: Reference lines of the print look: (dash pattern, colour) by kind; the legend keeps this order.
PRINT_RULES = {
    "national": ([1, 0], NATION),
    "target": ([6, 4], REFERENCE),
    "target_high": ([2, 2], REFERENCE),
}
STEP_COLOURS = ("#9ECAE1", "#4292C6", "#08519C")

#: The site's inks: the nation dashed near-black, a target green (its zones too), a borrowed
#: level dotted violet, the funnel's limits grey.
SITE_NATION = "#1b1b1f"
GOOD_ZONE = "#1a7f37"
MID_ZONE = "#9a6700"
REFERENCE_INK = "#6a3d9a"
LIMIT_INK = "#55575f"
#: The site's rules by kind: (data field, dash, colour).
SITE_RULES = {
    "national": ("national", [6, 3], SITE_NATION),
    "reference": ("reference", [2, 3], REFERENCE_INK),
    "target": ("target", [6, 3], GOOD_ZONE),
    "target_high": ("target_high", [2, 2], GOOD_ZONE),
}
#: The site's trend lines after the nation and the chosen area: Okabe–Ito, then Tableau 10
#: colours without its red (a county is never drawn red).
SERIES = (
    *COUNTY_COLOURS,
    "#9c755f",
    "#b07aa1",
    "#76b7b2",
    "#bab0ac",
    "#59a14f",
    "#bcbd22",
)
#: A data-quality mark (share above 100 %) and a series break: grey, never a region's colour.
QUALITY_INK = "#595959"
BREAK_INK = "#595959"
BREAK_DASH = [4, 3]
#: The key's symbol of a series break: a short vertical line (the break is a vertical rule;
#: the target lines, horizontal, have horizontal samples).
UPRIGHT = "M0,-1L0,1"

#: d3-format locales: the report's numbers as its text prints them.
LOCALES = {
    "sv": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0kr"]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", " SEK"]},
}


@dataclass(frozen=True)
class Reference:
    """A horizontal (trend) or vertical (bars) reference line: the nation or a target level.

    ``kind``: ``national``, ``target``, ``target_high`` or ``reference`` (a level borrowed from
    another register: drawn and labelled, never a verdict).
    """

    value: float
    label: str
    kind: str


# --- the frame -----------------------------------------------------------------------------


def print_frame(spec: Spec, lang: str) -> Spec:
    """Schema, font, the language's number format and a quiet view: every printed chart."""
    return {
        "$schema": PRINT_SCHEMA,
        **spec,
        "config": {
            "font": PRINT_FONT,
            "locale": {"number": LOCALES[lang]},
            "view": {"stroke": None},
            "axis": {"labelFontSize": 10, "titleFontSize": 10, "labelColor": "#333333"},
            "legend": {"labelFontSize": 10, "symbolStrokeWidth": 2, "labelLimit": 260},
            "title": {"fontSize": 12, "anchor": "start"},
        },
    }


def site_frame(description: str, height: int | dict[str, int] = 300) -> Spec:
    """The site's chart frame: its description (the SVG's accessible name) and keys below."""
    return {
        "$schema": SITE_SCHEMA,
        "description": description,
        "width": "container",
        "height": height,
        "config": {
            "font": "system-ui, sans-serif",
            "view": {"stroke": None},
            # the keys one under the other, so that they fit a phone's width
            "legend": {
                "orient": "bottom",
                "labelFontSize": 12,
                "labelLimit": 320,
                "layout": {"bottom": {"anchor": "start", "direction": "vertical", "margin": 2}},
            },
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 220},
        },
    }


def key(label: str, colour: str, symbol: str = "square", dash: list[int] | None = None) -> Spec:
    """A colour encoding that puts exactly one entry (``label``) into the chart's key."""
    legend: dict[str, Any] = {"title": None, "symbolType": symbol}
    if symbol in ("stroke", UPRIGHT):
        legend.update({"symbolStrokeWidth": 2, "symbolSize": 300})
        if dash:
            legend["symbolDash"] = dash
    return {
        "field": "key",
        "type": "nominal",
        "scale": {"domain": [label], "range": [colour]},
        "legend": legend,
    }


# --- one rule for shares, one for breaks ------------------------------------------------------


def is_over_100(unit: str, value: float | None) -> bool:
    """A share above 100 %: a data-quality finding, never drawn as a share."""
    return unit == "percent" and value is not None and value > 100


def value_scale(unit: str, look: Look) -> Spec:
    """Shares on 0–100 % (a value above is marked, not stretched to); other units from 0."""
    if unit == "percent":
        return {"domain": [0, 100], "nice": False} if look == "print" else {"domain": [0, 100]}
    return {"zero": True, "nice": True} if look == "print" else {"zero": True}


def series_breaks(
    points: Sequence[dict[str, Any]], region: str, period: str, order: Sequence[str]
) -> list[str]:
    """The periods where some region's series starts anew (its ``segment`` changes between
    two of its figures), in ``order``."""
    place = {p: i for i, p in enumerate(order)}
    last: dict[Any, Any] = {}
    found: set[str] = set()
    for point in sorted(points, key=lambda p: place[p[period]]):
        if point["value"] is None:
            continue
        before = last.get(point[region])
        if before is not None and before != point["segment"]:
            found.add(point[period])
        last[point[region]] = point["segment"]
    return [p for p in order if p in found]


def break_layer(periods: list[str], label: str, x_field: str, look: Look) -> Spec:
    """A vertical dashed rule at the first period of each new series, one key entry."""
    return {
        "name": "series_breaks",
        "data": {"values": [{x_field: p, "key": label} for p in periods]},
        "mark": {"type": "rule", "strokeDash": BREAK_DASH, "strokeWidth": 1.5},
        "encoding": {
            "x": {"field": x_field, "type": "ordinal"},
            "color": look_key(look, label, BREAK_INK, UPRIGHT, BREAK_DASH),
        },
    }


#: The printed legends: under the plot, one entry under the other, a line sample each.
LEGEND_PRINT = {"orient": "bottom", "title": None, "symbolType": "stroke", "direction": "vertical"}


def look_key(
    look: Look, label: str, colour: str, symbol: str, dash: list[int] | None = None
) -> Spec:
    """:func:`key`, under the plot in print (the site's config puts every key there)."""
    encoding = key(label, colour, symbol, dash)
    if look == "print":
        encoding["legend"] = {**encoding["legend"], "orient": "bottom"}
    return encoding


def tooltip(look: Look, fields: list[Spec]) -> dict[str, list[Spec]]:
    """The tooltip encoding: every look lists the fields (vega-embed shows them on hover)."""
    del look  # both looks carry tooltips: the report's HTML is interactive too
    return {"tooltip": fields}


# --- reference lines -----------------------------------------------------------------------


def reference_layers(refs: list[Reference], channel: str, look: Look) -> list[Spec]:
    """The nation and the target levels as rules with a key entry each.

    Print: one layer, dash and colour by kind (solid grey nation, dashed target, dotted high
    target). Site: a layer per line (dashed nation, dotted violet borrowed level, dashed green
    target).
    """
    if not refs:
        return []
    if look == "site":
        return [_site_rule(ref, channel) for ref in refs]
    rows = [{"what": r.label, "value": r.value, "kind": r.kind} for r in refs]
    names = [r.label for r in refs]
    return [
        {
            "data": {"values": rows},
            "mark": {"type": "rule", "strokeWidth": 2},
            "encoding": {
                channel: {"field": "value", "type": "quantitative"},
                "strokeDash": {
                    "field": "what",
                    "type": "nominal",
                    "scale": {"domain": names, "range": [PRINT_RULES[r.kind][0] for r in refs]},
                    "legend": LEGEND_PRINT,
                },
                "color": {
                    "field": "what",
                    "type": "nominal",
                    "scale": {"domain": names, "range": [PRINT_RULES[r.kind][1] for r in refs]},
                    "legend": LEGEND_PRINT,
                },
                "tooltip": [{"field": "what", "type": "nominal"}],
            },
        }
    ]


def _site_rule(ref: Reference, channel: str) -> Spec:
    field, dash, colour = SITE_RULES[ref.kind]
    return {
        "data": {"values": [{field: ref.value, "key": ref.label}]},
        "mark": {"type": "rule", "strokeDash": dash, "strokeWidth": 2},
        "encoding": {
            channel: {"field": field, "type": "quantitative"},
            "color": key(ref.label, colour, "stroke", dash),
        },
    }


# --- bars ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bars:
    """The bars of a comparison: rows with ``value`` and ``label``, the category field (``y``)
    and its order, the colour encoding, the axis title and the unit."""

    rows: list[dict[str, Any]]
    y: str
    order: list[str]
    colour: Spec
    axis_title: str
    unit: str
    tooltip: list[Spec]
    #: the words of a share above 100 % in its row (print: the value stands in the column)
    quality_words: str = ""


def bar_layers(bars: Bars, scale: Spec, look: Look) -> list[Spec]:
    """The bars and their value labels: print in a column right of the plot (no line crosses
    them), site at each bar's end. A share above 100 % gets words in its row, no bar."""
    y: Spec = {"field": bars.y, "type": "nominal", "sort": bars.order, "title": None}
    if look == "print":
        y["axis"] = {"labelLimit": 220}
    over = any(is_over_100(bars.unit, r["value"]) for r in bars.rows)
    only_shares = [{"filter": "!datum.over_100"}] if over else []
    mark: Spec = (
        {"type": "bar", "height": {"band": 0.7}}
        if look == "print"
        else {"type": "bar", "tooltip": True}
    )
    bar: Spec = {
        "mark": mark,
        "encoding": {
            "y": y,
            "x": {"field": "value", "type": "quantitative", "title": bars.axis_title},
            "color": bars.colour,
            **tooltip(look, bars.tooltip),
        },
    }
    bar["encoding"]["x"]["scale"] = scale
    if over:
        bar["transform"] = only_shares
    if look == "print":
        label: Spec = {
            "mark": {"type": "text", "align": "left", "baseline": "middle", "fontSize": 10},
            "encoding": {"y": y, "x": {"value": PRINT_WIDTH + 6}, "text": {"field": "label"}},
        }
    else:
        label = {
            "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 11},
            "encoding": {
                "y": {**y, "title": None},
                "x": {"field": "text_x", "type": "quantitative"},
                "text": {"field": "label"},
            },
        }
        if over:
            label["transform"] = only_shares
    return [bar, label]


def quality_bar_layer(bars: Bars, look: Look) -> list[Spec]:
    """Words in the row of a share above 100 %, where its bar would start (drawn last, so that
    no line runs over them)."""
    if not any(is_over_100(bars.unit, r["value"]) for r in bars.rows):
        return []
    return [
        {
            "name": "data_quality",
            "transform": [{"filter": "datum.over_100"}],
            "mark": {
                "type": "text",
                "align": "left",
                "baseline": "middle",
                "dx": 3,
                "fontStyle": "italic",
                "fontSize": 10 if look == "print" else 11,
                "color": QUALITY_INK,
            },
            "encoding": {
                "y": {"field": bars.y, "type": "nominal", "sort": bars.order, "title": None},
                "x": {"datum": 0, "type": "quantitative"},
                "text": {"field": "quality"},
            },
        }
    ]


def mark_over_100(bars: Bars) -> list[dict[str, Any]]:
    """The bar rows, those above 100 % flagged with the words shown in their row."""
    if not any(is_over_100(bars.unit, r["value"]) for r in bars.rows):
        return bars.rows
    out = []
    for row in bars.rows:
        over = is_over_100(bars.unit, row["value"])
        words = bars.quality_words.format(label=row["label"]) if over else ""
        out.append({**row, "over_100": over, "quality": words})
    return out


# --- lines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lines:
    """The lines of a trend: points with ``value`` and ``segment``, the region field (colour)
    and the period field (x, in ``periods`` order)."""

    points: list[dict[str, Any]]
    region: str
    period: str
    periods: list[str]
    colour: Spec
    axis_title: str
    unit: str
    tooltip: list[Spec]
    #: print: the thick line by a boolean field ``thick``; site: the width field ``width``
    stroke: Spec
    #: the key's words for a new series and for a share above 100 %
    break_words: str = ""
    quality_words: str = ""


def line_layer(lines: Lines, x_axis: Spec, look: Look) -> Spec:
    """One line per region and unbroken series; a null value breaks the path."""
    over = any(is_over_100(lines.unit, p["value"]) for p in lines.points)
    y_field = "share" if over else "value"
    layer: Spec = {
        "mark": {"type": "line", "point": True, "invalid": "break-paths-show-domains"}
        if look == "print"
        else {"type": "line", "point": True, "tooltip": True},
        "encoding": {
            "x": {
                "field": lines.period,
                "type": "ordinal",
                "sort": lines.periods,
                "title": None,
                "axis": x_axis,
            },
            "y": {
                "field": y_field,
                "type": "quantitative",
                "title": lines.axis_title,
                "scale": value_scale(lines.unit, look),
            },
            "color": lines.colour,
            # one line per unbroken series: never across a change of source or definition
            "detail": {"field": "segment", "type": "nominal"},
            **lines.stroke,
            **tooltip(look, lines.tooltip),
        },
    }
    if look == "print":
        layer["encoding"]["x"]["scale"] = {"domain": lines.periods}
    if over:  # a share above 100 % is no point of the line: a gap, marked at the top instead
        layer["transform"] = [
            {"calculate": "datum.value > 100 ? null : datum.value", "as": y_field}
        ]
    return layer


def quality_point_layer(lines: Lines, look: Look) -> list[Spec]:
    """A hollow triangle at the top of the axis where a share is above 100 %, one key entry."""
    rows = [p for p in lines.points if is_over_100(lines.unit, p["value"])]
    if not rows:
        return []
    return [
        {
            "name": "data_quality",
            "data": {"values": [{**p, "top": 100, "key": lines.quality_words} for p in rows]},
            "mark": {"type": "point", "shape": "triangle-up", "size": 70, "filled": False},
            "encoding": {
                "x": {"field": lines.period, "type": "ordinal"},
                "y": {"field": "top", "type": "quantitative"},
                "color": look_key(look, lines.quality_words, QUALITY_INK, "triangle-up"),
                "tooltip": lines.tooltip,
            },
        }
    ]


def trend_layers(lines: Lines, x_axis: Spec, refs: list[Reference], look: Look) -> list[Spec]:
    """The lines, the reference levels, the series breaks and the data-quality marks."""
    layers = [line_layer(lines, x_axis, look)]
    channel = "y"
    layers += reference_layers(refs, channel, look)
    breaks = series_breaks(lines.points, lines.region, lines.period, lines.periods)
    if breaks:
        layers.append(break_layer(breaks, lines.break_words, lines.period, look))
    return layers + quality_point_layer(lines, look)


# --- the chart kinds -------------------------------------------------------------------------


def comparison(
    bars: Bars,
    refs: list[Reference],
    look: Look,
    frame: Spec,
    zones: list[Spec] | None = None,
    top: float | None = None,
) -> Spec:
    """Bars per region with the nation and the target levels as lines (and, on the site, the
    target zones behind them). ``frame`` holds title, size and description; ``top`` is the
    site's axis end (:func:`site_top`)."""
    scale = value_scale(bars.unit, look) if look == "print" else {"domain": [0, top]}
    layers = [*(zones or []), *bar_layers(bars, scale, look)]
    layers += reference_layers(refs, "x", look) + quality_bar_layer(bars, look)
    return {
        **frame,
        "data": {"values": mark_over_100(bars)},
        "layer": layers,
        "resolve": {"scale": {"color": "independent"}}
        if look == "site"
        else {"scale": {"color": "independent", "strokeDash": "independent"}},
    }


def site_top(unit: str, values: list[float], levels: list[float | None]) -> float:
    """The site's axis end: 100 for shares, else room for the labels at the bars' ends."""
    if unit == "percent":
        return 100.0
    return max([*values, *(v or 0 for v in levels), 1]) * 1.1


def zones(
    target: float | None, target_high: float | None, direction: str | None, top: float
) -> list[dict[str, Any]]:
    """Background bands where the value meets the target (and the high target level)."""
    if target is None or direction is None:
        return []
    if direction == "higher_better":
        if target_high is not None:
            bands = [(target, target_high, MID_ZONE), (target_high, top, GOOD_ZONE)]
        else:
            bands = [(target, top, GOOD_ZONE)]
    else:
        bands = [(0.0, target, GOOD_ZONE)]
    return [{"x": lo, "x2": hi, "colour": colour} for lo, hi, colour in bands]


def zone_layers(bands: list[dict[str, Any]], labels: dict[str, str]) -> list[Spec]:
    """The target zones as pale bands, each with its key entry."""
    return [
        {
            "data": {"values": [{**band, "key": labels[band["colour"]]}]},
            "mark": {"type": "rect", "opacity": 0.15},
            "encoding": {
                "x": {"field": "x", "type": "quantitative"},
                "x2": {"field": "x2"},
                "color": key(labels[band["colour"]], band["colour"]),
            },
        }
        for band in bands
    ]


def trend(lines: Lines, refs: list[Reference], look: Look, frame: Spec) -> Spec:
    """A line per region over the periods: broken at gaps and at a new series (marked), the
    target levels as lines, a share above 100 % marked at the top of the axis."""
    if look == "print":
        angle = 0 if all(len(p) == 4 for p in lines.periods) else -40
        x_axis: Spec = {"labelAngle": angle}
        layers = trend_layers(lines, x_axis, refs, look)
        layers[0]["data"] = {"values": lines.points}
        resolve = {"scale": {"color": "independent", "strokeDash": "independent"}}
        return {**frame, "layer": layers, "resolve": resolve}
    layers = trend_layers(lines, {"labelAngle": -40, "labelOverlap": False}, refs, look)
    return {
        **frame,
        "data": {"values": lines.points},
        "layer": layers,
        "resolve": {"scale": {"color": "independent"}},
    }


def stacked_bars(
    rows: list[dict[str, Any]],
    order: list[str],
    steps: list[str],
    axis_title: str,
    tips: list[Spec],
    frame: Spec,
) -> Spec:
    """Stacked bars of steps per region (the *ingående ledtider*), steps in ``steps`` order."""
    return {
        **frame,
        "data": {"values": rows},
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
                "title": axis_title,
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
            "tooltip": tips,
        },
    }


def funnel(
    points: list[dict[str, Any]],
    curves: list[dict[str, float]],
    national: Reference,
    keys: dict[str, str],
    tips: list[Spec],
) -> Spec:
    """Value against the number of patients with the control limits ``curves`` (rows of ``n``,
    ``low_95``/``high_95`` and ``low_99_8``/``high_99_8``), the nation as a line; each point
    carries its number (``mark``) as a label."""
    x = {"field": "n", "type": "quantitative", "scale": {"type": "log"}}
    spec = site_frame(keys["description"], height=380)
    spec["layer"] = [
        *_limit_layers(curves, x, keys),
        {
            "data": {"values": [{"national": national.value, "key": national.label}]},
            "mark": {"type": "rule", "strokeWidth": 2},
            "encoding": {
                "y": {"field": "national", "type": "quantitative"},
                "color": key(national.label, SITE_NATION, "stroke"),
            },
        },
        {
            "data": {"values": [{**p, "key": keys["points"]} for p in points]},
            "layer": [
                {
                    "mark": {"type": "point", "filled": True, "size": 80, "tooltip": True},
                    "encoding": {
                        "x": {**x, "title": keys["axis_n"]},
                        "y": {"field": "value", "type": "quantitative", "title": keys["axis"]},
                        "color": key(keys["points"], POINT_INK, "circle"),
                        "tooltip": tips,
                    },
                },
                {
                    "mark": {
                        "type": "text",
                        "align": "left",
                        "dx": 7,
                        "dy": -6,
                        "fontSize": 12,
                        "fontWeight": "bold",
                    },
                    "encoding": {
                        "x": x,
                        "y": {"field": "value", "type": "quantitative"},
                        "text": {"field": "mark"},
                    },
                },
            ],
        },
    ]
    spec["resolve"] = {"scale": {"color": "independent"}}
    return spec


#: The funnel's points: one dark ink, the regions are told apart by their numbers.
POINT_INK = "#0b5c8c"


def _limit_layers(curves: list[dict[str, float]], x: Spec, keys: dict[str, str]) -> list[Spec]:
    """The 95 % (dashed) and 99.8 % (solid) limits, low and high, one key entry each."""
    layers = []
    for field, dash, label in (("95", [4, 2], keys["limit95"]), ("99_8", [], keys["limit998"])):
        rows = [
            {"n": row["n"], "limit": row[f"{side}_{field}"], "side": side, "key": label}
            for side in ("low", "high")
            for row in curves
        ]
        layers.append(
            {
                "data": {"values": rows},
                "mark": {"type": "line", "strokeDash": dash or [1, 0]},
                "encoding": {
                    "x": x,
                    "y": {"field": "limit", "type": "quantitative"},
                    "detail": {"field": "side", "type": "nominal"},
                    "color": key(label, LIMIT_INK, "stroke", dash or None),
                },
            }
        )
    return layers


def tile_map(
    tiles: list[dict[str, Any]],
    domain: tuple[float, float],
    legend_title: str,
    description: str,
    tips: list[Spec],
) -> Spec:
    """The 21 counties as squares with their names and values.

    The counties of the chosen area are coloured on a sequential scale fitted to their values
    (``domain``), with a gradient key; a county of the area whose value is hidden is light grey
    with "–"; the counties outside the area are pale and carry no value.
    """
    spec = site_frame(description, height=430)
    spec["data"] = {"values": tiles}
    spec["encoding"] = {
        "x": {"field": "col", "type": "ordinal", "axis": None},
        "y": {"field": "row", "type": "ordinal", "axis": None},
    }
    tile = {"type": "rect", "stroke": "white", "strokeWidth": 2, "tooltip": True}
    spec["layer"] = [
        {  # every tile: pale outside the area, grey where the value is hidden or missing
            "mark": tile,
            "encoding": {
                "color": {"field": "base", "type": "nominal", "scale": None, "legend": None},
                "tooltip": tips,
            },
        },
        {  # the area's counties with a value, on the fitted scale
            "transform": [{"filter": "datum.shaded"}],
            "mark": tile,
            "encoding": {"color": _tile_colour(domain, legend_title), "tooltip": tips},
        },
        _tile_text({"fontSize": 11, "dy": -9}, "short"),
        {
            "transform": [{"filter": "datum.in_area"}],
            **_tile_text({"fontSize": 14, "fontWeight": "bold", "dy": 9}, "value_text"),
        },
    ]
    spec["resolve"] = {"scale": {"color": "independent"}}
    return spec


def _tile_colour(domain: tuple[float, float], legend_title: str) -> Spec:
    return {
        "field": "value",
        "type": "quantitative",
        "scale": {
            "scheme": {"name": "blues", "extent": [0.2, 1.0]},
            "domain": list(domain),
            "nice": False,
            "zero": False,
        },
        "legend": {
            "title": legend_title,
            "direction": "horizontal",
            "gradientLength": 220,
            "format": ".1f" if domain[1] - domain[0] < 10 else ".0f",
        },
    }


def _tile_text(mark: Spec, field: str) -> Spec:
    return {
        "mark": {"type": "text", "baseline": "middle", **mark},
        "encoding": {
            "text": {"field": field},
            "color": {"field": "ink", "type": "nominal", "scale": None},
        },
    }
