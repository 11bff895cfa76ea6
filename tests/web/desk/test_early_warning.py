"""The early warning (*snart över målet*, issue 16 item 3) at the desk: the ongoing pathways of a
county that pass their target within 7 or 14 days of the cut-off, fewest days left first, with
delivery, file and line; the count per pathway on the start page; process leaders for their
pathways; audited views and a formula-neutral CSV; the overdue list on the same rule."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse

from lofte import config
from lofte.core.pseudonym import pseudonymise
from lofte.cube import service as cube_service
from lofte.svf.deliveries import import_delivery
from lofte.web.audit.models import AuditEvent
from tests.svf.test_reader import write_csv
from tests.web.accounts.fixtures import HOME_REGION, OTHER_REGION, make_user

pytestmark = [pytest.mark.usefixtures("lofte_home", "immediate_tasks"), pytest.mark.django_db]

EVIL_NAME = "=SUMMA(1;1)-snart.csv"
CUTOFF = dt.date(2024, 12, 31)

#: (patient number, KVÅ, day) — breast cancer (VG9) has 35 days in 2024; colorectal (VB2) 39
#: basic and 53 after the extended marker 44. Every pathway is ongoing at the 2024-12-31
#: cut-off unless it has an end event.
HISTORY = [
    (0, "VG910", "2024-11-26"),  # 35 days waited: last day today → 0 days left
    (1, "VG910", "2024-11-27"),  # 34 → 1 day left
    (2, "VG910", "2024-12-03"),  # 28 → 7 days left: the 14-day list only
    (3, "VG910", "2024-12-02"),  # 29 → 6 days left
    (4, "VG910", "2024-11-25"),  # 36 → past the target already
    (5, "VG910", "2024-12-20"),  # 11 → 24 days left: in no list
    (6, "VG910", "2024-11-20"),  # treated: closed
    (6, "VG950", "2024-12-15"),
    (7, "VB210", "2024-11-22"),  # colorectal, 39 days: 0 left on the basic target …
    (8, "VB210", "2024-11-22"),  # … but with the extended marker the target is 53: 14 left
    (8, "VB244", "2024-12-01"),
    (9, "VB210", "2024-11-11"),  # 50 days with the marker: under 53 (3 days left), not past
    (9, "VB244", "2024-11-20"),
]


@pytest.fixture
def people(make_personnummer: Any) -> list[str]:
    return [make_personnummer(dt.date(1940 + i, 1 + i, 2 + i), 300 + i) for i in range(10)]


@pytest.fixture
def warned(tmp_path: Any, people: list[str]) -> Any:
    rows = [[people[n], kva, day, HOME_REGION, HOME_REGION, ""] for n, kva, day in HISTORY]
    path = write_csv(tmp_path / EVIL_NAME, rows)
    delivery = import_delivery(
        path, HOME_REGION, dt.date(2024, 1, 1), CUTOFF, today=dt.date(2025, 6, 30)
    )
    assert delivery.outcome == "imported", delivery
    cube_service.compute()
    return delivery


def short(pnr: str) -> str:
    return pseudonymise(pnr, config.pseudonym_key())[:12]


def csv_rows(client: Any, slug: str, **query: Any) -> list[dict[str, str]]:
    response = client.get(reverse("desk:list_csv", args=[HOME_REGION, slug]), query)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" or "no-store" in response["Cache-Control"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def line_of(n: int, kva: str) -> str:
    """The file line (header = line 1) of patient ``n``'s event ``kva``."""
    return str(2 + next(i for i, (m, k, _) in enumerate(HISTORY) if m == n and k == kva))


def test_the_list_sorted_by_days_left_points_to_file_and_line(client, coordinator, warned, people):
    client.force_login(coordinator)
    rows = csv_rows(client, "snart-over-malet")
    assert [(r["Pseudonym"], r["Dagar kvar"]) for r in rows] == [
        (short(people[0]), "0"),
        (short(people[7]), "0"),
        (short(people[1]), "1"),
        (short(people[9]), "3"),
        (short(people[3]), "6"),
        (short(people[2]), "7"),
    ]
    first = rows[0]
    assert first["Rad"] == line_of(0, "VG910") and first["Leverans"] == str(warned.pk)
    assert first["Fil"] == "'" + EVIL_NAME  # formula-neutralised, as every desk CSV
    assert first["Mätt till"] == "2024-12-31" and first["Sista dag inom målet"] == "2024-12-31"
    assert (first["Väntat (dagar)"], first["Mål (dagar)"]) == ("35", "35")
    assert rows[1]["Vårdförlopp"] == "Tjock- och ändtarmscancer" and rows[1]["Mål (dagar)"] == "39"
    assert rows[3]["Mål (dagar)"] == "53"  # the extended target
    assert rows[5]["Sista dag inom målet"] == "2025-01-07"
    seven = csv_rows(client, "snart-over-malet", dagar=7)
    assert [r["Pseudonym"] for r in seven] == [short(people[n]) for n in (0, 7, 1, 9, 3)]
    # An unknown horizon is the 14 days.
    assert len(csv_rows(client, "snart-over-malet", dagar=3)) == 6

    page = client.get(reverse("desk:list", args=[HOME_REGION, "snart-over-malet"]), {"dagar": 7})
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert page.context["page"].paginator.count == 5
    assert short(people[3]) in html and short(people[2]) not in html
    assert f'href="/skrivbord/{HOME_REGION}/listor/snart-over-malet/csv/?dagar=7"' in html
    for pnr in people:  # the privacy rule of every desk list: pseudonyms only
        assert pnr not in html and pnr[2:] not in html
    events = AuditEvent.objects.filter(object_id="snart-over-malet").order_by("id")
    assert [(e.action, e.details.get("days"), e.details["rows"]) for e in events] == [
        ("list_exported", 14, 6),
        ("list_exported", 7, 5),
        ("list_exported", 14, 6),
        ("list_viewed", 7, 5),
    ]
    assert {(e.region, e.username) for e in events} == {(HOME_REGION, "anna")}


def test_the_overdue_list_uses_the_same_target(client, coordinator, warned, people):
    client.force_login(coordinator)
    rows = csv_rows(client, "pagaende-over-malet")
    # Only the breast-cancer pathway of 36 days; the colorectal one of 50 days had the extended
    # marker, so its target is 53, not the basic 39.
    assert [(r["Pseudonym"], r["Väntat (dagar)"], r["Längsta mål (dagar)"]) for r in rows] == [
        (short(people[4]), "36", "35")
    ]


def test_the_start_page_counts_per_pathway(client, coordinator, warned):
    client.force_login(coordinator)
    response = client.get(reverse("desk:region", args=[HOME_REGION]))
    counts = {w.pathway: (w.within[7], w.within[14], w.over) for w in response.context["warnings"]}
    assert counts == {"brost": (3, 4, 1), "kolorektal": (2, 2, 0)}
    html = response.content.decode()
    assert 'id="warning-counts"' in html and "?dagar=7" in html


def test_process_leaders_see_their_pathways_only(client, warned, people):
    from lofte.web.accounts.services import save_user

    make_user("pia", ["process_leader"], [HOME_REGION])
    leader = save_user(
        "pia", roles=["process_leader"], regions=[HOME_REGION], pathways=["kolorektal"]
    )
    client.force_login(leader)
    rows = csv_rows(client, "snart-over-malet")
    assert [r["Pseudonym"] for r in rows] == [short(people[7]), short(people[9])]
    figures = client.get(reverse("desk:figures", args=[HOME_REGION]))
    assert [w.pathway for w in figures.context["warnings"]] == ["kolorektal"]
    page = client.get(reverse("desk:list", args=[HOME_REGION, "snart-over-malet"]))
    assert page.status_code == 200 and "Leverera" not in page.content.decode()
    # The other patient lists stay the desk's; another county stays closed.
    for slug in ("pagaende-over-malet", "utanfor-ledtid", "kodningsproblem"):
        assert client.get(reverse("desk:list", args=[HOME_REGION, slug])).status_code == 403
    other = reverse("desk:list", args=[OTHER_REGION, "snart-over-malet"])
    assert client.get(other).status_code == 403


def test_before_the_first_compute_the_pages_say_so(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("desk:list", args=[HOME_REGION, "snart-over-malet"]))
    assert page.status_code == 200 and page.context["page"].paginator.count == 0
    home = client.get(reverse("desk:region", args=[HOME_REGION]))
    assert home.context["warnings"] is None


def test_english(client, coordinator, warned):
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    page = client.get(
        reverse("desk:list", args=[HOME_REGION, "snart-over-malet"]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = page.content.decode()
    assert "About to pass the target" in html and "Days left" in html
    assert "Ongoing pathways that pass their lead-time target" in html


def test_english_start_page(client, coordinator, warned):
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("desk:region", args=[HOME_REGION]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "Within 7 days" in html and "Already past the target" in html
    assert "Inom 7 dagar" not in html
