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


def _history() -> list[dict]:
    """Breast cancer in 05: 20 patients, the target 35 days (2024 version); the diagnosis to
    treatment interval is long for the late ones, so shortening it helps most."""
    events = []
    for p in range(20):
        day = START + dt.timedelta(days=3 * p)
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
    result = cube_engine.compute(table(numbered(_history())), {}, [], load())
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
    # The 7-day table: diagnosis → treatment helps most; the other two intervals as much.
    row = re.search(r'<table class="table" id="whatif-table">.*?</table>', html, re.S)
    assert row and "Bröstcancer" in row.group(0)
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


def test_another_county_is_refused(client, computed_home):
    client.force_login(make_user("anna", ["svf_coordinator"], [HOME_REGION]))
    assert client.get(reverse("whatif:page", args=[OTHER_REGION])).status_code == 403


def test_a_coordinator_cannot_widen_the_area(client, computed_home):
    client.force_login(make_user("anna", ["svf_coordinator"], [HOME_REGION]))
    html = client.get(
        reverse("whatif:page", args=[HOME_REGION]), {"omrade": "SE", "forlopp": "brost"}
    ).content.decode()
    assert '<option value="SE"' not in html
