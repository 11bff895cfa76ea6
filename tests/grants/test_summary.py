"""The summary for Socialstyrelsen (XLSX): pools, granted per region, applications, grants."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from lofte.cli import app
from lofte.grants import calls, importer, ledger
from lofte.grants.eligibility import Applicant as A

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]

HOSTILE = '=HYPERLINK("http://x","klicka")'


def test_summary_workbook(tmp_path: Path) -> None:
    importer.import_grants(importer.example_path())
    ledger.grant(2025, "Patologi", 100_000, "Projekt i Kalmar", region="08")
    ledger.grant(2025, "Patologi", 50_000, HOSTILE, region="08")
    call = calls.create_call(
        2025, "U", ["Patologi"], timeline=calls.SEED_004_TIMELINE, eligibility_rule="any"
    )
    application = calls.draft(call, "P", "Patologi", [A("u", "05", "care")], requested=10)
    calls.submit(application, now=dt.datetime(2025, 2, 1, tzinfo=dt.UTC))
    out = tmp_path / "ss.xlsx"
    result = CliRunner().invoke(app, ["grants", "summary", "--year", "2025", "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    pools = list(wb["Potter"].iter_rows(values_only=True))
    assert pools[0][:3] == ("Område", "År", "Budget")
    radiology = next(r for r in pools if r[0] == "Radiologi")
    assert radiology[2:6] == (6_171_570, 6_207_992, 0, -36_422)
    assert "överstiger budgeten" in radiology[6]
    regions = list(wb["Beviljat per region"].iter_rows(values_only=True))
    assert ("Patologi", "08", 150_000, 2) in regions
    assert ("Radiologi", "ej angiven", 6_207_992, 1) in regions
    apps = list(wb["Ansökningar"].iter_rows(min_row=2, values_only=True))
    assert apps == [("Patologi", "Inskickad", 1, 10, 0)]
    # A hostile title is text in the sheet, never a formula: stored as text and, like every
    # other CSV/XLSX cell of Löfte, with the apostrophe that keeps an edited cell text too.
    texts = [c for row in wb["Beviljade poster"].iter_rows() for c in row if c.data_type == "s"]
    hostile = [c for c in texts if HOSTILE in str(c.value)]
    assert [c.value for c in hostile] == ["'" + HOSTILE]
    assert not any(str(c.value).startswith("=") for c in texts)
    bad = CliRunner().invoke(
        app, ["grants", "summary", "--year", "2025", "--out", str(tmp_path / "x.csv")]
    )
    assert bad.exit_code == 1
