"""The comparison tab: the regions side by side in the latest period, as bars or a funnel."""

from __future__ import annotations

from typing import Any

from lofte.catalog.model import NATION
from lofte.web.results import presentation as fmt
from lofte.web.results.funnel import binomial_limits
from lofte.web.results.i18n import _
from lofte.web.results.page_model.base import ChartKit, Page, cell_view
from lofte.web.results.selection import comparison_regions

#: The fields of a bar that the comparison chart draws.
BAR_FIELDS = ("name", "short", "value", "label", "n", "n_text", "highlight")


def bar(p: Page, code: str) -> dict[str, Any]:
    """One region's bar and table row in the latest period."""
    cell = p.by_key.get((code, p.latest))
    value = cell["value"] if cell else None
    n = cell["denominator"] if cell else None
    return {
        "code": code,
        "name": fmt.region_name(p.cat, code),
        "short": fmt.short_region_name(p.cat, code),
        "value": value,
        "label": fmt.value_text(value, p.unit),
        "n": n,
        "n_text": fmt.number(n, 0),
        "highlight": code == p.sel.region and code != NATION,
        "suppressed": bool(cell and cell["suppressed"]),
        "missing": cell is None,
        "cell": cell_view(cell, p.unit, p.lang),
    }


def bars(p: Page) -> list[dict[str, Any]]:
    """The compared regions' bars, best first (missing values last, then by name)."""
    lower_better = p.ind.direction == "lower_better"
    return sorted(
        (bar(p, code) for code in comparison_regions(p.sel, p.cat)),
        key=lambda b: (
            b["value"] is None,
            (b["value"] or 0) if lower_better else -(b["value"] or 0),
            fmt.sort_key(b["name"]),
        ),
    )


def _place(share: float, limits95: tuple[float, float], limits998: tuple[float, float]) -> str:
    """Where a share lies against the funnel's limits, in words."""
    if share > limits998[1]:
        return _("över 99,8 % gränsen")
    if share > limits95[1]:
        return _("över 95 % gränsen")
    if share < limits998[0]:
        return _("under 99,8 % gränsen")
    if share < limits95[0]:
        return _("under 95 % gränsen")
    return _("inom gränserna")


def funnel_points(bars: list[dict[str, Any]], national: float) -> list[dict[str, Any]]:
    """The funnel's points, numbered in the table's order, each with its place in words."""
    points: list[dict[str, Any]] = []
    for b in bars:
        if not b["n"] or b["value"] is None:
            continue
        n = int(b["n"])
        limits95 = binomial_limits(n, national / 100.0, 0.95)
        limits998 = binomial_limits(n, national / 100.0, 0.998)
        points.append(
            {
                "mark": str(len(points) + 1),
                "code": b["code"],
                "name": b["name"],
                "value": b["value"],
                "label": b["label"],
                "n": n,
                "n_text": b["n_text"],
                "verdict": _place(b["value"] / 100.0, limits95, limits998),
            }
        )
    return points


def national_label(p: Page) -> str:
    """The nation's value as the charts label its line."""
    value = p.national["value"] if p.national else None
    return "{}: {}".format(_("Riket"), fmt.value_text(value, p.unit))


def _funnel(p: Page, shown: list[dict[str, Any]], charts: ChartKit) -> tuple[Any, list]:
    """The funnel chart and its points, or (None, []) where a funnel cannot be drawn."""
    national = p.national
    if not (p.sel.chart == "tratt" and p.unit == "percent" and national and national["value"]):
        return None, []
    points = funnel_points(shown, national["value"])
    description = _("Trattdiagram: %(what)s mot antal, med exakta binomiala gränser.") % {
        "what": fmt.indicator_name(p.ind)
    }
    spec = charts.funnel(
        points, national["value"], national_label(p), {**p.keys, "description": description}
    )
    return spec, points if spec is not None else []


def _bar_chart(p: Page, shown: list[dict[str, Any]], charts: ChartKit) -> dict[str, Any]:
    """The bar chart of the compared regions, with the nation's line and the target."""
    description = _("Jämförelse: %(what)s per region, %(period)s.") % {
        "what": fmt.indicator_name(p.ind),
        "period": p.latest_name,
    }
    reference = (
        (p.target, f"{p.target_word}: {p.target_text}")
        if p.is_reference and p.target is not None
        else None
    )
    return charts.comparison(
        [{k: b[k] for k in BAR_FIELDS} for b in shown],
        p.national["value"] if p.national else None,
        national_label(p),
        None if p.is_reference else p.target,
        None if p.is_reference else p.target_high,
        p.ind.direction,
        p.unit,
        description,
        p.keys,
        reference=reference,
    )


def comparison(p: Page, charts: ChartKit) -> dict[str, Any]:
    """The comparison tab: its bars, its chart and (for a funnel) the funnel's points."""
    shown = bars(p)
    spec, points = _funnel(p, shown, charts)
    if spec is None:
        spec = _bar_chart(p, shown, charts)
    return {"bars": shown, "chart_spec": spec, "funnel_points": points}
