"""Every page a role may open, as a phone and a screen reader meet it: at 390 px in Chromium
nothing makes the page wider than the screen (a wide table scrolls in its own box), and axe-core
(axe-playwright-python, which ships it) finds no violation of WCAG 2.1 A and AA – the level the
Swedish law on accessible public digital services (DOS-lagen) asks of a public body's site.

The pages are those of the URL × role test (``tests/web/test_url_roles.py``) that answer the
role with 200, with the same small world behind them; downloads are left out. Long unbroken
words are put where pages show them (a plan's name, an action's title, a delivery's file name)
so that wrapping is tested too."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from tests.web.test_url_roles import ANONYMOUS, CASES, USERS
from tests.web.world import World, world_fixture  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PASSWORD = "x-Lösen-123456"
#: A Swedish compound as long as the ones the demo's headings hold.
LONG = "Täckningsgradenförcervixcancerscreeningsprogrammet"
#: axe-core's rules for WCAG 2.0 and 2.1, levels A and AA.
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
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
def test_every_page_fits_a_phone_and_passes_axe(
    live_server: Any, browser: Any, world: World, role: str
) -> None:
    lengthen(world)
    # axe is put into each page by the test (the site's own policy would refuse it: test_csp.py)
    context = browser.new_context(viewport=PHONE, locale="sv-SE", bypass_csp=True)
    axe = Axe()
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
        wide, inaccessible, seen = [], [], 0
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
            if page.locator("[data-spec]").count():  # a chart: measured once it is drawn
                page.wait_for_selector("[data-rendered], [data-error]", state="attached")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide.append(f"{url}: {width} px")
            for v in axe.run(page, options=WCAG_AA).response["violations"]:
                where = ", ".join(str(n["target"]) for n in v["nodes"][:3])
                inaccessible.append(f"{url}: {v['id']} ({v['impact']}) at {where}")
        assert seen > 0
        assert not wide, f"{role}: wider than {PHONE['width']} px:\n" + "\n".join(wide)
        assert not inaccessible, f"{role}: WCAG 2.1 AA:\n" + "\n".join(inaccessible)
    finally:
        context.close()
