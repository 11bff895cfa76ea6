"""The public view of the cube (SPEC §7, §8): what may leave the RCC.

:func:`public_view` blanks every suppressed cell and :func:`export_table` selects the SPEC §8
columns. :mod:`lofte.cube.export` writes them, :mod:`lofte.cube.audit` audits them and the
serving modules (:mod:`lofte.cube.query`, :mod:`lofte.cube.public`) read through them; this
module imports none of those, so that none of them imports another for it.
"""

from __future__ import annotations

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
        indicator = out.column("indicator")
        if pa.types.is_dictionary(indicator.type):
            indicator = indicator.cast(pa.string())
        without = pc.is_in(indicator, value_set=pa.array(no_n, pa.string()))
        col = out.column("denominator")
        out = out.set_column(
            out.column_names.index("denominator"),
            "denominator",
            pc.if_else(without, pa.nulls(len(col), col.type), col),
        )
    return out


def export_table(cube: pa.Table, public: bool) -> pa.Table:
    """The SPEC §8 columns, with the public blanking applied when asked."""
    # Imported here: the engine (and DuckDB behind it) is not needed by a serving process,
    # which imports this module for public_view.
    from lofte.cube.engine import CUBE_COLUMNS

    table = public_view(cube) if public else cube
    table = table.select(list(CUBE_COLUMNS))
    # Aggregate indicators have no region basis: an empty string, not a missing key.
    basis = pc.fill_null(table.column("region_basis"), "")
    return table.set_column(table.column_names.index("region_basis"), "region_basis", basis)
