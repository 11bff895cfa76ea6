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
from lofte.cube import export, query
from lofte.reports import store
from lofte.web import providers
from lofte.web.results import charts, page_model, shell, standing
from lofte.web.results import presentation as fmt
from lofte.web.results.page_model import choices
from lofte.web.results.page_model.base import PeriodNames
from lofte.web.results.selection import Selection, parse

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


def _indicator_options(groups: list[tuple[str, list[tuple[str, str]]]], selected: str) -> str:
    """The indicators as radio buttons in fieldsets, a fieldset per promise: the indicator
    picker (a ``<details>`` whose closed face shows the whole chosen name, and whose names wrap
    on a phone; a closed ``<select>`` cut the longest names at 390 px)."""
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


def _form_options(cat: Catalog, sel: Selection, dims: query.IndicatorDims) -> dict[str, str]:
    """The ``<option>`` lists of the selection form, each built once per what it depends on."""
    version, lang = query.version(), fmt.lang()
    pname = PeriodNames.of(dims)

    def build(field: str) -> str:
        if field == "indicator":
            return _indicator_options(
                choices.indicator_groups(cat, query.indicators()), sel.indicator
            )
        return _options(choices.choices(field, cat, sel, dims, pname), choices.selected(sel, field))

    return {
        field: _cached_options(
            (id(cat), version, lang, field, *choices.depends_on(sel, field)),
            lambda field=field: build(field),
        )
        for field in choices.FIELDS
    }


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
    actions = providers.public_actions(sel.indicator, page_model.shown_regions(sel, cat))
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


def _page_context(
    request: HttpRequest, cat: Catalog, sel: Selection, reports: list[dict[str, Any]]
) -> dict[str, Any]:
    """An indicator page's context: the page model's, and the HTML and URLs the view adds."""
    dims = query.dims(sel.indicator)
    assert dims is not None
    aggregate = cat.indicator(sel.indicator).source == "aggregate"
    data = page_model.PageData(
        cat=cat,
        sel=sel,
        dims=dims,
        cells=standing.mark_parents(
            cat, query.cells(sel.filters(regions=page_model.shown_regions(sel, cat)))
        ),
        series=standing.series_map() if aggregate else {},
        county_cells=query.cells(page_model.map_filters(sel)) if sel.view == "karta" else [],
    )
    context = page_model.indicator_page(data, charts)
    context.update(
        {
            "reports": reports,
            "options": _form_options(cat, sel, dims),
            "table_body": _wide_table_body(context["table_rows"]),
            "comparison_body": _comparison_body(context["bars"], context["shows_n"]),
            "share_url": request.build_absolute_uri("/?" + sel.query_string()),
        }
    )
    return context


def _download_rows(request: HttpRequest) -> tuple[Selection, list[dict[str, Any]]]:
    cat, sel = _selection(request)
    if sel is None:
        raise Http404(_("Inga resultat är publicerade ännu."))
    rows = standing.mark_parents(
        cat, query.cells(sel.filters(regions=page_model.shown_regions(sel, cat)))
    )
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
    """``/rapporter/``: the latest complete report of each healthcare region."""
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
