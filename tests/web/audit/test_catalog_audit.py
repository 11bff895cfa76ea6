"""Catalogue and target changes are detected and logged (the catalogue is YAML, not a form)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lofte.web.audit.catalog import record_changes
from lofte.web.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]

PACKAGE_DATA = Path(__file__).resolve().parents[3] / "src" / "lofte" / "catalog" / "data"


def test_baseline_then_only_real_changes(lofte_home, admin):
    first = record_changes(user=admin)
    assert [(e.action, e.details["baseline"]) for e in first] == [("catalog_changed", True)]
    assert set(first[0].details["files"]) >= {"targets.yaml", "pathways.yaml"}
    assert record_changes(user=admin) == []  # nothing changed

    override = lofte_home / "catalog"
    override.mkdir()
    targets = override / "targets.yaml"
    shutil.copy(PACKAGE_DATA / "targets.yaml", targets)
    targets.write_text(targets.read_text() + "\n# justerad målnivå\n")
    events = record_changes(user=admin)
    assert [(e.action, e.details["changed"]) for e in events] == [
        ("target_changed", ["targets.yaml"])
    ]
    assert events[0].details["before"]["targets.yaml"]["path"].endswith("data/targets.yaml")
    assert events[0].details["files"]["targets.yaml"]["path"] == str(targets)

    pathways = override / "pathways.yaml"
    shutil.copy(PACKAGE_DATA / "pathways.yaml", pathways)
    pathways.write_text(pathways.read_text() + "\n# lokal ändring\n")
    targets.unlink()
    events = record_changes()
    assert sorted((e.action, tuple(e.details["changed"])) for e in events) == [
        ("catalog_changed", ("pathways.yaml",)),
        ("target_changed", ("targets.yaml",)),
    ]
    assert AuditEvent.objects.filter(action__in=["catalog_changed", "target_changed"]).count() == 4
