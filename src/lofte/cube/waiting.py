"""*Väntande över ledtid* (``svf_pagaende_over_ledtid``) in the cube: a count at each cut-off.

The persons waiting beyond their target at the end of each month (``sql/waiting.sql``; the
rule is :mod:`lofte.svf.waiting`'s) are summed here over the geography (county → healthcare
region → SE) and the pathways (each and ``alla``), for both region bases, with treatment
``alla`` only. They are never summed over periods: a person waiting at the end of January who
still waits at the end of February is counted in both, so the indicator is computed for months
only (ADR 0650), and disclosure control builds no period groups for it
(:attr:`lofte.catalog.model.Indicator.additive_over_periods`).

Kept apart from the closed-pathway roll-up (:mod:`lofte.cube.rollup`): nothing of it adds up
like those counts.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from lofte.catalog import Catalog
from lofte.cube import rollup
from lofte.svf import engine as svf_engine
from lofte.svf import queries

if TYPE_CHECKING:
    import duckdb

    from lofte.cube.dims import Dims

INDICATOR = "svf_pagaende_over_ledtid"
_FAR_FUTURE = dt.date(9999, 12, 31)


def stock_targets(catalog: Catalog, book: svf_engine.Codebook) -> pa.Table:
    """Per pathway and lead-time version, the longest target of an open pathway without and with
    the extended marker (:meth:`lofte.catalog.Catalog.ongoing_target_days` on the version's
    first day), with the version's end (exclusive)."""
    rows: list[tuple[str, dt.date, dt.date, int | None, int | None]] = []
    for p in catalog.pathways.values():
        versions = sorted(p.lead_times, key=lambda v: v.valid_from)
        for i, v in enumerate(versions):
            valid_to = versions[i + 1].valid_from if i + 1 < len(versions) else _FAR_FUTURE
            rows.append(
                (
                    p.id,
                    v.valid_from,
                    valid_to,
                    catalog.ongoing_target_days(p.id, v.valid_from, False),
                    catalog.ongoing_target_days(p.id, v.valid_from, True),
                )
            )
    return pa.table(
        {
            "pathway": book.code_of("pathway", [r[0] for r in rows]),
            "valid_from": pa.array([r[1] for r in rows], pa.date32()),
            "valid_to": pa.array([r[2] for r in rows], pa.date32()),
            "basic_longest": pa.array([r[3] for r in rows], pa.int32()),
            "extended_longest": pa.array([r[4] for r in rows], pa.int32()),
        }
    )


def _month_table(first: dt.date, last: dt.date) -> pa.Table:
    starts = np.arange(
        np.datetime64(first, "M"), np.datetime64(last, "M") + 1, dtype="datetime64[M]"
    )
    ends = (starts + 1).astype("datetime64[D]") - 1
    return pa.table(
        {
            "month_start": pa.array(starts.astype("datetime64[D]"), pa.date32()),
            "month_end": pa.array(ends, pa.date32()),
        }
    )


def counts(con: duckdb.DuckDBPyConnection, catalog: Catalog, book: svf_engine.Codebook) -> pa.Table:
    """Run ``waiting.sql`` on the assembled ``instances``: (region_basis, county, pathway,
    month_start, n), county and pathway in the codes of ``book``."""
    span = con.execute(queries.statement("lofte.cube", "steps.sql", "waiting_span")).fetchall()[0]
    if span[0] is None or span[1] < span[0]:
        first = last = dt.date(2015, 1, 1)
    else:
        first, last = span
    con.register("stock_targets", stock_targets(catalog, book))
    con.register("stock_months", _month_table(first, last))
    con.execute(queries.script("lofte.cube", "waiting.sql"))
    out = con.sql(queries.statement("lofte.cube", "steps.sql", "waiting_counts")).to_arrow_table()
    con.execute(queries.statement("lofte.cube", "steps.sql", "drop_waiting_counts"))
    con.unregister("stock_targets")
    con.unregister("stock_months")
    return out


def month_labels(table: pa.Table) -> list[str]:
    """The months (``YYYY-MM``) that ``table`` of :func:`counts` has rows for."""
    days = np.unique(table.column("month_start").to_numpy(zero_copy_only=False))
    return [str(m) for m in days.astype("datetime64[M]")]


def block(table: pa.Table, dims: Dims) -> rollup.Block:
    """The indicator's cells: each county's counts summed into its healthcare region and SE and
    into ``alla``, per region basis and month; numerator = denominator = value = the count."""
    basis = table.column("region_basis").to_numpy(zero_copy_only=False).astype(np.int64)
    county = table.column("county").to_numpy(zero_copy_only=False).astype(np.int64)
    pathway = table.column("pathway").to_numpy(zero_copy_only=False).astype(np.int64)
    labels = np.array([str(m) for m in month_labels(table)])
    months = table.column("month_start").to_numpy(zero_copy_only=False).astype("datetime64[M]")
    index = np.searchsorted(labels, months.astype(str))
    period = np.array([dims.code("period", str(m)) for m in labels], dtype=np.int64)[index]
    n = table.column("n").to_numpy(zero_copy_only=False).astype(np.int64)
    region_parent = dims.parents["region"]
    alla = dims.code("pathway", "alla")
    sizes = [len(dims.names[k]) for k in ("region_basis", "region", "pathway", "period")]

    keys: list[np.ndarray] = []
    values: list[np.ndarray] = []
    region = county
    has = np.ones(county.size, dtype=bool)
    while has.any():  # county, healthcare region, SE
        for pw in (pathway, np.full(pathway.size, alla)):
            packed = ((basis * sizes[1] + region) * sizes[2] + pw) * sizes[3] + period
            keys.append(packed[has])
            values.append(n[has])
        up = region_parent[np.where(has, region, 0)]
        has = has & (up >= 0)
        region = np.where(has, up, region)
    all_keys = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    present, inverse = np.unique(all_keys, return_inverse=True)
    total = np.zeros(present.size, dtype=np.int64)
    if values:
        np.add.at(total, inverse, np.concatenate(values))
    period_code, rest = present % sizes[3], present // sizes[3]
    pathway_code, rest = rest % sizes[2], rest // sizes[2]
    region_code, basis_code = rest % sizes[1], rest // sizes[1]
    size = present.size
    return rollup.Block(
        {
            "indicator": np.full(size, dims.code("indicator", INDICATOR), np.int32),
            "region_basis": basis_code.astype(np.int32),
            "region": region_code.astype(np.int32),
            "pathway": pathway_code.astype(np.int32),
            "treatment": np.full(size, dims.code("treatment", "alla"), np.int32),
            "period": period_code.astype(np.int32),
        },
        total,
        np.ones(size, dtype=bool),
        total.copy(),
        np.ones(size, dtype=bool),
        total.astype(np.float64),
    )
