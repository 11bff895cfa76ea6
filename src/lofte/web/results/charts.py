"""Vega-Lite specifications of the public charts, built as plain dicts from public cells.

Every chart has a ``description`` (the SVG's accessible name); the pages put the same numbers in
a data table next to it. Suppressed cells carry no value and are drawn as gaps, never as zero.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from django.utils.translation import gettext as _

from lofte.web.results.funnel import funnel_rows

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
ACCENT = "#0b5c8c"
HIGHLIGHT = "#b3261e"
GOOD_ZONE = "#1a7f37"
MID_ZONE = "#9a6700"
NATIONAL_INK = "#1b1b1f"
#: A level borrowed from another register: a dotted grey-violet rule, never a zone (SPEC §9).
REFERENCE_INK = "#6a3d9a"
LIMIT_INK = "#55575f"
MISSING = "#d0d3da"
OUTSIDE = "#eef0f3"


def _base(description: str, height: int | str = 300) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
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


def _key(label: str, colour: str, symbol: str = "square", dash: list[int] | None = None) -> dict:
    """A colour encoding that puts exactly one entry (``label``) into the chart's key."""
    legend: dict[str, Any] = {"title": None, "symbolType": symbol}
    if symbol == "stroke":
        legend.update({"symbolStrokeWidth": 2, "symbolSize": 300})
        if dash:
            legend["symbolDash"] = dash
    return {
        "field": "key",
        "type": "nominal",
        "scale": {"domain": [label], "range": [colour]},
        "legend": legend,
    }


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


def _zone_layers(bands: list[dict[str, Any]], labels: dict[str, str]) -> list[dict[str, Any]]:
    layers = []
    for band in bands:
        label = labels[band["colour"]]
        layers.append(
            {
                "data": {"values": [{**band, "key": label}]},
                "mark": {"type": "rect", "opacity": 0.15},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative"},
                    "x2": {"field": "x2"},
                    "color": _key(label, band["colour"]),
                },
            }
        )
    return layers


def comparison(
    bars: list[dict[str, Any]],
    national: float | None,
    national_label: str,
    target: float | None,
    target_high: float | None,
    direction: str | None,
    unit: str,
    description: str,
    keys: dict[str, str],
    reference: tuple[float, str] | None = None,
) -> dict[str, Any]:
    """Horizontal bars in the table's order, target zones and the national value as a rule.

    Every mark has an entry in the key below the chart: the regions, the chosen area, the
    nation (dashed line) and each target zone. ``keys`` holds the entries' words. A level
    borrowed from another register (``reference``: level and label) is a dotted rule with its
    label, never a zone: it is not a verdict (SPEC §9).
    """
    values = [b["value"] for b in bars if b["value"] is not None]
    # a share above 100 % (inclusion: a data-quality finding) is drawn, not cut off
    top = (
        max([100.0, *values])
        if unit == "percent"
        else max([*values, national or 0, target or 0, 1]) * 1.1
    )
    order = [b["short"] for b in bars]
    highlighted = any(b["highlight"] for b in bars)
    layers: list[dict[str, Any]] = _zone_layers(
        zones(target, target_high, direction, top),
        {GOOD_ZONE: keys["zone"], MID_ZONE: keys["zone_low"]},
    )
    y = {"field": "short", "type": "nominal", "sort": order, "title": None}
    layers.append(
        {
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "y": y,
                "x": {
                    "field": "value",
                    "type": "quantitative",
                    "title": keys["axis"],
                    "scale": {"domain": [0, top]},
                },
                "color": {
                    "field": "key",
                    "type": "nominal",
                    "scale": {
                        "domain": [keys["regions"], keys["area"]]
                        if highlighted
                        else [keys["regions"]],
                        "range": [ACCENT, HIGHLIGHT] if highlighted else [ACCENT],
                    },
                    "legend": {"title": None, "symbolType": "square", "direction": "vertical"},
                },
                "tooltip": [
                    {"field": "name", "title": _("Region")},
                    {"field": "label", "title": _("Värde")},
                    {"field": "n_text", "title": keys["count"]},
                ],
            },
        }
    )
    layers.append(
        {
            "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 11},
            "encoding": {
                "y": {**y, "title": None},
                "x": {"field": "text_x", "type": "quantitative"},
                "text": {"field": "label"},
            },
        }
    )
    if national is not None:
        layers.append(
            {
                "data": {"values": [{"national": national, "key": national_label}]},
                "mark": {"type": "rule", "strokeDash": [6, 3], "strokeWidth": 2},
                "encoding": {
                    "x": {"field": "national", "type": "quantitative"},
                    "color": _key(national_label, NATIONAL_INK, "stroke", [6, 3]),
                },
            }
        )
    if reference is not None:
        layers.append(
            {
                "data": {"values": [{"reference": reference[0], "key": reference[1]}]},
                "mark": {"type": "rule", "strokeDash": [2, 3], "strokeWidth": 2},
                "encoding": {
                    "x": {"field": "reference", "type": "quantitative"},
                    "color": _key(reference[1], REFERENCE_INK, "stroke", [2, 3]),
                },
            }
        )
    spec = _base(description, height={"step": 24})  # type: ignore[arg-type]
    spec["data"] = {
        "values": [
            {
                **b,
                "key": keys["area"] if b["highlight"] else keys["regions"],
                "text_x": b["value"] if b["value"] is not None else 0,
            }
            for b in bars
        ]
    }
    spec["layer"] = layers
    spec["resolve"] = {"scale": {"color": "independent"}}
    return spec


def funnel(
    points: list[dict[str, Any]], national: float, national_label: str, keys: dict[str, str]
) -> dict[str, Any] | None:
    """Value against the number of patients with exact binomial 95 % and 99.8 % limits.

    Each point carries its number (``mark``) as a label; the page lists the numbered regions
    below the chart. The limits and the national line each have an entry in the key.
    """
    counted = [p for p in points if p.get("n") and p.get("value") is not None]
    if not counted:
        return None
    p0 = national / 100.0
    n_values = [int(p["n"]) for p in counted]
    curves = funnel_rows(p0, max(1, min(n_values) // 2), max(n_values) * 2)
    x = {"field": "n", "type": "quantitative", "scale": {"type": "log"}}
    limit_layers = []
    for field, dash, label in (("95", [4, 2], keys["limit95"]), ("99_8", [], keys["limit998"])):
        rows = [
            {"n": row["n"], "limit": row[f"{side}_{field}"], "side": side, "key": label}
            for side in ("low", "high")
            for row in curves
        ]
        limit_layers.append(
            {
                "data": {"values": rows},
                "mark": {"type": "line", "strokeDash": dash or [1, 0]},
                "encoding": {
                    "x": x,
                    "y": {"field": "limit", "type": "quantitative"},
                    "detail": {"field": "side", "type": "nominal"},
                    "color": _key(label, LIMIT_INK, "stroke", dash or None),
                },
            }
        )
    spec = _base(keys["description"], height=380)
    spec["layer"] = [
        *limit_layers,
        {
            "data": {"values": [{"national": national, "key": national_label}]},
            "mark": {"type": "rule", "strokeWidth": 2},
            "encoding": {
                "y": {"field": "national", "type": "quantitative"},
                "color": _key(national_label, NATIONAL_INK, "stroke"),
            },
        },
        {
            "data": {"values": [{**p, "key": keys["points"]} for p in counted]},
            "layer": [
                {
                    "mark": {"type": "point", "filled": True, "size": 80, "tooltip": True},
                    "encoding": {
                        "x": {**x, "title": keys["axis_n"]},
                        "y": {"field": "value", "type": "quantitative", "title": keys["axis"]},
                        "color": _key(keys["points"], ACCENT, "circle"),
                        "tooltip": [
                            {"field": "mark", "title": "#"},
                            {"field": "name", "title": _("Region")},
                            {"field": "label", "title": _("Värde")},
                            {"field": "n_text", "title": keys["count"]},
                        ],
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


def _percent_top(points: list[dict[str, Any]]) -> float:
    """100, or the largest share where one exceeds it (inclusion above 100 %)."""
    return max([100.0, *(p["value"] for p in points if p.get("value") is not None)])


def trend(
    points: list[dict[str, Any]],
    series: list[dict[str, Any]],
    period_order: list[str],
    target: float | None,
    target_label: str,
    unit: str,
    description: str,
    reference: bool = False,
) -> dict[str, Any]:
    """One line per region the table lists, in its order; the nation black and thick, the
    chosen area red; gaps where a cell is suppressed; the target as a dashed green rule."""
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "point": True, "tooltip": True},
            "encoding": {
                "x": {
                    "field": "period_name",
                    "type": "ordinal",
                    "sort": period_order,
                    "title": None,
                    "axis": {"labelAngle": -40, "labelOverlap": False},
                },
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": _("Värde"),
                    "scale": {"domain": [0, _percent_top(points)]}
                    if unit == "percent"
                    else {"zero": True},
                },
                "color": {
                    "field": "name",
                    "type": "nominal",
                    "title": None,
                    "scale": {
                        "domain": [s["name"] for s in series],
                        "range": [s["colour"] for s in series],
                    },
                    "legend": {"symbolType": "stroke", "symbolStrokeWidth": 3, "columns": 2},
                },
                # one line per unbroken series: never across a change of source or definition
                "detail": {"field": "segment", "type": "nominal"},
                "strokeWidth": {
                    "field": "width",
                    "type": "quantitative",
                    "scale": None,
                    "legend": None,
                },
                "strokeOpacity": {
                    "condition": {"test": "datum.width > 2", "value": 1},
                    "value": 0.7,
                },
                "tooltip": [
                    {"field": "full_name", "title": _("Region")},
                    {"field": "period_long", "title": _("Period")},
                    {"field": "label", "title": _("Värde")},
                ],
            },
        }
    ]
    if target is not None:
        layers.append(
            {
                "data": {"values": [{"target": target, "key": target_label}]},
                "mark": {
                    "type": "rule",
                    "strokeDash": [2, 3] if reference else [6, 3],
                    "strokeWidth": 2,
                },
                "encoding": {
                    "y": {"field": "target", "type": "quantitative"},
                    "color": _key(
                        target_label,
                        REFERENCE_INK if reference else GOOD_ZONE,
                        "stroke",
                        [2, 3] if reference else [6, 3],
                    ),
                },
            }
        )
    spec = _base(description, height=320)
    spec["data"] = {"values": points}
    spec["layer"] = layers
    spec["resolve"] = {"scale": {"color": "independent"}}
    return spec


#: Colours of the counties' lines in Trend (colour-blind safe, Tableau 10 without red).
SERIES = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#17becf",
    "#8c564b",
    "#bcbd22",
)


def tile_positions() -> list[dict[str, Any]]:
    text = (resources.files("lofte.web.results") / "data" / "tilegrid.json").read_text("utf-8")
    return list(json.loads(text)["tiles"])


def tile_map(
    tiles: list[dict[str, Any]], domain: tuple[float, float], legend_title: str, description: str
) -> dict[str, Any]:
    """The 21 counties as squares with their names and values.

    The counties of the chosen area are coloured on a sequential scale fitted to their values
    (``domain``), with a gradient key; a county of the area whose value is hidden is light grey
    with "–"; the counties outside the area are pale and carry no value.
    """
    spec = _base(description, height=430)
    spec["data"] = {"values": tiles}
    axis_off = {"axis": None}
    spec["encoding"] = {
        "x": {"field": "col", "type": "ordinal", **axis_off},
        "y": {"field": "row", "type": "ordinal", **axis_off},
    }
    spec["layer"] = [
        {  # every tile: pale outside the area, grey where the value is hidden or missing
            "mark": {"type": "rect", "stroke": "white", "strokeWidth": 2, "tooltip": True},
            "encoding": {
                "color": {"field": "base", "type": "nominal", "scale": None, "legend": None},
                "tooltip": [
                    {"field": "name", "title": _("Region")},
                    {"field": "label", "title": _("Värde")},
                ],
            },
        },
        {  # the area's counties with a value, on the fitted scale
            "transform": [{"filter": "datum.shaded"}],
            "mark": {"type": "rect", "stroke": "white", "strokeWidth": 2, "tooltip": True},
            "encoding": {
                "color": {
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
                },
                "tooltip": [
                    {"field": "name", "title": _("Region")},
                    {"field": "label", "title": _("Värde")},
                ],
            },
        },
        {
            "mark": {"type": "text", "fontSize": 11, "baseline": "middle", "dy": -9},
            "encoding": {
                "text": {"field": "short"},
                "color": {"field": "ink", "type": "nominal", "scale": None},
            },
        },
        {
            "transform": [{"filter": "datum.in_area"}],
            "mark": {
                "type": "text",
                "fontSize": 14,
                "fontWeight": "bold",
                "baseline": "middle",
                "dy": 9,
            },
            "encoding": {
                "text": {"field": "value_text"},
                "color": {"field": "ink", "type": "nominal", "scale": None},
            },
        },
    ]
    spec["resolve"] = {"scale": {"color": "independent"}}
    return spec
