"""Every page a role may open fits a phone: at 390 px in Chromium nothing makes the page wider
than the screen (a wide table scrolls in its own box). The pages are those of the URL × role
test (``tests/web/test_url_roles.py``) that answer the role with 200, with the same small world
behind them; downloads are left out. Long unbroken words are put where pages show them (a
plan's name, an action's title, a delivery's file name) so that wrapping is tested too."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.web.test_url_roles import ANONYMOUS, CASES, USERS
from tests.web.world import World, world_fixture  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PASSWORD = "x-Lösen-123456"
#: A Swedish compound as long as the ones the demo's headings hold.
LONG = "Täckningsgradenförcervixcancerscreeningsprogrammet"
#: The roles whose pages together cover every page of the site.
ROLES = (ANONYMOUS, "coordinator", "process_leader", "rcc_admin", "applicant", "decision_maker")


def lengthen(world: World) -> None:
    """Long, unbreakable texts where the world's pages show names."""
    from lofte.svf.models import Delivery
    from lofte.web.plans.models import Action, Plan

    Plan.objects.filter(slug=world.plan).update(name=f"Handlingsplan {LONG}")
    Action.objects.filter(pk=world.own_action).update(title=f"Ledtider {LONG}")
    Delivery.objects.filter(pk=world.own_delivery).update(file_name=f"{LONG}_{LONG}.csv")


def pages_for(role: str, world: World) -> list[str]:
    """The GET URLs that answer ``role`` with 200."""
    urls = []
    for name, cases in CASES.items():
        for case in cases:
            if case.method != "get" or case.expected[role] != 200:
                continue
            kwargs = {k: v(world) if callable(v) else v for k, v in case.kwargs.items()}
            urls.append(reverse(name, kwargs=kwargs))
    return sorted(set(urls))


@pytest.mark.parametrize("role", ROLES)
def test_no_page_is_wider_than_a_phone(
    live_server: Any, browser: Any, world: World, role: str
) -> None:
    lengthen(world)
    context = browser.new_context(viewport=PHONE, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        if role != ANONYMOUS:
            from lofte.web.accounts.services import save_user

            roles, regions, pathways = USERS[role]
            save_user(f"p_{role}", roles=roles, regions=regions, pathways=pathways,
                      password=PASSWORD, create=True)  # fmt: skip
            page.goto(f"{live_server.url}/konto/logga-in/")
            page.fill("#id_username", f"p_{role}")
            page.fill("#id_password", PASSWORD)
            with page.expect_navigation():
                page.click(".login__form button[type=submit]")
        wide, seen = [], 0
        for url in pages_for(role, world):
            if url.endswith(("/logga-ut/",)):
                continue
            try:
                response = page.goto(live_server.url + url)
            except Exception as exc:  # a download (CSV, XLSX, PDF) is not a page
                if "Download is starting" in str(exc):
                    continue
                raise
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            seen += 1
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide.append(f"{url}: {width} px")
        assert seen > 0
        assert not wide, f"{role}: wider than {PHONE['width']} px:\n" + "\n".join(wide)
    finally:
        context.close()
