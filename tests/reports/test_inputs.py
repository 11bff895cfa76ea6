"""The report's inputs: a wrong or missing aggregate file changes nothing; the demo's synthetic
aggregate values are valid, labelled, and never overwrite the sourced example figures."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from typer.testing import CliRunner

from lofte import django_setup
from lofte.catalog import load
from lofte.cli import app
from lofte.cube import aggregates
from lofte.cube.models import AggregateValue
from lofte.demo import aggregates as demo_aggregates
from lofte.reports.model import build

from . import cube_fixture as cf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]


@pytest.fixture(autouse=True)
def django_is_set_up(monkeypatch):
    monkeypatch.setattr(django_setup, "_ready", True)


def values():
    return list(AggregateValue.objects.order_by("id").values_list())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("indicator,region\nmdk_andel,05\n", "kolumn saknas"),
        (
            "indicator,region,period,numerator,denominator,value,source,note\n"
            "mdk_andel,05,2024,,,101,x,\n",
            "mellan 0 och 100",
        ),
        (
            "indicator,region,period,numerator,denominator,value,source,note\n"
            "pal_tackningsgrad,77,2024,,,50,x,\n",
            "okänd regionkod",
        ),
    ],
)
def test_wrong_aggregate_file_is_rejected_and_changes_nothing(tmp_path, body, message):
    runner = CliRunner()
    assert (
        runner.invoke(app, ["import", "indicators", str(aggregates.example_path())]).exit_code == 0
    )
    before = values()
    model_before = build(cf.HR, cf.PERIOD, cf.table(), load()).to_json()
    bad = tmp_path / "fel.csv"
    bad.write_text(body, encoding="utf-8")
    result = runner.invoke(app, ["import", "indicators", str(bad)])
    assert result.exit_code == 1
    output = " ".join(result.output.split())  # Rich wraps long lines
    assert message in output and "fel.csv" in output
    assert values() == before
    model_after = build(cf.HR, cf.PERIOD, cf.table(), load()).to_json()
    model_before["generated"] = model_after["generated"]
    assert model_after == model_before


def test_missing_aggregate_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["import", "indicators", str(tmp_path / "saknas.csv")])
    assert result.exit_code == 1 and "finns inte" in " ".join(result.output.split())
    assert not values()


def test_synthetic_aggregates_are_valid_labelled_and_leave_real_figures_alone(tmp_path):
    path = demo_aggregates.write(tmp_path, date(2026, 6, 30), seed=7)
    rows = aggregates.parse(path)  # the ordinary import's checks
    assert len(rows) > 1000
    assert all(r.source == demo_aggregates.SOURCE for r in rows)
    assert all("SYNTETISK" in r.note for r in rows)
    with open(aggregates.example_path(), encoding="utf-8") as fh:
        real = {(r["indicator"], r["region"], r["period"]) for r in csv.DictReader(fh)}
    keys = {(r.indicator, r.region, r.period) for r in rows}
    assert not keys & real
    # a parent of sourced county figures is still shown, as a synthetic value of its own
    # series (issue 14: Sydöst and Riket lose no period); a series with sourced figures gets
    # nothing invented up to its last one, only a continuation after it
    assert ("hpv_catch_up", "sydost", "2025-03") in keys
    assert ("screening_cervix_tackning", "sydost", "2023") in keys
    assert ("screening_cervix_tackning", "05", "2022") not in keys
    assert ("screening_cervix_tackning", "05", "2024") in keys
    cat = load()
    # every aggregate indicator of a promise gets values for every county up to 2025
    for code in demo_aggregates.SPECS:
        for county in cat.counties():
            years = {r.period[:4] for r in rows if r.indicator == code and r.region == county.code}
            years |= {p[:4] for (i, reg, p) in real if i == code and reg == county.code}
            assert "2025" in years, (code, county.code)
            assert not any(int(y) > 2025 for y in years)
    # same seed, same file
    (tmp_path / "b").mkdir()
    again = demo_aggregates.write(tmp_path / "b", date(2026, 6, 30), seed=7)
    assert again.read_bytes() == path.read_bytes()


def test_synthetic_values_make_the_report_say_so():
    from lofte.reports.model import synthetic_inputs

    assert not synthetic_inputs()
    AggregateValue.objects.create(
        indicator="mdk_andel",
        region="05",
        period="2024",
        source=demo_aggregates.SOURCE,
        value=90.0,
        line=2,
        batch=aggregates.AggregateImport.objects.create(file_name="x.csv", sha256="0"),
    )
    assert synthetic_inputs()
    assert build(cf.HR, cf.PERIOD, cf.table(), load()).synthetic
