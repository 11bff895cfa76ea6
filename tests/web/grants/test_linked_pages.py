"""A funded project linked to an indicator shows on the gap board, on the indicator's public
page and in the public list – with regions and amount, never a person's name."""

from __future__ import annotations

from typing import Any

import pytest

from lofte import django_setup
from lofte.cube.service import cube_path
from lofte.grants import calls, outcomes
from lofte.web.plans import gaps
from tests.grants.grant_round import PAT_05, PAT_06, Round, grant_round_fixture, submitted  # noqa: F401
from tests.reports import cube_fixture as cf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]


@pytest.fixture(autouse=True)
def django_is_set_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(django_setup, "_ready", True)


@pytest.fixture
def project(grant_round: Round) -> Any:
    from django.core.cache import cache

    cache.clear()
    gaps._cache.clear()
    cf.write(cube_path())
    application = submitted(grant_round, "Snabbare PAD-svar", 120_000, [PAT_05, PAT_06])
    application.indicators = ["svf_andel_inom_ledtid"]
    application.save()
    calls.decide(application, 120_000)
    yield application
    gaps._cache.clear()


def test_projects_belong_to_their_counties_and_the_regions_above(project: Any) -> None:
    keys = {k for k in outcomes.projects_by_gap() if k[0] == "svf_andel_inom_ledtid"}
    assert {r for _i, r in keys} == {"05", "06", "sydost", "SE"}


def test_the_gap_board_lists_the_project_on_its_gap(client: Any, project: Any) -> None:
    from tests.web.accounts.fixtures import make_user

    client.force_login(make_user("admin", ["rcc_admin"]))
    response = client.get("/handlingsplaner/avvikelser/", {"region": cf.HR, "period": cf.PERIOD})
    assert response.status_code == 200
    rows = {(r.indicator, r.region): r for r in response.context["rows"]}
    assert [p.pk for p in rows[("svf_andel_inom_ledtid", "05")].projects] == [project.pk]
    assert f'data-project="{project.pk}"' in response.content.decode()


def test_the_indicator_page_and_the_public_list_show_it_without_names(
    client: Any, project: Any
) -> None:
    page = client.get("/", {"indicator": "svf_andel_inom_ledtid"}).content.decode()
    assert "Förbättringsprojekt kopplade till indikatorn" in page
    assert "Snabbare PAD-svar" in page and "120 000 kr" in page
    other = client.get("/", {"indicator": "svf_ledtid_median"}).content.decode()
    assert "Snabbare PAD-svar" not in other
    public = client.get("/beviljade-projekt/")
    text = public.content.decode()
    assert public.status_code == 200
    assert "Snabbare PAD-svar" in text and "Region Östergötland" in text
    assert "sara" not in text and "Patologi Linköping" not in text
    assert "no-store" not in public.get("Cache-Control", "")


def test_the_pages_speak_english_when_asked(client: Any, project: Any) -> None:
    from django.conf import settings

    from tests.web.accounts.fixtures import make_user

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    public = client.get("/beviljade-projekt/").content.decode()
    assert "Granted improvement projects" in public and "Granted projects" in public
    client.force_login(make_user("styr", ["decision_maker"]))
    page = client.get(f"/stimulansmedel/ansokningar/{project.pk}/").content.decode()
    assert "Amount requested" in page and "Decision letter (PDF)" in page
    assert "Granted" in page  # the status label
    letter = client.get(f"/stimulansmedel/ansokningar/{project.pk}/beslutsbrev.pdf")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF-")
    assert "no-store" in letter["Cache-Control"]
