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
national pool, and a parent counts the distinct studies of its counties. A cell that the example
file already holds is never written. The synthetic rows are their own series (their ``source``
says so), so the report never joins them to the seeds' sourced figures in one line or one
change (:mod:`lofte.cube.aggregates`, *Series*). Counts are left out because an imported count
that enters the cube's secondary suppression currently makes ``lofte compute`` fail (a cube bug,
reported to the lead); with counts the cube would compute the parents itself.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from lofte.catalog import Catalog, load
from lofte.cube.aggregates import COLUMNS, example_path
from lofte.demo import story

SOURCE = "Syntetiska demodata (Löfte demo)"
NOTE = "SYNTETISKT värde – inga verkliga uppgifter"
FILE_NAME = f"{story.FILE_PREFIX}aggregat.csv"


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


def _example_keys() -> set[tuple[str, str, str]]:
    with open(example_path(), encoding="utf-8", newline="") as fh:
        return {(r["indicator"], r["region"], r["period"]) for r in csv.DictReader(fh)}


def rows(cutoff: date, seed: int, catalog: Catalog | None = None) -> list[dict[str, str]]:
    """The synthetic rows (dicts of the import columns), deterministic for a seed."""
    cat = catalog or load()
    rng = np.random.default_rng(seed + 611)
    taken = _example_keys()
    counties = list(cat.counties())
    population = {c.code: c.population or 100_000 for c in counties}
    out: list[dict[str, str]] = []

    def add(code: str, region: str, period: str, **fields: str) -> None:
        if (code, region, period) in taken:
            return
        row = {c: "" for c in COLUMNS}
        row.update(indicator=code, region=region, period=period, source=SOURCE, note=NOTE)
        row.update(fields)
        out.append(row)

    for code, spec in SPECS.items():
        indicator = cat.indicators.get(code)
        if indicator is None or indicator.source != "aggregate":
            continue
        effect = {c.code: rng.normal(0.0, spec.spread) for c in counties}
        # Which studies each county has open, for counts that are not additive (own stream, so
        # that the other indicators' values do not depend on it).
        pool_rng = np.random.default_rng(seed + 977 + sum(map(ord, code)))
        for n, year in enumerate(years(cutoff, spec.first_year)):
            if spec.month is not None and date(year, spec.month, 28) > cutoff:
                continue
            period = f"{year}-{spec.month:02d}" if spec.month else str(year)
            values: dict[str, float] = {}
            for c in counties:
                level = spec.level + spec.trend * n + effect[c.code] + rng.normal(0, 0.8)
                values[c.code] = level
                if indicator.unit == "percent":
                    # Values, not counts: see the module docstring.
                    share = min(max(level, 0.5), 99.7) / 100
                    denominator = max(5, int(rng.poisson(population[c.code] * spec.per_capita)))
                    values[c.code] = 100 * int(rng.binomial(denominator, share)) / denominator
                    add(code, c.code, period, value=f"{values[c.code]:.1f}")
                elif indicator.unit == "score":
                    lo, hi = indicator.scale or (0.0, 100.0)
                    values[c.code] = round(min(max(level, lo), hi), 1)
                    add(code, c.code, period, value=f"{values[c.code]:.1f}")
                else:  # count: level is per 100 000 inhabitants
                    # At least min_cell, so that no synthetic count is suppressed.
                    count = round(level * population[c.code] / 100_000)
                    values[c.code] = max(indicator.min_cell, count)
                    add(code, c.code, period, value=str(int(values[c.code])))
            open_sets: dict[str, set[int]] = {}
            if indicator.unit == "count" and not indicator.additive:
                pool = 3 * max(int(v) for v in values.values())
                for c in counties:
                    chosen = pool_rng.choice(pool, size=int(values[c.code]), replace=False)
                    open_sets[c.code] = set(chosen.tolist())
            parents = [(r.code, cat.children(r.code)) for r in cat.healthcare_regions()]
            parents.append(("SE", tuple(population)))
            for parent, kids in parents:
                if any((code, k, period) in taken for k in kids):
                    continue  # a parent of real figures is not invented from synthetic ones
                if indicator.unit in ("percent", "score"):
                    weight = sum(population[k] for k in kids)
                    mean = sum(values[k] * population[k] for k in kids) / weight
                    add(code, parent, period, value=f"{mean:.1f}")
                elif open_sets:
                    distinct: set[int] = set().union(*(open_sets[k] for k in kids))
                    add(code, parent, period, value=str(len(distinct)))
                else:
                    add(code, parent, period, value=str(int(sum(values[k] for k in kids))))
    return out


def write(out_dir: Path, cutoff: date, seed: int, catalog: Catalog | None = None) -> Path:
    """Write the synthetic aggregate CSV into ``out_dir`` and return its path."""
    path = Path(out_dir) / FILE_NAME
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows(cutoff, seed, catalog))
    return path
