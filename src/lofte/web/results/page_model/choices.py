"""The choices of an indicator page's form: what each field offers, and what it depends on."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lofte.catalog import Catalog
from lofte.catalog.model import NATION
from lofte.cube.query import IndicatorDims
from lofte.web.results import presentation as fmt
from lofte.web.results.i18n import _
from lofte.web.results.page_model.base import PeriodNames
from lofte.web.results.selection import LEVELS, Selection

Choices = list[tuple[str, str]]

#: Per field of the form: the selection's field it shows, and the fields its list depends on.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "indicator": ("indicator", ("indicator",)),
    "region": ("region", ("region",)),
    "level": ("level", ("level",)),
    "basis": ("basis", ("indicator", "basis")),
    "pathway": ("pathway", ("indicator", "pathway")),
    "treatment": ("treatment", ("indicator", "treatment")),
    "ptype": ("ptype", ("indicator", "ptype")),
    "from": ("period_from", ("indicator", "ptype", "period_from")),
    "to": ("period_to", ("indicator", "ptype", "period_to")),
}


def selected(sel: Selection, field: str) -> str:
    """The value the form's ``field`` shows as chosen."""
    return str(getattr(sel, FIELDS[field][0]))


def depends_on(sel: Selection, field: str) -> tuple[str, ...]:
    """What the list of ``field`` (with its choice marked) depends on in the selection."""
    return tuple(str(getattr(sel, name)) for name in FIELDS[field][1])


def choices(
    field: str, cat: Catalog, sel: Selection, dims: IndicatorDims, pname: PeriodNames
) -> Choices:
    """The (code, name) choices of a select field of the form (not the indicator picker)."""
    periods = [(p, pname(p)) for p in dims.periods[sel.ptype]] if field in ("from", "to") else []
    lists: dict[str, Callable[[], Choices]] = {
        "region": lambda: [
            (NATION, fmt.region_name(cat, NATION)),
            *((r.code, r.name) for r in cat.healthcare_regions()),
        ],
        "level": lambda: [(code, fmt.level_name(code)) for code in LEVELS],
        "basis": lambda: [(b, fmt.basis_name(b)) for b in dims.bases],
        "pathway": lambda: [(p, fmt.pathway_name(cat, p)) for p in dims.pathways],
        "treatment": lambda: [(t, fmt.treatment_name(t)) for t in dims.treatments],
        "ptype": lambda: [(t, fmt.ptype_name(t)) for t in dims.periods],
        "from": lambda: periods,
        "to": lambda: periods,
    }
    if field not in lists:
        raise ValueError(f"no such field: {field!r}")
    return lists[field]()


def indicator_groups(cat: Catalog, present: Iterable[str]) -> list[tuple[str, Choices]]:
    """The indicators in the cube for the picker, grouped by promise (the others last)."""
    there = set(present)
    groups = []
    for number, promise in cat.promises.items():
        members = [
            (code, fmt.indicator_name(i))
            for code, i in cat.indicators.items()
            if i.promise == number and code in there
        ]
        if members:
            text = promise.text_en if fmt.lang() == "en" else promise.text_sv
            groups.append((f"{_('Löfte')} {number}: {text}", members))
    others = [
        (code, fmt.indicator_name(i))
        for code, i in cat.indicators.items()
        if i.promise is None and code in there
    ]
    if others:
        groups.append((_("Övriga indikatorer"), others))
    return groups
