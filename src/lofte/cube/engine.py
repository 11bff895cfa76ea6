"""Computing the indicator cube (SPEC §5, §7, §8) from events, in DuckDB.

:func:`compute` is pure with respect to the operational database: it takes events (Arrow or the
event-store files), the delivery cut-offs and register rows, and returns the instances, the event
flags and the cube as Arrow tables. :mod:`lofte.cube.service` feeds it from the database and writes
the results under ``LOFTE_HOME``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lofte.catalog import Catalog, load
from lofte.core import periods
from lofte.cube import register, suppression
from lofte.svf import engine as svf_engine

#: Public columns of the cube file, SPEC §8.
CUBE_COLUMNS = (
    "indicator",
    "region",
    "region_basis",
    "pathway",
    "treatment",
    "period",
    "numerator",
    "denominator",
    "value",
    "suppressed",
    "target",
    "meets_target",
)

CUBE_SORT = ("indicator", "region_basis", "region", "pathway", "treatment", "period")

Progress = Callable[[str], None]


@dataclass
class EngineResult:
    instances: pa.Table
    event_flags: pa.Table
    cube: pa.Table


def period_map(first: dt.date, last: dt.date) -> pa.Table:
    """Each day from ``first`` to ``last`` with its four period labels (SPEC §4 rule 12)."""
    days: list[dt.date] = []
    labels: list[str] = []
    kinds: list[str] = []
    day = first
    kinds_order = ("year", "half", "quarter", "month")
    while day <= last:
        for kind, label in zip(kinds_order, periods.labels_for(day), strict=True):
            days.append(day)
            labels.append(label)
            kinds.append(kind)
        day += dt.timedelta(days=1)
    return pa.table(
        {
            "day": pa.array(days, pa.date32()),
            "period": pa.array(labels, pa.string()),
            "period_type": pa.array(kinds, pa.string()),
        }
    )


def region_map(catalog: Catalog) -> pa.Table:
    counties = catalog.counties()
    return pa.table(
        {
            "county": [c.code for c in counties],
            "healthcare_region": [catalog.parent(c.code) for c in counties],
        }
    )


def compute(
    events: pa.Table | Iterable[Path] | None,
    cutoffs: Mapping[str, dt.date] | None = None,
    register_rows: Iterable[tuple[str, str, str, int]] = (),
    catalog: Catalog | None = None,
    progress: Progress | None = None,
    threads: int | None = None,
) -> EngineResult:
    """Assemble instances and compute the suppressed-flagged cube."""
    catalog = catalog or load()
    say = progress or (lambda _msg: None)
    con = svf_engine.connect(threads=threads)
    say("assemble")
    svf_engine.assemble(con, events, cutoffs, catalog)
    span = con.execute("SELECT MIN(end_date), MAX(end_date) FROM instances").fetchall()[0]
    first, last = span if span and span[0] is not None else (dt.date(2015, 1, 1),) * 2
    con.register("period_map", period_map(first, last))
    con.register("region_map", region_map(catalog))
    reg_cells = register.register_cells(register_rows, catalog)
    con.register("register_cells", register.as_table(reg_cells, catalog))
    con.register("pathway_info", svf_engine.catalog_relations(catalog)["pathway_info"])
    say("cells")
    con.execute(svf_engine.sql("lofte.cube", "cells.sql"))
    con.execute(svf_engine.sql("lofte.cube", "indicators.sql"))
    cells = con.sql(
        f"SELECT * FROM cells ORDER BY {', '.join(CUBE_SORT)}"
    ).to_arrow_table()
    say("suppression")
    cube = finish_cells(cells, catalog)
    instances = con.sql(
        "SELECT * FROM instances ORDER BY patient, pathway, instance_no"
    ).to_arrow_table()
    flags = con.sql(
        "SELECT delivery_id, line, pathway, suffix, event_date, flag FROM event_flags "
        "ORDER BY delivery_id, line, flag"
    ).to_arrow_table()
    con.close()
    return EngineResult(instances=instances, event_flags=flags, cube=cube)


def finish_cells(cells: pa.Table, catalog: Catalog) -> pa.Table:
    """Add uncertainty, targets and disclosure control to raw cells (one place for all sources)."""
    n = cells.num_rows
    indicators = cells.column("indicator").to_pylist()
    units = {code: ind.unit for code, ind in catalog.indicators.items()}
    unit = np.array([units.get(i, "") for i in indicators], dtype=object)
    num = cells.column("numerator").to_numpy(zero_copy_only=False)
    den = cells.column("denominator").to_numpy(zero_copy_only=False).astype(np.float64)
    value = cells.column("value").to_numpy(zero_copy_only=False).astype(np.float64)

    # 95 % Wilson interval for shares (SPEC §5), vectorised; see lofte.core.stats.wilson.
    is_share = (unit == "percent") & ~np.isnan(num.astype(np.float64))
    z = 1.959963984540054
    with np.errstate(divide="ignore", invalid="ignore"):
        p = num.astype(np.float64) / den
        centre = (p + z * z / (2 * den)) / (1 + z * z / den)
        half = z * np.sqrt(p * (1 - p) / den + z * z / (4 * den * den)) / (1 + z * z / den)
    ci_low = np.where(is_share, 100 * (centre - half), np.nan)
    ci_high = np.where(is_share, 100 * (centre + half), np.nan)

    # Targets: the most specific of catalogue default and overrides (SPEC §2).
    regions = cells.column("region").to_pylist()
    period_labels = cells.column("period").to_pylist()
    target_low = np.full(n, np.nan)
    target_high = np.full(n, np.nan)
    meets = np.full(n, np.nan)
    cache: dict[tuple[str, str, str], tuple[float, float]] = {}
    for i, (ind, reg, per) in enumerate(zip(indicators, regions, period_labels, strict=True)):
        key = (ind, reg, per)
        if key not in cache:
            cache[key] = _target(catalog, ind, reg, per)
        target_low[i], target_high[i] = cache[key]
    direction = np.array(
        [catalog.indicators[i].direction if i in catalog.indicators else "" for i in indicators],
        dtype=object,
    )
    has_target = ~np.isnan(target_low) & ~np.isnan(value)
    higher = direction == "higher_better"
    meets = np.where(
        has_target,
        np.where(higher, value >= target_low, value <= target_low).astype(np.float64),
        np.nan,
    )

    # Disclosure control (SPEC §7).
    min_cell = {code: ind.min_cell for code, ind in catalog.indicators.items()}
    suppressed = suppression.primary_mask(cells, min_cell)
    additive = np.isin(unit, ["percent", "count"])
    suppressed = suppression.secondary_mask(
        cells, suppressed, additive, region_parents(catalog), period_parents(cells)
    )

    def f64(a: np.ndarray) -> pa.Array:
        return pa.array(a, pa.float64(), from_pandas=True)

    out = cells.append_column("ci_low", f64(ci_low))
    out = out.append_column("ci_high", f64(ci_high))
    out = out.append_column("suppressed", pa.array(suppressed, pa.bool_()))
    out = out.append_column("target", f64(target_low))
    out = out.append_column("target_high", f64(target_high))
    out = out.append_column(
        "meets_target", pa.array([None if math.isnan(m) else bool(m) for m in meets], pa.bool_())
    )
    return out


def _target(catalog: Catalog, indicator: str, region: str, period: str) -> tuple[float, float]:
    target = catalog.target_for(indicator, region, period) if indicator in catalog.indicators else None
    if target is None:
        return (math.nan, math.nan)
    low = getattr(target, "low", None)
    high = getattr(target, "high", None)
    value = getattr(target, "value", None)
    if value is not None:
        return (float(value), math.nan)
    return (
        float(low) if low is not None else math.nan,
        float(high) if high is not None else math.nan,
    )


def region_parents(catalog: Catalog) -> dict[str, str]:
    out: dict[str, str] = {}
    for code in catalog.regions:
        parent = catalog.parent(code)
        if parent is not None:
            out[code] = parent
    return out


def period_parents(cells: pa.Table) -> dict[str, str]:
    out: dict[str, str] = {}
    for label in pc.unique(cells.column("period")).to_pylist():
        parent = periods.parent(label)
        if parent is not None:
            out[label] = parent
    return out
