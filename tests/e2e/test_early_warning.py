"""The early warning (issue 16 item 3) in real Chromium: a demo coordinator's start page counts
per pathway, the list of pathways about to pass their target (7 and 14 days) with delivery, file
and line, its CSV, and a process leader who sees her pathway only."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from lofte.cube import service as cube_service
from lofte.svf.deliveries import import_delivery
from tests.svf.test_reader import write_csv
from tests.web.accounts.fixtures import HOME_REGION, make_user
from tests.web.desk.test_early_warning import CUTOFF, EVIL_NAME, HISTORY, line_of

from .test_desk import login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("lofte_home"),
]


def cells(row) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.strip() for c in row.locator("td, th").all_text_contents()]


def test_coordinator_and_process_leader_see_the_early_warning(
    live_server, page, tmp_path, make_personnummer
):
    people = [make_personnummer(dt.date(1940 + i, 1 + i, 2 + i), 300 + i) for i in range(10)]
    rows = [[people[n], kva, day, HOME_REGION, HOME_REGION, ""] for n, kva, day in HISTORY]
    delivery = import_delivery(
        write_csv(tmp_path / EVIL_NAME, rows),
        HOME_REGION,
        dt.date(2024, 1, 1),
        CUTOFF,
        today=dt.date(2025, 6, 30),
    )
    cube_service.compute()
    make_user("anna", ["svf_coordinator"], [HOME_REGION])
    base = live_server.url

    login(page, base, "anna")
    page.goto(f"{base}/skrivbord/")
    page.wait_for_url(f"{base}/skrivbord/{HOME_REGION}/")
    counts = page.locator("#warning-counts tbody tr")
    assert [cells(counts.nth(i)) for i in range(counts.count())] == [
        ["Bröstcancer", "3", "4", "1"],
        ["Tjock- och ändtarmscancer", "2", "2", "0"],
    ]

    page.click("#warning-counts thead a:has-text('Inom 7 dagar')")
    page.wait_for_url(f"{base}/skrivbord/{HOME_REGION}/listor/snart-over-malet/?dagar=7")
    assert page.text_content("h1").startswith("Snart över målet")
    table = page.locator("#patient-list tbody tr")
    assert table.count() == 5
    headers = [h.strip() for h in page.locator("#patient-list thead th").all_text_contents()]
    first = dict(zip(headers, cells(table.nth(0)), strict=True))
    assert first["Dagar kvar"] == "0" and first["Vårdförlopp"] == "Bröstcancer"
    assert first["Leverans"] == str(delivery.pk) and first["Fil"] == EVIL_NAME
    assert first["Rad"] == line_of(0, "VG910")
    days_left = [
        dict(zip(headers, cells(table.nth(i)), strict=True))["Dagar kvar"] for i in range(5)
    ]
    assert days_left == ["0", "0", "1", "3", "6"]
    text = page.text_content("main")
    for pnr in people:
        assert pnr not in text and pnr[2:] not in text

    page.click("#horizons a:has-text('14 dagar')")
    page.wait_for_url(f"{base}/skrivbord/{HOME_REGION}/listor/snart-over-malet/?dagar=14")
    assert page.locator("#patient-list tbody tr").count() == 6

    with page.expect_download() as info:
        page.click("#csv-export")
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    exported = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [r["Dagar kvar"] for r in exported] == ["0", "0", "1", "3", "6", "7"]
    assert {r["Fil"] for r in exported} == {"'" + EVIL_NAME}

    page.click("button:has-text('Logga ut')")
    page.wait_for_url(f"{base}/konto/logga-in/")

    from lofte.web.accounts.services import save_user

    make_user("pia", ["process_leader"], [HOME_REGION])
    save_user("pia", roles=["process_leader"], regions=[HOME_REGION], pathways=["kolorektal"])
    login(page, base, "pia")
    page.goto(f"{base}/skrivbord/")
    page.wait_for_url(f"{base}/skrivbord/{HOME_REGION}/siffror/")
    counts = page.locator("#warning-counts tbody tr")
    assert [cells(counts.nth(i)) for i in range(counts.count())] == [
        ["Tjock- och ändtarmscancer", "2", "2", "0"]
    ]
    page.click("#warning-counts thead a:has-text('Inom 14 dagar')")
    page.wait_for_url(f"{base}/skrivbord/{HOME_REGION}/listor/snart-over-malet/?dagar=14")
    assert page.locator("#patient-list tbody tr").count() == 2
    assert "Tjock- och ändtarmscancer" in page.text_content("#patient-list")
    assert "Bröstcancer" not in page.text_content("#patient-list")
