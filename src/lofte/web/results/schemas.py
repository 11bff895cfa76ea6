"""The typed schema of the public API: query parameters and responses (pydantic, django-ninja).

One definition serves three purposes: django-ninja parses and validates the query with
:class:`CubeQuery`, the OpenAPI document is generated from these classes
(:func:`lofte.web.results.api.document`), and a test checks every real response against that
document. Catalogue values (indicators, regions, pathways) are checked against the catalogue in
force, since an installation may override it (``LOFTE_HOME/catalog/``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator, model_validator

from lofte.catalog import load
from lofte.catalog.model import AVSLUT, NATIONAL_EXIT_TREATMENTS, TREATMENTS
from lofte.core import periods
from lofte.cube.query import COLUMNS, MAX_LIMIT, PERIOD_TYPES

ALL = "alla"
RegionLevel = Literal["nation", "healthcare_region", "county"]
RegionBasis = Literal["", "bostad", "avslutande"]
PeriodType = Literal["year", "half", "quarter", "month"]
assert tuple(PeriodType.__args__) == PERIOD_TYPES  # type: ignore[attr-defined]
Uri = Annotated[str, Field(json_schema_extra={"format": "uri"})]


def treatments() -> set[str]:
    """Every treatment code a cube may hold."""
    return {ALL, AVSLUT, *TREATMENTS.values(), *NATIONAL_EXIT_TREATMENTS.values()}


def _split(values: object) -> object:
    """``region=SE,sydost`` and ``region=SE&region=sydost`` both give ``["SE", "sydost"]``."""
    if values is None:
        return None
    items = values if isinstance(values, list) else [values]
    out = [part.strip() for item in items for part in str(item).split(",")]
    if any(not part for part in out):
        raise ValueError("empty value in the list")
    return out


def _period(label: str) -> periods.Period:
    try:
        return periods.parse(label)
    except ValueError:
        raise ValueError(f"not a period: {label!r} (use 2024, 2024H1, 2024Q3 or 2024-03)") from None


class Strict(Schema):
    """A schema that refuses unknown fields (its docstring is not inherited into the API)."""

    model_config = ConfigDict(extra="forbid")


class CubeQuery(Strict):
    """Filters of ``/cube``; every one optional. Lists: comma-separated or repeated."""

    indicator: str | None = Field(None, description="Indicator code (see /catalog/indicators).")
    region: list[str] | None = Field(
        None, description="Region code(s): SE, a healthcare region, a county (01–25)."
    )
    region_level: RegionLevel | None = Field(None, description="nation, healthcare_region, county.")
    region_basis: RegionBasis | None = Field(
        None, description="bostad or avslutande; empty for cells without a basis."
    )
    pathway: str | None = Field(None, description="Pathway id (see /catalog/pathways) or alla.")
    treatment: str | None = Field(None, description="Treatment (kirurgi, lakemedel, …) or alla.")
    period_type: PeriodType | None = Field(None, description="year, half, quarter or month.")
    period: list[str] | None = Field(None, description="Period label(s): 2024, 2024H1, …")
    period_from: str | None = Field(None, description="First period (inclusive).")
    period_to: str | None = Field(None, description="Last period (inclusive).")
    limit: int = Field(1000, ge=1, le=MAX_LIMIT, description=f"Page size, 1–{MAX_LIMIT}.")
    offset: int = Field(0, ge=0, description="Cells to skip.")

    _split_lists = field_validator("region", "period", mode="before")(_split)

    @field_validator("indicator")
    @classmethod
    def _indicator(cls, value: str | None) -> str | None:
        if value is not None and value not in load().indicators:
            raise ValueError(f"unknown indicator: {value}")
        return value

    @field_validator("region")
    @classmethod
    def _regions(cls, value: list[str] | None) -> list[str] | None:
        unknown = [r for r in value or [] if r not in load().regions]
        if unknown:
            raise ValueError(f"unknown region: {', '.join(unknown)}")
        return value

    @field_validator("pathway")
    @classmethod
    def _pathway(cls, value: str | None) -> str | None:
        if value is not None and value != ALL and value not in load().pathways:
            raise ValueError(f"unknown pathway: {value}")
        return value

    @field_validator("treatment")
    @classmethod
    def _treatment(cls, value: str | None) -> str | None:
        if value is not None and value not in treatments():
            raise ValueError(f"unknown treatment: {value}")
        return value

    @field_validator("period")
    @classmethod
    def _periods(cls, value: list[str] | None) -> list[str] | None:
        for label in value or []:
            _period(label)
        return value

    @field_validator("period_from", "period_to")
    @classmethod
    def _bound(cls, value: str | None) -> str | None:
        if value is not None:
            _period(value)
        return value

    @model_validator(mode="after")
    def _consistent_periods(self) -> CubeQuery:
        labels = [*(self.period or []), self.period_from, self.period_to]
        kinds = {_period(label).kind for label in labels if label is not None}
        if self.period_type is not None and kinds - {self.period_type}:
            raise ValueError(f"periods must be of period_type {self.period_type}")
        if len(kinds) > 1:
            raise ValueError("periods of different types; give one period_type")
        if self.period_from and self.period_to:
            first, last = _period(self.period_from), _period(self.period_to)
            if first.start > last.start:
                raise ValueError("period_from is after period_to")
        return self


# --- responses ------------------------------------------------------------------------------
# pydantic publishes a response class's docstring as its schema's description in openapi.json:
# the docstrings below are written for the API's users.


class Cell(Strict):
    """One cell of the public indicator cube: an indicator for a region, pathway, treatment and
    period. A suppressed cell has no value and no counts (disclosure control, SPEC §7)."""

    indicator: str = Field(description="Indicator code (see /catalog/indicators).")
    region: str = Field(description="SE, a healthcare region code or a county code.")
    region_level: RegionLevel
    region_basis: str | None = Field(
        description="bostad (patient's home county) or avslutande (the county that closed the "
        "pathway); null for imported aggregate indicators."
    )
    pathway: str = Field(description="Pathway id, or alla (all pathways).")
    treatment: str = Field(description="Treatment, or alla.")
    period: str = Field(description="2024, 2024H1, 2024Q3 or 2024-03.")
    period_type: PeriodType
    numerator: int | None = Field(description="Null when suppressed or not counted.")
    denominator: int | None = Field(description="Null when suppressed or not counted.")
    value: float | None = Field(
        description="Percent 0–100, days, score or count; null when suppressed."
    )
    ci_low: float | None = Field(description="95 % Wilson interval, percent.")
    ci_high: float | None = Field(description="95 % Wilson interval, percent.")
    suppressed: bool = Field(
        description="True: the cell is hidden by disclosure control (fewer than min_cell "
        "cases, or hidden so that another could not be recovered)."
    )
    target: float | None = Field(description="Target level (the low level of a pair).")
    target_high: float | None = Field(description="High target level of a low/high pair.")
    meets_target: bool | None = Field(
        description="Null where there is no verdict: no target, a reference level borrowed from "
        "another register (target_kind reference), a share above 100 % (verdict "
        "data_quality, also for a healthcare region or the nation whose regions include a "
        "share above 100 %), or a suppressed cell."
    )
    verdict: Literal[
        "met",
        "partial",
        "not_met",
        "no_target",
        "reference",
        "data_quality",
        "suppressed",
        "missing",
    ] = Field(
        description="The verdict the report and the site give: met, partial (between a low and a "
        "high level), not_met; no_target; reference (the level is borrowed from another "
        "register: drawn, never judged); data_quality (a share above 100 %: more closed "
        "pathways than the register's new cases, a finding about the data, not a share; and a "
        "healthcare region's or the nation's share that counts such a region, see "
        "over_100_children); suppressed."
    )
    target_kind: (
        Literal["decided_national", "decided_regional", "register_level", "reference"] | None
    ) = Field(description="The standing of the target level; null without one.")
    source: str | None = Field(
        description="Imported figures: where the value comes from. Null for figures computed "
        "from SVF data."
    )
    definition: str | None = Field(
        description="Imported figures: the definition version when it is not the catalogue's "
        "(empty: the catalogue's definition). Null for figures computed from SVF data."
    )
    series_break: bool = Field(
        description="True when the period before (same period type) has another source or "
        "definition: the two are not comparable and no change or trend line crosses them."
    )
    over_100_children: list[str] = Field(
        description="A healthcare region's or the nation's shown share: the codes of the shown "
        "regions below it whose share is above 100 % for the same indicator, basis, pathway, "
        "treatment and period. Not empty: the share counts that data fault, so it gets verdict "
        "data_quality and meets_target null. Empty for every other cell."
    )


assert tuple(Cell.model_fields)[: len(COLUMNS)] == COLUMNS, (
    "Cell must list the cube's public columns first, in order"
)


class CubePage(Strict):
    """One page of cube cells matching the filters, with links to the next and previous pages."""

    cube_version: str = Field(description="Changes whenever the cube is recomputed.")
    count: int = Field(description="Cells matching the filters (all pages).")
    limit: int
    offset: int
    next: Uri | None
    previous: Uri | None
    results: list[Cell]


class TargetValue(Strict):
    """A target of one level."""

    value: float


class TargetPair(Strict):
    """A target of two levels: the low one to reach, the high one to aim for."""

    low: float
    high: float


class Indicator(Strict):
    """An indicator of the catalogue: its definition, unit, promise and target."""

    code: str
    name_sv: str
    name_en: str
    description_sv: str
    description_en: str = Field(description="The definition in English, a rendering of the sv.")
    promise: int | None
    unit: Literal["percent", "days", "score", "count"]
    direction: str | None
    source: Literal["svf", "aggregate"]
    target: TargetValue | TargetPair | None
    target_kind: (
        Literal["decided_national", "decided_regional", "register_level", "reference"] | None
    ) = Field(
        description="decided_national, decided_regional, register_level (a register's own "
        "level for its patients) or reference (borrowed from another register: never judged)."
    )
    target_source: str = Field(description="Where the target comes from, in words (Swedish).")
    target_source_en: str = Field(description="The same in English.")
    additive: bool = Field(
        description="Whether counts may be summed to parent regions; false for e.g. open "
        "studies, where one study can be open in several regions."
    )
    min_cell: int


class Region(Strict):
    """The nation, a healthcare region or a county, with its parent and population."""

    code: str
    name: str
    level: RegionLevel
    parent: str | None
    population: int | None
    population_year: int | None


class LeadTimes(Schema):
    """A pathway's lead-time targets in days from a date on, by treatment."""

    valid_from: str = Field(json_schema_extra={"format": "date"})
    basic: dict[str, int]
    extended: dict[str, int] | None
    verified: bool
    source: str


class Pathway(Strict):
    """A standardised cancer pathway (SVF) of the catalogue and its lead-time versions."""

    id: str
    name_sv: str
    kva_prefix: str | None
    end_suffixes: list[int]
    mdk_measured: bool
    extended_marker: int | None
    icd10: list[str]
    lead_times: list[LeadTimes]


class Promise(Strict):
    """One of the six promises to cancer patients and the indicators that measure it."""

    number: int
    text_sv: str
    text_en: str
    source: str
    indicators: list[str]


class ReportFile(Strict):
    """One rendering of a results report."""

    language: Literal["sv", "en"]
    format: Literal["html", "pdf", "xlsx"]
    url: Uri


class Report(Strict):
    """A published results report of a healthcare region and half-year."""

    healthcare_region: str
    period: str
    written: str = Field(json_schema_extra={"format": "date-time"})
    files: list[ReportFile]


class IndicatorList(Strict):
    """Every indicator of the catalogue."""

    results: list[Indicator]


class RegionList(Strict):
    """Every region of the catalogue."""

    results: list[Region]


class PathwayList(Strict):
    """Every pathway of the catalogue."""

    results: list[Pathway]


class PromiseList(Strict):
    """The six promises."""

    results: list[Promise]


class ReportList(Strict):
    """The published results reports, newest period first."""

    results: list[Report]


class Error(Strict):
    """Why a request was refused."""

    error: str
