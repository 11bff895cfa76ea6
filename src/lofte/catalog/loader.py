"""Reading and validating the catalogue files.

The package ships ``catalog/data/*.yaml``. A file of the same name in ``$LOFTE_HOME/catalog/``
replaces the shipped one as a whole (no merging), so an RCC can keep its own promises or targets
without touching the code. An override ``indicators.yaml`` must carry every required field of the
shipped one, ``name_en`` and ``description_en`` included: the English report and results site
show them, so a missing English definition stops the load rather than showing Swedish under an
English heading. Every problem is reported as a :class:`CatalogError` naming the file
and the entry.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import yaml

from lofte.catalog.model import (
    ALL_SUFFIXES,
    DEFAULT_END_SUFFIXES,
    DIRECTIONS,
    END_SUFFIXES,
    INFO_SUFFIXES,
    NATION,
    SOURCES,
    TARGET_KINDS,
    UNITS,
    Catalog,
    CatalogError,
    CatalogFile,
    DevelopmentArea,
    Indicator,
    LeadTimeVersion,
    Pathway,
    Promise,
    Region,
    Target,
    TargetOverride,
)

FILES = (
    "regions.yaml",
    "promises.yaml",
    "development_areas.yaml",
    "pathways.yaml",
    "indicators.yaml",
    "targets.yaml",
)

_COUNTY_CODE = re.compile(r"^[0-9]{2}$")
_REGION_CODE = re.compile(r"^[a-z][a-z0-9-]*$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_KVA_PREFIX = re.compile(r"^V[A-Z][0-9A-Z]$")
_ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$")
# The C loader, where PyYAML has it, parses the catalogue several times faster; both are safe.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_PERIOD = re.compile(r"^[0-9]{4}(H[12]|Q[1-4]|-(0[1-9]|1[0-2]))?$")


def override_dir() -> Path | None:
    """``$LOFTE_HOME/catalog`` (default ``./var/catalog``) when that directory exists."""
    path = Path(os.environ.get("LOFTE_HOME", "./var")) / "catalog"
    return path if path.is_dir() else None


@functools.lru_cache(maxsize=1)
def load() -> Catalog:
    """The catalogue in force, read once per process; ``load.cache_clear()`` forces a re-read."""
    local = override_dir()
    docs: dict[str, tuple[str, dict[str, Any]]] = {}
    for name in FILES:
        if local is not None and (local / name).is_file():
            path = local / name
            where, text = str(path), _read(path.read_text, str(path))
        else:
            shipped = resources.files("lofte.catalog") / "data" / name
            where, text = str(shipped), _read(shipped.read_text, str(shipped))
        docs[name] = (where, _parse(where, text))
    return build(docs)


def _read(read_text: Callable[..., str], where: str) -> str:
    try:
        return read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{where}: cannot read: {exc}") from exc


def _parse(where: str, text: str) -> dict[str, Any]:
    try:
        doc = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{where}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise CatalogError(f"{where}: expected a mapping at the top level")
    for key in ("version", "updated"):
        if key not in doc:
            raise CatalogError(f"{where}: missing top-level {key!r}")
    return doc


def build(docs: Mapping[str, tuple[str, dict[str, Any]]]) -> Catalog:
    """Validate parsed files (name → (where, document)) and assemble the catalogue."""
    regions = _regions(*docs["regions.yaml"])
    promises = _numbered(*docs["promises.yaml"], "promises", _promise)
    areas = _numbered(*docs["development_areas.yaml"], "development_areas", _area)
    pathways = _pathways(*docs["pathways.yaml"])
    indicators = _indicators(*docs["indicators.yaml"], promises)
    targets = _targets(*docs["targets.yaml"], indicators, regions)
    files = {
        name: CatalogFile(name, where, doc["version"], doc["updated"])
        for name, (where, doc) in docs.items()
    }
    return Catalog(
        regions=MappingProxyType(regions),
        pathways=MappingProxyType(pathways),
        indicators=MappingProxyType(indicators),
        promises=MappingProxyType(promises),
        development_areas=MappingProxyType(areas),
        targets=targets,
        files=MappingProxyType(files),
    )


# --- small checkers ------------------------------------------------------------------------


class _Entry:
    """Reads the fields of one entry, naming file and entry in every error."""

    def __init__(self, where: str, label: str, data: Any):
        self.where, self.label = where, label
        if not isinstance(data, dict):
            self.fail("expected a mapping")
        self.data: dict[str, Any] = data

    def fail(self, problem: str) -> NoReturn:
        raise CatalogError(f"{self.where}: {self.label}: {problem}")

    def get(self, key: str, kind: type | tuple[type, ...], *, required: bool = True) -> Any:
        if key not in self.data or self.data[key] is None:
            if required:
                self.fail(f"missing {key!r}")
            return None
        value = self.data[key]
        # bool is an int in Python; a `true` where a number belongs is still a mistake.
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _kinds(kind)):
            self.fail(f"{key!r} has the wrong type ({value!r})")
        return value

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.get(key, str, required=required)
        if required and not value.strip():
            self.fail(f"{key!r} is empty")
        return value or ""


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _list(where: str, doc: dict[str, Any], key: str) -> list[Any]:
    items = doc.get(key)
    if not isinstance(items, list):
        raise CatalogError(f"{where}: top-level {key!r} must be a list")
    return items


def _number(e: _Entry, key: str) -> float:
    value: float = e.get(key, (int, float))
    return value


# --- regions ---------------------------------------------------------------------------------


def _regions(where: str, doc: dict[str, Any]) -> dict[str, Region]:
    nation = _Entry(where, "nation", doc.get("nation"))
    if nation.text("code") != NATION:
        nation.fail(f"code must be {NATION!r}")
    upper: dict[str, str] = {}
    for i, item in enumerate(_list(where, doc, "healthcare_regions")):
        e = _Entry(where, f"healthcare_regions[{i}]", item)
        code = e.get("code", str)
        e.label = f"healthcare region {code!r}"
        if not _REGION_CODE.match(code) or code == NATION:
            e.fail("code must be a lower-case slug")
        if code in upper:
            e.fail("duplicate code")
        upper[code] = e.text("name")

    counties: dict[str, Region] = {}
    for i, item in enumerate(_list(where, doc, "counties")):
        e = _Entry(where, f"counties[{i}]", item)
        code = e.get("code", (str, int))
        e.label = f"county {code!r}"
        if not isinstance(code, str) or not _COUNTY_CODE.match(code):
            e.fail('county code must be two digits as a string, e.g. "01"')
        if code in counties:
            e.fail("duplicate code")
        parent = e.text("parent")
        if parent not in upper:
            e.fail(f"parent {parent!r} is not a healthcare region")
        population = e.get("population", int)
        year = e.get("population_year", int)
        if population < 0 or not 1900 <= year <= 2100:
            e.fail("population must be >= 0 and population_year a plausible year")
        counties[code] = Region(
            code, e.text("name"), "county", parent, population, year, e.text("note", required=False)
        )

    def total(members: list[Region]) -> tuple[int | None, int | None]:
        # A sum is only a population if every part counts the same year.
        years = {r.population_year for r in members}
        if not members or len(years) != 1:
            return None, None
        return sum(r.population or 0 for r in members), years.pop()

    regions = {
        NATION: Region(NATION, nation.text("name"), "nation", None, *total([*counties.values()]))
    }
    for code, name in upper.items():
        members = [c for c in counties.values() if c.parent == code]
        if not members:
            raise CatalogError(f"{where}: healthcare region {code!r}: has no counties")
        regions[code] = Region(code, name, "healthcare_region", NATION, *total(members))
    regions.update(sorted(counties.items()))
    return regions


# --- promises and development areas ----------------------------------------------------------


def _numbered(
    where: str, doc: dict[str, Any], key: str, make: Callable[[_Entry, int, str], Any]
) -> dict[int, Any]:
    out: dict[int, Any] = {}
    default_source = doc.get("source") or ""
    for i, item in enumerate(_list(where, doc, key)):
        e = _Entry(where, f"{key}[{i}]", item)
        number = e.get("number", int)
        e.label = f"{key} number {number}"
        if number < 1 or number in out:
            e.fail("numbers must be positive and unique")
        out[number] = make(e, number, default_source)
    return dict(sorted(out.items()))


def _promise(e: _Entry, number: int, default_source: str) -> Promise:
    source = e.text("source", required=False) or default_source
    return Promise(number, e.text("text_sv"), e.text("text_en"), source)


def _area(e: _Entry, number: int, default_source: str) -> DevelopmentArea:
    source = e.text("source", required=False) or default_source
    return DevelopmentArea(number, e.text("name_sv"), e.text("name_en"), source)


# --- pathways --------------------------------------------------------------------------------


def _pathways(where: str, doc: dict[str, Any]) -> dict[str, Pathway]:
    pathways: dict[str, Pathway] = {}
    prefixes: dict[str, str] = {}
    icd_owner: dict[str, str] = {}
    for i, item in enumerate(_list(where, doc, "pathways")):
        e = _Entry(where, f"pathways[{i}]", item)
        pid = e.get("id", str)
        e.label = f"pathway {pid!r}"
        if not _SLUG.match(pid) or pid == "alla":
            e.fail("id must be an ASCII lower-case slug other than 'alla'")
        if pid in pathways:
            e.fail("duplicate id")

        prefix = e.get("kva_prefix", str, required=False)
        if prefix is not None:
            if not _KVA_PREFIX.match(prefix):
                e.fail(f"kva_prefix {prefix!r} must be V + two characters, e.g. 'VG9'")
            if prefix in prefixes:
                e.fail(f"kva_prefix {prefix!r} is also used by {prefixes[prefix]!r}")
            prefixes[prefix] = pid

        icd10 = tuple(e.get("icd10", list))
        for code in icd10:
            if not isinstance(code, str) or not _ICD10.match(code):
                e.fail(f"icd10 {code!r} is not an ICD-10 code prefix like 'C50' or 'C22.0'")
            # Register rows are mapped by prefix, so no prefix may cover another pathway's.
            for other, owner in icd_owner.items():
                if code.startswith(other) or other.startswith(code):
                    e.fail(f"icd10 {code!r} overlaps {other!r} of pathway {owner!r}")
        icd_owner.update(dict.fromkeys(icd10, pid))

        mdk = e.get("mdk_measured", bool)
        marker = e.get("extended_marker", int, required=False)
        if marker is not None and marker not in INFO_SUFFIXES:
            e.fail(f"extended_marker {marker} is not an information suffix")
        ends = e.get("end_suffixes", list, required=False)
        end_suffixes = tuple(ends) if ends is not None else DEFAULT_END_SUFFIXES
        for s in end_suffixes:
            if not isinstance(s, int) or s not in END_SUFFIXES:
                e.fail(f"end suffix {s!r} is not a treatment or exit suffix")
        if not end_suffixes or len(set(end_suffixes)) != len(end_suffixes):
            e.fail("end_suffixes must be a non-empty list without repeats")

        versions = tuple(
            _lead_time(where, pid, j, v, end_suffixes, marker)
            for j, v in enumerate(e.get("lead_times", list))
        )
        dates = [v.valid_from for v in versions]
        if dates != sorted(set(dates)):
            e.fail("lead_times must be sorted by valid_from, one version per date")

        pathways[pid] = Pathway(
            pid,
            e.text("name_sv"),
            e.text("name_en"),
            prefix,
            icd10,
            mdk,
            marker,
            end_suffixes,
            versions,
        )
    return pathways


def _lead_time(
    where: str, pid: str, j: int, data: Any, end_suffixes: tuple[int, ...], marker: int | None
) -> LeadTimeVersion:
    e = _Entry(where, f"pathway {pid!r} lead_times[{j}]", data)
    valid_from = _date(e, "valid_from")
    e.label = f"pathway {pid!r} lead time {valid_from.isoformat()}"
    basic = _days(e, "basic", end_suffixes) or {}
    extended = _days(e, "extended", end_suffixes)
    if extended is not None and marker is None:
        e.fail("extended days need an extended_marker on the pathway")
    verified = e.get("verified", bool)
    return LeadTimeVersion(
        valid_from,
        MappingProxyType(basic),
        None if extended is None else MappingProxyType(extended),
        verified,
        e.text("source"),
        e.text("note", required=False),
    )


def _date(e: _Entry, key: str) -> date:
    value = e.get(key, (date, str))
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            e.fail(f"{key!r} is not a YYYY-MM-DD date ({value!r})")
    return value


def _days(e: _Entry, key: str, end_suffixes: tuple[int, ...]) -> dict[int, int] | None:
    """Days per end suffix; null values mean UNKNOWN and are left out."""
    raw = e.get(key, dict, required=False)
    if raw is None:
        return None
    days: dict[int, int] = {}
    for suffix, value in raw.items():
        try:
            s = int(suffix)
        except (TypeError, ValueError):
            e.fail(f"{key}: {suffix!r} is not a suffix")
        if s not in ALL_SUFFIXES:
            e.fail(f"{key}: {s} is not an SVF suffix")
        if s not in end_suffixes:
            e.fail(f"{key}: suffix {s} is not one of the pathway's end_suffixes {end_suffixes}")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            e.fail(f"{key}: days for {s} must be a positive whole number ({value!r})")
        days[s] = value
    return dict(sorted(days.items()))


# --- indicators and targets ------------------------------------------------------------------


def _target(
    e: _Entry,
    key: str,
    unit: str | None,
    scale: tuple[float, float] | None,
    kind: str = "decided_national",
    source: str = "",
) -> Target | None:
    raw = e.get(key, dict, required=False)
    if raw is None:
        return None
    t = _Entry(e.where, f"{e.label} {key}", raw)
    if set(raw) == {"value"}:
        levels = [_number(t, "value")]
        target = Target(value=levels[0], kind=kind, source=source)
    elif set(raw) == {"low", "high"}:
        levels = [_number(t, "low"), _number(t, "high")]
        if levels[0] > levels[1]:
            t.fail("low must not exceed high")
        target = Target(low=levels[0], high=levels[1], kind=kind, source=source)
    else:
        return t.fail("must be {value: x} or {low: a, high: b}")
    lo, hi = (0, 100) if unit == "percent" else scale or (None, None)
    if lo is not None and hi is not None and any(not lo <= x <= hi for x in levels):
        t.fail(f"levels must lie within {lo}–{hi}")
    return target


def _indicators(
    where: str, doc: dict[str, Any], promises: Mapping[int, Promise]
) -> dict[str, Indicator]:
    out: dict[str, Indicator] = {}
    for i, item in enumerate(_list(where, doc, "indicators")):
        e = _Entry(where, f"indicators[{i}]", item)
        code = e.get("code", str)
        e.label = f"indicator {code!r}"
        if not re.match(r"^[a-z][a-z0-9_]*$", code):
            e.fail("code must be lower-case letters, digits and underscores")
        if code in out:
            e.fail("duplicate code")
        promise = e.get("promise", int, required=False)
        if promise is not None and promise not in promises:
            e.fail(f"promise {promise} is not in promises.yaml")
        unit = e.text("unit")
        if unit not in UNITS:
            e.fail(f"unit must be one of {', '.join(UNITS)}")
        direction = e.get("direction", str, required=False)
        if direction is not None and direction not in DIRECTIONS:
            e.fail(f"direction must be one of {', '.join(DIRECTIONS)}")
        source = e.text("source")
        if source not in SOURCES:
            e.fail(f"source must be one of {', '.join(SOURCES)}")
        scale = _scale(e, unit)
        kind = e.get("target_kind", str, required=False)
        target_source = e.text("target_source", required=False)
        target = _target(e, "target", unit, scale, kind or "", target_source)
        if target is not None and direction is None:
            e.fail("an indicator with a target needs a direction")
        if target is not None and kind not in TARGET_KINDS:
            e.fail(
                f"an indicator with a target needs target_kind: one of {', '.join(TARGET_KINDS)}"
            )
        if target is None and kind is not None:
            e.fail("target_kind is only for an indicator with a target")
        additive = e.get("additive", bool, required=False)
        if additive and unit in ("days", "score"):
            e.fail(f"a {unit} indicator cannot be additive (medians and scores do not add up)")
        min_cell = e.get("min_cell", int)
        if min_cell < 1:
            e.fail("min_cell must be at least 1")
        stock = e.get("stock", bool, required=False) or False
        if stock and (unit != "count" or source != "svf"):
            e.fail("stock is only for counts computed from SVF (unit count, source svf)")
        out[code] = Indicator(
            code,
            e.text("name_sv"),
            e.text("name_en"),
            e.text("description_sv"),
            e.text("description_en"),
            promise,
            unit,
            direction,
            source,
            target,
            target_source,
            min_cell,
            scale,
            additive,
            e.text("target_source_en", required=False),
            stock,
        )
    return out


def _scale(e: _Entry, unit: str) -> tuple[float, float] | None:
    raw = e.get("scale", dict, required=False)
    if raw is None:
        if unit == "score":
            e.fail("a score indicator needs scale: {min: a, max: b}")
        return None
    if unit != "score":
        e.fail("scale is only for unit score")
    s = _Entry(e.where, f"{e.label} scale", raw)
    if set(raw) != {"min", "max"}:
        s.fail("must be {min: a, max: b}")
    lo, hi = _number(s, "min"), _number(s, "max")
    if lo >= hi:
        s.fail("min must be below max")
    return (lo, hi)


def _targets(
    where: str,
    doc: dict[str, Any],
    indicators: Mapping[str, Indicator],
    regions: Mapping[str, Region],
) -> tuple[TargetOverride, ...]:
    rows: list[TargetOverride] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    for i, item in enumerate(_list(where, doc, "targets")):
        e = _Entry(where, f"targets[{i}]", item)
        code = e.get("indicator", str)
        region = e.get("region", str, required=False)
        period = e.get("period", (str, int), required=False)
        period = None if period is None else str(period)  # YAML reads a bare 2025 as a number
        e.label = f"target {code}/{region or '*'}/{period or '*'}"
        indicator = indicators.get(code)
        if indicator is None:
            e.fail(f"indicator {code!r} is not in indicators.yaml")
        if region is not None and region not in regions:
            e.fail(f"region {region!r} is not in regions.yaml")
        if period is not None and not _PERIOD.match(period):
            e.fail(f"period {period!r} must look like 2025, 2025H1, 2025Q3 or 2025-03")
        if region is None and period is None:
            e.fail("give a region, a period or both (the default lives in indicators.yaml)")
        if "target" not in e.data:
            e.fail("missing 'target' (use null for no target)")
        if (code, region, period) in seen:
            e.fail("duplicate entry")
        seen.add((code, region, period))
        kind = e.get("kind", str, required=False)
        if kind is None:
            # Files written before target kinds: a region's own level is its decision; a
            # period-only override keeps the standing of the indicator's default.
            regional = region is not None and region != NATION
            kind = "decided_regional" if regional else indicator.target_kind or "decided_national"
        if kind not in TARGET_KINDS:
            e.fail(f"kind must be one of {', '.join(TARGET_KINDS)}")
        source = e.text("source", required=False)
        target = _target(e, "target", indicator.unit, indicator.scale, kind, source)
        rows.append(TargetOverride(code, region, period, target, source))
    return tuple(rows)
