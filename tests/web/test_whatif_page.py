"""The staff's *Vad händer om…?* page: the figures are those of lofte.core.whatif on the
selection, the caveat is there in both languages, scope is enforced and the view is audited."""

from __future__ import annotations

import datetime as dt
import re

import pyarrow.parquet as pq
import pytest
from django.urls import reverse

from lofte.catalog import load
from lofte.core import whatif as core
from lofte.cube import engine as cube_engine
from lofte.cube import service as cube_service
from lofte.cube import whatif
from lofte.web.audit.models import AuditEvent
from tests.svf.engine_helpers import table
from tests.svf.test_engine_property import numbered
from tests.web.accounts.fixtures import HOME_REGION, OTHER_REGION, make_user

pytestmark = [pytest.mark.usefixtures("lofte_home"), pytest.mark.django_db]

START = dt.date(2024, 1, 8)


def history(start: dt.date = START) -> list[dict]:
    """Breast cancer in 05: 20 patients, the target 35 days (2024 version), lead times 30 … 49
    days as 5 + 10 + (15 … 34): shortening the first interval by 7 days saves only its 5 days,
    either later interval moves 7 more patients within (the earlier one is named on a tie)."""
    events = []
    for p in range(20):
        day = start + dt.timedelta(days=3 * p)
        visit = day + dt.timedelta(days=5)
        diagnosis = visit + dt.timedelta(days=10)
        treatment = diagnosis + dt.timedelta(days=15 + p)  # lead 30 + p: 30 … 49
        for suffix, when in ((10, day), (25, visit), (40, diagnosis), (50, treatment)):
            events.append(
                {
                    "patient": f"p{p}",
                    "pathway": "brost",
                    "suffix": suffix,
                    "event_date": when,
                    "reporting_region": HOME_REGION,
                    "residence_region": HOME_REGION,
                }
            )
    return events


@pytest.fixture
def computed_home():
    result = cube_engine.compute(table(numbered(history())), {}, [], load())
    path = cube_service.instances_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(result.instances, path)
    cube = cube_service.cube_path()
    cube.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(result.cube, cube)
    return result


def test_the_page_shows_the_arithmetic_of_the_selection(client, computed_home):
    client.force_login(make_user("anna", ["svf_coordinator"], [HOME_REGION]))
    url = reverse("whatif:page", args=[HOME_REGION])
    params = {"forlopp": "brost", "period": "2024", "intervall": "2", "typ": "shorten"}
    response = client.get(url, {**params, "varde": "7"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    patients = whatif.select(
        whatif.read_table(computed_home.instances), pathway="brost", region=HOME_REGION,
        period="2024",
    )  # fmt: skip
    expected = core.outcome(patients, core.Scenario(2, "shorten", 7))
    assert expected.n == 20 and expected.within_before == 6 and expected.moved > 0
    assert f"{expected.within_before} / 20" in html
    assert f"{expected.within_after} / 20" in html
    assert "inte en prognos" in html
    assert '<option value="alla">Alla vårdförlopp</option>' in html
    # The 7-day table: +5, +7, +7 patients; the earlier of the two best is named.
    row = re.search(r'<table class="table" id="whatif-table">.*?</table>', html, re.S)
    assert row and "Bröstcancer" in row.group(0)
    assert [m for m in re.findall(r"\(\+(\d+)\)", row.group(0))] == ["5", "7", "7"]
    assert row.group(0).count("Första besök → diagnosbesked") == 2  # head and "helps most"
    # Where the days go: the cube's medians and those of the patients who missed.
    days = re.search(r'id="whatif-intervals">.*?</table>', html, re.S)
    assert days and 'data-step="diagnos_till_behandling"' in days.group(0)
    assert AuditEvent.objects.filter(action="figures_viewed", region=HOME_REGION).exists()

    # Shortening by 0 days changes nothing.
    zero = client.get(url, {**params, "varde": "0"}).content.decode()
    assert zero.count(f"{expected.within_before} / 20") == 2

    # English.
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url, params).content.decode()
    assert "not a forecast" in english
    assert '<option value="alla">All pathways</option>' in english
    assert '<option value="brost" selected>Breast cancer</option>' in english


def test_another_county_is_refused(client, computed_home):
    client.force_login(make_user("anna", ["svf_coordinator"], [HOME_REGION]))
    assert client.get(reverse("whatif:page", args=[OTHER_REGION])).status_code == 403


def test_a_coordinator_cannot_widen_the_area(client, computed_home):
    client.force_login(make_user("anna", ["svf_coordinator"], [HOME_REGION]))
    html = client.get(
        reverse("whatif:page", args=[HOME_REGION]), {"omrade": "SE", "forlopp": "brost"}
    ).content.decode()
    assert '<option value="SE"' not in html


def test_a_result_is_cited_in_an_action_with_the_numbers_recomputed(client, computed_home):
    from lofte.web.plans.models import Action, Area, Goal, Plan
    from lofte.web.whatif.models import Citation

    plan = Plan.objects.create(slug="p", name="Plan", organisation="RCC")
    goal = Goal.objects.create(area=Area.objects.create(plan=plan, name="A"), text="G")
    action = Action.objects.create(goal=goal, ref="1", title="Fler ledtider")
    url = reverse("whatif:cite", args=[HOME_REGION])
    form = {"forlopp": "brost", "period": "2024", "intervall": "1", "typ": "shorten",
            "varde": "7", "atgard": str(action.pk), "n": "999"}  # fmt: skip

    # A coordinator may not edit plan actions: refused, nothing stored.
    client.force_login(make_user("anna", ["svf_coordinator"], [HOME_REGION]))
    page = client.get(reverse("whatif:page", args=[HOME_REGION])).content.decode()
    assert "whatif-cite" not in page
    assert client.post(url, form).status_code == 403
    assert not Citation.objects.exists()

    client.force_login(make_user("rut", ["rcc_admin"]))
    page = client.get(reverse("whatif:page", args=[HOME_REGION]), form).content.decode()
    assert 'id="whatif-cite"' in page
    response = client.post(url, form)
    assert response.status_code == 302 and response.url == reverse("plans:action", args=[action.pk])
    citation = Citation.objects.get()
    assert (citation.n, citation.within_before, citation.within_after) == (20, 6, 13)
    assert (citation.pathway, citation.period, citation.interval) == ("brost", "2024", 1)
    assert AuditEvent.objects.filter(action="action_changed", object_id=str(action.pk)).exists()
    detail = client.get(response.url).content.decode()
    assert 'id="whatif-citations"' in detail and "30,0 % → 65,0 %" in detail.replace(".", ",")
    assert citation.url().replace("&", "&amp;") in detail
