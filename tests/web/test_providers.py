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


@pytest.mark.django_db
def test_the_providers_answer_as_the_grants_app(monkeypatch: pytest.MonkeyPatch):
    from lofte.grants import followup, outcomes

    assert providers.projects_by_gap() == outcomes.projects_by_gap()
    assert providers.public_projects("svf_andel_inom_ledtid") == outcomes.public_projects(
        indicator="svf_andel_inom_ledtid"
    )
    sent: list[int] = []
    monkeypatch.setattr(followup, "send_reminders", lambda days: sent.append(days) or 3)
    assert providers.project_reminders(7) == 3 and sent == [7]
