"""The staff's *Vad händer om…?* page: the figures are those of lofte.core.whatif on the
selection, the caveat is there in both languages, scope is enforced and the view is audited."""

from __future__ import annotations

import datetime as dt
import re

import pyarrow.parquet as pq
import pytest
from django.urls import reverse

from lofte.catalog import load
from lofte.core import whatif as core
from lofte.cube import engine as cube_engine
from lofte.cube import service as cube_service
from lofte.cube import whatif
from lofte.web.audit.models import AuditEvent
from tests.svf.engine_helpers import table
from tests.svf.test_engine_property import numbered
from tests.web.accounts.fixtures import HOME_REGION, OTHER_REGION, make_user

pytestmark = [pytest.mark.usefixtures("lofte_home"), pytest.mark.django_db]

START = dt.date(2024, 1, 8)


def history(start: dt.date = START) -> list[dict]:
    """Breast cancer in 05: 20 patients, the target 35 days (2024 version), lead times 30 … 49
    days as 5 + 10 + (15 … 34): shortening the first interval by 7 days saves only its 5 days,
    either later interval moves 7 more patients within (the earlier one is named on a tie)."""
    events = []
    for p in range(20):
        day = start + dt.timedelta(days=3 * p)
        visit = day + dt.timedelta(days=5)
        diagnosis = visit + dt.timedelta(days=10)
        treatment = diagnosis + dt.timedelta(days=15 + p)  # lead 30 + p: 30 … 49
        for suffix, when in ((10, day), (25, visit), (40, diagnosis), (50, treatment)):
            events.append(
                {
                    "patient": f"p{p}",
                    "pathway": "brost",
                    "suffix": suffix,
                    "event_date": when,
                    "reporting_region": HOME_REGION,
                    "residence_region": HOME_REGION,
                }
            )
    return events


@pytest.fixture
def computed_home():
    result = cube_engine.compute(table(numbered(history())), {}, [], load())
    path = cube_service.instances_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(result.instances, path)
    cube = cube_service.cube_path()
    cube.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(result.cube, cube)
    return result


def test_the_page_shows_the_arithmetic_of_the_selection(client, computed_home):
    client.force_login(make_user("anna", ["svf_coordinator"], [HOME_REGION]))
    url = reverse("whatif:page", args=[HOME_REGION])
    params = {"forlopp": "brost", "period": "2024", "intervall": "2", "typ": "shorten"}
    response = client.get(url, {**params, "varde": "7"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    patients = whatif.select(
        whatif.read_table(computed_home.instances), pathway="brost", region=HOME_REGION,
        period="2024",
    )  # fmt: skip
    expected = core.outcome(patients, core.Scenario(2, "shorten", 7))
    assert expected.n == 20 and expected.within_before == 6 and expected.moved > 0
    assert f"{expected.within_before} / 20" in html
    assert f"{expected.within_after} / 20" in html
    assert "inte en prognos" in html
    assert '<option value="alla">Alla vårdförlopp</option>' in html
    # The 7-day table: +5, +7, +7 patients; the earlier of the two best is named.
    row = re.search(r'<table class="table" id="whatif-table">.*?</table>', html, re.S)
    assert row and "Bröstcancer" in row.group(0)
    assert [m for m in re.findall(r"\(\+(\d+)\)", row.group(0))] == ["5", "7", "7"]
    assert row.group(0).count("Första besök → diagnosbesked") == 2  # head and "helps most"
    # Where the days go: the cube's medians and those of the patients who missed.
    days = re.search(r'id="whatif-intervals">.*?</table>', html, re.S)
    assert days and 'data-step="diagnos_till_behandling"' in days.group(0)
    assert AuditEvent.objects.filter(action="figures_viewed", region=HOME_REGION).exists()

    # Shortening by 0 days changes nothing.
    zero = client.get(url, {**params, "varde": "0"}).content.decode()
    assert zero.count(f"{expected.within_before} / 20") == 2

    # English.
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url, params).content.decode()
    assert "not a forecast" in english
    assert '<option value="alla">All pathways</option>' in english
    assert '<option value="brost" selected>Breast cancer</option>' in english


def test_another_county_is_refused(client, computed_home):
    client.force_login(make_user("anna", ["svf_coordinator"], [HOME_REGION]))
    assert client.get(reverse("whatif:page", args=[OTHER_REGION])).status_code == 403


def test_a_coordinator_cannot_widen_the_area(client, computed_home):
    client.force_login(make_user("anna", ["svf_coordinator"], [HOME_REGION]))
    html = client.get(
        reverse("whatif:page", args=[HOME_REGION]), {"omrade": "SE", "forlopp": "brost"}
    ).content.decode()
    assert '<option value="SE"' not in html


def test_a_result_is_cited_in_an_action_with_the_numbers_recomputed(client, computed_home):
    from lofte.web.plans.models import Action, Area, Goal, Plan
    from lofte.web.whatif.models import Citation

    plan = Plan.objects.create(slug="p", name="Plan", organisation="RCC")
    goal = Goal.objects.create(area=Area.objects.create(plan=plan, name="A"), text="G")
    action = Action.objects.create(goal=goal, ref="1", title="Fler ledtider")
    url = reverse("whatif:cite", args=[HOME_REGION])
    form = {"forlopp": "brost", "period": "2024", "intervall": "1", "typ": "shorten",
            "varde": "7", "atgard": str(action.pk), "n": "999"}  # fmt: skip

    # A coordinator may not edit plan actions: refused, nothing stored.
    client.force_login(make_user("anna", ["svf_coordinator"], [HOME_REGION]))
    page = client.get(reverse("whatif:page", args=[HOME_REGION])).content.decode()
    assert "whatif-cite" not in page
    assert client.post(url, form).status_code == 403
    assert not Citation.objects.exists()

    client.force_login(make_user("rut", ["rcc_admin"]))
    page = client.get(reverse("whatif:page", args=[HOME_REGION]), form).content.decode()
    assert 'id="whatif-cite"' in page
    response = client.post(url, form)
    assert response.status_code == 302 and response.url == reverse("plans:action", args=[action.pk])
    citation = Citation.objects.get()
    assert (citation.n, citation.within_before, citation.within_after) == (20, 6, 13)
    assert (citation.pathway, citation.period, citation.interval) == ("brost", "2024", 1)
    assert AuditEvent.objects.filter(action="action_changed", object_id=str(action.pk)).exists()
    detail = client.get(response.url).content.decode()
    assert 'id="whatif-citations"' in detail and "30,0 % → 65,0 %" in detail.replace(".", ",")
    assert citation.url().replace("&", "&amp;") in detail


def two_years() -> list[dict]:
    """history() in 2024, and in 2023 the same patients' pathways with a first visit 40 days
    after the start instead of 5: everyone missed the (then 28-day) lead time, and the longest
    interval among them was the wait for the first visit, not for treatment."""
    earlier = []
    for e in history(dt.date(2023, 1, 9)):
        shift = dt.timedelta(days=35) if e["suffix"] != 10 else dt.timedelta(0)
        earlier.append({**e, "patient": "y" + e["patient"], "event_date": e["event_date"] + shift})
    return earlier + history()


@pytest.fixture
def computed_two_years():
    result = cube_engine.compute(table(numbered(two_years())), {}, [], load())
    for path, data in ((cube_service.instances_path(), result.instances),
                       (cube_service.cube_path(), result.cube)):  # fmt: skip
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(data, path)
    return result


def test_a_year_earlier_for_every_interval_figure(client, computed_two_years):
    """Issue 16: the median, the quartiles and the median among those who missed, each beside
    the same period a year earlier with the change, and whether the longest interval for those
    who missed changed."""
    client.force_login(make_user("anna", ["svf_coordinator"], [HOME_REGION]))
    url = reverse("whatif:page", args=[HOME_REGION])
    response = client.get(url, {"forlopp": "brost", "period": "2024"})
    cube = computed_two_years.cube.to_pylist()

    def value(code, period):
        return next(
            c["value"]
            for c in cube
            if (c["indicator"], c["period"], c["region"], c["pathway"])
            == (code, period, HOME_REGION, "brost")
            and c["treatment"] == "alla"
            and c["region_basis"] == "avslutande"
        )

    rows = {r["stem"]: r for r in response.context["intervals"]}
    first = rows["start_till_besok"]
    assert first["missed_earlier"]["value"] == value("svf_missad_median_start_till_besok", "2023")
    assert first["p25_earlier"]["value"] == value("svf_p25_start_till_besok", "2023")
    assert first["p75_earlier"]["value"] == value("svf_p75_start_till_besok", "2023")
    assert first["missed_change"] == pytest.approx(
        value("svf_missad_median_start_till_besok", "2024")
        - value("svf_missad_median_start_till_besok", "2023")
    )
    assert first["missed_change"] == pytest.approx(5 - 40)
    assert first["p25_change"] == pytest.approx(-35) and first["p75_change"] == pytest.approx(-35)
    html = response.content.decode()
    row = re.search(r'<tr data-step="start_till_besok".*?</tr>', html, re.S).group(0)
    assert re.search(r'data-col="missed-earlier">40,0', row)
    assert re.search(r'data-col="quartiles-earlier">40,0–40,0', row)
    assert re.search(r'data-col="missed-change">-35,0', row)
    # The longest interval for those who missed: treatment in 2024, the first visit in 2023.
    assert response.context["longest"] == "diagnos_till_behandling"
    assert response.context["longest_earlier"] == "start_till_besok"
    longest = html[html.index('id="whatif-longest"') :].split("</p>")[0]
    assert 'data-longest-change="changed"' in longest and "Välgrundad misstanke" in longest
    # Two readings of "costs most", each named for what it is.
    assert "kostar mest" not in html
    assert "längst för dem som missade" in html and "Hjälper mest" in html
    # No sub-target share: the SVF gives none, and the page says so.
    assert "SVF anger inga delmål" in html


def test_the_page_names_periods_in_words_and_loads_its_styles(client, computed_home):
    client.force_login(make_user("anna", ["svf_coordinator"], [HOME_REGION]))
    html = client.get(
        reverse("whatif:page", args=[HOME_REGION]), {"period": "2024H1"}
    ).content.decode()
    assert '<option value="2024H1" selected>första halvåret 2024</option>' in html
    assert ">2024H1<" not in html
    # the row of the longest interval is styled by the page's own sheet, not the plans' one
    assert "gap--none" not in html and "whatif/staff.css" in html


def test_a_period_that_is_not_one_never_fails(client, computed_home):
    """An instance file without closed pathways gives no period choices: a bookmark's period
    that is not a period is dropped (never a 500 from parsing it)."""
    pq.write_table(computed_home.instances.slice(0, 0), cube_service.instances_path())
    from lofte.web.whatif import services

    services._cache.clear()
    client.force_login(make_user("rut", ["rcc_admin"]))
    url = reverse("whatif:page", args=[HOME_REGION])
    response = client.get(url, {"period": "inte-en-period", "forlopp": "brost"})
    assert response.status_code == 200
    assert 'id="whatif-result"' not in response.content.decode()
    form = {"period": "inte-en-period", "forlopp": "brost", "atgard": "0"}
    from lofte.web.plans.models import Action, Area, Goal, Plan

    plan = Plan.objects.create(slug="p", name="Plan", organisation="RCC")
    goal = Goal.objects.create(area=Area.objects.create(plan=plan, name="A"), text="G")
    form["atgard"] = str(Action.objects.create(goal=goal, ref="1", title="T").pk)
    cited = client.post(reverse("whatif:cite", args=[HOME_REGION]), form)
    assert cited.status_code == 302 and cited.url == url


def test_citable_actions_filter_before_they_cut(db):
    """A process leader's editable action after many others is still offered."""
    from lofte.web.plans.models import Action, Area, Goal, Plan
    from lofte.web.whatif import services

    plan = Plan.objects.create(slug="p", name="Plan", organisation="RCC")
    goal = Goal.objects.create(area=Area.objects.create(plan=plan, name="A"), text="G")
    for i in range(6):
        Action.objects.create(goal=goal, ref=str(i), title="Någon annans", position=i)
    mine = Action.objects.create(goal=goal, ref="9", title="Min", position=9)
    leader = make_user("pia", ["process_leader"], [HOME_REGION])
    mine.responsible_users.add(leader)
    assert services.citable_actions(leader, limit=1) == [mine]
    assert services.citable_actions(make_user("vera", ["viewer"]), limit=1) == []


def cite_directly(action, *, area, pathway, period, basis, interval, county=HOME_REGION):
    """A citation of "``interval`` 7 days shorter" with the counts the instances give."""
    from lofte.web.whatif.models import Citation

    instances = services_instances()
    patients = whatif.select(instances, pathway=pathway, region=area, period=period, basis=basis)
    outcome = core.outcome(patients, core.Scenario(interval, "shorten", 7))
    return Citation.objects.create(
        action=action, county=county, area=area, pathway=pathway, period=period, basis=basis,
        interval=interval, kind="shorten", amount=7, n=outcome.n,
        within_before=outcome.within_before, within_after=outcome.within_after,
    )  # fmt: skip


def services_instances():
    from lofte.web.whatif import services

    return services.instances()


def citation_items(html):
    return dict(
        re.findall(r'<li data-citation="(\d+)" (data-figures="[a-z]+".*?)</li>', html, re.S)
    )


@pytest.mark.parametrize(
    ("roles", "regions", "internal"),
    [
        (["viewer"], [], set()),
        (["assessor"], [], set()),
        (["svf_coordinator"], [HOME_REGION], {"county"}),
        (["process_leader"], [HOME_REGION], {"county"}),
        (["rcc_admin"], [], {"county", "public", "hidden", "nation"}),
    ],
)
def test_cited_counts_reach_internal_readers_only(client, computed_home, roles, regions, internal):
    """SPEC §1, §7: every staff role reads an action, but a cited what-if result's counts only
    reach a reader with the selection's internal figures; anyone else sees figures only where
    the public site shows the scenario today (ADR 0610), else the scenario in words."""
    from lofte.web.plans.models import Action, Area, Goal, Plan

    plan = Plan.objects.create(slug="p", name="Plan", organisation="RCC")
    goal = Goal.objects.create(area=Area.objects.create(plan=plan, name="A"), text="G")
    action = Action.objects.create(goal=goal, ref="1", title="Fler ledtider")
    public = {"area": "sydost", "pathway": "brost", "period": "2024H1", "basis": "bostad"}
    cited = {
        # a county, a quarter-free year, n = 20: internal only
        "county": cite_directly(
            action,
            area=HOME_REGION,
            pathway="brost",
            period="2024",
            basis="avslutande",
            interval=1,
        ),
        # a public cell whose "first interval 7 days shorter" the public gate shows
        "public": cite_directly(action, **public, interval=0),
        # the same cell's second interval, which the gate hides
        "hidden": cite_directly(action, **public, interval=1),
        # the nation, all pathways: never public
        "nation": cite_directly(
            action, area="SE", pathway="alla", period="2024Q1", basis="avslutande", interval=2
        ),
    }
    client.force_login(make_user("u", roles, regions))
    response = client.get(reverse("plans:action", args=[action.pk]))
    assert response.status_code == 200
    items = citation_items(response.content.decode())
    assert set(items) == {str(c.pk) for c in cited.values()}
    for key, citation in cited.items():
        text = items[str(citation.pk)]
        counts = f"(n = {citation.n})"
        if key in internal:
            assert 'data-figures="cited"' in text and counts in text, key
            assert "Öppna igen" in text
        elif key == "public":
            published = core.outcome(
                whatif.select(services_instances(), pathway="brost", region="sydost",
                              period="2024H1", basis="bostad"),
                core.Scenario(0, "shorten", 7),
            )  # fmt: skip
            assert 'data-figures="published"' in text, key
            assert f"(n = {published.n})" in text and "visar i dag" in text
            assert "Öppna igen" not in text
        else:
            assert 'data-figures="none"' in text and "% →" not in text and "n =" not in text, key
            assert "Öppna igen" not in text
    # The selection in words: region, pathway and period names, never codes.
    county = items[str(cited["county"].pk)]
    assert "Östergötland, Bröstcancer, 2024" in county
    nation = items[str(cited["nation"].pk)]
    assert "Riket, Alla vårdförlopp, första kvartalet 2024" in nation
    assert "alla," not in nation and "05," not in county


@pytest.mark.parametrize(
    ("roles", "regions", "linked"),
    [
        (["process_leader"], [HOME_REGION], True),
        (["svf_coordinator"], [HOME_REGION], True),
        (["viewer"], [], False),
        (["assessor"], [], False),
        (["applicant"], [], False),
    ],
)
def test_the_page_is_linked_where_its_readers_navigate(
    client, computed_home, roles, regions, linked
):
    """Issue 16: process leaders reach the page from their desk pages (Interna siffror, the
    early warning, the page itself); roles the page refuses are never offered the link."""
    client.force_login(make_user("u", roles, regions))
    link = f'href="{reverse("whatif:page", args=[HOME_REGION])}"'
    pages = [
        reverse("desk:figures", args=[HOME_REGION]),
        reverse("desk:list", args=[HOME_REGION, "snart-over-malet"]),
        reverse("whatif:page", args=[HOME_REGION]),
    ]
    for url in pages:
        response = client.get(url)
        assert (response.status_code == 200) is linked, url
        assert (link in response.content.decode()) is linked, url
    for url in (reverse("accounts:home"), reverse("plans:home"), reverse("plans:board")):
        response = client.get(url)
        if response.status_code == 200:
            staff_link = re.search(
                r'href="/skrivbord/[^"]*/vad-hander-om/', response.content.decode()
            )
            assert staff_link is None or linked, url


def test_a_process_leader_with_several_counties_finds_the_page(client, computed_home):
    client.force_login(make_user("pia", ["process_leader"], [HOME_REGION, OTHER_REGION]))
    html = client.get(reverse("desk:home")).content.decode()
    for county in (HOME_REGION, OTHER_REGION):
        assert f'href="{reverse("whatif:page", args=[county])}"' in html
