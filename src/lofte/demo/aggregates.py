"""Synthetic aggregate indicator values for the demo (SPEC §6), labelled as synthetic.

The seeds quote only a handful of real figures (``example_aggregates.csv``, imported as they
are). The demo fills the other regions and years with invented values so that every promise has
something to show: one CSV in the ordinary import format, imported through the same
``lofte import indicators`` path as any real file. Every row says it is synthetic in ``source``
and ``note``, and the report shows a banner wherever such values appear.

Every row is a value (no numerator and denominator); the healthcare-region and national values
are written too (population-weighted mean for a share or a score). A count that does not add up
(:attr:`lofte.catalog.Indicator.additive` false: open studies, where one study can be open in
several regions) is never summed: the demo draws which studies each county has open from one
national pool, and a parent counts the distinct studies of its counties. Counts are left out
because an imported count that enters the cube's secondary suppression currently makes
``lofte compute`` fail (a cube bug, reported to the lead); with counts the cube would compute
the parents itself.

**Around the seeds' series** (issue 14, ADR 0503; a series is its source and definition, 0501).
Where the seeds give an indicator × region sourced figures, the demo writes nothing for that
series up to its last sourced period: before the first seed the seeds stand alone, so a line
never reads synthetic → seed → synthetic. After the last seed the synthetic values continue it
in the seed's definition (*Endast slutenvården* for Östergötland's and Jönköping's
*brytpunktssamtal*) under the synthetic source, so the series breaks once, at the seam, with a
label; they walk on from the seed's last figure by the indicator's trend and a small bounded
step (:data:`STEP`), so the chart does not jump. A parent region without seeds of its own
(Sydöst, Riket) gets every period, from its counties' values in the catalogue's definition:
sourced where a seed gives one, else invented (also where a county shows none); the invented
values before a county's first seed are moved to meet it, so the parent runs smoothly into the
seeds. A parent with seeds of its own follows the rule above, its continuation moving as its
counties do.
"""

from __future__ import annotations

import csv
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from lofte.catalog import Catalog, Indicator, load
from lofte.core import periods
from lofte.cube.aggregates import COLUMNS, example_path
from lofte.demo import story

SOURCE = "Syntetiska demodata (Löfte demo)"
NOTE = "SYNTETISKT värde – inga verkliga uppgifter"
FILE_NAME = f"{story.FILE_PREFIX}aggregat.csv"
#: Standard deviation of a continuation's yearly step around the trend (percentage points or
#: score points); a step is cut at two of them, so that a continuation starts next to its seed.
STEP = 1.0


@dataclass(frozen=True)
class Spec:
    """How one indicator's invented values behave.

    ``level`` is the national mean in the first year (percent, score or count per 100 000
    inhabitants for counts), ``trend`` the change per year, ``spread`` the standard deviation
    between counties, ``per_capita`` the yearly denominator per inhabitant (percent only),
    ``first_year`` the first year with data and ``month`` the month of a status measurement
    (e.g. March) where the indicator is reported as a monthly snapshot instead of a year.
    """

    level: float
    trend: float
    spread: float
    per_capita: float = 0.0
    first_year: int = 2019
    month: int | None = None


# Invented but plausible: levels near the national figures in research/indicators.md.
SPECS: dict[str, Spec] = {
    "mdk_andel": Spec(88.0, 0.4, 3.0, 0.0065),
    "kontaktsjukskoterska_andel": Spec(90.0, 0.6, 3.0, 0.0065),
    "min_vardplan_andel": Spec(55.0, 3.0, 8.0, 0.0065),
    "npe_delaktighet": Spec(59.0, 0.4, 2.5),
    "pal_munhalsobedomning": Spec(66.0, 1.2, 6.0, 0.0045),
    "pal_smartskattning": Spec(78.0, 1.0, 5.0, 0.0045),
    "pal_vidbehov_opioid": Spec(94.0, 0.3, 2.0, 0.0045),
    "pal_vidbehov_angestdampande": Spec(92.0, 0.4, 2.5, 0.0045),
    "pal_utan_trycksar": Spec(87.0, 0.2, 2.5, 0.0045),
    "pal_brytpunktssamtal": Spec(72.0, 1.5, 5.0, 0.0045),
    "pal_tackningsgrad": Spec(62.0, 1.5, 8.0, 0.006),
    "screening_cervix_tackning": Spec(80.0, -0.4, 3.5, 0.30),
    "screening_mammografi_deltagande": Spec(80.0, -0.2, 4.0, 0.10),
    "screening_tarm_deltagande": Spec(60.0, 1.0, 4.0, 0.05, first_year=2021),
    "hpv_catch_up": Spec(30.0, 14.0, 8.0, 0.035, first_year=2023, month=3),
    "cancerregister_tackning": Spec(95.5, 0.1, 1.2, 0.0065),
    "overlevnad_tjocktarm_5ar": Spec(64.0, 0.5, 3.0, 0.0005),
    "studier_oppna": Spec(9.0, 0.3, 2.0),
    "studier_andel_inkluderade": Spec(7.0, 0.3, 2.0, 0.0065),
}


def years(cutoff: date, first: int) -> list[int]:
    """Complete years with data up to the demo's cut-off."""
    last = cutoff.year if (cutoff.month, cutoff.day) == (12, 31) else cutoff.year - 1
    return list(range(first, last + 1))


@dataclass
class Seeded:
    """One (indicator, region) series of the seeds' sourced figures (``example_aggregates.csv``):
    the figure and the definition (empty: the catalogue's) of each of its periods."""

    values: dict[str, float] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)

    @property
    def ordered(self) -> list[str]:
        """The periods, oldest first."""
        return sorted(self.values, key=_end)

    @property
    def last(self) -> date:
        """The end of the last sourced period: nothing invented up to it."""
        return _end(self.ordered[-1])

    @property
    def last_value(self) -> float:
        return self.values[self.ordered[-1]]

    @property
    def last_definition(self) -> str:
        return self.definitions[self.ordered[-1]]

    def in_catalogue_definition(self, period: str) -> float | None:
        """The sourced figure of ``period`` where it follows the catalogue's definition."""
        if period in self.values and not self.definitions[period]:
            return self.values[period]
        return None


def _end(period: str) -> date:
    return periods.parse(period).end


def seeded_series(path: Path | None = None) -> dict[tuple[str, str], Seeded]:
    """The seeds' sourced series by (indicator, region), from the shipped example file."""
    out: dict[tuple[str, str], Seeded] = {}
    with open(path or example_path(), encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["value"]:
                value = float(r["value"].replace(",", "."))
            else:
                value = 100 * int(r["numerator"]) / int(r["denominator"])
            found = out.setdefault((r["indicator"], r["region"]), Seeded())
            found.values[r["period"]] = value
            found.definitions[r["period"]] = r.get("definition") or ""
    return out


class _Indicator:
    """The invented values of one indicator: drawn for every county and period first (one
    random stream for all indicators, in a fixed order), then written around the seeds."""

    def __init__(
        self,
        cat: Catalog,
        indicator: Indicator,
        spec: Spec,
        seeds: dict[tuple[str, str], Seeded],
        seed: int,
    ) -> None:
        self.cat, self.indicator, self.spec, self.seed = cat, indicator, spec, seed
        self.code = indicator.code
        self.seeds = {r: s for (i, r), s in seeds.items() if i == self.code}
        self.population = {c.code: c.population or 100_000 for c in cat.counties()}
        self.rows: list[dict[str, str]] = []
        self.walks: dict[str, float] = {}  # region → its continuation's latest value

    def periods(self, cutoff: date) -> list[str]:
        """The periods with invented values up to the cut-off, oldest first."""
        spec = self.spec
        out = []
        for year in years(cutoff, spec.first_year):
            if spec.month is not None and date(year, spec.month, 28) > cutoff:
                continue
            out.append(f"{year}-{spec.month:02d}" if spec.month else str(year))
        return out

    def draw(self, rng: np.random.Generator, labels: list[str]) -> dict[str, dict[str, float]]:
        """Every county's invented value of every period, seeded or not (the same draws
        whatever the seeds are, so that a new seed figure changes no other county)."""
        spec, indicator = self.spec, self.indicator
        effect = {c: rng.normal(0.0, spec.spread) for c in self.population}
        drawn: dict[str, dict[str, float]] = {}
        for n, period in enumerate(labels):
            values = drawn[period] = {}
            for c, people in self.population.items():
                level = spec.level + spec.trend * n + effect[c] + rng.normal(0, 0.8)
                if indicator.unit == "percent":
                    # Values, not counts: see the module docstring.
                    share = min(max(level, 0.5), 99.7) / 100
                    denominator = max(5, int(rng.poisson(people * spec.per_capita)))
                    values[c] = 100 * int(rng.binomial(denominator, share)) / denominator
                elif indicator.unit == "score":
                    lo, hi = indicator.scale or (0.0, 100.0)
                    values[c] = round(min(max(level, lo), hi), 1)
                else:  # count: level is per 100 000 inhabitants
                    # At least min_cell, so that no synthetic count is suppressed.
                    count = round(level * people / 100_000)
                    values[c] = max(indicator.min_cell, count)
        return drawn

    def add(self, region: str, period: str, value: float, definition: str = "") -> None:
        """Write one synthetic row (in the seed's ``definition`` for a continuation)."""
        row = {c: "" for c in COLUMNS}
        text = str(int(value)) if self.indicator.unit == "count" else f"{value:.1f}"
        row.update(
            indicator=self.code,
            region=region,
            period=period,
            value=text,
            source=SOURCE,
            definition=definition,
            note=NOTE,
        )
        self.rows.append(row)

    def walk(self, region: str, period: str, people: int, step: float | None = None) -> float:
        """The next value of a region's continuation after its last sourced figure: from the
        value before (the first from the seed's) by a year's trend and a small random step,
        or by ``step`` (a parent: its counties' mean step); either is kept within two
        :data:`STEP` of the trend, so that a continuation never jumps."""
        spec, unit = self.spec, self.indicator.unit
        before = self.walks.get(region, self.seeds[region].last_value)
        if step is None:
            key = f"{self.code}:{region}:{period}".encode()
            noise = np.random.default_rng([self.seed, 613, zlib.crc32(key)]).normal(0.0, STEP)
            step = spec.trend + float(noise)
        step = min(max(step, spec.trend - 2 * STEP), spec.trend + 2 * STEP)
        if unit == "count":
            value = float(max(self.indicator.min_cell, round(before + step * people / 100_000)))
        else:
            value = round(self.bounded(before + step), 1)
        self.walks[region] = value
        return value

    def bounded(self, value: float) -> float:
        """A share or score within what the import accepts (a share as the draws keep it)."""
        if self.indicator.unit == "count":
            return value
        lo, hi = (0.5, 99.7) if self.indicator.unit == "percent" else (0.0, 100.0)
        if self.indicator.unit == "score" and self.indicator.scale:
            lo, hi = self.indicator.scale
        return min(max(value, lo), hi)

    def county(self, region: str, period: str, drawn: float, offset: float) -> float:
        """Write a county's value of ``period`` where the rule allows, and return its value in
        the catalogue's definition for the parents (written, sourced, or drawn and unshown)."""
        seeded = self.seeds.get(region)
        if seeded is None:
            self.add(region, period, drawn)
            return drawn
        if _end(period) <= seeded.last:  # the seeds stand alone up to their last figure
            sourced = seeded.in_catalogue_definition(period)
            return sourced if sourced is not None else self.bounded(drawn + offset)
        value = self.walk(region, period, self.population[region])
        self.add(region, period, value, seeded.last_definition)
        return value if not seeded.last_definition else drawn

    def offsets(self, drawn: dict[str, dict[str, float]]) -> dict[str, float]:
        """Per seeded county, how far its first sourced figure in the catalogue's definition
        lies from the value drawn for that period: the unshown values before it, which only the
        parents use, are moved by as much so that a parent meets the seeds without a jump."""
        out: dict[str, float] = {}
        for region, seeded in self.seeds.items():
            for period in seeded.ordered:
                sourced = seeded.in_catalogue_definition(period)
                if sourced is not None and period in drawn and region in drawn[period]:
                    out[region] = sourced - drawn[period][region]
                    break
        return out

    def mean(self, values: dict[str, float], kids: tuple[str, ...]) -> float:
        """The population-weighted mean of the counties ``kids`` (a share or a score)."""
        weight = sum(self.population[k] for k in kids)
        return sum(values[k] * self.population[k] for k in kids) / weight

    def parent(
        self,
        region: str,
        kids: tuple[str, ...],
        period: str,
        values: dict[str, float],
        before: dict[str, float],
    ) -> None:
        """Write a parent's value of ``period`` from its counties' values in the catalogue's
        definition (``values``; ``before``: the period before's); after its own last sourced
        figure, a continuation of that figure that moves as its counties do."""
        seeded = self.seeds.get(region)
        people = sum(self.population[k] for k in kids)
        share = self.indicator.unit in ("percent", "score")
        if seeded is not None:
            if _end(period) > seeded.last:
                step = (
                    self.mean(values, kids) - self.mean(before, kids) if share and before else None
                )
                value = self.walk(region, period, people, step)
                self.add(region, period, value, seeded.last_definition)
        elif share:
            self.add(region, period, self.mean(values, kids))
        else:
            self.add(region, period, sum(values[k] for k in kids))

    def generate(self, rng: np.random.Generator, cutoff: date) -> list[dict[str, str]]:
        """All rows of the indicator (counties, healthcare regions, the nation)."""
        labels = self.periods(cutoff)
        drawn = self.draw(rng, labels)
        offsets = self.offsets(drawn)
        # Which studies each county has open, for counts that are not additive (own stream, so
        # that the other indicators' values do not depend on it).
        pool_rng = np.random.default_rng(self.seed + 977 + sum(map(ord, self.code)))
        parents = [(r.code, self.cat.children(r.code)) for r in self.cat.healthcare_regions()]
        parents.append(("SE", tuple(self.population)))
        distinct = self.indicator.unit == "count" and not self.indicator.additive
        before: dict[str, float] = {}
        for period in labels:
            values = {
                c: self.county(c, period, drawn[period][c], offsets.get(c, 0.0))
                for c in self.population
            }
            if distinct:
                pool = 3 * max(int(v) for v in drawn[period].values())
                open_sets = {
                    c: set(pool_rng.choice(pool, size=int(v), replace=False).tolist())
                    for c, v in drawn[period].items()
                }
            for region, kids in parents:
                if distinct and region not in self.seeds:
                    self.add(region, period, len(set().union(*(open_sets[k] for k in kids))))
                else:
                    self.parent(region, kids, period, values, before)
            before = values
        return self.rows


def rows(
    cutoff: date,
    seed: int,
    catalog: Catalog | None = None,
    sourced: dict[tuple[str, str], Seeded] | None = None,
) -> list[dict[str, str]]:
    """The synthetic rows (dicts of the import columns), deterministic for a seed, around the
    seed documents' sourced series (``sourced``, default the shipped example file; see the
    module docstring for the rule)."""
    cat = catalog or load()
    rng = np.random.default_rng(seed + 611)
    if sourced is None:
        sourced = seeded_series()
    out: list[dict[str, str]] = []
    for code, spec in SPECS.items():
        indicator = cat.indicators.get(code)
        if indicator is None or indicator.source != "aggregate":
            continue
        out.extend(_Indicator(cat, indicator, spec, sourced, seed).generate(rng, cutoff))
    return out


def write(out_dir: Path, cutoff: date, seed: int, catalog: Catalog | None = None) -> Path:
    """Write the synthetic aggregate CSV into ``out_dir`` and return its path."""
    path = Path(out_dir) / FILE_NAME
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows(cutoff, seed, catalog))
    return path
