"""A grant application cites *Vad händer om…?* results (issue 16, item 4), end to end: the
applicant picks a public cell and a scenario of the public grid in the application form, the
figures are recomputed (never read from the form) and stored with the compute's date, and the
application's page shows them to the applicant, the assessor and the decision maker beside
today's published figures; the year's summary lists them once the project is granted. Only what
the public site shows can be cited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lofte.core import whatif as core
from lofte.cube import whatif as cube_whatif
from lofte.grants import calls
from lofte.grants.models import Application, WhatIfCitation
from tests.web.accounts.fixtures import HOME_REGION, make_user
from tests.web.test_whatif_page import computed_home  # noqa: F401
from tests.web.test_whatif_public import fresh_cube  # noqa: F401 (autouse)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]

CELL = {"region": "sydost", "pathway": "brost", "period": "2024H1"}


@pytest.fixture
def call() -> Any:
    from lofte.grants.models import Pool

    Pool.objects.create(year=2025, area="Patologi", budget=1_000_000)
    today = dt.date.today()
    return calls.create_call(
        2025,
        "Ledtider",
        ["Patologi"],
        timeline={"opens": today - dt.timedelta(days=1), "deadline": today + dt.timedelta(days=9)},
    )


def form_data(*rows: dict[str, str], **extra: Any) -> dict[str, Any]:
    data = {
        "title": "Snabbare behandlingsstart",
        "area": "Patologi",
        "aims": "Kortare tid från diagnos till behandling.",
        "requested": "100000",
        "sokande-TOTAL_FORMS": "4",
        "sokande-INITIAL_FORMS": "0",
        "sokande-0-unit": "Patologi Linköping",
        "sokande-0-region": HOME_REGION,
        "sokande-0-kind": "pathology",
        "budget-TOTAL_FORMS": "6",
        "budget-INITIAL_FORMS": "0",
        "budget-0-label": "Lön",
        "budget-0-amount": "100000",
        "vadhanderom-TOTAL_FORMS": str(max(2, len(rows))),
        "vadhanderom-INITIAL_FORMS": "0",
    }
    for i, row in enumerate(rows):
        data.update({f"vadhanderom-{i}-{k}": v for k, v in row.items()})
    return {**data, **extra}


def gate(instances: Any) -> dict[tuple[int, int], core.PublicResult]:
    patients = cube_whatif.select(
        cube_whatif.read_table(instances), pathway="brost", region="sydost", period="2024H1",
        basis="bostad",
    )  # fmt: skip
    return {
        (r.outcome.scenario.interval, r.outcome.scenario.amount): r
        for r in core.public_grid(patients, baseline_shown=True)
    }


def test_cited_in_the_form_stored_and_shown_to_the_assessor(client, call, computed_home):  # noqa: F811
    results = gate(computed_home.instances)
    shown = results[(2, 14)]
    assert shown.shown
    applicant = make_user("sara", ["applicant"], [HOME_REGION])
    client.force_login(applicant)
    form = client.get(reverse("grants:application_create", args=[call.pk]))
    assert form.status_code == 200
    assert 'name="vadhanderom-0-scenario"' in form.content.decode()
    # the numbers the applicant might post are ignored: there are no such fields
    data = form_data(
        {**CELL, "scenario": "2:14"}, **{"vadhanderom-0-within_after": "20", "vadhanderom-0-n": "1"}
    )
    response = client.post(reverse("grants:application_create", args=[call.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get(title="Snabbare behandlingsstart")
    (cited,) = WhatIfCitation.objects.filter(application=application)
    outcome = shown.outcome
    assert (cited.region, cited.pathway, cited.period, cited.interval, cited.days) == (
        "sydost", "brost", "2024H1", 2, 14,
    )  # fmt: skip
    assert (cited.n, cited.within_before, cited.within_after) == (
        outcome.n, outcome.within_before, outcome.within_after,
    )  # fmt: skip
    assert cited.computed_at is not None

    page = client.get(reverse("grants:application", args=[application.pk])).content.decode()
    assert 'data-whatif="sydost/brost/2024H1/2/14"' in page
    before = f"{outcome.share_before:.1f}".replace(".", ",")
    after = f"{outcome.share_after:.1f}".replace(".", ",")
    assert f"{before} % → {after} % inom ledtiden (n = {outcome.n})" in page
    assert f"i dag {before} % → {after} %" in page
    # the page gives the day in Swedish time (after 23:00 UTC in winter it is already tomorrow)
    assert timezone.localdate(cited.computed_at).isoformat() in page

    # the draft form shows the citation again, and saving without it removes it
    edit = client.get(reverse("grants:application", args=[application.pk]), {"andra": "1"})
    assert 'value="2:14" selected' in edit.content.decode()

    calls.submit(application)
    application.status = Application.Status.IN_ASSESSMENT
    application.save()
    decider = make_user("dora", ["decision_maker"], [])
    client.force_login(decider)
    page = client.get(reverse("grants:application", args=[application.pk])).content.decode()
    assert f"{before} % → {after} % inom ledtiden (n = {outcome.n})" in page

    client.cookies["django_language"] = "en"
    page = client.get(
        reverse("grants:application", args=[application.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Diagnosis → treatment 14 days faster" in page
    assert "within the lead time (n = 20)" in page

    from lofte.grants.summary import rows

    calls.decide(application, 50_000)
    sheet = rows(2025)["Underlag vad händer om"]
    step = "Diagnosbesked → behandlingsstart"
    assert sheet[1][2:10] == ["sydost", "brost", "2024H1", step, 14, 20, 6, 20]
    # the day it was computed, in Swedish time like the page: 23:30 UTC on 5 December is
    # already 6 December in Stockholm
    WhatIfCitation.objects.update(computed_at=dt.datetime(2026, 12, 5, 23, 30, tzinfo=dt.UTC))
    assert rows(2025)["Underlag vad händer om"][1][10] == "2026-12-06"


def test_a_result_the_public_site_hides_cannot_be_cited(client, call, computed_home):  # noqa: F811
    results = gate(computed_home.instances)
    hidden = [key for key, r in results.items() if not r.shown]
    assert (1, 7) in hidden
    client.force_login(make_user("sara", ["applicant"], [HOME_REGION]))
    url = reverse("grants:application_create", args=[call.pk])
    response = client.post(url, form_data({**CELL, "scenario": "1:7"}))
    assert response.status_code == 400
    assert "kan därför inte citeras" in response.content.decode()
    # a region without a published cell, a county, a year, a half-filled row: refused too
    for row in (
        {**CELL, "region": "norra", "scenario": "2:14"},
        {**CELL, "region": "05", "scenario": "2:14"},
        {**CELL, "period": "2024", "scenario": "2:14"},
        {**CELL, "scenario": ""},
    ):
        assert client.post(url, form_data(row)).status_code == 400, row
    assert not Application.objects.exists()
    assert not WhatIfCitation.objects.exists()


def test_today_not_published_is_said(client, call, computed_home, monkeypatch):  # noqa: F811
    """A later compute that hides the result: the page keeps the snapshot and says so."""
    client.force_login(make_user("sara", ["applicant"], [HOME_REGION]))
    url = reverse("grants:application_create", args=[call.pk])
    assert client.post(url, form_data({**CELL, "scenario": "2:14"})).status_code == 302
    application = Application.objects.get()
    from lofte.grants import whatif as grant_whatif

    monkeypatch.setattr(grant_whatif, "published", lambda *args: None)
    page = client.get(reverse("grants:application", args=[application.pk])).content.decode()
    assert "i dag inte publicerat" in page
    assert "(n = 20), beräknat" in page
