"""The public view of the cube (SPEC §7, §8): what may leave the RCC.

:func:`public_view` blanks every suppressed cell and :func:`export_table` selects the SPEC §8
columns. :mod:`lofte.cube.export` writes them, :mod:`lofte.cube.audit` audits them and the
serving modules (:mod:`lofte.cube.query`, :mod:`lofte.cube.public`) read through them; this
module imports none of those, so that none of them imports another for it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def public_view(cube: pa.Table) -> pa.Table:
    """The cube with every suppressed cell blanked (SPEC §7), and without the n of the
    indicators that do not publish it (medians and quartiles: Indicator.publishes_n)."""
    from lofte.catalog import load

    hidden = cube.column("suppressed")
    out = cube
    for name in ("numerator", "denominator", "value", "meets_target", "ci_low", "ci_high"):
        if name not in out.column_names:
            continue
        col = out.column(name)
        blank = pa.nulls(len(col), col.type)
        out = out.set_column(out.column_names.index(name), name, pc.if_else(hidden, blank, col))
    no_n = [i.code for i in load().indicators.values() if not i.publishes_n]
    if no_n and "denominator" in out.column_names:
        without = pc.is_in(out.column("indicator"), value_set=pa.array(no_n, pa.string()))
        col = out.column("denominator")
        out = out.set_column(
            out.column_names.index("denominator"),
            "denominator",
            pc.if_else(without, pa.nulls(len(col), col.type), col),
        )
    return out


def public_file_view(cube: pa.Table) -> pa.Table:
    """:func:`public_view` of a whole cube as it is published in a file (the public cube file,
    the public exports): also no verdict on a parent's share that counts a shown share above
    100 % below it (ADR 0504). Applied where the whole cube is at hand, since a parent and the
    region below it may lie in different parts of a partial read."""
    return _no_verdict_over_100_below(public_view(cube))


_KEYS = ("region", "indicator", "region_basis", "pathway", "treatment", "period")


def _no_verdict_over_100_below(cube: pa.Table) -> pa.Table:
    """``meets_target`` blanked on a healthcare region's or the nation's cell whose shown
    regions below it include a share above 100 % for the same indicator, basis, pathway,
    treatment and period (:func:`lofte.catalog.verdict.over_100_below`): the parent's share
    adds that impossible ratio, so a verdict on it would rest on the data fault. The per-cell
    rule (a share above 100 % has no verdict itself) is the engine's; this is the parent rule
    that the report, the site and the API apply, here for the public cube file as well."""
    from lofte.catalog import load
    from lofte.catalog.verdict import over_100_below

    if "meets_target" not in cube.column_names or not all(k in cube.column_names for k in _KEYS):
        return cube
    value = cube.column("value")
    above = pc.fill_null(
        pc.and_(pc.greater(value, 100.0), pc.invert(cube.column("suppressed"))), False
    )
    if not pc.any(above).as_py():
        return cube
    rows = cube.filter(above)
    cells = [
        dict(zip((*_KEYS, "value"), values, strict=True), suppressed=False)
        for values in zip(
            *(rows.column(k).to_pylist() for k in _KEYS),
            rows.column("value").to_pylist(),
            strict=True,
        )
    ]
    parents = over_100_below(cells, load())
    if not parents:
        return cube
    # Narrow to the rows that can be such a parent (its region, indicator and period) before
    # reading keys in Python: a handful of the cube's millions.
    candidate = None
    for name, position in (("region", 0), ("indicator", 1), ("period", 5)):
        wanted = pa.array(sorted({key[position] for key in parents}), pa.string())
        member = pc.is_in(cube.column(name), value_set=wanted)  # dictionary columns too
        candidate = member if candidate is None else pc.and_(candidate, member)
    index = pc.indices_nonzero(candidate).to_pylist()
    subset = cube.take(pa.array(index, pa.int64()))
    keys = zip(*(subset.column(k).to_pylist() for k in _KEYS), strict=True)
    blank = [i for i, key in zip(index, keys, strict=True) if key in parents]
    if not blank:
        return cube
    flags = np.zeros(cube.num_rows, dtype=bool)
    flags[blank] = True
    mask = pa.array(flags)
    col = cube.column("meets_target")
    return cube.set_column(
        cube.column_names.index("meets_target"),
        "meets_target",
        pc.if_else(mask, pa.nulls(len(col), col.type), col),
    )


def export_table(cube: pa.Table, public: bool) -> pa.Table:
    """The SPEC §8 columns, with the public blanking applied when asked."""
    # Imported here: the engine (and DuckDB behind it) is not needed by a serving process,
    # which imports this module for public_view.
    from lofte.cube.engine import CUBE_COLUMNS

    table = public_file_view(cube) if public else cube
    table = table.select(list(CUBE_COLUMNS))
    # Aggregate indicators have no region basis: an empty string, not a missing key.
    basis = pc.fill_null(table.column("region_basis"), "")
    return table.set_column(table.column_names.index("region_basis"), "region_basis", basis)
