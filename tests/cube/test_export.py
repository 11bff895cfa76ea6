"""The public cube never shows a small or recoverable cell; the internal one keeps the values."""

from __future__ import annotations

import csv
import datetime as dt
import random

import numpy as np
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from lofte.catalog import load
from lofte.cube import engine, export
from lofte.cube.engine import CUBE_COLUMNS, period_parents, region_parents
from tests.svf.engine_helpers import ev, table

from . import vectorised

COUNTIES = ["05", "06", "08", "07", "10", "12", "13", "01", "09"]


@pytest.fixture(scope="module")
def cube():
    """A few hundred pathways with deliberately uneven counties, so that small cells occur."""
    rng = random.Random(7)
    events = []
    for i in range(400):
        county = rng.choices(COUNTIES, weights=[30, 20, 15, 6, 3, 25, 2, 40, 1])[0]
        pathway, end = rng.choice(
            [
                ("brost", 50),
                ("brost", 52),
                ("prostata", 54),
                ("aos", 78),
                ("kolorektal", 50),
                ("brost", 70),
            ]
        )
        start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(700))
        end_day = start + dt.timedelta(days=rng.randrange(5, 60))
        p = f"p{i}"
        events += [
            ev(p, f"{pathway}:10", start.isoformat(), region=county, lan=county),
            ev(p, f"{pathway}:35", (start + dt.timedelta(days=3)).isoformat(), region=county),
            ev(p, f"{pathway}:{end}", end_day.isoformat(), region=county, lan=county),
        ]
    return engine.compute(table(events), {}, [], load()).cube


def test_cube_has_small_cells_to_hide(cube):
    # The fixture must actually exercise suppression, or the other tests prove nothing.
    den = cube.column("denominator").to_numpy(zero_copy_only=False)
    assert (den < 5).sum() > 100
    assert cube.column("suppressed").to_numpy(zero_copy_only=False).sum() > (den < 5).sum()


def test_public_csv_has_no_small_or_recoverable_cell(cube, tmp_path):
    path = tmp_path / "kub.csv"
    export.write(cube, path, public=True)
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0].keys()) == CUBE_COLUMNS
    assert len(rows) == cube.num_rows
    catalog = load()
    hidden = 0
    for row in rows:
        if row["suppressed"] == "1":
            hidden += 1
            assert row["numerator"] == row["denominator"] == row["value"] == ""
            assert row["meets_target"] == ""
        elif catalog.indicators[row["indicator"]].publishes_n:
            assert row["suppressed"] == "0"
            assert int(row["denominator"]) >= 5
        else:  # a median's n is never published
            assert row["suppressed"] == "0" and row["denominator"] == ""
    assert hidden > 0
    additive = np.array(
        [
            catalog.indicators[i].additive and catalog.indicators[i].publishes_n
            for i in cube.column("indicator").to_pylist()
        ]
    )
    unsafe = vectorised.unsafe_group_count(
        cube,
        cube.column("suppressed").to_numpy(zero_copy_only=False),
        additive,
        region_parents(catalog),
        period_parents(cube),
    )
    assert unsafe == 0


def test_internal_export_keeps_values_of_suppressed_cells(cube, tmp_path):
    path = tmp_path / "intern.csv"
    export.write(cube, path, public=False)
    with open(path, encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["suppressed"] == "1"]
    assert rows and all(r["denominator"] != "" for r in rows)


def test_formats_carry_the_same_public_rows(cube, tmp_path):
    export.write(cube, tmp_path / "k.csv", public=True)
    export.write(cube, tmp_path / "k.parquet", public=True)
    some = cube.slice(0, 3000)  # openpyxl writes a few thousand rows a second
    export.write(some, tmp_path / "k.xlsx", public=True)
    parquet = pq.read_table(tmp_path / "k.parquet")
    assert parquet.column_names == list(CUBE_COLUMNS)
    assert parquet.num_rows == cube.num_rows
    hidden = parquet.filter(parquet.column("suppressed"))
    assert hidden.column("value").null_count == hidden.num_rows
    sheet = load_workbook(tmp_path / "k.xlsx", read_only=True).worksheets[0]
    xrows = list(sheet.iter_rows(values_only=True))
    assert xrows[0] == CUBE_COLUMNS and len(xrows) == some.num_rows + 1
    assert any(r[CUBE_COLUMNS.index("suppressed")] == 1 for r in xrows[1:])
    for row in xrows[1:]:
        if row[CUBE_COLUMNS.index("suppressed")] == 1:
            assert row[CUBE_COLUMNS.index("value")] is None


def test_percent_values_and_targets(cube):
    rows = [
        r
        for r in cube.to_pylist()
        if r["indicator"] == "svf_andel_inom_ledtid"
        and r["region"] == "SE"
        and r["pathway"] == "alla"
        and r["treatment"] == "alla"
        and r["period_type"] == "year"
    ]
    assert rows
    for r in rows:
        assert r["value"] == pytest.approx(100 * r["numerator"] / r["denominator"])
        assert r["target"] == 80
        assert r["meets_target"] == (r["value"] >= 80)
        assert r["ci_low"] <= r["value"] <= r["ci_high"]
