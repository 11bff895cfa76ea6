"""The browser harness itself: Chromium starts, reaches the live server and runs vendored JS."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_chromium_loads_vendored_vega_offline(live_server, page):
    page.goto(f"{live_server.url}/healthz")
    assert page.text_content("body") == "ok"
    page.goto(f"{live_server.url}/static/vendor/vega-embed.bundle.js")
    page.set_content(
        f'<div id="c"></div><script src="{live_server.url}/static/vendor/vega-embed.bundle.js">'
        "</script>"
    )
    page.wait_for_function("typeof window.vegaEmbed === 'function'")
    page.evaluate(
        """() => { vegaEmbed('#c', {data: {values: [{a: 1}, {a: 2}]}, mark: 'bar',
        encoding: {x: {field: 'a', type: 'ordinal'}, y: {field: 'a', type: 'quantitative'}}},
        {renderer: "svg", actions: false}); }"""
    )
    page.wait_for_selector("#c svg")
    assert page.locator("#c svg .mark-rect path").count() == 2
