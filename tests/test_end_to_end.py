"""From synthetic delivery files to the public cube through the `lofte` command (SPEC §12).

One demo world (quick scale) is generated; the three Sydöst regions are imported through the CLI
together with the rejected Kalmar file and the register, then computed and exported. The public
file must be safe; the internal one must agree with the engine; nothing shows a personnummer.
"""

from __future__ import annotations

import csv
import re

import pytest
from typer.testing import CliRunner

from lofte import django_setup
from lofte.catalog import load
from lofte.cli import app
from lofte.demo import generate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("lofte_home")]

SYDOST = {"05", "06", "08"}


@pytest.fixture(autouse=True)
def django_is_set_up(monkeypatch):
    monkeypatch.setattr(django_setup, "_ready", True)


PNR_LIKE = re.compile(r"\b\d{6,8}[-+]?\d{4}\b")


def raw_numbers(manifest) -> set[str]:
    """Every personnummer-like value in the delivered CSV files (to prove none leaks)."""
    found: set[str] = set()
    for item in manifest.deliveries:
        if item.format != "csv":
            continue
        text = item.path.read_bytes().decode(item.encoding or "utf-8", errors="replace")
        found.update(PNR_LIKE.findall(text))
    return found


def test_deliveries_to_public_cube(lofte_home, tmp_path):
    runner = CliRunner()
    manifest = generate(tmp_path / "demo", quick=True)
    chosen = [d for d in manifest.deliveries if d.region in SYDOST]
    assert any(not d.expected_valid for d in chosen)
    outputs = []
    for item in chosen:
        args = ["import", "svf", str(item.path), "--region", item.region]
        if item.window_from:
            args += ["--from", item.window_from.isoformat(), "--to", item.window_to.isoformat()]
        result = runner.invoke(app, args)
        outputs.append(result.output)
        assert result.exit_code == (0 if item.expected_valid else 1), result.output
    result = runner.invoke(app, ["import", "register", str(manifest.register_path)])
    assert result.exit_code == 0, result.output
    from lofte.cube.aggregates import example_path

    result = runner.invoke(app, ["import", "indicators", str(example_path())])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["compute"])
    assert result.exit_code == 0, result.output
    outputs.append(result.output)

    public = tmp_path / "publik.csv"
    internal = tmp_path / "intern.csv"
    assert runner.invoke(app, ["export", "cube", "--out", str(public), "--public"]).exit_code == 0
    assert runner.invoke(app, ["export", "cube", "--out", str(internal)]).exit_code == 0
    with open(public, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(internal, encoding="utf-8") as fh:
        inner = list(csv.DictReader(fh))
    assert len(rows) == len(inner) > 1000
    regions = {r["region"] for r in rows}
    assert regions >= SYDOST and "sydost" in regions and "SE" in regions
    closing = {r["region"] for r in rows if r["region_basis"] == "avslutande"}
    assert closing <= SYDOST | {"sydost", "SE"}  # only the regions that delivered
    indicators = {r["indicator"] for r in rows}
    assert {"svf_andel_inom_ledtid", "svf_inklusion", "svf_ledtid_median"} <= indicators
    screening = [r for r in rows if r["indicator"] == "screening_cervix_tackning"]
    assert {(r["region"], r["period"], r["value"]) for r in screening} >= {("05", "2023", "75.0")}
    catalog = load()
    for pub, intern in zip(rows, inner, strict=True):
        assert pub["suppressed"] == intern["suppressed"]
        if pub["suppressed"] == "1":
            assert pub["numerator"] == pub["denominator"] == pub["value"] == ""
            assert intern["denominator"] != "" and int(intern["denominator"]) >= 1
        elif pub["region_basis"] == "":  # an imported aggregate value, published by its source
            assert pub["value"] == intern["value"] != ""
        elif not catalog.indicators[pub["indicator"]].publishes_n:  # a median: shown without n
            assert pub["denominator"] == "" and int(intern["denominator"]) >= 5
            assert pub["value"] == intern["value"] != ""
        else:
            assert int(pub["denominator"]) >= 5 and pub["value"] == intern["value"]

    # Kalmar's rejected file is in the history with its located errors.
    result = runner.invoke(app, ["deliveries"])
    assert result.exit_code == 0 and "avvis" in result.output.lower()
    numbers = raw_numbers(manifest)
    assert numbers
    text = "\n".join(outputs) + result.output + public.read_text() + internal.read_text()
    assert not set(PNR_LIKE.findall(text)) & numbers


def test_export_before_compute_is_a_clear_error(lofte_home, tmp_path):
    result = CliRunner().invoke(app, ["export", "cube", "--out", str(tmp_path / "k.csv")])
    assert result.exit_code == 1
    assert "lofte compute" in result.output


def test_catalog_show_json_and_usage_error():
    runner = CliRunner()
    result = runner.invoke(app, ["catalog", "show", "regions", "--format", "json"])
    assert result.exit_code == 0 and '"code": "sydost"' in result.output
    assert runner.invoke(app, ["catalog", "show", "kommuner"]).exit_code == 2


def test_bad_register_file_changes_nothing(lofte_home, tmp_path):
    from lofte.cube.models import RegisterCount

    path = tmp_path / "register.csv"
    path.write_text("region,period,pathway,new_cases\n05,2024-01,brost,4\n99,2024-13,x,-1\n")
    result = CliRunner().invoke(app, ["import", "register", str(path)])
    assert result.exit_code == 1
    assert "register.csv, rad 3, kolumn region: '99'" in result.output
    assert RegisterCount.objects.count() == 0
