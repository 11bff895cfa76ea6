"""`lofte demo --quick` end to end, as the README's first command runs it (at quick scale)."""

from __future__ import annotations

import datetime as dt
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
    assert {role for _, role, _ in accounts} >= {
        "rcc_admin",
        "svf_coordinator",
        "applicant",
        "assessor",
        "decision_maker",
    }
    # Seed 004's grants and a synthetic 2025 round (lofte.grants.demo), its findings listed.
    assert "Stimulansmedel:" in result.output
    assert "Radiologi 2025: beviljat 6 507 992 kr överstiger budgeten" in " ".join(
        result.output.split()
    )
    for username, _, password in accounts:
        assert password in result.output  # shown once, to the person who ran the demo
        assert authenticate(username=username, password=password) is not None

    # A second demo gives new passwords; the old ones stop working.
    again = CliRunner().invoke(app, ["demo", "--quick"])
    assert again.exit_code == 0, again.output
    username, _, old_password = accounts[0]
    assert authenticate(username=username, password=old_password) is None

    # The seed plans are imported (again, not twice) with synthetic updates marked as such.
    from lofte.web.plans import gaps
    from lofte.web.plans.models import Plan, StatusUpdate

    assert sorted(Plan.objects.values_list("slug", flat=True)) == [
        "kronoberg-handlingsplan-cancer",
        "rcc-sydost-handlingsplan-2025",
    ]
    synthetic = StatusUpdate.objects.filter(synthetic=True)
    assert synthetic.count() == 7
    assert all(u.comment.startswith("[SYNTETISK]") for u in synthetic)
    assert "Handlingsplaner:" in again.output

    # The gap board for Sydöst lists every gap of the written report, with the same actions.
    report = store.list_reports()[0]
    model = json.loads((report.directory / store.MODEL_FILE).read_text(encoding="utf-8"))
    board = gaps.board("sydost", report.period, dt.date.fromisoformat(model["generated"]))
    assert [(r.indicator, r.region, [a.pk for a in r.actions]) for r in board] == [
        (g["indicator"], g["region"], [a["pk"] for a in g["actions"]]) for g in model["gaps"]
    ]
    assert any(r.actions for r in board) and any(r.without_action for r in board)
    generated = model["generated"]
    for r in board:
        assert r.overdue == any(a.due is not None and a.due < generated for a in r.actions)
    # The seed plan's overdue Min vårdplan action stays off the board: the breast-cancer
    # register's level is only a reference for all diagnoses, so it makes no gap (issue 14).
    borrowed = {"mdk_andel", "kontaktsjukskoterska_andel", "min_vardplan_andel"}
    assert not {r.indicator for r in board} & borrowed
    page = report.path("sv", "html").read_text(encoding="utf-8")
    owner = next(a.owner for r in board for a in r.actions)  # the plan's VEM text
    assert "Ingen åtgärd registrerad" in page and owner.split(";")[0] in page
