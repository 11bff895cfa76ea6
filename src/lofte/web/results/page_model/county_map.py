"""The map tab: the area's counties coloured on a scale fitted to their values."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from lofte.catalog import Catalog
from lofte.catalog.model import NATION
from lofte.cube import query
from lofte.web.results import presentation as fmt
from lofte.web.results.i18n import _
from lofte.web.results.page_model.base import Cell, ChartKit, Page, cell_view
from lofte.web.results.selection import Selection

#: The fields of a tile that the map chart draws.
TILE_FIELDS = (
    "col",
    "row",
    "short",
    "name",
    "value",
    "label",
    "value_text",
    "in_area",
    "shaded",
    "base",
    "ink",
)


def map_filters(sel: Selection) -> query.Filters:
    """The query for the map's cells: every county in the latest period."""
    return replace(
        sel.filters(),
        periods=[sel.period_to],
        period_from=None,
        period_to=None,
        region_level="county",
    )


def area_counties(sel: Selection, cat: Catalog) -> set[str]:
    """The counties of the chosen area (every county for the nation)."""
    return {r.code for r in cat.counties() if sel.region == NATION or r.parent == sel.region}


def domain(values: list[float]) -> tuple[float, float] | None:
    """The colour scale's range: the values' own, widened where they are all equal."""
    if not values:
        return None
    low, high = min(values), max(values)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    return low, high


def tile(
    p: Page,
    position: dict[str, Any],
    cell: Cell | None,
    in_area: bool,
    scale: tuple[float, float] | None,
    charts: ChartKit,
) -> dict[str, Any]:
    """One county's tile: its value, its shade and its ink (dark shades get white ink)."""
    value = cell["value"] if cell and in_area else None
    shaded = value is not None and scale is not None
    dark = (
        value is not None
        and scale is not None
        and (value - scale[0]) / (scale[1] - scale[0]) > 0.45
    )
    return {
        **position,
        "name": fmt.region_name(p.cat, position["code"]),
        "value": value,
        "label": fmt.value_text(value, p.unit) if in_area else _("utanför området"),
        "value_text": fmt.value_text(value, p.unit),
        "in_area": in_area,
        "shaded": shaded,
        "base": charts.MISSING if in_area else charts.OUTSIDE,
        "ink": "#ffffff" if dark else ("#1b1b1f" if in_area else "#6b6f76"),
        "cell": cell_view(cell if in_area else None, p.unit),
    }


def map_view(p: Page, charts: ChartKit) -> dict[str, Any]:
    """The map tab: its tiles (sorted by name), the colour scale's range and the chart."""
    county_cells = {c["region"]: c for c in p.data.county_cells}
    area = area_counties(p.sel, p.cat)
    scale = domain(
        [c["value"] for code, c in county_cells.items() if code in area and c["value"] is not None]
    )
    tiles = [
        tile(
            p, position, county_cells.get(position["code"]), position["code"] in area, scale, charts
        )
        for position in charts.tile_positions()
    ]
    spec = charts.tile_map(
        [{k: t[k] for k in TILE_FIELDS} for t in tiles],
        scale or (0.0, 1.0),
        p.keys["axis"],
        _("Karta: %(what)s per region (län), %(period)s.")
        % {"what": fmt.indicator_name(p.ind), "period": p.latest_name},
    )
    tiles.sort(key=lambda t: fmt.sort_key(t["name"]))
    return {"map_tiles": tiles, "map_domain": scale, "chart_spec": spec}
