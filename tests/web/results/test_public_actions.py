"""The public indicator page lists, per region shown, the active actions of the action plans
linked to the indicator (count and titles; issue 13, part 5), through lofte.web.providers:
no person, no account, no finished, paused or cancelled action."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model

from lofte.catalog import load
from lofte.web import providers
from lofte.web.plans import gaps
from lofte.web.plans.models import Action, Area, Goal, Plan
from lofte.web.plans.services import set_links

pytestmark = pytest.mark.django_db

PAGE = {"indicator": "svf_andel_inom_ledtid", "region": "sydost", "view": "tabell"}


@pytest.fixture(autouse=True)
def fresh_actions():
    gaps.forget_public_actions()
    yield
    gaps.forget_public_actions()


def action(ref, title, *, indicator="svf_andel_inom_ledtid", region, status="pagaende", due=None):
    plan, _ = Plan.objects.get_or_create(
        slug="rcc-sydost", defaults={"name": "Handlingsplan", "organisation": "RCC Sydöst"}
    )
    area, _ = Area.objects.get_or_create(plan=plan, name="Ledtider")
    goal, _ = Goal.objects.get_or_create(area=area, text="Kortare ledtider")
    made = Action.objects.create(
        goal=goal,
        ref=ref,
        title=title,
        status=status,
        responsible="Anna Andersson, processledare",
        due_date=due,
    )
    set_links(made, [indicator], [region], [])
    return made


def section(html: str) -> dict[str, tuple[int, list[str]]]:
    """region code → (count shown, titles listed) of the page's section on actions."""
    found = re.search(r'<section class="actions".*?</section>', html, re.S)
    assert found, "the page has no section on actions"
    out = {}
    row = r'<li data-region="([^"]+)" data-count="(\d+)">(.*?)</li>\s*'
    following = r"(?=<li data-region|</ul>\s*</section>)"
    for code, count, body in re.findall(row + following, found.group(0), re.S):
        titles = re.findall(r"<li>(.*?)</li>", body)
        out[code] = (int(count), titles)
    return out


def test_counts_and_titles_per_region_without_persons(client, site_home):
    leader = get_user_model().objects.create_user("kalle.karlsson", first_name="Kalle")
    regional = action("A1", "Snabbare remissflöde", region="sydost", due=dt.date(2026, 3, 1))
    regional.responsible_users.add(leader)
    action("A2", "Fler mottagningstider i Jönköping", region="06", due=dt.date(2026, 1, 1))
    action("A3", "Avslutad förbättring", region="06", status="klar")
    action("A4", "Pausad förbättring", region="05", status="pausad")
    action("A5", "Inställd förbättring", region="08", status="installd")
    action("A6", "Gäller en annan indikator", region="sydost", indicator="svf_andel_mdk")
    html = client.get("/", PAGE).content.decode()
    shown = section(html)
    # the area and its counties (and the nation): the healthcare region's action applies to
    # each county of it; a county's own action only to that county; due date first
    assert shown["sydost"] == (1, ["Snabbare remissflöde"])
    assert shown["06"] == (2, ["Fler mottagningstider i Jönköping", "Snabbare remissflöde"])
    assert shown["05"] == (1, ["Snabbare remissflöde"])
    assert shown["08"] == (1, ["Snabbare remissflöde"])
    assert shown["SE"] == (0, [])
    assert "inga aktiva åtgärder" in html  # the nation's row says so in words
    for hidden in ("Avslutad", "Pausad", "Inställd", "en annan indikator"):
        assert hidden not in html
    for person in ("Anna Andersson", "processledare", "kalle.karlsson", "Kalle"):
        assert person not in html
    english = client.get("/", PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Actions in the action plans" in english and "2 active actions" in english


def test_the_page_agrees_with_the_gap_board_definition(client, site_home):
    action("B1", "Regionens åtgärd", region="sydost")
    action("B2", "Länets åtgärd", region="05", status="planeras")
    action("B3", "Ej påbörjad", region="05", status="ej_paborjad")
    shown = section(client.get("/", PAGE).content.decode())
    for code, (count, titles) in shown.items():
        expected = [a.title for a in gaps.gap_actions("svf_andel_inom_ledtid", code)]
        assert sorted(titles) == sorted(expected), code
        assert count == len(expected)
    assert shown["05"][0] == 3


def test_a_changed_action_shows_at_the_next_request(client, site_home):
    made = action("C1", "Första titeln", region="sydost")
    assert section(client.get("/", PAGE).content.decode())["sydost"] == (1, ["Första titeln"])
    made.status = "klar"
    made.save()  # the plans app's signal drops the kept read; the page key holds the titles
    assert section(client.get("/", PAGE).content.decode())["sydost"] == (0, [])


def test_without_a_provider_the_section_is_left_out(client, site_home, monkeypatch):
    action("D1", "Syns inte", region="sydost")
    monkeypatch.setattr(providers, "_public_actions", None)
    html = client.get("/", PAGE).content.decode()
    assert 'class="actions"' not in html and "Syns inte" not in html
    assert providers.public_actions("x", ["SE"]) == {"SE": []}


def test_untrusted_titles_are_escaped(client, site_home):
    action("E1", '<script>alert("x")</script>', region="sydost")
    html = client.get("/", PAGE).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert load().region("sydost")  # the region of the fixture exists
