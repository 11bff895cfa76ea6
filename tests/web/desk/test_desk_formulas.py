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
