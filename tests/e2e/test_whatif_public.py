"""The public *Vad händer om…?* page in real Chromium at 390 and 1280 px, in both languages:
the grid shows what the gate lets through and "–¹" with the rule otherwise, nothing is wider
than the screen (only the table may scroll in its own box), no script error. Screenshots are
written to ``LOFTE_E2E_SHOTS`` when set (for a person to look at), else to the test's tmp dir."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lofte.cube import query
from tests.web.test_whatif_page import computed_home  # noqa: F401

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("lofte_home"),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CELL = "/vad-hander-om/?region=sydost&forlopp=brost&period=2024H1"
VISA = {"sv": "Visa", "en": "Show"}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_the_public_what_if_page_fits_and_shows_the_gated_grid(
    live_server,
    browser,
    viewport,
    tmp_path,
    computed_home,  # noqa: F811
):
    query.clear_cache()
    shots = Path(os.environ.get("LOFTE_E2E_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    for lang, locale in (("sv", "sv-SE"), ("en", "en-GB")):
        context = browser.new_context(viewport=viewport, locale=locale)
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            errors: list[str] = []
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            page.goto(live_server.url + CELL)
            assert page.get_attribute("html", "lang") == lang  # the browser's language
            grid = page.locator("#whatif-grid")
            assert grid.is_visible()
            shown = page.locator("#whatif-grid td .v").all_text_contents()
            assert "–¹" in shown and any("%" in s for s in shown)
            assert page.locator("#whatif-rule").is_visible()
            assert page.locator("#whatif-best").count() == 1
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (lang, viewport, width)
            caveat = page.text_content("#whatif-caveat") or ""
            assert ("inte en prognos" if lang == "sv" else "not a forecast") in caveat
            # a changed choice applies at once: no *Visa* to press with JavaScript
            assert not page.get_by_role("button", name=VISA[lang]).is_visible()
            page.select_option("#whatif-region", "norra")
            page.wait_for_url("**region=norra**")
            expect(page.locator("#whatif-none")).to_be_visible()
            page.goto(live_server.url + CELL)
            page.screenshot(
                path=str(shots / f"whatif-{lang}-{viewport['width']}.png"), full_page=True
            )
            assert not errors, errors
        finally:
            context.close()


def test_without_javascript_the_what_if_form_applies_with_its_button(
    live_server,
    browser,
    computed_home,  # noqa: F811
):
    query.clear_cache()
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(live_server.url + CELL)
        page.select_option("#whatif-region", "norra")
        assert "region=sydost" in page.url  # nothing happens until the visitor asks
        page.get_by_role("button", name="Visa").click()
        page.wait_for_url("**region=norra**")
        expect(page.locator("#whatif-none")).to_be_visible()
    finally:
        context.close()
