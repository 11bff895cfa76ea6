"""The desk's list CSVs never carry a live formula: a delivery file name (chosen by whoever sent
the file) that begins with ``=`` is written as text."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from lofte.cube import service as cube_service
from lofte.svf.deliveries import import_delivery
from tests.svf.test_reader import write_csv
from tests.web.accounts.fixtures import HOME_REGION, good_rows

pytestmark = [pytest.mark.usefixtures("lofte_home", "immediate_tasks"), pytest.mark.django_db]

EVIL_NAME = '=HYPERLINK("http:§§example.invalid";"öppna").csv'


def test_list_csv_neutralises_a_formula_file_name(client, coordinator, tmp_path, make_personnummer):
    path = write_csv(tmp_path / EVIL_NAME, good_rows(make_personnummer))
    delivery = import_delivery(
        path,
        HOME_REGION,
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
        today=dt.date(2025, 6, 30),
    )
    assert delivery.outcome == "imported" and delivery.file_name == EVIL_NAME
    cube_service.compute()
    client.force_login(coordinator)
    response = client.get(reverse("desk:list_csv", args=[HOME_REGION, "utanfor-ledtid"]))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows and {r["Fil"] for r in rows} == {"'" + EVIL_NAME}
    assert all(not value.startswith("=") for r in rows for value in r.values())
    assert rows[0]["Rad"] == "5"  # numbers stay as they were


def test_a_compute_job_on_a_damaged_store_fails_with_the_reason(
    client, statistician, tmp_path, make_personnummer, django_capture_on_commit_callbacks
):
    from lofte import config
    from lofte.web.desk.models import Job

    path = write_csv(tmp_path / "bra.csv", good_rows(make_personnummer))
    delivery = import_delivery(
        path, HOME_REGION, dt.date(2024, 1, 1), dt.date(2024, 12, 31), today=dt.date(2025, 6, 30)
    )
    events = config.home() / delivery.events_path
    events.write_bytes(events.read_bytes()[:-10])  # truncated
    client.force_login(statistician)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("desk:operations"), {"what": "compute"})
    job = Job.objects.get(kind="compute")
    assert job.status == Job.Status.FAILED
    assert job.message.startswith("Kunde inte slutföras: händelselagret stämmer inte")
    assert f"leverans {delivery.pk}" in job.message and "Internt fel" not in job.message
    assert not cube_service.cube_path().exists()
