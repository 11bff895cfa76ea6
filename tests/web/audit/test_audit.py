"""The audit log: masking, the viewer's filters and paging, and who may read what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lofte.web.audit.models import AuditEvent
from lofte.web.audit.service import mask, record

pytestmark = pytest.mark.django_db


def test_personnummer_shaped_values_are_masked(make_personnummer):
    pnr = make_personnummer(dt.date(1961, 4, 5), 321)
    event = record(
        "list_viewed",
        username="x",
        details={"note": f"rad med {pnr}", "nested": [f"{pnr[2:8]}-{pnr[8:]}"], "n": 3},
    )
    event.refresh_from_db()
    text = str(event.details)
    assert pnr not in text and pnr[8:] not in text
    assert event.details["note"] == f"rad med {pnr[:8]}-****"
    assert event.details["nested"] == [f"{pnr[2:8]}-****"]
    assert event.details["n"] == 3
    assert mask("leverans 12, rad 345") == "leverans 12, rad 345"


def _events(admin, coordinator) -> None:  # type: ignore[no-untyped-def]
    record("list_viewed", user=coordinator, region="05", object_id="utanfor-ledtid")
    record("list_exported", user=coordinator, region="05")
    record("list_viewed", user=admin, region="06")
    record("user_created", user=admin)
    old = record("compute", user=admin)
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=40))


def test_admin_filters_by_action_user_region_and_date(client, admin, coordinator):
    _events(admin, coordinator)
    client.force_login(admin)

    def shown(**params: str) -> list[str]:
        response = client.get(reverse("audit:list"), params)
        assert response.status_code == 200
        return [e.action for e in response.context["page"]]

    assert len(shown()) == 6  # five recorded + the admin's own login
    assert shown(action="list_viewed") == ["list_viewed", "list_viewed"]
    assert shown(user="anna") == ["list_exported", "list_viewed"]
    assert shown(region="06") == ["list_viewed"]
    today = timezone.localdate()
    assert "compute" not in shown(date_from=(today - dt.timedelta(days=1)).isoformat())
    assert shown(date_to=(today - dt.timedelta(days=30)).isoformat()) == ["compute"]
    html = client.get(reverse("audit:list"), {"action": "list_viewed"}).content.decode()
    assert "Patientlista visad" in html and "anna" in html


def test_viewer_pages(client, admin):
    for i in range(120):
        record("list_viewed", username=f"u{i}", region="05")
    client.force_login(admin)
    first = client.get(reverse("audit:list"), {"region": "05"})
    assert len(first.context["page"]) == 50 and first.context["page"].paginator.num_pages == 3
    assert "region=05&amp;sida=2" in first.content.decode()
    last = client.get(reverse("audit:list"), {"region": "05", "sida": "3"})
    assert len(last.context["page"]) == 20


def test_coordinator_sees_only_own_region_events(client, admin, coordinator):
    _events(admin, coordinator)
    client.force_login(coordinator)
    response = client.get(reverse("audit:list"))
    assert response.status_code == 200
    assert {e.region for e in response.context["page"]} == {"05"}
    assert len(response.context["page"]) == 2


def test_others_cannot_read_the_log(client, statistician, db):
    assert client.get(reverse("audit:list")).status_code == 302  # to login
    client.force_login(statistician)
    assert client.get(reverse("audit:list")).status_code == 403
