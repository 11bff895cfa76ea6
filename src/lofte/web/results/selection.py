"""What the visitor chose, read from and written back to the URL (so a view can be shared).

Every parameter is checked against the catalogue and against what the public cube holds for
the indicator; an unknown or missing value falls back to a sensible default instead of failing,
so an old shared link still opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

from lofte.catalog import Catalog
from lofte.catalog.model import NATION
from lofte.cube import query

if TYPE_CHECKING:
    from django.http import QueryDict

VIEWS = ("jamforelse", "trend", "tabell", "karta", "om")
LEVELS = ("county", "healthcare_region")
CHARTS = ("staplar", "tratt")
DEFAULT_INDICATOR = "svf_andel_inom_ledtid"
DEFAULT_SPAN = {"year": 6, "half": 8, "quarter": 12, "month": 24}


@dataclass(frozen=True)
class Selection:
    """Everything the visitor chose on an indicator's page, valid for the cube."""

    indicator: str
    region: str  # SE or a healthcare region
    level: str  # comparison level
    basis: str  # "" for indicators without a region basis
    pathway: str
    treatment: str
    ptype: str
    period_from: str
    period_to: str
    view: str
    chart: str

    def params(self, **changes: str) -> dict[str, str]:
        """The URL parameters of this selection, with ``changes`` (field names) applied."""
        out = {
            "indicator": self.indicator,
            "region": self.region,
            "level": self.level,
            "basis": self.basis,
            "pathway": self.pathway,
            "treatment": self.treatment,
            "ptype": self.ptype,
            "from": self.period_from,
            "to": self.period_to,
            "view": self.view,
            "chart": self.chart,
        }
        for name, value in changes.items():  # field names, as for dataclasses.replace
            if name not in _PARAM_OF:
                raise TypeError(f"Selection has no field {name!r}")
            out[_PARAM_OF[name]] = value
        return out

    def query_string(self, **changes: str) -> str:
        """The canonical URL query of this selection (with ``changes`` applied): what
        ``urlencode`` gives, each value quoted once per process (a page links to ten views of
        its selection)."""
        return "&".join(f"{k}={_quoted(v)}" for k, v in self.params(**changes).items())

    def filters(self, regions: list[str] | None = None) -> query.Filters:
        """The cube query for this selection's cells over its periods (of ``regions``)."""
        return query.Filters(
            indicator=self.indicator,
            region_basis=self.basis,
            pathway=self.pathway,
            treatment=self.treatment,
            period_type=self.ptype,
            regions=regions,
            period_from=self.period_from,
            period_to=self.period_to,
        )


#: Selection field → URL parameter.
_PARAM_OF = {
    "indicator": "indicator",
    "region": "region",
    "level": "level",
    "basis": "basis",
    "pathway": "pathway",
    "treatment": "treatment",
    "ptype": "ptype",
    "period_from": "from",
    "period_to": "to",
    "view": "view",
    "chart": "chart",
}


@lru_cache(maxsize=8192)
def _quoted(value: str) -> str:
    return quote_plus(value)


def _pick(value: str | None, allowed: list[str] | tuple[str, ...], default: str) -> str:
    return value if value is not None and value in allowed else default


def parse(params: QueryDict | dict[str, str], cat: Catalog) -> Selection | None:
    """The selection the URL asks for, made valid; None when the cube has no indicator at all."""
    present = query.indicators()
    if not present:
        return None
    ordered = [code for code in cat.indicators if code in present]
    default_indicator = DEFAULT_INDICATOR if DEFAULT_INDICATOR in ordered else ordered[0]
    indicator = _pick(params.get("indicator"), ordered, default_indicator)
    dims = query.dims(indicator)
    assert dims is not None
    regions = [NATION, *(r.code for r in cat.healthcare_regions())]
    region = _pick(params.get("region"), regions, NATION)
    level = _pick(params.get("level"), LEVELS, "county")
    basis = _pick(
        params.get("basis"), dims.bases, "bostad" if "bostad" in dims.bases else dims.bases[0]
    )
    pathway = _pick(params.get("pathway"), dims.pathways, dims.pathways[0])
    treatment = _pick(params.get("treatment"), dims.treatments, dims.treatments[0])
    ptypes = list(dims.periods)
    ptype = _pick(params.get("ptype"), ptypes, "half" if "half" in ptypes else ptypes[0])
    periods = dims.periods[ptype]
    period_to = _pick(params.get("to"), periods, periods[-1])
    default_from = periods[max(0, periods.index(period_to) - DEFAULT_SPAN.get(ptype, 8) + 1)]
    period_from = _pick(params.get("from"), periods, default_from)
    if period_from > period_to:
        period_from, period_to = period_to, period_from
    view = _pick(params.get("view"), VIEWS, VIEWS[0])
    chart = _pick(params.get("chart"), CHARTS, CHARTS[0])
    return Selection(
        indicator=indicator,
        region=region,
        level=level,
        basis=basis,
        pathway=pathway,
        treatment=treatment,
        ptype=ptype,
        period_from=period_from,
        period_to=period_to,
        view=view,
        chart=chart,
    )


def comparison_regions(sel: Selection, cat: Catalog) -> list[str]:
    """The regions compared side by side: the counties of the area, or the healthcare regions."""
    if sel.level == "healthcare_region":
        return [r.code for r in cat.healthcare_regions()]
    if sel.region == NATION:
        return [r.code for r in cat.counties()]
    return [r.code for r in cat.counties() if r.parent == sel.region]
