"""An indicator's page: the template context built from the selection and the cube's cells."""

from __future__ import annotations

from typing import Any

from lofte.core.period_names import is_complete
from lofte.web.results import presentation as fmt
from lofte.web.results import standing
from lofte.web.results.i18n import _
from lofte.web.results.page_model.base import ChartKit, Page, PageData, cell_view, prepare
from lofte.web.results.page_model.comparison import comparison
from lofte.web.results.page_model.county_map import map_view
from lofte.web.results.page_model.trend import series_breaks, table_rows, trend_chart
from lofte.web.results.selection import CHARTS, VIEWS


def view_names() -> dict[str, str]:
    """The tabs' names."""
    return {
        "jamforelse": _("Jämförelse"),
        "trend": _("Trend"),
        "tabell": _("Tabell"),
        "karta": _("Karta"),
        "om": _("Om indikatorn"),
    }


def tabs(p: Page, names: dict[str, str]) -> list[dict[str, Any]]:
    """The tabs, each with the link to it and whether it is shown."""
    return [
        {
            "code": v,
            "name": names[v],
            "query": p.sel.query_string(view=v),
            "active": v == p.sel.view,
        }
        for v in VIEWS
    ]


def heading(p: Page) -> dict[str, Any]:
    """The page's heading, title, promise and the summary of the further choices."""
    ind, sel = p.ind, p.sel
    promise = p.cat.promises.get(ind.promise) if ind.promise is not None else None
    promise_text = ""
    if promise is not None:
        promise_text = promise.text_en if fmt.lang() == "en" else promise.text_sv
    title = [fmt.indicator_name(ind), fmt.pathway_name(p.cat, sel.pathway), p.latest_name]
    summary = [
        fmt.level_name(sel.level),
        fmt.basis_name(sel.basis),
        fmt.treatment_name(sel.treatment),
        f"{p.pname(sel.period_from)} – {p.latest_name}",
    ]
    return {
        "sel": sel,
        "ind": ind,
        "ind_name": fmt.indicator_name(ind),
        "promise": promise,
        "promise_text": promise_text,
        "title": " – ".join(title),
        "more_summary": " · ".join(summary),
        "area_name": p.area_name,
        "latest": p.latest_name,
        "download_query": sel.query_string(),
    }


def chart_choice(p: Page) -> dict[str, Any]:
    """The choice between bars and a funnel (a funnel for shares only)."""
    names = {"staplar": _("Stapeldiagram"), "tratt": _("Trattdiagram")}
    percent = p.unit == "percent"
    return {
        "charts": [(c, names[c], p.sel.query_string(chart=c)) for c in CHARTS],
        "funnel_possible": percent,
        "funnel_shown": p.sel.view == "jamforelse" and p.sel.chart == "tratt" and percent,
    }


def periods(p: Page) -> dict[str, Any]:
    """The periods shown, and those not yet complete (their figures may still change)."""
    end = p.pname.end
    return {
        "periods": [
            {"code": c, "name": p.pname(c), "complete": is_complete(c, end)} for c in p.periods
        ],
        "incomplete": [p.pname(c) for c in p.periods if not is_complete(c, end)],
    }


def target(p: Page) -> dict[str, Any]:
    """The target (or borrowed reference) shown, and where it comes from."""
    lang = fmt.lang()
    return {
        "target_text": p.target_text,
        "target_word": p.target_word,
        "is_reference": p.is_reference,
        "reference_note": standing.reference_text() if p.is_reference else "",
        "target_source": p.ind.target_source_text(lang),
        "target_source_lang": "en" if lang == "en" and p.ind.target_source_en else "sv",
    }


def about(p: Page) -> dict[str, Any]:
    """The indicator's description: its unit, direction, source and smallest shown count."""
    ind = p.ind
    return {
        "unit_name": {
            "percent": _("procent"),
            "days": _("dagar"),
            "score": _("poäng"),
            "count": _("antal"),
        }[ind.unit],
        "direction_text": {
            "higher_better": _("Ett högre värde är bättre."),
            "lower_better": _("Ett lägre värde är bättre."),
        }.get(ind.direction or "", _("Varken högre eller lägre värde är i sig bättre.")),
        "source_text": (
            _("Beräknas i Löfte från regionernas leveranser av SVF-händelser.")
            if ind.source == "svf"
            else _("Inrapporteras som färdiga tal från ett nationellt register eller en enkät.")
        ),
        "ind_description": ind.description(fmt.lang()),
        "min_cell": ind.min_cell,
        "count_label": fmt.count_label(ind),
        # a median's n is not published (SPEC §7): its tables have no n column
        "shows_n": ind.publishes_n,
    }


def tab_content(p: Page, charts: ChartKit) -> dict[str, Any]:
    """What the chosen tab shows (every other tab's keys empty)."""
    view = p.sel.view
    content: dict[str, Any] = {
        "bars": [],
        "chart_spec": None,
        "funnel_points": [],
        "series_breaks": [],
        "table_rows": [],
        "map_tiles": [],
        "map_domain": None,
    }
    if view == "jamforelse":
        content.update(comparison(p, charts))
    if view in ("trend", "tabell"):  # the views that show the region × period table
        content["series_breaks"] = series_breaks(p)
        content["table_rows"] = table_rows(p)
    if view == "trend":
        content["chart_spec"] = trend_chart(p, charts)
    if view == "karta":
        content.update(map_view(p, charts))
    return content


def suppressed_note(min_cell: int) -> str:
    """What a hidden cell ("–") means: either rule of SPEC §7, never which one hid the cell.

    Both rules are named for every hidden cell. Marking a cell as hidden for fewer than
    ``min_cell`` (primary) rather than to protect another (secondary, so ``min_cell`` or more)
    would publish bounds that, with a shown total, can pin down a count of 1–4: a region of 6
    whose two hidden counties are marked so must be 1 + 5 (ADR 0721)."""
    return _(
        "Dold av röjandekontroll: färre än %(min_cell)s fall, eller dold för att en annan "
        "uppgift annars skulle kunna räknas fram ur summor och samband. Vilken av reglerna som "
        "gäller en viss cell visas inte, eftersom det i sig kan avslöja ett litet antal."
    ) % {"min_cell": min_cell}


def notes(p: Page, content: dict[str, Any]) -> dict[str, Any]:
    """The notes under the tab: hidden cells, and shares above 100 %."""
    in_area = [t for t in content["map_tiles"] if t["in_area"]]
    marked = [  # the cells that carry the marks for a share above 100 % (the map's do not)
        *(b["cell"] for b in content["bars"]),
        *(c for row in content["table_rows"] for c in row["cells"]),
    ]
    any_suppressed = any(c["suppressed"] for c in [*marked, *(t["cell"] for t in in_area)])
    return {
        "map_in_area": in_area,
        "any_suppressed": any_suppressed,
        "suppressed_note": suppressed_note(p.ind.min_cell) if any_suppressed else "",
        "over_100_note": over_100_note(p, marked),
    }


def over_100_note(p: Page, marked: list[dict[str, Any]]) -> str:
    """The note on shares above 100 %, naming the parents that count one (empty: none)."""
    if not any(c["over_100"] for c in marked):
        return ""
    parents = standing.over_100_parent_text(p.cat, p.data.cells, p.pname)
    return f"{standing.over_100_text()} {parents}".strip()


def indicator_page(data: PageData, charts: ChartKit) -> dict[str, Any]:
    """The template context of an indicator's page, without what the view adds: the reports,
    the form's options, the tables' HTML, the action plans and the page's absolute URL."""
    p = prepare(data)
    names = view_names()
    content = tab_content(p, charts)
    return {
        "view_names": names,
        **heading(p),
        **chart_choice(p),
        "tabs": tabs(p, names),
        "active_view_name": names[p.sel.view],
        **content,
        **notes(p, content),
        "national": cell_view(p.national, p.unit, p.lang),
        "area": cell_view(p.area, p.unit, p.lang),
        **periods(p),
        **target(p),
        **about(p),
        "no_cells": not data.cells,
    }
