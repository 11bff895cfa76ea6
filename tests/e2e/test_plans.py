"""Action plans in real Chromium: a process leader updates the status of her own action, is
refused (403) when she tampers with another region's action, and the audit log shows both."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.test_desk import login
from tests.web.accounts.fixtures import make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("lofte_home"),
]

DATA = Path(__file__).resolve().parents[2] / "src" / "lofte" / "web" / "plans" / "data"


def test_process_leader_updates_own_action_and_is_refused_on_another(live_server, page):
    from lofte.web.audit.models import AuditEvent
    from lofte.web.plans import planread
    from lofte.web.plans.models import Action

    kronoberg = planread.import_plan(DATA / "region-kronoberg-handlingsplan-cancer.yaml")
    leader = make_user("pia", ["process_leader"], ["05"])
    make_user("admin", ["rcc_admin"])
    own = Action.objects.get(goal__area__plan=kronoberg, ref="MB20.1")
    own.responsible_users.add(leader)
    other = Action.objects.get(goal__area__plan=kronoberg, ref="MB9.1")
    base = live_server.url

    login(page, base, "pia")
    page.click("nav a:has-text('Handlingsplaner')")
    page.click(".subnav a:has-text('Mina åtgärder')")
    page.wait_for_url(f"{base}/handlingsplaner/mina/")
    page.click("tr[data-ref='MB20.1'] td a >> nth=0")
    page.wait_for_url(f"{base}/handlingsplaner/atgarder/{own.pk}/")
    assert page.get_attribute("#action-status", "data-status") == "planeras"
    page.select_option("#id_status", "pagaende")
    page.fill("#id_comment", "Uppdragsbeskrivningen är ute på remiss")
    page.fill("#id_due_date", "2026-03-31")
    # The form posts to the page's own address and is redirected back to it: wait for the new
    # page, not for the address (which already matches).
    with page.expect_navigation(url=f"{base}/handlingsplaner/atgarder/{own.pk}/"):
        page.click("#update-form button[type=submit]")
    page.wait_for_selector("#action-status[data-status='pagaende']")
    assert page.get_attribute("#action-status", "data-status") == "pagaende"
    assert "Åtgärden uppdaterades." in page.text_content("main")
    first = page.locator("#history tbody tr").nth(0)
    assert "Uppdragsbeskrivningen är ute på remiss" in first.text_content()
    assert "pia" in first.text_content()
    assert "2026-03-31" in page.text_content("#action-due")

    # Another region's action: no form on the page; a forged post is refused.
    page.goto(f"{base}/handlingsplaner/atgarder/{other.pk}/")
    assert page.locator("#update-form").count() == 0
    # Wait for the refused post's page to be shown (its navigation), not only for its answer.
    with page.expect_navigation(url=re.compile(rf".*/atgarder/{other.pk}/$")) as answer:
        page.evaluate(
            """() => {
              const form = document.createElement("form");
              form.method = "post";
              form.action = window.location.pathname;
              const fields = {
                csrfmiddlewaretoken:
                  document.querySelector("input[name=csrfmiddlewaretoken]").value,
                status: "installd", date: "2025-10-01", comment: "", due_date: "",
              };
              for (const [name, value] of Object.entries(fields)) {
                const input = document.createElement("input");
                input.name = name; input.value = value; form.appendChild(input);
              }
              document.body.appendChild(form);
              form.submit();
            }"""
        )
    assert answer.value is not None and answer.value.status == 403
    other.refresh_from_db()
    assert other.status == "ej_paborjad" and not other.updates.exists()

    page.goto(f"{base}/")
    page.click("button:has-text('Logga ut')")
    page.wait_for_url(f"{base}/konto/logga-in/")
    login(page, base, "admin")
    page.click("nav a:has-text('Granskningslogg')")
    page.fill("#id_user", "pia")
    page.click("button:has-text('Filtrera')")
    page.wait_for_url(re.compile(r".*user=pia.*"))
    rows = page.eval_on_selector_all(
        "#audit-events tbody tr", "rows => rows.map(r => r.dataset.action)"
    )
    assert "action_changed" in rows and "access_denied" in rows
    text = page.text_content("#audit-events")
    assert "Åtgärd ändrad" in text and "Åtkomst nekad" in text
    assert f"Action {own.pk}" in text and f"plans:action {other.pk}" in text
    assert AuditEvent.objects.filter(action="access_denied", username="pia").count() == 1
