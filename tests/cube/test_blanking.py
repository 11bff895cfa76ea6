"""The published cube withholds a parent's verdict over a share above 100 % below it (ADR 0504).

The report, the site's pages and the API apply the parent rule when they read; the public cube
file and the public exports hold it too, so that no download shows Sydöst's or the nation's
inclusion as *met* while it counts Jönköping's impossible 37 of 32.
"""

from __future__ import annotations

import pyarrow as pa

from lofte.cube.blanking import export_table, public_file_view, public_view

KEYS = ("indicator", "region", "region_basis", "pathway", "treatment", "period")


def _cube(rows: list[tuple]) -> pa.Table:
    names = (*KEYS, "numerator", "denominator", "value", "suppressed", "target", "meets_target")
    columns = list(zip(*rows, strict=True))
    table = pa.table({name: list(col) for name, col in zip(names, columns, strict=True)})
    region = table.column("region").dictionary_encode()  # as the engine writes it
    return table.set_column(table.column_names.index("region"), "region", region)


def _row(region, value, *, period="2026H1", pathway="alla", suppressed=False, met=True):
    n, d = (None, None) if suppressed else (round(value), 100)
    return (
        "svf_inklusion",
        region,
        "bostad",
        pathway,
        "alla",
        period,
        n,
        d,
        value,
        suppressed,
        70.0,
        met,
    )


def _verdicts(table: pa.Table) -> dict[tuple, object]:
    rows = table.to_pylist()
    return {(r["region"], r["pathway"], r["period"]): r["meets_target"] for r in rows}


def test_parents_of_a_share_above_100_have_no_verdict_in_the_published_cube():
    cube = _cube(
        [
            _row("05", 80.0),
            _row("06", 115.6, met=None),  # the engine gives the share itself no verdict
            _row("08", 78.0),
            _row("sydost", 77.2),  # counts 06's 115.6: no verdict either
            _row("SE", 84.7),  # the nation too
            _row("sydost", 76.0, period="2025H1"),  # another period: keeps its verdict
            _row("sydost", 71.0, pathway="brost"),  # another pathway: keeps it
            _row("01", 90.0),  # a county elsewhere: keeps it
        ]
    )
    published = _verdicts(public_file_view(cube))
    assert published[("sydost", "alla", "2026H1")] is None
    assert published[("SE", "alla", "2026H1")] is None
    assert published[("05", "alla", "2026H1")] is True
    assert published[("sydost", "alla", "2025H1")] is True
    assert published[("sydost", "brost", "2026H1")] is True
    assert published[("01", "alla", "2026H1")] is True
    # the values stay: only the verdict is withheld
    values = {
        (r["region"], r["period"], r["pathway"]): r["value"]
        for r in public_file_view(cube).to_pylist()
    }
    assert values[("sydost", "2026H1", "alla")] == 77.2
    # the exports hold the same rule
    assert _verdicts(export_table(cube, public=True))[("SE", "alla", "2026H1")] is None
    # the internal view (staff) and the plain blanking of a partial read are unchanged
    assert _verdicts(export_table(cube, public=False))[("SE", "alla", "2026H1")] is True
    assert _verdicts(public_view(cube))[("SE", "alla", "2026H1")] is True


def test_a_hidden_share_above_100_withholds_nothing():
    """A suppressed child's value is not published, so it cannot be named, and the parent's
    missing verdict must not give it away."""
    cube = _cube([_row("06", 115.6, suppressed=True, met=None), _row("sydost", 77.2)])
    assert _verdicts(public_file_view(cube))[("sydost", "alla", "2026H1")] is True


def test_no_share_above_100_leaves_the_cube_as_it_was():
    cube = _cube([_row("05", 80.0), _row("sydost", 77.2)])
    assert public_file_view(cube).equals(public_view(cube))
