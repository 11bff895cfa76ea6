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


def _base(description: str, height: int | str = 300) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": "container",
        "height": height,
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}},
    }


def _zones(
    target: float | None, target_high: float | None, direction: str | None, top: float
) -> list[dict[str, Any]]:
    """Background bands: where the value meets the target (and the high target level)."""
    if target is None or direction is None:
        return []
    if direction == "higher_better":
        bands = [(target, target_high if target_high is not None else top, MID_ZONE)]
        if target_high is not None:
            bands = [(target, target_high, MID_ZONE), (target_high, top, GOOD_ZONE)]
        else:
            bands = [(target, top, GOOD_ZONE)]
    else:
        bands = [(0.0, target, GOOD_ZONE)]
    return [{"x": lo, "x2": hi, "colour": colour} for lo, hi, colour in bands]


def comparison(
    bars: list[dict[str, Any]],
    national: float | None,
    target: float | None,
    target_high: float | None,
    direction: str | None,
    unit: str,
    description: str,
) -> dict[str, Any]:
    """Sorted horizontal bars with target zones and the national value as a rule."""
    values = [b["value"] for b in bars if b["value"] is not None]
    top = 100.0 if unit == "percent" else max([*values, national or 0, target or 0, 1]) * 1.1
    zones = _zones(target, target_high, direction, top)
    layers: list[dict[str, Any]] = []
    if zones:
        layers.append(
            {
                "data": {"values": zones},
                "mark": {"type": "rect", "opacity": 0.12},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative"},
                    "x2": {"field": "x2"},
                    "color": {"field": "colour", "type": "nominal", "scale": None},
                },
            }
        )
    layers.append(
        {
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "y": {
                    "field": "name",
                    "type": "nominal",
                    "sort": {"field": "sort_value", "order": "descending"},
                    "title": None,
                },
                "x": {
                    "field": "value",
                    "type": "quantitative",
                    "title": _("Värde"),
                    "scale": {"domain": [0, top]},
                },
                "color": {
                    "condition": {"test": "datum.highlight", "value": HIGHLIGHT},
                    "value": ACCENT,
                },
                "tooltip": [
                    {"field": "name", "title": _("Region")},
                    {"field": "label", "title": _("Värde")},
                    {"field": "n", "title": _("Antal (nämnare)")},
                ],
            },
        }
    )
    layers.append(
        {
            "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 11},
            "encoding": {
                "y": {
                    "field": "name",
                    "type": "nominal",
                    "sort": {"field": "sort_value", "order": "descending"},
                },
                "x": {"field": "text_x", "type": "quantitative"},
                "text": {"field": "label"},
            },
        }
    )
    if national is not None:
        layers.append(
            {
                "data": {"values": [{"national": national, "label": _("Riket")}]},
                "mark": {
                    "type": "rule",
                    "strokeDash": [6, 3],
                    "strokeWidth": 2,
                    "color": "#1b1b1f",
                },
                "encoding": {"x": {"field": "national", "type": "quantitative"}},
            }
        )
    spec = _base(description, height={"step": 24})  # type: ignore[arg-type]
    spec["data"] = {
        "values": [
            {
                **b,
                "sort_value": b["value"] if b["value"] is not None else -1e18,
                "text_x": b["value"] if b["value"] is not None else 0,
            }
            for b in bars
        ]
    }
    spec["layer"] = layers
    return spec


def funnel(
    points: list[dict[str, Any]], national: float, description: str
) -> dict[str, Any] | None:
    """Value against denominator with exact binomial 95 % and 99.8 % limits around the nation."""
    counted = [p for p in points if p.get("n") and p.get("value") is not None]
    if not counted:
        return None
    p0 = national / 100.0
    n_values = [int(p["n"]) for p in counted]
    curves = funnel_rows(p0, max(1, min(n_values) // 2), max(n_values) * 2)
    limit_layers = []
    for field, dash in (("95", [4, 2]), ("99_8", [1, 0])):
        for side in ("low", "high"):
            limit_layers.append(
                {
                    "data": {"values": curves},
                    "mark": {"type": "line", "color": "#55575f", "strokeDash": dash},
                    "encoding": {
                        "x": {"field": "n", "type": "quantitative", "scale": {"type": "log"}},
                        "y": {"field": f"{side}_{field}", "type": "quantitative"},
                    },
                }
            )
    spec = _base(description, height=360)
    spec["layer"] = [
        *limit_layers,
        {
            "data": {"values": [{"national": national}]},
            "mark": {"type": "rule", "color": "#1b1b1f"},
            "encoding": {"y": {"field": "national", "type": "quantitative"}},
        },
        {
            "data": {"values": counted},
            "mark": {"type": "point", "filled": True, "size": 70, "tooltip": True},
            "encoding": {
                "x": {
                    "field": "n",
                    "type": "quantitative",
                    "title": _("Antal (nämnare, logaritmisk skala)"),
                    "scale": {"type": "log"},
                },
                "y": {"field": "value", "type": "quantitative", "title": _("Andel (%)")},
                "color": {"value": ACCENT},
                "tooltip": [
                    {"field": "name", "title": _("Region")},
                    {"field": "label", "title": _("Värde")},
                    {"field": "n", "title": _("Antal (nämnare)")},
                ],
            },
        },
    ]
    return spec


def trend(
    points: list[dict[str, Any]], target: float | None, unit: str, description: str
) -> dict[str, Any]:
    """One line per region over the periods; gaps where a cell is suppressed."""
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "point": True, "tooltip": True},
            "encoding": {
                "x": {"field": "period", "type": "ordinal", "title": _("Period")},
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": _("Värde"),
                    "scale": {"domain": [0, 100]} if unit == "percent" else {"zero": True},
                },
                "color": {"field": "name", "type": "nominal", "title": _("Region")},
                "tooltip": [
                    {"field": "name", "title": _("Region")},
                    {"field": "period", "title": _("Period")},
                    {"field": "label", "title": _("Värde")},
                ],
            },
        }
    ]
    if target is not None:
        layers.append(
            {
                "data": {"values": [{"target": target}]},
                "mark": {"type": "rule", "color": GOOD_ZONE, "strokeDash": [6, 3]},
                "encoding": {"y": {"field": "target", "type": "quantitative"}},
            }
        )
    spec = _base(description)
    spec["data"] = {"values": points}
    spec["layer"] = layers
    return spec


def tile_positions() -> list[dict[str, Any]]:
    text = (resources.files("lofte.web.results") / "data" / "tilegrid.json").read_text("utf-8")
    return list(json.loads(text)["tiles"])


def tile_map(tiles: list[dict[str, Any]], unit: str, description: str) -> dict[str, Any]:
    """The 21 counties as squares coloured by value; grey where suppressed or missing."""
    spec = _base(description, height=400)
    spec["config"] = {**spec["config"], "legend": {"orient": "bottom"}}
    spec["data"] = {"values": tiles}
    axis_off = {"axis": None}
    colour_scale: dict[str, Any] = {"scheme": "blues"}
    if unit == "percent":
        colour_scale["domain"] = [0, 100]
    spec["encoding"] = {
        "x": {"field": "col", "type": "ordinal", **axis_off},
        "y": {"field": "row", "type": "ordinal", **axis_off},
    }
    spec["layer"] = [
        {
            "mark": {
                "type": "rect",
                "stroke": "white",
                "strokeWidth": 2,
                "tooltip": True,
                "invalid": None,  # suppressed counties stay on the map, grey
            },
            "encoding": {
                "color": {
                    "condition": {
                        "test": "datum.value !== null",
                        "field": "value",
                        "type": "quantitative",
                        "scale": colour_scale,
                        "title": _("Värde"),
                    },
                    "value": "#d0d3da",
                },
                "tooltip": [
                    {"field": "name", "title": _("Region")},
                    {"field": "label", "title": _("Värde")},
                ],
            },
        },
        {
            "mark": {"type": "text", "fontSize": 9, "baseline": "middle"},
            "encoding": {
                "text": {"field": "short"},
                "color": {
                    "condition": {"test": "datum.dark", "value": "white"},
                    "value": "#1b1b1f",
                },
            },
        },
    ]
    return spec
