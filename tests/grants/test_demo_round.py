"""The demo's grants round: seed 004 imported with its findings, a synthetic 2025 round played
through the services, marked synthetic, played once per installation."""

from __future__ import annotations

from typing import Any

import pytest

from lofte.grants import demo
from lofte.grants.models import Application, Call
from lofte.web.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]


def test_the_demo_round_runs_once_and_is_marked_synthetic(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    first = demo.run_demo_round()
    assert first.created
    assert first.statuses == {
        "Återrapportering": 1,
        "Avslutad": 1,
        "Avslagen": 1,
        "Beviljad": 1,
        "Utkast": 1,
    }
    assert "utlysningen kräver" in first.refused
    radiology = [p for p in first.problems if p.startswith("Radiologi 2025: beviljat")]
    (overrun,) = radiology
    assert "6 507 992 kr överstiger budgeten 6 171 570 kr" in overrun
    assert demo.OVERRIDE in overrun
    applications = Application.objects.all()
    assert all(a.synthetic and demo.MARK in a.title for a in applications)
    assessed = [a for a in applications if a.assessments.exists()]
    assert all(demo.MARK in s.justification for a in assessed for s in a.assessments.all())
    # The Linköping assessor never scored an application with a Linköping (05) applicant.
    local = [
        s.application
        for a in assessed
        for s in a.assessments.filter(assessor__user__username="demo-bedomare-ostergotland")
    ]
    assert local and all("05" not in a.regions() for a in local)
    closed = Application.objects.get(status="closed")
    assert sorted(r.kind for r in closed.reports.all()) == ["final", "interim"]
    assert AuditEvent.objects.filter(action="grant_override").count() == 1
    assert AuditEvent.objects.filter(action="application_refused").count() == 1

    again = demo.run_demo_round()
    assert not again.created
    assert again.statuses == first.statuses
    assert Call.objects.count() == 1 and Application.objects.count() == 5
