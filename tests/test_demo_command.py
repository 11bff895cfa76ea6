"""`lofte demo --quick` end to end, as the README's first command runs it (at quick scale)."""

from __future__ import annotations

import json
import stat

import pytest
from django.contrib.auth import authenticate
from typer.testing import CliRunner

from lofte import django_setup
from lofte.cli import app
from lofte.cube import service
from lofte.reports import store

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("lofte_home")]


@pytest.fixture(autouse=True)
def django_is_set_up(monkeypatch):
    monkeypatch.setattr(django_setup, "_ready", True)


def test_quick_demo_writes_cube_report_and_working_demo_accounts(lofte_home):
    result = CliRunner().invoke(app, ["demo", "--quick"])
    assert result.exit_code == 0, result.output
    assert "syntetisk" in result.output.lower()
    assert service.cube_path().is_file()
    assert "ingen population på 1–4 personer kan härledas" in " ".join(result.output.split())

    # The intruder's audit of the published CSV finds nothing to work out (SPEC §7).
    public = lofte_home / "export" / "SYNTETISK_kub_publik.csv"
    audited = CliRunner().invoke(app, ["audit", "disclosure", str(public), "--format", "json"])
    assert audited.exit_code == 0, audited.output
    found = json.loads(audited.output)
    assert found["cells"] > 100_000 and found["suppressed"] > 0
    assert (found["derived"], found["leaks"]) == (0, 0)

    reports = store.list_reports()
    assert [r.healthcare_region for r in reports] == ["sydost"]
    assert all(reports[0].path(lang, fmt) for lang in store.LANGUAGES for fmt in store.FORMATS)

    secret = lofte_home / "secret" / "demo-konton.txt"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    accounts = [line.split("\t") for line in secret.read_text().splitlines()]
    assert {role for _, role, _ in accounts} >= {"rcc_admin", "svf_coordinator"}
    for username, _, password in accounts:
        assert password in result.output  # shown once, to the person who ran the demo
        assert authenticate(username=username, password=password) is not None

    # A second demo gives new passwords; the old ones stop working.
    again = CliRunner().invoke(app, ["demo", "--quick"])
    assert again.exit_code == 0, again.output
    username, _, old_password = accounts[0]
    assert authenticate(username=username, password=old_password) is None
