"""The public results site: one page whose views (comparison, trend, table, map, about) and
choices all live in the URL, table downloads, and the latest reports. Public data only."""

from __future__ import annotations

import hashlib
from html import escape
from typing import Any

import pyarrow as pa
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from lofte.catalog import Catalog, load
from lofte.catalog.model import NATION
from lofte.core import periods as period_labels
from lofte.core.period_names import data_end, is_complete
from lofte.cube import export, query
from lofte.reports import store
from lofte.web import providers
from lofte.web.results import charts, shell, standing
from lofte.web.results import presentation as fmt
from lofte.web.results.selection import (
    CHARTS,
    LEVELS,
    VIEWS,
    Selection,
    comparison_regions,
    parse,
)

CACHE_SECONDS = 600
DOWNLOAD_COLUMNS = (
    "indicator",
    "region",
    "region_name",
    "region_basis",
    "pathway",
    "treatment",
    "period",
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "suppressed",
    "target",
    "target_high",
    "meets_target",
)


def _selection(request: HttpRequest) -> tuple[Catalog, Selection | None]:
    cat = load()
    try:
        sel = parse(request.GET, cat)
    except query.CubeMissing:
        sel = None
    return cat, sel


def _shown_regions(sel: Selection, cat: Catalog) -> list[str]:
    regions = comparison_regions(sel, cat)
    for extra in (sel.region, NATION):
        if extra not in regions:
            regions.append(extra)
    return regions


def _view_names() -> dict[str, str]:
    return {
        "jamforelse": _("Jämförelse"),
        "trend": _("Trend"),
        "tabell": _("Tabell"),
        "karta": _("Karta"),
        "om": _("Om indikatorn"),
    }


def _latest_reports(sel: Selection | None) -> list[dict[str, Any]]:
    """The newest complete report of each healthcare region (the selected one first)."""
    seen: dict[str, store.ReportEntry] = {}
    for entry in store.list_reports():
        seen.setdefault(entry.healthcare_region, entry)
    cat = load()
    ordered = sorted(
        seen.values(),
        key=lambda e: (sel is None or e.healthcare_region != sel.region, e.healthcare_region),
    )
    out = []
    for entry in ordered:
        files = [
            {
                "language": language,
                "format": fmt_,
                "name": path.name,
                "url": f"/rapport/{entry.healthcare_region}/{entry.period}/{path.name}",
            }
            for (language, fmt_), path in sorted(entry.files.items())
        ]
        out.append(
            {
                "region": entry.healthcare_region,
                "region_name": fmt.region_name(cat, entry.healthcare_region),
                "period": entry.period,
                "period_name": fmt.period_text(entry.period),
                "files": files,
            }
        )
    return out


def _options(choices: list[tuple[str, str]], selected: str) -> str:
    """``<option>`` elements (escaped), built in Python: the form has hundreds of them."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (code, mark_safe(" selected") if code == selected else "", name)
            for code, name in choices
        ),
    )


#: Built ``<option>`` lists, by what they depend on (language, cube version, choice, selected
#: value): a few thousand short strings at most, shared by every page that shows them.
_OPTIONS: dict[tuple[Any, ...], str] = {}
_OPTIONS_MAX = 20_000


def _cached_options(key: tuple[Any, ...], build: Any) -> str:
    html = _OPTIONS.get(key)
    if html is None:
        if len(_OPTIONS) >= _OPTIONS_MAX:  # a new cube version or language: start afresh
            _OPTIONS.clear()
        html = _OPTIONS[key] = build()
    return mark_safe(html)


def _indicator_options(cat: Catalog, selected: str) -> str:
    """The indicators present in the cube, grouped by promise, as radio buttons in fieldsets:
    the indicator picker (a ``<details>`` whose closed face shows the whole chosen name, and
    whose names wrap on a phone; a closed ``<select>`` cut the longest names at 390 px)."""
    present = set(query.indicators())
    groups = []
    for number, promise in cat.promises.items():
        members = [
            (code, fmt.indicator_name(i))
            for code, i in cat.indicators.items()
            if i.promise == number and code in present
        ]
        if members:
            text = promise.text_en if fmt.lang() == "en" else promise.text_sv
            groups.append((f"{_('Löfte')} {number}: {text}", members))
    others = [
        (code, fmt.indicator_name(i))
        for code, i in cat.indicators.items()
        if i.promise is None and code in present
    ]
    if others:
        groups.append((_("Övriga indikatorer"), others))
    return "".join(
        format_html(
            '<fieldset class="picker__group"><legend>{}</legend>{}</fieldset>',
            label,
            format_html_join(
                "",
                '<label class="picker__option"><input type="radio" name="indicator" value="{}"'
                "{}> <span>{}</span></label>",
                (
                    (code, mark_safe(" checked") if code == selected else "", name)
                    for code, name in members
                ),
            ),
        )
        for label, members in groups
    )


def _wide_table_body(rows: list[dict[str, Any]]) -> str:
    """The rows of the region × period table, built in Python: up to 22 regions × 24 months of
    cells, which the template engine took several milliseconds to loop over. Every text is
    escaped."""
    out = []
    over_100 = _over_100_mark()
    for row in rows:
        cells = "".join(
            '<td class="num"><span class="v">{}{}{}</span>{}</td>'.format(
                escape(c["text"]),
                "<sup>*</sup>" if c["suppressed"] else "",
                over_100 if c.get("over_100") else "",
                f'<span class="n">n={escape(c["n"])}</span>'
                if c["present"] and not c["suppressed"] and c["n"]
                else "",
            )
            for c in row["cells"]
        )
        out.append(
            f'<tr data-region="{escape(row["code"])}"><th scope="row">{escape(row["name"])}</th>'
            f"{cells}</tr>"
        )
    return mark_safe("\n".join(out))  # every text above is escaped


def _over_100_mark() -> str:
    """The dagger that points a share above 100 % (inclusion) to its data-quality note."""
    return '<sup><a href="#note-over-100" aria-label="{}">†</a></sup>'.format(
        escape(_("Datakvalitet"))
    )


def _cell_view(cell: dict[str, Any] | None, unit: str, lang: str | None = None) -> dict[str, Any]:
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
        # a share above 100 % (inclusion): a data-quality finding, marked and explained
        "over_100": unit == "percent" and cell["value"] is not None and cell["value"] > 100,
    }


#: Parameters of an indicator's page: a URL with any of them opens that page (old links too).
SELECTION_PARAMS = frozenset(
    [
        "indicator",
        "region",
        "level",
        "basis",
        "pathway",
        "treatment",
        "ptype",
        "from",
        "to",
        "view",
        "chart",
    ]
)


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    """``/``: the start page, or an indicator's page when the URL holds a selection."""
    if SELECTION_PARAMS.isdisjoint(request.GET):
        return start(request)
    return indicator_page(request)


def start(request: HttpRequest) -> HttpResponse:
    """The promises at a glance for the nation and the healthcare region in ``omrade``."""
    from lofte.web.results import overview

    cat = load()
    try:
        cube_version = query.version()
    except query.CubeMissing:
        return render(request, "results/empty.html", {"reports": _latest_reports(None)})
    regions = [NATION, *(r.code for r in cat.healthcare_regions())]
    region = request.GET.get("omrade", NATION)
    if region not in regions:
        region = NATION
    digest = hashlib.sha256(
        "|".join([cube_version, fmt.lang(), request.get_host(), region]).encode()
    ).hexdigest()
    key = f"lofte-start:{digest}"
    body = cache.get(key)
    if body is None:
        context = {
            "promises": overview.promises(cat, region),
            "region": region,
            "region_name": fmt.region_name(cat, region),
            "region_options": _options(
                [(code, fmt.region_name(cat, code)) for code in regions], region
            ),
        }
        body = render_to_string("results/_start_body.html", context, request=request)
        cache.set(key, body, CACHE_SECONDS)
    return render(request, "results/start.html", {"body": mark_safe(body)})


def indicator_page(request: HttpRequest) -> HttpResponse:
    """An indicator's page. Its body depends only on the selection, the language, the cube
    file, the reports and the host, so it is cached per process under a key of exactly those."""
    cat, sel = _selection(request)
    reports = _latest_reports(sel)
    if sel is None:
        return render(request, "results/empty.html", {"reports": reports})
    signature = repr([(r["region"], r["period"], [f["name"] for f in r["files"]]) for r in reports])
    # The action plans change while the cube does not: their titles are part of the key.
    actions = providers.public_actions(sel.indicator, _shown_regions(sel, cat))
    digest = hashlib.sha256(
        "|".join(
            [
                query.version(),
                fmt.lang(),
                request.get_host(),
                signature,
                repr((providers.has_public_actions(), sorted(actions.items()))),
                sel.query_string(),
            ]
        ).encode()
    ).hexdigest()
    key = f"lofte-results:{digest}"
    cached = cache.get(key)
    if cached is None:
        context = _page_context(request, cat, sel, reports)
        context["actions"] = _action_rows(cat, actions)
        cached = {
            "body": render_to_string("results/_results_body.html", context, request=request),
            "has_chart": context["chart_spec"] is not None,
            "page_title": f"{context['ind_name']} – {context['active_view_name']}",
        }
        cache.set(key, cached, CACHE_SECONDS)
    return shell.results_page(request, cached, sel.indicator)


def _action_rows(cat: Catalog, actions: dict[str, list[str]]) -> dict[str, Any] | None:
    """The section on the action plans: per region shown, how many active actions are linked
    to the indicator there and their titles (None when no app provides actions). The list is
    built in Python (one row per region shown, up to 23); every text is escaped."""
    if not providers.has_public_actions():
        return None
    rows = []
    none = escape(_("inga aktiva åtgärder"))
    for code, titles in actions.items():
        name = escape(fmt.region_name(cat, code))
        if titles:
            count = ngettext("%(n)s aktiv åtgärd", "%(n)s aktiva åtgärder", len(titles)) % {
                "n": len(titles)
            }
            items = "".join(f"<li>{escape(t)}</li>" for t in titles)
            body = (
                f"<details><summary><strong>{name}</strong>: {escape(count)}</summary>"
                f"<ul>{items}</ul></details>"
            )
        else:
            body = f"<strong>{name}</strong>: {none}"
        rows.append(f'<li data-region="{escape(code)}" data-count="{len(titles)}">{body}</li>')
    return {"list": mark_safe("\n".join(rows))}  # every text above is escaped


def _comparison_body(bars: list[dict[str, Any]], shows_n: bool) -> str:
    """The rows of the comparison table (one per region compared), built in Python."""
    verdicts = {True: escape(_("Ja")), False: escape(_("Nej"))}
    footnote = '<sup><a href="#footnote-suppressed" aria-label="{}">*</a></sup>'.format(
        escape(_("Fotnot"))
    )
    over_100 = _over_100_mark()
    rows = []
    for b in bars:
        cell = b["cell"]
        n = f'<td class="num">{escape(cell["n"])}</td>' if shows_n else ""
        rows.append(
            f'<tr data-region="{escape(b["code"])}"><th scope="row">{escape(b["name"])}</th>'
            f'<td class="num">{escape(cell["text"])}{footnote if cell["suppressed"] else ""}'
            f"{over_100 if cell.get('over_100') else ''}</td>"
            f"{n}<td>{verdicts.get(cell.get('meets_target'), '–')}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # every text above is escaped


def _chart_keys(ind: Any, area_name: str) -> dict[str, str]:
    """The words of the charts' keys and axes."""
    return {
        "regions": _("Regioner"),
        "area": area_name,
        "zone": _("Målnivån nås"),
        "zone_low": _("Lägsta målnivån nås"),
        "axis": "{} ({})".format(_("Värde"), _unit_words(ind.unit))
        if ind.unit != "count"
        else _("Antal"),
        "count": fmt.count_label(ind),
        "limit95": _("95 % gräns (slumpen)"),
        "limit998": _("99,8 % gräns"),
        "points": _("Regionerna (numrerade som i listan)"),
        "axis_n": "{} ({})".format(fmt.count_label(ind), _("logaritmisk skala")),
    }


def _unit_words(unit: str) -> str:
    return {"percent": "%", "days": _("dagar"), "score": _("poäng"), "count": _("antal")}[unit]


def _page_context(
    request: HttpRequest, cat: Catalog, sel: Selection, reports: list[dict[str, Any]]
) -> dict[str, Any]:
    view_names = _view_names()
    context: dict[str, Any] = {"reports": reports, "view_names": view_names}
    ind = cat.indicator(sel.indicator)
    dims = query.dims(sel.indicator)
    assert dims is not None
    end = data_end(dims.periods)
    version, lang = query.version(), fmt.lang()
    names: dict[tuple[str, bool], str] = {}

    def pname(label: str, short: bool = False) -> str:
        name = names.get((label, short))
        if name is None:
            name = names[label, short] = fmt.period_text(label, end, short)
        return name

    shown = _shown_regions(sel, cat)
    cells = query.cells(sel.filters(regions=shown))
    by_key = {(c["region"], c["period"]): c for c in cells}
    periods = [p for p in dims.periods[sel.ptype] if sel.period_from <= p <= sel.period_to]
    compared = comparison_regions(sel, cat)
    unit = ind.unit
    latest = sel.period_to
    latest_name = pname(latest)
    national = by_key.get((NATION, latest))
    area = by_key.get((sel.region, latest))
    area_name = fmt.region_name(cat, sel.region)
    national_label = "{}: {}".format(
        _("Riket"),
        fmt.value_text(national["value"] if national else None, unit),
    )
    reference = national or {}
    target, target_high = reference.get("target"), reference.get("target_high")
    if target is None:
        any_cell = next((c for c in cells if c.get("target") is not None), None)
        if any_cell:
            target, target_high = any_cell["target"], any_cell["target_high"]
    target_text = fmt.target_text({"target": target, "target_high": target_high}, unit)
    # A level borrowed from another register is a labelled reference, never a verdict.
    is_reference = standing.target_kind(cat, ind, sel.region, latest) == "reference"
    target_word = _("Referens") if is_reference else _("Målnivå")
    series_map = standing.series_map() if ind.source == "aggregate" else {}
    keys = _chart_keys(ind, area_name)
    if target_text:
        keys["zone"] = "{} ({})".format(_("Målnivån nås"), target_text)

    def bar(code: str) -> dict[str, Any]:
        cell = by_key.get((code, latest))
        value = cell["value"] if cell else None
        n = cell["denominator"] if cell else None
        return {
            "code": code,
            "name": fmt.region_name(cat, code),
            "short": fmt.short_region_name(cat, code),
            "value": value,
            "label": fmt.value_text(value, unit),
            "n": n,
            "n_text": fmt.number(n, 0),
            "highlight": code == sel.region and code != NATION,
            "suppressed": bool(cell and cell["suppressed"]),
            "missing": cell is None,
            "cell": _cell_view(cell, unit, lang),
        }

    bars = [bar(code) for code in compared] if sel.view == "jamforelse" else []
    lower_better = ind.direction == "lower_better"
    bars.sort(
        key=lambda b: (
            b["value"] is None,
            (b["value"] or 0) if lower_better else -(b["value"] or 0),
            fmt.sort_key(b["name"]),
        )
    )
    chart_spec = None
    funnel_points: list[dict[str, Any]] = []
    title_parts = [fmt.indicator_name(ind), fmt.pathway_name(cat, sel.pathway), latest_name]
    if sel.view == "jamforelse":
        description = _("Jämförelse: %(what)s per region, %(period)s.") % {
            "what": fmt.indicator_name(ind),
            "period": latest_name,
        }
        if sel.chart == "tratt" and unit == "percent" and national and national["value"]:
            funnel_points = _funnel_points(bars, national["value"])
            chart_spec = charts.funnel(
                funnel_points,
                national["value"],
                national_label,
                {
                    **keys,
                    "description": _(
                        "Trattdiagram: %(what)s mot antal, med exakta binomiala gränser."
                    )
                    % {"what": fmt.indicator_name(ind)},
                },
            )
        if chart_spec is None:
            funnel_points = []
            chart_spec = charts.comparison(
                [
                    {
                        k: b[k]
                        for k in ("name", "short", "value", "label", "n", "n_text", "highlight")
                    }
                    for b in bars
                ],
                national["value"] if national else None,
                national_label,
                None if is_reference else target,
                None if is_reference else target_high,
                ind.direction,
                unit,
                description,
                keys,
                reference=(target, f"{target_word}: {target_text}")
                if is_reference and target is not None
                else None,
            )
    trend_rows = []
    breaks: list[str] = []
    if sel.view in ("trend", "tabell"):
        for code in shown:
            for period in periods:
                if standing.series_break(series_map, ind, code, period):
                    before = series_map.get((ind.code, code, period_labels.shift(period, -1)))
                    now = series_map[(ind.code, code, period)]
                    assert before is not None  # a series break needs the period before
                    breaks.append(
                        _("%(region)s, %(period)s: från %(before)s till %(after)s")
                        % {
                            "region": fmt.region_name(cat, code),
                            "period": pname(period),
                            "before": before.label(),
                            "after": now.label(),
                        }
                    )
    if sel.view == "trend":
        series = []
        palette = iter(charts.SERIES * 2)
        for code in shown:
            name = fmt.short_region_name(cat, code)
            if code == NATION:
                series.append({"name": name, "colour": charts.NATIONAL_INK, "width": 3.5})
            elif code == sel.region:
                series.append({"name": name, "colour": charts.HIGHLIGHT, "width": 3.5})
            else:
                series.append({"name": name, "colour": next(palette), "width": 1.5})
            runs = standing.segments(series_map, ind, code, periods)
            for period, run in zip(periods, runs, strict=True):
                cell = by_key.get((code, period))
                value = cell["value"] if cell else None
                trend_rows.append(
                    {
                        "name": name,
                        "full_name": fmt.region_name(cat, code),
                        "period": period,
                        "period_name": pname(period, short=True),
                        "period_long": pname(period),
                        "value": value,
                        "label": fmt.value_text(value, unit),
                        "width": series[-1]["width"],
                        "segment": f"{code}#{run}",
                    }
                )
        chart_spec = charts.trend(
            trend_rows,
            series,
            [pname(p, short=True) for p in periods],
            target,
            f"{target_word}: {target_text}",
            unit,
            _("Trend: %(what)s från %(start)s till %(end)s.")
            % {
                "what": fmt.indicator_name(ind),
                "start": pname(sel.period_from),
                "end": latest_name,
            },
            reference=is_reference,
        )
    table_rows: list[dict[str, Any]] = []
    if sel.view in ("trend", "tabell"):  # the views that show the region × period table
        table_rows = [
            {
                "name": fmt.region_name(cat, code),
                "code": code,
                "cells": [_cell_view(by_key.get((code, p)), unit, lang) for p in periods],
            }
            for code in shown
        ]
    map_tiles: list[dict[str, Any]] = []
    map_domain: tuple[float, float] | None = None
    if sel.view == "karta":
        map_tiles, map_domain, chart_spec = _map(cat, sel, ind, latest, latest_name, keys)
    tabs = [
        {
            "code": v,
            "name": view_names[v],
            "query": sel.query_string(view=v),
            "active": v == sel.view,
        }
        for v in VIEWS
    ]
    ind_promise = cat.promises.get(ind.promise) if ind.promise is not None else None
    any_suppressed = (
        any(b["suppressed"] for b in bars)
        or any(c["suppressed"] for row in table_rows for c in row["cells"])
        or any(t["cell"]["suppressed"] for t in map_tiles if t["in_area"])
    )
    context.update(
        {
            "sel": sel,
            "ind": ind,
            "ind_name": fmt.indicator_name(ind),
            "promise": ind_promise,
            "promise_text": (
                ""
                if ind_promise is None
                else ind_promise.text_en
                if fmt.lang() == "en"
                else ind_promise.text_sv
            ),
            "title": " – ".join(title_parts),
            "options": {
                kind: _cached_options(
                    (id(cat), version, lang, kind, *key),
                    build,  # one list per key
                )
                for kind, key, build in (
                    (
                        "indicator",
                        (sel.indicator,),
                        lambda: _indicator_options(cat, sel.indicator),
                    ),
                    (
                        "region",
                        (sel.region,),
                        lambda: _options(
                            [(NATION, fmt.region_name(cat, NATION))]
                            + [(r.code, r.name) for r in cat.healthcare_regions()],
                            sel.region,
                        ),
                    ),
                    (
                        "level",
                        (sel.level,),
                        lambda: _options(
                            [(code, fmt.level_name(code)) for code in LEVELS], sel.level
                        ),
                    ),
                    (
                        "basis",
                        (sel.indicator, sel.basis),
                        lambda: _options([(b, fmt.basis_name(b)) for b in dims.bases], sel.basis),
                    ),
                    (
                        "pathway",
                        (sel.indicator, sel.pathway),
                        lambda: _options(
                            [(p, fmt.pathway_name(cat, p)) for p in dims.pathways], sel.pathway
                        ),
                    ),
                    (
                        "treatment",
                        (sel.indicator, sel.treatment),
                        lambda: _options(
                            [(t, fmt.treatment_name(t)) for t in dims.treatments], sel.treatment
                        ),
                    ),
                    (
                        "ptype",
                        (sel.indicator, sel.ptype),
                        lambda: _options([(t, fmt.ptype_name(t)) for t in dims.periods], sel.ptype),
                    ),
                    (
                        "from",
                        (sel.indicator, sel.ptype, sel.period_from),
                        lambda: _options(
                            [(p, pname(p)) for p in dims.periods[sel.ptype]], sel.period_from
                        ),
                    ),
                    (
                        "to",
                        (sel.indicator, sel.ptype, sel.period_to),
                        lambda: _options(
                            [(p, pname(p)) for p in dims.periods[sel.ptype]], sel.period_to
                        ),
                    ),
                )
            },
            "more_summary": " · ".join(
                [
                    fmt.level_name(sel.level),
                    fmt.basis_name(sel.basis),
                    fmt.treatment_name(sel.treatment),
                    f"{pname(sel.period_from)} – {latest_name}",
                ]
            ),
            "charts": [
                (
                    c,
                    {"staplar": _("Stapeldiagram"), "tratt": _("Trattdiagram")}[c],
                    sel.query_string(chart=c),
                )
                for c in CHARTS
            ],
            "funnel_possible": unit == "percent",
            "funnel_shown": sel.view == "jamforelse" and sel.chart == "tratt" and unit == "percent",
            "tabs": tabs,
            "active_view_name": view_names[sel.view],
            "bars": bars,
            "national": _cell_view(national, unit, lang),
            "area": _cell_view(area, unit, lang),
            "area_name": area_name,
            "latest": latest_name,
            "periods": [
                {"code": p, "name": pname(p), "complete": is_complete(p, end)} for p in periods
            ],
            "incomplete": [pname(p) for p in periods if not is_complete(p, end)],
            "count_label": fmt.count_label(ind),
            # a median's n is not published (SPEC §7): its tables have no n column
            "shows_n": ind.publishes_n,
            "funnel_points": funnel_points,
            "map_domain": map_domain,
            "map_in_area": [t for t in map_tiles if t["in_area"]],
            "table_rows": table_rows,
            "table_body": _wide_table_body(table_rows),
            "comparison_body": _comparison_body(bars, ind.publishes_n),
            "map_tiles": map_tiles,
            "chart_spec": chart_spec,
            "target_text": target_text,
            "target_word": target_word,
            "is_reference": is_reference,
            "reference_note": standing.reference_text() if is_reference else "",
            "target_source": ind.target_source_text(fmt.lang()),
            "target_source_lang": "en" if fmt.lang() == "en" and ind.target_source_en else "sv",
            "series_breaks": breaks,
            "over_100_note": standing.over_100_text()
            if any(b["cell"]["over_100"] for b in bars)
            or any(c["over_100"] for row in table_rows for c in row["cells"])
            else "",
            "unit_name": {
                "percent": _("procent"),
                "days": _("dagar"),
                "score": _("poäng"),
                "count": _("antal"),
            }[unit],
            "direction_text": {
                "higher_better": _("Ett högre värde är bättre."),
                "lower_better": _("Ett lägre värde är bättre."),
            }.get(ind.direction or "", _("Varken högre eller lägre värde är i sig bättre.")),
            "source_text": (
                _("Beräknas i Löfte från regionernas leveranser av SVF-händelser.")
                if ind.source == "svf"
                else _("Inrapporteras som färdiga tal från ett nationellt register eller en enkät.")
            ),
            "any_suppressed": any_suppressed,
            "no_cells": not cells,
            "ind_description": ind.description(fmt.lang()),
            "min_cell": ind.min_cell,
            "share_url": request.build_absolute_uri("/?" + sel.query_string()),
            "download_query": sel.query_string(),
        }
    )
    return context


def _funnel_points(bars: list[dict[str, Any]], national: float) -> list[dict[str, Any]]:
    """The funnel's points, numbered in the table's order, each with its place in words."""
    from lofte.web.results.funnel import binomial_limits

    points: list[dict[str, Any]] = []
    for b in bars:
        if not b["n"] or b["value"] is None:
            continue
        n = int(b["n"])
        low95, high95 = binomial_limits(n, national / 100.0, 0.95)
        low998, high998 = binomial_limits(n, national / 100.0, 0.998)
        share = b["value"] / 100.0
        if share > high998:
            verdict = _("över 99,8 % gränsen")
        elif share > high95:
            verdict = _("över 95 % gränsen")
        elif share < low998:
            verdict = _("under 99,8 % gränsen")
        elif share < low95:
            verdict = _("under 95 % gränsen")
        else:
            verdict = _("inom gränserna")
        points.append(
            {
                "mark": str(len(points) + 1),
                "code": b["code"],
                "name": b["name"],
                "value": b["value"],
                "label": b["label"],
                "n": n,
                "n_text": b["n_text"],
                "verdict": verdict,
            }
        )
    return points


def _map(
    cat: Catalog, sel: Selection, ind: Any, latest: str, latest_name: str, keys: dict[str, str]
) -> tuple[list[dict[str, Any]], tuple[float, float] | None, dict[str, Any]]:
    """The tiles of the map: the area's counties coloured on a scale fitted to their values."""
    unit = ind.unit
    county_cells = {
        c["region"]: c
        for c in query.cells(
            query.Filters(
                indicator=sel.indicator,
                region_basis=sel.basis,
                pathway=sel.pathway,
                treatment=sel.treatment,
                period_type=sel.ptype,
                periods=[latest],
                region_level="county",
            )
        )
    }
    area = {r.code for r in cat.counties() if sel.region == NATION or r.parent == sel.region}
    values = [
        c["value"] for code, c in county_cells.items() if code in area and c["value"] is not None
    ]
    domain: tuple[float, float] | None = None
    if values:
        low, high = min(values), max(values)
        if high - low < 1e-9:
            low, high = low - 1, high + 1
        domain = (low, high)
    tiles = []
    for tile in charts.tile_positions():
        cell = county_cells.get(tile["code"])
        in_area = tile["code"] in area
        value = cell["value"] if cell and in_area else None
        shaded = value is not None and domain is not None
        dark = (
            value is not None
            and domain is not None
            and (value - domain[0]) / (domain[1] - domain[0]) > 0.45
        )
        tiles.append(
            {
                **tile,
                "name": fmt.region_name(cat, tile["code"]),
                "value": value,
                "label": fmt.value_text(value, unit) if in_area else _("utanför området"),
                "value_text": fmt.value_text(value, unit),
                "in_area": in_area,
                "shaded": shaded,
                "base": charts.MISSING if in_area else charts.OUTSIDE,
                "ink": "#ffffff" if dark else ("#1b1b1f" if in_area else "#6b6f76"),
                "cell": _cell_view(cell if in_area else None, unit),
            }
        )
    spec = charts.tile_map(
        [
            {
                k: t[k]
                for k in (
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
            }
            for t in tiles
        ],
        domain or (0.0, 1.0),
        keys["axis"],
        _("Karta: %(what)s per region (län), %(period)s.")
        % {"what": fmt.indicator_name(ind), "period": latest_name},
    )
    tiles.sort(key=lambda t: fmt.sort_key(t["name"]))
    return tiles, domain, spec


def _download_rows(request: HttpRequest) -> tuple[Selection, list[dict[str, Any]]]:
    cat, sel = _selection(request)
    if sel is None:
        raise Http404(_("Inga resultat är publicerade ännu."))
    rows = query.cells(sel.filters(regions=_shown_regions(sel, cat)))
    for row in rows:
        row["region_name"] = fmt.region_name(cat, row["region"])
        row["region_basis"] = row["region_basis"] or ""
    return sel, rows


def _file_name(sel: Selection, ext: str) -> str:
    parts = [sel.indicator, sel.region, sel.pathway, sel.treatment, sel.period_from, sel.period_to]
    return "lofte_" + "_".join(parts) + f".{ext}"


@require_safe
def download(request: HttpRequest, ext: str) -> HttpResponse:
    """The table of the current selection as CSV or XLSX (public cells only)."""
    sel, rows = _download_rows(request)
    table = pa.table({c: [row[c] for row in rows] for c in DOWNLOAD_COLUMNS})
    content_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[ext]
    response = HttpResponse(export.table_bytes(table, ext, "tabell"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_file_name(sel, ext)}"'
    return response


@require_safe
def report_file(
    request: HttpRequest, region: str, period: str, name: str
) -> HttpResponse | FileResponse:
    """A file of a complete report, found through the report store (never a path from the URL)."""
    for entry in store.list_reports():
        if entry.healthcare_region == region and entry.period == period:
            for path in entry.files.values():
                if path.name == name and name.endswith(".html"):
                    return _standalone_html(path)
                if path.name == name:
                    return FileResponse(open(path, "rb"), as_attachment=True)
    raise Http404(_("Rapporten finns inte."))


def _standalone_html(path: Any) -> HttpResponse:
    """A report's HTML with a policy of its own (inline blocks by hash, sandboxed)."""
    from lofte.web.security import standalone_policy

    html = path.read_bytes()
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = standalone_policy(html)
    response._csp_exempt = True  # type: ignore[attr-defined]  # django-csp: leave it as it is
    return response


@require_safe
def reports_page(request: HttpRequest) -> HttpResponse:
    return render(request, "results/reports.html", {"reports": _latest_reports(None)})


def about_statistics(request: HttpRequest) -> HttpResponse:
    """*Om statistiken*: how the figures are protected (SPEC §7), in the report annex's words."""
    from django.utils.translation import get_language

    from lofte.core.disclosure import MIN_CELL
    from lofte.reports.present import disclosure_paragraphs

    lang = "en" if (get_language() or "sv").startswith("en") else "sv"
    paragraphs = disclosure_paragraphs(lang, MIN_CELL)
    return render(
        request,
        "results/about.html",
        {"intro": paragraphs[0], "rules": paragraphs[1:-2], "after": paragraphs[-2:]},
    )
