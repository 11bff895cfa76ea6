"""The coordinators' desk in real Chromium: login, a bad then a good delivery uploaded from the
browser, another region's lists denied, and the audit log showing all of it to the admin."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.accounts.fixtures import (
    IMMEDIATE,
    OTHER_REGION,
    PASSWORD,
    bad_file,
    good_file,
    make_user,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("lofte_home"),
]


def login(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/konto/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Logga in')")
    page.wait_for_url(f"{base}/konto/")


def upload(page, base: str, path) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/skrivbord/")
    page.wait_for_url(f"{base}/skrivbord/05/")
    page.set_input_files("#id_file", str(path))
    page.fill("#id_window_from", "2024-01-01")
    page.fill("#id_window_to", "2024-12-31")
    page.click("#upload-form button[type=submit]")
    # XHR upload with a progress bar → the job page polls its status → the validation report.
    page.wait_for_url(re.compile(r".*/skrivbord/leveranser/\d+/$"))


def test_coordinator_delivers_bad_then_good_and_is_denied_other_region(
    live_server, page, settings, tmp_path, make_personnummer
):
    settings.TASKS = IMMEDIATE
    make_user("anna", ["svf_coordinator"], ["05"])
    make_user("admin", ["rcc_admin"])
    base = live_server.url

    # Wrong password first: refused, and audited.
    page.goto(f"{base}/konto/logga-in/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", "inte-rätt")
    page.click("button[type=submit]:has-text('Logga in')")
    # The refusal arrives on a new page load: wait for it, do not sample mid-navigation.
    expect(page.locator("p.error")).to_be_visible()

    login(page, base, "anna")
    assert "Välkommen" in page.text_content("h1")

    upload(page, base, bad_file(tmp_path, make_personnummer))
    assert "Leveransen avvisades" in page.text_content("main")
    rows = page.locator("#errors tbody tr")
    assert rows.count() == 2
    assert page.text_content("#errors caption") == "Fil: dalig.csv"
    assert rows.nth(0).locator("td").nth(0).text_content() == "3"
    assert rows.nth(0).locator("td").nth(1).text_content() == "personnummer"
    assert rows.nth(0).locator("td").nth(2).text_content().endswith("-****")
    assert rows.nth(1).locator("td").nth(0).text_content() == "4"

    upload(page, base, good_file(tmp_path, make_personnummer))
    assert page.get_attribute("#delivery-status", "data-status") == "active"
    assert "Leveransen är godkänd" in page.text_content("main")

    page.goto(f"{base}/skrivbord/05/leveranser/")
    assert page.locator("table.deliveries tbody tr").count() == 2

    for slug in ("utanfor-ledtid", "kodningsproblem"):
        response = page.goto(f"{base}/skrivbord/{OTHER_REGION}/listor/{slug}/")
        assert response is not None and response.status == 403
    response = page.goto(f"{base}/skrivbord/05/listor/utanfor-ledtid/")
    assert response is not None and response.status == 200

    page.click("button:has-text('Logga ut')")
    page.wait_for_url(f"{base}/konto/logga-in/")

    login(page, base, "admin")
    page.click("nav a:has-text('Granskningslogg')")
    page.wait_for_url(f"{base}/granskningslogg/")
    page.select_option("#id_action", "access_denied")
    page.fill("#id_user", "anna")
    page.click("button:has-text('Filtrera')")
    page.wait_for_url(re.compile(r".*action=access_denied.*"))
    denied = page.locator("#audit-events tbody tr")
    assert denied.count() == 2
    assert {denied.nth(i).locator("td").nth(3).text_content() for i in range(2)} == {OTHER_REGION}

    page.goto(f"{base}/granskningslogg/?user=anna")
    actions = page.eval_on_selector_all(
        "#audit-events tbody tr", "rows => rows.map(r => r.dataset.action).reverse()"
    )
    assert actions == [
        "login_failed",
        "login",
        "delivery_uploaded",
        "delivery_rejected",
        "delivery_viewed",
        "delivery_uploaded",
        "delivery_imported",
        "delivery_viewed",
        "access_denied",
        "access_denied",
        "list_viewed",
        "logout",
    ]
    text = page.text_content("#audit-events")
    assert "Leverans avvisad" in text and "Patientlista visad" in text


def test_upload_progress_is_polled_until_the_worker_has_run(
    live_server, page, settings, tmp_path, make_personnummer
):
    """With the database backend the job waits in the queue; the page shows it and polls, and
    when the worker has run the import the page moves on to the validation report by itself."""
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    make_user("anna", ["svf_coordinator"], ["05"])
    base = live_server.url
    login(page, base, "anna")
    page.goto(f"{base}/skrivbord/05/")
    page.set_input_files("#id_file", str(good_file(tmp_path, make_personnummer)))
    page.fill("#id_window_from", "2024-01-01")
    page.fill("#id_window_to", "2024-12-31")
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/skrivbord/jobb/\d+/$"))
    assert page.get_attribute("#job-status", "data-status") == "queued"
    assert page.get_attribute("#job-progress", "value") == "0"

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    page.wait_for_url(re.compile(r".*/skrivbord/leveranser/\d+/$"))
    assert page.get_attribute("#delivery-status", "data-status") == "active"
    message = page.text_content(".messages") or ""
    assert re.search(r"Leverans \d+ från region 05 importerad: 9 händelser", message)
