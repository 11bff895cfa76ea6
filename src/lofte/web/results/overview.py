"""The start page: the six promises at a glance for the nation and a chosen healthcare region.

Each promise shows its headline indicators (those with a decided target first, at most
:data:`HEADLINE_MAX`) with the latest complete period's value, the target, the verdict in words
and the change since the same period a year earlier; every other indicator of the promise is a
link. Public cells only, through :mod:`lofte.cube.query`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from lofte.catalog import Catalog
from lofte.catalog.model import NATION, Indicator
from lofte.core import periods as period_labels
from lofte.core.period_names import data_end, is_complete
from lofte.cube import query
from lofte.web.results import presentation as fmt
from lofte.web.results import standing

HEADLINE_MAX = 3
#: The period type a card shows, in order of preference.
PTYPES = ("half", "year", "quarter", "month")


def _verdict(cat: Catalog, ind: Indicator, cell: dict[str, Any] | None) -> tuple[str, str]:
    """(words, css modifier) of the cell's verdict: the one rule of the report and the gap
    board (:func:`lofte.web.results.standing.status`)."""
    return standing.verdict_words(standing.status(cat, ind, cell))


def _change(
    now: dict[str, Any] | None,
    before: dict[str, Any] | None,
    ind: Indicator,
    when: str,
    series: standing.SeriesMap,
) -> str:
    if not now or not before or now["value"] is None or before["value"] is None:
        return _("Ingen jämförelse med %(when)s") % {"when": when} if when else ""
    if not standing.comparable(
        series, ind, now["region"], now["period"], before["period"], (now["value"], before["value"])
    ):
        # another source or definition, or a share above 100 %: not a change
        return _("Ingen jämförelse med %(when)s: ny källa, ny definition eller datakvalitet") % {
            "when": when
        }
    delta = now["value"] - before["value"]
    text = fmt.change_text(now["value"], before["value"], ind.unit)
    if abs(delta) < 1e-9 or ind.direction is None:
        judgement = ""
    elif (delta > 0) == (ind.direction == "higher_better"):
        judgement = " (" + _("bättre") + ")"
    else:
        judgement = " (" + _("sämre") + ")"
    return _("%(change)s jämfört med %(when)s") % {"change": text, "when": when} + judgement


def card(
    cat: Catalog, ind: Indicator, region: str, series: standing.SeriesMap | None = None
) -> dict[str, Any] | None:
    """One indicator's figures for the nation (and ``region``), or None without cells."""
    dims = query.dims(ind.code)
    if dims is None or not dims.periods:
        return None
    ptype = next((t for t in PTYPES if t in dims.periods), next(iter(dims.periods)))
    end = data_end(dims.periods)
    basis = "bostad" if "bostad" in dims.bases else dims.bases[0]
    pathway = "alla" if "alla" in dims.pathways else dims.pathways[0]
    treatment = "alla" if "alla" in dims.treatments else dims.treatments[0]
    areas = [NATION] if region == NATION else [NATION, region]
    cells = query.cells(
        query.Filters(
            indicator=ind.code,
            region_basis=basis,
            pathway=pathway,
            treatment=treatment,
            period_type=ptype,
            regions=areas,
        )
    )
    by_key = {(c["region"], c["period"]): c for c in cells}
    # the newest complete period with a national value (else the newest period)
    labels = dims.periods[ptype]
    candidates = [p for p in labels if is_complete(p, end)] or labels
    with_value = [p for p in candidates if (by_key.get((NATION, p)) or {}).get("value") is not None]
    latest = (with_value or candidates)[-1]
    try:
        previous: str | None = period_labels.same_period_previous_year(latest)
    except ValueError:
        previous = None
    reference = by_key.get((NATION, latest)) or next(iter(cells), None) or {}
    target_text = fmt.target_text(reference, ind.unit)
    kind = standing.target_kind(cat, ind, reference.get("region", NATION), latest)
    series = series if series is not None else standing.series_map()
    previous_name = fmt.period_text(previous, end) if previous else ""
    figures = []
    for code in areas:
        now = by_key.get((code, latest))
        words, modifier = _verdict(cat, ind, now)
        figures.append(
            {
                "code": code,
                "name": fmt.region_name(cat, code),
                "text": fmt.value_text(now["value"] if now else None, ind.unit),
                "suppressed": bool(now and now["suppressed"]),
                "verdict": words,
                "verdict_class": modifier,
                "change": _change(
                    now, by_key.get((code, previous or "")), ind, previous_name, series
                ),
            }
        )
    link = urlencode(
        {
            "indicator": ind.code,
            "region": region,
            "basis": basis,
            "pathway": pathway,
            "treatment": treatment,
            "ptype": ptype,
            "to": latest,
            "view": "jamforelse",
        }
    )
    return {
        "code": ind.code,
        "name": fmt.indicator_name(ind),
        "period": fmt.period_text(latest, end),
        "target_text": target_text,
        # a borrowed level is named a reference, never a target (SPEC §9)
        "target_label": _("Referens") if kind == "reference" else _("Målnivå"),
        "figures": figures,
        "url": "/?" + link,
    }


def promises(cat: Catalog, region: str) -> list[dict[str, Any]]:
    """Every promise with indicators in the cube: its headline cards and its other indicators."""
    present = set(query.indicators())
    series: standing.SeriesMap | None = None
    out = []
    groups: list[tuple[int | None, str]] = [
        (number, p.text_en if fmt.lang() == "en" else p.text_sv)
        for number, p in cat.promises.items()
    ]
    groups.append((None, _("Övriga indikatorer")))
    for number, text in groups:
        members = [
            i for code, i in cat.indicators.items() if i.promise == number and code in present
        ]
        if not members:
            continue
        # decided targets first, then borrowed references, then none (stable otherwise)
        members.sort(key=lambda i: 2 if i.target is None else 0 if i.target.judged else 1)
        cards: list[dict[str, Any]] = []
        others = []
        for ind in members:
            if len(cards) < HEADLINE_MAX and series is None:
                series = standing.series_map()
            made = card(cat, ind, region, series) if len(cards) < HEADLINE_MAX else None
            if made is not None:
                cards.append(made)
            else:
                others.append(
                    {
                        "name": fmt.indicator_name(ind),
                        "url": "/?" + urlencode({"indicator": ind.code, "region": region}),
                    }
                )
        out.append({"number": number, "text": text, "cards": cards, "others": others})
    return out
