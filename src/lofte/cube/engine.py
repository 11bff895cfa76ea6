"""Computing the indicator cube (SPEC §5, §7, §8) from events, in DuckDB.

:func:`compute` is pure with respect to the operational database: it takes events (Arrow or the
event-store files), the delivery cut-offs and register rows, and returns the instances, the event
flags and the cube as Arrow tables. :mod:`lofte.cube.service` feeds it from the database and writes
the results under ``LOFTE_HOME``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lofte.catalog import Catalog, load
from lofte.core import periods
from lofte.cube import quantiles, register, suppression
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
    extra_cells: pa.Table | None = None,
    progress: Progress | None = None,
    threads: int | None = None,
) -> EngineResult:
    """Assemble instances and compute the suppressed-flagged cube.

    ``extra_cells`` are raw cells from elsewhere (the imported aggregate indicators, SPEC §6) in
    the schema of the ``cells`` relation; they get targets, intervals and suppression with the rest.
    """
    catalog = catalog or load()
    say = progress or (lambda _msg: None)
    con = svf_engine.connect(threads=threads)
    say("assemble")
    svf_engine.assemble(con, events, cutoffs, catalog)
    # The assembly's intermediate tables are large at national scale and not needed any more.
    con.execute("DROP TABLE sequenced; DROP TABLE groups")
    span = con.execute("SELECT MIN(end_date), MAX(end_date) FROM instances").fetchall()[0]
    first, last = span if span and span[0] is not None else (dt.date(2015, 1, 1),) * 2
    con.register("period_map", period_map(first, last))
    con.register("region_map", region_map(catalog))
    reg_cells = register.register_cells(register_rows, catalog)
    con.register("register_cells", register.as_table(reg_cells, catalog))
    con.register("pathway_info", svf_engine.catalog_relations(catalog)["pathway_info"])
    say("cells")
    con.execute(svf_engine.sql("lofte.cube", "cells.sql"))
    con.execute(svf_engine.sql("lofte.cube", "quantiles.sql"))
    quantile_facts = con.sql("SELECT * FROM quantile_facts").to_arrow_table()
    con.execute(
        "DROP TABLE quantile_facts; DROP TABLE facts; DROP TABLE month_counts; "
        "DROP TABLE month_periods"
    )
    wide_quantiles = quantiles.wide_quantiles(quantile_facts, county_parents(catalog))
    del quantile_facts
    con.register("wide_quantiles", wide_quantiles)
    con.execute(svf_engine.sql("lofte.cube", "indicators.sql"))
    # The intermediate tables are large at national scale; free them before the next step.
    con.execute("DROP TABLE wide_cells")
    con.unregister("wide_quantiles")
    del wide_quantiles
    con.execute("DROP TABLE wide_all")
    if extra_cells is not None and extra_cells.num_rows:
        con.register("extra_cells", extra_cells)
        con.execute("INSERT INTO cells SELECT * FROM extra_cells")
    say("suppression")
    instances = con.sql(
        "SELECT * FROM instances ORDER BY patient, pathway, instance_no"
    ).to_arrow_table()
    flags = con.sql(
        "SELECT delivery_id, line, pathway, suffix, event_date, flag FROM event_flags "
        "ORDER BY delivery_id, line, flag"
    ).to_arrow_table()
    con.execute("DROP TABLE instances; DROP TABLE event_flags; DROP TABLE inclusion_numerators")
    cube = finish_cells(con, "cells", catalog, drop_relation=True)
    con.close()
    return EngineResult(instances=instances, event_flags=flags, cube=cube)


def finish_cells(
    con: duckdb.DuckDBPyConnection, relation: str, catalog: Catalog, drop_relation: bool = False
) -> pa.Table:
    """Add uncertainty, targets and disclosure control to raw cells (one place for all sources).

    ``relation`` names the raw cells in ``con`` (columns of ``cells`` in indicators.sql); with
    ``drop_relation`` it is dropped as soon as it has been read, to free its memory.
    """
    con.execute(f"CREATE OR REPLACE TEMP VIEW raw_cells AS SELECT * FROM {relation}")
    con.register("indicator_info", indicator_info(catalog))
    keys = con.execute("SELECT DISTINCT indicator, region, period FROM raw_cells").fetchall()
    rows = [(ind, reg, per, *_target(catalog, ind, reg, per)) for ind, reg, per in keys]
    con.register(
        "cell_targets",
        pa.table(
            {
                "indicator": pa.array([r[0] for r in rows], pa.string()),
                "region": pa.array([r[1] for r in rows], pa.string()),
                "period": pa.array([r[2] for r in rows], pa.string()),
                "target": pa.array([r[3] for r in rows], pa.float64()),
                "target_high": pa.array([r[4] for r in rows], pa.float64()),
            }
        ),
    )
    table = con.sql(svf_engine.sql("lofte.cube", "finish.sql")).to_arrow_table()
    con.execute("DROP VIEW raw_cells")
    if drop_relation:
        con.execute(f"DROP TABLE {relation}")
    con.unregister("cell_targets")
    # Sort by the cube's key and apply the secondary suppression (SPEC §7) on integer codes of
    # the key columns, computed once for both.
    codes = suppression.KeyCodes.of(table, region_parents(catalog), period_parents(table))
    order = codes.sort_order()
    codes = codes.take(order)
    schema = table.schema
    # The sorted copy is built column by column, letting go of each unsorted column as it goes.
    unsorted = dict(zip(table.column_names, table.columns, strict=True))
    del table
    table = _sorted_table(unsorted, schema, order, codes)
    del order
    suppressed = table.column("suppressed").to_numpy(zero_copy_only=False).copy()
    additive = np.flatnonzero(table.column("additive").to_numpy(zero_copy_only=False))
    additive_codes = codes.take(additive)
    del codes
    suppressed[additive] = suppression.secondary_of_additive(
        additive_codes,
        table.column("denominator").to_numpy(zero_copy_only=False)[additive],
        suppressed[additive],
    )
    del additive_codes
    table = table.drop_columns(["additive"])
    index = table.column_names.index("suppressed")
    return table.set_column(index, "suppressed", pa.array(suppressed, pa.bool_()))


def _sorted_table(
    unsorted: dict[str, pa.ChunkedArray],
    schema: pa.Schema,
    order: np.ndarray,
    codes: suppression.KeyCodes,
) -> pa.Table:
    """The columns of ``unsorted`` (emptied on the way) taken in ``order``, cheaper than
    ``take``: gathering millions of strings is slow, so the key columns come back from their
    codes and the other string columns through a dictionary."""
    rows = pa.array(order)
    columns = []
    for name in schema.names:
        column = unsorted.pop(name)
        if name in suppression.KEY_COLUMNS:
            columns.append(codes.column(name))
        elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            encoded = pc.dictionary_encode(column.combine_chunks())
            columns.append(
                pc.take(encoded.dictionary, pc.take(encoded.indices, rows)).cast(column.type)
            )
        else:
            columns.append(pc.take(column, rows))
    return pa.Table.from_arrays(columns, schema=schema)


def indicator_info(catalog: Catalog) -> pa.Table:
    """Unit, direction and minimum cell size per indicator, for the SQL joins."""
    inds = list(catalog.indicators.values())
    return pa.table(
        {
            "indicator": pa.array([i.code for i in inds], pa.string()),
            "unit": pa.array([i.unit for i in inds], pa.string()),
            "direction": pa.array([i.direction for i in inds], pa.string()),
            "min_cell": pa.array([i.min_cell for i in inds], pa.int64()),
        }
    )


def _target(
    catalog: Catalog, indicator: str, region: str, period: str
) -> tuple[float | None, float | None]:
    """(target, high target): a single value, or the low/high pair as NKBC states them."""
    if indicator not in catalog.indicators:
        return (None, None)
    target = catalog.target_for(indicator, region, period)
    return (None, None) if target is None else target.levels()


def county_parents(catalog: Catalog) -> dict[str, str]:
    """Each county's healthcare region (the ``region_map`` relation as a mapping)."""
    return {c.code: p for c in catalog.counties() if (p := catalog.parent(c.code)) is not None}


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
