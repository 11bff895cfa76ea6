"""The trend and table tabs: every shown region over the chosen periods."""

from __future__ import annotations

from typing import Any

from lofte.catalog.model import NATION
from lofte.core import periods as period_labels
from lofte.web.results import presentation as fmt
from lofte.web.results import standing
from lofte.web.results.i18n import _
from lofte.web.results.page_model.base import ChartKit, Page, cell_view


def series_breaks(p: Page) -> list[str]:
    """Where an imported figure changes source or definition, per region and period, in words."""
    series, ind = p.data.series, p.ind
    breaks: list[str] = []
    for code in p.shown:
        for period in p.periods:
            if not standing.series_break(series, ind, code, period):
                continue
            before = series.get((ind.code, code, period_labels.shift(period, -1)))
            now = series[(ind.code, code, period)]
            assert before is not None  # a series break needs the period before
            breaks.append(
                _("%(region)s, %(period)s: från %(before)s till %(after)s")
                % {
                    "region": fmt.region_name(p.cat, code),
                    "period": p.pname(period),
                    "before": before.label(p.lang),
                    "after": now.label(p.lang),
                }
            )
    return breaks


def table_rows(p: Page) -> list[dict[str, Any]]:
    """The region × period table: a row per shown region, a cell per period."""
    return [
        {
            "name": fmt.region_name(p.cat, code),
            "code": code,
            "cells": [
                cell_view(p.by_key.get((code, period)), p.unit, p.lang) for period in p.periods
            ],
        }
        for code in p.shown
    ]


def _line(p: Page, code: str, charts: ChartKit, palette: Any) -> dict[str, Any]:
    """How a region's line is drawn: the nation and the chosen area bold, the others thin."""
    name = fmt.short_region_name(p.cat, code)
    if code == NATION:
        return {"name": name, "colour": charts.NATIONAL_INK, "width": 3.5}
    if code == p.sel.region:
        return {"name": name, "colour": charts.HIGHLIGHT, "width": 3.5}
    return {"name": name, "colour": next(palette), "width": 1.5}


def _points(p: Page, code: str, line: dict[str, Any]) -> list[dict[str, Any]]:
    """A region's points on the trend chart, each in the run of one series."""
    runs = standing.segments(p.data.series, p.ind, code, p.periods)
    points = []
    for period, run in zip(p.periods, runs, strict=True):
        cell = p.by_key.get((code, period))
        value = cell["value"] if cell else None
        points.append(
            {
                "name": line["name"],
                "full_name": fmt.region_name(p.cat, code),
                "period": period,
                "period_name": p.pname(period, short=True),
                "period_long": p.pname(period),
                "value": value,
                "label": fmt.value_text(value, p.unit),
                "width": line["width"],
                "segment": f"{code}#{run}",
            }
        )
    return points


def trend_chart(p: Page, charts: ChartKit) -> dict[str, Any]:
    """The trend chart: a line per shown region, broken where its series changes."""
    lines: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    palette = iter(charts.SERIES * 2)
    for code in p.shown:
        lines.append(_line(p, code, charts, palette))
        rows.extend(_points(p, code, lines[-1]))
    description = _("Trend: %(what)s från %(start)s till %(end)s.") % {
        "what": fmt.indicator_name(p.ind),
        "start": p.pname(p.sel.period_from),
        "end": p.latest_name,
    }
    low_label, high = target_levels(p)
    return charts.trend(
        rows,
        lines,
        [p.pname(period, short=True) for period in p.periods],
        p.target,
        low_label,
        p.unit,
        description,
        reference=p.is_reference,
        target_high=high,
    )


def target_levels(p: Page) -> tuple[str, tuple[float, str] | None]:
    """The trend's target lines as the report draws them: one level with its words, or a low
    and a high level, each with its own key entry and value (a borrowed pair: two references)."""
    if p.target is None or p.target_high is None:
        return f"{p.target_word}: {p.target_text}", None
    low, high = (fmt.value_text(v, p.unit) for v in (p.target, p.target_high))
    if p.is_reference:
        return f"{p.target_word}: {low}", (p.target_high, f"{p.target_word}: {high}")
    return f"{_('Låg målnivå')}: {low}", (p.target_high, f"{_('Hög målnivå')}: {high}")
