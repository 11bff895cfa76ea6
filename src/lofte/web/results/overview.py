"""The start page: the six promises at a glance for the nation and a chosen healthcare region.

Each promise shows its headline indicators (those with a decided target first, at most
:data:`HEADLINE_MAX`) with the latest complete period's value, the target, the verdict in words
and the change since the same period a year earlier; every other indicator of the promise is a
link. Public cells only, through :mod:`lofte.cube.query`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from lofte.catalog import Catalog
from lofte.catalog.model import Indicator
from lofte.cube import query
from lofte.web.results import presentation as fmt
from lofte.web.results import standing
from lofte.web.results.i18n import _
from lofte.web.results.page_model import start

HEADLINE_MAX = 3


def card(
    cat: Catalog, ind: Indicator, region: str, series: standing.SeriesMap | None = None
) -> dict[str, Any] | None:
    """One indicator's figures for the nation (and ``region``), or None without cells."""
    dims = query.dims(ind.code)
    q = start.card_query(ind, dims, region)
    if dims is None or q is None:
        return None
    cells = standing.mark_parents(cat, query.cells(q.filters()))
    return start.card(
        cat, ind, dims, q, cells, series if series is not None else standing.series_map()
    )


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
