"""Register aggregates as inclusion denominators: coverage decides which cells exist."""

from __future__ import annotations

from lofte.catalog import load
from lofte.cube.register import register_cells

SYDOST = ("05", "06", "08")


def months(first: int, last: int, year: int = 2024) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(first, last + 1)]


def test_half_year_needs_every_month_and_year_needs_twelve():
    rows = [("05", m, "brost", 2) for m in months(1, 6)]
    cells = register_cells(rows, load())
    assert cells[("05", "2024H1", "brost")] == 12
    assert cells[("05", "2024Q2", "brost")] == 6
    assert ("05", "2024", "brost") not in cells
    assert ("05", "2024H2", "brost") not in cells


def test_healthcare_region_only_when_every_county_is_covered():
    rows = [(c, m, "brost", 1) for c in SYDOST[:2] for m in months(1, 3)]
    cells = register_cells(rows, load())
    assert ("sydost", "2024Q1", "brost") not in cells  # Kalmar has not reported
    rows += [("08", m, "prostata", 4) for m in months(1, 3)]
    cells = register_cells(rows, load())
    assert cells[("sydost", "2024Q1", "brost")] == 6
    assert cells[("sydost", "2024Q1", "prostata")] == 12
    assert cells[("sydost", "2024Q1", "alla")] == 18
    assert ("SE", "2024Q1", "alla") not in cells


def test_yearly_rows_give_the_year_only():
    rows = [("05", "2023", "brost", 40), ("05", "2023", "prostata", 30)]
    cells = register_cells(rows, load())
    assert cells[("05", "2023", "alla")] == 70
    assert not any(k[1].startswith("2023H") for k in cells)
