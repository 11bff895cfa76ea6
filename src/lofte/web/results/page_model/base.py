"""What every tab of an indicator's page starts from: the inputs, and the figures derived once."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from lofte.catalog import Catalog
from lofte.catalog.model import NATION, Indicator
from lofte.core.period_names import data_end
from lofte.cube.query import IndicatorDims
from lofte.web.results import presentation as fmt
from lofte.web.results import standing
from lofte.web.results.i18n import _
from lofte.web.results.selection import Selection, comparison_regions

#: A public cell of the cube, as :func:`lofte.cube.query.cells` returns it.
Cell = dict[str, Any]


class ChartKit(Protocol):
    """The chart specifications a page model asks for (:mod:`lofte.web.results.charts`)."""

    @property
    def SERIES(self) -> tuple[str, ...]:  # the module's constant, read only
        """The colours of the other regions' lines."""
        ...

    NATIONAL_INK: str
    HIGHLIGHT: str
    MISSING: str
    OUTSIDE: str
    comparison: Callable[..., dict[str, Any]]
    funnel: Callable[..., dict[str, Any] | None]
    trend: Callable[..., dict[str, Any]]
    tile_map: Callable[..., dict[str, Any]]
    tile_positions: Callable[[], list[dict[str, Any]]]


@dataclass(frozen=True)
class PageData:
    """Everything an indicator's page is built from: the selection and the cube's answers."""

    cat: Catalog
    sel: Selection
    #: What the public cube holds for the indicator (:func:`lofte.cube.query.dims`).
    dims: IndicatorDims
    #: The public cells of :func:`shown_regions` over the selected periods.
    cells: list[Cell]
    #: The series of imported figures (:func:`standing.series_map`; empty for SVF indicators).
    series: standing.SeriesMap
    #: The map's cells: every county in the latest period (:func:`map_filters`; else empty).
    county_cells: list[Cell]


def shown_regions(sel: Selection, cat: Catalog) -> list[str]:
    """The regions a page shows: those compared, the chosen area and the nation."""
    regions = comparison_regions(sel, cat)
    for extra in (sel.region, NATION):
        if extra not in regions:
            regions.append(extra)
    return regions


class PeriodNames:
    """Periods in words for one page, each worked out once."""

    def __init__(self, end: datetime.date | None) -> None:
        self.end = end
        self._names: dict[tuple[str, bool], str] = {}

    @classmethod
    def of(cls, dims: IndicatorDims) -> PeriodNames:
        """The names of the periods of an indicator, whose data end where its periods do."""
        return cls(data_end(dims.periods))

    def __call__(self, label: str, short: bool = False) -> str:
        """The period ``label`` in words (``short`` for a chart's axis)."""
        name = self._names.get((label, short))
        if name is None:
            name = self._names[label, short] = fmt.period_text(label, self.end, short)
        return name


@dataclass(frozen=True)
class Page:
    """The figures of a page that several tabs use, derived once from :class:`PageData`."""

    data: PageData
    ind: Indicator
    lang: str
    pname: PeriodNames
    shown: list[str]
    by_key: dict[tuple[str, str], Cell]
    periods: list[str]
    latest_name: str
    national: Cell | None
    area: Cell | None
    area_name: str
    target: float | None
    target_high: float | None
    target_text: str
    is_reference: bool
    target_word: str
    keys: dict[str, str]

    @property
    def sel(self) -> Selection:
        """The visitor's selection."""
        return self.data.sel

    @property
    def cat(self) -> Catalog:
        """The catalogue."""
        return self.data.cat

    @property
    def unit(self) -> str:
        """The indicator's unit."""
        return self.ind.unit

    @property
    def latest(self) -> str:
        """The last period chosen: the one the comparison and the map show."""
        return self.data.sel.period_to


def _target(national: Cell | None, cells: list[Cell]) -> tuple[Any, Any]:
    """The target shown: the nation's, else the first cell's that has one."""
    reference = national or {}
    target, target_high = reference.get("target"), reference.get("target_high")
    if target is None:
        any_cell = next((c for c in cells if c.get("target") is not None), None)
        if any_cell:
            target, target_high = any_cell["target"], any_cell["target_high"]
    return target, target_high


def prepare(data: PageData) -> Page:
    """The shared figures of the page of ``data``."""
    sel, cat = data.sel, data.cat
    ind = cat.indicator(sel.indicator)
    pname = PeriodNames.of(data.dims)
    by_key = {(c["region"], c["period"]): c for c in data.cells}
    national = by_key.get((NATION, sel.period_to))
    target, target_high = _target(national, data.cells)
    target_text = fmt.target_text({"target": target, "target_high": target_high}, ind.unit)
    # A level borrowed from another register is a labelled reference, never a verdict.
    is_reference = standing.target_kind(cat, ind, sel.region, sel.period_to) == "reference"
    area_name = fmt.region_name(cat, sel.region)
    keys = chart_keys(ind, area_name)
    if target_text:
        keys["zone"] = "{} ({})".format(_("Målnivån nås"), target_text)
    return Page(
        data=data,
        ind=ind,
        lang=fmt.lang(),
        pname=pname,
        shown=shown_regions(sel, cat),
        by_key=by_key,
        periods=[p for p in data.dims.periods[sel.ptype] if sel.period_from <= p <= sel.period_to],
        latest_name=pname(sel.period_to),
        national=national,
        area=by_key.get((sel.region, sel.period_to)),
        area_name=area_name,
        target=target,
        target_high=target_high,
        target_text=target_text,
        is_reference=is_reference,
        target_word=_("Referens") if is_reference else _("Målnivå"),
        keys=keys,
    )


def unit_words(unit: str) -> str:
    """A unit as a chart's axis names it."""
    return {"percent": "%", "days": _("dagar"), "score": _("poäng"), "count": _("antal")}[unit]


def chart_keys(ind: Indicator, area_name: str) -> dict[str, str]:
    """The words of the charts' keys and axes."""
    return {
        "regions": _("Regioner"),
        "area": area_name,
        "zone": _("Målnivån nås"),
        "zone_low": _("Lägsta målnivån nås"),
        "axis": "{} ({})".format(_("Värde"), unit_words(ind.unit))
        if ind.unit != "count"
        else _("Antal"),
        "count": fmt.count_label(ind),
        "limit95": _("95 % gräns (slumpen)"),
        "limit998": _("99,8 % gräns"),
        "points": _("Regionerna (numrerade som i listan)"),
        "axis_n": "{} ({})".format(fmt.count_label(ind), _("logaritmisk skala")),
    }


def cell_view(cell: Cell | None, unit: str, lang: str | None = None) -> dict[str, Any]:
    """A cell as a table shows it: its value in words, its n, whether it is hidden."""
    if cell is None:
        return {
            "present": False,
            "suppressed": False,
            "text": fmt.DASH,
            "n": fmt.DASH,
            "over_100": False,
        }
    return {
        "present": True,
        "suppressed": bool(cell["suppressed"]),
        "text": fmt.value_text(cell["value"], unit, lang),
        # "–" marks suppression only; a shown cell without a published n (a median, SPEC §7,
        # or a value imported without counts) has an empty n.
        "n": (
            fmt.DASH
            if cell["suppressed"]
            else ""
            if cell["denominator"] is None
            else fmt.number(cell["denominator"], 0, lang)
        ),
        "meets_target": cell["meets_target"],
        # a share above 100 % (inclusion): a data-quality finding, marked and explained; so is
        # a parent's share that counts one (standing.mark_parents, ADR 0504)
        "over_100": unit == "percent"
        and cell["value"] is not None
        and (cell["value"] > 100 or bool(cell.get("over_100_children"))),
    }
