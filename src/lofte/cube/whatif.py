"""*Vad händer om…?* on the engine's instances (issue 16): selection and disclosure gate.

:mod:`lofte.core.whatif` does the arithmetic; this module picks the patients of one pathway,
region (either basis) and period from the instances the engine wrote, exactly as the cube
counts them for ``svf_andel_inom_ledtid`` (closed by a national end with a target, the end
date in the period, the closing or home county within the region), with the component
intervals defined as in ``cells.sql``. Staff see any selection; a public output shows an
outcome only where :func:`public` allows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.utils import translation
from django.utils.translation import pgettext_lazy

from lofte.catalog import Catalog, load
from lofte.core import periods
from lofte.core import whatif as core
from lofte.core.disclosure import MIN_CELL

#: The instance columns the selection reads.
COLUMNS = (
    "status",
    "pathway",
    "national_end",
    "target_days",
    "lead_time_days",
    "start_date",
    "first_visit",
    "first_diagnosis",
    "end_date",
    "end_region",
    "residence_region",
)
#: The region basis → the instance column that holds the county.
BASIS_COLUMN = {"avslutande": "end_region", "bostad": "residence_region"}


class Step(NamedTuple):
    """An interval of a pathway: its indicator stem and its name, a Swedish message id whose
    English is in this app's catalogue (context ``what-if step``; ADR 0725)."""

    stem: str
    name: Any  # a lazy translation: str() in the active language, or name_in(lang)

    def name_in(self, lang: str) -> str:
        """The interval's name in ``lang`` (``sv`` or ``en``)."""
        with translation.override(lang):
            return str(self.name)


#: The intervals of a pathway, in order.
STEPS = (
    Step("start_till_besok", pgettext_lazy("what-if step", "Välgrundad misstanke → första besök")),
    Step("besok_till_diagnos", pgettext_lazy("what-if step", "Första besök → diagnosbesked")),
    Step(
        "diagnos_till_behandling",
        pgettext_lazy("what-if step", "Diagnosbesked → behandlingsstart"),
    ),
)


class NoInstances(Exception):
    """No instances are computed yet."""


def read(path: Path, pathway: str | None = None, period: str | None = None) -> pa.Table:
    """The closed instances with a national end and a target from the engine's instance file
    (optionally of one pathway, and of those ending in one ``period``: the row groups of other
    periods are then never decoded); :class:`NoInstances` before the first compute."""
    if not path.exists():
        raise NoInstances()
    filters: list[tuple[str, str, object]] = [
        ("status", "=", "closed"),
        ("national_end", "=", True),
    ]
    if pathway is not None and pathway != "alla":
        filters.append(("pathway", "=", pathway))
    if period is not None:
        span = periods.parse(period)
        filters += [("end_date", ">=", span.start), ("end_date", "<=", span.end)]
    return read_table(pq.read_table(path, columns=list(COLUMNS), filters=filters))


def read_table(instances: pa.Table) -> pa.Table:
    """The closed instances with a national end and a target, of an instance table."""
    table = instances.select(list(COLUMNS))
    keep = pc.and_(
        pc.and_(
            pc.equal(table.column("status"), "closed"),
            pc.fill_null(table.column("national_end"), False),
        ),
        pc.is_valid(table.column("target_days")),
    )
    return table.filter(keep)


def counties_of(catalog: Catalog, region: str) -> set[str]:
    """The counties that make up ``region`` (a county is its own)."""
    if catalog.region(region).level == "county":
        return {region}
    out: set[str] = set()
    for child in catalog.children(region):
        out |= counties_of(catalog, child)
    return out


def _days(later: dt.date | None, earlier: dt.date | None) -> int | None:
    return None if later is None or earlier is None else (later - earlier).days


def patient_of(row: dict) -> core.Patient:
    """One instance row as a :class:`lofte.core.whatif.Patient` (the intervals of cells.sql:
    10→25, 25→40 only where 40 is not before 25, 40→end)."""
    visit, diagnosis = row["first_visit"], row["first_diagnosis"]
    to_diagnosis = _days(diagnosis, visit)
    return core.Patient(
        lead=int(row["lead_time_days"]),
        target=int(row["target_days"]),
        intervals=(
            _days(visit, row["start_date"]),
            to_diagnosis if to_diagnosis is not None and to_diagnosis >= 0 else None,
            _days(row["end_date"], diagnosis),
        ),
    )


def _cell_rows(
    instances: pa.Table, *, region: str, period: str, basis: str, catalog: Catalog
) -> pa.Table:
    """The rows of ``instances`` whose end date lies in ``period`` and whose county (by
    ``basis``) lies in ``region``."""
    if basis not in BASIS_COLUMN:
        raise ValueError(f"okänd regionbas: {basis}")
    span = periods.parse(period)
    counties = pa.array(sorted(counties_of(catalog, region)), pa.string())
    return instances.filter(
        pc.and_(
            pc.is_in(instances.column(BASIS_COLUMN[basis]), value_set=counties),
            pc.and_(
                pc.greater_equal(instances.column("end_date"), pa.scalar(span.start, pa.date32())),
                pc.less_equal(instances.column("end_date"), pa.scalar(span.end, pa.date32())),
            ),
        )
    )


def cell_patients(
    instances: pa.Table,
    *,
    region: str,
    period: str,
    basis: str = "avslutande",
    catalog: Catalog | None = None,
) -> list[tuple[str, core.Patient]]:
    """(pathway, patient) of every pathway's ``svf_andel_inom_ledtid`` cell of the region and
    period (treatment ``alla``), in the instances' order."""
    catalog = catalog or load()
    table = _cell_rows(instances, region=region, period=period, basis=basis, catalog=catalog)
    return [(row["pathway"], patient_of(row)) for row in table.to_pylist()]


def select(
    instances: pa.Table,
    *,
    pathway: str,
    region: str,
    period: str,
    basis: str = "avslutande",
    catalog: Catalog | None = None,
) -> list[core.Patient]:
    """The patients of one cell of ``svf_andel_inom_ledtid`` (treatment ``alla``), in the
    instances' order."""
    catalog = catalog or load()
    table = _cell_rows(instances, region=region, period=period, basis=basis, catalog=catalog)
    if pathway != "alla":
        table = table.filter(pc.equal(table.column("pathway"), pathway))
    return [patient_of(row) for row in table.to_pylist()]


@dataclass(frozen=True)
class Row:
    """One pathway's "shortened by 7 days" comparison."""

    pathway: str
    outcomes: list[core.Outcome]

    @property
    def best(self) -> core.Outcome | None:
        return core.best(self.outcomes)

    @property
    def n(self) -> int:
        return self.outcomes[0].n if self.outcomes else 0


def comparison_table(
    instances: pa.Table,
    *,
    region: str,
    period: str,
    basis: str = "avslutande",
    days: int = core.TABLE_DAYS,
    pathways: Iterable[str] | None = None,
    catalog: Catalog | None = None,
) -> list[Row]:
    """ "Which interval, shortened by ``days``, helps most": one row per pathway with patients
    in the cell (in the catalogue's order)."""
    catalog = catalog or load()
    cell = cell_patients(instances, region=region, period=period, basis=basis, catalog=catalog)
    return rows_of(cell, list(pathways) if pathways is not None else list(catalog.pathways), days)


def rows_of(
    cell: list[tuple[str, core.Patient]], pathways: list[str], days: int = core.TABLE_DAYS
) -> list[Row]:
    """:func:`comparison_table` from :func:`cell_patients`."""
    by_pathway: dict[str, list[core.Patient]] = {}
    for pathway, patient in cell:
        by_pathway.setdefault(pathway, []).append(patient)
    return [
        Row(pathway, core.compare_intervals(by_pathway[pathway], days))
        for pathway in pathways
        if by_pathway.get(pathway)
    ]


@dataclass(frozen=True)
class Costliest:
    """The interval that costs most in a cell: shortening it by ``days`` moves most patients
    within the lead time."""

    interval: int
    stem: str
    days: int
    outcome: core.Outcome


def costliest(
    instances: pa.Table,
    *,
    region: str,
    period: str,
    basis: str = "avslutande",
    pathway: str = "alla",
    days: int = core.TABLE_DAYS,
) -> Costliest | None:
    """The interval whose shortening by ``days`` helps most in the cell (None: no patients,
    or shortening no interval would move anyone)."""
    patients = select(instances, pathway=pathway, region=region, period=period, basis=basis)
    best = core.best(core.compare_intervals(patients, days))
    if best is None:
        return None
    k = best.scenario.interval
    return Costliest(k, core.INTERVALS[k], days, best)


#: The public what-if cells (issue 16): the healthcare regions by home region, each pathway,
#: half-years. No two of them add up to a third (the regions, pathways and half-years are
#: disjoint and neither the nation, ``alla`` nor a year is among them), so an intruder can
#: combine a scenario's counts only within one cell, with the cube's counts of that cell.
PUBLIC_LEVEL = "healthcare_region"
PUBLIC_BASIS = "bostad"
PUBLIC_PERIOD_TYPE = "half"


def public_cell(catalog: Catalog, region: str, pathway: str, period: str, basis: str) -> bool:
    """Whether a selection is one of the public what-if cells."""
    try:
        span = periods.parse(period)
        level = catalog.region(region).level
    except (KeyError, ValueError):
        return False
    return (
        level == PUBLIC_LEVEL
        and basis == PUBLIC_BASIS
        and pathway in catalog.pathways
        and span.kind == PUBLIC_PERIOD_TYPE
    )


def public_results(
    patients: list[core.Patient], baseline_shown: bool, min_cell: int = MIN_CELL
) -> list[core.PublicResult]:
    """The public grid (:data:`lofte.core.whatif.PUBLIC_GRID`) on one public cell, each
    scenario marked shown or not (:func:`lofte.core.whatif.public_grid`). ``baseline_shown``:
    the cube's public ``svf_andel_inom_ledtid`` cell is shown (not suppressed)."""
    return core.public_grid(patients, baseline_shown, min_cell=min_cell)


def public_row(
    patients: list[core.Patient],
    baseline_shown: bool,
    days: int = core.TABLE_DAYS,
    min_cell: int = MIN_CELL,
) -> bool:
    """Whether every interval's "``days`` shorter" of the public grid is shown for the cell
    (the report's row of its what-if table)."""
    results = public_results(patients, baseline_shown, min_cell)
    picked = [r for r in results if r.outcome.scenario.amount == days]
    return bool(picked) and all(r.shown for r in picked)
