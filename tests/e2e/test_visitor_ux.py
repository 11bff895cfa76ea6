"""A first-time visitor's view in real Chromium: a phone's tables, selections without *Visa*,
the charts' keys and the map's values (Debian's chromium driven by Playwright)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from lofte.catalog import load
from tests.web.results.conftest import _fresh_query_cache, built_site_home, site_home  # noqa: F401

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("site_home"),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

#: Every table cell's layout: no cell narrower than its content, values on one line.
CELL_LAYOUT = """() => {
  const out = [];
  for (const box of document.querySelectorAll('.table-scroll')) {
    const table = box.querySelector('table');
    for (const cell of table.querySelectorAll('th, td')) {
      const style = getComputedStyle(cell);
      const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
      const value = cell.querySelector('.v');
      out.push({
        table: table.dataset.testid, text: cell.innerText.trim(),
        head: cell.closest('thead') !== null,
        overflow: cell.scrollWidth - cell.clientWidth,
        lines: Math.round(cell.getBoundingClientRect().height / line),
        valueLines: value ? Math.round(value.getBoundingClientRect().height / line) : 0,
        words: Math.max(0, ...cell.innerText.split(/\\s+/).map(w => w.length)),
        width: cell.getBoundingClientRect().width, fontSize: parseFloat(style.fontSize),
      });
    }
  }
  return out;
}"""


def state(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="sv-SE")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.mark.parametrize(
    "query",
    [
        "view=tabell&region=sydost",
        "view=tabell&ptype=quarter",
        "view=trend&region=syd",
        "view=jamforelse",
        "view=karta&region=sydost",
    ],
)
def test_a_phone_scrolls_tables_sideways_instead_of_breaking_them(live_server, phone, query):
    phone.goto(f"{live_server.url}/?{query}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    cells = phone.evaluate(CELL_LAYOUT)
    assert cells
    for cell in cells:
        assert cell["overflow"] <= 1, cell  # nothing sticks out of its cell
        if cell["words"]:  # a cell is at least as wide as its longest word: no stacking
            assert cell["width"] >= cell["words"] * cell["fontSize"] * 0.45, cell
        if not cell["head"]:
            assert cell["valueLines"] <= 1, cell  # "55,8 %" stays on one line
            assert cell["lines"] <= 3, cell  # a value and its n, or a name in two lines
    if query.startswith("view=tabell&ptype=quarter"):
        box = phone.locator(".table-scroll").first
        wide = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
        assert wide[0] > wide[1]  # the table is wider than the phone and scrolls in its box


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_names_are_never_cut_in_the_dropdowns(live_server, browser, viewport):
    context = browser.new_context(viewport=viewport, locale="sv-SE")
    try:
        page = context.new_page()
        cat = load()
        for region in ["SE", *(r.code for r in cat.healthcare_regions())]:
            page.goto(f"{live_server.url}/?view=tabell&region={region}&level=healthcare_region")
            page.locator("details.more-choices > summary").evaluate(
                "s => { s.parentElement.open = true; }"
            )
            cut = page.evaluate(
                """() => [...document.querySelectorAll('#f-region, #f-level, #f-basis, #f-ptype,'
                   + ' #f-treatment, #f-from, #f-to')].map(s => {
                  const st = getComputedStyle(s);
                  const ctx = document.createElement('canvas').getContext('2d');
                  ctx.font = st.fontWeight + ' ' + st.fontSize + ' ' + st.fontFamily;
                  const text = s.options[s.selectedIndex].text;
                  const room = s.clientWidth - parseFloat(st.paddingLeft)
                    - parseFloat(st.paddingRight) - 16;  // the arrow
                  return [s.id, text, ctx.measureText(text).width, room];
                }).filter(([id, text, need, room]) => need > room)"""
            )
            assert cut == [], (viewport, cut)
        # The indicator picker: the closed face shows the whole chosen name, wrapped; the open
        # list shows every indicator's whole name inside the screen. Checked for the longest
        # names of both languages.
        present = page.eval_on_selector_all(
            "#f-indicator input[name=indicator]", "inputs => inputs.map(i => i.value)"
        )
        assert len(present) > 3
        for lang, name_of in (("sv", "name_sv"), ("en", "name_en")):
            longest = max(present, key=lambda code: len(getattr(cat.indicator(code), name_of)))
            full = getattr(cat.indicator(longest), name_of)
            assert len(full) > 45  # longer than a closed dropdown holds at 390 px
            page.goto(f"{live_server.url}/?indicator={longest}&view=tabell")
            if lang == "en":
                page.locator(".lang-switch button").click()
                page.wait_for_load_state()
            face = page.locator("#f-indicator > summary")
            assert face.locator(".picker__current").inner_text() == full
            assert face.evaluate(FITS) == [], (viewport, lang)
            face.click()
            assert page.locator("#f-indicator").evaluate("d => d.open")
            names = page.locator("#f-indicator .picker__option").all_inner_texts()
            assert full in [n.strip() for n in names]
            assert page.locator("#f-indicator .picker__list").evaluate(FITS) == [], (viewport, lang)
    finally:
        context.close()


#: The elements under (and including) a node that are cut: wider than their box, or reaching
#: past the right edge of the screen (text meant for screen readers only aside).
FITS = """root => [root, ...root.querySelectorAll('*:not(.visually-hidden)')].filter(el => {
  const box = el.getBoundingClientRect();
  return el.scrollWidth > el.clientWidth + 1 || box.right > window.innerWidth + 0.5;
}).map(el => el.outerHTML.slice(0, 120))"""


def test_the_indicator_picker_works_from_the_keyboard(live_server, page):
    page.goto(f"{live_server.url}/?view=tabell&region=syd")
    current = page.locator("#f-indicator input:checked").get_attribute("value")
    page.locator("#f-indicator > summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("#f-indicator").evaluate("d => d.open")
    page.keyboard.press("Tab")  # into the list: the chosen indicator's radio button
    assert page.evaluate("document.activeElement.value") == current
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("document.activeElement.value")
    assert chosen != current
    page.wait_for_url(f"**indicator={chosen}*")
    assert state(page.url)["region"] == "syd" and state(page.url)["view"] == "tabell"
    assert page.locator("#f-indicator input:checked").get_attribute("value") == chosen


def test_a_selection_applies_at_once_and_the_tabs_keep_it(live_server, page):
    page.goto(f"{live_server.url}/?view=tabell")
    assert not page.get_by_role("button", name="Visa").is_visible()
    page.select_option("#f-region", "syd")
    # the tabs carry the new choice at once, and the page follows without a click
    trend = page.locator('.tabs a[data-view="trend"]').get_attribute("href")
    assert state(trend)["region"] == "syd" and state(trend)["view"] == "trend"
    page.wait_for_url("**region=syd*")
    assert page.locator("#f-region").input_value() == "syd"
    page.select_option("#f-ptype", "year")
    page.wait_for_url("**ptype=year*")
    assert state(page.url)["region"] == "syd" and state(page.url)["view"] == "tabell"
    page.locator('.tabs a[data-view="karta"]').click()
    page.wait_for_url("**view=karta*")
    assert state(page.url)["region"] == "syd" and state(page.url)["ptype"] == "year"


def test_without_javascript_visa_applies_the_selection(live_server, browser):
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/?view=trend")
        button = page.get_by_role("button", name="Visa")
        assert button.is_visible()
        page.select_option("#f-region", "sydost")
        page.select_option("#f-pathway", "brost")
        button.click()
        page.wait_for_url("**region=sydost*")
        current = state(page.url)
        assert current["pathway"] == "brost" and current["view"] == "trend"
        for view in ("jamforelse", "tabell", "karta"):
            href = page.locator(f'.tabs a[data-view="{view}"]').get_attribute("href")
            assert state(href) == {**current, "view": view}
    finally:
        context.close()


def svg_texts(page, selector: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The text of SVG elements (``inner_text`` is for HTML only)."""
    return page.locator(selector).evaluate_all("els => els.map(e => e.textContent)")


def legend_labels(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.wait_for_selector("#chart[data-rendered] svg")
    return svg_texts(page, "#chart svg .role-legend-label text")


def test_every_line_zone_and_point_has_a_key(live_server, page):
    page.goto(f"{live_server.url}/?view=jamforelse&region=sydost&level=healthcare_region")
    national = page.locator('[data-testid="national-value"]').inner_text()
    labels = legend_labels(page)
    assert f"Riket: {national}" in labels
    assert "Regioner" in labels and "Sydöstra sjukvårdsregionen" in labels
    assert any(label.startswith("Målnivån nås") for label in labels)

    page.goto(f"{live_server.url}/?view=jamforelse&chart=tratt")
    labels = legend_labels(page)
    assert "95 % gräns (slumpen)" in labels and "99,8 % gräns" in labels
    assert any(label.startswith("Riket: ") for label in labels)
    # each point carries its number, and the list below names every number
    listed = page.locator('[data-testid="funnel-list"] li').count()
    marks = svg_texts(page, "#chart svg .mark-text.role-mark text")
    assert listed > 0 and sorted(marks, key=int) == [str(i) for i in range(1, listed + 1)]

    page.goto(f"{live_server.url}/?view=trend&region=sydost")
    labels = legend_labels(page)
    rows = page.locator('[data-testid="wide-table"] tbody th').all_inner_texts()
    lines = [label for label in labels if not label.startswith("Målnivå")]
    assert len(lines) == len(rows)
    assert all(short in name for short, name in zip(lines, rows, strict=True))
    assert page.locator("#chart svg .mark-line.role-mark path").count() == len(rows)


def test_the_map_shows_the_values_of_the_chosen_area(live_server, page):
    page.goto(f"{live_server.url}/?view=karta&region=sydost")
    page.wait_for_selector("#chart[data-rendered] svg")
    table = {
        row.locator("th").inner_text(): row.locator("td").first.inner_text()
        for row in page.locator('[data-testid="map-table"] tbody tr').all()
    }
    assert len(table) == 3  # Östergötland, Jönköping, Kalmar
    texts = svg_texts(page, "#chart svg .mark-text.role-mark text")
    values = [t for t in texts if any(ch.isdigit() for ch in t) or t == "–"]
    assert sorted(values) == sorted(table.values())  # the area's values, and only those
    assert "Norrbotten" in texts  # the other counties keep their names, without values
    # a gradient key fitted to the area's values
    assert page.locator("#chart svg .role-legend .role-legend-gradient").count() == 1


PAGES = [
    "/",
    "/?omrade=sydost",
    "/?view=jamforelse&region=sydost&level=healthcare_region",
    "/?view=jamforelse&chart=tratt",
    "/?view=trend",
    "/?view=tabell&ptype=month",
    "/?view=karta&region=syd",
    "/?view=om",
    "/rapporter/",
    "/om-statistiken/",
    "/api/",
    "/konto/logga-in/",
]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_no_page_is_wider_than_the_screen(live_server, browser, viewport):
    """Every public page at 390 and 1280 px: only tables scroll sideways, in their own box."""
    context = browser.new_context(viewport=viewport, locale="sv-SE")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        for path in PAGES:
            page.goto(live_server.url + path)
            if page.locator("#chart").count():
                page.wait_for_selector("#chart[data-rendered] svg")
                # the chart fits its box: nothing of it is cut at the right
                chart = page.locator("#chart svg").evaluate(
                    "s => [s.getBoundingClientRect().right, document.documentElement.clientWidth]"
                )
                assert chart[0] <= chart[1] + 1, (path, viewport, chart)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (path, viewport, width)
    finally:
        context.close()


def test_a_phone_folds_the_less_used_choices_away(live_server, phone, browser):
    phone.goto(f"{live_server.url}/?view=tabell&region=sydost&ptype=year")
    more = phone.locator("details.more-choices")
    assert more.get_attribute("open") is None  # folded on a phone ...
    summary = phone.locator("details.more-choices > summary").inner_text()
    assert "Regioner (län)" in summary and "Region där patienten bor" in summary
    assert not phone.locator("#f-ptype").is_visible()
    phone.locator("details.more-choices > summary").click()
    assert phone.locator("#f-ptype").is_visible()
    phone.select_option("#f-ptype", "half")  # ... and a choice there applies at once too
    phone.wait_for_url("**ptype=half*")
    context = browser.new_context(viewport=DESKTOP, locale="sv-SE")
    try:
        desk = context.new_page()
        desk.goto(f"{live_server.url}/?view=tabell")
        assert desk.locator("details.more-choices").get_attribute("open") is not None
        assert desk.locator("#f-ptype").is_visible()  # ... open on a large screen
    finally:
        context.close()
