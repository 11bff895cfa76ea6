"""A strict Content-Security-Policy, and no page of the site breaks it (real Chromium).

Every public page (each view of the results, reports, the API page, a published report, the
login and error pages) and every staff page (as rcc_admin, plus an upload from the desk) is
opened with a listener for ``securitypolicyviolation`` events and console errors; the charts
must still be drawn, which they are only when Vega runs without ``eval``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.accounts.fixtures import IMMEDIATE, PASSWORD, bad_file, make_user
from tests.web.world import World, world_fixture  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " +
                    (e.sourceFile || document.location.pathname) + ":" + e.lineNumber);
});
"""


class Watcher:
    """Collects CSP violations and console errors of every page the browser opens."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        self.expected_status: int | None = None
        page.add_init_script(WATCH)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"{page.url}: page error {exc}"))

    def _console(self, message: Any) -> None:
        text = message.text
        if message.type != "error":
            return
        if "Failed to load resource" in text and self.expected_status in (403, 404, 429):
            return  # the browser reports the page's own error status
        self.problems.append(f"{self.page.url}: console: {text}")

    def visit(self, url: str, status: int = 200, chart: bool = False) -> None:
        self.expected_status = status
        response = self.page.goto(url)
        assert response is not None and response.status == status, (url, response)
        policy = response.headers.get("content-security-policy", "")
        if "/rapport/" not in url:
            assert "script-src 'self'" in policy and "unsafe" not in policy, (url, policy)
        if chart:
            self.page.wait_for_selector("#chart[data-rendered] svg")
        self.collect()

    def collect(self) -> None:
        self.page.wait_for_load_state("load")
        found = self.page.evaluate("window.__csp || []")
        self.problems.extend(f"{self.page.url}: CSP {v}" for v in found)


def test_no_page_violates_the_content_security_policy(
    live_server: Any, page: Any, world: World, settings: Any, tmp_path: Any, make_personnummer: Any
) -> None:
    settings.TASKS = IMMEDIATE
    base = live_server.url
    watch = Watcher(page)

    # Public pages.
    views = ["?view=jamforelse", "?view=jamforelse&chart=tratt", "?view=trend", "?view=karta"]
    for query in [*views, "?view=karta&region=sydost"]:
        watch.visit(f"{base}/{query}", chart=True)
    for query in ("", "?omrade=sydost", "?view=tabell", "?view=om", "?region=sydost&pathway=brost"):
        watch.visit(f"{base}/{query}")
    for path in (
        "/rapporter/",
        "/om-statistiken/",
        "/api/",
        "/konto/logga-in/",
        "/beviljade-projekt/",
        "/vad-hander-om/",
        "/vad-hander-om/?region=sydost&forlopp=brost&period=2024H1",
    ):
        watch.visit(base + path)
    watch.visit(f"{base}/finns-inte/", status=404)
    # The published report has its own policy: its inline blocks by hash (the Vega bundle ran).
    watch.visit(f"{base}/rapport/sydost/2024H1/report.html")
    assert page.evaluate("typeof window.vegaEmbed") == "function"

    # A locked login shows its message without breaking the policy either.
    make_user("admin", ["rcc_admin"])
    watch.expected_status = 429
    for _ in range(5):
        page.goto(f"{base}/konto/logga-in/")
        page.fill("#id_username", "nobody")
        page.fill("#id_password", "wrong")
        with page.expect_navigation():
            page.click(".login__form button[type=submit]")
    assert page.locator("#login-locked").is_visible()
    watch.collect()

    # Staff pages as rcc_admin.
    page.goto(f"{base}/konto/logga-in/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click(".login__form button[type=submit]")
    page.wait_for_url(f"{base}/konto/")
    watch.collect()
    staff = [
        "/konto/",
        "/skrivbord/",
        "/skrivbord/05/",
        "/skrivbord/05/leveranser/",
        "/skrivbord/05/siffror/",
        "/skrivbord/05/listor/utanfor-ledtid/",
        "/skrivbord/05/listor/pagaende-over-malet/",
        "/skrivbord/05/listor/kodningsproblem/",
        f"/skrivbord/leveranser/{world.own_delivery}/",
        f"/skrivbord/jobb/{world.own_job}/",
        "/skrivbord/drift/",
        "/konto/anvandare/",
        "/konto/anvandare/ny/",
        f"/konto/anvandare/{world.user}/",
        "/granskningslogg/",
        "/stimulansmedel/",
        f"/stimulansmedel/utlysningar/{world.call}/",
        f"/stimulansmedel/utlysningar/{world.call}/beslutsmote/",
        f"/stimulansmedel/ansokningar/{world.submitted}/",
        f"/stimulansmedel/ansokningar/{world.granted}/",
        "/stimulansmedel/huvudbok/",
    ]
    for path in staff:
        watch.visit(base + path)
    watch.visit(f"{base}/skrivbord/leveranser/999999/", status=404)

    # The desk's scripts: an upload with the progress bar, then the job page follows it.
    page.goto(f"{base}/skrivbord/05/")
    page.set_input_files("#id_file", str(bad_file(tmp_path, make_personnummer)))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/skrivbord/leveranser/\d+/$"))
    watch.collect()

    # A running job's page polls its status with job.js.
    from lofte.web.desk.models import Job

    running = Job.objects.create(kind=Job.Kind.COMPUTE, status=Job.Status.RUNNING, total=4)
    with page.expect_request(re.compile(rf".*/skrivbord/jobb/{running.pk}/status/$")):
        page.goto(f"{base}/skrivbord/jobb/{running.pk}/")
    watch.collect()

    assert not watch.problems, "\n".join(watch.problems)
