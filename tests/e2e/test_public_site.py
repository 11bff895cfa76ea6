"""The public results site in real Chromium: browsing, sharing a view, downloading, languages.

The cube is the small one of ``tests/web/results`` (built with the real engine); the live server
serves it to Debian's chromium driven by Playwright.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.web.results.conftest import _fresh_query_cache, built_site_home, site_home  # noqa: F401

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("site_home"),
]


def state(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def region_rows(page, testid: str) -> list[str]:
    return page.locator(f'[data-testid="{testid}"] tbody tr').evaluate_all(
        "rows => rows.map(r => r.getAttribute('data-region'))"
    )


def test_browse_choose_and_switch_views(live_server, page):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("h1").inner_text() == "Löftena i korthet"
    # the start page opens an indicator
    page.locator('[data-indicator="svf_andel_inom_ledtid"] h3 a').click()
    page.wait_for_url("**indicator=svf_andel_inom_ledtid*")
    assert page.locator("h1").inner_text() == "Andel som startat behandling inom SVF:s ledtid"
    page.wait_for_selector("#chart[data-rendered] svg")
    assert page.locator("#chart svg").get_attribute("role") == "img"
    assert "Jämförelse" in page.locator("#chart svg").get_attribute("aria-label")
    assert len(region_rows(page, "comparison-table")) == 21

    # choose a healthcare region and a pathway with the form, as a visitor does: each choice
    # applies at once (no *Visa* button with JavaScript)
    assert not page.get_by_role("button", name="Visa").is_visible()
    page.select_option("#f-region", "sydost")
    page.wait_for_url("**/?*region=sydost*")
    page.select_option("#f-pathway", "brost")
    page.wait_for_url("**/?*pathway=brost*")
    current = state(page.url)
    assert current["region"] == "sydost" and current["pathway"] == "brost"
    assert sorted(region_rows(page, "comparison-table")) == ["05", "06", "08"]
    page.wait_for_selector("#chart[data-rendered] svg")

    # the funnel plot
    page.get_by_role("link", name="Trattdiagram").click()
    page.wait_for_url("**chart=tratt*")
    page.wait_for_selector("#chart[data-rendered] svg")

    # trend, keeping every choice
    page.get_by_role("link", name="Trend").click()
    page.wait_for_url("**view=trend*")
    assert {k: v for k, v in state(page.url).items() if k != "view"} == {
        k: v for k, v in current.items() if k not in ("view", "chart")
    } | {"chart": "tratt"}
    page.wait_for_selector("#chart[data-rendered] svg")
    assert page.locator("#chart svg .mark-line path").count() >= 1
    assert set(region_rows(page, "wide-table")) == {"05", "06", "08", "sydost", "SE"}

    # the map draws 21 tiles and lists the area's counties
    page.get_by_role("link", name="Karta").click()
    page.wait_for_url("**view=karta*")
    page.wait_for_selector("#chart[data-rendered] svg")
    assert page.locator("#chart svg .mark-rect.role-mark").first.locator("path").count() == 21
    assert sorted(region_rows(page, "map-table")) == ["05", "06", "08"]

    # about the indicator
    page.get_by_role("link", name="Om indikatorn").click()
    page.wait_for_url("**view=om*")
    assert "Teknisk beskrivning" in page.locator("main").inner_text()


def test_download_the_table(live_server, page):
    page.goto(live_server.url + "/?view=tabell&region=sydost")
    with page.expect_download() as info:
        page.locator('[data-testid="download-csv"]').click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8") as fh:
        rows = list(csv.DictReader(io.StringIO(fh.read())))
    assert {r["region"] for r in rows} == {"05", "06", "08", "sydost", "SE"}
    for row in rows:
        if row["suppressed"] == "1":
            assert row["value"] == row["numerator"] == row["denominator"] == ""


def test_a_shared_link_opens_the_same_view(live_server, page, browser):
    page.goto(
        live_server.url
        + "/?indicator=svf_ledtid_median&region=syd&pathway=kolorektal&ptype=quarter&view=tabell"
    )
    shared = page.locator("#share-url").input_value()
    assert state(shared)["indicator"] == "svf_ledtid_median"
    assert state(shared)["ptype"] == "quarter" and state(shared)["view"] == "tabell"
    heading = page.locator("h1").inner_text()
    table = page.locator('[data-testid="wide-table"]').inner_text()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Kopiera länken").click()
    # the clipboard write is asynchronous: wait for the status to say it is done
    expect(page.locator(".share__status")).to_have_text("Länken är kopierad.")
    assert page.evaluate("navigator.clipboard.readText()") == shared

    # someone else opens the link in their own browser
    other = browser.new_context(locale="sv-SE")
    try:
        visitor = other.new_page()
        visitor.goto(shared)
        assert visitor.locator("h1").inner_text() == heading
        assert visitor.locator('[data-testid="wide-table"]').inner_text() == table
        assert visitor.locator("#f-region").input_value() == "syd"
        assert visitor.locator("#f-pathway").input_value() == "kolorektal"
        assert visitor.locator("#f-ptype").input_value() == "quarter"
        assert visitor.locator('.tabs a[aria-current="page"]').inner_text() == "Tabell"
    finally:
        other.close()


def test_english_and_keyboard(live_server, page):
    page.goto(live_server.url + "/?view=trend")
    # the first Tab reaches the skip link, which leads to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # every form control has a label
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('main select, main input:not([type=hidden])')]
        .filter(el => !el.labels || el.labels.length === 0).map(el => el.id)"""
    )
    assert unlabelled == []
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator('.tabs a[aria-current="page"]').inner_text() == "Trend"
    assert "Share starting treatment within the SVF lead time" in page.locator("h1").inner_text()
    assert page.get_by_role("link", name="Comparison").count() == 1


def test_fits_a_phone_screen(live_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE")
    try:
        phone = context.new_page()
        phone.set_default_timeout(15_000)
        for view in ("jamforelse", "trend", "tabell", "karta", "om"):
            phone.goto(f"{live_server.url}/?region=sydost&view={view}")
            if view in ("jamforelse", "trend", "karta"):
                phone.wait_for_selector("#chart[data-rendered] svg")
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (view, width)  # no sideways scrolling of the page itself
    finally:
        context.close()
