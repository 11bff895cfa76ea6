"""The site reaches the grants only through lofte.web.providers (issue 17): the grants app
installs its providers when Django starts, and without them the site shows nothing of grants."""

from __future__ import annotations

import pytest

from lofte.web import providers


def test_the_grants_app_provides_its_projects_and_reminders():
    assert providers._public_projects is not None
    assert providers._projects_by_gap is not None
    assert providers._project_reminders is not None


def test_without_providers_the_site_shows_no_projects(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(providers, "_public_projects", None)
    monkeypatch.setattr(providers, "_projects_by_gap", None)
    monkeypatch.setattr(providers, "_project_reminders", None)
    assert providers.public_projects("svf_andel_inom_ledtid") == []
    assert providers.projects_by_gap() == {}
    assert providers.project_reminders(14) == 0


def test_the_providers_answer_as_the_grants_app(monkeypatch: pytest.MonkeyPatch):
    """Each provider passes the site's question to the grants app's function and its answer
    back: markers the grants functions return come out of the providers unchanged."""
    from lofte.grants import followup, outcomes

    asked: list[object] = []
    projects = [{"marker": "public"}]
    by_gap = {("svf_andel_inom_ledtid", "05"): ["marker"]}
    monkeypatch.setattr(
        outcomes, "public_projects", lambda indicator: asked.append(indicator) or iter(projects)
    )
    monkeypatch.setattr(outcomes, "projects_by_gap", lambda: by_gap)
    monkeypatch.setattr(followup, "send_reminders", lambda days: asked.append(days) or 3)
    assert providers.public_projects("svf_andel_inom_ledtid") == projects
    assert providers.projects_by_gap() is by_gap
    assert providers.project_reminders(7) == 3
    assert asked == ["svf_andel_inom_ledtid", 7]
