"""The start page: the promises at a glance, for the nation and a chosen healthcare region."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import pytest

from lofte.catalog import load
from lofte.cube import query

from .helpers import rows_where, sv_value

pytestmark = pytest.mark.django_db


class _Cards(HTMLParser):
    """indicator → {"link": href, "period": text, region → [texts of its figures]}."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[str, dict] = {}
        self.links: list[str] = []
        self._card: str | None = None
        self._region: str | None = None
        self._field: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "li" and a.get("data-indicator"):
            self._card = a["data-indicator"]
            self.cards[self._card] = {}
        elif tag == "a" and a.get("href", "").startswith("/?indicator="):
            self.links.append(a["href"])
            if self._card and "link" not in self.cards[self._card]:
                self.cards[self._card]["link"] = a["href"]
        elif self._card and tag == "div" and a.get("data-region"):
            self._region = a["data-region"]
            self.cards[self._card][self._region] = {}
        elif self._card and tag == "p" and "card__period" in (a.get("class") or ""):
            self._field = "period"
        elif self._region and tag == "span":
            cls = a.get("class") or ""
            self._field = next((k for k in ("card__value", "verdict", "change") if k in cls), None)

    def handle_endtag(self, tag):
        if tag in ("span", "p"):
            self._field = None
        elif tag == "div":
            self._region = None
        elif tag == "li" and self._region is None:
            self._card = None

    def handle_data(self, data):
        if not self._field or not self._card:
            return
        target = self.cards[self._card] if self._field == "period" else None
        if target is None:
            target = self.cards[self._card][self._region]
        target[self._field] = (target.get(self._field, "") + data).strip()


def parse(html: str) -> _Cards:
    parser = _Cards()
    parser.feed(html)
    return parser


def test_the_start_page_opens_every_indicator(client, site_home):
    html = client.get("/").content.decode()
    assert "<h1>Löftena i korthet</h1>" in html
    page = parse(html)
    linked = {parse_qs(urlparse(link).query)["indicator"][0] for link in page.links}
    assert linked == set(query.indicators())
    cat = load()
    headings = re.findall(r'<h2 id="promise-\d+">(.*?)</h2>', html)
    promised = {cat.indicator(code).promise for code in query.indicators()}
    assert len(headings) == len(promised)
    for link in page.links:  # each link opens that indicator's page
        response = client.get(link)
        code = parse_qs(urlparse(link).query)["indicator"][0]
        name = cat.indicator(code).name_sv
        assert response.status_code == 200 and f'id="page-heading">{name}<' in (
            response.content.decode()
        )


def _change(now: float, before: float, unit: str) -> str:
    delta = Decimal(repr(now)) - Decimal(repr(before))
    size = abs(delta).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    sign = "+" if delta > 0 else "−" if delta < 0 else "±"
    return f"{sign}{str(size).replace('.', ',')}" + (" procentenheter" if unit == "percent" else "")


def test_a_card_shows_the_latest_value_verdict_and_change_of_nation_and_region(
    client, site_home, public_cube
):
    html = client.get("/", {"omrade": "sydost"}).content.decode()
    card = parse(html).cards["svf_andel_inom_ledtid"]
    # the test cube ends on 31 December 2025: the newest complete half is 2025H2
    assert card["period"].startswith("Andra halvåret 2025")
    assert set(card) >= {"SE", "sydost", "link", "period"}
    assert parse_qs(urlparse(card["link"]).query)["region"] == ["sydost"]
    for region in ("SE", "sydost"):
        where = dict(
            indicator="svf_andel_inom_ledtid",
            region=region,
            region_basis="bostad",
            pathway="alla",
            treatment="alla",
        )
        now = rows_where(public_cube, **where, period="2025H2")[0]
        before = rows_where(public_cube, **where, period="2024H2")[0]
        shown = card[region]
        assert shown["card__value"] == sv_value(now["value"], "percent")
        expected = {True: "Når målnivån", False: "Når inte målnivån"}.get(now["meets_target"])
        if expected:
            assert shown["verdict"] == expected
        if now["value"] is not None and before["value"] is not None:
            assert shown["change"].startswith(
                _change(now["value"], before["value"], "percent")
                + " jämfört med andra halvåret 2024"
            )


def test_the_nation_alone_and_a_bad_region(client, site_home):
    for params in ({}, {"omrade": "atlantis"}):
        page = parse(client.get("/", params).content.decode())
        assert all(set(c) == {"SE", "link", "period"} for c in page.cards.values())


def test_old_links_still_open_an_indicator_page(client, site_home):
    html = client.get("/", {"view": "karta"}).content.decode()
    assert 'data-view="karta" aria-current="page"' in html
    assert "Löftena i korthet" not in html
