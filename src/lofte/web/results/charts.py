"""The public site's charts: its rows and words handed to the shared :mod:`lofte.charts.spec`.

Every chart has a ``description`` (the SVG's accessible name); the pages put the same numbers in
a data table next to it. Suppressed cells carry no value and are drawn as gaps, never as zero.
The conventions (shares 0–100 % with a share above 100 % marked as a data-quality finding, a
new series marked and never joined, no region in red) are the report's: one module builds both.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from django.utils.translation import gettext as _

from lofte.charts import spec
from lofte.charts.spec import Reference
from lofte.web.results.funnel import funnel_rows

#: The regions' bars light blue, the chosen area dark blue (red would read as "bad").
ACCENT = spec.BAR_LIGHT
HIGHLIGHT = spec.AREA
NATIONAL_INK = spec.SITE_NATION
SERIES = spec.SERIES
MISSING = "#d0d3da"
OUTSIDE = "#eef0f3"


def _tips(*fields: tuple[str, str]) -> list[dict[str, str]]:
    return [{"field": field, "title": title} for field, title in fields]


def _region_tips(count: str | None = None) -> list[dict[str, str]]:
    tips = [("name", _("Region")), ("label", _("Värde"))]
    return _tips(*tips, *([("n_text", count)] if count else []))


def over_100_words() -> str:
    """The words in the row of a share above 100 % (the page's † note gives the causes)."""
    return _("{label}: över 100 %, datakvalitet (se †)")


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
    top = spec.site_top(unit, values, [national, target])
    highlighted = any(b["highlight"] for b in bars)
    colour = {
        "field": "key",
        "type": "nominal",
        "scale": {
            "domain": [keys["regions"], keys["area"]] if highlighted else [keys["regions"]],
            "range": [ACCENT, HIGHLIGHT] if highlighted else [ACCENT],
        },
        "legend": {"title": None, "symbolType": "square", "direction": "vertical"},
    }
    rows = [
        {
            **b,
            "key": keys["area"] if b["highlight"] else keys["regions"],
            "text_x": b["value"] if b["value"] is not None else 0,
        }
        for b in bars
    ]
    shape = spec.Bars(
        rows, "short", [b["short"] for b in bars], colour, keys["axis"], unit,
        _region_tips(keys["count"]), over_100_words(),
    )  # fmt: skip
    refs = [Reference(national, national_label, "national")] if national is not None else []
    if reference is not None:
        refs.append(Reference(reference[0], reference[1], "reference"))
    bands = spec.zone_layers(
        spec.zones(target, target_high, direction, top),
        {spec.GOOD_ZONE: keys["zone"], spec.MID_ZONE: keys["zone_low"]},
    )
    frame = spec.site_frame(description, height={"step": 24})
    return spec.comparison(shape, refs, "site", frame, zones=bands, top=top)


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
    n_values = [int(p["n"]) for p in counted]
    curves = funnel_rows(national / 100.0, max(1, min(n_values) // 2), max(n_values) * 2)
    tips = [{"field": "mark", "title": "#"}, *_region_tips(keys["count"])]
    return spec.funnel(counted, curves, Reference(national, national_label, "national"), keys, tips)


def trend(
    points: list[dict[str, Any]],
    series: list[dict[str, Any]],
    period_order: list[str],
    target: float | None,
    target_label: str,
    unit: str,
    description: str,
    reference: bool = False,
    target_high: tuple[float, str] | None = None,
) -> dict[str, Any]:
    """One line per region the table lists, in its order; the nation black and thick, the
    chosen area dark blue; gaps where a cell is suppressed; the target as a dashed green rule
    and a high target level (``target_high``: level and label) as a dotted one, as in the
    report (a borrowed level dotted violet); a new series marked by a dashed vertical rule."""
    colour = {
        "field": "name",
        "type": "nominal",
        "title": None,
        "scale": {"domain": [s["name"] for s in series], "range": [s["colour"] for s in series]},
        "legend": {"symbolType": "stroke", "symbolStrokeWidth": 3, "columns": 2},
    }
    stroke = {
        "strokeWidth": {"field": "width", "type": "quantitative", "scale": None, "legend": None},
        "strokeOpacity": {"condition": {"test": "datum.width > 2", "value": 1}, "value": 0.7},
    }
    lines = spec.Lines(
        points, "name", "period_name", period_order, colour, _("Värde"), unit,
        _tips(("full_name", _("Region")), ("period_long", _("Period")), ("label", _("Värde"))),
        stroke, _("Ny serie (källa eller definition byts)"),
        _("Över 100 %: datakvalitet, ingen andel"),
    )  # fmt: skip
    refs = []
    if target is not None:
        refs.append(Reference(target, target_label, "reference" if reference else "target"))
    if target_high is not None:
        level, label = target_high
        refs.append(Reference(level, label, "reference" if reference else "target_high"))
    return spec.trend(lines, refs, "site", spec.site_frame(description, height=320))


def tile_positions() -> list[dict[str, Any]]:
    """The counties' places in the map's tile grid (``data/tilegrid.json``)."""
    text = (resources.files("lofte.web.results") / "data" / "tilegrid.json").read_text("utf-8")
    return list(json.loads(text)["tiles"])


def tile_map(
    tiles: list[dict[str, Any]], domain: tuple[float, float], legend_title: str, description: str
) -> dict[str, Any]:
    """The 21 counties as squares with their values: :func:`lofte.charts.spec.tile_map`."""
    return spec.tile_map(tiles, domain, legend_title, description, _region_tips())
