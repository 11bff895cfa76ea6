"""The catalogue's records and the helpers the engines use to read them."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

NATION = "SE"
LEVELS = ("nation", "healthcare_region", "county")

START_SUFFIX = 10
INFO_SUFFIXES = frozenset({5, 22, 25, 35, 40, 44, 90, 91})
TREATMENT_SUFFIXES = frozenset({50, 52, 54, 58, 59, 60})
EXIT_SUFFIXES = frozenset({70, 72, 73, 74, 76, 78})
END_SUFFIXES = TREATMENT_SUFFIXES | EXIT_SUFFIXES
ALL_SUFFIXES = INFO_SUFFIXES | END_SUFFIXES | {START_SUFFIX}
DEFAULT_END_SUFFIXES = (50, 52, 54, 58, 59, 60)

UNITS = ("percent", "days", "score", "count")
DIRECTIONS = ("higher_better", "lower_better")
SOURCES = ("svf", "aggregate")
#: The standing of a target level (SPEC §3): decided nationally, decided by the region, a
#: register's own level for that register's patients, or a reference borrowed from elsewhere
#: (drawn as a labelled line, never given a verdict).
TARGET_KINDS = ("decided_national", "decided_regional", "register_level", "reference")
#: Target kinds that a value may be judged against (traffic light, gap, ``meets_target``).
JUDGED_KINDS = frozenset({"decided_national", "decided_regional", "register_level"})

# SPEC §4 rule 13. The exit suffixes 73 and 72/78 get a treatment value only where the pathway
# counts them as national end points; elsewhere they are plain avslut.
TREATMENTS = {
    50: "kirurgi",
    52: "lakemedel",
    54: "stralning",
    58: "palliativ",
    59: "annan",
    60: "expektans",
}
NATIONAL_EXIT_TREATMENTS = {73: "ingen_atgard", 72: "avslutande_samtal", 78: "avslutande_samtal"}
AVSLUT = "avslut"


class CatalogError(ValueError):
    """A catalogue file is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class Region:
    """The nation, a healthcare region or a county."""

    code: str
    name: str
    level: str
    parent: str | None
    population: int | None
    population_year: int | None
    note: str = ""


@dataclass(frozen=True)
class Promise:
    """One of the RCC's promises to patients and residents."""

    number: int
    text_sv: str
    text_en: str
    source: str


@dataclass(frozen=True)
class DevelopmentArea:
    """One of the RCCs' utvecklingsområden."""

    number: int
    name_sv: str
    name_en: str
    source: str


@dataclass(frozen=True)
class LeadTimeVersion:
    """The lead times of one SVF version; a suffix missing from ``basic`` has no target."""

    valid_from: date
    basic: Mapping[int, int]
    extended: Mapping[int, int] | None
    verified: bool
    source: str
    note: str = ""


@dataclass(frozen=True)
class Pathway:
    """One standardiserat vårdförlopp."""

    id: str
    name_sv: str
    name_en: str
    kva_prefix: str | None
    icd10: tuple[str, ...]
    mdk_measured: bool
    extended_marker: int | None
    end_suffixes: tuple[int, ...]
    lead_times: tuple[LeadTimeVersion, ...]


@dataclass(frozen=True)
class Target:
    """A target level: a single ``value`` or a ``low``/``high`` pair, with its standing.

    ``kind`` is one of :data:`TARGET_KINDS` and ``source`` says in words where the level comes
    from; neither takes part in equality (two targets are equal when their levels are).
    """

    value: float | None = None
    low: float | None = None
    high: float | None = None
    kind: str = field(default="decided_national", compare=False)
    source: str = field(default="", compare=False)

    @property
    def judged(self) -> bool:
        """Whether a value may be given a verdict against this level (not a borrowed one)."""
        return self.kind in JUDGED_KINDS

    def levels(self) -> tuple[float | None, float | None]:
        """(target, high target): ``(value, None)`` for a single value, else ``(low, high)``."""
        if self.value is not None:
            return (float(self.value), None)
        return (self.low, self.high)

    def as_json(self) -> dict[str, float]:
        """``{"value": x}`` or ``{"low": a, "high": b}``."""
        if self.value is not None:
            return {"value": self.value}
        assert self.low is not None and self.high is not None
        return {"low": self.low, "high": self.high}


@dataclass(frozen=True)
class Indicator:
    """An indicator and its default target."""

    code: str
    name_sv: str
    name_en: str
    description_sv: str
    description_en: str
    promise: int | None
    unit: str
    direction: str | None
    source: str
    target: Target | None
    target_source: str
    min_cell: int
    scale: tuple[float, float] | None = None
    #: Whether counts add up over regions, periods, pathways and treatments (see ``additive``);
    #: None: the default rule.
    additive_declared: bool | None = None
    target_source_en: str = ""
    #: A count at a cut-off (persons waiting at the end of each month), not over a period.
    stock: bool = False

    def description(self, lang: str) -> str:
        """The definition in ``lang`` ("en" gives English, anything else Swedish)."""
        return self.description_en if lang == "en" else self.description_sv

    def target_source_text(self, lang: str) -> str:
        """Where the target comes from (or why there is none), in ``lang`` where written."""
        return (
            self.target_source_en if lang == "en" and self.target_source_en else self.target_source
        )

    @property
    def target_kind(self) -> str | None:
        """The standing of the default target (:data:`TARGET_KINDS`), None without one."""
        return None if self.target is None else self.target.kind

    @property
    def additive(self) -> bool:
        """Whether the indicator's counts (denominator, numerator, a median's n) add up over
        regions, periods, pathways and treatments: persons counted once each. SVF counts and the
        registers' shares do; an imported count such as open studies (one study can be open in
        several regions) does not. ``additive`` in indicators.yaml states it; without it the
        rule is: SVF indicators and shares are additive, imported counts, scores and days are
        not. A non-additive indicator is never summed to a parent region (SPEC §7)."""
        if self.additive_declared is not None:
            return self.additive_declared
        return self.source == "svf" or self.unit == "percent"

    def exceeds_whole(self, value: float | None) -> bool:
        """A share above 100 % (inclusion: more closed pathways than the register's new
        cases): a data-quality finding, never a share with a verdict (SPEC §8)."""
        return self.unit == "percent" and value is not None and value > 100.0

    @property
    def additive_over_periods(self) -> bool:
        """Whether a period's counts are the sum of its sub-periods' (year = halves = quarters =
        months). Not for a stock: the persons waiting at a cut-off are counted again at the
        next one, so months never add up to a quarter (ADR 0650)."""
        return self.additive and not self.stock

    @property
    def publishes_n(self) -> bool:
        """Whether the public outputs show the indicator's n. A median or quartile (unit days)
        is shown for 5 or more pathways without its n: the same persons are published as
        shares' denominators, and protecting the medians' n as well would hide a third of all
        median cells (ADR 0001). Staff see the n inside the application."""
        return self.unit != "days"


@dataclass(frozen=True)
class TargetOverride:
    """A row of the target table; ``target`` None means "no target" for that cell."""

    indicator: str
    region: str | None
    period: str | None
    target: Target | None
    source: str = ""


@dataclass(frozen=True)
class CatalogFile:
    """Where a catalogue file was read from, and its declared version."""

    name: str
    path: str
    version: Any
    updated: Any


@dataclass(frozen=True)
class Catalog:
    """All master data, with lookups. Build it with :func:`lofte.catalog.load`."""

    regions: Mapping[str, Region]
    pathways: Mapping[str, Pathway]
    indicators: Mapping[str, Indicator]
    promises: Mapping[int, Promise]
    development_areas: Mapping[int, DevelopmentArea]
    targets: tuple[TargetOverride, ...]
    files: Mapping[str, CatalogFile]

    # --- pathways -------------------------------------------------------------------------

    def pathway(self, pathway_id: str) -> Pathway:
        """The pathway with this id; KeyError names it when unknown."""
        try:
            return self.pathways[pathway_id]
        except KeyError:
            raise KeyError(f"unknown pathway {pathway_id!r}") from None

    def pathway_by_prefix(self, prefix: str) -> Pathway | None:
        """The pathway whose KVÅ prefix (first three characters of the code) is ``prefix``."""
        return self._by_prefix.get(prefix[:3].upper())

    @functools.cached_property
    def _by_prefix(self) -> dict[str, Pathway]:
        # Importers look up every row; a dict keeps that cheap. cached_property writes to the
        # instance __dict__ directly, which a frozen dataclass allows.
        return {p.kva_prefix: p for p in self.pathways.values() if p.kva_prefix}

    def pathway_by_icd10(self, code: str) -> Pathway | None:
        """The pathway whose ICD-10 prefix matches ``code`` (``C50.9`` → brost), if any."""
        wanted = code.strip().upper()
        for pathway in self.pathways.values():
            if any(wanted.startswith(prefix) for prefix in pathway.icd10):
                return pathway
        return None

    def lead_time_version(self, pathway_id: str, end_date: date) -> LeadTimeVersion | None:
        """The version in force on ``end_date``: the latest ``valid_from`` on or before it."""
        found = None
        for version in self.pathway(pathway_id).lead_times:
            if version.valid_from > end_date:
                break
            found = version
        return found

    def target_days(
        self, pathway_id: str, end_date: date, suffix: int, extended: bool = False
    ) -> int | None:
        """The lead-time target in days (SPEC §4 rule 10), or None when there is none.

        ``extended`` says the instance had the pathway's extended marker on or before the end
        date. Extended days are used when the version gives them for ``suffix``; otherwise the
        basic days apply, because the SVF texts list extended days only where they differ.
        """
        version = self.lead_time_version(pathway_id, end_date)
        if version is None:
            return None
        if extended and version.extended and suffix in version.extended:
            return version.extended[suffix]
        return version.basic.get(suffix)

    def ongoing_target_days(self, pathway_id: str, day: date, extended: bool = False) -> int | None:
        """The target of a pathway still open on ``day``: the longest of the targets that rule
        10 would give it, were it closed by one of its national ends on that day (the version
        in force on ``day``; extended days where the instance has the extended marker by then).
        Past it, the pathway misses its target whatever the treatment; None when no national
        end has a target."""
        days = [
            self.target_days(pathway_id, day, suffix, extended)
            for suffix in self.pathway(pathway_id).end_suffixes
        ]
        known = [d for d in days if d is not None]
        return max(known) if known else None

    def treatment_for(self, pathway_id: str, suffix: int) -> str:
        """The treatment dimension value of an instance closed by ``suffix`` (SPEC §4 rule 13)."""
        if suffix in TREATMENTS:
            return TREATMENTS[suffix]
        if suffix in NATIONAL_EXIT_TREATMENTS and suffix in self.pathway(pathway_id).end_suffixes:
            return NATIONAL_EXIT_TREATMENTS[suffix]
        return AVSLUT

    def lead_time_rows(self) -> list[tuple[str, date, date | None, int, int | None, int | None]]:
        """Lead times as rows for SQL joins.

        Each row is ``(pathway, valid_from, valid_to, suffix, basic_days, extended_days)``;
        ``valid_to`` is the next version's ``valid_from`` (exclusive) or None. Versions without
        days give no rows, but still end the previous version.
        """
        rows = []
        for pathway in self.pathways.values():
            versions = pathway.lead_times
            for i, version in enumerate(versions):
                valid_to = versions[i + 1].valid_from if i + 1 < len(versions) else None
                extended = version.extended or {}
                for suffix in sorted(set(version.basic) | set(extended)):
                    rows.append(
                        (
                            pathway.id,
                            version.valid_from,
                            valid_to,
                            suffix,
                            version.basic.get(suffix),
                            extended.get(suffix),
                        )
                    )
        return rows

    # --- geography ------------------------------------------------------------------------

    def region(self, code: str) -> Region:
        """The region with this code; KeyError names it when unknown."""
        try:
            return self.regions[code]
        except KeyError:
            raise KeyError(f"unknown region {code!r}") from None

    def counties(self) -> tuple[Region, ...]:
        """The counties, by county code."""
        return tuple(r for r in self.regions.values() if r.level == "county")

    def healthcare_regions(self) -> tuple[Region, ...]:
        """The healthcare regions, in catalogue order."""
        return tuple(r for r in self.regions.values() if r.level == "healthcare_region")

    def parent(self, code: str) -> str | None:
        """County → healthcare region → ``SE`` → None."""
        return self.region(code).parent

    def lineage(self, code: str) -> list[str]:
        """``code`` and the regions above it (county → healthcare region → ``SE``); an unknown
        code stands alone."""
        out = [code]
        current = self.regions.get(code)
        while current is not None and current.parent and current.parent not in out:
            out.append(current.parent)
            current = self.regions.get(current.parent)
        return out

    def children(self, code: str) -> tuple[str, ...]:
        """Codes of the regions directly below ``code``."""
        self.region(code)
        return tuple(r.code for r in self.regions.values() if r.parent == code)

    def region_rollup(self) -> list[tuple[str, str]]:
        """``(county, healthcare_region)`` pairs, for rolling counties up in SQL."""
        return [(r.code, r.parent) for r in self.counties() if r.parent is not None]

    # --- targets --------------------------------------------------------------------------

    def indicator(self, code: str) -> Indicator:
        """The indicator with this code; KeyError names it when unknown."""
        try:
            return self.indicators[code]
        except KeyError:
            raise KeyError(f"unknown indicator {code!r}") from None

    def target_for(
        self, indicator: str, region: str | None = None, period: str | None = None
    ) -> Target | None:
        """The target in force for a cell.

        The most specific override wins: region and period > region only > period only > the
        indicator's default. Region and period match exactly; an override for a healthcare
        region does not reach its counties, nor one for a year its half-years.
        """
        default = self.indicator(indicator).target
        best: tuple[int, TargetOverride] | None = None
        for row in self.targets:
            if row.indicator != indicator:
                continue
            if row.region is not None and row.region != region:
                continue
            if row.period is not None and row.period != period:
                continue
            rank = (2 if row.region is not None else 0) + (1 if row.period is not None else 0)
            if rank and (best is None or rank > best[0]):
                best = (rank, row)
        return default if best is None else best[1].target

    # --- export ---------------------------------------------------------------------------

    def as_json(self, what: str) -> list[dict[str, Any]]:
        """JSON-ready lists as ``lofte catalog show WHAT --format json`` prints them (SPEC §12)."""
        if what == "pathways":
            return [_pathway_json(p) for p in self.pathways.values()]
        if what == "regions":
            return [_region_json(r) for r in self.regions.values()]
        if what == "indicators":
            return [_indicator_json(i) for i in self.indicators.values()]
        raise ValueError(f"unknown catalogue part {what!r}; use pathways, indicators or regions")


def _days_json(days: Mapping[int, int]) -> dict[str, int]:
    # JSON object keys are strings; sorting keeps the output stable.
    return {str(suffix): days[suffix] for suffix in sorted(days)}


def _pathway_json(p: Pathway) -> dict[str, Any]:
    return {
        "id": p.id,
        "name_sv": p.name_sv,
        "kva_prefix": p.kva_prefix,
        "end_suffixes": list(p.end_suffixes),
        "mdk_measured": p.mdk_measured,
        "extended_marker": p.extended_marker,
        "icd10": list(p.icd10),
        "lead_times": [
            {
                "valid_from": v.valid_from.isoformat(),
                "basic": _days_json(v.basic),
                "extended": None if v.extended is None else _days_json(v.extended),
                "verified": v.verified,
                "source": v.source,
            }
            for v in p.lead_times
        ],
    }


def _region_json(r: Region) -> dict[str, Any]:
    return {
        "code": r.code,
        "name": r.name,
        "level": r.level,
        "parent": r.parent,
        "population": r.population,
        "population_year": r.population_year,
    }


def _indicator_json(i: Indicator) -> dict[str, Any]:
    return {
        "code": i.code,
        "name_sv": i.name_sv,
        "name_en": i.name_en,
        "promise": i.promise,
        "unit": i.unit,
        "direction": i.direction,
        "source": i.source,
        "target": None if i.target is None else i.target.as_json(),
        "target_kind": i.target_kind,
        "target_source": i.target_source,
        "additive": i.additive,
        "min_cell": i.min_cell,
    }
