"""The start page's cards: an indicator's latest complete figures for the nation and a region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from lofte.catalog import Catalog
from lofte.catalog.model import NATION, Indicator
from lofte.core import periods as period_labels
from lofte.core.period_names import data_end, is_complete
from lofte.cube import query
from lofte.cube.query import IndicatorDims
from lofte.web.results import presentation as fmt
from lofte.web.results import standing
from lofte.web.results.i18n import _

Cell = dict[str, Any]
#: The period type a card shows, in order of preference.
PTYPES = ("half", "year", "quarter", "month")


@dataclass(frozen=True)
class CardQuery:
    """The slice a card shows: the default basis, pathway and treatment, and its areas."""

    indicator: str
    ptype: str
    basis: str
    pathway: str
    treatment: str
    #: The healthcare region chosen beside the nation (the nation itself when none is).
    region: str

    @property
    def areas(self) -> tuple[str, ...]:
        """The nation, and the chosen region when it is not the nation."""
        return (NATION,) if self.region == NATION else (NATION, self.region)

    def filters(self) -> query.Filters:
        """The cube query for the card's cells (every period of its type)."""
        return query.Filters(
            indicator=self.indicator,
            region_basis=self.basis,
            pathway=self.pathway,
            treatment=self.treatment,
            period_type=self.ptype,
            regions=list(self.areas),
        )


def card_query(ind: Indicator, dims: IndicatorDims | None, region: str) -> CardQuery | None:
    """What the card of ``ind`` asks the cube for, or None when the cube holds no period."""
    if dims is None or not dims.periods:
        return None
    return CardQuery(
        indicator=ind.code,
        ptype=next((t for t in PTYPES if t in dims.periods), next(iter(dims.periods))),
        basis="bostad" if "bostad" in dims.bases else dims.bases[0],
        pathway="alla" if "alla" in dims.pathways else dims.pathways[0],
        treatment="alla" if "alla" in dims.treatments else dims.treatments[0],
        region=region,
    )


def latest_period(labels: list[str], by_key: dict[tuple[str, str], Cell], end: Any) -> str:
    """The newest complete period with a national value (else the newest period)."""
    candidates = [p for p in labels if is_complete(p, end)] or labels
    with_value = [p for p in candidates if (by_key.get((NATION, p)) or {}).get("value") is not None]
    return (with_value or candidates)[-1]


def _judgement(delta: float, direction: str | None) -> str:
    """Whether a change is for the better, in words (nothing without a direction or change)."""
    if abs(delta) < 1e-9 or direction is None:
        return ""
    if (delta > 0) == (direction == "higher_better"):
        return " (" + _("bättre") + ")"
    return " (" + _("sämre") + ")"


def change(
    now: Cell | None,
    before: Cell | None,
    ind: Indicator,
    when: str,
    series: standing.SeriesMap,
) -> str:
    """The change since ``when`` in words, or why there is none."""
    if not now or not before or now["value"] is None or before["value"] is None:
        return _("Ingen jämförelse med %(when)s") % {"when": when} if when else ""
    if not standing.comparable(
        series, ind, now["region"], now["period"], before["period"], (now["value"], before["value"])
    ):
        # another source or definition, or a share above 100 %: not a change
        return _("Ingen jämförelse med %(when)s: ny källa, ny definition eller datakvalitet") % {
            "when": when
        }
    text = fmt.change_text(now["value"], before["value"], ind.unit)
    judgement = _judgement(now["value"] - before["value"], ind.direction)
    return _("%(change)s jämfört med %(when)s") % {"change": text, "when": when} + judgement


def figure(cat: Catalog, ind: Indicator, code: str, now: Cell | None, change_text: str) -> dict:
    """One area's figure on a card: its value, its verdict in words and its change."""
    # the one verdict rule of the report and the gap board (standing.status)
    words, modifier = standing.verdict_words(standing.status(cat, ind, now))
    return {
        "code": code,
        "name": fmt.region_name(cat, code),
        "text": fmt.value_text(now["value"] if now else None, ind.unit),
        "suppressed": bool(now and now["suppressed"]),
        "verdict": words,
        "verdict_class": modifier,
        "change": change_text,
    }


def _previous(latest: str) -> str | None:
    """The same period a year earlier (None for a period without one)."""
    try:
        return period_labels.same_period_previous_year(latest)
    except ValueError:
        return None


def card(
    cat: Catalog,
    ind: Indicator,
    dims: IndicatorDims,
    q: CardQuery,
    cells: list[Cell],
    series: standing.SeriesMap,
) -> dict[str, Any]:
    """An indicator's card from the cells of :meth:`CardQuery.filters`."""
    end = data_end(dims.periods)
    by_key = {(c["region"], c["period"]): c for c in cells}
    latest = latest_period(dims.periods[q.ptype], by_key, end)
    previous = _previous(latest)
    reference = by_key.get((NATION, latest)) or next(iter(cells), None) or {}
    kind = standing.target_kind(cat, ind, reference.get("region", NATION), latest)
    previous_name = fmt.period_text(previous, end) if previous else ""
    figures = [
        figure(
            cat,
            ind,
            code,
            by_key.get((code, latest)),
            change(
                by_key.get((code, latest)),
                by_key.get((code, previous or "")),
                ind,
                previous_name,
                series,
            ),
        )
        for code in q.areas
    ]
    link = {"indicator": ind.code, "region": q.region, "basis": q.basis, "pathway": q.pathway}
    link.update({"treatment": q.treatment, "ptype": q.ptype, "to": latest, "view": "jamforelse"})
    return {
        "code": ind.code,
        "name": fmt.indicator_name(ind),
        "period": fmt.period_text(latest, end),
        "target_text": fmt.target_text(reference, ind.unit),
        # a borrowed level is named a reference, never a target (SPEC §9)
        "target_label": _("Referens") if kind == "reference" else _("Målnivå"),
        "figures": figures,
        "url": "/?" + urlencode(link),
    }
